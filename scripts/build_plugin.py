"""Build the installable QGIS plugin zip: ``familienatlas/`` with code, metadata, licence, styles and
compiled translations, as QGIS's "install from ZIP" expects."""

from __future__ import annotations

import argparse
import configparser
import subprocess
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLUGIN_NAME = "familienatlas"
SKIP = {"__pycache__", ".pytest_cache"}


def compile_translations(i18n: Path) -> None:
    """Compile .ts to .qm with lrelease when it is installed; committed .qm files are used otherwise."""
    for ts in sorted(i18n.glob("*.ts")):
        for tool in ("lrelease", "lrelease-qt5", "/usr/lib/qt5/bin/lrelease"):
            try:
                subprocess.run([tool, "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True,
                               capture_output=True)
                break
            except (FileNotFoundError, subprocess.CalledProcessError):
                continue


def build(out_dir: Path) -> Path:
    source = ROOT / "qgis_plugin"
    if (source / "i18n").is_dir():
        compile_translations(source / "i18n")
    meta = configparser.ConfigParser()
    meta.read(ROOT / "metadata.txt", encoding="utf-8")
    version = meta["general"]["version"]
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{PLUGIN_NAME}-{version}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source)
            if path.is_dir() or SKIP & set(rel.parts) or path.suffix in (".pyc", ".ts"):
                continue
            zf.write(path, f"{PLUGIN_NAME}/{rel.as_posix()}")
        zf.write(ROOT / "metadata.txt", f"{PLUGIN_NAME}/metadata.txt")
        zf.write(ROOT / "LICENSE", f"{PLUGIN_NAME}/LICENSE")
        for style in sorted((ROOT / "styles").glob("*")):
            if style.is_file():
                zf.write(style, f"{PLUGIN_NAME}/styles/{style.name}")
    print(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "dist"))
    build(Path(parser.parse_args().out))


if __name__ == "__main__":
    main()

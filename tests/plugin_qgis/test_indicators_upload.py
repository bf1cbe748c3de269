""""Indikatorwerte hochladen" in real QGIS: the dialog's report table (outcomes, old -> new, reasons,
filters, summary) and the menu entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.PyQt.QtCore import Qt

from qgis_plugin.core.indicators import PreparedUpload, UploadReport, upload
from qgis_plugin.gui.indicator_upload import IndicatorUploadDialog

from .plugin_support import ARTIFACTS, login, wait_until
from .test_plugin_processing import Recorder, credentials

ROLE = Qt.ItemDataRole.UserRole

REPORT = {"dry_run": True, "rows": [
    {"source": "Zeile 2", "unit": "034590024024", "unit_name": "Melle", "year": 2023, "status": "new", "new": 12.5},
    {"source": "Zeile 3", "unit": "034590014014", "unit_name": "Bramsche", "year": 2023, "status": "changed",
     "old": 1234.5, "new": 1300},
    {"source": "Zeile 4", "unit": "034590019019", "year": 2023, "status": "unchanged", "old": 3, "new": 3},
    {"source": "Zeile 5", "unit": "Atlantis", "year": 2023, "status": "invalid", "code": "unknown_unit",
     "reason": "Unbekannte Raumeinheit „Atlantis“."},
]}


def test_the_report_table_lists_filters_and_sums_up(qgis_app: Any, tmp_path: Path) -> None:
    dialog = IndicatorUploadDialog(client=None)
    report = UploadReport.from_answer(REPORT, dry_run=True)
    dialog.report = report
    dialog.show_report(report)
    table = dialog.table
    assert table.rowCount() == 4
    assert [table.item(r, 4).text() for r in range(4)] == ["neu", "geändert", "unverändert", "ungültig"]
    assert (table.item(1, 1).text(), table.item(1, 5).text(), table.item(1, 6).text()) == (
        "Bramsche (034590014014)", "1.234,5", "1.300")
    assert table.item(3, 7).text() == "Unbekannte Raumeinheit „Atlantis“."
    assert table.item(3, 7).toolTip() == "Unbekannte Raumeinheit „Atlantis“. [unknown_unit]"
    assert "1 neu, 1 geändert, 1 unverändert, 0 abgelehnt, 1 ungültig" in dialog.summary.text()
    assert "nichts gespeichert" in dialog.summary.text()
    # An invalid row: the server would write nothing, so there is nothing to send.
    dialog._update_buttons()
    assert not dialog.send_button.isEnabled()

    dialog.status_filter.setCurrentIndex(dialog.status_filter.findData("invalid"))
    assert dialog.visible_statuses() == ["invalid"]
    dialog.status_filter.setCurrentIndex(0)
    dialog.text_filter.setText("bramsche")
    assert dialog.visible_statuses() == ["changed"]

    # Another file makes the report stale.
    other = tmp_path / "andere.csv"
    other.write_text("x")
    dialog.set_file(str(other))
    assert table.rowCount() == 0 and dialog.report is None


def test_the_menu_has_the_indicator_actions(plugin: Any) -> None:
    texts = [action.text() for action in plugin.menu.actions() if action.text()]
    assert "Indikatorwerte hochladen…" in texts and "Indikator als Karte…" in texts
    assert plugin.actions["indicator_upload"] in plugin.toolbar.actions()
    assert plugin.actions["indicator_map"] in plugin.toolbar.actions()


# ---------------------------------------------------------------------- against the real server

MELLE_KEY, BRAMSCHE_KEY = "034590024024-05", "034590014014-02"  # Ortsteile: the levels editors maintain


def _csv(path: Path, rows: list[tuple[str, int, str]]) -> Path:
    """A CSV as a German office exports it: semicolons, decimal comma, thousands point, Windows-1252."""
    text = "Gemeindeschlüssel;Jahr;Wert\r\n" + "".join(f"{key};{year};{value}\r\n" for key, year, value in rows)
    path.write_bytes(text.encode("cp1252"))
    return path


def _run(dialog: IndicatorUploadDialog, action: Any) -> None:
    action()
    wait_until(lambda: not dialog.busy, what="the upload task")


def _pending_values(url: str, year: int) -> list[dict[str, Any]]:
    admin = login(url, "admin")
    return [{**entry["after"]["properties"], "push_id": entry["push_id"]}
            for entry in admin.pending(layer="indicator_values") if entry["after"]["properties"]["year"] == year]


def test_dry_run_reports_and_writes_nothing_then_send_makes_pending_values(live_server: Any, plugin: Any,
                                                                          tmp_path: Path) -> None:
    client = login(live_server.url, "melle.editor")
    dialog = IndicatorUploadDialog(client)
    dialog.load()
    wait_until(lambda: dialog.indicator_combo.count() > 1, what="the catalogue")
    dialog.select_indicator("bev_u6")
    # The template: an xlsx with the own units, saved where the person says and picked as the file.
    _run(dialog, lambda: dialog.save_template(str(tmp_path / "vorlage.xlsx")))
    assert (tmp_path / "vorlage.xlsx").is_file(), dialog.summary.text()
    assert (tmp_path / "vorlage.xlsx").read_bytes()[:2] == b"PK"
    assert dialog.file_widget.filePath() == str(tmp_path / "vorlage.xlsx")
    dialog.set_file(str(_csv(tmp_path / "werte.csv", [(MELLE_KEY, 2025, "1.234"), (BRAMSCHE_KEY, 2025, "7")])))
    _run(dialog, dialog.check)
    rows = {dialog.table.item(r, 1).text(): dialog.table.item(r, 0).data(ROLE) for r in range(dialog.table.rowCount())}
    assert sorted(rows.values()) == ["new", "refused"], dialog.summary.text()
    refused = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).data(ROLE) == "refused")
    assert BRAMSCHE_KEY in dialog.table.item(refused, 1).text() and dialog.table.item(refused, 7).text()
    assert "nichts gespeichert" in dialog.summary.text() and not dialog.send_button.isEnabled()
    assert _pending_values(live_server.url, 2025) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    dialog.show()
    assert dialog.grab().save(str(ARTIFACTS / "indicator_upload_dry_run.png"))  # for a person to look at
    dialog.hide()

    dialog.set_file(str(_csv(tmp_path / "melle.csv", [(MELLE_KEY, 2025, "1.234")])))
    _run(dialog, dialog.check)
    assert dialog.report is not None and dialog.report.counts()["new"] == 1 and dialog.send_button.isEnabled()
    key = dialog.prepared.idempotency_key
    _run(dialog, dialog.send)
    assert dialog.summary.text().startswith("Gesendet: 1 Wert ("), dialog.summary.text()
    assert "Gelesen als:" in dialog.summary.text() and "Trennzeichen „;“" in dialog.summary.text()
    [pending] = _pending_values(live_server.url, 2025)
    assert (pending["unit"], pending["value"], pending["owner"]) == (MELLE_KEY, 1234, "034590024024")
    # The same upload again (a lost answer retried): the server recognises the key, nothing doubles.
    again = PreparedUpload.from_path(tmp_path / "melle.csv", "bev_u6")
    again.idempotency_key = key
    assert upload(client, again, dry_run=False).applied
    assert len(_pending_values(live_server.url, 2025)) == 1


def test_the_processing_algorithm_checks_a_file(live_server: Any, plugin: Any, processing: Any,
                                                tmp_path: Path) -> None:
    authcfg = credentials(live_server.url, "melle.editor")
    feedback = Recorder()
    results = processing.run("familienatlas:upload_indicator_values", {
        "SERVER_URL": live_server.url, "AUTHCFG": authcfg, "INDICATOR": "bev_u6", "DRY_RUN": True,
        "INPUT": str(_csv(tmp_path / "werte.csv", [(MELLE_KEY, 2025, "1.234"), ("Atlantis", 2025, "7")]))},
        feedback=feedback)
    assert (results["NEW"], results["INVALID"], results["APPLIED"]) == (1, 1, False)
    assert any("Atlantis" in error for error in feedback.errors)
    assert _pending_values(live_server.url, 2025) == []

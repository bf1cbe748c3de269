"""The ``familienatlas`` command: checkout, status and sync of a working copy without QGIS.

It serves scripted updates (a nightly sync on a municipality's server), support staff, and tests
that exercise the core end to end. Exit codes: 0 everything done, 1 something was refused or a
conflict is left for a person, 2 an error stopped the run.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .api import AtlasClient
from .errors import AtlasError
from .messages import SUPPORTED_LANGUAGES, set_language, tr
from .sync import Synchronizer, SyncReport, prefer
from .workcopy import FILE_NAME, WorkingCopy

PASSWORD_ENV = "FAMILIENATLAS_PASSWORD"

EXIT_OK, EXIT_ATTENTION, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with help texts in the language chosen before it is built."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=SUPPORTED_LANGUAGES, help=tr("cli.help.lang"))
    network = argparse.ArgumentParser(add_help=False)
    network.add_argument("--insecure", action="store_true", help=tr("cli.help.insecure"))
    network.add_argument("--ca-bundle", metavar="FILE", help=tr("cli.help.ca_bundle"))
    network.add_argument("--layers", nargs="+", metavar="LAYER", help=tr("cli.help.layers"))

    parser = argparse.ArgumentParser(prog="familienatlas", description=tr("cli.description"), parents=[common])
    commands = parser.add_subparsers(dest="command", required=True)

    checkout = commands.add_parser("checkout", parents=[common, network], help=tr("cli.help.checkout"))
    checkout.add_argument("--server", required=True, help=tr("cli.help.server"))
    checkout.add_argument("--user", required=True, help=tr("cli.help.user"))
    checkout.add_argument("--folder", required=True, type=Path, help=tr("cli.help.folder"))
    checkout.add_argument("--force", action="store_true", help=tr("cli.help.force"))

    status = commands.add_parser("status", parents=[common], help=tr("cli.help.status"))
    status.add_argument("--folder", required=True, type=Path, help=tr("cli.help.folder"))

    sync = commands.add_parser("sync", parents=[common, network], help=tr("cli.help.sync"))
    sync.add_argument("--folder", required=True, type=Path, help=tr("cli.help.folder"))
    sync.add_argument("--user", help=tr("cli.help.user"))
    sync.add_argument("--prefer", choices=("mine", "theirs"), help=tr("cli.help.prefer"))
    return parser


def _language_from(argv: Sequence[str]) -> str | None:
    """``--lang`` is honoured before parsing so that even ``--help`` speaks the chosen language."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", choices=SUPPORTED_LANGUAGES)
    known, _rest = early.parse_known_args(argv)
    return known.lang


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        set_language(_language_from(argv) or "de")
    except SystemExit:
        return EXIT_ERROR
    args = build_parser().parse_args(argv)
    try:
        if args.command == "checkout":
            return _checkout(args, out)
        if args.command == "status":
            return _status(args, out)
        return _sync(args, out)
    except AtlasError as exc:
        print(tr("cli.error", message=str(exc)), file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(tr("cli.error", message=tr("error.cancelled")), file=err)
        return EXIT_ERROR


def _client(args: argparse.Namespace, server: str) -> AtlasClient:
    verify: bool | str = args.ca_bundle if args.ca_bundle else not args.insecure
    return AtlasClient(server, verify=verify)


def _password(user: str, server: str) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        return password
    return getpass.getpass(tr("cli.password_prompt", user=user, server=server))


def _open_existing(folder: Path) -> WorkingCopy:
    if not (folder / FILE_NAME).is_file():
        raise AtlasError(tr("error.no_working_copy", folder=folder), "no_working_copy")
    return WorkingCopy.in_folder(folder)


def _checkout(args: argparse.Namespace, out: TextIO) -> int:
    client = _client(args, args.server)
    client.health()
    client.login(args.user, _password(args.user, client.server_url))
    try:
        with WorkingCopy.in_folder(args.folder) as workcopy:
            Synchronizer(client, workcopy).checkout(args.layers, force=args.force)
            total = 0
            lines = []
            for layer in args.layers or workcopy.layer_names():
                count = workcopy.count(layer)
                total += count
                lines.append(tr("cli.layer_line", layer=layer, count=count))
            print(tr("cli.checkout_done", path=workcopy.path, count=total), file=out)
            for line in lines:
                print(line, file=out)
    finally:
        _logout_quietly(client)
    return EXIT_OK


def _status(args: argparse.Namespace, out: TextIO) -> int:
    with _open_existing(args.folder) as workcopy:
        print(tr("cli.status_header", path=workcopy.path, server=workcopy.server_url, user=workcopy.username),
              file=out)
        anything = False
        for layer in workcopy.layer_names():
            changes = workcopy.local_changes(layer)
            outbox = workcopy.outbox(layer)
            refusals = workcopy.refusals(layer)
            if not (changes or outbox or refusals):
                continue
            anything = True
            counts = {op: sum(1 for c in changes if c.op == op) for op in ("insert", "update", "delete")}
            print(tr("cli.status_layer", layer=layer, inserts=counts["insert"], updates=counts["update"],
                     deletes=counts["delete"]), file=out)
            for change in changes:
                if change.op == "update":
                    detail = ", ".join(change.changed_fields)
                elif change.op == "insert":
                    detail = str((change.properties or {}).get("name") or "")
                else:
                    detail = ""
                print(tr("cli.status_change", op=tr(f"op.{change.op}"), uuid=change.uuid, detail=detail), file=out)
            if outbox is not None:
                print(tr("cli.status_outbox", count=len(outbox.changes)), file=out)
            for refusal in refusals:
                print(tr("cli.status_rejected", uuid=refusal.uuid, code=refusal.code, message=refusal.message),
                      file=out)
        if not anything:
            print(tr("cli.status_clean"), file=out)
    return EXIT_OK


def _sync(args: argparse.Namespace, out: TextIO) -> int:
    with _open_existing(args.folder) as workcopy:
        server = workcopy.server_url
        user = args.user or workcopy.username
        if not server or not user:
            raise AtlasError(tr("error.no_working_copy", folder=args.folder), "no_working_copy")
        client = _client(args, server)
        client.health()
        client.login(user, _password(user, client.server_url))
        try:
            resolver = prefer(args.prefer) if args.prefer else None
            report = Synchronizer(client, workcopy).sync(args.layers, resolve=resolver)
        finally:
            _logout_quietly(client)
    return _print_report(report, out)


def _print_report(report: SyncReport, out: TextIO) -> int:
    print(tr("cli.sync_done", sent=report.sent, accepted=report.accepted, received=report.received,
             merged=report.conflicts_merged), file=out)
    for clash in report.clashes_unresolved:
        print(tr("cli.unresolved", uuid=clash.uuid, field=clash.field, mine=_short(clash.mine),
                 theirs=_short(clash.theirs)), file=out)
    for uuid, code, message in report.refused:
        print(tr("cli.refused", uuid=uuid, code=code, message=message), file=out)
    for layer, reason in report.pulled_again:
        print(tr("cli.pulled_again", layer=layer, reason=reason), file=out)
    for layer, uuid in report.gone_from_server:
        print(tr("cli.gone_from_server", layer=layer, uuid=uuid), file=out)
    for _layer, uuid, reason in report.rejected:
        print(tr("cli.rejected", uuid=uuid, reason=reason), file=out)
    return EXIT_OK if report.ok else EXIT_ATTENTION


def _short(value: object) -> object:
    text = repr(value)
    return value if len(text) <= 60 else text[:57] + "…"


def _logout_quietly(client: AtlasClient) -> None:
    """Revoke the tokens; a failure here must not hide the outcome of the real work."""
    with contextlib.suppress(AtlasError):
        client.logout()


if __name__ == "__main__":
    sys.exit(main())

"""``familienatlas-server``: set up the database, manage accounts, import data, serve.

Every command reads the same ``FAMILIENATLAS_*`` environment as the server; ``--database`` overrides
the database URL.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import ConfigError, Settings
from .domain import accounts, audit, read_model, sequence
from .domain.context import AtlasContext
from .domain.contract import dump
from .domain.errors import DomainError, FieldError, Invalid
from .domain.lifecycle import Role
from .domain.rights import OPERATOR
from .domain.text import find_bad_text, text_fault
from .storage import migrate
from .storage.db import make_engine, make_session_factory, session_scope
from .storage.models import Municipality, User
from .storage.text_repair import check_text


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "database", None):
        overrides["database_url"] = args.database
    if getattr(args, "mode", None):
        overrides["mode"] = args.mode
    return Settings.from_env(**overrides)


def _session(settings: Settings):  # noqa: ANN202 - a context manager of a Session
    engine = make_engine(settings.database_url)
    return session_scope(make_session_factory(engine))


@contextmanager
def _operator(settings: Settings) -> Iterator[AtlasContext]:
    """The service context of a command: one unit of work, acting as :data:`.rights.OPERATOR`."""
    with _session(settings) as session:
        yield AtlasContext(session, settings, OPERATOR)


def cmd_init_db(args: argparse.Namespace) -> int:
    settings = _settings(args)
    engine = make_engine(settings.database_url)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    print(f"Database {engine.url.render_as_string(hide_password=True)}: schema {before or 'none'} -> "
          f"{migrate.current_revision(engine)}")
    return 0


def cmd_check_text(args: argparse.Namespace) -> int:
    """Find (and with --repair fix) stored text that cannot be encoded as UTF-8; exit status 1 when
    such text remains, so a monitoring job can run it."""
    with _session(_settings(args)) as session:
        findings = check_text(session.connection(), repair=args.repair)
        if findings and args.repair:
            _rebuild_read_model(session)  # the public texts are prepared from the repaired revisions
    for finding in findings:
        print(finding.describe())
    verb = "repaired (bad characters replaced by U+FFFD)" if args.repair else "found; repair with --repair"
    print(f"{len(findings)} values with text that cannot be encoded as UTF-8 {verb}" if findings
          else "All stored text can be encoded as UTF-8.")
    return 1 if findings and not args.repair else 0


def cmd_rebuild_read_model(args: argparse.Namespace) -> int:
    """Recreate the public read model from the revisions (after restoring a backup of the tables, say)."""
    with _session(_settings(args)) as session:
        count = _rebuild_read_model(session)
    print(f"Public read model rebuilt: {count} published features.")
    return 0


def _rebuild_read_model(session: Session) -> int:
    """Rebuild the read model and record it, so the public version moves: the answers' validators and the
    answers a worker keeps by them must not outlive content the rebuild may have changed."""
    sequence.lock(session)  # publishing waits meanwhile, so nothing is missed
    read_model.ensure_spatial_indexes(session.connection())  # a public layer added since has none yet
    count = read_model.rebuild(session.connection())
    audit.record(session, OPERATOR, "read_model_rebuilt", "read_model", features=count)
    return count


def _password(args: argparse.Namespace) -> str:
    password = args.password or os.environ.get("FAMILIENATLAS_PASSWORD") or getpass.getpass("Password: ")
    if code := text_fault(password):
        raise Invalid("invalid_body", errors=[FieldError("password", code)])
    return password


def cmd_add_user(args: argparse.Namespace) -> int:
    with _operator(_settings(args)) as ctx:
        municipality = ctx.municipalities.get(ctx.id_by_key.get(args.municipality, -1))
        if municipality is None:
            print(f"Unknown municipality key {args.municipality}; import municipalities first.", file=sys.stderr)
            return 2
        user = accounts.create_user(ctx, {
            "username": args.username, "password": _password(args), "role": args.role,
            "municipality_id": municipality.id, "display_name": args.display_name or args.username})
        print(f"Created {user.role} {user.username} for {municipality.name}")
    return 0


def cmd_create_admin(args: argparse.Namespace) -> int:
    """The first admin belongs to the county: the municipality without a parent."""
    settings = _settings(args)
    with _session(settings) as session:
        county = session.scalar(select(Municipality).where(Municipality.parent_id.is_(None)))
        if county is None:
            county = Municipality(key=args.county_key, name=args.county_name, kind="Landkreis",
                                  shares_unpublished=True)
            session.add(county)
            session.flush()
        args.municipality, args.role = county.key, Role.ADMIN.value
    return cmd_add_user(args)


def cmd_unlock(args: argparse.Namespace) -> int:
    """Lift every login block of a user name at once (e.g. after someone guessed at the admin's name)."""
    with _operator(_settings(args)) as ctx:
        removed = accounts.unlock(ctx, args.username)
    print(f"Unlocked {args.username}: {removed} login throttle entries removed")
    return 0


def cmd_prune(args: argparse.Namespace) -> int:
    """Delete expired login throttle entries, logouts whose tokens have expired and the e-mails of old
    visitors' reports (also done on login)."""
    with _operator(_settings(args)) as ctx:
        counts = accounts.prune(ctx)
    print("Pruned " + ", ".join(f"{n} {table}" for table, n in counts.items()))
    return 0


def cmd_load_demo(args: argparse.Namespace) -> int:
    from .demo.loader import load_demo

    settings = _settings(args)
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        report = load_demo(AtlasContext(session, settings, OPERATOR))
    print(report)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .importer import import_municipalities, import_units

    with _operator(_settings(args)) as ctx:
        session = ctx.session
        if args.what == "municipalities":
            count = import_municipalities(ctx, Path(args.file), layer=args.layer)
        else:
            admin = session.scalar(select(User).where(User.role == "admin", User.username == args.as_user)
                                   if args.as_user else select(User).where(User.role == "admin"))
            if admin is None:
                print("No admin account found; create one with create-admin first.", file=sys.stderr)
                return 2
            count = import_units(ctx, admin, Path(args.file), level=args.level,
                                 layer=args.layer, publish=args.publish)
    print(f"Imported {count} {args.what}")
    return 0


def cmd_load_standard_catalogue(args: argparse.Namespace) -> int:
    """Give a county the standard German catalogue; keys that exist stay as the admin adapted them."""
    from .domain.indicators.standard import load_standard_catalogue

    with _operator(_settings(args)) as ctx:
        report = load_standard_catalogue(ctx)
    added = ", ".join(f"{report[k]} {k}" for k in ("levels", "categories", "themes", "indicators"))
    print(f"Standard catalogue: added {added}; indicator catalogue version {report['version']}.")
    for reason in report["skipped"]:
        print(f"  not added: {reason}")
    return 0


def cmd_catalogue(args: argparse.Namespace) -> int:
    """List, export or import the indicator catalogue (the JSON of GET /api/v1/indicators)."""
    from .domain.indicators import catalogue

    with _operator(_settings(args)) as ctx:
        if args.action == "import":
            text = sys.stdin.read() if args.file in (None, "-") else Path(args.file).read_text(encoding="utf-8")
            try:
                doc = json.loads(text)
            except ValueError as exc:
                print(f"Not a JSON document: {exc}", file=sys.stderr)
                return 2
            if (error := find_bad_text(doc)) is not None:  # as in a request body (\ud800 escapes, say)
                raise Invalid("invalid_body", errors=[error])
            counts = dump(catalogue.import_catalogue(ctx, doc))
            print(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))
            return 0
        view = dump(catalogue.catalogue_view(ctx))
    if args.action == "export":
        text = json.dumps(view, ensure_ascii=False, indent=2) + "\n"
        if args.file in (None, "-"):
            sys.stdout.write(text)
        else:
            Path(args.file).write_text(text, encoding="utf-8")
            print(f"Exported {len(view['themes'])} themes and {len(view['indicators'])} indicators "
                  f"(catalogue version {view['version']}) to {args.file}")
        return 0
    themes = {t["key"]: t for t in view["themes"]}
    print(f"Indicator catalogue, version {view['version']}: {len(themes)} themes, "
          f"{len(view['indicators'])} indicators")
    for theme in view["themes"]:
        print(f"{theme['key']}: {theme['name_de']}")
        for ind in (i for i in view["indicators"] if i["theme"] == theme["key"]):
            print(f"  {ind['key']:<40} {ind['kind']:<6} {ind['unit']:<9} {','.join(ind['levels'])}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run under gunicorn (several workers share nothing but the database)."""
    _settings(args)  # fail early with a clear message
    if args.database:
        os.environ["FAMILIENATLAS_DATABASE_URL"] = args.database
    argv = ["gunicorn", "--bind", f"{args.host}:{args.port}", "--workers", str(args.workers),
            "--access-logfile", "-", "--timeout", "300", "sync_server.wsgi:app"]
    os.execvp(sys.executable, [sys.executable, "-m", *argv])
    return 0  # not reached


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="familienatlas-server", description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database URL (default: FAMILIENATLAS_DATABASE_URL)")
    parser.add_argument("--mode", choices=["production", "demo", "test"], help="overrides FAMILIENATLAS_MODE")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("init-db", help="create or upgrade the database schema").set_defaults(func=cmd_init_db)

    admin = sub.add_parser("create-admin", help="create the county admin account")
    admin.add_argument("username")
    admin.add_argument("--password")
    admin.add_argument("--display-name")
    admin.add_argument("--county-key", default="03459")
    admin.add_argument("--county-name", default="Landkreis Osnabrück")
    admin.set_defaults(func=cmd_create_admin)

    user = sub.add_parser("add-user", help="create an editor or reader account")
    user.add_argument("username")
    user.add_argument("--role", choices=[r.value for r in Role], required=True)
    user.add_argument("--municipality", required=True, help="official key of the user's municipality")
    user.add_argument("--password")
    user.add_argument("--display-name")
    user.set_defaults(func=cmd_add_user)

    unlock = sub.add_parser("unlock", help="lift the login blocks of a user name (all addresses)")
    unlock.add_argument("username")
    unlock.set_defaults(func=cmd_unlock)
    sub.add_parser("prune", help="delete expired login throttle entries, logouts and old reports' e-mails"
                   ).set_defaults(func=cmd_prune)

    check = sub.add_parser("check-text", help="find (and repair) stored text that cannot be encoded as UTF-8")
    check.add_argument("--repair", action="store_true", help="replace the bad characters with U+FFFD")
    check.set_defaults(func=cmd_check_text)

    sub.add_parser("rebuild-read-model", help="recreate the public read model from the revisions").set_defaults(
        func=cmd_rebuild_read_model)

    sub.add_parser("load-demo", help="load the Landkreis Osnabrück demo data").set_defaults(func=cmd_load_demo)

    imp = sub.add_parser("import", help="import municipalities or spatial units from a GeoPackage/Shapefile")
    imp.add_argument("what", choices=["municipalities", "units"])
    imp.add_argument("file")
    imp.add_argument("--layer", help="layer inside a GeoPackage")
    imp.add_argument("--level", help="spatial level key of the units (else a 'level' column)")
    imp.add_argument("--as-user", help="admin account the import is recorded under")
    imp.add_argument("--publish", action="store_true", help="publish imported units at once")
    imp.set_defaults(func=cmd_import)

    sub.add_parser("load-standard-catalogue", help="add the standard German catalogue (categories, themes, "
                   "indicators); what exists is kept").set_defaults(func=cmd_load_standard_catalogue)

    cat = sub.add_parser("catalogue", help="list, export or import the indicator catalogue (JSON)")
    cat.add_argument("action", choices=["list", "export", "import"])
    cat.add_argument("file", nargs="?", help="JSON file to export to or import from ('-': stdout/stdin)")
    cat.set_defaults(func=cmd_catalogue)

    serve = sub.add_parser("serve", help="serve the API and web map with gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=2)
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for name, value in vars(args).items():
        # an argument in a broken encoding arrives with lone surrogates (Python's surrogateescape)
        if isinstance(value, str) and (code := text_fault(value)):
            from . import messages

            print(f"Refused: --{name.replace('_', '-')}: {messages.field_text(code, {}, 'en')}", file=sys.stderr)
            return 2
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        from . import messages

        details = "; ".join(f"{e.field}: {messages.field_text(e.code, e.params, 'en')}" for e in exc.errors)
        print(f"Refused: {messages.text(exc.code, exc.params, 'en')} {details}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

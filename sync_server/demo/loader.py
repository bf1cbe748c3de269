"""Load the Landkreis Osnabrück demo into an empty atlas, through the real domain services.

Everything goes through the same paths as real work (configuration services, push, review), so
the demo shows every state a feature can be in: published, pending, rejected with a reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shapely.geometry import mapping
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain import accounts, configuration, review, sync
from ..domain.answers import PushAnswer
from ..domain.context import AtlasContext
from ..domain.indicators.catalogue import VALUES_LAYER
from ..domain.indicators.standard import load_standard_catalogue
from ..domain.indicators.values import value_id
from ..domain.rights import Actor
from ..importer import unit_id
from ..storage.models import Feature, Municipality, Revision, User
from . import geodata
from . import indicators as demo_indicators

# (user name, role, municipality key); the password of each demo account is "demo-" + user name.
DEMO_USERS = (
    ("admin", "admin", geodata.COUNTY_KEY),
    ("melle.editor", "editor", "034590024024"),
    ("melle.reader", "reader", "034590024024"),
    ("bramsche.editor", "editor", "034590014014"),
    ("bramsche.reader", "reader", "034590014014"),
    ("gmhuette.editor", "editor", "034590019019"),
    ("gmhuette.reader", "reader", "034590019019"),
    ("quakenbrueck.editor", "editor", "034595401030"),
)

PENDING_SHARE = 10  # every 10th demo institution stays pending review


def demo_password(username: str) -> str:
    return f"demo-{username}"


@dataclass
class DemoReport:
    created: bool
    municipalities: int
    institutions: int
    pending: int
    accounts: tuple[tuple[str, str, str, str], ...]

    def __str__(self) -> str:
        lines = ["Demo data " + ("loaded" if self.created else "already present, reused") +
                 f": {self.municipalities} municipalities, {self.institutions} institutions "
                 f"({self.pending} pending review).", "Demo accounts (user / password / role / municipality):"]
        lines += [f"  {u:<22} {p:<28} {r:<7} {m}" for u, p, r, m in self.accounts]
        return "\n".join(lines)


def _accounts(session: Session) -> tuple[tuple[str, str, str, str], ...]:
    rows = session.execute(select(User.username, User.role, Municipality.name).join(
        Municipality, Municipality.id == User.municipality_id).order_by(User.id)).all()
    demo = {u for u, _r, _m in DEMO_USERS}
    return tuple((u, demo_password(u), r, m) for u, r, m in rows if u in demo)


def _report(session: Session, created: bool) -> DemoReport:
    count = session.scalar(select(func.count()).select_from(Feature).where(Feature.layer == "institutions"))
    pending = session.scalar(select(func.count()).select_from(Revision).where(Revision.state == "pending"))
    return DemoReport(created, session.scalar(select(func.count()).select_from(Municipality)), count, pending,
                      _accounts(session))


def load_demo(ctx: AtlasContext) -> DemoReport:
    """Fill an empty atlas; on a database that has the demo already, change nothing. ``ctx`` is the
    operator's (the command line's); the content is written by the demo accounts it creates."""
    session = ctx.session
    if session.scalar(select(Municipality).where(Municipality.key == geodata.COUNTY_KEY)) is not None:
        return _report(session, created=False)
    ids: dict[str, int] = {}
    for territory in sorted(geodata.build_territories(), key=lambda t: len(t.key)):
        m = configuration.save_municipality(ctx, {
            "key": territory.key, "name": territory.name, "kind": territory.kind,
            "parent_id": ids.get(territory.parent_key) if territory.parent_key else None,
            "territory": mapping(territory.geometry)})
        ids[territory.key] = m.id
    # The demo builds on the standard catalogue: levels, offer categories, themes and indicators.
    load_standard_catalogue(ctx)
    users = {}
    for username, role, key in DEMO_USERS:
        users[username] = accounts.create_user(ctx, {
            "username": username, "password": demo_password(username), "role": role,
            "municipality_id": ids[key], "display_name": username})
    session.flush()
    _load_content(ctx, {u: accounts.actor_of(user) for u, user in users.items()})
    return _report(session, created=True)


def _value_changes(rows: list[dict], owners: dict[str, str]) -> list[dict]:
    return [{"op": "insert", "id": value_id(r["indicator"], r["unit"], r["year"]),
             "properties": {**r, "owner": owners[r["unit"]]}, "geometry": None} for r in rows]


def _load_indicator_values(ctx: AtlasContext, actors: dict[str, Actor],
                           territories: list[geodata.Territory]) -> None:
    """The demo's values through the real push and review: the county's data published, each town's
    Ortsteil data sent by its editor and published, Melle's newest upload left pending, and an upload
    of Bramsche's editor rejected with the reason."""
    admin = ctx.acting_as(actors["admin"])
    ortsteile = geodata.build_ortsteile(territories)
    demo = demo_indicators.build_demo_values(territories, ortsteile)
    owners = {t.key: t.key for t in territories} | {u.key: u.owner_key for u in ortsteile}
    rows = demo.county
    step = ctx.settings.max_changes_per_push
    for start in range(0, len(rows), step):
        answer = _push(admin, VALUES_LAYER, _value_changes(rows[start:start + step], owners))
        review.approve(admin, {"push_id": answer.push_id})
    for town_key, town_rows in demo.ortsteile.items():
        editor = next(a for a in actors.values() if a.role == "editor" and a.municipality_key == town_key)
        answer = _push(ctx.acting_as(editor), VALUES_LAYER, _value_changes(town_rows, owners))
        review.approve(admin, {"push_id": answer.push_id})
    _push(ctx.acting_as(actors["melle.editor"]), VALUES_LAYER, _value_changes(demo.pending, owners))
    changes = _value_changes(demo.rejected, owners)
    heads = sync.load_features(ctx.session, VALUES_LAYER, [c["id"] for c in changes])
    for change in changes:
        change["op"], change["base_revision"] = "update", heads[change["id"]][1].seq
    answer = _push(ctx.acting_as(actors["bramsche.editor"]), VALUES_LAYER, changes)
    review.reject(admin, {"push_id": answer.push_id, "reason": demo.rejected_reason})


def _push(ctx: AtlasContext, layer: str, changes: list[dict]) -> PushAnswer:
    """Push as ``ctx``'s actor; a context of its own, so it reads the configuration as it is now."""
    return sync.push(ctx.acting_as(ctx.actor), layer, {"idempotency_key": str(uuid.uuid4()),
                                                       "schema_version": sync.get_layer(layer).schema_version,
                                                       "changes": changes})


def _load_content(ctx: AtlasContext, actors: dict[str, Actor]) -> None:
    admin = ctx.acting_as(actors["admin"])
    territories = geodata.build_territories()
    units = [{"op": "insert", "id": unit_id(u.level, u.key),
              "properties": {"owner": u.owner_key, "level": u.level, "key": u.key, "name": u.name,
                             "parent_key": u.parent_key},
              "geometry": mapping(u.geometry)} for u in geodata.build_ortsteile(territories)]
    answer = _push(admin, "spatial_units", units)
    review.approve(admin, {"push_id": answer.push_id})
    _load_indicator_values(ctx, actors, territories)

    institutions = geodata.build_institutions(territories)
    changes = []
    for inst in institutions:
        props = {**inst.attributes(), "owner": inst.owner_key}
        props.pop("owner_key", None)
        changes.append({"op": "insert", "id": inst.id, "properties": props, "geometry": mapping(inst.geometry)})
    answer = _push(admin, "institutions", changes)
    published = [r.revision for i, r in enumerate(answer.results) if i % PENDING_SHARE]
    review.approve(admin, {"revisions": published})

    # The Melle editor keeps working: two edits of published offers, one of which the county rejects.
    melle = ctx.acting_as(actors["melle.editor"])
    own = [i for i in institutions if i.owner_key == melle.actor.municipality_key][:3]
    rows = sync.load_features(ctx.session, "institutions", [i.id for i in own])
    edits = []
    for inst in own[:2]:
        feature, head = rows[inst.id]
        if feature.published_seq != head.seq:
            continue
        view = sync.feature_view(melle, melle.actor, feature, head, head)
        props = dict(view.properties or {})
        props["opening_hours"] = "Mo-Th 08:00-17:00; Fr 08:00-13:00"
        edits.append({"op": "update", "id": inst.id, "base_revision": head.seq, "properties": props,
                      "geometry": view.geometry})
    if edits:
        answer = _push(melle, "institutions", edits)
        review.reject(admin, {"revisions": [answer.results[0].revision],
                                       "reason": "Öffnungszeiten bitte mit der Einrichtung abstimmen "
                                                 "(laut Website Fr bis 14 Uhr)."})

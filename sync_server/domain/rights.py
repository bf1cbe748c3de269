"""Who may do what: the rights table of docs/architecture.md, each rule in exactly one function.

Every write path (push, restore, import, admin API) calls :func:`write_refusal`; every read path
calls :func:`may_read_unpublished`. Routes never re-implement these checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from shapely.geometry.base import BaseGeometry

from .errors import Forbidden
from .lifecycle import Role

ROLES = tuple(Role)


#: The role of :data:`OPERATOR`; no account has it (accounts have a :class:`Role`).
OPERATOR_ROLE = "operator"
#: The role of :data:`ANONYMOUS`; no account has it either.
ANONYMOUS_ROLE = "anonymous"


@dataclass(frozen=True)
class Actor:
    """Who acts, as the domain sees it: an authenticated user, or :data:`OPERATOR`."""

    user_id: int | None  # None only for the operator and the anonymous caller, who have no account
    username: str
    role: str
    municipality_id: int | None
    municipality_key: str | None

    @property
    def is_operator(self) -> bool:
        return self.role == OPERATOR_ROLE

    @property
    def is_anonymous(self) -> bool:
        return self.role == ANONYMOUS_ROLE

    @property
    def is_admin(self) -> bool:
        """The admin, and the operator, who may do everything the admin may."""
        return self.role == Role.ADMIN or self.is_operator


#: The operator of the server at its command line (create-admin, add-user, unlock, catalogue import,
#: the importer and the demo loader): whoever runs those commands already holds the database, so the
#: rights table lets the operator do what the admin may. Every service takes it like any actor; its audit
#: entries name no user. There is no other way to act without an account.
OPERATOR = Actor(None, "operator", OPERATOR_ROLE, None, None)

#: Whoever calls the API without logging in: the public's reads and a login attempt. It may read only
#: what is published and write nothing; its audit entries (a failed login) name no user.
ANONYMOUS = Actor(None, "anonymous", ANONYMOUS_ROLE, None, None)


@dataclass(frozen=True)
class OwnedState:
    """The part of a row's state that ownership depends on."""

    owner_id: int
    owner_key: str
    geometry: BaseGeometry | None
    # Set (to the level's key) for spatial units, and values of units, of a level the county keeps for itself.
    county_level: str | None = None
    # Set (to the indicator's key) for values of an indicator the county maintains.
    county_indicator: str | None = None


@dataclass(frozen=True)
class Refusal:
    code: str
    params: dict[str, Any]


def require_admin(actor: Actor, action: str) -> None:
    """Atlas configuration, review and publishing belong to the county admin alone (and to the
    operator at the command line)."""
    if not actor.is_admin:
        raise Forbidden("admin_only", action=action, role=actor.role)


def bound_by_ownership(actor: Actor) -> bool:
    """Whether the ownership rule (:func:`write_refusal`) can refuse ``actor`` anything: not the admin, who
    may do everything. A bulk write need not work out the states the rule would decide on for the admin."""
    return not actor.is_admin


def write_refusal(
    actor: Actor,
    stored: OwnedState | None,
    new: OwnedState | None,
    territory_of: Callable[[int], BaseGeometry | None],
    tolerance_m: float,
) -> Refusal | None:
    """The ownership rule: may ``actor`` turn ``stored`` into ``new``? ``None`` means yes.

    ``stored`` is None for an insert, ``new`` is None for a delete. An editor may write only where
    the stored row is owned by its municipality, the new row is owned by it too (so the owner never
    changes), neither is a spatial unit (or a value of a unit) of a level the county keeps for itself
    nor a value of an indicator the county maintains, and the new geometry
    lies inside its territory (within ``tolerance_m`` metres, for
    points digitised on the border). The admin may do everything, including moving ownership.
    """
    if not bound_by_ownership(actor):
        return None
    if actor.role != Role.EDITOR:
        return Refusal("read_only_role", {"role": actor.role})
    if stored is not None and stored.owner_id != actor.municipality_id:
        return Refusal("not_owner", {"owner": stored.owner_key, "municipality": actor.municipality_key})
    for state in (stored, new):
        if state is not None and state.county_level is not None:
            return Refusal("county_level", {"level": state.county_level})
        if state is not None and state.county_indicator is not None:
            return Refusal("county_indicator", {"indicator": state.county_indicator})
    if new is None:
        return None
    if new.owner_id != actor.municipality_id:
        code = "owner_change" if stored is not None else "foreign_owner"
        return Refusal(code, {"owner": new.owner_key, "municipality": actor.municipality_key})
    if new.geometry is not None:
        territory = territory_of(actor.municipality_id)
        if territory is None or territory.distance(new.geometry) > tolerance_m or (
            not territory.buffer(tolerance_m).covers(new.geometry)
            if new.geometry.geom_type != "Point" else False
        ):
            return Refusal("outside_territory", {"municipality": actor.municipality_key,
                                                 "tolerance_m": tolerance_m})
    return None


def write_refusals(
    actor: Actor,
    pairs: Iterable[tuple[OwnedState | None, OwnedState | None]],
    territory_of: Callable[[int], BaseGeometry | None],
    tolerance_m: float,
) -> list[Refusal | None]:
    """:func:`write_refusal` for many (stored, new) pairs at once, in their order: the set-wise form a
    bulk write (a push of 100,000 indicator values) uses. The rule is the one above, asked once per
    distinct pair: the values of one push fall into a handful of distinct states (owner, level,
    indicator), so most answers are looked up. Pairs with a geometry are asked one by one (comparing
    geometries costs more than the territory check)."""
    answers: dict[tuple[OwnedState | None, OwnedState | None], Refusal | None] = {}
    out: list[Refusal | None] = []
    for stored, new in pairs:
        if (stored is not None and stored.geometry is not None) or (new is not None and new.geometry is not None):
            out.append(write_refusal(actor, stored, new, territory_of, tolerance_m))
            continue
        key = (stored, new)
        if key not in answers:
            answers[key] = write_refusal(actor, stored, new, territory_of, tolerance_m)
        out.append(answers[key])
    return out


def may_read_unpublished(actor: Actor, owner_id: int, owner_shares: bool) -> bool:
    """Unpublished work is seen by the admin, by its own municipality, and by other users while the
    owning municipality shares it (on by default). The public (:data:`ANONYMOUS`) never sees it."""
    if actor.is_anonymous:
        return False
    return actor.is_admin or owner_id == actor.municipality_id or owner_shares


def report_scope(actor: Actor) -> int | None:
    """Whose visitors' reports ``actor`` reads and closes: the admin all (None), an editor those of offers
    its municipality owns (that municipality's id): the people who can correct the offer. A reader
    cannot change an offer, so it gets none; a report of another municipality's offer stays unseen."""
    if actor.is_admin:
        return None
    if actor.role != Role.EDITOR:
        raise Forbidden("reports_staff_only", role=actor.role)
    return actor.municipality_id


# --- saved views of the expert mode (domain/views.py) ------------------------------------------------


def may_read_view(actor: Actor, owner_id: int, visibility: str, featured: str, owner_shares: bool) -> bool:
    """A saved view is seen by its own municipality and the admin; a shared one by the other
    municipalities' staff while the owner shares its data; a proposed one by the admin (who decides);
    a published one by everyone, visitors (:data:`ANONYMOUS`) included (the public atlas's featured views)."""
    if featured == "published" or actor.is_admin:
        return True
    if actor.is_anonymous:
        return False
    return owner_id == actor.municipality_id or (visibility == "shared" and owner_shares)


def view_change_refusal(actor: Actor, owner_id: int, owner_key: str) -> Refusal | None:
    """The ownership rule for saved views: only an editor (or the admin) of the owning municipality
    renames, changes, shares, proposes or deletes a view; nobody, the admin included, changes another
    municipality's view (the admin decides on proposals and may unpublish: :func:`require_admin`).
    Readers save nothing, as they write nothing in QGIS."""
    if actor.role not in (Role.EDITOR, Role.ADMIN):
        return Refusal("read_only_role", {"role": actor.role})
    if owner_id != actor.municipality_id:
        return Refusal("view_not_owner", {"owner": owner_key, "municipality": actor.municipality_key})
    return None

"""The atlas's tables.

Content (institutions, spatial units, indicator values) lives in one generic store: a
``Feature`` row per thing with pointers to its head and its published ``Revision``. That is what lets
one revision/review/publish machinery serve every layer.
"""

from __future__ import annotations

from datetime import datetime

from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import Geometry

JsonType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    type_annotation_map = {dict: JsonType, BaseGeometry: Geometry()}


class Municipality(Base):
    """A municipality (or the county itself, which owns county-wide data)."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    territory: Mapped[BaseGeometry | None] = mapped_column(Geometry())
    shares_unpublished: Mapped[bool] = mapped_column(Boolean, default=True)
    # The change number at which the municipality last stopped sharing unpublished work (None: never,
    # or nothing was unpublished then). Other users' incremental pulls from before it must check out again.
    sharing_ended_seq: Mapped[int | None] = mapped_column(BigInteger)

    parent: Mapped[Municipality | None] = relationship(remote_side=[id])


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on deactivation, role change and password change: tokens carry it, so older ones die.
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    # The change number at which the role or municipality last changed: the user's working copies pulled
    # before it hold what the old rights showed, so their incremental pulls answer checkout_required.
    rights_changed_seq: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    municipality: Mapped[Municipality] = relationship()


class RevokedSession(Base):
    """A login session (access + refresh token pair) ended by logout. Kept until its refresh token
    has expired anyway; then it is pruned."""

    __tablename__ = "revoked_sessions"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    revoked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginThrottle(Base):
    """Failed login attempts per user name and client address (``address`` "*": from anywhere), in the
    database so every server instance shares them. An attempt is counted before its password is
    checked; a successful login takes its own count back."""

    __tablename__ = "login_throttle"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SpatialLevel(Base):
    __tablename__ = "spatial_levels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    rank: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("spatial_levels.id"))
    maintained_by_municipalities: Mapped[bool] = mapped_column(Boolean, default=False)


class Category(Base):
    """Two-level catalogue of institution categories (e.g. Beratung > Erziehungsberatung)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    color: Mapped[str | None] = mapped_column(String(7))
    name_en: Mapped[str | None] = mapped_column(String(200))
    # Search words that lead to the category ("Tagesmutter" -> Kindertagespflege), per language; None
    # until someone sets them (the standard catalogue fills only what was never set).
    keywords_de: Mapped[list | None] = mapped_column(JsonType)
    keywords_en: Mapped[list | None] = mapped_column(JsonType)


class IndicatorTheme(Base):
    """A theme of the indicator catalogue (the family report's "Zahlen und Daten" chapters)."""

    __tablename__ = "indicator_themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_de: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    color: Mapped[str | None] = mapped_column(String(7))


class Indicator(Base):
    """The definition of one indicator; its values live in the generic store (layer ``indicator_values``).

    Numerator, denominator and theme are references by id, so renaming a key never breaks them; the
    levels are level keys (see docs/indicators.md)."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name_de: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    definition_de: Mapped[str | None] = mapped_column(String(2000))
    definition_en: Mapped[str | None] = mapped_column(String(2000))
    theme_id: Mapped[int] = mapped_column(ForeignKey("indicator_themes.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    unit: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))
    numerator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"))
    denominator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"))
    decimals: Mapped[int] = mapped_column(Integer, default=0)
    polarity: Mapped[str] = mapped_column(String(20), default="neutral")
    source: Mapped[str | None] = mapped_column(String(500))
    copyright: Mapped[str | None] = mapped_column(String(500))
    levels: Mapped[list] = mapped_column(JsonType)
    aggregation: Mapped[str] = mapped_column(String(10), default="none")
    min_count: Mapped[int] = mapped_column(Integer, default=3)
    min_denominator: Mapped[float] = mapped_column(Float, default=10.0)
    maintained_by: Mapped[str] = mapped_column(String(20), default="county")
    keywords: Mapped[list] = mapped_column(JsonType)
    provision: Mapped[dict | None] = mapped_column(JsonType)

    theme: Mapped[IndicatorTheme] = relationship()


class CatalogueVersion(Base):
    """The indicator catalogue's version: one row, bumped by every change, so clients notice one."""

    __tablename__ = "indicator_catalogue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AtlasSequence(Base):
    """The single server-wide change counter.

    Every write transaction locks this row first. That gives one lock order (no deadlocks), makes
    sequence numbers commit in order (so a pull cursor never skips a late commit) and makes the
    stale-base check race-free on SQLite and PostgreSQL alike.
    """

    __tablename__ = "atlas_sequence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Feature(Base):
    """One thing of a layer, pointing at its head and its published revision."""

    __tablename__ = "features"

    layer: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    head_seq: Mapped[int] = mapped_column(BigInteger)
    published_seq: Mapped[int | None] = mapped_column(BigInteger)
    change_seq: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_features_layer_change", "layer", "change_seq"),
        Index("ix_features_layer_published", "layer", "published_seq"),
    )


class Revision(Base):
    """An accepted change: the full new state of a feature, who made it, and its review."""

    __tablename__ = "revisions"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    layer: Mapped[str] = mapped_column(String(40))
    feature_id: Mapped[str] = mapped_column(String(36))
    parent_seq: Mapped[int | None] = mapped_column(BigInteger)
    op: Mapped[str] = mapped_column(String(10))
    owner_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    properties: Mapped[dict] = mapped_column(JsonType)
    geometry: Mapped[BaseGeometry | None] = mapped_column(Geometry())
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    push_id: Mapped[str | None] = mapped_column(String(36), index=True)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    __table_args__ = (
        Index("ix_revisions_feature", "layer", "feature_id", "seq"),
        Index("ix_revisions_state", "state"),
    )


class PublicFeature(Base):
    """The public read model: each published feature as the public reads it, prepared at publish time.

    One row per public feature of a raw-public layer (never anything unpublished), holding its complete
    GeoJSON Feature as text in CRS84 (``doc``, the web map's and the OGC API's default) and in EPSG:25832
    (``doc_25832``), its storage geometry (for exact spatial tests), its box in EPSG:25832 (what the spatial
    index of its layer holds: an R*Tree per layer on SQLite kept by triggers, a GiST index per layer on PostgreSQL)
    and its box in CRS84 (for the collection's extent), and its properties (for equality filters).
    Readers concatenate the stored texts: no ORM objects, no reprojection per request. Written only by
    :mod:`sync_server.domain.read_model` in the transaction that publishes; ``rebuild-read-model``
    recreates it from the revisions.
    """

    __tablename__ = "public_features"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # the R*Tree's id
    layer: Mapped[str] = mapped_column(String(40))
    id: Mapped[str] = mapped_column(String(36))
    owner_id: Mapped[int] = mapped_column(Integer)
    published_seq: Mapped[int] = mapped_column(BigInteger)
    properties: Mapped[dict] = mapped_column(JsonType)
    geometry: Mapped[BaseGeometry | None] = mapped_column(Geometry())
    minx: Mapped[float | None] = mapped_column(Float)
    miny: Mapped[float | None] = mapped_column(Float)
    maxx: Mapped[float | None] = mapped_column(Float)
    maxy: Mapped[float | None] = mapped_column(Float)
    west: Mapped[float | None] = mapped_column(Float)
    south: Mapped[float | None] = mapped_column(Float)
    east: Mapped[float | None] = mapped_column(Float)
    north: Mapped[float | None] = mapped_column(Float)
    doc: Mapped[str] = mapped_column(Text)
    doc_25832: Mapped[str] = mapped_column(Text)

    # PostgreSQL: rows up to a page stay inline (a point's row, about 3 kB, would otherwise move its texts to the
    # TOAST table on every write and fetch them back on every read; migration 0013)
    __table_args__ = (UniqueConstraint("layer", "id", name="uq_public_features_layer_id"),
                      {"postgresql_with": {"toast_tuple_target": 8160}})


class PublicLayer(Base):
    """Per layer of the read model: how many public features it has and their CRS84 box, kept at publish
    time so that an unfiltered page's ``numberMatched`` and a collection's extent need no scan."""

    __tablename__ = "public_layers"

    layer: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    west: Mapped[float | None] = mapped_column(Float)
    south: Mapped[float | None] = mapped_column(Float)
    east: Mapped[float | None] = mapped_column(Float)
    north: Mapped[float | None] = mapped_column(Float)


class Push(Base):
    """An applied push, kept by idempotency key so that a retry returns the first answer."""

    __tablename__ = "pushes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("user_id", "idempotency_key", name="uq_pushes_user_key"),)


class AuditEntry(Base):
    """Append-only log of every write, review decision and account change."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JsonType)


class LegalPage(Base):
    """A page the county owes its visitors (Impressum, Datenschutzerklärung, Erklärung zur
    Barrierefreiheit): plain text it writes through the admin API, in German and optionally English."""

    __tablename__ = "legal_pages"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(String(200))
    body_en: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OfferReport(Base):
    """A visitor's report that a published offer is wrong or out of date ("Eintrag veraltet? Melden"),
    for the staff of the offer's owner and the admin until one of them closes it with an answer. The
    owner is the offer's current owner (read from ``features`` when listed), so a report follows the
    offer when the county moves it. The e-mail is personal data: deleted after
    ``FAMILIENATLAS_REPORT_EMAIL_DAYS`` days (``reports.prune``)."""

    __tablename__ = "offer_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(36), index=True)
    offer_name: Mapped[str] = mapped_column(String(200))  # as published when reported
    text: Mapped[str] = mapped_column(String(2000))
    email: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[str | None] = mapped_column(String(2000))


class SavedView(Base):
    """A named view of the expert mode that staff saved (``domain/views.py``): owned by a municipality,
    private or shared with the other municipalities, and possibly proposed to or published by the admin
    as a featured view of the public atlas."""

    __tablename__ = "saved_views"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    owner_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[dict] = mapped_column(JsonType)
    visibility: Mapped[str] = mapped_column(String(10))  # private | shared
    featured: Mapped[str] = mapped_column(String(10), index=True)  # none | proposed | published | declined
    reason: Mapped[str | None] = mapped_column(String(500))  # why the admin declined
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    owner: Mapped[Municipality] = relationship()
    author: Mapped[User] = relationship()


__all__ = [
    "AtlasSequence",
    "AuditEntry",
    "Base",
    "CatalogueVersion",
    "Category",
    "Feature",
    "LegalPage",
    "Indicator",
    "IndicatorTheme",
    "LoginThrottle",
    "Municipality",
    "OfferReport",
    "PublicFeature",
    "PublicLayer",
    "Push",
    "RevokedSession",
    "Revision",
    "SavedView",
    "SpatialLevel",
    "User",
]

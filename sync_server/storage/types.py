"""A geometry column that works on SQLite (hex EWKB text) and PostGIS (a real geometry column).

PostGIS parses and prints hex EWKB as the text form of ``geometry``, so one representation serves
both databases without a driver-specific function wrapper, and spatial SQL stays possible on PostGIS.
"""

from __future__ import annotations

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy.types import Text, TypeDecorator, UserDefinedType

SRID = 25832


class _PostgisGeometry(UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        return f"geometry(Geometry,{SRID})"


class Geometry(TypeDecorator):
    """Shapely geometry stored in EPSG:25832."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):  # noqa: ANN001 - SQLAlchemy signature
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_PostgisGeometry())
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: BaseGeometry | None, dialect) -> str | None:  # noqa: ANN001
        if value is None:
            return None
        return shapely.to_wkb(shapely.set_srid(value, SRID), hex=True, include_srid=True)

    def bind_many(self, values: list[BaseGeometry | None]) -> list[str | None]:
        """What :meth:`process_bind_param` makes of each value, for many values as one array (a bulk
        write of thousands of features)."""
        return shapely.to_wkb(shapely.set_srid(values, SRID), hex=True, include_srid=True).tolist()

    def process_result_value(self, value: str | None, dialect) -> BaseGeometry | None:  # noqa: ANN001
        if value is None:
            return None
        return shapely.set_srid(shapely.from_wkb(value), 0)

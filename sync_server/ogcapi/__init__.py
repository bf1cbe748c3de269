"""OGC API - Features (Part 1 Core, GeoJSON, OpenAPI 3.0; Part 2 CRS by reference) for the public side.

The API logic lives here, apart from the web framework (the pygeoapi way): :mod:`.service` builds
every document from a database session and the request's base URL and query arguments, the
collections in :mod:`.collections` are small providers behind one interface, and
``sync_server/http/ogcapi.py`` only turns requests into calls and documents into responses.
What the public sees of a sync layer is decided by :mod:`sync_server.domain.publish`, nowhere here.
"""

"""Familienatlas sync server: domain services, storage, and a thin Flask layer."""

__version__ = "0.1.0"
API_VERSION = 1

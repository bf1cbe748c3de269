"""Server configuration, read from environment variables in one place.

Everything that differs between a demo on a laptop and a county's production server is a variable
here, so the code has no import-time state and tests can build apps with any configuration.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

MODES = ("production", "demo", "test")
# A production JWT secret needs this many different characters: a random one of 32 characters has
# far more (hex: about 14-16, token_urlsafe: about 25), while "x" * 32 or 32 spaces have one.
MIN_SECRET_SYMBOLS = 10


class ConfigError(RuntimeError):
    """Raised at start-up when the configuration cannot work; the message says how to fix it."""


def _number(env: dict[str, str], name: str, default: float, kind: type = int) -> float:
    """A numeric variable of ``kind`` (int or float), or ``default`` when unset or empty."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return kind(raw)
    except ValueError as exc:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name} must be {what}, got {raw!r}") from exc


# Settings that must be at least 1 (a token lifetime of 0 would even make tokens that never expire).
_POSITIVE = ("access_token_minutes", "refresh_token_days", "max_body_bytes", "max_anonymous_body_bytes",
             "max_json_values", "max_changes_per_push", "max_geometry_vertices", "login_max_failures",
             "login_lock_seconds", "min_password_length", "login_max_lock_seconds", "login_max_failures_per_name",
             "report_max_per_address", "report_email_days")


@dataclass(frozen=True)
class Settings:
    """The server's settings; build them with :meth:`from_env` or directly in tests."""

    database_url: str = "sqlite:///familienatlas.sqlite"
    mode: str = "production"
    jwt_secret: str | None = None
    cors_origins: tuple[str, ...] = ()
    access_token_minutes: int = 15
    refresh_token_days: int = 14
    max_body_bytes: int = 20 * 1024 * 1024
    # Requests without a verified token (the login) may send only this much: nobody unknown can make
    # a worker read and parse megabytes.
    max_anonymous_body_bytes: int = 64 * 1024
    # Most values (array elements, object members) in one JSON body, counted before parsing.
    max_json_values: int = 1_000_000
    max_changes_per_push: int = 10_000
    max_geometry_vertices: int = 100_000
    border_tolerance_m: float = 25.0
    login_max_failures: int = 5
    login_lock_seconds: int = 300
    # Each further failure doubles the wait, up to this; per name from all addresses a higher limit.
    login_max_lock_seconds: int = 3600
    login_max_failures_per_name: int = 100
    min_password_length: int = 10
    # Visitors' reports of outdated offers: this many from one client address, then waits as after failed
    # logins; the reporter's e-mail (personal data) is deleted this many days after the report.
    report_max_per_address: int = 10
    report_email_days: int = 90
    # Reverse proxies in front of the server whose X-Forwarded-* headers are believed, so that links
    # the server writes (OGC API, OpenAPI) carry the public https:// address. 0: headers ignored.
    trusted_proxies: int = 0
    # The server's public address (https://atlas.example.org): absolute links (OGC API) use it
    # instead of the Host header a client sent. Empty: links follow the request.
    public_url: str = ""
    # The sites that may embed the web map in a frame (CSP frame-ancestors source list; * = any).
    frame_ancestors: str = "*"
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Read ``FAMILIENATLAS_*`` variables; ``overrides`` win (used by the CLI and tests)."""
        env = dict(os.environ if env is None else env)
        origins = env.get("FAMILIENATLAS_CORS_ORIGINS", "")
        settings = cls(
            database_url=env.get("FAMILIENATLAS_DATABASE_URL", cls.database_url),
            mode=env.get("FAMILIENATLAS_MODE", cls.mode),
            jwt_secret=env.get("FAMILIENATLAS_JWT_SECRET") or None,
            cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
            access_token_minutes=_number(env, "FAMILIENATLAS_ACCESS_TOKEN_MINUTES", cls.access_token_minutes),
            refresh_token_days=_number(env, "FAMILIENATLAS_REFRESH_TOKEN_DAYS", cls.refresh_token_days),
            max_body_bytes=_number(env, "FAMILIENATLAS_MAX_BODY_BYTES", cls.max_body_bytes),
            max_anonymous_body_bytes=_number(env, "FAMILIENATLAS_MAX_ANONYMOUS_BODY_BYTES",
                                             cls.max_anonymous_body_bytes),
            max_json_values=_number(env, "FAMILIENATLAS_MAX_JSON_VALUES", cls.max_json_values),
            max_changes_per_push=_number(env, "FAMILIENATLAS_MAX_CHANGES_PER_PUSH", cls.max_changes_per_push),
            max_geometry_vertices=_number(env, "FAMILIENATLAS_MAX_GEOMETRY_VERTICES", cls.max_geometry_vertices),
            border_tolerance_m=_number(env, "FAMILIENATLAS_BORDER_TOLERANCE_M", cls.border_tolerance_m, float),
            login_max_failures=_number(env, "FAMILIENATLAS_LOGIN_MAX_FAILURES", cls.login_max_failures),
            login_lock_seconds=_number(env, "FAMILIENATLAS_LOGIN_LOCK_SECONDS", cls.login_lock_seconds),
            login_max_lock_seconds=_number(env, "FAMILIENATLAS_LOGIN_MAX_LOCK_SECONDS", cls.login_max_lock_seconds),
            login_max_failures_per_name=_number(env, "FAMILIENATLAS_LOGIN_MAX_FAILURES_PER_NAME",
                                                cls.login_max_failures_per_name),
            min_password_length=_number(env, "FAMILIENATLAS_MIN_PASSWORD_LENGTH", cls.min_password_length),
            report_max_per_address=_number(env, "FAMILIENATLAS_REPORT_MAX_PER_ADDRESS", cls.report_max_per_address),
            report_email_days=_number(env, "FAMILIENATLAS_REPORT_EMAIL_DAYS", cls.report_email_days),
            trusted_proxies=_number(env, "FAMILIENATLAS_TRUSTED_PROXIES", cls.trusted_proxies),
            public_url=env.get("FAMILIENATLAS_PUBLIC_URL", cls.public_url).strip(),
            frame_ancestors=" ".join(env.get("FAMILIENATLAS_FRAME_ANCESTORS", cls.frame_ancestors).split()),
        )
        return replace(settings, **overrides).checked()  # type: ignore[arg-type]

    def checked(self) -> Settings:
        """Refuse settings that cannot work, and give demo/test mode a throw-away JWT secret."""
        if self.mode not in MODES:
            raise ConfigError(f"FAMILIENATLAS_MODE must be one of {', '.join(MODES)}, got {self.mode!r}")
        for name in _POSITIVE:
            if getattr(self, name) < 1:
                raise ConfigError(f"FAMILIENATLAS_{name.upper()} must be at least 1, got {getattr(self, name)}")
        if self.trusted_proxies < 0:
            raise ConfigError(f"FAMILIENATLAS_TRUSTED_PROXIES must be 0 or more, got {self.trusted_proxies}")
        if not 0 <= self.border_tolerance_m < float("inf"):  # also refuses NaN
            raise ConfigError(f"FAMILIENATLAS_BORDER_TOLERANCE_M must be 0 or more metres, "
                              f"got {self.border_tolerance_m}")
        self._check_addresses()
        if not self.jwt_secret:
            if self.mode == "production":
                raise ConfigError(
                    "FAMILIENATLAS_JWT_SECRET is not set. Set it to a long random string "
                    "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`); "
                    "all server instances must share it."
                )
            return replace(self, jwt_secret=secrets.token_urlsafe(48))
        if self.mode == "production" and (len(self.jwt_secret) < 32 or len(set(self.jwt_secret)) < MIN_SECRET_SYMBOLS):
            raise ConfigError(
                f"FAMILIENATLAS_JWT_SECRET must be at least 32 characters long and random (at least "
                f"{MIN_SECRET_SYMBOLS} different characters) in production, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`")
        return self

    def _check_addresses(self) -> None:
        """The public address must be an absolute http(s) URL; the frame ancestors a CSP source list
        (no ';' or ',' that would end the directive and smuggle in another one)."""
        parts = urlsplit(self.public_url)
        if self.public_url and (parts.scheme not in ("http", "https") or not parts.netloc or parts.query
                                or parts.fragment):
            raise ConfigError(f"FAMILIENATLAS_PUBLIC_URL must be an address like https://atlas.example.org "
                              f"(optionally with a path), got {self.public_url!r}")
        if not self.frame_ancestors or any(c in self.frame_ancestors for c in ";,\r\n"):
            raise ConfigError("FAMILIENATLAS_FRAME_ANCESTORS must be a space-separated list of sources such as "
                              f"'self' https://www.melle.de, or * for any site, got {self.frame_ancestors!r}")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def default_sqlite_url(folder: Path) -> str:
    """The embedded default database: one SQLite file in ``folder``."""
    return f"sqlite:///{(folder / 'familienatlas.sqlite').resolve()}"

"""Configuration, read from the environment only.

The five variables of the ``flask-secret`` Secret drive the app:
DATABASE_URL, SECRET_KEY, FLASK_ENV, GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import Mapping

from . import __version__


class ConfigError(RuntimeError):
    """The environment does not describe a usable configuration."""


def sqlalchemy_url(url: str) -> str:
    """Map ``postgresql://`` / ``postgres://`` to the psycopg 3 driver SQLAlchemy needs."""
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    raise ConfigError("DATABASE_URL must be a postgresql:// URL")


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    env: str = "production"
    google_client_id: str = ""
    google_client_secret: str = ""
    version: str = __version__
    db_connect_timeout: int = 2  # seconds; psycopg enforces a minimum of 2
    access_token_ttl: int = 3600  # seconds
    google_certs_url: str = "https://www.googleapis.com/oauth2/v3/certs"

    @property
    def google_enabled(self) -> bool:
        return bool(self.google_client_id and self.google_client_secret)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> "Settings":
        env = dict(os.environ if environ is None else environ)
        flask_env = env.get("FLASK_ENV", "production").strip() or "production"
        database_url = overrides.pop("database_url", None) or env.get("DATABASE_URL", "").strip()
        if not database_url:
            raise ConfigError("DATABASE_URL is not set (expected postgresql://user:password@host:5432/db)")
        secret_key = overrides.pop("secret_key", None) or env.get("SECRET_KEY", "")
        if not secret_key:
            if flask_env == "production":
                raise ConfigError("SECRET_KEY is not set; it signs the JWT access tokens and is required "
                                  "when FLASK_ENV=production")
            secret_key = secrets.token_urlsafe(32)  # development only: tokens die with the process
        settings = dict(
            database_url=sqlalchemy_url(database_url),
            secret_key=secret_key,
            env=flask_env,
            google_client_id=env.get("GOOGLE_CLIENT_ID", "").strip(),
            google_client_secret=env.get("GOOGLE_CLIENT_SECRET", "").strip(),
            version=env.get("APP_VERSION", "").strip() or __version__,
        )
        if env.get("DB_CONNECT_TIMEOUT"):
            settings["db_connect_timeout"] = int(env["DB_CONNECT_TIMEOUT"])
        if env.get("ACCESS_TOKEN_TTL"):
            settings["access_token_ttl"] = int(env["ACCESS_TOKEN_TTL"])
        settings.update(overrides)
        if "database_url" in overrides:
            settings["database_url"] = sqlalchemy_url(settings["database_url"])
        return cls(**settings)

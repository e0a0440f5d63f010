"""Apply the Alembic migrations before the app serves: ``python -m budget_api.migrate``.

Both replicas run this at start; a PostgreSQL advisory lock taken in the migration's own
transaction makes the second one wait and then find the schema already at head.
"""
from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from .config import ConfigError, Settings
from .db import make_engine

LOCK_KEY = 0x62756467  # "budg": any fixed bigint shared by every replica
API_DIR = Path(__file__).resolve().parent.parent
log = logging.getLogger("budget_api.migrate")


def alembic_config() -> Config:
    cfg = Config(str(API_DIR / "alembic.ini"))
    cfg.set_main_option("script_location", str(API_DIR / "migrations"))
    return cfg


def wait_for_database(engine, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return
        except OperationalError as exc:
            if time.monotonic() >= deadline:
                raise
            log.info("waiting for the database: %s", str(exc.orig).strip().splitlines()[0] if exc.orig else exc)
            time.sleep(1)


def upgrade(database_url: str, revision: str = "head", wait: float = 0) -> None:
    engine = make_engine(database_url, poolclass=NullPool)
    try:
        if wait:
            wait_for_database(engine, wait)
        with engine.begin() as conn:  # one transaction: lock, DDL, version bump, commit (releases the lock)
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s [migrate] %(message)s")
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        log.error("%s", exc)
        return 2
    wait = float(os.environ.get("DB_WAIT_TIMEOUT", "60"))
    try:
        upgrade(settings.database_url, wait=wait)
    except OperationalError as exc:
        log.error("database not reachable after %.0fs: %s", wait, exc.orig or exc)
        return 1
    log.info("schema is at head")
    return 0


if __name__ == "__main__":
    sys.exit(main())

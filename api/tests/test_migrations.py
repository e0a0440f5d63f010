import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from budget_api.config import sqlalchemy_url
from budget_api.models import Base
from conftest import DATABASE_URL

API_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def empty_database():
    admin = create_engine(sqlalchemy_url(os.environ["TEST_ADMIN_DATABASE_URL"]), isolation_level="AUTOCOMMIT")
    name = "budget_migration_test"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_two_replicas_migrating_at_once(empty_database):
    """Both 'replicas' run the migration at the same moment; the advisory lock serialises them."""
    env = dict(os.environ, DATABASE_URL=empty_database, SECRET_KEY="x", DB_WAIT_TIMEOUT="10")
    procs = [subprocess.Popen([sys.executable, "-m", "budget_api.migrate"], cwd=API_DIR, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=60)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    engine = create_engine(sqlalchemy_url(empty_database))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["0001_initial"]
            # the migrated schema is exactly the models' schema
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            assert diff == [], diff
    finally:
        engine.dispose()


def test_migrate_reports_unreachable_database():
    env = dict(os.environ, DATABASE_URL="postgresql://u:p@127.0.0.1:1/db", SECRET_KEY="x", DB_WAIT_TIMEOUT="0")
    out = subprocess.run([sys.executable, "-m", "budget_api.migrate"], cwd=API_DIR, env=env,
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 1
    assert "database not reachable" in out.stderr


def test_missing_configuration_is_a_clear_error():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env["FLASK_ENV"] = "production"
    out = subprocess.run([sys.executable, "-m", "budget_api.migrate"], cwd=API_DIR, env=env,
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 2 and "DATABASE_URL is not set" in out.stderr
    env["DATABASE_URL"] = "postgresql://u:p@h/db"
    out = subprocess.run([sys.executable, "-m", "budget_api.migrate"], cwd=API_DIR, env=env,
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 2 and "SECRET_KEY is not set" in out.stderr

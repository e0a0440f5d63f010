"""Fixtures: a real PostgreSQL (started by scripts/test-api.sh), migrated once, emptied between tests."""
from __future__ import annotations

import os
import tempfile

# prometheus_client picks its multiprocess value class at import time: set the directory first,
# so the tests exercise the same metrics code path gunicorn uses.
_METRICS_DIR = tempfile.mkdtemp(prefix="budget-api-test-metrics-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _METRICS_DIR

import itertools  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from budget_api import create_app  # noqa: E402
from budget_api.config import Settings, sqlalchemy_url  # noqa: E402
from budget_api.migrate import upgrade  # noqa: E402

DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
if not DATABASE_URL:
    pytest.exit("TEST_DATABASE_URL is not set: run the suite with scripts/test-api.sh "
                "(it starts a throwaway PostgreSQL)", returncode=2)

SECRET = "test-secret-key-for-jwt-signing-0123456789"
_counter = itertools.count(1)


def make_settings(**overrides) -> Settings:
    values = dict(database_url=DATABASE_URL, secret_key=SECRET, env="testing")
    values.update(overrides)
    return Settings.from_env({}, **values)


@pytest.fixture(scope="session")
def migrated():
    upgrade(sqlalchemy_url(DATABASE_URL))
    return True


@pytest.fixture(scope="session")
def app(migrated):
    return create_app(make_settings())


@pytest.fixture(scope="session")
def raw_engine(migrated):
    engine = create_engine(sqlalchemy_url(DATABASE_URL), pool_pre_ping=True)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(request):
    yield
    if "raw_engine" in request.fixturenames or "app" in request.fixturenames:
        engine = request.getfixturevalue("raw_engine")
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE users, categories, transactions, budgets RESTART IDENTITY CASCADE"))


@pytest.fixture
def client(app, raw_engine):
    return app.test_client()


def register(client, email: str | None = None, password: str = "correct horse battery") -> dict:
    email = email or f"user{next(_counter)}@example.com"
    resp = client.post("/api/auth/register", json={"email": email, "password": password, "name": "Test"})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    return {"Authorization": f"Bearer {body['access_token']}", "_user": body["user"], "_email": email}


@pytest.fixture
def alice(client):
    return register(client, "alice@example.com")


@pytest.fixture
def bob(client):
    return register(client, "bob@example.com")


def h(user: dict) -> dict:
    """Only the HTTP headers of a registered user."""
    return {k: v for k, v in user.items() if not k.startswith("_")}


def count_rows(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()

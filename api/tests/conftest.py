"""Fixtures: a real PostgreSQL (started by scripts/test-api.sh), migrated once, emptied between tests."""
from __future__ import annotations

import os
import tempfile

# prometheus_client picks its multiprocess value class at import time: set the directory first,
# so the tests exercise the same metrics code path gunicorn uses.
_METRICS_DIR = tempfile.mkdtemp(prefix="budget-api-test-metrics-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _METRICS_DIR

import http.client  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

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


# ------------------------------------------------------------------ a live server (real concurrency)
API_DIR = Path(__file__).resolve().parent.parent


class Live:
    """The API under gunicorn (2 workers x 4 threads, as deployed) on the test database."""

    def __init__(self, base: str):
        self.base = base

    def request(self, method: str, path: str, body=None, token: str | None = None, timeout: float = 30):
        conn = http.client.HTTPConnection(self.base.split("//")[1], timeout=timeout)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, (json.loads(data) if data else None)

    def register(self, email: str) -> str:
        status, body = self.request("POST", "/api/auth/register", {"email": email, "password": "a live passphrase"})
        assert status == 201, body
        return body["access_token"]


@pytest.fixture(scope="session")
def live(migrated, tmp_path_factory):
    work = tmp_path_factory.mktemp("live")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, SECRET_KEY=SECRET, FLASK_ENV="production",
               GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2", GUNICORN_THREADS="4",
               GUNICORN_ACCESSLOG="", PROMETHEUS_MULTIPROC_DIR=str(work))
    log = open(work / "gunicorn.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=API_DIR,
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Live(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    while True:
        try:
            if server.request("GET", "/api/health", timeout=2)[0] == 200:
                break
        except OSError:
            pass
        assert proc.poll() is None, (work / "gunicorn.log").read_text()
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.2)
    yield server
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    log.seek(0)
    output = log.read()
    log.close()
    assert "Traceback" not in output, output

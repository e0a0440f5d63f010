import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from conftest import DATABASE_URL, h
from budget_api.config import sqlalchemy_url

API_DIR = Path(__file__).resolve().parent.parent


def sample(metrics_text: str, name: str, **labels) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    total = 0.0
    for line in metrics_text.splitlines():
        m = re.match(r"^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        if all(got.get(k) == str(v) for k, v in labels.items()):
            total += float(m.group(3))
    return total


def test_metrics_default_names_grouped_by_url_rule(client, alice):
    for _ in range(3):
        tx = client.post("/api/transactions", json={"amount": "1.00", "date": "2024-05-01"}, headers=h(alice)).get_json()
        client.get(f"/api/transactions/{tx['id']}", headers=h(alice))
    client.get("/api/transactions/999999", headers=h(alice))  # 404, same rule
    resp = client.get("/metrics")
    assert resp.status_code == 200
    assert resp.content_type.startswith("text/plain")
    body = resp.get_data(as_text=True)
    assert "# TYPE flask_http_request_total counter" in body
    assert "# TYPE flask_http_request_duration_seconds histogram" in body
    rule = "/api/transactions/<id:tx_id>"
    assert sample(body, "flask_http_request_duration_seconds_count", path=rule, method="GET", status="200") >= 3
    assert sample(body, "flask_http_request_duration_seconds_count", path=rule, method="GET", status="404") >= 1
    client.get("/no/such/route/12345")
    body = client.get("/metrics").get_data(as_text=True)
    assert not re.search(r'path="/api/transactions/\d+"', body), "raw paths must not become label values"
    assert 'path="/no/such/route/12345"' not in body
    assert sample(body, "flask_http_request_duration_seconds_count", path="<unmatched>", status="404") >= 1
    assert sample(body, "flask_http_request_total", method="POST", status="201") >= 3
    assert sample(body, "budget_transactions_created_total") >= 3
    assert sample(body, "budget_api_info", version="1.0.0") == 1
    # the scrape itself is not counted
    assert "/metrics" not in set(re.findall(r'path="([^"]*)"', body))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


COUNTED_TIMEOUT = 120  # seconds: longer than any request can take, however busy the machine


def get(url: str, timeout: float = 5):
    req = urllib.request.Request(url, headers={"Connection": "close"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, resp.read().decode()


@pytest.fixture
def fresh_database():
    """An empty database, so the entrypoint's migration runs for real."""
    admin = create_engine(sqlalchemy_url(os.environ["TEST_ADMIN_DATABASE_URL"]), isolation_level="AUTOCOMMIT")
    name = "budget_entrypoint_test"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_entrypoint_gunicorn_multiprocess_metrics(fresh_database, tmp_path):
    """The container's entrypoint: migrate, then gunicorn with 2 workers; /metrics sums every worker."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=fresh_database, SECRET_KEY="x" * 32, FLASK_ENV="production",
               GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2", GUNICORN_THREADS="2",
               GUNICORN_ACCESSLOG="", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prom"),
               PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    log = open(tmp_path / "gunicorn.log", "w+")
    proc = subprocess.Popen(["sh", str(API_DIR / "entrypoint.sh")], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        # Wait on /metrics, which is not counted: a counted request that timed out on a busy machine and
        # was sent again would be counted twice by the server and once here. Counted requests get a
        # timeout they cannot reach (COUNTED_TIMEOUT), so each is answered exactly once.
        deadline = time.monotonic() + 60
        while True:
            try:
                get(base + "/metrics")
                break
            except OSError:
                assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        status, body = get(base + "/api/health", COUNTED_TIMEOUT)
        assert status == 200 and '"status":"ok"' in body.replace(" ", "")
        # Which worker accepts a connection is up to the kernel and the scheduler: on a busy machine one
        # worker can take every sequential request. So send concurrent batches until both workers have
        # answered (each writes its own counter file on its first request), within a bound, and count
        # every request sent: the totals below must still match exactly.
        def worker_pids():
            return {p.name.split("_")[-1].split(".")[0] for p in (tmp_path / "prom").glob("counter_*.db")}

        n = 1
        with ThreadPoolExecutor(max_workers=8) as pool:
            for _ in range(100):  # at most 1 + 100 * 16 requests
                statuses = list(pool.map(lambda _: get(base + "/api/health", COUNTED_TIMEOUT)[0], range(16)))
                assert statuses == [200] * 16
                n += 16
                if len(worker_pids()) == 2:
                    break
        pids = worker_pids()
        assert len(pids) == 2, f"expected both workers to have served within {n} concurrent requests, got pids {pids}"

        for _ in range(4):  # whichever worker answers the scrape, the totals are the same
            text_ = get(base + "/metrics")[1]
            assert sample(text_, "flask_http_request_total", method="GET", status="200") == n
            assert sample(text_, "flask_http_request_duration_seconds_count", path="/api/health") == n

        # a worker dies and is replaced: its counts are kept, its pid is marked dead (child_exit)
        worker_pids = [int(p) for p in pids]
        os.kill(worker_pids[0], signal.SIGKILL)
        deadline = time.monotonic() + 60  # an upper bound for "eventually", not a speed requirement
        while True:
            try:
                text_ = get(base + "/metrics")[1]
                if sample(text_, "flask_http_request_total", method="GET", status="200") == n:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline
            time.sleep(0.2)
        log.seek(0)
        assert "Traceback" not in log.read()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()

from decimal import Decimal
import os
import socket
import subprocess
import threading
import time

import pytest

from budget_api import create_app
from conftest import h, make_settings, register


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def allowance(client) -> float:
    """Seconds of slack for a timing bound, scaled to how loaded the machine is right now.

    A fixed bound ("< 3 s") fails on a busy 2-core machine. Instead, time a request that does no I/O
    (GET /api/auth/google: settings only) twice and allow 1 s or 20 times that, whichever is more: on an
    idle machine that is 1 s (a sleep or a retry in the checked path still fails), under load it grows
    with the load, as the checked request slows down by the same factor.
    """
    durations = []
    for _ in range(2):
        started = time.monotonic()
        assert client.get("/api/auth/google").status_code == 200
        durations.append(time.monotonic() - started)
    return max(1.0, 20 * durations[-1])


def timed(func, limit: float):
    """Run func in a thread; its result and duration, or a failure (not a hang) after `limit` seconds."""
    out = {}

    def run():
        started = time.monotonic()
        out["result"] = func()
        out["elapsed"] = time.monotonic() - started

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit)
    assert "elapsed" in out, f"still running after {limit:.1f}s: not bounded"
    return out["result"], out["elapsed"]


def test_health_ok(client):
    resp = client.get("/api/health")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok" and "error" not in body["database"]
    assert isinstance(body["database"]["latency_ms"], (int, float, Decimal)) and body["database"]["latency_ms"] >= 0
    assert body["version"]


def test_health_db_refusing_connections_is_200_degraded(migrated):
    app = create_app(make_settings(database_url=f"postgresql://u:p@127.0.0.1:{free_port()}/db"))
    client = app.test_client()
    slack = allowance(client)
    resp, elapsed = timed(lambda: client.get("/api/health"), 60)
    assert elapsed < slack, (elapsed, slack)  # a refused connection is reported at once: no wait, no retry
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "degraded"
    assert body["database"]["status"] == "error" and body["database"]["error"]
    assert "latency_ms" in body["database"]


def test_health_db_not_answering_is_bounded_by_connect_timeout(migrated):
    """A peer that accepts TCP but never speaks (hung DB): the connect timeout ends the check.

    Shown without a fixed wall-clock bound: exactly one connection attempt, given up after the connect
    timeout (not before: the peer never answers), and the check returns within the timeout plus a
    load-scaled allowance (without the timeout it would hang, and the thread guard fails it)."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes handshakes; nothing ever answers
        port = silent.getsockname()[1]
        settings = make_settings(database_url=f"postgresql://u:p@127.0.0.1:{port}/db")
        client = create_app(settings).test_client()
        slack = allowance(client)
        resp, elapsed = timed(lambda: client.get("/api/health"), 10 * (settings.db_connect_timeout + slack))
        silent.settimeout(0.5)
        attempts = []
        try:
            while True:
                conn, _ = silent.accept()
                attempts.append(conn)
        except TimeoutError:
            pass
        for conn in attempts:
            conn.close()
    assert resp.status_code == 200 and resp.get_json()["status"] == "degraded"
    assert len(attempts) == 1, attempts  # one attempt: no retry
    assert settings.db_connect_timeout - 0.1 <= elapsed < settings.db_connect_timeout + slack, (elapsed, slack)


def test_data_endpoints_report_503_when_db_unreachable(migrated):
    app = create_app(make_settings(database_url=f"postgresql://u:p@127.0.0.1:{free_port()}/db"))
    resp = app.test_client().post("/api/auth/register", json={"email": "x@example.com", "password": "a strong-enough passphrase"})
    assert resp.status_code == 503 and resp.get_json()["error"] == "database_unavailable"


@pytest.mark.skipif(not os.environ.get("TEST_PG_CTL"), reason="needs scripts/test-api.sh's cluster control")
def test_real_outage_degraded_then_recovers_without_data_loss(client, alice):
    """Stop the real PostgreSQL under a warm connection pool, then start it again."""
    ctl = os.environ["TEST_PG_CTL"]
    tx = client.post("/api/transactions", json={"amount": "42.00", "date": "2024-05-01"}, headers=h(alice)).get_json()
    assert client.get("/api/health").get_json()["status"] == "ok"  # pool is warm

    slack = allowance(client)
    subprocess.run(["bash", ctl, "stop"], check=True)
    try:
        resp, elapsed = timed(lambda: client.get("/api/health"), 60)
        assert elapsed < slack, (elapsed, slack)  # the dead pool connection is replaced at once, not waited on
        assert resp.status_code == 200
        body = resp.get_json()
        assert body["status"] == "degraded" and body["database"]["status"] == "error"
        down = client.post("/api/transactions", json={"amount": "1.00", "date": "2024-05-02"}, headers=h(alice))
        assert down.status_code == 503
    finally:
        subprocess.run(["bash", ctl, "start"], check=True)

    assert client.get("/api/health").get_json()["status"] == "ok"
    assert client.get(f"/api/transactions/{tx['id']}", headers=h(alice)).get_json() == tx
    assert len(client.get("/api/transactions", headers=h(alice)).get_json()) == 1
    register(client, "after-restart@example.com")

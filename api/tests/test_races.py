"""Races between requests, with real concurrent requests to the API under gunicorn and the real PostgreSQL
(issue #14): a category deleted while a transaction or a budget is being filed under it.

Two kinds of test: one forces the dangerous interleaving (the delete holds its row lock, the request runs
into it, then the delete commits), the other fires both requests at once, many times, and checks that
every outcome is one of the clean ones and that the database agrees with what the client was told.
"""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

ROUNDS = 25


def wait_until_blocked(raw_engine, timeout=30.0):  # an upper bound for "eventually"
    """Until a backend of the API waits for a lock (our request reached the locked row)."""
    deadline = time.monotonic() + timeout
    with raw_engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'budget-api' "
                "AND wait_event_type = 'Lock'")).scalar_one()
            conn.rollback()  # pg_stat_activity is a snapshot per transaction: take a fresh one each time
            if waiting:
                return
            time.sleep(0.02)
    pytest.fail("the request never waited for the category's row lock")


def category(live, token, name="Food"):
    status, body = live.request("POST", "/api/categories", {"name": name}, token)
    assert status == 201, body
    return body["id"]


@pytest.mark.parametrize("path, payload, table", [
    ("/api/transactions", {"amount": "9.99", "date": "2024-05-01"}, "transactions"),
    ("/api/budgets", {"month": "2024-05", "amount": "100"}, "budgets"),
    ("/api/transactions/bulk", None, "transactions"),
])
def test_category_deleted_while_filing_under_it_is_404(live, raw_engine, path, payload, table):
    """The delete commits while the request is running: 404 naming category_id, nothing stored."""
    token = live.register("race-forced@example.com")
    cid = category(live, token)
    body = ({"transactions": [{"amount": "1", "date": "2024-05-01", "category_id": cid}]} if payload is None
            else dict(payload, category_id=cid))
    with raw_engine.connect() as deleter:
        deleter.execute(text("DELETE FROM categories WHERE id = :id"), {"id": cid})  # row locked, not committed
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(live.request, "POST", path, body, token)
            wait_until_blocked(raw_engine)
            deleter.commit()
            status, answer = pending.result(timeout=30)
    field = "transactions[0].category_id" if payload is None else "category_id"
    assert status == 404, answer
    assert answer == {"error": "not_found", "message": "category not found", "field": field}
    with raw_engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0


def test_update_waits_for_a_concurrent_delete_then_is_404(live, raw_engine):
    token = live.register("race-update@example.com")
    status, tx = live.request("POST", "/api/transactions", {"amount": "5", "date": "2024-05-01"}, token)
    assert status == 201
    with raw_engine.connect() as deleter:
        deleter.execute(text("DELETE FROM transactions WHERE id = :id"), {"id": tx["id"]})
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(live.request, "PATCH", f"/api/transactions/{tx['id']}", {"amount": "6"}, token)
            wait_until_blocked(raw_engine)
            deleter.commit()
            status, answer = pending.result(timeout=30)
    assert status == 404 and answer["error"] == "not_found", answer


def _race(live, token, first, second):
    """Both requests released at the same instant (a barrier), each on its own connection."""
    barrier = threading.Barrier(2)

    def go(args):
        barrier.wait()
        return live.request(*args, token=token)

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(go, [first, second]))


def test_create_transaction_races_category_delete(live, raw_engine):
    token = live.register("race-tx@example.com")
    seen, created = set(), 0
    for i in range(ROUNDS):
        cid = category(live, token, f"c{i}")
        (s_tx, tx), (s_del, deleted) = _race(
            live, token, ("POST", "/api/transactions", {"amount": "1.50", "date": "2024-05-01", "category_id": cid}),
            ("DELETE", f"/api/categories/{cid}", None))
        assert s_del == 204, deleted
        seen.add(s_tx)
        if s_tx == 201:  # stored first, then the delete made it uncategorised
            created += 1
            status, now = live.request("GET", f"/api/transactions/{tx['id']}", token=token)
            assert status == 200 and now["category_id"] is None
        else:
            assert s_tx == 404 and tx == {"error": "not_found", "message": "category not found",
                                          "field": "category_id"}, (s_tx, tx)
    assert seen <= {201, 404}
    with raw_engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM transactions")).scalar_one()
    assert stored == created  # every 201 is a row, every 404 left nothing
    status, listed = live.request("GET", "/api/transactions?limit=500", token=token)
    assert status == 200 and len(listed) == stored


def test_create_budget_races_category_delete(live, raw_engine):
    token = live.register("race-budget@example.com")
    outcomes = []
    for i in range(ROUNDS):
        cid = category(live, token, f"b{i}")
        (s_b, budget), (s_del, deleted) = _race(
            live, token, ("POST", "/api/budgets", {"category_id": cid, "month": "2024-05", "amount": "10"}),
            ("DELETE", f"/api/categories/{cid}", None))
        assert s_del == 204, deleted
        outcomes.append(s_b)
        # never the misleading "already has a budget for this month" (409)
        assert s_b in (201, 404), (s_b, budget)
        if s_b == 404:
            assert budget == {"error": "not_found", "message": "category not found", "field": "category_id"}
    with raw_engine.connect() as conn:  # budgets go with their category: none may be left
        assert conn.execute(text("SELECT count(*) FROM budgets")).scalar_one() == 0
    assert len(outcomes) == ROUNDS


def test_same_budget_created_twice_at_once_is_one_201_and_one_409(live, raw_engine):
    token = live.register("race-dup@example.com")
    for i in range(10):
        cid = category(live, token, f"d{i}")
        req = ("POST", "/api/budgets", {"category_id": cid, "month": "2024-05", "amount": "10"})
        results = _race(live, token, req, req)
        assert sorted(s for s, _ in results) == [201, 409], results
        conflict = next(b for s, b in results if s == 409)
        assert conflict["field"] == "month" and "already has a budget" in conflict["message"]

from decimal import Decimal

import pytest
from sqlalchemy import text

from conftest import count_rows, h


def make_category(client, user, name="Food"):
    resp = client.post("/api/categories", json={"name": name}, headers=h(user))
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def make_tx(client, user, **fields):
    payload = {"amount": "12.50", "date": "2024-05-10"}
    payload.update(fields)
    resp = client.post("/api/transactions", json=payload, headers=h(user))
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


# ---------------------------------------------------------------- CRUD
def test_category_crud(client, alice):
    cat = make_category(client, alice, "Food")
    assert cat["name"] == "Food"
    assert client.get(f"/api/categories/{cat['id']}", headers=h(alice)).get_json() == cat
    renamed = client.patch(f"/api/categories/{cat['id']}", json={"name": "Groceries"}, headers=h(alice))
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Groceries"
    make_category(client, alice, "Rent")
    names = [c["name"] for c in client.get("/api/categories", headers=h(alice)).get_json()]
    assert names == ["Groceries", "Rent"]
    dup = client.post("/api/categories", json={"name": "Rent"}, headers=h(alice))
    assert dup.status_code == 409 and dup.get_json()["field"] == "name"
    assert client.delete(f"/api/categories/{cat['id']}", headers=h(alice)).status_code == 204
    assert client.get(f"/api/categories/{cat['id']}", headers=h(alice)).status_code == 404


def test_transaction_crud_and_filters(client, alice):
    food = make_category(client, alice, "Food")
    tx = make_tx(client, alice, amount="19.99", date="2024-05-03", category_id=food["id"], note="lunch")
    assert tx == {"id": tx["id"], "amount": "19.99", "date": "2024-05-03", "category_id": food["id"], "note": "lunch"}
    make_tx(client, alice, amount=5, date="2024-06-01")
    assert client.get(f"/api/transactions/{tx['id']}", headers=h(alice)).get_json() == tx

    upd = client.patch(f"/api/transactions/{tx['id']}", json={"amount": "21.00", "note": None}, headers=h(alice))
    assert upd.status_code == 200
    assert upd.get_json()["amount"] == "21.00" and upd.get_json()["note"] is None

    may = client.get("/api/transactions?month=2024-05", headers=h(alice)).get_json()
    assert [t["id"] for t in may] == [tx["id"]]
    by_cat = client.get(f"/api/transactions?category_id={food['id']}", headers=h(alice)).get_json()
    assert len(by_cat) == 1
    everything = client.get("/api/transactions", headers=h(alice)).get_json()
    assert [t["date"] for t in everything] == ["2024-06-01", "2024-05-03"]  # newest first
    assert len(client.get("/api/transactions?limit=1", headers=h(alice)).get_json()) == 1

    assert client.delete(f"/api/transactions/{tx['id']}", headers=h(alice)).status_code == 204
    assert client.get(f"/api/transactions/{tx['id']}", headers=h(alice)).status_code == 404


def test_money_is_exact_decimal(client, alice, raw_engine):
    make_tx(client, alice, amount=0.1, date="2024-05-01")
    make_tx(client, alice, amount=0.2, date="2024-05-02")
    make_tx(client, alice, amount="1000000.01", date="2024-05-03")
    summary = client.get("/api/summary?month=2024-05", headers=h(alice)).get_json()
    assert summary["total_spent"] == "1000000.31"
    with raw_engine.connect() as conn:
        assert str(conn.execute(text("SELECT sum(amount) FROM transactions")).scalar_one()) == "1000000.31"
        assert conn.execute(text(
            "SELECT data_type FROM information_schema.columns WHERE table_name='transactions' AND column_name='amount'"
        )).scalar_one() == "numeric"


def test_budget_crud(client, alice):
    food = make_category(client, alice, "Food")
    resp = client.post("/api/budgets", json={"category_id": food["id"], "month": "2024-05", "amount": "300"},
                       headers=h(alice))
    assert resp.status_code == 201
    budget = resp.get_json()
    assert budget == {"id": budget["id"], "category_id": food["id"], "month": "2024-05", "amount": "300.00"}
    dup = client.post("/api/budgets", json={"category_id": food["id"], "month": "2024-05", "amount": "1"},
                      headers=h(alice))
    assert dup.status_code == 409
    upd = client.put(f"/api/budgets/{budget['id']}", json={"amount": "350.50"}, headers=h(alice))
    assert upd.status_code == 200 and upd.get_json()["amount"] == "350.50"
    assert len(client.get("/api/budgets?month=2024-05", headers=h(alice)).get_json()) == 1
    assert client.get("/api/budgets?month=2024-06", headers=h(alice)).get_json() == []
    assert client.delete(f"/api/budgets/{budget['id']}", headers=h(alice)).status_code == 204
    assert client.get(f"/api/budgets/{budget['id']}", headers=h(alice)).status_code == 404


def test_monthly_summary(client, alice, bob):
    food = make_category(client, alice, "Food")
    rent = make_category(client, alice, "Rent")
    make_category(client, alice, "Unused")
    for cid, month, amount in ((food["id"], "2024-05", "100.00"), (rent["id"], "2024-05", "900.00")):
        assert client.post("/api/budgets", json={"category_id": cid, "month": month, "amount": amount},
                           headers=h(alice)).status_code == 201
    make_tx(client, alice, amount="60.25", date="2024-05-01", category_id=food["id"])
    make_tx(client, alice, amount="45.00", date="2024-05-31", category_id=food["id"])
    make_tx(client, alice, amount="7.00", date="2024-04-30", category_id=food["id"])  # other month
    make_tx(client, alice, amount="900.00", date="2024-05-01", category_id=rent["id"])
    make_tx(client, alice, amount="3.50", date="2024-05-15")  # uncategorised
    make_tx(client, bob, amount="999.00", date="2024-05-15")  # someone else's

    s = client.get("/api/summary?month=2024-05", headers=h(alice)).get_json()
    assert s["month"] == "2024-05"
    by_name = {c["category"]: c for c in s["categories"]}
    assert set(by_name) == {"Food", "Rent"}
    assert by_name["Food"] == {"category_id": food["id"], "category": "Food", "spent": "105.25", "transactions": 2,
                               "budget": "100.00", "remaining": "-5.25", "percent_used": Decimal("105.3"), "over_budget": True}
    assert by_name["Rent"]["remaining"] == "0.00" and by_name["Rent"]["over_budget"] is False
    assert s["uncategorized"] == {"spent": "3.50", "transactions": 1}
    assert s["total_spent"] == "1008.75" and s["total_budget"] == "1000.00"
    assert s["over_budget_categories"] == ["Food"]

    bad = client.get("/api/summary?month=2024-13", headers=h(alice))
    assert bad.status_code == 400 and bad.get_json()["field"] == "month"


def test_deleting_a_category_keeps_its_transactions(client, alice, raw_engine):
    food = make_category(client, alice, "Food")
    tx = make_tx(client, alice, category_id=food["id"])
    client.post("/api/budgets", json={"category_id": food["id"], "month": "2024-05", "amount": "10"}, headers=h(alice))
    assert client.delete(f"/api/categories/{food['id']}", headers=h(alice)).status_code == 204
    assert client.get(f"/api/transactions/{tx['id']}", headers=h(alice)).get_json()["category_id"] is None
    assert count_rows(raw_engine, "budgets") == 0


# ---------------------------------------------------------------- ownership
def test_other_users_data_is_404(client, alice, bob, raw_engine):
    cat = make_category(client, alice, "Food")
    tx = make_tx(client, alice, category_id=cat["id"])
    budget = client.post("/api/budgets", json={"category_id": cat["id"], "month": "2024-05", "amount": "50"},
                         headers=h(alice)).get_json()
    for path, patch in ((f"/api/categories/{cat['id']}", {"name": "Mine"}),
                        (f"/api/transactions/{tx['id']}", {"amount": "1"}),
                        (f"/api/budgets/{budget['id']}", {"amount": "1"})):
        assert client.get(path, headers=h(bob)).status_code == 404
        assert client.patch(path, json=patch, headers=h(bob)).status_code == 404
        assert client.delete(path, headers=h(bob)).status_code == 404
        assert client.get(path, headers=h(alice)).status_code == 200  # untouched
    assert client.get("/api/categories", headers=h(bob)).get_json() == []
    assert client.get("/api/transactions", headers=h(bob)).get_json() == []
    assert client.get("/api/budgets", headers=h(bob)).get_json() == []
    assert client.get("/api/summary?month=2024-05", headers=h(bob)).get_json()["total_spent"] == "0.00"

    # bob cannot file his rows under alice's category either
    resp = client.post("/api/transactions", json={"amount": "1", "date": "2024-05-01", "category_id": cat["id"]},
                       headers=h(bob))
    assert resp.status_code == 404 and resp.get_json()["field"] == "category_id"
    resp = client.post("/api/budgets", json={"category_id": cat["id"], "month": "2024-05", "amount": "1"},
                       headers=h(bob))
    assert resp.status_code == 404 and resp.get_json()["field"] == "category_id"
    assert count_rows(raw_engine, "transactions") == 1 and count_rows(raw_engine, "budgets") == 1


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize("payload, field", [
    ({"date": "2024-05-01"}, "amount"),
    ({"amount": "10"}, "date"),
    ({"amount": "-5", "date": "2024-05-01"}, "amount"),
    ({"amount": 0, "date": "2024-05-01"}, "amount"),
    ({"amount": "1.234", "date": "2024-05-01"}, "amount"),
    ({"amount": "abc", "date": "2024-05-01"}, "amount"),
    ({"amount": "NaN", "date": "2024-05-01"}, "amount"),
    ({"amount": "Infinity", "date": "2024-05-01"}, "amount"),
    ({"amount": True, "date": "2024-05-01"}, "amount"),
    ({"amount": "10000000000", "date": "2024-05-01"}, "amount"),
    ({"amount": "1", "date": "2024-02-30"}, "date"),
    ({"amount": "1", "date": "05/01/2024"}, "date"),
    ({"amount": "1", "date": "2024-05-01", "note": "x" * 501}, "note"),
    ({"amount": "1", "date": "2024-05-01", "note": 5}, "note"),
    ({"amount": "1", "date": "2024-05-01", "category_id": "1"}, "category_id"),
    ({"amount": "1", "date": "2024-05-01", "category_id": -1}, "category_id"),
    ({"amount": "1", "date": "2024-05-01", "colour": "red"}, "colour"),
    ("just a string", "body"),
])
def test_transaction_validation(client, alice, raw_engine, payload, field):
    resp = client.post("/api/transactions", json=payload, headers=h(alice))
    assert resp.status_code == 400, resp.get_json()
    body = resp.get_json()
    assert body["error"] == "validation_error" and body["field"] == field
    assert count_rows(raw_engine, "transactions") == 0


@pytest.mark.parametrize("path, payload, field", [
    ("/api/categories", {"name": "   "}, "name"),
    ("/api/categories", {"name": "x" * 65}, "name"),
    ("/api/categories", {}, "name"),
    ("/api/budgets", {"category_id": 1, "month": "2024-5", "amount": "1"}, "month"),
    ("/api/budgets", {"category_id": 1, "month": "2024-00", "amount": "1"}, "month"),
    ("/api/budgets", {"category_id": 1, "month": "2024-05", "amount": "-1"}, "amount"),
    ("/api/budgets", {"month": "2024-05", "amount": "1"}, "category_id"),
])
def test_category_and_budget_validation(client, alice, path, payload, field):
    make_category(client, alice, "Food")
    resp = client.post(path, json=payload, headers=h(alice))
    assert resp.status_code == 400 and resp.get_json()["field"] == field


@pytest.mark.parametrize("query, field", [
    ("month=May", "month"), ("limit=0", "limit"), ("limit=9999", "limit"), ("offset=-1", "offset"),
    ("category_id=abc", "category_id"),
])
def test_list_query_validation(client, alice, query, field):
    resp = client.get(f"/api/transactions?{query}", headers=h(alice))
    assert resp.status_code == 400 and resp.get_json()["field"] == field


def test_unknown_route_and_method_are_json(client, alice):
    resp = client.get("/api/nope", headers=h(alice))
    assert resp.status_code == 404 and resp.get_json()["error"] == "not_found"
    resp = client.delete("/api/transactions", headers=h(alice))
    assert resp.status_code == 405 and "error" in resp.get_json()


# ---------------------------------------------------------------- atomicity
def test_bulk_create_is_all_or_nothing(client, alice, raw_engine):
    items = [{"amount": "1.00", "date": "2024-05-01"}, {"amount": "2.00", "date": "2024-05-02"},
             {"amount": "oops", "date": "2024-05-03"}]
    resp = client.post("/api/transactions/bulk", json={"transactions": items}, headers=h(alice))
    assert resp.status_code == 400 and resp.get_json()["field"] == "transactions[2].amount"
    assert count_rows(raw_engine, "transactions") == 0

    items[2]["amount"] = "3.00"
    resp = client.post("/api/transactions/bulk", json={"transactions": items}, headers=h(alice))
    assert resp.status_code == 201 and [t["amount"] for t in resp.get_json()] == ["1.00", "2.00", "3.00"]
    assert count_rows(raw_engine, "transactions") == 3


def test_failed_update_changes_nothing(client, alice, bob):
    cat = make_category(client, bob, "Bob's")
    tx = make_tx(client, alice, amount="10.00", note="keep")
    # amount is valid and applied first, then the category check fails: nothing may stick
    resp = client.patch(f"/api/transactions/{tx['id']}", json={"amount": "99.00", "category_id": cat["id"]},
                        headers=h(alice))
    assert resp.status_code == 404
    resp = client.patch(f"/api/transactions/{tx['id']}", json={"amount": "99.00", "date": "2024-99-01"},
                        headers=h(alice))
    assert resp.status_code == 400 and resp.get_json()["field"] == "date"
    assert client.get(f"/api/transactions/{tx['id']}", headers=h(alice)).get_json() == tx


def test_database_error_rolls_back_the_request(client, alice, raw_engine, app):
    """A failure inside the unit of work (here a constraint the validator does not check) leaves nothing behind."""
    cat = make_category(client, alice, "Food")
    with raw_engine.begin() as conn:  # make every insert of this note fail at commit time
        conn.execute(text("ALTER TABLE transactions ADD CONSTRAINT ck_test_no_boom CHECK (note <> 'boom')"))
    try:
        resp = client.post("/api/transactions/bulk", json={"transactions": [
            {"amount": "1", "date": "2024-05-01", "category_id": cat["id"]},
            {"amount": "2", "date": "2024-05-01", "note": "boom"}]}, headers=h(alice))
        assert resp.status_code == 500 and resp.get_json()["error"] == "internal_error"
        assert count_rows(raw_engine, "transactions") == 0
        # the app is fine afterwards
        assert client.get("/api/transactions", headers=h(alice)).status_code == 200
    finally:
        with raw_engine.begin() as conn:
            conn.execute(text("ALTER TABLE transactions DROP CONSTRAINT ck_test_no_boom"))

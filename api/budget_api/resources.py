"""Categories, transactions, monthly budgets and the monthly summary; every row is owned by a user."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from flask import Blueprint, g, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from . import db, validation as v
from .auth import login_required
from .errors import ApiError, NotFound
from .metrics import TRANSACTIONS_CREATED
from .models import Budget, Category, Transaction

bp = Blueprint("resources", __name__, url_prefix="/api")
CENT = Decimal("0.01")


def owned(model, obj_id: int, what: str, field: str | None = None):
    """The user's own row, or 404 (another user's row is indistinguishable from a missing one)."""
    obj = db.session().get(model, obj_id)
    if obj is None or obj.user_id != g.user.id:
        raise NotFound(what, field)
    return obj


def commit_or_conflict(message: str, field: str) -> None:
    s = db.session()
    try:
        s.commit()
    except IntegrityError:
        s.rollback()
        raise ApiError(409, "conflict", message, field) from None


# ---------------------------------------------------------------- categories
@bp.get("/categories")
@login_required
def list_categories():
    rows = db.session().scalars(select(Category).where(Category.user_id == g.user.id).order_by(Category.name))
    return jsonify([c.to_dict() for c in rows])


@bp.post("/categories")
@login_required
def create_category():
    body = v.json_body(required=("name",))
    category = Category(user_id=g.user.id, name=v.string(body["name"], "name", max_len=64))
    db.session().add(category)
    commit_or_conflict("a category with this name already exists", "name")
    return jsonify(category.to_dict()), 201


@bp.get("/categories/<int:category_id>")
@login_required
def get_category(category_id: int):
    return jsonify(owned(Category, category_id, "category").to_dict())


@bp.route("/categories/<int:category_id>", methods=["PUT", "PATCH"])
@login_required
def update_category(category_id: int):
    category = owned(Category, category_id, "category")
    body = v.json_body(required=("name",))
    category.name = v.string(body["name"], "name", max_len=64)
    commit_or_conflict("a category with this name already exists", "name")
    return jsonify(category.to_dict())


@bp.delete("/categories/<int:category_id>")
@login_required
def delete_category(category_id: int):
    """Its budgets go with it; its transactions stay, uncategorised."""
    s = db.session()
    s.delete(owned(Category, category_id, "category"))
    s.commit()
    return "", 204


# -------------------------------------------------------------- transactions
TX_FIELDS = ("amount", "date", "category_id", "note")


def _apply_transaction(tx: Transaction, body: dict, prefix: str = "") -> None:
    if "amount" in body:
        tx.amount = v.amount(body["amount"], prefix + "amount")
    if "date" in body:
        tx.date = v.date(body["date"], prefix + "date")
    if "category_id" in body:
        cid = v.ident(body["category_id"], prefix + "category_id", allow_none=True)
        tx.category_id = None if cid is None else owned(Category, cid, "category", prefix + "category_id").id
    if "note" in body:
        tx.note = v.string(body["note"], prefix + "note", min_len=0, max_len=500, allow_none=True) or None


def _new_transaction(body: dict, prefix: str = "") -> Transaction:
    v.check_object(body, ("amount", "date"), ("category_id", "note"), prefix.rstrip(".") or "body", prefix)
    tx = Transaction(user_id=g.user.id)
    _apply_transaction(tx, body, prefix)
    return tx


@bp.get("/transactions")
@login_required
def list_transactions():
    q = select(Transaction).where(Transaction.user_id == g.user.id)
    if "month" in request.args:
        start = v.month(request.args["month"])
        q = q.where(Transaction.date >= start, Transaction.date < v.next_month(start))
    category_id = v.query_id("category_id")
    if category_id is not None:
        q = q.where(Transaction.category_id == category_id)
    limit = v.query_int("limit", 50, 1, 500)
    offset = v.query_int("offset", 0, 0, 10**9)
    rows = db.session().scalars(q.order_by(Transaction.date.desc(), Transaction.id.desc()).limit(limit).offset(offset))
    return jsonify([t.to_dict() for t in rows])


@bp.post("/transactions")
@login_required
def create_transaction():
    body = request.get_json(silent=True)
    if body is None:
        raise v.ValidationError("body", "expected a JSON object (Content-Type: application/json)")
    tx = _new_transaction(body)
    s = db.session()
    s.add(tx)
    s.commit()
    TRANSACTIONS_CREATED.inc()
    return jsonify(tx.to_dict()), 201


@bp.post("/transactions/bulk")
@login_required
def create_transactions_bulk():
    """All or nothing: one invalid item (named by its index) and none are stored."""
    body = v.json_body(required=("transactions",))
    items = body["transactions"]
    if not isinstance(items, list) or not 1 <= len(items) <= 1000:
        raise v.ValidationError("transactions", "must be a list of 1 to 1000 transactions")
    txs = [_new_transaction(item, f"transactions[{i}].") for i, item in enumerate(items)]
    s = db.session()
    s.add_all(txs)
    s.commit()
    TRANSACTIONS_CREATED.inc(len(txs))
    return jsonify([t.to_dict() for t in txs]), 201


@bp.get("/transactions/<int:tx_id>")
@login_required
def get_transaction(tx_id: int):
    return jsonify(owned(Transaction, tx_id, "transaction").to_dict())


@bp.route("/transactions/<int:tx_id>", methods=["PUT", "PATCH"])
@login_required
def update_transaction(tx_id: int):
    tx = owned(Transaction, tx_id, "transaction")
    body = v.json_body(optional=TX_FIELDS)
    for key in ("amount", "date"):
        if key in body and body[key] is None:
            raise v.ValidationError(key, "must not be null")
    _apply_transaction(tx, body)
    db.session().commit()
    return jsonify(tx.to_dict())


@bp.delete("/transactions/<int:tx_id>")
@login_required
def delete_transaction(tx_id: int):
    s = db.session()
    s.delete(owned(Transaction, tx_id, "transaction"))
    s.commit()
    return "", 204


# ------------------------------------------------------------------- budgets
@bp.get("/budgets")
@login_required
def list_budgets():
    q = select(Budget).where(Budget.user_id == g.user.id)
    if "month" in request.args:
        q = q.where(Budget.month == v.month(request.args["month"]))
    rows = db.session().scalars(q.order_by(Budget.month.desc(), Budget.category_id))
    return jsonify([b.to_dict() for b in rows])


@bp.post("/budgets")
@login_required
def create_budget():
    body = v.json_body(required=("category_id", "month", "amount"))
    category = owned(Category, v.ident(body["category_id"], "category_id"), "category", "category_id")
    budget = Budget(user_id=g.user.id, category_id=category.id, month=v.month(body["month"]),
                    amount=v.amount(body["amount"]))
    db.session().add(budget)
    commit_or_conflict("this category already has a budget for this month", "month")
    return jsonify(budget.to_dict()), 201


@bp.get("/budgets/<int:budget_id>")
@login_required
def get_budget(budget_id: int):
    return jsonify(owned(Budget, budget_id, "budget").to_dict())


@bp.route("/budgets/<int:budget_id>", methods=["PUT", "PATCH"])
@login_required
def update_budget(budget_id: int):
    budget = owned(Budget, budget_id, "budget")
    body = v.json_body(optional=("category_id", "month", "amount"))
    if "category_id" in body:
        cid = v.ident(body["category_id"], "category_id")
        budget.category_id = owned(Category, cid, "category", "category_id").id
    if "month" in body:
        budget.month = v.month(body["month"])
    if "amount" in body:
        budget.amount = v.amount(body["amount"])
    commit_or_conflict("this category already has a budget for this month", "month")
    return jsonify(budget.to_dict())


@bp.delete("/budgets/<int:budget_id>")
@login_required
def delete_budget(budget_id: int):
    s = db.session()
    s.delete(owned(Budget, budget_id, "budget"))
    s.commit()
    return "", 204


# ------------------------------------------------------------------- summary
@bp.get("/summary")
@login_required
def monthly_summary():
    """Spent per category in a month against that category's budget (?month=YYYY-MM, default: this month)."""
    today = dt.date.today()
    start = v.month(request.args["month"]) if "month" in request.args else dt.date(today.year, today.month, 1)
    end = v.next_month(start)
    s = db.session()
    uid = g.user.id
    spent_rows = s.execute(
        select(Transaction.category_id, func.sum(Transaction.amount), func.count())
        .where(Transaction.user_id == uid, Transaction.date >= start, Transaction.date < end)
        .group_by(Transaction.category_id)).all()
    spent = {cid: (total, count) for cid, total, count in spent_rows}
    budgets = dict(s.execute(select(Budget.category_id, Budget.amount)
                             .where(Budget.user_id == uid, Budget.month == start)).all())
    categories = s.scalars(select(Category).where(Category.user_id == uid).order_by(Category.name)).all()

    items = []
    total_spent = Decimal("0.00")
    total_budget = Decimal("0.00")
    for c in categories:
        if c.id not in spent and c.id not in budgets:
            continue
        amount_spent, count = spent.get(c.id, (Decimal("0.00"), 0))
        budget = budgets.get(c.id)
        total_spent += amount_spent
        item = {"category_id": c.id, "category": c.name, "spent": amount_spent.quantize(CENT),
                "transactions": count, "budget": budget, "remaining": None, "percent_used": None,
                "over_budget": False}
        if budget is not None:
            total_budget += budget
            item["remaining"] = (budget - amount_spent).quantize(CENT)
            item["percent_used"] = float((amount_spent / budget * 100).quantize(Decimal("0.1"), ROUND_HALF_UP))
            item["over_budget"] = amount_spent > budget
        items.append(item)
    uncategorized, uncategorized_count = spent.get(None, (Decimal("0.00"), 0))
    total_spent += uncategorized
    return jsonify({
        "month": start.strftime("%Y-%m"),
        "categories": items,
        "uncategorized": {"spent": uncategorized.quantize(CENT), "transactions": uncategorized_count},
        "total_spent": total_spent.quantize(CENT),
        "total_budget": total_budget.quantize(CENT),
        "over_budget_categories": [i["category"] for i in items if i["over_budget"]],
    })

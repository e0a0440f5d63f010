"""Categories, transactions, monthly budgets and the monthly summary; every row is owned by a user.

Concurrency: a request that refers to a category (a transaction or budget filed under it) takes a
``FOR KEY SHARE`` lock on it, and a request that changes or deletes a row takes ``FOR UPDATE`` on it,
categories always before transactions and budgets. So a category deleted while a transaction or budget
is being filed under it gives either a clean 201 followed by the delete, or a 404 naming category_id,
never a foreign-key failure; any constraint that still fails at commit is mapped by its name.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from flask import g, jsonify
from flask_openapi3 import APIBlueprint, Tag
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from . import db
from .auth import login_required
from .errors import ApiError, NotFound
from .metrics import TRANSACTIONS_CREATED
from .models import Budget, Category, Transaction
from .openapi import BEARER, ERROR_RESPONSES, errors
from .schemas import (BudgetIn, BudgetList, BudgetOut, BudgetPatch, BudgetPath, BulkIn, CategoryIn, CategoryList,
                      CategoryOut, CategoryPath, MonthQuery, SummaryOut, TransactionIn, TransactionList,
                      TransactionOut, TransactionPatch, TransactionPath, TransactionQuery, format_month,
                      month_end)

bp = APIBlueprint("resources", __name__, url_prefix="/api", abp_security=BEARER,
                  abp_responses={**ERROR_RESPONSES, **errors(401)})
CENT = Decimal("0.01")
UPDATE = {}  # FOR UPDATE: this request changes or deletes the row
KEY_SHARE = {"read": True, "key_share": True}  # FOR KEY SHARE: the row must not disappear under a reference
NO_CONTENT = {204: None}

# constraint name -> (status, error, message, field) for failures only a concurrent request can cause
CATEGORY_GONE = (404, "not_found", "category not found", "category_id")
CONSTRAINTS = {
    "fk_transactions_category_id_categories": CATEGORY_GONE,
    "fk_budgets_category_id_categories": CATEGORY_GONE,
    "uq_categories_user_id_name": (409, "conflict", "a category with this name already exists", "name"),
    "uq_budgets_user_id_category_id_month": (409, "conflict", "this category already has a budget for this month",
                                             "month"),
}


def owned(model, obj_id: int, what: str, field: str | None = None, lock: dict | None = None):
    """The user's own row, or 404 (another user's row is indistinguishable from a missing one).
    ``lock``: UPDATE or KEY_SHARE, held until the request's transaction ends."""
    q = select(model).where(model.id == obj_id)
    if lock is not None:
        q = q.with_for_update(**lock).execution_options(populate_existing=True)
    obj = db.session().scalars(q).first()
    if obj is None or obj.user_id != g.user.id:
        raise NotFound(what, field)
    return obj


def commit() -> None:
    """Commit the request's unit of work; a constraint violation becomes the 404/409 it stands for."""
    s = db.session()
    try:
        s.commit()
    except IntegrityError as exc:
        s.rollback()
        name = getattr(getattr(getattr(exc, "orig", None), "diag", None), "constraint_name", None)
        if name not in CONSTRAINTS:
            raise
        status, code, message, field = CONSTRAINTS[name]
        raise ApiError(status, code, message, field) from None


def category_ref(category_id: int | None, field: str = "category_id") -> int | None:
    """A category the request files something under: the user's own, locked against deletion."""
    if category_id is None:
        return None
    return owned(Category, category_id, "category", field, lock=KEY_SHARE).id


# ---------------------------------------------------------------- categories
@bp.get("/categories", operation_id="listCategories", summary="The user's categories, by name",
        responses={200: CategoryList})
@login_required
def list_categories():
    rows = db.session().scalars(select(Category).where(Category.user_id == g.user.id).order_by(Category.name))
    return jsonify([c.to_dict() for c in rows])


@bp.post("/categories", operation_id="createCategory", summary="Create a category",
         responses={201: CategoryOut, **errors(409)})
@login_required
def create_category(body: CategoryIn):
    category = Category(user_id=g.user.id, name=body.name)
    db.session().add(category)
    commit()
    return jsonify(category.to_dict()), 201


@bp.get("/categories/<id:category_id>", operation_id="getCategory", summary="One category",
        responses={200: CategoryOut, **errors(404)})
@login_required
def get_category(path: CategoryPath):
    return jsonify(owned(Category, path.category_id, "category").to_dict())


def _update_category(path: CategoryPath, body: CategoryIn):
    category = owned(Category, path.category_id, "category", lock=UPDATE)
    category.name = body.name
    commit()
    return jsonify(category.to_dict())


@bp.put("/categories/<id:category_id>", operation_id="updateCategory", summary="Rename a category",
        responses={200: CategoryOut, **errors(404, 409)})
@login_required
def update_category(path: CategoryPath, body: CategoryIn):
    return _update_category(path, body)


@bp.patch("/categories/<id:category_id>", operation_id="patchCategory", summary="Rename a category",
          responses={200: CategoryOut, **errors(404, 409)})
@login_required
def patch_category(path: CategoryPath, body: CategoryIn):
    return _update_category(path, body)


@bp.delete("/categories/<id:category_id>", operation_id="deleteCategory",
           summary="Delete a category: its budgets go with it; its transactions stay, uncategorised",
           responses={**NO_CONTENT, **errors(404)})
@login_required
def delete_category(path: CategoryPath):
    s = db.session()
    s.delete(owned(Category, path.category_id, "category", lock=UPDATE))
    s.commit()
    return "", 204


# -------------------------------------------------------------- transactions
def _new_transaction(item: TransactionIn, prefix: str = "") -> Transaction:
    return Transaction(user_id=g.user.id, amount=item.amount, date=item.date, note=item.note or None,
                       category_id=category_ref(item.category_id, prefix + "category_id"))


@bp.get("/transactions", operation_id="listTransactions",
        summary="The user's transactions, newest first; filters: month, category_id; paging: limit, offset",
        responses={200: TransactionList})
@login_required
def list_transactions(query: TransactionQuery):
    q = select(Transaction).where(Transaction.user_id == g.user.id)
    if query.month is not None:
        q = q.where(Transaction.date >= query.month, Transaction.date <= month_end(query.month))
    if query.category_id is not None:
        q = q.where(Transaction.category_id == query.category_id)
    rows = db.session().scalars(q.order_by(Transaction.date.desc(), Transaction.id.desc())
                                .limit(query.limit).offset(query.offset))
    return jsonify([t.to_dict() for t in rows])


@bp.post("/transactions", operation_id="createTransaction", summary="Record a transaction",
         responses={201: TransactionOut, **errors(404)})
@login_required
def create_transaction(body: TransactionIn):
    tx = _new_transaction(body)
    db.session().add(tx)
    commit()
    TRANSACTIONS_CREATED.inc()
    return jsonify(tx.to_dict()), 201


@bp.post("/transactions/bulk", operation_id="createTransactionsBulk",
         summary="Record 1 to 1000 transactions, all or nothing", responses={201: TransactionList, **errors(404)})
@login_required
def create_transactions_bulk(body: BulkIn):
    """All or nothing: one invalid item (named by its index) and none are stored."""
    txs = [_new_transaction(item, f"transactions[{i}].") for i, item in enumerate(body.transactions)]
    s = db.session()
    s.add_all(txs)
    commit()
    TRANSACTIONS_CREATED.inc(len(txs))
    return jsonify([t.to_dict() for t in txs]), 201


@bp.get("/transactions/<id:tx_id>", operation_id="getTransaction", summary="One transaction",
        responses={200: TransactionOut, **errors(404)})
@login_required
def get_transaction(path: TransactionPath):
    return jsonify(owned(Transaction, path.tx_id, "transaction").to_dict())


def _update_transaction(path: TransactionPath, body: TransactionPatch):
    fields = body.model_fields_set
    for key in ("amount", "date"):
        if key in fields and getattr(body, key) is None:
            raise ApiError(400, "validation_error", f"{key} must not be null", key)
    category_id = category_ref(body.category_id) if "category_id" in fields else None  # categories first
    tx = owned(Transaction, path.tx_id, "transaction", lock=UPDATE)
    if "amount" in fields:
        tx.amount = body.amount
    if "date" in fields:
        tx.date = body.date
    if "category_id" in fields:
        tx.category_id = category_id
    if "note" in fields:
        tx.note = body.note or None
    commit()
    return jsonify(tx.to_dict())


@bp.put("/transactions/<id:tx_id>", operation_id="updateTransaction",
        summary="Change a transaction (the fields given)", responses={200: TransactionOut, **errors(404)})
@login_required
def update_transaction(path: TransactionPath, body: TransactionPatch):
    return _update_transaction(path, body)


@bp.patch("/transactions/<id:tx_id>", operation_id="patchTransaction",
          summary="Change a transaction (the fields given)", responses={200: TransactionOut, **errors(404)})
@login_required
def patch_transaction(path: TransactionPath, body: TransactionPatch):
    return _update_transaction(path, body)


@bp.delete("/transactions/<id:tx_id>", operation_id="deleteTransaction", summary="Delete a transaction",
           responses={**NO_CONTENT, **errors(404)})
@login_required
def delete_transaction(path: TransactionPath):
    s = db.session()
    s.delete(owned(Transaction, path.tx_id, "transaction", lock=UPDATE))
    s.commit()
    return "", 204


# ------------------------------------------------------------------- budgets
@bp.get("/budgets", operation_id="listBudgets", summary="The user's budgets, newest month first",
        responses={200: BudgetList})
@login_required
def list_budgets(query: MonthQuery):
    q = select(Budget).where(Budget.user_id == g.user.id)
    if query.month is not None:
        q = q.where(Budget.month == query.month)
    rows = db.session().scalars(q.order_by(Budget.month.desc(), Budget.category_id))
    return jsonify([b.to_dict() for b in rows])


@bp.post("/budgets", operation_id="createBudget", summary="Set a category's budget for a month",
         responses={201: BudgetOut, **errors(404, 409)})
@login_required
def create_budget(body: BudgetIn):
    budget = Budget(user_id=g.user.id, category_id=category_ref(body.category_id), month=body.month,
                    amount=body.amount)
    db.session().add(budget)
    commit()
    return jsonify(budget.to_dict()), 201


@bp.get("/budgets/<id:budget_id>", operation_id="getBudget", summary="One budget",
        responses={200: BudgetOut, **errors(404)})
@login_required
def get_budget(path: BudgetPath):
    return jsonify(owned(Budget, path.budget_id, "budget").to_dict())


def _update_budget(path: BudgetPath, body: BudgetPatch):
    fields = body.model_fields_set
    for key in ("category_id", "month", "amount"):
        if key in fields and getattr(body, key) is None:
            raise ApiError(400, "validation_error", f"{key} must not be null", key)
    category_id = category_ref(body.category_id) if "category_id" in fields else None  # categories first
    budget = owned(Budget, path.budget_id, "budget", lock=UPDATE)
    if "category_id" in fields:
        budget.category_id = category_id
    if "month" in fields:
        budget.month = body.month
    if "amount" in fields:
        budget.amount = body.amount
    commit()
    return jsonify(budget.to_dict())


@bp.put("/budgets/<id:budget_id>", operation_id="updateBudget", summary="Change a budget (the fields given)",
        responses={200: BudgetOut, **errors(404, 409)})
@login_required
def update_budget(path: BudgetPath, body: BudgetPatch):
    return _update_budget(path, body)


@bp.patch("/budgets/<id:budget_id>", operation_id="patchBudget", summary="Change a budget (the fields given)",
          responses={200: BudgetOut, **errors(404, 409)})
@login_required
def patch_budget(path: BudgetPath, body: BudgetPatch):
    return _update_budget(path, body)


@bp.delete("/budgets/<id:budget_id>", operation_id="deleteBudget", summary="Delete a budget",
           responses={**NO_CONTENT, **errors(404)})
@login_required
def delete_budget(path: BudgetPath):
    s = db.session()
    s.delete(owned(Budget, path.budget_id, "budget", lock=UPDATE))
    s.commit()
    return "", 204


# ------------------------------------------------------------------- summary
@bp.get("/summary", operation_id="monthlySummary",
        summary="Spent per category in a month against its budget (?month=YYYY-MM, default: this month)",
        responses={200: SummaryOut})
@login_required
def monthly_summary(query: MonthQuery):
    """Spent per category in a month against that category's budget (?month=YYYY-MM, default: this month)."""
    today = dt.date.today()
    start = query.month or dt.date(today.year, today.month, 1)
    end = month_end(start)
    s = db.session()
    uid = g.user.id
    spent_rows = s.execute(
        select(Transaction.category_id, func.sum(Transaction.amount), func.count())
        .where(Transaction.user_id == uid, Transaction.date >= start, Transaction.date <= end)
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
        "month": format_month(start),
        "categories": items,
        "uncategorized": {"spent": uncategorized.quantize(CENT), "transactions": uncategorized_count},
        "total_spent": total_spent.quantize(CENT),
        "total_budget": total_budget.quantize(CENT),
        "over_budget_categories": [i["category"] for i in items if i["over_budget"]],
    })

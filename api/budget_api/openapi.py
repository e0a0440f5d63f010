"""The OpenAPI document's shared parts: the error responses every operation can give, the Bearer
security scheme, and the links between operations (register -> login, create -> read/update/delete)
that let a stateful client (schemathesis) chain requests. The operations themselves are described by
flask-openapi3 from the pydantic schemas that validate them."""
from __future__ import annotations

import copy

from .schemas import ErrorOut

BEARER = [{"bearerAuth": []}]
SECURITY_SCHEMES = {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                   "description": "the access_token from /api/auth/register or /api/auth/login"}}

_DESCRIPTIONS = {
    400: "validation_error: the named field is invalid",
    401: "missing, invalid or expired token, or wrong credentials",
    404: "no such row for this user (or, for Google sign-in: not configured on this server)",
    409: "conflict with an existing row",
    413: "request body larger than 1 MiB",
    414: "request URI longer than 8190 bytes",
    429: "too many requests (the nginx entry limits /api/auth/)",
    503: "database (or Google's keys) unavailable; nothing was changed",
}


def error(status: int, description: str | None = None) -> dict:
    return {"description": description or _DESCRIPTIONS[status],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}


def errors(*statuses: int) -> dict:
    return {status: error(status) for status in statuses}


# Every operation: bad input, oversized body, database down.
ERROR_RESPONSES = {400: ErrorOut, 413: error(413), 414: error(414), 503: error(503)}

# (source operation, status) -> links. Values follow the OpenAPI runtime expression syntax.
_ID = "$response.body#/id"
LINKS = {
    ("register", "201"): {
        "LoginWithTheNewAccount": {"operationId": "login", "requestBody": {
            "email": "$request.body#/email", "password": "$request.body#/password"}},
    },
    ("createCategory", "201"): {
        "GetCategory": {"operationId": "getCategory", "parameters": {"category_id": _ID}},
        "UpdateCategory": {"operationId": "updateCategory", "parameters": {"category_id": _ID}},
        "PatchCategory": {"operationId": "patchCategory", "parameters": {"category_id": _ID}},
        "DeleteCategory": {"operationId": "deleteCategory", "parameters": {"category_id": _ID}},
        "ListTransactionsOfCategory": {"operationId": "listTransactions", "parameters": {"category_id": _ID}},
    },
    ("createTransaction", "201"): {
        "GetTransaction": {"operationId": "getTransaction", "parameters": {"tx_id": _ID}},
        "UpdateTransaction": {"operationId": "updateTransaction", "parameters": {"tx_id": _ID}},
        "PatchTransaction": {"operationId": "patchTransaction", "parameters": {"tx_id": _ID}},
        "DeleteTransaction": {"operationId": "deleteTransaction", "parameters": {"tx_id": _ID}},
    },
    ("createBudget", "201"): {
        "GetBudget": {"operationId": "getBudget", "parameters": {"budget_id": _ID}},
        "UpdateBudget": {"operationId": "updateBudget", "parameters": {"budget_id": _ID}},
        "PatchBudget": {"operationId": "patchBudget", "parameters": {"budget_id": _ID}},
        "DeleteBudget": {"operationId": "deleteBudget", "parameters": {"budget_id": _ID}},
    },
}


def finish_document(app) -> dict:
    """flask-openapi3's document plus the links (computed once, then cached on the app)."""
    doc = app.extensions.get("openapi_document")
    if doc is None:
        doc = copy.deepcopy(app.api_doc)
        operations = {op.get("operationId"): op for item in doc["paths"].values() for op in item.values()
                      if isinstance(op, dict)}
        for (operation_id, status), links in LINKS.items():
            operations[operation_id]["responses"][status]["links"] = links
        app.extensions["openapi_document"] = doc
    return doc

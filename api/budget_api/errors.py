"""JSON errors for everything: validation (400), auth (401), not found (404), DB outage (503)."""
from __future__ import annotations

from flask import jsonify
from psycopg import errors as pg_errors
from sqlalchemy.exc import DBAPIError, OperationalError, TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from .validation import ValidationError


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


class NotFound(ApiError):
    def __init__(self, what: str, field: str | None = None):
        super().__init__(404, "not_found", f"{what} not found", field)


def _body(code: str, message: str, field: str | None = None) -> dict:
    out = {"error": code, "message": message}
    if field is not None:
        out["field"] = field
    return out


def init_app(app) -> None:
    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError):
        return jsonify(_body("validation_error", f"{exc.field} {exc.message}", exc.field)), 400

    @app.errorhandler(ApiError)
    def _api(exc: ApiError):
        resp = jsonify(_body(exc.code, exc.message, exc.field))
        if exc.status == 401:
            resp.headers["WWW-Authenticate"] = 'Bearer realm="budget-api"'
        return resp, exc.status

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        field = "body" if exc.code == 413 else None  # the only part of the request a 413 can be about
        resp = jsonify(_body(exc.name.lower().replace(" ", "_"), exc.description or exc.name, field))
        for name, value in exc.get_headers():  # e.g. Allow on a 405
            if name.lower() != "content-type":
                resp.headers[name] = value
        return resp, exc.code

    @app.errorhandler(StaleDataError)
    def _stale(exc):  # a row changed under the ORM: only a concurrent delete can do that here
        return jsonify(_body("not_found", "the row was deleted by a concurrent request")), 404

    def _concurrent(exc):
        resp = jsonify(_body("conflict", "the request conflicted with a concurrent change; nothing was changed, "
                                         "retry"))
        resp.headers["Retry-After"] = "1"
        return resp, 409

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeoutError)
    def _db_down(exc):
        if isinstance(getattr(exc, "orig", None), pg_errors.TransactionRollback):  # deadlock, serialization
            return _concurrent(exc)
        app.logger.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else exc)
        resp = jsonify(_body("database_unavailable", "the database is unavailable; nothing was changed, retry later"))
        resp.headers["Retry-After"] = "5"
        return resp, 503

    @app.errorhandler(DBAPIError)
    def _db_error(exc: DBAPIError):
        if exc.connection_invalidated:
            return _db_down(exc)
        app.logger.exception("database error")
        return jsonify(_body("internal_error", "unexpected database error; nothing was changed")), 500

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return jsonify(_body("internal_error", "unexpected server error; nothing was changed")), 500

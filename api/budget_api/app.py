"""Application factory."""
from __future__ import annotations

import json
import logging
from decimal import Decimal

from flask import jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask_openapi3 import Info, OpenAPI
from werkzeug.exceptions import RequestURITooLarge
from werkzeug.routing import BaseConverter

from . import auth, db, errors, health, metrics, resources, schemas
from . import validation as v
from .config import Settings
from .openapi import ERROR_RESPONSES, SECURITY_SCHEMES, finish_document


class JSONProvider(DefaultJSONProvider):
    """JSON numbers with a fraction are parsed as Decimal (money never goes through float); nesting is
    bounded (a deep document would exhaust the parser's recursion); NaN/Infinity are not JSON."""
    sort_keys = False

    def loads(self, s, **kwargs):
        if isinstance(s, (bytes, bytearray)):
            s = s.decode("utf-8")  # a UnicodeDecodeError is a ValueError: "not JSON"
        v.check_json_depth(s)
        kwargs.setdefault("parse_float", Decimal)
        kwargs.setdefault("parse_constant", _no_constant)
        return json.loads(s, **kwargs)


def _no_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class IdConverter(BaseConverter):
    """A path id: ASCII digits only (so /transactions/bulk or /transactions/١٢ match no id route); the
    value stays text, and the path schema range-checks it (400 naming the parameter)."""
    regex = r"[0-9]+"


MAX_URI = 8190  # gunicorn's request line limit is lifted (gunicorn.conf.py): this one answers in JSON


def _check_request_line():
    if len(request.full_path) > MAX_URI:
        raise RequestURITooLarge(f"the request URI is longer than {MAX_URI} bytes")
    for key in request.args:  # a parameter given twice is ambiguous: refuse it rather than pick one
        if len(request.args.getlist(key)) > 1:
            raise v.ValidationError(key, "must be given at most once")


def _validation_error(exc):
    """flask-openapi3 calls this with pydantic's error; the API's error handler answers it."""
    model = getattr(schemas, exc.title, None)
    where = "path" if exc.title.endswith("Path") else "query" if exc.title.endswith("Query") else "body"
    raise v.from_pydantic(exc, model, where)


def create_app(settings: Settings | None = None) -> OpenAPI:
    settings = settings or Settings.from_env()
    app = OpenAPI(__name__, info=Info(title="budget-api", version=settings.version,
                                      description="Budget API: categories, transactions, monthly budgets."),
                  security_schemes=SECURITY_SCHEMES, responses=ERROR_RESPONSES,
                  validation_error_status=400, validation_error_model=schemas.ErrorOut,
                  validation_error_callback=_validation_error, doc_ui=False)
    app.json = JSONProvider(app)
    app.url_map.converters["id"] = IdConverter
    app.before_request(auth.authenticate)  # the token first, then the request's parameters
    app.before_request(_check_request_line)
    app.config.update(SETTINGS=settings, SECRET_KEY=settings.secret_key, JSON_SORT_KEYS=False,
                      MAX_CONTENT_LENGTH=1024 * 1024, DEBUG=settings.env == "development")
    if not app.logger.handlers or app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)

    db.init_app(app, db.make_engine(settings.database_url, connect_timeout=settings.db_connect_timeout))
    errors.init_app(app)
    metrics.init_app(app, settings.version)
    app.register_api(health.bp)
    app.register_api(auth.bp)
    app.register_api(resources.bp)

    @app.get("/", summary="Service index", responses={200: schemas.IndexOut})
    def index():
        return jsonify({
            "name": "budget-api",
            "version": settings.version,
            "google_sign_in": settings.google_enabled,
            "endpoints": sorted({f"{','.join(sorted(r.methods - {'HEAD', 'OPTIONS'}))} {r.rule}"
                                 for r in app.url_map.iter_rules() if r.endpoint != "static"}),
        })

    app.add_url_rule("/api", "api_index", index)

    @app.get("/api/openapi.json", summary="This API's OpenAPI 3 document",
             responses={200: {"description": "the OpenAPI document",
                              "content": {"application/json": {"schema": {"type": "object"}}}}})
    def openapi_document():
        return jsonify(finish_document(app))

    @app.after_request
    def _no_store(resp):
        # Tokens, balances and errors are per user: no shared or browser cache may keep them.
        resp.headers["Cache-Control"] = "no-store"
        return resp

    return app

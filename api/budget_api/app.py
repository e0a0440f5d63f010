"""Application factory."""
from __future__ import annotations

import logging
from decimal import Decimal

from flask import Flask, jsonify
from flask.json.provider import DefaultJSONProvider

from . import auth, db, errors, health, metrics, resources
from .config import Settings


class JSONProvider(DefaultJSONProvider):
    """JSON numbers with a fraction are parsed as Decimal (money never goes through float)."""
    sort_keys = False

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_float", Decimal)
        return super().loads(s, **kwargs)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.json = JSONProvider(app)
    app.config.update(SETTINGS=settings, SECRET_KEY=settings.secret_key, JSON_SORT_KEYS=False,
                      MAX_CONTENT_LENGTH=1024 * 1024, DEBUG=settings.env == "development")
    if not app.logger.handlers or app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)

    db.init_app(app, db.make_engine(settings.database_url, connect_timeout=settings.db_connect_timeout))
    errors.init_app(app)
    metrics.init_app(app, settings.version)
    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(resources.bp)

    @app.get("/")
    @app.get("/api")
    def index():
        return jsonify({
            "name": "budget-api",
            "version": settings.version,
            "google_sign_in": settings.google_enabled,
            "endpoints": sorted({f"{','.join(sorted(r.methods - {'HEAD', 'OPTIONS'}))} {r.rule}"
                                 for r in app.url_map.iter_rules() if r.endpoint != "static"}),
        })

    return app

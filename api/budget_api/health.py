"""GET /api/health: 200 whenever the process can serve, with the database's state inside.

It stays 200 during a database outage (status "degraded") so the liveness probe does not
restart-loop the pods; the connect timeout bounds how long one check can take.
"""
from __future__ import annotations

import time

from flask import current_app, jsonify
from flask_openapi3 import APIBlueprint, Tag
from sqlalchemy import text

from . import db
from .schemas import ErrorOut, HealthOut

bp = APIBlueprint("health", __name__, abp_tags=[Tag(name="health")], abp_responses={400: ErrorOut})


def check_database() -> dict:
    started = time.perf_counter()
    try:
        with db.engine().connect() as conn:
            conn.execute(text("SET LOCAL statement_timeout = '2s'"))
            conn.execute(text("SELECT 1")).scalar_one()
            conn.rollback()
        result = {"status": "ok"}
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable" here
        message = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        result = {"status": "error", "error": f"{type(exc).__name__}: {message[0] if message else ''}"[:300]}
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return result


@bp.get("/api/health", operation_id="health", summary="Liveness, with the database's state inside (always 200)",
        responses={200: HealthOut})
def health():
    database = check_database()
    settings = current_app.config["SETTINGS"]
    return jsonify({
        "status": "ok" if database["status"] == "ok" else "degraded",
        "database": database,
        "version": settings.version,
    }), 200

"""Engine and per-request session handling (plain SQLAlchemy 2.0)."""
from __future__ import annotations

from flask import current_app, g
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, connect_timeout: int = 2, **kwargs) -> Engine:
    options = dict(
        pool_pre_ping=True,  # a connection killed by a DB restart is replaced, not handed out
        connect_args={"connect_timeout": connect_timeout, "application_name": "budget-api"},
    )
    if "poolclass" not in kwargs:
        # per process: gthread workers have 4 threads; a short pool wait turns exhaustion into a 503
        options.update(pool_size=5, max_overflow=5, pool_timeout=5, pool_recycle=1800)
    options.update(kwargs)
    return create_engine(url, **options)


def init_app(app, engine: Engine) -> None:
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(exc):  # noqa: ARG001 - signature required by Flask
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            # Anything not committed explicitly by the view is rolled back:
            # a request either commits its whole unit of work or changes nothing.
            session.rollback()
            session.close()


def engine() -> Engine:
    return current_app.extensions["db_engine"]


def session() -> Session:
    s = g.get("db_session")
    if s is None:
        s = current_app.extensions["db_sessionmaker"]()
        g.db_session = s
    return s

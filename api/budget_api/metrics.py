"""Prometheus metrics via prometheus-flask-exporter.

Under gunicorn the entrypoint sets PROMETHEUS_MULTIPROC_DIR, so every worker writes its samples
there and /metrics (served by whichever worker gets the scrape) aggregates all of them; the
gunicorn ``child_exit`` hook marks dead workers. Default HTTP metrics keep the exporter's names
(flask_http_request_total, flask_http_request_duration_seconds, ...) and group by URL rule, so
/api/transactions/1 and /api/transactions/2 are one series: cardinality stays bounded. The duration's
grouping label keeps the exporter's default name, `path` (what the Grafana dashboard sums by), but
its value is the URL rule (e.g. "/api/transactions/<id:tx_id>"), never the raw request path.
"""
from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter
from prometheus_flask_exporter import PrometheusMetrics
from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

# Not registered anywhere globally: in multiprocess mode the samples go to files in
# PROMETHEUS_MULTIPROC_DIR; otherwise it is registered with each app's own registry.
TRANSACTIONS_CREATED = Counter("budget_transactions_created_total",
                               "Transactions stored (committed) by the API", registry=None)


def path(request) -> str:
    """Grouping for the default HTTP metrics; the exporter names the label after this function."""
    rule = request.url_rule
    return rule.rule if rule is not None else "<unmatched>"


def multiprocess_dir() -> str | None:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return path if path and os.path.isdir(path) else None


def init_app(app, version: str) -> PrometheusMetrics:
    options = dict(group_by=path, defaults_prefix="flask")
    if multiprocess_dir():
        metrics = GunicornInternalPrometheusMetrics(app, **options)
    else:  # a single process (e.g. `flask run`): per-app registry
        registry = CollectorRegistry()
        registry.register(TRANSACTIONS_CREATED)
        metrics = PrometheusMetrics(app, registry=registry, **options)
    metrics.info("budget_api_info", "Budget API build information", version=version)
    app.extensions["prometheus_metrics"] = metrics
    return metrics


def child_exit(server, worker) -> None:  # noqa: ARG001 - gunicorn hook signature
    GunicornInternalPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)

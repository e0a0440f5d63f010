#!/bin/sh
# Container entrypoint of the budget API (also used as-is by the local stack and the tests):
# 1. prepare the Prometheus multiprocess directory (one per pod/process group, emptied at start),
# 2. apply the database migrations (waits for the DB; advisory lock guards two replicas),
# 3. exec gunicorn, so it is PID 1 in the container and gets the signals.
set -eu
cd "$(dirname "$0")"

: "${PROMETHEUS_MULTIPROC_DIR:=${TMPDIR:-/tmp}/budget-api-metrics}"
export PROMETHEUS_MULTIPROC_DIR
mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
# stale samples of a previous run would be summed in; remove only the exporter's files
find "$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -type f -name '*.db' -delete

# (without the metrics directory: the one-shot migration must leave no samples behind)
env -u PROMETHEUS_MULTIPROC_DIR python -m budget_api.migrate
exec gunicorn --config gunicorn.conf.py wsgi:app

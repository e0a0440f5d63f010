#!/usr/bin/env bash
# Fuzzes the running API with schemathesis, from its own OpenAPI document (/api/openapi.json).
# Called by scripts/test-api.sh with its throwaway PostgreSQL (TEST_ADMIN_DATABASE_URL): creates a fresh
# database, starts the API as the container does (api/entrypoint.sh: migrate, then gunicorn with 2
# workers), registers a user for the Bearer token, runs schemathesis on every operation (examples,
# coverage, fuzzing, then stateful sequences along the document's links: register -> login,
# create -> read/update/delete), and fails on any failed check or any traceback in the API's log.
# Every check runs (no 5xx, status codes, content types, headers and bodies as documented, schema-violating
# input refused, use after delete, auth not ignored, 405s, no leaked internals: tests/fuzz/hooks.py) but two:
#  - positive_data_acceptance: the API is stricter than a JSON schema can say (weak passwords, NUL and
#    lone surrogates, calendar dates, 2-decimal amounts), so schema-valid data may rightly be a 400;
#  - ensure_resource_availability: it reads any 404 after a create as "the new row is missing", but the
#    follow-up request's random body may name a category that does not exist (a 404 naming category_id).
# Usage: run.sh quick|long   (quick: the bounded run of `make test`; long: `make fuzz-api`)
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$PWD
PY=${PYTHON:-$ROOT/.venv/bin/python}
PROFILE=${1:-quick}
case $PROFILE in
  quick) EXAMPLES=${FUZZ_MAX_EXAMPLES:-25} MAX_TIME=${FUZZ_MAX_TIME:-120} ;;
  long)  EXAMPLES=${FUZZ_MAX_EXAMPLES:-300} MAX_TIME=${FUZZ_MAX_TIME:-1200} ;;
  *) echo "usage: $0 quick|long" >&2; exit 2 ;;
esac
: "${TEST_ADMIN_DATABASE_URL:?run through scripts/test-api.sh (it starts the throwaway PostgreSQL)}"
OUT=$ROOT/.stack/fuzz
rm -rf "$OUT" && mkdir -p "$OUT/prom"
DB_URL=${TEST_ADMIN_DATABASE_URL%/*}/budget_fuzz

PYTHONPATH=$ROOT/api "$PY" - "$TEST_ADMIN_DATABASE_URL" <<'PY'
import sys
from sqlalchemy import create_engine, text
from budget_api.config import sqlalchemy_url
engine = create_engine(sqlalchemy_url(sys.argv[1]), isolation_level="AUTOCOMMIT")
with engine.connect() as conn:
    conn.execute(text("DROP DATABASE IF EXISTS budget_fuzz WITH (FORCE)"))
    conn.execute(text("CREATE DATABASE budget_fuzz"))
PY

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
(
  export DATABASE_URL=$DB_URL SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_hex(32))') \
         FLASK_ENV=production GUNICORN_BIND=127.0.0.1:$PORT GUNICORN_WORKERS=2 GUNICORN_THREADS=4 \
         GUNICORN_ACCESSLOG="" PROMETHEUS_MULTIPROC_DIR=$OUT/prom PATH=$(dirname "$PY"):$PATH
  exec setsid sh api/entrypoint.sh
) >"$OUT/api.log" 2>&1 </dev/null &
API_PID=$!
stop_api() { kill -TERM -- "-$API_PID" 2>/dev/null || kill -TERM "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true; }
trap stop_api EXIT
for _ in $(seq 1 150); do
  curl -fs -o /dev/null "$BASE/api/health" && break
  kill -0 "$API_PID" 2>/dev/null || { cat "$OUT/api.log" >&2; echo "fuzz: the API did not start" >&2; exit 2; }
  sleep 0.2
done

TOKEN=$(curl -fs "$BASE/api/auth/register" -H 'Content-Type: application/json' \
          -d '{"email": "fuzzer@example.com", "password": "fuzzing the budget api", "name": "fuzzer"}' \
        | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

echo "fuzz: schemathesis on $BASE/api/openapi.json ($PROFILE: at most $EXAMPLES examples per operation, ${MAX_TIME}s)"
started=$SECONDS
set +e
cd "$OUT"  # schemathesis keeps its cache (.schemathesis/) in the working directory
PYTHONPATH=$ROOT/api SCHEMATHESIS_HOOKS=tests.fuzz.hooks timeout $((MAX_TIME + 300)) \
  "$(dirname "$PY")/schemathesis" run "$BASE/api/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks all --exclude-checks positive_data_acceptance,ensure_resource_availability \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$EXAMPLES" --max-time "$MAX_TIME" --workers 2 \
  --suppress-health-check too_slow,filter_too_much \
  --request-timeout 20 --no-color \
  --report junit,ndjson --report-dir "$OUT/report" 2>&1 | tee "$OUT/schemathesis.out"
rc=${PIPESTATUS[0]}
set -e
echo "fuzz: schemathesis exited $rc after $((SECONDS - started))s"

stop_api
trap - EXIT
if grep -q "Traceback" "$OUT/api.log"; then
  echo "fuzz: FAIL the API logged a traceback (log: ${OUT#"$ROOT"/}/api.log):" >&2
  grep -n -A 30 "Traceback" "$OUT/api.log" | head -n 60 >&2
  rc=1
fi
exit "$rc"

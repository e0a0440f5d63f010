#!/usr/bin/env bash
# Benchmark (not a timed test) of the running local stack through nginx: a bounded wrk run with
# stack/load.lua (register -> token -> mix of list/create transaction requests), then a lost-write
# check against PostgreSQL: every create acknowledged with 201 must be a row in the database.
# Usage: scripts/load-test.sh [DURATION_SECONDS=60]  (creates stop 3 s before the end; lists go on)   Env: LOAD_THREADS=2 LOAD_CONNECTIONS=16 LOAD_CREATE_RATIO=0.3
set -euo pipefail
# shellcheck source=stack/lib.sh
. "$(dirname "$0")/../stack/lib.sh"
cd "$STACK_ROOT"

duration=${1:-${LOAD_DURATION:-60}}
threads=${LOAD_THREADS:-2} conns=${LOAD_CONNECTIONS:-16}
[[ $duration =~ ^[0-9]+$ && $duration -ge 1 && $duration -le 600 ]] || die "duration must be 1..600 seconds"
command -v wrk >/dev/null || die "wrk is not installed (scripts/install-deps.sh stack)"
[[ $(http_code "$BASE_URL/api/health") == 200 ]] || die "the stack does not answer on $BASE_URL: run stack/up.sh first"
pg_env
psqlq() { "$PGBIN/psql" -X -At -v ON_ERROR_STOP=1 -c "$1"; }

LOAD_RUN_ID="$(date +%s)-$$"
LOAD_IDS_FILE=$(mktemp)
LOAD_CREATES_UNTIL=$((duration > 10 ? duration - 3 : duration))  # the last 3 s only list: no create in flight at the cut-off
export LOAD_RUN_ID LOAD_IDS_FILE LOAD_CREATES_UNTIL
trap 'rm -f "$LOAD_IDS_FILE"' EXIT
before=$(psqlq "SELECT count(*) FROM transactions")
echo "load: wrk -t$threads -c$conns -d${duration}s --timeout 10s --latency -s stack/load.lua $BASE_URL  (run $LOAD_RUN_ID)"
echo "load: transactions rows before: $before"

out=$(timeout $((duration + 60)) wrk -t"$threads" -c"$conns" -d"${duration}s" --timeout 10s --latency \
        -s stack/load.lua "$BASE_URL")
echo "$out" | grep -E '^(LOAD|Requests/sec|  Non-2xx)' || true

sleep 1  # let requests in flight at the cut-off finish server-side
after=$(psqlq "SELECT count(*) FROM transactions")
ours=$(psqlq "SELECT count(*) FROM transactions t JOIN users u ON u.id = t.user_id WHERE u.email LIKE 'load-$LOAD_RUN_ID-%'")
acked=$(grep -c . "$LOAD_IDS_FILE" || true)
created=$(echo "$out" | sed -n 's/^LOAD created_201=\([0-9]*\).*/\1/p')
missing=0
if ((acked > 0)); then
  ids=$(paste -sd, "$LOAD_IDS_FILE")
  present=$(psqlq "SELECT count(*) FROM transactions WHERE id IN ($ids)")
  missing=$((acked - present))
fi
echo "load: transactions rows after: $after (+$((after - before))); rows of this run's users: $ours"
echo "load: creates acknowledged with 201: $created (ids recorded: $acked); acknowledged but missing in the DB: $missing"
unacked=$((ours - acked))
echo "load: rows without a 201 seen by wrk (requests still in flight at the ${duration}s cut-off): $unacked (at most $conns)"
if ((missing == 0 && created == acked && unacked == 0)); then
  echo "load: PASS no lost writes: creates acknowledged with 201 ($created) == rows added ($ours)"
elif ((missing == 0 && created == acked && unacked > 0 && unacked <= conns)); then
  echo "load: PASS no lost writes (every 201 is stored; $unacked more rows from requests cut off in flight)"
else
  echo "load: FAIL lost or unexplained writes"; exit 1
fi

#!/usr/bin/env bash
# Acceptance test of the running local stack (start it first with stack/up.sh, stop it with stack/down.sh).
# Prints PASS/FAIL/SKIP lines and ends with "N passed, M failed"; exits non-zero if anything failed.
# It stops and restarts PostgreSQL (pg_ctl stop -m fast; stack/up.sh starts it again).
set -uo pipefail
# shellcheck source=stack/lib.sh
. "$(dirname "$0")/../stack/lib.sh"
cd "$STACK_ROOT" || exit 1

passed=0 failed=0
pass() { printf 'PASS  %s\n' "$1"; passed=$((passed + 1)); }
fail() { printf 'FAIL  %s%s\n' "$1" "${2:+ -- $2}"; failed=$((failed + 1)); }
skip() { printf 'SKIP  %s%s\n' "$1" "${2:+ -- $2}"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name" "${why:-}"; fi; why=""; }
why=""
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# get URL [curl args]: body into $tmp/body, status into $code, seconds into $secs
get() {
  local url=$1; shift
  read -r code secs < <(curl -s -o "$tmp/body" -w '%{http_code} %{time_total}\n' --max-time 10 "$@" "$url" \
                        || echo "000 10")
}
# json EXPR: evaluate a Python expression on the last body, bound to `j`
json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$tmp/body" 2>/dev/null; }

if [[ $(http_code "$BASE_URL/nginx-health") != 200 ]]; then
  echo "the stack does not answer on $BASE_URL: start it with stack/up.sh" >&2
  fail "stack reachable on $BASE_URL"
  echo "$passed passed, $failed failed"
  exit 1
fi

# 1. API health through nginx
get "$BASE_URL/api/health"
t_health() { why="HTTP $code: $(head -c 200 "$tmp/body")"
  [[ $code == 200 && $(json 'j["status"], j["database"]["status"]') == 'ok ok' ]]; }
check "GET /api/health -> 200, status ok, database.status ok" t_health

# 2. nginx health
get "$BASE_URL/nginx-health"
t_nginx() { why="HTTP $code"; [[ $code == 200 ]]; }
check "GET /nginx-health -> 200" t_nginx

# 3. Prometheus (through the nginx allowlist): both flask-app targets up
t_targets() {
  local deadline=$((SECONDS + 45)) up
  while :; do
    get "$BASE_URL/prometheus/api/v1/query" --get --data-urlencode 'query=up{job="flask-app"}'
    up=$(json 'sorted(r["metric"]["pod"] for r in j["data"]["result"] if r["value"][1] == "1")')
    [[ $code == 200 && $up == "['flask-app-1', 'flask-app-2']" ]] && return 0
    ((SECONDS < deadline)) || { why="HTTP $code, up pods: ${up:-none}"; return 1; }
    sleep 2
  done
}
check "/prometheus/api/v1/query?query=up: both flask-app targets up (pods flask-app-1, flask-app-2)" t_targets
get "$BASE_URL/prometheus/api/v1/targets"
t_tlist() { why="HTTP $code"; [[ $code == 200 && $(json 'j["status"]') == success ]]; }
check "/prometheus/api/v1/targets (allowlisted) -> 200" t_tlist
get "$BASE_URL/prometheus/api/v1/status/config"
t_deny() { why="HTTP $code"; [[ $code == 404 ]]; }
check "/prometheus/api/v1/status/config (not allowlisted) -> 404" t_deny

# 3b. nginx spreads requests over both replicas (flask-service resolves to both pods)
health_count() {  # flask_http_request_duration_seconds_count for /api/health on pod ADDR
  curl -s --max-time 5 "http://$1:$FLASK_PORT/metrics" | python3 -c '
import re, sys
print(int(sum(float(m.group(1)) for m in re.finditer(
    r"^flask_http_request_duration_seconds_count\{[^}]*path=\"/api/health\"[^}]*\} (\S+)$", sys.stdin.read(), re.M))))'
}
before=("$(health_count "${FLASK_ADDRS[0]}")" "$(health_count "${FLASK_ADDRS[1]}")")
for _ in $(seq 1 20); do http_code "$BASE_URL/api/health" >/dev/null; done
after=("$(health_count "${FLASK_ADDRS[0]}")" "$(health_count "${FLASK_ADDRS[1]}")")
t_rr() {
  local d1=$((after[0] - before[0])) d2=$((after[1] - before[1]))
  why="flask-app-1 +$d1, flask-app-2 +$d2 of 20"
  ((d1 > 0 && d2 > 0 && d1 + d2 == 20))
}
check "nginx round-robins /api/health over both replicas" t_rr

# 4. explorer SPA
dist=${STACK_DIST:-$STACK_ROOT/dist}
if [[ -f $dist/index.html ]]; then
  get "$BASE_URL/explorer/"
  t_spa() { why="HTTP $code"; [[ $code == 200 ]] && cmp -s "$tmp/body" "$dist/index.html"; }
  check "GET /explorer/ serves dist/index.html" t_spa
  get "$BASE_URL/explorer/some/client/route"
  t_fallback() { why="HTTP $code"; [[ $code == 200 ]] && cmp -s "$tmp/body" "$dist/app.html"; }
  check "GET /explorer/<client route> falls back to app.html (no first frame)" t_fallback
  # gzip_static: the build's .gz files, sent as they are to a client that accepts gzip.
  wasm=$(cd "$dist" && ls explorer-*_bg.wasm 2>/dev/null | head -1)
  if [[ -n $wasm && -f $dist/$wasm.gz ]]; then
    t_gz() {
      local h; h=$(curl -s -o "$tmp/body" -D - -H 'Accept-Encoding: gzip' "$BASE_URL/explorer/$wasm") || return 1
      why="$(grep -i '^content-encoding' <<<"$h" | tr -d '\r')"
      grep -qi '^content-encoding: gzip' <<<"$h" && cmp -s "$tmp/body" "$dist/$wasm.gz"
    }
    check "GET /explorer/<wasm> sends the precompressed .gz (gzip_static)" t_gz
  fi
else
  skip "GET /explorer/ serves the SPA" "dist/ is not built"
fi

# 5. /metrics is not exposed through nginx (Prometheus scrapes the pods directly)
get "$BASE_URL/metrics"
t_metrics() { why="HTTP $code"; [[ $code == 404 ]]; }
check "GET /metrics through nginx -> 404" t_metrics
get "http://${FLASK_ADDRS[0]}:$FLASK_PORT/metrics"
t_pmetrics() { why="HTTP $code"; [[ $code == 200 ]] && grep -q '^flask_http_request_total' "$tmp/body"; }
check "GET /metrics on a pod (the scrape target) -> 200 with flask_http_request_total" t_pmetrics

# 6. write data through the API
email="stack-test-$(date +%s)-$$@example.com"
get "$BASE_URL/api/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\": \"$email\", \"password\": \"stack-test-password\"}"
token=$(json 'j["access_token"]')
t_reg() { why="HTTP $code"; [[ $code == 201 && -n $token ]]; }
check "register a user (POST /api/auth/register -> 201)" t_reg
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
get "$BASE_URL/api/transactions" "${auth[@]}" -d '{"amount": "123.45", "date": "2024-05-01", "note": "before outage"}'
tx_id=$(json 'j["id"]')
t_tx() { why="HTTP $code"; [[ $code == 201 && -n $tx_id ]]; }
check "create a transaction (POST /api/transactions -> 201)" t_tx

# 7. database outage: degraded within one request, 200 all the same
if as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1; then
  pass "PostgreSQL stopped (pg_ctl stop -m fast)"
  get "$BASE_URL/api/health"
  t_degraded() { why="HTTP $code in ${secs}s: $(head -c 200 "$tmp/body")"
    [[ $code == 200 && $(json 'j["status"], j["database"]["status"], bool(j["database"].get("error"))') \
       == 'degraded error True' ]] && python3 -c "import sys; sys.exit(float('$secs') >= 5)"; }
  check "GET /api/health with the DB down -> 200 degraded (first request, ${secs}s)" t_degraded
  get "$BASE_URL/api/transactions" "${auth[@]}"
  t_503() { why="HTTP $code"; [[ $code == 503 ]]; }
  check "GET /api/transactions with the DB down -> 503 database_unavailable" t_503
else
  fail "PostgreSQL stopped (pg_ctl stop -m fast)"
fi

# 8. recovery
bash stack/up.sh >"$tmp/up.log" 2>&1
t_up() { why="stack/up.sh failed: $(tail -n 5 "$tmp/up.log")"; grep -q "starting postgres" "$tmp/up.log"; }
check "PostgreSQL started again (stack/up.sh starts only what is missing)" t_up
t_recover() {
  local deadline=$((SECONDS + 20))
  while :; do
    get "$BASE_URL/api/health"
    [[ $code == 200 && $(json 'j["status"]') == ok ]] && return 0
    ((SECONDS < deadline)) || { why="HTTP $code: $(head -c 200 "$tmp/body")"; return 1; }
    sleep 1
  done
}
check "GET /api/health recovers to ok" t_recover
get "$BASE_URL/api/transactions/$tx_id" "${auth[@]}"
t_kept() { why="HTTP $code: $(head -c 200 "$tmp/body")"
  [[ $code == 200 && $(json 'j["amount"], j["note"]') == '123.45 before outage' ]]; }
check "the transaction written before the outage is still there" t_kept
get "$BASE_URL/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\": \"$email\", \"password\": \"stack-test-password\"}"
t_login() { why="HTTP $code"; [[ $code == 200 ]]; }
check "the user registered before the outage can log in" t_login

# 9. brute force slowed at the door: nginx's limit_req on /api/auth/ (ConfigMap: burst 10, then 10/min per
# client address). From a loopback address of its own (curl --interface), so that the bucket is full at
# the start and no other test's logins are touched: the burst passes, then JSON 429s, then one request
# per 6 s again.
limit_addr=127.77.$((RANDOM % 256)).$((RANDOM % 254 + 1))
login_from() {  # login_from ADDR: POST a login nginx must count (an empty body: Flask answers 400 at once)
  get "$BASE_URL/api/auth/login" --interface "$1" -H 'Content-Type: application/json' -d '{}'
}
t_burst() {
  local started=$SECONDS n=0
  while ((n < 40)); do
    login_from "$limit_addr"
    [[ $code == 429 ]] && break
    n=$((n + 1))
  done
  local allowed=$((11 + (SECONDS - started) / 6))  # the first request + a burst of 10 (+1 per 6 s spent)
  why="$n requests passed before the first 429 (expected 11..$allowed; last HTTP $code)"
  ((n >= 11 && n <= allowed)) && [[ $code == 429 ]]
}
check "rate limit: a burst of 11 logins from one address passes, then 429 ($limit_addr)" t_burst
t_429_json() {
  local retry
  retry=$(curl -s -D - -o "$tmp/body" --max-time 10 --interface "$limit_addr" "$BASE_URL/api/auth/login" \
            -H 'Content-Type: application/json' -d '{}' | tr -d '\r' | sed -n 's/^[Rr]etry-[Aa]fter: //p')
  why="Retry-After '$retry', body $(head -c 200 "$tmp/body")"
  [[ $retry == 6 && $(json 'j["error"], sorted(j)') == "too_many_requests ['error', 'message']" ]]
}
check "rate limit: the 429 is JSON {error, message} with Retry-After: 6" t_429_json
t_others_free() {
  local a b c
  a=$(http_code "$BASE_URL/api/health" --interface "$limit_addr")
  b=$(http_code "$BASE_URL/api/auth/google" --interface "$limit_addr")
  login_from "127.78.$((RANDOM % 256)).$((RANDOM % 254 + 1))"; c=$code
  why="health $a, GET /api/auth/google $b, login from another address $c"
  [[ $a == 200 && $b == 200 && $c == 400 ]]
}
check "rate limit: only POSTs to /api/auth/ from that address are limited" t_others_free
t_recovery() {
  sleep 6.5  # one request's worth of the window (10 per minute)
  login_from "$limit_addr"; local first=$code
  login_from "$limit_addr"; local second=$code
  why="after 6.5 s: $first, then $second"
  [[ $first == 400 && $second == 429 ]]
}
check "rate limit: after the window one more login passes, the next is 429 again" t_recovery

# 10. the API's headers and nginx's own errors under /api/
curl -s -D "$tmp/headers" -o "$tmp/body" --max-time 10 "$BASE_URL/api/health" >/dev/null
t_nostore() { why="$(grep -i '^cache-control' "$tmp/headers" | tr -d '\r')"; grep -qi '^cache-control: no-store' "$tmp/headers"; }
check "API responses carry Cache-Control: no-store (through nginx)" t_nostore
head -c 3000000 /dev/zero | tr '\0' 'x' >"$tmp/big"
get "$BASE_URL/api/transactions" "${auth[@]}" --data-binary "@$tmp/big"
t_413() { why="HTTP $code: $(head -c 120 "$tmp/body")"; [[ $code == 413 && $(json 'j["error"]') == payload_too_large ]]; }
check "a body over nginx's 2 MiB limit -> JSON 413" t_413
get "$BASE_URL/api/health" -H "X-Big: $(head -c 10000 /dev/zero | tr '\0' 'a')"
t_400() { why="HTTP $code: $(head -c 120 "$tmp/body")"; [[ $code == 400 && $(json 'j["error"]') == bad_request ]]; }
check "headers too large for nginx -> JSON 400" t_400
get "$BASE_URL/api/openapi.json"
t_openapi() { why="HTTP $code"; [[ $code == 200 && $(json 'j["openapi"][:2], len(j["paths"]) > 10') == '3. True' ]]; }
check "GET /api/openapi.json through nginx: the OpenAPI 3 document" t_openapi

echo "$passed passed, $failed failed"
((failed == 0))

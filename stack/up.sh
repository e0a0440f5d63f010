#!/usr/bin/env bash
# Starts the local stack (make demo): PostgreSQL -> 2 Flask/gunicorn -> nginx -> Prometheus on loopback,
# every config derived from k8s/ at start. Idempotent: what already runs is left alone (exit 0).
# Non-interactive; exits non-zero with the failing service's log tail if something does not get ready.
set -euo pipefail
# shellcheck source=stack/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$STACK_ROOT"

[[ $(id -u) -eq 0 ]] || die "the local stack needs root (private mount namespaces for /etc/hosts; postgres runs as user postgres)"

# ---------------------------------------------------------------- dependencies and derived config
mkdir -p "$STATE/log"
if [[ ${STACK_SKIP_DEPS:-0} != 1 ]]; then  # installs only what is missing: quick when set up
  for part in stack python; do
    bash scripts/install-deps.sh "$part" >"$STATE/log/install-deps-$part.log" 2>&1 \
      || { tail -n 30 "$STATE/log/install-deps-$part.log" >&2; die "scripts/install-deps.sh $part failed (log: .stack/log/install-deps-$part.log)"; }
  done
fi
[[ -x $VENV_PY ]] || die "no .venv: run 'bash scripts/install-deps.sh python'"
[[ -n $PGBIN && -x $PGBIN/postgres ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
for cmd in nginx prometheus unshare curl; do command -v "$cmd" >/dev/null || die "$cmd is not installed"; done

mkdir -p "$RUN" "$LOGS" "$STATE/nginx/tmp" "$STATE/nginx/share/explorer" "$STATE/prometheus/data"
chmod 755 "$STATE" "$STATE/nginx" "$STATE/nginx/share"
"$VENV_PY" stack/derive.py --state "$STATE" || die "could not derive the configuration from k8s/"

# ---------------------------------------------------------------- helpers
# fail NAME LOG MESSAGE: report a service that did not become ready, with its log tail
fail() {
  printf '\033[1;31m[stack] ERROR:\033[0m %s\n' "$3" >&2
  if [[ -s $2 ]]; then  # the tail of this start's part of the log (after the last marker)
    echo "----- last lines of ${2#"$STACK_ROOT"/} -----" >&2
    tac "$2" | sed '/^===== stack\/up.sh /q' | tac | tail -n 40 >&2
    echo "-----" >&2
  fi
  echo "(the services that did start keep running; stop them with stack/down.sh)" >&2
  exit 1
}

# wait_for NAME LOG TIMEOUT CHECK...: poll CHECK until it succeeds; fail if NAME's process dies or time runs out
wait_for() {
  local name=$1 log=$2 timeout=$3; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ! pid_of "$name" >/dev/null; then fail "$name" "$log" "$name exited during start-up"; fi
    ((SECONDS < deadline)) || fail "$name" "$log" "$name did not become ready within ${timeout}s"
    sleep 0.3
  done
}

mark() { echo "===== stack/up.sh starts $1 at $(date -Is) =====" >>"$2"; }

# need_port NAME ADDR PORT: fail clearly when something else already holds the port
need_port() {
  port_free "$2" "$3" || die "port $2:$3 is already in use by another process: $1 cannot start there (free port $3 on $2, e.g. find it with 'ss -ltnp \"sport = :$3\"')"
}

# Pre-flight: every port a not-yet-running service needs must be free, before anything starts.
pid_of postgres >/dev/null || as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1 || need_port postgres "$PG_ADDR" "$PG_PORT"
pid_of flask-app-1 >/dev/null || need_port flask-app-1 "${FLASK_ADDRS[0]}" "$FLASK_PORT"
pid_of flask-app-2 >/dev/null || need_port flask-app-2 "${FLASK_ADDRS[1]}" "$FLASK_PORT"
pid_of nginx >/dev/null || need_port nginx "$NGINX_ADDR" "$NGINX_PORT"
pid_of prometheus >/dev/null || need_port prometheus "$PROM_ADDR" "$PROM_PORT"

started=0
# ---------------------------------------------------------------- 1. PostgreSQL
pg_env
start_postgres() {
  local log=$LOGS/postgres.log
  if pid=$(pid_of postgres) || { pid=$(as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status 2>/dev/null \
        | sed -n 's/.*PID: \([0-9]*\).*/\1/p') && [[ -n $pid ]] && record_pid postgres "$pid"; }; then
    say "postgres already running (pid $pid) on $PG_ADDR:$PG_PORT"
    return
  fi
  need_port postgres "$PG_ADDR" "$PG_PORT"
  if [[ ! -s $PGDATA/PG_VERSION ]]; then
    say "initdb $PGDATA (user/password/db from k8s postgres-secret)"
    rm -rf "$PGDATA"
    mkdir -p "$PGDATA"
    chown postgres: "$PGDATA"
    chmod 700 "$PGDATA"
    local pw; pw=$(mktemp); printf '%s\n' "$POSTGRES_PASSWORD" >"$pw"; chown postgres: "$pw"
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pw" --auth-host=scram-sha-256 \
      --auth-local=peer -E UTF8 --locale=C.UTF-8 --no-instructions >"$LOGS/initdb.log" 2>&1 \
      || { rm -f "$pw"; fail postgres "$LOGS/initdb.log" "initdb failed"; }
    rm -f "$pw"
  fi
  touch "$log"; chown postgres: "$log"; mark postgres "$log"
  say "starting postgres on $PG_ADDR:$PG_PORT (data $PGDATA)"
  ( in_ns runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$log" -w -t 60 \
      -o "-c listen_addresses=$PG_ADDR -c port=$PG_PORT -c unix_socket_directories='' -c max_connections=100" start ) \
      >>"$LOGS/pg_ctl.log" 2>&1 || fail postgres "$log" "postgres did not start"
  record_pid postgres "$(head -n 1 "$PGDATA/postmaster.pid")"
  wait_for postgres "$log" 30 "$PGBIN/pg_isready" -q -h "$PG_ADDR" -p "$PG_PORT"
  # like the postgres image's POSTGRES_DB: create the app's database once
  if [[ $("$PGBIN/psql" -X -At -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$POSTGRES_DB'") != 1 ]]; then
    "$PGBIN/createdb" -d postgres "$POSTGRES_DB" 2>/dev/null || "$PGBIN/createdb" "$POSTGRES_DB" \
      || fail postgres "$log" "could not create database $POSTGRES_DB"
  fi
  started=1
}
start_postgres
"$PGBIN/pg_isready" -q -h "$PG_ADDR" -p "$PG_PORT" || fail postgres "$LOGS/postgres.log" "postgres is not accepting connections"

# ---------------------------------------------------------------- 2. Flask x2 (gunicorn via api/entrypoint.sh)
url_ok() { [[ $(http_code "$1") == 200 ]]; }
flask_ready() { url_ok "http://$1:$FLASK_PORT/api/health"; }
launched=()
for i in 1 2; do
  name=flask-app-$i addr=${FLASK_ADDRS[$((i - 1))]}
  if pid=$(pid_of "$name"); then say "$name already running (pid $pid) on $addr:$FLASK_PORT"; continue; fi
  need_port "$name" "$addr" "$FLASK_PORT"
  mkdir -p "$RUN/$name-metrics"
  mark "$name" "$LOGS/$name.log"
  say "starting $name on $addr:$FLASK_PORT (env from k8s flask-secret)"
  (
    # shellcheck disable=SC1091
    set -a; . "$STATE/env/flask.env"; set +a
    export GUNICORN_BIND=$addr:$FLASK_PORT GUNICORN_WORKERS=${STACK_FLASK_WORKERS:-2} \
           PROMETHEUS_MULTIPROC_DIR=$RUN/$name-metrics PATH=$STACK_ROOT/.venv/bin:$PATH
    in_ns setsid "$STACK_ROOT/api/entrypoint.sh"
  ) >>"$LOGS/$name.log" 2>&1 </dev/null &
  record_pid "$name" $!
  launched+=("$name:$addr")
  started=1
done
for entry in "${launched[@]}"; do
  wait_for "${entry%%:*}" "$LOGS/${entry%%:*}.log" 90 flask_ready "${entry#*:}"
  say "${entry%%:*} ready"
done

# ---------------------------------------------------------------- 3. nginx (ConfigMap's nginx.conf)
explorer=${STACK_DIST:-$STACK_ROOT/dist}   # the explorer build (make dist)
if [[ ! -f $explorer/index.html ]]; then
  explorer=$STATE/nginx/explorer-missing
  mkdir -p "$explorer"
  cat >"$explorer/index.html" <<'HTML'
<!doctype html><meta charset="utf-8"><title>Explorer not built</title>
<p>The explorer is not built: <code>dist/</code> is missing. Run <code>make demo</code> (it builds dist/ first).</p>
HTML
  warn "the explorer is not built (no dist/index.html): /explorer/ serves a placeholder; 'make demo' builds it"
fi
if pid=$(pid_of nginx); then
  say "nginx already running (pid $pid) on $NGINX_ADDR:$NGINX_PORT"
else
  need_port nginx "$NGINX_ADDR" "$NGINX_PORT"
  globals="pid $RUN/nginx.master.pid; error_log $LOGS/nginx.error.log; daemon off;"
  # validate first: a config error is reported at once, with nginx's own message
  ( in_ns --explorer "$explorer" nginx -t -q -p "$STATE/nginx/" -c "$STATE/nginx/nginx.conf" -g "$globals" ) \
    >"$LOGS/nginx-t.log" 2>&1 || fail nginx "$LOGS/nginx-t.log" "nginx rejected the derived nginx.conf"
  mark nginx "$LOGS/nginx.error.log"
  say "starting nginx on $NGINX_ADDR:$NGINX_PORT (conf from k8s nginx-config; explorer: ${explorer#"$STACK_ROOT"/})"
  (
    in_ns --explorer "$explorer" setsid nginx -p "$STATE/nginx/" -c "$STATE/nginx/nginx.conf" -g "$globals"
  ) >>"$LOGS/nginx.log" 2>&1 </dev/null &
  record_pid nginx $!
  started=1
  wait_for nginx "$LOGS/nginx.error.log" 15 url_ok "$BASE_URL/nginx-health"
  say "nginx ready"
fi

# ---------------------------------------------------------------- 4. Prometheus (ConfigMap's prometheus.yml)
if pid=$(pid_of prometheus); then
  say "prometheus already running (pid $pid) on $PROM_ADDR:$PROM_PORT"
else
  need_port prometheus "$PROM_ADDR" "$PROM_PORT"
  mapfile -t prom_args <"$STATE/prometheus/args"
  if [[ -n ${STACK_PROMETHEUS_EXTERNAL_URL:-} ]]; then  # opt-in: e.g. http://127.0.3.1:9090/ for a working direct UI
    prom_args=("${prom_args[@]/#--web.external-url=*/--web.external-url=$STACK_PROMETHEUS_EXTERNAL_URL}")
  fi
  promtool check config "$STATE/prometheus/prometheus.yml" >"$LOGS/promtool.log" 2>&1 \
    || fail prometheus "$LOGS/promtool.log" "promtool rejected the derived prometheus.yml"
  mark prometheus "$LOGS/prometheus.log"
  say "starting prometheus on $PROM_ADDR:$PROM_PORT (conf from k8s prometheus-config)"
  (
    cd "$STATE/prometheus"
    in_ns setsid prometheus "${prom_args[@]}"
  ) >>"$LOGS/prometheus.log" 2>&1 </dev/null &
  record_pid prometheus $!
  started=1
  wait_for prometheus "$LOGS/prometheus.log" 60 url_ok "http://$PROM_ADDR:$PROM_PORT/-/ready"
  say "prometheus ready"
fi

# ---------------------------------------------------------------- summary
if ((started)); then say "stack is up"; else say "stack already running: nothing to do"; fi
cat <<MSG
  Explorer (SPA):        $BASE_URL/explorer/
  API health:            $BASE_URL/api/health
  Prometheus via nginx:  $BASE_URL/prometheus/api/v1/targets   (read-only API allowlist)
  Prometheus direct:     http://$PROM_ADDR:$PROM_PORT/             (nginx exposes only the API allowlist)
MSG
if pid=$(pid_of prometheus) && tr '\0' '\n' <"/proc/$pid/cmdline" | grep -q -- '^--web.external-url=.*/prometheus/$'; then
  cat <<MSG
                         UI note: the Deployment's --web.external-url (…/prometheus/) puts the UI's links and
                         assets under /prometheus/, which nginx does not serve; the direct API works
                         (http://$PROM_ADDR:$PROM_PORT/api/v1/targets). For a working direct UI:
                         stack/down.sh; STACK_PROMETHEUS_EXTERNAL_URL=http://$PROM_ADDR:$PROM_PORT/ stack/up.sh
MSG
fi
cat <<MSG
  Flask replicas:        http://${FLASK_ADDRS[0]}:$FLASK_PORT  http://${FLASK_ADDRS[1]}:$FLASK_PORT   (flask-service)
  PostgreSQL:            $PG_ADDR:$PG_PORT db=$POSTGRES_DB user=$POSTGRES_USER   (postgres-service; data in .stack/pgdata)
  Logs: .stack/log/   Stop: stack/down.sh (make down), keeps the data
MSG

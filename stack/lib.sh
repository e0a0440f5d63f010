# shellcheck shell=bash disable=SC2034  # variables are used by the scripts that source this file
# Shared by stack/up.sh, stack/down.sh, scripts/test-stack.sh and scripts/load-test.sh (sourced, not run).
# The local stack: real PostgreSQL, 2 gunicorn "replicas", nginx and Prometheus on loopback addresses,
# each in a private mount namespace whose /etc/hosts maps the Service names (docs/CONTRACT.md).
STACK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=$STACK_ROOT/.stack
RUN=$STATE/run
LOGS=$STATE/log
PGDATA=$STATE/pgdata
VENV_PY=$STACK_ROOT/.venv/bin/python
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

NGINX_ADDR=127.0.0.1 NGINX_PORT=8889
FLASK_ADDRS=(127.0.1.1 127.0.1.2) FLASK_PORT=5000
PG_ADDR=127.0.2.1 PG_PORT=5432
PROM_ADDR=127.0.3.1 PROM_PORT=9090
BASE_URL=http://$NGINX_ADDR:$NGINX_PORT

say()  { printf '\033[1;36m[stack]\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m[stack]\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[1;31m[stack] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# Run a command as the postgres system user (postgres refuses to run as root).
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# in_ns [--explorer DIR] CMD...: exec CMD (replacing the calling (sub)shell) in the stack's private
# mount namespace; see stack/ns-run.sh.
in_ns() {
  local explorer=-
  if [[ $1 == --explorer ]]; then explorer=$2; shift 2; fi
  exec "$STACK_ROOT/stack/ns-run.sh" "$STATE" "$explorer" "$@"
}

# A PID file holds "PID STARTTIME": the start time (/proc/PID/stat field 22) survives exec but
# not PID reuse, so only the very process we started is ever signalled.
start_time() { [[ -r /proc/$1/stat ]] && sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f20; }
record_pid() { echo "$2 $(start_time "$2")" >"$RUN/$1.pid"; }

# pid_of NAME: the recorded PID if that process is still alive and still the one we started.
pid_of() {
  local file=$RUN/$1.pid pid st
  [[ -s $file ]] || return 1
  read -r pid st <"$file" || true
  [[ $pid =~ ^[0-9]+$ && -n $st ]] || return 1
  [[ $(start_time "$pid" 2>/dev/null) == "$st" ]] || return 1
  [[ $(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) != Z ]] || return 1
  echo "$pid"
}

# port_free ADDR PORT: true if nothing holds ADDR:PORT (a listener on 0.0.0.0:PORT also counts).
port_free() {
  python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(1)
PY
}

http_code() {  # http_code URL [curl args...]: the HTTP status, 000 if no answer
  curl -s -o /dev/null -w '%{http_code}' --max-time "${HTTP_TIMEOUT:-5}" "$@" 2>/dev/null || true
}

pg_env() {  # exports PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE from postgres-secret (derived)
  set -a
  # shellcheck disable=SC1091
  . "$STATE/env/postgres.env"
  set +a
  export PGHOST=$PG_ADDR PGPORT=$PG_PORT PGUSER=$POSTGRES_USER PGPASSWORD=$POSTGRES_PASSWORD PGDATABASE=$POSTGRES_DB
}

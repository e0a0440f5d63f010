#!/usr/bin/env bash
# Stops exactly what stack/up.sh started (PID files under .stack/run), newest first.
# Keeps the database's data (.stack/pgdata). Safe to run when nothing runs.
#   stack/down.sh                 everything
#   stack/down.sh NAME...         only these (prometheus, nginx, flask-app-1, flask-app-2, postgres),
#                                 for outage drills; stack/up.sh starts again only what is missing
set -euo pipefail
# shellcheck source=stack/lib.sh
. "$(dirname "$0")/lib.sh"

stopped=0
# stop NAME: SIGTERM the recorded process, wait for it (SIGKILL after 30s)
stop() {
  local name=$1 pid
  if ! pid=$(pid_of "$name"); then rm -f "$RUN/$name.pid"; return; fi
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do pid_of "$name" >/dev/null || break; sleep 0.1; done
  if pid_of "$name" >/dev/null; then
    warn "$name did not stop within 30s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$RUN/$name.pid"
  stopped=1
}

stop_postgres() {
  local pid
  if pid=$(pid_of postgres); then
    say "stopping postgres (pid $pid; pg_ctl stop -m fast; data kept in .stack/pgdata)"
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null || stop postgres
    rm -f "$RUN/postgres.pid"
    stopped=1
  fi
}

if (($#)); then
  for name in "$@"; do
    case $name in
      postgres) stop_postgres ;;
      prometheus | nginx | flask-app-1 | flask-app-2) stop "$name" ;;
      *) die "unknown service '$name' (prometheus, nginx, flask-app-1, flask-app-2, postgres)" ;;
    esac
  done
  exit 0
fi

stop prometheus
stop nginx
stop flask-app-2
stop flask-app-1
stop_postgres
rm -rf "$RUN"/flask-app-*-metrics
if ((stopped)); then say "stack stopped"; else say "stack is not running: nothing to stop"; fi

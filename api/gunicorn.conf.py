"""gunicorn settings for the budget API (entrypoint.sh: ``gunicorn -c gunicorn.conf.py wsgi:app``).

Tunable via environment: GUNICORN_BIND (default 0.0.0.0:5000), GUNICORN_WORKERS (2),
GUNICORN_THREADS (4), GUNICORN_ACCESSLOG ("-" = stdout; empty disables), GUNICORN_PIDFILE.
"""
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:5000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 60  # nginx's proxy timeouts are 60s too
graceful_timeout = 20
keepalive = 5
# No request-line limit of gunicorn's own (it would answer an HTML 414): nginx's 8 KiB buffers bound the
# line in front, and the app answers longer ones with a JSON 414 (budget_api.app.MAX_URI).
limit_request_line = 0
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Heartbeat files in memory, not on a (possibly read-only) root filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
proc_name = "budget-api"
# gunicorn >= 25 opens a control socket under $HOME by default: two instances would share it and a
# read-only root filesystem has no writable $HOME. Not needed here (older versions ignore the name).
control_socket_disable = True
pidfile = os.environ.get("GUNICORN_PIDFILE") or None  # the local stack tracks its processes by PID file


def child_exit(server, worker):
    """Drop a dead worker's live gauges from the multiprocess metrics directory."""
    from budget_api.metrics import child_exit as mark_dead

    mark_dead(server, worker)

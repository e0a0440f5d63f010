#!/bin/sh
# ns-run.sh STATE_DIR EXPLORER_DIR|- CMD...: exec CMD in a private mount namespace where
# STATE_DIR/hosts is bind-mounted over /etc/hosts (the CONTRACT's Service names -> loopback
# addresses) and, unless EXPLORER_DIR is "-", EXPLORER_DIR appears at /usr/share/nginx/explorer
# (over a bind of STATE_DIR/nginx/share on /usr/share/nginx, so the host sees nothing of it).
# The mounts vanish with the namespace's last process. The PID stays the same through every exec.
set -eu
state=$1 explorer=$2
shift 2
# shellcheck disable=SC2016  # the inner script expands its own positional parameters
exec unshare --mount --propagation private -- sh -c '
  set -e
  mount --bind "$1/hosts" /etc/hosts
  if [ "$2" != - ]; then
    mkdir -p "$1/nginx/share/explorer"
    mount --bind "$1/nginx/share" /usr/share/nginx
    mount --bind "$2" /usr/share/nginx/explorer
  fi
  shift 2
  exec "$@"' ns-run "$state" "$explorer" "$@"

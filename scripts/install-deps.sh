#!/usr/bin/env bash
# Installs whatever the build, the tests and the demo need and is missing.
# Idempotent: every step checks first. Safe to run on a fresh Debian machine as root.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
want="${1:-all}"   # all | build | browser | stack | python

log() { printf '\033[1;34m[deps]\033[0m %s\n' "$*"; }

apt_pkgs=()
need_cmd() { command -v "$1" >/dev/null 2>&1; }

if [[ "$want" == all || "$want" == browser ]]; then
  need_cmd chromium || apt_pkgs+=(chromium)
  need_cmd chromedriver || apt_pkgs+=(chromium-driver)
fi
if [[ "$want" == all || "$want" == build ]]; then
  # make dist compresses the assets nginx serves (gzip_static) with zopfli: gzip format,
  # about 4 % smaller than gzip -9 on the wasm.
  need_cmd zopfli || apt_pkgs+=(zopfli)
fi
if [[ "$want" == all || "$want" == stack ]]; then
  need_cmd nginx || apt_pkgs+=(nginx-light)
  [[ -x /usr/lib/postgresql/15/bin/postgres ]] || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || apt_pkgs+=(postgresql)
  need_cmd prometheus || apt_pkgs+=(prometheus)
  need_cmd promtool || apt_pkgs+=(prometheus)
  need_cmd wrk || apt_pkgs+=(wrk)
  need_cmd curl || apt_pkgs+=(curl)
  need_cmd unshare || apt_pkgs+=(util-linux)
fi
if [[ "$want" == all || "$want" == python ]]; then
  python3 -c 'import venv' 2>/dev/null || apt_pkgs+=(python3-venv)
fi
if ((${#apt_pkgs[@]})); then
  log "apt-get install ${apt_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null
  # Debian starts packaged services on install; the project runs its own copies.
  for s in nginx postgresql prometheus; do
    if command -v systemctl >/dev/null 2>&1; then systemctl stop "$s" >/dev/null 2>&1 || true; fi
    service "$s" stop >/dev/null 2>&1 || true
  done
  pkill -x prometheus 2>/dev/null || true
fi

if [[ "$want" == all || "$want" == build ]]; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    log "cargo install trunk $TRUNK_VERSION"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    # Not --locked: its lockfile pins a crate the registry lacks.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
fi

if [[ "$want" == all || "$want" == build || "$want" == browser ]]; then
  if [[ ! -x node_modules/.bin/wasm-opt || ! -x node_modules/.bin/terser || ! -d node_modules/playwright-core || ! -f node_modules/axe-core/axe.min.js ]]; then
    log "npm ci (binaryen, terser, playwright-core, axe-core)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi

if [[ "$want" == all || "$want" == python ]]; then
  if [[ ! -x .venv/bin/python ]] || ! .venv/bin/python -c 'import kubernetes_validate, flask, psycopg' 2>/dev/null \
     || [[ requirements-dev.txt -nt .venv/.stamp ]] || [[ api/requirements.txt -nt .venv/.stamp ]]; then
    log "python venv (.venv)"
    python3 -m venv .venv
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -r requirements-dev.txt
    touch .venv/.stamp
  fi
  if [[ ! -x .venv-checkov/bin/checkov ]]; then
    # checkov pins many libraries; it gets a venv of its own so it cannot disturb the app's.
    log "checkov venv (.venv-checkov)"
    python3 -m venv .venv-checkov
    .venv-checkov/bin/pip install -q --upgrade pip
    .venv-checkov/bin/pip install -q checkov
  fi
fi
log "dependencies ready ($want)"

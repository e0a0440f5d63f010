#!/usr/bin/env bash
# Checks the Kubernetes manifests in k8s/ and prints a summary; exits non-zero if any check fails.
#
#   1. pytest tests/manifests: kubernetes-validate (strict, Python API, unknown kinds fail) on every
#      Kubernetes document; structural checks of kustomization.yaml, k3d-cluster.yaml, deploy.sh;
#      the seed's facts and resource totals; nginx.conf's behaviour in a private namespace
#   2. promtool check config on prometheus.yml (a copy with kubernetes_sd_configs -> static_configs,
#      as Debian's promtool lacks kubernetes_sd) and promtool check rules on the dashboard's PromQL
#   3. nginx -t on the ConfigMap's nginx.conf, unchanged, with the service names mapped by a private
#      /etc/hosts (unshare --mount)
#   4. checkov on k8s/: no failed check; every skip states its reason and suppresses a real finding
#
# Needs: scripts/install-deps.sh python (.venv with pytest, PyYAML, kubernetes-validate), promtool,
# nginx, unshare, root. Creates .venv-checkov when it is missing.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

PY=.venv/bin/python
CHECKOV=.venv-checkov/bin/checkov
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

results=()   # "PASS|FAIL<TAB>name<TAB>detail"
record() { results+=("$1"$'\t'"$2"$'\t'"$3"); }
header() { printf '\n\033[1;34m== %s ==\033[0m\n' "$*"; }

if ! "$PY" -c 'import yaml, kubernetes_validate, pytest' 2>/dev/null; then
  echo "check-manifests: $PY lacks pytest/PyYAML/kubernetes-validate; run: bash scripts/install-deps.sh python" >&2
  exit 2
fi
if [[ ! -x "$CHECKOV" ]]; then
  header "creating .venv-checkov"
  if ! { python3 -m venv .venv-checkov && .venv-checkov/bin/pip install -q --upgrade pip \
          && .venv-checkov/bin/pip install -q checkov; }; then
    echo "check-manifests: could not install checkov into .venv-checkov" >&2
    exit 2
  fi
fi

# --- 1. pytest -----------------------------------------------------------------------------------
header "pytest tests/manifests"
ndocs="$("$PY" -c 'import sys; sys.path.insert(0, "tests/manifests"); import k8slib; print(len(k8slib.load_documents()))')"
"$PY" -m pytest -q -p no:cacheprovider tests/manifests 2>&1 | tee "$tmp/pytest.out"
rc=${PIPESTATUS[0]}
pysum="$(grep -E '^[0-9]+ (passed|failed)|^=+ .*(passed|failed|error)' "$tmp/pytest.out" | tail -1 | tr -d '=' | sed 's/^ *//;s/ *$//')"
nval="$(grep -c '' <("$PY" -m pytest -q -p no:cacheprovider --collect-only tests/manifests/test_kubernetes_validate.py 2>/dev/null | grep '::test_document_is_valid'))"
[[ $rc -eq 0 ]] && st=PASS || st=FAIL
record "$st" "pytest tests/manifests" "${pysum:-no summary} (kubernetes-validate strict: $ndocs documents, $nval document/version validations)"

# --- 2. promtool ---------------------------------------------------------------------------------
header "promtool"
"$PY" tests/manifests/k8slib.py prometheus-conf >"$tmp/prometheus.yml"
"$PY" tests/manifests/k8slib.py prometheus-static >"$tmp/prometheus-static.yml"
"$PY" tests/manifests/k8slib.py dashboard-rules >"$tmp/dashboard-rules.yml"
if ! command -v promtool >/dev/null; then
  record FAIL "promtool check config" "promtool not installed (apt-get install prometheus)"
else
  if promtool check config "$tmp/prometheus.yml" >"$tmp/promtool-orig.out" 2>&1; then
    cat "$tmp/promtool-orig.out"
    record PASS "promtool check config" "prometheus.yml unchanged: valid"
  else
    # Debian's promtool 2.42 is built without Kubernetes service discovery: the original may fail
    # on that field alone; the copy with static targets (all else unchanged) must pass.
    sed 's/^/  (original) /' "$tmp/promtool-orig.out"
    other="$(grep -iE 'error|failed|not found' "$tmp/promtool-orig.out" | grep -v 'kubernetes_sd_configs' \
             | grep -v 'FAILED: parsing YAML file' || true)"
    if promtool check config "$tmp/prometheus-static.yml"; then
      if [[ -n "$other" ]]; then
        record FAIL "promtool check config" "original has errors besides kubernetes_sd_configs: $other"
      else
        record PASS "promtool check config" "static-target copy: SUCCESS (original only lacks kubernetes_sd support in this promtool)"
      fi
    else
      record FAIL "promtool check config" "static-target copy is invalid"
    fi
  fi
  if promtool check rules "$tmp/dashboard-rules.yml"; then
    record PASS "promtool check rules" "every Grafana dashboard PromQL expression parses"
  else
    record FAIL "promtool check rules" "a Grafana dashboard PromQL expression does not parse"
  fi
fi

# --- 3. nginx -t ---------------------------------------------------------------------------------
header "nginx -t"
"$PY" tests/manifests/k8slib.py nginx-conf >"$tmp/nginx.conf"
"$PY" tests/manifests/k8slib.py hosts >"$tmp/hosts"
if ! command -v nginx >/dev/null || ! command -v unshare >/dev/null; then
  record FAIL "nginx -t" "nginx or unshare not installed"
elif [[ $(id -u) -ne 0 ]]; then
  record FAIL "nginx -t" "needs root for unshare --mount"
else
  # shellcheck disable=SC2016
  if unshare --mount --propagation private sh -c \
       'mount --bind "$1" /etc/hosts && exec nginx -t -c "$2" -e "$3" -g "pid $4;"' \
       sh "$tmp/hosts" "$tmp/nginx.conf" "$tmp/nginx-error.log" "$tmp/nginx.pid" 2>&1 | tee "$tmp/nginx-t.out"
  then
    if grep -q 'test is successful' "$tmp/nginx-t.out"; then
      warn="$(grep -c '\[warn\]' "$tmp/nginx-t.out" || true)"
      record PASS "nginx -t" "$(nginx -v 2>&1 | sed 's/^nginx version: //'): syntax ok, test successful, $warn warnings"
    else
      record FAIL "nginx -t" "no 'test is successful' in the output"
    fi
  else
    record FAIL "nginx -t" "$(tail -3 "$tmp/nginx-t.out" | tr '\n' ' ')"
  fi
fi

# --- 4. checkov ----------------------------------------------------------------------------------
header "checkov"
checkov_json() {  # dir, output file
  "$CHECKOV" -d "$1" --framework kubernetes --skip-download --compact -o json >"$2" 2>"$2.err"
  local rc=$?
  # 0: no failure, 1: failures; anything else (or no JSON) is an error of checkov itself
  [[ $rc -le 1 && -s "$2" ]]
}
if checkov_json k8s "$tmp/checkov.json"; then
  # The same manifests without their skip annotations: each skip must hide a finding that is real.
  mkdir -p "$tmp/noskip" && cp -r k8s "$tmp/noskip/" \
    && find "$tmp/noskip" -name '*.yml' -exec sed -i '/checkov\.io\/skip[0-9]*:/d' {} +
  checkov_json "$tmp/noskip/k8s" "$tmp/checkov-noskip.json" || echo '{}' >"$tmp/checkov-noskip.json"
  "$PY" - "$tmp/checkov.json" "$tmp/checkov-noskip.json" >"$tmp/checkov.out" <<'EOF'
import json, sys

def load(path):
    data = json.load(open(path))
    if isinstance(data, list):  # one entry per framework
        data = next((d for d in data if d.get("check_type") == "kubernetes"), data[0] if data else {})
    return data

report, noskip = load(sys.argv[1]), load(sys.argv[2])
s = report.get("summary", {})
res = report.get("results", {})
print(f"checkov {s.get('checkov_version')}: passed {s.get('passed')}, failed {s.get('failed')}, "
      f"skipped {s.get('skipped')}, parsing errors {s.get('parsing_errors')}, resources {s.get('resource_count')}")
problems = []
for c in res.get("failed_checks", []):
    problems.append(f"FAILED {c['check_id']} {c['resource']} ({c['file_path']}): {c['check_name']}")
skipped = set()
for c in sorted(res.get("skipped_checks", []), key=lambda c: (c["check_id"], c["resource"])):
    reason = (c.get("check_result", {}).get("suppress_comment") or c.get("suppress_comment") or "").strip()
    skipped.add((c["check_id"], c["resource"]))
    print(f"  skipped {c['check_id']} {c['resource']}: {reason or '(NO REASON)'}")
    if len(reason) < 15 or reason.lower() in ("no comment provided", "none"):
        problems.append(f"skip without a stated reason: {c['check_id']} {c['resource']}")
would_fail = {(c["check_id"], c["resource"]) for c in noskip.get("results", {}).get("failed_checks", [])}
if noskip.get("summary"):
    for check_id, resource in sorted(skipped - would_fail):
        problems.append(f"stale skip (the check passes without it): {check_id} {resource}")
else:
    problems.append("checkov run without skip annotations failed")
if s.get("parsing_errors"):
    problems.append(f"{s['parsing_errors']} parsing errors")
ids = sorted({c for c, _ in skipped})
print(f"SUMMARY passed={s.get('passed')} failed={s.get('failed')} skipped={s.get('skipped')} ids={','.join(ids)}")
for p in problems:
    print("PROBLEM " + p)
sys.exit(1 if problems or s.get("failed") else 0)
EOF
  crc=$?
  cat "$tmp/checkov.out"
  summary="$(sed -n 's/^SUMMARY //p' "$tmp/checkov.out")"
  if [[ $crc -eq 0 ]]; then
    record PASS "checkov" "$summary (every skip has a reason and hides a real finding)"
  else
    record FAIL "checkov" "$summary; $(grep -c '^PROBLEM' "$tmp/checkov.out") problem(s), see above"
  fi
else
  cat "$tmp/checkov.json.err" >&2
  record FAIL "checkov" "checkov did not run"
fi

# --- summary -------------------------------------------------------------------------------------
header "summary"
pass=0 fail=0
for r in "${results[@]}"; do
  IFS=$'\t' read -r st name detail <<<"$r"
  if [[ $st == PASS ]]; then pass=$((pass + 1)); printf '\033[32mPASS\033[0m'; else fail=$((fail + 1)); printf '\033[31mFAIL\033[0m'; fi
  printf '  %-24s %s\n' "$name" "$detail"
done
echo "check-manifests: $pass passed, $fail failed"
[[ $fail -eq 0 ]]

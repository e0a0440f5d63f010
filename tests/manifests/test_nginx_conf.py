"""nginx.conf from the nginx-config ConfigMap: what the file says (static checks) and what nginx
really answers when it runs the file unchanged (tests/manifests/nginx_sandbox.py, in private mount
and network namespaces, against fake upstreams). `nginx -t` itself runs in
scripts/check-manifests.sh."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import k8slib
from nginx_sandbox import CASES

CONF = k8slib.nginx_conf()
SECURITY_HEADERS = {
    "x-frame-options": "DENY",
    "x-xss-protection": "1; mode=block",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}
# The page's one inline <style> is allowed by its hash (scripts/inline-css.py writes it and
# `make dist` checks it against the built CSS); nothing else inline.
STYLE_HASHES = re.findall(r"'(sha256-[A-Za-z0-9+/]{43}=)'", CONF)
assert len(set(STYLE_HASHES)) == 1, f"one style hash in the CSP, found {STYLE_HASHES}"
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
       f"style-src 'self' '{STYLE_HASHES[0]}'; "
       "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
       "base-uri 'self'; frame-ancestors 'none'; form-action 'self'")
IMMUTABLE = "public, max-age=31536000, immutable"


def directives(name: str) -> list[str]:
    return re.findall(rf"^\s*{re.escape(name)}\s+([^;]*);", CONF, flags=re.M)


# --- static ----------------------------------------------------------------------------------

def test_is_a_full_nginx_conf_portable_to_debian():
    assert re.search(r"^events\s*\{", CONF, flags=re.M) and re.search(r"^http\s*\{", CONF, flags=re.M)
    assert directives("include") == ["/etc/nginx/mime.types"]
    assert not directives("pid"), "the local stack passes pid with -g"
    assert not directives("user"), "no user: each build's default worker user"
    assert not directives("resolver")


def test_proxy_pass_hosts_are_literal_service_names():
    assert directives("proxy_pass") == ["http://flask-service:5000", "http://prometheus-service:9090"]


def test_all_proxy_timeouts_are_60s():
    for d in ("proxy_connect_timeout", "proxy_send_timeout", "proxy_read_timeout"):
        assert directives(d) == ["60s"], d


def test_prometheus_allowlist_is_get_only():
    assert "limit_except GET" in CONF and re.search(r"limit_except GET \{\s*deny all;\s*\}", CONF)
    assert directives("rewrite") == ["^/prometheus/(.*)$ /$1 break"]


def test_explorer_csp_is_exact():
    assert f'add_header Content-Security-Policy "{CSP}" always;' in CONF


# --- behaviour -------------------------------------------------------------------------------

def sandbox_unavailable() -> str | None:
    if os.geteuid() != 0:
        return "needs root (mount and network namespaces)"
    for tool in ("nginx", "unshare", "ip", "mount"):
        if shutil.which(tool) is None:
            return f"{tool} not installed"
    if not Path("/etc/nginx/mime.types").exists() or not Path("/usr/share/nginx").is_dir():
        return "nginx's /etc/nginx/mime.types or /usr/share/nginx missing"
    return None


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    why = sandbox_unavailable()
    if why:
        pytest.skip(why)
    work = tmp_path_factory.mktemp("nginx")
    proc = subprocess.run(
        ["unshare", "--mount", "--net", "--propagation", "private", sys.executable,
         str(Path(__file__).with_name("nginx_sandbox.py")), str(work)],
        capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        err = (work / "error.log").read_text() if (work / "error.log").exists() else ""
        pytest.fail(f"sandbox failed ({proc.returncode}): {proc.stderr[-2000:]}\n{err}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def header(answer, name):
    values = answer["headers"].get(name.lower(), [])
    assert len(values) <= 1, f"{name} sent {len(values)} times: {values}"
    return values[0] if values else None


def assert_security_headers(answer):
    for name, value in SECURITY_HEADERS.items():
        assert header(answer, name) == value, name


@pytest.mark.parametrize("case", ["root", "api_health", "api_post"])
def test_flask_is_proxied_with_security_headers(answers, case):
    a = answers[case]
    assert a["status"] == 200
    assert a["body"].startswith("flask-")
    method, path, _ = CASES[case]
    assert a["body"].split()[1:] == [method, path]
    assert_security_headers(a)  # upstream's own X-Frame-Options is hidden, not duplicated


def test_both_flask_replicas_are_used(answers):
    assert set(answers["round_robin"]) == {"flask-1", "flask-2"}


def test_nginx_health(answers):
    a = answers["nginx_health"]
    assert a["status"] == 200 and a["body"] == "healthy\n"
    assert_security_headers(a)


@pytest.mark.parametrize("case", ["metrics", "metrics_query"])
def test_flask_metrics_not_reachable(answers, case):
    assert answers[case]["status"] == 404
    assert "flask-" not in answers[case]["body"]


def test_explorer_redirect_is_relative(answers):
    a = answers["explorer_bare"]
    assert a["status"] == 301 and header(a, "location") == "/explorer/"


@pytest.mark.parametrize("case", ["explorer_index", "explorer_route"])
def test_explorer_index_and_spa_fallback(answers, case):
    a = answers[case]
    assert a["status"] == 200 and "<title>explorer</title>" in a["body"]
    # /explorer/ is index.html, with the first frame; any other route falls back to app.html.
    assert ("first-frame" in a["body"]) == (case == "explorer_index")
    assert header(a, "content-type").startswith("text/html")
    assert header(a, "cache-control") == "no-cache"
    assert header(a, "content-security-policy") == CSP
    assert_security_headers(a)


@pytest.mark.parametrize("case,mime", [("explorer_wasm", "application/wasm"),
                                       ("explorer_js", "javascript"), ("explorer_css", "text/css")])
def test_explorer_hashed_assets(answers, case, mime):
    a = answers[case]
    assert a["status"] == 200
    assert mime in header(a, "content-type")
    assert header(a, "cache-control") == IMMUTABLE
    assert header(a, "content-security-policy") == CSP
    assert_security_headers(a)


def test_wasm_is_exactly_application_wasm_and_gzipped(answers):
    assert header(answers["explorer_wasm"], "content-type") == "application/wasm"
    a = answers["explorer_wasm_gzip"]
    assert header(a, "content-encoding") == "gzip"
    assert header(a, "content-type") == "application/wasm"


def test_missing_asset_is_404_not_cached(answers):
    a = answers["explorer_missing_js"]
    assert a["status"] == 404
    assert header(a, "cache-control") is None
    assert_security_headers(a)


def test_manifests_yaml(answers):
    a = answers["explorer_manifests"]
    assert a["status"] == 200 and a["body"].startswith("apiVersion: v1")
    assert header(a, "content-type").startswith("application/yaml")
    assert header(a, "cache-control") == "no-cache"
    assert header(a, "content-encoding") == "gzip"


@pytest.mark.parametrize("case,path", [
    ("prom_query", "/api/v1/query?query=up"),
    ("prom_query_range", "/api/v1/query_range?query=up&start=0&end=1&step=1"),
    ("prom_targets", "/api/v1/targets"),
    ("prom_ready", "/-/ready"),
    ("prom_healthy", "/-/healthy"),
])
def test_prometheus_allowlist(answers, case, path):
    a = answers[case]
    assert a["status"] == 200
    assert a["body"] == f"prometheus GET {path}\n"  # prefix stripped, query string kept
    assert_security_headers(a)


def test_prometheus_head_is_allowed(answers):
    assert answers["prom_head"]["status"] == 200


@pytest.mark.parametrize("case", ["prom_post_query", "prom_admin"])
def test_prometheus_writes_are_refused(answers, case):
    assert answers[case]["status"] in (403, 404)
    assert "prometheus" not in answers[case]["body"].split("\n")[0]


@pytest.mark.parametrize("case", ["prom_admin_get", "prom_series", "prom_lifecycle", "prom_ui",
                                  "prom_dotdot", "prom_encoded", "prom_bare"])
def test_prometheus_everything_else_is_404(answers, case):
    a = answers[case]
    assert a["status"] == 404
    assert not a["body"].startswith("prometheus ")

"""Runs the ConfigMap's nginx.conf, unchanged, against fake upstreams and reports what it answers.

Must run inside fresh mount and network namespaces (`unshare --mount --net python nginx_sandbox.py
WORKDIR`), as root: it brings up loopback, bind-mounts a hosts file mapping the service names to the
CONTRACT's local addresses over /etc/hosts, puts a tmpfs over /usr/share/nginx with a fake explorer
build in it, serves fake Flask (both replicas) and Prometheus upstreams, starts nginx on port 80 and
prints one JSON object: {case name: {status, headers, body}, ...}. Nothing leaks to the host: the
mounts and the port live in the namespaces and vanish with this process.
"""
from __future__ import annotations

import gzip
import http.client
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import k8slib  # noqa: E402

HASH = "0123456789abcdef"
CASES = {  # name: (method, path, extra request headers)
    "root": ("GET", "/", {}),
    "api_health": ("GET", "/api/health", {}),
    "api_post": ("POST", "/api/transactions", {}),
    "nginx_health": ("GET", "/nginx-health", {}),
    "metrics": ("GET", "/metrics", {}),
    "metrics_query": ("GET", "/metrics?x=1", {}),
    "explorer_bare": ("GET", "/explorer", {}),
    "explorer_index": ("GET", "/explorer/", {}),
    "explorer_route": ("GET", "/explorer/graph/nginx", {}),
    "explorer_wasm": ("GET", f"/explorer/explorer-{HASH}_bg.wasm", {}),
    "explorer_wasm_gzip": ("GET", f"/explorer/explorer-{HASH}_bg.wasm", {"Accept-Encoding": "gzip"}),
    "explorer_js": ("GET", f"/explorer/explorer-{HASH}.js", {}),
    "explorer_css": ("GET", f"/explorer/explorer-{HASH}.css", {}),
    "explorer_missing_js": ("GET", "/explorer/explorer-ffffffffffffffff.js", {}),
    "explorer_manifests": ("GET", "/explorer/manifests.yaml", {"Accept-Encoding": "gzip"}),
    "prom_query": ("GET", "/prometheus/api/v1/query?query=up", {}),
    "prom_query_range": ("GET", "/prometheus/api/v1/query_range?query=up&start=0&end=1&step=1", {}),
    "prom_targets": ("GET", "/prometheus/api/v1/targets", {}),
    "prom_ready": ("GET", "/prometheus/-/ready", {}),
    "prom_healthy": ("GET", "/prometheus/-/healthy", {}),
    "prom_head": ("HEAD", "/prometheus/-/ready", {}),
    "prom_post_query": ("POST", "/prometheus/api/v1/query?query=up", {}),
    "prom_admin": ("POST", "/prometheus/api/v1/admin/tsdb/delete_series", {}),
    "prom_admin_get": ("GET", "/prometheus/api/v1/admin/tsdb/snapshot", {}),
    "prom_series": ("GET", "/prometheus/api/v1/series?match[]=up", {}),
    "prom_lifecycle": ("GET", "/prometheus/-/quit", {}),
    "prom_ui": ("GET", "/prometheus/graph", {}),
    "prom_dotdot": ("GET", "/prometheus/api/v1/query/../series", {}),
    "prom_encoded": ("GET", "/prometheus/api/v1/query%2F..%2Fseries", {}),
    "prom_bare": ("GET", "/prometheus", {}),
}
ROUND_ROBIN = 6  # extra GET / requests to see both Flask replicas


class Upstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        name = self.server.upstream_name
        body = f"{name} {self.command} {self.path}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("X-Frame-Options", "ALLOWALL")  # nginx must hide this one
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _answer

    def log_message(self, *args):
        pass


def serve(name: str, addr: str, port: int) -> None:
    srv = http.server.ThreadingHTTPServer((addr, port), Upstream)
    srv.upstream_name = name
    threading.Thread(target=srv.serve_forever, daemon=True).start()


def request(method: str, path: str, headers: dict) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", 80, timeout=10)
    conn.request(method, path, headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    hdrs: dict[str, list[str]] = {}
    for k, v in resp.getheaders():
        hdrs.setdefault(k.lower(), []).append(v)
    if hdrs.get("content-encoding") == ["gzip"]:
        body = gzip.decompress(body)
    return {"status": resp.status, "headers": hdrs, "body": body.decode("latin-1")[:300]}


def main(workdir: str) -> int:
    work = Path(workdir)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    (work / "hosts").write_text(k8slib.hosts_file())
    subprocess.run(["mount", "--bind", str(work / "hosts"), "/etc/hosts"], check=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/usr/share/nginx"], check=True)
    explorer = Path("/usr/share/nginx/explorer")
    explorer.mkdir()
    (explorer / "index.html").write_text("<!doctype html><title>explorer</title><div id=first-frame></div>\n")
    (explorer / "app.html").write_text("<!doctype html><title>explorer</title><p>app\n")
    (explorer / f"explorer-{HASH}_bg.wasm").write_bytes(b"\0asm\x01\0\0\0" + bytes(4096))
    (explorer / f"explorer-{HASH}.js").write_text("export default function init() {}\n" * 20)
    (explorer / f"explorer-{HASH}.css").write_text("body { margin: 0 }\n" * 20)
    (explorer / "manifests.yaml").write_text("apiVersion: v1\nkind: Namespace\n" * 40)

    serve("flask-1", "127.0.1.1", 5000)
    serve("flask-2", "127.0.1.2", 5000)
    serve("prometheus", "127.0.3.1", 9090)

    conf = work / "nginx.conf"
    conf.write_text(k8slib.nginx_conf())
    log = open(work / "nginx.out", "wb")
    nginx = subprocess.Popen(
        ["nginx", "-c", str(conf), "-e", str(work / "error.log"),
         "-g", f"daemon off; pid {work / 'nginx.pid'};"], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", 80), timeout=0.2).close()
                break
            except OSError:
                if nginx.poll() is not None:
                    raise SystemExit(f"nginx exited: {(work / 'error.log').read_text()}")
                time.sleep(0.05)
        results = {name: request(*spec) for name, spec in CASES.items()}
        results["round_robin"] = [request("GET", "/", {})["body"].split()[0] for _ in range(ROUND_ROBIN)]
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        log.close()
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

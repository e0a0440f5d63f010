#!/usr/bin/env python3
"""Derive the local stack's configuration from the Kubernetes manifests in k8s/ (never a second copy).

Writes into the state directory (default .stack/):
  hosts                    the private /etc/hosts: the CONTRACT's loopback addresses for the Service names
  env/flask.env            flask-secret, base64-decoded (DATABASE_URL keeps its postgres-service host)
  env/postgres.env         postgres-secret, base64-decoded (POSTGRES_DB/USER/PASSWORD for initdb)
  nginx/nginx.conf         nginx-config's nginx.conf: `listen 80` -> 127.0.0.1:8889, temp paths under .stack
  prometheus/prometheus.yml  prometheus-config's prometheus.yml: each kubernetes_sd_configs job becomes
                           static targets carrying the labels its relabel_configs would produce
  prometheus/args          the prometheus Deployment's args, with config/storage/listen address made local
Usage: derive.py [--k8s DIR] [--state DIR]
"""
from __future__ import annotations

import argparse
import base64
import re
import shlex
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

NAMESPACE = "budget-app"
# CONTRACT.md, "Local stack addresses"
FLASK_PODS = [("flask-app-1", "127.0.1.1"), ("flask-app-2", "127.0.1.2")]
POSTGRES_ADDR = "127.0.2.1"
PROMETHEUS_ADDR = "127.0.3.1"
GRAFANA_ADDR = "127.0.4.1"
NGINX_LISTEN = "127.0.0.1:8889"


class DeriveError(Exception):
    pass


def load_objects(k8s: Path) -> list[dict]:
    objects = []
    for path in sorted(list(k8s.rglob("*.yml")) + list(k8s.rglob("*.yaml"))):
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind") and doc.get("metadata"):
                doc["_path"] = str(path)
                objects.append(doc)
    return objects


def find(objects: list[dict], kind: str, name: str) -> dict:
    for obj in objects:
        if obj["kind"] == kind and obj["metadata"].get("name") == name:
            return obj
    raise DeriveError(f"k8s/: no {kind} named {name!r} found")


def secret_values(secret: dict) -> dict[str, str]:
    values = {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}
    values.update(secret.get("stringData") or {})
    return values


def container(deployment: dict, name: str | None = None) -> dict:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    for c in containers:
        if name is None or c["name"] == name:
            return c
    raise DeriveError(f"{deployment['_path']}: no container {name!r}")


def service_port(service: dict) -> int:
    return int(service["spec"]["ports"][0]["port"])


# ------------------------------------------------------------------ relabelling (the subset Prometheus has)
def relabel(labels: dict[str, str], configs: list[dict]) -> dict[str, str] | None:
    labels = dict(labels)
    for cfg in configs or []:
        action = cfg.get("action", "replace")
        regex = re.compile("^(?:" + str(cfg.get("regex", "(.*)")) + ")$")
        value = cfg.get("separator", ";").join(labels.get(s, "") for s in cfg.get("source_labels", []))
        if action == "keep":
            if not regex.match(value):
                return None
        elif action == "drop":
            if regex.match(value):
                return None
        elif action == "replace":
            m = regex.match(value)
            if m:
                target = m.expand(re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", cfg.get("target_label", "")))
                result = m.expand(re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", str(cfg.get("replacement", "$1"))))
                if result:
                    labels[target] = result
                else:
                    labels.pop(target, None)
        elif action == "labelmap":
            for name, val in list(labels.items()):
                m = regex.match(name)
                if m:
                    labels[m.expand(re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", str(cfg.get("replacement", "$1"))))] = val
        elif action in ("labeldrop", "labelkeep"):
            for name in list(labels):
                if bool(regex.match(name)) == (action == "labeldrop"):
                    labels.pop(name)
        else:
            raise DeriveError(f"relabel action {action!r} is not supported by the local stack")
    return labels


def pod_meta(deployment: dict, pod_name: str, pod_ip: str) -> list[dict[str, str]]:
    """The __meta_kubernetes_pod_* labels Prometheus' role: pod discovery gives each container port."""
    template = deployment["spec"]["template"]
    base = {"__meta_kubernetes_namespace": deployment["metadata"].get("namespace", NAMESPACE),
            "__meta_kubernetes_pod_name": pod_name, "__meta_kubernetes_pod_ip": pod_ip,
            "__meta_kubernetes_pod_ready": "true", "__meta_kubernetes_pod_phase": "Running",
            "__meta_kubernetes_pod_controller_kind": "ReplicaSet"}
    for key, val in (template["metadata"].get("labels") or {}).items():
        base["__meta_kubernetes_pod_label_" + re.sub(r"[^a-zA-Z0-9_]", "_", key)] = str(val)
        base["__meta_kubernetes_pod_labelpresent_" + re.sub(r"[^a-zA-Z0-9_]", "_", key)] = "true"
    for key, val in (template["metadata"].get("annotations") or {}).items():
        base["__meta_kubernetes_pod_annotation_" + re.sub(r"[^a-zA-Z0-9_]", "_", key)] = str(val)
    out = []
    for c in template["spec"]["containers"]:
        for p in c.get("ports") or []:
            labels = dict(base, __address__=f"{pod_ip}:{p['containerPort']}",
                          __meta_kubernetes_pod_container_name=c["name"],
                          __meta_kubernetes_pod_container_port_name=p.get("name", ""),
                          __meta_kubernetes_pod_container_port_number=str(p["containerPort"]),
                          __meta_kubernetes_pod_container_port_protocol=p.get("protocol", "TCP"))
            out.append(labels)
    return out


def static_targets(job: dict, candidates: list[dict[str, str]]) -> list[dict]:
    groups = []
    for cand in candidates:
        labels = relabel(dict(cand, job=job["job_name"]), job.get("relabel_configs"))
        if labels is None:
            continue
        address = labels.pop("__address__")
        public = {k: v for k, v in labels.items() if not k.startswith("__") and k != "job"}
        groups.append({"targets": [address], "labels": public})
    return groups


# ------------------------------------------------------------------ the files
def derive(k8s: Path, state: Path) -> None:
    objects = load_objects(k8s)
    flask_secret = secret_values(find(objects, "Secret", "flask-secret"))
    pg_secret = secret_values(find(objects, "Secret", "postgres-secret"))
    flask_dep = find(objects, "Deployment", "flask-app")
    prom_dep = find(objects, "Deployment", "prometheus")
    pg_port = service_port(find(objects, "Service", "postgres-service"))
    flask_port = service_port(find(objects, "Service", "flask-service"))
    prom_port = service_port(find(objects, "Service", "prometheus-service"))

    for key in ("POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"):
        if not pg_secret.get(key):
            raise DeriveError(f"postgres-secret has no {key}")
    url = urlsplit(flask_secret.get("DATABASE_URL", ""))
    expected = (pg_secret["POSTGRES_USER"], pg_secret["POSTGRES_PASSWORD"], "postgres-service", pg_port,
                pg_secret["POSTGRES_DB"])
    got = (url.username, url.password, url.hostname, url.port or 5432, url.path.lstrip("/"))
    if got != expected:
        raise DeriveError("flask-secret DATABASE_URL does not match postgres-secret/postgres-service "
                          "(user, password, host postgres-service, port, db)")

    (state / "env").mkdir(parents=True, exist_ok=True)
    (state / "nginx").mkdir(parents=True, exist_ok=True)
    (state / "prometheus").mkdir(parents=True, exist_ok=True)

    write(state / "env" / "flask.env", "".join(f"{k}={shlex.quote(v)}\n" for k, v in sorted(flask_secret.items())
                                              if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k)), mode=0o600)
    write(state / "env" / "postgres.env", "".join(f"{k}={shlex.quote(v)}\n" for k, v in sorted(pg_secret.items())),
          mode=0o600)

    svc = lambda name: f"{name} {name}.{NAMESPACE} {name}.{NAMESPACE}.svc {name}.{NAMESPACE}.svc.cluster.local"  # noqa: E731
    hosts = ["# generated by stack/derive.py: the local stack's private /etc/hosts (CONTRACT.md addresses)",
             "127.0.0.1 localhost", "::1 localhost ip6-localhost ip6-loopback"]
    hosts += [f"{ip} {svc('flask-service')} {pod}" for pod, ip in FLASK_PODS]
    hosts += [f"{POSTGRES_ADDR} {svc('postgres-service')}", f"{PROMETHEUS_ADDR} {svc('prometheus-service')}",
              f"{GRAFANA_ADDR} {svc('grafana-service')}"]
    write(state / "hosts", "\n".join(hosts) + "\n")

    # nginx: the ConfigMap's file, listen address changed, temp paths local
    conf = find(objects, "ConfigMap", "nginx-config")["data"]["nginx.conf"]
    conf, n = re.subn(r"(?m)^(\s*)listen\s+80\s*;", rf"\1listen {NGINX_LISTEN};", conf)
    if n != 1:
        raise DeriveError(f"nginx-config: expected exactly one `listen 80;`, found {n}")
    if re.search(r"(?m)^\s*pid\s", conf):
        raise DeriveError("nginx-config: the file must not set `pid` (the local stack passes it with -g)")
    tmp = state / "nginx" / "tmp"
    temp_paths = "".join(f"    {d}_temp_path {tmp / d.split('_')[0]};\n"
                         for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf, n = re.subn(r"(?m)^(\s*http\s*\{\s*\n)", lambda m: m.group(1) + "    # local stack: temp paths under .stack\n"
                      + temp_paths, conf, count=1)
    if n != 1:
        raise DeriveError("nginx-config: no `http {` block found")
    write(state / "nginx" / "nginx.conf", "# derived by stack/derive.py from k8s nginx-config (nginx.conf)\n" + conf)

    # prometheus: kubernetes_sd_configs -> static targets with the relabelled labels
    prom = yaml.safe_load(find(objects, "ConfigMap", "prometheus-config")["data"]["prometheus.yml"])
    flask_candidates = [m for pod, ip in FLASK_PODS for m in pod_meta(flask_dep, pod, ip)]
    for job in prom.get("scrape_configs", []):
        if "kubernetes_sd_configs" in job:
            sd = job.pop("kubernetes_sd_configs")
            if any(s.get("role") not in ("pod", "endpoints") for s in sd):
                raise DeriveError(f"job {job['job_name']}: only role pod/endpoints is supported locally")
            groups = static_targets(job, flask_candidates)
            job.pop("relabel_configs", None)
            if not groups:
                raise DeriveError(f"job {job['job_name']}: the relabelling keeps no local Flask pod")
            job["static_configs"] = groups
        else:
            # `localhost` inside the prometheus pod is prometheus itself
            for group in job.get("static_configs", []):
                group["targets"] = [f"{PROMETHEUS_ADDR}:{prom_port}" if t in (f"localhost:{prom_port}",
                                    f"127.0.0.1:{prom_port}") else t for t in group.get("targets", [])]
    write(state / "prometheus" / "prometheus.yml",
          "# derived by stack/derive.py from k8s prometheus-config (prometheus.yml)\n"
          + yaml.safe_dump(prom, sort_keys=False))

    args = [a for a in container(prom_dep).get("args", [])
            if not a.startswith(("--config.file", "--storage.tsdb.path", "--web.listen-address"))]
    args += [f"--config.file={state / 'prometheus' / 'prometheus.yml'}",
             f"--storage.tsdb.path={state / 'prometheus' / 'data'}",
             f"--web.listen-address={PROMETHEUS_ADDR}:{prom_port}"]
    write(state / "prometheus" / "args", "\n".join(args) + "\n")
    if flask_port != 5000:
        print(f"derive: note: flask-service port is {flask_port}", file=sys.stderr)


def write(path: Path, content: str, mode: int = 0o644) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(content)
    tmp.chmod(mode)
    tmp.replace(path)


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k8s", type=Path, default=root / "k8s")
    ap.add_argument("--state", type=Path, default=root / ".stack")
    opts = ap.parse_args()
    try:
        derive(opts.k8s.resolve(), opts.state.resolve())
    except (DeriveError, KeyError, OSError, yaml.YAMLError) as exc:
        print(f"derive: cannot derive the local config from k8s/: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

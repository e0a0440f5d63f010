"""Helpers shared by the manifest tests and scripts/check-manifests.sh.

Loads every YAML document under k8s/, parses Kubernetes quantities and computes the resources a pod
really requests (as the scheduler does), and derives the test copies of the Prometheus config and of
the dashboard's PromQL. Run as a script for the shell checks:

    python tests/manifests/k8slib.py nginx-conf            # nginx.conf from the nginx-config ConfigMap
    python tests/manifests/k8slib.py prometheus-conf       # prometheus.yml, unchanged
    python tests/manifests/k8slib.py prometheus-static     # same, kubernetes_sd_configs -> static_configs
    python tests/manifests/k8slib.py dashboard-rules       # dashboard PromQL as a rules file for promtool
    python tests/manifests/k8slib.py hosts                 # /etc/hosts mapping service names (CONTRACT)
"""
from __future__ import annotations

import copy
import functools
import json
import re
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "k8s"
NAMESPACE = "budget-app"

# Files under k8s/ that are not Kubernetes objects.
NON_K8S_FILES = {"kustomization.yaml", "k3d-cluster.yaml"}

# Local-stack addresses from docs/CONTRACT.md (used to resolve nginx.conf's upstreams for nginx -t).
CONTRACT_HOSTS = [
    ("127.0.1.1", "flask-service"),
    ("127.0.1.2", "flask-service"),
    ("127.0.2.1", "postgres-service"),
    ("127.0.3.1", "prometheus-service"),
    ("127.0.4.1", "grafana-service"),
]


def yaml_files() -> list[Path]:
    return sorted(p for p in K8S.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def manifest_files() -> list[Path]:
    return [p for p in yaml_files() if p.name not in NON_K8S_FILES]


def rel(path: Path) -> str:
    return path.relative_to(K8S).as_posix()


@functools.lru_cache(maxsize=None)
def _load_documents() -> tuple[tuple[str, int, dict], ...]:
    out = []
    for path in manifest_files():
        for i, doc in enumerate(yaml.safe_load_all(path.read_text())):
            if doc is not None:
                out.append((rel(path), i, doc))
    return tuple(out)


def load_documents() -> list[tuple[str, int, dict]]:
    """(file relative to k8s/, index in file, document) for every non-empty Kubernetes document.
    Parsed once per process; callers must not modify the documents."""
    return list(_load_documents())


def objects() -> list[dict]:
    return [doc for _, _, doc in load_documents()]


def find(kind: str, name: str) -> dict:
    hits = [o for o in objects() if o.get("kind") == kind and o.get("metadata", {}).get("name") == name]
    if len(hits) != 1:
        raise LookupError(f"expected exactly one {kind}/{name}, found {len(hits)}")
    return hits[0]


def of_kind(kind: str) -> list[dict]:
    return [o for o in objects() if o.get("kind") == kind]


# --- quantities ------------------------------------------------------------------------------

_BIN = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DEC = {"n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000), "": Fraction(1),
        "k": Fraction(10**3), "M": Fraction(10**6), "G": Fraction(10**9), "T": Fraction(10**12),
        "P": Fraction(10**15), "E": Fraction(10**18)}
_QUANTITY = re.compile(r"^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")


def quantity(value) -> Fraction:
    """A Kubernetes resource.Quantity as an exact number (cores for CPU, bytes for memory)."""
    text = str(value).strip()
    m = _QUANTITY.match(text)
    if not m:
        raise ValueError(f"not a Kubernetes quantity: {value!r}")
    number = Fraction(Decimal(m.group(1)))
    suffix = m.group(2) or ""
    return number * (_BIN[suffix] if suffix in _BIN else _DEC[suffix])


def millicores(value) -> int:
    q = quantity(value) * 1000
    assert q.denominator == 1, value
    return int(q)


def mebibytes(value) -> Fraction:
    return quantity(value) / 2**20


def pod_effective(pod_spec: dict, which: str) -> dict[str, Fraction]:
    """Effective pod requests or limits (which = 'requests' | 'limits') as the scheduler computes
    them: max(sum over app containers, largest single init container), per resource."""
    out = {}
    for res in ("cpu", "memory"):
        def amount(c):
            v = c.get("resources", {}).get(which, {}).get(res)
            return quantity(v) if v is not None else Fraction(0)
        app = sum((amount(c) for c in pod_spec.get("containers", [])), Fraction(0))
        init = max((amount(c) for c in pod_spec.get("initContainers", [])), default=Fraction(0))
        out[res] = max(app, init)
    return out


# --- derived configs -------------------------------------------------------------------------

def configmap_data(name: str, key: str) -> str:
    return find("ConfigMap", name)["data"][key]


def nginx_conf() -> str:
    return configmap_data("nginx-config", "nginx.conf")


def prometheus_conf() -> str:
    return configmap_data("prometheus-config", "prometheus.yml")


def prometheus_static(conf_text: str | None = None) -> str:
    """prometheus.yml with every kubernetes_sd_configs block replaced by static_configs (Debian's
    promtool 2.42 lacks kubernetes_sd); everything else, relabel rules included, is unchanged. The
    static target is the Service that selects the pods the job's keep-relabel on
    app.kubernetes.io/name admits (flask-app -> flask-service:5000)."""
    conf = yaml.safe_load(conf_text if conf_text is not None else prometheus_conf())
    out = copy.deepcopy(conf)
    for job in out.get("scrape_configs", []):
        if "kubernetes_sd_configs" not in job:
            continue
        job.pop("kubernetes_sd_configs")
        job["static_configs"] = [{"targets": [service_target(sd_keep_name(job))]}]
    return yaml.safe_dump(out, sort_keys=False)


def sd_keep_name(job: dict) -> str:
    """The app.kubernetes.io/name value a service-discovery job keeps."""
    for rule in job.get("relabel_configs", []):
        if rule.get("action") == "keep" and rule.get("source_labels") == [
                "__meta_kubernetes_pod_label_app_kubernetes_io_name"]:
            return rule["regex"]
    raise LookupError(f"job {job.get('job_name')}: no keep relabel on app.kubernetes.io/name")


def service_target(app_name: str) -> str:
    """host:port of the Service whose selector is app.kubernetes.io/name=<app_name>."""
    for svc in of_kind("Service"):
        if svc["spec"].get("selector") == {"app.kubernetes.io/name": app_name}:
            return f"{svc['metadata']['name']}:{svc['spec']['ports'][0]['port']}"
    raise LookupError(f"no Service selects app.kubernetes.io/name={app_name}")


def dashboards() -> dict[str, dict]:
    data = find("ConfigMap", "grafana-dashboards")["data"]
    return {k: json.loads(v) for k, v in data.items() if k.endswith(".json")}


def dashboard_exprs() -> list[tuple[str, str]]:
    out = []
    for fname, dash in dashboards().items():
        for panel in dash.get("panels", []):
            for t in panel.get("targets", []):
                out.append((f"{fname}: {panel.get('title')}", t["expr"]))
    return out


def dashboard_rules() -> str:
    """The dashboard's PromQL as recording rules, so promtool can parse every expression.
    Grafana's $__rate_interval becomes 1m (4 x the 15s scrape interval)."""
    rules = [{"record": f"dashboard:expr_{i}", "expr": expr.replace("$__rate_interval", "1m")}
             for i, (_, expr) in enumerate(dashboard_exprs())]
    return yaml.safe_dump({"groups": [{"name": "dashboard-exprs", "rules": rules}]}, sort_keys=False)


def hosts_file() -> str:
    lines = ["127.0.0.1 localhost", "::1 localhost"]
    lines += [f"{ip} {name}" for ip, name in CONTRACT_HOSTS]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    commands = {
        "nginx-conf": nginx_conf,
        "prometheus-conf": prometheus_conf,
        "prometheus-static": prometheus_static,
        "dashboard-rules": dashboard_rules,
        "hosts": hosts_file,
    }
    if len(argv) != 2 or argv[1] not in commands:
        print(f"usage: {argv[0]} {{{'|'.join(commands)}}}", file=sys.stderr)
        return 2
    sys.stdout.write(commands[argv[1]]())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

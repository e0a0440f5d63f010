"""The seed's facts (shared/seed/k3d-architecture.md) and docs/CONTRACT.md's names, read from the
manifests: workloads, images, replicas, ports, Service types, probes, the init container, storage,
secrets, RBAC, monitoring config, emptyDirs, resources per container and the resource totals."""
from __future__ import annotations

import base64
import re
from fractions import Fraction

import pytest
import yaml

import k8slib
from k8slib import find, of_kind, millicores, mebibytes, pod_effective

NS = "budget-app"

# component: (deployment, replicas, image, pull policy, container port name/number,
#             service, service type, service port, app.kubernetes.io/component)
COMPONENTS = {
    "nginx": ("nginx", 1, "nginx:stable-alpine", None, ("http", 80), "nginx-service", "LoadBalancer", 80, "proxy"),
    "flask-app": ("flask-app", 2, "devops-final-project-web:latest", "Never", ("http", 5000),
                  "flask-service", "ClusterIP", 5000, "api"),
    "postgres": ("postgres", 1, "postgres:15-alpine", None, ("postgres", 5432),
                 "postgres-service", "ClusterIP", 5432, "database"),
    "prometheus": ("prometheus", 1, "prom/prometheus:latest", None, ("http", 9090),
                   "prometheus-service", "ClusterIP", 9090, "monitoring"),
    "grafana": ("grafana", 1, "grafana/grafana:latest", None, ("http", 3000),
                "grafana-service", "ClusterIP", 3000, "visualization"),
}

# The seed's resource table, per container: cpu request, cpu limit, memory request, memory limit.
RESOURCES = {
    "nginx": ("100m", "200m", "64Mi", "128Mi"),
    "flask-app": ("250m", "500m", "256Mi", "512Mi"),
    "postgres": ("250m", "500m", "256Mi", "512Mi"),
    "prometheus": ("250m", "500m", "256Mi", "512Mi"),
    "grafana": ("100m", "200m", "128Mi", "256Mi"),
}
TOTALS = {"pods": 6, "cpu_request_m": 1200, "cpu_limit_m": 2400, "memory_request_mi": 1216, "memory_limit_mi": 2432}

# (deployment, probe): (kind, path or command fragment, periodSeconds, initialDelaySeconds or None
# when the seed states none)
PROBES = {
    ("nginx", "readinessProbe"): ("httpGet", "/nginx-health", 5, None),
    ("nginx", "livenessProbe"): ("httpGet", "/nginx-health", 10, None),
    ("flask-app", "readinessProbe"): ("httpGet", "/api/health", 5, 10),
    ("flask-app", "livenessProbe"): ("httpGet", "/api/health", 10, 30),
    ("postgres", "readinessProbe"): ("exec", "pg_isready", 5, None),
    ("postgres", "livenessProbe"): ("exec", "pg_isready", 10, 30),
    ("prometheus", "readinessProbe"): ("httpGet", "/-/ready", 5, None),
    ("prometheus", "livenessProbe"): ("httpGet", "/-/healthy", 10, None),
    ("grafana", "readinessProbe"): ("httpGet", "/api/health", 5, None),
    ("grafana", "livenessProbe"): ("httpGet", "/api/health", 10, None),
}


def deployment(name):
    return find("Deployment", name)


def pod(name):
    return deployment(name)["spec"]["template"]["spec"]


def main_container(name):
    containers = pod(name)["containers"]
    assert len(containers) == 1, f"{name}: one app container expected"
    return containers[0]


def b64(secret, key):
    return base64.b64decode(secret["data"][key]).decode()


def volume(pod_spec, name):
    hits = [v for v in pod_spec.get("volumes", []) if v["name"] == name]
    assert len(hits) == 1, f"volume {name}"
    return hits[0]


def mount(container, path):
    hits = [m for m in container.get("volumeMounts", []) if m["mountPath"] == path]
    assert len(hits) == 1, f"{container['name']}: one mount at {path}"
    return hits[0]


# --- namespace and labels --------------------------------------------------------------------

def test_namespace():
    ns = find("Namespace", NS)
    assert ns["metadata"]["labels"]["app.kubernetes.io/part-of"] == NS


CLUSTER_SCOPED = {"Namespace", "PersistentVolume", "ClusterRole", "ClusterRoleBinding"}


@pytest.mark.parametrize("obj", k8slib.objects(), ids=lambda o: f"{o['kind']}/{o['metadata']['name']}")
def test_every_object_namespaced_and_labelled(obj):
    meta = obj["metadata"]
    if obj["kind"] in CLUSTER_SCOPED:
        assert "namespace" not in meta
    else:
        assert meta.get("namespace") == NS
    assert meta["labels"]["app.kubernetes.io/part-of"] == NS


@pytest.mark.parametrize("component", COMPONENTS)
def test_component_labels_and_selectors(component):
    dep_name, *_, svc_name, _, _, comp = COMPONENTS[component]
    want = {"app.kubernetes.io/name": component, "app.kubernetes.io/component": comp,
            "app.kubernetes.io/part-of": NS}
    dep = deployment(dep_name)
    assert dep["metadata"]["labels"] == want
    assert dep["spec"]["template"]["metadata"]["labels"] == want
    # Selectors use app.kubernetes.io/name only (CONTRACT).
    assert dep["spec"]["selector"] == {"matchLabels": {"app.kubernetes.io/name": component}}
    svc = find("Service", svc_name)
    assert svc["metadata"]["labels"] == want
    assert svc["spec"]["selector"] == {"app.kubernetes.io/name": component}
    # Every other object of the component carries the same name/component labels.
    for obj in k8slib.objects():
        labels = obj["metadata"].get("labels", {})
        if labels.get("app.kubernetes.io/name") == component:
            assert labels.get("app.kubernetes.io/component") == comp, f"{obj['kind']}/{obj['metadata']['name']}"


def test_object_inventory():
    names = {(o["kind"], o["metadata"]["name"]) for o in k8slib.objects()}
    assert names == {
        ("Namespace", "budget-app"),
        ("PersistentVolume", "postgres-pv"), ("PersistentVolumeClaim", "postgres-pvc"),
        ("Secret", "postgres-secret"), ("Service", "postgres-service"), ("Deployment", "postgres"),
        ("Secret", "flask-secret"), ("Service", "flask-service"), ("Deployment", "flask-app"),
        ("ConfigMap", "nginx-config"), ("Service", "nginx-service"), ("Deployment", "nginx"),
        ("ConfigMap", "prometheus-config"), ("ServiceAccount", "prometheus"),
        ("ClusterRole", "budget-app-prometheus"), ("ClusterRoleBinding", "budget-app-prometheus"),
        ("Service", "prometheus-service"), ("Deployment", "prometheus"),
        ("ConfigMap", "grafana-datasources"), ("ConfigMap", "grafana-dashboards"),
        ("Secret", "grafana-admin"), ("Service", "grafana-service"), ("Deployment", "grafana"),
        ("NetworkPolicy", "default-deny-ingress"), ("NetworkPolicy", "allow-nginx-ingress"),
        ("NetworkPolicy", "allow-flask-app-ingress"), ("NetworkPolicy", "allow-postgres-ingress"),
        ("NetworkPolicy", "allow-prometheus-ingress"), ("NetworkPolicy", "allow-grafana-ingress"),
    }


def test_objects_live_in_the_seed_files():
    where = {(d["kind"], d["metadata"]["name"]): f for f, _, d in k8slib.load_documents()}
    assert where[("Namespace", "budget-app")] == "namespace.yml"
    assert where[("PersistentVolume", "postgres-pv")] == "postgres/pv-pvc.yml"
    assert where[("PersistentVolumeClaim", "postgres-pvc")] == "postgres/pv-pvc.yml"
    assert where[("Secret", "postgres-secret")] == "postgres/secret.yml"
    assert where[("Service", "postgres-service")] == "postgres/service.yml"
    assert where[("Deployment", "postgres")] == "postgres/deployment.yml"
    assert where[("Secret", "flask-secret")] == "flask-app/secret.yml"
    assert where[("Service", "flask-service")] == "flask-app/service.yml"
    assert where[("Deployment", "flask-app")] == "flask-app/deployment.yml"
    assert where[("ConfigMap", "nginx-config")] == "nginx/configmap.yml"
    assert where[("Service", "nginx-service")] == "nginx/service.yml"
    assert where[("Deployment", "nginx")] == "nginx/deployment.yml"
    assert where[("ConfigMap", "prometheus-config")] == "monitoring/prometheus-configmap.yml"
    for kind, name in [("ServiceAccount", "prometheus"), ("ClusterRole", "budget-app-prometheus"),
                       ("ClusterRoleBinding", "budget-app-prometheus"), ("Service", "prometheus-service"),
                       ("Deployment", "prometheus")]:
        assert where[(kind, name)] == "monitoring/prometheus-deployment.yml"
    assert where[("ConfigMap", "grafana-datasources")] == "monitoring/grafana-configmap.yml"
    assert where[("ConfigMap", "grafana-dashboards")] == "monitoring/grafana-configmap.yml"
    for kind, name in [("Secret", "grafana-admin"), ("Service", "grafana-service"), ("Deployment", "grafana")]:
        assert where[(kind, name)] == "monitoring/grafana-deployment.yml"
    assert {f for (k, _), f in where.items() if k == "NetworkPolicy"} == {"network-policies.yml"}


# --- workloads, images, ports, services ------------------------------------------------------

@pytest.mark.parametrize("component", COMPONENTS)
def test_deployment_image_replicas_port(component):
    dep_name, replicas, image, pull, (port_name, port), *_ = COMPONENTS[component]
    dep = deployment(dep_name)
    assert dep["spec"]["replicas"] == replicas
    c = main_container(dep_name)
    assert c["name"] == component
    assert c["image"] == image
    if pull:
        assert c["imagePullPolicy"] == pull
    assert [(p["name"], p["containerPort"], p.get("protocol", "TCP")) for p in c["ports"]] == [(port_name, port, "TCP")]


@pytest.mark.parametrize("component", COMPONENTS)
def test_service_type_and_port(component):
    *_, (port_name, port), svc_name, svc_type, svc_port, _ = COMPONENTS[component]
    svc = find("Service", svc_name)
    assert svc["spec"]["type"] == svc_type
    ports = svc["spec"]["ports"]
    assert len(ports) == 1
    assert ports[0]["port"] == svc_port
    assert ports[0]["targetPort"] in (port_name, port)  # resolves to the container port


def test_only_nginx_is_exposed():
    types = {s["metadata"]["name"]: s["spec"]["type"] for s in of_kind("Service")}
    assert [n for n, t in types.items() if t != "ClusterIP"] == ["nginx-service"]


# --- probes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("key", PROBES, ids=lambda k: f"{k[0]}-{k[1]}")
def test_probe(key):
    dep_name, probe_name = key
    kind, what, period, delay = PROBES[key]
    c = main_container(dep_name)
    probe = c[probe_name]
    assert kind in probe, f"{dep_name} {probe_name} is not {kind}"
    assert probe["periodSeconds"] == period
    if delay is not None:
        assert probe["initialDelaySeconds"] == delay
    if kind == "httpGet":
        assert probe["httpGet"]["path"] == what
        port_names = {p["name"]: p["containerPort"] for p in c["ports"]}
        assert probe["httpGet"]["port"] in set(port_names) | set(port_names.values())
    else:
        assert what in " ".join(probe["exec"]["command"])


# --- init containers -------------------------------------------------------------------------

def test_flask_waits_for_postgres():
    inits = pod("flask-app")["initContainers"]
    assert [c["name"] for c in inits] == ["wait-for-postgres"]
    c = inits[0]
    script = " ".join(c["command"] + c.get("args", []))
    assert c["command"][:2] == ["sh", "-c"]
    assert re.search(r"until pg_isready -h postgres-service -p 5432;.*sleep 2; done", script), script
    assert c["image"] == "postgres:15-alpine"  # ships pg_isready
    # The pod runs as uid 10001, unknown to the image: libpq needs PGUSER to try at all.
    assert {"name": "PGUSER", "value": "postgres"} in c["env"]


def test_nginx_gets_the_explorer_from_an_init_container():
    spec = pod("nginx")
    inits = spec["initContainers"]
    assert [c["name"] for c in inits] == ["copy-explorer"]
    init = inits[0]
    assert init["image"] == "budget-app-explorer:latest"
    assert init["imagePullPolicy"] == "Never"
    assert init["command"] == ["cp", "-R", "/explorer/.", "/usr/share/nginx/explorer/"]
    init_mount = mount(init, "/usr/share/nginx/explorer")
    nginx_mount = mount(main_container("nginx"), "/usr/share/nginx/explorer")
    assert init_mount["name"] == nginx_mount["name"]
    assert nginx_mount.get("readOnly") is True
    assert volume(spec, init_mount["name"])["emptyDir"] == {}


@pytest.mark.parametrize("dep_name", ["flask-app", "nginx"])
def test_init_containers_are_small(dep_name):
    """Small init containers keep each pod's effective request at its app container's (the seed's
    table): the scheduler takes max(sum of app containers, largest init container)."""
    spec = pod(dep_name)
    app = main_container(dep_name)
    for init in spec["initContainers"]:
        for which in ("requests", "limits"):
            assert millicores(init["resources"][which]["cpu"]) < millicores(app["resources"][which]["cpu"])
            assert mebibytes(init["resources"][which]["memory"]) < mebibytes(app["resources"][which]["memory"])


# --- storage ---------------------------------------------------------------------------------

def test_postgres_pv_and_pvc():
    pv = find("PersistentVolume", "postgres-pv")["spec"]
    assert pv["capacity"]["storage"] == "2Gi"
    assert pv["hostPath"]["path"] == "/tmp/k3d-postgres-data"
    assert pv["persistentVolumeReclaimPolicy"] == "Retain"
    assert pv["accessModes"] == ["ReadWriteOnce"]
    pvc = find("PersistentVolumeClaim", "postgres-pvc")["spec"]
    assert pvc["resources"]["requests"]["storage"] == "2Gi"
    assert pvc["accessModes"] == ["ReadWriteOnce"]
    # Binds this PV, never a dynamically provisioned one (k3s' local-path class).
    assert pvc["volumeName"] == "postgres-pv"
    assert pvc["storageClassName"] == pv["storageClassName"]


def test_postgres_mounts_the_claim():
    spec = pod("postgres")
    m = mount(main_container("postgres"), "/var/lib/postgresql/data")
    assert volume(spec, m["name"])["persistentVolumeClaim"]["claimName"] == "postgres-pvc"
    assert deployment("postgres")["spec"]["strategy"]["type"] == "Recreate"


def test_monitoring_emptydirs():
    prom = pod("prometheus")
    m = mount(main_container("prometheus"), "/prometheus")
    assert m["name"] == "prometheus-storage"
    assert volume(prom, "prometheus-storage")["emptyDir"] == {}
    graf = pod("grafana")
    m = mount(main_container("grafana"), "/var/lib/grafana")
    assert m["name"] == "grafana-storage"
    assert volume(graf, "grafana-storage")["emptyDir"] == {}


# --- secrets ---------------------------------------------------------------------------------

SECRET_KEYS = {
    "postgres-secret": {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"},
    "flask-secret": {"DATABASE_URL", "SECRET_KEY", "FLASK_ENV", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"},
    "grafana-admin": {"GF_SECURITY_ADMIN_USER", "GF_SECURITY_ADMIN_PASSWORD"},
}


@pytest.mark.parametrize("name", SECRET_KEYS)
def test_secret_keys(name):
    s = find("Secret", name)
    assert s["type"] == "Opaque"
    assert "stringData" not in s
    assert set(s["data"]) == SECRET_KEYS[name]
    for key in s["data"]:
        b64(s, key)  # valid base64


def test_database_url_matches_postgres_secret():
    pg = find("Secret", "postgres-secret")
    url = b64(find("Secret", "flask-secret"), "DATABASE_URL")
    assert url == (f"postgresql://{b64(pg, 'POSTGRES_USER')}:{b64(pg, 'POSTGRES_PASSWORD')}"
                   f"@postgres-service:5432/{b64(pg, 'POSTGRES_DB')}")
    assert b64(find("Secret", "flask-secret"), "FLASK_ENV") in ("production", "development")


def test_grafana_admin_is_admin_admin_from_the_secret():
    s = find("Secret", "grafana-admin")
    assert b64(s, "GF_SECURITY_ADMIN_USER") == "admin"
    assert b64(s, "GF_SECURITY_ADMIN_PASSWORD") == "admin"
    env = {e["name"]: e for e in main_container("grafana")["env"]}
    for key in SECRET_KEYS["grafana-admin"]:
        assert "value" not in env[key]
        assert env[key]["valueFrom"]["secretKeyRef"] == {"name": "grafana-admin", "key": key}


@pytest.mark.parametrize("dep_name,secret", [("postgres", "postgres-secret"), ("flask-app", "flask-secret")])
def test_env_comes_from_the_secret(dep_name, secret):
    env = {e["name"]: e for e in main_container(dep_name).get("env", [])}
    for key in SECRET_KEYS[secret]:
        assert env[key]["valueFrom"]["secretKeyRef"] == {"name": secret, "key": key}


def test_every_secret_and_configmap_reference_exists():
    secrets = {s["metadata"]["name"]: set(s["data"]) for s in of_kind("Secret")}
    configmaps = {c["metadata"]["name"]: set(c["data"]) for c in of_kind("ConfigMap")}
    for dep in of_kind("Deployment"):
        spec = dep["spec"]["template"]["spec"]
        for c in spec.get("containers", []) + spec.get("initContainers", []):
            for e in c.get("env", []):
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in secrets[ref["name"]], (dep["metadata"]["name"], ref)
            for m in c.get("volumeMounts", []):
                assert any(v["name"] == m["name"] for v in spec["volumes"]), (dep["metadata"]["name"], m)
        for v in spec.get("volumes", []):
            if "configMap" in v:
                cm = v["configMap"]
                assert cm["name"] in configmaps
                for item in cm.get("items", []):
                    assert item["key"] in configmaps[cm["name"]]


# --- RBAC ------------------------------------------------------------------------------------

def test_prometheus_rbac_is_read_only_discovery():
    sa = find("ServiceAccount", "prometheus")
    assert sa["metadata"]["namespace"] == NS
    role = find("ClusterRole", "budget-app-prometheus")
    assert len(role["rules"]) == 1
    rule = role["rules"][0]
    assert rule["apiGroups"] == [""]
    assert sorted(rule["resources"]) == ["endpoints", "pods", "services"]
    assert sorted(rule["verbs"]) == ["get", "list", "watch"]
    assert "resourceNames" not in rule and "nonResourceURLs" not in rule
    binding = find("ClusterRoleBinding", "budget-app-prometheus")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                  "name": "budget-app-prometheus"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "prometheus", "namespace": NS}]
    spec = pod("prometheus")
    assert spec["serviceAccountName"] == "prometheus"
    assert spec["automountServiceAccountToken"] is True


def test_no_other_rbac():
    assert len(of_kind("ClusterRole")) == 1 and len(of_kind("ClusterRoleBinding")) == 1
    assert not of_kind("Role") and not of_kind("RoleBinding")


@pytest.mark.parametrize("dep_name", ["nginx", "flask-app", "postgres", "grafana"])
def test_no_token_where_not_needed(dep_name):
    spec = pod(dep_name)
    assert spec["automountServiceAccountToken"] is False
    assert "serviceAccountName" not in spec


# --- Prometheus ------------------------------------------------------------------------------

def prom_conf():
    return yaml.safe_load(k8slib.prometheus_conf())


def test_prometheus_scrape_interval_and_jobs():
    conf = prom_conf()
    assert conf["global"]["scrape_interval"] == "15s"
    jobs = {j["job_name"]: j for j in conf["scrape_configs"]}
    assert list(jobs) == ["prometheus", "flask-app", "grafana"]
    assert jobs["prometheus"]["static_configs"] == [{"targets": ["localhost:9090"]}]
    assert jobs["grafana"]["static_configs"] == [{"targets": ["grafana-service:3000"]}]
    for job in jobs.values():
        assert "scrape_interval" not in job  # all at the global 15s


def test_prometheus_discovers_each_flask_pod():
    job = {j["job_name"]: j for j in prom_conf()["scrape_configs"]}["flask-app"]
    assert job.get("metrics_path", "/metrics") == "/metrics"
    assert job["kubernetes_sd_configs"] == [{"role": "pod", "namespaces": {"names": [NS]}}]
    rules = job["relabel_configs"]
    keeps = [(r["source_labels"], r["regex"]) for r in rules if r.get("action") == "keep"]
    assert keeps == [(["__meta_kubernetes_pod_label_app_kubernetes_io_name"], "flask-app"),
                     (["__meta_kubernetes_pod_container_port_name"], "http")]
    targets = {r["target_label"]: r["source_labels"] for r in rules if r.get("action", "replace") == "replace"}
    assert targets == {"namespace": ["__meta_kubernetes_namespace"], "pod": ["__meta_kubernetes_pod_name"]}
    # The keep rules match what the flask pods really carry.
    assert deployment("flask-app")["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] == "flask-app"
    assert main_container("flask-app")["ports"][0]["name"] == "http"


def test_prometheus_static_copy_only_replaces_discovery():
    original = prom_conf()
    static = yaml.safe_load(k8slib.prometheus_static())
    for o, s in zip(original["scrape_configs"], static["scrape_configs"]):
        o, s = dict(o), dict(s)
        if "kubernetes_sd_configs" in o:
            o.pop("kubernetes_sd_configs")
            assert s.pop("static_configs") == [{"targets": ["flask-service:5000"]}]
        assert o == s
    assert original["global"] == static["global"]


def test_prometheus_container_flags_and_config_mount():
    c = main_container("prometheus")
    args = c["args"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in args
    assert "--storage.tsdb.path=/prometheus" in args
    assert "--web.external-url=http://localhost:8889/prometheus/" in args
    assert "--web.route-prefix=/" in args
    m = mount(c, "/etc/prometheus")
    assert volume(pod("prometheus"), m["name"])["configMap"]["name"] == "prometheus-config"


# --- Grafana ---------------------------------------------------------------------------------

def test_grafana_datasource():
    ds = yaml.safe_load(k8slib.configmap_data("grafana-datasources", "datasources.yaml"))
    assert ds["apiVersion"] == 1
    [source] = ds["datasources"]
    assert source["type"] == "prometheus"
    assert source["access"] == "proxy"
    assert source["url"] == "http://prometheus-service:9090"
    assert source["isDefault"] is True


def test_grafana_provisioning_mounts():
    spec, c = pod("grafana"), main_container("grafana")
    m = mount(c, "/etc/grafana/provisioning/datasources")
    assert volume(spec, m["name"])["configMap"]["name"] == "grafana-datasources"
    m = mount(c, "/etc/grafana/provisioning/dashboards")
    assert m["name"] == "grafana-dashboards-provider"
    assert volume(spec, m["name"])["configMap"] == {
        "name": "grafana-dashboards", "items": [{"key": "dashboards.yaml", "path": "dashboards.yaml"}]}
    provider = yaml.safe_load(k8slib.configmap_data("grafana-dashboards", "dashboards.yaml"))
    [p] = provider["providers"]
    assert p["type"] == "file"
    m = mount(c, p["options"]["path"])  # the dashboards' JSON is mounted where the provider looks
    items = volume(spec, m["name"])["configMap"]["items"]
    assert [i["key"] for i in items] == ["flask-app.json"]


def test_grafana_dashboard_uses_flask_exporter_metrics():
    dashboards = k8slib.dashboards()
    assert list(dashboards) == ["flask-app.json"]
    dash = dashboards["flask-app.json"]
    assert dash["uid"] and dash["title"]
    exprs = " ".join(e for _, e in k8slib.dashboard_exprs())
    assert "flask_http_request_total" in exprs
    assert 'status=~"5.."' in exprs  # error ratio
    assert "histogram_quantile(0.95" in exprs and "flask_http_request_duration_seconds_bucket" in exprs
    assert 'up{job="flask-app"}' in exprs
    for panel in dash["panels"]:
        assert panel["datasource"] == {"type": "prometheus", "uid": "prometheus"}
    uid = yaml.safe_load(k8slib.configmap_data("grafana-datasources", "datasources.yaml"))["datasources"][0]["uid"]
    assert uid == "prometheus"


# --- resources -------------------------------------------------------------------------------

@pytest.mark.parametrize("component", RESOURCES)
def test_container_resources(component):
    cpu_req, cpu_lim, mem_req, mem_lim = RESOURCES[component]
    res = main_container(COMPONENTS[component][0])["resources"]
    assert millicores(res["requests"]["cpu"]) == millicores(cpu_req)
    assert millicores(res["limits"]["cpu"]) == millicores(cpu_lim)
    assert mebibytes(res["requests"]["memory"]) == mebibytes(mem_req)
    assert mebibytes(res["limits"]["memory"]) == mebibytes(mem_lim)


def test_every_container_has_requests_and_limits():
    for dep in of_kind("Deployment"):
        spec = dep["spec"]["template"]["spec"]
        for c in spec["containers"] + spec.get("initContainers", []):
            for which in ("requests", "limits"):
                assert set(c["resources"][which]) == {"cpu", "memory"}, (dep["metadata"]["name"], c["name"])


def test_resource_totals_match_the_seed_table():
    pods = cpu_req = cpu_lim = mem_req = mem_lim = Fraction(0)
    for dep in of_kind("Deployment"):
        n = dep["spec"]["replicas"]
        spec = dep["spec"]["template"]["spec"]
        req, lim = pod_effective(spec, "requests"), pod_effective(spec, "limits")
        pods += n
        cpu_req += n * req["cpu"]
        cpu_lim += n * lim["cpu"]
        mem_req += n * req["memory"]
        mem_lim += n * lim["memory"]
    assert pods == TOTALS["pods"]
    assert cpu_req * 1000 == TOTALS["cpu_request_m"]
    assert cpu_lim * 1000 == TOTALS["cpu_limit_m"]
    assert mem_req / 2**20 == TOTALS["memory_request_mi"]
    assert mem_lim / 2**20 == TOTALS["memory_limit_mi"]


def test_quantity_parser():
    assert millicores("250m") == 250 and millicores("1") == 1000 and millicores("0.5") == 500
    assert mebibytes("256Mi") == 256 and mebibytes("1Gi") == 1024 and mebibytes(str(2**20)) == 1
    assert k8slib.quantity("1k") == 1000 and k8slib.quantity("1M") == 10**6
    assert k8slib.quantity("1e3") == 1000
    with pytest.raises(ValueError):
        k8slib.quantity("12 Mi")


def test_effective_request_takes_the_larger_init_container():
    spec = {"containers": [{"resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}},
                           {"resources": {"requests": {"cpu": "50m", "memory": "32Mi"}}}],
            "initContainers": [{"resources": {"requests": {"cpu": "500m", "memory": "16Mi"}}}]}
    eff = pod_effective(spec, "requests")
    assert eff["cpu"] * 1000 == 500 and eff["memory"] / 2**20 == 96


# --- security --------------------------------------------------------------------------------

# Deployment: (pod runAsUser or None for root start, capabilities added back to the main container)
SECURITY = {
    "nginx": (None, {"CHOWN", "NET_BIND_SERVICE", "SETGID", "SETUID"}),
    "flask-app": (10001, set()),
    "postgres": (None, {"CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"}),
    "prometheus": (65534, set()),
    "grafana": (472, set()),
}


@pytest.mark.parametrize("dep_name", SECURITY)
def test_security_context(dep_name):
    uid, added = SECURITY[dep_name]
    spec = pod(dep_name)
    psc = spec["securityContext"]
    assert psc["seccompProfile"] == {"type": "RuntimeDefault"}
    if uid is not None:
        assert psc["runAsNonRoot"] is True and psc["runAsUser"] == uid
    for c in spec["containers"] + spec.get("initContainers", []):
        sc = c["securityContext"]
        assert sc["allowPrivilegeEscalation"] is False, c["name"]
        assert sc["readOnlyRootFilesystem"] is True, c["name"]
        assert sc["capabilities"]["drop"] == ["ALL"], c["name"]
        assert not sc.get("privileged"), c["name"]
        is_main = c in spec["containers"]
        assert set(sc["capabilities"].get("add", [])) == (added if is_main else set()), c["name"]
        if not is_main or uid is not None:
            assert sc.get("runAsNonRoot", psc.get("runAsNonRoot")) is True, c["name"]
    assert spec.get("hostNetwork") is not True and spec.get("hostPID") is not True


def test_checkov_skips_state_a_reason():
    for dep in of_kind("Deployment"):
        for key, value in dep["metadata"].get("annotations", {}).items():
            if key.startswith("checkov.io/skip"):
                assert re.fullmatch(r"CKV2?_K8S_\d+=\S.{15,}", value), (dep["metadata"]["name"], value)


# --- network policies ------------------------------------------------------------------------

def test_default_deny_ingress():
    spec = find("NetworkPolicy", "default-deny-ingress")["spec"]
    assert spec == {"podSelector": {}, "policyTypes": ["Ingress"]}


# target: (port, allowed source app names or None for anywhere)
TRAFFIC = {
    "nginx": (80, None),
    "flask-app": (5000, {"nginx", "prometheus"}),
    "postgres": (5432, {"flask-app"}),
    "prometheus": (9090, {"nginx", "grafana"}),
    "grafana": (3000, {"prometheus"}),
}


@pytest.mark.parametrize("target", TRAFFIC)
def test_network_policy(target):
    port, sources = TRAFFIC[target]
    spec = find("NetworkPolicy", f"allow-{target}-ingress")["spec"]
    assert spec["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": target}}
    assert spec["policyTypes"] == ["Ingress"]
    [rule] = spec["ingress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": port}]
    if sources is None:
        assert "from" not in rule
    else:
        assert {f["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for f in rule["from"]} == sources
        for f in rule["from"]:
            assert set(f) == {"podSelector"}  # same namespace only, no ipBlock/namespaceSelector
    # the policy's port is the port the target pods listen on
    dep_name = COMPONENTS[target][0]
    assert main_container(dep_name)["ports"][0]["containerPort"] == port


def test_every_pod_is_covered_by_a_policy():
    selected = {np["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name")
                for np in of_kind("NetworkPolicy")}
    assert {d["metadata"]["name"] for d in of_kind("Deployment")} <= selected

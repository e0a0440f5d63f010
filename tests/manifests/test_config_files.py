"""The files under k8s/ that are not Kubernetes objects: the layout itself, kustomization.yaml,
k3d-cluster.yaml (structural checks of our own: kubernetes-validate has no schema for them) and the
order in which deploy.sh applies the manifests."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

import k8slib

K8S = k8slib.K8S

SEED_LAYOUT = [  # the seed's order: namespace -> postgres -> flask-app -> nginx -> monitoring
    "namespace.yml",
    "postgres/pv-pvc.yml", "postgres/secret.yml", "postgres/service.yml", "postgres/deployment.yml",
    "flask-app/secret.yml", "flask-app/service.yml", "flask-app/deployment.yml",
    "nginx/configmap.yml", "nginx/service.yml", "nginx/deployment.yml",
    "monitoring/prometheus-configmap.yml", "monitoring/prometheus-deployment.yml",
    "monitoring/grafana-configmap.yml", "monitoring/grafana-deployment.yml",
]
APPLY_ORDER = SEED_LAYOUT + ["network-policies.yml"]


def test_layout_is_exactly_the_seeds():
    files = sorted(p.relative_to(K8S).as_posix() for p in K8S.rglob("*") if p.is_file())
    assert files == sorted(APPLY_ORDER + ["kustomization.yaml", "k3d-cluster.yaml", "deploy.sh"])


# --- kustomization.yaml ----------------------------------------------------------------------

def kustomization():
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


def test_kustomization_structure():
    k = kustomization()
    assert k["apiVersion"] == "kustomize.config.k8s.io/v1beta1"
    assert k["kind"] == "Kustomization"
    allowed = {"apiVersion", "kind", "resources"}
    assert set(k) <= allowed, f"unexpected keys {set(k) - allowed}"


def test_kustomization_lists_every_manifest_in_apply_order():
    resources = kustomization()["resources"]
    assert resources == APPLY_ORDER
    assert sorted(resources) == sorted(k8slib.rel(p) for p in k8slib.manifest_files())
    for r in resources:
        assert (K8S / r).is_file()


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
def test_kubectl_kustomize_builds_every_object():
    out = subprocess.run(["kubectl", "kustomize", str(K8S)], check=True, capture_output=True, text=True).stdout
    built = {(d["kind"], d["metadata"]["name"]) for d in yaml.safe_load_all(out) if d}
    assert built == {(d["kind"], d["metadata"]["name"]) for d in k8slib.objects()}


# --- k3d-cluster.yaml ------------------------------------------------------------------------

# The keys k3d's v1alpha5 Simple config accepts (its schema forbids additional properties).
K3D_TOP = {"apiVersion", "kind", "metadata", "servers", "agents", "kubeAPI", "image", "network", "subnet",
           "token", "volumes", "manifests", "ports", "options", "env", "registries", "hostAliases"}
K3D_OPTIONS = {"k3d": {"wait", "timeout", "disableLoadbalancer", "disableImageVolume", "disableRollback",
                       "loadbalancer"},
               "k3s": {"extraArgs", "nodeLabels"},
               "kubeconfig": {"updateDefaultKubeconfig", "switchCurrentContext"},
               "runtime": {"gpuRequest", "serversMemory", "agentsMemory", "hostPidMode", "labels", "ulimits"}}


def k3d():
    return yaml.safe_load((K8S / "k3d-cluster.yaml").read_text())


def test_k3d_config_structure():
    c = k3d()
    assert c["apiVersion"] == "k3d.io/v1alpha5"
    assert c["kind"] == "Simple"
    assert set(c) <= K3D_TOP, set(c) - K3D_TOP
    assert set(c["metadata"]) == {"name"}
    assert c["servers"] >= 1 and c.get("agents", 0) >= 0
    for key, allowed in K3D_OPTIONS.items():
        assert set(c["options"].get(key, {})) <= allowed, (key, set(c["options"][key]) - allowed)
    assert set(c["options"]) <= set(K3D_OPTIONS)
    for section, field in (("ports", "port"), ("volumes", "volume")):
        for entry in c.get(section, []):
            assert set(entry) <= {field, "nodeFilters"}
            assert isinstance(entry[field], str)
            assert all(isinstance(f, str) for f in entry.get("nodeFilters", []))
    for arg in c["options"]["k3s"]["extraArgs"]:
        assert set(arg) <= {"arg", "nodeFilters"} and isinstance(arg["arg"], str)


def test_k3d_cluster_name_matches_deploy_script():
    assert k3d()["metadata"]["name"] == "budget-app"
    assert 'CLUSTER="${CLUSTER:-budget-app}"' in (K8S / "deploy.sh").read_text()


def test_k3d_maps_8889_to_the_load_balancer_port_80():
    assert {"port": "8889:80", "nodeFilters": ["loadbalancer"]} in k3d()["ports"]
    svc = k8slib.find("Service", "nginx-service")
    assert svc["spec"]["type"] == "LoadBalancer" and svc["spec"]["ports"][0]["port"] == 80


def test_k3d_mounts_the_postgres_pv_host_path():
    host_path = k8slib.find("PersistentVolume", "postgres-pv")["spec"]["hostPath"]["path"]
    volumes = [v["volume"] for v in k3d()["volumes"]]
    assert f"{host_path}:{host_path}" in volumes


def test_k3d_disables_traefik():
    args = [a["arg"] for a in k3d()["options"]["k3s"]["extraArgs"]]
    assert "--disable=traefik" in args


# --- deploy.sh -------------------------------------------------------------------------------

def deploy(*args):
    return subprocess.run(["bash", str(K8S / "deploy.sh"), *args], check=True, capture_output=True,
                          text=True, env={**os.environ, "KUBECTL": "kubectl"}).stdout


def test_deploy_script_is_executable_and_parses():
    assert os.access(K8S / "deploy.sh", os.X_OK)
    subprocess.run(["bash", "-n", str(K8S / "deploy.sh")], check=True)


def test_deploy_applies_in_seed_order():
    assert deploy("--list").split() == APPLY_ORDER
    applied = [line.split()[-1] for line in deploy("--print").splitlines() if " apply -f " in line]
    assert [os.path.relpath(p, K8S) for p in applied] == APPLY_ORDER


def test_deploy_builds_and_imports_when_asked():
    lines = deploy("--print", "--build").splitlines()
    assert lines[0].startswith("docker build -t devops-final-project-web:latest ")
    assert lines[0].endswith("/api")
    assert lines[1].startswith("docker build -t budget-app-explorer:latest ")
    assert lines[2] == "k3d image import devops-final-project-web:latest budget-app-explorer:latest -c budget-app"
    assert " apply -f " in lines[3]
    plain = deploy("--print").splitlines()
    assert not any(line.startswith(("docker", "k3d")) for line in plain)
    imported = deploy("--print", "--import").splitlines()
    assert imported[0].startswith("k3d image import ") and not any(l.startswith("docker") for l in imported)

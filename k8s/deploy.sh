#!/usr/bin/env bash
# Deploys the budget app onto a k3d cluster (k8s/k3d-cluster.yaml), applying the manifests in the
# seed's order: namespace -> postgres -> flask-app -> nginx -> monitoring, then the network policies.
#
#   k8s/deploy.sh                 apply the manifests (images must already be in the cluster)
#   k8s/deploy.sh --build         docker build both local images, import them, then apply
#   k8s/deploy.sh --import        import already built images (k3d image import), then apply
#   k8s/deploy.sh --create-cluster ...   also create the cluster from k8s/k3d-cluster.yaml first
#   k8s/deploy.sh --wait          after applying, wait for every Deployment to roll out
#   k8s/deploy.sh --print         print the commands instead of running them (no cluster needed)
#
# Environment: CLUSTER (default budget-app, the name in k3d-cluster.yaml), KUBECTL (default kubectl).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
CLUSTER="${CLUSTER:-budget-app}"
KUBECTL="${KUBECTL:-kubectl}"
NAMESPACE=budget-app
API_IMAGE=devops-final-project-web:latest
EXPLORER_IMAGE=budget-app-explorer:latest

# The seed's order; within a component: storage, credentials, service, then the workload.
MANIFESTS=(
  namespace.yml
  postgres/pv-pvc.yml
  postgres/secret.yml
  postgres/service.yml
  postgres/deployment.yml
  flask-app/secret.yml
  flask-app/service.yml
  flask-app/deployment.yml
  nginx/configmap.yml
  nginx/service.yml
  nginx/deployment.yml
  monitoring/prometheus-configmap.yml
  monitoring/prometheus-deployment.yml
  monitoring/grafana-configmap.yml
  monitoring/grafana-deployment.yml
  network-policies.yml
)
DEPLOYMENTS=(postgres flask-app nginx prometheus grafana)

build=0 import=0 create=0 wait=0 print=0
for arg in "$@"; do
  case "$arg" in
    --build) build=1 import=1 ;;
    --import) import=1 ;;
    --create-cluster) create=1 ;;
    --wait) wait=1 ;;
    --print) print=1 ;;
    --list) printf '%s\n' "${MANIFESTS[@]}"; exit 0 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "deploy.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

run() {
  if ((print)); then
    local line
    printf -v line '%q ' "$@"
    printf '%s\n' "${line% }"
  else
    "$@"
  fi
}
log() { printf '\033[1;34m[deploy]\033[0m %s\n' "$*" >&2; }

if ((create)); then
  log "creating k3d cluster $CLUSTER"
  run mkdir -p /tmp/k3d-postgres-data
  run k3d cluster create --config "$here/k3d-cluster.yaml"
fi

if ((build)); then
  log "building $API_IMAGE and $EXPLORER_IMAGE"
  run docker build -t "$API_IMAGE" "$repo/api"
  run docker build -t "$EXPLORER_IMAGE" "$repo"
fi

if ((import)); then
  log "importing images into k3d cluster $CLUSTER"
  run k3d image import "$API_IMAGE" "$EXPLORER_IMAGE" -c "$CLUSTER"
fi

for f in "${MANIFESTS[@]}"; do
  log "apply $f"
  run "$KUBECTL" apply -f "$here/$f"
done

if ((wait)); then
  for d in "${DEPLOYMENTS[@]}"; do
    log "waiting for deployment/$d"
    run "$KUBECTL" -n "$NAMESPACE" rollout status "deployment/$d" --timeout=300s
  done
fi

if ((!print)); then
  log "done: http://localhost:8889/ (API), http://localhost:8889/explorer/ (explorer)"
fi

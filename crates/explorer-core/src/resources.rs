//! Per-workload CPU and memory requests/limits, the way the scheduler counts them.

use k8s_openapi::api::core::v1::Container;
use serde::Serialize;

use crate::model::{Model, Object};
use crate::quantity::{parse_cpu, parse_memory, QuantityError};

/// CPU in millicores and memory in bytes, for requests and limits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Amounts {
    pub cpu_request_millicores: u64,
    pub cpu_limit_millicores: u64,
    pub memory_request_bytes: u64,
    pub memory_limit_bytes: u64,
}

impl Amounts {
    fn add(self, o: Amounts) -> Amounts {
        Amounts {
            cpu_request_millicores: self
                .cpu_request_millicores
                .saturating_add(o.cpu_request_millicores),
            cpu_limit_millicores: self
                .cpu_limit_millicores
                .saturating_add(o.cpu_limit_millicores),
            memory_request_bytes: self
                .memory_request_bytes
                .saturating_add(o.memory_request_bytes),
            memory_limit_bytes: self.memory_limit_bytes.saturating_add(o.memory_limit_bytes),
        }
    }
    fn max(self, o: Amounts) -> Amounts {
        Amounts {
            cpu_request_millicores: self.cpu_request_millicores.max(o.cpu_request_millicores),
            cpu_limit_millicores: self.cpu_limit_millicores.max(o.cpu_limit_millicores),
            memory_request_bytes: self.memory_request_bytes.max(o.memory_request_bytes),
            memory_limit_bytes: self.memory_limit_bytes.max(o.memory_limit_bytes),
        }
    }
    /// Every field multiplied by `n`.
    pub fn times(self, n: u64) -> Amounts {
        Amounts {
            cpu_request_millicores: self.cpu_request_millicores.saturating_mul(n),
            cpu_limit_millicores: self.cpu_limit_millicores.saturating_mul(n),
            memory_request_bytes: self.memory_request_bytes.saturating_mul(n),
            memory_limit_bytes: self.memory_limit_bytes.saturating_mul(n),
        }
    }
}

/// One workload: per-pod amounts and the totals over its pods.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceRow {
    /// Object id string (`Deployment/ns/name`).
    pub workload: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// Pods counted (replicas; 1 per node for a DaemonSet; Job parallelism).
    pub pods: u32,
    /// True for a DaemonSet: `pods` counts one node.
    pub per_node: bool,
    pub cpu_request_millicores: u64,
    pub cpu_limit_millicores: u64,
    pub memory_request_bytes: u64,
    pub memory_limit_bytes: u64,
    /// Per-pod amounts times `pods`.
    pub total: Amounts,
    /// e.g. `nginx: memory limit` for every container missing a request or limit.
    pub missing: Vec<String>,
}

impl ResourceRow {
    pub fn per_pod(&self) -> Amounts {
        Amounts {
            cpu_request_millicores: self.cpu_request_millicores,
            cpu_limit_millicores: self.cpu_limit_millicores,
            memory_request_bytes: self.memory_request_bytes,
            memory_limit_bytes: self.memory_limit_bytes,
        }
    }
}

/// Sum over all rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub pods: u64,
    pub cpu_request_millicores: u64,
    pub cpu_limit_millicores: u64,
    pub memory_request_bytes: u64,
    pub memory_limit_bytes: u64,
}

/// An invalid quantity in a container.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceError {
    pub workload: String,
    pub container: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ResourceTable {
    pub rows: Vec<ResourceRow>,
    pub total: Totals,
    pub errors: Vec<ResourceError>,
}

/// Resources of one container, with what is missing and what failed to parse.
fn container_amounts(
    c: &Container,
    missing: &mut Vec<String>,
    errors: &mut Vec<(String, QuantityError)>,
) -> Amounts {
    let res = c.resources.as_ref();
    let get = |which: &str, key: &str| {
        let map = match which {
            "request" => res.and_then(|r| r.requests.as_ref()),
            _ => res.and_then(|r| r.limits.as_ref()),
        };
        map.and_then(|m| m.get(key)).map(|q| q.0.clone())
    };
    let mut one = |which: &str, key: &str, parse: fn(&str) -> Result<u64, QuantityError>| {
        // Kubernetes defaults a missing request to the limit.
        let raw = get(which, key).or_else(|| {
            if which == "request" {
                get("limit", key)
            } else {
                None
            }
        });
        match raw {
            None => {
                missing.push(format!("{}: {key} {which}", c.name));
                0
            }
            Some(q) => parse(&q).unwrap_or_else(|e| {
                errors.push((c.name.clone(), e));
                0
            }),
        }
    };
    Amounts {
        cpu_request_millicores: one("request", "cpu", parse_cpu),
        cpu_limit_millicores: one("limit", "cpu", parse_cpu),
        memory_request_bytes: one("request", "memory", parse_memory),
        memory_limit_bytes: one("limit", "memory", parse_memory),
    }
}

/// The row of one workload, or `None` for objects that run no pods.
pub fn row(object: &Object, errors: &mut Vec<ResourceError>) -> Option<ResourceRow> {
    let pod = object.pod()?;
    let mut missing = Vec::new();
    let mut errs = Vec::new();
    // Kubernetes: effective = max(sum(app) + sum(sidecars), max over init containers of
    // (init + sidecars started before it)); sidecars are init containers with restartPolicy Always.
    let mut sidecars = Amounts::default();
    let mut init_peak = Amounts::default();
    for c in pod.spec.init_containers.iter().flatten() {
        let a = container_amounts(c, &mut missing, &mut errs);
        if c.restart_policy.as_deref() == Some("Always") {
            sidecars = sidecars.add(a);
            init_peak = init_peak.max(sidecars);
        } else {
            init_peak = init_peak.max(a.add(sidecars));
        }
    }
    let mut app = Amounts::default();
    for c in &pod.spec.containers {
        app = app.add(container_amounts(c, &mut missing, &mut errs));
    }
    let per_pod = app.add(sidecars).max(init_peak);
    let pods = object.replicas().unwrap_or(1);
    let workload = object.id.to_string();
    errors.extend(errs.into_iter().map(|(container, e)| ResourceError {
        workload: workload.clone(),
        container,
        message: e.to_string(),
    }));
    Some(ResourceRow {
        workload,
        kind: object.kind.clone(),
        name: object.name.clone(),
        namespace: object.namespace.clone(),
        pods,
        per_node: object.kind == "DaemonSet",
        cpu_request_millicores: per_pod.cpu_request_millicores,
        cpu_limit_millicores: per_pod.cpu_limit_millicores,
        memory_request_bytes: per_pod.memory_request_bytes,
        memory_limit_bytes: per_pod.memory_limit_bytes,
        total: per_pod.times(u64::from(pods)),
        missing,
    })
}

/// One row per workload (sorted by id) and the totals over all of them.
pub fn table(model: &Model) -> ResourceTable {
    let mut errors = Vec::new();
    let rows: Vec<ResourceRow> = model
        .workloads()
        .filter_map(|o| row(o, &mut errors))
        .collect();
    let mut total = Totals::default();
    for r in &rows {
        total.pods += u64::from(r.pods);
        total.cpu_request_millicores = total
            .cpu_request_millicores
            .saturating_add(r.total.cpu_request_millicores);
        total.cpu_limit_millicores = total
            .cpu_limit_millicores
            .saturating_add(r.total.cpu_limit_millicores);
        total.memory_request_bytes = total
            .memory_request_bytes
            .saturating_add(r.total.memory_request_bytes);
        total.memory_limit_bytes = total
            .memory_limit_bytes
            .saturating_add(r.total.memory_limit_bytes);
    }
    ResourceTable {
        rows,
        total,
        errors,
    }
}

//! Every readiness, liveness and startup probe, with Kubernetes' defaults filled in and what
//! happens when it fails, in words.

use serde::Serialize;

use super::{fact, label, seconds_text, Fact};
use crate::details::probe_handler;
use crate::graph::Graph;
use crate::model::Model;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProbeKind {
    Readiness,
    Liveness,
    Startup,
}

impl ProbeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeKind::Readiness => "readiness",
            ProbeKind::Liveness => "liveness",
            ProbeKind::Startup => "startup",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HealthCheck {
    /// The workload's node id.
    pub node: String,
    pub workload: String,
    pub container: String,
    pub kind: ProbeKind,
    /// `GET /api/health :5000`, `exec pg_isready -U …`, `tcp 5432`.
    pub handler: String,
    pub initial_delay: u32,
    pub period: u32,
    pub timeout: u32,
    pub failure_threshold: u32,
    /// The Services whose endpoints a failing readiness probe removes the pod from.
    pub services: Vec<String>,
    /// What happens when it fails, and after how long.
    pub consequence: String,
    pub facts: Vec<Fact>,
}

fn secs(v: Option<i32>, default: u32) -> u32 {
    v.and_then(|v| u32::try_from(v).ok()).unwrap_or(default)
}

/// The probes of every workload, in the graph's node order, container by container.
pub fn health_checks(model: &Model, graph: &Graph) -> Vec<HealthCheck> {
    let mut fronts: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for e in graph.edges.iter().filter(|e| e.rule == "service-selector") {
        fronts
            .entry(e.to.as_str())
            .or_default()
            .push(label(graph, &e.from));
    }
    let mut out = Vec::new();
    for o in model.workloads() {
        let Some(pod) = o.pod() else { continue };
        let node = o.id.to_string();
        let services = fronts.get(node.as_str()).cloned().unwrap_or_default();
        for c in &pod.spec.containers {
            for (kind, probe, field) in [
                (ProbeKind::Readiness, &c.readiness_probe, "readinessProbe"),
                (ProbeKind::Liveness, &c.liveness_probe, "livenessProbe"),
                (ProbeKind::Startup, &c.startup_probe, "startupProbe"),
            ] {
                let Some(p) = probe else { continue };
                // Kubernetes' defaults: period 10 s, timeout 1 s, failure threshold 3.
                let delay = secs(p.initial_delay_seconds, 0);
                let period = secs(p.period_seconds, 10).max(1);
                let timeout = secs(p.timeout_seconds, 1).max(1);
                let threshold = secs(p.failure_threshold, 3).max(1);
                let after = seconds_text(threshold.saturating_mul(period));
                let consequence = match kind {
                    ProbeKind::Readiness if services.is_empty() => format!(
                        "After {threshold} failures in a row (about {after}) the pod is marked not ready; no Service sends it traffic here, so nothing else changes."
                    ),
                    ProbeKind::Readiness => format!(
                        "After {threshold} failures in a row (about {after}) the pod is removed from the endpoints of {}: no new requests reach it until the probe passes again. It is not restarted.",
                        services.join(", ")
                    ),
                    ProbeKind::Liveness => format!(
                        "After {threshold} failures in a row (about {after}) the kubelet kills the container and restarts it."
                    ),
                    ProbeKind::Startup => format!(
                        "Liveness and readiness checks wait until it passes; if it still fails after {threshold} tries (about {after}), the container is restarted."
                    ),
                };
                let base = format!("containers[{}].{field}", c.name);
                out.push(HealthCheck {
                    node: node.clone(),
                    workload: o.name.clone(),
                    container: c.name.clone(),
                    kind,
                    handler: probe_handler(c, p),
                    initial_delay: delay,
                    period,
                    timeout,
                    failure_threshold: threshold,
                    services: services.clone(),
                    consequence,
                    facts: vec![
                        fact(o, format!("{base}.initialDelaySeconds"), delay.to_string()),
                        fact(o, format!("{base}.periodSeconds"), period.to_string()),
                    ],
                });
            }
        }
    }
    out
}

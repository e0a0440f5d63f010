//! Flows: ordered walkthroughs derived from the graph and the manifests' fields, never from
//! names typed in code. A flow is phases of steps; each step points at a node or an edge of the
//! graph and carries the manifest facts behind it (file, field path, value). A flow that cannot
//! be derived from a set of manifests is absent.
//!
//! - [`traffic`]: from each external entry along traffic edges to the storage at the end.
//! - [`metrics`]: each scrape job with its interval and path, the store behind it, and the
//!   dashboards' datasources.
//! - [`startup`]: the apply order, init containers and what they wait for, readiness gates,
//!   and the earliest time each workload can be ready.
//!
//! Every walk visits each node and edge at most once: linear in the graph.

use serde::Serialize;

use crate::graph::Graph;
use crate::model::{Model, Object};

pub mod checks;
mod metrics;
mod startup;
mod traffic;

pub use checks::{health_checks, HealthCheck};
pub(crate) use metrics::store as metrics_store;
pub use startup::TimelineRow;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlowKind {
    Traffic,
    Metrics,
    Startup,
}

impl FlowKind {
    pub const ALL: [FlowKind; 3] = [FlowKind::Traffic, FlowKind::Metrics, FlowKind::Startup];

    pub fn as_str(self) -> &'static str {
        match self {
            FlowKind::Traffic => "traffic",
            FlowKind::Metrics => "metrics",
            FlowKind::Startup => "startup",
        }
    }

    pub fn parse(s: &str) -> Option<FlowKind> {
        FlowKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What a step points at in the graph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "id", rename_all = "lowercase")]
pub enum Target {
    Node(String),
    Edge(String),
}

/// A manifest fact behind a step: `k8s/monitoring/prometheus-configmap.yml · scrape_interval · 15s`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub file: String,
    /// 1-based line of the document the field is in.
    pub line: usize,
    pub field: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub target: Target,
    pub title: String,
    pub text: String,
    pub facts: Vec<Fact>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Phase {
    pub title: String,
    /// The phase's steps happen side by side, not one after another.
    pub parallel: bool,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flow {
    pub kind: FlowKind,
    pub title: String,
    pub summary: String,
    pub phases: Vec<Phase>,
    /// Startup only: the earliest ready time of each workload.
    pub timeline: Vec<TimelineRow>,
}

impl Flow {
    /// The steps in order, each with the index of its phase.
    pub fn steps(&self) -> impl Iterator<Item = (usize, &Step)> {
        self.phases
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.steps.iter().map(move |s| (i, s)))
    }

    pub fn step_count(&self) -> usize {
        self.phases.iter().map(|p| p.steps.len()).sum()
    }

    /// The `n`-th step (0-based) with its phase.
    pub fn step(&self, n: usize) -> Option<(&Phase, &Step)> {
        self.steps().nth(n).map(|(p, s)| (&self.phases[p], s))
    }
}

/// Every flow derivable from the model: the traffic flows (one per external entry), the
/// metrics flow and the startup flow, each only when the manifests support it.
pub fn derive(model: &Model, graph: &Graph) -> Vec<Flow> {
    let mut out = traffic::flows(model, graph);
    out.extend(metrics::flow(model, graph));
    out.extend(startup::flow(model, graph));
    out
}

/// The first flow of a kind.
pub fn find(flows: &[Flow], kind: FlowKind) -> Option<&Flow> {
    flows.iter().find(|f| f.kind == kind)
}

pub(crate) fn fact(o: &Object, field: impl Into<String>, value: impl Into<String>) -> Fact {
    Fact {
        file: o.source.path.clone(),
        line: o.source.line,
        field: field.into(),
        value: value.into(),
    }
}

/// `flask-app (Deployment)` for text.
pub fn label(graph: &Graph, id: &str) -> String {
    match graph.node(id) {
        Some(n) if n.kind == crate::model::EXTERNAL_KIND => "outside the cluster".to_string(),
        Some(n) => n.name.clone(),
        None => id.rsplit('/').next().unwrap_or(id).to_string(),
    }
}

/// `a → b`, with kinds when the two names are the same (`Service wordpress → Deployment wordpress`).
pub fn arrow(graph: &Graph, from: &str, to: &str) -> String {
    let (a, b) = (label(graph, from), label(graph, to));
    if a != b {
        return format!("{a} → {b}");
    }
    let kind = |id: &str| graph.node(id).map(|n| n.kind.clone()).unwrap_or_default();
    format!("{} {a} → {} {b}", kind(from), kind(to))
}

/// `2 replicas` / `1 replica`.
pub fn replicas_text(n: u32) -> String {
    if n == 1 {
        "1 replica".into()
    } else {
        format!("{n} replicas")
    }
}

/// Seconds as `15 s`, `1 min 30 s`.
pub fn seconds_text(s: u32) -> String {
    match (s / 60, s % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

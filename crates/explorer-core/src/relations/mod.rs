//! Relations between objects, as a declarative table of rules. Each rule looks at objects of
//! some kinds and emits edges (with provenance) and findings.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::index::Index;
use crate::model::{Model, Object, ObjectId};

pub(crate) mod config;
mod infra;
mod metrics;
pub mod regex;
mod scan;
pub(crate) mod services;

pub use config::{config_refs, consumed_values, pvc_refs, ConfigRef, ConfigValue};

/// What kind of relation an edge is (for colouring and filtering).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Traffic,
    Config,
    Storage,
    Rbac,
    Metrics,
    Policy,
    Entry,
}

impl Family {
    /// Every family, in the order legends and menus list them.
    pub const ALL: [Family; 7] = [
        Family::Traffic,
        Family::Entry,
        Family::Config,
        Family::Storage,
        Family::Metrics,
        Family::Rbac,
        Family::Policy,
    ];

    /// How a legend names the family.
    pub fn label(self) -> &'static str {
        match self {
            Family::Rbac => "RBAC",
            Family::Policy => "network policy",
            f => f.as_str(),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Traffic => "traffic",
            Family::Config => "config",
            Family::Storage => "storage",
            Family::Rbac => "rbac",
            Family::Metrics => "metrics",
            Family::Policy => "policy",
            Family::Entry => "entry",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// A directed relation between two objects (ids as `Kind/namespace/name`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Edge {
    /// `rule:from->to`.
    pub id: String,
    pub from: String,
    pub to: String,
    pub rule: &'static str,
    pub family: Family,
    /// The first (sorted) reason.
    pub provenance: String,
    /// Every reason that justifies the edge, sorted.
    pub reasons: Vec<String>,
    /// The ports the relation goes through, sorted: the port named with a Service
    /// host (`flask-service:5000`), or the container ports a scrape job keeps.
    /// The diagram labels traffic and metrics edges with them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<u16>,
}

/// Something wrong or notable about an object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// e.g. `broken-reference`.
    pub rule: &'static str,
    /// Object id string.
    pub object: String,
    pub message: String,
    pub severity: Severity,
}

pub const BROKEN_REFERENCE: &str = "broken-reference";
pub const SELECTOR_NO_MATCH: &str = "selector-no-match";
pub const INVALID_RELABEL_REGEX: &str = "invalid-relabel-regex";

/// Collects the output of one rule.
pub struct Emit<'a> {
    rule: &'static Rule,
    edges: &'a mut BTreeMap<String, Edge>,
    findings: &'a mut Vec<Finding>,
}

impl Emit<'_> {
    /// Adds (or merges a reason into) the edge `rule:from->to`.
    pub fn edge(&mut self, from: &ObjectId, to: &ObjectId, reason: impl Into<String>) {
        self.edge_str(from.to_string(), to.to_string(), reason.into());
    }

    pub fn edge_str(&mut self, from: String, to: String, reason: String) {
        self.edge_ports(from, to, reason, &[]);
    }

    /// Like [`Emit::edge`], recording the ports the relation goes through.
    pub fn edge_ports(&mut self, from: String, to: String, reason: String, ports: &[u16]) {
        let id = format!("{}:{from}->{to}", self.rule.id);
        let rule = self.rule;
        let edge = self.edges.entry(id.clone()).or_insert_with(|| Edge {
            id,
            from,
            to,
            rule: rule.id,
            family: rule.family,
            provenance: String::new(),
            reasons: Vec::new(),
            ports: Vec::new(),
        });
        edge.reasons.push(reason);
        edge.ports.extend_from_slice(ports);
    }

    pub fn finding(
        &mut self,
        rule: &'static str,
        object: &ObjectId,
        severity: Severity,
        message: impl Into<String>,
    ) {
        self.findings.push(Finding {
            rule,
            object: object.to_string(),
            message: message.into(),
            severity,
        });
    }

    /// A `broken-reference` finding.
    pub fn broken(&mut self, object: &ObjectId, severity: Severity, message: impl Into<String>) {
        self.finding(BROKEN_REFERENCE, object, severity, message);
    }
}

/// One relation rule of the table.
pub struct Rule {
    pub id: &'static str,
    pub family: Family,
    pub from_kinds: &'static [&'static str],
    pub to_kinds: &'static [&'static str],
    pub description: &'static str,
    pub derive: fn(&Index, &Object, &mut Emit),
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("family", &self.family)
            .finish()
    }
}

const WORKLOADS: &[&str] = crate::model::WORKLOAD_KINDS;

/// The rule table.
pub static RULES: &[Rule] = &[
    Rule {
        id: "service-selector",
        family: Family::Traffic,
        from_kinds: &["Service"],
        to_kinds: WORKLOADS,
        description: "A Service routes to the workloads whose pod template labels match its selector.",
        derive: infra::service_selector,
    },
    Rule {
        id: "service-reference",
        family: Family::Traffic,
        from_kinds: WORKLOADS,
        to_kinds: &["Service"],
        description: "A workload's configuration names a Service: env values, ConfigMap/Secret values it consumes (URLs, host:port, host names), nginx proxy_pass/upstream, and container commands such as pg_isready -h.",
        derive: services::service_reference,
    },
    Rule {
        id: "metrics-scrape",
        family: Family::Metrics,
        from_kinds: WORKLOADS,
        to_kinds: &["Service", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"],
        description: "Prometheus scrape configs: static targets name Services; kubernetes_sd_configs with keep relabelling select workloads.",
        derive: metrics::prometheus_scrape,
    },
    Rule {
        id: "metrics-datasource",
        family: Family::Metrics,
        from_kinds: WORKLOADS,
        to_kinds: &["Service"],
        description: "A Grafana datasource URL names a Service.",
        derive: metrics::grafana_datasource,
    },
    Rule {
        id: "uses-configmap",
        family: Family::Config,
        from_kinds: WORKLOADS,
        to_kinds: &["ConfigMap"],
        description: "A workload mounts a ConfigMap or reads it through envFrom / configMapKeyRef.",
        derive: config::uses_configmap,
    },
    Rule {
        id: "uses-secret",
        family: Family::Config,
        from_kinds: WORKLOADS,
        to_kinds: &["Secret"],
        description: "A workload mounts a Secret, reads it through envFrom / secretKeyRef, or pulls images with it.",
        derive: config::uses_secret,
    },
    Rule {
        id: "mounts-pvc",
        family: Family::Storage,
        from_kinds: WORKLOADS,
        to_kinds: &["PersistentVolumeClaim"],
        description: "A workload mounts a PersistentVolumeClaim.",
        derive: config::mounts_pvc,
    },
    Rule {
        id: "pvc-binding",
        family: Family::Storage,
        from_kinds: &["PersistentVolumeClaim"],
        to_kinds: &["PersistentVolume"],
        description: "A claim binds a volume: by spec.volumeName, by the volume's claimRef, or by storage class, capacity and access modes.",
        derive: infra::pvc_binding,
    },
    Rule {
        id: "uses-serviceaccount",
        family: Family::Rbac,
        from_kinds: WORKLOADS,
        to_kinds: &["ServiceAccount"],
        description: "A workload runs as a ServiceAccount (serviceAccountName).",
        derive: infra::uses_serviceaccount,
    },
    Rule {
        id: "binding-role",
        family: Family::Rbac,
        from_kinds: &["RoleBinding", "ClusterRoleBinding"],
        to_kinds: &["Role", "ClusterRole"],
        description: "A (Cluster)RoleBinding grants a (Cluster)Role (roleRef).",
        derive: infra::binding_role,
    },
    Rule {
        id: "binding-subject",
        family: Family::Rbac,
        from_kinds: &["RoleBinding", "ClusterRoleBinding"],
        to_kinds: &["ServiceAccount"],
        description: "A (Cluster)RoleBinding grants to a ServiceAccount subject.",
        derive: infra::binding_subject,
    },
    Rule {
        id: "entry",
        family: Family::Entry,
        from_kinds: &["Service", "Ingress"],
        to_kinds: &["Service", "Ingress"],
        description: "Traffic from outside the cluster reaches LoadBalancer and NodePort Services (with k3d host port mappings) and Ingresses.",
        derive: infra::entry,
    },
    Rule {
        id: "ingress-backend",
        family: Family::Traffic,
        from_kinds: &["Ingress"],
        to_kinds: &["Service"],
        description: "An Ingress routes paths to backend Services.",
        derive: infra::ingress_backend,
    },
    Rule {
        id: "network-policy",
        family: Family::Policy,
        from_kinds: &["NetworkPolicy"],
        to_kinds: WORKLOADS,
        description: "A NetworkPolicy applies to the workloads its podSelector selects.",
        derive: infra::network_policy,
    },
    Rule {
        id: "network-policy-peer",
        family: Family::Policy,
        from_kinds: &["NetworkPolicy"],
        to_kinds: WORKLOADS,
        description: "A workload allowed in by a NetworkPolicy ingress rule (from podSelector in the policy's namespace).",
        derive: infra::network_policy_peer,
    },
    Rule {
        id: "autoscales",
        family: Family::Policy,
        from_kinds: &["HorizontalPodAutoscaler"],
        to_kinds: &["Deployment", "StatefulSet"],
        description: "A HorizontalPodAutoscaler scales its scaleTargetRef.",
        derive: infra::autoscales,
    },
];

/// Looks a rule up by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Runs every rule over the model: edges sorted by id, findings sorted and deduplicated.
pub fn derive(model: &Model) -> (Vec<Edge>, Vec<Finding>) {
    derive_with(&Index::new(model))
}

pub fn derive_with(index: &Index<'_>) -> (Vec<Edge>, Vec<Finding>) {
    let mut edges = BTreeMap::new();
    let mut findings = Vec::new();
    for rule in RULES {
        let mut emit = Emit {
            rule,
            edges: &mut edges,
            findings: &mut findings,
        };
        for object in &index.model.objects {
            if rule.from_kinds.contains(&object.kind.as_str()) {
                (rule.derive)(index, object, &mut emit);
            }
        }
    }
    let edges = edges
        .into_values()
        .filter(|e| e.from != e.to)
        .map(|mut e| {
            crate::sort::sort(&mut e.reasons);
            e.reasons.dedup();
            crate::sort::sort(&mut e.ports);
            e.ports.dedup();
            e.provenance = e.reasons.first().cloned().unwrap_or_default();
            e
        })
        .collect();
    crate::sort::sort(&mut findings);
    findings.dedup();
    (edges, findings)
}

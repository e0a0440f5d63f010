//! What a security reviewer asks of a set of manifests, derived from the model and the graph:
//! what is reachable from outside and through which port, the NetworkPolicies and what they
//! let in, which workload reads which Secret key (keys only: values are never in the model
//! the browser gets), what each ServiceAccount may do, and findings with a severity and a
//! one-line fix. Linear in the objects and edges.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::flows::{fact, label, Fact};
use crate::graph::Graph;
use crate::model::{Body, Model, Object};
use crate::relations::{Family, Severity};
use crate::sort::Collect;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Something reachable from outside the cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exposure {
    /// Graph node of the Service or Ingress.
    pub node: String,
    pub name: String,
    /// How it is reached: type, ports, host port.
    pub how: Vec<String>,
}

/// One NetworkPolicy: whom it applies to and whom it lets in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub node: String,
    pub name: String,
    /// Workloads its podSelector selects (names).
    pub applies_to: Vec<String>,
    /// Workloads its ingress rules let in (names).
    pub allows_from: Vec<String>,
    /// True when it has no ingress rule: it denies all ingress to what it selects.
    pub denies_all: bool,
}

/// A workload reading a Secret: the keys, never the values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SecretRead {
    pub workload: String,
    pub secret: String,
    /// How it reads it: `env DATABASE_URL (key DATABASE_URL)`, `volume … `.
    pub uses: Vec<String>,
}

/// What a ServiceAccount may do through one binding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub account: String,
    /// Workloads that run as it.
    pub used_by: Vec<String>,
    pub role: String,
    /// `get, list, watch on pods, services`, one per rule.
    pub rules: Vec<String>,
    /// A ClusterRole granted by a ClusterRoleBinding: the whole cluster.
    pub cluster_wide: bool,
}

/// A finding with its fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// `secret-in-manifests`, `admin-credentials`, `mutable-image-tag`, `ephemeral-metrics`,
    /// `runs-as-root`.
    pub rule: &'static str,
    pub object: String,
    pub message: String,
    pub fix: &'static str,
    pub facts: Vec<Fact>,
}

/// The security view of a set of manifests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Security {
    pub exposures: Vec<Exposure>,
    pub policies: Vec<Policy>,
    pub secret_reads: Vec<SecretRead>,
    pub grants: Vec<Grant>,
    pub findings: Vec<Finding>,
}

pub fn derive(model: &Model, graph: &Graph) -> Security {
    let name = |id: &str| label(graph, id);

    let mut exposures: BTreeMap<String, Exposure> = BTreeMap::new();
    for e in graph.edges.iter().filter(|e| e.family == Family::Entry) {
        let x = exposures.entry(e.to.clone()).or_insert_with(|| Exposure {
            node: e.to.clone(),
            name: name(&e.to),
            how: Vec::new(),
        });
        let prefix = format!("{}: ", x.name);
        x.how.extend(
            e.reasons
                .iter()
                .map(|r| r.strip_prefix(&prefix).unwrap_or(r).to_string()),
        );
    }

    let mut policies = Vec::new();
    for p in model.of_kind("NetworkPolicy") {
        let id = p.id.to_string();
        let targets = |rule: &str| {
            let mut v: Vec<String> = graph
                .outgoing(&id)
                .filter(|e| e.rule == rule)
                .map(|e| name(&e.to))
                .collect();
            crate::sort::sort(&mut v);
            v.dedup();
            v
        };
        let denies_all = match &p.body {
            Body::NetworkPolicy(np) => np.spec.as_ref().is_some_and(|s| {
                let ingress_type = s
                    .policy_types
                    .as_ref()
                    .is_none_or(|t| t.iter().any(|t| t == "Ingress"));
                ingress_type && s.ingress.as_ref().is_none_or(|r| r.is_empty())
            }),
            _ => false,
        };
        let mut allows_from = targets("network-policy-peer");
        if let Body::NetworkPolicy(np) = &p.body {
            for r in np.spec.iter().flat_map(|s| s.ingress.iter().flatten()) {
                let ports: Vec<String> = r
                    .ports
                    .iter()
                    .flatten()
                    .filter_map(|p| p.port.as_ref())
                    .map(|p| match p {
                        IntOrString::Int(n) => n.to_string(),
                        IntOrString::String(s) => s.clone(),
                    })
                    .collect();
                let on = if ports.is_empty() {
                    String::new()
                } else {
                    format!(" on port {}", ports.join(", "))
                };
                let peers = r.from.as_deref().unwrap_or_default();
                if peers.is_empty() {
                    allows_from.push(format!("any source{on}"));
                }
                for peer in peers {
                    if let Some(b) = &peer.ip_block {
                        allows_from.push(format!("addresses {}{on}", b.cidr));
                    } else if peer.namespace_selector.is_some() {
                        allows_from.push(format!(
                            "pods of the namespaces its namespaceSelector picks{on}"
                        ));
                    }
                }
            }
        }
        policies.push(Policy {
            node: id.clone(),
            name: p.id.name.clone(),
            applies_to: targets("network-policy"),
            allows_from,
            denies_all,
        });
    }

    let secret_reads = graph
        .edges
        .iter()
        .filter(|e| e.rule == "uses-secret")
        .map(|e| {
            let (workload, secret) = (name(&e.from), name(&e.to));
            // Reasons read `flask-app: env X (key X) flask-secret`: keep the middle.
            let prefix = format!("{workload}: ");
            let suffix = format!(" {secret}");
            let uses = e
                .reasons
                .iter()
                .map(|r| {
                    let r = r.strip_prefix(&prefix).unwrap_or(r);
                    r.strip_suffix(&suffix).unwrap_or(r).to_string()
                })
                .collect();
            SecretRead {
                workload,
                secret,
                uses,
            }
        })
        .collect();

    let grants = rbac(model, graph);
    let findings = findings(model, graph);
    Security {
        exposures: exposures.into_values().collect(),
        policies,
        secret_reads,
        grants,
        findings,
    }
}

fn rbac(model: &Model, graph: &Graph) -> Vec<Grant> {
    let mut out = Vec::new();
    for sa in model.of_kind("ServiceAccount") {
        let sa_id = sa.id.to_string();
        let mut used_by: Vec<String> = graph
            .incoming(&sa_id)
            .filter(|e| e.rule == "uses-serviceaccount")
            .map(|e| label(graph, &e.from))
            .collect();
        crate::sort::sort(&mut used_by);
        for b in graph
            .incoming(&sa_id)
            .filter(|e| e.rule == "binding-subject")
        {
            for r in graph.outgoing(&b.from).filter(|e| e.rule == "binding-role") {
                let Some(role) = model.get_str(&r.to) else {
                    continue;
                };
                let rules = match &role.body {
                    Body::ClusterRole(c) => c.rules.iter().flatten().map(rule_text).collect(),
                    Body::Role(c) => c.rules.iter().flatten().map(rule_text).collect(),
                    _ => Vec::new(),
                };
                out.push(Grant {
                    account: sa.id.name.clone(),
                    used_by: used_by.clone(),
                    role: format!("{} {}", role.kind, role.id.name),
                    rules,
                    cluster_wide: role.kind == "ClusterRole"
                        && b.from.starts_with("ClusterRoleBinding/"),
                });
            }
        }
    }
    out
}

fn rule_text(r: &k8s_openapi::api::rbac::v1::PolicyRule) -> String {
    let on: Vec<&str> = r
        .resources
        .iter()
        .flatten()
        .chain(r.non_resource_urls.iter().flatten())
        .map(String::as_str)
        .collect();
    format!(
        "{} on {}",
        r.verbs.join(", "),
        if on.is_empty() {
            "nothing".into()
        } else {
            on.join(", ")
        }
    )
}

fn findings(model: &Model, graph: &Graph) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in model.of_kind("Secret") {
        let Body::Secret(secret) = &s.body else {
            continue;
        };
        let keys: Vec<&String> = secret
            .data
            .iter()
            .flat_map(|d| d.keys())
            .chain(secret.string_data.iter().flat_map(|d| d.keys()))
            .collect();
        if keys.is_empty() {
            continue;
        }
        // The bundle the browser reads moves `data` to `stringData` (redacted), so the message
        // does not depend on which of the two the files used.
        let field = if secret.data.is_some() {
            "data"
        } else {
            "stringData"
        };
        out.push(Finding {
            severity: Severity::Warning,
            rule: "secret-in-manifests",
            object: s.id.to_string(),
            message: format!(
                "The Secret {} carries {} in the manifests: whoever reads the files reads them (base64 is an encoding, not encryption).",
                s.id.name,
                if keys.len() == 1 { "1 value".to_string() } else { format!("{} values", keys.len()) }
            ),
            fix: "Create the Secret at deploy time (kubectl create secret) or use Sealed Secrets / External Secrets.",
            facts: keys.iter().map(|k| fact(s, format!("{field}.{k}"), "(value not shown)")).collect(),
        });
        let admin: Vec<&String> = keys
            .iter()
            .copied()
            .filter(|k| {
                let k = k.to_ascii_lowercase();
                k.contains("admin") && (k.contains("pass") || k.contains("user"))
            })
            .collect();
        if !admin.is_empty() {
            out.push(Finding {
                severity: Severity::Warning,
                rule: "admin-credentials",
                object: s.id.to_string(),
                message: format!(
                    "The Secret {} holds administrator credentials ({}).",
                    s.id.name,
                    admin.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                ),
                fix: "Generate the admin password at install, rotate it after first login, or sign in through SSO.",
                facts: admin.iter().map(|k| fact(s, format!("{field}.{k}"), "(value not shown)")).collect(),
            });
        }
    }
    for w in model.workloads() {
        let Some(pod) = w.pod() else { continue };
        let pod_ctx = pod.spec.security_context.as_ref();
        for c in pod.all_containers() {
            let image = c.image.as_deref().unwrap_or("");
            if mutable_tag(image) {
                out.push(Finding {
                    severity: Severity::Warning,
                    rule: "mutable-image-tag",
                    object: w.id.to_string(),
                    message: format!(
                        "Container {} runs {}: the tag can point at a different image tomorrow.",
                        c.name,
                        if image.is_empty() { "no image" } else { image }
                    ),
                    fix: "Pin a version tag or, better, a digest (image@sha256:…).",
                    facts: vec![fact(w, format!("containers[{}].image", c.name), image)],
                });
            }
            let ctx = c.security_context.as_ref();
            let non_root = ctx
                .and_then(|x| x.run_as_non_root)
                .or(pod_ctx.and_then(|x| x.run_as_non_root));
            let user = ctx
                .and_then(|x| x.run_as_user)
                .or(pod_ctx.and_then(|x| x.run_as_user));
            if non_root != Some(true) && user.is_none_or(|u| u == 0) {
                out.push(Finding {
                    severity: Severity::Warning,
                    rule: "runs-as-root",
                    object: w.id.to_string(),
                    message: format!(
                        "Container {} may run as root: neither runAsNonRoot nor a non-zero runAsUser is set.",
                        c.name
                    ),
                    fix: "Set securityContext.runAsNonRoot: true and a runAsUser the image supports.",
                    facts: vec![fact(
                        w,
                        format!("containers[{}].securityContext", c.name),
                        match user {
                            Some(u) => format!("runAsUser {u}"),
                            None => "not set".to_string(),
                        },
                    )],
                });
            }
        }
    }
    let scrapers: std::collections::BTreeSet<&str> = graph
        .edges
        .iter()
        .filter(|e| e.rule == "metrics-scrape")
        .map(|e| e.from.as_str())
        .to_set();
    for id in scrapers {
        let Some(scraper) = model.get_str(id) else {
            continue;
        };
        if let Some(f) = ephemeral_store(scraper) {
            out.push(f);
        }
    }
    out
}

/// `:latest`, or no tag and no digest (which means `:latest`).
fn mutable_tag(image: &str) -> bool {
    if image.is_empty() || image.contains('@') {
        return image.is_empty();
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag == "latest",
        None => true,
    }
}

fn ephemeral_store(scraper: &Object) -> Option<Finding> {
    let (words, facts) = crate::flows::metrics_store(scraper);
    if !facts.iter().any(|f| f.value == "emptyDir") {
        return None;
    }
    Some(Finding {
        severity: Severity::Info,
        rule: "ephemeral-metrics",
        object: scraper.id.to_string(),
        message: format!("{} keeps its metrics {words}.", scraper.id.name),
        fix: "Mount a PersistentVolumeClaim at the TSDB path, or send the samples to remote storage (remote_write).",
        facts,
    })
}

#[cfg(test)]
mod tests {
    use super::mutable_tag;

    #[test]
    fn tags() {
        for (image, mutable) in [
            ("nginx", true),
            ("nginx:latest", true),
            ("prom/prometheus:latest", true),
            ("registry:5000/app", true),
            ("registry:5000/app:1.2", false),
            ("postgres:15-alpine", false),
            ("app@sha256:abcd", false),
            ("", true),
        ] {
            assert_eq!(mutable_tag(image), mutable, "{image}");
        }
    }
}

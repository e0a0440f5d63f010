//! The guided tour: a walkthrough generated from the model, in a fixed order (what the
//! namespace holds, the entry, each tier in traffic order, storage, monitoring, startup,
//! security, resources, how to deploy). Steps whose subject is absent are left out.
//!
//! Authors add or replace a step's text with annotations on the object the step is about, so
//! the text lives with the YAML. The one prefix is [`ANNOTATION_PREFIX`]:
//! - `tour.explorer.dev/text`: replaces the derived text;
//! - `tour.explorer.dev/note`: adds a paragraph after it.
//!
//! Step 1 is about the Namespace object, the tier steps about their workloads.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::flows::{self, Fact, Flow, FlowKind, HealthCheck, Target};
use crate::graph::Graph;
use crate::model::{Model, Object};
use crate::problems::Problem;
use crate::quantity::{format_cpu, format_memory};
use crate::relations::{Family, Severity};
use crate::resources::ResourceTable;

pub const ANNOTATION_PREFIX: &str = "tour.explorer.dev/";
pub const TEXT_ANNOTATION: &str = "tour.explorer.dev/text";
pub const NOTE_ANNOTATION: &str = "tour.explorer.dev/note";

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TourStep {
    pub title: String,
    /// Paragraphs.
    pub text: Vec<String>,
    /// Node ids the step is about; the first is the one the diagram centres on.
    pub focus: Vec<String>,
    pub facts: Vec<Fact>,
    /// Shell commands, in order (the deploy step).
    pub commands: Vec<String>,
    /// The object whose annotation supplied or added to the text, if any.
    pub annotated_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tour {
    pub title: String,
    pub steps: Vec<TourStep>,
}

fn step(title: impl Into<String>, text: impl Into<String>, focus: Vec<String>) -> TourStep {
    TourStep {
        title: title.into(),
        text: vec![text.into()],
        focus,
        facts: Vec::new(),
        commands: Vec::new(),
        annotated_by: None,
    }
}

/// Applies `tour.explorer.dev/text|note` of the step's subject.
fn annotate(s: &mut TourStep, subject: Option<&Object>) {
    let Some(o) = subject else { return };
    if let Some(t) = o.annotations.get(TEXT_ANNOTATION).map(|t| t.trim()) {
        if !t.is_empty() {
            s.text = vec![t.to_string()];
            s.annotated_by = Some(o.id.to_string());
        }
    }
    if let Some(n) = o.annotations.get(NOTE_ANNOTATION).map(|t| t.trim()) {
        if !n.is_empty() {
            s.text.push(n.to_string());
            s.annotated_by = Some(o.id.to_string());
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn target_nodes(graph: &Graph, t: &Target) -> Vec<String> {
    match t {
        Target::Node(n) => vec![n.clone()],
        Target::Edge(e) => graph
            .edges
            .binary_search_by(|x| x.id.as_str().cmp(e))
            .ok()
            .map(|i| vec![graph.edges[i].to.clone(), graph.edges[i].from.clone()])
            .unwrap_or_default(),
    }
}

/// Builds the tour.
pub fn build(
    model: &Model,
    graph: &Graph,
    resources: &ResourceTable,
    problems: &[Problem],
) -> Tour {
    let all_flows = flows::derive(model, graph);
    let flows: &[Flow] = &all_flows;
    let checks = flows::health_checks(model, graph);
    let checks: &[HealthCheck] = &checks;
    let name = model
        .system_name()
        .unwrap_or_else(|| "these manifests".into());
    let mut steps = Vec::new();
    let workloads: Vec<&Object> = model.workloads().collect();
    let workload_ids: Vec<String> = workloads.iter().map(|o| o.id.to_string()).collect();

    // 1. What the namespace holds.
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for o in &model.objects {
        *kinds.entry(o.kind.as_str()).or_default() += 1;
    }
    let namespaces: Vec<&Object> = model.of_kind("Namespace").collect();
    let list = kinds
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ");
    let pods: u32 = workloads.iter().map(|o| o.replicas().unwrap_or(1)).sum();
    let mut s = step(
        format!("What {name} holds"),
        format!(
            "{} objects: {list}. {} run {}: {}.",
            model.objects.len(),
            plural(workloads.len(), "workload", "workloads"),
            plural(pods as usize, "pod", "pods"),
            workloads
                .iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        namespaces
            .first()
            .map(|n| n.id.to_string())
            .into_iter()
            .chain(workload_ids.iter().cloned())
            .collect(),
    );
    annotate(&mut s, namespaces.first().copied());
    steps.push(s);

    // 2. The entry point, 3. each tier in traffic order, 4. storage.
    let traffic = flows::find(flows, FlowKind::Traffic);
    if let Some(t) = traffic {
        if let Some((_, first)) = t.step(0) {
            let mut s = step(
                "The way in",
                first.text.clone(),
                target_nodes(graph, &first.target),
            );
            s.facts = first.facts.clone();
            steps.push(s);
        }
        let mut seen = Vec::new();
        for (_, st) in t.steps() {
            let Target::Edge(e) = &st.target else {
                continue;
            };
            let Some(edge) = graph.edges.iter().find(|x| &x.id == e) else {
                continue;
            };
            if edge.rule != "service-selector" || seen.contains(&edge.to) {
                continue;
            }
            seen.push(edge.to.clone());
            let Some(o) = model.get_str(&edge.to) else {
                continue;
            };
            let images = o.images();
            let calls: Vec<String> = graph
                .edges
                .iter()
                .filter(|x| x.from == edge.to && x.rule == "service-reference")
                .map(|x| flows::label(graph, &x.to))
                .collect();
            let mut text = format!(
                "{} runs {} of {}, reached through {}.",
                o.name,
                flows::replicas_text(o.replicas().unwrap_or(1)),
                if images.is_empty() {
                    "its containers".into()
                } else {
                    images.join(", ")
                },
                flows::label(graph, &edge.from)
            );
            if !calls.is_empty() {
                text.push_str(&format!(" It calls {}.", calls.join(", ")));
            }
            let mut s = step(format!("Tier: {}", o.name), text, vec![edge.to.clone()]);
            s.facts = st.facts.clone();
            annotate(&mut s, Some(o));
            steps.push(s);
        }
    }
    let claims: Vec<&Object> = model.of_kind("PersistentVolumeClaim").collect();
    let ephemeral: Vec<String> = workloads
        .iter()
        .flat_map(|o| {
            o.pod()
                .into_iter()
                .flat_map(|p| p.spec.volumes.iter().flatten())
                .filter(|v| v.empty_dir.is_some())
                .map(move |v| format!("{} ({})", o.name, v.name))
        })
        .collect();
    if !claims.is_empty() || !ephemeral.is_empty() {
        let mut text = String::new();
        let storage_steps: Vec<&flows::Step> = traffic
            .into_iter()
            .flat_map(|t| t.steps().map(|(_, s)| s))
            .filter(|s| {
                s.title.contains(" → ")
                    && s.facts.iter().any(|f| {
                        f.field.starts_with("spec.hostPath") || f.field.starts_with("spec.capacity")
                    })
            })
            .collect();
        for s in &storage_steps {
            text.push_str(&s.text);
            text.push(' ');
        }
        if !claims.is_empty() && storage_steps.is_empty() {
            text.push_str(&format!(
                "{} kept on PersistentVolumeClaims: {}. ",
                plural(claims.len(), "store is", "stores are"),
                claims
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !ephemeral.is_empty() {
            text.push_str(&format!(
                "Lost when a pod is rescheduled (emptyDir): {}.",
                ephemeral.join(", ")
            ));
        }
        let focus = claims.iter().map(|c| c.id.to_string()).collect();
        let mut s = step("Storage and persistence", text.trim().to_string(), focus);
        s.facts = storage_steps.iter().flat_map(|s| s.facts.clone()).collect();
        steps.push(s);
    }

    // 5. Monitoring.
    if let Some(m) = flows::find(flows, FlowKind::Metrics) {
        let text: Vec<String> = m.steps().map(|(_, s)| s.text.clone()).collect();
        let focus = m
            .steps()
            .flat_map(|(_, s)| target_nodes(graph, &s.target))
            .fold(Vec::new(), |mut v, n| {
                if !v.contains(&n) {
                    v.push(n);
                }
                v
            });
        let mut s = step("Monitoring", text.join(" "), focus);
        s.facts = m
            .steps()
            .flat_map(|(_, s)| s.facts.clone())
            .take(8)
            .collect();
        steps.push(s);
    }

    // 6. Startup.
    if let Some(f) = flows::find(flows, FlowKind::Startup) {
        let order = f
            .phases
            .iter()
            .map(|p| p.title.split_once(". ").map_or(p.title.as_str(), |x| x.1))
            .collect::<Vec<_>>()
            .join(" → ");
        let mut text = format!("{} Apply steps: {order}.", f.summary);
        for r in &f.timeline {
            if r.blocked {
                text.push_str(&format!(
                    " {} never becomes ready (a cycle of waits).",
                    r.name
                ));
            } else {
                text.push_str(&format!(
                    " {} ready after {}.",
                    r.name,
                    flows::seconds_text(r.ready)
                ));
            }
        }
        let waits: Vec<String> = f
            .timeline
            .iter()
            .filter(|r| !r.waits_for.is_empty())
            .map(|r| r.node.clone())
            .collect();
        let focus = if waits.is_empty() {
            workload_ids.clone()
        } else {
            waits
        };
        steps.push(step("Startup", text, focus));
    }

    // 7. Security.
    let entries: Vec<String> = graph
        .edges
        .iter()
        .filter(|e| e.family == Family::Entry)
        .map(|e| {
            e.reasons
                .first()
                .cloned()
                .unwrap_or_else(|| flows::label(graph, &e.to))
        })
        .collect();
    let policies = model.of_kind("NetworkPolicy").count();
    let serious = problems
        .iter()
        .filter(|p| matches!(p.severity, Severity::Error | Severity::Warning))
        .count();
    let mut text = if entries.is_empty() {
        "Nothing is reachable from outside the cluster.".to_string()
    } else {
        format!("Reachable from outside: {}.", entries.join("; "))
    };
    let security = crate::security::derive(model, graph);
    let mut rules: Vec<&str> = security.findings.iter().map(|f| f.rule).collect();
    crate::sort::sort(&mut rules);
    rules.dedup();
    text.push_str(&format!(
        " {} restrict traffic between pods. {} in the manifests (the Findings page). {}{} (the Security page lists each with a one-line fix).",
        plural(policies, "NetworkPolicy", "NetworkPolicies"),
        plural(serious, "problem", "problems"),
        plural(security.findings.len(), "security finding", "security findings"),
        if rules.is_empty() { String::new() } else { format!(": {}", rules.join(", ")) }
    ));
    let focus: Vec<String> = graph
        .edges
        .iter()
        .filter(|e| e.family == Family::Entry)
        .map(|e| e.to.clone())
        .collect();
    steps.push(step(
        "Security",
        text,
        if focus.is_empty() {
            workload_ids.clone()
        } else {
            focus
        },
    ));

    // 8. Resources.
    if !resources.rows.is_empty() {
        let t = &resources.total;
        let mut s = step(
            "Resources",
            format!(
                "{} pods ask for {} CPU and {} of memory, and may use up to {} CPU and {}.",
                t.pods,
                format_cpu(t.cpu_request_millicores),
                format_memory(t.memory_request_bytes),
                format_cpu(t.cpu_limit_millicores),
                format_memory(t.memory_limit_bytes)
            ),
            workload_ids.clone(),
        );
        let probes = checks.len();
        if probes > 0 {
            s.text.push(format!(
                "{} keep the pods honest (the Health checks page says what each failure does).",
                plural(probes, "probe", "probes")
            ));
        }
        steps.push(s);
    }

    // 9. How to deploy.
    let mut commands = Vec::new();
    if let Some(h) = model.host_ports.first().filter(|h| !h.file.is_empty()) {
        commands.push(format!("k3d cluster create --config {}", h.file));
    }
    let how = match &model.apply_order {
        Some(order) if order.source.ends_with(".sh") => {
            commands.extend(order.files.iter().map(|f| format!("kubectl apply -f {f}")));
            format!("{} applies the manifests in this order:", order.source)
        }
        Some(order) => {
            let dir = order.base.as_str();
            commands.push(format!(
                "kubectl apply -k {}",
                if dir.is_empty() { "." } else { dir }
            ));
            format!("{} lists the resources in order:", order.source)
        }
        None => {
            let mut files: Vec<&str> = model
                .objects
                .iter()
                .map(|o| o.source.path.as_str())
                .collect();
            files.dedup();
            commands.extend(files.iter().map(|f| format!("kubectl apply -f {f}")));
            "No script or kustomization names an order; apply the files:".to_string()
        }
    };
    let mut s = step("How to deploy", how, workload_ids.clone());
    s.commands = commands;
    steps.push(s);

    Tour {
        title: format!("A tour of {name}"),
        steps,
    }
}

//! The diagram's view of the graph: attached objects folded into the workload
//! they serve (unless expanded), filters by kind and edge family, and the node
//! sizes the layout needs. Pure, so what the diagram shows is tested natively.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::ids::IdIndex;
use explorer_core::graph::{Graph, Node};
use explorer_core::model::{EXTERNAL_ID, EXTERNAL_KIND, WORKLOAD_KINDS};
use explorer_core::relations::Family;

/// What the user chose to see.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewOptions {
    /// Workloads whose attached objects are drawn as their own nodes.
    pub expanded: BTreeSet<String>,
    /// Draw every attached object as its own node.
    pub expand_all: bool,
    pub hidden_kinds: BTreeSet<String>,
    pub hidden_families: BTreeSet<Family>,
}

impl ViewOptions {
    /// The first view (the page's, and `explorer render`'s): NetworkPolicies and
    /// their edges are off (they matter to a security review, and the filters turn
    /// them on).
    pub fn first_view() -> ViewOptions {
        ViewOptions {
            hidden_kinds: ["NetworkPolicy".to_string()].into(),
            hidden_families: [Family::Policy].into(),
            ..ViewOptions::default()
        }
    }

    /// The first view with every attached object drawn as its own node.
    pub fn expanded() -> ViewOptions {
        ViewOptions {
            expand_all: true,
            ..ViewOptions::first_view()
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The outside world (users' browsers).
    External,
    /// A Deployment, StatefulSet, …: a card with its pods.
    Workload,
    /// A Service, ConfigMap, Secret, PVC, … drawn on its own.
    Object,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ViewNode {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// Tier from labels (`app.kubernetes.io/component`, `app`, `tier`).
    pub group: Option<String>,
    pub replicas: Option<u32>,
    pub role: Role,
    /// Objects folded into this node, sorted by id.
    pub folded: Vec<String>,
    /// Names of the Services folded into this node (shown on its card).
    pub services: Vec<String>,
}

impl ViewNode {
    /// Text for screen readers and tooltips.
    pub fn aria_label(&self) -> String {
        let mut s = format!("{} {}", self.kind, self.name);
        if let Some(r) = self.replicas {
            s.push_str(&format!(", {r} replica{}", if r == 1 { "" } else { "s" }));
        }
        if let Some(ns) = &self.namespace {
            s.push_str(&format!(", namespace {ns}"));
        }
        if !self.folded.is_empty() {
            s.push_str(&format!(
                ", {} attached object{}",
                self.folded.len(),
                if self.folded.len() == 1 { "" } else { "s" }
            ));
        }
        s
    }

    /// Width and height of the node's box in diagram units.
    pub fn size(&self) -> (f64, f64) {
        let text = text_width(&self.name, 14.0)
            .max(text_width(&self.kind, 11.0) + 48.0)
            .max(text_width(&self.service_line(), 11.0));
        let extra = if self.services.is_empty() { 0.0 } else { 14.0 };
        match self.role {
            Role::External => ((text + 64.0).max(190.0), 64.0),
            Role::Workload => {
                let stack = f64::from(self.replicas.unwrap_or(1).clamp(1, 3) - 1) * 5.0;
                ((text + 76.0).max(176.0) + stack, 70.0 + extra + stack)
            }
            Role::Object => ((text + 56.0).max(140.0), 46.0 + extra),
        }
    }

    /// `svc flask-service` (or several, comma-separated) for the card.
    pub fn service_line(&self) -> String {
        if self.services.is_empty() {
            String::new()
        } else {
            format!("svc {}", self.services.join(", "))
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ViewEdge {
    /// `family:from->to`, deterministic.
    pub id: String,
    pub from: String,
    pub to: String,
    pub family: Family,
    /// The graph edges this view edge stands for, sorted.
    pub edges: Vec<String>,
    /// Their rules, sorted, unique.
    pub rules: Vec<String>,
    /// One provenance line per underlying edge.
    pub provenance: Vec<String>,
    /// The ports of the underlying edges, sorted, unique.
    pub ports: Vec<u16>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ViewGraph {
    pub nodes: Vec<ViewNode>,
    pub edges: Vec<ViewEdge>,
    /// Namespace-wide objects folded into their namespace's frame (collapsed
    /// view): namespace → object ids, e.g. a default-deny NetworkPolicy.
    pub frame_folded: BTreeMap<String, Vec<String>>,
}

impl ViewGraph {
    pub fn node(&self, id: &str) -> Option<&ViewNode> {
        self.nodes
            .binary_search_by(|n| n.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.nodes[i])
    }

    /// Ids of the nodes joined to `id` by a drawn edge.
    pub fn neighbours(&self, id: &str) -> BTreeSet<String> {
        self.edges
            .iter()
            .filter_map(|e| {
                if e.from == id {
                    Some(e.to.clone())
                } else if e.to == id {
                    Some(e.from.clone())
                } else {
                    None
                }
            })
            .collect()
    }
}

/// Rough width of `text` at `px` (system sans-serif averages ~0.58 em per char).
pub fn text_width(text: &str, px: f64) -> f64 {
    text.chars().count() as f64 * px * 0.58
}

/// Kinds drawn as workload cards (pods inside): the kinds that run pods.
pub fn is_workload_kind(kind: &str) -> bool {
    WORKLOAD_KINDS.contains(&kind)
}

fn role_of(node: &Node) -> Role {
    if node.kind == EXTERNAL_KIND {
        Role::External
    } else if is_workload_kind(&node.kind) {
        Role::Workload
    } else {
        Role::Object
    }
}

/// The node that stands for `id` in the view: its workload when folded.
pub fn representative<'a>(
    graph_nodes: &'a [Node],
    by_id: &IdIndex<'a>,
    opts: &ViewOptions,
    id: &'a str,
) -> &'a str {
    let mut current = id;
    // Parents are workloads, but follow a short chain defensively (no cycles).
    for _ in 0..4 {
        let Some(node) = by_id.get(current).map(|i| &graph_nodes[i]) else {
            return current;
        };
        match node.parent.as_deref() {
            Some(p) if !opts.expand_all && !opts.expanded.contains(p) && p != current => {
                match by_id.get(p) {
                    Some(i) => current = &graph_nodes[i].id,
                    None => return current,
                }
            }
            _ => return current,
        }
    }
    current
}

/// Projects the graph onto what the diagram draws.
pub fn project(graph: &Graph, opts: &ViewOptions) -> ViewGraph {
    let by_id = IdIndex::new(graph.nodes.iter().map(|n| n.id.as_str()));
    // Namespaces are drawn as frames, not nodes.
    let visible = |n: &Node| {
        n.kind != "Namespace" && (!opts.hidden_kinds.contains(&n.kind) || n.id == EXTERNAL_ID)
    };

    let collapsed = !opts.expand_all;
    // A NetworkPolicy over several workloads belongs to the namespace, not to a node.
    let namespace_wide = |n: &Node| {
        collapsed && n.kind == "NetworkPolicy" && n.parent.is_none() && n.namespace.is_some()
    };
    let mut frame_folded: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut nodes: BTreeMap<&str, ViewNode> = BTreeMap::new();
    for node in &graph.nodes {
        let rep = representative(&graph.nodes, &by_id, opts, &node.id);
        if namespace_wide(node) {
            if let Some(ns) = &node.namespace {
                frame_folded
                    .entry(ns.clone())
                    .or_default()
                    .push(node.id.clone());
            }
            continue;
        }
        if rep != node.id || !visible(node) {
            continue;
        }
        nodes.insert(
            rep,
            ViewNode {
                id: node.id.clone(),
                kind: node.kind.clone(),
                name: if node.kind == EXTERNAL_KIND {
                    "User's browser".to_string()
                } else {
                    node.name.clone()
                },
                namespace: node.namespace.clone(),
                group: node.group.clone(),
                replicas: node.replicas,
                role: role_of(node),
                folded: Vec::new(),
                services: Vec::new(),
            },
        );
    }
    for node in &graph.nodes {
        let rep = representative(&graph.nodes, &by_id, opts, &node.id);
        if rep != node.id {
            if let Some(v) = nodes.get_mut(rep) {
                v.folded.push(node.id.clone());
                if node.kind == "Service" {
                    v.services.push(node.name.clone());
                }
            }
        }
    }

    let mut edges: BTreeMap<(String, String, Family), ViewEdge> = BTreeMap::new();
    for e in &graph.edges {
        if opts.hidden_families.contains(&e.family) {
            continue;
        }
        let (from, to) = (
            representative(&graph.nodes, &by_id, opts, &e.from),
            representative(&graph.nodes, &by_id, opts, &e.to),
        );
        if from == to || !nodes.contains_key(from) || !nodes.contains_key(to) {
            continue;
        }
        // A folded policy or RBAC object's edges describe that object, not its
        // workload: drawn from the workload they would read as traffic.
        if from != e.from && matches!(e.family, Family::Policy | Family::Rbac) {
            continue;
        }
        let key = (from.to_string(), to.to_string(), e.family);
        let entry = edges.entry(key).or_insert_with(|| ViewEdge {
            id: format!("{}:{from}->{to}", e.family),
            from: from.to_string(),
            to: to.to_string(),
            family: e.family,
            edges: Vec::new(),
            rules: Vec::new(),
            provenance: Vec::new(),
            ports: Vec::new(),
        });
        entry.edges.push(e.id.clone());
        entry.ports.extend_from_slice(&e.ports);
        if !entry.rules.iter().any(|r| r == e.rule) {
            entry.rules.push(e.rule.to_string());
        }
        for r in &e.reasons {
            if !entry.provenance.contains(r) {
                entry.provenance.push(r.clone());
            }
        }
    }
    let mut edges: Vec<ViewEdge> = edges.into_values().collect();
    for e in &mut edges {
        explorer_core::sort::sort(&mut e.edges);
        explorer_core::sort::sort(&mut e.rules);
        explorer_core::sort::sort(&mut e.ports);
        e.ports.dedup();
    }
    explorer_core::sort::sort_by(&mut edges, |a, b| a.id.cmp(&b.id));
    ViewGraph {
        nodes: nodes.into_values().collect(),
        edges,
        frame_folded,
    }
}

/// Case-insensitive match of a search query against a node's name, kind and
/// folded objects' names.
pub fn matches(node: &ViewNode, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return true;
    }
    node.name.to_lowercase().contains(&q)
        || node.kind.to_lowercase().contains(&q)
        || node.folded.iter().any(|f| {
            f.rsplit('/')
                .next()
                .is_some_and(|n| n.to_lowercase().contains(&q))
        })
}

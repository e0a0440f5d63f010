//! The relations graph: one node per object (plus `External//internet` when something is
//! exposed), the edges of every rule, and findings.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::index::Index;
use crate::model::{Model, Object, EXTERNAL_ID, EXTERNAL_KIND, EXTERNAL_NAME};
use crate::relations::{derive_with, Edge, Finding};
use crate::sort::Collect;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    /// `Kind/namespace/name`.
    pub id: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// Declared pods for workloads.
    pub replicas: Option<u32>,
    /// `app.kubernetes.io/component`, else `app`, else `tier` label (of the object, else of
    /// its pod template).
    pub group: Option<String>,
    /// The single workload this object is attached to (Service, ConfigMap, Secret, PVC, PV,
    /// ServiceAccount, bindings, roles, NetworkPolicy, HPA), so the UI can collapse it.
    pub parent: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Graph {
    /// Sorted by id.
    pub nodes: Vec<Node>,
    /// Sorted by id.
    pub edges: Vec<Edge>,
    pub findings: Vec<Finding>,
}

fn group_of(labels: &BTreeMap<String, String>) -> Option<String> {
    ["app.kubernetes.io/component", "app", "tier"]
        .iter()
        .find_map(|k| labels.get(*k).cloned())
}

fn node_of(o: &Object) -> Node {
    Node {
        id: o.id.to_string(),
        kind: o.kind.clone(),
        namespace: o.namespace.clone(),
        name: o.name.clone(),
        labels: o.labels.clone(),
        replicas: o.replicas(),
        group: group_of(&o.labels).or_else(|| o.pod().and_then(|p| p.labels).and_then(group_of)),
        parent: None,
    }
}

/// Builds the graph of a model.
pub fn build(model: &Model) -> Graph {
    let index = Index::new(model);
    let (edges, findings) = derive_with(&index);
    let mut nodes: Vec<Node> = model.objects.iter().map(node_of).collect();
    if edges
        .iter()
        .any(|e| e.from == EXTERNAL_ID || e.to == EXTERNAL_ID)
    {
        nodes.push(Node {
            id: EXTERNAL_ID.to_string(),
            kind: EXTERNAL_KIND.to_string(),
            namespace: None,
            name: EXTERNAL_NAME.to_string(),
            labels: BTreeMap::new(),
            replicas: None,
            group: None,
            parent: None,
        });
    }
    crate::sort::sort_by(&mut nodes, |a, b| a.id.cmp(&b.id));
    let parents = parents(model, &edges);
    for n in &mut nodes {
        n.parent = parents.get(n.id.as_str()).cloned();
    }
    Graph {
        nodes,
        edges,
        findings,
    }
}

/// The single workload each attachable object serves, derived from edges.
fn parents(model: &Model, edges: &[Edge]) -> BTreeMap<String, String> {
    // Built by inserting: collecting into a set or map sorts first, with a
    // stable sort of its own for each element type (size of the browser build).
    let mut workloads = BTreeSet::new();
    for o in model.workloads() {
        workloads.insert(o.id.to_string());
    }
    // First hop: objects directly linked to workloads.
    let mut direct: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in edges {
        let (obj, workload) = match e.rule {
            "service-selector" | "network-policy" | "autoscales" => (&e.from, &e.to),
            "uses-configmap" | "uses-secret" | "mounts-pvc" | "uses-serviceaccount" => {
                (&e.to, &e.from)
            }
            _ => continue,
        };
        if workloads.contains(workload) {
            direct.entry(obj).or_default().insert(workload);
        }
    }
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (obj, ws) in direct {
        if let (1, Some(w)) = (ws.len(), ws.first()) {
            out.insert(obj.to_string(), w.to_string());
        }
    }
    // Second hop: PV via its PVC, bindings via their ServiceAccounts, roles via bindings.
    let hop = |rule: &str, reverse: bool, out: &mut BTreeMap<String, String>| {
        let mut via: BTreeMap<&str, BTreeSet<Option<String>>> = BTreeMap::new();
        for e in edges.iter().filter(|e| e.rule == rule) {
            let (obj, through) = if reverse {
                (&e.to, &e.from)
            } else {
                (&e.from, &e.to)
            };
            via.entry(obj)
                .or_default()
                .insert(out.get(through).cloned());
        }
        for (obj, ps) in via {
            if let [Some(p)] = ps.into_iter().collect::<Vec<_>>().as_slice() {
                out.entry(obj.to_string()).or_insert_with(|| p.clone());
            }
        }
    };
    hop("pvc-binding", true, &mut out);
    hop("binding-subject", false, &mut out);
    hop("binding-role", true, &mut out);
    out
}

impl Graph {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes
            .binary_search_by(|n| n.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.nodes[i])
    }

    /// Edges leaving `id`.
    pub fn outgoing<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Edge> + 'a {
        self.edges.iter().filter(move |e| e.from == id)
    }

    /// Edges arriving at `id`.
    pub fn incoming<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Edge> + 'a {
        self.edges.iter().filter(move |e| e.to == id)
    }

    /// Ids of the nodes linked to `id` by an edge in either direction, sorted, once each.
    pub fn neighbours(&self, id: &str) -> Vec<&str> {
        let set: BTreeSet<&str> = self
            .edges
            .iter()
            .filter_map(|e| {
                if e.from == id {
                    Some(e.to.as_str())
                } else if e.to == id {
                    Some(e.from.as_str())
                } else {
                    None
                }
            })
            .to_set();
        set.into_iter().collect()
    }

    /// Findings about `id`.
    pub fn findings_for<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| f.object == id)
    }
}

//! The traffic flow: from an external entry (a LoadBalancer or NodePort Service, an Ingress)
//! along traffic edges (Ingress → Service → workload → Service …) to the storage at the end.
//! Where a workload calls several Services, the phase lists them side by side; the walk goes on
//! along the one that leads to storage (else the first), and the others follow afterwards.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use k8s_openapi::api::core::v1::Service;

use super::{arrow, fact, label, replicas_text, Fact, Flow, FlowKind, Phase, Step, Target};
use crate::graph::Graph;
use crate::model::{Body, Model, Object, EXTERNAL_ID};
use crate::relations::{Edge, Family};
use crate::sort::Collect;

pub(super) struct Adjacency<'g> {
    pub out: BTreeMap<&'g str, Vec<&'g Edge>>,
}

impl<'g> Adjacency<'g> {
    pub fn new(graph: &'g Graph) -> Self {
        let mut out: BTreeMap<&str, Vec<&Edge>> = BTreeMap::new();
        for e in &graph.edges {
            out.entry(e.from.as_str()).or_default().push(e);
        }
        Adjacency { out }
    }

    pub fn from<'a>(&'a self, id: &str, rule: &'a str) -> impl Iterator<Item = &'g Edge> + 'a {
        self.out
            .get(id)
            .into_iter()
            .flatten()
            .copied()
            .filter(move |e| e.rule == rule)
    }
}

fn service(o: &Object) -> Option<&Service> {
    match &o.body {
        Body::Service(s) => Some(s),
        _ => None,
    }
}

/// `LoadBalancer Service, port 80` facts and words.
fn service_facts(o: &Object) -> (String, Vec<Fact>) {
    let Some(spec) = service(o).and_then(|s| s.spec.as_ref()) else {
        return (String::new(), Vec::new());
    };
    let ty = spec.type_.as_deref().unwrap_or("ClusterIP");
    let mut facts = vec![fact(o, "spec.type", ty)];
    let mut ports = Vec::new();
    for (i, p) in spec.ports.iter().flatten().enumerate() {
        let target = p
            .target_port
            .as_ref()
            .map(|t| match t {
                k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => i.to_string(),
                k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
            })
            .unwrap_or_else(|| p.port.to_string());
        facts.push(fact(
            o,
            format!("spec.ports[{i}]"),
            format!("port {} → targetPort {target}", p.port),
        ));
        if let Some(np) = p.node_port {
            facts.push(fact(o, format!("spec.ports[{i}].nodePort"), np.to_string()));
        }
        ports.push(p.port.to_string());
    }
    (format!("{ty} Service, port {}", ports.join(", ")), facts)
}

/// A relation's reasons as facts, each in the file of the object it names (`nginx-config: …`
/// is in the nginx-config ConfigMap's file), else in the edge's source object's file.
fn reason_facts(model: &Model, from: Option<&Object>, e: &Edge) -> Vec<Fact> {
    e.reasons
        .iter()
        .map(|r| {
            let (name, rest) = r.split_once(": ").unwrap_or(("", r.as_str()));
            let ns = from.and_then(|o| o.namespace.as_deref());
            let to = model.get_str(&e.to);
            let ns = ns.or_else(|| to.and_then(|o| o.namespace.as_deref()));
            let named = ["ConfigMap", "Secret", "Service", "Ingress"]
                .iter()
                .find_map(|k| model.get_str(&format!("{k}/{}/{name}", ns.unwrap_or(""))));
            let (file, line) = named
                .or(from)
                .or(to)
                .map(|o| (o.source.path.clone(), o.source.line))
                .unwrap_or_default();
            Fact {
                file,
                line,
                field: e.rule.to_string(),
                value: rest.to_string(),
            }
        })
        .collect()
}

struct Walk<'a> {
    model: &'a Model,
    graph: &'a Graph,
    adj: &'a Adjacency<'a>,
    /// Nodes that lead to a PersistentVolumeClaim along traffic and storage edges.
    to_storage: &'a BTreeSet<&'a str>,
    visited: BTreeSet<&'a str>,
    phases: Vec<Phase>,
    /// Branches left for later: (title, node to continue from).
    later: VecDeque<(String, &'a str)>,
}

impl<'a> Walk<'a> {
    fn obj(&self, id: &str) -> Option<&'a Object> {
        self.model.get_str(id)
    }

    fn name(&self, id: &str) -> String {
        label(self.graph, id)
    }

    fn edge_step(&self, e: &Edge, title: String, text: String, mut facts: Vec<Fact>) -> Step {
        facts.extend(reason_facts(self.model, self.obj(&e.from), e));
        Step {
            target: Target::Edge(e.id.clone()),
            title,
            text,
            facts,
        }
    }

    /// Picks the edge to walk on: one leading to storage, else the first.
    fn main(&self, edges: &[&Edge]) -> usize {
        edges
            .iter()
            .position(|e| self.to_storage.contains(e.to.as_str()))
            .unwrap_or(0)
    }

    /// Walks from a Service or Ingress reached by traffic.
    fn follow(&mut self, mut at: &'a str) {
        let mut guard = self.graph.nodes.len() + 1;
        while guard > 0 {
            guard -= 1;
            if !self.visited.insert(at) {
                return;
            }
            let kind = self.graph.node(at).map(|n| n.kind.as_str()).unwrap_or("");
            let next = match kind {
                "Ingress" => self.ingress(at),
                "Service" => self.service(at),
                _ => self.workload(at),
            };
            match next {
                Some(n) => at = n,
                None => return,
            }
        }
    }

    fn ingress(&mut self, at: &'a str) -> Option<&'a str> {
        let edges: Vec<&Edge> = self.adj.from(at, "ingress-backend").collect();
        self.branch(at, &edges, |w, e| {
            format!("{} routes to {}", w.name(&e.from), w.name(&e.to))
        })
    }

    fn service(&mut self, at: &'a str) -> Option<&'a str> {
        let edges: Vec<&'a Edge> = self.adj.from(at, "service-selector").collect();
        if edges.is_empty() {
            return None;
        }
        let svc_name = self.name(at);
        let mut steps = Vec::new();
        for e in &edges {
            let w = self.obj(&e.to);
            let n = w.and_then(Object::replicas).unwrap_or(1);
            let wl = self.name(&e.to);
            let pods = if n == 1 {
                format!("the pod of {wl}")
            } else {
                format!("one of the {n} pods of {wl}")
            };
            let mut facts = Vec::new();
            if let Some(w) = w.filter(|w| w.replicas().is_some()) {
                facts.push(fact(w, "spec.replicas", n.to_string()));
            }
            steps.push(self.edge_step(
                e,
                arrow(self.graph, at, &e.to),
                format!(
                    "{svc_name} sends each request to {pods}: the pods whose labels match its selector ({}).",
                    replicas_text(n)
                ),
                facts,
            ));
            steps.extend(self.config_steps(&e.to));
        }
        let title = if edges.len() == 1 {
            arrow(self.graph, at, &edges[0].to)
        } else {
            format!(
                "{svc_name} → {}",
                edges
                    .iter()
                    .map(|e| self.name(&e.to))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        self.phases.push(Phase {
            title,
            parallel: false,
            steps,
        });
        let main = self.main(&edges);
        for (i, e) in edges.iter().enumerate() {
            if i != main {
                self.later
                    .push_back((format!("{svc_name} also → {}", self.name(&e.to)), &e.to));
            }
        }
        Some(edges[main].to.as_str())
    }

    /// The workload's ConfigMaps and Secrets, as steps.
    fn config_steps(&self, w: &str) -> Vec<Step> {
        let wl = self.name(w);
        let mut steps = Vec::new();
        for rule in ["uses-configmap", "uses-secret"] {
            for e in self.adj.from(w, rule) {
                let target = self.name(&e.to);
                let text = if rule == "uses-secret" {
                    format!("{wl} reads settings from the Secret {target} (keys are listed below; values are never shown).")
                } else {
                    format!("{wl} reads its configuration from the ConfigMap {target}.")
                };
                steps.push(self.edge_step(e, format!("{wl} reads {target}"), text, Vec::new()));
            }
        }
        steps
    }

    /// The workload's claims and the volumes they bind, as a phase.
    fn storage(&mut self, w: &'a str) {
        let wl = self.name(w);
        let mut steps = Vec::new();
        for e in self.adj.from(w, "mounts-pvc") {
            let claim = self.name(&e.to);
            let mut facts = Vec::new();
            if let Some(Body::PersistentVolumeClaim(pvc)) = self.obj(&e.to).map(|o| &o.body) {
                let o = self.obj(&e.to).expect("just found");
                if let Some(s) = pvc
                    .spec
                    .as_ref()
                    .and_then(|s| s.resources.as_ref())
                    .and_then(|r| r.requests.as_ref())
                    .and_then(|r| r.get("storage"))
                {
                    facts.push(fact(o, "spec.resources.requests.storage", s.0.clone()));
                }
            }
            steps.push(self.edge_step(
                e,
                format!("{wl} → {claim}"),
                format!("{wl} keeps its data on the PersistentVolumeClaim {claim}."),
                facts,
            ));
            for b in self.adj.from(&e.to, "pvc-binding") {
                let pv = self.name(&b.to);
                let mut facts = Vec::new();
                let mut text = format!("{claim} is bound to the PersistentVolume {pv}");
                if let Some(o) = self.obj(&b.to) {
                    if let Body::PersistentVolume(v) = &o.body {
                        let spec = v.spec.as_ref();
                        if let Some(c) = spec
                            .and_then(|s| s.capacity.as_ref())
                            .and_then(|c| c.get("storage"))
                        {
                            facts.push(fact(o, "spec.capacity.storage", c.0.clone()));
                            text.push_str(&format!(" ({})", c.0));
                        }
                        if let Some(h) = spec.and_then(|s| s.host_path.as_ref()) {
                            facts.push(fact(o, "spec.hostPath.path", h.path.clone()));
                            text.push_str(&format!(
                                ", a directory on the node at {}: the data outlives the pod",
                                h.path
                            ));
                        }
                        if let Some(p) =
                            spec.and_then(|s| s.persistent_volume_reclaim_policy.as_ref())
                        {
                            facts.push(fact(o, "spec.persistentVolumeReclaimPolicy", p.clone()));
                        }
                    }
                }
                text.push('.');
                steps.push(self.edge_step(b, format!("{claim} → {pv}"), text, facts));
            }
        }
        if !steps.is_empty() {
            self.phases.push(Phase {
                title: format!("{wl}'s storage"),
                parallel: false,
                steps,
            });
        }
    }

    fn workload(&mut self, at: &'a str) -> Option<&'a str> {
        self.storage(at);
        let edges: Vec<&Edge> = self
            .adj
            .from(at, "service-reference")
            .filter(|e| !self.visited.contains(e.to.as_str()))
            .collect();
        self.branch(at, &edges, |w, e| {
            let ports = if e.ports.is_empty() {
                String::new()
            } else {
                format!(
                    " on port {}",
                    e.ports
                        .iter()
                        .map(u16::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!(
                "{} calls {}{ports}, as its configuration says.",
                w.name(&e.from),
                w.name(&e.to)
            )
        })
    }

    /// One phase for edges leaving `at`: side by side when several. Returns the node to go on.
    fn branch(
        &mut self,
        at: &'a str,
        edges: &[&'a Edge],
        text: impl Fn(&Self, &Edge) -> String,
    ) -> Option<&'a str> {
        if edges.is_empty() {
            return None;
        }
        let from = self.name(at);
        let main = self.main(edges);
        let mut order: Vec<usize> = vec![main];
        order.extend((0..edges.len()).filter(|&i| i != main));
        let steps = order
            .iter()
            .map(|&i| {
                let e = edges[i];
                self.edge_step(e, arrow(self.graph, at, &e.to), text(self, e), Vec::new())
            })
            .collect();
        let parallel = edges.len() > 1;
        self.phases.push(Phase {
            title: if parallel {
                format!("{from} → {} routes", edges.len())
            } else {
                arrow(self.graph, at, &edges[main].to)
            },
            parallel,
            steps,
        });
        for &i in &order[1..] {
            let e = edges[i];
            self.later
                .push_back((format!("{from} also → {}", self.name(&e.to)), e.to.as_str()));
        }
        Some(edges[main].to.as_str())
    }
}

/// Nodes from which a PersistentVolumeClaim is reachable along traffic and storage edges:
/// a backward breadth-first search from the claims.
fn reaching_storage(graph: &Graph) -> BTreeSet<&str> {
    let mut back: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in &graph.edges {
        if matches!(e.family, Family::Traffic | Family::Storage | Family::Entry) {
            back.entry(e.to.as_str()).or_default().push(e.from.as_str());
        }
    }
    let mut seen: BTreeSet<&str> = graph
        .nodes
        .iter()
        .filter(|n| n.kind == "PersistentVolumeClaim")
        .map(|n| n.id.as_str())
        .to_set();
    let mut queue: VecDeque<&str> = seen.iter().copied().collect();
    while let Some(n) = queue.pop_front() {
        for &p in back.get(n).into_iter().flatten() {
            if seen.insert(p) {
                queue.push_back(p);
            }
        }
    }
    seen
}

pub(super) fn flows(model: &Model, graph: &Graph) -> Vec<Flow> {
    let adj = Adjacency::new(graph);
    let to_storage = reaching_storage(graph);
    let entries: Vec<&Edge> = adj
        .out
        .get(EXTERNAL_ID)
        .into_iter()
        .flatten()
        .copied()
        .filter(|e| e.family == Family::Entry)
        .collect();
    let mut out = Vec::new();
    for entry in entries {
        let mut walk = Walk {
            model,
            graph,
            adj: &adj,
            to_storage: &to_storage,
            visited: BTreeSet::new(),
            phases: Vec::new(),
            later: VecDeque::new(),
        };
        let svc = walk.name(&entry.to);
        let target = model.get_str(&entry.to);
        let (what, mut facts) = target.map(service_facts).unwrap_or_default();
        let port = target
            .and_then(service)
            .and_then(|s| s.spec.as_ref())
            .and_then(|s| s.ports.as_ref())
            .and_then(|p| p.first())
            .map(|p| p.port);
        let host = model
            .host_ports
            .iter()
            .find(|h| port.is_some_and(|p| i32::from(h.container) == p))
            .or_else(|| model.host_ports.first().filter(|_| port.is_none()));
        let mut text = format!("A request from outside the cluster reaches {svc}");
        if !what.is_empty() {
            text.push_str(&format!(" ({what})"));
        }
        if let Some(h) = host {
            text.push_str(&format!(
                ". The k3d load balancer publishes it on the host as localhost:{}",
                h.host
            ));
            facts.insert(
                0,
                Fact {
                    file: h.file.clone(),
                    line: 1,
                    field: "ports[].port".into(),
                    value: format!("{}:{} @ {}", h.host, h.container, h.node_filter),
                },
            );
        }
        text.push('.');
        let from = host.map_or_else(
            || "Browser".to_string(),
            |h| format!("localhost:{}", h.host),
        );
        walk.phases.push(Phase {
            title: "From outside".into(),
            parallel: false,
            steps: vec![walk.edge_step(entry, format!("{from} → {svc}"), text, facts)],
        });
        walk.follow(&entry.to);
        while let Some((title, at)) = walk.later.pop_front() {
            let before = walk.phases.len();
            walk.follow(at);
            if let Some(p) = walk.phases.get_mut(before) {
                p.title = format!("{title}: {}", p.title);
            }
        }
        out.push(Flow {
            kind: FlowKind::Traffic,
            title: format!("Traffic through {svc}"),
            summary: format!(
                "What happens to a request from outside: it enters at {svc} and follows the Services and workloads the manifests connect, down to where the data is kept."
            ),
            phases: walk.phases,
            timeline: Vec::new(),
        });
    }
    out
}

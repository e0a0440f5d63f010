//! The startup flow: the apply order (a deploy script's, else a kustomization's, else kinds in
//! dependency order), storage before pods within each step, init containers and the Services
//! they wait for, the readiness probes that gate Services, and the earliest time each workload
//! can be ready, computed from those delays (a topological pass over "waits for": linear).

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use super::{fact, label, replicas_text, seconds_text, Flow, FlowKind, Phase, Step, Target};
use crate::details::{command_text, probe_handler};
use crate::graph::Graph;
use crate::model::{Body, Model, Object};
use crate::relations::Edge;
use crate::sort::Collect;

/// One workload on the startup timeline. Times are seconds after the manifests are applied,
/// the earliest possible: image pulls and process start-up are not in the manifests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelineRow {
    pub node: String,
    pub name: String,
    /// Workloads its init containers wait for (node ids).
    pub waits_for: Vec<String>,
    /// When its main containers can start (its init containers' waits are over).
    pub start: u32,
    /// When its first readiness check can pass.
    pub ready: u32,
    /// How often its init containers poll (a start up to this much later).
    pub poll: Option<u32>,
    /// Readiness probe: initial delay and period.
    pub readiness: Option<(u32, u32)>,
    /// Set when the wait cannot end (a cycle of waits).
    pub blocked: bool,
}

/// Rank of a kind within an apply step: namespaces, storage, identities, config, Services,
/// then what runs pods, then policies.
fn rank(kind: &str) -> u8 {
    match kind {
        "Namespace" => 0,
        "StorageClass" | "PersistentVolume" | "PersistentVolumeClaim" => 1,
        "ServiceAccount" | "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => 2,
        "ConfigMap" | "Secret" => 3,
        "Service" => 4,
        k if crate::model::WORKLOAD_KINDS.contains(&k) => 5,
        _ => 6,
    }
}

/// `sleep 2` in a shell loop → 2.
fn sleep_period(cmd: &str) -> Option<u32> {
    let words: Vec<&str> = cmd
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .find(|w| w[0] == "sleep")
        .and_then(|w| w[1].trim_end_matches('s').parse().ok())
}

/// The apply steps: (title, objects in apply order).
fn apply_steps(model: &Model) -> (String, Vec<(String, Vec<&Object>)>) {
    let mut steps: Vec<(String, Vec<&Object>)> = Vec::new();
    if let Some(order) = &model.apply_order {
        let mut by_file: BTreeMap<&str, Vec<&Object>> = BTreeMap::new();
        for o in &model.objects {
            by_file.entry(o.source.path.as_str()).or_default().push(o);
        }
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        for file in &order.files {
            let rel = order.relative(file);
            let key = match rel.split_once('/') {
                Some((dir, _)) => format!("{dir}/"),
                None => rel.to_string(),
            };
            let i = *index.entry(key.clone()).or_insert_with(|| {
                steps.push((key, Vec::new()));
                steps.len() - 1
            });
            steps[i]
                .1
                .extend(by_file.remove(file.as_str()).unwrap_or_default());
        }
        let rest: Vec<&Object> = by_file.into_values().flatten().collect();
        if !rest.is_empty() {
            steps.push(("not in the apply order".into(), rest));
        }
        for (_, objs) in &mut steps {
            // Within a file, kind rank, then the order the files hold them.
            crate::sort::sort_by_key(objs, |o| {
                (rank(&o.kind), &o.source.path, o.source.doc_index)
            });
        }
        let source = order.relative(&order.source).to_string();
        return (format!("in the order {source} applies them"), steps);
    }
    let mut by_rank: BTreeMap<u8, Vec<&Object>> = BTreeMap::new();
    for o in &model.objects {
        by_rank.entry(rank(&o.kind)).or_default().push(o);
    }
    let names = [
        "namespaces",
        "storage",
        "identities and permissions",
        "configuration",
        "Services",
        "workloads",
        "policies and the rest",
    ];
    for (r, objs) in by_rank {
        steps.push((names[usize::from(r)].to_string(), objs));
    }
    (
        "in dependency order (no deploy script or kustomization names an order)".into(),
        steps,
    )
}

fn object_text(o: &Object) -> String {
    let n = &o.name;
    match &o.body {
        Body::Namespace(_) => format!("Creates the namespace {n}: the objects below live in it."),
        Body::PersistentVolume(v) => {
            let mut t = format!("Creates the PersistentVolume {n}");
            if let Some(h) = v.spec.as_ref().and_then(|s| s.host_path.as_ref()) {
                t.push_str(&format!(", a directory on the node at {}", h.path));
            }
            t.push_str(", before any pod that needs it.");
            t
        }
        Body::PersistentVolumeClaim(_) => {
            format!(
                "Creates the claim {n}; it binds a volume before the pod that mounts it starts."
            )
        }
        Body::Secret(_) => format!(
            "Creates the Secret {n}; pods that read it at start-up cannot start without it."
        ),
        Body::ConfigMap(_) => format!("Creates the ConfigMap {n}, read by pods when they start."),
        Body::Service(_) => format!(
            "Creates the Service {n}: a stable name ({n}) that sends traffic only to ready pods."
        ),
        _ => format!("Creates the {} {n}.", o.kind),
    }
}

struct Info<'a> {
    row: TimelineRow,
    init_steps: Vec<Step>,
    ready_step: Option<Step>,
    /// Waits, as workload node ids.
    deps: Vec<&'a str>,
}

/// The init containers' waits and the readiness gate of a workload.
fn workload_info<'a>(o: &Object, graph: &'a Graph, edges: &Edges<'a>) -> Info<'a> {
    let id = o.id.to_string();
    let name = o.name.clone();
    let mut init_steps = Vec::new();
    let mut deps: Vec<&str> = Vec::new();
    let mut poll = None;
    let pod = o.pod();
    for (i, c) in pod
        .iter()
        .flat_map(|p| p.spec.init_containers.iter().flatten())
        .enumerate()
    {
        let cmd = command_text(c).unwrap_or_default();
        let period = sleep_period(&cmd);
        poll = poll.max(period);
        let marker = format!("init container {}:", c.name);
        let waits: Vec<&Edge> = edges
            .refs
            .get(id.as_str())
            .into_iter()
            .flatten()
            .copied()
            .filter(|e| e.reasons.iter().any(|r| r.contains(&marker)))
            .collect();
        let mut facts = vec![fact(o, format!("initContainers[{i}].command"), cmd.clone())];
        if let Some(p) = period {
            facts.push(fact(
                o,
                format!("initContainers[{i}] poll"),
                format!("sleep {p}"),
            ));
        }
        let svc_names: Vec<String> = waits.iter().map(|e| label(graph, &e.to)).collect();
        for e in &waits {
            for s in edges.selects.get(e.to.as_str()).into_iter().flatten() {
                deps.push(s);
            }
        }
        let every = period.map_or(String::new(), |p| format!(" every {}", seconds_text(p)));
        let text = if svc_names.is_empty() {
            format!("Before {name}'s main containers start, the init container {} runs `{cmd}` to completion.", c.name)
        } else {
            format!(
                "Before {name}'s main containers start, the init container {} runs `{cmd}`{every} until {} answers. {name} cannot start before that Service has a ready pod.",
                c.name,
                svc_names.join(", ")
            )
        };
        init_steps.push(Step {
            target: waits
                .first()
                .map_or(Target::Node(id.clone()), |e| Target::Edge(e.id.clone())),
            title: format!("{name} waits: init container {}", c.name),
            text,
            facts,
        });
    }
    let mut readiness = None;
    let mut ready_step = None;
    if let Some((c, p)) = pod
        .iter()
        .flat_map(|p| p.spec.containers.iter())
        .find_map(|c| c.readiness_probe.as_ref().map(|p| (c, p)))
    {
        let delay = p
            .initial_delay_seconds
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(0);
        let period = p
            .period_seconds
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(10);
        readiness = Some((delay, period));
        let gate = edges
            .fronts
            .get(id.as_str())
            .and_then(|v| v.first())
            .copied();
        let gated = gate.map_or_else(
            || "it is marked ready".to_string(),
            |e| format!("{} starts sending it traffic", label(graph, &e.from)),
        );
        ready_step = Some(Step {
            target: gate.map_or(Target::Node(id.clone()), |e| Target::Edge(e.id.clone())),
            title: format!("{name} becomes ready"),
            text: format!(
                "The readiness probe ({}) runs first {} after the container starts, then every {}. When it passes, {gated}.",
                probe_handler(c, p),
                seconds_text(delay),
                seconds_text(period)
            ),
            facts: vec![
                fact(o, format!("containers[{}].readinessProbe.initialDelaySeconds", c.name), delay.to_string()),
                fact(o, format!("containers[{}].readinessProbe.periodSeconds", c.name), period.to_string()),
            ],
        });
    }
    crate::sort::sort(&mut deps);
    deps.dedup();
    deps.retain(|d| *d != id);
    Info {
        row: TimelineRow {
            node: id,
            name,
            waits_for: deps.iter().map(|d| d.to_string()).collect(),
            start: 0,
            ready: 0,
            poll,
            readiness,
            blocked: false,
        },
        init_steps,
        ready_step,
        deps,
    }
}

struct Edges<'g> {
    /// service-reference edges by workload.
    refs: BTreeMap<&'g str, Vec<&'g Edge>>,
    /// Workloads a Service selects.
    selects: BTreeMap<&'g str, Vec<&'g str>>,
    /// service-selector edges by workload.
    fronts: BTreeMap<&'g str, Vec<&'g Edge>>,
}

/// Earliest start and ready times: Kahn's algorithm over "waits for".
fn schedule(infos: &mut [Info<'_>]) {
    let at: BTreeMap<String, usize> = infos
        .iter()
        .enumerate()
        .map(|(i, x)| (x.row.node.clone(), i))
        .to_map();
    let mut pending: Vec<usize> = vec![0; infos.len()];
    let mut waiters: Vec<Vec<usize>> = vec![Vec::new(); infos.len()];
    for (i, x) in infos.iter().enumerate() {
        for d in &x.deps {
            if let Some(&j) = at.get(*d) {
                pending[i] += 1;
                waiters[j].push(i);
            }
        }
    }
    let mut queue: VecDeque<usize> = (0..infos.len()).filter(|&i| pending[i] == 0).collect();
    let mut done = vec![false; infos.len()];
    while let Some(i) = queue.pop_front() {
        done[i] = true;
        let row = &mut infos[i].row;
        row.ready = row.start + row.readiness.map_or(0, |(d, _)| d);
        let ready = row.ready;
        for &w in &waiters[i].clone() {
            infos[w].row.start = infos[w].row.start.max(ready);
            pending[w] -= 1;
            if pending[w] == 0 {
                queue.push_back(w);
            }
        }
    }
    for (i, x) in infos.iter_mut().enumerate() {
        x.row.blocked = !done[i];
    }
}

pub(super) fn flow(model: &Model, graph: &Graph) -> Option<Flow> {
    if model.objects.is_empty() {
        return None;
    }
    let mut edges = Edges {
        refs: BTreeMap::new(),
        selects: BTreeMap::new(),
        fronts: BTreeMap::new(),
    };
    for e in &graph.edges {
        match e.rule {
            "service-reference" => edges.refs.entry(e.from.as_str()).or_default().push(e),
            "service-selector" => {
                edges
                    .selects
                    .entry(e.from.as_str())
                    .or_default()
                    .push(e.to.as_str());
                edges.fronts.entry(e.to.as_str()).or_default().push(e);
            }
            _ => {}
        }
    }
    let (how, steps) = apply_steps(model);
    let mut infos: Vec<Info> = Vec::new();
    let mut info_of: BTreeMap<String, usize> = BTreeMap::new();
    for (_, objs) in &steps {
        for o in objs.iter().filter(|o| o.is_workload()) {
            info_of.insert(o.id.to_string(), infos.len());
            infos.push(workload_info(o, graph, &edges));
        }
    }
    schedule(&mut infos);
    let mut phases = Vec::new();
    for (n, (title, objs)) in steps.iter().enumerate() {
        let mut out = Vec::new();
        for o in objs {
            let id = o.id.to_string();
            if let Some(&i) = info_of.get(&id) {
                let info = &infos[i];
                let images = o.images();
                let mut facts = Vec::new();
                if let Some(r) = o.replicas() {
                    facts.push(fact(o, "spec.replicas", r.to_string()));
                }
                out.push(Step {
                    target: Target::Node(id.clone()),
                    title: format!("Starts {}", o.name),
                    text: format!(
                        "Creates the {} {}: {} of {}.",
                        o.kind,
                        o.name,
                        replicas_text(o.replicas().unwrap_or(1)),
                        if images.is_empty() {
                            "its containers".to_string()
                        } else {
                            images.join(", ")
                        }
                    ),
                    facts,
                });
                out.extend(info.init_steps.iter().cloned());
                if let Some(mut s) = info.ready_step.clone() {
                    let r = &info.row;
                    if r.blocked {
                        s.text.push_str(" It can never become ready: its init containers wait on each other in a cycle.");
                    } else {
                        s.text.push_str(&format!(
                            " Earliest ready: {} after apply{}.",
                            seconds_text(r.ready),
                            if r.start > 0 {
                                format!(
                                    " (it waits {} for what it depends on)",
                                    seconds_text(r.start)
                                )
                            } else {
                                String::new()
                            }
                        ));
                    }
                    out.push(s);
                }
            } else {
                out.push(Step {
                    target: Target::Node(id),
                    title: format!("Creates {} {}", o.kind, o.name),
                    text: object_text(o),
                    facts: vec![fact(o, "kind", o.kind.clone())],
                });
            }
        }
        if !out.is_empty() {
            phases.push(Phase {
                title: format!("{}. {title}", n + 1),
                parallel: false,
                steps: out,
            });
        }
    }
    Some(Flow {
        kind: FlowKind::Startup,
        title: "Startup".into(),
        summary: format!(
            "What happens when the manifests are applied, {how}: what is created, what waits for what, and the earliest each workload can be ready (image pulls and process start-up not counted)."
        ),
        phases,
        timeline: infos.into_iter().map(|i| i.row).collect(),
    })
}

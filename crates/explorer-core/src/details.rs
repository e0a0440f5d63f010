//! Everything the side panel shows about one node. Secret values never appear; literal env
//! values only when not from a Secret, not named like a secret, and after URL redaction.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Probe, Volume};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;

use crate::graph::{Graph, Node};
use crate::model::{Body, Model, Object, SourceRef};
use crate::quantity::{format_cpu, format_memory, parse_cpu, parse_memory};
use crate::redact::{is_sensitive_name, redact_text, REDACTED};
use crate::relations::{Family, Finding};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PortInfo {
    /// Container name (container ports) or port name (Service ports).
    pub owner: Option<String>,
    pub name: Option<String>,
    pub port: i32,
    /// Service ports: the target port (number or name).
    pub target_port: Option<String>,
    pub node_port: Option<i32>,
    pub protocol: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ResourceText {
    pub cpu_request: Option<String>,
    pub cpu_limit: Option<String>,
    pub memory_request: Option<String>,
    pub memory_limit: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProbeInfo {
    pub container: String,
    /// `readiness`, `liveness` or `startup`.
    pub kind: &'static str,
    /// `GET /api/health :5000`, `exec pg_isready -U x`, `tcp 5432`, `grpc 9090`.
    pub handler: String,
    pub initial_delay_seconds: Option<i32>,
    pub period_seconds: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnvInfo {
    pub container: String,
    pub name: String,
    /// `literal`, `secret flask-secret`, `configmap x`, `field metadata.name`, `resource limits.cpu`.
    pub source: String,
    /// Literal values only (redacted as needed); never a Secret's value.
    pub value: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountInfo {
    pub container: String,
    pub mount_path: String,
    pub volume: String,
    /// `configmap nginx-config`, `secret x`, `pvc postgres-pvc`, `emptyDir`, `hostPath /x`.
    pub source: String,
    pub read_only: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContainerInfo {
    pub name: String,
    pub image: Option<String>,
    pub init: bool,
    /// Init container with restartPolicy Always.
    pub sidecar: bool,
    /// Command and args joined (URL credentials removed).
    pub command: Option<String>,
    pub resources: ResourceText,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceInfo {
    pub type_: String,
    pub cluster_ip: Option<String>,
    pub ports: Vec<PortInfo>,
    pub selector: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EdgeInfo {
    pub id: String,
    pub rule: &'static str,
    pub family: Family,
    /// The node at the other end.
    pub other: String,
    pub provenance: String,
    pub reasons: Vec<String>,
}

/// A kind-specific fact (`storage request` → `2Gi`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeDetails {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub source: Option<SourceRef>,
    pub replicas: Option<u32>,
    pub group: Option<String>,
    pub parent: Option<String>,
    pub images: Vec<String>,
    pub ports: Vec<PortInfo>,
    pub containers: Vec<ContainerInfo>,
    pub init_containers: Vec<ContainerInfo>,
    pub probes: Vec<ProbeInfo>,
    pub env: Vec<EnvInfo>,
    /// `secret flask-secret (in flask-app)`.
    pub env_from: Vec<String>,
    pub volume_mounts: Vec<MountInfo>,
    pub service: Option<ServiceInfo>,
    pub config_keys: Vec<String>,
    /// Keys only; values never.
    pub secret_keys: Vec<String>,
    pub facts: Vec<Fact>,
    pub edges_out: Vec<EdgeInfo>,
    pub edges_in: Vec<EdgeInfo>,
    pub findings: Vec<Finding>,
}

fn int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

fn quantity_text(
    raw: Option<&String>,
    parse: fn(&str) -> Result<u64, crate::quantity::QuantityError>,
    fmt: fn(u64) -> String,
) -> Option<String> {
    let raw = raw?;
    Some(parse(raw).map(fmt).unwrap_or_else(|_| raw.clone()))
}

fn resource_text(c: &Container) -> ResourceText {
    let r = c.resources.as_ref();
    let get = |limits: bool, key: &str| {
        let map = if limits {
            r.and_then(|r| r.limits.as_ref())
        } else {
            r.and_then(|r| r.requests.as_ref())
        };
        map.and_then(|m| m.get(key)).map(|q| q.0.clone())
    };
    ResourceText {
        cpu_request: quantity_text(get(false, "cpu").as_ref(), parse_cpu, format_cpu),
        cpu_limit: quantity_text(get(true, "cpu").as_ref(), parse_cpu, format_cpu),
        memory_request: quantity_text(get(false, "memory").as_ref(), parse_memory, format_memory),
        memory_limit: quantity_text(get(true, "memory").as_ref(), parse_memory, format_memory),
    }
}

pub(crate) fn command_text(c: &Container) -> Option<String> {
    let parts: Vec<&str> = c
        .command
        .iter()
        .flatten()
        .chain(c.args.iter().flatten())
        .map(String::as_str)
        .collect();
    (!parts.is_empty()).then(|| redact_text(&parts.join(" ")).into_owned())
}

/// A named port resolved through the container's ports (`http` → `5000`).
fn port_text(c: &Container, port: &IntOrString) -> String {
    match port {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(name) => c
            .ports
            .iter()
            .flatten()
            .find(|p| p.name.as_deref() == Some(name))
            .map_or_else(|| name.clone(), |p| p.container_port.to_string()),
    }
}

pub(crate) fn probe_handler(c: &Container, p: &Probe) -> String {
    if let Some(h) = &p.http_get {
        let scheme = h
            .scheme
            .as_deref()
            .filter(|s| *s != "HTTP")
            .map(|s| format!("{s} "))
            .unwrap_or_default();
        return format!(
            "{scheme}GET {} :{}",
            h.path.as_deref().unwrap_or("/"),
            port_text(c, &h.port)
        );
    }
    if let Some(e) = &p.exec {
        let parts = e.command.as_deref().unwrap_or(&[]);
        // `sh -c 'script'` shows as the script.
        let is_shell = |w: &str| {
            matches!(
                w.rsplit('/').next(),
                Some("sh" | "bash" | "ash" | "dash" | "zsh")
            )
        };
        let cmd = match parts {
            [sh, flag, rest @ ..]
                if is_shell(sh)
                    && flag.starts_with('-')
                    && flag.contains('c')
                    && !rest.is_empty() =>
            {
                rest.join(" ")
            }
            _ => parts.join(" "),
        };
        return format!("exec {}", redact_text(&cmd));
    }
    if let Some(t) = &p.tcp_socket {
        return format!("tcp {}", port_text(c, &t.port));
    }
    if let Some(g) = &p.grpc {
        return format!("grpc {}", g.port);
    }
    "unknown".to_string()
}

fn volume_source(v: &Volume) -> String {
    if let Some(cm) = &v.config_map {
        return format!("configmap {}", cm.name);
    }
    if let Some(s) = &v.secret {
        return format!("secret {}", s.secret_name.as_deref().unwrap_or(""));
    }
    if let Some(p) = &v.persistent_volume_claim {
        return format!("pvc {}", p.claim_name);
    }
    if v.empty_dir.is_some() {
        return "emptyDir".into();
    }
    if let Some(h) = &v.host_path {
        return format!("hostPath {}", h.path);
    }
    if let Some(p) = &v.projected {
        let parts: Vec<String> = p
            .sources
            .iter()
            .flatten()
            .filter_map(|s| {
                s.config_map
                    .as_ref()
                    .map(|c| format!("configmap {}", c.name))
                    .or_else(|| s.secret.as_ref().map(|x| format!("secret {}", x.name)))
                    .or_else(|| {
                        s.service_account_token
                            .as_ref()
                            .map(|_| "serviceAccountToken".to_string())
                    })
                    .or_else(|| s.downward_api.as_ref().map(|_| "downwardAPI".to_string()))
            })
            .collect();
        return format!("projected {}", parts.join(", "));
    }
    if v.downward_api.is_some() {
        return "downwardAPI".into();
    }
    if v.ephemeral.is_some() {
        return "ephemeral".into();
    }
    if v.csi.is_some() {
        return "csi".into();
    }
    "other".into()
}

fn container_info(c: &Container, init: bool) -> ContainerInfo {
    ContainerInfo {
        name: c.name.clone(),
        image: c.image.clone(),
        init,
        sidecar: init && c.restart_policy.as_deref() == Some("Always"),
        command: command_text(c),
        resources: resource_text(c),
    }
}

fn env_info(c: &Container, out: &mut Vec<EnvInfo>, env_from: &mut Vec<String>) {
    for e in c.env.iter().flatten() {
        let (source, value) = match &e.value_from {
            None => {
                let v = e.value.clone().unwrap_or_default();
                let shown = if is_sensitive_name(&e.name) && !v.is_empty() {
                    REDACTED.to_string()
                } else {
                    redact_text(&v).into_owned()
                };
                ("literal".to_string(), Some(shown))
            }
            Some(vf) => {
                let src = if let Some(k) = &vf.secret_key_ref {
                    format!("secret {} key {}", k.name, k.key)
                } else if let Some(k) = &vf.config_map_key_ref {
                    format!("configmap {} key {}", k.name, k.key)
                } else if let Some(f) = &vf.field_ref {
                    format!("field {}", f.field_path)
                } else if let Some(r) = &vf.resource_field_ref {
                    format!("resource {}", r.resource)
                } else {
                    "other".to_string()
                };
                (src, None)
            }
        };
        out.push(EnvInfo {
            container: c.name.clone(),
            name: e.name.clone(),
            source,
            value,
        });
    }
    for ef in c.env_from.iter().flatten() {
        let prefix = ef
            .prefix
            .as_deref()
            .map(|p| format!(" prefix {p}"))
            .unwrap_or_default();
        if let Some(s) = &ef.secret_ref {
            env_from.push(format!("secret {}{prefix} (in {})", s.name, c.name));
        }
        if let Some(cm) = &ef.config_map_ref {
            env_from.push(format!("configmap {}{prefix} (in {})", cm.name, c.name));
        }
    }
}

fn empty(node: &Node) -> NodeDetails {
    NodeDetails {
        id: node.id.clone(),
        kind: node.kind.clone(),
        name: node.name.clone(),
        namespace: node.namespace.clone(),
        labels: node.labels.clone(),
        source: None,
        replicas: node.replicas,
        group: node.group.clone(),
        parent: node.parent.clone(),
        images: Vec::new(),
        ports: Vec::new(),
        containers: Vec::new(),
        init_containers: Vec::new(),
        probes: Vec::new(),
        env: Vec::new(),
        env_from: Vec::new(),
        volume_mounts: Vec::new(),
        service: None,
        config_keys: Vec::new(),
        secret_keys: Vec::new(),
        facts: Vec::new(),
        edges_out: Vec::new(),
        edges_in: Vec::new(),
        findings: Vec::new(),
    }
}

fn fill_pod(o: &Object, d: &mut NodeDetails) {
    let Some(pod) = o.pod() else { return };
    // The last volume of a name, as the API server keeps (a pod has a handful).
    let volume = |name: &str| pod.spec.volumes.iter().flatten().rfind(|v| v.name == name);
    for (init, c) in pod
        .spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| (true, c))
        .chain(pod.spec.containers.iter().map(|c| (false, c)))
    {
        if let Some(img) = &c.image {
            if !d.images.contains(img) {
                d.images.push(img.clone());
            }
        }
        let info = container_info(c, init);
        if init {
            d.init_containers.push(info);
        } else {
            d.containers.push(info);
        }
        for p in c.ports.iter().flatten() {
            d.ports.push(PortInfo {
                owner: Some(c.name.clone()),
                name: p.name.clone(),
                port: p.container_port,
                target_port: None,
                node_port: None,
                protocol: p.protocol.clone().unwrap_or_else(|| "TCP".into()),
            });
        }
        for (kind, probe) in [
            ("readiness", &c.readiness_probe),
            ("liveness", &c.liveness_probe),
            ("startup", &c.startup_probe),
        ] {
            if let Some(p) = probe {
                d.probes.push(ProbeInfo {
                    container: c.name.clone(),
                    kind,
                    handler: probe_handler(c, p),
                    initial_delay_seconds: p.initial_delay_seconds,
                    period_seconds: p.period_seconds,
                });
            }
        }
        env_info(c, &mut d.env, &mut d.env_from);
        for m in c.volume_mounts.iter().flatten() {
            d.volume_mounts.push(MountInfo {
                container: c.name.clone(),
                mount_path: m.mount_path.clone(),
                volume: m.name.clone(),
                source: volume(&m.name).map_or_else(|| "missing volume".to_string(), volume_source),
                read_only: m.read_only.unwrap_or(false),
            });
        }
    }
    if let Some(sa) = pod.spec.service_account_name.as_deref() {
        d.facts.push(Fact {
            label: "serviceAccountName".into(),
            value: sa.into(),
        });
    }
}

fn fact(d: &mut NodeDetails, label: &str, value: impl Into<String>) {
    d.facts.push(Fact {
        label: label.to_string(),
        value: value.into(),
    });
}

fn fill_kind(o: &Object, d: &mut NodeDetails) {
    match &o.body {
        Body::Service(s) => {
            let spec = s.spec.clone().unwrap_or_default();
            let ports: Vec<PortInfo> = spec
                .ports
                .iter()
                .flatten()
                .map(|p| PortInfo {
                    owner: None,
                    name: p.name.clone(),
                    port: p.port,
                    target_port: p.target_port.as_ref().map(int_or_string),
                    node_port: p.node_port,
                    protocol: p.protocol.clone().unwrap_or_else(|| "TCP".into()),
                })
                .collect();
            d.ports.extend(ports.iter().cloned());
            d.service = Some(ServiceInfo {
                type_: spec.type_.clone().unwrap_or_else(|| "ClusterIP".into()),
                cluster_ip: spec.cluster_ip.clone(),
                ports,
                selector: spec.selector.clone().unwrap_or_default(),
            });
        }
        Body::ConfigMap(cm) => {
            d.config_keys = cm
                .data
                .iter()
                .flat_map(|m| m.keys())
                .chain(cm.binary_data.iter().flat_map(|m| m.keys()))
                .cloned()
                .collect();
            crate::sort::sort(&mut d.config_keys);
        }
        Body::Secret(s) => {
            d.secret_keys = s
                .data
                .iter()
                .flat_map(|m| m.keys())
                .chain(s.string_data.iter().flat_map(|m| m.keys()))
                .cloned()
                .collect();
            crate::sort::sort(&mut d.secret_keys);
            d.secret_keys.dedup();
            if let Some(t) = &s.type_ {
                fact(d, "type", t.clone());
            }
        }
        Body::PersistentVolumeClaim(c) => {
            if let Some(spec) = &c.spec {
                if let Some(q) = spec
                    .resources
                    .as_ref()
                    .and_then(|r| r.requests.as_ref())
                    .and_then(|r| r.get("storage"))
                {
                    fact(d, "storage request", q.0.clone());
                }
                fact(
                    d,
                    "storageClassName",
                    spec.storage_class_name
                        .clone()
                        .unwrap_or_else(|| "(default)".into()),
                );
                if let Some(m) = &spec.access_modes {
                    fact(d, "accessModes", m.join(", "));
                }
                if let Some(v) = &spec.volume_name {
                    fact(d, "volumeName", v.clone());
                }
            }
        }
        Body::PersistentVolume(v) => {
            if let Some(spec) = &v.spec {
                if let Some(q) = spec.capacity.as_ref().and_then(|c| c.get("storage")) {
                    fact(d, "capacity", q.0.clone());
                }
                if let Some(h) = &spec.host_path {
                    fact(d, "hostPath", h.path.clone());
                }
                if let Some(r) = &spec.persistent_volume_reclaim_policy {
                    fact(d, "reclaimPolicy", r.clone());
                }
                if let Some(m) = &spec.access_modes {
                    fact(d, "accessModes", m.join(", "));
                }
                fact(
                    d,
                    "storageClassName",
                    spec.storage_class_name.clone().unwrap_or_default(),
                );
            }
        }
        Body::Role(r) => {
            for rule in r.rules.iter().flatten() {
                fact(d, "rule", rule_text(rule));
            }
        }
        Body::ClusterRole(r) => {
            for rule in r.rules.iter().flatten() {
                fact(d, "rule", rule_text(rule));
            }
        }
        Body::HorizontalPodAutoscaler(h) => {
            fact(
                d,
                "scaleTargetRef",
                format!(
                    "{} {}",
                    h.spec.scale_target_ref.kind, h.spec.scale_target_ref.name
                ),
            );
            fact(
                d,
                "replicas",
                format!(
                    "{}..{}",
                    h.spec.min_replicas.unwrap_or(1),
                    h.spec.max_replicas
                ),
            );
        }
        Body::NetworkPolicy(np) => {
            if let Some(spec) = &np.spec {
                let sel = spec.pod_selector.clone().unwrap_or_default();
                fact(d, "podSelector", crate::index::describe_selector(&sel));
                if let Some(t) = &spec.policy_types {
                    fact(d, "policyTypes", t.join(", "));
                }
            }
        }
        Body::CronJob(c) => fact(d, "schedule", c.spec.schedule.clone()),
        _ => {}
    }
}

fn rule_text(rule: &k8s_openapi::api::rbac::v1::PolicyRule) -> String {
    let groups = rule
        .api_groups
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .map(|g| {
            if g.is_empty() {
                "core".to_string()
            } else {
                g.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    format!(
        "{} {} [{}]",
        rule.verbs.join(","),
        rule.resources.as_deref().unwrap_or(&[]).join(","),
        groups
    )
}

/// Details of the node `id` (an object of the model or `External//internet`).
pub fn describe(model: &Model, graph: &Graph, id: &str) -> Option<NodeDetails> {
    let node = graph.node(id)?;
    let mut d = empty(node);
    if let Some(o) = model.get_str(id) {
        d.source = Some(o.source.clone());
        fill_pod(o, &mut d);
        fill_kind(o, &mut d);
    }
    let info = |e: &crate::relations::Edge, other: &str| EdgeInfo {
        id: e.id.clone(),
        rule: e.rule,
        family: e.family,
        other: other.to_string(),
        provenance: e.provenance.clone(),
        reasons: e.reasons.clone(),
    };
    d.edges_out = graph.outgoing(id).map(|e| info(e, &e.to)).collect();
    d.edges_in = graph.incoming(id).map(|e| info(e, &e.from)).collect();
    d.findings = graph.findings_for(id).cloned().collect();
    Some(d)
}

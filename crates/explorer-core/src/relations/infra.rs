//! Structural rules: selectors, storage binding, RBAC, entry points, policies, autoscaling.

use k8s_openapi::api::networking::v1::IngressBackend;

use crate::index::{describe_selector, Index};
use crate::model::{Body, Object, ObjectId};

use super::{Emit, Severity, SELECTOR_NO_MATCH};

pub(super) fn service_selector(index: &Index, o: &Object, emit: &mut Emit) {
    let Body::Service(s) = &o.body else { return };
    let Some(selector) = s
        .spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .filter(|s| !s.is_empty())
    else {
        return;
    };
    let text = selector
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let targets = index.service_targets(o);
    if targets.is_empty() {
        emit.finding(
            SELECTOR_NO_MATCH,
            &o.id,
            Severity::Warning,
            format!("selector {text} matches no workload in the set"),
        );
    }
    for t in targets {
        emit.edge(&o.id, &t.id, format!("{}: selector {text}", o.name));
    }
}

pub(super) fn pvc_binding(index: &Index, o: &Object, emit: &mut Emit) {
    let Body::PersistentVolumeClaim(c) = &o.body else {
        return;
    };
    if let Some((pv, why)) = index.pv_for_pvc(&o.id) {
        emit.edge(&o.id, &pv.id, why.to_string());
    } else if let Some(vn) = c.spec.as_ref().and_then(|s| s.volume_name.as_deref()) {
        emit.broken(
            &o.id,
            Severity::Error,
            format!("volumeName {vn}: PersistentVolume {vn} is not in the set"),
        );
    }
}

pub(super) fn uses_serviceaccount(index: &Index, o: &Object, emit: &mut Emit) {
    let Some(pod) = o.pod() else { return };
    let Some(sa) = pod
        .spec
        .service_account_name
        .as_deref()
        .or(pod.spec.service_account.as_deref())
        .filter(|s| !s.is_empty())
    else {
        return;
    };
    match index.get("ServiceAccount", o.namespace.as_deref(), sa) {
        Some(t) => emit.edge(&o.id, &t.id, format!("{}: serviceAccountName {sa}", o.name)),
        None if sa != "default" => emit.broken(
            &o.id,
            Severity::Error,
            format!(
                "serviceAccountName {sa}: ServiceAccount {}/{sa} is not in the set",
                o.namespace.as_deref().unwrap_or("")
            ),
        ),
        None => {}
    }
}

fn binding_parts(
    o: &Object,
) -> Option<(
    &k8s_openapi::api::rbac::v1::RoleRef,
    &[k8s_openapi::api::rbac::v1::Subject],
)> {
    match &o.body {
        Body::RoleBinding(b) => Some((&b.role_ref, b.subjects.as_deref().unwrap_or(&[]))),
        Body::ClusterRoleBinding(b) => Some((&b.role_ref, b.subjects.as_deref().unwrap_or(&[]))),
        _ => None,
    }
}

pub(super) fn binding_role(index: &Index, o: &Object, emit: &mut Emit) {
    let Some((role_ref, _)) = binding_parts(o) else {
        return;
    };
    let ns = match role_ref.kind.as_str() {
        "Role" => o.namespace.as_deref(),
        _ => None,
    };
    match index.get(&role_ref.kind, ns, &role_ref.name) {
        Some(t) => emit.edge(
            &o.id,
            &t.id,
            format!("{}: roleRef {} {}", o.name, role_ref.kind, role_ref.name),
        ),
        None => emit.broken(
            &o.id,
            Severity::Warning,
            format!(
                "roleRef {} {} is not in the set",
                role_ref.kind, role_ref.name
            ),
        ),
    }
}

pub(super) fn binding_subject(index: &Index, o: &Object, emit: &mut Emit) {
    let Some((_, subjects)) = binding_parts(o) else {
        return;
    };
    for s in subjects.iter().filter(|s| s.kind == "ServiceAccount") {
        let ns = s
            .namespace
            .as_deref()
            .or(o.namespace.as_deref())
            .unwrap_or("default");
        match index.get("ServiceAccount", Some(ns), &s.name) {
            Some(t) => emit.edge(
                &o.id,
                &t.id,
                format!("{}: subject ServiceAccount {ns}/{}", o.name, s.name),
            ),
            None if s.name != "default" => emit.broken(
                &o.id,
                Severity::Warning,
                format!("subject ServiceAccount {ns}/{} is not in the set", s.name),
            ),
            None => {}
        }
    }
}

pub(super) fn entry(index: &Index, o: &Object, emit: &mut Emit) {
    let external = ObjectId::external();
    match &o.body {
        Body::Service(s) => {
            let Some(spec) = s.spec.as_ref() else { return };
            let ty = spec.type_.as_deref().unwrap_or("ClusterIP");
            if ty != "LoadBalancer" && ty != "NodePort" {
                return;
            }
            let ports = spec.ports.as_deref().unwrap_or(&[]);
            let mut parts = vec![format!("type {ty}")];
            for p in ports {
                let mut text = format!("port {}", p.port);
                if let Some(np) = p.node_port {
                    text.push_str(&format!(" (nodePort {np})"));
                }
                parts.push(text);
            }
            if ty == "LoadBalancer" {
                for hp in &index.model.host_ports {
                    let lb = hp
                        .node_filter
                        .split(',')
                        .any(|f| f.starts_with("loadbalancer"));
                    if lb && ports.iter().any(|p| i32::from(hp.container) == p.port) {
                        parts.push(format!("k3d: localhost:{} → {}", hp.host, hp.container));
                    }
                }
            }
            emit.edge(
                &external,
                &o.id,
                format!("{}: {}", o.name, parts.join(", ")),
            );
        }
        Body::Ingress(i) => {
            let hosts: Vec<String> = i
                .spec
                .iter()
                .flat_map(|s| s.rules.iter().flatten())
                .filter_map(|r| r.host.clone())
                .collect();
            let text = if hosts.is_empty() {
                "any host".to_string()
            } else {
                format!("host {}", hosts.join(", "))
            };
            emit.edge(&external, &o.id, format!("{}: ingress {text}", o.name));
        }
        _ => {}
    }
    let _ = index;
}

fn backend_text(b: &IngressBackend) -> Option<(String, String)> {
    let svc = b.service.as_ref()?;
    let port = svc
        .port
        .as_ref()
        .and_then(|p| p.number.map(|n| n.to_string()).or_else(|| p.name.clone()));
    Some((
        svc.name.clone(),
        match port {
            Some(p) => format!("{}:{p}", svc.name),
            None => svc.name.clone(),
        },
    ))
}

pub(super) fn ingress_backend(index: &Index, o: &Object, emit: &mut Emit) {
    let Body::Ingress(i) = &o.body else { return };
    let Some(spec) = &i.spec else { return };
    let mut backends: Vec<(String, &IngressBackend)> = Vec::new();
    if let Some(b) = &spec.default_backend {
        backends.push(("default backend".into(), b));
    }
    for r in spec.rules.iter().flatten() {
        for p in r.http.iter().flat_map(|h| h.paths.iter()) {
            let host = r.host.as_deref().unwrap_or("*");
            let path = p.path.as_deref().unwrap_or("/");
            backends.push((format!("{host}{path}"), &p.backend));
        }
    }
    for (route, b) in backends {
        let Some((name, text)) = backend_text(b) else {
            continue;
        };
        match index.service(o.namespace.as_deref().unwrap_or("default"), &name) {
            Some(t) => emit.edge(&o.id, &t.id, format!("{}: {route} → {text}", o.name)),
            None => emit.broken(
                &o.id,
                Severity::Error,
                format!("backend Service {name} ({route}) is not in the set"),
            ),
        }
    }
}

pub(super) fn network_policy(index: &Index, o: &Object, emit: &mut Emit) {
    let Body::NetworkPolicy(np) = &o.body else {
        return;
    };
    let Some(spec) = &np.spec else { return };
    let ns = o.namespace.as_deref().unwrap_or("default");
    let sel = spec.pod_selector.clone().unwrap_or_default();
    let text = describe_selector(&sel);
    let types = spec.policy_types.as_deref().unwrap_or(&[]).join(",");
    for w in index.select_label_selector(ns, &sel) {
        let mut reason = format!("{}: podSelector {text}", o.name);
        if !types.is_empty() {
            reason.push_str(&format!(" ({types})"));
        }
        emit.edge(&o.id, &w.id, reason);
    }
}

pub(super) fn network_policy_peer(index: &Index, o: &Object, emit: &mut Emit) {
    let Body::NetworkPolicy(np) = &o.body else {
        return;
    };
    let Some(spec) = &np.spec else { return };
    let ns = o.namespace.as_deref().unwrap_or("default");
    for rule in spec.ingress.iter().flatten() {
        for peer in rule.from.iter().flatten() {
            // Only peers in the policy's own namespace (no namespaceSelector) are resolved.
            if peer.namespace_selector.is_some() {
                continue;
            }
            let Some(sel) = &peer.pod_selector else {
                continue;
            };
            for w in index.select_label_selector(ns, sel) {
                emit.edge(
                    &o.id,
                    &w.id,
                    format!(
                        "{}: ingress from podSelector {}",
                        o.name,
                        describe_selector(sel)
                    ),
                );
            }
        }
    }
}

pub(super) fn autoscales(index: &Index, o: &Object, emit: &mut Emit) {
    let Body::HorizontalPodAutoscaler(h) = &o.body else {
        return;
    };
    let t = &h.spec.scale_target_ref;
    let range = format!(
        "{}..{} replicas",
        h.spec.min_replicas.unwrap_or(1),
        h.spec.max_replicas
    );
    match index.get(&t.kind, o.namespace.as_deref(), &t.name) {
        Some(w) => emit.edge(
            &o.id,
            &w.id,
            format!("{}: scaleTargetRef {} {}, {range}", o.name, t.kind, t.name),
        ),
        None => emit.broken(
            &o.id,
            Severity::Warning,
            format!("scaleTargetRef {} {} is not in the set", t.kind, t.name),
        ),
    }
}

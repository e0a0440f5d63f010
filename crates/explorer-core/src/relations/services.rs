//! `service-reference`: configuration of a workload that names a Service.

use serde_yaml::Value;

use crate::index::{HostResolution, Index};
use crate::model::Object;
use crate::redact::is_sensitive_name;

use super::config::consumed_values;
use super::scan::{is_nginx_conf, scan_command, scan_nginx, scan_value, Hit};
use super::{Emit, Severity};

/// Emits an edge to the Service a hit resolves to, or a finding when it names a missing one.
/// A Service that selects the workload itself is skipped (self-reference).
pub(super) fn resolve_hit(
    index: &Index,
    o: &Object,
    emit: &mut Emit,
    hit: &Hit,
    reason: String,
    what: &str,
) {
    let ns = o.namespace.as_deref().unwrap_or("default");
    match index.resolve_host(&hit.host, ns) {
        HostResolution::Service(svc) => {
            if index.service_targets(svc).iter().any(|t| t.id == o.id) {
                return;
            }
            let ports: Vec<u16> = hit.port.into_iter().collect();
            emit.edge_ports(o.id.to_string(), svc.id.to_string(), reason, &ports);
        }
        HostResolution::Missing if hit.strong || hit.host.contains('.') => emit.broken(
            &o.id,
            Severity::Warning,
            format!(
                "{what} names host {} but no such Service is in the set",
                hit.host_port()
            ),
        ),
        _ => {}
    }
}

/// Config files handled by the metrics rules.
pub(super) fn is_metrics_config(key: &str, value: &str) -> bool {
    is_yaml_key(key) && (value.contains("scrape_configs") || value.contains("datasources"))
}

pub(crate) fn is_yaml_key(key: &str) -> bool {
    key.ends_with(".yml") || key.ends_with(".yaml") || key.ends_with(".json")
}

/// Parses a config file value as YAML (JSON is YAML) under a node budget.
pub(crate) fn parse_config_yaml(value: &str) -> Option<Value> {
    crate::yaml::parse_value(value, value.len().saturating_mul(4).saturating_add(1000)).ok()
}

fn walk_yaml<'v>(v: &'v Value, key: &str, out: &mut Vec<(String, &'v str)>) {
    match v {
        Value::String(s) => out.push((key.to_string(), s)),
        Value::Sequence(seq) => seq.iter().for_each(|x| walk_yaml(x, key, out)),
        Value::Mapping(m) => {
            for (k, x) in m {
                let k = crate::yaml::scalar_string(k).unwrap_or_default();
                walk_yaml(x, &k, out);
            }
        }
        Value::Tagged(t) => walk_yaml(&t.value, key, out),
        _ => {}
    }
}

pub(super) fn service_reference(index: &Index, o: &Object, emit: &mut Emit) {
    let Some(pod) = o.pod() else { return };
    // Literal env values.
    for c in pod.all_containers() {
        for e in c.env.iter().flatten() {
            let Some(v) = e.value.as_deref() else {
                continue;
            };
            if is_sensitive_name(&e.name) {
                continue;
            }
            for hit in scan_value(&[&e.name], v) {
                let reason = format!("{}: env {} → {}", o.name, e.name, hit.host_port());
                resolve_hit(index, o, emit, &hit, reason, &format!("env {}", e.name));
            }
        }
    }
    // Container and init container commands.
    let inits = pod
        .spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| ("init container", c));
    let apps = pod.spec.containers.iter().map(|c| ("container", c));
    for (role, c) in inits.chain(apps) {
        let parts: Vec<String> = c
            .command
            .iter()
            .flatten()
            .chain(c.args.iter().flatten())
            .cloned()
            .collect();
        for hit in scan_command(&parts) {
            let evidence = hit.evidence.clone().unwrap_or_else(|| hit.host_port());
            let reason = format!("{} {role} {}: {evidence}", o.name, c.name);
            resolve_hit(
                index,
                o,
                emit,
                &hit,
                reason,
                &format!("{role} {} command", c.name),
            );
        }
    }
    // ConfigMap / Secret values the workload consumes.
    for cv in consumed_values(index, o) {
        let src = &cv.source.name;
        let what = format!("{} {src} key {}", cv.source.kind, cv.key);
        if is_nginx_conf(&cv.key, &cv.value) {
            for hit in scan_nginx(&cv.value) {
                let reason = format!("{src}: {}", hit.evidence.clone().unwrap_or_default());
                resolve_hit(index, o, emit, &hit, reason, &what);
            }
            continue;
        }
        if is_metrics_config(&cv.key, &cv.value) {
            continue;
        }
        if is_yaml_key(&cv.key) && cv.value.contains('\n') {
            if let Some(doc) = parse_config_yaml(&cv.value) {
                let mut strings = Vec::new();
                walk_yaml(&doc, "", &mut strings);
                for (k, s) in strings {
                    for hit in scan_value(&[&k], s) {
                        let reason = format!("{src}: {} {k} → {}", cv.key, hit.host_port());
                        resolve_hit(index, o, emit, &hit, reason, &what);
                    }
                }
                continue;
            }
        }
        let mut keys: Vec<&str> = vec![&cv.key];
        if let Some(env) = &cv.env_name {
            keys.push(env);
        }
        for hit in scan_value(&keys, &cv.value) {
            let reason = format!("{src}: {} → {}", cv.key, hit.host_port());
            resolve_hit(index, o, emit, &hit, reason, &what);
        }
    }
}

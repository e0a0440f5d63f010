//! Metrics relations: Prometheus scrape configs and Grafana datasources.

use std::collections::BTreeMap;

use serde_yaml::Value;

use crate::index::Index;
use crate::model::{Body, Object};
use crate::netref::{is_local_or_ip, parse_url, split_host_port};
use crate::yaml::scalar_string;

use super::config::consumed_values;
use super::regex::Regex;
use super::scan::Hit;
use super::services::{is_yaml_key, parse_config_yaml, resolve_hit};
use super::{Emit, Severity, INVALID_RELABEL_REGEX};

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Sequence(s)) => s.iter().filter_map(scalar_string).collect(),
        Some(v) => scalar_string(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Prometheus' label name sanitising: anything but `[A-Za-z0-9_]` becomes `_`.
fn sanitize(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn lookup(map: Option<&BTreeMap<String, String>>, sanitized: &str) -> Option<String> {
    map?.iter()
        .find(|(k, _)| sanitize(k) == sanitized)
        .map(|(_, v)| v.clone())
}

/// One scrape target candidate: a workload's container port, optionally behind a Service.
struct Target<'a> {
    workload: &'a Object,
    service: Option<&'a Object>,
    container: Option<&'a k8s_openapi::api::core::v1::Container>,
    port: Option<&'a k8s_openapi::api::core::v1::ContainerPort>,
    /// Service port name (endpoints/service roles).
    service_port: Option<String>,
}

/// The container ports of the kept targets, for the edge label.
fn container_ports(targets: &[Target<'_>]) -> Vec<u16> {
    targets
        .iter()
        .filter_map(|t| t.port.and_then(|p| u16::try_from(p.container_port).ok()))
        .collect()
}

/// The discovery meta label of a target. `None` when the label is not modelled.
fn meta_label(name: &str, t: &Target<'_>) -> Option<String> {
    let pod = t.workload.pod()?;
    let present = |v: Option<String>| {
        Some(if v.is_some() {
            "true".to_string()
        } else {
            String::new()
        })
    };
    let service = t.service;
    if name == "__meta_kubernetes_namespace" {
        return Some(t.workload.namespace.clone().unwrap_or_default());
    }
    if let Some(l) = name.strip_prefix("__meta_kubernetes_pod_labelpresent_") {
        return present(lookup(pod.labels, l));
    }
    if let Some(l) = name.strip_prefix("__meta_kubernetes_pod_label_") {
        return Some(lookup(pod.labels, l).unwrap_or_default());
    }
    if let Some(a) = name.strip_prefix("__meta_kubernetes_pod_annotationpresent_") {
        return present(lookup(pod.annotations, a));
    }
    if let Some(a) = name.strip_prefix("__meta_kubernetes_pod_annotation_") {
        return Some(lookup(pod.annotations, a).unwrap_or_default());
    }
    match name {
        "__meta_kubernetes_pod_container_name" => return t.container.map(|c| c.name.clone()),
        "__meta_kubernetes_pod_container_init" => return Some("false".into()),
        "__meta_kubernetes_pod_container_port_name" => {
            return Some(t.port.and_then(|p| p.name.clone()).unwrap_or_default())
        }
        "__meta_kubernetes_pod_container_port_number" => {
            return Some(
                t.port
                    .map(|p| p.container_port.to_string())
                    .unwrap_or_default(),
            )
        }
        "__meta_kubernetes_pod_container_port_protocol" => {
            return Some(
                t.port
                    .and_then(|p| p.protocol.clone())
                    .unwrap_or_else(|| "TCP".into()),
            )
        }
        "__meta_kubernetes_service_name" | "__meta_kubernetes_endpoints_name" => {
            return service.map(|s| s.name.clone())
        }
        "__meta_kubernetes_service_port_name" | "__meta_kubernetes_endpoint_port_name" => {
            return t.service_port.clone()
        }
        _ => {}
    }
    if let Some(l) = name.strip_prefix("__meta_kubernetes_service_labelpresent_") {
        return present(lookup(Some(&service?.labels), l));
    }
    if let Some(l) = name.strip_prefix("__meta_kubernetes_service_label_") {
        return Some(lookup(Some(&service?.labels), l).unwrap_or_default());
    }
    if let Some(a) = name.strip_prefix("__meta_kubernetes_service_annotation_") {
        return Some(lookup(Some(&service?.annotations), a).unwrap_or_default());
    }
    None
}

fn pod_targets(w: &Object) -> Vec<Target<'_>> {
    let mut out = Vec::new();
    let Some(pod) = w.pod() else { return out };
    for c in &pod.spec.containers {
        let ports = c.ports.as_deref().unwrap_or(&[]);
        if ports.is_empty() {
            out.push(Target {
                workload: w,
                service: None,
                container: Some(c),
                port: None,
                service_port: None,
            });
        }
        for p in ports {
            out.push(Target {
                workload: w,
                service: None,
                container: Some(c),
                port: Some(p),
                service_port: None,
            });
        }
    }
    out
}

fn service_targets<'a>(svc: &'a Object, w: &'a Object) -> Vec<Target<'a>> {
    let Body::Service(s) = &svc.body else {
        return Vec::new();
    };
    let ports = s
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_deref())
        .unwrap_or(&[]);
    let mut out: Vec<Target> = ports
        .iter()
        .map(|p| Target {
            workload: w,
            service: Some(svc),
            container: None,
            port: None,
            service_port: Some(p.name.clone().unwrap_or_default()),
        })
        .collect();
    if out.is_empty() {
        out.push(Target {
            workload: w,
            service: Some(svc),
            container: None,
            port: None,
            service_port: None,
        });
    }
    out
}

/// A keep/drop relabel rule we can evaluate.
struct Filter {
    keep: bool,
    sources: Vec<String>,
    separator: String,
    regex: Regex,
    text: String,
}

/// The keep/drop rules of a job, and the message of each regex that does not compile.
fn filters(job: &Value) -> (Vec<Filter>, Vec<String>) {
    let Some(Value::Sequence(rules)) = job.get("relabel_configs") else {
        return (Vec::new(), Vec::new());
    };
    let mut invalid = Vec::new();
    let filters = rules
        .iter()
        .filter_map(|r| {
            let action = r
                .get("action")
                .and_then(scalar_string)
                .unwrap_or_else(|| "replace".into());
            let keep = match action.as_str() {
                "keep" => true,
                "drop" => false,
                _ => return None,
            };
            let sources = strings(r.get("source_labels"));
            if sources.is_empty() || !sources.iter().all(|s| s.starts_with("__meta_kubernetes_")) {
                return None;
            }
            let pattern = r
                .get("regex")
                .and_then(scalar_string)
                .unwrap_or_else(|| "(.*)".into());
            let regex = match Regex::new(&pattern) {
                Ok(r) => r,
                Err(e) => {
                    invalid.push(format!("relabel regex {pattern:?} cannot be used: {e}"));
                    return None;
                }
            };
            let separator = r
                .get("separator")
                .and_then(scalar_string)
                .unwrap_or_else(|| ";".into());
            let text = format!(
                "{} {}={pattern}",
                if keep { "keep" } else { "drop" },
                sources.join(separator.as_str())
            );
            Some(Filter {
                keep,
                sources,
                separator,
                regex,
                text,
            })
        })
        .collect();
    (filters, invalid)
}

/// Whether a target passes the filters: every evaluable keep matches, no evaluable drop
/// matches, and at least one keep was evaluable. Filters on unmodelled labels are skipped.
fn passes(filters: &[Filter], t: &Target<'_>) -> bool {
    let mut kept = false;
    for f in filters {
        let values: Option<Vec<String>> = f.sources.iter().map(|s| meta_label(s, t)).collect();
        let Some(values) = values else { continue };
        let matched = f.regex.full_match(&values.join(f.separator.as_str()));
        if matched != f.keep {
            return false;
        }
        kept |= f.keep;
    }
    kept
}

fn kubernetes_sd(
    index: &Index,
    o: &Object,
    emit: &mut Emit,
    src: &str,
    job: &Value,
    job_name: &str,
) {
    let Some(Value::Sequence(sds)) = job.get("kubernetes_sd_configs") else {
        return;
    };
    let (filters, invalid) = filters(job);
    if !invalid.is_empty() {
        // A rule that cannot be evaluated makes every target of the job uncertain.
        for message in invalid {
            emit.finding(
                INVALID_RELABEL_REGEX,
                &o.id,
                Severity::Warning,
                format!("{src}: job {job_name}: {message}; the job's targets are not drawn"),
            );
        }
        return;
    }
    if !filters.iter().any(|f| f.keep) {
        // Without a keep rule every pod would be a target: too vague to draw.
        return;
    }
    let provenance = format!(
        "{src}: job {job_name} {}",
        filters
            .iter()
            .map(|f| f.text.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for sd in sds {
        let role = sd.get("role").and_then(scalar_string).unwrap_or_default();
        let names = strings(sd.get("namespaces").and_then(|n| n.get("names")));
        let own = sd
            .get("namespaces")
            .and_then(|n| n.get("own_namespace"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut namespaces: Vec<String> = if names.is_empty() && !own {
            index
                .workload_namespaces()
                .into_iter()
                .map(str::to_string)
                .collect()
        } else {
            names
        };
        if own {
            namespaces.extend(o.namespace.clone());
        }
        for ns in &namespaces {
            match role.as_str() {
                "pod" => {
                    for w in index.workloads_in(ns) {
                        let kept: Vec<Target> = pod_targets(w)
                            .into_iter()
                            .filter(|t| passes(&filters, t))
                            .collect();
                        if w.id != o.id && !kept.is_empty() {
                            let ports = container_ports(&kept);
                            emit.edge_ports(
                                o.id.to_string(),
                                w.id.to_string(),
                                provenance.clone(),
                                &ports,
                            );
                        }
                    }
                }
                "endpoints" | "endpointslice" | "service" => {
                    for svc in index.services_in(ns) {
                        for w in index.service_targets(svc) {
                            if w.id != o.id
                                && service_targets(svc, w).iter().any(|t| passes(&filters, t))
                            {
                                emit.edge(&o.id, &w.id, provenance.clone());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

pub(super) fn prometheus_scrape(index: &Index, o: &Object, emit: &mut Emit) {
    for cv in consumed_values(index, o) {
        if !is_yaml_key(&cv.key) || !cv.value.contains("scrape_configs") {
            continue;
        }
        let Some(doc) = parse_config_yaml(&cv.value) else {
            continue;
        };
        let Some(Value::Sequence(jobs)) = doc.get("scrape_configs") else {
            continue;
        };
        let src = cv.source.name.as_str();
        for job in jobs {
            let job_name = job
                .get("job_name")
                .and_then(scalar_string)
                .unwrap_or_default();
            if let Some(Value::Sequence(statics)) = job.get("static_configs") {
                for target in statics.iter().flat_map(|s| strings(s.get("targets"))) {
                    let (host, port) = match split_host_port(&target) {
                        Some((h, p)) => (h.to_string(), Some(p)),
                        None => (target.clone(), None),
                    };
                    if is_local_or_ip(&host) {
                        continue;
                    }
                    let hit = Hit {
                        host,
                        port,
                        strong: true,
                        evidence: None,
                    };
                    let reason = format!("{src}: job {job_name} target {target}");
                    let what = format!("{} {src} scrape job {job_name}", cv.source.kind);
                    resolve_hit(index, o, emit, &hit, reason, &what);
                }
            }
            kubernetes_sd(index, o, emit, src, job, &job_name);
        }
    }
}

pub(super) fn grafana_datasource(index: &Index, o: &Object, emit: &mut Emit) {
    for cv in consumed_values(index, o) {
        if !is_yaml_key(&cv.key) || !cv.value.contains("datasources") {
            continue;
        }
        let Some(doc) = parse_config_yaml(&cv.value) else {
            continue;
        };
        let Some(Value::Sequence(sources)) = doc.get("datasources") else {
            continue;
        };
        let src = cv.source.name.as_str();
        for ds in sources {
            let Some(url) = ds.get("url").and_then(scalar_string) else {
                continue;
            };
            let Some(u) = parse_url(url.trim()) else {
                continue;
            };
            let name = ds.get("name").and_then(scalar_string).unwrap_or_default();
            let hit = Hit {
                host: u.host.to_string(),
                port: u.port_number(),
                strong: true,
                evidence: None,
            };
            let reason = format!("{src}: datasource {name} url {}", u.origin());
            let what = format!("{} {src} datasource {name}", cv.source.kind);
            resolve_hit(index, o, emit, &hit, reason, &what);
        }
    }
}

//! The redacted bundle: one multi-document YAML that [`crate::load::load_sources`] reads back
//! with the same graph.

use serde_yaml::{Mapping, Value};

use crate::model::{Body, Model};
use crate::redact::redact_model;

fn body_yaml(body: &Body) -> Result<String, serde_yaml::Error> {
    match body {
        Body::Namespace(x) => serde_yaml::to_string(x),
        Body::Deployment(x) => serde_yaml::to_string(x),
        Body::StatefulSet(x) => serde_yaml::to_string(x),
        Body::DaemonSet(x) => serde_yaml::to_string(x),
        Body::Job(x) => serde_yaml::to_string(x),
        Body::CronJob(x) => serde_yaml::to_string(x),
        Body::Pod(x) => serde_yaml::to_string(x),
        Body::Service(x) => serde_yaml::to_string(x),
        Body::Ingress(x) => serde_yaml::to_string(x),
        Body::ConfigMap(x) => serde_yaml::to_string(x),
        Body::Secret(x) => serde_yaml::to_string(x),
        Body::PersistentVolume(x) => serde_yaml::to_string(x),
        Body::PersistentVolumeClaim(x) => serde_yaml::to_string(x),
        Body::ServiceAccount(x) => serde_yaml::to_string(x),
        Body::Role(x) => serde_yaml::to_string(x),
        Body::ClusterRole(x) => serde_yaml::to_string(x),
        Body::RoleBinding(x) => serde_yaml::to_string(x),
        Body::ClusterRoleBinding(x) => serde_yaml::to_string(x),
        Body::NetworkPolicy(x) => serde_yaml::to_string(x),
        Body::HorizontalPodAutoscaler(x) => serde_yaml::to_string(x),
        Body::Generic(v) => serde_yaml::to_string(v),
    }
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// The k3d config reduced to its port mappings.
fn k3d_doc(model: &Model) -> Option<String> {
    if model.host_ports.is_empty() {
        return None;
    }
    let ports: Vec<Value> = model
        .host_ports
        .iter()
        .map(|hp| {
            let mut m = Mapping::new();
            m.insert(
                "port".into(),
                format!("{}:{}", hp.host, hp.container).into(),
            );
            let filters: Vec<Value> = hp
                .node_filter
                .split(',')
                .filter(|f| !f.is_empty())
                .map(Value::from)
                .collect();
            m.insert("nodeFilters".into(), Value::Sequence(filters));
            Value::Mapping(m)
        })
        .collect();
    let mut doc = Mapping::new();
    doc.insert("apiVersion".into(), "k3d.io/v1alpha5".into());
    doc.insert("kind".into(), "Simple".into());
    doc.insert("ports".into(), Value::Sequence(ports));
    serde_yaml::to_string(&Value::Mapping(doc)).ok()
}

/// Redacts the model and writes every object (sorted by id) as one YAML document preceded by
/// `# source: path#doc_index:line`, plus the k3d port mappings.
///
/// Bodies are written as decoded: load with the full decoder (`load::Decoder::Full`, the
/// default with the `full-decode` feature) to keep every field. A lean-decoded model writes
/// only the fields the explorer reads (enough to give the same graph back, no more).
pub fn write_bundle(model: &Model) -> String {
    let redacted = redact_model(model);
    let mut out = String::from("# Redacted manifest bundle written by explorer: Secret values and URL credentials removed.\n");
    for o in &redacted.objects {
        let Ok(yaml) = body_yaml(&o.body) else {
            continue;
        };
        out.push_str("---\n# source: ");
        out.push_str(&one_line(&o.source.path));
        out.push('#');
        out.push_str(&o.source.doc_index.to_string());
        out.push(':');
        out.push_str(&o.source.line.to_string());
        out.push('\n');
        out.push_str(&yaml);
    }
    if let Some(k3d) = k3d_doc(&redacted) {
        out.push_str("---\n# source: k3d\n");
        out.push_str(&k3d);
    }
    out
}

//! The redacted bundle: one multi-document YAML that [`crate::load::load_sources`] reads back
//! with the same graph, and the same load errors when they were kept (`--keep-going`).

use serde_yaml::{Mapping, Value};

use crate::index::Index;
use crate::model::{LoadError, Model};
use crate::redact::{redact_text, redacted_value};

/// `apiVersion` and `kind` of the bundle document that carries load errors to the SPA.
pub const ERRORS_API_VERSION: &str = "explorer/v1";
pub const ERRORS_KIND: &str = "LoadErrors";
/// `kind` of the bundle document that carries the apply order (same `apiVersion`).
pub const ORDER_KIND: &str = "ApplyOrder";

fn order_doc(model: &Model) -> Option<String> {
    let order = model.apply_order.as_ref()?;
    let mut doc = Mapping::new();
    doc.insert("apiVersion".into(), ERRORS_API_VERSION.into());
    doc.insert("kind".into(), ORDER_KIND.into());
    doc.insert("source".into(), one_line(&order.source).into());
    doc.insert("base".into(), one_line(&order.base).into());
    let files = order
        .files
        .iter()
        .map(|f| Value::from(one_line(f)))
        .collect();
    doc.insert("files".into(), Value::Sequence(files));
    serde_yaml::to_string(&Value::Mapping(doc)).ok()
}

/// The apply order a bundle carries.
pub(crate) fn read_order(doc: &Value) -> Option<crate::model::ApplyOrder> {
    let text = |k: &str| doc.get(k).and_then(Value::as_str).map(str::to_string);
    let files: Vec<String> = match doc.get("files") {
        Some(Value::Sequence(files)) => files
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    Some(crate::model::ApplyOrder {
        source: text("source")?,
        base: text("base").unwrap_or_default(),
        files,
    })
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// A k3d config reduced to its port mappings: those read from `file`.
fn k3d_doc(model: &Model, file: &str) -> Option<String> {
    let ports: Vec<Value> = model
        .host_ports
        .iter()
        .filter(|hp| hp.file == file)
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
    if ports.is_empty() {
        return None;
    }
    let mut doc = Mapping::new();
    doc.insert("apiVersion".into(), "k3d.io/v1alpha5".into());
    doc.insert("kind".into(), "Simple".into());
    doc.insert("ports".into(), Value::Sequence(ports));
    serde_yaml::to_string(&Value::Mapping(doc)).ok()
}

/// A load error's message as the bundle may carry it: decoder messages can quote the
/// document's values, so quoted text is elided when the document is a Secret or the quote is
/// long, and URL credentials are removed.
pub fn servable_message(message: &str) -> String {
    let secret = message.starts_with("invalid Secret ");
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('"');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let rest: Vec<&str> = parts.collect();
    // An odd number of quotes leaves the last part open: elide it too.
    for (i, part) in rest.iter().enumerate() {
        let quoted = i % 2 == 0;
        out.push('"');
        if quoted && (secret || part.chars().count() > 40 || i + 1 == rest.len()) {
            out.push('…');
        } else {
            out.push_str(part);
        }
    }
    redact_text(&out).into_owned()
}

fn errors_doc(errors: &[LoadError]) -> Option<String> {
    if errors.is_empty() {
        return None;
    }
    let items: Vec<Value> = errors
        .iter()
        .map(|e| {
            let mut m = Mapping::new();
            m.insert("path".into(), one_line(&e.path).into());
            m.insert("document".into(), (e.doc_index as u64).into());
            m.insert("line".into(), (e.line as u64).into());
            m.insert("message".into(), servable_message(&e.message).into());
            Value::Mapping(m)
        })
        .collect();
    let mut doc = Mapping::new();
    doc.insert("apiVersion".into(), ERRORS_API_VERSION.into());
    doc.insert("kind".into(), ERRORS_KIND.into());
    doc.insert("errors".into(), Value::Sequence(items));
    serde_yaml::to_string(&Value::Mapping(doc)).ok()
}

/// Redacts the model and writes every object (sorted by id) as one YAML document preceded by
/// `# source: path#doc_index:line`, the k3d port mappings, and the load errors (a
/// `LoadErrors` document; the CLI writes a bundle with errors only when asked to keep going).
pub fn write_bundle(model: &Model) -> String {
    let index = Index::new(model);
    let mut out = String::from("# Redacted manifest bundle written by explorer: Secret values and URL credentials removed.\n");
    for o in &model.objects {
        let value = redacted_value(o, &index);
        if value.is_null() {
            continue;
        }
        let Ok(yaml) = serde_yaml::to_string(&value) else {
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
    // One document per k3d config read, under its own path, so that facts name that file.
    let mut k3d_files: Vec<&str> = model.host_ports.iter().map(|hp| hp.file.as_str()).collect();
    crate::sort::sort(&mut k3d_files);
    k3d_files.dedup();
    for file in k3d_files {
        if let Some(k3d) = k3d_doc(model, file) {
            out.push_str("---\n# source: ");
            out.push_str(&one_line(if file.is_empty() { "k3d" } else { file }));
            out.push_str("#0\n");
            out.push_str(&k3d);
        }
    }
    if let Some(order) = order_doc(model) {
        out.push_str("---\n# source: apply order\n");
        out.push_str(&order);
    }
    if let Some(errors) = errors_doc(&model.errors) {
        out.push_str("---\n# source: load errors\n");
        out.push_str(&errors);
    }
    out
}

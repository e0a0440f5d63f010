//! Loading multi-document YAML from many files into a [`Model`].

use std::collections::BTreeMap;

use serde_yaml::Value;

use crate::bundle::{ERRORS_API_VERSION, ERRORS_KIND};
use crate::model::{is_cluster_scoped, Body, HostPort, Object, ObjectId, SourceRef};
pub use crate::model::{LoadError, Model};
use crate::sort::Collect;
use crate::yaml::{is_blank, parse_value, scalar_string, split_documents, Chunk};

/// One input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub path: String,
    pub text: String,
}

impl Source {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            path: path.into(),
            text: text.into(),
        }
    }

    /// A file's bytes as a source: UTF-8 (a byte-order mark is dropped later), or the error
    /// a user sees for it, the same in the CLI and in the browser.
    pub fn from_bytes(path: impl Into<String>, bytes: Vec<u8>) -> Result<Source, LoadError> {
        let path = path.into();
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source { path, text }),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.as_bytes();
                let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
                Err(LoadError {
                    path,
                    doc_index: 0,
                    line,
                    message: format!(
                        "not UTF-8 text: invalid byte 0x{:02x} at offset {at}; Kubernetes manifests are UTF-8",
                        bytes[at]
                    ),
                })
            }
        }
    }
}

/// Limits applied while loading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    /// Total input size in bytes above which loading is refused.
    pub max_total_bytes: usize,
    /// YAML nodes a document may expand to, per byte of its text (aliases included).
    pub node_budget_per_byte: usize,
    /// Documents (in all files together) above which loading is refused.
    pub max_documents: usize,
}

/// A whole cluster's manifests are a few thousand documents; 20,000 load in well under a
/// second. Past that the diagram would be unreadable anyway.
pub const DEFAULT_MAX_DOCUMENTS: usize = 20_000;

/// 20 MB.
pub const DEFAULT_MAX_TOTAL_BYTES: usize = 20 * 1000 * 1000;

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_total_bytes: DEFAULT_MAX_TOTAL_BYTES,
            node_budget_per_byte: 4,
            max_documents: DEFAULT_MAX_DOCUMENTS,
        }
    }
}

/// Loads every document of every source with default limits.
pub fn load_sources(sources: &[Source]) -> Model {
    load_sources_with(sources, &LoadOptions::default())
}

/// Loads every document of every source. Bad documents become [`LoadError`]s and do not
/// stop the others. Objects are sorted by id; a duplicate id keeps the first object.
pub fn load_sources_with(sources: &[Source], options: &LoadOptions) -> Model {
    let total: usize = sources.iter().map(|s| s.text.len()).sum();
    // A whole input refused before any of it is parsed: one error, at line 0.
    let refused = |message: String| Model {
        errors: vec![LoadError {
            path: sources.first().map(|s| s.path.clone()).unwrap_or_default(),
            doc_index: 0,
            line: 0,
            message,
        }],
        ..Model::default()
    };
    if total > options.max_total_bytes {
        return refused(format!(
            "input too large: {total} bytes in {} file(s), the limit is {} bytes",
            sources.len(),
            options.max_total_bytes
        ));
    }
    // Split first (linear), so that a set with too many documents is refused before any is
    // parsed.
    let split: Vec<(&Source, Vec<Chunk<'_>>)> = sources
        .iter()
        .filter(|s| !is_kustomization_file(&s.path) && !crate::order::is_script(&s.path))
        .map(|s| {
            let text = s.text.strip_prefix('\u{feff}').unwrap_or(&s.text);
            (s, split_documents(text))
        })
        .collect();
    let documents: usize = split.iter().map(|(_, chunks)| chunks.len()).sum();
    if documents > options.max_documents {
        return refused(format!(
            "too many documents: {documents} in {} file(s), the limit is {}; load a part of the set",
            sources.len(),
            options.max_documents
        ));
    }
    let mut loader = Loader::new();
    for (source, chunks) in split {
        for (doc_index, chunk) in chunks.into_iter().enumerate() {
            loader.load_chunk(&source.path, doc_index, chunk, options);
        }
    }
    let mut model = loader.finish();
    // The order names files that hold objects (not the k3d config a script also names).
    let bundled = model.apply_order.take();
    model.apply_order = crate::order::apply_order(sources)
        .or(bundled)
        .map(|mut order| {
            let with_objects: std::collections::BTreeSet<&str> = model
                .objects
                .iter()
                .map(|o| o.source.path.as_str())
                .to_set();
            order.files.retain(|f| with_objects.contains(f.as_str()));
            order
        });
    model
}

struct Loader {
    apply_order: Option<crate::model::ApplyOrder>,
    objects: Vec<Object>,
    host_ports: Vec<HostPort>,
    errors: Vec<LoadError>,
}

fn is_kustomization_file(path: &str) -> bool {
    crate::order::is_kustomization(path)
}

/// `# source: path#doc_index:line` (or `path#doc_index`) written by the bundle.
fn bundle_source_comment(text: &str) -> Option<(String, usize, Option<usize>)> {
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with("---") {
            continue;
        }
        let rest = t.strip_prefix("# source: ")?;
        let (path, pos) = rest.rsplit_once('#')?;
        let (idx, line) = match pos.split_once(':') {
            Some((i, l)) => (i, l.trim().parse().ok()),
            None => (pos, None),
        };
        return Some((path.to_string(), idx.trim().parse().ok()?, line));
    }
    None
}

impl Loader {
    fn new() -> Self {
        Loader {
            apply_order: None,
            objects: Vec::new(),
            host_ports: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn error(&mut self, path: &str, doc_index: usize, line: usize, message: String) {
        self.errors.push(LoadError {
            path: path.to_string(),
            doc_index,
            line,
            message,
        });
    }

    fn load_chunk(
        &mut self,
        path: &str,
        doc_index: usize,
        chunk: Chunk<'_>,
        options: &LoadOptions,
    ) {
        if is_blank(chunk.text) {
            return;
        }
        let budget = chunk
            .text
            .len()
            .saturating_mul(options.node_budget_per_byte)
            .saturating_add(10_000);
        let value = match parse_value(chunk.text, budget) {
            Ok(v) => v,
            Err(e) => {
                let line = e.line.map_or(chunk.line, |l| chunk.line + l - 1);
                let tab = e
                    .line
                    .and_then(|l| chunk.text.lines().nth(l - 1))
                    .is_some_and(|l| l.trim_start_matches(' ').starts_with('\t'));
                let hint = if tab && e.message.contains("cannot start any token") {
                    " (a tab indents this line: YAML indents with spaces only)"
                } else {
                    ""
                };
                self.error(
                    path,
                    doc_index,
                    line,
                    format!("invalid YAML: {}{hint}", without_position(&e.message)),
                );
                return;
            }
        };
        if value.is_null() {
            return;
        }
        let source = match bundle_source_comment(chunk.text) {
            Some((p, i, line)) => SourceRef {
                path: p,
                doc_index: i,
                line: line.unwrap_or(chunk.line),
            },
            None => SourceRef {
                path: path.to_string(),
                doc_index,
                line: chunk.line,
            },
        };
        self.load_value(value, chunk, &source, path, doc_index);
    }

    fn load_value(
        &mut self,
        value: Value,
        chunk: Chunk<'_>,
        source: &SourceRef,
        path: &str,
        doc_index: usize,
    ) {
        // Errors point at the document, or at the list item, in the file that was read.
        let at = if source.path == path {
            source.line
        } else {
            chunk.line
        };
        let Value::Mapping(map) = &value else {
            let what = match &value {
                Value::Sequence(_) => "a list",
                Value::Mapping(_) => "a mapping",
                Value::Tagged(_) => "a tagged value",
                _ => "a bare scalar",
            };
            self.error(
                path,
                doc_index,
                at,
                format!("not a Kubernetes object: the document is {what}, expected a mapping with apiVersion and kind"),
            );
            return;
        };
        let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
        if api_version.is_empty() || kind.is_empty() {
            self.error(
                path,
                doc_index,
                at,
                "not a Kubernetes object: missing apiVersion or kind".into(),
            );
            return;
        }
        if api_version.starts_with("kustomize.config.k8s.io") && kind == "Kustomization" {
            return;
        }
        if api_version.starts_with("k3d.io/") && kind == "Simple" {
            self.host_ports.extend(k3d_host_ports(&value, &source.path));
            return;
        }
        if api_version == ERRORS_API_VERSION && kind == crate::bundle::ORDER_KIND {
            self.apply_order = crate::bundle::read_order(&value);
            return;
        }
        if api_version == ERRORS_API_VERSION && kind == ERRORS_KIND {
            self.bundled_errors(map.get("errors"));
            return;
        }
        // `kind: List` and the typed lists kubectl accepts (`ConfigMapList`, `RoleList`, …):
        // each item loads as a document of its own, at its own line.
        if kind.ends_with("List") {
            let items = match map.get("items") {
                Some(Value::Sequence(items)) => items.clone(),
                None | Some(Value::Null) => Vec::new(),
                Some(_) => {
                    self.error(
                        path,
                        doc_index,
                        at,
                        format!("invalid {kind}: items is not a list"),
                    );
                    return;
                }
            };
            let lines = if source.path == path {
                item_lines(chunk.text, items.len())
            } else {
                Vec::new()
            };
            for (i, item) in items.into_iter().enumerate() {
                let item_source = match lines.get(i) {
                    Some(l) => SourceRef {
                        line: chunk.line + l - 1,
                        ..source.clone()
                    },
                    None => source.clone(),
                };
                self.load_value(item, chunk, &item_source, path, doc_index);
            }
            return;
        }
        let (api_version, kind) = (api_version.to_string(), kind.to_string());
        let meta = map.get("metadata");
        let name = meta
            .and_then(|m| m.get("name"))
            .and_then(scalar_string)
            .unwrap_or_default();
        if name.is_empty() {
            self.error(path, doc_index, at, format!("{kind} has no metadata.name"));
            return;
        }
        let namespace = if is_cluster_scoped(&kind) {
            None
        } else {
            Some(
                meta.and_then(|m| m.get("namespace"))
                    .and_then(scalar_string)
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "default".to_string()),
            )
        };
        let labels = string_map(meta.and_then(|m| m.get("labels")));
        let annotations = string_map(meta.and_then(|m| m.get("annotations")));
        // A list item has no text of its own to re-parse for a line: its errors point at it.
        let text = if at == chunk.line { chunk.text } else { "" };
        let body = match Body::decode(&api_version, &kind, value, text) {
            Ok(b) => b,
            Err((line, message)) => {
                let line = line.map_or(at, |l| chunk.line + l - 1);
                self.error(
                    path,
                    doc_index,
                    line,
                    format!("invalid {kind} {name}: {}", without_position(&message)),
                );
                return;
            }
        };
        self.objects.push(Object {
            id: ObjectId::new(&kind, namespace.as_deref(), &name),
            api_version,
            kind,
            namespace,
            name,
            labels,
            annotations,
            source: source.clone(),
            body,
        });
    }

    /// The load errors a bundle written with `--keep-going` carries.
    fn bundled_errors(&mut self, errors: Option<&Value>) {
        let Some(Value::Sequence(errors)) = errors else {
            return;
        };
        for e in errors {
            let number = |k: &str| e.get(k).and_then(Value::as_u64).unwrap_or(0) as usize;
            let text = |k: &str| e.get(k).and_then(scalar_string).unwrap_or_default();
            self.errors.push(LoadError {
                path: text("path"),
                doc_index: number("document"),
                line: number("line"),
                message: text("message"),
            });
        }
    }

    fn finish(mut self) -> Model {
        // Stable sort keeps load order among duplicates; the first one wins.
        crate::sort::sort_by(&mut self.objects, |a, b| a.id.cmp(&b.id));
        let mut objects: Vec<Object> = Vec::with_capacity(self.objects.len());
        for o in self.objects {
            match objects.last() {
                Some(prev) if prev.id == o.id => self.errors.push(LoadError {
                    path: o.source.path.clone(),
                    doc_index: o.source.doc_index,
                    line: o.source.line,
                    message: format!(
                        "duplicate object {} (first defined in {}#{}); ignored",
                        o.id, prev.source.path, prev.source.doc_index
                    ),
                }),
                _ => objects.push(o),
            }
        }
        crate::sort::sort(&mut self.host_ports);
        self.host_ports.dedup();
        crate::sort::sort(&mut self.errors);
        Model {
            objects,
            host_ports: self.host_ports,
            apply_order: self.apply_order,
            errors: self.errors,
        }
    }
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(Value::Mapping(m)) = v {
        for (k, v) in m {
            if let (Some(k), Some(v)) = (scalar_string(k), scalar_string(v)) {
                out.insert(k, v);
            }
        }
    }
    out
}

/// serde_yaml's ` at line L column C` counts lines inside the document; the error already
/// carries the line in the file, so only the column is kept.
fn without_position(message: &str) -> String {
    let Some(at) = message.find(" at line ") else {
        return message.to_string();
    };
    let rest = &message[at + " at line ".len()..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let Some(col) = rest[digits..].strip_prefix(" column ") else {
        return message.to_string();
    };
    let col_digits = col.bytes().take_while(u8::is_ascii_digit).count();
    format!(
        "{} (column {}){}",
        &message[..at],
        &col[..col_digits],
        &col[col_digits..]
    )
}

/// The 1-based lines (inside `text`) where the `n` entries of a top-level block sequence
/// `items:` start; empty when they cannot be told apart (a flow sequence, another layout), and
/// then every item points at its document. One pass over the lines.
fn item_lines(text: &str, n: usize) -> Vec<usize> {
    let mut lines = text.lines().enumerate();
    let found = lines.by_ref().any(|(_, l)| {
        l.strip_prefix("items:")
            .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'))
    });
    if !found {
        return Vec::new();
    }
    let mut indent = None;
    let mut out = Vec::new();
    for (i, line) in lines {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let col = line.len() - t.len();
        let is_entry = t == "-" || t.starts_with("- ");
        match indent {
            None if is_entry => indent = Some(col),
            None => break,
            Some(k) if col < k || (col == k && !is_entry) => break,
            _ => {}
        }
        if indent == Some(col) && is_entry {
            out.push(i + 1);
        }
    }
    if out.len() == n {
        out
    } else {
        Vec::new()
    }
}

/// `ports: - port: "[ip:]8889:80[/tcp]"  nodeFilters: [loadbalancer]` of a k3d Simple config.
fn k3d_host_ports(config: &Value, path: &str) -> Vec<HostPort> {
    let mut out = Vec::new();
    let Some(Value::Sequence(ports)) = config.get("ports") else {
        return out;
    };
    for entry in ports {
        let Some(spec) = entry.get("port").and_then(scalar_string) else {
            continue;
        };
        let filters: Vec<String> = match entry.get("nodeFilters") {
            Some(Value::Sequence(f)) => f.iter().filter_map(scalar_string).collect(),
            _ => Vec::new(),
        };
        if let Some((host, container)) = parse_port_mapping(&spec) {
            out.push(HostPort {
                host,
                container,
                node_filter: filters.join(","),
                file: path.to_string(),
            });
        }
    }
    out
}

/// `8889:80`, `0.0.0.0:8889:80/tcp` → (8889, 80).
pub fn parse_port_mapping(spec: &str) -> Option<(u16, u16)> {
    let spec = spec.split('/').next()?;
    let mut parts = spec.rsplit(':');
    let container = parts.next()?.trim().parse().ok()?;
    let host = parts.next()?.trim().parse().ok()?;
    Some((host, container))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_mappings() {
        assert_eq!(parse_port_mapping("8889:80"), Some((8889, 80)));
        assert_eq!(parse_port_mapping("0.0.0.0:8889:80/tcp"), Some((8889, 80)));
        assert_eq!(parse_port_mapping("80"), None);
        assert_eq!(parse_port_mapping("x:80"), None);
    }

    #[test]
    fn kustomization_files_are_ignored() {
        let m = load_sources(&[Source::new(
            "k8s/kustomization.yaml",
            "resources:\n- a.yml\n",
        )]);
        assert!(m.objects.is_empty() && m.errors.is_empty());
    }
}

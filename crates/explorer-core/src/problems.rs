//! Every problem found in a set of manifests, in one list: load errors (file, document,
//! line), the relation rules' findings (broken references, selectors that match nothing,
//! unusable relabel regexes, …), invalid quantities and missing resources. The CLI's `lint`
//! prints it and the SPA's findings view shows it, so both always say the same thing.

use serde::Serialize;

use crate::graph::Graph;
use crate::model::Model;
use crate::relations::Severity;
use crate::resources::ResourceTable;

/// Where a problem is, in the files that were read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub path: String,
    /// The document's number in its file, counted from 1 (as every message says it).
    pub document: usize,
    /// 1-based line (0: the whole input).
    pub line: usize,
}

/// One problem.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// `load`, `broken-reference`, `invalid-quantity`, `missing-resources`, …
    pub rule: String,
    /// The graph node (`Kind/namespace/name`) it is about, when there is one.
    pub object: Option<String>,
    pub location: Option<Location>,
    pub message: String,
}

/// How many problems of each severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn of(problems: &[Problem]) -> Counts {
        let mut c = Counts::default();
        for p in problems {
            match p.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }

    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

/// Every problem, errors first, then by location and object.
pub fn collect(model: &Model, graph: &Graph, resources: &ResourceTable) -> Vec<Problem> {
    let located = |object: &str| {
        model.get_str(object).map(|o| Location {
            path: o.source.path.clone(),
            document: o.source.doc_index + 1,
            line: o.source.line,
        })
    };
    let mut out: Vec<Problem> = Vec::new();
    for e in &model.errors {
        out.push(Problem {
            severity: Severity::Error,
            rule: "load".into(),
            object: None,
            location: Some(Location {
                path: e.path.clone(),
                document: e.doc_index + 1,
                line: e.line,
            }),
            message: e.message.clone(),
        });
    }
    for f in &graph.findings {
        out.push(Problem {
            severity: f.severity,
            rule: f.rule.to_string(),
            object: Some(f.object.clone()),
            location: located(&f.object),
            message: f.message.clone(),
        });
    }
    for e in &resources.errors {
        out.push(Problem {
            severity: Severity::Error,
            rule: "invalid-quantity".into(),
            object: Some(e.workload.clone()),
            location: located(&e.workload),
            message: format!("container {}: {}", e.container, e.message),
        });
    }
    for r in &resources.rows {
        for m in &r.missing {
            out.push(Problem {
                severity: Severity::Warning,
                rule: "missing-resources".into(),
                object: Some(r.workload.clone()),
                location: located(&r.workload),
                message: m.clone(),
            });
        }
    }
    crate::sort::sort(&mut out); // full keys: equal problems are identical
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load_sources, Source};

    #[test]
    fn load_errors_findings_and_quantities_are_all_listed() {
        let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: c
        image: web:1
        envFrom: [{secretRef: {name: missing}}]
        resources: {requests: {cpu: lots, memory: 1Gi}, limits: {cpu: '1', memory: 1Gi}}
---
kind: [
";
        let model = load_sources(&[Source::new("a.yaml", text)]);
        let graph = crate::graph::build(&model);
        let table = crate::resources::table(&model);
        let problems = collect(&model, &graph, &table);
        let rules: Vec<&str> = problems.iter().map(|p| p.rule.as_str()).collect();
        assert!(rules.contains(&"load"), "{rules:?}");
        assert!(rules.contains(&"broken-reference"), "{rules:?}");
        assert!(rules.contains(&"invalid-quantity"), "{rules:?}");
        assert_eq!(problems[0].severity, Severity::Error);
        let q = problems
            .iter()
            .find(|p| p.rule == "invalid-quantity")
            .unwrap();
        assert_eq!(q.object.as_deref(), Some("Deployment/default/web"));
        assert_eq!(q.location.as_ref().map(|l| l.line), Some(1));
        let counts = Counts::of(&problems);
        assert_eq!(counts.total(), problems.len());
        assert!(counts.errors >= 3);
    }
}

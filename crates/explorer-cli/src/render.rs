//! Text, JSON, DOT and Mermaid renderings.

use std::collections::BTreeMap;
use std::fmt::Write;

use explorer_core::graph::Graph;
use explorer_core::problems::{Counts, Problem};
use explorer_core::quantity::{format_cpu, format_memory};
use explorer_core::relations::Family;
use explorer_core::resources::ResourceTable;
use explorer_core::Model;
use explorer_view::palette::{self, Theme};
use serde_json::json;

pub fn graph_json(g: &Graph, model: &Model) -> String {
    let v = json!({
        "nodes": g.nodes,
        "edges": g.edges,
        "findings": g.findings,
        "load_errors": model.errors,
        "host_ports": model.host_ports,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// DOT colours come from the one palette (the page's light theme).
fn family_colour(f: Family) -> &'static str {
    palette::family_colour(f, Theme::Light)
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

pub fn graph_dot(g: &Graph) -> String {
    let mut s = String::from("digraph explorer {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"sans-serif\"];\n");
    for n in &g.nodes {
        let label = match &n.namespace {
            Some(ns) => format!("{}\\n{ns}/{}", n.kind, n.name),
            None => format!("{}\\n{}", n.kind, n.name),
        };
        let _ = writeln!(
            s,
            "  \"{}\" [label=\"{}\"];",
            dot_escape(&n.id),
            dot_escape(&label).replace("\\\\n", "\\n")
        );
    }
    for e in &g.edges {
        let _ = writeln!(
            s,
            "  \"{}\" -> \"{}\" [label=\"{}\", color=\"{}\", tooltip=\"{}\"];",
            dot_escape(&e.from),
            dot_escape(&e.to),
            e.rule,
            family_colour(e.family),
            dot_escape(&e.provenance)
        );
    }
    s.push_str("}\n");
    s
}

fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
}

pub fn graph_mermaid(g: &Graph) -> String {
    let ids: BTreeMap<&str, String> = g
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), format!("n{i}")))
        .collect();
    let mut s = String::from("flowchart LR\n");
    for n in &g.nodes {
        let label = match &n.namespace {
            Some(ns) => format!("{}<br/>{ns}/{}", n.kind, n.name),
            None => format!("{}<br/>{}", n.kind, n.name),
        };
        let _ = writeln!(s, "  {}[\"{}\"]", ids[n.id.as_str()], mermaid_text(&label));
    }
    for e in &g.edges {
        if let (Some(a), Some(b)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) {
            let _ = writeln!(s, "  {a} -->|{}| {b}", e.rule);
        }
    }
    s
}

pub fn resources_json(t: &ResourceTable) -> String {
    let mut s = serde_json::to_string_pretty(t).unwrap_or_default();
    s.push('\n');
    s
}

pub fn resources_text(t: &ResourceTable) -> String {
    let mut rows: Vec<[String; 7]> = vec![[
        "WORKLOAD".into(),
        "KIND".into(),
        "PODS".into(),
        "CPU REQ".into(),
        "CPU LIM".into(),
        "MEM REQ".into(),
        "MEM LIM".into(),
    ]];
    for r in &t.rows {
        rows.push([
            format!("{}/{}", r.namespace.as_deref().unwrap_or(""), r.name),
            r.kind.clone(),
            if r.per_node {
                format!("{}/node", r.pods)
            } else {
                r.pods.to_string()
            },
            format_cpu(r.cpu_request_millicores),
            format_cpu(r.cpu_limit_millicores),
            format_memory(r.memory_request_bytes),
            format_memory(r.memory_limit_bytes),
        ]);
    }
    rows.push([
        "TOTAL".into(),
        String::new(),
        t.total.pods.to_string(),
        format_cpu(t.total.cpu_request_millicores),
        format_cpu(t.total.cpu_limit_millicores),
        format_memory(t.total.memory_request_bytes),
        format_memory(t.total.memory_limit_bytes),
    ]);
    let widths: Vec<usize> = (0..7)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut s = String::new();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i < 2 {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect();
        let _ = writeln!(s, "{}", line.join("  ").trim_end());
    }
    s.push_str("(per-pod values; TOTAL = sum of per-pod × pods)\n");
    for r in &t.rows {
        for m in &r.missing {
            let _ = writeln!(s, "missing: {} {m}", r.workload);
        }
    }
    for e in &t.errors {
        let _ = writeln!(s, "error: {} {}: {}", e.workload, e.container, e.message);
    }
    s
}

/// One line per problem, then a summary that counts exactly the lines above it.
pub fn lint_text(problems: &[Problem], counts: &Counts, model: &Model, g: &Graph) -> String {
    let mut s = String::new();
    for p in problems {
        let place = match (&p.object, &p.location) {
            (Some(o), Some(l)) => format!("{o} ({}:{})", l.path, l.line),
            (Some(o), None) => o.clone(),
            (None, Some(l)) => format!("{}:{} (document {})", l.path, l.line, l.document),
            (None, None) => "-".into(),
        };
        let _ = writeln!(s, "{} {} {place}: {}", p.severity, p.rule, p.message);
    }
    let _ = writeln!(
        s,
        "{} objects, {} edges; {} problems: {} errors, {} warnings, {} info",
        model.objects.len(),
        g.edges.len(),
        counts.total(),
        counts.errors,
        counts.warnings,
        counts.infos
    );
    s
}

pub fn lint_json(problems: &[Problem], counts: &Counts) -> String {
    let mut s = serde_json::to_string_pretty(&json!({ "problems": problems, "counts": counts }))
        .unwrap_or_default();
    s.push('\n');
    s
}

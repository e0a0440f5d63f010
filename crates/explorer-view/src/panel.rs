//! The details panel's content as HTML sections, built from [`NodeDetails`].
//!
//! The SPA shows each section as it is (`inner_html`) and adds only the
//! interactive bits (close, fold/unfold). Building the markup here keeps the
//! panel's rules testable natively. Every section is [`Html`], so every text in
//! it is escaped; links to other nodes are plain `?node=` links that the SPA's
//! router handles.

use explorer_core::details::{describe, EdgeInfo, NodeDetails};
use explorer_core::graph::Graph;
use explorer_core::model::Model;

use crate::html;
use crate::html::Html;
use crate::url;

/// One titled block of the panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Stable handle (`facts`, `probes`, `relations-out`, …) for tests and styles.
    pub id: &'static str,
    pub html: Html,
}

/// `Deployment/budget-app/flask-app` → `Deployment flask-app`.
pub fn id_name(id: &str) -> String {
    let mut parts = id.splitn(3, '/');
    let kind = parts.next().unwrap_or_default();
    let _namespace = parts.next();
    format!("{kind} {}", parts.next().unwrap_or_default())
}

/// A link that selects node `id` (the router turns it into a navigation).
pub fn node_link(base: &str, id: &str) -> Html {
    let mut h = Html::new();
    html!(
        h,
        r#"<a href="{}/?node={}">{}</a>"#,
        base.trim_end_matches('/'),
        url::encode(id),
        id_name(id)
    );
    h
}

fn titled(id: &'static str, title: &str, body: &Html) -> Section {
    let mut html = Html::new();
    html!(html, "<h3>{}</h3>{}", title, body);
    Section { id, html }
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "–".into())
}

/// The Secrets and ConfigMaps a node reads (its outgoing edges to them),
/// described, for the "Configuration it reads" section.
pub fn config_sources(model: &Model, graph: &Graph, d: &NodeDetails) -> Vec<NodeDetails> {
    d.edges_out
        .iter()
        .filter(|e| e.other.starts_with("Secret/") || e.other.starts_with("ConfigMap/"))
        .filter_map(|e| describe(model, graph, &e.other))
        .collect()
}

/// The sections shown above the "Attached objects" block.
pub fn sections_before(
    d: &NodeDetails,
    config_sources: &[NodeDetails],
    base: &str,
) -> Vec<Section> {
    let mut out = Vec::new();

    let mut facts: Vec<(String, String)> = Vec::new();
    if let Some(ns) = &d.namespace {
        facts.push(("Namespace".into(), ns.clone()));
    }
    if let Some(r) = d.replicas {
        facts.push((
            "Replicas".into(),
            format!("{r} pod{}", if r == 1 { "" } else { "s" }),
        ));
    }
    if let Some(g) = &d.group {
        facts.push(("Tier".into(), g.clone()));
    }
    for f in &d.facts {
        facts.push((f.label.clone(), f.value.clone()));
    }
    if let Some(s) = &d.source {
        facts.push((
            "Defined in".into(),
            format!("{} (document {}, line {})", s.path, s.doc_index + 1, s.line),
        ));
    }
    let mut dl = Html::new();
    dl.push_static("<dl>");
    for (k, v) in &facts {
        html!(dl, "<dt>{}</dt><dd>{}</dd>", k, v);
    }
    dl.push_static("</dl>");
    out.push(Section {
        id: "facts",
        html: dl,
    });

    if let Some(s) = &d.service {
        let ports = s
            .ports
            .iter()
            .map(|p| {
                format!(
                    "{} → {}{}",
                    p.port,
                    p.target_port.clone().unwrap_or_else(|| p.port.to_string()),
                    p.node_port
                        .map(|n| format!(" (node {n})"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let selector = s
            .selector
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut body = Html::new();
        html!(
            body,
            "<dl><dt>Type</dt><dd>{}</dd><dt>Ports</dt><dd>{}</dd><dt>Selector</dt><dd>{}</dd></dl>",
            s.type_,
            ports,
            selector
        );
        out.push(titled("service", "Service", &body));
    }

    let containers: Vec<_> = d.init_containers.iter().chain(&d.containers).collect();
    if !containers.is_empty() {
        let mut ul = Html::new();
        ul.push_static("<ul>");
        for c in containers {
            let r = &c.resources;
            let role = if c.init {
                " (init)"
            } else if c.sidecar {
                " (sidecar)"
            } else {
                ""
            };
            html!(
                ul,
                r#"<li><strong>{}</strong>{}<br><code>{}</code><br><span class="muted">CPU {} → {}, memory {} → {}</span>"#,
                c.name,
                role,
                c.image.as_deref().unwrap_or_default(),
                or_dash(&r.cpu_request),
                or_dash(&r.cpu_limit),
                or_dash(&r.memory_request),
                or_dash(&r.memory_limit),
            );
            if let Some(cmd) = &c.command {
                html!(ul, r#"<span class="prov">{}</span>"#, cmd);
            }
            ul.push_static("</li>");
        }
        ul.push_static("</ul>");
        out.push(titled("containers", "Containers", &ul));
    }

    if !d.ports.is_empty() {
        let mut ul = Html::new();
        ul.push_static("<ul>");
        for p in &d.ports {
            let owner = p
                .owner
                .as_deref()
                .map(|o| format!("{o}: "))
                .unwrap_or_default();
            let text = format!(
                "{owner}{} {}/{}",
                p.name.as_deref().unwrap_or_default(),
                p.port,
                p.protocol
            );
            html!(ul, "<li>{}</li>", text);
        }
        ul.push_static("</ul>");
        out.push(titled("ports", "Ports", &ul));
    }

    if !d.probes.is_empty() {
        let mut ul = Html::new();
        ul.push_static(r#"<ul class="probes">"#);
        for p in &d.probes {
            let timing = match (p.period_seconds, p.initial_delay_seconds) {
                (Some(per), Some(delay)) => format!("every {per}s, starts after {delay}s"),
                (Some(per), None) => format!("every {per}s"),
                (None, Some(delay)) => format!("starts after {delay}s"),
                (None, None) => String::new(),
            };
            html!(
                ul,
                r#"<li data-probe="{}"><strong>{}</strong> <code>{}</code> · {}<span class="muted"> ({})</span></li>"#,
                p.kind,
                p.kind,
                p.handler,
                timing,
                p.container,
            );
        }
        ul.push_static("</ul>");
        out.push(titled("probes", "Health checks", &ul));
    }

    if !d.env.is_empty() || !d.env_from.is_empty() {
        let mut ul = Html::new();
        ul.push_static("<ul>");
        for e in &d.env {
            html!(ul, "<li><code>{}</code> ", e.name);
            match &e.value {
                Some(v) => html!(ul, "<span>= {}</span></li>", v),
                None => html!(
                    ul,
                    r#"<span class="redacted">from {}</span></li>"#,
                    e.source
                ),
            }
        }
        for s in &d.env_from {
            html!(ul, r#"<li class="redacted">all keys of {}</li>"#, s);
        }
        ul.push_static("</ul>");
        out.push(titled("env", "Environment", &ul));
    }

    if !config_sources.is_empty() {
        let mut ul = Html::new();
        ul.push_static("<ul>");
        for c in config_sources {
            let secret = c.kind == "Secret";
            let keys = if secret {
                &c.secret_keys
            } else {
                &c.config_keys
            };
            html!(ul, "<li>{}: {}", node_link(base, &c.id), keys.join(", "));
            if secret {
                ul.push_static(r#"<span class="redacted"> (values redacted)</span>"#);
            }
            ul.push_static("</li>");
        }
        ul.push_static("</ul>");
        out.push(titled("config", "Configuration it reads", &ul));
    }

    if !d.secret_keys.is_empty() {
        let mut body = Html::new();
        html!(
            body,
            r#"<p>{}<span class="redacted"> (values redacted)</span></p>"#,
            d.secret_keys.join(", ")
        );
        out.push(titled("keys", "Keys", &body));
    }
    if !d.config_keys.is_empty() {
        let mut body = Html::new();
        html!(body, "<p>{}</p>", d.config_keys.join(", "));
        out.push(titled("keys", "Keys", &body));
    }

    if !d.volume_mounts.is_empty() {
        let mut ul = Html::new();
        ul.push_static("<ul>");
        for m in &d.volume_mounts {
            html!(
                ul,
                "<li><code>{}</code> ← {}{} ({})</li>",
                m.mount_path,
                m.source,
                if m.read_only { ", read-only" } else { "" },
                m.container
            );
        }
        ul.push_static("</ul>");
        out.push(titled("mounts", "Mounts", &ul));
    }
    out
}

fn edge_list(
    id: &'static str,
    title: &str,
    edges: &[EdgeInfo],
    arrow: &str,
    base: &str,
) -> Option<Section> {
    if edges.is_empty() {
        return None;
    }
    let mut ul = Html::new();
    ul.push_static(r#"<ul class="edges-list">"#);
    for e in edges {
        let fam = e.family.as_str();
        html!(
            ul,
            r#"<li class="edge-item" data-edge="{}"><span class="swatch {}"></span> {} {}<span class="rule">  {} · {}</span>"#,
            e.id,
            fam,
            arrow,
            node_link(base, &e.other),
            fam,
            e.rule,
        );
        for r in &e.reasons {
            html!(ul, r#"<span class="prov">{}</span>"#, r);
        }
        ul.push_static("</li>");
    }
    ul.push_static("</ul>");
    Some(titled(id, title, &ul))
}

/// The sections shown below the "Attached objects" block: relations and findings.
pub fn sections_after(d: &NodeDetails, base: &str) -> Vec<Section> {
    let mut out: Vec<Section> = [
        edge_list("relations-out", "Relations out", &d.edges_out, "→", base),
        edge_list("relations-in", "Relations in", &d.edges_in, "←", base),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !d.findings.is_empty() {
        let mut ul = Html::new();
        ul.push_static("<ul>");
        for f in &d.findings {
            html!(ul, r#"<li class="finding">{}: {}</li>"#, f.rule, f.message);
        }
        ul.push_static("</ul>");
        out.push(titled("findings", "Findings", &ul));
    }
    out
}

/// The "Attached objects" list (the SPA adds the fold/unfold button).
pub fn attached_list(folded: &[String], base: &str) -> Html {
    let mut ul = Html::new();
    ul.push_static("<h3>Attached objects</h3><ul>");
    for id in folded {
        html!(ul, "<li>{}</li>", node_link(base, id));
    }
    ul.push_static("</ul>");
    ul
}

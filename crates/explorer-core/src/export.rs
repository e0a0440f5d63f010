//! A standalone SVG file of a [`Scene`]: the same geometry the SPA draws, with
//! its styles embedded so it opens anywhere (slides, docs, a browser tab).

use std::fmt::Write;

use crate::panel::esc as esc_html;

/// Escapes text for SVG (XML 1.0): as for HTML, and the control characters XML cannot hold
/// at all, not even as references, become U+FFFD, so the file always parses.
fn esc(s: &str) -> String {
    esc_html(s)
        .chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}
use crate::relations::Family;
use crate::scene::{PlacedNode, Scene};
use crate::view::Role;

/// Colours for the exported file (the light theme).
const STYLE: &str = r#"
text { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; fill: #172033; }
.frame rect { fill: #eef2fb; stroke: #c5cde0; stroke-dasharray: 6 4; }
.frame.cluster rect { fill: #f8f9fc; stroke: #b5bfd6; stroke-dasharray: none; }
.frame text { font-size: 13px; font-weight: 600; fill: #4a5570; }
.node rect.card { fill: #ffffff; stroke: #c5cde0; }
.node rect.pod { fill: #ffffff; stroke: #c5cde0; }
.node .band { stroke: none; }
.node .name { font-size: 14px; font-weight: 650; }
.node .kind { font-size: 11px; fill: #7b859c; }
.node .icon { fill: none; stroke: #4a5570; stroke-width: 1.6; }
.tier-proxy .band { fill: #2563eb; } .tier-api .band { fill: #16a34a; }
.tier-database .band { fill: #d97706; } .tier-monitoring .band { fill: #7c3aed; }
.tier-visualization .band { fill: #db2777; } .tier-other .band { fill: #64748b; }
.edge path { fill: none; stroke-width: 1.8; }
.edge.traffic path { stroke: #2563eb; } .edge.config path { stroke: #7c3aed; stroke-dasharray: 5 4; }
.edge.storage path { stroke: #b45309; } .edge.rbac path { stroke: #be185d; stroke-dasharray: 2 4; }
.edge.metrics path { stroke: #0f766e; stroke-dasharray: 8 4; } .edge.policy path { stroke: #64748b; stroke-dasharray: 1 4; }
.edge.entry path { stroke: #111827; stroke-width: 2.2; }
.edge text { font-size: 12px; font-weight: 600; fill: #4a5570; paint-order: stroke; stroke: #eef2fb; stroke-width: 4px; stroke-linejoin: round; }
.node .svc { font-size: 11px; fill: #4a5570; font-family: ui-monospace, Menlo, Consolas, monospace; }
.node .badge circle { fill: #eef2fb; stroke: #c5cde0; } .node .badge text { font-size: 10px; font-weight: 700; fill: #4a5570; }
.node.tier-proxy .card, .node.tier-proxy .pod { fill: #e0ecff; } .node.tier-api .card, .node.tier-api .pod { fill: #e3f6ea; }
.node.tier-database .card, .node.tier-database .pod { fill: #fdf0dc; }
.node.tier-monitoring .card, .node.tier-monitoring .pod { fill: #efe7ff; } .node.tier-visualization .card, .node.tier-visualization .pod { fill: #fde7f1; }
.node.external .card { fill: #eef2fb; stroke: #111827; stroke-width: 1.6; }
"#;

/// CSS class for a node's tier colour.
pub fn tier_class(group: Option<&str>) -> &'static str {
    match group {
        Some("proxy" | "gateway" | "frontend" | "ingress" | "web") => "tier-proxy",
        Some("api" | "backend" | "app" | "application") => "tier-api",
        Some("database" | "db" | "cache" | "storage") => "tier-database",
        Some("monitoring" | "metrics") => "tier-monitoring",
        Some("visualization" | "dashboard" | "dashboards") => "tier-visualization",
        _ => "tier-other",
    }
}

/// Short label of a kind for node subtitles.
pub fn kind_label(node: &PlacedNode) -> String {
    let n = &node.node;
    match (n.role, n.replicas) {
        (Role::Workload, Some(r)) => {
            format!("{} · {} pod{}", n.kind, r, if r == 1 { "" } else { "s" })
        }
        (Role::External, _) => "outside the cluster".to_string(),
        _ => n.kind.clone(),
    }
}

/// An icon per kind, as SVG path data in a 20×20 box.
pub fn kind_icon(kind: &str) -> &'static str {
    match kind {
        "External" => {
            "M10 2a8 8 0 1 0 0 16a8 8 0 1 0 0-16M2 10h16M10 2c3 3 3 13 0 16M10 2c-3 3-3 13 0 16"
        }
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => "M3 5h14v10H3zM6 8h8M6 12h5",
        "Job" | "CronJob" => "M10 3a7 7 0 1 0 0 14a7 7 0 1 0 0-14M10 6v4l3 2",
        "Pod" => "M4 6l6-3 6 3v8l-6 3-6-3z",
        "Service" => "M3 10h4M13 10h4M10 3v4M10 13v4M7 7h6v6H7z",
        "Ingress" => "M3 10h11M10 6l4 4-4 4M17 4v12",
        "ConfigMap" => "M5 3h7l3 3v11H5zM8 9h5M8 12h5",
        "Secret" => "M6 9V7a4 4 0 0 1 8 0v2M5 9h10v8H5zM10 12v2",
        "PersistentVolumeClaim" | "PersistentVolume" => {
            "M4 5c0-2 12-2 12 0v10c0 2-12 2-12 0zM4 5c0 2 12 2 12 0"
        }
        "ServiceAccount" => "M10 4a3 3 0 1 0 0 6a3 3 0 1 0 0-6M4 17c0-4 12-4 12 0",
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
            "M10 2l7 3v5c0 4-3 7-7 8c-4-1-7-4-7-8V5z"
        }
        "NetworkPolicy" => "M3 3h14v14H3zM3 10h14M10 3v14",
        "HorizontalPodAutoscaler" => "M3 14l5-5 3 3 6-6M13 6h4v4",
        _ => "M4 4h12v12H4z",
    }
}

/// One arrowhead marker per relation family (`#arrow-traffic`, …). The page
/// colours them from its stylesheet (`class="marker traffic"`); a standalone
/// file gets the light theme's colours inline.
pub fn arrow_markers(mode: Markup) -> String {
    let mut s = String::new();
    for f in Family::ALL {
        let fam = f.as_str();
        let fill = match mode {
            Markup::Interactive => String::new(),
            Markup::File => format!(r#" fill="{}""#, marker_colour(f)),
        };
        let _ = write!(
            s,
            r#"<marker id="arrow-{fam}" class="marker {fam}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z"{fill}/></marker>"#
        );
    }
    s
}

/// Arrowhead colours of the exported file (the light theme).
fn marker_colour(f: Family) -> &'static str {
    match f {
        Family::Traffic => "#2563eb",
        Family::Config => "#7c3aed",
        Family::Storage => "#b45309",
        Family::Rbac => "#be185d",
        Family::Metrics => "#0f766e",
        Family::Policy => "#64748b",
        Family::Entry => "#111827",
    }
}

/// Who the markup is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Markup {
    /// The page: nodes focusable with ARIA labels, wide invisible hit paths on edges.
    Interactive,
    /// A standalone file.
    File,
}

/// The frames, edges and nodes of a scene as SVG elements: what the page
/// draws and what the export saves, from one writer. Every text is escaped.
/// Highlight classes (`dim`, `selected`, `match`) are the page's to add.
pub fn scene_markup(scene: &Scene, mode: Markup) -> String {
    let interactive = mode == Markup::Interactive;
    let mut s = String::with_capacity(512 * (scene.nodes.len() + scene.edges.len()) + 256);
    s.push_str(r#"<g class="frames">"#);
    for f in &scene.frames {
        let class = if f.id == "cluster" {
            "frame cluster"
        } else {
            "frame"
        };
        let _ = write!(
            s,
            r#"<g class="{class}" data-frame="{}"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="14"/><text x="{:.1}" y="{:.1}">{}</text></g>"#,
            esc(&f.id),
            f.x,
            f.y,
            f.width,
            f.height,
            f.x + 14.0,
            f.y + 19.0,
            esc(&f.label)
        );
    }
    s.push_str(r#"</g><g class="edges">"#);
    for e in &scene.edges {
        let fam = e.family.as_str();
        let _ = write!(
            s,
            r#"<g class="edge {fam}" data-edge="{}" data-from="{}" data-to="{}" data-family="{fam}" data-edges="{}"><title>{}</title>"#,
            esc(&e.id),
            esc(&e.from),
            esc(&e.to),
            esc(&e.edges.join(" ")),
            esc(&e.provenance.join("\n")),
        );
        if interactive {
            let _ = write!(s, r#"<path class="hit" d="{}"/>"#, e.path);
        }
        let _ = write!(
            s,
            r#"<path class="line" d="{}" marker-end="url(#arrow-{fam})"/>"#,
            e.path
        );
        if let Some(l) = &e.label {
            let _ = write!(
                s,
                r#"<text class="edge-label" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                l.x,
                l.y,
                esc(&l.text)
            );
        }
        s.push_str("</g>");
    }
    s.push_str(r#"</g><g class="nodes">"#);
    for n in &scene.nodes {
        let role = match n.node.role {
            Role::External => "external",
            Role::Workload => "workload",
            Role::Object => "object",
        };
        let tier = tier_class(n.node.group.as_deref());
        let _ = write!(
            s,
            r#"<g class="node {role} {tier}" data-id="{}" data-kind="{}" data-name="{}""#,
            esc(&n.node.id),
            esc(&n.node.kind),
            esc(&n.node.name)
        );
        if interactive {
            let _ = write!(
                s,
                r#" tabindex="0" role="button" aria-label="{}""#,
                esc(&n.node.aria_label())
            );
        }
        s.push('>');
        let g = n.card_geometry();
        for (x, y, w, h) in &g.pods {
            let _ = write!(
                s,
                r#"<rect class="pod" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="10"/>"#
            );
        }
        let (cx, cy, cw, ch) = g.card;
        let _ = write!(
            s,
            r#"<rect class="card" x="{cx:.1}" y="{cy:.1}" width="{cw:.1}" height="{ch:.1}" rx="10"/><rect class="band" x="{cx:.1}" y="{cy:.1}" width="5" height="{ch:.1}" rx="2"/><path class="icon" transform="translate({:.1} {:.1})" d="{}"/><text class="name" x="{:.1}" y="{:.1}">{}</text><text class="kind" x="{:.1}" y="{:.1}">{}</text>"#,
            g.icon.0,
            g.icon.1,
            kind_icon(&n.node.kind),
            g.text_x,
            g.name_y,
            esc(&n.node.name),
            g.text_x,
            g.kind_y,
            esc(&kind_label(n))
        );
        if let Some(y) = g.service_y {
            let _ = write!(
                s,
                r#"<text class="svc" x="{:.1}" y="{y:.1}">{}</text>"#,
                g.text_x,
                esc(&n.node.service_line())
            );
        }
        if let Some((bx, by)) = g.badge {
            let folded = n.node.folded.len();
            let _ = write!(
                s,
                r#"<g class="badge" transform="translate({bx:.1} {by:.1})"><title>{folded} attached object(s) folded in; expand to see them</title><circle r="10"/><text text-anchor="middle" y="4">+{folded}</text></g>"#
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</g>");
    s
}

/// The scene as a standalone SVG document.
pub fn standalone_svg(scene: &Scene, title: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.1} {h:.1}" role="img" aria-label="{t}">
<title>{t}</title>
<style>{STYLE}</style>
<defs>"#,
        w = scene.width,
        h = scene.height,
        t = esc(title)
    );
    s.push_str(&arrow_markers(Markup::File));
    s.push_str("</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    s.push_str(&scene_markup(scene, Markup::File));
    s.push_str("\n</svg>\n");
    s
}

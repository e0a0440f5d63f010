//! A standalone SVG file of a [`Scene`]: the same geometry the SPA draws, with
//! its styles embedded so it opens anywhere (slides, docs, a browser tab).

use explorer_core::relations::Family;

use crate::html;
use crate::html::Html;
use crate::palette::{self, family_colour, Theme, Tier};
use crate::project::Role;
use crate::scene::{PlacedNode, Scene};

/// CSS class for a node's tier colour.
pub fn tier_class(group: Option<&str>) -> &'static str {
    Tier::of(group).class()
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
/// file gets its theme's colours inline.
pub fn arrow_markers(mode: Markup) -> Html {
    let mut s = Html::new();
    for f in Family::ALL {
        let fam = f.as_str();
        html!(
            s,
            r#"<marker id="arrow-{}" class="marker {}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z""#,
            fam,
            fam
        );
        if let Markup::File(theme) = mode {
            html!(s, r#" fill="{}""#, family_colour(f, theme));
        }
        s.push_static("/></marker>");
    }
    s
}

/// Who the markup is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Markup {
    /// The page: nodes focusable with ARIA labels, wide invisible hit paths on edges.
    Interactive,
    /// The page's look without its interaction (the first frame, drawn before the app runs).
    Static,
    /// A standalone file in a theme.
    File(Theme),
}

/// The frames, edges and nodes of a scene as SVG elements: what the page
/// draws, what the export saves and what `explorer render` writes, from one
/// writer. Every text is escaped ([`Html`]). Highlight classes (`dim`,
/// `selected`, `match`) are the page's to add.
pub fn scene_markup(scene: &Scene, mode: Markup) -> Html {
    let interactive = mode == Markup::Interactive;
    let mut s = Html::with_capacity(512 * (scene.nodes.len() + scene.edges.len()) + 256);
    s.push_static(r#"<g class="frames">"#);
    for f in &scene.frames {
        let class = if f.id == "cluster" {
            "frame cluster"
        } else {
            "frame"
        };
        html!(
            s,
            r#"<g class="{}" data-frame="{}"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="14"/><text x="{:.1}" y="{:.1}">{}</text></g>"#,
            class,
            f.id,
            f.x,
            f.y,
            f.width,
            f.height,
            f.x + 14.0,
            f.y + 19.0,
            f.label
        );
    }
    s.push_static(r#"</g><g class="edges">"#);
    for e in &scene.edges {
        let fam = e.family.as_str();
        html!(
            s,
            r#"<g class="edge {}" data-edge="{}" data-from="{}" data-to="{}" data-family="{}" data-edges="{}"><title>{}</title>"#,
            fam,
            e.id,
            e.from,
            e.to,
            fam,
            e.edges.join(" "),
            e.provenance.join("\n"),
        );
        if interactive {
            html!(s, r#"<path class="hit" d="{}"/>"#, e.path);
        }
        html!(
            s,
            r#"<path class="line" d="{}" marker-end="url(#arrow-{})"/>"#,
            e.path,
            fam
        );
        if let Some(l) = &e.label {
            html!(
                s,
                r#"<text class="edge-label" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                l.x,
                l.y,
                l.text
            );
        }
        s.push_static("</g>");
    }
    s.push_static(r#"</g><g class="nodes">"#);
    for n in &scene.nodes {
        let role = match n.node.role {
            Role::External => "external",
            Role::Workload => "workload",
            Role::Object => "object",
        };
        html!(
            s,
            r#"<g class="node {} {}" data-id="{}" data-kind="{}" data-name="{}""#,
            role,
            tier_class(n.node.group.as_deref()),
            n.node.id,
            n.node.kind,
            n.node.name
        );
        let g = n.card_geometry();
        if interactive {
            // The accessible name starts with the card's visible text, in order (WCAG 2.5.3,
            // label in name), then says it in words.
            let mut visible = format!("{} {}", n.node.name, kind_label(n));
            if g.service_y.is_some() {
                visible.push(' ');
                visible.push_str(&n.node.service_line());
            }
            if g.badge.is_some() {
                visible.push_str(&format!(" +{}", n.node.folded.len()));
            }
            html!(
                s,
                r#" tabindex="0" role="button" aria-label="{}. {}""#,
                visible,
                n.node.aria_label()
            );
        }
        s.push_static(">");
        for (x, y, w, h) in &g.pods {
            html!(
                s,
                r#"<rect class="pod" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="10"/>"#,
                x,
                y,
                w,
                h
            );
        }
        let (cx, cy, cw, ch) = g.card;
        html!(
            s,
            r#"<rect class="card" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="10"/><rect class="band" x="{:.1}" y="{:.1}" width="5" height="{:.1}" rx="2"/><path class="icon" transform="translate({:.1} {:.1})" d="{}"/><text class="name" x="{:.1}" y="{:.1}">{}</text> <text class="kind" x="{:.1}" y="{:.1}">{}</text>"#,
            cx,
            cy,
            cw,
            ch,
            cx,
            cy,
            ch,
            g.icon.0,
            g.icon.1,
            kind_icon(&n.node.kind),
            g.text_x,
            g.name_y,
            n.node.name,
            g.text_x,
            g.kind_y,
            kind_label(n)
        );
        if let Some(y) = g.service_y {
            html!(
                s,
                r#" <text class="svc" x="{:.1}" y="{:.1}">{}</text>"#,
                g.text_x,
                y,
                n.node.service_line()
            );
        }
        if let Some((bx, by)) = g.badge {
            let folded = n.node.folded.len();
            // The spaces between texts: a card's text reads as words, not "flask-appDeployment".
            html!(
                s,
                r#" <g class="badge" transform="translate({:.1} {:.1})">"#,
                bx,
                by
            );
            // On the page the card's accessible name says it (a <title> here would be read
            // as part of the card's text); a saved drawing keeps it as a tooltip.
            if !interactive {
                html!(
                    s,
                    "<title>{} attached object(s) folded in; expand to see them</title>",
                    folded
                );
            }
            html!(
                s,
                r#"<circle r="10"/><text text-anchor="middle" y="4">+{}</text></g>"#,
                folded
            );
        }
        s.push_static("</g>");
    }
    s.push_static("</g>");
    s
}

/// The scene as a small inline drawing, without interaction (the resources page's map: a
/// hovered row lights its card). Hidden from assistive technology: the table says it all.
pub fn inline_svg(scene: &Scene) -> Html {
    let mut s = Html::new();
    html!(
        s,
        r#"<svg class="diagram mini" viewBox="0 0 {:.1} {:.1}" preserveAspectRatio="xMidYMid meet" aria-hidden="true"><defs>{}</defs><g>{}</g></svg>"#,
        scene.width,
        scene.height,
        arrow_markers(Markup::Static),
        scene_markup(scene, Markup::Static)
    );
    s
}

/// How a standalone drawing looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileOptions {
    pub title: String,
    pub theme: Theme,
}

/// The scene as a standalone SVG document (the page's export, `explorer render`).
pub fn standalone_svg(scene: &Scene, opts: &FileOptions) -> Html {
    let mut s = Html::new();
    html!(
        s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0}\" height=\"{:.0}\" viewBox=\"0 0 {:.1} {:.1}\" role=\"img\" aria-label=\"{}\" data-theme=\"{}\">\n<title>{}</title>\n<style>",
        scene.width,
        scene.height,
        scene.width,
        scene.height,
        opts.title,
        opts.theme.as_str(),
        opts.title
    );
    // The stylesheet is generated from the palette (no manifest text in it); `>` in a
    // selector would be escaped, and there is none.
    s.push_text(&palette::svg_css(opts.theme));
    s.push_static("</style>\n<defs>");
    s.push_html(&arrow_markers(Markup::File(opts.theme)));
    html!(
        s,
        "</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"{}\"/>\n",
        palette::neutrals(opts.theme).background
    );
    s.push_html(&scene_markup(scene, Markup::File(opts.theme)));
    s.push_static("\n</svg>\n");
    s
}

/// The title of a drawing of the system called `name` (from the manifests).
pub fn drawing_title(name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{n} architecture"),
        None => "Architecture".to_string(),
    }
}

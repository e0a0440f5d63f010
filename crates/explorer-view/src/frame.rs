//! The page's frame around the diagram, as markup: the legend (shown by the
//! page too, so both are the same) and the first frame that `explorer render
//! --first-frame` writes into the built `index.html`, so the diagram is on
//! screen before the app has loaded. The app removes the first frame once its
//! own, identical diagram is painted.

use std::collections::BTreeSet;

use explorer_core::relations::Family;

use crate::html;
use crate::html::Html;
use crate::palette::Tier;
use crate::project::{Role, ViewGraph};
use crate::scene::Scene;
use crate::svg::{arrow_markers, scene_markup, Markup};
use crate::viewport::MAX_FIT_ZOOM;
use explorer_core::sort::Collect;

/// Where `index.html` takes the first frame: an element, since the release build
/// minifies the page and drops comments.
pub const PLACEHOLDER: &str = "<explorer-first-frame></explorer-first-frame>";
/// The element the app removes when its own diagram is painted.
pub const FIRST_FRAME_ID: &str = "first-frame";

/// The tiers and relation families a view shows, in palette order. A tier
/// counts when a workload has it, or another object has a tier other than
/// "other"; the outside world has none.
pub fn legend_items(view: &ViewGraph) -> (Vec<Tier>, Vec<Family>) {
    let mut tiers = BTreeSet::new();
    for n in &view.nodes {
        let t = Tier::of(n.group.as_deref());
        match n.role {
            Role::Workload => {
                tiers.insert(t);
            }
            Role::Object if t != Tier::Other => {
                tiers.insert(t);
            }
            _ => {}
        }
    }
    let present: BTreeSet<Family> = view.edges.iter().map(|e| e.family).to_set();
    let families = Family::ALL
        .into_iter()
        .filter(|f| present.contains(f))
        .collect();
    (tiers.into_iter().collect(), families)
}

/// What the colours and line styles of `view` mean.
pub fn legend_markup(view: &ViewGraph) -> Html {
    let (tiers, families) = legend_items(view);
    let mut s = Html::new();
    s.push_static(r#"<ul class="legend-edges">"#);
    for f in families {
        html!(
            s,
            r#"<li data-family="{}"><svg width="26" height="10" aria-hidden="true"><line class="legend-line {}" x1="1" y1="5" x2="25" y2="5"/></svg>{}</li>"#,
            f.as_str(),
            f.as_str(),
            f.label()
        );
    }
    s.push_static(r#"</ul><ul class="legend-tiers">"#);
    for t in tiers {
        html!(
            s,
            r#"<li data-tier="{}"><span class="tier-chip {}"></span>{}</li>"#,
            t.as_str(),
            t.class(),
            t.label()
        );
    }
    s.push_static(r#"</ul><p class="legend-note">Stacked cards are pods. +N counts objects folded into a workload.</p><p class="legend-live">Live state: <span data-status="healthy"><span class="status-glyph">✓</span> healthy</span> · <span data-status="degraded"><span class="status-glyph">!</span> degraded</span> · <span data-status="down"><span class="status-glyph">✕</span> down</span> · <span data-status="unknown"><span class="status-glyph">?</span> unknown</span></p>"#);
    s
}

/// The brand shown in the header: the system's name from the manifests.
pub fn brand(name: Option<&str>) -> &str {
    name.unwrap_or("Architecture")
}

/// The document title.
pub fn page_title(name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{n} · architecture explorer"),
        None => "Architecture explorer".to_string(),
    }
}

/// The diagram page as it first appears: header, an empty toolbar, the fitted
/// diagram and the legend, with the page's own classes, so that the app's
/// first paint lands on the same pixels. `inert`: nothing in it can be focused
/// or clicked, and assistive technology skips it (the app's page follows).
pub fn first_frame(view: &ViewGraph, scene: &Scene, name: Option<&str>, base: &str) -> Html {
    let base = base.trim_end_matches('/');
    let mut s = Html::new();
    html!(
        s,
        r#"<div id="{}" inert><header class="topbar"><a class="brand" href="{}/"><span class="brand-mark" aria-hidden="true"></span><span>{}</span><span class="brand-sub">architecture explorer</span></a><nav aria-label="Views"><a href="{}/" aria-current="page">Diagram</a><a href="{}/tour/1">Tour</a><a href="{}/flows/traffic">Flows</a><a href="{}/resources">Resources</a><a href="{}/health-checks">Health checks</a><a href="{}/security">Security</a><a href="{}/storage">Storage</a><a href="{}/findings">Findings</a><a href="{}/status">Status</a></nav></header>"#,
        FIRST_FRAME_ID,
        base,
        brand(name),
        base,
        base,
        base,
        base,
        base,
        base,
        base,
        base,
        base
    );
    // The SVG's own size is the scene at the largest fit zoom; CSS caps it at the canvas
    // (less the fit padding) and `meet` keeps the aspect: the fit the app computes.
    html!(
        s,
        r#"<div class="diagram-page"><div class="diagram-layout"><div class="toolbar" aria-hidden="true"></div><div class="diagram-stage"><div class="canvas-wrap"><div class="canvas"><svg class="diagram" width="{:.0}" height="{:.0}" viewBox="0 0 {:.1} {:.1}" preserveAspectRatio="xMidYMid meet" aria-hidden="true"><defs>{}</defs><g>{}</g></svg></div></div><div class="legend">{}</div></div></div></div></div>"#,
        scene.width * MAX_FIT_ZOOM,
        scene.height * MAX_FIT_ZOOM,
        scene.width,
        scene.height,
        arrow_markers(Markup::Interactive),
        scene_markup(scene, Markup::Static),
        legend_markup(view)
    );
    s
}

/// `page` (a built `index.html`) with its title set from the manifests and the
/// first frame in place of [`PLACEHOLDER`].
pub fn into_page(
    page: &str,
    view: &ViewGraph,
    scene: &Scene,
    name: Option<&str>,
    base: &str,
) -> Result<String, String> {
    if !page.contains(PLACEHOLDER) {
        return Err(format!("no {PLACEHOLDER} placeholder to replace"));
    }
    let mut out = page.replacen(PLACEHOLDER, &first_frame(view, scene, name, base), 1);
    if let (Some(a), Some(b)) = (out.find("<title>"), out.find("</title>")) {
        if a < b {
            out.replace_range(a + "<title>".len()..b, &Html::text(&page_title(name)));
        }
    }
    Ok(out)
}

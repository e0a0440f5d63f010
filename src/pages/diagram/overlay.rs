//! The live status on the drawing: each workload node gets `data-status`
//! (healthy, degraded, down, unknown), a glyph in its corner (so the state is not
//! told by colour alone) and an accessible label that says why; the entry → workload
//! edges get their request rate, 5xx share and p95, and a token whose speed follows the rate. All of it from the core's
//! assessment ([`explorer_core::status`]); this only writes it onto the markup.

use explorer_core::status::Assessment;

use super::canvas::elements;
use crate::live::glyph;

fn svg_child(
    doc: &web_sys::Document,
    parent: &web_sys::Element,
    class: &str,
) -> Option<web_sys::Element> {
    if let Ok(Some(el)) = parent.query_selector(&format!(":scope > .{class}")) {
        return Some(el);
    }
    let el = doc
        .create_element_ns(Some("http://www.w3.org/2000/svg"), "text")
        .ok()?;
    let _ = el.set_attribute("class", class);
    let _ = parent.append_child(&el);
    Some(el)
}

fn attr_f64(el: &web_sys::Element, name: &str) -> f64 {
    el.get_attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_default()
}

/// Writes `assessment` onto the scene markup under `layer` (or clears it when there is none).
pub fn apply(layer: &web_sys::Element, assessment: Option<&Assessment>) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    for node in elements(layer, "g.node") {
        let id = node.get_attribute("data-id").unwrap_or_default();
        let status = assessment.and_then(|a| a.workloads.iter().find(|w| w.id == id));
        // The node's own label, kept once, so the status can be added to it and removed.
        let base = match node.get_attribute("data-label") {
            Some(l) => l,
            None => {
                let l = node.get_attribute("aria-label").unwrap_or_default();
                let _ = node.set_attribute("data-label", &l);
                l
            }
        };
        match status {
            Some(s) => {
                let _ = node.set_attribute("data-status", s.state.as_str());
                let _ = node.set_attribute(
                    "aria-label",
                    &format!("{base}; status {}: {}", s.state.as_str(), s.reason),
                );
                if let (Some(card), Some(g)) = (
                    node.query_selector("rect.card").ok().flatten(),
                    svg_child(&doc, &node, "status-glyph"),
                ) {
                    let x = attr_f64(&card, "x") + attr_f64(&card, "width") - 14.0;
                    let y = attr_f64(&card, "y") + attr_f64(&card, "height") - 10.0;
                    let _ = g.set_attribute("x", &format!("{x:.1}"));
                    let _ = g.set_attribute("y", &format!("{y:.1}"));
                    let _ = g.set_attribute("text-anchor", "middle");
                    let _ = g.set_attribute("aria-hidden", "true");
                    g.set_text_content(Some(glyph(s.state)));
                }
            }
            None => {
                let _ = node.remove_attribute("data-status");
                let _ = node.set_attribute("aria-label", &base);
                if let Ok(Some(g)) = node.query_selector(":scope > .status-glyph") {
                    g.remove();
                }
            }
        }
    }
    for edge in elements(layer, "g.edge.traffic") {
        let from = edge.get_attribute("data-from").unwrap_or_default();
        let to = edge.get_attribute("data-to").unwrap_or_default();
        let traffic = assessment.and_then(|a| {
            a.traffic
                .iter()
                .find(|t| t.from == from && (t.to == to || t.via == to))
        });
        match traffic {
            Some(t) => {
                let _ = edge.set_attribute("data-status", t.state.as_str());
                let _ = edge.set_attribute("data-traffic", &t.text);
                match explorer_view::live::token_speed(t.rate_rps) {
                    Some(speed) => {
                        let _ = edge.set_attribute("data-token", speed);
                    }
                    None => {
                        let _ = edge.remove_attribute("data-token");
                    }
                }
                if let (Some(label), Some(text)) = (
                    edge.query_selector("text.edge-label").ok().flatten(),
                    svg_child(&doc, &edge, "traffic-label"),
                ) {
                    let _ = text.set_attribute("x", &label.get_attribute("x").unwrap_or_default());
                    let y = attr_f64(&label, "y") + 15.0;
                    let _ = text.set_attribute("y", &format!("{y:.1}"));
                    let _ = text.set_attribute("text-anchor", "middle");
                    // Short on the drawing (the gap between two cards is narrow): the rate,
                    // and the 5xx share when there is one; the whole text is in data-traffic
                    // and the status page.
                    let short = match (t.rate_rps, t.error_ratio) {
                        (None, _) => "no traffic".to_string(),
                        (Some(r), Some(e)) if e > 0.0 => {
                            format!("{r:.1} req/s · 5xx {:.1} %", e * 100.0)
                        }
                        (Some(r), _) if r < 1.0 => format!("{r:.2} req/s"),
                        (Some(r), _) => format!("{r:.1} req/s"),
                    };
                    text.set_text_content(Some(&short));
                }
            }
            None => {
                let _ = edge.remove_attribute("data-status");
                let _ = edge.remove_attribute("data-traffic");
                let _ = edge.remove_attribute("data-token");
                if let Ok(Some(g)) = edge.query_selector(":scope > .traffic-label") {
                    g.remove();
                }
            }
        }
    }
}

//! The diagram as plain values: where every node, edge, frame and label goes.
//! The SPA renders a [`Scene`] as SVG, and [`crate::svg`] writes the same
//! scene as a standalone SVG file.

use serde::Serialize;

use crate::ids::IdIndex;
use crate::layout::{self, Direction, LEdge, LNode, Layout, LayoutInput, LayoutOptions};
use crate::project::{text_width, Role, ViewEdge, ViewGraph, ViewNode};
use explorer_core::model::{HostPort, EXTERNAL_ID};
use explorer_core::relations::Family;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlacedNode {
    pub node: ViewNode,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl PlacedNode {
    pub fn centre(&self) -> (f64, f64) {
        (self.x + self.width / 2.0, self.y + self.height / 2.0)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlacedEdge {
    pub id: String,
    pub from: String,
    pub to: String,
    pub family: Family,
    /// SVG path data.
    pub path: String,
    pub label: Option<EdgeLabel>,
    pub provenance: Vec<String>,
    pub rules: Vec<String>,
    pub edges: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EdgeLabel {
    pub text: String,
    pub x: f64,
    pub y: f64,
}

/// A labelled rectangle behind nodes: the cluster or a namespace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Frame {
    pub id: String,
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    pub frames: Vec<Frame>,
    pub nodes: Vec<PlacedNode>,
    pub edges: Vec<PlacedEdge>,
    /// What the user should know about how this drawing was made (a group too
    /// large for the layered layout, drawn simply).
    pub notes: Vec<String>,
}

impl Scene {
    pub fn node(&self, id: &str) -> Option<&PlacedNode> {
        self.nodes.iter().find(|n| n.node.id == id)
    }
}

const MARGIN: f64 = 24.0;
const NS_PAD: f64 = 24.0;
const NS_LABEL: f64 = 26.0;
const CLUSTER_PAD: f64 = 18.0;
const EXTERNAL_GAP: f64 = 84.0;

/// What the layered layout gets for a view: every node but the outside world
/// (placed by [`compose`] itself), with the edges between them.
pub fn layout_input(view: &ViewGraph) -> LayoutInput {
    let inner = view.nodes.iter().filter(|n| n.role != Role::External);
    LayoutInput {
        nodes: inner
            .map(|n| {
                let (w, h) = n.size();
                LNode {
                    id: n.id.clone(),
                    width: w,
                    height: h,
                }
            })
            .collect(),
        edges: view
            .edges
            .iter()
            .filter(|e| e.from != EXTERNAL_ID && e.to != EXTERNAL_ID)
            .map(|e| {
                let (from, to) = if lays_out_reversed(e.family) {
                    (&e.to, &e.from)
                } else {
                    (&e.from, &e.to)
                };
                LEdge {
                    id: e.id.clone(),
                    from: from.clone(),
                    to: to.clone(),
                    label_width: edge_label(e).map_or(0.0, |t| text_width(&t, LABEL_PX) + 8.0),
                }
            })
            .collect(),
        options: LayoutOptions {
            direction: Direction::LeftRight,
            rank_gap: 76.0,
            node_gap: 34.0,
            margin: 0.0,
        },
    }
}

/// Lays the view out: namespaced and cluster-scoped objects by the layered
/// layout, the outside world to the left of the cluster frame.
pub fn compose(view: &ViewGraph, host_ports: &[HostPort]) -> Scene {
    let inner: Vec<&ViewNode> = view
        .nodes
        .iter()
        .filter(|n| n.role != Role::External)
        .collect();
    let external = view.nodes.iter().find(|n| n.role == Role::External);

    let lay: Layout = layout::layout(&layout_input(view));

    // Offsets: room for the outside world on the left, frames around the rest.
    let namespaces: Vec<String> = {
        let mut v: Vec<String> = inner.iter().filter_map(|n| n.namespace.clone()).collect();
        explorer_core::sort::sort(&mut v);
        v.dedup();
        v
    };
    let has_cluster = !inner.is_empty();
    let frame_pad = if namespaces.is_empty() { 0.0 } else { NS_PAD }
        + if has_cluster { CLUSTER_PAD } else { 0.0 };
    let top_pad = frame_pad
        + if namespaces.is_empty() { 0.0 } else { NS_LABEL }
        + if has_cluster { NS_LABEL } else { 0.0 };
    let ext_size = external.map(|e| e.size());
    let entry_label = host_ports
        .iter()
        .find(|p| p.node_filter.contains("loadbalancer"))
        .or(host_ports.first())
        .map(|p| format!("localhost:{} → :{}", p.host, p.container));
    // The gap to the cluster fits the entry label.
    let gap = entry_label.as_deref().map_or(EXTERNAL_GAP, |l| {
        EXTERNAL_GAP.max(text_width(l, 12.0) + 36.0)
    });
    let left = MARGIN + ext_size.map_or(0.0, |(w, _)| w + gap) + frame_pad;
    let top = MARGIN + top_pad;

    let by_id = IdIndex::new(view.nodes.iter().map(|n| n.id.as_str()));
    let mut nodes: Vec<PlacedNode> = lay
        .nodes
        .iter()
        .filter_map(|b| {
            by_id.get(&b.id).map(|i| PlacedNode {
                node: view.nodes[i].clone(),
                x: b.x + left,
                y: b.y + top,
                width: b.width,
                height: b.height,
            })
        })
        .collect();

    let mut frames = Vec::new();
    let bbox = |ns: Option<&str>, nodes: &[PlacedNode]| -> Option<(f64, f64, f64, f64)> {
        let mut it = nodes.iter().filter(|n| {
            n.node.role != Role::External && (ns.is_none() || n.node.namespace.as_deref() == ns)
        });
        let first = it.next()?;
        let mut b = (
            first.x,
            first.y,
            first.x + first.width,
            first.y + first.height,
        );
        for n in it {
            b = (
                b.0.min(n.x),
                b.1.min(n.y),
                b.2.max(n.x + n.width),
                b.3.max(n.y + n.height),
            );
        }
        Some(b)
    };
    let mut ns_frames = Vec::new();
    for ns in &namespaces {
        if let Some((x0, y0, x1, y1)) = bbox(Some(ns), &nodes) {
            let folded = view.frame_folded.get(ns).map_or(0, Vec::len);
            let label = match folded {
                0 => format!("namespace {ns}"),
                1 => format!("namespace {ns}  ·  1 namespace-wide NetworkPolicy"),
                n => format!("namespace {ns}  ·  {n} namespace-wide NetworkPolicies"),
            };
            ns_frames.push(Frame {
                id: format!("namespace:{ns}"),
                label,
                x: x0 - NS_PAD,
                y: y0 - NS_PAD - NS_LABEL,
                width: x1 - x0 + 2.0 * NS_PAD,
                height: y1 - y0 + 2.0 * NS_PAD + NS_LABEL,
            });
        }
    }
    if has_cluster {
        let mut b = bbox(None, &nodes).unwrap_or((left, top, left, top));
        for f in &ns_frames {
            b = (
                b.0.min(f.x),
                b.1.min(f.y),
                b.2.max(f.x + f.width),
                b.3.max(f.y + f.height),
            );
        }
        let label = if host_ports.is_empty() {
            "cluster".to_string()
        } else {
            "k3d cluster".to_string()
        };
        frames.push(Frame {
            id: "cluster".into(),
            label,
            x: b.0 - CLUSTER_PAD,
            y: b.1 - CLUSTER_PAD - NS_LABEL,
            width: b.2 - b.0 + 2.0 * CLUSTER_PAD,
            height: b.3 - b.1 + 2.0 * CLUSTER_PAD + NS_LABEL,
        });
    }
    frames.extend(ns_frames);

    // The outside world: left of the cluster, level with what it reaches.
    if let (Some(ext), Some((w, h))) = (external, ext_size) {
        let targets: Vec<f64> = view
            .edges
            .iter()
            .filter(|e| e.from == ext.id)
            .filter_map(|e| nodes.iter().find(|n| n.node.id == e.to))
            .map(|n| n.centre().1)
            .collect();
        let cy = if targets.is_empty() {
            top + h / 2.0
        } else {
            targets.iter().sum::<f64>() / targets.len() as f64
        };
        nodes.push(PlacedNode {
            node: ext.clone(),
            x: MARGIN,
            y: (cy - h / 2.0).max(MARGIN),
            width: w,
            height: h,
        });
    }

    let routes = IdIndex::new(lay.edges.iter().map(|r| r.id.as_str()));
    let placed = IdIndex::new(nodes.iter().map(|n| n.node.id.as_str()));
    let mut edges = Vec::new();
    for e in &view.edges {
        let (Some(a), Some(b)) = (placed.get(&e.from), placed.get(&e.to)) else {
            continue;
        };
        let (a, b) = (&nodes[a], &nodes[b]);
        let (path, label) = match routes.get(&e.id).map(|i| &lay.edges[i]) {
            Some(r) if r.points.len() >= 2 => {
                let mut pts: Vec<(f64, f64)> =
                    r.points.iter().map(|&(x, y)| (x + left, y + top)).collect();
                if lays_out_reversed(e.family) {
                    pts.reverse();
                }
                let label = r.label.zip(edge_label(e)).map(|((x, y), text)| EdgeLabel {
                    text,
                    x: x + left,
                    // The text's baseline, so the text is centred on the box.
                    y: y + top + LABEL_PX * 0.35,
                });
                (layout::smooth_path(&pts, Direction::LeftRight), label)
            }
            _ => {
                // The external edge (or an edge the layout skipped): a horizontal S-curve.
                let start = (a.x + a.width, a.y + a.height / 2.0);
                let end = (b.x, b.y + b.height / 2.0);
                let path = layout::smooth_path(&[start, end], Direction::LeftRight);
                let label = (e.from == EXTERNAL_ID)
                    .then(|| entry_label.clone())
                    .flatten()
                    .map(|text| EdgeLabel {
                        text,
                        x: (start.0 + ext_right_of_frame(&frames, start.0)) / 2.0,
                        y: start.1 - 10.0,
                    });
                (path, label)
            }
        };
        edges.push(PlacedEdge {
            id: e.id.clone(),
            from: e.from.clone(),
            to: e.to.clone(),
            family: e.family,
            path,
            label,
            provenance: e.provenance.clone(),
            rules: e.rules.clone(),
            edges: e.edges.clone(),
        });
    }

    let mut width = nodes.iter().map(|n| n.x + n.width).fold(0.0, f64::max);
    let mut height = nodes.iter().map(|n| n.y + n.height).fold(0.0, f64::max);
    for f in &frames {
        width = width.max(f.x + f.width);
        height = height.max(f.y + f.height);
    }
    explorer_core::sort::sort_by(&mut nodes, |a, b| a.node.id.cmp(&b.node.id));
    let notes = lay
        .simplified
        .iter()
        .map(|n| {
            format!(
                "{n} connected objects are too many for the layered layout: they are drawn in plain ranks with straight edges. Hide kinds or relations to see their structure."
            )
        })
        .collect();
    Scene {
        width: width + MARGIN,
        height: height + MARGIN,
        frames,
        notes,
        nodes,
        edges,
    }
}

/// Metrics edges point from the scraper to what it scrapes (Prometheus →
/// Flask, Grafana → Prometheus) but data flows the other way; laying them out
/// reversed puts monitoring beside and after the request path, as in the
/// seed's picture. The arrow still points the way the edge does.
fn lays_out_reversed(family: Family) -> bool {
    family == Family::Metrics
}

/// Font size of edge labels (the stylesheet's `.edge-label`).
const LABEL_PX: f64 = 12.0;

/// The label of a laid-out edge: the ports a traffic or metrics relation goes
/// through (`:5000`), so the picture reads like the seed's (`flask-service:5000`).
pub fn edge_label(e: &ViewEdge) -> Option<String> {
    if e.ports.is_empty() || !matches!(e.family, Family::Traffic | Family::Metrics) {
        return None;
    }
    let ports: Vec<String> = e.ports.iter().map(|p| format!(":{p}")).collect();
    Some(ports.join(" "))
}

/// Where the label of the entry edge is centred: between the browser and the
/// cluster frame, so it never sits on a node.
fn ext_right_of_frame(frames: &[Frame], start_x: f64) -> f64 {
    frames
        .iter()
        .find(|f| f.id == "cluster")
        .map_or(start_x + 2.0 * EXTERNAL_GAP, |f| f.x)
}

/// A rectangle: x, y (top-left), width, height.
pub type Rect = (f64, f64, f64, f64);

/// Where the parts of a node's card go. The SPA and the SVG export both draw
/// from this, so the two pictures cannot drift apart.
#[derive(Clone, Debug, PartialEq)]
pub struct CardGeometry {
    /// The pods stacked behind a workload's card, back to front.
    pub pods: Vec<Rect>,
    pub card: Rect,
    /// Top-left of the 20×20 kind icon.
    pub icon: (f64, f64),
    pub text_x: f64,
    pub name_y: f64,
    pub kind_y: f64,
    /// Baseline of the `svc …` line, when Services are folded in.
    pub service_y: Option<f64>,
    /// Centre of the `+N` badge, when objects are folded in.
    pub badge: Option<(f64, f64)>,
}

/// Offset between stacked pods.
const POD_STEP: f64 = 5.0;

impl PlacedNode {
    pub fn card_geometry(&self) -> CardGeometry {
        let n = &self.node;
        let pods = if n.role == Role::Workload {
            n.replicas.unwrap_or(1).clamp(1, 3)
        } else {
            1
        };
        let stack = f64::from(pods - 1) * POD_STEP;
        let card = (
            self.x,
            self.y + stack,
            self.width - stack,
            self.height - stack,
        );
        let (cx, cy, cw, ch) = card;
        // Three text lines sit a little higher than two.
        let lift = if n.services.is_empty() { 0.0 } else { 7.0 };
        CardGeometry {
            pods: (1..pods)
                .rev()
                .map(|i| {
                    let o = f64::from(i) * POD_STEP;
                    (self.x + o, self.y + stack - o, cw, ch)
                })
                .collect(),
            card,
            icon: (cx + 14.0, cy + ch / 2.0 - 10.0 - lift),
            text_x: cx + 44.0,
            name_y: cy + ch / 2.0 - 2.0 - lift,
            kind_y: cy + ch / 2.0 + 14.0 - lift,
            service_y: (!n.services.is_empty()).then_some(cy + ch / 2.0 + 28.0 - lift),
            badge: (!n.folded.is_empty()).then_some((cx + cw - 14.0, cy + 12.0)),
        }
    }
}

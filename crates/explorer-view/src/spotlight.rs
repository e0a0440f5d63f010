//! What a flow or tour step lights up on the drawn diagram: the view nodes and drawn edges
//! that stand for the step's graph nodes and edges (a folded object lights its workload), and
//! the box to zoom to.

use std::collections::BTreeSet;

use explorer_core::flows::Target;
use explorer_core::graph::Graph;

use crate::project::ViewGraph;
use crate::scene::Scene;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spotlight {
    /// View node ids.
    pub nodes: BTreeSet<String>,
    /// Drawn edge ids (`data-edge`) carrying the step's edges.
    pub edges: BTreeSet<String>,
}

/// The view node standing for graph node `id`: itself, else the node it is folded into.
pub fn stand_in(view: &ViewGraph, id: &str) -> Option<String> {
    if view.node(id).is_some() {
        return Some(id.to_string());
    }
    view.nodes
        .iter()
        .find(|n| n.folded.iter().any(|f| f == id))
        .map(|n| n.id.clone())
}

/// The spotlight of a step's targets.
pub fn spotlight(view: &ViewGraph, graph: &Graph, targets: &[Target]) -> Spotlight {
    let mut s = Spotlight::default();
    for t in targets {
        match t {
            Target::Node(id) => s.nodes.extend(stand_in(view, id)),
            Target::Edge(id) => {
                let drawn: Vec<_> = view
                    .edges
                    .iter()
                    .filter(|e| e.edges.iter().any(|x| x == id))
                    .collect();
                for e in &drawn {
                    s.edges.insert(e.id.clone());
                    s.nodes.insert(e.from.clone());
                    s.nodes.insert(e.to.clone());
                }
                if drawn.is_empty() {
                    // Folded inside one node (a Service into its workload): light its ends.
                    if let Ok(i) = graph.edges.binary_search_by(|e| e.id.as_str().cmp(id)) {
                        let e = &graph.edges[i];
                        s.nodes.extend(stand_in(view, &e.from));
                        s.nodes.extend(stand_in(view, &e.to));
                    }
                }
            }
        }
    }
    s
}

/// The box `(x, y, width, height)` around the placed nodes of a spotlight.
pub fn focus_box(scene: &Scene, s: &Spotlight) -> Option<(f64, f64, f64, f64)> {
    let placed: Vec<_> = scene
        .nodes
        .iter()
        .filter(|n| s.nodes.contains(&n.node.id))
        .collect();
    let x0 = placed.iter().map(|n| n.x).reduce(f64::min)?;
    let y0 = placed.iter().map(|n| n.y).reduce(f64::min)?;
    let x1 = placed.iter().map(|n| n.x + n.width).reduce(f64::max)?;
    let y1 = placed.iter().map(|n| n.y + n.height).reduce(f64::max)?;
    Some((x0, y0, x1 - x0, y1 - y0))
}

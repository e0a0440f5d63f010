//! Layered (Sugiyama-style) layout of a directed graph, as plain values.
//!
//! Layer assignment (longest path, then sinking nodes to shorten edges),
//! routing vertices on long edges, crossing reduction (swapping neighbours
//! within a layer) and coordinate assignment (Brandes–Köpf) come from the
//! `layout-rs` crate (`layout::topo`), used without its rendering. This module
//! is glue around it:
//!
//! * unknown endpoints and self-loops dropped;
//! * the graph split into weakly connected components, each laid out on its
//!   own and then shelf-packed;
//! * cycles broken by reversing the back edges of a depth-first search, and
//!   vertices and edges handed over in an order that keeps the library's own
//!   checks linear ([`prepare`]);
//! * every edge given a middle vertex, so nodes sit on even layers; a labelled
//!   edge's middle vertex is a box of the label's size, so a `label_width × 16`
//!   label has a slot of its own and never overlaps a node;
//! * edge routes through the library's routing vertices, with the two ends moved
//!   to the facing side of the node ("ports");
//! * bounds, margins and an SVG path helper.
//!
//! The library asserts on inputs it cannot place (empty boxes in one layer);
//! every box and gap handed to it is at least 1 px, and the fuzz tests in
//! `tests/layout.rs` run it on random graphs with cycles, multi-edges, zero
//! sizes and gaps. Its passes grow quadratically with the vertex count
//! (including routing vertices), so components above [`OPTIMIZE_MAX_ITEMS`]
//! vertices skip the optimisation passes.
//!
//! Deterministic: the library keeps insertion order, and everything here
//! iterates vectors in input order (maps are only used for lookups).

use std::collections::HashMap;

use layout::adt::dag::NodeHandle;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::format::Visible;
use layout::core::geometry::{Point, Position};
use layout::core::style::StyleAttr;
use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
use layout::topo::layout::VisualGraph;
use layout::topo::placer::Placer;
use serde::Serialize;

/// Height of an edge-label box (its width is [`LEdge::label_width`]).
pub const LABEL_HEIGHT: f64 = 16.0;

/// Components with more vertices than this (nodes plus one middle vertex per
/// edge) are laid out without the library's optimisation passes (sinking nodes
/// to shorten edges, swapping neighbours to remove crossings), which grow
/// faster than quadratically: natively ~0.1 s for a 97-node component with a
/// monitoring hub (203 vertices), ~0.5 s for a 100-node random DAG (250).
/// Bigger components keep the depth-first starting order (more crossings).
pub const OPTIMIZE_MAX_ITEMS: usize = 300;

/// Components with more vertices than this (nodes plus edges) are not given to
/// the layered layout at all: even without its optimisation passes it grows
/// faster than quadratically (natively, `examples/layout_bench.rs`: a random
/// DAG of 200 nodes 0.13 s, 400 nodes 0.9 s, 600 nodes 2.5 s; a cluster with one
/// monitoring hub of 600 nodes 0.8 s; slower again in the browser). They are
/// drawn by [`ranked_component`] instead, in linear time, and the layout says so
/// ([`Layout::simplified`]), so the page can tell the user why.
pub const LAYERED_MAX_ITEMS: usize = 500;

/// Free space kept on each side of a label anchored in a rank gap.
const LABEL_PAD: f64 = 4.0;

/// How far a port stays from the corners of a node side.
const PORT_INSET: f64 = 6.0;
/// Free space around a routing vertex (across the flow, between parallel edges).
const ROUTE_GAP: f64 = 10.0;
const EPS: f64 = 1e-6;

/// Which way the flow reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Direction {
    #[default]
    LeftRight,
    TopDown,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LayoutInput {
    pub nodes: Vec<LNode>,
    pub edges: Vec<LEdge>,
    pub options: LayoutOptions,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LNode {
    pub id: String,
    pub width: f64,
    pub height: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LEdge {
    pub id: String,
    pub from: String,
    pub to: String,
    /// Width of the label box; `0` = no label.
    pub label_width: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayoutOptions {
    pub direction: Direction,
    /// Minimum gap between two node ranks (an edge-label rank adds its width).
    pub rank_gap: f64,
    /// Minimum gap between two nodes of the same rank.
    pub node_gap: f64,
    /// Empty border around the whole drawing.
    pub margin: f64,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            direction: Direction::LeftRight,
            rank_gap: 80.0,
            node_gap: 30.0,
            margin: 20.0,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// The direction this layout was made for (used by [`Layout::svg_path`]).
    pub direction: Direction,
    /// One box per distinct input node id, in input order.
    pub nodes: Vec<NodeBox>,
    /// One route per laid-out edge, in input order. Edges with an unknown
    /// endpoint and self-loops are left out.
    pub edges: Vec<EdgeRoute>,
    /// Node counts of the components too large for the layered layout
    /// ([`LAYERED_MAX_ITEMS`]), drawn in plain ranks with straight edges.
    pub simplified: Vec<usize>,
}

/// A placed node; `x`, `y` is the top-left corner.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeBox {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Layer index within the node's connected component, 0 = first in the flow.
    pub rank: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EdgeRoute {
    pub id: String,
    pub from: String,
    pub to: String,
    /// Polyline: starts on the source border, ends on the target border, bends
    /// at the layout's dummy vertices.
    pub points: Vec<(f64, f64)>,
    /// Centre of the label box (`label_width × LABEL_HEIGHT`), if the edge has a label.
    pub label: Option<(f64, f64)>,
}

impl Layout {
    pub fn node(&self, id: &str) -> Option<&NodeBox> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// A smooth SVG path (`M x y C …`) through the route's points. Each piece
    /// is a cubic whose tangents follow the flow direction, so the curve passes
    /// through every bend (and the label anchor) and stays inside the bounding
    /// box of each polyline segment.
    pub fn svg_path(&self, edge: &EdgeRoute) -> String {
        smooth_path(&edge.points, self.direction)
    }
}

/// Number of proper crossings between segments of different edges. Touching
/// (shared endpoints, a bend lying on another edge) and collinear overlaps
/// are not counted.
pub fn count_crossings(layout: &Layout) -> usize {
    struct Seg {
        edge: usize,
        a: (f64, f64),
        b: (f64, f64),
        min_x: f64,
        max_x: f64,
        min_y: f64,
        max_y: f64,
    }
    let mut segs: Vec<Seg> = Vec::new();
    for (i, e) in layout.edges.iter().enumerate() {
        for w in e.points.windows(2) {
            let (a, b) = (w[0], w[1]);
            segs.push(Seg {
                edge: i,
                a,
                b,
                min_x: a.0.min(b.0),
                max_x: a.0.max(b.0),
                min_y: a.1.min(b.1),
                max_y: a.1.max(b.1),
            });
        }
    }
    explorer_core::sort::sort_by(&mut segs, |s, t| s.min_x.total_cmp(&t.min_x));
    let mut count = 0;
    for i in 0..segs.len() {
        let s = &segs[i];
        for t in &segs[i + 1..] {
            if t.min_x > s.max_x {
                break;
            }
            if t.edge == s.edge || t.min_y > s.max_y || t.max_y < s.min_y {
                continue;
            }
            if segments_cross(s.a, s.b, t.a, t.b) {
                count += 1;
            }
        }
    }
    count
}

fn orient(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

fn segments_cross(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
    let scale = [a.0, a.1, b.0, b.1, c.0, c.1, d.0, d.1]
        .iter()
        .fold(1.0_f64, |m, v| m.max(v.abs()));
    let eps = 1e-9 * scale * scale;
    let (o1, o2) = (orient(a, b, c), orient(a, b, d));
    let (o3, o4) = (orient(c, d, a), orient(c, d, b));
    ((o1 > eps && o2 < -eps) || (o1 < -eps && o2 > eps))
        && ((o3 > eps && o4 < -eps) || (o3 < -eps && o4 > eps))
}

/// Lays the graph out. Never panics on bad input: unknown endpoints and
/// self-loops are skipped, duplicate node ids keep the first, non-finite or
/// negative sizes count as 0.
pub fn layout(input: &LayoutInput) -> Layout {
    let opts = sanitize_options(&input.options);

    // Nodes: first occurrence of each id wins.
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(input.nodes.len());
    let mut nodes: Vec<(&str, f64, f64)> = Vec::with_capacity(input.nodes.len());
    for n in &input.nodes {
        if !index.contains_key(n.id.as_str()) {
            index.insert(n.id.as_str(), nodes.len());
            nodes.push((n.id.as_str(), non_negative(n.width), non_negative(n.height)));
        }
    }

    // Edges: both endpoints known, not a self-loop.
    let mut edges: Vec<Edge> = Vec::with_capacity(input.edges.len());
    for e in &input.edges {
        let (Some(&from), Some(&to)) = (index.get(e.from.as_str()), index.get(e.to.as_str()))
        else {
            continue;
        };
        if from == to {
            continue;
        }
        let label_width = non_negative(e.label_width);
        edges.push(Edge {
            input: e,
            from,
            to,
            label_width,
        });
    }

    // Weakly connected components (union-find), numbered by first node.
    let mut parent: Vec<usize> = (0..nodes.len()).collect();
    for e in &edges {
        let (a, b) = (find(&mut parent, e.from), find(&mut parent, e.to));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut comp_of_root: HashMap<usize, usize> = HashMap::new();
    let mut comp_nodes: Vec<Vec<usize>> = Vec::new();
    let mut comp_of = vec![0; nodes.len()];
    for (i, c) in comp_of.iter_mut().enumerate() {
        let root = find(&mut parent, i);
        let next = comp_nodes.len();
        let id = *comp_of_root.entry(root).or_insert(next);
        if id == next {
            comp_nodes.push(Vec::new());
        }
        comp_nodes[id].push(i);
        *c = id;
    }
    let mut comp_edges: Vec<Vec<usize>> = vec![Vec::new(); comp_nodes.len()];
    for (k, e) in edges.iter().enumerate() {
        comp_edges[comp_of[e.from]].push(k);
    }

    let mut simplified = Vec::new();
    let placed: Vec<Placed> = comp_nodes
        .iter()
        .zip(&comp_edges)
        .map(|(cn, ce)| {
            if cn.len() + ce.len() > LAYERED_MAX_ITEMS {
                simplified.push(cn.len());
                ranked_component(cn, ce, &nodes, &edges, &opts)
            } else {
                layout_component(cn, ce, &nodes, &edges, &opts)
            }
        })
        .collect();

    // Pack the components and assemble the result.
    let offsets = pack(&placed, component_gap(&opts));
    let mut boxes: Vec<Option<NodeBox>> = vec![None; nodes.len()];
    let mut routes: Vec<Option<EdgeRoute>> = vec![None; edges.len()];
    let (mut max_x, mut max_y) = (0.0_f64, 0.0_f64);
    for (p, &(ox, oy)) in placed.iter().zip(&offsets) {
        let (dx, dy) = (ox + opts.margin, oy + opts.margin);
        max_x = max_x.max(ox + p.width);
        max_y = max_y.max(oy + p.height);
        for &(i, x, y, rank) in &p.nodes {
            let (id, w, h) = nodes[i];
            boxes[i] = Some(NodeBox {
                id: id.to_string(),
                x: x + dx,
                y: y + dy,
                width: w,
                height: h,
                rank,
            });
        }
        for (k, pts, label) in &p.edges {
            let e = &edges[*k];
            routes[*k] = Some(EdgeRoute {
                id: e.input.id.clone(),
                from: e.input.from.clone(),
                to: e.input.to.clone(),
                points: pts.iter().map(|&(x, y)| (x + dx, y + dy)).collect(),
                label: label.map(|(x, y)| (x + dx, y + dy)),
            });
        }
    }

    Layout {
        width: max_x + 2.0 * opts.margin,
        height: max_y + 2.0 * opts.margin,
        direction: opts.direction,
        nodes: boxes.into_iter().flatten().collect(),
        edges: routes.into_iter().flatten().collect(),
        simplified,
    }
}

struct Edge<'a> {
    input: &'a LEdge,
    from: usize,
    to: usize,
    label_width: f64,
}

/// (edge index, points, label centre).
type Route = (usize, Vec<(f64, f64)>, Option<(f64, f64)>);

/// One component, translated so that its bounding box starts at (0, 0).
struct Placed {
    /// (node index, x, y, rank); x, y top-left.
    nodes: Vec<(usize, f64, f64, usize)>,
    /// (edge index, points, label centre).
    edges: Vec<Route>,
    width: f64,
    height: f64,
}

#[derive(Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn non_negative(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 {
        v
    } else {
        0.0
    }
}

fn sanitize_options(o: &LayoutOptions) -> LayoutOptions {
    LayoutOptions {
        direction: o.direction,
        rank_gap: non_negative(o.rank_gap),
        node_gap: non_negative(o.node_gap),
        margin: non_negative(o.margin),
    }
}

fn component_gap(opts: &LayoutOptions) -> f64 {
    opts.node_gap.max(opts.rank_gap * 0.5).max(1.0)
}

fn layout_component(
    comp: &[usize],
    comp_edges: &[usize],
    nodes: &[(&str, f64, f64)],
    edges: &[Edge],
    opts: &LayoutOptions,
) -> Placed {
    if comp.len() == 1 && comp_edges.is_empty() {
        let (_, w, h) = nodes[comp[0]];
        return Placed {
            nodes: vec![(comp[0], 0.0, 0.0, 0)],
            edges: Vec::new(),
            width: w,
            height: h,
        };
    }

    // Local numbering, cycles broken and vertices ordered (see `prepare`).
    let local: HashMap<usize, usize> = comp.iter().enumerate().map(|(l, &i)| (i, l)).collect();
    let links: Vec<(usize, usize)> = comp_edges
        .iter()
        .map(|&k| (local[&edges[k].from], local[&edges[k].to]))
        .collect();
    let prep = prepare(comp.len(), &links);

    let orientation = match opts.direction {
        Direction::LeftRight => Orientation::LeftToRight,
        Direction::TopDown => Orientation::TopToBottom,
    };
    // Sizes and halos are given along (x, y) of the final drawing; the halo is
    // the free space kept around a box (half on each side).
    let flow = |along: f64, across: f64| match opts.direction {
        Direction::LeftRight => Point::new(along, across),
        Direction::TopDown => Point::new(across, along),
    };
    // The library asserts that boxes in a layer follow each other strictly, so
    // nothing it places may be empty: every box is at least 1 × 1 with at
    // least 1 of free space (a node's own box is centred in it afterwards).
    let element = |shape: ShapeKind, size: Point, halo: Point| Element {
        shape,
        pos: Position::new(
            Point::zero(),
            Point::new(size.x.max(1.0), size.y.max(1.0)),
            Point::zero(),
            Point::new(halo.x.max(1.0), halo.y.max(1.0)),
        ),
        look: StyleAttr::new(Color::new(0), 1, None, 0, 12),
        orientation,
        properties: None,
    };
    let mut vg = VisualGraph::new(orientation);
    // Its checks re-verify the whole graph after every edge (quadratic); the
    // input is acyclic by construction here.
    vg.dag.set_validate(false);
    let mut handle = vec![NodeHandle::from(0); comp.len()];
    for &l in &prep.order {
        let (_, w, h) = nodes[comp[l]];
        let size = Point::new(w, h);
        handle[l] = vg.add_node(element(
            ShapeKind::Box(String::new()),
            size,
            flow(opts.rank_gap, opts.node_gap),
        ));
    }
    // Every edge goes through a middle vertex, so nodes sit on even layers and
    // every hop has an odd layer between them: a labelled edge's middle vertex
    // is the label's box (a box to the library, which never resizes or moves
    // boxes between layers), so the label has a slot of its own and never
    // overlaps a node; other middle vertices are routing points.
    let mut chains: Vec<[NodeHandle; 3]> = Vec::with_capacity(links.len());
    for &(j, reversed) in &prep.edges {
        let e = &edges[comp_edges[j]];
        let (a, b) = links[j];
        let (a, b) = if reversed { (b, a) } else { (a, b) };
        let middle = if e.label_width > 0.0 {
            element(
                ShapeKind::Box(String::new()),
                Point::new(e.label_width, LABEL_HEIGHT),
                flow(2.0 * LABEL_PAD, opts.node_gap * 0.5),
            )
        } else {
            element(
                ShapeKind::Connector(None),
                Point::splat(1.0),
                Point::splat(ROUTE_GAP),
            )
        };
        let m = vg.add_node(middle);
        vg.add_edge(Arrow::default(), handle[a], m);
        vg.add_edge(Arrow::default(), m, handle[b]);
        chains.push([handle[a], m, handle[b]]);
    }
    let own = vg.num_nodes();
    vg.to_valid_dag();
    vg.split_long_edges(vg.num_nodes() > OPTIMIZE_MAX_ITEMS);
    // The library's own routing vertices get their default size.
    for h in own..vg.num_nodes() {
        vg.element_mut(NodeHandle::from(h)).resize();
    }
    Placer::new(&mut vg).layout(false);

    // Nodes: the library's layers → dense layer index over the real nodes.
    let rect_of = |h: NodeHandle| {
        let (tl, br) = vg.pos(h).bbox(false);
        Rect {
            x: tl.x,
            y: tl.y,
            w: br.x - tl.x,
            h: br.y - tl.y,
        }
    };
    // Each vertex's layer, read off the library's rows in one pass (its own
    // lookup scans every row).
    let mut level = vec![0usize; vg.num_nodes()];
    for (r, row) in vg.dag.ranks().iter().enumerate() {
        for h in row {
            level[h.get_index()] = r;
        }
    }
    let mut raw: Vec<(usize, Rect, usize)> = Vec::with_capacity(comp.len());
    for (l, &i) in comp.iter().enumerate() {
        let (_, w, h) = nodes[i];
        let r = rect_of(handle[l]);
        // Centred on the library's box (which may include rounding).
        let rect = Rect {
            x: r.x + (r.w - w) / 2.0,
            y: r.y + (r.h - h) / 2.0,
            w,
            h,
        };
        raw.push((i, rect, level[handle[l].get_index()]));
    }
    let mut ranks: Vec<usize> = raw.iter().map(|r| r.2).collect();
    explorer_core::sort::sort(&mut ranks);
    ranks.dedup();

    // Edges: each hop of a chain, through the routing vertices the library
    // inserted on it.
    let mut claimed = vec![false; vg.num_nodes()];
    let mut routes: Vec<Option<Route>> = vec![None; comp_edges.len()];
    for (&(j, reversed), chain) in prep.edges.iter().zip(&chains) {
        let k = comp_edges[j];
        let e = &edges[k];
        let mut pts = vec![centre(rect_of(chain[0]))];
        for w in chain.windows(2) {
            for h in hop(&vg, own, &mut claimed, w[0], w[1]) {
                pts.push(centre(rect_of(h)));
            }
            pts.push(centre(rect_of(w[1])));
        }
        let label = (e.label_width > 0.0).then(|| centre(rect_of(chain[1])));
        if reversed {
            pts.reverse();
        }
        let (src, tgt) = (raw[local[&e.from]].1, raw[local[&e.to]].1);
        attach_ports(&mut pts, src, tgt, opts.direction);
        routes[j] = Some((k, pts, label));
    }
    let out_edges: Vec<Route> = routes.into_iter().flatten().collect();

    // Bounding box of everything drawn, then translate to the origin.
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    let mut grow = |ax: f64, ay: f64, bx: f64, by: f64| {
        x0 = x0.min(ax);
        y0 = y0.min(ay);
        x1 = x1.max(bx);
        y1 = y1.max(by);
    };
    for (_, r, _) in &raw {
        grow(r.x, r.y, r.x + r.w, r.y + r.h);
    }
    for (k, pts, label) in &out_edges {
        for &(x, y) in pts {
            grow(x, y, x, y);
        }
        if let Some((x, y)) = label {
            let w = edges[*k].label_width;
            grow(
                x - w / 2.0,
                y - LABEL_HEIGHT / 2.0,
                x + w / 2.0,
                y + LABEL_HEIGHT / 2.0,
            );
        }
    }
    let shift = |(x, y): (f64, f64)| (x - x0, y - y0);
    Placed {
        nodes: raw
            .iter()
            .map(|(i, r, rank)| {
                let (x, y) = shift((r.x, r.y));
                (*i, x, y, ranks.binary_search(rank).unwrap_or(0))
            })
            .collect(),
        edges: out_edges
            .into_iter()
            .map(|(k, pts, label)| (k, pts.into_iter().map(shift).collect(), label.map(shift)))
            .collect(),
        width: x1 - x0,
        height: y1 - y0,
    }
}

/// A component too large for the layered layout, in linear time: ranks by the
/// longest path from the sources (cycles broken as for the library), each rank
/// a column (or row) in depth-first order, edges straight from border to
/// border with their label at the middle. No crossing reduction: the drawing
/// is readable for its ranks, not its edges, and the page says so.
fn ranked_component(
    comp: &[usize],
    comp_edges: &[usize],
    nodes: &[(&str, f64, f64)],
    edges: &[Edge],
    opts: &LayoutOptions,
) -> Placed {
    let n = comp.len();
    let local: HashMap<usize, usize> = comp.iter().enumerate().map(|(l, &i)| (i, l)).collect();
    let links: Vec<(usize, usize)> = comp_edges
        .iter()
        .map(|&k| (local[&edges[k].from], local[&edges[k].to]))
        .collect();
    let prep = prepare(n, &links);

    // Longest path from the sources over the oriented (acyclic) edges: Kahn's order.
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for &(j, reversed) in &prep.edges {
        let (a, b) = links[j];
        let (a, b) = if reversed { (b, a) } else { (a, b) };
        out[a].push(b);
        indegree[b] += 1;
    }
    let mut rank = vec![0usize; n];
    let mut queue: Vec<usize> = prep
        .order
        .iter()
        .copied()
        .filter(|&v| indegree[v] == 0)
        .collect();
    let mut head = 0;
    while let Some(&v) = queue.get(head) {
        head += 1;
        for &w in &out[v] {
            rank[w] = rank[w].max(rank[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                queue.push(w);
            }
        }
    }

    // Along the flow: each rank as deep as its deepest box; across: boxes in preorder.
    let horizontal = opts.direction == Direction::LeftRight;
    let along = |w: f64, h: f64| if horizontal { w } else { h };
    let across = |w: f64, h: f64| if horizontal { h } else { w };
    let ranks = rank.iter().max().map_or(0, |r| r + 1);
    let mut depth = vec![0.0_f64; ranks];
    for (l, &i) in comp.iter().enumerate() {
        let (_, w, h) = nodes[i];
        depth[rank[l]] = depth[rank[l]].max(along(w, h));
    }
    // A labelled edge's label sits in the gap after its lower rank, so that gap
    // also takes the widest such label (no label ever lies on a box).
    let label_along = |k: usize| {
        let w = edges[k].label_width;
        if w <= 0.0 {
            0.0
        } else if horizontal {
            w + 2.0 * LABEL_PAD
        } else {
            LABEL_HEIGHT + 2.0 * LABEL_PAD
        }
    };
    let mut gap = vec![opts.rank_gap; ranks];
    for (&k, &(a, b)) in comp_edges.iter().zip(&links) {
        let r = rank[a].min(rank[b]);
        gap[r] = gap[r].max(opts.rank_gap + label_along(k));
    }
    let mut start = vec![0.0_f64; ranks];
    for r in 1..ranks {
        start[r] = start[r - 1] + depth[r - 1] + gap[r - 1];
    }
    let mut fill = vec![0.0_f64; ranks];
    let mut at = vec![(0.0, 0.0); n];
    for &l in &prep.order {
        let (_, w, h) = nodes[comp[l]];
        let r = rank[l];
        let (a, c) = (start[r] + (depth[r] - along(w, h)) / 2.0, fill[r]);
        fill[r] += across(w, h) + opts.node_gap;
        at[l] = if horizontal { (a, c) } else { (c, a) };
    }
    let rect = |l: usize| {
        let (_, w, h) = nodes[comp[l]];
        Rect {
            x: at[l].0,
            y: at[l].1,
            w,
            h,
        }
    };
    let placed_edges = comp_edges
        .iter()
        .zip(&links)
        .map(|(&k, &(a, b))| {
            let (ra, rb) = (rect(a), rect(b));
            let p = clip_to_border(ra, centre(rb));
            let q = clip_to_border(rb, centre(ra));
            // The label: in the middle of the gap after the lower rank, on the line.
            let label = (edges[k].label_width > 0.0).then(|| {
                let r = rank[a].min(rank[b]);
                let mid = start[r] + depth[r] + gap[r] / 2.0;
                let (pa, qa, pc, qc) = if horizontal {
                    (p.0, q.0, p.1, q.1)
                } else {
                    (p.1, q.1, p.0, q.0)
                };
                let t = if (qa - pa).abs() > EPS {
                    ((mid - pa) / (qa - pa)).clamp(0.0, 1.0)
                } else {
                    0.5
                };
                let c = pc + t * (qc - pc);
                if horizontal {
                    (mid, c)
                } else {
                    (c, mid)
                }
            });
            (k, vec![p, q], label)
        })
        .collect();
    let (mut width, mut height) = (0.0_f64, 0.0_f64);
    for l in 0..n {
        let r = rect(l);
        width = width.max(r.x + r.w);
        height = height.max(r.y + r.h);
    }
    Placed {
        nodes: (0..n)
            .map(|l| (comp[l], at[l].0, at[l].1, rank[l]))
            .collect(),
        edges: placed_edges,
        width,
        height,
    }
}

/// The vertices the library put between `a` and `b` (consecutive vertices of
/// one edge's chain): a run of its routing vertices, each with one successor,
/// that ends at `b`. Parallel hops each claim their own run.
fn hop(
    vg: &VisualGraph,
    own: usize,
    claimed: &mut [bool],
    a: NodeHandle,
    b: NodeHandle,
) -> Vec<NodeHandle> {
    for &first in vg.succ(a) {
        if first == b {
            return Vec::new();
        }
        let mut run = Vec::new();
        let mut at = first;
        while at.get_index() >= own && !claimed[at.get_index()] {
            run.push(at);
            match vg.dag.single_succ(at) {
                Some(next) => at = next,
                None => break,
            }
        }
        if at == b && !run.is_empty() {
            for h in &run {
                claimed[h.get_index()] = true;
            }
            return run;
        }
    }
    Vec::new()
}

/// A component made ready for the library: which edges to reverse so the
/// graph is acyclic (the back edges of a depth-first search in input order)
/// and the order to add vertices and edges in.
///
/// Vertices are added in depth-first preorder from the sources, which is the
/// library's starting order within each layer (subtrees stay together, so it
/// starts with few crossings); edges are added in topological order of their
/// (oriented) source, so that the library's own cycle check, a search from the
/// target that enumerates paths, finds no edges to follow.
struct Prepared {
    /// Local vertex ids, in the order to add them.
    order: Vec<usize>,
    /// (edge, reversed), in the order to add them.
    edges: Vec<(usize, bool)>,
}

fn prepare(n: usize, links: &[(usize, usize)]) -> Prepared {
    // Back edges of a depth-first search over the vertices in input order (as
    // dagre.js does): the edges that close a cycle against the input order.
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (j, &(a, b)) in links.iter().enumerate() {
        out[a].push((b, j));
    }
    let mut reversed = vec![false; links.len()];
    let mut post = Vec::with_capacity(n);
    dfs(&out, 0..n, |j| reversed[j] = true, |_| {}, |v| post.push(v));

    // Vertices in depth-first preorder of the oriented graph, from its
    // sources in input order.
    let mut oriented: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for (j, &(a, b)) in links.iter().enumerate() {
        let (a, b) = if reversed[j] { (b, a) } else { (a, b) };
        oriented[a].push((b, j));
        indegree[b] += 1;
    }
    let mut pre = Vec::with_capacity(n);
    let sources = (0..n).filter(|&v| indegree[v] == 0);
    dfs(&oriented, sources, |_| {}, |v| pre.push(v), |_| {});

    // Reverse postorder is a topological order of the graph without its back
    // edges (and with them reversed).
    let mut topo = vec![0usize; n];
    for (i, &v) in post.iter().rev().enumerate() {
        topo[v] = i;
    }
    // Edges by the topological position of their source, in input order
    // among equals (a bucket per position).
    let mut by_source: Vec<Vec<(usize, bool)>> = vec![Vec::new(); n];
    for (j, &(a, b)) in links.iter().enumerate() {
        let source = if reversed[j] { b } else { a };
        by_source[topo[source]].push((j, reversed[j]));
    }
    Prepared {
        order: pre,
        edges: by_source.into_iter().flatten().collect(),
    }
}

/// Iterative depth-first search from `roots` (skipping vertices already seen),
/// reporting edges that close a cycle (to a vertex on the stack), vertices in
/// preorder and in postorder.
fn dfs(
    out: &[Vec<(usize, usize)>],
    roots: impl Iterator<Item = usize>,
    mut back_edge: impl FnMut(usize),
    mut pre: impl FnMut(usize),
    mut post: impl FnMut(usize),
) {
    // 0 = unseen, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; out.len()];
    for root in roots {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        pre(root);
        let mut stack = vec![(root, 0usize)];
        while let Some((v, next)) = stack.last_mut() {
            let v = *v;
            if let Some(&(w, j)) = out[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        pre(w);
                        stack.push((w, 0));
                    }
                    1 => back_edge(j),
                    _ => {}
                }
            } else {
                state[v] = 2;
                post(v);
                stack.pop();
            }
        }
    }
}

fn centre(r: Rect) -> (f64, f64) {
    (r.x + r.w / 2.0, r.y + r.h / 2.0)
}

/// Where the neighbouring bend lies beyond a node side (right or left in a
/// left-right flow, bottom or top in a top-down one) and level with it, puts
/// the route's end on that side level with the bend, so the edge leaves and
/// enters straight along the flow. Other ends get the library's rule, the
/// border point on the line to the node centre (clamping them to a corner
/// instead adds crossings), computed here so it also holds when a zero gap puts
/// the bend on the border.
fn attach_ports(pts: &mut Vec<(f64, f64)>, src: Rect, tgt: Rect, dir: Direction) {
    // Work in flow coordinates: `.0` along the flow, `.1` across it.
    let flip = |p: (f64, f64)| match dir {
        Direction::LeftRight => p,
        Direction::TopDown => (p.1, p.0),
    };
    let flip_rect = |r: Rect| match dir {
        Direction::LeftRight => r,
        Direction::TopDown => Rect {
            x: r.y,
            y: r.x,
            w: r.h,
            h: r.w,
        },
    };
    let mut p: Vec<(f64, f64)> = pts.iter().map(|&q| flip(q)).collect();
    let n = p.len();
    let port = |r: Rect, toward: (f64, f64)| -> (f64, f64) {
        let inset = PORT_INSET.min(r.h / 2.0);
        let level = toward.1 >= r.y + inset && toward.1 <= r.y + r.h - inset;
        if level && toward.0 >= r.x + r.w + EPS {
            (r.x + r.w, toward.1)
        } else if level && toward.0 <= r.x - EPS {
            (r.x, toward.1)
        } else {
            clip_to_border(r, toward)
        }
    };
    p[0] = port(flip_rect(src), p[1]);
    p[n - 1] = port(flip_rect(tgt), p[n - 2]);
    p.dedup_by(|b, a| (a.0 - b.0).abs() < EPS && (a.1 - b.1).abs() < EPS);
    if p.len() == 1 {
        // Degenerate (zero gap): both ends at the same border point.
        p.push(p[0]);
    }
    *pts = p.into_iter().map(flip).collect();
}

/// Where the line from the rectangle's centre towards `toward` leaves the
/// rectangle (the usual end-point rule of layered layouts), or, if `toward` is not outside the
/// rectangle, the border point nearest to it.
fn clip_to_border(r: Rect, toward: (f64, f64)) -> (f64, f64) {
    let (cx, cy) = centre(r);
    let (dx, dy) = (toward.0 - cx, toward.1 - cy);
    let (hw, hh) = (r.w / 2.0, r.h / 2.0);
    if dx.abs() > hw || dy.abs() > hh {
        let sx = if dx == 0.0 {
            f64::INFINITY
        } else {
            hw / dx.abs()
        };
        let sy = if dy == 0.0 {
            f64::INFINITY
        } else {
            hh / dy.abs()
        };
        let s = sx.min(sy);
        return (cx + dx * s, cy + dy * s);
    }
    let sides = [
        (toward.0 - r.x, (r.x, toward.1)),
        (r.x + r.w - toward.0, (r.x + r.w, toward.1)),
        (toward.1 - r.y, (toward.0, r.y)),
        (r.y + r.h - toward.1, (toward.0, r.y + r.h)),
    ];
    sides
        .iter()
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map_or((cx, cy), |s| s.1)
}

/// Shelf packing: biggest component first, rows about as wide as a 16:9
/// rectangle of the total area (never narrower than the widest component).
fn pack(placed: &[Placed], gap: f64) -> Vec<(f64, f64)> {
    let mut order: Vec<usize> = (0..placed.len()).collect();
    explorer_core::sort::sort_by(&mut order, |&a, &b| {
        placed[b]
            .nodes
            .len()
            .cmp(&placed[a].nodes.len())
            .then(a.cmp(&b))
    });
    let area: f64 = placed
        .iter()
        .map(|p| (p.width + gap) * (p.height + gap))
        .sum();
    let widest = placed.iter().map(|p| p.width).fold(0.0, f64::max);
    let row_width = widest.max((area * 16.0 / 9.0).sqrt());
    let mut offsets = vec![(0.0, 0.0); placed.len()];
    let (mut x, mut y, mut row_h) = (0.0_f64, 0.0_f64, 0.0_f64);
    for i in order {
        let p = &placed[i];
        if x > 0.0 && x + p.width > row_width + EPS {
            x = 0.0;
            y += row_h + gap;
            row_h = 0.0;
        }
        offsets[i] = (x, y);
        x += p.width + gap;
        row_h = row_h.max(p.height);
    }
    offsets
}

/// A smooth SVG path through polyline points: cubic joins whose tangents follow
/// the flow direction.
pub fn smooth_path(points: &[(f64, f64)], dir: Direction) -> String {
    let mut s = String::new();
    let Some(&first) = points.first() else {
        return s;
    };
    s.push_str(&format!("M {} {}", num(first.0), num(first.1)));
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (c1, c2) = match dir {
            Direction::LeftRight => {
                let d = (b.0 - a.0) / 2.0;
                ((a.0 + d, a.1), (b.0 - d, b.1))
            }
            Direction::TopDown => {
                let d = (b.1 - a.1) / 2.0;
                ((a.0, a.1 + d), (b.0, b.1 - d))
            }
        };
        s.push_str(&format!(
            " C {} {} {} {} {} {}",
            num(c1.0),
            num(c1.1),
            num(c2.0),
            num(c2.1),
            num(b.0),
            num(b.1)
        ));
    }
    s
}

/// Two decimals, no trailing zeros, no "-0".
fn num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let mut t = format!("{r:.2}");
    while t.ends_with('0') {
        t.pop();
    }
    if t.ends_with('.') {
        t.pop();
    }
    t
}

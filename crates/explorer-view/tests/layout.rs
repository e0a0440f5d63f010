//! The layered layout: geometry invariants on a budget-app-shaped graph, on
//! awkward inputs (cycles, self-loops, unknown ids, disconnected parts) and on
//! a 1,000-node random DAG.

use explorer_view::layout::{
    count_crossings, layout, Direction, LEdge, LNode, Layout, LayoutInput, LayoutOptions, NodeBox,
    LABEL_HEIGHT,
};

const EPS: f64 = 1e-6;

fn node(id: &str, width: f64, height: f64) -> LNode {
    LNode {
        id: id.into(),
        width,
        height,
    }
}

fn edge(from: &str, to: &str, label_width: f64) -> LEdge {
    LEdge {
        id: format!("{from}->{to}"),
        from: from.into(),
        to: to.into(),
        label_width,
    }
}

fn options(direction: Direction) -> LayoutOptions {
    LayoutOptions {
        direction,
        rank_gap: 80.0,
        node_gap: 30.0,
        margin: 20.0,
    }
}

/// The budget app: browser → nginx → flask (2 replicas) → postgres → PVC → PV,
/// prometheus scraping flask, grafana querying prometheus, plus the services,
/// config, secrets and RBAC objects around them, and two loose objects.
fn budget_app(direction: Direction) -> LayoutInput {
    let card = |id: &str| node(id, 200.0, 90.0);
    let small = |id: &str| node(id, 150.0, 40.0);
    let nodes = vec![
        node("browser", 160.0, 50.0),
        small("svc/nginx"),
        card("deploy/nginx"),
        small("cm/nginx-conf"),
        small("svc/flask"),
        card("deploy/flask"),
        small("cm/flask-config"),
        small("secret/flask-db"),
        small("svc/postgres"),
        card("sts/postgres"),
        small("secret/postgres"),
        small("pvc/postgres-data"),
        small("pv/postgres-pv"),
        small("svc/prometheus"),
        card("deploy/prometheus"),
        small("cm/prometheus-config"),
        small("sa/prometheus"),
        small("clusterrole/prometheus"),
        small("crb/prometheus"),
        small("svc/grafana"),
        card("deploy/grafana"),
        small("secret/grafana"),
        small("netpol/default-deny"),
        small("cm/kube-root-ca"),
    ];
    let edges = vec![
        edge("browser", "svc/nginx", 70.0),
        edge("browser", "svc/grafana", 80.0),
        edge("svc/nginx", "deploy/nginx", 0.0),
        edge("deploy/nginx", "cm/nginx-conf", 50.0),
        edge("deploy/nginx", "svc/flask", 70.0),
        edge("svc/flask", "deploy/flask", 0.0),
        edge("deploy/flask", "cm/flask-config", 0.0),
        edge("deploy/flask", "secret/flask-db", 0.0),
        edge("deploy/flask", "svc/postgres", 80.0),
        edge("svc/postgres", "sts/postgres", 0.0),
        edge("sts/postgres", "secret/postgres", 0.0),
        edge("sts/postgres", "pvc/postgres-data", 50.0),
        edge("pvc/postgres-data", "pv/postgres-pv", 40.0),
        edge("deploy/prometheus", "svc/flask", 100.0),
        edge("deploy/prometheus", "cm/prometheus-config", 0.0),
        edge("deploy/prometheus", "sa/prometheus", 0.0),
        edge("crb/prometheus", "sa/prometheus", 0.0),
        edge("crb/prometheus", "clusterrole/prometheus", 0.0),
        edge("svc/prometheus", "deploy/prometheus", 0.0),
        edge("deploy/grafana", "svc/prometheus", 60.0),
        edge("svc/grafana", "deploy/grafana", 0.0),
        edge("deploy/grafana", "secret/grafana", 0.0),
    ];
    LayoutInput {
        nodes,
        edges,
        options: options(direction),
    }
}

#[path = "../../explorer-core/tests/support/lcg.rs"]
mod lcg;
use lcg::Lcg;

/// A sparse random DAG: `n` nodes of mixed sizes, ~1.5 edges per node, each
/// from a lower to a higher index, some labelled.
fn random_dag(n: usize, seed: u64) -> LayoutInput {
    let mut rng = Lcg(seed);
    let nodes: Vec<LNode> = (0..n)
        .map(|i| {
            if rng.below(3) == 0 {
                node(&format!("n{i}"), 200.0, 90.0)
            } else {
                node(&format!("n{i}"), 150.0, 40.0)
            }
        })
        .collect();
    let mut edges = Vec::new();
    for k in 0..(n * 3 / 2) {
        let a = rng.below(n);
        let b = rng.below(n);
        if a == b {
            continue;
        }
        let (a, b) = (a.min(b), a.max(b));
        edges.push(LEdge {
            id: format!("e{k}"),
            from: format!("n{a}"),
            to: format!("n{b}"),
            label_width: if rng.below(4) == 0 {
                40.0 * (1 + rng.below(4)) as f64
            } else {
                0.0
            },
        });
    }
    LayoutInput {
        nodes,
        edges,
        options: options(Direction::LeftRight),
    }
}

fn overlaps(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.2 - EPS && b.0 < a.2 - EPS && a.1 < b.3 - EPS && b.1 < a.3 - EPS
}

fn rect(n: &NodeBox) -> (f64, f64, f64, f64) {
    (n.x, n.y, n.x + n.width, n.y + n.height)
}

fn assert_no_node_overlap(l: &Layout) {
    let mut boxes: Vec<&NodeBox> = l.nodes.iter().collect();
    boxes.sort_by(|a, b| a.x.total_cmp(&b.x));
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            if b.x >= a.x + a.width {
                break;
            }
            assert!(!overlaps(rect(a), rect(b)), "{} overlaps {}", a.id, b.id);
        }
    }
}

fn assert_inside(l: &Layout) {
    for n in &l.nodes {
        assert!(
            n.x >= -EPS
                && n.y >= -EPS
                && n.x + n.width <= l.width + EPS
                && n.y + n.height <= l.height + EPS,
            "{} outside",
            n.id
        );
    }
    for e in &l.edges {
        for &(x, y) in &e.points {
            assert!(
                x >= -EPS && y >= -EPS && x <= l.width + EPS && y <= l.height + EPS,
                "{} outside",
                e.id
            );
        }
    }
}

fn label_boxes(input: &LayoutInput, l: &Layout) -> Vec<(String, (f64, f64, f64, f64))> {
    l.edges
        .iter()
        .filter_map(|r| {
            let w = input
                .edges
                .iter()
                .find(|e| e.id == r.id)
                .unwrap()
                .label_width;
            r.label.map(|(x, y)| {
                (
                    r.id.clone(),
                    (
                        x - w / 2.0,
                        y - LABEL_HEIGHT / 2.0,
                        x + w / 2.0,
                        y + LABEL_HEIGHT / 2.0,
                    ),
                )
            })
        })
        .collect()
}

fn assert_labels_clear(input: &LayoutInput, l: &Layout) {
    let labelled = input
        .edges
        .iter()
        .filter(|e| e.label_width > 0.0 && l.edges.iter().any(|r| r.id == e.id))
        .count();
    let boxes = label_boxes(input, l);
    assert_eq!(boxes.len(), labelled, "every labelled edge gets an anchor");
    for (id, b) in &boxes {
        for n in &l.nodes {
            assert!(
                !overlaps(*b, rect(n)),
                "label of {id} overlaps node {}",
                n.id
            );
        }
    }
    for r in &l.edges {
        if input
            .edges
            .iter()
            .find(|e| e.id == r.id)
            .unwrap()
            .label_width
            == 0.0
        {
            assert!(r.label.is_none(), "{} has no label", r.id);
        }
    }
}

fn on_border(p: (f64, f64), n: &NodeBox) -> bool {
    let inside_x = p.0 >= n.x - EPS && p.0 <= n.x + n.width + EPS;
    let inside_y = p.1 >= n.y - EPS && p.1 <= n.y + n.height + EPS;
    let on_x = (p.0 - n.x).abs() < 1e-3 || (p.0 - n.x - n.width).abs() < 1e-3;
    let on_y = (p.1 - n.y).abs() < 1e-3 || (p.1 - n.y - n.height).abs() < 1e-3;
    (on_x && inside_y) || (on_y && inside_x)
}

fn assert_routes_attach(l: &Layout) {
    for e in &l.edges {
        assert!(e.points.len() >= 2, "{} has a route", e.id);
        let (a, b) = (l.node(&e.from).unwrap(), l.node(&e.to).unwrap());
        assert!(
            on_border(e.points[0], a),
            "{} starts on {}: {:?}",
            e.id,
            a.id,
            e.points[0]
        );
        assert!(
            on_border(*e.points.last().unwrap(), b),
            "{} ends on {}: {:?} {:?} {:?}",
            e.id,
            b.id,
            e.points,
            b,
            a
        );
    }
}

/// For an acyclic input every edge goes to a higher rank, and the target box
/// lies wholly further along the flow than the source box.
fn assert_flows_forward(l: &Layout, dir: Direction) {
    for e in &l.edges {
        let (a, b) = (l.node(&e.from).unwrap(), l.node(&e.to).unwrap());
        assert!(a.rank < b.rank, "{}: rank {} -> {}", e.id, a.rank, b.rank);
        match dir {
            Direction::LeftRight => {
                assert!(a.x + a.width <= b.x + EPS, "{} flows left to right", e.id)
            }
            Direction::TopDown => assert!(a.y + a.height <= b.y + EPS, "{} flows top down", e.id),
        }
    }
}

/// With `LAYOUT_SVG_DIR` set, writes the layout as an SVG there (to look at it).
fn write_svg(name: &str, input: &LayoutInput, l: &Layout) {
    let Ok(dir) = std::env::var("LAYOUT_SVG_DIR") else {
        return;
    };
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-family="sans-serif" font-size="11">"#,
        l.width, l.height
    );
    s.push_str(r##"<defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L10 5L0 10z" fill="#667"/></marker></defs>"##);
    for n in &l.nodes {
        s.push_str(&format!(
            r##"<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="#eef3fb" stroke="#4a6fa5"/><text x="{}" y="{}" text-anchor="middle">{} (r{})</text>"##,
            n.x, n.y, n.width, n.height, n.x + n.width / 2.0, n.y + n.height / 2.0 + 4.0, n.id, n.rank
        ));
    }
    for e in &l.edges {
        s.push_str(&format!(
            r##"<path d="{}" fill="none" stroke="#667" marker-end="url(#a)"/>"##,
            l.svg_path(e)
        ));
    }
    for (id, b) in label_boxes(input, l) {
        s.push_str(&format!(
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#fff8e0" stroke="#c90" stroke-width="0.5"/><text x="{}" y="{}" text-anchor="middle" font-size="9">{}</text>"##,
            b.0,
            b.1,
            b.2 - b.0,
            b.3 - b.1,
            (b.0 + b.2) / 2.0,
            b.3 - 4.0,
            id.split("->").nth(1).unwrap_or("")
        ));
    }
    s.push_str("</svg>");
    std::fs::write(format!("{dir}/{name}.svg"), s).unwrap();
}

fn check_all(input: &LayoutInput) -> Layout {
    let l = layout(input);
    assert_no_node_overlap(&l);
    assert_inside(&l);
    assert_labels_clear(input, &l);
    assert_routes_attach(&l);
    l
}

#[test]
fn budget_app_left_to_right() {
    let input = budget_app(Direction::LeftRight);
    let l = check_all(&input);
    assert_eq!(l.nodes.len(), input.nodes.len());
    assert_eq!(l.edges.len(), input.edges.len());
    assert_flows_forward(&l, Direction::LeftRight);
    // The main chain reads left to right, one rank after another.
    let chain = [
        "browser",
        "svc/nginx",
        "deploy/nginx",
        "svc/flask",
        "deploy/flask",
        "svc/postgres",
        "sts/postgres",
        "pvc/postgres-data",
        "pv/postgres-pv",
    ];
    for w in chain.windows(2) {
        let (a, b) = (l.node(w[0]).unwrap(), l.node(w[1]).unwrap());
        assert!(
            a.rank < b.rank && a.x + a.width < b.x,
            "{} -> {}",
            w[0],
            w[1]
        );
    }
    assert_eq!(
        l.node("deploy/flask").unwrap().rank + 4,
        l.node("pv/postgres-pv").unwrap().rank
    );
    write_svg("budget-app-lr", &input, &l);
    assert_eq!(count_crossings(&l), 0, "{:#?}", l.edges);
}

#[test]
fn budget_app_top_down() {
    let input = budget_app(Direction::TopDown);
    let l = check_all(&input);
    assert_flows_forward(&l, Direction::TopDown);
    write_svg("budget-app-td", &input, &l);
    assert_eq!(count_crossings(&l), 0);
}

#[test]
fn deterministic() {
    let input = budget_app(Direction::LeftRight);
    let a = layout(&input);
    let b = layout(&input);
    assert_eq!(a, b);
    let input = random_dag(200, 7);
    assert_eq!(layout(&input), layout(&input));
}

#[test]
fn disconnected_components_do_not_overlap() {
    // Three separate chains, a star and some loose nodes.
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for c in 0..3 {
        for i in 0..4 {
            nodes.push(node(
                &format!("c{c}-{i}"),
                150.0 + 20.0 * i as f64,
                40.0 + 10.0 * c as f64,
            ));
            if i > 0 {
                edges.push(edge(&format!("c{c}-{}", i - 1), &format!("c{c}-{i}"), 40.0));
            }
        }
    }
    nodes.push(node("hub", 200.0, 90.0));
    for i in 0..5 {
        nodes.push(node(&format!("leaf{i}"), 150.0, 40.0));
        edges.push(edge("hub", &format!("leaf{i}"), 0.0));
    }
    for i in 0..4 {
        nodes.push(node(&format!("loose{i}"), 120.0, 40.0));
    }
    let input = LayoutInput {
        nodes,
        edges,
        options: options(Direction::LeftRight),
    };
    let l = check_all(&input);
    assert_flows_forward(&l, Direction::LeftRight);

    // Bounding box per component (nodes, routes, labels): pairwise disjoint.
    let comp = |id: &str| -> String {
        if id.starts_with('c') {
            id[..2].to_string()
        } else if id == "hub" || id.starts_with("leaf") {
            "star".into()
        } else {
            id.to_string()
        }
    };
    let mut bbs: std::collections::BTreeMap<String, (f64, f64, f64, f64)> = Default::default();
    let mut grow = |k: String, b: (f64, f64, f64, f64)| {
        let e = bbs.entry(k).or_insert(b);
        *e = (e.0.min(b.0), e.1.min(b.1), e.2.max(b.2), e.3.max(b.3));
    };
    for n in &l.nodes {
        grow(comp(&n.id), rect(n));
    }
    for e in &l.edges {
        for &(x, y) in &e.points {
            grow(comp(&e.from), (x, y, x, y));
        }
    }
    for (id, b) in label_boxes(&input, &l) {
        grow(comp(id.split("->").next().unwrap()), b);
    }
    assert_eq!(bbs.len(), 8);
    let v: Vec<_> = bbs.iter().collect();
    for (i, a) in v.iter().enumerate() {
        for b in &v[i + 1..] {
            assert!(!overlaps(*a.1, *b.1), "component {} overlaps {}", a.0, b.0);
        }
    }
}

#[test]
fn cycles_self_loops_and_unknown_ids() {
    let nodes = vec![
        node("a", 150.0, 40.0),
        node("b", 200.0, 90.0),
        node("c", 150.0, 40.0),
        node("d", 150.0, 40.0),
        node("a", 999.0, 999.0),
    ];
    let edges = vec![
        edge("a", "b", 40.0),
        edge("b", "c", 40.0),
        edge("c", "a", 40.0), // closes a cycle
        edge("c", "d", 0.0),
        edge("d", "d", 30.0),     // self-loop: skipped
        edge("a", "ghost", 30.0), // unknown target: skipped
        edge("nobody", "d", 0.0), // unknown source: skipped
    ];
    let input = LayoutInput {
        nodes,
        edges,
        options: options(Direction::LeftRight),
    };
    let l = check_all(&input);
    assert_eq!(l.nodes.len(), 4, "duplicate ids keep the first");
    assert_eq!(l.node("a").unwrap().width, 150.0);
    let ids: Vec<&str> = l.edges.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["a->b", "b->c", "c->a", "c->d"]);
    // Exactly one edge of the cycle is reversed; all others flow forward.
    let backwards: Vec<&str> = l
        .edges
        .iter()
        .filter(|e| l.node(&e.from).unwrap().rank >= l.node(&e.to).unwrap().rank)
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(backwards.len(), 1, "{backwards:?}");
    assert_ne!(backwards[0], "c->d", "only a cycle edge may be reversed");
    // Reversed or not, each route still runs from its source to its target.
    for e in &l.edges {
        assert!(on_border(e.points[0], l.node(&e.from).unwrap()));
        assert!(on_border(*e.points.last().unwrap(), l.node(&e.to).unwrap()));
    }
}

#[test]
fn degenerate_inputs() {
    let empty = layout(&LayoutInput::default());
    assert!(empty.nodes.is_empty() && empty.edges.is_empty());
    assert_eq!(count_crossings(&empty), 0);

    let one = layout(&LayoutInput {
        nodes: vec![node("x", 100.0, 50.0)],
        edges: vec![edge("x", "x", 10.0)],
        options: options(Direction::TopDown),
    });
    assert_eq!(one.nodes[0].x, 20.0);
    assert_eq!(one.nodes[0].y, 20.0);
    assert_eq!((one.width, one.height), (140.0, 90.0));
    assert!(one.edges.is_empty());

    // Nonsense sizes and options do not panic.
    let odd = layout(&LayoutInput {
        nodes: vec![node("p", f64::NAN, -5.0), node("q", f64::INFINITY, 10.0)],
        edges: vec![edge("p", "q", f64::NAN)],
        options: LayoutOptions {
            direction: Direction::LeftRight,
            rank_gap: -1.0,
            node_gap: f64::NAN,
            margin: -3.0,
        },
    });
    assert_eq!(odd.nodes.len(), 2);
    assert!(odd.width.is_finite() && odd.height.is_finite());
    assert_eq!(odd.edges[0].label, None);
}

#[test]
fn svg_path_is_smooth_and_follows_route() {
    let l = layout(&budget_app(Direction::LeftRight));
    for e in &l.edges {
        let d = l.svg_path(e);
        assert!(d.starts_with("M "), "{d}");
        assert_eq!(d.matches(" C ").count(), e.points.len() - 1, "{d}");
        assert!(!d.contains("NaN"));
    }
    let e = &l.edges[0];
    let (x, y) = *e.points.last().unwrap();
    let end = l.svg_path(e);
    let tail: Vec<f64> = end
        .split(' ')
        .rev()
        .take(2)
        .map(|t| t.parse().unwrap())
        .collect();
    assert!((tail[1] - x).abs() < 0.01 && (tail[0] - y).abs() < 0.01);
}

#[test]
fn count_crossings_counts_proper_intersections_only() {
    let route = |id: &str, from: &str, to: &str, points: Vec<(f64, f64)>| {
        explorer_view::layout::EdgeRoute {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            points,
            label: None,
        }
    };
    let l = Layout {
        edges: vec![
            route("x1", "a", "b", vec![(0.0, 0.0), (10.0, 10.0)]),
            route("x2", "c", "d", vec![(0.0, 10.0), (10.0, 0.0)]), // crosses x1
            route("t", "a", "e", vec![(0.0, 0.0), (10.0, -10.0)]), // shares x1's start only
            route("p", "f", "g", vec![(0.0, 20.0), (10.0, 20.0)]), // apart
        ],
        ..Layout::default()
    };
    assert_eq!(count_crossings(&l), 1);
}

/// A lattice of 40 layers of two nodes, each joined to both nodes of the next
/// layer (2^40 paths), with the edges listed sinks first and a back edge from
/// the last layer to the first. The library checks each new edge for a cycle
/// with a search that enumerates paths; handed over in the wrong order this
/// never finishes. The glue breaks the cycle itself and adds edges in
/// topological order, so the search has nothing to follow.
#[test]
fn deep_lattice_with_a_cycle_lays_out() {
    let layers = 40;
    let nodes: Vec<LNode> = (0..2 * layers)
        .map(|i| node(&format!("v{i}"), 60.0, 30.0))
        .collect();
    let mut edges = Vec::new();
    for l in (0..layers - 1).rev() {
        for a in 0..2 {
            for b in 0..2 {
                let (from, to) = (2 * l + a, 2 * (l + 1) + b);
                edges.push(LEdge {
                    id: format!("e{from}-{to}"),
                    from: format!("v{from}"),
                    to: format!("v{to}"),
                    label_width: 0.0,
                });
            }
        }
    }
    edges.push(LEdge {
        id: "back".into(),
        from: format!("v{}", 2 * layers - 1),
        to: "v0".into(),
        label_width: 30.0,
    });
    let input = LayoutInput {
        nodes,
        edges,
        options: LayoutOptions::default(),
    };
    // In a thread, so that a layout that never finishes fails the test.
    let (tx, rx) = std::sync::mpsc::channel();
    let job = input.clone();
    std::thread::spawn(move || {
        let _ = tx.send(check_all(&job));
    });
    let l = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the layout finishes within 20 s");
    assert_eq!(l.edges.len(), input.edges.len());
    // The layers read left to right, the edge closing the cycle against the
    // input order is the one reversed, and it is drawn, not dropped.
    let rank = |i: usize| l.node(&format!("v{i}")).unwrap().rank;
    assert!(rank(0) < rank(2) && rank(2) < rank(4) && rank(4) < rank(78));
    assert_eq!(rank(0), rank(1));
    assert!(l.edges.iter().any(|e| e.id == "back" && e.label.is_some()));
}

#[test]
fn thousand_node_random_dag() {
    let input = random_dag(1000, 42);
    let l = check_all(&input);
    assert_eq!(l.nodes.len(), 1000);
    assert_eq!(
        l.edges.len(),
        input.edges.iter().filter(|e| e.from != e.to).count()
    );
    assert_flows_forward(&l, Direction::LeftRight);
}

/// A component above `LAYERED_MAX_ITEMS` is drawn by the linear fallback: the layout says
/// so, keeps every invariant (boxes apart, labels clear, routes attached, flow forward), and
/// its time grows linearly: 20 times the nodes take far less than 20 squared times as long.
#[test]
fn components_too_large_for_the_layered_layout_are_drawn_in_linear_time() {
    let small = random_dag(1_000, 7);
    let t = std::time::Instant::now();
    let l = check_all(&small);
    let t_small = t.elapsed();
    assert_eq!(l.simplified.len(), 1, "one giant component, simplified");
    assert!(l.simplified[0] > 900, "{:?}", l.simplified);
    assert_flows_forward(&l, Direction::LeftRight);

    let big = random_dag(20_000, 7);
    let t = std::time::Instant::now();
    let l = layout(&big);
    let t_big = t.elapsed();
    assert_eq!(l.nodes.len(), 20_000);
    assert!(!l.simplified.is_empty());
    assert!(
        t_big < t_small * 100 + std::time::Duration::from_millis(200),
        "1,000 nodes {t_small:?}, 20,000 nodes {t_big:?}: not linear"
    );

    // Small components are still laid out by the layered layout.
    let l = layout(&random_dag(40, 7));
    assert!(l.simplified.is_empty());
}

#[test]
fn large_top_down_dag_with_wide_labels() {
    // Above the label-dummy threshold: labels are anchored in rank gaps.
    let mut input = random_dag(450, 3);
    input.options.direction = Direction::TopDown;
    input.options.rank_gap = 30.0;
    let l = check_all(&input);
    assert_flows_forward(&l, Direction::TopDown);
}

#[test]
fn random_dags_keep_invariants() {
    for seed in 1..=6 {
        for dir in [Direction::LeftRight, Direction::TopDown] {
            let mut input = random_dag(60, seed);
            input.options.direction = dir;
            let l = check_all(&input);
            assert_flows_forward(&l, dir);
        }
    }
}

/// `to` reaches `from` through the input edges (so `from → to` closes a cycle).
fn on_cycle(input: &LayoutInput, from: &str, to: &str) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![to.to_string()];
    while let Some(v) = stack.pop() {
        if v == from {
            return true;
        }
        if seen.insert(v.clone()) {
            stack.extend(
                input
                    .edges
                    .iter()
                    .filter(|e| e.from == v)
                    .map(|e| e.to.clone()),
            );
        }
    }
    false
}

#[test]
fn random_graphs_with_cycles_multi_edges_and_odd_sizes() {
    let mut rng = Lcg(2024);
    // LAYOUT_FUZZ_ROUNDS=N runs more rounds (e.g. in a release build).
    let rounds = std::env::var("LAYOUT_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let max_nodes = std::env::var("LAYOUT_FUZZ_MAX_NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    for round in 0..rounds {
        let n = 1 + rng.below(max_nodes);
        let nodes: Vec<LNode> = (0..n)
            .map(|i| {
                let (w, h) = match rng.below(4) {
                    0 => (0.0, 0.0),
                    1 => (200.0, 90.0),
                    2 => (150.0, 40.0),
                    _ => (10.0 + rng.below(300) as f64, 10.0 + rng.below(120) as f64),
                };
                node(&format!("v{i}"), w, h)
            })
            .collect();
        let m = rng.below(2 * n + 1);
        let edges: Vec<LEdge> = (0..m)
            .map(|k| LEdge {
                id: format!("e{k}"),
                from: format!("v{}", rng.below(n)),
                to: format!("v{}", rng.below(n + 1)), // sometimes unknown
                label_width: [0.0, 0.0, 30.0, 120.0][rng.below(4)],
            })
            .collect();
        let direction = if round % 2 == 0 {
            Direction::LeftRight
        } else {
            Direction::TopDown
        };
        let input = LayoutInput {
            nodes,
            edges,
            options: LayoutOptions {
                direction,
                rank_gap: [0.0, 20.0, 80.0][rng.below(3)],
                node_gap: [0.0, 10.0, 30.0][rng.below(3)],
                margin: 10.0,
            },
        };
        let l = check_all(&input);
        assert_eq!(l.nodes.len(), n);
        for e in &l.edges {
            let (a, b) = (l.node(&e.from).unwrap(), l.node(&e.to).unwrap());
            if a.rank >= b.rank {
                assert!(
                    on_cycle(&input, &e.from, &e.to),
                    "round {round}: {} goes backwards",
                    e.id
                );
            }
        }
        assert_eq!(l, layout(&input), "round {round}: deterministic");
    }
}

//! Times the layered layout on graphs of 10, 100 and 1,000 nodes.
//!
//! `cargo run --release -p explorer-view --example layout_bench [-- --quick] [--sizes 10,100,1000] [--seeds N]`
//!
//! Three shapes, all sparse (~1.2–1.5 edges per node, a quarter labelled):
//! * `random`  — uniform random DAG (edge between two random nodes, lower index
//!   first): one giant component with long edges, the worst case;
//! * `k8s-hub` — apps of 12 objects (svc → deploy → cm/secret, db svc → sts →
//!   pvc → pv, RBAC, HPA), some apps calling the previous one and one
//!   prometheus scraping every app: one shallow component;
//! * `k8s-apps` — the same apps without the hub: many small components.

use std::time::{Duration, Instant};

use explorer_view::layout::{
    count_crossings, layout, Direction, LEdge, LNode, LayoutInput, LayoutOptions,
};

#[path = "../../explorer-core/tests/support/lcg.rs"]
mod lcg;
use lcg::Lcg;

fn options() -> LayoutOptions {
    LayoutOptions {
        direction: Direction::LeftRight,
        rank_gap: 80.0,
        node_gap: 30.0,
        margin: 20.0,
    }
}

fn lnode(id: String, card: bool) -> LNode {
    let (width, height) = if card { (200.0, 90.0) } else { (150.0, 40.0) };
    LNode { id, width, height }
}

fn ledge(rng: &mut Lcg, k: usize, from: String, to: String) -> LEdge {
    LEdge {
        id: format!("e{k}"),
        from,
        to,
        label_width: if rng.below(4) == 0 { 60.0 } else { 0.0 },
    }
}

fn random_dag(n: usize, seed: u64) -> LayoutInput {
    let mut rng = Lcg(seed);
    let nodes = (0..n)
        .map(|i| lnode(format!("n{i}"), rng.below(3) == 0))
        .collect();
    let mut edges = Vec::new();
    for k in 0..n * 3 / 2 {
        let (a, b) = (rng.below(n), rng.below(n));
        if a != b {
            let e = ledge(
                &mut rng,
                k,
                format!("n{}", a.min(b)),
                format!("n{}", a.max(b)),
            );
            edges.push(e);
        }
    }
    LayoutInput {
        nodes,
        edges,
        options: options(),
    }
}

fn k8s(n: usize, seed: u64, hub: bool) -> LayoutInput {
    const KINDS: [(&str, bool); 12] = [
        ("svc", false),
        ("deploy", true),
        ("cm", false),
        ("secret", false),
        ("dbsvc", false),
        ("sts", true),
        ("pvc", false),
        ("pv", false),
        ("sa", false),
        ("rb", false),
        ("role", false),
        ("hpa", false),
    ];
    const EDGES: [(&str, &str); 12] = [
        ("svc", "deploy"),
        ("deploy", "cm"),
        ("deploy", "secret"),
        ("deploy", "dbsvc"),
        ("dbsvc", "sts"),
        ("sts", "secret"),
        ("sts", "pvc"),
        ("pvc", "pv"),
        ("deploy", "sa"),
        ("rb", "sa"),
        ("rb", "role"),
        ("hpa", "deploy"),
    ];
    let mut rng = Lcg(seed);
    let apps = (n / KINDS.len()).max(1);
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let mut k = 0;
    for a in 0..apps {
        for (kind, card) in KINDS {
            if nodes.len() < n {
                nodes.push(lnode(format!("{kind}-{a}"), card));
            }
        }
        for (f, t) in EDGES {
            edges.push(ledge(&mut rng, k, format!("{f}-{a}"), format!("{t}-{a}")));
            k += 1;
        }
        if a > 0 && rng.below(2) == 0 {
            let callee = rng.below(a);
            edges.push(ledge(
                &mut rng,
                k,
                format!("deploy-{a}"),
                format!("svc-{callee}"),
            ));
            k += 1;
        }
        if hub {
            edges.push(ledge(&mut rng, k, "prometheus".into(), format!("svc-{a}")));
            k += 1;
        }
    }
    if hub {
        nodes.push(lnode("prometheus".into(), true));
    }
    LayoutInput {
        nodes,
        edges,
        options: options(),
    }
}

fn time(input: &LayoutInput, runs: usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut crossings = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let l = layout(input);
        best = best.min(t.elapsed());
        crossings = count_crossings(&l);
    }
    (best, crossings)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let sizes: Vec<usize> = arg("--sizes").map_or(vec![10, 100, 1000], |s| {
        s.split(',').filter_map(|n| n.parse().ok()).collect()
    });
    let seeds: u64 = arg("--seeds").and_then(|s| s.parse().ok()).unwrap_or(1);
    println!(
        "{:<9} {:>6} {:>6} {:>11} {:>10}",
        "graph", "nodes", "edges", "best time", "crossings"
    );
    for n in sizes {
        let runs = if n >= 1000 || quick { 3 } else { 10 };
        for (name, input) in (0..seeds).flat_map(|s| {
            [
                ("random", random_dag(n, 42 + s)),
                ("k8s-hub", k8s(n, 42 + s, true)),
                ("k8s-apps", k8s(n, 42 + s, false)),
            ]
        }) {
            let (t, c) = time(&input, runs);
            println!(
                "{name:<9} {:>6} {:>6} {:>8.1} ms {c:>10}",
                input.nodes.len(),
                input.edges.len(),
                t.as_secs_f64() * 1e3
            );
        }
    }
}

//! Lays out the diagram's real inputs and prints size, time and edge crossings.
//!
//! `cargo run --release -p explorer-core --example layout_quality`
//!
//! Inputs: `k8s/` (budget-app), the manifests in `../shared/fixtures/` when
//! present, and the synthetic app sets of the scaling benchmark; each as the
//! diagram's default view (attached objects folded into their workloads) and
//! expanded (every object its own node).

use std::time::Instant;

use explorer_core::graph;
use explorer_core::load::load_sources;
use explorer_view::layout::{count_crossings, layout};
use explorer_view::project::{project, ViewOptions};
use explorer_view::scene::layout_input;

#[path = "../../explorer-core/tests/common/mod.rs"]
mod common;
#[path = "../../explorer-core/tests/support/synthetic.rs"]
mod synthetic;

fn main() {
    let mut corpora: Vec<(String, explorer_core::Model)> = Vec::new();
    if let Some(dir) = common::k8s_dir() {
        corpora.push(("budget-app (k8s/)".into(), common::load_dir(&dir)));
    }
    for name in ["guestbook", "wordpress"] {
        if let Some(dir) = common::fixture_dir(name) {
            corpora.push((format!("fixture {name}"), common::load_dir(&dir)));
        }
    }
    for n in [100, 1000] {
        corpora.push((
            format!("synthetic {n}"),
            load_sources(&synthetic::synthetic(n)),
        ));
    }
    println!("| input | view | nodes | edges | layout ms | crossings |");
    println!("|---|---|---:|---:|---:|---:|");
    for (name, model) in &corpora {
        let g = graph::build(model);
        for (view_name, expand_all) in [("folded", false), ("expanded", true)] {
            let view = project(
                &g,
                &ViewOptions {
                    expand_all,
                    ..ViewOptions::default()
                },
            );
            let input = layout_input(&view);
            let t = Instant::now();
            let l = layout(&input);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            println!(
                "| {name} | {view_name} | {} | {} | {ms:.1} | {} |",
                input.nodes.len(),
                input.edges.len(),
                count_crossings(&l)
            );
        }
    }
}

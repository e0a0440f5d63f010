//! Synthetic scaling benchmark (not a timed test):
//! `cargo run --release -p explorer-core --example bench`
//!
//! Generates apps of 10, 100, 1,000 and 10,000 resources (Deployments, Services, ConfigMaps,
//! Secrets with env references between them) and reports parse and graph time (best of 3), allocation
//! count and peak heap, measured with a counting global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use explorer_core::graph::build;
use explorer_core::load::load_sources;

#[path = "../tests/support/synthetic.rs"]
mod synthetic;
use synthetic::synthetic;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

struct Measure {
    ms: f64,
    allocs: usize,
    peak: usize,
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Measure) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let allocs = ALLOCS.load(Ordering::Relaxed);
    let start = Instant::now();
    let out = f();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let m = Measure {
        ms,
        allocs: ALLOCS.load(Ordering::Relaxed) - allocs,
        peak: PEAK.load(Ordering::Relaxed).saturating_sub(base),
    };
    (out, m)
}

fn mb(b: usize) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

fn main() {
    println!("| resources | input | objects | edges | parse ms | graph ms | total ms | allocs (parse+graph) | peak heap |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    // Sizes can be given as arguments: `… --example bench -- 5000 20000`.
    let mut sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        sizes = vec![10, 100, 1_000, 10_000];
    }
    for n in sizes {
        let sources = synthetic(n);
        let bytes: usize = sources.iter().map(|s| s.text.len()).sum();
        // Best of 3 runs: the machine is shared, so the minimum is the least disturbed.
        let (model, mut parse) = measure(|| load_sources(&sources));
        assert!(model.errors.is_empty(), "{:?}", model.errors.first());
        let (graph, mut g) = measure(|| build(&model));
        for _ in 0..2 {
            let (m2, p2) = measure(|| load_sources(&sources));
            let (_, g2) = measure(|| build(&m2));
            parse.ms = parse.ms.min(p2.ms);
            g.ms = g.ms.min(g2.ms);
        }
        println!(
            "| {n} | {:.1} KB | {} | {} | {:.1} | {:.1} | {:.1} | {} | {:.1} MB |",
            bytes as f64 / 1024.0,
            model.objects.len(),
            graph.edges.len(),
            parse.ms,
            g.ms,
            parse.ms + g.ms,
            parse.allocs + g.allocs,
            mb(parse.peak.max(g.peak)),
        );
    }
}

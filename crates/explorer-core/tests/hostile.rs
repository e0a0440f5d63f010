//! The hostile corpus (`support/hostile.rs`) through the whole pipeline a page runs: bytes →
//! source → model → graph → resources → bundle. Each input loads or gets a clear error, in
//! under 1 s in a release build (`make test` runs this file with `--release`; a debug build
//! gets 10 s). Prints each input's time, for the note.

#[path = "support/hostile.rs"]
mod hostile;

use std::time::{Duration, Instant};

use explorer_core::bundle::write_bundle;
use explorer_core::graph::build;
use explorer_core::load::{load_sources, Model, Source};
use explorer_core::resources::table;
use hostile::{corpus, Expect};

fn pipeline(name: &str, bytes: Vec<u8>) -> Model {
    match Source::from_bytes(name, bytes) {
        Ok(source) => {
            let t = Instant::now();
            let model = load_sources(&[source]);
            let load = t.elapsed();
            let _ = build(&model);
            let graph = t.elapsed();
            let _ = table(&model);
            let _ = write_bundle(&model);
            if std::env::var_os("HOSTILE_STAGES").is_some() {
                println!(
                    "  stages: load {load:?}, +graph {graph:?}, +table+bundle {:?}",
                    t.elapsed()
                );
            }
            model
        }
        Err(e) => Model {
            errors: vec![e],
            ..Model::default()
        },
    }
}

#[test]
fn every_hostile_input_loads_or_is_refused_in_time() {
    let limit = if cfg!(debug_assertions) {
        Duration::from_secs(10)
    } else {
        Duration::from_secs(1)
    };
    let mut failures = Vec::new();
    for h in corpus() {
        let size = h.bytes.len();
        let start = Instant::now();
        let model = pipeline(h.name, h.bytes);
        let took = start.elapsed();
        let first = model
            .errors
            .first()
            .map(|e| e.to_string())
            .unwrap_or_default();
        println!(
            "hostile: {:<40} {:>10} B {:>8.1} ms  {} objects, {} errors  {}",
            h.name,
            size,
            took.as_secs_f64() * 1e3,
            model.objects.len(),
            model.errors.len(),
            first.chars().take(120).collect::<String>()
        );
        if took > limit {
            failures.push(format!("{}: took {took:?}", h.name));
        }
        match h.expect {
            Expect::Loads(n) if model.objects.len() < n => failures.push(format!(
                "{}: {} objects, expected {n}",
                h.name,
                model.objects.len()
            )),
            Expect::Refused(text) => {
                if !model.objects.is_empty() || model.errors.is_empty() {
                    failures.push(format!("{}: not refused", h.name));
                } else if !first.contains(text) {
                    failures.push(format!("{}: error {first:?} lacks {text:?}", h.name));
                }
            }
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

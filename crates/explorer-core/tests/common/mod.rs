#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use explorer_core::load::{load_sources, Source};
use explorer_core::Model;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `k8s/` of the repository, when present.
pub fn k8s_dir() -> Option<PathBuf> {
    let p = repo_root().join("k8s");
    p.join("namespace.yml").exists().then_some(p)
}

/// `../shared/fixtures/<name>` beside the repository, when present.
pub fn fixture_dir(name: &str) -> Option<PathBuf> {
    let p = repo_root().join("../shared/fixtures").join(name);
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("fixture {name} not found at {}; skipping", p.display());
        None
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("yml" | "yaml" | "sh")
        ) {
            out.push(p);
        }
    }
}

/// Every *.yml / *.yaml under `dir`, with paths relative to `dir`'s parent.
pub fn sources(dir: &Path) -> Vec<Source> {
    let mut files = Vec::new();
    walk(dir, &mut files);
    let base = dir.parent().unwrap_or(dir);
    files
        .into_iter()
        .map(|f| {
            let text = fs::read_to_string(&f).unwrap();
            let rel = f
                .strip_prefix(base)
                .unwrap_or(&f)
                .to_string_lossy()
                .into_owned();
            Source::new(rel, text)
        })
        .collect()
}

pub fn load_dir(dir: &Path) -> Model {
    load_sources(&sources(dir))
}

pub fn src(path: &str, text: &str) -> Source {
    Source::new(path, text)
}

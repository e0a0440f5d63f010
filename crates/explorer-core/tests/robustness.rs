mod common;

use std::time::{Duration, Instant};

use common::src;
use explorer_core::graph::build;
use explorer_core::load::{load_sources, load_sources_with, LoadOptions, DEFAULT_MAX_TOTAL_BYTES};
use explorer_core::resources::table;
use proptest::prelude::*;

fn billion_laughs(levels: usize, width: usize) -> String {
    let mut s =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\nl0: &l0 [lol]\n");
    for i in 1..levels {
        let refs = vec![format!("*l{}", i - 1); width].join(", ");
        s.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    s.push_str(&format!("data: {{bomb: *l{}}}\n", levels - 1));
    s
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let start = Instant::now();
    let m = load_sources(&[
        src("bomb.yaml", &billion_laughs(10, 10)),
        src(
            "ok.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n",
        ),
    ]);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert_eq!(m.objects.len(), 1, "the good document still loads");
    assert_eq!(m.errors.len(), 1);
    assert_eq!(m.errors[0].path, "bomb.yaml");
    assert!(
        m.errors[0].message.contains("alias"),
        "{}",
        m.errors[0].message
    );
}

#[test]
fn wide_alias_expansion_is_bounded() {
    // One big anchor referenced many times: caught by the node budget, not serde_yaml.
    let big: Vec<String> = (0..2000).map(|i| format!("k{i}")).collect();
    let mut s = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: w}}\nbig: &b [{}]\nrefs:\n",
        big.join(",")
    );
    for _ in 0..2000 {
        s.push_str("- *b\n");
    }
    let start = Instant::now();
    let m = load_sources(&[src("wide.yaml", &s)]);
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(m.errors.len(), 1, "{:?}", m.errors);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
    let m = load_sources(&[src("deep.yaml", &deep)]);
    assert_eq!(m.errors.len(), 1);
}

#[test]
fn default_size_limit_is_20mb() {
    assert_eq!(DEFAULT_MAX_TOTAL_BYTES, 20_000_000);
    let chunk = "# padding padding padding padding padding padding padding padding\n".repeat(1000);
    let sources: Vec<_> = (0..320)
        .map(|i| src(&format!("f{i}.yaml"), &chunk))
        .collect();
    let start = Instant::now();
    let m = load_sources(&sources);
    assert!(start.elapsed() < Duration::from_secs(1));
    assert!(m.objects.is_empty());
    assert_eq!(m.errors.len(), 1);
    assert!(m.errors[0].message.contains("too large"));
    let opts = LoadOptions {
        max_total_bytes: 100 * 1000 * 1000,
        ..LoadOptions::default()
    };
    assert!(load_sources_with(&sources[..1], &opts).errors.is_empty());
}

fn yamlish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "apiVersion: v1\n",
        "apiVersion: apps/v1\n",
        "kind: Service\n",
        "kind: Deployment\n",
        "kind: Secret\n",
        "kind: ConfigMap\n",
        "metadata:\n",
        "  name: x\n",
        "  namespace: y\n",
        "spec:\n",
        "  selector: {app: x}\n",
        "  replicas: 2\n",
        "data:\n",
        "  k: aHVudGVy\n",
        "  url: postgres://a:b@x:5432/d\n",
        "---\n",
        "- a\n",
        "&a [1]\n",
        "*a\n",
        "{",
        "}",
        "[",
        "]",
        ": ",
        "\"",
        "'",
        "\t",
        "\n",
        "#c\n",
        "!!binary ",
        "<<: *a\n",
        "  template: {spec: {containers: [{name: c, resources: {requests: {cpu: 1e9Ei}}}]}}\n",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

proptest! {
    // `make fuzz` runs more cases (FUZZ_CASES); `make test` runs 300.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300),
        ..ProptestConfig::default()
    })]

    #[test]
    fn never_panics_on_yamlish_input(a in yamlish(), b in ".{0,200}") {
        let m = load_sources(&[src("a.yaml", &a), src("b.yaml", &b)]);
        let g = build(&m);
        let _ = table(&m);
        let bundle = explorer_core::bundle::write_bundle(&m);
        // The bundle always reads back, with no more objects than went in.
        let back = load_sources(&[src("bundle.yaml", &bundle)]);
        prop_assert!(back.objects.len() <= m.objects.len());
        prop_assert!(g.nodes.windows(2).all(|w| w[0].id < w[1].id));
    }
}

mod common;

use common::src;
use explorer_core::bundle::write_bundle;
use explorer_core::graph::build;
use explorer_core::load::{load_sources, Source};
use explorer_core::redact::{redact_model, redact_text, REDACTED};
use explorer_core::{Body, Model};

const SYNTHETIC: &str = "\
apiVersion: v1
kind: Secret
metadata:
  name: app-secret
  namespace: shop
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{\"data\":{\"API_TOKEN\":\"dG9wLXNlY3JldC10b2tlbi0xMjM=\"}}'
data:
  API_TOKEN: dG9wLXNlY3JldC10b2tlbi0xMjM=
  DATABASE_URL: cG9zdGdyZXNxbDovL3Nob3A6aHVudGVyMi1wYXNzd29yZEBkYjo1NDMyL3Nob3A/c3NsbW9kZT1yZXF1aXJlJnBhc3N3b3JkPXF1ZXJ5LXB3ZA==
  CACHE: Y2FjaGU6NjM3OQ==
stringData:
  WEBHOOK: https://hooks.example.com/services/T000/B000/very-secret-path-token
  PLAIN: another-plain-secret-value
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec: {selector: {app: db}, ports: [{port: 5432}]}
---
apiVersion: v1
kind: Service
metadata: {name: cache, namespace: shop}
spec: {selector: {app: cache}, ports: [{port: 6379}]}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: shop
  annotations:
    backup: s3://AKIAEXAMPLE:aws-secret-in-annotation@bucket.example.com/x
data:
  settings.yaml: |
    upstream: amqp://guest:rabbit-pass-in-configmap@db:5672/vhost
    other: https://example.com/x?token=query-token-value&page=2
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: api
        args: ['--upstream=redis://:redis-pass-in-args@cache:6379/0']
        envFrom: [{secretRef: {name: app-secret}}]
        volumeMounts: [{name: cfg, mountPath: /etc/cfg}]
        env:
        - {name: MQ_URL, value: 'amqp://u:env-pass-in-literal@db:5672/'}
        - {name: ADMIN_PASSWORD, value: literal-admin-password}
      volumes: [{name: cfg, configMap: {name: cfg}}]
---
apiVersion: example.com/v1
kind: Backup
metadata: {name: nightly, namespace: shop}
spec:
  target: mysql://root:generic-crd-pass@db:3306/shop
";

const PLANTED: &[&str] = &[
    "top-secret-token-123",
    "hunter2-password",
    "query-pwd",
    "very-secret-path-token",
    "another-plain-secret-value",
    "aws-secret-in-annotation",
    "rabbit-pass-in-configmap",
    "query-token-value",
    "redis-pass-in-args",
    "env-pass-in-literal",
    "literal-admin-password",
    "generic-crd-pass",
    "dG9wLXNlY3JldC10b2tlbi0xMjM",
];

fn synthetic() -> Model {
    let m = load_sources(&[src("synthetic.yaml", SYNTHETIC)]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    m
}

fn reload(bundle: &str) -> Model {
    load_sources(&[Source::new("manifests.yaml", bundle)])
}

#[test]
fn planted_secrets_never_reach_the_bundle() {
    let bundle = write_bundle(&synthetic());
    for p in PLANTED {
        assert!(!bundle.contains(p), "{p} leaked");
    }
    // Service references survive.
    assert!(
        bundle.contains("postgresql://REDACTED@db:5432/shop"),
        "{bundle}"
    );
    assert!(bundle.contains("amqp://REDACTED@db:5672/vhost"));
    assert!(bundle.contains("https://example.com/x?token=REDACTED&page=2"));
    assert!(bundle.contains("# source: synthetic.yaml#0"));
}

#[test]
fn redacted_secret_keeps_keys_in_string_data() {
    let m = reload(&write_bundle(&synthetic()));
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let s = m.get_str("Secret/shop/app-secret").unwrap();
    let Body::Secret(secret) = &s.body else {
        panic!()
    };
    assert!(secret.data.is_none());
    let sd = secret.string_data.clone().unwrap();
    let keys: Vec<&str> = sd.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        vec!["API_TOKEN", "CACHE", "DATABASE_URL", "PLAIN", "WEBHOOK"]
    );
    assert_eq!(sd["API_TOKEN"], REDACTED);
    assert_eq!(sd["PLAIN"], REDACTED);
    assert_eq!(sd["DATABASE_URL"], "postgresql://REDACTED@db:5432/shop");
    assert_eq!(sd["WEBHOOK"], "https://hooks.example.com");
    // A bare host:port naming a Service of the set is an address, not a secret.
    assert_eq!(sd["CACHE"], "cache:6379");
    assert!(!s
        .annotations
        .contains_key("kubectl.kubernetes.io/last-applied-configuration"));
    // Source refs come back from the bundle comments.
    assert_eq!(s.source.path, "synthetic.yaml");
    assert_eq!(s.source.doc_index, 0);
}

#[test]
fn redaction_is_idempotent() {
    let once = redact_model(&synthetic());
    let twice = redact_model(&once);
    assert_eq!(once.objects, twice.objects);
    assert_eq!(
        redact_text("x https://a:b@h/p?q=1 y"),
        "x https://REDACTED@h/p?q=1 y"
    );
}

fn assert_round_trip(m: &Model, what: &str) {
    let g = build(m);
    let bundle = write_bundle(m);
    let back = reload(&bundle);
    assert!(back.errors.is_empty(), "{what}: {:?}", back.errors);
    assert_eq!(back.host_ports, m.host_ports, "{what}");
    let g2 = build(&back);
    assert_eq!(g2.nodes, g.nodes, "{what}: nodes differ");
    let a: Vec<String> = g
        .edges
        .iter()
        .map(|e| format!("{} | {:?}", e.id, e.reasons))
        .collect();
    let b: Vec<String> = g2
        .edges
        .iter()
        .map(|e| format!("{} | {:?}", e.id, e.reasons))
        .collect();
    let only_a: Vec<&String> = a.iter().filter(|x| !b.contains(x)).collect();
    let only_b: Vec<&String> = b.iter().filter(|x| !a.contains(x)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "{what}: edges differ\nbefore the bundle only: {only_a:#?}\nafter only: {only_b:#?}"
    );
    assert_eq!(g2.edges, g.edges, "{what}: edges differ");
}

#[test]
fn graph_survives_the_bundle_synthetic() {
    assert_round_trip(&synthetic(), "synthetic");
}

#[test]
fn graph_survives_the_bundle_fixtures() {
    for name in ["wordpress", "guestbook"] {
        if let Some(dir) = common::fixture_dir(name) {
            assert_round_trip(&common::load_dir(&dir), name);
        }
    }
}

#[test]
fn graph_survives_the_bundle_k8s() {
    let Some(dir) = common::k8s_dir() else { return };
    assert_round_trip(&common::load_dir(&dir), "k8s");
}

/// Every decoded Secret value of k8s/ is absent from the bundle, except the parts that
/// redaction keeps on purpose (a service URL's host, port and path) and values that also
/// appear in non-Secret manifests (public anyway).
#[test]
fn k8s_secret_values_are_absent() {
    let Some(dir) = common::k8s_dir() else { return };
    let m = common::load_dir(&dir);
    let bundle = write_bundle(&m);
    let redacted = redact_model(&m);
    let kept: Vec<String> = redacted
        .objects
        .iter()
        .filter(|o| o.kind == "Secret")
        .flat_map(|o| o.string_data().into_values())
        .collect();
    let public: String = m
        .objects
        .iter()
        .filter(|o| o.kind != "Secret")
        .map(|o| serde_yaml::to_string(&o.body).unwrap())
        .collect();
    let mut checked = 0;
    for o in m.objects.iter().filter(|o| o.kind == "Secret") {
        for (key, value) in o.string_data() {
            if value.len() < 3 || kept.iter().any(|k| k.contains(&value)) || public.contains(&value)
            {
                continue;
            }
            checked += 1;
            assert!(!bundle.contains(&value), "value of {}/{key} leaked", o.id);
        }
    }
    assert!(checked >= 3, "only {checked} values checked");
    assert!(!bundle.contains("budget_pass_dev"));
}

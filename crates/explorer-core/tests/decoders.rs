//! The lean decoder (the SPA's) against the full serde decoder (the CLI's): on every corpus
//! both must give the same model errors, graph, details of every node and resources table.
//! The kitchen-sink fixture uses every field the explorer reads, so a field read by the core
//! but missing from `lean.rs` shows up here as a difference.
//!
//! The comparisons need both decoders, so they run with the `full-decode` feature; the
//! lean decoder's error path is checked in both builds.

mod common;

#[path = "support/synthetic.rs"]
mod synthetic;

use std::path::Path;

use common::src;
use explorer_core::load::{load_sources_with, Decoder, LoadOptions, Source};
use explorer_core::Model;

fn kitchen_sink() -> Vec<Source> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let text = std::fs::read_to_string(dir.join("kitchen-sink.yaml")).unwrap();
    vec![Source::new("fixtures/kitchen-sink.yaml", text)]
}

/// The 20 kinds both decoders type.
const TYPED_KINDS: [(&str, &str); 20] = [
    ("v1", "Namespace"),
    ("v1", "Pod"),
    ("v1", "Service"),
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "PersistentVolume"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "ServiceAccount"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("networking.k8s.io/v1", "Ingress"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
];

/// One document per typed kind with a label value that is a number, not a string (the
/// object's own labels read it leniently, but the typed body must reject it).
fn numeric_labels() -> Vec<Source> {
    TYPED_KINDS
        .iter()
        .map(|(api, kind)| {
            src(
                &format!("{kind}.yaml"),
                &format!(
                    "apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: n\n  labels:\n    version: 2\n"
                ),
            )
        })
        .collect()
}

fn load(sources: &[Source], decoder: Decoder) -> Model {
    load_sources_with(
        sources,
        &LoadOptions {
            decoder,
            ..LoadOptions::default()
        },
    )
}

/// A document whose `replicas` is not a number, between two good ones.
const BAD_REPLICAS: &str = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: before}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: broken, namespace: shop}
spec:
  replicas: two
  template:
    spec:
      containers: [{name: c}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: after}
";

/// A container port that is not a number, deep in a pod template.
const BAD_PORT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: a
        image: nginx
      - name: b
        ports:
        - containerPort: 80
        - containerPort: abc
          name: metrics
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
";

/// The lean decoder alone (the SPA's build): the corpora load without errors.
#[test]
fn lean_loads_kitchen_sink_and_synthetic_cleanly() {
    let m = load(&kitchen_sink(), Decoder::Lean);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let typed = m
        .objects
        .iter()
        .filter(|o| !matches!(o.body, explorer_core::Body::Generic(_)))
        .map(|o| o.kind.as_str())
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(typed.len(), 20, "{typed:?}");
    let m = load(&synthetic::synthetic(1_000), Decoder::Lean);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.objects.len(), 1_000);
}

#[test]
fn lean_errors_name_the_field_and_line_and_others_still_load() {
    let m = load(&[src("bad.yaml", BAD_REPLICAS)], Decoder::Lean);
    let ids: Vec<String> = m.objects.iter().map(|o| o.id.to_string()).collect();
    assert_eq!(ids, ["ConfigMap/default/after", "ConfigMap/default/before"]);
    assert_eq!(m.errors.len(), 1, "{:?}", m.errors);
    let e = &m.errors[0];
    assert_eq!((e.path.as_str(), e.doc_index, e.line), ("bad.yaml", 1, 9));
    assert_eq!(
        e.message,
        "invalid Deployment broken: spec.replicas: expected an integer, found a string"
    );

    let m = load(&[src("port.yaml", BAD_PORT)], Decoder::Lean);
    let ids: Vec<String> = m.objects.iter().map(|o| o.id.to_string()).collect();
    assert_eq!(ids, ["Service/default/web"]);
    let e = &m.errors[0];
    assert_eq!((e.doc_index, e.line), (0, 14), "{e}");
    assert_eq!(
        e.message,
        "invalid Deployment web: spec.template.spec.containers[1].ports[1].containerPort: \
         expected an integer, found a string"
    );
}

#[test]
fn lean_rejects_wrong_types_in_read_fields() {
    // (document after `kind: Deployment`, path of the offending field)
    let cases = [
        (
            "metadata: {name: d, labels: {version: 2}}\n",
            "metadata.labels.version",
        ),
        (
            "metadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: [{name: c, resources: {limits: {cpu: [1]}}}]\n",
            "spec.template.spec.containers[0].resources.limits.cpu",
        ),
        (
            "metadata: {name: d}\nspec:\n  template:\n    spec:\n      volumes: [{name: v, csi: [x]}]\n",
            "spec.template.spec.volumes[0].csi",
        ),
        (
            "metadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: [{name: c, readinessProbe: {httpGet: {port: 1.5}}}]\n",
            "spec.template.spec.containers[0].readinessProbe.httpGet.port",
        ),
    ];
    for (doc, path) in cases {
        let text = format!("apiVersion: apps/v1\nkind: Deployment\n{doc}");
        let m = load(&[src("x.yaml", &text)], Decoder::Lean);
        assert!(m.objects.is_empty(), "{path}: loaded");
        assert!(
            m.errors[0]
                .message
                .contains(&format!(": {path}: expected ")),
            "{path}: {}",
            m.errors[0]
        );
    }
    let m = load(&numeric_labels(), Decoder::Lean);
    assert!(m.objects.is_empty(), "{:?}", m.objects);
    assert_eq!(m.errors.len(), 20);
    for e in &m.errors {
        assert!(
            e.message
                .ends_with(": metadata.labels.version: expected a string, found integer 2"),
            "{e}"
        );
        assert_eq!(e.line, 6, "{e}");
    }
    // Secret data must be base64.
    let m = load(
        &[src(
            "s.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: not base64!}\n",
        )],
        Decoder::Lean,
    );
    assert!(
        m.errors[0].message.contains("data.k: invalid base64"),
        "{:?}",
        m.errors
    );
}

#[cfg(feature = "full-decode")]
mod equivalence {
    use super::*;

    use explorer_core::details::describe;
    use explorer_core::graph::{build, Graph};
    use explorer_core::resources::table;
    use explorer_core::scene::compose;
    use explorer_core::view::{project, ViewOptions};

    /// Everything of an object but its body (which is meant to differ).
    fn heads(m: &Model) -> Vec<String> {
        m.objects
            .iter()
            .map(|o| {
                format!(
                    "{} {} {:?} {:?} {:?}",
                    o.id, o.api_version, o.labels, o.annotations, o.source
                )
            })
            .collect()
    }

    /// Loads `sources` with both decoders and compares all the explorer derives.
    fn assert_equivalent(name: &str, sources: &[Source], with_scene: bool) -> (Model, Graph) {
        let full = load(sources, Decoder::Full);
        let lean = load(sources, Decoder::Lean);
        assert_eq!(full.errors, lean.errors, "{name}: load errors");
        assert_eq!(heads(&full), heads(&lean), "{name}: objects");
        assert_eq!(full.host_ports, lean.host_ports, "{name}: host ports");
        for (f, l) in full.objects.iter().zip(&lean.objects) {
            assert_eq!(f.replicas(), l.replicas(), "{name}: replicas of {}", f.id);
            assert_eq!(f.string_data(), l.string_data(), "{name}: data of {}", f.id);
        }

        let (gf, gl) = (build(&full), build(&lean));
        let json = |g: &Graph| serde_json::to_value(g).unwrap();
        assert_eq!(json(&gf), json(&gl), "{name}: graph");
        for node in &gf.nodes {
            assert_eq!(
                describe(&full, &gf, &node.id),
                describe(&lean, &gl, &node.id),
                "{name}: details of {}",
                node.id
            );
        }
        assert_eq!(table(&full), table(&lean), "{name}: resources");

        for opts in [
            ViewOptions::default(),
            ViewOptions {
                expand_all: true,
                ..ViewOptions::default()
            },
        ] {
            let (vf, vl) = (project(&gf, &opts), project(&gl, &opts));
            assert_eq!(vf, vl, "{name}: view");
            if with_scene {
                assert_eq!(
                    compose(&vf, &full.host_ports),
                    compose(&vl, &lean.host_ports),
                    "{name}: scene"
                );
            }
        }
        (full, gf)
    }

    #[test]
    fn kitchen_sink() {
        let (m, g) = assert_equivalent("kitchen-sink", &super::kitchen_sink(), true);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        // The fixture really exercises what it claims: all 20 typed kinds, every rule,
        // every probe handler, volume source and env source the details show.
        let kinds: std::collections::BTreeSet<&str> =
            m.objects.iter().map(|o| o.kind.as_str()).collect();
        assert_eq!(kinds.len(), 21, "{kinds:?}");
        for rule in explorer_core::relations::RULES {
            assert!(
                g.edges.iter().any(|e| e.rule == rule.id),
                "no {} edge",
                rule.id
            );
        }
        let web = describe(&m, &g, "Deployment/kitchen/web").unwrap();
        let handlers: Vec<&str> = web.probes.iter().map(|p| p.handler.as_str()).collect();
        for h in [
            "HTTPS GET /ready :8080",
            "exec curl",
            "tcp 8080",
            "grpc 9901",
        ] {
            assert!(
                handlers.iter().any(|x| x.starts_with(h)),
                "{h}: {handlers:?}"
            );
        }
        let sources: Vec<&str> = web
            .volume_mounts
            .iter()
            .map(|v| v.source.split(' ').next().unwrap())
            .collect();
        for s in [
            "configmap",
            "secret",
            "pvc",
            "emptyDir",
            "hostPath",
            "projected",
            "downwardAPI",
            "ephemeral",
            "csi",
            "other",
            "missing",
        ] {
            assert!(sources.contains(&s), "{s}: {sources:?}");
        }
        let env: Vec<&str> = web
            .env
            .iter()
            .map(|e| e.source.split(' ').next().unwrap())
            .collect();
        for s in ["literal", "secret", "configmap", "field", "resource"] {
            assert!(env.contains(&s), "{s}: {env:?}");
        }
        assert_eq!(web.env_from.len(), 4, "{:?}", web.env_from);
        assert!(web.init_containers.iter().any(|c| c.sidecar));
        assert!(m.objects.iter().any(|o| matches!(
            (&o.body, o.kind.as_str()),
            (explorer_core::Body::Generic(_), "ServiceMonitor")
        )));
        assert!(!g.findings.is_empty());
    }

    #[test]
    fn k8s_dir() {
        let Some(dir) = common::k8s_dir() else { return };
        let (m, _) = assert_equivalent("k8s", &common::sources(&dir), true);
        assert!(m.objects.len() > 10);
    }

    #[test]
    fn shared_fixtures() {
        for name in ["guestbook", "wordpress"] {
            if let Some(dir) = common::fixture_dir(name) {
                assert_equivalent(name, &common::sources(&dir), true);
            }
        }
    }

    #[test]
    fn synthetic_thousand() {
        let (m, g) = assert_equivalent("synthetic", &synthetic::synthetic(1_000), false);
        assert_eq!(m.objects.len(), 1_000);
        // Every app's Service selects it and it uses its ConfigMap and Secret.
        let count = |rule: &str| g.edges.iter().filter(|e| e.rule == rule).count();
        for rule in ["service-selector", "uses-configmap", "uses-secret"] {
            assert_eq!(count(rule), 250, "{rule}");
        }
        assert!(count("service-reference") > 0);
    }

    /// Broken documents fail under both decoders, at the same line where serde_yaml knows
    /// it; the rest still loads.
    #[test]
    fn errors_agree_on_document_and_line() {
        let sources = [
            src("bad.yaml", BAD_REPLICAS),
            src("port.yaml", BAD_PORT),
            src(
                "label.yaml",
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels:\n    version: 2\n",
            ),
        ];
        let full = load(&sources, Decoder::Full);
        let lean = load(&sources, Decoder::Lean);
        assert_eq!(heads(&full), heads(&lean));
        let place = |m: &Model| -> Vec<(String, usize, usize)> {
            m.errors
                .iter()
                .map(|e| (e.path.clone(), e.doc_index, e.line))
                .collect()
        };
        let expected = |label_line: usize| {
            vec![
                ("bad.yaml".to_string(), 1, 9),
                ("label.yaml".to_string(), 0, label_line),
                ("port.yaml".to_string(), 0, 14),
            ]
        };
        // serde_yaml gives no position for a number where a map wants a string, so the
        // full decoder falls back to the document start; the lean one finds the node.
        assert_eq!(place(&full), expected(1));
        assert_eq!(place(&lean), expected(6));

        // Every typed kind decodes its own metadata, in both decoders.
        let full = load(&numeric_labels(), Decoder::Full);
        assert!(full.objects.is_empty(), "{:?}", full.objects);
        assert_eq!(full.errors.len(), 20);
    }
}

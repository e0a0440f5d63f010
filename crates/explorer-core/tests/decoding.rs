//! The one decoder (k8s-openapi's serde types, in the CLI and in the browser alike): every
//! typed kind decodes, and a bad document gives a message naming the field and its line while
//! the others still load. `tests/decode-errors` (the CLI's golden file, which the browser's
//! wasm test also compares with) pins the exact messages.

mod common;

#[path = "support/synthetic.rs"]
mod synthetic;

use std::path::Path;

use common::src;
use explorer_core::load::{load_sources, Source};
use explorer_core::model::TYPED_KINDS;
use explorer_core::Model;

fn kitchen_sink() -> Vec<Source> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let text = std::fs::read_to_string(dir.join("kitchen-sink.yaml")).unwrap();
    vec![Source::new("fixtures/kitchen-sink.yaml", text)]
}

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

fn load(sources: &[Source]) -> Model {
    load_sources(sources)
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

/// The corpora load without errors.
#[test]
fn kitchen_sink_and_synthetic_load_without_errors() {
    let m = load(&kitchen_sink());
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let typed = m
        .objects
        .iter()
        .filter(|o| !matches!(o.body, explorer_core::Body::Generic(_)))
        .map(|o| o.kind.as_str())
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(typed.len(), 20, "{typed:?}");
    let m = load(&synthetic::synthetic(1_000));
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.objects.len(), 1_000);
}

#[test]
fn errors_name_the_field_and_line_and_others_still_load() {
    let m = load(&[src("bad.yaml", BAD_REPLICAS)]);
    let ids: Vec<String> = m.objects.iter().map(|o| o.id.to_string()).collect();
    assert_eq!(ids, ["ConfigMap/default/after", "ConfigMap/default/before"]);
    assert_eq!(m.errors.len(), 1, "{:?}", m.errors);
    let e = &m.errors[0];
    assert_eq!((e.path.as_str(), e.doc_index, e.line), ("bad.yaml", 1, 9));
    assert_eq!(
        e.message,
        "invalid Deployment broken: spec.replicas: invalid type: string \"two\", expected i32"
    );

    let m = load(&[src("port.yaml", BAD_PORT)]);
    let ids: Vec<String> = m.objects.iter().map(|o| o.id.to_string()).collect();
    assert_eq!(ids, ["Service/default/web"]);
    let e = &m.errors[0];
    assert_eq!((e.doc_index, e.line), (0, 14), "{e}");
    assert_eq!(
        e.message,
        "invalid Deployment web: spec.template.spec.containers[1].ports[1].containerPort: \
         invalid type: string \"abc\", expected i32"
    );
}

#[test]
fn wrong_types_are_rejected() {
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
        let m = load(&[src("x.yaml", &text)]);
        assert!(m.objects.is_empty(), "{path}: loaded");
        assert!(
            m.errors[0]
                .message
                .contains(&format!(": {path}: invalid type")),
            "{path}: {}",
            m.errors[0]
        );
    }
    let m = load(&numeric_labels());
    assert!(m.objects.is_empty(), "{:?}", m.objects);
    assert_eq!(m.errors.len(), 20);
    for e in &m.errors {
        assert!(
            e.message.ends_with(
                ": metadata.labels.version: invalid type: integer `2`, expected a string"
            ),
            "{e}"
        );
        // serde_yaml has no location for errors inside k8s-openapi's own map visitors: the
        // error then points at the document's start.
        assert!((1..=6).contains(&e.line), "{e}");
    }
    // Secret data must be base64.
    let m = load(&[src(
        "s.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: not base64!}\n",
    )]);
    assert!(
        m.errors[0].message.contains("data.k: Invalid symbol"),
        "{:?}",
        m.errors
    );
}

/// What a manifest declares is decoded; a `status` block (the cluster's, pasted in from
/// `kubectl get -o yaml`) is skipped whatever it holds, and never reaches the bundle.
#[test]
fn status_is_not_decoded_nor_carried() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: nginx:1.27}]
status:
  replicas: not-a-number
  conditions: [{type: Available, lastTransitionTime: yesterday}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80}]}
status: {loadBalancer: {ingress: [{ip: 10.0.0.1}]}}
";
    let model = load(&[common::src("app.yaml", text)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    assert_eq!(model.objects.len(), 2);
    for o in &model.objects {
        let v = o.body.to_value().unwrap();
        assert!(v.get("status").is_none(), "{}: {v:?}", o.id);
        assert!(v.get("spec").is_some(), "{}: the spec is kept", o.id);
    }
    let d = model
        .objects
        .iter()
        .find(|o| o.kind == "Deployment")
        .unwrap();
    assert_eq!(d.replicas(), Some(3));
}

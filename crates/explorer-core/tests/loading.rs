mod common;

use common::src;
use explorer_core::load::{load_sources, load_sources_with, LoadOptions};
use explorer_core::{Body, HostPort, ObjectId};

const MULTI: &str = "\
# leading comment
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web, version: '2'}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
---
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
  namespace: shop
spec:
  endpoints: [{port: http}]
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: data
spec:
  capacity: {storage: 1Gi}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: plain
data:
  a: b
";

#[test]
fn dispatches_kinds_and_keeps_unknown_as_generic() {
    let m = load_sources(&[src("app.yaml", MULTI)]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let ids: Vec<String> = m.objects.iter().map(|o| o.id.to_string()).collect();
    assert_eq!(
        ids,
        vec![
            "ConfigMap/default/plain",
            "Deployment/shop/web",
            "Namespace//shop",
            "PersistentVolume//data",
            "ServiceMonitor/shop/web",
        ]
    );
    let dep = m.get_str("Deployment/shop/web").unwrap();
    assert!(matches!(dep.body, Body::Deployment(_)));
    assert_eq!(dep.replicas(), Some(3));
    assert_eq!(dep.labels.get("version").map(String::as_str), Some("2"));
    assert_eq!(dep.source.path, "app.yaml");
    assert_eq!(dep.source.doc_index, 1);
    assert_eq!(dep.source.line, 7);
    let sm = m.get_str("ServiceMonitor/shop/web").unwrap();
    assert!(matches!(sm.body, Body::Generic(_)));
    assert_eq!(m.get_str("PersistentVolume//data").unwrap().namespace, None);
    assert_eq!(
        m.get(&ObjectId::new("ConfigMap", Some("default"), "plain"))
            .unwrap()
            .namespace
            .as_deref(),
        Some("default")
    );
}

#[test]
fn object_id_display_and_parse() {
    let id = ObjectId::new("PersistentVolume", None, "postgres-pv");
    assert_eq!(id.to_string(), "PersistentVolume//postgres-pv");
    assert_eq!(ObjectId::parse("PersistentVolume//postgres-pv"), Some(id));
    assert_eq!(
        ObjectId::parse("Service/ns/x")
            .unwrap()
            .namespace
            .as_deref(),
        Some("ns")
    );
    assert_eq!(ObjectId::parse("nonsense"), None);
}

#[test]
fn bad_document_reports_file_index_line_and_others_still_load() {
    let text = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: ok1}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: broken}
spec:
  replicas: three
---
apiVersion: v1
kind: Service
metadata: {name: s
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ok2}
---
just a string
---
kind: Thing
metadata: {name: x}
";
    let m = load_sources(&[
        src("dir/bad.yaml", text),
        src(
            "good.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
        ),
    ]);
    let ids: Vec<String> = m.objects.iter().map(|o| o.id.to_string()).collect();
    assert_eq!(
        ids,
        vec![
            "ConfigMap/default/ok1",
            "ConfigMap/default/ok2",
            "Secret/default/s"
        ]
    );
    assert_eq!(m.errors.len(), 4, "{:#?}", m.errors);
    let e = &m.errors[0];
    assert_eq!((e.path.as_str(), e.doc_index), ("dir/bad.yaml", 1));
    assert_eq!(e.line, 9, "{e}");
    assert!(e.message.contains("Deployment"), "{e}");
    let e = &m.errors[1];
    assert_eq!(e.doc_index, 2);
    assert!(e.line >= 10 && e.line <= 14, "{e}");
    assert!(e.message.contains("YAML"), "{e}");
    assert_eq!(m.errors[2].doc_index, 4);
    assert_eq!(m.errors[3].doc_index, 5);
    assert!(m.errors[3].message.contains("apiVersion"));
}

#[test]
fn k3d_config_gives_host_ports_and_kustomization_is_ignored() {
    let k3d = "apiVersion: k3d.io/v1alpha5\nkind: Simple\nports:\n  - port: 8889:80\n    nodeFilters: [loadbalancer]\n  - port: 0.0.0.0:8443:443/tcp\n    nodeFilters: [loadbalancer, server:0]\n";
    let kust =
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yml]\n";
    let m = load_sources(&[
        src("k3d.yaml", k3d),
        src("kustomization.yaml", kust),
        src("other.yaml", kust),
    ]);
    assert!(m.objects.is_empty() && m.errors.is_empty(), "{m:?}");
    assert_eq!(
        m.host_ports,
        vec![
            HostPort {
                host: 8443,
                container: 443,
                node_filter: "loadbalancer,server:0".into(),
                file: "k3d.yaml".into(),
            },
            HostPort {
                host: 8889,
                container: 80,
                node_filter: "loadbalancer".into(),
                file: "k3d.yaml".into(),
            },
        ]
    );
}

#[test]
fn empty_documents_and_duplicates() {
    let m = load_sources(&[
        src("a.yaml", "---\n---\n# only a comment\n---\n\n"),
        src(
            "b.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        ),
        src(
            "c.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: v}\n",
        ),
    ]);
    assert_eq!(m.objects.len(), 1);
    assert_eq!(m.objects[0].source.path, "b.yaml");
    assert_eq!(m.errors.len(), 1);
    assert!(m.errors[0].message.contains("duplicate"));
}

#[test]
fn list_kind_is_expanded() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n";
    let m = load_sources(&[src("list.yaml", text)]);
    assert_eq!(m.objects.len(), 2);
}

#[test]
fn size_limit_is_configurable() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n";
    let opts = LoadOptions {
        max_total_bytes: 10,
        ..LoadOptions::default()
    };
    let m = load_sources_with(&[src("a.yaml", text)], &opts);
    assert!(m.objects.is_empty());
    assert!(m.errors[0].message.contains("too large"), "{:?}", m.errors);
}

#[test]
fn k8s_manifests_load_without_errors() {
    let Some(dir) = common::k8s_dir() else { return };
    let m = common::load_dir(&dir);
    assert!(m.errors.is_empty(), "{:#?}", m.errors);
    assert!(m.get_str("Deployment/budget-app/flask-app").is_some());
    assert!(m.get_str("PersistentVolume//postgres-pv").is_some());
    assert!(m
        .host_ports
        .iter()
        .any(|h| h.host == 8889 && h.container == 80));
    let sorted = m.objects.windows(2).all(|w| w[0].id < w[1].id);
    assert!(sorted);
}

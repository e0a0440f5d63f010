//! wasm-bindgen tests in headless Chromium: the core in wasm, the typed fetch
//! errors, and a component rendered into a real DOM.
#![cfg(target_arch = "wasm32")]

use explorer::fetch::{get_text, FetchError};
use explorer::manifests::derive;
use explorer_core::load::Source;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const APP: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: demo}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: example/api:1
          resources:
            requests: {cpu: 100m, memory: 64Mi}
            limits: {cpu: 300m, memory: 128Mi}
---
apiVersion: v1
kind: Service
metadata: {name: api-svc, namespace: demo}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
"#;

fn sources() -> Vec<Source> {
    vec![Source {
        path: "app.yaml".into(),
        text: APP.into(),
    }]
}

#[wasm_bindgen_test]
fn core_derives_graph_and_resources_in_wasm() {
    let loaded = derive("test".into(), &sources()).expect("loads");
    assert_eq!(loaded.resources.total.pods, 3);
    assert_eq!(loaded.resources.total.cpu_request_millicores, 300);
    assert!(loaded
        .graph
        .edges
        .iter()
        .any(|e| e.from == "Service/demo/api-svc" && e.to == "Deployment/demo/api"));
}

#[wasm_bindgen_test]
async fn a_request_past_its_deadline_is_a_timeout() {
    let err = get_text("/never-answered-in-time", 0).await.unwrap_err();
    assert!(matches!(err, FetchError::Timeout { ms: 0, .. }), "{err:?}");
}

#[wasm_bindgen_test]
async fn a_missing_file_is_a_status_error() {
    let err = get_text("/no-such-file.yaml", 5_000).await.unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 404, .. }),
        "{err:?}"
    );
}

#[wasm_bindgen_test]
fn the_resource_table_renders_computed_totals() {
    use leptos::prelude::*;
    let loaded = derive("test".into(), &sources()).expect("loads");
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let host: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(host);
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! { <explorer::pages::ResourceTable loaded=loaded.clone() /> }
    });
    let text = host.text_content().unwrap_or_default();
    assert!(text.contains("300m"), "{text}");
    assert!(text.contains("192Mi"), "{text}");
    drop(handle);
}

#[wasm_bindgen_test]
fn the_router_keeps_the_selection_in_the_url() {
    use explorer::route::{provide_router, BASE};
    use leptos::prelude::*;
    let owner = Owner::new();
    owner.with(|| {
        let router = provide_router();
        let (selected, set_selected) = router.param("node");
        set_selected.set(Some("Deployment/demo/api".to_string()));
        let location = web_sys::window().unwrap().location();
        assert_eq!(location.pathname().unwrap(), format!("{BASE}/"));
        assert_eq!(location.search().unwrap(), "?node=Deployment%2Fdemo%2Fapi");
        assert_eq!(
            selected.get_untracked().as_deref(),
            Some("Deployment/demo/api")
        );
        router.push(&format!("{BASE}/resources"));
        assert_eq!(router.path().get_untracked(), "/resources");
        assert_eq!(selected.get_untracked(), None);
        assert_eq!(location.pathname().unwrap(), format!("{BASE}/resources"));
    });
}

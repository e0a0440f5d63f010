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

/// The browser reads the same bad documents with the same messages and lines as the CLI:
/// both compare with `tests/decode-errors/bad.expected`.
#[wasm_bindgen_test]
fn load_errors_in_the_browser_match_the_cli() {
    let path = "tests/decode-errors/bad.yaml";
    let bytes = include_bytes!("decode-errors/bad.yaml").to_vec();
    let loaded = explorer::manifests::derive_bytes(path.into(), bytes).expect("some objects load");
    let got: Vec<String> = loaded.model.errors.iter().map(|e| e.to_string()).collect();
    let expected: Vec<&str> = include_str!("decode-errors/bad.expected").lines().collect();
    assert_eq!(got, expected);
    // Every load error is among the problems the findings view lists.
    let listed = loaded.problems.iter().filter(|p| p.rule == "load").count();
    assert_eq!(listed, expected.len());
}

#[path = "../crates/explorer-core/tests/support/hostile.rs"]
mod hostile;

/// The hostile corpus through the page's own pipeline (bytes → model → graph → resources →
/// problems), timed with the Performance API. Each loads or is refused within 1 s in an
/// optimised build (`make test-wasm` builds the `wasm-test` profile); prints the times.
#[wasm_bindgen_test]
fn hostile_inputs_load_or_are_refused_in_time_in_chromium() {
    use hostile::{corpus, Expect};
    let perf = web_sys::window().unwrap().performance().unwrap();
    let limit_ms = if cfg!(debug_assertions) {
        20_000.0
    } else {
        1_000.0
    };
    let mut failures = Vec::new();
    for h in corpus() {
        let size = h.bytes.len();
        let start = perf.now();
        let result = explorer::manifests::derive_bytes(h.name.to_string(), h.bytes);
        let took = perf.now() - start;
        let (objects, first) = match &result {
            Ok(l) => (
                l.model.objects.len(),
                l.model
                    .errors
                    .first()
                    .map(|e| e.to_string())
                    .unwrap_or_default(),
            ),
            Err(e) => (0, e.to_string()),
        };
        web_sys::console::log_1(
            &format!(
                "hostile (chromium): {:<40} {size:>10} B {took:>8.1} ms  {objects} objects",
                h.name
            )
            .into(),
        );
        if took > limit_ms {
            failures.push(format!("{}: {took:.0} ms", h.name));
        }
        match h.expect {
            Expect::Loads(n) if objects < n => {
                failures.push(format!("{}: {objects} objects", h.name))
            }
            Expect::Refused(text) if objects > 0 || !first.contains(text) => {
                failures.push(format!("{}: {first:?} lacks {text:?}", h.name))
            }
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

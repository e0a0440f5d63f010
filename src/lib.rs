//! The explorer's single-page app: UI only. Everything it shows is computed by
//! `explorer-core` from the manifests bundle or parsed from live responses.

mod app;
pub mod fetch;
pub mod live;
pub mod manifests;
pub mod pages;
pub mod route;

pub use app::App;

/// Mounts the app on `<body>`.
pub fn start() {
    mark("app-start");
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
    mark("shell-mounted");
}

/// A named point in time for the Performance API: the steps of a cold start (`app-start`,
/// `shell-mounted`, `bundle-fetched`, `parsed`, `graph-built`, `derived`, `diagram-mounted`,
/// `diagram-painted`), read by the performance test. Nothing off wasm, so that the code that
/// marks (`manifests::derive`) stays callable natively.
pub fn mark(name: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(p) = leptos::prelude::window().performance() {
        let _ = p.mark(name);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = name;
}

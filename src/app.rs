use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::manifests::provide_manifests;
use crate::pages::{DiagramPage, NotFound, ResourcesPage};

/// Where nginx serves the app; the router works under it.
pub const BASE: &str = "/explorer";

#[component]
pub fn App() -> impl IntoView {
    provide_manifests();
    view! {
        <Router base=BASE>
            <Shell>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=DiagramPage />
                    <Route path=path!("/resources") view=ResourcesPage />
                </Routes>
            </Shell>
        </Router>
    }
}

#[component]
fn Shell(children: Children) -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href=format!("{BASE}/")>
                <span class="brand-mark" aria-hidden="true"></span>
                <span>"budget-app"</span>
                <span class="brand-sub">"architecture explorer"</span>
            </a>
            <nav aria-label="Views">
                <A href=format!("{BASE}/") exact=true>"Diagram"</A>
                <A href=format!("{BASE}/resources")>"Resources"</A>
            </nav>
        </header>
        <main id="main">{children()}</main>
    }
}

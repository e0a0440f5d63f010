use leptos::prelude::*;

use crate::manifests::provide_manifests;
use crate::pages::{DiagramPage, FindingsBadge, FindingsPage, NotFound, ResourcesPage};
use crate::route::{provide_router, use_router, BASE};

/// The pages, by path below [`BASE`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Page {
    Diagram,
    Resources,
    Findings,
    NotFound,
}

impl Page {
    fn at(path: &str) -> Page {
        match path {
            "/" => Page::Diagram,
            "/resources" => Page::Resources,
            "/findings" => Page::Findings,
            _ => Page::NotFound,
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    let router = provide_router();
    provide_manifests();
    let path = router.path();
    // Re-render only when the page changes, not on every query change.
    let page = Memo::new(move |_| Page::at(&path.get()));
    view! {
        <Shell>
            {move || match page.get() {
                Page::Diagram => view! { <DiagramPage /> }.into_any(),
                Page::Resources => view! { <ResourcesPage /> }.into_any(),
                Page::Findings => view! { <FindingsPage /> }.into_any(),
                Page::NotFound => view! { <NotFound /> }.into_any(),
            }}
        </Shell>
    }
}

#[component]
fn NavLink(
    path: &'static str,
    label: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let current = use_router().path();
    view! {
        <a
            href=format!("{BASE}{path}")
            aria-current=move || (current.get() == path).then_some("page")
        >
            {label}
            {children.map(|c| c())}
        </a>
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
                <NavLink path="/" label="Diagram" />
                <NavLink path="/resources" label="Resources" />
                <NavLink path="/findings" label="Findings">
                    <FindingsBadge />
                </NavLink>
            </nav>
        </header>
        <main id="main">{children()}</main>
    }
}

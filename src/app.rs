use leptos::prelude::*;

use explorer_view::frame::{brand, page_title};

use crate::live::provide_live;
use crate::manifests::{provide_manifests, use_manifests};
use crate::pages::remove_first_frame;
use crate::pages::{
    DiagramPage, FindingsBadge, FindingsPage, FlowPage, NotFound, Reference, ReferencePage,
    ResourcesPage, TourPage,
};
use crate::pages::{StatusBar, StatusPage};
use crate::route::{provide_router, use_router, BASE};
use explorer_core::flows::FlowKind;

/// The pages, by path below [`BASE`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Page {
    Diagram,
    Resources,
    Findings,
    HealthChecks,
    Security,
    Storage,
    Flow(FlowKind),
    /// The tour; its step is read from the path by the page, so stepping keeps it mounted.
    Tour,
    Status,
    NotFound,
}

impl Page {
    fn at(path: &str) -> Page {
        match path {
            "/" => Page::Diagram,
            "/resources" => Page::Resources,
            "/findings" => Page::Findings,
            "/health-checks" => Page::HealthChecks,
            "/security" => Page::Security,
            "/storage" => Page::Storage,
            "/flows" => Page::Flow(FlowKind::Traffic),
            "/tour" => Page::Tour,
            p if p.starts_with("/flows/") => {
                FlowKind::parse(&p[7..]).map_or(Page::NotFound, Page::Flow)
            }
            p if p
                .strip_prefix("/tour/")
                .is_some_and(|n| n.parse::<usize>().is_ok_and(|n| n >= 1)) =>
            {
                Page::Tour
            }
            "/status" => Page::Status,
            _ => Page::NotFound,
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    let router = provide_router();
    provide_manifests();
    provide_live();
    let path = router.path();
    // Re-render only when the page changes, not on every query change.
    let page = Memo::new(move |_| Page::at(&path.get()));
    // The pre-rendered first frame (index.html) shows the diagram; the diagram removes it
    // once painted. Anywhere else, or when the manifests cannot be shown, it goes at once.
    let manifests = use_manifests();
    Effect::new(move |_| {
        let failed = manifests.data.with(|d| matches!(d, Some(Err(_))));
        if page.get() != Page::Diagram || failed {
            remove_first_frame();
        }
    });
    view! {
        <Shell>
            {move || match page.get() {
                Page::Diagram => view! { <DiagramPage /> }.into_any(),
                Page::Resources => view! { <ResourcesPage /> }.into_any(),
                Page::Findings => view! { <FindingsPage /> }.into_any(),
                Page::HealthChecks => view! { <ReferencePage page=Reference::HealthChecks /> }.into_any(),
                Page::Security => view! { <ReferencePage page=Reference::Security /> }.into_any(),
                Page::Storage => view! { <ReferencePage page=Reference::Storage /> }.into_any(),
                Page::Flow(kind) => view! { <FlowPage kind /> }.into_any(),
                Page::Tour => view! { <TourPage step=1 /> }.into_any(),
                Page::Status => view! { <StatusPage /> }.into_any(),
                Page::NotFound => view! { <NotFound /> }.into_any(),
            }}
        </Shell>
    }
}

#[component]
fn NavLink(
    path: &'static str,
    label: &'static str,
    /// Marks the link current for every path under it (`/flows` for `/flows/metrics`).
    #[prop(optional)]
    prefix: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let current = use_router().path();
    let here = move || {
        current.with(|c| match prefix {
            Some(p) => c == p || c.starts_with(&format!("{p}/")),
            None => c == path,
        })
    };
    view! {
        <a
            href=format!("{BASE}{path}")
            aria-current=move || here().then_some("page")
        >
            {label}
            {children.map(|c| c())}
        </a>
    }
}

#[component]
fn Shell(children: Children) -> impl IntoView {
    // The system's name from the manifests (for budget-app, its `part-of` label).
    let manifests = use_manifests();
    let name = Memo::new(move |_| {
        manifests.data.with(|d| {
            d.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|l| l.name.clone())
        })
    });
    Effect::new(move |_| name.with(|n| document().set_title(&page_title(n.as_deref()))));
    view! {
        <header class="topbar">
            <a class="brand" href=format!("{BASE}/")>
                <span class="brand-mark" aria-hidden="true"></span>
                <span>{move || name.with(|n| brand(n.as_deref()).to_string())}</span>
                <span class="brand-sub">"architecture explorer"</span>
            </a>
            <nav aria-label="Views">
                <NavLink path="/" label="Diagram" />
                <NavLink path="/tour/1" prefix="/tour" label="Tour" />
                <NavLink path="/flows/traffic" prefix="/flows" label="Flows" />
                <NavLink path="/resources" label="Resources" />
                <NavLink path="/health-checks" label="Health checks" />
                <NavLink path="/security" label="Security" />
                <NavLink path="/storage" label="Storage" />
                <NavLink path="/findings" label="Findings">
                    <FindingsBadge />
                </NavLink>
                <NavLink path="/status" label="Status" />
            </nav>
            <StatusBar />
        </header>
        <main id="main">{children()}</main>
    }
}

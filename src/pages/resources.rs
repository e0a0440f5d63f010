//! `/explorer/resources`: requests and limits per workload, with totals, all
//! computed by the core from the manifests.

use std::sync::Arc;

use explorer_core::resources::table_html;
use leptos::prelude::*;

use crate::manifests::{Loaded, WithManifests};
use crate::route::BASE;

#[component]
pub fn ResourcesPage() -> impl IntoView {
    let show_table = |loaded: Arc<Loaded>| view! { <ResourceTable loaded /> };
    view! {
        <section class="page">
            <h1>"Resources"</h1>
            <p class="lede">
                "Requests and limits per pod, multiplied by replicas. Init containers count as Kubernetes counts them: a pod reserves the larger of its app containers' sum and its largest init container."
            </p>
            <WithManifests children=show_table />
        </section>
    }
}

/// The table, built as HTML by the core ([`table_html`]).
#[component]
pub fn ResourceTable(loaded: Arc<Loaded>) -> impl IntoView {
    view! { <div class="resources-view" inner_html=table_html(&loaded.resources, BASE)></div> }
}

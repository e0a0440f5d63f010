//! `/explorer/security` and `/explorer/storage`: the security reviewer's view (exposure,
//! network policies, Secret keys, RBAC, findings with fixes) and what persists where.

use std::sync::Arc;

use explorer_view::reference;
use leptos::prelude::*;

use crate::manifests::{Loaded, WithManifests};
use crate::route::BASE;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let show = |l: Arc<Loaded>| {
        let s = explorer_core::security::derive(&l.model, &l.graph);
        view! { <div class="reference" inner_html=reference::security(&s, BASE).into_string()></div> }
    };
    view! {
        <section class="page">
            <h1>"Security"</h1>
            <p class="lede">
                "What is reachable from outside, what the network policies let in, who reads which Secret, what each ServiceAccount may do, and what to fix."
            </p>
            <WithManifests children=show />
        </section>
    }
}

#[component]
pub fn StoragePage() -> impl IntoView {
    let show = |l: Arc<Loaded>| {
        let v = explorer_core::storage::volumes(&l.model, &l.graph);
        view! { <div class="reference" inner_html=reference::storage(&v, BASE).into_string()></div> }
    };
    view! {
        <section class="page">
            <h1>"Storage"</h1>
            <p class="lede">
                "Every volume of every workload: what outlives the pod, what is rebuilt from a ConfigMap or Secret, and what is lost when the pod is deleted or rescheduled."
            </p>
            <WithManifests children=show />
        </section>
    }
}

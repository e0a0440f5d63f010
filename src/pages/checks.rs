//! `/explorer/health-checks`: every readiness, liveness and startup probe, with Kubernetes'
//! defaults filled in and what happens when it fails.

use std::sync::Arc;

use explorer_core::flows::health_checks;
use explorer_view::walk;
use leptos::prelude::*;

use crate::manifests::{Loaded, WithManifests};
use crate::route::BASE;

#[component]
pub fn HealthChecksPage() -> impl IntoView {
    let show = |loaded: Arc<Loaded>| view! { <ChecksTable loaded /> };
    view! {
        <section class="page">
            <h1>"Health checks"</h1>
            <p class="lede">
                "Every probe in the manifests. Unset fields show Kubernetes' defaults (period 10 s, timeout 1 s, 3 failures)."
            </p>
            <WithManifests children=show />
        </section>
    }
}

#[component]
fn ChecksTable(loaded: Arc<Loaded>) -> impl IntoView {
    let checks = health_checks(&loaded.model, &loaded.graph);
    if checks.is_empty() {
        return view! { <p data-testid="no-checks">"No workload in these manifests declares a probe."</p> }
            .into_any();
    }
    view! { <div inner_html=walk::checks_table(&checks, BASE).into_string()></div> }.into_any()
}

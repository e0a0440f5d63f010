//! The reference pages: `/explorer/health-checks` (every probe, Kubernetes' defaults filled
//! in, what a failure does), `/explorer/security` (exposure, network policies, Secret keys,
//! RBAC, findings with fixes) and `/explorer/storage` (what persists where). Each is a title,
//! a lede and one table written by the presentation crate.

use std::sync::Arc;

use explorer_core::{flows, security, storage};
use explorer_view::{reference, walk};
use leptos::prelude::*;

use crate::manifests::{Loaded, WithManifests};
use crate::route::BASE;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    HealthChecks,
    Security,
    Storage,
}

#[component]
pub fn ReferencePage(page: Reference) -> impl IntoView {
    let (title, lede) = match page {
        Reference::HealthChecks => (
            "Health checks",
            "Every probe in the manifests. Unset fields show Kubernetes' defaults (period 10 s, timeout 1 s, 3 failures).",
        ),
        Reference::Security => (
            "Security",
            "What is reachable from outside, what the network policies let in, who reads which Secret, what each ServiceAccount may do, and what to fix.",
        ),
        Reference::Storage => (
            "Storage",
            "Every volume of every workload: what outlives the pod, what is rebuilt from a ConfigMap or Secret, and what is lost when the pod is deleted or rescheduled.",
        ),
    };
    let show = move |l: Arc<Loaded>| {
        let body = match page {
            Reference::HealthChecks => {
                walk::checks_table(&flows::health_checks(&l.model, &l.graph), BASE)
            }
            Reference::Security => reference::security(&security::derive(&l.model, &l.graph), BASE),
            Reference::Storage => reference::storage(&storage::volumes(&l.model, &l.graph), BASE),
        };
        view! { <div class="reference" inner_html=body.into_string()></div> }
    };
    view! {
        <section class="page">
            <h1>{title}</h1>
            <p class="lede">{lede}</p>
            <WithManifests children=show />
        </section>
    }
}

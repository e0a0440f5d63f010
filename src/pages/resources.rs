//! `/explorer/resources`: requests and limits per workload, with totals, all
//! computed by the core from the manifests.

use std::sync::Arc;

use explorer_core::quantity::{format_cpu, format_memory};
use explorer_core::resources::ResourceRow;
use leptos::prelude::*;

use crate::manifests::{Loaded, WithManifests};

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

#[component]
pub fn ResourceTable(loaded: Arc<Loaded>) -> impl IntoView {
    let table = &loaded.resources;
    let rows = table
        .rows
        .iter()
        .map(|row| view! { <ResourceRowView row=row.clone() /> })
        .collect_view();
    let t = &table.total;
    let warnings = table
        .rows
        .iter()
        .filter(|r| !r.missing.is_empty())
        .map(|r| {
            view! {
                <li>
                    <code>{r.name.clone()}</code>
                    " has containers without requests or limits: "
                    {r.missing.join(", ")}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="resources" aria-label="Resource requests and limits">
                <thead>
                    <tr>
                        <th scope="col">"Workload"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col" class="num">"Pods"</th>
                        <th scope="col" class="num">"CPU request"</th>
                        <th scope="col" class="num">"CPU limit"</th>
                        <th scope="col" class="num">"Memory request"</th>
                        <th scope="col" class="num">"Memory limit"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr class="total" data-testid="resource-total">
                        <th scope="row" colspan="2">"Total"</th>
                        <td class="num" data-field="pods">{t.pods}</td>
                        <td class="num" data-field="cpu-request">{format_cpu(t.cpu_request_millicores)}</td>
                        <td class="num" data-field="cpu-limit">{format_cpu(t.cpu_limit_millicores)}</td>
                        <td class="num" data-field="memory-request">{format_memory(t.memory_request_bytes)}</td>
                        <td class="num" data-field="memory-limit">{format_memory(t.memory_limit_bytes)}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
        <p class="footnote">"Per-pod figures are shown in each row; totals multiply them by the pod count. 1000m CPU = 1 core."</p>
        <ul class="warnings">{warnings}</ul>
    }
}

#[component]
fn ResourceRowView(row: ResourceRow) -> impl IntoView {
    let pods = row.pods;
    let per_pod = move |v: String| {
        if pods > 1 {
            format!("{v} × {pods}")
        } else {
            v
        }
    };
    view! {
        <tr data-workload=row.workload.clone()>
            <th scope="row">
                <a href=format!("/explorer/?node={}", row.workload)>{row.name.clone()}</a>
            </th>
            <td>{row.kind.clone()}</td>
            <td class="num">{row.pods}</td>
            <td class="num">{per_pod(format_cpu(row.cpu_request_millicores))}</td>
            <td class="num">{per_pod(format_cpu(row.cpu_limit_millicores))}</td>
            <td class="num">{per_pod(format_memory(row.memory_request_bytes))}</td>
            <td class="num">{per_pod(format_memory(row.memory_limit_bytes))}</td>
        </tr>
    }
}

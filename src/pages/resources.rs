//! `/explorer/resources`: requests and limits per workload, with totals, all
//! computed by the core from the manifests.

use std::sync::Arc;

use explorer_core::quantity::{format_cpu, format_memory};
use explorer_core::resources::{ResourceRow, ResourceTable as Table};
use explorer_view::project::{project, ViewOptions};
use explorer_view::scene::compose;
use explorer_view::share::{share_table, NodeSize};
use explorer_view::svg::inline_svg;
use explorer_view::url;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

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

/// `250m × 2` when a workload has several pods.
fn per_pod(row: &ResourceRow, v: String) -> String {
    if row.pods > 1 {
        format!("{v} × {}", row.pods)
    } else {
        v
    }
}

#[component]
fn ResourceRowView(row: ResourceRow) -> impl IntoView {
    let href = format!("{BASE}/?node={}", url::encode(&row.workload));
    let cells = [
        per_pod(&row, format_cpu(row.cpu_request_millicores)),
        per_pod(&row, format_cpu(row.cpu_limit_millicores)),
        per_pod(&row, format_memory(row.memory_request_bytes)),
        per_pod(&row, format_memory(row.memory_limit_bytes)),
    ];
    view! {
        <tr data-workload=row.workload.clone()>
            <th scope="row">
                <a href=href>{row.name.clone()}</a>
            </th>
            <td>{row.kind.clone()}</td>
            <td class="num">{row.pods}</td>
            {cells.into_iter().map(|c| view! { <td class="num">{c}</td> }).collect_view()}
        </tr>
    }
}

/// Requests and limits per workload, the totals in the footer
/// (`data-testid="resource-total"`, cells named by `data-field`), and a warning
/// per workload with containers lacking requests or limits.
#[component]
pub fn ResourceTable(loaded: Arc<Loaded>) -> impl IntoView {
    let table: &Table = &loaded.resources;
    let t = &table.total;
    let totals = [
        ("pods", t.pods.to_string()),
        ("cpu-request", format_cpu(t.cpu_request_millicores)),
        ("cpu-limit", format_cpu(t.cpu_limit_millicores)),
        ("memory-request", format_memory(t.memory_request_bytes)),
        ("memory-limit", format_memory(t.memory_limit_bytes)),
    ];
    let warnings: Vec<(String, String)> = table
        .rows
        .iter()
        .filter(|r| !r.missing.is_empty())
        .map(|r| (r.name.clone(), r.missing.join(", ")))
        .collect();
    let scene = compose(
        &project(&loaded.graph, &ViewOptions::default()),
        &loaded.model.host_ports,
    );
    let mini = inline_svg(&scene).into_string();
    view! {
        <div class="resources-view" on:mouseover=move |e| light_row(&e, true) on:focusin=move |e| light_row(&e, true) on:mouseleave=move |e| light_row(&e, false)>
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
                    <tbody>
                        {table
                            .rows
                            .iter()
                            .cloned()
                            .map(|row| view! { <ResourceRowView row /> })
                            .collect_view()}
                    </tbody>
                    <tfoot>
                        <tr class="total" data-testid="resource-total">
                            <th scope="row" colspan="2">"Total"</th>
                            {totals
                                .into_iter()
                                .map(|(field, v)| view! { <td class="num" data-field=field>{v}</td> })
                                .collect_view()}
                        </tr>
                    </tfoot>
                </table>
            </div>
            <p class="footnote">
                "Per-pod figures are shown in each row; totals multiply them by the pod count. 1000m CPU = 1 core."
            </p>
            <figure class="mini-map" data-testid="mini-map">
                <figcaption>"Point at a row to find the workload in the diagram."</figcaption>
                <div inner_html=mini></div>
            </figure>
            <NodeShare table=table.clone() />
            <ul class="warnings">
                {warnings
                    .into_iter()
                    .map(|(name, missing)| {
                        view! {
                            <li>
                                <code>{name}</code>
                                " has containers without requests or limits: "
                                {missing}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// Lights the card of the workload whose row is under the pointer (or focused), in the
/// page's small diagram. DOM classes only: nothing else depends on it.
fn light_row(e: &web_sys::Event, on: bool) {
    let Some(el) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let id = on
        .then(|| el.closest("[data-workload],[data-share]").ok().flatten())
        .flatten()
        .and_then(|r| {
            r.get_attribute("data-workload")
                .or_else(|| r.get_attribute("data-share"))
        });
    let Ok(Some(svg)) = document().query_selector(".mini-map svg") else {
        return;
    };
    let _ = svg.class_list().toggle_with_force("lit", id.is_some());
    if let Ok(nodes) = svg.query_selector_all("g.node") {
        for i in 0..nodes.length() {
            if let Some(n) = nodes
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let this = id.is_some() && n.get_attribute("data-id") == id;
                let _ = n.class_list().toggle_with_force("current", this);
            }
        }
    }
}

/// Each workload's share of a node whose size the user sets (default 2 CPU, 4 GiB).
#[component]
fn NodeShare(table: Table) -> impl IntoView {
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    let node = RwSignal::new(NodeSize::default());
    let markup = move || share_table(&table, node.get()).into_string();
    // One handler for both fields (each `view!` input with its own handler costs wasm).
    let changed = move |e: leptos::ev::Event| {
        let Some(input) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let v = input.value_as_number();
        if v > 0.0 && v.is_finite() {
            node.update(|n| match input.name().as_str() {
                "cpu" => n.cpu_millicores = v * 1000.0,
                _ => n.memory_bytes = v * GIB,
            });
        }
    };
    let d = NodeSize::default();
    view! {
        <section class="node-share" aria-labelledby="share-title">
            <h2 id="share-title">"Share of a node"</h2>
            <p class="node-size" on:input=changed>
                <label>
                    "CPU cores "
                    <input type="number" name="cpu" min="0.1" step="0.5" data-testid="node-cpu" value=d.cpu_millicores / 1000.0 />
                </label>
                <label>
                    "Memory GiB "
                    <input type="number" name="memory" min="0.1" step="0.5" data-testid="node-memory" value=d.memory_bytes / GIB />
                </label>
            </p>
            <div class="table-wrap" inner_html=markup></div>
        </section>
    }
}

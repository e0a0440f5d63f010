//! The side panel for the selected node: everything the core can say about it,
//! with every relation's provenance. Secret values are never shown.

use std::sync::Arc;

use explorer_core::details::{describe, EdgeInfo, NodeDetails};
use explorer_core::view::ViewGraph;
use leptos::ev;
use leptos::prelude::*;

use super::state::use_diagram_state;
use crate::manifests::Loaded;

#[component]
pub fn DetailsPanel(loaded: Arc<Loaded>, view_graph: Memo<ViewGraph>) -> impl IntoView {
    let st = use_diagram_state();
    // Esc closes the panel wherever the focus is.
    let esc = window_event_listener(ev::keydown, move |ev| {
        if ev.key() == "Escape" && st.selected.get_untracked().is_some() {
            st.set_selected.set(None);
        }
    });
    on_cleanup(move || esc.remove());

    let details = {
        let loaded = loaded.clone();
        Memo::new(move |_| {
            st.selected
                .get()
                .and_then(|id| describe(&loaded.model, &loaded.graph, &id))
        })
    };
    move || {
        details.get().map(|d| {
            let folded =
                view_graph.with(|v| v.node(&d.id).map(|n| n.folded.clone()).unwrap_or_default());
            let config_sources: Vec<NodeDetails> = d
                .edges_out
                .iter()
                .filter(|e| e.other.starts_with("Secret/") || e.other.starts_with("ConfigMap/"))
                .filter_map(|e| describe(&loaded.model, &loaded.graph, &e.other))
                .collect();
            view! { <Panel d folded config_sources /> }
        })
    }
}

fn id_name(id: &str) -> String {
    let mut parts = id.splitn(3, '/');
    let kind = parts.next().unwrap_or_default();
    let _ns = parts.next();
    format!("{kind} {}", parts.next().unwrap_or_default())
}

#[component]
fn NodeLink(id: String) -> impl IntoView {
    let st = use_diagram_state();
    let target = id.clone();
    view! {
        <a href=format!("?node={id}") on:click=move |ev: ev::MouseEvent| {
            ev.prevent_default();
            st.set_selected.set(Some(target.clone()));
        }>{id_name(&id)}</a>
    }
}

#[component]
fn EdgeList(title: &'static str, edges: Vec<EdgeInfo>, arrow: &'static str) -> impl IntoView {
    (!edges.is_empty()).then(|| {
        view! {
            <h3>{title}</h3>
            <ul class="edges-list">
                {edges
                    .into_iter()
                    .map(|e| {
                        view! {
                            <li class="edge-item" data-edge=e.id.clone()>
                                <span class=format!("swatch {}", e.family.as_str())></span>
                                " "{arrow}" "
                                <NodeLink id=e.other.clone() />
                                <span class="rule">{format!("  {} · {}", e.family.as_str(), e.rule)}</span>
                                {e.reasons.into_iter().map(|r| view! { <span class="prov">{r}</span> }).collect_view()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

#[component]
fn Panel(d: NodeDetails, folded: Vec<String>, config_sources: Vec<NodeDetails>) -> impl IntoView {
    let st = use_diagram_state();
    let mut facts: Vec<(String, String)> = Vec::new();
    if let Some(ns) = &d.namespace {
        facts.push(("Namespace".into(), ns.clone()));
    }
    if let Some(r) = d.replicas {
        facts.push((
            "Replicas".into(),
            format!("{r} pod{}", if r == 1 { "" } else { "s" }),
        ));
    }
    if let Some(g) = &d.group {
        facts.push(("Tier".into(), g.clone()));
    }
    for f in &d.facts {
        facts.push((f.label.clone(), f.value.clone()));
    }
    if let Some(s) = &d.source {
        facts.push((
            "Defined in".into(),
            format!("{} (document {}, line {})", s.path, s.doc_index + 1, s.line),
        ));
    }
    let containers: Vec<_> = d
        .init_containers
        .iter()
        .chain(d.containers.iter())
        .cloned()
        .collect();
    view! {
        <aside class="details" aria-label=format!("Details of {} {}", d.kind, d.name) data-testid="details">
            <header>
                <div>
                    <div class="kind-chip">{d.kind.clone()}</div>
                    <h2>{d.name.clone()}</h2>
                </div>
                <button class="close" type="button" aria-label="Close details (Esc)" on:click=move |_| st.set_selected.set(None)>"×"</button>
            </header>
            <dl>{facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}</dl>

            {d.service.clone().map(|s| view! {
                <h3>"Service"</h3>
                <dl>
                    <dt>"Type"</dt><dd>{s.type_.clone()}</dd>
                    <dt>"Ports"</dt>
                    <dd>{s.ports.iter().map(|p| format!("{} → {}{}", p.port, p.target_port.clone().unwrap_or_else(|| p.port.to_string()), p.node_port.map(|n| format!(" (node {n})")).unwrap_or_default())).collect::<Vec<_>>().join(", ")}</dd>
                    <dt>"Selector"</dt>
                    <dd>{s.selector.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")}</dd>
                </dl>
            })}

            {(!containers.is_empty()).then(|| view! {
                <h3>"Containers"</h3>
                <ul>
                    {containers.into_iter().map(|c| {
                        let r = &c.resources;
                        let res = format!(
                            "CPU {} → {}, memory {} → {}",
                            r.cpu_request.clone().unwrap_or_else(|| "–".into()),
                            r.cpu_limit.clone().unwrap_or_else(|| "–".into()),
                            r.memory_request.clone().unwrap_or_else(|| "–".into()),
                            r.memory_limit.clone().unwrap_or_else(|| "–".into()),
                        );
                        view! {
                            <li>
                                <strong>{c.name.clone()}</strong>
                                {if c.init { " (init)" } else if c.sidecar { " (sidecar)" } else { "" }}
                                <br /><code>{c.image.clone().unwrap_or_default()}</code>
                                <br /><span class="muted">{res}</span>
                                {c.command.clone().map(|cmd| view! { <span class="prov">{cmd}</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}

            {(!d.ports.is_empty()).then(|| view! {
                <h3>"Ports"</h3>
                <ul>{d.ports.iter().map(|p| view! { <li>{format!("{}{} {}/{}", p.owner.clone().map(|o| format!("{o}: ")).unwrap_or_default(), p.name.clone().unwrap_or_default(), p.port, p.protocol)}</li> }).collect_view()}</ul>
            })}

            {(!d.probes.is_empty()).then(|| view! {
                <h3>"Health checks"</h3>
                <ul class="probes">
                    {d.probes.iter().map(|p| {
                        let timing = match (p.period_seconds, p.initial_delay_seconds) {
                            (Some(per), Some(delay)) => format!("every {per}s, starts after {delay}s"),
                            (Some(per), None) => format!("every {per}s"),
                            (None, Some(delay)) => format!("starts after {delay}s"),
                            (None, None) => String::new(),
                        };
                        view! { <li data-probe=p.kind><strong>{p.kind}</strong>" "<code>{p.handler.clone()}</code>" · "{timing}<span class="muted">{format!(" ({})", p.container)}</span></li> }
                    }).collect_view()}
                </ul>
            })}

            {(!d.env.is_empty() || !d.env_from.is_empty()).then(|| view! {
                <h3>"Environment"</h3>
                <ul>
                    {d.env.iter().map(|e| view! {
                        <li><code>{e.name.clone()}</code>" "
                            {match &e.value {
                                Some(v) => view! { <span>{format!("= {v}")}</span> }.into_any(),
                                None => view! { <span class="redacted">{format!("from {}", e.source)}</span> }.into_any(),
                            }}
                        </li>
                    }).collect_view()}
                    {d.env_from.iter().map(|s| view! { <li class="redacted">{format!("all keys of {s}")}</li> }).collect_view()}
                </ul>
            })}

            {(!config_sources.is_empty()).then(|| view! {
                <h3>"Configuration it reads"</h3>
                <ul>
                    {config_sources.into_iter().map(|c| {
                        let secret = c.kind == "Secret";
                        let keys = if secret { c.secret_keys.clone() } else { c.config_keys.clone() };
                        view! {
                            <li>
                                <NodeLink id=c.id.clone() />
                                ": "{keys.join(", ")}
                                {secret.then(|| view! { <span class="redacted">" (values redacted)"</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}

            {(!d.secret_keys.is_empty()).then(|| view! {
                <h3>"Keys"</h3>
                <p>{d.secret_keys.join(", ")}<span class="redacted">" (values redacted)"</span></p>
            })}
            {(!d.config_keys.is_empty()).then(|| view! {
                <h3>"Keys"</h3>
                <p>{d.config_keys.join(", ")}</p>
            })}

            {(!d.volume_mounts.is_empty()).then(|| view! {
                <h3>"Mounts"</h3>
                <ul>{d.volume_mounts.iter().map(|m| view! { <li><code>{m.mount_path.clone()}</code>{format!(" ← {}{} ({})", m.source, if m.read_only { ", read-only" } else { "" }, m.container)}</li> }).collect_view()}</ul>
            })}

            {(!folded.is_empty()).then(|| {
                let workload = d.id.clone();
                let toggle_id = workload.clone();
                let expanded = move || st.options.with(|o| o.expand_all || o.expanded.contains(&workload));
                view! {
                    <h3>"Attached objects"</h3>
                    <ul>{folded.into_iter().map(|id| view! { <li><NodeLink id /></li> }).collect_view()}</ul>
                    <button type="button" class="inline-button" on:click=move |_| {
                        st.options.update(|o| {
                            if !o.expanded.remove(&toggle_id) {
                                o.expanded.insert(toggle_id.clone());
                            }
                        })
                    }>{move || if expanded() { "Fold them back into this workload" } else { "Show them in the diagram" }}</button>
                }
            })}

            <EdgeList title="Relations out" edges=d.edges_out.clone() arrow="→" />
            <EdgeList title="Relations in" edges=d.edges_in.clone() arrow="←" />

            {(!d.findings.is_empty()).then(|| view! {
                <h3>"Findings"</h3>
                <ul>{d.findings.iter().map(|f| view! { <li class="finding">{format!("{}: {}", f.rule, f.message)}</li> }).collect_view()}</ul>
            })}
        </aside>
    }
}

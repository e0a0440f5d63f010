//! The side panel for the selected node: everything the core can say about it,
//! with every relation's provenance. Secret values are never shown.
//!
//! The core builds the panel's sections as escaped HTML
//! ([`explorer_view::panel`]); this component places them and adds the
//! interactive parts: close and fold/unfold. Links inside the sections are
//! `?node=` links that the router turns into selections.

use std::sync::Arc;

use explorer_core::details::{describe, NodeDetails};
use explorer_view::panel::{
    attached_list, config_sources, sections_after, sections_before, Section,
};
use explorer_view::project::ViewGraph;
use leptos::ev;
use leptos::prelude::*;

use super::state::use_diagram_state;
use crate::live::{ask_history, history_id, use_live};
use crate::manifests::Loaded;
use crate::route::BASE;

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
            let config_sources = config_sources(&loaded.model, &loaded.graph, &d);
            view! { <Panel d folded config_sources /> }
        })
    }
}

fn sections(list: Vec<Section>) -> impl IntoView {
    list.into_iter()
        .map(|s| view! { <section data-section=s.id inner_html=s.html.into_string()></section> })
        .collect_view()
}

#[component]
fn Panel(d: NodeDetails, folded: Vec<String>, config_sources: Vec<NodeDetails>) -> impl IntoView {
    let st = use_diagram_state();
    let before = sections_before(&d, &config_sources, BASE);
    let after = sections_after(&d, BASE);
    let attached = (!folded.is_empty()).then(|| {
        let list = attached_list(&folded, BASE);
        let workload = d.id.clone();
        let toggle_id = workload.clone();
        let expanded =
            move || st.options.with(|o| o.expand_all || o.expanded.contains(&workload));
        view! {
            <section data-section="attached">
                <div inner_html=list.into_string()></div>
                <button type="button" class="inline-button" on:click=move |_| {
                    st.options.update(|o| {
                        if !o.expanded.remove(&toggle_id) {
                            o.expanded.insert(toggle_id.clone());
                        }
                    })
                }>{move || if expanded() { "Fold them back into this workload" } else { "Show them in the diagram" }}</button>
            </section>
        }
    });
    view! {
        <aside class="details" aria-label=format!("Details of {} {}", d.kind, d.name) data-testid="details">
            <header>
                <div>
                    <div class="kind-chip">{d.kind.clone()}</div>
                    <h2>{d.name.clone()}</h2>
                </div>
                <button class="close" type="button" aria-label="Close details (Esc)" on:click=move |_| st.set_selected.set(None)>"×"</button>
            </header>
            <LiveSection id=d.id.clone() />
            {sections(before)}
            {attached}
            {sections(after)}
        </aside>
    }
}

/// The workload's live state with its evidence and replicas (from the polls), and its
/// traffic over the last 15 minutes (asked when the panel opens, then once a minute while it
/// stays open; not part of the polls). Nothing for an object the live view has no plan for.
#[component]
fn LiveSection(id: String) -> impl IntoView {
    let live = use_live();
    ask_history(live, id.clone());
    {
        let id = id.clone();
        on_cleanup(move || {
            // Another panel may have opened already: only clear our own.
            if live
                .history_for
                .with_value(|h| h.as_ref().is_some_and(|(w, _)| *w == id))
            {
                live.history_for.set_value(None);
            }
        });
    }
    // The state changes every second (its ages); the chart only when the history is answered.
    let history = history_id(&id);
    let chart = Memo::new(move |_| {
        live.observations.with(|all| {
            all.iter().find(|o| o.request == history).map(|o| {
                explorer_view::live::history_of(o, explorer_core::status::HISTORY_S).into_string()
            })
        })
    });
    let status = Memo::new(move |_| {
        live.assessment.with(|a| {
            let s = a.as_ref()?.workloads.iter().find(|w| w.id == id)?;
            Some(explorer_view::live::status_markup(s).into_string())
        })
    });
    // Mounted once while there is a status; its two parts update in place.
    let shown = Memo::new(move |_| status.with(Option::is_some));
    move || {
        shown.get().then(|| {
            view! {
                <section data-section="live" data-testid="live-section">
                    <h3>"Live"</h3>
                    <div inner_html=move || status.get().unwrap_or_default()></div>
                    <div inner_html=move || chart.get().unwrap_or_default()></div>
                </section>
            }
        })
    }
}

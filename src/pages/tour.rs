//! `/explorer/tour/1` … `/explorer/tour/N`: the guided tour, generated from the manifests.
//! Each step zooms the diagram to what it is about; ← and → step; the whole tour exports as
//! the same Markdown `explorer tour --format markdown` prints.

use std::sync::Arc;

use explorer_core::flows::Target;
use explorer_core::tour::{self, Tour, TourStep};
use explorer_view::markdown::tour_markdown;
use explorer_view::url;
use leptos::prelude::*;

use super::diagram::{download, provide_diagram_state};
use super::walk::{arrow_keys, Facts, StepControls, WalkDiagram};
use crate::manifests::{Loaded, WithManifests};
use crate::route::{use_router, BASE};

/// The tour of a loaded set.
pub fn tour_of(l: &Loaded) -> Tour {
    tour::build(&l.model, &l.graph, &l.resources, &l.problems)
}

#[component]
pub fn TourPage(step: usize) -> impl IntoView {
    let show = move |loaded: Arc<Loaded>| view! { <TourView loaded step /> };
    view! {
        <div class="walk-page">
            <WithManifests children=show />
        </div>
    }
}

#[component]
fn TourView(loaded: Arc<Loaded>, step: usize) -> impl IntoView {
    let t = Arc::new(tour_of(&loaded));
    let count = t.steps.len();
    let router = use_router();
    let state = provide_diagram_state();
    let path = router.path();
    // The step is the path's number (`/tour/3`); the page stays mounted while it changes.
    let at = Memo::new(move |_| {
        path.get()
            .strip_prefix("/tour/")
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(step)
            .clamp(1, count.max(1))
    });
    let go = Callback::new(move |delta: i64| {
        let next = (at.get_untracked() as i64 + delta).clamp(1, count.max(1) as i64) as usize;
        if next != at.get_untracked() {
            state.user_view.set(None);
            router.push(&format!("{BASE}/tour/{next}"));
        }
    });
    arrow_keys(move |d| go.run(d));
    let for_targets = t.clone();
    let targets = Signal::derive(move || {
        for_targets
            .steps
            .get(at.get() - 1)
            .map(|s| s.focus.iter().cloned().map(Target::Node).collect())
            .unwrap_or_default()
    });
    let for_panel = t.clone();
    let markdown = tour_markdown(&t);
    view! {
        <div class="walk-layout">
            <div class="walk-stage">
                <WalkDiagram loaded targets zoom=true />
            </div>
            <aside class="walk-panel" aria-labelledby="walk-title">
                <h1 id="walk-title">{t.title.clone()}</h1>
                <StepControls at count go />
                {move || {
                    for_panel
                        .steps
                        .get(at.get() - 1)
                        .map(|s| view! { <TourStepView step=s.clone() /> })
                }}
                <button
                    type="button"
                    class="inline-button"
                    data-testid="export-markdown"
                    on:click=move |_| download("tour.md", "text/markdown", &markdown)
                >
                    "Export the tour as Markdown"
                </button>
            </aside>
        </div>
    }
}

#[component]
fn TourStepView(step: TourStep) -> impl IntoView {
    let open = step
        .focus
        .first()
        .map(|id| format!("{BASE}/?node={}", url::encode(id)));
    view! {
        <section class="walk-step" aria-live="polite" data-testid="step">
            <h2 data-testid="step-title">{step.title}</h2>
            {step
                .text
                .into_iter()
                .map(|p| view! { <p data-testid="step-text">{p}</p> })
                .collect_view()}
            {(!step.commands.is_empty())
                .then(|| {
                    view! {
                        <pre class="commands" data-testid="commands"><code>{step.commands.join("\n")}</code></pre>
                    }
                })}
            <Facts facts=step.facts />
            {step
                .annotated_by
                .map(|o| {
                    view! { <p class="muted">"Text from the annotations of "<code>{o}</code></p> }
                })}
            {open.map(|href| view! { <p><a href=href data-testid="open-in-diagram">"Open in the diagram"</a></p> })}
        </section>
    }
}

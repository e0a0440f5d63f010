//! `/explorer/flows/{traffic,metrics,startup}`: a derived flow, step by step, on the diagram.
//! The step is in the URL (`?step=3`); ← and → step, Play walks on its own. The startup flow
//! also draws its timeline.

use std::sync::Arc;
use std::time::Duration;

use explorer_core::flows::{self, Flow, FlowKind, Phase, Step};
use explorer_view::timeline::{timeline, Timeline};
use explorer_view::walk;
use leptos::prelude::*;

use super::diagram::provide_diagram_state;
use super::walk::{arrow_keys, Facts, StepControls, WalkDiagram};
use crate::manifests::{Loaded, WithManifests};
use crate::route::{use_router, BASE};

/// How long Play stays on a step.
const PLAY_STEP: Duration = Duration::from_millis(3500);

fn title(kind: FlowKind) -> &'static str {
    match kind {
        FlowKind::Traffic => "Traffic",
        FlowKind::Metrics => "Metrics",
        FlowKind::Startup => "Startup",
    }
}

/// Why a flow is absent, in words.
fn absent(kind: FlowKind) -> &'static str {
    match kind {
        FlowKind::Traffic => "Nothing in these manifests is reachable from outside the cluster (no LoadBalancer or NodePort Service, no Ingress), so there is no traffic flow to follow.",
        FlowKind::Metrics => "No Prometheus scrape configuration in these manifests names a workload or Service of the set, so there is no metrics flow.",
        FlowKind::Startup => "These manifests hold no object to apply.",
    }
}

#[component]
pub fn FlowPage(kind: FlowKind) -> impl IntoView {
    let show = move |loaded: Arc<Loaded>| view! { <FlowView loaded kind /> };
    view! {
        <div class="walk-page">
            <WithManifests children=show />
        </div>
    }
}

#[component]
fn FlowTabs(kind: FlowKind) -> impl IntoView {
    view! {
        <nav class="walk-tabs" aria-label="Flows">
            {FlowKind::ALL
                .into_iter()
                .map(|k| {
                    view! {
                        <a
                            href=format!("{BASE}/flows/{}", k.as_str())
                            aria-current=(k == kind).then_some("page")
                        >
                            {title(k)}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

#[component]
fn FlowView(loaded: Arc<Loaded>, kind: FlowKind) -> impl IntoView {
    let all = flows::derive(&loaded.model, &loaded.graph);
    let Some(flow) = all.into_iter().find(|f| f.kind == kind) else {
        return view! {
            <section class="page">
                <FlowTabs kind />
                <h1>{format!("{} flow", title(kind))}</h1>
                <p class="lede" data-testid="flow-absent">{absent(kind)}</p>
            </section>
        }
        .into_any();
    };
    let flow = Arc::new(flow);
    let count = flow.step_count();
    let state = provide_diagram_state();
    let (param, set_param) = use_router().param("step");
    let at = Memo::new(move |_| {
        param
            .get()
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, count.max(1))
    });
    let go = Callback::new(move |delta: i64| {
        let next = (at.get_untracked() as i64 + delta).clamp(1, count.max(1) as i64) as usize;
        if next != at.get_untracked() {
            state.user_view.set(None);
            set_param.set(Some(next.to_string()));
        }
    });
    arrow_keys(move |d| go.run(d));
    let playing = RwSignal::new(false);
    if let Ok(h) = set_interval_with_handle(
        move || {
            if playing.get_untracked() {
                if at.get_untracked() >= count {
                    playing.set(false);
                } else {
                    go.run(1);
                }
            }
        },
        PLAY_STEP,
    ) {
        on_cleanup(move || h.clear());
    }
    let for_targets = flow.clone();
    let targets = Signal::derive(move || {
        for_targets
            .step(at.get() - 1)
            .map(|(_, s)| vec![s.target.clone()])
            .unwrap_or_default()
    });
    let timeline_rows = flow.timeline.clone();
    let for_panel = flow.clone();
    view! {
        <div class="walk-layout">
            <div class="walk-stage">
                <WalkDiagram loaded targets />
                {(!timeline_rows.is_empty())
                    .then(|| view! { <TimelineChart tl=timeline(&timeline_rows, 640.0) /> })}
            </div>
            <aside class="walk-panel" aria-labelledby="walk-title">
                <FlowTabs kind />
                <h1 id="walk-title">{flow.title.clone()}</h1>
                <p class="lede">{flow.summary.clone()}</p>
                <StepControls at count go playing />
                {move || {
                    for_panel
                        .step(at.get() - 1)
                        .map(|(phase, step)| view! { <StepView phase=phase.clone() step=step.clone() /> })
                }}
                <StepList flow=flow.clone() at />
            </aside>
        </div>
    }
    .into_any()
}

#[component]
fn StepView(phase: Phase, step: Step) -> impl IntoView {
    view! {
        <section class="walk-step" aria-live="polite" data-testid="step">
            <p class="walk-kicker">
                {phase.title}
                {phase.parallel.then_some(" · side by side")}
            </p>
            <h2 data-testid="step-title">{step.title}</h2>
            <p data-testid="step-text">{step.text}</p>
            <Facts facts=step.facts />
        </section>
    }
}

/// Every step, by phase, as links (the current one marked).
#[component]
fn StepList(flow: Arc<Flow>, at: Memo<usize>) -> impl IntoView {
    view! {
        <details class="walk-all" open>
            <summary>"All steps"</summary>
            <div inner_html=move || walk::step_list(&flow, BASE, at.get()).into_string()></div>
        </details>
    }
}

/// The startup timeline: a row per workload, waiting then starting, and the ready mark.
#[component]
fn TimelineChart(tl: Timeline) -> impl IntoView {
    view! {
        <figure class="timeline" data-testid="timeline">
            <figcaption>"Earliest ready time after apply (from init waits and readiness delays)"</figcaption>
            <div inner_html=walk::timeline_svg(&tl).into_string()></div>
        </figure>
    }
}

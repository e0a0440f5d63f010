//! What the flow pages and the tour share: the diagram with a step lit up (the rest dimmed,
//! optionally zoomed to it), the step's facts, and keyboard stepping (← and →).

use std::sync::Arc;

use explorer_core::flows::{Fact, Target};
use explorer_view::project::project;
use explorer_view::scene::compose;
use explorer_view::spotlight::{focus_box, spotlight};
use explorer_view::viewport::Viewport;
use explorer_view::walk;
use leptos::ev;
use leptos::prelude::*;

use super::diagram::{use_walk_state, DiagramCanvas, FIT_PADDING};
use crate::manifests::Loaded;

/// The diagram with `targets` lit. With `zoom`, the view centres on them until the user pans.
/// Needs `provide_diagram_state` above it.
#[component]
pub fn WalkDiagram(
    loaded: Arc<Loaded>,
    targets: Signal<Vec<Target>>,
    #[prop(optional)] zoom: bool,
) -> impl IntoView {
    let state = use_walk_state();
    let for_view = loaded.clone();
    let view_graph = Memo::new(move |_| state.options.with(|o| project(&for_view.graph, o)));
    let for_scene = loaded.clone();
    let scene = Memo::new(move |_| view_graph.with(|v| compose(v, &for_scene.model.host_ports)));
    let for_spot = loaded;
    let lit = Memo::new(move |_| {
        let t = targets.get();
        (!t.is_empty()).then(|| view_graph.with(|v| spotlight(v, &for_spot.graph, &t)))
    });
    let viewport = Memo::new(move |_| {
        state.user_view.get().unwrap_or_else(|| {
            let screen = state.stage_size.get();
            let focused = zoom
                .then(|| lit.with(|l| l.as_ref().and_then(|l| scene.with(|s| focus_box(s, l)))))
                .flatten();
            match focused {
                Some(b) => Viewport::fit_box(b, screen, 90.0),
                None => scene.with(|s| Viewport::fit((s.width, s.height), screen, FIT_PADDING)),
            }
        })
    });
    view! {
        <div class="canvas-wrap walk-canvas">
            <DiagramCanvas scene view_graph viewport spotlight=lit />
        </div>
    }
}

/// A step's manifest facts: file · field · value.
#[component]
pub fn Facts(facts: Vec<Fact>) -> impl IntoView {
    view! { <div inner_html=walk::facts(&facts).into_string()></div> }
}

/// ← and → call `go(-1)` / `go(1)`, unless a form field has the focus or a modifier is held.
pub fn arrow_keys(go: impl Fn(i64) + 'static) {
    let handle = window_event_listener(ev::keydown, move |e| {
        if e.alt_key() || e.ctrl_key() || e.meta_key() || e.shift_key() || e.default_prevented() {
            return;
        }
        let typing = document()
            .active_element()
            .is_some_and(|a| matches!(a.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if typing {
            return;
        }
        match e.key().as_str() {
            "ArrowRight" => {
                e.prevent_default();
                go(1);
            }
            "ArrowLeft" => {
                e.prevent_default();
                go(-1);
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

/// Previous / next (and optionally play) with the position, as buttons.
#[component]
pub fn StepControls(
    at: Memo<usize>,
    count: usize,
    go: Callback<i64>,
    #[prop(optional)] playing: Option<RwSignal<bool>>,
) -> impl IntoView {
    view! {
        <div class="walk-controls" role="group" aria-label="Steps">
            <button
                type="button"
                data-testid="prev"
                on:click=move |_| go.run(-1)
                disabled=move || { at.get() <= 1 }
            >
                "← Previous"
            </button>
            {playing
                .map(|p| {
                    view! {
                        <button
                            type="button"
                            data-testid="play"
                            aria-pressed=move || p.get().to_string()
                            on:click=move |_| p.update(|v| *v = !*v)
                        >
                            {move || if p.get() { "❚❚ Pause" } else { "▶ Play" }}
                        </button>
                    }
                })}
            <button
                type="button"
                class="primary"
                data-testid="next"
                on:click=move |_| go.run(1)
                disabled=move || { at.get() >= count }
            >
                "Next →"
            </button>
            <span class="walk-pos" data-testid="position">
                {move || format!("Step {} of {count}", at.get())}
            </span>
        </div>
        <progress class="walk-progress" max=count value=move || at.get() aria-label="Progress"></progress>
    }
}

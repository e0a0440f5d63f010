//! `/explorer/`: the architecture diagram, the home page.
//!
//! The core projects the graph ([`project`]) and lays it out ([`compose`]) in
//! two `Memo`s that depend only on what the user chose to see, so hovering
//! never re-runs the layout.

mod canvas;
pub use canvas::remove_first_frame;
pub(crate) use canvas::Canvas as DiagramCanvas;
pub(crate) use state::{provide_diagram_state, use_diagram_state as use_walk_state};
pub(crate) use toolbar::download;
mod details;
mod legend;
mod overlay;
mod state;
mod toolbar;

use std::sync::Arc;

use explorer_view::project::project;
use explorer_view::scene::compose;
use explorer_view::viewport::Viewport;
use leptos::prelude::*;

use crate::manifests::{Loaded, WithManifests};
use canvas::Canvas;
use details::DetailsPanel;
use legend::Legend;
use toolbar::Toolbar;

/// Space around the fitted diagram, in pixels.
pub(crate) const FIT_PADDING: f64 = 28.0;

#[component]
pub fn DiagramPage() -> impl IntoView {
    let show_diagram = |loaded: Arc<Loaded>| view! { <Diagram loaded /> };
    view! {
        <div class="diagram-page">
            <h1 class="visually-hidden">"Architecture diagram"</h1>
            <WithManifests children=show_diagram />
        </div>
    }
}

#[component]
pub fn Diagram(loaded: Arc<Loaded>) -> impl IntoView {
    let state = provide_diagram_state();
    let for_view = loaded.clone();
    let view_graph = Memo::new(move |_| state.options.with(|o| project(&for_view.graph, o)));
    let for_scene = loaded.clone();
    let scene = Memo::new(move |_| view_graph.with(|v| compose(v, &for_scene.model.host_ports)));
    // What is on screen: the user's pan/zoom, else the whole scene fitted.
    let viewport = Memo::new(move |_| {
        state.user_view.get().unwrap_or_else(|| {
            scene.with(|s| Viewport::fit((s.width, s.height), state.stage_size.get(), FIT_PADDING))
        })
    });
    view! {
        <div class="diagram-layout">
            <Toolbar loaded=loaded.clone() view_graph scene viewport />
            <div class="diagram-stage">
                <div class="canvas-wrap">
                    <Canvas scene view_graph viewport />
                    <SceneNotes scene />
                </div>
                <Legend view_graph />
            </div>
            <DetailsPanel loaded view_graph />
        </div>
    }
}

/// What the user should know about how the drawing was made (a group of objects too
/// large for the layered layout), over the canvas's corner.
#[component]
fn SceneNotes(scene: Memo<explorer_view::scene::Scene>) -> impl IntoView {
    let notes = move || scene.with(|s| s.notes.clone());
    move || {
        let notes = notes();
        (!notes.is_empty()).then(|| {
            view! {
                <div class="scene-notes" role="status">
                    {notes.into_iter().map(|n| view! { <p>{n}</p> }).collect_view()}
                </div>
            }
        })
    }
}

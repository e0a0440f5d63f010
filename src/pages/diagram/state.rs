//! What the user is looking at: options for the projection, search, hover,
//! the viewport, and the selected node (kept in the URL as `?node=`).

use explorer_view::project::ViewOptions;
use explorer_view::viewport::Viewport;
use leptos::prelude::*;

use crate::route::use_router;

#[derive(Clone, Copy)]
pub struct DiagramState {
    pub options: RwSignal<ViewOptions>,
    pub search: RwSignal<String>,
    pub hovered: RwSignal<Option<String>>,
    /// `None` while the view is fitted to the window.
    pub user_view: RwSignal<Option<Viewport>>,
    /// The canvas size in CSS pixels.
    pub stage_size: RwSignal<(f64, f64)>,
    pub selected: Memo<Option<String>>,
    pub set_selected: SignalSetter<Option<String>>,
}

/// The first view, shared with `explorer render` (so the pre-rendered frame matches).
pub fn default_options() -> ViewOptions {
    ViewOptions::first_view()
}

pub fn provide_diagram_state() -> DiagramState {
    let (selected, set_selected) = use_router().param("node");
    let state = DiagramState {
        options: RwSignal::new(default_options()),
        search: RwSignal::new(String::new()),
        hovered: RwSignal::new(None),
        user_view: RwSignal::new(None),
        stage_size: RwSignal::new((1200.0, 800.0)),
        selected,
        set_selected,
    };
    provide_context(state);
    state
}

pub fn use_diagram_state() -> DiagramState {
    expect_context::<DiagramState>()
}

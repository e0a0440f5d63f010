//! What the user is looking at: options for the projection, search, hover,
//! the viewport, and the selected node (kept in the URL as `?node=`).

use explorer_core::relations::Family;
use explorer_core::view::ViewOptions;
use explorer_core::viewport::Viewport;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::app::BASE;

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

/// The first view: NetworkPolicies and their edges are off (they matter to a
/// security review, and the Kinds/Relations filters turn them on).
pub fn default_options() -> ViewOptions {
    ViewOptions {
        hidden_kinds: ["NetworkPolicy".to_string()].into(),
        hidden_families: [Family::Policy].into(),
        ..ViewOptions::default()
    }
}

pub fn provide_diagram_state() -> DiagramState {
    let (selected, set_selected) = url_param("node");
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

/// A query parameter as a signal pair. (leptos_router's `query_signal`
/// navigates to a path that already holds the router base, which the router
/// then prefixes again: `/explorer/explorer/?node=…`. This navigates to the
/// path below the base instead.)
pub fn url_param(key: &'static str) -> (Memo<Option<String>>, SignalSetter<Option<String>>) {
    let query = use_query_map();
    let location = use_location();
    let navigate = use_navigate();
    let get = Memo::new(move |_| query.with(|q| q.get(key)).filter(|v| !v.is_empty()));
    let set = SignalSetter::map(move |value: Option<String>| {
        let mut params = query.get_untracked();
        match value {
            Some(v) => params.replace(key, v),
            None => {
                params.remove(key);
            }
        }
        let path = location.pathname.get_untracked();
        let below_base = path.strip_prefix(BASE).unwrap_or(&path);
        let below_base = if below_base.is_empty() {
            "/"
        } else {
            below_base
        };
        navigate(
            &format!("{below_base}{}", params.to_query_string()),
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    });
    (get, set)
}

//! What the colours and line styles mean: the tiers and relation families the
//! current view shows. The markup is the presentation crate's, the same that the
//! pre-rendered first frame carries.

use explorer_view::frame::legend_markup;
use explorer_view::project::ViewGraph;
use leptos::prelude::*;

#[component]
pub fn Legend(view_graph: Memo<ViewGraph>) -> impl IntoView {
    let markup = move || view_graph.with(|v| legend_markup(v).into_string());
    view! { <div class="legend" role="note" aria-label="Legend" inner_html=markup></div> }
}

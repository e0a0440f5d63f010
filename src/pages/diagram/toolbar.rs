//! Search, filters, expand/collapse, zoom, fit and export.

use std::collections::BTreeSet;
use std::sync::Arc;

use explorer_core::relations::Family;
use explorer_view::palette::Theme;
use explorer_view::project::{matches, ViewGraph};
use explorer_view::scene::Scene;
use explorer_view::svg::{drawing_title, standalone_svg, FileOptions};
use explorer_view::viewport::Viewport;
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::use_diagram_state;
use crate::manifests::Loaded;

#[component]
pub fn Toolbar(
    loaded: Arc<Loaded>,
    view_graph: Memo<ViewGraph>,
    scene: Memo<Scene>,
    viewport: Memo<Viewport>,
) -> impl IntoView {
    let st = use_diagram_state();
    let kinds: Vec<String> = {
        let mut v: Vec<String> = loaded
            .graph
            .nodes
            .iter()
            .filter(|n| n.kind != "Namespace" && n.kind != "External")
            .map(|n| n.kind.clone())
            .collect();
        explorer_core::sort::sort(&mut v);
        v.dedup();
        v
    };
    // The families some edge has, in the legend's order.
    let present: Vec<Family> = Family::ALL
        .into_iter()
        .filter(|f| loaded.graph.edges.iter().any(|e| e.family == *f))
        .collect();

    let on_search_key = move |ev: ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            let q = st.search.get_untracked();
            let first = view_graph.with_untracked(|v| {
                v.nodes
                    .iter()
                    .find(|n| matches(n, &q))
                    .map(|n| n.id.clone())
            });
            if first.is_some() {
                st.set_selected.set(first);
            }
        } else if ev.key() == "Escape" {
            st.search.set(String::new());
        }
    };
    let expand_all = move || st.options.with(|o| o.expand_all);
    let zoom = move |factor: f64| {
        let (w, h) = st.stage_size.get_untracked();
        st.user_view.set(Some(
            viewport.get_untracked().zoom_at(factor, (w / 2.0, h / 2.0)),
        ));
    };
    let title = drawing_title(loaded.name.as_deref());
    let export = move |_| {
        // The file follows the theme the page is shown in.
        let dark = window()
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
        let opts = FileOptions {
            title: title.clone(),
            theme: if dark { Theme::Dark } else { Theme::Light },
        };
        let svg = scene.with_untracked(|s| standalone_svg(s, &opts));
        download("architecture.svg", "image/svg+xml", &svg);
    };

    view! {
        <div class="toolbar" role="toolbar" aria-label="Diagram tools">
            <input
                type="search"
                class="search"
                placeholder="Search by name or kind…"
                aria-label="Search nodes"
                prop:value=move || st.search.get()
                on:input:target=move |ev| st.search.set(ev.target().value())
                on:keydown=on_search_key
            />
            <details class="menu">
                <summary>"Kinds"</summary>
                <div class="menu-body" role="group" aria-label="Show kinds">
                    {kinds
                        .into_iter()
                        .map(|kind| {
                            let k = kind.clone();
                            view! {
                                <FilterOption
                                    filter=format!("kind:{kind}")
                                    label=kind.clone()
                                    shown=Signal::derive(move || st.options.with(|o| !o.hidden_kinds.contains(&kind)))
                                    on_toggle=Callback::new(move |show: bool| st.options.update(|o| set_hidden(&mut o.hidden_kinds, k.clone(), !show)))
                                />
                            }
                        })
                        .collect_view()}
                </div>
            </details>
            <details class="menu">
                <summary>"Relations"</summary>
                <div class="menu-body" role="group" aria-label="Show relation families">
                    {present
                        .into_iter()
                        .map(|fam| {
                            view! {
                                <FilterOption
                                    filter=format!("family:{fam}")
                                    label=fam.as_str()
                                    swatch=fam.as_str()
                                    shown=Signal::derive(move || st.options.with(|o| !o.hidden_families.contains(&fam)))
                                    on_toggle=Callback::new(move |show: bool| st.options.update(|o| set_hidden(&mut o.hidden_families, fam, !show)))
                                />
                            }
                        })
                        .collect_view()}
                </div>
            </details>
            <button
                type="button"
                class="toggle"
                aria-pressed=move || expand_all().to_string()
                on:click=move |_| st.options.update(|o| { o.expand_all = !o.expand_all; o.expanded.clear(); })
                title="Show Services, ConfigMaps, Secrets, volumes and RBAC objects as their own nodes"
            >
                {move || if expand_all() { "Collapse attached objects" } else { "Expand attached objects" }}
            </button>
            <span class="spacer"></span>
            <button type="button" title="Zoom out" aria-label="Zoom out" on:click=move |_| zoom(1.0 / 1.25)>"−"</button>
            <button type="button" title="Zoom in" aria-label="Zoom in" on:click=move |_| zoom(1.25)>"+"</button>
            <button type="button" on:click=move |_| st.user_view.set(None) title="Fit the whole diagram in the window">"Fit"</button>
            <button type="button" class="primary" on:click=export title="Download the current view as an SVG file">"Export SVG"</button>
        </div>
    }
}

fn set_hidden<T: Ord>(hidden: &mut BTreeSet<T>, item: T, hide: bool) {
    if hide {
        hidden.insert(item);
    } else {
        hidden.remove(&item);
    }
}

/// One checkbox of a filter menu.
#[component]
fn FilterOption(
    /// `kind:Secret`, `family:metrics`: a stable handle for tests and styles.
    filter: String,
    #[prop(into)] label: String,
    #[prop(optional)] swatch: Option<&'static str>,
    shown: Signal<bool>,
    on_toggle: Callback<bool>,
) -> impl IntoView {
    view! {
        <label>
            <input
                type="checkbox"
                data-filter=filter
                prop:checked=move || shown.get()
                on:change:target=move |ev| on_toggle.run(ev.target().checked())
            />
            {swatch.map(|f| view! { <span class=format!("swatch {f}")></span> })}
            {label}
        </label>
    }
}

/// Saves `text` as a file through a temporary object URL.
pub(crate) fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let doc = document();
    if let Some(a) = doc
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        let _ = doc.body().map(|b| b.append_child(&a));
        a.click();
        a.remove();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

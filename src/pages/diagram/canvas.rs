//! The SVG canvas: frames, edges and nodes of the scene, with pan (drag), zoom
//! (wheel, pinch) and fit-to-screen. Geometry comes from the core.
//!
//! The drawing is the core's markup ([`scene_markup`]), the same the SVG
//! export saves, redrawn only when the scene changes. Hover, focus, search and
//! selection set classes on it; events are delegated from the canvas.

use std::collections::{BTreeMap, BTreeSet};

use explorer_view::frame::FIRST_FRAME_ID;
use explorer_view::project::{matches, ViewGraph};
use explorer_view::scene::Scene;
use explorer_view::spotlight::Spotlight;
use explorer_view::svg::{arrow_markers, scene_markup, Markup};
use explorer_view::viewport::{pinch, Viewport};
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::state::{use_diagram_state, DiagramState};

/// A press that moves less than this (px) is a click, not a drag.
const CLICK_SLOP: f64 = 4.0;

/// Nodes and edges to emphasise: the hovered (else selected) node and its
/// neighbours. `None` when nothing is focused.
fn focus_set(view: &ViewGraph, focus: Option<&str>) -> Option<BTreeSet<String>> {
    let id = focus?;
    view.node(id)?;
    let mut set = view.neighbours(id);
    set.insert(id.to_string());
    Some(set)
}

#[component]
pub fn Canvas(
    scene: Memo<Scene>,
    view_graph: Memo<ViewGraph>,
    viewport: Memo<Viewport>,
    /// A flow or tour step to light up (the rest dimmed) while nothing is hovered.
    #[prop(optional)]
    spotlight: Option<Memo<Option<Spotlight>>>,
) -> impl IntoView {
    let st = use_diagram_state();
    let stage = NodeRef::<leptos::html::Div>::new();

    // Measure the stage when it mounts and whenever the window resizes.
    let measure = move || {
        if let Some(el) = stage.get_untracked() {
            let r = el.get_bounding_client_rect();
            if r.width() > 0.0 && r.height() > 0.0 {
                st.stage_size.set((r.width(), r.height()));
            }
        }
    };
    // Re-measure whenever the stage's box changes (window resize, details panel).
    let observer = StoredValue::new_local(
        None::<(web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>)>,
    );
    stage.on_load(move |el| {
        measure();
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| measure());
        if let Ok(ro) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            ro.observe(&el);
            observer.set_value(Some((ro, callback)));
        }
        mark_painted(st);
    });
    on_cleanup(move || {
        observer.with_value(|o| {
            if let Some((ro, _)) = o {
                ro.disconnect();
            }
        })
    });

    // The representative of the selection: a folded object highlights its workload.
    let selected_node = Memo::new(move |_| {
        let sel = st.selected.get()?;
        view_graph.with(|v| {
            if v.node(&sel).is_some() {
                Some(sel)
            } else {
                v.nodes
                    .iter()
                    .find(|n| n.folded.contains(&sel))
                    .map(|n| n.id.clone())
            }
        })
    });
    let focus = Memo::new(move |_| {
        let f = st.hovered.get().or_else(|| selected_node.get());
        view_graph.with(|v| focus_set(v, f.as_deref()))
    });
    let search_hits =
        Memo::new(move |_| {
            let q = st.search.get();
            if q.trim().is_empty() {
                return None;
            }
            view_graph.with(|v| {
                Some(v.nodes.iter().filter(|n| matches(n, &q)).fold(
                    BTreeSet::new(),
                    |mut set, n| {
                        set.insert(n.id.clone());
                        set
                    },
                ))
            })
        });

    // Pointer gestures: one pointer pans, two pinch.
    let pointers = StoredValue::new(BTreeMap::<i32, (f64, f64)>::new());
    let travel = StoredValue::new(0.0_f64);
    // The node a press started on: a click selects it (pointer capture during a
    // drag retargets the click event to the canvas).
    let pressed_on = StoredValue::new(None::<String>);
    let local = move |x: f64, y: f64| -> (f64, f64) {
        stage
            .get_untracked()
            .map(|el| {
                let r = el.get_bounding_client_rect();
                (x - r.left(), y - r.top())
            })
            .unwrap_or((x, y))
    };
    let on_down = move |ev: ev::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let p = local(ev.client_x() as f64, ev.client_y() as f64);
        pointers.update_value(|m| {
            m.insert(ev.pointer_id(), p);
        });
        travel.set_value(0.0);
        pressed_on.set_value(node_id_at(ev.target()));
    };
    let on_move = move |ev: ev::PointerEvent| {
        let id = ev.pointer_id();
        let p = local(ev.client_x() as f64, ev.client_y() as f64);
        let Some(prev) = pointers.with_value(|m| m.get(&id).copied()) else {
            return;
        };
        let others: Vec<(f64, f64)> = pointers.with_value(|m| {
            m.iter()
                .filter(|(k, _)| **k != id)
                .map(|(_, v)| *v)
                .collect()
        });
        let vp = viewport.get_untracked();
        let next = match others.first() {
            Some(&other) => pinch(vp, (prev, other), (p, other)),
            None => vp.pan(p.0 - prev.0, p.1 - prev.1),
        };
        travel.update_value(|t| *t += (p.0 - prev.0).abs() + (p.1 - prev.1).abs());
        pointers.update_value(|m| {
            m.insert(id, p);
        });
        if travel.get_value() > CLICK_SLOP {
            // A drag: keep receiving moves outside the canvas.
            if let Some(t) = ev
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            {
                if !t.has_pointer_capture(id) {
                    let _ = t.set_pointer_capture(id);
                }
            }
            st.user_view.set(Some(next));
        }
    };
    let on_up = move |ev: ev::PointerEvent| {
        pointers.update_value(|m| {
            m.remove(&ev.pointer_id());
        });
    };
    let on_wheel = move |ev: ev::WheelEvent| {
        ev.prevent_default();
        let anchor = local(ev.client_x() as f64, ev.client_y() as f64);
        let factor = Viewport::wheel_factor(ev.delta_y());
        st.user_view
            .set(Some(viewport.get_untracked().zoom_at(factor, anchor)));
    };
    // A click that did not drag: on a node selects it, on the background clears.
    let on_click = move |_: ev::MouseEvent| {
        if travel.get_value() > CLICK_SLOP {
            return;
        }
        st.set_selected.set(pressed_on.get_value());
    };

    // The scene's markup comes from the core (the export writes the same);
    // highlights are classes set on it after each change.
    let markup = Memo::new(move |_| scene.with(|s| scene_markup(s, Markup::Interactive)));
    let layer = NodeRef::<leptos::svg::G>::new();
    let apply = move |g: &web_sys::Element| {
        let spot = spotlight.and_then(|s| s.get_untracked());
        if let Some(sp) = spot.filter(|_| st.hovered.with_untracked(Option::is_none)) {
            light(g, &sp);
            return;
        }
        clear_current(g);
        focus.with_untracked(|f| {
            search_hits.with_untracked(|h| {
                selected_node.with_untracked(|s| highlight(g, f.as_ref(), h.as_ref(), s.as_deref()))
            })
        })
    };
    let live = crate::live::use_live();
    // Redraw when the scene changes (not on hover), then restore the highlights.
    Effect::new(move |_| {
        let g = layer.get();
        markup.with(|m| {
            if let Some(g) = g {
                g.set_inner_html(m.as_str());
                apply(&g);
                live.assessment
                    .with_untracked(|a| super::overlay::apply(&g, a.as_deref()));
            }
        });
    });
    // The live status on every new assessment (the redraw above re-applies it too).
    Effect::new(move |_| {
        live.assessment.with(|a| {
            if let Some(g) = layer.get_untracked() {
                super::overlay::apply(&g, a.as_deref());
            }
        });
    });
    // Highlights alone when focus, search or selection change.
    Effect::new(move |_| {
        focus.track();
        search_hits.track();
        if let Some(s) = spotlight {
            s.track();
        }
        selected_node.track();
        if let Some(g) = layer.get_untracked() {
            apply(&g);
        }
    });
    // Hover: the node under the pointer (pointerover bubbles, unlike mouseenter).
    let on_over = move |ev: ev::PointerEvent| {
        let id = node_id_at(ev.target());
        if st.hovered.with_untracked(|h| *h != id) {
            st.hovered.set(id);
        }
    };
    let on_key = move |ev: ev::KeyboardEvent| {
        if ev.key() == "Enter" || ev.key() == " " {
            if let Some(id) = node_id_at(ev.target()) {
                ev.prevent_default();
                st.set_selected.set(Some(id));
            }
        }
    };

    view! {
        <div
            class="canvas"
            node_ref=stage
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_up
            on:pointerover=on_over
            on:pointerleave=move |_| st.hovered.set(None)
            on:focusin=move |_| st.hovered.set(None)
            on:keydown=on_key
            on:wheel=on_wheel
            on:click=on_click
        >
            <svg
                class="diagram"
                role="group"
                aria-label="Architecture diagram"
                data-testid="diagram"
                width="100%"
                height="100%"
            >
                <defs inner_html=arrow_markers(Markup::Interactive).into_string()></defs>
                <g class="viewport" transform=move || viewport.get().transform()>
                    <g node_ref=layer></g>
                </g>
            </svg>
        </div>
    }
}

/// The elements under `root` that match `selector`.
pub(super) fn elements(root: &web_sys::Element, selector: &str) -> Vec<web_sys::Element> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
        .collect()
}

/// Sets `dim`, `selected` and `match` on the drawn nodes and edges.
fn highlight(
    layer: &web_sys::Element,
    focus: Option<&BTreeSet<String>>,
    hits: Option<&BTreeSet<String>>,
    selected: Option<&str>,
) {
    let lit = |id: &str| focus.is_none_or(|f| f.contains(id));
    for el in elements(layer, "g.node") {
        let id = el.get_attribute("data-id").unwrap_or_default();
        let hit = hits.map(|h| h.contains(&id));
        let classes = el.class_list();
        let _ = classes.toggle_with_force("dim", !lit(&id) || hit == Some(false));
        let _ = classes.toggle_with_force("match", hit == Some(true));
        let _ = classes.toggle_with_force("selected", selected == Some(id.as_str()));
    }
    for el in elements(layer, "g.edge") {
        let from = el.get_attribute("data-from").unwrap_or_default();
        let to = el.get_attribute("data-to").unwrap_or_default();
        let _ = el
            .class_list()
            .toggle_with_force("dim", !(lit(&from) && lit(&to)));
    }
}

/// Lights a step: its nodes and edges `current`, everything else `dim`.
fn light(layer: &web_sys::Element, s: &Spotlight) {
    for el in elements(layer, "g.node") {
        let on = s
            .nodes
            .contains(&el.get_attribute("data-id").unwrap_or_default());
        let c = el.class_list();
        let _ = c.toggle_with_force("dim", !on);
        let _ = c.toggle_with_force("current", on);
        let _ = c.toggle_with_force("match", false);
    }
    for el in elements(layer, "g.edge") {
        let on = s
            .edges
            .contains(&el.get_attribute("data-edge").unwrap_or_default());
        let c = el.class_list();
        let _ = c.toggle_with_force("dim", !on);
        let _ = c.toggle_with_force("current", on);
    }
}

fn clear_current(layer: &web_sys::Element) {
    for el in elements(layer, ".current") {
        let _ = el.class_list().remove_1("current");
    }
}

/// The `data-id` of the node an event happened in, if any.
fn node_id_at(target: Option<web_sys::EventTarget>) -> Option<String> {
    target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-id]").ok().flatten())
        .and_then(|el| el.get_attribute("data-id"))
}

/// Takes over from the pre-rendered first frame (`index.html`): removes it in the task that
/// mounted the app's diagram, drawn on the same pixels, so the browser's next frame shows the
/// app's diagram and clicks reach it (no frame is painted with neither, and the user waits no
/// extra frame). Marks `diagram-painted` for the Performance API once that frame is rendered
/// (a task posted from `requestAnimationFrame` runs after the frame's style, layout and
/// paint), then replays a click made on the first frame before it went, unless the user has
/// selected something since.
fn mark_painted(st: DiagramState) {
    crate::mark("diagram-mounted");
    let early_click = remove_first_frame().then(take_early_click).flatten();
    let selected_before = st.selected.get_untracked();
    request_animation_frame(move || {
        set_timeout(
            move || {
                crate::mark("diagram-painted");
                if let Some((x, y)) = early_click {
                    if st.selected.get_untracked() == selected_before {
                        select_at(st.set_selected, x, y);
                    }
                }
            },
            std::time::Duration::ZERO,
        );
    });
}

/// The click made on the first frame before the app was ready, kept by the boot script
/// (`scripts/boot-prelude.js`), taken once: its point in the window.
fn take_early_click() -> Option<(f64, f64)> {
    let key = wasm_bindgen::JsValue::from_str("explorerEarlyClick");
    let window = window();
    let click = js_sys::Reflect::get(window.as_ref(), &key).ok()?;
    if !click.is_object() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(window.as_ref(), &key);
    let coordinate = |name: &str| {
        js_sys::Reflect::get(&click, &wasm_bindgen::JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_f64())
    };
    Some((coordinate("x")?, coordinate("y")?))
}

/// Selects the node at a point of the app's diagram, which is drawn on the same pixels as the
/// first frame was, if there is one there.
fn select_at(select: SignalSetter<Option<String>>, x: f64, y: f64) {
    let hit = document().element_from_point(x as f32, y as f32);
    if let Some(id) = node_id_at(hit.map(Into::into)) {
        select.set(Some(id));
    }
}

/// Removes the pre-rendered first frame, if the page has one; whether it had.
pub fn remove_first_frame() -> bool {
    let frame = document().get_element_by_id(FIRST_FRAME_ID);
    if let Some(el) = &frame {
        el.remove();
    }
    frame.is_some()
}

//! The SVG canvas: frames, edges and nodes of the scene, with pan (drag), zoom
//! (wheel, pinch) and fit-to-screen. Geometry comes from the core.

use std::collections::{BTreeMap, BTreeSet};

use explorer_core::export::{kind_icon, kind_label, tier_class};
use explorer_core::scene::{PlacedEdge, PlacedNode, Scene};
use explorer_core::view::{matches, Role, ViewGraph};
use explorer_core::viewport::{pinch, Viewport};
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::state::use_diagram_state;

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
        mark_painted();
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
    let search_hits = Memo::new(move |_| {
        let q = st.search.get();
        if q.trim().is_empty() {
            return None;
        }
        view_graph.with(|v| {
            Some(
                v.nodes
                    .iter()
                    .filter(|n| matches(n, &q))
                    .map(|n| n.id.clone())
                    .collect::<BTreeSet<_>>(),
            )
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

    view! {
        <div
            class="canvas"
            node_ref=stage
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_up
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
                <Markers />
                <g class="viewport" transform=move || viewport.get().transform()>
                    {move || {
                        scene
                            .with(|s| {
                                let frames = s
                                    .frames
                                    .iter()
                                    .map(|f| {
                                        let class = if f.id == "cluster" { "frame cluster" } else { "frame" };
                                        view! {
                                            <g class=class data-frame=f.id.clone()>
                                                <rect x=f.x y=f.y width=f.width height=f.height rx="14" />
                                                <text x=f.x + 14.0 y=f.y + 19.0>{f.label.clone()}</text>
                                            </g>
                                        }
                                    })
                                    .collect_view();
                                let edges = s
                                    .edges
                                    .iter()
                                    .map(|e| view! { <EdgeView edge=e.clone() focus /> })
                                    .collect_view();
                                let nodes = s
                                    .nodes
                                    .iter()
                                    .map(|n| {
                                        view! {
                                            <NodeView node=n.clone() focus search_hits selected=selected_node />
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <g class="frames">{frames}</g>
                                    <g class="edges">{edges}</g>
                                    <g class="nodes">{nodes}</g>
                                }
                            })
                    }}
                </g>
            </svg>
        </div>
    }
}

#[component]
fn Markers() -> impl IntoView {
    let families = [
        "traffic", "config", "storage", "rbac", "metrics", "policy", "entry",
    ];
    view! {
        <defs>
            {families
                .into_iter()
                .map(|f| {
                    view! {
                        <marker
                            id=format!("arrow-{f}")
                            class=format!("marker {f}")
                            viewBox="0 0 10 10"
                            refX="9"
                            refY="5"
                            markerWidth="7"
                            markerHeight="7"
                            orient="auto-start-reverse"
                        >
                            <path d="M0 0L10 5L0 10z" />
                        </marker>
                    }
                })
                .collect_view()}
        </defs>
    }
}

#[component]
fn EdgeView(edge: PlacedEdge, focus: Memo<Option<BTreeSet<String>>>) -> impl IntoView {
    let fam = edge.family.as_str();
    let (from, to) = (edge.from.clone(), edge.to.clone());
    let class = move || {
        let dim = focus.with(|f| {
            f.as_ref()
                .is_some_and(|s| !(s.contains(&from) && s.contains(&to)))
        });
        format!("edge {fam}{}", if dim { " dim" } else { "" })
    };
    let title = edge.provenance.join("\n");
    view! {
        <g class=class data-edge=edge.id.clone() data-from=edge.from.clone() data-to=edge.to.clone() data-family=fam data-edges=edge.edges.join(" ")>
            <title>{title}</title>
            <path class="hit" d=edge.path.clone() />
            <path class="line" d=edge.path.clone() marker-end=format!("url(#arrow-{fam})") />
            {edge
                .label
                .map(|l| {
                    view! {
                        <text class="edge-label" x=l.x y=l.y text-anchor="middle">
                            {l.text}
                        </text>
                    }
                })}
        </g>
    }
}

#[component]
fn NodeView(
    node: PlacedNode,
    focus: Memo<Option<BTreeSet<String>>>,
    search_hits: Memo<Option<BTreeSet<String>>>,
    selected: Memo<Option<String>>,
) -> impl IntoView {
    let st = use_diagram_state();
    let id = node.node.id.clone();
    let tier = tier_class(node.node.group.as_deref());
    let role = match node.node.role {
        Role::External => "external",
        Role::Workload => "workload",
        Role::Object => "object",
    };
    let class = {
        let id = id.clone();
        move || {
            let dim = focus.with(|f| f.as_ref().is_some_and(|s| !s.contains(&id)))
                || search_hits.with(|h| h.as_ref().is_some_and(|s| !s.contains(&id)));
            let sel = selected.with(|s| s.as_deref() == Some(id.as_str()));
            let hit = search_hits.with(|h| h.as_ref().is_some_and(|s| s.contains(&id)));
            format!(
                "node {role} {tier}{}{}{}",
                if dim { " dim" } else { "" },
                if sel { " selected" } else { "" },
                if hit { " match" } else { "" }
            )
        }
    };
    let g = node.card_geometry();
    let (cx, cy, cw, ch) = g.card;
    let pod_rects = g
        .pods
        .iter()
        .map(|&(x, y, w, h)| view! { <rect class="pod" x=x y=y width=w height=h rx="10" /> })
        .collect_view();
    let folded = node.node.folded.len();
    let enter_id = id.clone();
    let hover_id = id.clone();
    view! {
        <g
            class=class
            data-id=id.clone()
            data-kind=node.node.kind.clone()
            data-name=node.node.name.clone()
            tabindex="0"
            role="button"
            aria-label=node.node.aria_label()
            on:mouseenter=move |_| st.hovered.set(Some(hover_id.clone()))
            on:mouseleave=move |_| st.hovered.set(None)
            on:focus=move |_| st.hovered.set(None)
            on:keydown=move |ev: ev::KeyboardEvent| {
                if ev.key() == "Enter" || ev.key() == " " {
                    ev.prevent_default();
                    st.set_selected.set(Some(enter_id.clone()));
                }
            }
        >
            {pod_rects}
            <rect class="card" x=cx y=cy width=cw height=ch rx="10" />
            <rect class="band" x=cx y=cy width="5" height=ch rx="2" />
            <path class="icon" transform=format!("translate({:.1} {:.1})", g.icon.0, g.icon.1) d=kind_icon(&node.node.kind) />
            <text class="name" x=g.text_x y=g.name_y>{node.node.name.clone()}</text>
            <text class="kind" x=g.text_x y=g.kind_y>{kind_label(&node)}</text>
            {g.service_y.map(|y| view! { <text class="svc" x=g.text_x y=y>{node.node.service_line()}</text> })}
            {g.badge.map(|(bx, by)| {
                view! {
                    <g class="badge" transform=format!("translate({bx:.1} {by:.1})")>
                        <title>{format!("{folded} attached object(s) folded in; expand to see them")}</title>
                        <circle r="10" />
                        <text text-anchor="middle" y="4">{format!("+{folded}")}</text>
                    </g>
                }
            })}
        </g>
    }
}

/// The `data-id` of the node an event happened in, if any.
fn node_id_at(target: Option<web_sys::EventTarget>) -> Option<String> {
    target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-id]").ok().flatten())
        .and_then(|el| el.get_attribute("data-id"))
}

/// Marks the first painted frame for the Performance API (read by the tests).
fn mark_painted() {
    request_animation_frame(move || {
        request_animation_frame(move || {
            if let Some(p) = window().performance() {
                let _ = p.mark("diagram-painted");
            }
        });
    });
}

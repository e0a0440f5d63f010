//! The live status: a compact bar in the header (overall state, last update, poll
//! controls) and `/explorer/status`, a full-page list for a wall screen. Everything
//! shown is the core's assessment of what was fetched ([`crate::live`]).

use explorer_core::status::{State, WorkloadStatus};
use leptos::prelude::*;

use explorer_view::live::{drift_text, evidence_items, replicas_text};

use crate::live::{glyph, use_live};
use crate::route::BASE;

/// Poll intervals offered, in seconds.
const INTERVALS: [u32; 4] = [2, 5, 10, 30];

fn ago(now: f64, at: Option<f64>) -> String {
    match at {
        Some(t) => format!("updated {:.0} s ago", ((now - t) / 1000.0).max(0.0)),
        None => "waiting for the first answer".to_string(),
    }
}

/// The controls: pause/resume and the interval.
#[component]
fn PollControls() -> impl IntoView {
    let live = use_live();
    let paused = live.paused;
    let on_interval = move |ev: leptos::ev::Event| {
        let secs: f64 = event_target_value(&ev).parse().unwrap_or(5.0);
        live.schedule.update(|s| s.set_interval_ms(secs * 1000.0));
    };
    view! {
        <button
            type="button"
            class="poll-toggle"
            aria-pressed=move || paused.get().to_string()
            on:click=move |_| paused.update(|p| *p = !*p)
        >
            {move || if paused.get() { "Resume" } else { "Pause" }}
        </button>
        <label class="poll-interval">
            <span class="visually-hidden">"Poll every"</span>
            <select on:change=on_interval aria-label="Poll interval">
                {INTERVALS
                    .into_iter()
                    .map(|s| {
                        let current = move || live.schedule.with(|x| (x.interval_ms() / 1000.0).round() as u32 == s);
                        view! { <option value=s.to_string() selected=current>{format!("every {s} s")}</option> }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// The overall state in the header, with the time of the last update.
#[component]
pub fn StatusBar() -> impl IntoView {
    let live = use_live();
    let overall = move || live.assessment.with(|a| a.as_ref().map(|a| a.overall));
    let text = move || {
        let state = overall();
        let paused = if live.paused.get() { " · paused" } else { "" };
        let metrics = live
            .assessment
            .with(|a| a.as_ref().and_then(|a| a.metrics_unavailable.clone()))
            .map(|m| format!(" · {m}"))
            .unwrap_or_default();
        match state {
            Some(s) => format!(
                "{} · {}{paused}{metrics}",
                s.as_str(),
                ago(live.now.get(), live.last_poll.get())
            ),
            None => "no live data".to_string(),
        }
    };
    view! {
        <div
            class="status-bar"
            role="status"
            data-testid="status-bar"
            data-status=move || overall().map(State::as_str).unwrap_or("unknown")
        >
            <a href=format!("{BASE}/status") class="status-summary">
                <span class="status-glyph" aria-hidden="true">
                    {move || glyph(overall().unwrap_or(State::Unknown))}
                </span>
                <span>"Live: " {text}</span>
            </a>
            <PollControls />
        </div>
    }
}

#[component]
fn WorkloadRow(status: WorkloadStatus) -> impl IntoView {
    let replicas = replicas_text(&status);
    let drift = status.drift.as_ref().map(drift_text);
    let name = status.id.rsplit('/').next().unwrap_or_default().to_string();
    let href = format!("{BASE}/?node={}", explorer_view::url::encode(&status.id));
    view! {
        <tr data-node=status.id.clone() data-status=status.state.as_str()>
            <th scope="row">
                <span class="status-glyph" aria-hidden="true">{glyph(status.state)}</span>
                " "
                <a href=href>{name}</a>
            </th>
            <td>{status.state.as_str()}</td>
            <td>{replicas} {drift.map(|d| view! { <div class="drift">{d}</div> })}</td>
            <td>
                <div>{status.reason.clone()}</div>
                <ul class="evidence" inner_html=evidence_items(&status.evidence).into_string()></ul>
            </td>
        </tr>
    }
}

/// `/explorer/status`: every workload with its state, replicas, reason and evidence, and
/// the traffic on the entry's edges.
#[component]
pub fn StatusPage() -> impl IntoView {
    let live = use_live();
    let rows = move || {
        live.assessment.with(|a| {
            a.as_ref()
                .map(|a| a.workloads.clone())
                .unwrap_or_default()
                .into_iter()
                .map(|status| view! { <WorkloadRow status /> })
                .collect_view()
        })
    };
    let traffic = move || {
        live.assessment.with(|a| {
            a.as_ref()
                .map(|a| a.traffic.clone())
                .unwrap_or_default()
                .into_iter()
                .map(|t| {
                    let edge = format!(
                        "{} → {} → {}",
                        t.from.rsplit('/').next().unwrap_or_default(),
                        t.via.rsplit('/').next().unwrap_or_default(),
                        t.to.rsplit('/').next().unwrap_or_default()
                    );
                    view! {
                        <li data-status=t.state.as_str()>
                            <span class="status-glyph" aria-hidden="true">{glyph(t.state)}</span>
                            " " {edge} ": " {t.text}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let notes = move || {
        live.plan.with(|p| {
            p.as_ref()
                .map(|p| p.notes.clone())
                .unwrap_or_default()
                .into_iter()
                .map(|n| view! { <li>{n}</li> })
                .collect_view()
        })
    };
    view! {
        <section class="page status-page">
            <h1>"Live status"</h1>
            <p class="lede">
                "Each workload's state from the evidence that applies to it (scrape targets, health endpoints, the database block of a health body), fetched through this page's own entry. Unknown means no evidence, or evidence older than two polls."
            </p>
            <div class="table-wrap">
                <table class="status-table" aria-label="Workload status">
                    <thead>
                        <tr>
                            <th scope="col">"Workload"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Replicas"</th>
                            <th scope="col">"Why"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <h2>"Traffic"</h2>
            <ul class="traffic-list">{traffic}</ul>
            {move || {
                let empty = live.plan.with(|p| p.as_ref().is_none_or(|p| p.notes.is_empty()));
                (!empty).then(|| view! {
                    <h2>"What is not checked"</h2>
                    <ul class="plan-notes">{notes}</ul>
                })
            }}
        </section>
    }
}

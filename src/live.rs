//! Live status: the core's evidence plan ([`explorer_core::status`]) executed on a timer,
//! through the same origin (the entry that serves this page), and assessed into a state per
//! workload. The core decides what to ask and what it means; this module only fetches,
//! keeps the latest observation per request, and ticks the clock.
//!
//! One poll is the plan's requests (at most four, however many components), in parallel,
//! each with an `AbortSignal` timeout. Polling pauses on request and while the tab is
//! hidden, and backs off exponentially (up to a minute) while nothing answers.

use std::sync::Arc;

use explorer_core::status::{
    assess_all, plan, Assessment, Observation, Outcome, Plan, PollSchedule, DEFAULT_INTERVAL_MS,
};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::fetch;
use crate::manifests::use_manifests;

#[derive(Clone, Copy)]
pub struct LiveCtx {
    /// What to ask, from the manifests (none until they are loaded).
    pub plan: Memo<Option<Arc<Plan>>>,
    /// The latest observation of each planned request.
    pub observations: RwSignal<Vec<Observation>>,
    pub schedule: RwSignal<PollSchedule>,
    /// Paused by the user (the tab being hidden pauses too, without this).
    pub paused: RwSignal<bool>,
    /// When the last poll finished (ms since the epoch).
    pub last_poll: RwSignal<Option<f64>>,
    /// The clock, ticking every second, so that evidence turns stale on screen.
    pub now: RwSignal<f64>,
    pub assessment: Memo<Option<Arc<Assessment>>>,
    /// The workload whose details panel is open, and when its traffic history (`history:<id>`
    /// among the observations) was last asked: when the panel opens, then once a minute with
    /// the polls.
    pub history_for: StoredValue<Option<(String, f64)>>,
}

/// The observation id of a workload's traffic history.
pub fn history_id(workload: &str) -> String {
    format!("history:{workload}")
}

/// Asks `workload`'s traffic history now (an on-demand `query_range`, not part of a poll).
pub fn ask_history(ctx: LiveCtx, workload: String) {
    let t = now_ms();
    ctx.history_for.set_value(Some((workload.clone(), t)));
    let end_s = (t / 1000.0).floor();
    let Some(path) = ctx
        .plan
        .with_untracked(|p| p.as_ref().and_then(|p| p.history_path(&workload, end_s)))
    else {
        return;
    };
    leptos::task::spawn_local(async move {
        let o = observe(history_id(&workload), path, fetch::DEFAULT_TIMEOUT_MS).await;
        ctx.observations.update(|all| store(all, o));
    });
}

/// Keeps `o` as the latest observation of its request.
fn store(all: &mut Vec<Observation>, o: Observation) {
    match all.iter_mut().find(|x| x.request == o.request) {
        Some(slot) => *slot = o,
        None => all.push(o),
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// One planned request: its status and body whatever the status; a timeout or a network
/// failure otherwise.
async fn observe(id: String, path: String, timeout_ms: u32) -> Observation {
    let url = fetch::relative_to_base(&path);
    let outcome = match fetch::get_any(&url, timeout_ms).await {
        Ok((status, body)) => Outcome::Response { status, body },
        Err(fetch::FetchError::Timeout { .. }) => Outcome::Timeout,
        Err(e) => Outcome::Failed {
            error: e.to_string(),
        },
    };
    Observation {
        request: id,
        at_ms: now_ms(),
        outcome,
    }
}

pub fn provide_live() -> LiveCtx {
    let manifests = use_manifests();
    let plan = Memo::new(move |_| {
        manifests.data.with(|d| {
            d.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|l| Arc::new(plan(&l.model, &l.graph)))
        })
    });
    let observations = RwSignal::new(Vec::<Observation>::new());
    let schedule = RwSignal::new(PollSchedule::new(DEFAULT_INTERVAL_MS));
    let paused = RwSignal::new(false);
    let last_poll = RwSignal::new(None::<f64>);
    let now = RwSignal::new(now_ms());
    let assessment = Memo::new(move |_| {
        let plan = plan.get()?;
        let interval = schedule.with(|s| s.interval_ms());
        let t = now.get();
        observations.with(|obs| {
            Some(Arc::new(assess_all(
                &plan,
                obs,
                t,
                interval,
                &plan.thresholds,
            )))
        })
    });
    let ctx = LiveCtx {
        plan,
        observations,
        schedule,
        paused,
        last_poll,
        now,
        assessment,
        history_for: StoredValue::new(None),
    };
    provide_context(ctx);

    // The clock.
    if let Ok(tick) =
        set_interval_with_handle(move || now.set(now_ms()), std::time::Duration::from_secs(1))
    {
        on_cleanup(move || tick.clear());
    }

    // The poll loop: one timer at a time; a poll schedules the next when it is done.
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let running = StoredValue::new(false);
    let schedule_next = StoredValue::new(None::<Arc<dyn Fn() + Send + Sync>>);
    let poll = move || {
        if running.get_value() {
            return;
        }
        let Some(p) = plan.get_untracked() else {
            return;
        };
        running.set_value(true);
        let timeout = schedule
            .with_untracked(|s| s.interval_ms())
            .clamp(1_000.0, 10_000.0) as u32;
        leptos::task::spawn_local(async move {
            let requests = p
                .requests
                .iter()
                .map(|r| observe(r.id.clone(), r.path.clone(), timeout));
            let got: Vec<Observation> = futures::future::join_all(requests).await;
            let answered = got
                .iter()
                .any(|o| matches!(o.outcome, Outcome::Response { .. }));
            observations.update(|all| {
                for o in got {
                    store(all, o);
                }
            });
            schedule.update(|s| {
                if answered {
                    s.record_success()
                } else {
                    s.record_failure()
                }
            });
            let t = now_ms();
            // An open panel's history, again once it is a minute old.
            if let Some((w, asked)) = ctx.history_for.get_value() {
                if t - asked >= 60_000.0 {
                    ask_history(ctx, w);
                }
            }
            last_poll.set(Some(t));
            now.set(t);
            running.set_value(false);
            if let Some(next) = schedule_next.get_value() {
                next();
            }
        });
    };
    let arm = move || {
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        timer.set_value(None);
        let hidden = document().hidden();
        let delay = schedule.with_untracked(|s| s.next_delay_ms());
        if paused.get_untracked() || hidden {
            return;
        }
        if let Some(ms) = delay {
            if let Ok(h) =
                set_timeout_with_handle(poll, std::time::Duration::from_millis(ms as u64))
            {
                timer.set_value(Some(h));
            }
        }
    };
    schedule_next.set_value(Some(Arc::new(arm)));

    // Start as soon as there is a plan; again on resume, and when the tab shows again.
    Effect::new(move |_| {
        if plan.with(Option::is_some) && !paused.get() {
            poll();
        } else {
            arm();
        }
    });
    let on_visibility = Closure::<dyn Fn()>::new(move || {
        if document().hidden() {
            arm(); // clears the timer
        } else if !paused.get_untracked() {
            poll();
        }
    });
    let _ = document().add_event_listener_with_callback(
        "visibilitychange",
        on_visibility.as_ref().unchecked_ref(),
    );
    let listener = StoredValue::new_local(Some(on_visibility));
    on_cleanup(move || {
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        listener.update_value(|l| {
            if let Some(cb) = l.take() {
                let _ = document().remove_event_listener_with_callback(
                    "visibilitychange",
                    cb.as_ref().unchecked_ref(),
                );
            }
        });
    });
    ctx
}

pub use explorer_view::live::glyph;

pub fn use_live() -> LiveCtx {
    expect_context::<LiveCtx>()
}

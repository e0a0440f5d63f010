//! The live status of every workload, from evidence, with the evidence shown (issue 13).
//!
//! Three pure steps, usable from wasm (time is passed in as milliseconds):
//! 1. [`plan`]: which evidence applies to which workload, derived from the model and graph
//!    only (scrape jobs by their relabel rules, health endpoints by probe paths routed
//!    through the entry's proxy config, the database by the relation the health body names,
//!    the metrics store by the prefix the entry routes to it), and the HTTP requests of one
//!    poll: a constant number, at most [`Thresholds::max_requests`].
//! 2. [`assess`]: observations (responses, timeouts, failures, each with its time) → a state
//!    per workload (`healthy | degraded | down | unknown`), a one-line reason, replicas and
//!    drift, and the evidence list.
//! 3. [`PollSchedule`]: interval, pause and exponential backoff.

use serde::Serialize;

mod assess;
pub mod nginx;
mod plan;
mod poll;
pub mod promql;

pub use assess::{
    assess, assess_all, Assessment, Drift, Evidence, Observation, Outcome, TrafficStatus,
    WorkloadStatus,
};
pub use plan::{
    plan, plan_with, DatabaseLink, HealthPlan, MetricsStore, Plan, PlannedRequest, RequestKind,
    ScrapeJob, TrafficEdge, WorkloadPlan, HISTORY_S, HISTORY_STEP_S,
};
pub use poll::{PollSchedule, DEFAULT_INTERVAL_MS, MAX_BACKOFF_MS, MIN_INTERVAL_MS};

/// The state of a workload (or of an edge's traffic).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Healthy,
    Degraded,
    Down,
    Unknown,
}

impl State {
    /// `healthy`, `degraded`, `down`, `unknown` (the `data-status` values).
    pub fn as_str(self) -> &'static str {
        match self {
            State::Healthy => "healthy",
            State::Degraded => "degraded",
            State::Down => "down",
            State::Unknown => "unknown",
        }
    }

    /// How bad a known state is: healthy 1, degraded 2, down 3; unknown 0 (it never
    /// outweighs evidence).
    pub fn severity(self) -> u8 {
        match self {
            State::Unknown => 0,
            State::Healthy => 1,
            State::Degraded => 2,
            State::Down => 3,
        }
    }
}

/// Every tunable of the status view, in one place.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Thresholds {
    /// Evidence older than this many polling intervals is stale (the workload turns unknown).
    pub stale_intervals: f64,
    /// 5xx share of requests at or above which the target is degraded (0.001 = 0.1 %).
    pub degraded_error_ratio: f64,
    /// 5xx share at or above which the target is down (0.10 = 10 %).
    pub down_error_ratio: f64,
    /// p95 latency above which the target is degraded, in seconds.
    pub p95_limit_s: f64,
    /// HTTP requests per poll, at most.
    pub max_requests: usize,
    /// `__name__` regex of the request counter (prometheus-flask-exporter style
    /// `<prefix>_http_request_total{status=…}`).
    pub request_metric: String,
    /// `__name__` regex of the request duration histogram buckets.
    pub duration_bucket_metric: String,
    /// The label of the request counter that carries the HTTP status.
    pub status_label: String,
    /// The `rate()` range.
    pub rate_window: String,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            stale_intervals: 2.0,
            degraded_error_ratio: 0.001,
            down_error_ratio: 0.10,
            p95_limit_s: 1.0,
            max_requests: 4,
            request_metric: ".+_http_request_total".into(),
            duration_bucket_metric: ".+_http_request_duration_seconds_bucket".into(),
            status_label: "status".into(),
            rate_window: "1m".into(),
        }
    }
}

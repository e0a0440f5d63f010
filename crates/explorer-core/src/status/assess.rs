//! Observations → a state per workload, with a reason and the evidence.
//!
//! Rules (worst fresh evidence wins; evidence that says nothing is `unknown` and never
//! outweighs the rest; a workload without fresh evidence is unknown):
//! - a health path answering with a health JSON body: `ok` → healthy, anything else →
//!   degraded; `ok` with a failing `database` block → degraded, and the database workload down;
//! - 502/503/504 (or any 5xx) without a health body, or a timeout → down;
//! - 2xx with malformed JSON → degraded (the process answers, its health contract is broken);
//! - 2xx with an HTML page → unknown (something else answered: a fallback or error page);
//! - 2xx with plain text → healthy (what a kubelet probe checks: the status code);
//! - 4xx → unknown (the route, not the workload, is the problem); a network failure → unknown
//!   (down for the entry itself);
//! - targets: all up → healthy, some → degraded, none (or none seen) → down; fewer than
//!   declared → degraded (drift);
//! - the metrics query failing → "metrics unavailable" and no target or traffic evidence;
//! - traffic: 5xx share ≥ down ratio → down, ≥ degraded ratio or p95 above the limit →
//!   degraded; no series or a zero rate → "no traffic" (says nothing).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::live::{parse_health, parse_query, parse_targets, HealthStatus, Sample, Target};

use super::plan::{Plan, RequestKind, WorkloadPlan};
use super::promql::{PART_LABEL, PART_P95, PART_RATE, PART_RATE_4XX, PART_RATE_5XX, PART_UP};
use super::{State, Thresholds};
use crate::sort::Collect;

/// What one request gave.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Outcome {
    Response {
        status: u16,
        body: String,
    },
    Timeout,
    /// No response (network error, aborted, blocked).
    Failed {
        error: String,
    },
}

/// The outcome of a planned request (by its id) at a time. The on-demand `targets` request
/// (id `targets`) is used for scrape errors when present.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Observation {
    pub request: String,
    pub at_ms: f64,
    pub outcome: Outcome,
}

/// One piece of evidence about a workload.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// e.g. `GET /api/health`, `up{job="api"}`.
    pub source: String,
    pub state: State,
    pub text: String,
    pub at_ms: f64,
    pub stale: bool,
}

/// Declared replicas against the targets seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Drift {
    pub declared: u32,
    pub seen: u32,
    pub missing: u32,
    pub extra: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorkloadStatus {
    /// `Kind/namespace/name`.
    pub id: String,
    pub state: State,
    /// One line, e.g. "2 of 2 targets up; health ok 0.8 s ago".
    pub reason: String,
    pub replicas_up: Option<u32>,
    pub replicas_declared: Option<u32>,
    /// Set when the targets seen differ from the declared replicas.
    pub drift: Option<Drift>,
    pub evidence: Vec<Evidence>,
}

/// Request rate, 5xx share and p95 on an entry → Service → workload edge.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrafficStatus {
    pub from: String,
    pub via: String,
    pub to: String,
    /// Requests per second; `None` is "no traffic" (never 0).
    pub rate_rps: Option<f64>,
    pub error_ratio: Option<f64>,
    pub client_error_ratio: Option<f64>,
    pub p95_s: Option<f64>,
    pub state: State,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessment {
    pub workloads: Vec<WorkloadStatus>,
    pub traffic: Vec<TrafficStatus>,
    /// Why metrics are unavailable, when they are.
    pub metrics_unavailable: Option<String>,
    /// The worst state over workloads with evidence (unknown when none has any).
    pub overall: State,
}

fn age_text(now: f64, at: f64) -> String {
    format!("{:.1} s ago", ((now - at) / 1000.0).max(0.0))
}

fn one_line(s: &str, max: usize) -> String {
    let line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else {
        line
    }
}

fn looks_html(body: &str) -> bool {
    let t = body.trim_start().to_ascii_lowercase();
    t.starts_with("<!doctype") || t.starts_with("<html") || t.starts_with('<')
}

fn looks_json(body: &str) -> bool {
    matches!(body.trim_start().chars().next(), Some('{' | '['))
}

/// `message` (or `error`) of a JSON error body, e.g. the proxy's own 502 document.
fn json_message(body: &str) -> Option<String> {
    let v = crate::live::parse_json(body).ok()?;
    ["message", "error"]
        .iter()
        .find_map(|k| v.get(*k)?.as_str().map(str::to_string))
}

/// A health-like response: its state and text; the parsed body when it is a health body.
fn classify(outcome: &Outcome, is_entry: bool) -> (State, String, Option<crate::live::Health>) {
    match outcome {
        Outcome::Timeout => (State::Down, "timed out".into(), None),
        Outcome::Failed { error } => (
            if is_entry {
                State::Down
            } else {
                State::Unknown
            },
            format!("no response: {}", one_line(error, 120)),
            None,
        ),
        Outcome::Response { status, body } => {
            let status = *status;
            if let Ok(h) = parse_health(body) {
                let (state, word) = match &h.status {
                    HealthStatus::Ok => (State::Healthy, "ok".to_string()),
                    HealthStatus::Degraded => (State::Degraded, "degraded".to_string()),
                    HealthStatus::Other(s) => (State::Degraded, s.clone()),
                };
                let state = if status >= 500 {
                    state.max_severity(State::Degraded)
                } else {
                    state
                };
                let mut text = format!("health {word}");
                if status >= 300 {
                    text.push_str(&format!(" ({status})"));
                }
                if let Some(db) = h.database.as_ref().filter(|d| !d.is_ok()) {
                    let err = db.error.clone().unwrap_or_else(|| db.status.clone());
                    text = format!("{text}; database error: {}", one_line(&err, 160));
                    return (state.max_severity(State::Degraded), text, Some(h));
                }
                return (state, text, Some(h));
            }
            if status >= 500 {
                let detail = if looks_html(body) {
                    " (HTML error page)".to_string()
                } else {
                    json_message(body)
                        .map(|m| format!(": {}", one_line(&m, 120)))
                        .unwrap_or_default()
                };
                let via = if is_entry { "" } else { " through the entry" };
                return (State::Down, format!("{status}{via}{detail}"), None);
            }
            if status >= 400 {
                return (
                    State::Unknown,
                    format!("{status}: the path is not served as planned"),
                    None,
                );
            }
            if looks_html(body) {
                return (
                    State::Unknown,
                    format!("{status} with an HTML page, not a health response"),
                    None,
                );
            }
            if looks_json(body) {
                let err = parse_health(body)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                return (
                    State::Degraded,
                    format!(
                        "{status} with malformed health JSON: {}",
                        one_line(&err, 120)
                    ),
                    None,
                );
            }
            (State::Healthy, format!("answered {status}"), None)
        }
    }
}

impl State {
    fn max_severity(self, other: State) -> State {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }
}

/// Latest observation per request id.
fn latest(observations: &[Observation]) -> BTreeMap<&str, &Observation> {
    let mut out: BTreeMap<&str, &Observation> = BTreeMap::new();
    for o in observations {
        match out.get(o.request.as_str()) {
            Some(prev) if prev.at_ms > o.at_ms => {}
            _ => {
                out.insert(o.request.as_str(), o);
            }
        }
    }
    out
}

struct Metrics {
    at_ms: f64,
    samples: Vec<Sample>,
    targets: Vec<Target>,
}

fn part<'s>(samples: &'s [Sample], name: &'s str) -> impl Iterator<Item = &'s Sample> + 's {
    samples
        .iter()
        .filter(move |s| s.metric.get(PART_LABEL).map(String::as_str) == Some(name))
}

fn label<'s>(s: &'s Sample, k: &str) -> Option<&'s str> {
    s.metric.get(k).map(String::as_str)
}

/// Whether an `up` sample of a job that selects several workloads belongs to `w`: by its
/// `namespace` and `pod` labels (a pod is named after its workload, `<name>-…`).
fn belongs(s: &Sample, w: &WorkloadPlan) -> bool {
    let mut parts = w.id.splitn(3, '/');
    let (_, ns, name) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
    if let (Some(l), Some(ns)) = (label(s, "namespace"), ns) {
        if !ns.is_empty() && l != ns {
            return false;
        }
    }
    match label(s, "pod") {
        Some(pod) => pod.starts_with(&format!("{name}-")),
        None => false,
    }
}

struct Builder {
    now: f64,
    stale_ms: f64,
    evidence: Vec<Evidence>,
    replicas_up: Option<u32>,
    drift: Option<Drift>,
}

impl Builder {
    fn add(&mut self, source: String, state: State, text: String, at_ms: f64) {
        let stale = self.now - at_ms > self.stale_ms;
        self.evidence.push(Evidence {
            source,
            state,
            text,
            at_ms,
            stale,
        });
    }
}

fn scrape_evidence(b: &mut Builder, w: &WorkloadPlan, m: &Metrics) {
    let mut pods_seen: BTreeSet<String> = BTreeSet::new();
    let mut pods_down: BTreeSet<String> = BTreeSet::new();
    let mut per_replica = false;
    for job in &w.scrape {
        let series: Vec<&Sample> = part(&m.samples, PART_UP)
            .filter(|s| label(s, "job") == Some(job.job.as_str()))
            .filter(|s| job.selects <= 1 || !job.per_replica || belongs(s, w))
            .collect();
        let up = series.iter().filter(|s| s.value == 1.0).count();
        let total = series.len();
        let source = format!("up{{job=\"{}\"}}", job.job);
        if job.per_replica {
            per_replica = true;
            for s in &series {
                let key = label(s, "pod")
                    .or_else(|| label(s, "instance"))
                    .unwrap_or("")
                    .to_string();
                if s.value != 1.0 {
                    pods_down.insert(key.clone());
                }
                pods_seen.insert(key);
            }
        }
        let (state, text) = if total == 0 {
            (
                State::Down,
                format!("no scrape target seen for job {}", job.job),
            )
        } else if up == 0 {
            let errors: BTreeSet<String> = m
                .targets
                .iter()
                .filter(|t| t.job == job.job && !t.last_error.is_empty())
                .filter(|t| {
                    series
                        .iter()
                        .any(|s| label(s, "instance") == Some(&t.instance))
                })
                .map(|t| one_line(&t.last_error, 160))
                .to_set();
            let count = if total > 1 {
                format!(" (0 of {total} up)")
            } else {
                String::new()
            };
            let err = if errors.is_empty() {
                String::new()
            } else {
                format!(": {}", errors.into_iter().collect::<Vec<_>>().join(", "))
            };
            (
                State::Down,
                format!("scrape target unreachable{count}{err}"),
            )
        } else if up < total {
            (State::Degraded, format!("{up} of {total} targets up"))
        } else {
            (State::Healthy, format!("{up} of {total} targets up"))
        };
        b.add(source, state, text, m.at_ms);
    }
    if per_replica {
        let seen = pods_seen.len() as u32;
        let up = seen - pods_down.len() as u32;
        b.replicas_up = Some(up);
        if let Some(declared) = w.declared_replicas {
            if seen != declared {
                let drift = Drift {
                    declared,
                    seen,
                    missing: declared.saturating_sub(seen),
                    extra: seen.saturating_sub(declared),
                };
                b.drift = Some(drift);
                let (state, text) = if drift.missing > 0 {
                    (
                        State::Degraded,
                        format!(
                            "drift: {} of {declared} declared replicas missing",
                            drift.missing
                        ),
                    )
                } else {
                    (
                        State::Healthy,
                        format!(
                            "drift: {} replicas more than the {declared} declared",
                            drift.extra
                        ),
                    )
                };
                b.add("replicas".into(), state, text, m.at_ms);
            }
        }
    }
}

fn traffic_of(t: &Thresholds, m: &Metrics, edge: &super::plan::TrafficEdge) -> TrafficStatus {
    let sum = |name: &str| -> Option<f64> {
        let vals: Vec<f64> = part(&m.samples, name)
            .filter(|s| label(s, "job").is_some_and(|j| edge.jobs.iter().any(|x| x == j)))
            .map(|s| s.value)
            .filter(|v| v.is_finite())
            .collect();
        (!vals.is_empty()).then(|| vals.iter().sum())
    };
    let rate = sum(PART_RATE).filter(|r| *r > 0.0);
    let p95 = part(&m.samples, PART_P95)
        .filter(|s| label(s, "job").is_some_and(|j| edge.jobs.iter().any(|x| x == j)))
        .map(|s| s.value)
        .filter(|v| v.is_finite())
        .fold(None, |acc: Option<f64>, v| {
            Some(acc.map_or(v, |a| a.max(v)))
        });
    let (error_ratio, client_ratio) = match rate {
        Some(r) => (
            Some(sum(PART_RATE_5XX).unwrap_or(0.0) / r),
            Some(sum(PART_RATE_4XX).unwrap_or(0.0) / r),
        ),
        None => (None, None),
    };
    let (state, text) = match (rate, error_ratio) {
        (Some(r), Some(e)) => {
            let p95_text = p95
                .map(|p| format!(", p95 {:.0} ms", p * 1000.0))
                .unwrap_or_default();
            let text = format!(
                "traffic {r:.2} req/s, 5xx {:.2} %, 4xx {:.2} %{p95_text}",
                e * 100.0,
                client_ratio.unwrap_or(0.0) * 100.0
            );
            let state = if e >= t.down_error_ratio {
                State::Down
            } else if e >= t.degraded_error_ratio || p95.is_some_and(|p| p > t.p95_limit_s) {
                State::Degraded
            } else {
                State::Healthy
            };
            (state, text)
        }
        _ => (State::Unknown, "no traffic".to_string()),
    };
    TrafficStatus {
        from: edge.from.clone(),
        via: edge.via.clone(),
        to: edge.to.clone(),
        rate_rps: rate,
        error_ratio,
        client_error_ratio: client_ratio,
        p95_s: p95,
        state,
        text,
    }
}

/// The states of every workload of the plan.
pub fn assess(
    plan: &Plan,
    observations: &[Observation],
    now_ms: f64,
    interval_ms: f64,
    thresholds: &Thresholds,
) -> Vec<WorkloadStatus> {
    assess_all(plan, observations, now_ms, interval_ms, thresholds).workloads
}

/// States, edge traffic and metrics availability. Staleness is
/// `thresholds.stale_intervals` × `interval_ms`.
pub fn assess_all(
    plan: &Plan,
    observations: &[Observation],
    now_ms: f64,
    interval_ms: f64,
    thresholds: &Thresholds,
) -> Assessment {
    let stale_ms = thresholds.stale_intervals * interval_ms;
    let last = latest(observations);
    // Metrics.
    let mut metrics_unavailable = None;
    let mut metrics: Option<Metrics> = None;
    let mut store_query_failure: Option<(State, String, f64)> = None;
    if plan.store.is_none() {
        metrics_unavailable = Some("no metrics store is reachable through the entry".into());
    } else if let Some(o) = last.get("metrics") {
        let parsed = match &o.outcome {
            Outcome::Response { status: 200, body } => parse_query(body).map_err(|e| e.to_string()),
            other => {
                let (state, text, _) = classify(other, false);
                if state == State::Down {
                    store_query_failure = Some((state, format!("query {text}"), o.at_ms));
                }
                Err(text)
            }
        };
        match parsed {
            Ok(samples) => {
                let targets = last
                    .get("targets")
                    .and_then(|t| match &t.outcome {
                        Outcome::Response { status: 200, body } => parse_targets(body).ok(),
                        _ => None,
                    })
                    .unwrap_or_default();
                metrics = Some(Metrics {
                    at_ms: o.at_ms,
                    samples,
                    targets,
                });
            }
            Err(e) => {
                metrics_unavailable = Some(format!("metrics unavailable: {}", one_line(&e, 160)))
            }
        }
    }
    let metrics_age = last.get("metrics").map(|o| o.at_ms);

    // Health bodies by workload (for database links).
    let mut health_bodies: BTreeMap<&str, (crate::live::Health, f64, String)> = BTreeMap::new();
    for r in &plan.requests {
        if let RequestKind::Health { workload } = &r.kind {
            if let Some(o) = last.get(r.id.as_str()) {
                if let (_, _, Some(h)) = classify(&o.outcome, false) {
                    health_bodies.insert(workload, (h, o.at_ms, r.path.clone()));
                }
            }
        }
    }

    let mut traffic = Vec::new();
    let mut out = Vec::new();
    for w in &plan.workloads {
        let mut b = Builder {
            now: now_ms,
            stale_ms,
            evidence: Vec::new(),
            replicas_up: None,
            drift: None,
        };
        // Targets.
        if !w.scrape.is_empty() {
            match &metrics {
                Some(m) => scrape_evidence(&mut b, w, m),
                None => {
                    if let (Some(why), Some(at)) = (&metrics_unavailable, metrics_age) {
                        b.add("metrics".into(), State::Unknown, why.clone(), at);
                    }
                }
            }
        }
        // Health path.
        for h in &w.health {
            let Some(id) = &h.request else { continue };
            let Some(o) = last.get(id.as_str()) else {
                continue;
            };
            let (state, text, _) = classify(&o.outcome, w.is_entry);
            let text = if state == State::Healthy || state == State::Degraded {
                format!("{text} {}", age_text(now_ms, o.at_ms))
            } else {
                text
            };
            b.add(format!("GET {}", h.path), state, text, o.at_ms);
        }
        // The entry answered at all.
        if w.is_entry {
            let fresh: Vec<&&Observation> = last
                .values()
                .filter(|o| now_ms - o.at_ms <= stale_ms)
                .collect();
            let answered = fresh
                .iter()
                .filter(|o| matches!(o.outcome, Outcome::Response { .. }))
                .count();
            if let Some(at) = fresh.iter().map(|o| o.at_ms).reduce(f64::max) {
                let (state, text) = if answered > 0 {
                    (
                        State::Healthy,
                        format!("the entry answered {answered} of {} requests", fresh.len()),
                    )
                } else {
                    (
                        State::Down,
                        format!("the entry answered none of {} requests", fresh.len()),
                    )
                };
                b.add("entry".into(), state, text, at);
            }
        }
        // Database block.
        if let Some(link) = &w.database {
            match health_bodies.get(link.health_of.as_str()) {
                Some((h, at, path)) => match &h.database {
                    Some(db) if db.is_ok() => {
                        let lat = db
                            .latency_ms
                            .map(|l| format!(" ({l:.1} ms)"))
                            .unwrap_or_default();
                        b.add(
                            format!("GET {path} database"),
                            State::Healthy,
                            format!("database ok{lat} per {path} {}", age_text(now_ms, *at)),
                            *at,
                        );
                    }
                    Some(db) => {
                        let err = db.error.clone().unwrap_or_else(|| db.status.clone());
                        b.add(
                            format!("GET {path} database"),
                            State::Down,
                            format!("database down: {}", one_line(&err, 160)),
                            *at,
                        );
                    }
                    None => {}
                },
                None => {
                    if let Some(o) = plan
                        .request(&format!("health:{}", link.health_of))
                        .and_then(|r| last.get(r.id.as_str()))
                    {
                        b.add(
                            "database".into(),
                            State::Unknown,
                            "the health body that reports the database is unavailable".into(),
                            o.at_ms,
                        );
                    }
                }
            }
        }
        // Metrics store.
        if w.store {
            if let Some(o) = last.get("store-ready") {
                let (state, text, _) = classify(&o.outcome, false);
                let text = match state {
                    State::Healthy => format!("ready {}", age_text(now_ms, o.at_ms)),
                    _ => format!("readiness {text}"),
                };
                let path = plan
                    .request("store-ready")
                    .map(|r| r.path.clone())
                    .unwrap_or_default();
                b.add(format!("GET {path}"), state, text, o.at_ms);
            }
            if let Some((state, text, at)) = &store_query_failure {
                b.add("metrics".into(), *state, text.clone(), *at);
            }
        }
        // Traffic.
        if let Some(m) = &metrics {
            for e in &w.traffic {
                let t = traffic_of(thresholds, m, e);
                b.add(
                    format!("traffic {} → {}", e.via, e.to),
                    t.state,
                    t.text.clone(),
                    m.at_ms,
                );
                traffic.push(t);
            }
        }
        out.push(finish(w, b, now_ms));
    }
    let overall = out
        .iter()
        .map(|s| s.state)
        .fold(State::Unknown, State::max_severity);
    Assessment {
        workloads: out,
        traffic,
        metrics_unavailable,
        overall,
    }
}

fn finish(w: &WorkloadPlan, b: Builder, now_ms: f64) -> WorkloadStatus {
    let fresh: Vec<&Evidence> = b.evidence.iter().filter(|e| !e.stale).collect();
    let state = fresh
        .iter()
        .map(|e| e.state)
        .fold(State::Unknown, State::max_severity);
    let reason = if fresh.is_empty() {
        match b.evidence.iter().map(|e| e.at_ms).reduce(f64::max) {
            Some(at) => format!(
                "evidence older than 2 polling intervals (newest {})",
                age_text(now_ms, at)
            ),
            None => no_evidence_reason(w),
        }
    } else {
        // "no traffic" is shown on the edge, not in the workload's line.
        let mut sorted: Vec<&Evidence> = fresh
            .iter()
            .copied()
            .filter(|e| !(e.state == State::Unknown && e.source.starts_with("traffic ")))
            .collect();
        crate::sort::sort_by_key(&mut sorted, |e| std::cmp::Reverse(e.state.severity()));
        sorted
            .iter()
            .map(|e| e.text.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let fresh_targets = fresh.iter().any(|e| e.source.starts_with("up{"));
    WorkloadStatus {
        id: w.id.clone(),
        state,
        reason,
        replicas_up: if fresh_targets { b.replicas_up } else { None },
        replicas_declared: w.declared_replicas,
        drift: if fresh_targets { b.drift } else { None },
        evidence: b.evidence,
    }
}

fn no_evidence_reason(w: &WorkloadPlan) -> String {
    let planned = !w.scrape.is_empty()
        || w.store
        || w.database.is_some()
        || w.is_entry
        || w.health.iter().any(|h| h.request.is_some());
    if planned {
        return "no evidence yet".into();
    }
    match w.health.iter().find_map(|h| h.left_out.clone()) {
        Some(why) => format!("no evidence: {why}"),
        None => match w.health.first() {
            Some(h) => format!("no evidence: {}", h.route),
            None => "no evidence applies (no scrape job, probe path or health relation)".into(),
        },
    }
}

//! The evidence plan: which evidence applies to which workload, and the requests of one poll.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;

use crate::graph::Graph;
use crate::index::{HostResolution, Index};
use crate::model::{Model, Object, EXTERNAL_ID};
use crate::relations::{consumed_values, Family};

use super::nginx::{Action, Location, Router};
use super::promql::{batched_query, traffic_history_query, url_encode, QuerySpec};
use super::Thresholds;
use crate::sort::Collect;

/// What a planned request is evidence of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum RequestKind {
    /// The batched PromQL query (`up` of every matched job, and edge traffic).
    MetricsQuery,
    /// The metrics store's readiness.
    StoreReady { workload: String },
    /// A workload's health endpoint (its probe path, through the entry).
    Health { workload: String },
}

/// One HTTP GET of a poll, same-origin (through the entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedRequest {
    /// Stable id the observations refer to: `metrics`, `store-ready`, `health:<workload>`.
    pub id: String,
    /// Path and query string, e.g. `/prometheus/api/v1/query?query=…`.
    pub path: String,
    pub kind: RequestKind,
    /// Workload ids this request speaks for.
    pub evidence_for: Vec<String>,
}

/// A scrape job that selects a workload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScrapeJob {
    pub job: String,
    /// One target per pod (kubernetes_sd), so replicas can be counted; else one target for a
    /// Service (a static target).
    pub per_replica: bool,
    /// The Service of a static target.
    pub via_service: Option<String>,
    /// How many workloads the job selects (series are attributed by `pod` label when > 1).
    pub selects: usize,
    /// The relation's provenance.
    pub provenance: String,
}

/// A probe path of a workload and whether the entry lets us fetch it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HealthPlan {
    pub path: String,
    /// Why it is (or is not) usable: the location that serves it.
    pub route: String,
    pub usable: bool,
    /// Served by the entry itself (e.g. a `return 200` location), not proxied.
    pub served_by_entry: bool,
    /// The request id when it is polled.
    pub request: Option<String>,
    /// Why a usable path is not polled.
    pub left_out: Option<String>,
}

/// The metrics store: the scraper the entry routes a Prometheus API prefix to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MetricsStore {
    pub workload: String,
    /// e.g. `/prometheus/`.
    pub prefix: String,
    pub route: String,
}

/// The `database` block of a health body speaks for a workload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DatabaseLink {
    /// The workload whose health body carries the block.
    pub health_of: String,
    /// The Service the relation names.
    pub service: String,
    /// The relation's provenance.
    pub provenance: String,
}

/// Entry → Service → workload, whose traffic the workload's request metrics measure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrafficEdge {
    pub from: String,
    pub via: String,
    pub to: String,
    pub jobs: Vec<String>,
}

/// The evidence that applies to one workload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkloadPlan {
    pub id: String,
    pub declared_replicas: Option<u32>,
    pub is_entry: bool,
    pub scrape: Vec<ScrapeJob>,
    pub health: Vec<HealthPlan>,
    pub database: Option<DatabaseLink>,
    /// This workload is the metrics store (checked by its readiness under the prefix).
    pub store: bool,
    /// Traffic edges into this workload.
    pub traffic: Vec<TrafficEdge>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    /// The workload serving the page (and proxying every request).
    pub entry: Option<String>,
    pub store: Option<MetricsStore>,
    /// The requests of one poll (at most [`Thresholds::max_requests`]).
    pub requests: Vec<PlannedRequest>,
    /// In traffic order (from the outside in), then by id.
    pub workloads: Vec<WorkloadPlan>,
    /// Why some evidence is not planned.
    pub notes: Vec<String>,
    pub thresholds: Thresholds,
}

impl Plan {
    pub fn workload(&self, id: &str) -> Option<&WorkloadPlan> {
        self.workloads.iter().find(|w| w.id == id)
    }

    pub fn request(&self, id: &str) -> Option<&PlannedRequest> {
        self.requests.iter().find(|r| r.id == id)
    }

    /// Path of the on-demand `/api/v1/targets` request (scrape errors), not part of a poll.
    pub fn targets_path(&self) -> Option<String> {
        self.store
            .as_ref()
            .map(|s| format!("{}api/v1/targets?state=active", s.prefix))
    }

    /// Path of an on-demand `query_range` (e.g. a sparkline of a panel), not part of a poll.
    pub fn range_path(&self, query: &str, start_s: f64, end_s: f64, step_s: f64) -> Option<String> {
        self.store.as_ref().map(|s| {
            format!(
                "{}api/v1/query_range?query={}&start={start_s}&end={end_s}&step={step_s}",
                s.prefix,
                url_encode(query)
            )
        })
    }
}

/// Seconds of history a workload's sparkline covers, and the step between its points.
pub const HISTORY_S: f64 = 900.0;
pub const HISTORY_STEP_S: f64 = 30.0;

impl Plan {
    /// The `query_range` path of `workload`'s request and 5xx rates over the [`HISTORY_S`]
    /// before `now_s` (whole seconds). `None` without a metrics store or traffic into it.
    pub fn history_path(&self, workload: &str, now_s: f64) -> Option<String> {
        let w = self.workload(workload)?;
        let jobs: BTreeSet<String> = w.traffic.iter().flat_map(|t| t.jobs.clone()).to_set();
        let spec = QuerySpec {
            up_jobs: Vec::new(),
            traffic_jobs: jobs.into_iter().collect(),
            request_metric: self.thresholds.request_metric.clone(),
            duration_bucket_metric: self.thresholds.duration_bucket_metric.clone(),
            status_label: self.thresholds.status_label.clone(),
            rate_window: self.thresholds.rate_window.clone(),
        };
        let query = traffic_history_query(&spec)?;
        let end = now_s.floor();
        self.range_path(&query, end - HISTORY_S, end, HISTORY_STEP_S)
    }
}

/// Workload ids from the outside in: breadth-first over entry and traffic edges from
/// `External//internet`, then the rest by id.
fn traffic_order(model: &Model, graph: &Graph) -> Vec<String> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut order = Vec::new();
    let mut queue = VecDeque::from([EXTERNAL_ID]);
    seen.insert(EXTERNAL_ID);
    while let Some(n) = queue.pop_front() {
        for e in graph
            .outgoing(n)
            .filter(|e| matches!(e.family, Family::Entry | Family::Traffic))
        {
            if seen.insert(e.to.as_str()) {
                queue.push_back(e.to.as_str());
                order.push(e.to.clone());
            }
        }
    }
    let workloads: BTreeSet<String> = model.workloads().map(|w| w.id.to_string()).to_set();
    let mut out: Vec<String> = order
        .into_iter()
        .filter(|id| workloads.contains(id))
        .collect();
    let placed: BTreeSet<String> = out.iter().cloned().to_set();
    out.extend(workloads.into_iter().filter(|w| !placed.contains(w)));
    out
}

/// Where the entry sends a path.
enum Route {
    /// Proxied to a Service selecting these workloads.
    Proxied {
        service: String,
        workloads: Vec<String>,
        location: String,
    },
    /// Answered by the entry itself (2xx `return` or static files).
    Entry {
        location: String,
    },
    Refused(String),
}

struct Entry<'m> {
    object: &'m Object,
    router: Router,
}

impl Entry<'_> {
    fn route(&self, index: &Index, path: &str) -> Route {
        let Some(l) = self.router.route(path) else {
            return Route::Refused(format!("no location of the entry matches {path}"));
        };
        route_of(index, self.object, l)
    }
}

fn route_of(index: &Index, entry: &Object, l: &Location) -> Route {
    let location = l.describe();
    if l.internal {
        return Route::Refused(format!("{location} is internal"));
    }
    match &l.action {
        Action::Return { code } if (200..300).contains(code) => Route::Entry { location },
        Action::Return { code } => {
            Route::Refused(format!("the entry answers {location} itself with {code}"))
        }
        Action::Static => Route::Entry { location },
        Action::Proxy { host, .. } => {
            let ns = entry.namespace.as_deref().unwrap_or("default");
            match index.resolve_host(host, ns) {
                HostResolution::Service(svc) => Route::Proxied {
                    service: svc.id.to_string(),
                    workloads: index
                        .service_targets(svc)
                        .iter()
                        .map(|w| w.id.to_string())
                        .collect(),
                    location,
                },
                _ => Route::Refused(format!(
                    "{location} proxies to {host}, which is no Service in the set"
                )),
            }
        }
    }
}

/// The first entry workload (selected by a Service reached from outside) with a proxy config.
fn find_entry<'m>(index: &Index<'m>, graph: &Graph) -> Option<Entry<'m>> {
    let outside: Vec<&str> = graph.outgoing(EXTERNAL_ID).map(|e| e.to.as_str()).collect();
    let mut candidates: Vec<&str> = graph
        .edges
        .iter()
        .filter(|e| e.rule == "service-selector" && outside.contains(&e.from.as_str()))
        .map(|e| e.to.as_str())
        .collect();
    crate::sort::sort(&mut candidates);
    candidates.dedup();
    candidates.into_iter().find_map(|id| {
        let object = index.model.get_str(id)?;
        let router = consumed_values(index, object)
            .into_iter()
            .filter(|cv| cv.key.ends_with(".conf"))
            .find_map(|cv| Router::from_conf(&cv.value))?;
        Some(Entry { object, router })
    })
}

/// `job <name>` in a metrics-scrape reason (`<src>: job <name> …`).
fn job_of(reason: &str) -> Option<String> {
    let rest = &reason[reason.find(": job ")? + ": job ".len()..];
    let name = rest.split(' ').next().unwrap_or("");
    (!name.is_empty()).then(|| name.to_string())
}

fn probe_paths(o: &Object) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Some(pod) = o.pod() else { return out };
    for c in &pod.spec.containers {
        for p in [&c.readiness_probe, &c.liveness_probe, &c.startup_probe]
            .into_iter()
            .flatten()
        {
            let Some(path) = p.http_get.as_ref().and_then(|h| h.path.clone()) else {
                continue;
            };
            if path.starts_with('/') && !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out
}

/// Words of a reason, lower case (`DATABASE_URL` → `database`, `url`).
fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

/// Ports databases listen on by default (PostgreSQL, MySQL, SQL Server, Oracle, MongoDB,
/// CockroachDB, Cassandra): the fallback when no reason names a database key.
const DATABASE_PORTS: &[u16] = &[5432, 3306, 1433, 1521, 27017, 26257, 9042];

/// The Service named by `health_of`'s relation that its health body's `database` block
/// speaks for: a service reference whose reason names a database key (`DATABASE_URL`,
/// `DB_HOST`), else one on a database port.
fn database_link(graph: &Graph, health_of: &str) -> Option<DatabaseLink> {
    let refs: Vec<_> = graph
        .outgoing(health_of)
        .filter(|e| e.rule == "service-reference")
        .collect();
    let by_key = refs.iter().find_map(|e| {
        let r = e
            .reasons
            .iter()
            .find(|r| words(r).any(|w| w == "database" || w == "db"))?;
        Some((e, r.clone()))
    });
    let by_port = || {
        refs.iter()
            .find(|e| e.ports.iter().any(|p| DATABASE_PORTS.contains(p)))
            .map(|e| (e, e.provenance.clone()))
    };
    let (e, why) = by_key.or_else(by_port)?;
    Some(DatabaseLink {
        health_of: health_of.to_string(),
        service: e.to.clone(),
        provenance: why,
    })
}

/// The plan with default thresholds.
pub fn plan(model: &Model, graph: &Graph) -> Plan {
    plan_with(model, graph, &Thresholds::default())
}

/// The evidence plan of a model and its graph.
pub fn plan_with(model: &Model, graph: &Graph, thresholds: &Thresholds) -> Plan {
    let index = Index::new(model);
    let order = traffic_order(model, graph);
    let entry = find_entry(&index, graph);
    let mut notes = Vec::new();
    if entry.is_none() {
        notes.push(
            "no entry workload with a proxy config (a *.conf with server/location blocks) is \
             reached from outside: no health endpoint or metrics API can be fetched"
                .to_string(),
        );
    }
    let entry_id = entry.as_ref().map(|e| e.object.id.to_string());
    let selects = |svc: &str| -> Vec<String> {
        graph
            .outgoing(svc)
            .filter(|e| e.rule == "service-selector")
            .map(|e| e.to.clone())
            .collect()
    };

    // The metrics store: a scraper the entry routes `<prefix>api/v1/query` and `-/ready` to.
    let scrapers: BTreeSet<&str> = graph
        .edges
        .iter()
        .filter(|e| e.rule == "metrics-scrape")
        .map(|e| e.from.as_str())
        .to_set();
    let store = entry.as_ref().and_then(|en| {
        en.router.locations.iter().find_map(|l| {
            let Route::Proxied { workloads, .. } = route_of(&index, en.object, l) else {
                return None;
            };
            let w = workloads.iter().find(|w| scrapers.contains(w.as_str()))?;
            let prefix = l.literal_prefix();
            let reaches = |p: &str| {
                matches!(en.route(&index, &format!("{prefix}{p}")),
                    Route::Proxied { workloads, .. } if workloads.contains(w))
            };
            (reaches("api/v1/query") && reaches("-/ready")).then(|| MetricsStore {
                workload: w.clone(),
                prefix: prefix.clone(),
                route: format!("{} of {}", l.describe(), en.object.id),
            })
        })
    });
    if entry.is_some() && store.is_none() {
        notes.push(
            "the entry routes no prefix to a scraping workload's query API and readiness: \
             metrics unavailable, states come from health endpoints alone"
                .to_string(),
        );
    }

    // Scrape jobs of the store, per workload.
    let mut jobs: BTreeMap<String, Vec<ScrapeJob>> = BTreeMap::new();
    if let Some(s) = &store {
        let mut raw: Vec<(String, String, bool, Option<String>, String)> = Vec::new();
        for e in graph
            .outgoing(&s.workload)
            .filter(|e| e.rule == "metrics-scrape")
        {
            let direct = index.model.get_str(&e.to).is_some_and(Object::is_workload);
            let targets = if direct {
                vec![e.to.clone()]
            } else {
                selects(&e.to)
            };
            for r in &e.reasons {
                let Some(job) = job_of(r) else { continue };
                for t in &targets {
                    let via = (!direct).then(|| e.to.clone());
                    raw.push((t.clone(), job.clone(), direct, via, r.clone()));
                }
            }
        }
        let mut per_job: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (w, j, ..) in &raw {
            per_job.entry(j).or_default().insert(w);
        }
        for (w, job, per_replica, via_service, provenance) in &raw {
            let list = jobs.entry(w.clone()).or_default();
            if list.iter().any(|j| &j.job == job) {
                continue;
            }
            list.push(ScrapeJob {
                job: job.clone(),
                per_replica: *per_replica,
                via_service: via_service.clone(),
                selects: per_job.get(job.as_str()).map_or(0, BTreeSet::len),
                provenance: provenance.clone(),
            });
        }
    }

    // Traffic edges: the entry's proxied locations → Service → workloads with scrape jobs.
    let mut traffic: BTreeMap<String, Vec<TrafficEdge>> = BTreeMap::new();
    if let Some(en) = &entry {
        for l in &en.router.locations {
            if let Route::Proxied {
                service, workloads, ..
            } = route_of(&index, en.object, l)
            {
                for w in workloads {
                    if Some(&w) == store.as_ref().map(|s| &s.workload) {
                        continue;
                    }
                    let Some(js) = jobs.get(&w) else { continue };
                    let list = traffic.entry(w.clone()).or_default();
                    if list.iter().any(|t| t.via == service) {
                        continue;
                    }
                    list.push(TrafficEdge {
                        from: en.object.id.to_string(),
                        via: service.clone(),
                        to: w.clone(),
                        jobs: js.iter().map(|j| j.job.clone()).collect(),
                    });
                }
            }
        }
    }

    // Workload plans, health routes.
    let mut workloads: Vec<WorkloadPlan> = Vec::new();
    for id in &order {
        let Some(o) = model.get_str(id) else { continue };
        let is_entry = entry_id.as_deref() == Some(id.as_str());
        let health = probe_paths(o)
            .into_iter()
            .map(|path| {
                let (usable, served_by_entry, route) = match entry.as_ref() {
                    None => (false, false, "no entry proxy config".to_string()),
                    Some(en) => match en.route(&index, &path) {
                        Route::Entry { location } if is_entry => (true, true, location),
                        Route::Entry { location } => (
                            false,
                            false,
                            format!("the entry serves {path} itself ({location}), not this workload"),
                        ),
                        Route::Proxied {
                            service,
                            workloads,
                            location,
                        } if workloads.contains(id) => {
                            (true, false, format!("{location} → {service}"))
                        }
                        Route::Proxied {
                            service,
                            workloads,
                            location,
                        } => (
                            false,
                            false,
                            format!(
                                "the entry routes {path} ({location}) to {service}, which selects {}, not this workload",
                                if workloads.is_empty() { "no workload".to_string() } else { workloads.join(", ") }
                            ),
                        ),
                        Route::Refused(why) => (false, false, why),
                    },
                };
                HealthPlan {
                    path,
                    route,
                    usable,
                    served_by_entry,
                    request: None,
                    left_out: None,
                }
            })
            .collect();
        workloads.push(WorkloadPlan {
            id: id.clone(),
            declared_replicas: o.replicas(),
            is_entry,
            scrape: jobs.remove(id).unwrap_or_default(),
            health,
            database: None,
            store: store.as_ref().is_some_and(|s| &s.workload == id),
            traffic: traffic.remove(id).unwrap_or_default(),
        });
    }

    // Requests: the batched query, the store's readiness, then health paths in traffic order.
    let mut requests = Vec::new();
    if let Some(s) = &store {
        let up_jobs: BTreeSet<String> = workloads
            .iter()
            .flat_map(|w| w.scrape.iter().map(|j| j.job.clone()))
            .to_set();
        let traffic_jobs: BTreeSet<String> = workloads
            .iter()
            .flat_map(|w| w.traffic.iter().flat_map(|t| t.jobs.clone()))
            .to_set();
        let spec = QuerySpec {
            up_jobs: up_jobs.into_iter().collect(),
            traffic_jobs: traffic_jobs.into_iter().collect(),
            request_metric: thresholds.request_metric.clone(),
            duration_bucket_metric: thresholds.duration_bucket_metric.clone(),
            status_label: thresholds.status_label.clone(),
            rate_window: thresholds.rate_window.clone(),
        };
        if let Some(q) = batched_query(&spec) {
            if requests.len() < thresholds.max_requests {
                requests.push(PlannedRequest {
                    id: "metrics".into(),
                    path: format!("{}api/v1/query?query={}", s.prefix, url_encode(&q)),
                    kind: RequestKind::MetricsQuery,
                    evidence_for: workloads
                        .iter()
                        .filter(|w| !w.scrape.is_empty())
                        .map(|w| w.id.clone())
                        .collect(),
                });
            }
        }
        if requests.len() < thresholds.max_requests {
            requests.push(PlannedRequest {
                id: "store-ready".into(),
                path: format!("{}-/ready", s.prefix),
                kind: RequestKind::StoreReady {
                    workload: s.workload.clone(),
                },
                evidence_for: vec![s.workload.clone()],
            });
        }
    }
    let mut fetched: BTreeSet<String> = BTreeSet::new();
    for w in &mut workloads {
        // The store's own probes are its readiness under the prefix.
        if w.store {
            continue;
        }
        let Some(h) = w.health.iter_mut().find(|h| h.usable) else {
            continue;
        };
        if fetched.contains(&h.path) {
            h.left_out = Some(format!("{} is already polled for another workload", h.path));
        } else if requests.len() >= thresholds.max_requests {
            h.left_out = Some(format!(
                "the request budget of {} per poll is used by workloads earlier in traffic order",
                thresholds.max_requests
            ));
        } else {
            let id = format!("health:{}", w.id);
            fetched.insert(h.path.clone());
            h.request = Some(id.clone());
            requests.push(PlannedRequest {
                id,
                path: h.path.clone(),
                kind: RequestKind::Health {
                    workload: w.id.clone(),
                },
                evidence_for: vec![w.id.clone()],
            });
        }
    }
    // The database block of each polled health body → the workload its relation reaches.
    let polled: Vec<String> = workloads
        .iter()
        .filter(|w| w.health.iter().any(|h| h.request.is_some()) && !w.is_entry)
        .map(|w| w.id.clone())
        .collect();
    for h in polled {
        let Some(link) = database_link(graph, &h) else {
            continue;
        };
        for target in selects(&link.service) {
            if let Some(w) = workloads.iter_mut().find(|w| w.id == target) {
                if w.database.is_none() {
                    w.database = Some(link.clone());
                }
            }
            if let Some(r) = requests.iter_mut().find(|r| r.id == format!("health:{h}")) {
                r.evidence_for.push(target.clone());
            }
        }
    }
    Plan {
        entry: entry_id,
        store,
        requests,
        workloads,
        notes,
        thresholds: thresholds.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names_from_reasons() {
        assert_eq!(
            job_of("cm: job api keep __meta_x=y").as_deref(),
            Some("api")
        );
        assert_eq!(job_of("cm: job web target web:80").as_deref(), Some("web"));
        assert_eq!(job_of("cm: selector x"), None);
    }

    #[test]
    fn database_words() {
        let w: Vec<String> = words("secret: DATABASE_URL → db:5432").collect();
        assert!(w.contains(&"database".to_string()));
    }
}

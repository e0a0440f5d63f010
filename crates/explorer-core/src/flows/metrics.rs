//! The metrics flow: each scrape job (from the `metrics-scrape` edges) with its interval and
//! path read from the scraper's config, the store the scraper writes to (its TSDB volume:
//! persistent or lost on restart), and the dashboards' datasources (`metrics-datasource` edges
//! to a Service in front of the scraper). Absent when nothing is scraped.

use std::collections::BTreeMap;

use serde_yaml::Value;

use super::{fact, label, Fact, Flow, FlowKind, Phase, Step, Target};
use crate::graph::Graph;
use crate::index::Index;
use crate::model::{Model, Object};
use crate::relations::config::consumed_values;
use crate::relations::services::{is_yaml_key, parse_config_yaml};
use crate::relations::Edge;
use crate::yaml::scalar_string;

/// What the scraper's config says about one job.
struct Job {
    interval: Fact,
    path: Fact,
}

/// The scrape jobs of a workload's Prometheus config, by job name.
fn jobs(index: &Index, scraper: &Object) -> BTreeMap<String, Job> {
    let mut out = BTreeMap::new();
    for cv in consumed_values(index, scraper) {
        if !is_yaml_key(&cv.key) || !cv.value.contains("scrape_configs") {
            continue;
        }
        let Some(doc) = parse_config_yaml(&cv.value) else {
            continue;
        };
        let at = |field: String, value: String| Fact {
            field: format!("data.{}: {field}", cv.key),
            ..fact(cv.source, "", value)
        };
        let global = doc
            .get("global")
            .and_then(|g| g.get("scrape_interval"))
            .and_then(scalar_string);
        let Some(Value::Sequence(list)) = doc.get("scrape_configs") else {
            continue;
        };
        for job in list {
            let Some(name) = job.get("job_name").and_then(scalar_string) else {
                continue;
            };
            let interval = match (job.get("scrape_interval").and_then(scalar_string), &global) {
                (Some(i), _) => at(format!("scrape_configs[{name}].scrape_interval"), i),
                (None, Some(g)) => at("global.scrape_interval".into(), g.clone()),
                (None, None) => at(
                    "scrape_interval (not set)".into(),
                    "1m (Prometheus default)".into(),
                ),
            };
            let path = match job.get("metrics_path").and_then(scalar_string) {
                Some(p) => at(format!("scrape_configs[{name}].metrics_path"), p),
                None => at(
                    format!("scrape_configs[{name}].metrics_path (not set)"),
                    "/metrics (Prometheus default)".into(),
                ),
            };
            out.insert(name, Job { interval, path });
        }
    }
    out
}

/// `job flask-app` in a scrape edge's reason.
fn job_name(reason: &str) -> Option<&str> {
    let rest = reason.split_once(": job ")?.1;
    Some(rest.split_whitespace().next().unwrap_or(rest))
}

/// Where the scraper keeps its samples: the volume mounted at `--storage.tsdb.path` (default
/// `data/`, relative to the working directory).
pub(crate) fn store(scraper: &Object) -> (String, Vec<Fact>) {
    let Some(pod) = scraper.pod() else {
        return (String::new(), Vec::new());
    };
    for c in &pod.spec.containers {
        let tsdb = c
            .args
            .iter()
            .flatten()
            .chain(c.command.iter().flatten())
            .find_map(|a| a.strip_prefix("--storage.tsdb.path="));
        let Some(path) = tsdb else { continue };
        let mut facts = vec![fact(
            scraper,
            format!("containers[{}].args", c.name),
            format!("--storage.tsdb.path={path}"),
        )];
        let mount = c
            .volume_mounts
            .iter()
            .flatten()
            .filter(|m| path.starts_with(m.mount_path.trim_end_matches('/')))
            .max_by_key(|m| m.mount_path.len());
        let Some(m) = mount else {
            return (
                format!("in the container's own filesystem at {path}: lost whenever the container restarts"),
                facts,
            );
        };
        let vol = pod.spec.volumes.iter().flatten().find(|v| v.name == m.name);
        let words = match vol {
            Some(v) if v.empty_dir.is_some() => {
                facts.push(fact(scraper, format!("volumes[{}]", v.name), "emptyDir"));
                format!(
                    "in an emptyDir volume at {path}: lost when the pod is deleted or rescheduled"
                )
            }
            Some(v) if v.persistent_volume_claim.is_some() => {
                let claim = &v
                    .persistent_volume_claim
                    .as_ref()
                    .expect("checked")
                    .claim_name;
                facts.push(fact(
                    scraper,
                    format!("volumes[{}].persistentVolumeClaim", v.name),
                    claim.clone(),
                ));
                format!("on the PersistentVolumeClaim {claim} at {path}: kept across restarts")
            }
            Some(v) => {
                facts.push(fact(
                    scraper,
                    format!("volumes[{}]", v.name),
                    "other volume",
                ));
                format!("in the volume {} at {path}", v.name)
            }
            None => format!("at {path}, in a volume the pod does not declare"),
        };
        return (words, facts);
    }
    (String::new(), Vec::new())
}

pub(super) fn flow(model: &Model, graph: &Graph) -> Option<Flow> {
    let scrapes: Vec<&Edge> = graph
        .edges
        .iter()
        .filter(|e| e.rule == "metrics-scrape")
        .collect();
    if scrapes.is_empty() {
        return None;
    }
    let index = Index::new(model);
    let mut scrapers: Vec<&str> = scrapes.iter().map(|e| e.from.as_str()).collect();
    scrapers.dedup();
    let mut phases = Vec::new();
    for scraper_id in &scrapers {
        let Some(scraper) = model.get_str(scraper_id) else {
            continue;
        };
        let name = label(graph, scraper_id);
        let jobs = jobs(&index, scraper);
        let steps: Vec<Step> = scrapes
            .iter()
            .filter(|e| e.from == *scraper_id)
            .map(|e| {
                let target = label(graph, &e.to);
                let job = e.reasons.iter().find_map(|r| job_name(r)).unwrap_or("");
                let mut facts = Vec::new();
                let mut text = format!("{name} scrapes {target}");
                let from = match model.get_str(&e.to).and_then(Object::replicas) {
                    Some(n) if n > 1 => format!("each of the {n} pods of {target}"),
                    _ => target.clone(),
                };
                if let Some(j) = jobs.get(job) {
                    text = format!(
                        "Every {}, {name} fetches {} from {from} (job {job}) and stores the samples.",
                        j.interval.value, j.path.value
                    );
                    facts.push(j.interval.clone());
                    facts.push(j.path.clone());
                } else {
                    text.push('.');
                }
                if !e.ports.is_empty() {
                    facts.push(fact(
                        scraper,
                        "target port",
                        e.ports
                            .iter()
                            .map(u16::to_string)
                            .collect::<Vec<_>>()
                            .join(", "),
                    ));
                }
                for r in &e.reasons {
                    facts.push(Fact {
                        field: "metrics-scrape".into(),
                        value: r.split_once(": ").map_or(r.as_str(), |x| x.1).to_string(),
                        ..fact(scraper, "", "")
                    });
                }
                Step {
                    target: Target::Edge(e.id.clone()),
                    title: format!("{name} scrapes {target}"),
                    text,
                    facts,
                }
            })
            .collect();
        phases.push(Phase {
            title: format!("{name} scrapes"),
            parallel: steps.len() > 1,
            steps,
        });
        let (where_, facts) = store(scraper);
        if !where_.is_empty() {
            phases.push(Phase {
                title: format!("{name} stores"),
                parallel: false,
                steps: vec![Step {
                    target: Target::Node(scraper_id.to_string()),
                    title: format!("{name} keeps the samples"),
                    text: format!("{name} keeps its time series {where_}."),
                    facts,
                }],
            });
        }
        // Datasources pointing at a Service in front of this scraper.
        let fronts: Vec<&str> = graph
            .edges
            .iter()
            .filter(|e| e.rule == "service-selector" && e.to == *scraper_id)
            .map(|e| e.from.as_str())
            .collect();
        let steps: Vec<Step> = graph
            .edges
            .iter()
            .filter(|e| e.rule == "metrics-datasource" && fronts.contains(&e.to.as_str()))
            .map(|e| {
                let reader = label(graph, &e.from);
                let svc = label(graph, &e.to);
                let from = model.get_str(&e.from);
                let facts = e
                    .reasons
                    .iter()
                    .map(|r| {
                        let (src, rest) = r.split_once(": ").unwrap_or(("", r));
                        let ns = from.and_then(|o| o.namespace.as_deref()).unwrap_or("");
                        let o = model
                            .get_str(&format!("ConfigMap/{ns}/{src}"))
                            .or_else(|| model.get_str(&format!("Secret/{ns}/{src}")))
                            .or(from);
                        Fact {
                            field: "metrics-datasource".into(),
                            value: rest.to_string(),
                            ..o.map(|o| fact(o, "", "")).unwrap_or(Fact {
                                file: String::new(),
                                line: 0,
                                field: String::new(),
                                value: String::new(),
                            })
                        }
                    })
                    .collect();
                Step {
                    target: Target::Edge(e.id.clone()),
                    title: format!("{reader} reads {svc}"),
                    text: format!(
                        "{reader}'s dashboards query {name} through {svc}: what they show is what {name} stored."
                    ),
                    facts,
                }
            })
            .collect();
        if !steps.is_empty() {
            phases.push(Phase {
                title: format!("Dashboards read {name}"),
                parallel: steps.len() > 1,
                steps,
            });
        }
    }
    Some(Flow {
        kind: FlowKind::Metrics,
        title: "Metrics".into(),
        summary: "How metrics are collected, where they are kept, and who reads them.".into(),
        phases,
        timeline: Vec::new(),
    })
}

//! Typed parsing of live responses: the Flask `/api/health` JSON and the Prometheus HTTP API
//! (`/api/v1/query`, `/api/v1/targets`). No HTTP here, only `&str` → structs.

use std::collections::BTreeMap;
use std::fmt;

use crate::sort::Collect;
use serde::{Deserialize, Serialize};
use serde_yaml::Value;

/// Why a response could not be used.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum LiveError {
    /// Not JSON at all.
    Json(String),
    /// JSON, but not the expected shape.
    Shape(String),
    /// Prometheus answered `status: error`.
    Prometheus { error_type: String, error: String },
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiveError::Json(e) => write!(f, "not JSON: {e}"),
            LiveError::Shape(e) => write!(f, "unexpected response: {e}"),
            LiveError::Prometheus { error_type, error } => {
                write!(f, "prometheus {error_type}: {error}")
            }
        }
    }
}

impl std::error::Error for LiveError {}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
    Degraded,
    Other(String),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DatabaseHealth {
    /// `ok` or `error`.
    pub status: String,
    pub latency_ms: Option<f64>,
    pub error: Option<String>,
}

impl DatabaseHealth {
    pub fn is_ok(&self) -> bool {
        self.status == "ok"
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Health {
    pub status: HealthStatus,
    pub database: Option<DatabaseHealth>,
    pub version: Option<String>,
}

/// Largest number of nodes a response may expand to (the poll caps bodies at 20 KB).
const JSON_BUDGET: usize = 1 << 16;

/// A JSON object or array. Read with the YAML parser the manifests already use (JSON is YAML
/// 1.2's flow style), with the same depth and size guards, so the browser carries one parser;
/// anything that is not an object or an array (an HTML error page, plain text) is refused.
pub(crate) fn parse_json(text: &str) -> Result<Value, LiveError> {
    let first = text.trim_start().chars().next();
    if !matches!(first, Some('{' | '[')) {
        let shown: String = text.trim_start().chars().take(40).collect();
        return Err(LiveError::Json(format!(
            "expected an object or an array, found {shown:?}"
        )));
    }
    crate::yaml::parse_value(text, JSON_BUDGET).map_err(|e| LiveError::Json(e.to_string()))
}

fn opt_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `{"status": "ok"|"degraded", "database": {"status", "latency_ms", "error"?}, "version"}`.
pub fn parse_health(text: &str) -> Result<Health, LiveError> {
    let v = parse_json(text)?;
    let obj = v
        .as_mapping()
        .ok_or_else(|| LiveError::Shape("health is not an object".into()))?;
    let status = match obj.get("status").and_then(Value::as_str) {
        Some("ok") => HealthStatus::Ok,
        Some("degraded") => HealthStatus::Degraded,
        Some(other) => HealthStatus::Other(other.to_string()),
        None => return Err(LiveError::Shape("health has no status".into())),
    };
    let database = match obj.get("database") {
        None | Some(Value::Null) => None,
        Some(Value::Mapping(db)) => Some(DatabaseHealth {
            status: opt_string(db.get("status")).unwrap_or_default(),
            latency_ms: db.get("latency_ms").and_then(Value::as_f64),
            error: opt_string(db.get("error")),
        }),
        Some(_) => return Err(LiveError::Shape("database is not an object".into())),
    };
    Ok(Health {
        status,
        database,
        version: opt_string(obj.get("version")),
    })
}

/// Unwraps `{"status": "success", "data": …}`.
fn prometheus_data(text: &str) -> Result<Value, LiveError> {
    let mut v = parse_json(text)?;
    match v.get("status").and_then(Value::as_str) {
        Some("success") => v
            .get_mut("data")
            .map(std::mem::take)
            .ok_or_else(|| LiveError::Shape("no data".into())),
        Some("error") => Err(LiveError::Prometheus {
            error_type: opt_string(v.get("errorType")).unwrap_or_default(),
            error: opt_string(v.get("error")).unwrap_or_default(),
        }),
        _ => Err(LiveError::Shape("no status".into())),
    }
}

/// One instant-vector sample.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sample {
    pub metric: BTreeMap<String, String>,
    /// Unix seconds.
    pub timestamp: f64,
    /// `NaN`, `+Inf` and `-Inf` are parsed as such.
    pub value: f64,
}

/// A JSON object's string-valued entries (a series' labels).
pub(crate) fn labels(v: &Value) -> BTreeMap<String, String> {
    v.as_mapping()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
        .to_map()
}

/// One `[timestamp, "value"]` pair of the Prometheus API (vectors and matrices alike).
pub(crate) fn sample_value(v: &Value) -> Result<(f64, f64), LiveError> {
    let pair = v
        .as_sequence()
        .filter(|a| a.len() == 2)
        .ok_or_else(|| LiveError::Shape("value is not [ts, \"v\"]".into()))?;
    let ts = pair[0]
        .as_f64()
        .ok_or_else(|| LiveError::Shape("timestamp is not a number".into()))?;
    let text = pair[1]
        .as_str()
        .ok_or_else(|| LiveError::Shape("value is not a string".into()))?;
    let value = match text {
        "NaN" => f64::NAN,
        "+Inf" | "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        t => t
            .parse()
            .map_err(|_| LiveError::Shape(format!("value {t:?} is not a number")))?,
    };
    Ok((ts, value))
}

/// `/api/v1/query` result: a vector (or a scalar, as one sample without labels).
pub fn parse_query(text: &str) -> Result<Vec<Sample>, LiveError> {
    let data = prometheus_data(text)?;
    let kind = data.get("resultType").and_then(Value::as_str).unwrap_or("");
    let result = data
        .get("result")
        .ok_or_else(|| LiveError::Shape("no result".into()))?;
    match kind {
        "vector" => result
            .as_sequence()
            .ok_or_else(|| LiveError::Shape("result is not a list".into()))?
            .iter()
            .map(|s| {
                let metric = s.get("metric").map(labels).unwrap_or_default();
                let (timestamp, value) = sample_value(s.get("value").unwrap_or(&Value::Null))?;
                Ok(Sample {
                    metric,
                    timestamp,
                    value,
                })
            })
            .collect(),
        "scalar" => {
            let (timestamp, value) = sample_value(result)?;
            Ok(vec![Sample {
                metric: BTreeMap::new(),
                timestamp,
                value,
            }])
        }
        other => Err(LiveError::Shape(format!(
            "unsupported resultType {other:?}"
        ))),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetHealth {
    Up,
    Down,
    Unknown,
}

/// One active scrape target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    pub job: String,
    pub instance: String,
    pub pod: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub health: TargetHealth,
    pub last_error: String,
    /// RFC 3339 time of the last scrape.
    pub last_scrape: String,
    pub last_scrape_duration: Option<f64>,
    pub scrape_url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTarget {
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    scrape_url: String,
    #[serde(default)]
    last_error: String,
    #[serde(default)]
    last_scrape: String,
    #[serde(default)]
    last_scrape_duration: Option<f64>,
    #[serde(default)]
    health: String,
    #[serde(default)]
    scrape_pool: String,
}

/// `/api/v1/targets` → the active targets, sorted by job then instance.
pub fn parse_targets(text: &str) -> Result<Vec<Target>, LiveError> {
    let data = prometheus_data(text)?;
    let active = data
        .get("activeTargets")
        .cloned()
        .ok_or_else(|| LiveError::Shape("no activeTargets".into()))?;
    let raw: Vec<RawTarget> =
        serde_yaml::from_value(active).map_err(|e| LiveError::Shape(e.to_string()))?;
    let mut out: Vec<Target> = raw
        .into_iter()
        .map(|t| Target {
            job: t.labels.get("job").cloned().unwrap_or(t.scrape_pool),
            instance: t.labels.get("instance").cloned().unwrap_or_default(),
            pod: t.labels.get("pod").cloned(),
            health: match t.health.as_str() {
                "up" => TargetHealth::Up,
                "down" => TargetHealth::Down,
                _ => TargetHealth::Unknown,
            },
            labels: t.labels,
            last_error: t.last_error,
            last_scrape: t.last_scrape,
            last_scrape_duration: t.last_scrape_duration,
            scrape_url: t.scrape_url,
        })
        .collect();
    crate::sort::sort_by(&mut out, |a, b| {
        (&a.job, &a.instance).cmp(&(&b.job, &b.instance))
    });
    Ok(out)
}

//! Building the one batched PromQL query of a poll, percent-encoding it, and parsing
//! `query_range` matrices (vectors are parsed by [`crate::live::parse_query`]).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_yaml::Value;

use crate::live::LiveError;

/// The label every part of the batched query is tagged with, so one answer splits back.
pub const PART_LABEL: &str = "explorer_part";

/// Parts of the batched query.
pub const PART_UP: &str = "up";
pub const PART_RATE: &str = "rate";
pub const PART_RATE_5XX: &str = "rate5xx";
pub const PART_RATE_4XX: &str = "rate4xx";
pub const PART_P95: &str = "p95";

/// Escapes a literal for an RE2 regex (`job=~"a|b"`).
pub fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A PromQL double-quoted string literal.
pub fn string_literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `a|b|c` of escaped literals, as a PromQL string.
pub fn alternation(values: &[String]) -> String {
    let parts: Vec<String> = values.iter().map(|v| regex_escape(v)).collect();
    string_literal(&parts.join("|"))
}

fn tag(expr: &str, part: &str) -> String {
    format!("label_replace({expr}, \"{PART_LABEL}\", \"{part}\", \"\", \"\")")
}

/// What the batched query asks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuerySpec {
    /// Jobs whose `up` series are wanted.
    pub up_jobs: Vec<String>,
    /// Jobs whose request traffic is wanted.
    pub traffic_jobs: Vec<String>,
    /// `__name__` regex of the request counter.
    pub request_metric: String,
    /// `__name__` regex of the request duration histogram buckets.
    pub duration_bucket_metric: String,
    /// Label carrying the HTTP status code.
    pub status_label: String,
    /// Range of `rate()`, e.g. `1m`.
    pub rate_window: String,
}

/// The batched query: every part tagged with [`PART_LABEL`], joined with `or`. `None` when
/// nothing is asked.
pub fn batched_query(q: &QuerySpec) -> Option<String> {
    let mut parts = Vec::new();
    if !q.up_jobs.is_empty() {
        parts.push(tag(
            &format!("up{{job=~{}}}", alternation(&q.up_jobs)),
            PART_UP,
        ));
    }
    if !q.traffic_jobs.is_empty() {
        let jobs = alternation(&q.traffic_jobs);
        let w = &q.rate_window;
        let req = string_literal(&q.request_metric);
        let sel = |extra: &str| format!("{{__name__=~{req},job=~{jobs}{extra}}}");
        let sum = |extra: &str| format!("sum by (job) (rate({}[{w}]))", sel(extra));
        parts.push(tag(&sum(""), PART_RATE));
        let st = &q.status_label;
        parts.push(tag(&sum(&format!(",{st}=~\"5..\"")), PART_RATE_5XX));
        parts.push(tag(&sum(&format!(",{st}=~\"4..\"")), PART_RATE_4XX));
        let bucket = string_literal(&q.duration_bucket_metric);
        parts.push(tag(
            &format!(
                "histogram_quantile(0.95, sum by (job, le) (rate({{__name__=~{bucket},job=~{jobs}}}[{w}])))"
            ),
            PART_P95,
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" or "))
}

/// A workload's request rate and 5xx rate over time, each summed over `q.traffic_jobs` and
/// tagged ([`PART_RATE`], [`PART_RATE_5XX`]): the query of its sparkline (`query_range`,
/// fetched only while its details panel is open). `None` without traffic jobs.
pub fn traffic_history_query(q: &QuerySpec) -> Option<String> {
    if q.traffic_jobs.is_empty() {
        return None;
    }
    let jobs = alternation(&q.traffic_jobs);
    let w = &q.rate_window;
    let req = string_literal(&q.request_metric);
    let sum = |extra: &str| format!("sum(rate({{__name__=~{req},job=~{jobs}{extra}}}[{w}]))");
    let st = &q.status_label;
    Some(format!(
        "{} or {}",
        tag(&sum(""), PART_RATE),
        tag(&sum(&format!(",{st}=~\"5..\"")), PART_RATE_5XX)
    ))
}

/// Percent-encodes a query-string value (RFC 3986 unreserved characters stay).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One series of a `query_range` matrix.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    pub metric: BTreeMap<String, String>,
    /// `(unix seconds, value)`, in the order given.
    pub values: Vec<(f64, f64)>,
}

/// `/api/v1/query_range` → its matrix.
pub fn parse_matrix(text: &str) -> Result<Vec<Series>, LiveError> {
    let v: Value = crate::live::parse_json(text)?;
    match v.get("status").and_then(Value::as_str) {
        Some("success") => {}
        Some("error") => {
            let s = |k: &str| {
                v.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            return Err(LiveError::Prometheus {
                error_type: s("errorType"),
                error: s("error"),
            });
        }
        _ => return Err(LiveError::Shape("no status".into())),
    }
    let data = v
        .get("data")
        .ok_or_else(|| LiveError::Shape("no data".into()))?;
    let kind = data.get("resultType").and_then(Value::as_str).unwrap_or("");
    if kind != "matrix" {
        return Err(LiveError::Shape(format!(
            "unsupported resultType {kind:?}, expected matrix"
        )));
    }
    let result = data
        .get("result")
        .and_then(Value::as_sequence)
        .ok_or_else(|| LiveError::Shape("result is not a list".into()))?;
    result
        .iter()
        .map(|s| {
            let metric = s.get("metric").map(crate::live::labels).unwrap_or_default();
            let values = s
                .get("values")
                .and_then(Value::as_sequence)
                .ok_or_else(|| LiveError::Shape("series has no values".into()))?
                .iter()
                .map(crate::live::sample_value)
                .collect::<Result<Vec<_>, LiveError>>()?;
            Ok(Series { metric, values })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(regex_escape("a.b|c"), "a\\.b\\|c");
        assert_eq!(string_literal("a\"b\\"), "\"a\\\"b\\\\\"");
        assert_eq!(alternation(&["x.y".into(), "z".into()]), "\"x\\\\.y|z\"");
        assert_eq!(
            url_encode("up{job=~\"a\"} or x"),
            "up%7Bjob%3D~%22a%22%7D%20or%20x"
        );
    }

    #[test]
    fn query_parts() {
        let q = QuerySpec {
            up_jobs: vec!["a".into(), "b".into()],
            traffic_jobs: vec!["a".into()],
            request_metric: ".+_http_request_total".into(),
            duration_bucket_metric: ".+_bucket".into(),
            status_label: "status".into(),
            rate_window: "1m".into(),
        };
        let s = batched_query(&q).unwrap();
        assert!(s.starts_with("label_replace(up{job=~\"a|b\"}, \"explorer_part\", \"up\""));
        assert_eq!(s.matches(" or ").count(), 4);
        assert!(s.contains("status=~\"5..\""));
        let empty = QuerySpec {
            up_jobs: vec![],
            traffic_jobs: vec![],
            ..q
        };
        assert_eq!(batched_query(&empty), None);
    }

    #[test]
    fn matrix() {
        let ok = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"a"},"values":[[1,"1"],[2,"NaN"]]}]}}"#;
        let m = parse_matrix(ok).unwrap();
        assert_eq!(m[0].values[0], (1.0, 1.0));
        assert!(m[0].values[1].1.is_nan());
        assert!(matches!(
            parse_matrix(r#"{"status":"error","errorType":"bad_data","error":"x"}"#),
            Err(LiveError::Prometheus { .. })
        ));
        assert!(matches!(
            parse_matrix("<html>502</html>"),
            Err(LiveError::Json(_))
        ));
        assert!(matches!(
            parse_matrix(r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#),
            Err(LiveError::Shape(_))
        ));
    }
}

//! The live section of a workload's details panel: its state with the evidence behind it,
//! its replicas, and a sparkline of its recent traffic (request rate and 5xx rate from the
//! core's `query_range`, fetched by the page only while the panel is open).

use explorer_core::status::promql::{parse_matrix, Series, PART_LABEL, PART_RATE, PART_RATE_5XX};
use explorer_core::status::{Drift, Evidence, Observation, Outcome, State, WorkloadStatus};

use crate::html;
use crate::html::Html;

/// The sparkline's drawing box (SVG user units; the page scales it to the panel's width).
pub const WIDTH: f64 = 240.0;
pub const HEIGHT: f64 = 40.0;

/// The glyph that goes with a state, so it is never told by colour alone.
pub fn glyph(state: State) -> &'static str {
    match state {
        State::Healthy => "✓",
        State::Degraded => "!",
        State::Down => "✕",
        State::Unknown => "?",
    }
}

/// How fast the token runs along an entry edge, from its request rate (Kiali-style: the
/// token's speed follows the traffic): `None` is no traffic, so no token.
pub fn token_speed(rate_rps: Option<f64>) -> Option<&'static str> {
    match rate_rps? {
        r if r.is_nan() || r <= 0.0 => None,
        r if r < 1.0 => Some("slow"),
        r if r < 20.0 => Some("medium"),
        _ => Some("fast"),
    }
}

/// The replicas seen against those declared: "2 of 2 up", "1 declared" (no targets seen), or
/// "–".
pub fn replicas_text(s: &WorkloadStatus) -> String {
    match (s.replicas_up, s.replicas_declared) {
        (Some(up), Some(declared)) => format!("{up} of {declared} up"),
        (Some(up), None) => format!("{up} up"),
        (None, Some(declared)) => format!("{declared} declared"),
        (None, None) => "–".to_string(),
    }
}

/// "drift: 2 declared, 1 seen, 1 missing" when the targets seen differ from the declared
/// replicas.
pub fn drift_text(d: &Drift) -> String {
    let mut out = format!("drift: {} declared, {} seen", d.declared, d.seen);
    if d.missing > 0 {
        out.push_str(&format!(", {} missing", d.missing));
    }
    if d.extra > 0 {
        out.push_str(&format!(", {} extra", d.extra));
    }
    out
}

/// The items of an evidence list (the panel's and the status page's), stale ones marked.
pub fn evidence_items(evidence: &[Evidence]) -> Html {
    let mut h = Html::new();
    for e in evidence {
        html!(
            h,
            r#"<li data-status="{}" class="{}"><code>{}</code> {}</li>"#,
            e.state.as_str(),
            if e.stale { "stale" } else { "" },
            e.source,
            e.text
        );
    }
    h
}

/// State, reason, replicas and the evidence list of one workload.
pub fn status_markup(s: &WorkloadStatus) -> Html {
    let mut h = Html::new();
    html!(
        h,
        r#"<p class="live-state" data-status="{}"><span class="status-glyph" aria-hidden="true">{}</span> <strong>{}</strong>: {}</p><p class="live-replicas">Replicas: {}"#,
        s.state.as_str(),
        glyph(s.state),
        s.state.as_str(),
        s.reason,
        replicas_text(s)
    );
    if let Some(d) = &s.drift {
        html!(h, "; {}", drift_text(d));
    }
    html!(
        h,
        r#"</p><ul class="evidence">{}</ul>"#,
        evidence_items(&s.evidence)
    );
    h
}

/// The finite samples of the series tagged `part`, in time order.
fn part(series: &[Series], part: &str) -> Vec<(f64, f64)> {
    series
        .iter()
        .filter(|s| s.metric.get(PART_LABEL).map(String::as_str) == Some(part))
        .flat_map(|s| s.values.iter().copied())
        .filter(|(t, v)| t.is_finite() && v.is_finite())
        .collect()
}

/// `values` in the [`WIDTH`] × [`HEIGHT`] box: `start_s..end_s` across, `0..max` up (a
/// `max` of 0 draws the line along the bottom). As the `points` attribute of a polyline.
pub fn polyline_points(values: &[(f64, f64)], start_s: f64, end_s: f64, max: f64) -> String {
    let span = (end_s - start_s).max(1.0);
    let mut out = String::new();
    for (t, v) in values {
        let x = ((t - start_s) / span).clamp(0.0, 1.0) * WIDTH;
        let y = if max > 0.0 {
            HEIGHT - (v / max).clamp(0.0, 1.0) * HEIGHT
        } else {
            HEIGHT
        };
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&format!("{x:.1},{y:.1}"));
    }
    out
}

/// The sparkline of request rate and 5xx rate between `start_s` and `end_s`, on one scale,
/// with a one-line summary that says the same in words. "No traffic" when there is no
/// sample of the request rate (a rate needs two scrapes; 0 is never made up).
pub fn history_markup(series: &[Series], start_s: f64, end_s: f64) -> Html {
    let rate = part(series, PART_RATE);
    let errors = part(series, PART_RATE_5XX);
    let minutes = ((end_s - start_s) / 60.0).round();
    let mut h = Html::new();
    if rate.is_empty() {
        html!(
            h,
            r#"<p class="history muted" data-testid="history">No traffic in the last {} minutes.</p>"#,
            format!("{minutes:.0}")
        );
        return h;
    }
    let peak = |v: &[(f64, f64)]| v.iter().map(|p| p.1).fold(0.0, f64::max);
    let (rate_peak, error_peak) = (peak(&rate), peak(&errors));
    let now = rate.last().map_or(0.0, |p| p.1);
    let summary = format!(
        "Requests in the last {minutes:.0} minutes: now {now:.1} req/s, peak {rate_peak:.1} req/s; 5xx peak {error_peak:.2} req/s"
    );
    let max = rate_peak.max(error_peak);
    html!(
        h,
        r#"<figure class="history" data-testid="history"><svg viewBox="0 0 {} {}" preserveAspectRatio="none" role="img" aria-label="{}"><polyline class="rate" points="{}"/>"#,
        format!("{WIDTH}"),
        format!("{HEIGHT}"),
        summary,
        polyline_points(&rate, start_s, end_s, max)
    );
    if !errors.is_empty() {
        html!(
            h,
            r#"<polyline class="errors" points="{}"/>"#,
            polyline_points(&errors, start_s, end_s, max)
        );
    }
    html!(h, "</svg><figcaption>{}</figcaption></figure>", summary);
    h
}

/// The sparkline of an answered `query_range` covering the `window_s` before it was made, or
/// a line saying why there is none.
pub fn history_of(o: &Observation, window_s: f64) -> Html {
    let end_s = (o.at_ms / 1000.0).floor();
    let failed = |why: &str| {
        let mut h = Html::new();
        html!(
            h,
            r#"<p class="history muted" data-testid="history">Traffic history unavailable: {}</p>"#,
            why
        );
        h
    };
    match &o.outcome {
        Outcome::Response { status: 200, body } => match parse_matrix(body) {
            Ok(series) => history_markup(&series, end_s - window_s, end_s),
            Err(e) => failed(&e.to_string()),
        },
        Outcome::Response { status, .. } => failed(&format!("HTTP {status}")),
        Outcome::Timeout => failed("timed out"),
        Outcome::Failed { error } => failed(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use explorer_core::status::promql::parse_matrix;

    const MATRIX: &str = r#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"explorer_part":"rate"},"values":[[1000,"2"],[1030,"4"],[1060,"NaN"],[1090,"1"]]},
        {"metric":{"explorer_part":"rate5xx"},"values":[[1030,"0.5"]]}]}}"#;

    #[test]
    fn sparkline_from_a_real_matrix() {
        let series = parse_matrix(MATRIX).unwrap();
        let h = history_markup(&series, 1000.0, 1090.0);
        let s = h.as_str();
        // NaN left out: three points of the rate, on a scale whose top is its peak (4).
        assert!(
            s.contains(r#"<polyline class="rate" points="0.0,20.0 80.0,0.0 240.0,30.0"/>"#),
            "{s}"
        );
        assert!(
            s.contains(r#"<polyline class="errors" points="80.0,35.0"/>"#),
            "{s}"
        );
        assert!(
            s.contains("now 1.0 req/s, peak 4.0 req/s; 5xx peak 0.50 req/s"),
            "{s}"
        );
    }

    #[test]
    fn no_samples_is_no_traffic_not_zero() {
        let h = history_markup(&[], 0.0, 900.0);
        assert!(h.as_str().contains("No traffic in the last 15 minutes."));
        assert!(!h.as_str().contains("polyline"));
    }

    #[test]
    fn token_speed_follows_the_rate() {
        assert_eq!(token_speed(None), None);
        assert_eq!(token_speed(Some(0.0)), None);
        assert_eq!(token_speed(Some(f64::NAN)), None);
        assert_eq!(token_speed(Some(0.2)), Some("slow"));
        assert_eq!(token_speed(Some(5.0)), Some("medium"));
        assert_eq!(token_speed(Some(117.0)), Some("fast"));
    }

    #[test]
    fn replicas_and_drift() {
        let d = Drift {
            declared: 2,
            seen: 1,
            missing: 1,
            extra: 0,
        };
        assert_eq!(drift_text(&d), "drift: 2 declared, 1 seen, 1 missing");
    }

    #[test]
    fn flat_zero_stays_on_the_bottom() {
        assert_eq!(
            polyline_points(&[(0.0, 0.0), (10.0, 0.0)], 0.0, 10.0, 0.0),
            "0.0,40.0 240.0,40.0"
        );
    }
}

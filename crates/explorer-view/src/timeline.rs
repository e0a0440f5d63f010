//! The startup timeline's geometry: one row per workload, time on the x-axis, from the core's
//! earliest start and ready times. Pure numbers; the page draws them.

use explorer_core::flows::TimelineRow;

pub const ROW_HEIGHT: f64 = 28.0;
pub const LABEL_WIDTH: f64 = 120.0;
pub const AXIS_HEIGHT: f64 = 22.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub node: String,
    pub label: String,
    pub y: f64,
    /// Waiting for dependencies: x from, x to (empty when it waits for nothing).
    pub wait: (f64, f64),
    /// Started, before the first readiness check can pass.
    pub run: (f64, f64),
    /// The ready mark.
    pub ready_x: f64,
    pub blocked: bool,
    /// What the row says in words (its accessible name).
    pub summary: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub width: f64,
    pub height: f64,
    pub bars: Vec<Bar>,
    /// Axis ticks: x and label.
    pub ticks: Vec<(f64, String)>,
}

/// Lays out `rows` in `width` pixels.
pub fn timeline(rows: &[TimelineRow], width: f64) -> Timeline {
    let end = rows
        .iter()
        .map(|r| r.ready.max(r.start))
        .max()
        .unwrap_or(0)
        .max(1);
    // A round tick step giving about 6 ticks.
    let step = [1u32, 2, 5, 10, 15, 30, 60, 120, 300, 600]
        .into_iter()
        .find(|s| end / s <= 6)
        .unwrap_or(end.div_ceil(6).max(1));
    let span = f64::from(end.div_ceil(step) * step);
    let plot = (width - LABEL_WIDTH - 16.0).max(50.0);
    let x = |t: u32| LABEL_WIDTH + f64::from(t) / span * plot;
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let summary = if r.blocked {
                format!(
                    "{}: never ready, its init containers wait in a cycle",
                    r.name
                )
            } else if r.start > 0 {
                format!(
                    "{}: waits {} s, starts at {} s, ready at {} s",
                    r.name, r.start, r.start, r.ready
                )
            } else {
                format!("{}: starts at once, ready at {} s", r.name, r.ready)
            };
            Bar {
                node: r.node.clone(),
                label: r.name.clone(),
                y: AXIS_HEIGHT + i as f64 * ROW_HEIGHT,
                wait: (x(0), x(r.start)),
                run: (x(r.start), x(r.ready.max(r.start))),
                ready_x: x(r.ready),
                blocked: r.blocked,
                summary,
            }
        })
        .collect();
    let mut ticks = Vec::new();
    let mut t = 0;
    while f64::from(t) <= span {
        ticks.push((x(t), format!("{t} s")));
        t += step;
    }
    Timeline {
        width,
        height: AXIS_HEIGHT + rows.len() as f64 * ROW_HEIGHT + 4.0,
        bars,
        ticks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, start: u32, ready: u32) -> TimelineRow {
        TimelineRow {
            node: format!("Deployment/ns/{name}"),
            name: name.into(),
            waits_for: Vec::new(),
            start,
            ready,
            poll: None,
            readiness: None,
            blocked: false,
        }
    }

    #[test]
    fn later_rows_start_further_right() {
        let t = timeline(&[row("db", 0, 5), row("api", 5, 15)], 600.0);
        assert_eq!(t.bars.len(), 2);
        assert!(t.bars[1].run.0 > t.bars[0].run.0);
        assert!((t.bars[1].run.0 - t.bars[0].ready_x).abs() < 1e-9);
        assert!(t.bars.iter().all(|b| b.ready_x <= 600.0));
        assert_eq!(t.ticks.first().map(|x| x.1.as_str()), Some("0 s"));
        assert!(t.bars[1].summary.contains("ready at 15 s"));
    }

    #[test]
    fn empty_and_zero_are_fine() {
        let t = timeline(&[], 300.0);
        assert!(t.bars.is_empty() && !t.ticks.is_empty());
        let t = timeline(&[row("a", 0, 0)], 10.0);
        assert!(t.bars[0].ready_x.is_finite());
    }
}

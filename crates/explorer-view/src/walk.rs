//! Markup of the walkthrough pages' static parts, on [`Html`]: the list of a flow's steps,
//! the startup timeline, the health-check table and a step's facts. Written here rather than
//! as Leptos views: they are redrawn whole when they change, and each `view!` tree would be
//! its own compiled type in the wasm (these four as views cost about 6 KB gzipped, measured
//! with `make dist`). Natively tested.

use explorer_core::flows::{Fact, Flow, HealthCheck};

use crate::html;
use crate::html::Html;
use crate::timeline::Timeline;
use crate::url;

/// A step's facts under a heading: `file · field · value`, or nothing.
pub fn facts(facts: &[Fact]) -> Html {
    let mut h = Html::new();
    if facts.is_empty() {
        return h;
    }
    h.push_static(r#"<h3>From the manifests</h3>"#);
    h.push_html(&facts_inline(facts));
    h
}

/// The facts as a list, without a heading (in a table cell), or nothing.
pub fn facts_inline(facts: &[Fact]) -> Html {
    let mut h = Html::new();
    if facts.is_empty() {
        return h;
    }
    h.push_static(r#"<ul class="facts" data-testid="facts">"#);
    for f in facts {
        html!(
            h,
            r#"<li><code class="file">{}</code> · <code>{}</code> · <code class="value">{}</code></li>"#,
            f.file,
            f.field,
            f.value
        );
    }
    h.push_static("</ul>");
    h
}

/// Every step of a flow by phase, as links to `{base}/flows/{kind}?step=N`; step `current`
/// (1-based) is marked.
pub fn step_list(flow: &Flow, base: &str, current: usize) -> Html {
    let mut h = Html::new();
    h.push_static(r#"<ol class="phases">"#);
    let mut n = 0usize;
    for p in &flow.phases {
        html!(
            h,
            r#"<li class="phase"><span class="phase-title">{}{}</span><ol start="{}">"#,
            p.title,
            if p.parallel { " (side by side)" } else { "" },
            n + 1
        );
        for s in &p.steps {
            n += 1;
            let cur = if n == current {
                r#" aria-current="step""#
            } else {
                ""
            };
            html!(
                h,
                r#"<li><a href="{}/flows/{}?step={}" data-testid="step-link""#,
                base,
                flow.kind.as_str(),
                n
            );
            h.push_static(cur);
            html!(h, ">{}</a></li>", s.title);
        }
        h.push_static("</ol></li>");
    }
    h.push_static("</ol>");
    h
}

/// The startup timeline as an inline SVG with its legend.
pub fn timeline_svg(tl: &Timeline) -> Html {
    let mut h = Html::new();
    html!(
        h,
        r#"<svg viewBox="0 0 {} {}" width="100%" role="img" aria-label="Startup timeline">"#,
        tl.width,
        tl.height
    );
    for (x, label) in &tl.ticks {
        html!(
            h,
            r#"<g class="tick"><line x1="{}" x2="{}" y1="14" y2="{}"/><text x="{}" y="11" text-anchor="middle">{}</text></g>"#,
            x,
            x,
            tl.height,
            x,
            label
        );
    }
    for b in &tl.bars {
        let y = b.y + 5.0;
        html!(
            h,
            r#"<g class="tl-row{}" data-node="{}"><title>{}</title><text class="tl-label" x="4" y="{}">{}</text>"#,
            if b.blocked { " blocked" } else { "" },
            b.node,
            b.summary,
            y + 13.0,
            b.label
        );
        html!(
            h,
            r#"<rect class="tl-wait" x="{}" y="{}" width="{}" height="18" rx="4"/><rect class="tl-run" x="{}" y="{}" width="{}" height="18" rx="4"/><path class="tl-ready" d="M{} {} l6 9 l-6 9 l-6 -9 z"/></g>"#,
            b.wait.0,
            y,
            (b.wait.1 - b.wait.0).max(0.0),
            b.run.0,
            y,
            (b.run.1 - b.run.0).max(2.0),
            b.ready_x,
            y
        );
    }
    h.push_static(concat!(
        r#"</svg><ul class="tl-legend">"#,
        r#"<li><span class="tl-key tl-wait"></span>waiting for what it depends on</li>"#,
        r#"<li><span class="tl-key tl-run"></span>started, before the first readiness check</li>"#,
        r#"<li><span class="tl-key tl-ready"></span>earliest ready</li></ul>"#
    ));
    h
}

/// Every probe: workload, kind, handler, timings and what a failure does.
pub fn checks_table(checks: &[HealthCheck], base: &str) -> Html {
    let mut h = Html::new();
    if checks.is_empty() {
        h.push_static(
            r#"<p data-testid="no-checks">No workload in these manifests declares a probe.</p>"#,
        );
        return h;
    }
    h.push_static(concat!(
        r#"<table class="findings checks" data-testid="health-checks"><thead><tr>"#,
        r#"<th scope="col">Workload</th><th scope="col">Probe</th><th scope="col">Checks</th>"#,
        r#"<th scope="col">Delay</th><th scope="col">Every</th><th scope="col">Timeout</th>"#,
        r#"<th scope="col">Fails after</th><th scope="col">When it fails</th></tr></thead><tbody>"#
    ));
    for c in checks {
        html!(
            h,
            r#"<tr data-kind="{}" data-workload="{}"><th scope="row"><a href="{}/?node={}">{}</a><span class="muted"> / {}</span></th>"#,
            c.kind.as_str(),
            c.node,
            base,
            url::encode(&c.node),
            c.workload,
            c.container
        );
        html!(
            h,
            r#"<td>{}</td><td><code>{}</code></td><td class="num">{} s</td><td class="num">{} s</td><td class="num">{} s</td><td class="num">{}</td><td data-testid="consequence">{}</td></tr>"#,
            c.kind.as_str(),
            c.handler,
            c.initial_delay,
            c.period,
            c.timeout,
            c.failure_threshold,
            c.consequence
        );
    }
    h.push_static("</tbody></table>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use explorer_core::flows::{FlowKind, Phase, Step, Target};

    #[test]
    fn step_list_marks_the_current_step_and_escapes() {
        let flow = Flow {
            kind: FlowKind::Traffic,
            title: "t".into(),
            summary: String::new(),
            phases: vec![Phase {
                title: "a<b".into(),
                parallel: true,
                steps: (1..=3)
                    .map(|i| Step {
                        target: Target::Node(format!("n{i}")),
                        title: format!("step <{i}>"),
                        text: String::new(),
                        facts: Vec::new(),
                    })
                    .collect(),
            }],
            timeline: Vec::new(),
        };
        let h = step_list(&flow, "/explorer", 2);
        assert!(h.contains(r#"href="/explorer/flows/traffic?step=2" data-testid="step-link" aria-current="step">step &lt;2&gt;</a>"#), "{h}");
        assert_eq!(h.matches("aria-current").count(), 1);
        assert!(h.contains("a&lt;b (side by side)"));
    }

    #[test]
    fn facts_are_escaped() {
        let f = Fact {
            file: "k8s/a.yml".into(),
            line: 1,
            field: "data".into(),
            value: "<script>".into(),
        };
        let h = facts(&[f]);
        assert!(h.contains("&lt;script&gt;") && !h.contains("<script>"));
        assert!(facts(&[]).is_empty());
    }
}

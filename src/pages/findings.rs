//! `/explorer/findings`: every problem the core found in the manifests (load errors with file,
//! document and line; broken references; selectors that match nothing; invalid quantities;
//! …), errors first, each linked to its node on the diagram.

use std::sync::Arc;

use explorer_core::problems::Problem;
use explorer_core::relations::Severity;
use explorer_view::url;
use leptos::prelude::*;

use crate::manifests::{use_manifests, Loaded, WithManifests};
use crate::route::BASE;

#[component]
pub fn FindingsPage() -> impl IntoView {
    let show = |loaded: Arc<Loaded>| view! { <FindingsList loaded /> };
    view! {
        <section class="page">
            <h1>"Findings"</h1>
            <p class="lede">
                "Everything the explorer found wrong or worth a look in the manifests: documents it could not read, references to objects that are not there, selectors that match nothing, quantities it cannot parse."
            </p>
            <WithManifests children=show />
        </section>
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// A glyph per severity, so the severity never rests on colour alone.
fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✖",
        Severity::Warning => "▲",
        Severity::Info => "ℹ",
    }
}

#[component]
fn FindingsList(loaded: Arc<Loaded>) -> impl IntoView {
    let c = loaded.counts;
    if loaded.problems.is_empty() {
        return view! { <p class="status-line" data-testid="no-findings">"No problem found."</p> }
            .into_any();
    }
    let rows = loaded
        .problems
        .iter()
        .cloned()
        .map(|p| view! { <FindingRow problem=p /> })
        .collect_view();
    view! {
        <p class="findings-summary" data-testid="findings-summary">
            {format!(
                "{} errors, {} warnings, {} info",
                c.errors,
                c.warnings,
                c.infos,
            )}
        </p>
        <div class="table-wrap">
            <table class="findings" aria-label="Findings">
                <thead>
                    <tr>
                        <th scope="col">"Severity"</th>
                        <th scope="col">"Rule"</th>
                        <th scope="col">"Where"</th>
                        <th scope="col">"What"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn FindingRow(problem: Problem) -> impl IntoView {
    let sev = severity_word(problem.severity);
    let place = problem
        .location
        .as_ref()
        .map(|l| format!("{}:{} (document {})", l.path, l.line, l.document));
    let node = problem.object.clone().map(|id| {
        let href = format!("{BASE}/?node={}", url::encode(&id));
        view! { <a href=href data-node=id.clone()>{id.clone()}</a> }
    });
    view! {
        <tr data-severity=sev data-rule=problem.rule.clone()>
            <td class=format!("sev sev-{sev}")>
                <span aria-hidden="true">{severity_icon(problem.severity)}" "</span>
                {sev}
            </td>
            <td><code>{problem.rule.clone()}</code></td>
            <td class="where">{node}{place.map(|p| view! { <div class="file">{p}</div> })}</td>
            <td class="what">{problem.message.clone()}</td>
        </tr>
    }
}

/// The count in the header's "Findings" link: errors and warnings, once the manifests are in.
#[component]
pub fn FindingsBadge() -> impl IntoView {
    let ctx = use_manifests();
    move || {
        ctx.data.get().and_then(|r| r.ok()).and_then(|loaded| {
            let c = loaded.counts;
            (c.total() > 0).then(|| {
                let class = if c.errors > 0 { "badge bad" } else { "badge warn" };
                let label = format!("{} errors, {} warnings, {} info", c.errors, c.warnings, c.infos);
                view! {
                    <span class=class data-testid="findings-count" title=label.clone() aria-label=label>
                        {c.total()}
                    </span>
                }
            })
        })
    }
}

//! What the colours and line styles mean.

use explorer_core::relations::Family;
use leptos::prelude::*;

const TIERS: [(&str, &str); 5] = [
    ("tier-proxy", "proxy / entry"),
    ("tier-api", "application"),
    ("tier-database", "data"),
    ("tier-monitoring", "monitoring"),
    ("tier-visualization", "dashboards"),
];

#[component]
pub fn Legend() -> impl IntoView {
    view! {
        <div class="legend" role="note" aria-label="Legend">
            <ul class="legend-edges">
                {Family::ALL
                    .into_iter()
                    .map(|fam| {
                        let (f, text) = (fam.as_str(), fam.label());
                        view! {
                            <li>
                                <svg width="26" height="10" aria-hidden="true">
                                    <line class=format!("legend-line {f}") x1="1" y1="5" x2="25" y2="5" />
                                </svg>
                                {text}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <ul class="legend-tiers">
                {TIERS
                    .into_iter()
                    .map(|(class, text)| {
                        view! {
                            <li>
                                <span class=format!("tier-chip {class}")></span>
                                {text}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="legend-note">"Stacked cards are pods. +N counts objects folded into a workload."</p>
        </div>
    }
}

//! What the colours and line styles mean.

use leptos::prelude::*;

const FAMILIES: [(&str, &str); 7] = [
    ("traffic", "Traffic: requests between workloads and Services"),
    ("entry", "Entry: from outside the cluster"),
    ("config", "Config: ConfigMaps and Secrets a workload reads"),
    ("storage", "Storage: volumes and claims"),
    ("metrics", "Metrics: scrapes and datasources"),
    ("rbac", "RBAC: identities and permissions"),
    ("policy", "Policy: NetworkPolicies that select pods"),
];

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
        <details class="legend" open=true>
            <summary>"Legend"</summary>
            <ul class="legend-edges">
                {FAMILIES
                    .into_iter()
                    .map(|(f, text)| {
                        view! {
                            <li>
                                <svg width="34" height="10" aria-hidden="true">
                                    <line class=format!("legend-line {f}") x1="1" y1="5" x2="33" y2="5" />
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
            <p class="legend-note">"Stacked cards are pods (replicas). A +N badge counts the objects folded into a workload."</p>
        </details>
    }
}

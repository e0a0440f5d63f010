//! Each workload's share of a node of a given size (CPU and memory, requests and limits), as
//! bars: the resources page's "does it fit?" view. Pure arithmetic on the core's resource
//! table; the node size is the user's.

use explorer_core::resources::ResourceTable;

use crate::html;
use crate::html::Html;

/// A node's allocatable CPU (millicores) and memory (bytes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeSize {
    pub cpu_millicores: f64,
    pub memory_bytes: f64,
}

impl Default for NodeSize {
    /// 2 CPU and 4 GiB.
    fn default() -> Self {
        NodeSize {
            cpu_millicores: 2000.0,
            memory_bytes: 4.0 * 1024.0 * 1024.0 * 1024.0,
        }
    }
}

/// Percentages of the node: CPU request, CPU limit, memory request, memory limit.
pub type Shares = [f64; 4];

fn pct(part: u64, whole: f64) -> f64 {
    if whole > 0.0 {
        part as f64 * 100.0 / whole
    } else {
        0.0
    }
}

/// Per workload (all its pods together), then the total of all workloads.
pub fn shares(table: &ResourceTable, node: NodeSize) -> (Vec<(String, String, Shares)>, Shares) {
    let of = |cr: u64, cl: u64, mr: u64, ml: u64| {
        [
            pct(cr, node.cpu_millicores),
            pct(cl, node.cpu_millicores),
            pct(mr, node.memory_bytes),
            pct(ml, node.memory_bytes),
        ]
    };
    let rows = table
        .rows
        .iter()
        .map(|r| {
            let t = &r.total;
            (
                r.workload.clone(),
                r.name.clone(),
                of(
                    t.cpu_request_millicores,
                    t.cpu_limit_millicores,
                    t.memory_request_bytes,
                    t.memory_limit_bytes,
                ),
            )
        })
        .collect();
    let t = &table.total;
    let total = of(
        t.cpu_request_millicores,
        t.cpu_limit_millicores,
        t.memory_request_bytes,
        t.memory_limit_bytes,
    );
    (rows, total)
}

const LABELS: [&str; 4] = ["CPU request", "CPU limit", "Memory request", "Memory limit"];

fn bar(h: &mut Html, label: &str, p: f64) {
    // A bar past 100 % is drawn full and marked: the workload does not fit that node.
    let over = p > 100.0;
    html!(
        h,
        r#"<td class="share{}"><svg viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true"><rect class="track" width="100" height="8" rx="2"/><rect class="fill" width="{:.1}" height="8" rx="2"/></svg><span>{} {}%</span></td>"#,
        if over { " over" } else { "" },
        p.clamp(0.0, 100.0),
        label,
        format!("{p:.0}")
    );
}

/// The share table: a row per workload and a total row, each with four bars.
pub fn share_table(table: &ResourceTable, node: NodeSize) -> Html {
    let (rows, total) = shares(table, node);
    let mut h = Html::new();
    h.push_static(
        r#"<table class="shares" data-testid="shares"><thead><tr><th scope="col">Workload</th>"#,
    );
    for l in LABELS {
        html!(h, r#"<th scope="col">{}</th>"#, l);
    }
    h.push_static("</tr></thead><tbody>");
    for (id, name, s) in &rows {
        html!(
            h,
            r#"<tr data-share="{}"><th scope="row">{}</th>"#,
            id,
            name
        );
        for (l, p) in LABELS.iter().zip(s) {
            bar(&mut h, l, *p);
        }
        h.push_static("</tr>");
    }
    h.push_static(r#"</tbody><tfoot><tr class="total" data-testid="share-total"><th scope="row">All pods</th>"#);
    for (l, p) in LABELS.iter().zip(&total) {
        bar(&mut h, l, *p);
    }
    h.push_static("</tr></tfoot></table>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use explorer_core::load::{load_sources, Source};
    use explorer_core::resources::table;

    fn one(cpu: &str, mem: &str, replicas: u32) -> ResourceTable {
        let text = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata: {{labels: {{a: b}}}}\n    spec:\n      containers:\n      - name: c\n        image: x:1\n        resources: {{requests: {{cpu: {cpu}, memory: {mem}}}, limits: {{cpu: {cpu}, memory: {mem}}}}}\n"
        );
        let m = load_sources(&[Source {
            path: "w.yaml".into(),
            text,
        }]);
        table(&m)
    }

    #[test]
    fn shares_follow_replicas_and_node_size() {
        let t = one("500m", "1Gi", 2);
        let (rows, total) = shares(&t, NodeSize::default());
        assert_eq!(rows[0].2, [50.0, 50.0, 50.0, 50.0]);
        assert_eq!(total, rows[0].2);
        let big = NodeSize {
            cpu_millicores: 4000.0,
            memory_bytes: 8.0 * 1024f64.powi(3),
        };
        assert_eq!(shares(&t, big).1, [25.0, 25.0, 25.0, 25.0]);
        let zero = NodeSize {
            cpu_millicores: 0.0,
            memory_bytes: 0.0,
        };
        assert_eq!(shares(&t, zero).1, [0.0; 4]);
    }

    #[test]
    fn an_oversized_workload_is_marked_and_its_bar_capped() {
        let t = one("3", "1Gi", 1);
        let out = share_table(&t, NodeSize::default()).into_string();
        assert!(out.contains(r#"<td class="share over">"#));
        assert!(out.contains("CPU request 150%"));
        assert!(out.contains(r#"class="fill" width="100.0""#));
    }
}

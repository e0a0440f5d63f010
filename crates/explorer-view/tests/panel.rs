//! The details panel's HTML: what a newcomer reads when clicking a node.
#[path = "../../explorer-core/tests/common/mod.rs"]
mod common;

use explorer_core::details::describe;
use explorer_core::graph::build;
use explorer_view::panel::{
    attached_list, config_sources, node_link, sections_after, sections_before,
};

const BASE: &str = "/explorer";

fn all_html(sections: &[explorer_view::panel::Section]) -> String {
    sections.iter().map(|s| s.html.as_str()).collect()
}

#[test]
fn flask_app_panel() {
    let Some(dir) = common::k8s_dir() else { return };
    let m = common::load_dir(&dir);
    let g = build(&m);
    let d = describe(&m, &g, "Deployment/budget-app/flask-app").unwrap();
    let config = config_sources(&m, &g, &d);
    let names: Vec<&str> = config.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["flask-secret"],
        "the Secrets and ConfigMaps flask-app reads"
    );
    let before = sections_before(&d, &config, BASE);
    let ids: Vec<&str> = before.iter().map(|s| s.id).collect();
    assert_eq!(ids[0], "facts");
    for want in ["containers", "ports", "probes", "env", "config", "mounts"] {
        assert!(ids.contains(&want), "{want} in {ids:?}");
    }
    let html = all_html(&before);
    assert!(html.contains("<dt>Replicas</dt><dd>2 pods</dd>"), "{html}");
    assert!(html.contains(
        r#"<li data-probe="readiness"><strong>readiness</strong> <code>GET /api/health :5000</code> · every 5s, starts after 10s"#
    ));
    // Secret-sourced env shows where it comes from, never a value.
    assert!(html.contains(r#"<code>DATABASE_URL</code> <span class="redacted">from secret flask-secret key DATABASE_URL</span>"#));
    assert!(!html.contains("budget_pass"));
    assert!(html.contains(
        r#"<a href="/explorer/?node=Secret%2Fbudget-app%2Fflask-secret">Secret flask-secret</a>"#
    ));

    let after = all_html(&sections_after(&d, BASE));
    assert!(
        after.contains("DATABASE_URL") && after.contains("postgres-service:5432"),
        "{after}"
    );
    assert!(after.contains(r#"class="edge-item" data-edge="#));
    assert!(!after.contains("budget_pass"));
}

#[test]
fn every_text_is_escaped() {
    let y = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {tier: '<b>x</b>'}\nspec:\n  containers:\n  - name: c\n    image: \"i<script>alert(1)</script>\"\n    env:\n    - {name: MODE, value: '<img src=x onerror=alert(1)>'}\n";
    let m = explorer_core::load::load_sources(&[common::src("p.yaml", y)]);
    let g = build(&m);
    let d = describe(&m, &g, "Pod/default/p").unwrap();
    let html = all_html(&sections_before(&d, &[], BASE)) + &all_html(&sections_after(&d, BASE));
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "{html}"
    );
    assert!(html.contains("i&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("= &lt;img src=x onerror=alert(1)&gt;"));
    assert_eq!(explorer_view::html::escape(r#"a"'&"#), "a&quot;&#39;&amp;");
}

#[test]
fn links_select_nodes_through_the_url() {
    assert_eq!(
        node_link(BASE, "Service/ns/a b").as_str(),
        r#"<a href="/explorer/?node=Service%2Fns%2Fa%20b">Service a b</a>"#
    );
    let list = attached_list(&["ConfigMap/ns/c".to_string()], "/explorer/");
    assert!(list
        .as_str()
        .contains(r#"href="/explorer/?node=ConfigMap%2Fns%2Fc""#));
}

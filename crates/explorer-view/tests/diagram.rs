//! The diagram's projection, scene and SVG export on the real manifests.

#[path = "../../explorer-core/tests/common/mod.rs"]
mod common;

use explorer_core::graph;
use explorer_view::palette::Theme;
use explorer_view::project::{project, Role, ViewOptions};
use explorer_view::scene::{compose, Scene};
use explorer_view::svg::{scene_markup, standalone_svg, FileOptions, Markup};

const NS: &str = "budget-app";

fn id(kind: &str, name: &str) -> String {
    format!("{kind}/{NS}/{name}")
}

fn budget_app() -> (explorer_core::Model, graph::Graph) {
    let dir = common::k8s_dir().expect("k8s/ exists");
    let model = common::load_dir(&dir);
    let g = graph::build(&model);
    (model, g)
}

fn has_edge(view: &explorer_view::project::ViewGraph, from: &str, to: &str) -> bool {
    view.edges.iter().any(|e| e.from == from && e.to == to)
}

#[test]
fn collapsed_view_reads_like_the_seed_picture() {
    let (_, g) = budget_app();
    let v = project(&g, &ViewOptions::default());
    let workloads: Vec<&str> = v
        .nodes
        .iter()
        .filter(|n| n.role == Role::Workload)
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(
        workloads,
        ["flask-app", "grafana", "nginx", "postgres", "prometheus"]
    );
    let pods: u32 = v.nodes.iter().filter_map(|n| n.replicas).sum();
    assert_eq!(pods, 6);
    // Everything else is folded into the workloads (and the namespace is a frame).
    assert_eq!(
        v.nodes.len(),
        6,
        "{:?}",
        v.nodes.iter().map(|n| &n.id).collect::<Vec<_>>()
    );
    assert!(has_edge(
        &v,
        "External//internet",
        &id("Deployment", "nginx")
    ));
    assert!(has_edge(
        &v,
        &id("Deployment", "nginx"),
        &id("Deployment", "flask-app")
    ));
    assert!(has_edge(
        &v,
        &id("Deployment", "flask-app"),
        &id("Deployment", "postgres")
    ));
    assert!(has_edge(
        &v,
        &id("Deployment", "prometheus"),
        &id("Deployment", "flask-app")
    ));
    assert!(has_edge(
        &v,
        &id("Deployment", "grafana"),
        &id("Deployment", "prometheus")
    ));
    let flask = v.node(&id("Deployment", "flask-app")).unwrap();
    assert_eq!(flask.services, ["flask-service"]);
    assert!(flask.folded.contains(&id("Secret", "flask-secret")));
    let postgres = v.node(&id("Deployment", "postgres")).unwrap();
    assert!(postgres
        .folded
        .contains(&"PersistentVolume//postgres-pv".to_string()));
    // Folded edges keep the provenance of what they stand for.
    let db = v
        .edges
        .iter()
        .find(|e| e.from == id("Deployment", "flask-app") && e.to == id("Deployment", "postgres"))
        .unwrap();
    assert!(
        db.provenance.iter().any(|p| p.contains("DATABASE_URL")),
        "{:?}",
        db.provenance
    );
}

#[test]
fn expanding_shows_the_whole_chain() {
    let (_, g) = budget_app();
    let v = project(
        &g,
        &ViewOptions {
            expand_all: true,
            ..Default::default()
        },
    );
    let chain = [
        (id("Deployment", "nginx"), id("Service", "flask-service")),
        (
            id("Service", "flask-service"),
            id("Deployment", "flask-app"),
        ),
        (
            id("Deployment", "flask-app"),
            id("Service", "postgres-service"),
        ),
        (
            id("Service", "postgres-service"),
            id("Deployment", "postgres"),
        ),
        (
            id("Deployment", "postgres"),
            id("PersistentVolumeClaim", "postgres-pvc"),
        ),
        (
            id("PersistentVolumeClaim", "postgres-pvc"),
            "PersistentVolume//postgres-pv".to_string(),
        ),
        (
            id("Deployment", "prometheus"),
            id("Deployment", "flask-app"),
        ),
        (
            id("Deployment", "grafana"),
            id("Service", "prometheus-service"),
        ),
        (
            "External//internet".to_string(),
            id("Service", "nginx-service"),
        ),
    ];
    for (from, to) in chain {
        assert!(has_edge(&v, &from, &to), "{from} -> {to}");
    }
    // Expanding one workload only unfolds its own objects.
    let one = project(
        &g,
        &ViewOptions {
            expanded: [id("Deployment", "postgres")].into(),
            ..Default::default()
        },
    );
    assert!(one
        .node(&id("PersistentVolumeClaim", "postgres-pvc"))
        .is_some());
    assert!(one.node(&id("Service", "flask-service")).is_none());
}

#[test]
fn filters_hide_kinds_and_families() {
    let (_, g) = budget_app();
    let mut opts = ViewOptions {
        expand_all: true,
        ..Default::default()
    };
    opts.hidden_kinds.insert("Secret".into());
    opts.hidden_families
        .insert(explorer_core::relations::Family::Metrics);
    let v = project(&g, &opts);
    assert!(v.nodes.iter().all(|n| n.kind != "Secret"));
    assert!(v
        .edges
        .iter()
        .all(|e| e.family != explorer_core::relations::Family::Metrics));
    assert!(v
        .edges
        .iter()
        .all(|e| v.node(&e.from).is_some() && v.node(&e.to).is_some()));
}

fn overlaps(s: &Scene) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, a) in s.nodes.iter().enumerate() {
        for b in &s.nodes[i + 1..] {
            if a.x < b.x + b.width
                && b.x < a.x + a.width
                && a.y < b.y + b.height
                && b.y < a.y + a.height
            {
                out.push((a.node.id.clone(), b.node.id.clone()));
            }
        }
    }
    out
}

#[test]
fn the_scene_has_no_overlaps_and_frames_contain_their_nodes() {
    let (model, g) = budget_app();
    for opts in [
        ViewOptions::default(),
        ViewOptions {
            expand_all: true,
            ..Default::default()
        },
    ] {
        let s = compose(&project(&g, &opts), &model.host_ports);
        assert_eq!(overlaps(&s), Vec::<(String, String)>::new());
        let ns = s
            .frames
            .iter()
            .find(|f| f.id == format!("namespace:{NS}"))
            .expect("namespace frame");
        for n in s
            .nodes
            .iter()
            .filter(|n| n.node.namespace.as_deref() == Some(NS))
        {
            assert!(
                n.x >= ns.x
                    && n.y >= ns.y
                    && n.x + n.width <= ns.x + ns.width
                    && n.y + n.height <= ns.y + ns.height,
                "{} inside the frame",
                n.node.id
            );
        }
        let ext = s.node("External//internet").expect("the browser node");
        let cluster = s.frames.iter().find(|f| f.id == "cluster").unwrap();
        assert!(
            ext.x + ext.width < cluster.x,
            "the browser sits outside the cluster"
        );
        // The flow reads left to right: browser, nginx, flask, postgres.
        let x = |name: &str| s.node(&id("Deployment", name)).unwrap().x;
        assert!(
            ext.x < x("nginx") && x("nginx") < x("flask-app") && x("flask-app") < x("postgres")
        );
        assert!(s.width >= cluster.x + cluster.width && s.height >= cluster.y + cluster.height);
        let entry = s
            .edges
            .iter()
            .find(|e| e.from == "External//internet")
            .unwrap();
        assert_eq!(
            entry.label.as_ref().map(|l| l.text.as_str()),
            Some("localhost:8889 → :80")
        );
    }
}

#[test]
fn traffic_and_metrics_edges_are_labelled_with_their_ports_clear_of_nodes() {
    let (model, g) = budget_app();
    let s = compose(&project(&g, &ViewOptions::default()), &model.host_ports);
    let label = |from: &str, to: &str| {
        s.edges
            .iter()
            .find(|e| e.from == id("Deployment", from) && e.to == id("Deployment", to))
            .and_then(|e| e.label.as_ref())
            .map(|l| l.text.clone())
    };
    // The ports the seed names: flask-service:5000, postgres-service:5432,
    // prometheus-service:9090, the scrape of flask-app:5000 and grafana:3000.
    assert_eq!(label("nginx", "flask-app").as_deref(), Some(":5000"));
    assert_eq!(label("flask-app", "postgres").as_deref(), Some(":5432"));
    assert_eq!(label("nginx", "prometheus").as_deref(), Some(":9090"));
    assert_eq!(label("prometheus", "flask-app").as_deref(), Some(":5000"));
    assert_eq!(label("grafana", "prometheus").as_deref(), Some(":9090"));
    assert_eq!(label("prometheus", "grafana").as_deref(), Some(":3000"));
    // Config and storage edges carry no label; no label box overlaps a node.
    for e in &s.edges {
        let Some(l) = &e.label else { continue };
        if e.family.as_str() != "entry" {
            assert!(
                matches!(e.family.as_str(), "traffic" | "metrics"),
                "{}",
                e.id
            );
        }
        let w = explorer_view::project::text_width(&l.text, 12.0);
        let (x0, x1, y0, y1) = (l.x - w / 2.0, l.x + w / 2.0, l.y - 12.0, l.y + 2.0);
        for n in &s.nodes {
            assert!(
                x1 <= n.x || n.x + n.width <= x0 || y1 <= n.y || n.y + n.height <= y0,
                "label {} of {} overlaps {}",
                l.text,
                e.id,
                n.node.id
            );
        }
    }
}

#[test]
fn composing_twice_gives_the_same_scene() {
    let (model, g) = budget_app();
    let v = project(&g, &ViewOptions::default());
    assert_eq!(
        compose(&v, &model.host_ports),
        compose(&v, &model.host_ports)
    );
}

#[test]
fn the_export_is_a_standalone_svg_with_every_node() {
    let (model, g) = budget_app();
    let s = compose(&project(&g, &ViewOptions::default()), &model.host_ports);
    let svg = standalone_svg(
        &s,
        &FileOptions {
            title: "budget-app <architecture>".into(),
            theme: Theme::Light,
        },
    );
    assert!(svg.starts_with("<?xml"));
    assert!(svg.contains(r#"xmlns="http://www.w3.org/2000/svg""#));
    assert!(
        svg.contains("budget-app &lt;architecture&gt;"),
        "titles are escaped"
    );
    for n in &s.nodes {
        assert!(svg.contains(&format!(r#"data-id="{}""#, n.node.id)));
    }
    assert_eq!(svg.matches("<g class=\"node ").count(), s.nodes.len());
    assert_eq!(svg.matches("<g class=\"edge ").count(), s.edges.len());
    // Balanced groups.
    assert_eq!(svg.matches("<g ").count(), svg.matches("</g>").count());
    // The file is the page's drawing without the page's interaction aids.
    let page = scene_markup(&s, Markup::Interactive);
    assert!(svg.contains(scene_markup(&s, Markup::File(Theme::Light)).as_str()));
    assert!(!svg.contains("tabindex") && !svg.contains(r#"class="hit""#));
    assert_eq!(
        page.matches(r#"tabindex="0" role="button""#).count(),
        s.nodes.len()
    );
    assert_eq!(page.matches(r#"<path class="hit""#).count(), s.edges.len());
    assert!(page.contains(r#"aria-label="flask-app Deployment · 2 pods svc flask-service +"#));
    assert!(page.contains(". Deployment flask-app, 2 replicas"));
    // Port labels and provenance travel with the drawing.
    assert!(page.contains(r#"<text class="edge-label""#) && page.contains(">:5432</text>"));
    assert!(page.contains("<title>") && !page.contains("budget_pass"));
}

//! The flows, the health checks and the tour are derived from the manifests: on `k8s/`, on
//! changed copies of it (the walkthrough follows the YAML), and on a fixture written elsewhere.

mod common;

use explorer_core::flows::{self, Flow, FlowKind, Target};
use explorer_core::graph::{build, Graph};
use explorer_core::load::{load_sources, Source};
use explorer_core::{problems, resources, tour, Model};

fn k8s() -> Option<Vec<Source>> {
    common::k8s_dir().map(|d| common::sources(&d))
}

fn changed(mut s: Vec<Source>, file_suffix: &str, from: &str, to: &str) -> Vec<Source> {
    let f = s
        .iter_mut()
        .find(|x| x.path.ends_with(file_suffix))
        .expect("file");
    assert!(f.text.contains(from), "{from:?} not in {file_suffix}");
    f.text = f.text.replacen(from, to, 1);
    s
}

fn derive(sources: &[Source]) -> (Model, Graph, Vec<Flow>) {
    let m = load_sources(sources);
    let g = build(&m);
    let f = flows::derive(&m, &g);
    (m, g, f)
}

fn flow(fl: &[Flow], kind: FlowKind) -> &Flow {
    flows::find(fl, kind).unwrap_or_else(|| panic!("no {kind:?} flow"))
}

/// The nodes a flow's steps visit, in order, once each (edge steps give from, then to).
fn hops(g: &Graph, f: &Flow) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, s) in f.steps() {
        let ids = match &s.target {
            Target::Node(n) => vec![n.clone()],
            Target::Edge(e) => {
                let e = g.edges.iter().find(|x| &x.id == e).expect("edge exists");
                vec![e.from.clone(), e.to.clone()]
            }
        };
        for id in ids {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

fn names(ids: &[String]) -> Vec<&str> {
    ids.iter().map(|i| i.rsplit('/').next().unwrap()).collect()
}

fn fact_values(f: &Flow) -> Vec<(String, String)> {
    f.steps()
        .flat_map(|(_, s)| s.facts.iter().map(|x| (x.field.clone(), x.value.clone())))
        .collect()
}

#[test]
fn traffic_goes_from_the_entry_to_the_volume() {
    let Some(s) = k8s() else { return };
    let (_, g, fl) = derive(&s);
    let t = flow(&fl, FlowKind::Traffic);
    let h = hops(&g, t);
    let n = names(&h);
    let order = [
        "internet",
        "nginx-service",
        "nginx",
        "nginx-config",
        "flask-service",
        "flask-app",
        "flask-secret",
        "postgres-service",
        "postgres",
        "postgres-pvc",
        "postgres-pv",
    ];
    let mut at = 0;
    for want in order {
        let i = n[at..]
            .iter()
            .position(|x| *x == want)
            .unwrap_or_else(|| panic!("{want} missing or out of order in {n:?}"));
        at += i + 1;
    }
    let first = t.step(0).unwrap().1;
    assert!(first.text.contains("localhost:8889"), "{}", first.text);
    assert!(first
        .facts
        .iter()
        .any(|f| f.file.ends_with("k3d-cluster.yaml") && f.value.starts_with("8889:80")));
    let v = fact_values(t);
    assert!(v.contains(&("spec.hostPath.path".into(), "/tmp/k3d-postgres-data".into())));
    assert!(v.contains(&("spec.capacity.storage".into(), "2Gi".into())));
    // Every fact names a file of the set.
    for (_, s) in t.steps() {
        for f in &s.facts {
            assert!(f.file.starts_with("k8s/"), "{f:?}");
        }
    }
}

#[test]
fn metrics_has_interval_path_store_and_datasource() {
    let Some(s) = k8s() else { return };
    let (_, _, fl) = derive(&s);
    let m = flow(&fl, FlowKind::Metrics);
    let flask = m
        .steps()
        .map(|(_, s)| s)
        .find(|s| s.title.contains("flask-app"))
        .expect("flask scrape step");
    assert!(
        flask.text.contains("15s") && flask.text.contains("/metrics"),
        "{}",
        flask.text
    );
    assert!(flask.text.contains("each of the 2 pods"), "{}", flask.text);
    let all: String = m.steps().map(|(_, s)| s.text.clone()).collect();
    assert!(all.contains("emptyDir"), "{all}");
    assert!(
        all.contains("grafana") && all.contains("prometheus-service"),
        "{all}"
    );
}

#[test]
fn startup_follows_the_deploy_script() {
    let Some(s) = k8s() else { return };
    let (_, _, fl) = derive(&s);
    let st = flow(&fl, FlowKind::Startup);
    let titles: Vec<&str> = st.phases.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "1. namespace.yml",
            "2. postgres/",
            "3. flask-app/",
            "4. nginx/",
            "5. monitoring/",
            "6. network-policies.yml"
        ]
    );
    // Storage before pods within a step.
    let pg: Vec<&str> = st.phases[1]
        .steps
        .iter()
        .map(|s| s.title.as_str())
        .collect();
    let pv = pg.iter().position(|t| t.contains("postgres-pv")).unwrap();
    let run = pg
        .iter()
        .position(|t| t.starts_with("Starts postgres"))
        .unwrap();
    assert!(pv < run, "{pg:?}");
    let wait = st
        .steps()
        .map(|(_, s)| s)
        .find(|s| s.title.contains("init container wait-for-postgres"))
        .expect("init step");
    assert!(
        wait.text.contains("pg_isready") && wait.text.contains("every 2 s"),
        "{}",
        wait.text
    );
    let row = |n: &str| st.timeline.iter().find(|r| r.name == n).unwrap().clone();
    let (pg, flask) = (row("postgres"), row("flask-app"));
    assert_eq!((pg.start, pg.ready), (0, 5));
    assert_eq!((flask.start, flask.ready), (5, 15));
    assert_eq!(flask.waits_for, ["Deployment/budget-app/postgres"]);
    assert_eq!(flask.poll, Some(2));
}

#[test]
fn changing_the_yaml_changes_the_walkthrough() {
    let Some(s) = k8s() else { return };
    // scrape_interval
    let (_, _, fl) = derive(&changed(
        s.clone(),
        "prometheus-configmap.yml",
        "scrape_interval: 15s",
        "scrape_interval: 42s",
    ));
    let m = flow(&fl, FlowKind::Metrics);
    assert!(m.steps().any(|(_, s)| s.text.contains("Every 42s")));
    assert!(!m.steps().any(|(_, s)| s.text.contains("Every 15s")));

    // 3 replicas
    let (_, _, fl) = derive(&changed(
        s.clone(),
        "flask-app/deployment.yml",
        "replicas: 2",
        "replicas: 3",
    ));
    let t = flow(&fl, FlowKind::Traffic);
    assert!(t
        .steps()
        .any(|(_, s)| s.text.contains("one of the 3 pods of flask-app")));
    let st = flow(&fl, FlowKind::Startup);
    assert!(st.steps().any(|(_, s)| s.text.contains("3 replicas of")));

    // An init container on nginx that waits for flask-service: nginx now starts after flask.
    let init = "      initContainers:\n        - name: wait-for-flask\n          image: busybox:1.36\n          command: [\"sh\", \"-c\", \"until nc -z flask-service 5000; do sleep 3; done\"]\n        - name: copy-explorer";
    let (m, g, fl) = derive(&changed(
        s.clone(),
        "nginx/deployment.yml",
        "      initContainers:\n        - name: copy-explorer",
        init,
    ));
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let st = flow(&fl, FlowKind::Startup);
    let nginx = st.timeline.iter().find(|r| r.name == "nginx").unwrap();
    assert_eq!(nginx.waits_for, ["Deployment/budget-app/flask-app"]);
    assert_eq!((nginx.start, nginx.ready, nginx.poll), (15, 20, Some(3)));
    assert!(st
        .steps()
        .any(|(_, s)| s.title == "nginx waits: init container wait-for-flask"));
    let tour = tour_of(&m, &g);
    assert!(tour
        .steps
        .iter()
        .any(|s| s.title == "Startup" && s.text[0].contains("nginx ready after 20 s")));
}

fn tour_of(m: &Model, g: &Graph) -> tour::Tour {
    let t = resources::table(m);
    let p = problems::collect(m, g, &t);
    tour::build(m, g, &t, &p)
}

#[test]
fn wordpress_has_traffic_to_mysql_storage_and_no_metrics() {
    let Some(dir) = common::fixture_dir("wordpress") else {
        return;
    };
    let (_, g, fl) = derive(&common::sources(&dir));
    assert!(flows::find(&fl, FlowKind::Metrics).is_none());
    let t = flow(&fl, FlowKind::Traffic);
    let h = hops(&g, t);
    assert_eq!(h.first().map(String::as_str), Some("External//internet"));
    assert_eq!(
        h.get(1).map(String::as_str),
        Some("Service/default/wordpress")
    );
    assert_eq!(
        h.last().map(String::as_str),
        Some("PersistentVolumeClaim/default/mysql-pv-claim"),
        "{h:?}"
    );
}

#[test]
fn health_checks_list_every_probe_with_its_consequence() {
    let Some(s) = k8s() else { return };
    let (m, g, _) = derive(&s);
    let checks = flows::health_checks(&m, &g);
    let probes: usize = s
        .iter()
        .map(|x| {
            x.text.matches("readinessProbe:").count()
                + x.text.matches("livenessProbe:").count()
                + x.text.matches("startupProbe:").count()
        })
        .sum();
    assert_eq!(checks.len(), probes);
    let flask = checks
        .iter()
        .find(|c| c.workload == "flask-app" && c.kind.as_str() == "readiness")
        .unwrap();
    assert!(
        flask.consequence.contains("flask-service"),
        "{}",
        flask.consequence
    );
    assert!(checks
        .iter()
        .filter(|c| c.kind.as_str() == "liveness")
        .all(|c| c.consequence.contains("restarts")));
}

#[test]
fn tour_has_the_nine_parts_in_order_and_takes_annotations() {
    let Some(s) = k8s() else { return };
    let (m, g, _) = derive(&s);
    let t = tour_of(&m, &g);
    let titles: Vec<&str> = t.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles[0], "What budget-app holds");
    assert_eq!(titles[1], "The way in");
    let tiers: Vec<&str> = titles
        .iter()
        .filter(|t| t.starts_with("Tier: "))
        .copied()
        .collect();
    assert_eq!(
        tiers,
        [
            "Tier: nginx",
            "Tier: flask-app",
            "Tier: postgres",
            "Tier: prometheus"
        ]
    );
    let tail: Vec<&str> = titles[2 + tiers.len()..].to_vec();
    assert_eq!(
        tail,
        [
            "Storage and persistence",
            "Monitoring",
            "Startup",
            "Security",
            "Resources",
            "How to deploy"
        ]
    );
    for s in &t.steps {
        assert!(!s.text.is_empty() && !s.text[0].is_empty(), "{}", s.title);
        assert!(!s.focus.is_empty(), "{} has no focus", s.title);
        for f in &s.focus {
            assert!(g.node(f).is_some(), "{f} is not a node");
        }
    }
    let deploy = t.steps.last().unwrap();
    assert_eq!(
        deploy.commands[0],
        "k3d cluster create --config k8s/k3d-cluster.yaml"
    );
    assert_eq!(deploy.commands[1], "kubectl apply -f k8s/namespace.yml");
    assert_eq!(deploy.commands.len(), 17);

    // An annotation replaces a tier's text; another adds a note to step 1.
    let s2 = changed(
        s.clone(),
        "flask-app/deployment.yml",
        "  annotations:\n",
        "  annotations:\n    tour.explorer.dev/text: The budget API, written in Flask.\n",
    );
    let s2 = changed(
        s2,
        "namespace.yml",
        "metadata:\n  name: budget-app\n",
        "metadata:\n  name: budget-app\n  annotations:\n    tour.explorer.dev/note: \"Ask in #budget for access.\"\n",
    );
    let (m, g, _) = derive(&s2);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let t = tour_of(&m, &g);
    let flask = t
        .steps
        .iter()
        .find(|s| s.title == "Tier: flask-app")
        .unwrap();
    assert_eq!(flask.text, ["The budget API, written in Flask."]);
    assert_eq!(
        flask.annotated_by.as_deref(),
        Some("Deployment/budget-app/flask-app")
    );
    assert_eq!(
        t.steps[0].text.last().unwrap(),
        "Ask in #budget for access."
    );
}

#[test]
fn no_flow_is_made_up_for_an_empty_or_unrelated_set() {
    let (_, _, fl) = derive(&[]);
    assert!(fl.is_empty());
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
    let (_, _, fl) = derive(&[Source::new("a.yml", cm)]);
    assert!(flows::find(&fl, FlowKind::Traffic).is_none());
    assert!(flows::find(&fl, FlowKind::Metrics).is_none());
}

#[test]
fn waits_in_a_cycle_are_reported_not_looped() {
    let wl = |name: &str, waits: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: ns\nspec:\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      initContainers:\n        - name: wait\n          image: busybox\n          command: [sh, -c, 'until nc -z {waits} 80; do sleep 1; done']\n      containers:\n        - name: c\n          image: busybox\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: ns\nspec:\n  selector: {{app: {name}}}\n  ports: [{{port: 80}}]\n"
        )
    };
    let (_, _, fl) = derive(&[
        Source::new("a.yml", wl("a", "b")),
        Source::new("b.yml", wl("b", "a")),
    ]);
    let st = flow(&fl, FlowKind::Startup);
    assert!(st.timeline.iter().all(|r| r.blocked), "{:?}", st.timeline);
}

#[test]
fn security_names_the_entry_policies_secret_keys_rbac_and_findings() {
    let Some(s) = k8s() else { return };
    let (m, g, _) = derive(&s);
    let sec = explorer_core::security::derive(&m, &g);
    let entries: Vec<&str> = sec.exposures.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(entries, ["nginx-service"]);
    assert!(
        sec.exposures[0].how.iter().any(|h| h.contains("8889")),
        "{:?}",
        sec.exposures
    );
    // One row per NetworkPolicy in the files, and the default deny is recognised.
    let in_yaml = s
        .iter()
        .map(|f| f.text.matches("kind: NetworkPolicy").count())
        .sum::<usize>();
    assert_eq!(sec.policies.len(), in_yaml);
    assert!(
        sec.policies.iter().any(|p| p.denies_all),
        "{:?}",
        sec.policies
    );
    let pg = sec
        .policies
        .iter()
        .find(|p| p.applies_to == ["postgres"])
        .expect("postgres policy");
    assert_eq!(pg.allows_from, ["flask-app"]);
    let web = sec
        .policies
        .iter()
        .find(|p| p.applies_to == ["nginx"])
        .expect("nginx policy");
    assert_eq!(web.allows_from, ["any source on port 80"]);
    // Secret keys, never values.
    let flask = sec
        .secret_reads
        .iter()
        .find(|r| r.workload == "flask-app" && r.secret == "flask-secret")
        .expect("flask reads");
    assert!(
        flask
            .uses
            .iter()
            .any(|u| u == "env DATABASE_URL (key DATABASE_URL)"),
        "{:?}",
        flask.uses
    );
    let text = serde_json::to_string(&sec).unwrap();
    assert!(
        !text.contains("budget_pass_dev"),
        "no credential in the security view"
    );
    // RBAC: prometheus's account may list pods, cluster-wide.
    let g0 = sec
        .grants
        .iter()
        .find(|g| g.account == "prometheus")
        .expect("prometheus grant");
    assert!(g0.cluster_wide && g0.used_by == ["prometheus"]);
    assert!(
        g0.rules
            .iter()
            .any(|r| r.starts_with("get, list, watch on pods")),
        "{:?}",
        g0.rules
    );
    // Findings, each with a fix: the ones the seed's security model names.
    let rules = |rule: &str| {
        sec.findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.object.rsplit('/').next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        rules("secret-in-manifests").len(),
        m.of_kind("Secret").count()
    );
    assert_eq!(rules("admin-credentials"), ["grafana-admin"]);
    let latest = rules("mutable-image-tag");
    for w in ["prometheus", "grafana", "flask-app", "nginx"] {
        assert!(
            latest.iter().any(|x| x == w),
            "{w} uses :latest: {latest:?}"
        );
    }
    assert!(
        !latest.iter().any(|x| x == "postgres"),
        "postgres:15-alpine is pinned"
    );
    assert_eq!(rules("ephemeral-metrics"), ["prometheus"]);
    assert!(rules("runs-as-root").contains(&"postgres".to_string()));
    assert!(sec
        .findings
        .iter()
        .all(|f| !f.fix.is_empty() && !f.facts.is_empty()));

    // A changed copy: pin prometheus's image and the finding goes.
    let s2 = changed(
        s,
        "prometheus-deployment.yml",
        "image: prom/prometheus:latest",
        "image: prom/prometheus:v2.42.0",
    );
    let (m2, g2, _) = derive(&s2);
    let sec2 = explorer_core::security::derive(&m2, &g2);
    let left: Vec<_> = sec2
        .findings
        .iter()
        .filter(|f| f.rule == "mutable-image-tag" && f.object.ends_with("/prometheus"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn storage_says_what_persists_and_what_is_lost() {
    use explorer_core::storage::{volumes, Fate};
    let Some(s) = k8s() else { return };
    let (m, g, _) = derive(&s);
    let v = volumes(&m, &g);
    let pg = v
        .iter()
        .find(|x| x.workload == "postgres" && x.fate == Fate::Kept)
        .expect("postgres data kept");
    assert!(
        pg.text.contains("postgres-pv") && pg.text.contains("/tmp/k3d-postgres-data"),
        "{}",
        pg.text
    );
    assert!(pg
        .mounts
        .iter()
        .any(|m| m.ends_with(":/var/lib/postgresql/data")));
    let prom = v
        .iter()
        .find(|x| x.workload == "prometheus" && x.volume == "prometheus-storage")
        .unwrap();
    assert_eq!(prom.fate, Fate::Lost);
    // Kept first; every volume of every pod spec listed once.
    assert_eq!(v[0].fate, Fate::Kept);
    let declared: usize = m
        .workloads()
        .filter_map(|w| w.pod())
        .map(|p| p.spec.volumes.as_ref().map_or(0, Vec::len))
        .sum();
    assert_eq!(v.len(), declared);
    // Unrelated input: nothing made up.
    let (m0, g0, _) = derive(&[]);
    assert!(volumes(&m0, &g0).is_empty());
}

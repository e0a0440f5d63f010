mod common;

use common::src;
use explorer_core::load::{load_sources, Source};
use explorer_core::quantity::{format_cpu, format_memory};
use explorer_core::resources::table;

const MI: u64 = 1 << 20;

#[test]
fn budget_app_totals() {
    let Some(dir) = common::k8s_dir() else { return };
    let t = table(&common::load_dir(&dir));
    assert!(t.errors.is_empty(), "{:?}", t.errors);
    assert_eq!(t.total.pods, 6);
    assert_eq!(t.total.cpu_request_millicores, 1200);
    assert_eq!(t.total.cpu_limit_millicores, 2400);
    assert_eq!(t.total.memory_request_bytes, 1216 * MI);
    assert_eq!(t.total.memory_limit_bytes, 2432 * MI);
    let flask = t
        .rows
        .iter()
        .find(|r| r.workload == "Deployment/budget-app/flask-app")
        .unwrap();
    assert_eq!(flask.pods, 2);
    assert_eq!(flask.cpu_request_millicores, 250);
    assert_eq!(flask.total.cpu_request_millicores, 500);
    assert_eq!(flask.memory_limit_bytes, 512 * MI);
    assert!(t.rows.iter().all(|r| r.missing.is_empty()), "{:?}", t.rows);
}

/// Changing a replica count and a limit in an in-memory copy changes the totals.
#[test]
fn budget_app_totals_follow_edits() {
    let Some(dir) = common::k8s_dir() else { return };
    let mut sources = common::sources(&dir);
    let before = table(&load_sources(&sources));
    let flask = sources
        .iter_mut()
        .find(|s| s.path.ends_with("flask-app/deployment.yml"))
        .expect("flask deployment");
    assert!(flask.text.contains("replicas: 2"));
    flask.text = flask.text.replacen("replicas: 2", "replicas: 3", 1);
    let nginx = sources
        .iter_mut()
        .find(|s| s.path.ends_with("nginx/deployment.yml"))
        .expect("nginx deployment");
    let limit = "cpu: 200m";
    assert!(nginx.text.contains(limit));
    nginx.text = nginx.text.replacen(limit, "cpu: \"1\"", 1);
    let after = table(&load_sources(&sources));
    assert_eq!(after.total.pods, before.total.pods + 1);
    assert_eq!(
        after.total.cpu_request_millicores,
        before.total.cpu_request_millicores + 250
    );
    assert_eq!(
        after.total.cpu_limit_millicores,
        before.total.cpu_limit_millicores + 500 + 800
    );
    assert_eq!(
        after.total.memory_request_bytes,
        before.total.memory_request_bytes + 256 * MI
    );
}

fn pod_yaml(kind: &str, extra_spec: &str, init: &str, containers: &str) -> String {
    let api = match kind {
        "Job" | "CronJob" => "batch/v1",
        _ => "apps/v1",
    };
    let template = format!(
        "    metadata: {{labels: {{app: x}}}}\n    spec:\n      initContainers:\n{init}      containers:\n{containers}"
    );
    match kind {
        "CronJob" => format!(
            "apiVersion: {api}\nkind: CronJob\nmetadata: {{name: x}}\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n{}\n",
            format!("{extra_spec}  template:\n{template}")
                .lines()
                .map(|l| format!("    {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        _ => format!("apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x}}\nspec:\n{extra_spec}  selector: {{matchLabels: {{app: x}}}}\n  template:\n{template}"),
    }
}

fn container(name: &str, cpu: &str, mem: &str, extra: &str) -> String {
    format!(
        "      - name: {name}\n        image: i\n{extra}        resources:\n          requests: {{cpu: {cpu}, memory: {mem}}}\n          limits: {{cpu: {cpu}, memory: {mem}}}\n"
    )
}

#[test]
fn init_containers_and_sidecars_like_kubernetes() {
    // App containers: 100m + 200m = 300m. Init containers: a big one-shot 500m, a sidecar
    // (restartPolicy Always) of 50m started before a 400m one-shot.
    let init = format!(
        "{}{}{}",
        container("migrate", "500m", "64Mi", ""),
        container("proxy", "50m", "32Mi", "        restartPolicy: Always\n"),
        container("late", "400m", "16Mi", "")
    );
    let apps = format!(
        "{}{}",
        container("a", "100m", "128Mi", ""),
        container("b", "200m", "128Mi", "")
    );
    let y = pod_yaml("Deployment", "  replicas: 2\n", &init, &apps);
    let m = load_sources(&[Source::new("d.yaml", y)]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let t = table(&m);
    let r = &t.rows[0];
    // max(300 + 50, 500, 50, 400 + 50) = 500
    assert_eq!(r.cpu_request_millicores, 500);
    // max(256 + 32, 64, 32, 16 + 32) = 288Mi
    assert_eq!(r.memory_request_bytes, 288 * MI);
    assert_eq!(r.pods, 2);
    assert_eq!(t.total.cpu_request_millicores, 1000);
}

#[test]
fn replicas_daemonsets_jobs_and_missing() {
    let c = container("c", "100m", "10Mi", "");
    let ds = pod_yaml("DaemonSet", "", "", &c);
    let job = pod_yaml("Job", "  parallelism: 3\n  completions: 2\n", "", &c);
    let cron = pod_yaml("CronJob", "  parallelism: 4\n", "", &c);
    let sts = pod_yaml("StatefulSet", "", "", &c);
    let bare = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n    resources:\n      limits: {cpu: 1}\n";
    let m = load_sources(&[
        src("ds.yaml", &ds.replace("name: x", "name: ds")),
        src("job.yaml", &job.replace("name: x", "name: job")),
        src(
            "cron.yaml",
            &cron.replace(
                "name: x}\nspec:\n  schedule",
                "name: cron}\nspec:\n  schedule",
            ),
        ),
        src("sts.yaml", &sts.replace("name: x", "name: sts")),
        src("pod.yaml", bare),
    ]);
    assert!(m.errors.is_empty(), "{:#?}", m.errors);
    let t = table(&m);
    let pods: Vec<(String, u32, bool)> = t
        .rows
        .iter()
        .map(|r| (r.workload.clone(), r.pods, r.per_node))
        .collect();
    assert_eq!(
        pods,
        vec![
            ("CronJob/default/cron".to_string(), 4, false),
            ("DaemonSet/default/ds".to_string(), 1, true),
            ("Job/default/job".to_string(), 2, false),
            ("Pod/default/p".to_string(), 1, false),
            ("StatefulSet/default/sts".to_string(), 1, false),
        ]
    );
    let pod = t.rows.iter().find(|r| r.kind == "Pod").unwrap();
    // A missing request defaults to the limit, like Kubernetes.
    assert_eq!(pod.cpu_request_millicores, 1000);
    assert_eq!(
        pod.missing,
        vec![
            "c: memory request".to_string(),
            "c: memory limit".to_string()
        ]
    );
}

#[test]
fn invalid_quantities_are_reported() {
    let c = container("c", "lots", "10Mi", "");
    let m = load_sources(&[src("d.yaml", &pod_yaml("Deployment", "", "", &c))]);
    let t = table(&m);
    assert_eq!(t.errors.len(), 2, "{:?}", t.errors);
    assert!(t.errors[0].message.contains("lots"));
    assert_eq!(t.rows[0].cpu_request_millicores, 0);
    assert_eq!(t.rows[0].memory_request_bytes, 10 * MI);
}

#[test]
fn guestbook_requests_only() {
    let Some(dir) = common::fixture_dir("guestbook") else {
        return;
    };
    let t = table(&common::load_dir(&dir));
    assert_eq!(t.total.pods, 6);
    assert_eq!(t.total.cpu_request_millicores, 600);
    assert_eq!(t.total.cpu_limit_millicores, 0);
    assert!(t.rows.iter().all(|r| r.missing.len() == 2));
}

#[test]
fn the_table_figures() {
    let Some(dir) = common::k8s_dir() else { return };
    let t = table(&common::load_dir(&dir));
    assert_eq!(t.total.pods, 6);
    assert_eq!(
        (
            format_cpu(t.total.cpu_request_millicores),
            format_cpu(t.total.cpu_limit_millicores),
            format_memory(t.total.memory_request_bytes),
            format_memory(t.total.memory_limit_bytes)
        ),
        (
            "1200m".into(),
            "2400m".into(),
            "1216Mi".into(),
            "2432Mi".into()
        )
    );
    let flask = t
        .rows
        .iter()
        .find(|r| r.name == "flask-app")
        .expect("flask-app row");
    assert_eq!((flask.pods, flask.kind.as_str()), (2, "Deployment"));
    assert_eq!(format_cpu(flask.cpu_request_millicores), "250m");
    assert!(
        t.rows.iter().all(|r| r.missing.is_empty()),
        "every container has requests and limits"
    );

    // Missing requests are named per workload.
    let y = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n  containers:\n  - {name: '<c>', image: i}\n";
    let t = table(&load_sources(&[Source::new("p.yaml", y)]));
    assert_eq!(t.rows[0].missing.len(), 4, "{:?}", t.rows[0].missing);
    assert!(t.rows[0].missing.iter().all(|m| m.contains("<c>")));
}

mod common;

use explorer_core::graph::build;
use explorer_core::load::{load_sources, Source};
use explorer_core::status::{
    assess, assess_all, plan, Observation, Outcome, Plan, PollSchedule, State, Thresholds,
    WorkloadStatus,
};

const NGINX: &str = "Deployment/budget-app/nginx";
const FLASK: &str = "Deployment/budget-app/flask-app";
const PG: &str = "Deployment/budget-app/postgres";
const PROM: &str = "Deployment/budget-app/prometheus";
const GRAFANA: &str = "Deployment/budget-app/grafana";
const I: f64 = 5_000.0;

fn k8s_sources() -> Option<Vec<Source>> {
    common::k8s_dir().map(|d| common::sources(&d))
}

fn plan_of(sources: &[Source]) -> Plan {
    let model = load_sources(sources);
    plan(&model, &build(&model))
}

fn budget_plan() -> Option<Plan> {
    k8s_sources().map(|s| plan_of(&s))
}

/// The k8s sources with one file's text changed.
fn changed(file_suffix: &str, from: &str, to: &str) -> Option<Vec<Source>> {
    let mut s = k8s_sources()?;
    let f = s
        .iter_mut()
        .find(|x| x.path.ends_with(file_suffix))
        .expect("file");
    assert!(f.text.contains(from), "{from:?} not in {file_suffix}");
    f.text = f.text.replace(from, to);
    Some(s)
}

fn resp(req: &str, at: f64, status: u16, body: &str) -> Observation {
    Observation {
        request: req.into(),
        at_ms: at,
        outcome: Outcome::Response {
            status,
            body: body.into(),
        },
    }
}

fn obs(req: &str, at: f64, outcome: Outcome) -> Observation {
    Observation {
        request: req.into(),
        at_ms: at,
        outcome,
    }
}

fn vector(samples: &[(&[(&str, &str)], &str)]) -> String {
    let items: Vec<String> = samples
        .iter()
        .map(|(labels, v)| {
            let m: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("\"{k}\":\"{v}\""))
                .collect();
            format!(
                "{{\"metric\":{{{}}},\"value\":[1700000000,\"{v}\"]}}",
                m.join(",")
            )
        })
        .collect();
    format!(
        "{{\"status\":\"success\",\"data\":{{\"resultType\":\"vector\",\"result\":[{}]}}}}",
        items.join(",")
    )
}

const HEALTH_OK: &str =
    r#"{"status":"ok","database":{"status":"ok","latency_ms":1.5},"version":"1"}"#;
const HEALTH_DB_DOWN: &str = r#"{"status":"degraded","database":{"status":"error","error":"OperationalError: connection refused","latency_ms":3},"version":"1"}"#;
const NGINX_502: &str =
    r#"{"error":"bad_gateway","message":"the API is not reachable; retry later"}"#;

/// A poll at `at` with `flask` pods' up values, grafana's up value and a health body.
fn poll(at: f64, flask: [&str; 2], grafana: &str, health: (u16, &str)) -> Vec<Observation> {
    let metrics = vector(&[
        (
            &[
                ("__name__", "up"),
                ("explorer_part", "up"),
                ("job", "flask-app"),
                ("namespace", "budget-app"),
                ("pod", "flask-app-7d9f-abcde"),
                ("instance", "10.0.0.1:5000"),
            ],
            flask[0],
        ),
        (
            &[
                ("__name__", "up"),
                ("explorer_part", "up"),
                ("job", "flask-app"),
                ("namespace", "budget-app"),
                ("pod", "flask-app-7d9f-fghij"),
                ("instance", "10.0.0.2:5000"),
            ],
            flask[1],
        ),
        (
            &[
                ("__name__", "up"),
                ("explorer_part", "up"),
                ("job", "grafana"),
                ("instance", "grafana-service:3000"),
            ],
            grafana,
        ),
    ]);
    vec![
        resp("metrics", at, 200, &metrics),
        resp("store-ready", at, 200, "Prometheus Server is Ready.\n"),
        resp("health:Deployment/budget-app/nginx", at, 200, "healthy\n"),
        resp(
            "health:Deployment/budget-app/flask-app",
            at,
            health.0,
            health.1,
        ),
    ]
}

fn status<'a>(all: &'a [WorkloadStatus], id: &str) -> &'a WorkloadStatus {
    all.iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

fn run(p: &Plan, o: &[Observation], now: f64) -> Vec<WorkloadStatus> {
    assess(p, o, now, I, &Thresholds::default())
}

#[test]
fn budget_app_plan() {
    let Some(p) = budget_plan() else { return };
    assert_eq!(p.entry.as_deref(), Some(NGINX));
    let store = p.store.as_ref().expect("metrics store");
    assert_eq!(store.workload, PROM);
    assert_eq!(store.prefix, "/prometheus/");
    let ids: Vec<&str> = p.requests.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "metrics",
            "store-ready",
            "health:Deployment/budget-app/nginx",
            "health:Deployment/budget-app/flask-app"
        ]
    );
    let paths: Vec<&str> = p.requests.iter().map(|r| r.path.as_str()).collect();
    assert!(paths[0].starts_with("/prometheus/api/v1/query?query="));
    assert!(paths[0].contains("flask-app%7Cgrafana"), "{}", paths[0]);
    assert_eq!(
        &paths[1..],
        ["/prometheus/-/ready", "/nginx-health", "/api/health"]
    );
    // Flask: per-replica job, health through `location /`, traffic from the entry.
    let f = p.workload(FLASK).unwrap();
    assert_eq!(f.declared_replicas, Some(2));
    assert_eq!(f.scrape.len(), 1);
    assert_eq!(f.scrape[0].job, "flask-app");
    assert!(f.scrape[0].per_replica);
    assert!(f.health[0].usable && !f.health[0].served_by_entry);
    assert_eq!(f.traffic.len(), 1);
    assert_eq!(f.traffic[0].from, NGINX);
    assert_eq!(f.traffic[0].via, "Service/budget-app/flask-service");
    // nginx: its own /nginx-health location.
    let n = p.workload(NGINX).unwrap();
    assert!(n.is_entry && n.health[0].served_by_entry && n.health[0].usable);
    // PostgreSQL: the database block of Flask's health, by the DATABASE_URL relation.
    let db = p.workload(PG).unwrap().database.as_ref().expect("db link");
    assert_eq!(db.health_of, FLASK);
    assert_eq!(db.service, "Service/budget-app/postgres-service");
    assert!(db.provenance.contains("DATABASE_URL"), "{}", db.provenance);
    assert!(p
        .request("health:Deployment/budget-app/flask-app")
        .unwrap()
        .evidence_for
        .contains(&PG.to_string()));
    // Prometheus: the store, its own probe paths are not routed to it.
    assert!(p.workload(PROM).unwrap().store);
    // Grafana: its scrape target (static, through its Service); /api/health goes to Flask.
    let g = p.workload(GRAFANA).unwrap();
    assert_eq!(g.scrape[0].job, "grafana");
    assert!(!g.scrape[0].per_replica);
    assert!(!g.health[0].usable);
    assert!(
        g.health[0].route.contains("flask-service"),
        "{}",
        g.health[0].route
    );
    // Traffic order: the entry first.
    assert_eq!(p.workloads[0].id, NGINX);
    assert_eq!(p.workloads[1].id, FLASK);
}

#[test]
fn all_up_is_healthy_with_reasons() {
    let Some(p) = budget_plan() else { return };
    let s = run(
        &p,
        &poll(1_000.0, ["1", "1"], "0", (200, HEALTH_OK)),
        1_800.0,
    );
    let f = status(&s, FLASK);
    assert_eq!(f.state, State::Healthy, "{}", f.reason);
    assert_eq!(f.reason, "2 of 2 targets up; health ok 0.8 s ago");
    assert_eq!((f.replicas_up, f.replicas_declared), (Some(2), Some(2)));
    assert_eq!(f.drift, None);
    assert_eq!(status(&s, NGINX).state, State::Healthy);
    assert_eq!(status(&s, PG).state, State::Healthy);
    assert!(status(&s, PG).reason.starts_with("database ok"));
    assert_eq!(status(&s, PROM).state, State::Healthy);
    let g = status(&s, GRAFANA);
    assert_eq!(g.state, State::Down);
    assert_eq!(g.reason, "scrape target unreachable");
}

#[test]
fn grafana_down_reason_takes_the_targets_last_error() {
    let Some(p) = budget_plan() else { return };
    let mut o = poll(1_000.0, ["1", "1"], "0", (200, HEALTH_OK));
    o.push(resp(
        "targets",
        1_000.0,
        200,
        r#"{"status":"success","data":{"activeTargets":[{"labels":{"job":"grafana","instance":"grafana-service:3000"},"health":"down","lastError":"dial tcp: lookup grafana-service: no such host","scrapeUrl":"http://grafana-service:3000/metrics"}]}}"#,
    ));
    let g = status(&run(&p, &o, 2_000.0), GRAFANA).clone();
    assert_eq!(
        g.reason,
        "scrape target unreachable: dial tcp: lookup grafana-service: no such host"
    );
}

#[test]
fn one_replica_down_is_degraded() {
    let Some(p) = budget_plan() else { return };
    let s = run(&p, &poll(0.0, ["1", "0"], "1", (200, HEALTH_OK)), 1_000.0);
    let f = status(&s, FLASK);
    assert_eq!(f.state, State::Degraded);
    assert!(f.reason.starts_with("1 of 2 targets up"), "{}", f.reason);
    assert_eq!(f.replicas_up, Some(1));
}

#[test]
fn missing_replica_is_drift() {
    let Some(p) = budget_plan() else { return };
    let mut o = poll(0.0, ["1", "1"], "1", (200, HEALTH_OK));
    o[0] = resp(
        "metrics",
        0.0,
        200,
        &vector(&[(
            &[
                ("explorer_part", "up"),
                ("job", "flask-app"),
                ("pod", "flask-app-1-a"),
            ],
            "1",
        )]),
    );
    let f = status(&run(&p, &o, 100.0), FLASK).clone();
    assert_eq!(f.state, State::Degraded);
    let d = f.drift.unwrap();
    assert_eq!((d.declared, d.seen, d.missing, d.extra), (2, 1, 1, 0));
    assert!(f.reason.contains("drift: 1 of 2 declared replicas missing"));
}

#[test]
fn database_down_degrades_the_api_and_downs_the_database() {
    let Some(p) = budget_plan() else { return };
    let s = run(
        &p,
        &poll(0.0, ["1", "1"], "1", (200, HEALTH_DB_DOWN)),
        500.0,
    );
    let pg = status(&s, PG);
    assert_eq!(pg.state, State::Down);
    assert_eq!(
        pg.reason,
        "database down: OperationalError: connection refused"
    );
    let f = status(&s, FLASK);
    assert_eq!(f.state, State::Degraded);
    assert!(
        f.reason.contains("database error: OperationalError"),
        "{}",
        f.reason
    );
    // Status ok but a failing database block is still degraded.
    let odd = r#"{"status":"ok","database":{"status":"error","error":"timeout"}}"#;
    let s = run(&p, &poll(0.0, ["1", "1"], "1", (200, odd)), 500.0);
    assert_eq!(status(&s, FLASK).state, State::Degraded);
    assert_eq!(status(&s, PG).state, State::Down);
}

#[test]
fn prometheus_down_means_metrics_unavailable_and_health_alone() {
    let Some(p) = budget_plan() else { return };
    let mut o = poll(0.0, ["1", "1"], "1", (200, HEALTH_OK));
    o[0] = resp(
        "metrics",
        0.0,
        502,
        "<html><body>502 Bad Gateway</body></html>",
    );
    o[1] = resp(
        "store-ready",
        0.0,
        502,
        "<html><body>502 Bad Gateway</body></html>",
    );
    let a = assess_all(&p, &o, 1_000.0, I, &Thresholds::default());
    assert!(a
        .metrics_unavailable
        .as_deref()
        .unwrap()
        .starts_with("metrics unavailable"));
    let f = status(&a.workloads, FLASK);
    assert_eq!(f.state, State::Healthy);
    assert!(f.reason.contains("metrics unavailable"), "{}", f.reason);
    assert_eq!(f.replicas_up, None);
    assert_eq!(status(&a.workloads, PROM).state, State::Down);
    assert_eq!(status(&a.workloads, GRAFANA).state, State::Unknown);
    assert_eq!(status(&a.workloads, PG).state, State::Healthy);
    // A query timing out is the same.
    o[0] = obs("metrics", 0.0, Outcome::Timeout);
    let a = assess_all(&p, &o, 1_000.0, I, &Thresholds::default());
    assert!(a.metrics_unavailable.is_some());
    assert_eq!(status(&a.workloads, FLASK).state, State::Healthy);
}

#[test]
fn api_down_is_down_and_nothing_stays_green() {
    let Some(p) = budget_plan() else { return };
    // Healthy at t=0.
    let mut all = poll(0.0, ["1", "1"], "1", (200, HEALTH_OK));
    assert_eq!(status(&run(&p, &all, 100.0), FLASK).state, State::Healthy);
    // Both replicas gone at t=5 s: nginx answers 502; targets still look up (scrape lag).
    all.extend(poll(I, ["1", "1"], "1", (502, NGINX_502)));
    let s = run(&p, &all, I + 100.0);
    let f = status(&s, FLASK);
    assert_eq!(f.state, State::Down);
    assert!(
        f.reason
            .contains("502 through the entry: the API is not reachable"),
        "{}",
        f.reason
    );
    assert_eq!(
        status(&s, PG).state,
        State::Unknown,
        "no body speaks for the database"
    );
    assert_eq!(
        status(&s, NGINX).state,
        State::Healthy,
        "the entry answered"
    );
    // No more polls: after 2 intervals everything is unknown, nothing green.
    let s = run(&p, &all, I + 2.0 * I + 1.0);
    for w in &s {
        assert_eq!(w.state, State::Unknown, "{}: {}", w.id, w.reason);
        assert!(
            w.reason
                .starts_with("evidence older than 2 polling intervals")
                || w.reason.starts_with("no evidence"),
            "{}",
            w.reason
        );
    }
}

#[test]
fn html_malformed_and_timeouts() {
    let Some(p) = budget_plan() else { return };
    let check = |health: (u16, &str), state: State, needle: &str| {
        let s = run(&p, &poll(0.0, ["1", "1"], "1", health), 10.0);
        let f = status(&s, FLASK);
        let h = f
            .evidence
            .iter()
            .find(|e| e.source == "GET /api/health")
            .unwrap();
        assert_eq!(h.state, state, "{}", h.text);
        assert!(h.text.contains(needle), "{}", h.text);
    };
    check(
        (200, "<!DOCTYPE html><html>app</html>"),
        State::Unknown,
        "HTML page",
    );
    check(
        (200, "{\"status\": "),
        State::Degraded,
        "malformed health JSON",
    );
    check((200, "[1,2]"), State::Degraded, "malformed health JSON");
    check(
        (500, "<html>Internal Server Error</html>"),
        State::Down,
        "HTML error page",
    );
    check((503, NGINX_502), State::Down, "503 through the entry");
    check((404, "{}"), State::Unknown, "404");
    let mut o = poll(0.0, ["1", "1"], "1", (200, HEALTH_OK));
    o[3] = obs(
        "health:Deployment/budget-app/flask-app",
        0.0,
        Outcome::Timeout,
    );
    let s = run(&p, &o, 10.0);
    assert_eq!(status(&s, FLASK).state, State::Down);
    // A network failure says nothing about a backend, but the entry is down when nothing answers.
    let fail = |r: &str| {
        obs(
            r,
            0.0,
            Outcome::Failed {
                error: "NetworkError".into(),
            },
        )
    };
    let o: Vec<Observation> = p.requests.iter().map(|r| fail(&r.id)).collect();
    let s = run(&p, &o, 10.0);
    assert_eq!(status(&s, NGINX).state, State::Down);
    assert_eq!(status(&s, FLASK).state, State::Unknown);
}

#[test]
fn staleness_and_latest_observation_win() {
    let Some(p) = budget_plan() else { return };
    let mut o = poll(0.0, ["1", "0"], "1", (200, HEALTH_OK));
    o.extend(poll(4_000.0, ["1", "1"], "1", (200, HEALTH_OK)));
    assert_eq!(status(&run(&p, &o, 5_000.0), FLASK).state, State::Healthy);
    // Exactly 2 intervals old: still fresh; one ms more: unknown.
    assert_eq!(
        status(&run(&p, &o, 4_000.0 + 2.0 * I), FLASK).state,
        State::Healthy
    );
    let f = status(&run(&p, &o, 4_001.0 + 2.0 * I), FLASK).clone();
    assert_eq!(f.state, State::Unknown);
    assert!(f.evidence.iter().all(|e| e.stale));
    assert_eq!(f.replicas_up, None);
    // No observations at all.
    let s = run(&p, &[], 0.0);
    assert!(s.iter().all(|w| w.state == State::Unknown));
    assert_eq!(status(&s, FLASK).reason, "no evidence yet");
}

fn traffic_poll(rate: &str, r5: Option<&str>, r4: Option<&str>, p95: &str) -> Vec<Observation> {
    let mut o = poll(0.0, ["1", "1"], "1", (200, HEALTH_OK));
    let mut samples: Vec<(&[(&str, &str)], &str)> = vec![
        (
            &[
                ("explorer_part", "up"),
                ("job", "flask-app"),
                ("pod", "flask-app-a-1"),
            ],
            "1",
        ),
        (
            &[
                ("explorer_part", "up"),
                ("job", "flask-app"),
                ("pod", "flask-app-a-2"),
            ],
            "1",
        ),
        (&[("explorer_part", "rate"), ("job", "flask-app")], rate),
        (&[("explorer_part", "p95"), ("job", "flask-app")], p95),
    ];
    if let Some(v) = r5 {
        samples.push((&[("explorer_part", "rate5xx"), ("job", "flask-app")], v));
    }
    if let Some(v) = r4 {
        samples.push((&[("explorer_part", "rate4xx"), ("job", "flask-app")], v));
    }
    o[0] = resp("metrics", 0.0, 200, &vector(&samples));
    o
}

#[test]
fn traffic_thresholds() {
    let Some(p) = budget_plan() else { return };
    let t = Thresholds::default();
    let edge = |o: &[Observation]| assess_all(&p, o, 10.0, I, &t).traffic[0].clone();
    let e = edge(&traffic_poll("10", None, Some("1"), "0.12"));
    assert_eq!(e.state, State::Healthy);
    assert_eq!(e.rate_rps, Some(10.0));
    assert_eq!(e.error_ratio, Some(0.0));
    assert_eq!(e.client_error_ratio, Some(0.1));
    assert_eq!(
        e.text,
        "traffic 10.00 req/s, 5xx 0.00 %, 4xx 10.00 %, p95 120 ms"
    );
    assert_eq!(
        edge(&traffic_poll("10", Some("0.01"), None, "0.1")).state,
        State::Degraded
    );
    assert_eq!(
        edge(&traffic_poll("10", Some("1"), None, "0.1")).state,
        State::Down
    );
    assert_eq!(
        edge(&traffic_poll("10", None, None, "2.5")).state,
        State::Degraded
    );
    // No rate series (fewer than two samples) or a zero rate: "no traffic", never 0.
    let none = edge(&poll(0.0, ["1", "1"], "1", (200, HEALTH_OK)));
    assert_eq!((none.rate_rps, none.text.as_str()), (None, "no traffic"));
    let zero = edge(&traffic_poll("0", None, None, "NaN"));
    assert_eq!(
        (zero.rate_rps, zero.p95_s, zero.state),
        (None, None, State::Unknown)
    );
    // 10 % of 5xx makes the workload down.
    let s = run(&p, &traffic_poll("10", Some("1"), None, "0.1"), 10.0);
    assert_eq!(status(&s, FLASK).state, State::Down);
}

#[test]
fn renamed_scrape_job_follows_the_relabel_rules() {
    let Some(s) = changed(
        "prometheus-configmap.yml",
        "job_name: flask-app",
        "job_name: api-metrics",
    ) else {
        return;
    };
    let p = plan_of(&s);
    let f = p.workload(FLASK).unwrap();
    assert_eq!(f.scrape[0].job, "api-metrics");
    assert!(p.requests[0].path.contains("api-metrics"));
    assert!(!p.requests[0].path.contains("flask-app%7C"));
    // A keep rule that no longer matches the pod labels: no scrape evidence for Flask.
    let Some(s) = changed(
        "prometheus-configmap.yml",
        "regex: flask-app",
        "regex: other-app",
    ) else {
        return;
    };
    let p = plan_of(&s);
    assert!(p.workload(FLASK).unwrap().scrape.is_empty());
    assert!(p.workload(FLASK).unwrap().traffic.is_empty());
}

#[test]
fn dropped_probe_path_drops_the_health_evidence() {
    let Some(s) = changed(
        "flask-app/deployment.yml",
        "          readinessProbe:\n            httpGet:\n              path: /api/health\n              port: http\n            initialDelaySeconds: 10\n            periodSeconds: 5\n            timeoutSeconds: 3\n            failureThreshold: 3\n          livenessProbe:\n            httpGet:\n              path: /api/health\n              port: http\n            initialDelaySeconds: 30\n            periodSeconds: 10\n            timeoutSeconds: 5\n            failureThreshold: 3\n",
        "",
    ) else {
        return;
    };
    let p = plan_of(&s);
    assert!(p.workload(FLASK).unwrap().health.is_empty());
    assert!(p
        .request("health:Deployment/budget-app/flask-app")
        .is_none());
    assert!(p.workload(PG).unwrap().database.is_none());
    assert!(p.requests.len() <= 4);
}

#[test]
fn unrouted_prometheus_prefix_means_no_metrics() {
    let Some(s) = changed(
        "nginx/configmap.yml",
        "api/v1/query|api/v1/query_range|api/v1/targets|-/ready|-/healthy",
        "api/v1/targets",
    ) else {
        return;
    };
    let p = plan_of(&s);
    assert!(p.store.is_none());
    assert!(p.notes.iter().any(|n| n.contains("metrics unavailable")));
    assert!(p
        .requests
        .iter()
        .all(|r| !r.path.starts_with("/prometheus/")));
    let a = assess_all(&p, &[], 0.0, I, &Thresholds::default());
    assert!(a.metrics_unavailable.is_some());
}

/// 50 workloads, each with probes, a Service the entry proxies to, and a scrape job.
fn synthetic(n: usize) -> Vec<Source> {
    let mut docs = String::new();
    let mut locations = String::new();
    let mut jobs = String::new();
    for i in 0..n {
        docs.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w{i}, namespace: s}}\nspec:\n  replicas: 2\n  selector: {{matchLabels: {{app: w{i}}}}}\n  template:\n    metadata: {{labels: {{app: w{i}}}}}\n    spec:\n      containers:\n        - name: c\n          image: x\n          ports: [{{name: http, containerPort: 8080}}]\n          readinessProbe: {{httpGet: {{path: /w{i}/healthz, port: http}}}}\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: w{i}-svc, namespace: s}}\nspec:\n  selector: {{app: w{i}}}\n  ports: [{{port: 80, targetPort: http}}]\n"
        ));
        locations.push_str(&format!(
            "        location /w{i}/ {{ proxy_pass http://w{i}-svc:80; }}\n"
        ));
        jobs.push_str(&format!(
            "      - job_name: j{i}\n        kubernetes_sd_configs: [{{role: pod}}]\n        relabel_configs:\n          - source_labels: [__meta_kubernetes_pod_label_app]\n            action: keep\n            regex: w{i}\n"
        ));
    }
    let edge = format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: edge, namespace: s}}\nspec:\n  selector: {{matchLabels: {{app: edge}}}}\n  template:\n    metadata: {{labels: {{app: edge}}}}\n    spec:\n      containers:\n        - name: c\n          image: proxy\n          readinessProbe: {{httpGet: {{path: /up, port: 80}}}}\n          volumeMounts: [{{name: conf, mountPath: /etc/p}}]\n      volumes: [{{name: conf, configMap: {{name: edge-conf}}}}]\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: edge-svc, namespace: s}}\nspec:\n  type: LoadBalancer\n  selector: {{app: edge}}\n  ports: [{{port: 80}}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: edge-conf, namespace: s}}\ndata:\n  site.conf: |\n    http {{\n      server {{\n        location = /up {{ return 200; }}\n{locations}        location /metrics-api/ {{ proxy_pass http://mon-svc:9090; }}\n      }}\n    }}\n"
    );
    let mon = format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: mon, namespace: s}}\nspec:\n  selector: {{matchLabels: {{app: mon}}}}\n  template:\n    metadata: {{labels: {{app: mon}}}}\n    spec:\n      containers:\n        - name: c\n          image: m\n          readinessProbe: {{httpGet: {{path: /-/ready, port: 9090}}}}\n          volumeMounts: [{{name: conf, mountPath: /etc/m}}]\n      volumes: [{{name: conf, configMap: {{name: mon-conf}}}}]\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: mon-svc, namespace: s}}\nspec:\n  selector: {{app: mon}}\n  ports: [{{port: 9090}}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: mon-conf, namespace: s}}\ndata:\n  scrape.yml: |\n    scrape_configs:\n{jobs}"
    );
    vec![
        common::src(
            "ns.yml",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: s}\n",
        ),
        common::src("w.yml", &docs),
        common::src("edge.yml", &edge),
        common::src("mon.yml", &mon),
    ]
}

#[test]
fn request_budget_is_constant() {
    if let Some(p) = budget_plan() {
        assert!(p.requests.len() <= 4);
    }
    for n in [1, 5, 50] {
        let p = plan_of(&synthetic(n));
        assert_eq!(
            p.entry.as_deref(),
            Some("Deployment/s/edge"),
            "{:?}",
            p.notes
        );
        assert_eq!(
            p.store.as_ref().map(|s| s.prefix.as_str()),
            Some("/metrics-api/")
        );
        assert_eq!(p.requests.len(), 4, "n={n}: {:?}", p.requests);
        let scraped = p.workloads.iter().filter(|w| !w.scrape.is_empty()).count();
        assert_eq!(scraped, n);
        // Every workload's probe is routable; those beyond the budget say why.
        let left: Vec<_> = p
            .workloads
            .iter()
            .flat_map(|w| &w.health)
            .filter_map(|h| h.left_out.as_deref())
            .collect();
        assert_eq!(left.len(), n.saturating_sub(1));
        assert!(left.iter().all(|l| l.contains("request budget of 4")));
        // One query whatever n: its size grows with the job list only.
        assert!(
            p.requests[0].path.len() < 2_000 + 40 * n,
            "{}",
            p.requests[0].path.len()
        );
    }
    let t = Thresholds {
        max_requests: 2,
        ..Thresholds::default()
    };
    let model = load_sources(&synthetic(3));
    let p = explorer_core::status::plan_with(&model, &build(&model), &t);
    assert_eq!(p.requests.len(), 2);
}

#[test]
fn backoff_schedule() {
    let mut s = PollSchedule::default();
    assert_eq!(s.next_delay_ms(), Some(5_000.0));
    let delays: Vec<f64> = (0..5)
        .map(|_| {
            s.record_failure();
            s.next_delay_ms().unwrap()
        })
        .collect();
    assert_eq!(
        delays,
        vec![10_000.0, 20_000.0, 40_000.0, 60_000.0, 60_000.0]
    );
    s.record_success();
    assert_eq!(s.next_delay_ms(), Some(5_000.0));
    s.pause();
    assert_eq!(s.next_delay_ms(), None);
}

/// The sparkline's on-demand `query_range`: the workload's traffic jobs over the last 15
/// minutes, through the prefix the entry routes to the metrics store; nothing for a workload
/// without traffic into it.
#[test]
fn history_path_asks_the_workloads_traffic_over_15_minutes() {
    let Some(p) = budget_plan() else { return };
    let path = p
        .history_path(FLASK, 10_000.5)
        .expect("flask-app has traffic");
    assert!(
        path.starts_with("/prometheus/api/v1/query_range?query="),
        "{path}"
    );
    assert!(path.ends_with("&start=9100&end=10000&step=30"), "{path}");
    let query = path.split("query=").nth(1).unwrap();
    let jobs: Vec<String> = p
        .workload(FLASK)
        .unwrap()
        .traffic
        .iter()
        .flat_map(|t| t.jobs.clone())
        .collect();
    assert!(!jobs.is_empty());
    for j in &jobs {
        assert!(query.contains(j.as_str()), "{j} in {query}");
    }
    assert!(query.contains("rate5xx"), "{query}");
    assert_eq!(
        p.history_path(PG, 10_000.0),
        None,
        "no traffic into postgres"
    );
}

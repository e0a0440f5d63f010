mod common;

use explorer_core::details::describe;
use explorer_core::graph::build;
use explorer_core::live::{
    parse_health, parse_query, parse_targets, HealthStatus, LiveError, TargetHealth,
};

#[test]
fn flask_app_details() {
    let Some(dir) = common::k8s_dir() else { return };
    let m = common::load_dir(&dir);
    let g = build(&m);
    let d = describe(&m, &g, "Deployment/budget-app/flask-app").unwrap();
    assert_eq!(d.kind, "Deployment");
    assert_eq!(d.replicas, Some(2));
    assert!(d
        .images
        .contains(&"devops-final-project-web:latest".to_string()));
    assert!(d
        .ports
        .iter()
        .any(|p| p.port == 5000 && p.name.as_deref() == Some("http")));
    let ready = d.probes.iter().find(|p| p.kind == "readiness").unwrap();
    assert_eq!(ready.handler, "GET /api/health :5000");
    assert_eq!(ready.period_seconds, Some(5));
    assert_eq!(ready.initial_delay_seconds, Some(10));
    let init = &d.init_containers[0];
    assert_eq!(init.name, "wait-for-postgres");
    assert!(init
        .command
        .as_deref()
        .unwrap()
        .contains("pg_isready -h postgres-service -p 5432"));
    let app = &d.containers[0];
    assert_eq!(app.resources.cpu_request.as_deref(), Some("250m"));
    assert_eq!(app.resources.memory_limit.as_deref(), Some("512Mi"));
    let db = d.env.iter().find(|e| e.name == "DATABASE_URL").unwrap();
    assert_eq!(db.source, "secret flask-secret key DATABASE_URL");
    assert_eq!(db.value, None);
    assert!(
        d.edges_out
            .iter()
            .any(|e| e.other == "Service/budget-app/postgres-service"
                && e.rule == "service-reference")
    );
    assert!(d
        .edges_in
        .iter()
        .any(|e| e.other == "Service/budget-app/flask-service"));

    let pg = describe(&m, &g, "Deployment/budget-app/postgres").unwrap();
    assert!(
        pg.probes
            .iter()
            .any(|p| p.handler.starts_with("exec pg_isready")),
        "{:?}",
        pg.probes
    );
    assert!(pg
        .volume_mounts
        .iter()
        .any(|v| v.mount_path == "/var/lib/postgresql/data" && v.source == "pvc postgres-pvc"));

    let secret = describe(&m, &g, "Secret/budget-app/flask-secret").unwrap();
    assert!(secret.secret_keys.contains(&"DATABASE_URL".to_string()));
    let json = serde_json::to_string(&secret).unwrap();
    assert!(!json.contains("budget_pass_dev"));

    let svc = describe(&m, &g, "Service/budget-app/flask-service").unwrap();
    let info = svc.service.unwrap();
    assert_eq!(info.type_, "ClusterIP");
    assert_eq!(info.ports[0].target_port.as_deref(), Some("http"));
    let cm = describe(&m, &g, "ConfigMap/budget-app/nginx-config").unwrap();
    assert_eq!(cm.config_keys, vec!["nginx.conf".to_string()]);
    let ext = describe(&m, &g, "External//internet").unwrap();
    assert_eq!(ext.edges_out.len(), 1);
    assert!(describe(&m, &g, "Deployment/x/nope").is_none());
}

#[test]
fn literal_env_values_are_shown_redacted() {
    let y = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n    env:\n    - {name: URL, value: 'http://u:pw@h:1/x'}\n    - {name: API_TOKEN, value: abc}\n    - {name: MODE, value: fast}\n    livenessProbe: {tcpSocket: {port: 8080}, periodSeconds: 3}\n";
    let m = explorer_core::load::load_sources(&[common::src("p.yaml", y)]);
    let g = build(&m);
    let d = describe(&m, &g, "Pod/default/p").unwrap();
    let vals: Vec<Option<&str>> = d.env.iter().map(|e| e.value.as_deref()).collect();
    assert_eq!(
        vals,
        vec![
            Some("http://REDACTED@h:1/x"),
            Some("REDACTED"),
            Some("fast")
        ]
    );
    assert_eq!(d.probes[0].handler, "tcp 8080");
}

#[test]
fn health_responses() {
    let ok = r#"{"status":"ok","database":{"status":"ok","latency_ms":1.25},"version":"1.2.0"}"#;
    let h = parse_health(ok).unwrap();
    assert_eq!(h.status, HealthStatus::Ok);
    let db = h.database.unwrap();
    assert!(db.is_ok());
    assert_eq!(db.latency_ms, Some(1.25));
    assert_eq!(h.version.as_deref(), Some("1.2.0"));
    let bad = r#"{"status":"degraded","database":{"status":"error","latency_ms":2003,"error":"OperationalError: refused"},"version":"1"}"#;
    let h = parse_health(bad).unwrap();
    assert_eq!(h.status, HealthStatus::Degraded);
    assert_eq!(
        h.database.unwrap().error.as_deref(),
        Some("OperationalError: refused")
    );
    assert!(matches!(
        parse_health("<html>502</html>"),
        Err(LiveError::Json(_))
    ));
    assert!(matches!(parse_health("[]"), Err(LiveError::Shape(_))));
    assert!(matches!(parse_health("{}"), Err(LiveError::Shape(_))));
}

#[test]
fn prometheus_query_responses() {
    let v = r#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"__name__":"up","job":"flask-app","instance":"10.0.0.1:5000","pod":"flask-app-1"},"value":[1700000000.5,"1"]},
        {"metric":{"job":"x"},"value":[1700000000,"NaN"]}]}}"#;
    let s = parse_query(v).unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].metric["pod"], "flask-app-1");
    assert_eq!(s[0].value, 1.0);
    assert_eq!(s[0].timestamp, 1_700_000_000.5);
    assert!(s[1].value.is_nan());
    let scalar = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"+Inf"]}}"#;
    assert!(parse_query(scalar).unwrap()[0].value.is_infinite());
    let err = r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
    assert_eq!(
        parse_query(err),
        Err(LiveError::Prometheus {
            error_type: "bad_data".into(),
            error: "parse error".into()
        })
    );
    assert!(matches!(
        parse_query(r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#),
        Err(LiveError::Shape(_))
    ));
    assert!(matches!(
        parse_query(
            r#"{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"x"]}]}}"#
        ),
        Err(LiveError::Shape(_))
    ));
}

#[test]
fn prometheus_targets_responses() {
    let t = r#"{"status":"success","data":{"activeTargets":[
        {"discoveredLabels":{},"labels":{"job":"flask-app","instance":"10.0.0.2:5000","pod":"flask-app-b"},"scrapePool":"flask-app","scrapeUrl":"http://10.0.0.2:5000/metrics","globalUrl":"x","lastError":"","lastScrape":"2024-01-01T00:00:00Z","lastScrapeDuration":0.01,"health":"up"},
        {"labels":{"job":"flask-app","instance":"10.0.0.1:5000"},"scrapePool":"flask-app","lastError":"connection refused","lastScrape":"2024-01-01T00:00:00Z","health":"down"},
        {"labels":{"instance":"localhost:9090"},"scrapePool":"prometheus","health":"unknown"}],"droppedTargets":[]}}"#;
    let ts = parse_targets(t).unwrap();
    let summary: Vec<(&str, &str, TargetHealth)> = ts
        .iter()
        .map(|t| (t.job.as_str(), t.instance.as_str(), t.health))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("flask-app", "10.0.0.1:5000", TargetHealth::Down),
            ("flask-app", "10.0.0.2:5000", TargetHealth::Up),
            ("prometheus", "localhost:9090", TargetHealth::Unknown),
        ]
    );
    assert_eq!(ts[0].last_error, "connection refused");
    assert_eq!(ts[1].pod.as_deref(), Some("flask-app-b"));
    assert!(matches!(
        parse_targets(r#"{"status":"success","data":{}}"#),
        Err(LiveError::Shape(_))
    ));
}

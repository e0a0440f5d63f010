mod common;

use common::src;
use explorer_core::graph::{build, Graph};
use explorer_core::load::load_sources;
use explorer_core::relations::{Family, Severity, RULES};

fn edge<'g>(g: &'g Graph, rule: &str, from: &str, to: &str) -> &'g explorer_core::relations::Edge {
    g.edges
        .iter()
        .find(|e| e.rule == rule && e.from == from && e.to == to)
        .unwrap_or_else(|| {
            let all: Vec<String> = g.edges.iter().map(|e| e.id.clone()).collect();
            panic!("no edge {rule}:{from}->{to} in {all:#?}")
        })
}

fn has_edge(g: &Graph, from: &str, to: &str) -> bool {
    g.edges.iter().any(|e| e.from == from && e.to == to)
}

#[test]
fn rule_table_is_well_formed() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len());
    assert!(RULES
        .iter()
        .all(|r| !r.from_kinds.is_empty() && !r.to_kinds.is_empty() && !r.description.is_empty()));
}

#[test]
fn wordpress_fixture() {
    let Some(dir) = common::fixture_dir("wordpress") else {
        return;
    };
    let g = build(&common::load_dir(&dir));
    let e = edge(
        &g,
        "service-reference",
        "Deployment/default/wordpress",
        "Service/default/wordpress-mysql",
    );
    assert_eq!(e.family, Family::Traffic);
    assert!(
        e.provenance.contains("WORDPRESS_DB_HOST"),
        "{}",
        e.provenance
    );
    assert_eq!(
        e.id,
        "service-reference:Deployment/default/wordpress->Service/default/wordpress-mysql"
    );
    let broken: Vec<_> = g
        .findings
        .iter()
        .filter(|f| f.rule == "broken-reference")
        .collect();
    assert!(broken
        .iter()
        .any(|f| f.object == "Deployment/default/wordpress" && f.message.contains("mysql-pass")));
    assert!(
        broken.iter().all(|f| f.severity == Severity::Error),
        "{broken:?}"
    );
    assert!(!has_edge(
        &g,
        "Deployment/default/wordpress",
        "Secret/default/mysql-pass"
    ));
    edge(
        &g,
        "entry",
        "External//internet",
        "Service/default/wordpress",
    );
    edge(
        &g,
        "service-selector",
        "Service/default/wordpress-mysql",
        "Deployment/default/wordpress-mysql",
    );
    edge(
        &g,
        "mounts-pvc",
        "Deployment/default/wordpress",
        "PersistentVolumeClaim/default/wp-pv-claim",
    );
    // No false positives from MYSQL_DATABASE / MYSQL_USER values.
    assert!(
        !g.findings.iter().any(|f| f.message.contains("names host")),
        "{:?}",
        g.findings
    );
}

#[test]
fn guestbook_fixture() {
    let Some(dir) = common::fixture_dir("guestbook") else {
        return;
    };
    let g = build(&common::load_dir(&dir));
    for name in ["frontend", "redis-master", "redis-replica"] {
        edge(
            &g,
            "service-selector",
            &format!("Service/default/{name}"),
            &format!("Deployment/default/{name}"),
        );
        let svc = g.node(&format!("Service/default/{name}")).unwrap();
        assert_eq!(
            svc.parent.as_deref(),
            Some(format!("Deployment/default/{name}").as_str())
        );
    }
    // Two-key selectors must not cross-match master and replica.
    assert!(!has_edge(
        &g,
        "Service/default/redis-master",
        "Deployment/default/redis-replica"
    ));
    edge(
        &g,
        "entry",
        "External//internet",
        "Service/default/frontend",
    );
    // GET_HOSTS_FROM=dns is not a host reference.
    assert!(g.findings.is_empty(), "{:?}", g.findings);
    assert!(!g.edges.iter().any(|e| e.rule == "service-reference"));
    let fe = g.node("Deployment/default/frontend").unwrap();
    assert_eq!(fe.replicas, Some(3));
    assert_eq!(fe.group.as_deref(), Some("guestbook"));
}

#[test]
fn budget_app_edges() {
    let Some(dir) = common::k8s_dir() else { return };
    let m = common::load_dir(&dir);
    let g = build(&m);
    let ns = "budget-app";
    let d = |n: &str| format!("Deployment/{ns}/{n}");
    let s = |n: &str| format!("Service/{ns}/{n}");

    let e = edge(&g, "service-reference", &d("nginx"), &s("flask-service"));
    assert!(
        e.provenance.contains("proxy_pass")
            || e.reasons.iter().any(|r| r.contains("flask-service:5000")),
        "{e:?}"
    );
    assert!(
        e.reasons.iter().any(|r| r.contains("nginx-config")),
        "{e:?}"
    );
    edge(&g, "service-selector", &s("flask-service"), &d("flask-app"));
    let e = edge(
        &g,
        "service-reference",
        &d("flask-app"),
        &s("postgres-service"),
    );
    assert!(
        e.reasons
            .contains(&"flask-secret: DATABASE_URL → postgres-service:5432".to_string()),
        "{e:?}"
    );
    assert!(
        e.reasons.contains(
            &"flask-app init container wait-for-postgres: pg_isready -h postgres-service -p 5432"
                .to_string()
        ),
        "{e:?}"
    );
    edge(
        &g,
        "service-selector",
        &s("postgres-service"),
        &d("postgres"),
    );
    edge(
        &g,
        "mounts-pvc",
        &d("postgres"),
        &format!("PersistentVolumeClaim/{ns}/postgres-pvc"),
    );
    edge(
        &g,
        "pvc-binding",
        &format!("PersistentVolumeClaim/{ns}/postgres-pvc"),
        "PersistentVolume//postgres-pv",
    );
    let e = edge(&g, "metrics-scrape", &d("prometheus"), &d("flask-app"));
    assert_eq!(e.family, Family::Metrics);
    let e = edge(
        &g,
        "metrics-datasource",
        &d("grafana"),
        &s("prometheus-service"),
    );
    assert_eq!(e.family, Family::Metrics);
    let e = edge(&g, "entry", "External//internet", &s("nginx-service"));
    assert!(
        e.provenance.contains("type LoadBalancer"),
        "{}",
        e.provenance
    );
    assert!(
        e.provenance.contains("k3d: localhost:8889 → 80"),
        "{}",
        e.provenance
    );
    edge(
        &g,
        "uses-configmap",
        &d("nginx"),
        &format!("ConfigMap/{ns}/nginx-config"),
    );
    edge(
        &g,
        "uses-secret",
        &d("flask-app"),
        &format!("Secret/{ns}/flask-secret"),
    );
    edge(
        &g,
        "uses-serviceaccount",
        &d("prometheus"),
        &format!("ServiceAccount/{ns}/prometheus"),
    );
    // The self-scrape (localhost:9090) draws nothing.
    assert!(!has_edge(&g, &d("prometheus"), &s("prometheus-service")));
    assert!(g.findings.is_empty(), "{:#?}", g.findings);

    // Parents: attached objects fold into their workload.
    let parent = |id: &str| g.node(id).and_then(|n| n.parent.clone());
    assert_eq!(parent(&s("flask-service")), Some(d("flask-app")));
    assert_eq!(
        parent(&format!("Secret/{ns}/flask-secret")),
        Some(d("flask-app"))
    );
    assert_eq!(parent("PersistentVolume//postgres-pv"), Some(d("postgres")));
    assert_eq!(
        parent(&format!("PersistentVolumeClaim/{ns}/postgres-pvc")),
        Some(d("postgres"))
    );
    assert_eq!(
        parent("ClusterRole//budget-app-prometheus"),
        Some(d("prometheus"))
    );
    assert_eq!(parent(&d("flask-app")), None);
    assert_eq!(parent("External//internet"), None);

    // Ordering and ids are deterministic.
    assert!(g.nodes.windows(2).all(|w| w[0].id < w[1].id));
    assert!(g.edges.windows(2).all(|w| w[0].id < w[1].id));
    assert!(g
        .edges
        .iter()
        .all(|e| e.id == format!("{}:{}->{}", e.rule, e.from, e.to)));
    assert_eq!(build(&m), g);
    let mut n = g.neighbours(&d("flask-app"));
    n.sort_unstable();
    assert!(
        n.contains(&s("postgres-service").as_str()) && n.contains(&s("flask-service").as_str())
    );
}

const DNS: &str = "\
apiVersion: v1
kind: Namespace
metadata: {name: data}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: data}
spec: {selector: {app: db}, ports: [{port: 5432}]}
---
apiVersion: v1
kind: Service
metadata: {name: cache, namespace: web}
spec: {selector: {app: cache}, ports: [{port: 6379}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: web}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: api
        args: ['--db=postgres://u:p@db.data.svc.cluster.local:5432/x']
        env:
        - {name: A_URL, value: 'http://db.data:5432'}
        - {name: B_HOST, value: db.data.svc}
        - {name: CACHE_ADDR, value: 'cache:6379'}
        - {name: EXTERNAL_URL, value: 'https://api.example.com/v1'}
        - {name: LOCAL, value: 'localhost:8080'}
        - {name: MISSING_HOST, value: 'ghost'}
        - {name: MISSING_URL, value: 'http://phantom.data.svc.cluster.local:80'}
        - {name: GREETING, value: 'hello'}
        - {name: DB_PASSWORD, value: 'cache:6379'}
";

#[test]
fn dns_forms_resolve_and_missing_hosts_are_findings() {
    let m = load_sources(&[src("dns.yaml", DNS)]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let g = build(&m);
    let e = edge(
        &g,
        "service-reference",
        "Deployment/web/api",
        "Service/data/db",
    );
    for r in [
        "api: env A_URL → db.data:5432",
        "api: env B_HOST → db.data.svc",
    ] {
        assert!(
            e.reasons.iter().any(|x| x == r),
            "{r} not in {:?}",
            e.reasons
        );
    }
    assert!(
        e.reasons.iter().any(|r| r
            .contains("container api: --db=postgres://REDACTED@db.data.svc.cluster.local:5432/x")),
        "{:?}",
        e.reasons
    );
    assert!(!e.reasons.iter().any(|r| r.contains("u:p")));
    let e = edge(
        &g,
        "service-reference",
        "Deployment/web/api",
        "Service/web/cache",
    );
    assert_eq!(
        e.reasons,
        vec!["api: env CACHE_ADDR → cache:6379".to_string()]
    );
    let broken: Vec<_> = g
        .findings
        .iter()
        .filter(|f| f.rule == "broken-reference")
        .collect();
    let msgs: Vec<&str> = broken.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("ghost")));
    assert!(msgs
        .iter()
        .any(|m| m.contains("phantom.data.svc.cluster.local:80")));
    assert!(broken
        .iter()
        .all(|f| f.severity == Severity::Warning && f.object == "Deployment/web/api"));
}

const MISC: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: n}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      serviceAccountName: web-sa
      volumes:
      - name: p
        projected:
          sources:
          - configMap: {name: proj-cm}
          - secret: {name: maybe, optional: true}
      - name: c
        configMap: {name: gone}
      containers:
      - name: web
        image: web
        envFrom:
        - configMapRef: {name: env-cm}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: proj-cm, namespace: n}
data:
  app.yaml: |
    backend:
      url: http://api:8080/v1
---
apiVersion: v1
kind: ConfigMap
metadata: {name: env-cm, namespace: n}
data:
  REDIS_HOST: redis
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: n}
spec: {selector: {app: api}}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: n}
spec: {selector: {app: redis}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: n}
spec: {selector: {app: web}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing, namespace: n}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {number: 80}}}
      - path: /old
        pathType: Prefix
        backend: {service: {name: legacy, port: {name: http}}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web-sa, namespace: n}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: n}
rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web-reader, namespace: n}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: web-sa}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: n}
spec:
  podSelector:
    matchExpressions: [{key: tier, operator: In, values: [front]}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: n}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: claim, namespace: n}
spec:
  storageClassName: slow
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 5Gi}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: small}
spec: {storageClassName: slow, accessModes: [ReadWriteOnce], capacity: {storage: 1Gi}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: big}
spec: {storageClassName: slow, accessModes: [ReadWriteOnce, ReadOnlyMany], capacity: {storage: 10Gi}}
";

#[test]
fn structural_rules() {
    let m = load_sources(&[src("misc.yaml", MISC)]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let g = build(&m);
    edge(
        &g,
        "uses-configmap",
        "Deployment/n/web",
        "ConfigMap/n/proj-cm",
    );
    edge(
        &g,
        "uses-configmap",
        "Deployment/n/web",
        "ConfigMap/n/env-cm",
    );
    let e = edge(&g, "service-reference", "Deployment/n/web", "Service/n/api");
    assert_eq!(e.provenance, "proj-cm: app.yaml url → api:8080");
    let e = edge(
        &g,
        "service-reference",
        "Deployment/n/web",
        "Service/n/redis",
    );
    assert_eq!(e.provenance, "env-cm: REDIS_HOST → redis");
    edge(&g, "ingress-backend", "Ingress/n/ing", "Service/n/web");
    edge(&g, "entry", "External//internet", "Ingress/n/ing");
    edge(
        &g,
        "uses-serviceaccount",
        "Deployment/n/web",
        "ServiceAccount/n/web-sa",
    );
    edge(
        &g,
        "binding-role",
        "RoleBinding/n/web-reader",
        "Role/n/reader",
    );
    edge(
        &g,
        "binding-subject",
        "RoleBinding/n/web-reader",
        "ServiceAccount/n/web-sa",
    );
    edge(
        &g,
        "network-policy",
        "NetworkPolicy/n/np",
        "Deployment/n/web",
    );
    let e = edge(
        &g,
        "autoscales",
        "HorizontalPodAutoscaler/n/web",
        "Deployment/n/web",
    );
    assert!(e.provenance.contains("2..5"));
    let e = edge(
        &g,
        "pvc-binding",
        "PersistentVolumeClaim/n/claim",
        "PersistentVolume//big",
    );
    assert!(
        e.provenance.contains("storageClassName slow"),
        "{}",
        e.provenance
    );

    let f: Vec<(String, Severity)> = g
        .findings
        .iter()
        .map(|f| (f.message.clone(), f.severity))
        .collect();
    assert!(
        f.iter()
            .any(|(m, s)| m.contains("ConfigMap n/gone") && *s == Severity::Error),
        "{f:?}"
    );
    assert!(f.iter().any(|(m, _)| m.contains("legacy")), "{f:?}");
    assert!(
        !f.iter().any(|(m, _)| m.contains("maybe")),
        "optional refs are fine: {f:?}"
    );
    assert!(
        f.iter()
            .any(|(m, _)| m.contains("selector app=api matches no workload")),
        "{f:?}"
    );

    let parent = |id: &str| g.node(id).and_then(|n| n.parent.clone());
    assert_eq!(
        parent("RoleBinding/n/web-reader").as_deref(),
        Some("Deployment/n/web")
    );
    assert_eq!(parent("Role/n/reader").as_deref(), Some("Deployment/n/web"));
    assert_eq!(
        parent("HorizontalPodAutoscaler/n/web").as_deref(),
        Some("Deployment/n/web")
    );
    assert_eq!(parent("Service/n/api"), None);
}

const PROM: &str = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: prom, namespace: m}
data:
  prometheus.yml: |
    scrape_configs:
      - job_name: annotated
        kubernetes_sd_configs: [{role: pod}]
        relabel_configs:
          - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
            action: keep
            regex: 'true'
      - job_name: by-service
        kubernetes_sd_configs: [{role: endpoints, namespaces: {names: [m]}}]
        relabel_configs:
          - source_labels: [__meta_kubernetes_service_label_app_kubernetes_io_name]
            action: keep
            regex: (api|worker)
          - source_labels: [__meta_kubernetes_namespace]
            action: drop
            regex: kube-system
      - job_name: everything
        kubernetes_sd_configs: [{role: pod}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus, namespace: m}
spec:
  selector: {matchLabels: {app: prometheus}}
  template:
    metadata: {labels: {app: prometheus}}
    spec:
      containers: [{name: p, image: p}]
      volumes: [{name: c, configMap: {name: prom}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: scraped, namespace: other}
spec:
  selector: {matchLabels: {app: s}}
  template:
    metadata:
      labels: {app: s}
      annotations: {prometheus.io/scrape: 'true'}
    spec:
      containers: [{name: s, image: s}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: m}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: a, image: a}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: m, labels: {app.kubernetes.io/name: api}}
spec: {selector: {app: api}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: quiet, namespace: m}
spec:
  selector: {matchLabels: {app: quiet}}
  template:
    metadata: {labels: {app: quiet}}
    spec:
      containers: [{name: q, image: q}]
";

#[test]
fn prometheus_service_discovery() {
    let m = load_sources(&[src("prom.yaml", PROM)]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let g = build(&m);
    let e = edge(
        &g,
        "metrics-scrape",
        "Deployment/m/prometheus",
        "Deployment/other/scraped",
    );
    assert!(e.provenance.contains("job annotated"), "{}", e.provenance);
    let e = edge(
        &g,
        "metrics-scrape",
        "Deployment/m/prometheus",
        "Deployment/m/api",
    );
    assert!(e.provenance.contains("job by-service"), "{}", e.provenance);
    assert!(!has_edge(
        &g,
        "Deployment/m/prometheus",
        "Deployment/m/quiet"
    ));
}

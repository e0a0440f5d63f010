//! The synthetic app set of the scaling benchmark. Shared by `examples/bench.rs` and
//! `tests/decoders.rs` (via `#[path]`).

use std::fmt::Write;

use explorer_core::load::Source;

/// One app = Deployment + Service + ConfigMap + Secret (4 resources). Each app's env points at
/// the previous app's Service (literal URL, ConfigMap host, Secret URL with credentials).
pub fn synthetic(resources: usize) -> Vec<Source> {
    let apps = resources.div_ceil(4);
    let mut files = Vec::new();
    for i in 0..apps {
        let ns = format!("team-{}", i / 50);
        let prev = if i % 50 == 0 { i } else { i - 1 };
        let mut y = String::new();
        let _ = write!(
            y,
            "apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{i}, namespace: {ns}, labels: {{app: app-{i}, tier: backend}}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: app-{i}}}}}
  template:
    metadata: {{labels: {{app: app-{i}, tier: backend}}}}
    spec:
      containers:
      - name: main
        image: registry.example.com/app-{i}:1.0
        ports: [{{containerPort: 8080, name: http}}]
        env:
        - {{name: UPSTREAM_URL, value: 'http://svc-{prev}:8080/api'}}
        - {{name: DB_PASSWORD, valueFrom: {{secretKeyRef: {{name: secret-{i}, key: password}}}}}}
        envFrom:
        - configMapRef: {{name: config-{i}}}
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{cpu: 500m, memory: 256Mi}}
        readinessProbe: {{httpGet: {{path: /health, port: http}}, periodSeconds: 5}}
---
apiVersion: v1
kind: Service
metadata: {{name: svc-{i}, namespace: {ns}}}
spec:
  selector: {{app: app-{i}}}
  ports: [{{port: 8080, targetPort: http}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: config-{i}, namespace: {ns}}}
data:
  CACHE_HOST: svc-{prev}
  LOG_LEVEL: info
  FEATURE_FLAGS: a,b,c
---
apiVersion: v1
kind: Secret
metadata: {{name: secret-{i}, namespace: {ns}}}
stringData:
  password: s3cr3t-{i}
  DATABASE_URL: postgresql://user:pw-{i}@svc-{prev}.{ns}.svc.cluster.local:5432/db
"
        );
        files.push(Source::new(format!("apps/app-{i}.yaml"), y));
    }
    files
}

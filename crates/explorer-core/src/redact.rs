//! Redaction: Secret values are replaced (keys kept) and credentials in URLs anywhere lose
//! their userinfo. Nothing redacted can be turned back into the value (no hashes, no lengths).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_yaml::Value;

use crate::index::{HostResolution, Index};
use crate::model::{Body, Model, Object};
use crate::netref::{find_urls, is_hostname, parse_url, split_host_port};

/// The replacement text.
pub const REDACTED: &str = "REDACTED";

/// Annotation that repeats the whole object (Secret data included) as JSON.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Env var / key names whose literal values are treated as secrets.
pub fn is_sensitive_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "private_key",
        "credential",
    ]
    .iter()
    .any(|w| n.contains(w))
}

fn is_sensitive_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    is_sensitive_name(&n)
        || ["pwd", "key", "sig", "signature", "auth"]
            .iter()
            .any(|w| n == *w || n.ends_with(&format!("_{w}")) || n.ends_with(&format!("-{w}")))
}

/// Redacts one URL: userinfo → `REDACTED` and query dropped; without userinfo, only the
/// values of sensitive query parameters are replaced.
fn redact_url(url: &str) -> Option<String> {
    let u = parse_url(url)?;
    let mut out = format!("{}://", u.scheme);
    if u.userinfo.is_some() {
        out.push_str(REDACTED);
        out.push('@');
        out.push_str(&u.host_port());
        out.push_str(u.path);
        return Some(out);
    }
    let query = u.query?;
    let mut changed = false;
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, v)) if is_sensitive_param(k) && v != REDACTED => {
                changed = true;
                format!("{k}={REDACTED}")
            }
            _ => p.to_string(),
        })
        .collect();
    if !changed {
        return None;
    }
    out.push_str(&u.host_port());
    out.push_str(u.path);
    out.push('?');
    out.push_str(&params.join("&"));
    if let Some(f) = u.fragment {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}

/// Removes credentials from every URL in the text. Idempotent.
pub fn redact_text(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut last = 0;
    for (start, end) in find_urls(text) {
        if let Some(r) = redact_url(&text[start..end]) {
            out.push_str(&text[last..start]);
            out.push_str(&r);
            last = end;
        }
    }
    if last == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// The redacted form of one Secret value: a URL keeps its service reference
/// (`postgresql://REDACTED@postgres-service:5432/budget`; without userinfo only
/// `scheme://host:port`); a bare `host[:port]` naming a Service of the set is kept
/// (it is an address, not a secret) unless the key is named like a secret; anything else
/// becomes `REDACTED`. Idempotent.
pub fn secret_value(key: &str, value: &str, is_service: &dyn Fn(&str) -> bool) -> String {
    let v = value.trim();
    if let Some(u) = parse_url(v) {
        if is_hostname(u.host) || u.host.starts_with('[') {
            return match u.userinfo {
                Some(_) => format!("{}://{REDACTED}@{}{}", u.scheme, u.host_port(), u.path),
                None => u.origin(),
            };
        }
    }
    let host = split_host_port(v).map_or(v, |(h, _)| h);
    if !is_sensitive_name(key) && is_hostname(host) && is_service(host) {
        return v.to_string();
    }
    REDACTED.to_string()
}

/// The predicate used for Secret values of an object in `namespace`.
pub fn service_predicate<'a>(
    index: &'a Index<'a>,
    namespace: &'a str,
) -> impl Fn(&str) -> bool + 'a {
    move |host| {
        matches!(
            index.resolve_host(host, namespace),
            HostResolution::Service(_)
        )
    }
}

/// A copy of the model with every object redacted.
pub fn redact_model(model: &Model) -> Model {
    let index = Index::new(model);
    Model {
        objects: model
            .objects
            .iter()
            .map(|o| redact_object(o, &index))
            .collect(),
        host_ports: model.host_ports.clone(),
        errors: model.errors.clone(),
    }
}

fn redact_strings(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let Cow::Owned(r) = redact_text(s) {
                *s = r;
            }
        }
        Value::Sequence(seq) => seq.iter_mut().for_each(redact_strings),
        Value::Mapping(m) => m.iter_mut().for_each(|(_, v)| redact_strings(v)),
        Value::Tagged(t) => redact_strings(&mut t.value),
        _ => {}
    }
}

/// Typed → Value → redacted strings → typed. Falls back to the input if the round trip fails
/// (it does not for k8s-openapi types).
fn redact_typed<T: Serialize + DeserializeOwned + Clone>(t: &T) -> T {
    let Ok(mut v) = serde_yaml::to_value(t) else {
        return t.clone();
    };
    if let Some(Value::Mapping(meta)) = v.get_mut("metadata") {
        if let Some(Value::Mapping(ann)) = meta.get_mut("annotations") {
            ann.remove(LAST_APPLIED);
        }
    }
    redact_strings(&mut v);
    serde_yaml::from_value(v).unwrap_or_else(|_| t.clone())
}

fn redact_map(m: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    m.iter()
        .filter(|(k, _)| k.as_str() != LAST_APPLIED)
        .map(|(k, v)| (k.clone(), redact_text(v).into_owned()))
        .collect()
}

/// Redacts one object.
pub fn redact_object(o: &Object, index: &Index<'_>) -> Object {
    let mut out = o.clone();
    out.annotations = redact_map(&o.annotations);
    out.body = match &o.body {
        Body::Secret(s) => {
            let ns = o.namespace.as_deref().unwrap_or("default");
            let is_service = service_predicate(index, ns);
            let mut s = (**s).clone();
            let mut plain: BTreeMap<String, String> = BTreeMap::new();
            for (k, v) in s.data.take().into_iter().flatten() {
                let text = String::from_utf8_lossy(&v.0);
                let redacted = secret_value(&k, &text, &is_service);
                plain.insert(k, redacted);
            }
            for (k, v) in s.string_data.take().into_iter().flatten() {
                let redacted = secret_value(&k, &v, &is_service);
                plain.insert(k, redacted);
            }
            s.string_data = Some(plain);
            if let Some(ann) = s.metadata.annotations.as_mut() {
                ann.remove(LAST_APPLIED);
            }
            Body::Secret(Box::new(redact_typed(&s)))
        }
        Body::Generic(v) => {
            let mut v = v.clone();
            if let Some(Value::Mapping(meta)) = v.get_mut("metadata") {
                if let Some(Value::Mapping(ann)) = meta.get_mut("annotations") {
                    ann.remove(LAST_APPLIED);
                }
            }
            redact_strings(&mut v);
            Body::Generic(v)
        }
        other => {
            let mut b = redact_body(other);
            redact_sensitive_env(&mut b);
            b
        }
    };
    out
}

fn redact_body(b: &Body) -> Body {
    match b {
        Body::Namespace(x) => Body::Namespace(Box::new(redact_typed(&**x))),
        Body::Deployment(x) => Body::Deployment(Box::new(redact_typed(&**x))),
        Body::StatefulSet(x) => Body::StatefulSet(Box::new(redact_typed(&**x))),
        Body::DaemonSet(x) => Body::DaemonSet(Box::new(redact_typed(&**x))),
        Body::Job(x) => Body::Job(Box::new(redact_typed(&**x))),
        Body::CronJob(x) => Body::CronJob(Box::new(redact_typed(&**x))),
        Body::Pod(x) => Body::Pod(Box::new(redact_typed(&**x))),
        Body::Service(x) => Body::Service(Box::new(redact_typed(&**x))),
        Body::Ingress(x) => Body::Ingress(Box::new(redact_typed(&**x))),
        Body::ConfigMap(x) => Body::ConfigMap(Box::new(redact_typed(&**x))),
        Body::Secret(x) => Body::Secret(Box::new(redact_typed(&**x))),
        Body::PersistentVolume(x) => Body::PersistentVolume(Box::new(redact_typed(&**x))),
        Body::PersistentVolumeClaim(x) => Body::PersistentVolumeClaim(Box::new(redact_typed(&**x))),
        Body::ServiceAccount(x) => Body::ServiceAccount(Box::new(redact_typed(&**x))),
        Body::Role(x) => Body::Role(Box::new(redact_typed(&**x))),
        Body::ClusterRole(x) => Body::ClusterRole(Box::new(redact_typed(&**x))),
        Body::RoleBinding(x) => Body::RoleBinding(Box::new(redact_typed(&**x))),
        Body::ClusterRoleBinding(x) => Body::ClusterRoleBinding(Box::new(redact_typed(&**x))),
        Body::NetworkPolicy(x) => Body::NetworkPolicy(Box::new(redact_typed(&**x))),
        Body::HorizontalPodAutoscaler(x) => {
            Body::HorizontalPodAutoscaler(Box::new(redact_typed(&**x)))
        }
        Body::Generic(v) => Body::Generic(v.clone()),
    }
}

/// Literal env values of variables named like secrets (`*_PASSWORD`, `*_TOKEN`, …).
fn redact_sensitive_env(b: &mut Body) {
    if let Some(spec) = b.pod_spec_mut() {
        let containers = spec
            .init_containers
            .iter_mut()
            .flatten()
            .chain(spec.containers.iter_mut());
        for c in containers {
            for e in c.env.iter_mut().flatten() {
                if is_sensitive_name(&e.name) && e.value.as_deref().is_some_and(|v| !v.is_empty()) {
                    e.value = Some(REDACTED.to_string());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_credentials() {
        assert_eq!(
            redact_text("db postgresql://u:p@postgres-service:5432/budget?password=x ok"),
            "db postgresql://REDACTED@postgres-service:5432/budget ok"
        );
        assert_eq!(
            redact_text("https://h/x?a=1&token=abc"),
            "https://h/x?a=1&token=REDACTED"
        );
        assert_eq!(
            redact_text("http://flask-service:5000"),
            "http://flask-service:5000"
        );
        let once = redact_text("redis://:pw@redis:6379/0").into_owned();
        assert_eq!(once, "redis://REDACTED@redis:6379/0");
        assert_eq!(redact_text(&once), once);
    }

    #[test]
    fn secret_values() {
        let svc = |h: &str| h == "postgres-service";
        assert_eq!(
            secret_value(
                "DATABASE_URL",
                "postgresql://user:pw@postgres-service:5432/budget?x=1",
                &svc
            ),
            "postgresql://REDACTED@postgres-service:5432/budget"
        );
        assert_eq!(
            secret_value("K", "https://hooks.example.com/T0/B0/XXXX", &svc),
            "https://hooks.example.com"
        );
        assert_eq!(
            secret_value("K", "postgres-service:5432", &svc),
            "postgres-service:5432"
        );
        assert_eq!(secret_value("K", "hunter2", &svc), REDACTED);
        assert_eq!(secret_value("K", "budget", &svc), REDACTED);
        assert_eq!(secret_value("K", REDACTED, &svc), REDACTED);
        assert_eq!(
            secret_value("DB_PASSWORD", "postgres-service", &svc),
            REDACTED
        );
    }
}

//! Redaction: Secret values are replaced (keys kept) and credentials in URLs anywhere lose
//! their userinfo. Nothing redacted can be turned back into the value (no hashes, no lengths).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_yaml::Value;

use crate::index::{HostResolution, Index};
use crate::model::{Body, LoadError, Model, Object};
use crate::netref::{find_urls, is_hostname, parse_url, split_host_port};
use crate::sort::Collect;

/// The replacement text.
pub const REDACTED: &str = "REDACTED";

/// Annotation that repeats the whole object (Secret data included) as JSON.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Env var / key names whose literal values are treated as secrets.
pub fn is_sensitive_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    SENSITIVE_WORDS.iter().any(|w| n.contains(w))
}

const SENSITIVE_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "private_key",
    "credential",
];

fn is_sensitive_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    is_sensitive_name(&n)
        || ["pwd", "key", "sig", "signature", "auth"]
            .iter()
            .any(|w| n == *w || n.ends_with(&format!("_{w}")) || n.ends_with(&format!("-{w}")))
}

/// Redacts the query of one URL without userinfo: the values of sensitive parameters are
/// replaced. `None` when nothing changes.
fn redact_query(url: &str) -> Option<String> {
    let u = parse_url(url)?;
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
    let user = if u.userinfo.is_some() {
        format!("{REDACTED}@")
    } else {
        String::new()
    };
    let mut out = format!(
        "{}://{user}{}{}?{}",
        u.scheme,
        u.host_port(),
        u.path,
        params.join("&")
    );
    if let Some(f) = u.fragment {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}

/// The userinfo of URLs in one line: from the first `://` to the last `@` after it, whatever
/// lies between (`/`, `?`, `#`, `:`, `%`, `@`, spaces, quotes): a password can hold any of
/// them, so the URL grammar cannot say where it ends. When in doubt this over-redacts (an
/// `@` later on the same line takes the host with it); it never under-redacts. Appends the
/// redacted line to `out`; true when something was replaced.
fn strip_userinfo(line: &str, out: &mut String) -> bool {
    let Some(sep) = line.find("://") else {
        out.push_str(line);
        return false;
    };
    let after = sep + 3;
    match line[after..].rfind('@') {
        Some(at) if line[after..after + at] != *REDACTED => {
            out.push_str(&line[..after]);
            out.push_str(REDACTED);
            out.push_str(&line[after + at..]);
            true
        }
        _ => {
            out.push_str(line);
            false
        }
    }
}

/// Removes credentials from every URL in the text: the userinfo (see [`strip_userinfo`]),
/// and the values of sensitive query parameters. Linear in the text; idempotent.
pub fn redact_text(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let mut stripped = String::with_capacity(text.len());
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        changed |= strip_userinfo(line, &mut stripped);
    }
    let mut out = String::with_capacity(stripped.len());
    let mut last = 0;
    for (start, end) in find_urls(&stripped) {
        if let Some(r) = redact_query(&stripped[start..end]) {
            out.push_str(&stripped[last..start]);
            out.push_str(&r);
            last = end;
            changed = true;
        }
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    out.push_str(&stripped[last..]);
    Cow::Owned(out)
}

/// `key: value`, `key = value`, `"key": "value"` and `KEY=value` lines of a configuration
/// file whose key is named like a secret lose their value. For files embedded in ConfigMaps.
pub fn redact_assignments(text: &str) -> Cow<'_, str> {
    let lower = text.to_ascii_lowercase();
    if !SENSITIVE_WORDS.iter().any(|w| lower.contains(w)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        let Some(i) = line.find([':', '=']) else {
            out.push_str(line);
            continue;
        };
        let key = line[..i]
            .trim()
            .trim_start_matches(['-', ' '])
            .trim_matches(['"', '\'', ' ']);
        let value = line[i + 1..].trim();
        let is_key = !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if is_key && is_sensitive_name(key) && !value.is_empty() && !value.contains(REDACTED) {
            out.push_str(&line[..=i]);
            out.push(' ');
            out.push_str(REDACTED);
            if line.ends_with('\n') {
                out.push('\n');
            }
            changed = true;
        } else {
            out.push_str(line);
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// The redacted form of one Secret value: a URL keeps its service reference
/// (`postgresql://REDACTED@postgres-service:5432/budget`; without userinfo only
/// `scheme://host:port`); a bare `host[:port]` naming a Service of the set is kept
/// (it is an address, not a secret) unless the key is named like a secret; anything else
/// becomes `REDACTED`. Idempotent.
pub fn secret_value(key: &str, value: &str, is_service: &dyn Fn(&str) -> bool) -> String {
    let v = value.trim();
    if v.contains(['\n', '\r']) {
        return REDACTED.to_string();
    }
    let mut stripped = String::new();
    strip_userinfo(v, &mut stripped);
    if let Some(u) = parse_url(&stripped) {
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
        apply_order: model.apply_order.clone(),
        errors: model
            .errors
            .iter()
            .map(|e| LoadError {
                message: redact_text(&e.message).into_owned(),
                ..e.clone()
            })
            .collect(),
    }
}

/// Every string of a value, keys included, through [`redact_text`]. Iterative (an explicit
/// stack), so a deep value cannot overflow the call stack.
fn redact_strings(v: &mut Value) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => {
                if let Cow::Owned(r) = redact_text(s) {
                    *s = r;
                }
            }
            Value::Sequence(seq) => stack.extend(seq.iter_mut()),
            Value::Mapping(m) => {
                if m.keys()
                    .any(|k| k.as_str().is_some_and(|k| k.contains("://")))
                {
                    let old = std::mem::take(m);
                    for (k, v) in old {
                        let k = match k {
                            Value::String(s) => Value::String(redact_text(&s).into_owned()),
                            k => k,
                        };
                        m.insert(k, v);
                    }
                }
                stack.extend(m.iter_mut().map(|(_, v)| v));
            }
            Value::Tagged(t) => stack.push(&mut t.value),
            _ => {}
        }
    }
}

fn remove_last_applied(v: &mut Value) {
    if let Some(Value::Mapping(meta)) = v.get_mut("metadata") {
        if let Some(Value::Mapping(ann)) = meta.get_mut("annotations") {
            ann.remove(LAST_APPLIED);
        }
    }
}

/// Values under `data` and `stringData` of a Secret-like generic object (an unknown
/// apiVersion, a SealedSecret, an ExternalSecret's template, …) are replaced wholesale.
fn redact_generic_secret(kind: &str, v: &mut Value) {
    if !kind.to_ascii_lowercase().contains("secret") {
        return;
    }
    for field in ["data", "stringData", "encryptedData"] {
        if let Some(Value::Mapping(m)) = v.get_mut(field) {
            for (_, value) in m.iter_mut() {
                *value = Value::String(REDACTED.into());
            }
        }
    }
}

fn redact_map(m: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    m.iter()
        .filter(|(k, _)| k.as_str() != LAST_APPLIED)
        .map(|(k, v)| (redact_text(k).into_owned(), redact_text(v).into_owned()))
        .to_map()
}

/// Redacts one object: URL credentials everywhere (every string of the body, keys included,
/// labels and annotations), Secret values, literal env values named like secrets, sensitive
/// assignments in embedded configuration files, and ConfigMap `binaryData`.
pub fn redact_object(o: &Object, index: &Index<'_>) -> Object {
    let mut out = o.clone();
    out.annotations = redact_map(&o.annotations);
    out.labels = redact_map(&o.labels);
    // The round trip cannot fail for a value that came from the same type; if it ever did,
    // nothing of the body is kept rather than an unredacted one.
    out.body = o
        .body
        .with_value(redacted_value(o, index))
        .unwrap_or(Body::Generic(Value::Null));
    out
}

/// The redacted body of one object as YAML (what the bundle writes); see [`redact_object`].
pub fn redacted_value(o: &Object, index: &Index<'_>) -> Value {
    let mut body = o.body.clone();
    match &mut body {
        Body::Secret(s) => {
            let ns = o.namespace.as_deref().unwrap_or("default");
            let is_service = service_predicate(index, ns);
            let mut plain: BTreeMap<String, String> = BTreeMap::new();
            for (k, v) in s.data.take().into_iter().flatten() {
                let text = String::from_utf8_lossy(&v.0);
                plain.insert(k.clone(), secret_value(&k, &text, &is_service));
            }
            for (k, v) in s.string_data.take().into_iter().flatten() {
                plain.insert(k.clone(), secret_value(&k, &v, &is_service));
            }
            s.string_data = Some(plain);
        }
        Body::ConfigMap(cm) => {
            for v in cm.data.iter_mut().flat_map(|d| d.values_mut()) {
                if let Cow::Owned(r) = redact_assignments(v) {
                    *v = r;
                }
            }
            for v in cm.binary_data.iter_mut().flat_map(|d| d.values_mut()) {
                v.0 = REDACTED.as_bytes().to_vec();
            }
        }
        other => redact_sensitive_env(other),
    }
    let Ok(mut v) = body.to_value() else {
        return Value::Null;
    };
    remove_last_applied(&mut v);
    if matches!(body, Body::Generic(_)) {
        redact_generic_secret(&o.kind, &mut v);
    }
    redact_strings(&mut v);
    v
}

/// Literal env values of variables named like secrets (`*_PASSWORD`, `*_TOKEN`, …).
fn redact_sensitive_env(b: &mut Body) {
    if let Some(spec) = b.pod_spec_mut() {
        let envs = spec
            .init_containers
            .iter_mut()
            .flatten()
            .chain(spec.containers.iter_mut())
            .map(|c| &mut c.env)
            .chain(
                spec.ephemeral_containers
                    .iter_mut()
                    .flatten()
                    .map(|c| &mut c.env),
            );
        for env in envs {
            for e in env.iter_mut().flatten() {
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
            "db postgresql://REDACTED@postgres-service:5432/budget?password=REDACTED ok"
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

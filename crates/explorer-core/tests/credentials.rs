//! Credentials never reach the bundle: random user names and passwords over all printable
//! ASCII (`/`, `#`, `?`, `@`, `:`, `%`, spaces and quotes included) are planted in a database
//! URL in every place a value can sit, and no substring of 4 or more characters of either
//! appears in the bundle (unless the same manifests with a harmless credential have it too:
//! then it is manifest text, not the credential). The Service reference behind the URL must
//! still give its edge after the bundle is read back.

use explorer_core::bundle::write_bundle;
use explorer_core::graph::build;
use explorer_core::load::{load_sources, Source};
use proptest::prelude::*;
use serde_yaml::{Mapping, Value};

fn map(pairs: &[(&str, Value)]) -> Value {
    let mut m = Mapping::new();
    for (k, v) in pairs {
        m.insert(Value::from(*k), v.clone());
    }
    Value::Mapping(m)
}

fn s(v: &str) -> Value {
    Value::from(v)
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The manifests, with `url` in a Secret's `data` and `stringData`, a ConfigMap's values
/// (an env file, a YAML file, a one-line JSON file), an annotation, a label-free env literal,
/// args, a shell command, and a custom resource.
fn manifests(url: &str) -> String {
    let meta = |name: &str| map(&[("name", s(name)), ("namespace", s("shop"))]);
    let docs = [
        map(&[
            ("apiVersion", s("v1")),
            ("kind", s("Service")),
            ("metadata", meta("db-service")),
            (
                "spec",
                map(&[
                    ("selector", map(&[("app", s("db"))])),
                    (
                        "ports",
                        Value::Sequence(vec![map(&[("port", 5432.into())])]),
                    ),
                ]),
            ),
        ]),
        map(&[
            ("apiVersion", s("v1")),
            ("kind", s("Secret")),
            ("metadata", meta("app-secret")),
            ("data", map(&[("DATABASE_URL", s(&base64(url.as_bytes())))])),
            ("stringData", map(&[("OTHER_URL", s(url))])),
        ]),
        map(&[
            ("apiVersion", s("v1")),
            ("kind", s("ConfigMap")),
            (
                "metadata",
                map(&[
                    ("name", s("cfg")),
                    ("namespace", s("shop")),
                    ("annotations", map(&[("backup", s(url))])),
                ]),
            ),
            (
                "data",
                map(&[
                    ("app.env", s(&format!("DATABASE_URL={url}\nMODE=prod\n"))),
                    ("config.yaml", s(&format!("db:\n  url: {url}\n  pool: 5\n"))),
                    (
                        "config.json",
                        s(&serde_json::json!({"db": url, "pool": 5}).to_string()),
                    ),
                ]),
            ),
        ]),
        map(&[
            ("apiVersion", s("apps/v1")),
            ("kind", s("Deployment")),
            ("metadata", meta("api")),
            (
                "spec",
                map(&[
                    (
                        "selector",
                        map(&[("matchLabels", map(&[("app", s("api"))]))]),
                    ),
                    (
                        "template",
                        map(&[
                            ("metadata", map(&[("labels", map(&[("app", s("api"))]))])),
                            (
                                "spec",
                                map(&[(
                                    "containers",
                                    Value::Sequence(vec![map(&[
                                        ("name", s("api")),
                                        ("image", s("api:1")),
                                        (
                                            "env",
                                            Value::Sequence(vec![map(&[
                                                ("name", s("DB")),
                                                ("value", s(url)),
                                            ])]),
                                        ),
                                        ("args", Value::Sequence(vec![s(&format!("--db={url}"))])),
                                        (
                                            "command",
                                            Value::Sequence(vec![
                                                s("sh"),
                                                s("-c"),
                                                s(&format!("migrate --url '{url}' && serve")),
                                            ]),
                                        ),
                                    ])]),
                                )]),
                            ),
                        ]),
                    ),
                ]),
            ),
        ]),
        map(&[
            ("apiVersion", s("example.com/v1")),
            ("kind", s("Backup")),
            ("metadata", meta("nightly")),
            (
                "spec",
                map(&[
                    ("target", s(url)),
                    ("targets", Value::Sequence(vec![s(url)])),
                ]),
            ),
        ]),
    ];
    docs.iter()
        .map(|d| serde_yaml::to_string(d).unwrap())
        .collect::<Vec<_>>()
        .join("---\n")
}

fn url(user: &str, password: &str) -> String {
    format!("postgresql://{user}:{password}@db-service:5432/app")
}

fn bundle_of(text: &str) -> String {
    let model = load_sources(&[Source::new("shop.yaml", text)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    write_bundle(&model)
}

/// 4-character windows of `secret` found in `bundle` but not in `baseline`.
fn leaks(secret: &str, bundle: &str, baseline: &str) -> Vec<String> {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .windows(4)
        .map(|w| w.iter().collect::<String>())
        .filter(|w| bundle.contains(w.as_str()) && !baseline.contains(w.as_str()))
        .collect()
}

fn check(user: &str, password: &str) {
    let baseline = bundle_of(&manifests(&url("u", "p")));
    let bundle = bundle_of(&manifests(&url(user, password)));
    let found: Vec<String> = leaks(user, &bundle, &baseline)
        .into_iter()
        .chain(leaks(password, &bundle, &baseline))
        .collect();
    assert!(
        found.is_empty(),
        "leaked {found:?} of {user:?}:{password:?}\n{bundle}"
    );
    let back = load_sources(&[Source::new("manifests.yaml", &bundle)]);
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    let g = build(&back);
    assert!(
        g.edges
            .iter()
            .any(|e| e.from == "Deployment/shop/api" && e.to == "Service/shop/db-service"),
        "the edge to db-service is gone for {user:?}:{password:?}\n{bundle}"
    );
    // The raw manifests name the same host (the CLI's graph), with no false broken reference.
    let raw = load_sources(&[Source::new(
        "manifests.yaml",
        manifests(&url(user, password)),
    )]);
    let g = build(&raw);
    assert!(
        g.edges
            .iter()
            .any(|e| e.from == "Deployment/shop/api" && e.to == "Service/shop/db-service"),
        "the raw graph misses the edge to db-service for {user:?}:{password:?}"
    );
    assert!(
        !g.findings.iter().any(|f| f.rule == "broken-reference"),
        "a false broken reference for {user:?}:{password:?}: {:?}",
        g.findings
    );
}

#[test]
fn passwords_with_url_delimiters_do_not_leak() {
    for (user, password) in [
        ("budget", "s3cr/t+pa#ss?word"),
        ("ad@min", "p@ss:w/rd%40#frag?q=1"),
        ("user name", "with spaces and \"quotes\" and 'single'"),
        ("x", "ends-with-slash/"),
        ("bob", "a://b@c"),
    ] {
        check(user, password);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    #[test]
    fn random_printable_credentials_do_not_leak(
        user in "[ -~]{4,20}",
        password in "[ -~]{8,32}",
    ) {
        check(&user, &password);
    }
}

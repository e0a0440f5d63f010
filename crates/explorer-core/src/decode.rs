//! Where a typed decode failed. The decode itself is serde_yaml's `Value` deserializer into
//! k8s-openapi's types, plain: a path-tracking deserializer (serde_path_to_error, or one
//! written here) builds extra code for every nested type of every kind, 25 to 58 KB gzipped
//! of wasm, measured with `make dist`. So the path is found after the fact, and only on error:
//! serde's message names the offending value (`invalid type: string "two", expected i32`),
//! and the document is searched for it. When exactly one value in the document matches, that
//! is the path; otherwise [`narrow`] decodes again with parts left out (bounded), and past its
//! bounds the error points at the document, without a path.

use serde_yaml::Value;

/// The value a serde message is about, as it would print in the document.
enum Needle {
    Str(String),
    Num(String),
    Bool(bool),
}

fn needle(message: &str) -> Option<Needle> {
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .or_else(|| message.strip_prefix("unknown variant "));
    let rest = rest?;
    if let Some(r) = rest.strip_prefix("string \"") {
        // serde prints the string with Rust's escapes; plain strings are the common case.
        return r
            .rsplit_once("\", expected")
            .map(|(v, _)| Needle::Str(v.to_string()));
    }
    if let Some(r) = rest.strip_prefix('`') {
        // `unknown variant `X`, expected …`
        return r.split_once('`').map(|(v, _)| Needle::Str(v.to_string()));
    }
    for kind in ["integer `", "floating point `"] {
        if let Some(r) = rest.strip_prefix(kind) {
            return r.split_once('`').map(|(v, _)| Needle::Num(v.to_string()));
        }
    }
    if let Some(r) = rest.strip_prefix("boolean `") {
        return r.split_once('`').map(|(v, _)| Needle::Bool(v == "true"));
    }
    None
}

fn matches(v: &Value, n: &Needle) -> bool {
    match (v, n) {
        (Value::String(s), Needle::Str(x)) => s == x,
        (Value::Number(num), Needle::Num(x)) => {
            num.to_string() == *x
                || num
                    .as_f64()
                    .zip(x.parse::<f64>().ok())
                    .is_some_and(|(a, b)| a == b)
        }
        (Value::Bool(b), Needle::Bool(x)) => b == x,
        _ => false,
    }
}

fn key_text(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => "?".to_string(),
    }
}

/// The path (`spec.ports[0].port`) of the one value of `doc` that `message` is about, if
/// exactly one matches. Mapping keys are not values and are not searched. Iterative, linear.
pub fn locate(doc: &Value, message: &str) -> Option<String> {
    let n = needle(message)?;
    let mut found: Option<String> = None;
    let mut stack: Vec<(&Value, String)> = vec![(doc, String::new())];
    while let Some((v, path)) = stack.pop() {
        match v {
            Value::Mapping(m) => {
                for (k, child) in m.iter() {
                    let key = key_text(k);
                    let p = if path.is_empty() {
                        key
                    } else {
                        format!("{path}.{key}")
                    };
                    stack.push((child, p));
                }
            }
            Value::Sequence(items) => {
                for (i, child) in items.iter().enumerate() {
                    stack.push((child, format!("{path}[{i}]")));
                }
            }
            Value::Tagged(t) => stack.push((&t.value, path)),
            v if matches(v, &n) => {
                if found.is_some() {
                    return None;
                }
                found = Some(path);
            }
            _ => {}
        }
    }
    found.filter(|p| !p.is_empty())
}

/// Largest document [`narrow`] searches, and most decodes it tries: the search is bounded
/// (at most this many decodes of a document at most this long), and past either bound the
/// error points at the document.
const NARROW_MAX_TEXT: usize = 128 * 1024;
const NARROW_MAX_TRIES: usize = 128;

enum Seg {
    Key(Value),
    Index(usize),
}

fn child_mut<'a>(v: &'a mut Value, seg: &Seg) -> Option<&'a mut Value> {
    let v = match v {
        Value::Tagged(t) => &mut t.value,
        v => v,
    };
    match (v, seg) {
        (Value::Mapping(m), Seg::Key(k)) => m.get_mut(k),
        (Value::Sequence(s), Seg::Index(i)) => s.get_mut(*i),
        _ => None,
    }
}

fn child<'a>(v: &'a Value, seg: &Seg) -> Option<&'a Value> {
    let v = match v {
        Value::Tagged(t) => &t.value,
        v => v,
    };
    match (v, seg) {
        (Value::Mapping(m), Seg::Key(k)) => m.get(k),
        (Value::Sequence(s), Seg::Index(i)) => s.get(*i),
        _ => None,
    }
}

fn at<'a>(mut v: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    for seg in path {
        v = child(v, seg)?;
    }
    Some(v)
}

fn at_mut<'a>(mut v: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    for seg in path {
        v = child_mut(v, seg)?;
    }
    Some(v)
}

/// The children of a node, as the segments that reach them.
fn children(v: &Value) -> Vec<Seg> {
    match v {
        Value::Tagged(t) => children(&t.value),
        Value::Mapping(m) => m.keys().map(|k| Seg::Key(k.clone())).collect(),
        Value::Sequence(s) => (0..s.len()).map(Seg::Index).collect(),
        _ => Vec::new(),
    }
}

fn remove(v: &mut Value, seg: &Seg) {
    let v = match v {
        Value::Tagged(t) => &mut t.value,
        v => v,
    };
    match (v, seg) {
        (Value::Mapping(m), Seg::Key(k)) => {
            m.remove(k);
        }
        (Value::Sequence(s), Seg::Index(i)) if *i < s.len() => {
            s.remove(*i);
        }
        _ => {}
    }
}

/// When [`locate`] cannot tell (a structural error such as `invalid type: sequence`, a missing
/// field, or an ambiguous value), the path is found by decoding again with one child left out:
/// the child whose removal makes `message` go away holds the error, and the search goes down
/// into it. Same decoder (`decode`), so no extra code per type; bounded by [`NARROW_MAX_TEXT`]
/// and [`NARROW_MAX_TRIES`].
pub fn narrow(
    doc: Value,
    text_len: usize,
    message: &str,
    decode: &dyn Fn(Value) -> Option<String>,
) -> Option<String> {
    if text_len > NARROW_MAX_TEXT {
        return None;
    }
    let mut path: Vec<Seg> = Vec::new();
    let mut tries = 0usize;
    'down: loop {
        let node = at(&doc, &path).map(children)?;
        for seg in node {
            tries += 1;
            if tries > NARROW_MAX_TRIES {
                return None;
            }
            let mut trial = doc.clone();
            if let Some(parent) = at_mut(&mut trial, &path) {
                remove(parent, &seg);
            }
            if decode(trial).as_deref() != Some(message) {
                path.push(seg);
                continue 'down;
            }
        }
        break;
    }
    let mut out = String::new();
    for seg in &path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&key_text(k));
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::Deployment;
    use k8s_openapi::api::core::v1::Service;
    use serde::Deserialize;

    fn fail<T: for<'de> Deserialize<'de> + std::fmt::Debug>(
        text: &str,
    ) -> (Option<String>, String) {
        let v: Value = serde_yaml::from_str(text).unwrap();
        let e = T::deserialize(v.clone()).unwrap_err().to_string();
        (locate(&v, &e), e)
    }

    #[test]
    fn errors_name_their_field() {
        let d = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicas: two\n  selector: {}\n  template: {}\n";
        let (path, e) = fail::<Deployment>(d);
        assert_eq!(path.as_deref(), Some("spec.replicas"));
        assert_eq!(e, "invalid type: string \"two\", expected i32");
        let s = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n    - port: 80\n    - port: eighty\n";
        assert_eq!(fail::<Service>(s).0.as_deref(), Some("spec.ports[1].port"));
        let m = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  selector: {}\n  template:\n    spec: {containers: 7}\n";
        assert_eq!(
            fail::<Deployment>(m).0.as_deref(),
            Some("spec.template.spec.containers")
        );
    }

    #[test]
    fn ambiguous_or_structural_errors_have_no_path() {
        // "two" twice: which one is wrong cannot be told from the message.
        let d = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x, labels: {n: two}}\nspec:\n  replicas: two\n  selector: {}\n  template: {}\n";
        assert_eq!(fail::<Deployment>(d).0, None);
        let d = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicas: [1]\n  selector: {}\n  template: {}\n";
        assert_eq!(fail::<Deployment>(d).0, None);
    }
}

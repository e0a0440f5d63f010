//! The order a set of files is applied in, for the startup flow: the manifest files a deploy
//! script names, in the order it names them, else a kustomization's `resources`. Nothing is
//! run or parsed as shell: a script is read as text, and a word counts only when it names a
//! file of the set (relative to the script's directory), so unrelated words cannot invent an
//! order.

use std::collections::BTreeSet;

use serde_yaml::Value;

use crate::load::Source;
use crate::model::ApplyOrder;
use crate::sort::Collect;

/// A shell script that may name the set's files (`deploy.sh`).
pub(crate) fn is_script(path: &str) -> bool {
    path.ends_with(".sh")
}

pub(crate) fn is_kustomization(path: &str) -> bool {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    matches!(
        file,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    )
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if dir.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// A word of a script as a path relative to the script: `"$here/postgres/pv.yml"` and
/// `${DIR}/x.yml` lose the variable, `./x.yml` its dot.
fn script_word(word: &str) -> Option<&str> {
    let w = word.trim_matches(|c| matches!(c, '"' | '\'' | '(' | ')' | ';' | '`'));
    if !(w.ends_with(".yml") || w.ends_with(".yaml")) {
        return None;
    }
    let w = match w.rfind('$') {
        Some(i) => w[i..].split_once('/')?.1,
        None => w,
    };
    Some(w.trim_start_matches("./"))
}

/// The set's files a script names, in order, each once. Comments are skipped.
fn script_order(script: &Source, manifests: &BTreeSet<&str>) -> Vec<String> {
    let dir = dir_of(&script.path);
    let mut seen = BTreeSet::new();
    let mut files = Vec::new();
    for line in script.text.lines() {
        let code = match line.trim_start().starts_with('#') {
            true => "",
            false => line.split(" #").next().unwrap_or(line),
        };
        for word in code.split(|c: char| c.is_whitespace() || c == '=') {
            let Some(rel) = script_word(word) else {
                continue;
            };
            let path = join(dir, rel);
            if manifests.contains(path.as_str()) && seen.insert(path.clone()) {
                files.push(path);
            }
        }
    }
    files
}

/// A kustomization's `resources`: files as named, directories as their files (sorted).
fn kustomization_order(k: &Source, manifests: &BTreeSet<&str>) -> Vec<String> {
    let Ok(doc) = crate::yaml::parse_value(&k.text, k.text.len().saturating_mul(4) + 1000) else {
        return Vec::new();
    };
    let Some(Value::Sequence(resources)) = doc.get("resources") else {
        return Vec::new();
    };
    let dir = dir_of(&k.path);
    let mut seen = BTreeSet::new();
    let mut files = Vec::new();
    for r in resources.iter().filter_map(Value::as_str) {
        let path = join(dir, r);
        let under = format!("{path}/");
        let named: Vec<&str> = if manifests.contains(path.as_str()) {
            vec![path.as_str()]
        } else {
            manifests
                .range(under.as_str()..)
                .take_while(|m| m.starts_with(&under))
                .copied()
                .collect()
        };
        for f in named {
            if seen.insert(f.to_string()) {
                files.push(f.to_string());
            }
        }
    }
    files
}

/// The apply order of `sources`, if a script or a kustomization among them gives one.
pub(crate) fn apply_order(sources: &[Source]) -> Option<ApplyOrder> {
    let manifests: BTreeSet<&str> = sources
        .iter()
        .map(|s| s.path.as_str())
        .filter(|p| !is_script(p) && !is_kustomization(p))
        .to_set();
    let mut scripts: Vec<&Source> = sources.iter().filter(|s| is_script(&s.path)).collect();
    crate::sort::sort_by(&mut scripts, |a, b| a.path.cmp(&b.path));
    let mut kustomizations: Vec<&Source> = sources
        .iter()
        .filter(|s| is_kustomization(&s.path))
        .collect();
    crate::sort::sort_by(&mut kustomizations, |a, b| a.path.cmp(&b.path));
    let from_scripts = scripts
        .into_iter()
        .map(|s| (s, script_order(s, &manifests)));
    let from_kustomizations = kustomizations
        .into_iter()
        .map(|k| (k, kustomization_order(k, &manifests)));
    from_scripts
        .chain(from_kustomizations)
        .find(|(_, files)| !files.is_empty())
        .map(|(s, files)| ApplyOrder {
            source: s.path.clone(),
            base: dir_of(&s.path).to_string(),
            files,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(paths: &[&str], extra: Vec<Source>) -> Vec<Source> {
        let mut v: Vec<Source> = paths.iter().map(|p| Source::new(*p, "")).collect();
        v.extend(extra);
        v
    }

    #[test]
    fn a_script_names_files_in_its_order() {
        let script = Source::new(
            "k8s/deploy.sh",
            "# applies k8s/b.yml first? no: comments do not count\nFILES=(\n  b.yml\n  sub/a.yml\n)\nkubectl apply -f \"$here/b.yml\"\nkubectl apply -f ${DIR}/c.yaml # and c\nk3d cluster create --config unknown.yml\n",
        );
        let sources = set(&["k8s/sub/a.yml", "k8s/b.yml", "k8s/c.yaml"], vec![script]);
        let order = apply_order(&sources).unwrap();
        assert_eq!(order.source, "k8s/deploy.sh");
        assert_eq!(order.files, ["k8s/b.yml", "k8s/sub/a.yml", "k8s/c.yaml"]);
        assert_eq!(order.relative("k8s/sub/a.yml"), "sub/a.yml");
    }

    #[test]
    fn a_kustomization_when_no_script_names_a_file() {
        let k = Source::new(
            "k/kustomization.yaml",
            "resources:\n  - z.yml\n  - dir\n  - https://example.com/x.yml\n",
        );
        let script = Source::new("k/run.sh", "echo nothing here\n");
        let sources = set(
            &["k/dir/b.yml", "k/dir/a.yml", "k/z.yml", "k/other.yml"],
            vec![k, script],
        );
        let order = apply_order(&sources).unwrap();
        assert_eq!(order.source, "k/kustomization.yaml");
        assert_eq!(order.files, ["k/z.yml", "k/dir/a.yml", "k/dir/b.yml"]);
    }

    #[test]
    fn no_order_without_a_source_for_it() {
        assert_eq!(apply_order(&set(&["a.yml"], vec![])), None);
        let bad = Source::new("kustomization.yaml", "resources: [\n");
        assert_eq!(apply_order(&set(&["a.yml"], vec![bad])), None);
    }
}

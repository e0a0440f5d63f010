use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn explorer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_explorer"))
        .args(args)
        .output()
        .expect("run explorer")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn k8s() -> Option<String> {
    let p = repo().join("k8s");
    p.join("namespace.yml")
        .exists()
        .then(|| p.to_string_lossy().into_owned())
}

fn fixture(name: &str) -> Option<String> {
    let p = repo().join("../shared/fixtures").join(name);
    if p.is_dir() {
        Some(p.to_string_lossy().into_owned())
    } else {
        eprintln!("fixture {name} missing; skipping");
        None
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("explorer-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn graph_json_shape() {
    let Some(dir) = fixture("wordpress") else {
        return;
    };
    let o = explorer(&["graph", &dir, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let nodes = v["nodes"].as_array().unwrap();
    assert!(nodes
        .iter()
        .all(|n| n["id"].is_string() && n["kind"].is_string() && n["name"].is_string()));
    let edges = v["edges"].as_array().unwrap();
    let e = edges
        .iter()
        .find(|e| {
            e["from"] == "Deployment/default/wordpress"
                && e["to"] == "Service/default/wordpress-mysql"
        })
        .expect("env edge");
    for k in ["id", "rule", "provenance", "family"] {
        assert!(e[k].is_string(), "{k}");
    }
    let f = &v["findings"].as_array().unwrap()[0];
    assert_eq!(f["rule"], "broken-reference");
    assert!(f["object"].is_string() && f["message"].is_string());
}

#[test]
fn graph_dot_and_mermaid() {
    let Some(dir) = fixture("guestbook") else {
        return;
    };
    let dot = explorer(&["graph", &dir, "--format", "dot"]);
    assert!(dot.status.success());
    let text = stdout(&dot);
    assert!(text.starts_with("digraph explorer {"));
    assert!(text.contains("\"Service/default/frontend\" -> \"Deployment/default/frontend\""));
    let mm = explorer(&["graph", &dir, "--format", "mermaid"]);
    let text = stdout(&mm);
    assert!(text.starts_with("flowchart LR"));
    assert!(text.contains("-->|service-selector|"));
}

#[test]
fn resources_json_and_text() {
    let Some(dir) = k8s() else { return };
    let o = explorer(&["resources", &dir, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["total"]["pods"], 6);
    assert_eq!(v["total"]["cpu_request_millicores"], 1200);
    assert_eq!(v["total"]["cpu_limit_millicores"], 2400);
    assert_eq!(v["total"]["memory_request_bytes"], 1216u64 << 20);
    assert_eq!(v["total"]["memory_limit_bytes"], 2432u64 << 20);
    let flask = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["workload"] == "Deployment/budget-app/flask-app")
        .unwrap();
    assert_eq!(flask["pods"], 2);
    assert_eq!(flask["kind"], "Deployment");
    assert_eq!(flask["cpu_request_millicores"], 250);
    assert_eq!(flask["total"]["cpu_request_millicores"], 500);
    let text = stdout(&explorer(&["resources", &dir]));
    let total = text.lines().find(|l| l.starts_with("TOTAL")).unwrap();
    for want in ["6", "1200m", "2400m", "1216Mi", "2432Mi"] {
        assert!(
            total.split_whitespace().any(|w| w == want),
            "{want} in {total}"
        );
    }
}

#[test]
fn lint_exit_codes() {
    if let Some(dir) = fixture("wordpress") {
        let o = explorer(&["lint", &dir]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stdout(&o).contains("error broken-reference Deployment/default/wordpress"));
    }
    if let Some(dir) = fixture("guestbook") {
        let o = explorer(&["lint", &dir]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
        assert!(stdout(&o).contains("missing-resources"));
    }
}

#[test]
fn bundle_round_trip_and_stdout() {
    let Some(dir) = k8s().or_else(|| fixture("wordpress")) else {
        return;
    };
    let tmp = temp_dir("bundle");
    let file = tmp.join("manifests.yaml");
    let o = explorer(&["bundle", &dir, "-o", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bundle = std::fs::read_to_string(&file).unwrap();
    assert!(bundle.contains("# source: "));
    assert!(!bundle.contains("budget_pass_dev"));
    let direct: Value = serde_json::from_str(&stdout(&explorer(&["graph", &dir]))).unwrap();
    let via: Value =
        serde_json::from_str(&stdout(&explorer(&["graph", file.to_str().unwrap()]))).unwrap();
    assert_eq!(direct["edges"], via["edges"]);
    assert_eq!(direct["nodes"], via["nodes"]);
    let o = explorer(&["bundle", &dir, "-o", "-"]);
    assert_eq!(stdout(&o), bundle);
    let _ = std::fs::remove_dir_all(tmp);
}

#[test]
fn errors_go_to_stderr() {
    let o = explorer(&["graph", "/definitely/not/here"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/definitely/not/here"));
    let o = explorer(&["frobnicate", "."]);
    assert_eq!(o.status.code(), Some(2));
    let o = explorer(&["bundle", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("-o"));

    let tmp = temp_dir("errors");
    std::fs::write(
        tmp.join("a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nkind: [\n",
    )
    .unwrap();
    std::fs::write(tmp.join("notes.txt"), "ignored").unwrap();
    let o = explorer(&["graph", tmp.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("a.yaml"), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["nodes"].as_array().unwrap().len(), 1);
    assert_eq!(
        explorer(&["lint", tmp.to_str().unwrap()]).status.code(),
        Some(1)
    );
    let o = explorer(&["graph", tmp.to_str().unwrap(), "--max-bytes", "10"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("too large"));
    let _ = std::fs::remove_dir_all(tmp);
}

#[test]
fn lint_counts_what_it_prints_and_fails_on_any_error() {
    let tmp = temp_dir("lint");
    // Only an invalid quantity: an error, so exit 1, and the summary says so.
    std::fs::write(
        tmp.join("q.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: c\n        image: web:1\n        resources: {requests: {cpu: lots, memory: 1Gi}, limits: {cpu: '1', memory: 1Gi}}\n",
    )
    .unwrap();
    let o = explorer(&["lint", tmp.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let (summary, problems) = lines.split_last().unwrap();
    assert!(problems
        .iter()
        .any(|l| l.starts_with("error invalid-quantity Deployment/default/web")));
    let errors = problems.iter().filter(|l| l.starts_with("error ")).count();
    let warnings = problems
        .iter()
        .filter(|l| l.starts_with("warning "))
        .count();
    assert!(
        summary.ends_with(&format!(
            "{} problems: {errors} errors, {warnings} warnings, 0 info",
            problems.len()
        )),
        "{summary}"
    );
    let json: Value = serde_json::from_str(&stdout(&explorer(&[
        "lint",
        "--json",
        tmp.to_str().unwrap(),
    ])))
    .unwrap();
    assert_eq!(json["counts"]["errors"].as_u64(), Some(errors as u64));
    let _ = std::fs::remove_dir_all(tmp);
}

#[test]
fn bundle_is_strict_unless_keep_going_and_then_carries_the_errors() {
    let tmp = temp_dir("keep-going");
    let src = tmp.join("in");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec: {replicas: two}\n",
    )
    .unwrap();
    let file = tmp.join("bundle.yaml");
    let o = explorer(&[
        "bundle",
        src.to_str().unwrap(),
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("a.yaml"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--keep-going"), "{}", stderr(&o));
    assert!(!file.exists(), "no bundle on failure");

    let o = explorer(&[
        "bundle",
        "--keep-going",
        src.to_str().unwrap(),
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value =
        serde_json::from_str(&stdout(&explorer(&["graph", file.to_str().unwrap()]))).unwrap();
    let errors = v["load_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{v}");
    assert!(errors[0]["path"].as_str().unwrap().ends_with("a.yaml"));
    assert_eq!(errors[0]["line"], 8);
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("spec.replicas"));
    assert_eq!(v["nodes"].as_array().unwrap().len(), 1);
    // lint of the bundle fails on the carried error too.
    assert_eq!(
        explorer(&["lint", file.to_str().unwrap()]).status.code(),
        Some(1)
    );
    let _ = std::fs::remove_dir_all(tmp);
}

#[test]
fn typed_lists_load_like_list_with_item_lines() {
    let tmp = temp_dir("lists");
    std::fs::write(
        tmp.join("roles.yaml"),
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleList\nitems:\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n  metadata: {name: reader, namespace: mon}\n  rules: []\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n  metadata: {name: writer, namespace: mon}\n  rules: []\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBindingList\nitems:\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: RoleBinding\n  metadata: {name: read, namespace: mon}\n  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\n  subjects: []\n",
    )
    .unwrap();
    let o = explorer(&["lint", tmp.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!stdout(&o).contains("broken-reference"), "{}", stdout(&o));
    let v: Value =
        serde_json::from_str(&stdout(&explorer(&["graph", tmp.to_str().unwrap()]))).unwrap();
    let ids: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"Role/mon/reader")
            && ids.contains(&"Role/mon/writer")
            && ids.contains(&"RoleBinding/mon/read"),
        "{ids:?}"
    );
    let _ = std::fs::remove_dir_all(tmp);
}

#[test]
fn help_version_and_completions() {
    let o = explorer(&["--version"]);
    assert!(o.status.success());
    assert!(stdout(&o).starts_with("explorer "));
    for cmd in ["bundle", "graph", "resources", "lint"] {
        let o = explorer(&[cmd, "--help"]);
        assert!(o.status.success(), "{cmd}");
        assert!(stdout(&o).contains("Usage: explorer"), "{cmd}");
    }
    let o = explorer(&["completions", "bash"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("_explorer"));
}

/// The CLI's load errors for `tests/decode-errors/bad.yaml` are exactly `bad.expected`; the
/// browser's wasm test compares its own with the same file, so both report the same.
#[test]
fn load_errors_match_the_golden_file_the_browser_also_checks() {
    let o = Command::new(env!("CARGO_BIN_EXE_explorer"))
        .current_dir(repo())
        .args(["lint", "--json", "tests/decode-errors/bad.yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let got: Vec<String> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["rule"] == "load")
        .map(|p| {
            let l = &p["location"];
            format!(
                "{}:{} (document {}): {}",
                l["path"].as_str().unwrap(),
                l["line"],
                l["document"],
                p["message"].as_str().unwrap()
            )
        })
        .collect();
    let expected =
        std::fs::read_to_string(repo().join("tests/decode-errors/bad.expected")).unwrap();
    assert_eq!(got, expected.lines().collect::<Vec<_>>());
}

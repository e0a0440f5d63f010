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

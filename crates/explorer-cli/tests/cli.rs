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

/// `explorer render` writes the page's SVG: it parses as XML, and, expanded, draws every
/// node and edge of `explorer graph` except what the first view hides (NetworkPolicies and
/// their edges); a Namespace is drawn as the frame around its objects.
#[test]
fn render_draws_what_graph_finds() {
    let Some(dir) = k8s() else { return };
    let g: Value = serde_json::from_str(&stdout(&explorer(&["graph", &dir]))).unwrap();
    let namespaces: Vec<String> = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "Namespace")
        .map(|n| n["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!namespaces.is_empty());
    let hidden_node = |id: &str| id.starts_with("NetworkPolicy/") || id.starts_with("Namespace/");
    let want_nodes: std::collections::BTreeSet<String> = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .filter(|id| !hidden_node(id))
        .collect();
    let want_edges: std::collections::BTreeSet<String> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["family"] != "policy")
        .filter(|e| {
            !hidden_node(e["from"].as_str().unwrap()) && !hidden_node(e["to"].as_str().unwrap())
        })
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert!(want_nodes.len() > 10 && want_edges.len() > 10);

    let tmp = temp_dir("render");
    for (theme, expanded) in [("light", true), ("dark", true), ("light", false)] {
        let out = tmp.join(format!("{theme}-{expanded}.svg"));
        let out_s = out.to_string_lossy().into_owned();
        let mut args = vec!["render", &dir, "-o", &out_s, "--theme", theme];
        if expanded {
            args.push("--expanded");
        }
        let o = explorer(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = std::fs::read_to_string(&out).unwrap();
        let doc = roxmltree::Document::parse(&text).expect("the SVG parses as XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("data-theme"), Some(theme));
        assert_eq!(
            root.attribute("aria-label"),
            Some("budget-app architecture"),
            "the title comes from the manifests' part-of label"
        );
        let attr_of = |class: &str, attr: &str| -> Vec<String> {
            doc.descendants()
                .filter(|n| {
                    n.attribute("class")
                        .is_some_and(|c| c.split(' ').next() == Some(class))
                })
                .filter_map(|n| n.attribute(attr).map(str::to_string))
                .collect()
        };
        let drawn_nodes: std::collections::BTreeSet<String> =
            attr_of("node", "data-id").into_iter().collect();
        let drawn_edges: std::collections::BTreeSet<String> = attr_of("edge", "data-edges")
            .iter()
            .flat_map(|s| s.split(' ').map(str::to_string).collect::<Vec<_>>())
            .collect();
        let frames: Vec<String> = doc
            .descendants()
            .filter(|n| n.attribute("data-frame").is_some())
            .filter_map(|n| n.descendants().find(|t| t.has_tag_name("text")))
            .filter_map(|t| t.text().map(str::to_string))
            .collect();
        for ns in &namespaces {
            assert!(
                frames
                    .iter()
                    .any(|f| f.starts_with(&format!("namespace {ns}"))),
                "a frame for namespace {ns}: {frames:?}"
            );
        }
        if expanded {
            assert_eq!(drawn_nodes, want_nodes, "{theme}: nodes");
            assert_eq!(drawn_edges, want_edges, "{theme}: edges");
        } else {
            // Folded: fewer cards, every drawn one a node of the graph.
            assert!(drawn_nodes.is_subset(&want_nodes) && drawn_nodes.len() < want_nodes.len());
            assert!(drawn_edges.is_subset(&want_edges));
        }
    }
    // Light and dark differ only in colours.
    let light = std::fs::read_to_string(tmp.join("light-true.svg")).unwrap();
    let dark = std::fs::read_to_string(tmp.join("dark-true.svg")).unwrap();
    assert_ne!(light, dark);
    // After the background rectangle (the line after </defs>), the drawing is the same.
    let strip = |s: &str| {
        let after_defs = s.split("</defs>").nth(1).unwrap();
        after_defs.split_once("/>\n").unwrap().1.to_string()
    };
    assert_eq!(
        strip(&light),
        strip(&dark),
        "same drawing after the background"
    );
}

/// `render --first-frame` writes the diagram into a built page at its placeholder, with the
/// title from the manifests; without a placeholder it fails and leaves the file alone.
#[test]
fn render_first_frame_into_a_page() {
    let Some(dir) = k8s() else { return };
    let tmp = temp_dir("first-frame");
    let page = tmp.join("index.html");
    std::fs::write(
        &page,
        "<!doctype html><html><head><title>x</title></head><body><explorer-first-frame></explorer-first-frame></body></html>",
    )
    .unwrap();
    let page_s = page.to_string_lossy().into_owned();
    let o = explorer(&["render", &dir, "--first-frame", "-o", &page_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<title>budget-app · architecture explorer</title>"),
        "{html}"
    );
    assert!(html.contains(r#"<div id="first-frame" inert>"#));
    assert!(html.contains(r#"data-id="Deployment/budget-app/flask-app""#));
    assert!(
        !html.contains("tabindex"),
        "nothing in the first frame takes focus"
    );
    assert!(!html.contains("<explorer-first-frame>"));

    let o = explorer(&["render", &dir, "--first-frame", "-o", &page_s]);
    assert_eq!(o.status.code(), Some(1), "no placeholder left");
    assert!(stderr(&o).contains("placeholder"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), html);
}

/// A file that is not UTF-8 is a load error like any other: reported with the rest, fatal to
/// a strict bundle, while the other files still load.
#[test]
fn a_binary_file_is_a_load_error_and_the_rest_loads() {
    let tmp = temp_dir("binary");
    std::fs::write(
        tmp.join("a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good, namespace: n}\n",
    )
    .unwrap();
    std::fs::write(tmp.join("b.yaml"), b"kind: \xff\xfe junk\n").unwrap();
    let dir = tmp.to_string_lossy().into_owned();
    let o = explorer(&["lint", "--json", &dir]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let load: Vec<&Value> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["rule"] == "load")
        .collect();
    assert_eq!(load.len(), 1, "{v}");
    assert!(load[0]["message"].as_str().unwrap().contains("not UTF-8"));
    let g: Value = serde_json::from_str(&stdout(&explorer(&["graph", &dir]))).unwrap();
    assert!(g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["id"] == "ConfigMap/n/good"));
    let out = tmp.join("bundle.yaml");
    let o = explorer(&["bundle", &dir, "-o", &out.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists(), "strict: no bundle");
}

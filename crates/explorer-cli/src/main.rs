//! `explorer`: bundle, graph, resources and lint over Kubernetes manifests.

mod inputs;
mod render;

use std::io::Write;
use std::process::ExitCode;

use explorer_core::bundle::write_bundle;
use explorer_core::graph;
use explorer_core::load::{load_sources_with, LoadOptions};
use explorer_core::relations::Severity;
use explorer_core::resources;
use explorer_core::Model;

const USAGE: &str = "\
usage:
  explorer bundle PATH... -o FILE         redacted multi-document YAML (-o - for stdout)
  explorer graph PATH... [--format json|dot|mermaid]
  explorer resources PATH... [--json]
  explorer lint PATH...                    findings and load errors; exit 1 on errors
PATH is a manifest file or a directory (read recursively: *.yml, *.yaml, sorted).
Options: --max-bytes N (input size limit, default 20000000)";

#[derive(Debug, PartialEq)]
enum Format {
    Json,
    Dot,
    Mermaid,
}

#[derive(Debug)]
struct Args {
    command: String,
    paths: Vec<String>,
    output: Option<String>,
    format: Format,
    json: bool,
    max_bytes: usize,
}

fn parse_args(argv: &[String]) -> Result<Args, String> {
    let mut it = argv.iter();
    let command = it.next().ok_or("missing command")?.clone();
    if !matches!(command.as_str(), "bundle" | "graph" | "resources" | "lint") {
        return Err(format!("unknown command {command:?}"));
    }
    let mut args = Args {
        command,
        paths: Vec::new(),
        output: None,
        format: Format::Json,
        json: false,
        max_bytes: LoadOptions::default().max_total_bytes,
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" | "--output" => args.output = Some(it.next().ok_or("-o needs a file")?.clone()),
            "--format" | "-f" => {
                args.format = match it.next().map(String::as_str) {
                    Some("json") => Format::Json,
                    Some("dot") => Format::Dot,
                    Some("mermaid") => Format::Mermaid,
                    other => return Err(format!("unknown format {other:?} (json, dot, mermaid)")),
                }
            }
            "--json" => args.json = true,
            "--max-bytes" => {
                args.max_bytes = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--max-bytes needs a number")?
            }
            s if s.starts_with('-') && s != "-" => return Err(format!("unknown option {s}")),
            path => args.paths.push(path.to_string()),
        }
    }
    if args.paths.is_empty() {
        return Err("no input paths".into());
    }
    if args.command == "bundle" && args.output.is_none() {
        return Err("bundle needs -o FILE (or -o - for stdout)".into());
    }
    Ok(args)
}

fn load(args: &Args) -> Result<Model, String> {
    let sources = inputs::read_sources(&args.paths, args.max_bytes)?;
    let options = LoadOptions {
        max_total_bytes: args.max_bytes,
        ..LoadOptions::default()
    };
    let model = load_sources_with(&sources, &options);
    for e in &model.errors {
        eprintln!("explorer: load error: {e}");
    }
    Ok(model)
}

fn write_output(target: &str, text: &str) -> Result<(), String> {
    if target == "-" {
        std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| format!("stdout: {e}"))
    } else {
        std::fs::write(target, text).map_err(|e| format!("cannot write {target}: {e}"))
    }
}

fn run(args: &Args) -> Result<ExitCode, String> {
    let model = load(args)?;
    if model.objects.is_empty() && !model.errors.is_empty() && model.errors[0].line == 0 {
        return Err(model.errors[0].message.clone());
    }
    match args.command.as_str() {
        "bundle" => {
            write_output(args.output.as_deref().unwrap_or("-"), &write_bundle(&model))?;
        }
        "graph" => {
            let g = graph::build(&model);
            let text = match args.format {
                Format::Json => render::graph_json(&g, &model),
                Format::Dot => render::graph_dot(&g),
                Format::Mermaid => render::graph_mermaid(&g),
            };
            write_output(args.output.as_deref().unwrap_or("-"), &text)?;
        }
        "resources" => {
            let t = resources::table(&model);
            let text = if args.json {
                render::resources_json(&t)
            } else {
                render::resources_text(&t)
            };
            write_output(args.output.as_deref().unwrap_or("-"), &text)?;
        }
        "lint" => {
            let g = graph::build(&model);
            let t = resources::table(&model);
            let text = render::lint_text(&g, &t, &model);
            write_output(args.output.as_deref().unwrap_or("-"), &text)?;
            let failed = !model.errors.is_empty()
                || g.findings.iter().any(|f| f.severity == Severity::Error);
            return Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            });
        }
        _ => unreachable!("checked in parse_args"),
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.is_empty() || argv.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return if argv.is_empty() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("explorer: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("explorer: {e}");
            ExitCode::from(1)
        }
    }
}

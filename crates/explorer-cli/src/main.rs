//! `explorer`: bundle, graph, resources, lint and render over Kubernetes manifests.
//!
//! Arguments are parsed by clap (derive): help for every command, `--version`, typed errors
//! and shell completions, instead of a hand-written parser.

mod inputs;
mod render;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use explorer_core::bundle::write_bundle;
use explorer_core::graph;
use explorer_core::load::{load_sources_with, LoadOptions, DEFAULT_MAX_TOTAL_BYTES};
use explorer_core::problems::{self, Counts};
use explorer_core::resources;
use explorer_core::Model;

/// Architecture explorer for Kubernetes manifests.
#[derive(Parser, Debug)]
#[command(name = "explorer", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Inputs shared by every command that reads manifests.
#[derive(clap::Args, Debug)]
struct Inputs {
    /// Manifest files or directories (read recursively: *.yml, *.yaml, sorted).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// Refuse inputs larger than this many bytes in total.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_TOTAL_BYTES)]
    max_bytes: usize,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write the redacted multi-document YAML the SPA loads. Fails on any document that cannot
    /// be read, unless --keep-going.
    Bundle {
        #[command(flatten)]
        inputs: Inputs,
        /// Output file (`-` for stdout).
        #[arg(short, long, value_name = "FILE")]
        output: String,
        /// Write the bundle even when documents cannot be read; their errors travel inside the
        /// bundle and the SPA shows them.
        #[arg(long)]
        keep_going: bool,
    },
    /// The relations graph: nodes, edges with provenance, findings.
    Graph {
        #[command(flatten)]
        inputs: Inputs,
        #[arg(short, long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Output file (default: stdout).
        #[arg(short, long, value_name = "FILE")]
        output: Option<String>,
    },
    /// CPU and memory requests and limits per workload, with totals.
    Resources {
        #[command(flatten)]
        inputs: Inputs,
        #[arg(long)]
        json: bool,
    },
    /// Every problem found: load errors, broken references, invalid quantities, …
    /// Exits 1 when there is an error.
    Lint {
        #[command(flatten)]
        inputs: Inputs,
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Dot,
    Mermaid,
}

fn load(inputs: &Inputs) -> Result<Model, String> {
    let sources = inputs::read_sources(&inputs.paths, inputs.max_bytes)?;
    let options = LoadOptions {
        max_total_bytes: inputs.max_bytes,
        ..LoadOptions::default()
    };
    let model = load_sources_with(&sources, &options);
    if model.objects.is_empty() && model.errors.first().is_some_and(|e| e.line == 0) {
        return Err(model.errors[0].message.clone());
    }
    Ok(model)
}

fn report_load_errors(model: &Model) {
    for e in &model.errors {
        eprintln!("explorer: load error: {e}");
    }
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

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Bundle {
            inputs,
            output,
            keep_going,
        } => {
            let model = load(&inputs)?;
            report_load_errors(&model);
            if !model.errors.is_empty() && !keep_going {
                return Err(format!(
                    "{} document(s) could not be read; no bundle written (--keep-going writes one that carries the errors)",
                    model.errors.len()
                ));
            }
            write_output(&output, &write_bundle(&model))?;
        }
        Command::Graph {
            inputs,
            format,
            output,
        } => {
            let model = load(&inputs)?;
            report_load_errors(&model);
            let g = graph::build(&model);
            let text = match format {
                Format::Json => render::graph_json(&g, &model),
                Format::Dot => render::graph_dot(&g),
                Format::Mermaid => render::graph_mermaid(&g),
            };
            write_output(output.as_deref().unwrap_or("-"), &text)?;
        }
        Command::Resources { inputs, json } => {
            let model = load(&inputs)?;
            report_load_errors(&model);
            let t = resources::table(&model);
            let text = if json {
                render::resources_json(&t)
            } else {
                render::resources_text(&t)
            };
            write_output("-", &text)?;
        }
        Command::Lint { inputs, json } => {
            let model = load(&inputs)?;
            let g = graph::build(&model);
            let t = resources::table(&model);
            let found = problems::collect(&model, &g, &t);
            let counts = Counts::of(&found);
            let text = if json {
                render::lint_json(&found, &counts)
            } else {
                render::lint_text(&found, &counts, &model, &g)
            };
            write_output("-", &text)?;
            return Ok(if counts.errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            });
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "explorer", &mut out);
            write_output("-", &String::from_utf8_lossy(&out))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    // clap exits 2 on a usage error and 0 for --help / --version.
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("explorer: {e}");
            ExitCode::from(1)
        }
    }
}

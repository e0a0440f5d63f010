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
use explorer_core::flows::{self, FlowKind};
use explorer_core::graph;
use explorer_core::load::{load_sources_with, LoadOptions, DEFAULT_MAX_TOTAL_BYTES};
use explorer_core::problems::{self, Counts};
use explorer_core::resources;
use explorer_core::Model;
use explorer_view::frame;
use explorer_view::markdown::{flow_text, tour_markdown};
use explorer_view::palette::Theme;
use explorer_view::project::{project, ViewOptions};
use explorer_view::scene::compose;
use explorer_view::svg::{drawing_title, standalone_svg, FileOptions};

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
    /// Draw the diagram as a standalone SVG: the same writer as the page's export.
    Render {
        #[command(flatten)]
        inputs: Inputs,
        /// Output file (`-` for stdout).
        #[arg(short, long, value_name = "FILE")]
        output: String,
        /// Draw every attached object (Services, ConfigMaps, Secrets, …) as its own node
        /// instead of folding it into its workload.
        #[arg(long)]
        expanded: bool,
        #[arg(long, value_enum, default_value_t = ThemeArg::Light)]
        theme: ThemeArg,
        /// Write the page's first frame into the built `index.html` named by --output
        /// (at its `<explorer-first-frame>` element) instead of a standalone SVG: the diagram is then
        /// on screen before the app has loaded.
        #[arg(long, conflicts_with_all = ["expanded", "theme"])]
        first_frame: bool,
        /// The page's base path, for the first frame's links.
        #[arg(long, default_value = "/explorer/", requires = "first_frame")]
        base: String,
    },
    /// The derived walkthroughs: traffic, metrics and startup, each step with its manifest
    /// facts. Exits 1 when a flow asked for with --kind cannot be derived.
    Flows {
        #[command(flatten)]
        inputs: Inputs,
        /// Only this flow.
        #[arg(long, value_enum)]
        kind: Option<FlowArg>,
        #[arg(long)]
        json: bool,
    },
    /// The guided tour generated from the manifests (text from `tour.explorer.dev/text` and
    /// `tour.explorer.dev/note` annotations replaces or extends a step's).
    Tour {
        #[command(flatten)]
        inputs: Inputs,
        #[arg(short, long, value_enum, default_value_t = TourFormat::Markdown)]
        format: TourFormat,
        /// Output file (default: stdout).
        #[arg(short, long, value_name = "FILE")]
        output: Option<String>,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ThemeArg {
    Light,
    Dark,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FlowArg {
    Traffic,
    Metrics,
    Startup,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum TourFormat {
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Dot,
    Mermaid,
}

fn load(inputs: &Inputs) -> Result<Model, String> {
    let read = inputs::read_sources(&inputs.paths, inputs.max_bytes)?;
    let options = LoadOptions {
        max_total_bytes: inputs.max_bytes,
        ..LoadOptions::default()
    };
    let mut model = load_sources_with(&read.sources, &options);
    if model.objects.is_empty() && model.errors.first().is_some_and(|e| e.line == 0) {
        return Err(model.errors[0].message.clone());
    }
    // Files that are not text are load errors like any other: reported, and fatal to a
    // strict bundle, while the other files still load.
    model.errors.extend(read.errors);
    model
        .errors
        .sort_by(|a, b| (&a.path, a.doc_index, a.line).cmp(&(&b.path, b.doc_index, b.line)));
    Ok(model)
}

/// The tour, from the same pipeline the page runs.
fn build_tour(model: &Model) -> explorer_core::tour::Tour {
    let g = graph::build(model);
    let t = resources::table(model);
    let found = problems::collect(model, &g, &t);
    explorer_core::tour::build(model, &g, &t, &found)
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
        Command::Render {
            inputs,
            output,
            expanded,
            theme,
            first_frame,
            base,
        } => {
            let model = load(&inputs)?;
            report_load_errors(&model);
            let g = graph::build(&model);
            let opts = if expanded {
                ViewOptions::expanded()
            } else {
                ViewOptions::first_view()
            };
            let view = project(&g, &opts);
            let scene = compose(&view, &model.host_ports);
            for note in &scene.notes {
                eprintln!("explorer: note: {note}");
            }
            let name = model.system_name();
            if first_frame {
                let page = std::fs::read_to_string(&output)
                    .map_err(|e| format!("cannot read {output}: {e}"))?;
                let page = frame::into_page(&page, &view, &scene, name.as_deref(), &base)
                    .map_err(|e| format!("{output}: {e}"))?;
                write_output(&output, &page)?;
            } else {
                let theme = match theme {
                    ThemeArg::Light => Theme::Light,
                    ThemeArg::Dark => Theme::Dark,
                };
                let svg = standalone_svg(
                    &scene,
                    &FileOptions {
                        title: drawing_title(name.as_deref()),
                        theme,
                    },
                );
                write_output(&output, &svg)?;
            }
        }
        Command::Flows { inputs, kind, json } => {
            let model = load(&inputs)?;
            report_load_errors(&model);
            let g = graph::build(&model);
            let mut all = flows::derive(&model, &g);
            if let Some(k) = kind {
                let want = match k {
                    FlowArg::Traffic => FlowKind::Traffic,
                    FlowArg::Metrics => FlowKind::Metrics,
                    FlowArg::Startup => FlowKind::Startup,
                };
                all.retain(|f| f.kind == want);
                if all.is_empty() {
                    return Err(format!(
                        "no {} flow can be derived from these manifests",
                        want.as_str()
                    ));
                }
            }
            let text = if json {
                serde_json::to_string_pretty(&all).map_err(|e| e.to_string())? + "\n"
            } else {
                all.iter().map(flow_text).collect::<Vec<_>>().join("\n")
            };
            write_output("-", &text)?;
        }
        Command::Tour {
            inputs,
            format,
            output,
        } => {
            let model = load(&inputs)?;
            report_load_errors(&model);
            let t = build_tour(&model);
            let text = match format {
                TourFormat::Markdown => tour_markdown(&t),
                TourFormat::Json => {
                    serde_json::to_string_pretty(&t).map_err(|e| e.to_string())? + "\n"
                }
            };
            write_output(output.as_deref().unwrap_or("-"), &text)?;
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

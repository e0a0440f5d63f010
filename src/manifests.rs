//! The manifests context: fetches the redacted bundle once, parses it with the
//! core and derives the model every view reads. Exposed as
//! `provide_manifests` / `use_manifests`.

use std::fmt;
use std::sync::Arc;

use explorer_core::graph::{self, Graph};
use explorer_core::load::{load_sources, Model, Source};
use explorer_core::problems::{self, Counts, Problem};
use explorer_core::resources::{self, ResourceTable};
use leptos::prelude::*;

use crate::fetch::{self, FetchError};

/// Bundle path, relative to the app's base URL.
pub const BUNDLE_PATH: &str = "manifests.yaml";

/// Everything derived from one set of manifests.
pub struct Loaded {
    /// Where the manifests came from, for the UI.
    pub origin: String,
    pub model: Model,
    pub graph: Graph,
    pub resources: ResourceTable,
    /// Every problem found (load errors, findings, invalid quantities), errors first.
    pub problems: Vec<Problem>,
    pub counts: Counts,
    /// What the system is called (`app.kubernetes.io/part-of`, else its namespace).
    pub name: Option<String>,
}

/// Why no model could be shown.
#[derive(Clone, Debug)]
pub enum LoadFailure {
    Fetch(FetchError),
    /// The bundle was read but held no object.
    Empty {
        problems: Vec<String>,
    },
}

impl fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadFailure::Fetch(e) => write!(f, "could not load the manifests: {e}"),
            LoadFailure::Empty { problems } if problems.is_empty() => {
                write!(f, "the manifests bundle holds no Kubernetes object")
            }
            LoadFailure::Empty { problems } => {
                write!(f, "no object could be read: {}", problems.join("; "))
            }
        }
    }
}

impl std::error::Error for LoadFailure {}

pub type LoadResult = Result<Arc<Loaded>, LoadFailure>;

/// Parses and derives, natively testable apart from the fetch.
pub fn derive(origin: String, sources: &[Source]) -> LoadResult {
    let model = load_sources(sources);
    crate::mark("parsed");
    if model.objects.is_empty() {
        return Err(LoadFailure::Empty {
            problems: model.errors.iter().map(|e| e.to_string()).collect(),
        });
    }
    let graph = graph::build(&model);
    crate::mark("graph-built");
    let resources = resources::table(&model);
    let problems = problems::collect(&model, &graph, &resources);
    let counts = Counts::of(&problems);
    let model_name = model.system_name();
    Ok(Arc::new(Loaded {
        origin,
        model,
        graph,
        resources,
        problems,
        counts,
        name: model_name,
    }))
}

/// Bytes of a file to the derived model, as the CLI reads a file: the same UTF-8 check and
/// the same messages.
pub fn derive_bytes(origin: String, bytes: Vec<u8>) -> LoadResult {
    match Source::from_bytes(origin.clone(), bytes) {
        Ok(source) => derive(origin, &[source]),
        Err(e) => Err(LoadFailure::Empty {
            problems: vec![e.to_string()],
        }),
    }
}

async fn fetch_bundle() -> LoadResult {
    let url = fetch::relative_to_base(BUNDLE_PATH);
    let bytes = fetch::get_bytes(&url, fetch::DEFAULT_TIMEOUT_MS)
        .await
        .map_err(LoadFailure::Fetch)?;
    crate::mark("bundle-fetched");
    let derived = derive_bytes(BUNDLE_PATH.to_string(), bytes);
    crate::mark("derived");
    derived
}

#[derive(Clone, Copy)]
pub struct ManifestsCtx {
    pub data: LocalResource<LoadResult>,
}

pub fn provide_manifests() -> ManifestsCtx {
    let ctx = ManifestsCtx {
        data: LocalResource::new(fetch_bundle),
    };
    provide_context(ctx);
    ctx
}

pub fn use_manifests() -> ManifestsCtx {
    expect_context::<ManifestsCtx>()
}

/// Renders `children` with the loaded manifests, a loading line while they
/// arrive, and the error when they cannot be read.
#[component]
pub fn WithManifests<F, V>(children: F) -> impl IntoView
where
    F: Fn(Arc<Loaded>) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    // One instantiation of the Transition / ErrorBoundary / Suspend machinery for every page,
    // not one per page: each cost about 5 KB gzipped of wasm (measured with `make dist`).
    let children: Shown = Arc::new(move |l| children(l).into_any());
    view! { <ManifestsShown children /> }
}

type Shown = Arc<dyn Fn(Arc<Loaded>) -> AnyView + Send + Sync>;

#[component]
fn ManifestsShown(children: Shown) -> impl IntoView {
    let ctx = use_manifests();
    view! {
        <Transition fallback=|| view! { <p class="status-line">"Loading manifests…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! {
                    <div class="error-panel" role="alert">
                        <h2>"The manifests could not be shown"</h2>
                        <ul>
                            {move || {
                                errors
                                    .get()
                                    .into_iter()
                                    .map(|(_, e)| view! { <li>{e.to_string()}</li> })
                                    .collect_view()
                            }}
                        </ul>
                    </div>
                }
            }>
                {
                    let children = children.clone();
                    move || {
                        let children = children.clone();
                        Suspend::new(async move { ctx.data.await.map(|l| children(l)) })
                    }
                }
            </ErrorBoundary>
        </Transition>
    }
}

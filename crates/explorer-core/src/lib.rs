//! The domain of the architecture explorer: manifests → redacted model → relations graph,
//! resources, problems, details and live-response parsing. No UI, no markup, no IO: it also
//! builds for wasm32. How any of it is shown lives in `explorer-view`.

pub mod bundle;
pub mod details;
pub mod graph;
pub mod index;
pub mod live;
pub mod load;
pub mod model;
pub mod netref;
pub mod problems;
pub mod quantity;
pub mod redact;
pub mod relations;
pub mod resources;
pub mod status;
pub mod yaml;

pub use model::{Body, HostPort, LoadError, Model, Object, ObjectId, SourceRef};

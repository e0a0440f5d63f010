//! The domain of the architecture explorer: manifests → redacted model → relations graph,
//! resources, problems, details and live-response parsing. No UI, no markup, no IO: it also
//! builds for wasm32. How any of it is shown lives in `explorer-view`.

pub mod bundle;
mod decode;
pub mod details;
pub mod flows;
pub mod graph;
pub mod index;
pub mod live;
pub mod load;
pub mod model;
pub mod netref;
mod order;
pub mod problems;
pub mod quantity;
pub mod redact;
pub mod relations;
pub mod resources;
pub mod security;
pub mod sort;
pub mod status;
pub mod storage;
pub mod tour;
pub mod yaml;

pub use model::{ApplyOrder, Body, HostPort, LoadError, Model, Object, ObjectId, SourceRef};

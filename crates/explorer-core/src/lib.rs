//! Pure core of the architecture explorer: manifests → redacted model → relations graph,
//! resources, details and live-response parsing. No UI, no IO: also builds for wasm32.

pub mod bundle;
pub mod details;
pub mod export;
pub mod graph;
pub mod ids;
pub mod index;
pub mod layout;
pub mod live;
pub mod load;
pub mod model;
pub mod netref;
pub mod panel;
pub mod problems;
pub mod quantity;
pub mod redact;
pub mod relations;
pub mod resources;
pub mod scene;
pub mod url;
pub mod view;
pub mod viewport;
pub mod yaml;

pub use model::{Body, HostPort, LoadError, Model, Object, ObjectId, SourceRef};

//! Presentation of the architecture explorer, apart from the domain
//! (`explorer-core`): how the graph is shown, never what it means.
//!
//! - [`project`]: the diagram's view of the graph (folding, filters, node sizes);
//! - [`layout`] and [`scene`]: the layered layout and the placed geometry;
//! - [`spotlight`]: what a flow or tour step lights up, and the box to zoom to;
//! - [`timeline`]: the startup timeline's geometry;
//! - [`live`]: a workload's live section (state, evidence, replicas, traffic sparkline);
//! - [`walk`]: the walkthrough pages' static markup (step list, timeline, probes, facts);
//! - [`viewport`]: pan and zoom maths; [`url`]: the router's URL maths;
//! - [`palette`]: the one set of tier and edge colours (page, SVG, CLI);
//! - [`markdown`]: the tour's Markdown export and the flows as terminal text;
//! - [`html`]: [`html::Html`], markup that can only hold escaped text;
//! - [`svg`], [`panel`] and [`frame`]: the SVG and HTML writers, on `Html`
//!   (the diagram, the details panel, the legend and the pre-rendered first frame).
//!
//! Pure and native-tested; the SPA and the CLI use it, the core does not.

pub mod frame;
pub mod html;
pub mod ids;
pub mod layout;
pub mod live;
pub mod markdown;
pub mod palette;
pub mod panel;
pub mod project;
pub mod reference;
pub mod scene;
pub mod share;
pub mod spotlight;
pub mod svg;
pub mod timeline;
pub mod url;
pub mod viewport;
pub mod walk;

pub use html::Html;

//! Presentation of the architecture explorer, apart from the domain
//! (`explorer-core`): how the graph is shown, never what it means.
//!
//! - [`project`]: the diagram's view of the graph (folding, filters, node sizes);
//! - [`layout`] and [`scene`]: the layered layout and the placed geometry;
//! - [`viewport`]: pan and zoom maths; [`url`]: the router's URL maths;
//! - [`palette`]: the one set of tier and edge colours (page, SVG, CLI);
//! - [`html`]: [`html::Html`], markup that can only hold escaped text;
//! - [`svg`], [`panel`] and [`frame`]: the SVG and HTML writers, on `Html`
//!   (the diagram, the details panel, the legend and the pre-rendered first frame).
//!
//! Pure and native-tested; the SPA and the CLI use it, the core does not.

pub mod frame;
pub mod html;
pub mod ids;
pub mod layout;
pub mod palette;
pub mod panel;
pub mod project;
pub mod scene;
pub mod svg;
pub mod url;
pub mod viewport;

pub use html::Html;

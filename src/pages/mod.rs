mod diagram;
mod findings;
mod flows;
mod reference;
mod resources;
mod status;
mod tour;
mod walk;

pub use diagram::{remove_first_frame, DiagramPage};
pub use findings::{FindingsBadge, FindingsPage};
pub use flows::FlowPage;
pub use reference::{Reference, ReferencePage};
pub use resources::{ResourceTable, ResourcesPage};
pub use status::{StatusBar, StatusPage};
pub use tour::TourPage;

use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Not found"</h1>
            <p>"This view does not exist. "<a href="/explorer/">"Back to the diagram"</a></p>
        </section>
    }
}

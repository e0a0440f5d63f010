//! A small client-side router: the location as a signal, the history API to
//! change it, and same-app link clicks turned into navigations.
//!
//! The explorer has a handful of flat pages and keeps its shareable state in
//! query parameters, so it does not need leptos_router's nested routes; this
//! module does the same job for about 40 KiB less gzipped wasm (measured with
//! `make dist`). Parsing and formatting live in `explorer_view::url`.

use explorer_view::url::Location;
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Where nginx serves the app.
pub const BASE: &str = "/explorer";

#[derive(Clone, Copy)]
pub struct Router {
    location: RwSignal<Location>,
    path: Memo<String>,
}

fn current() -> Location {
    let loc = window().location();
    Location::parse(
        BASE,
        &loc.pathname().unwrap_or_default(),
        &loc.search().unwrap_or_default(),
    )
}

/// Tracks `window.location`: back/forward (`popstate`) and clicks on links
/// that stay inside the app.
pub fn provide_router() -> Router {
    let location = RwSignal::new(current());
    let router = Router {
        location,
        path: Memo::new(move |_| location.with(|l| l.path.clone())),
    };
    let pop = window_event_listener(ev::popstate, move |_| router.location.set(current()));
    let click = window_event_listener(ev::click, move |ev| {
        if let Some(href) = in_app_link(&ev) {
            ev.prevent_default();
            router.push(&href);
        }
    });
    on_cleanup(move || {
        pop.remove();
        click.remove();
    });
    provide_context(router);
    router
}

pub fn use_router() -> Router {
    expect_context::<Router>()
}

impl Router {
    /// The path below the base (`/`, `/resources`), tracked; changes of the
    /// query alone do not notify it.
    pub fn path(&self) -> Memo<String> {
        self.path
    }

    /// Query parameter `key` as a signal pair; setting it pushes a history entry.
    pub fn param(&self, key: &'static str) -> (Memo<Option<String>>, SignalSetter<Option<String>>) {
        let location = self.location;
        let get = Memo::new(move |_| location.with(|l| l.param(key).map(str::to_string)));
        let router = *self;
        let set = SignalSetter::map(move |value: Option<String>| {
            let next = location.with_untracked(|l| l.with_param(key, value.as_deref()));
            router.push(&next.href(BASE));
        });
        (get, set)
    }

    /// Navigates to an absolute href inside the app without reloading.
    pub fn push(&self, href: &str) {
        let (path, search) = href.split_once('?').unwrap_or((href, ""));
        let next = Location::parse(BASE, path, search);
        if self.location.with_untracked(|l| *l == next) {
            return;
        }
        if let Ok(history) = window().history() {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href));
        }
        self.location.set(next);
    }
}

/// The href of a plain left click on an `<a>` that points inside the app.
fn in_app_link(ev: &web_sys::MouseEvent) -> Option<String> {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.ctrl_key()
        || ev.shift_key()
        || ev.alt_key()
    {
        return None;
    }
    let anchor = ev
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("a[href]")
        .ok()??
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()?;
    if !anchor.target().is_empty() || anchor.has_attribute("download") {
        return None;
    }
    let origin = window().location().origin().ok()?;
    if anchor.origin() != origin {
        return None;
    }
    let path = anchor.pathname();
    if path != BASE && !path.starts_with(&format!("{BASE}/")) {
        return None;
    }
    Some(format!("{path}{}", anchor.search()))
}

//! HTTP for the SPA: every request carries an `AbortSignal` timeout and fails
//! with a typed error.

use std::fmt;

use gloo_net::http::Request;

/// Default time budget for one request.
pub const DEFAULT_TIMEOUT_MS: u32 = 5_000;

/// Why a request failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// The `AbortSignal` timeout fired first.
    Timeout { url: String, ms: u32 },
    /// The request never produced a response (offline, refused, CORS, …).
    Network { url: String, message: String },
    /// The server answered with a non-2xx status.
    Status { url: String, status: u16 },
    /// The body could not be read or parsed.
    Body { url: String, message: String },
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Timeout { url, ms } => write!(f, "{url}: no answer within {ms} ms"),
            FetchError::Network { url, message } => write!(f, "{url}: network error ({message})"),
            FetchError::Status { url, status } => write!(f, "{url}: HTTP {status}"),
            FetchError::Body { url, message } => write!(f, "{url}: unreadable body ({message})"),
        }
    }
}

impl std::error::Error for FetchError {}

/// Resolves `path` against the document's base URL (`/explorer/`), so the app
/// works wherever it is served.
pub fn relative_to_base(path: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten());
    match base.and_then(|b| web_sys::Url::new_with_base(path, &b).ok()) {
        Some(url) => url.href(),
        None => path.to_string(),
    }
}

/// Sends a GET to `url` with an `AbortSignal` that fires after `timeout_ms`, whatever the
/// status of the answer.
async fn request(
    url: &str,
    timeout_ms: u32,
) -> Result<(gloo_net::http::Response, web_sys::AbortSignal), FetchError> {
    let signal = web_sys::AbortSignal::timeout_with_u32(timeout_ms);
    let response = Request::get(url)
        .abort_signal(Some(&signal))
        .send()
        .await
        .map_err(|e| classify(url, timeout_ms, &signal, e))?;
    Ok((response, signal))
}

/// As [`request`]; a non-2xx answer is a [`FetchError::Status`].
async fn send(
    url: &str,
    timeout_ms: u32,
) -> Result<(gloo_net::http::Response, web_sys::AbortSignal), FetchError> {
    let (response, signal) = request(url, timeout_ms).await?;
    if !response.ok() {
        return Err(FetchError::Status {
            url: url.to_string(),
            status: response.status(),
        });
    }
    Ok((response, signal))
}

/// GETs `url` as bytes, aborting after `timeout_ms` (the caller decides how to decode them).
pub async fn get_bytes(url: &str, timeout_ms: u32) -> Result<Vec<u8>, FetchError> {
    let (response, signal) = send(url, timeout_ms).await?;
    response
        .binary()
        .await
        .map_err(|e| classify(url, timeout_ms, &signal, e))
}

/// GETs `url` as text, aborting after `timeout_ms`.
pub async fn get_text(url: &str, timeout_ms: u32) -> Result<String, FetchError> {
    let (response, signal) = send(url, timeout_ms).await?;
    response
        .text()
        .await
        .map_err(|e| classify(url, timeout_ms, &signal, e))
}

/// GETs `url` and returns its status and body whatever the status (the live view reads
/// error pages as evidence too); only a timeout or a network failure is an error.
pub async fn get_any(url: &str, timeout_ms: u32) -> Result<(u16, String), FetchError> {
    let (response, signal) = request(url, timeout_ms).await?;
    let status = response.status();
    let body = response
        .text()
        .await
        .map_err(|e| classify(url, timeout_ms, &signal, e))?;
    Ok((status, body))
}

fn classify(
    url: &str,
    ms: u32,
    signal: &web_sys::AbortSignal,
    error: gloo_net::Error,
) -> FetchError {
    if signal.aborted() {
        FetchError::Timeout {
            url: url.to_string(),
            ms,
        }
    } else {
        FetchError::Network {
            url: url.to_string(),
            message: error.to_string(),
        }
    }
}

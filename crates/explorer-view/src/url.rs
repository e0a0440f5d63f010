//! The app's location: which page under the base path, and the query
//! parameters that carry shareable state (`?node=Deployment/budget-app/flask-app`).
//!
//! Pure parsing and formatting, so the SPA's small router (history API +
//! `popstate`) stays a thin shell and every rule here is tested natively.

/// A location below the app's base path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The path below the base, always starting with `/` (`/`, `/resources`).
    pub path: String,
    /// Decoded query parameters in their order; a key appears at most once.
    pub query: Vec<(String, String)>,
}

impl Location {
    /// Parses `pathname` + `search` (with or without the leading `?`) as seen by
    /// `window.location`, relative to `base` (`/explorer`). A path outside the
    /// base is kept whole, so it lands on the not-found page.
    pub fn parse(base: &str, pathname: &str, search: &str) -> Location {
        let base = base.trim_end_matches('/');
        let below = match pathname.strip_prefix(base) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
            _ => pathname,
        };
        let mut path = if below.is_empty() { "/" } else { below }.to_string();
        if path.len() > 1 && path.ends_with('/') {
            path.pop();
        }
        let mut query: Vec<(String, String)> = Vec::new();
        for pair in search.trim_start_matches('?').split('&') {
            if pair.is_empty() {
                continue;
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (k, v) = (decode(k), decode(v));
            match query.iter_mut().find(|(qk, _)| *qk == k) {
                Some(slot) => slot.1 = v,
                None => query.push((k, v)),
            }
        }
        Location { path, query }
    }

    /// The value of `key`, `None` when absent or empty.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// A copy with `key` set (`Some`) or removed (`None`), other keys kept in order.
    pub fn with_param(&self, key: &str, value: Option<&str>) -> Location {
        let mut out = self.clone();
        match (out.query.iter().position(|(k, _)| k == key), value) {
            (Some(i), Some(v)) => out.query[i].1 = v.to_string(),
            (Some(i), None) => {
                out.query.remove(i);
            }
            (None, Some(v)) => out.query.push((key.to_string(), v.to_string())),
            (None, None) => {}
        }
        out
    }

    /// The absolute href under `base`: `/explorer/?node=Deployment%2Fns%2Fname`.
    pub fn href(&self, base: &str) -> String {
        let base = base.trim_end_matches('/');
        let mut s = format!("{base}{}", self.path);
        for (i, (k, v)) in self.query.iter().enumerate() {
            s.push(if i == 0 { '?' } else { '&' });
            s.push_str(&encode(k));
            s.push('=');
            s.push_str(&encode(v));
        }
        s
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Decodes `%XX` escapes and `+` (form encoding's space); invalid escapes stay as
/// they are and invalid UTF-8 is replaced.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "/explorer";

    #[test]
    fn paths_below_the_base() {
        assert_eq!(Location::parse(BASE, "/explorer/", "").path, "/");
        assert_eq!(Location::parse(BASE, "/explorer", "").path, "/");
        assert_eq!(
            Location::parse(BASE, "/explorer/resources", "").path,
            "/resources"
        );
        assert_eq!(
            Location::parse(BASE, "/explorer/resources/", "").path,
            "/resources"
        );
        // Outside the base, or a prefix that is not a path segment: kept whole.
        assert_eq!(Location::parse(BASE, "/other", "").path, "/other");
        assert_eq!(
            Location::parse(BASE, "/explorerx/a", "").path,
            "/explorerx/a"
        );
    }

    #[test]
    fn query_round_trip() {
        let l = Location::parse(
            BASE,
            "/explorer/",
            "?node=Deployment%2Fbudget-app%2Fflask-app&q=a+b&node=Service%2Fx%2Fy",
        );
        // The last value of a repeated key wins.
        assert_eq!(l.param("node"), Some("Service/x/y"));
        assert_eq!(l.param("q"), Some("a b"));
        assert_eq!(l.param("missing"), None);
        let href = l.href(BASE);
        assert_eq!(href, "/explorer/?node=Service%2Fx%2Fy&q=a%20b");
        let (path, search) = href.split_once('?').unwrap();
        assert_eq!(Location::parse(BASE, path, search), l);
    }

    #[test]
    fn setting_and_removing_params() {
        let l = Location::parse(BASE, "/explorer/", "a=1&b=2");
        assert_eq!(
            l.with_param("a", Some("3")).href(BASE),
            "/explorer/?a=3&b=2"
        );
        assert_eq!(l.with_param("a", None).href(BASE), "/explorer/?b=2");
        assert_eq!(
            l.with_param("c", Some("x/y")).href(BASE),
            "/explorer/?a=1&b=2&c=x%2Fy"
        );
        assert_eq!(
            l.with_param("a", None).with_param("b", None).href(BASE),
            "/explorer/"
        );
        // Empty values read as absent.
        assert_eq!(
            Location::parse(BASE, "/explorer/", "node=").param("node"),
            None
        );
    }

    #[test]
    fn decoding_is_forgiving() {
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(decode("%E2%9C%93"), "✓");
        assert_eq!(decode("%FF"), "\u{fffd}");
        assert_eq!(encode("✓ a/b"), "%E2%9C%93%20a%2Fb");
    }
}

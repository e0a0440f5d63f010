//! Small, allocation-light parsing of URLs, `host:port` tokens and host names found in
//! configuration text.

/// A URL split into parts (`scheme://[userinfo@]host[:port][path][?query][#fragment]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Url<'a> {
    pub scheme: &'a str,
    pub userinfo: Option<&'a str>,
    pub host: &'a str,
    /// The raw port text (may be non-numeric, e.g. `${PORT}`).
    pub port: Option<&'a str>,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fragment: Option<&'a str>,
}

impl Url<'_> {
    pub fn port_number(&self) -> Option<u16> {
        self.port.and_then(|p| p.parse().ok())
    }

    /// `scheme://host[:port]`: the part of a URL that names a service and survives redaction.
    pub fn origin(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{}", self.scheme, self.host, p),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// `host[:port]`.
    pub fn host_port(&self) -> String {
        match self.port {
            Some(p) => format!("{}:{}", self.host, p),
            None => self.host.to_string(),
        }
    }
}

fn is_scheme_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')
}

/// Characters that end a URL token inside free text.
pub fn is_url_terminator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\'' | '<' | '>' | ';' | ',' | ')' | '}' | '`' | '|' | '\\'
        )
}

/// Parses a whole string as a URL. The host may be empty only for `file:`-like URLs, which
/// are rejected here (we only care about network references).
pub fn parse_url(s: &str) -> Option<Url<'_>> {
    let (scheme, rest) = s.split_once("://")?;
    if scheme.is_empty()
        || !scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        || !scheme.chars().all(is_scheme_char)
    {
        return None;
    }
    // Credentials hold '/', '?', '#' and '@' unencoded often enough (generated passwords do):
    // the userinfo ends at the last '@', as redaction reads it, so that the graph of the raw
    // manifests and the graph of the redacted bundle name the same host.
    let (userinfo, after) = match rest.rfind('@') {
        Some(i) => (Some(&rest[..i]), &rest[i + 1..]),
        None => (None, rest),
    };
    let auth_end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (hostport, tail) = after.split_at(auth_end);
    let (host, port) = if let Some(stripped) = hostport.strip_prefix('[') {
        let close = stripped.find(']')?;
        let host = &hostport[..close + 2];
        let after = &stripped[close + 1..];
        (host, after.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = port.filter(|p| !p.is_empty());
    let (before_frag, fragment) = match tail.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (tail, None),
    };
    let (path, query) = match before_frag.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_frag, None),
    };
    Some(Url {
        scheme,
        userinfo,
        host,
        port,
        path,
        query,
        fragment,
    })
}

/// Byte ranges of URL-looking tokens (`scheme://…`) in free text.
pub fn find_urls(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(rel) = text[search..].find("://") {
        let sep = search + rel;
        let start = text[..sep]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_scheme_char(c))
            .last()
            .map_or(sep, |(i, _)| i);
        // The scheme must start with a letter: skip leading digits/punctuation.
        let start = text[start..sep]
            .find(|c: char| c.is_ascii_alphabetic())
            .map_or(sep, |i| start + i);
        let end = text[sep + 3..]
            .find(is_url_terminator)
            .map_or(text.len(), |i| sep + 3 + i);
        if start < sep && parse_url(&text[start..end]).is_some() {
            out.push((start, end));
        }
        search = end.max(sep + 3);
    }
    out
}

/// `name:1234` → (`name`, 1234) when `name` is a host name.
pub fn split_host_port(s: &str) -> Option<(&str, u16)> {
    let (host, port) = s.rsplit_once(':')?;
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || port.len() > 5 {
        return None;
    }
    let port: u16 = port.parse().ok()?;
    is_hostname(host).then_some((host, port))
}

/// A DNS host name: dot-separated labels of `[A-Za-z0-9-]`, starting with a letter.
pub fn is_hostname(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.trim_end_matches('.').split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// True for loopback and IP literals, which never name a Service.
pub fn is_local_or_ip(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h.starts_with('[')
        || h.contains(':')
        || (h.split('.').count() == 4 && h.split('.').all(|p| p.parse::<u8>().is_ok()))
}

/// Splits free text into tokens on whitespace, quotes and common separators.
pub fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | ',' | ';' | '(' | ')' | '[' | ']' | '{' | '}' | '`' | '='
            )
    })
    .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        let u = parse_url("postgresql://u:p@postgres-service:5432/budget?sslmode=off").unwrap();
        assert_eq!(u.scheme, "postgresql");
        assert_eq!(u.userinfo, Some("u:p"));
        assert_eq!(u.host, "postgres-service");
        assert_eq!(u.port_number(), Some(5432));
        assert_eq!(u.path, "/budget");
        assert_eq!(u.query, Some("sslmode=off"));
        let u = parse_url("http://[::1]:80/x").unwrap();
        assert_eq!(u.host, "[::1]");
        assert_eq!(u.port, Some("80"));
        assert!(parse_url("file:///etc/x").is_none());
        assert!(parse_url("no url").is_none());
        // A password with '/', '#', '?' and '@' in it: the host is after the last '@'.
        let u = parse_url("postgresql://ad@min:p@ss:w/rd%40#frag?q=1@db-service:5432/app").unwrap();
        assert_eq!(u.userinfo, Some("ad@min:p@ss:w/rd%40#frag?q=1"));
        assert_eq!((u.host, u.port_number()), ("db-service", Some(5432)));
        assert_eq!(u.path, "/app");
        assert!(parse_url("1http://x").is_none());
    }

    #[test]
    fn finds_urls_in_text() {
        let t = "proxy_pass http://flask-service:5000; x=\"redis://r:6379/0\"";
        let found: Vec<&str> = find_urls(t).into_iter().map(|(a, b)| &t[a..b]).collect();
        assert_eq!(found, vec!["http://flask-service:5000", "redis://r:6379/0"]);
        assert!(find_urls("://nothing").is_empty());
    }

    #[test]
    fn host_ports() {
        assert_eq!(
            split_host_port("flask-service:5000"),
            Some(("flask-service", 5000))
        );
        assert_eq!(split_host_port("12:30"), None);
        assert_eq!(split_host_port("a:99999"), None);
        assert_eq!(split_host_port("a:b"), None);
        assert!(is_local_or_ip("127.0.0.1"));
        assert!(is_local_or_ip("localhost"));
        assert!(!is_local_or_ip("db"));
    }
}

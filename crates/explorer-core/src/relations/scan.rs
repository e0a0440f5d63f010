//! Finding host references in configuration text: values, commands and nginx configs.

use crate::netref::{find_urls, is_hostname, parse_url, split_host_port, tokens};
use crate::redact::redact_text;

/// A host named by configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub host: String,
    pub port: Option<u16>,
    /// Report a `broken-reference` when the host is a cluster name with no Service.
    pub strong: bool,
    /// Evidence to quote (already free of credentials), e.g. `proxy_pass http://x:80`.
    pub evidence: Option<String>,
}

impl Hit {
    pub fn host_port(&self) -> String {
        match self.port {
            Some(p) => format!("{}:{p}", self.host),
            None => self.host.clone(),
        }
    }
}

/// True when a key name suggests its value is a host (`DB_HOST`, `redisUrl`, `api.endpoint`).
pub fn key_suggests_host(key: &str) -> bool {
    const WORDS: &[&str] = &[
        "host",
        "hostname",
        "hosts",
        "addr",
        "address",
        "server",
        "servers",
        "url",
        "uri",
        "endpoint",
        "endpoints",
        "service",
        "svc",
        "dsn",
        "upstream",
        "broker",
        "brokers",
        "backend",
    ];
    // Last word of SNAKE_CASE, kebab-case, dotted or camelCase names.
    let mut last = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if matches!(c, '_' | '-' | '.' | ' ') {
            last.clear();
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            last.clear();
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        last.push(c.to_ascii_lowercase());
    }
    WORDS.contains(&last.as_str())
}

fn url_hit(token: &str, strong: bool) -> Option<Hit> {
    let u = parse_url(token)?;
    if !is_hostname(u.host) {
        return None;
    }
    Some(Hit {
        host: u.host.to_string(),
        port: u.port_number(),
        strong,
        evidence: None,
    })
}

/// Hosts in one configuration value. Multi-line text yields URLs only; a single line also
/// yields `host:port` tokens, and a lone host name when the key suggests a host.
pub fn scan_value(keys: &[&str], value: &str) -> Vec<Hit> {
    let hinted = keys.iter().any(|k| key_suggests_host(k));
    // Read the value as the bundle shows it (credentials stripped the way redaction strips
    // them), so the raw manifests and the served bundle give the same hosts, whatever a
    // password holds.
    let redacted = redact_text(value);
    let v = redacted.trim();
    let mut hits = Vec::new();
    if v.contains('\n') {
        for (a, b) in find_urls(v) {
            hits.extend(url_hit(&v[a..b], true));
        }
        return hits;
    }
    // URLs whole first (a password may hold '=' or spaces-free separators that would cut
    // them into tokens), then host:port tokens outside them.
    for (a, b) in find_urls(v) {
        hits.extend(url_hit(&v[a..b], true));
    }
    for t in tokens(v) {
        if t.contains("://") || t.contains('@') {
            continue;
        } else if let Some((host, port)) = split_host_port(t) {
            hits.push(Hit {
                host: host.to_string(),
                port: Some(port),
                strong: hinted,
                evidence: None,
            });
        }
    }
    if hits.is_empty() && hinted && is_hostname(v) {
        hits.push(Hit {
            host: v.to_string(),
            port: None,
            strong: true,
            evidence: None,
        });
    }
    hits
}

const SHELL_WORDS: &[&str] = &[
    "until", "while", "if", "then", "do", "else", "!", "exec", "{",
];
const ECHO_WORDS: &[&str] = &["echo", "printf", "logger", "print"];
const HOST_FLAGS: &[&str] = &[
    "-h",
    "--host",
    "--hostname",
    "--server",
    "--addr",
    "--address",
    "--url",
    "--endpoint",
];
const NET_TOOLS: &[&str] = &["nc", "ncat", "netcat", "telnet"];

fn is_shell(w: &str) -> bool {
    let base = w.rsplit('/').next().unwrap_or(w);
    matches!(base, "sh" | "bash" | "ash" | "dash" | "zsh")
}

/// Drops leading shell keywords and `sh -c`-style wrappers.
fn strip_shell_prefix(words: &mut Vec<&str>) {
    loop {
        match words.first() {
            Some(w) if SHELL_WORDS.contains(w) => {
                words.remove(0);
            }
            Some(w) if is_shell(w) => {
                words.remove(0);
                while words.first().is_some_and(|w| w.starts_with('-')) {
                    words.remove(0);
                }
            }
            _ => break,
        }
    }
}

fn tidy_segment(seg: &str) -> String {
    let mut words: Vec<&str> = seg.split_whitespace().map(strip_quotes).collect();
    strip_shell_prefix(&mut words);
    let joined = words.join(" ");
    let red = redact_text(&joined).into_owned();
    if red.chars().count() > 120 {
        let cut: String = red.chars().take(117).collect();
        format!("{cut}...")
    } else {
        red
    }
}

fn strip_quotes(w: &str) -> &str {
    w.trim_matches(|c| c == '"' || c == '\'')
}

/// Hosts named by a container command line (`pg_isready -h db -p 5432`, `nc -z db 5432`,
/// URLs, `host:port`), each with the shell segment as evidence.
pub fn scan_command(parts: &[String]) -> Vec<Hit> {
    // As the bundle shows it: a password's `;`, `&`, `|` or spaces must not cut the command.
    let text = redact_text(&parts.join(" ")).into_owned();
    let mut hits = Vec::new();
    let segments = text.split(['\n', ';', '|', '&']);
    for seg in segments {
        let mut words: Vec<&str> = seg.split_whitespace().map(strip_quotes).collect();
        strip_shell_prefix(&mut words);
        // Messages are not connections.
        if words.first().is_some_and(|w| ECHO_WORDS.contains(w)) {
            continue;
        }
        let mut found: Vec<Hit> = Vec::new();
        let mut port_flag: Option<u16> = None;
        for (i, w) in words.iter().enumerate() {
            if let Some(p) = (*w == "-p" || *w == "--port")
                .then(|| words.get(i + 1).and_then(|p| p.parse().ok()))
                .flatten()
            {
                port_flag = Some(p);
            }
            if let Some(p) = w.strip_prefix("--port=").and_then(|p| p.parse().ok()) {
                port_flag = Some(p);
            }
            if w.contains("://") {
                for (a, b) in find_urls(w) {
                    found.extend(url_hit(&w[a..b], true));
                }
                continue;
            }
            if let Some((host, port)) = split_host_port(w) {
                found.push(Hit {
                    host: host.into(),
                    port: Some(port),
                    strong: false,
                    evidence: None,
                });
                continue;
            }
            let flag_value = if HOST_FLAGS.contains(w) {
                words.get(i + 1).copied()
            } else {
                HOST_FLAGS
                    .iter()
                    .filter(|f| f.starts_with("--"))
                    .find_map(|f| w.strip_prefix(&format!("{f}=")))
            };
            if let Some(h) = flag_value.filter(|h| is_hostname(h)) {
                found.push(Hit {
                    host: h.into(),
                    port: None,
                    strong: true,
                    evidence: None,
                });
            }
            if NET_TOOLS.contains(w) {
                let rest: Vec<&&str> = words[i + 1..]
                    .iter()
                    .filter(|a| !a.starts_with('-'))
                    .collect();
                if let Some(h) = rest.first().filter(|h| is_hostname(h)) {
                    found.push(Hit {
                        host: (**h).into(),
                        port: rest.get(1).and_then(|p| p.parse().ok()),
                        strong: false,
                        evidence: None,
                    });
                }
            }
        }
        if found.is_empty() {
            continue;
        }
        let evidence = tidy_segment(seg);
        for mut h in found {
            if h.port.is_none() {
                h.port = port_flag;
            }
            h.evidence = Some(evidence.clone());
            hits.push(h);
        }
    }
    hits
}

/// Removes `#` comments from nginx config text.
fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// True when a config key looks like an nginx config with proxying.
pub fn is_nginx_conf(key: &str, value: &str) -> bool {
    key.ends_with(".conf") && (value.contains("proxy_pass") || value.contains("upstream"))
}

/// Hosts of `upstream name { server host:port; }` blocks and `*_pass` directives.
pub fn scan_nginx(conf: &str) -> Vec<Hit> {
    let text = strip_comments(conf);
    // Statements end at `;`, `{` or `}`; track the upstream block we are in.
    let mut hits = Vec::new();
    let mut upstreams: Vec<String> = Vec::new();
    let mut statements: Vec<(Option<String>, Vec<String>)> = Vec::new();
    let mut block_stack: Vec<Option<String>> = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '{' => {
                let words: Vec<String> = current.split_whitespace().map(str::to_string).collect();
                let upstream = (words.first().map(String::as_str) == Some("upstream"))
                    .then(|| words.get(1).cloned())
                    .flatten();
                if let Some(u) = &upstream {
                    upstreams.push(u.clone());
                }
                block_stack.push(upstream);
                current.clear();
            }
            '}' => {
                block_stack.pop();
                current.clear();
            }
            ';' => {
                let words: Vec<String> = current.split_whitespace().map(str::to_string).collect();
                let inside = block_stack.iter().rev().find_map(|b| b.clone());
                statements.push((inside, words));
                current.clear();
            }
            _ => current.push(c),
        }
    }
    for (upstream, words) in statements {
        let Some(directive) = words.first() else {
            continue;
        };
        match (directive.as_str(), upstream) {
            ("server", Some(up)) => {
                let Some(target) = words.get(1) else { continue };
                let (host, port) = match split_host_port(target) {
                    Some((h, p)) => (h.to_string(), Some(p)),
                    None if is_hostname(target) => (target.clone(), None),
                    None => continue,
                };
                hits.push(Hit {
                    evidence: Some(format!("upstream {up} server {target}")),
                    host,
                    port,
                    strong: true,
                });
            }
            (d, _) if d.ends_with("_pass") => {
                let Some(arg) = words.get(1) else { continue };
                if arg.contains('$') {
                    continue;
                }
                let Some(u) = parse_url(arg) else { continue };
                if upstreams.iter().any(|n| n == u.host) || !is_hostname(u.host) {
                    continue;
                }
                hits.push(Hit {
                    host: u.host.to_string(),
                    port: u.port_number(),
                    strong: true,
                    evidence: Some(format!("{d} {}", u.origin())),
                });
            }
            _ => {}
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_heuristic() {
        for k in [
            "WORDPRESS_DB_HOST",
            "redisUrl",
            "api.endpoint",
            "DATABASE_URL",
            "host",
        ] {
            assert!(key_suggests_host(k), "{k}");
        }
        for k in ["GET_HOSTS_FROM", "MYSQL_USER", "SERVICE_NAME", "hostPath"] {
            assert!(!key_suggests_host(k), "{k}");
        }
    }

    #[test]
    fn values() {
        let h = scan_value(&["WORDPRESS_DB_HOST"], "wordpress-mysql");
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].host, "wordpress-mysql");
        assert!(scan_value(&["GET_HOSTS_FROM"], "dns").is_empty());
        let h = scan_value(&["X"], "postgresql://REDACTED@postgres-service:5432/budget");
        assert_eq!(h[0].host_port(), "postgres-service:5432");
        let h = scan_value(&["BROKERS"], "a:9092,b:9093");
        assert_eq!(h.len(), 2);
    }

    #[test]
    fn commands() {
        let cmd = vec![
            "sh".to_string(),
            "-c".to_string(),
            "until pg_isready -h postgres-service -p 5432; do echo waiting; sleep 2; done"
                .to_string(),
        ];
        let h = scan_command(&cmd);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].host_port(), "postgres-service:5432");
        assert_eq!(
            h[0].evidence.as_deref(),
            Some("pg_isready -h postgres-service -p 5432")
        );
        assert!(scan_command(&["df".into(), "-h".into(), "/".into()]).is_empty());
        let h = scan_command(&["nc".into(), "-z".into(), "redis".into(), "6379".into()]);
        assert_eq!(h[0].host_port(), "redis:6379");
    }

    #[test]
    fn nginx() {
        let conf = "events {}\nhttp {\n upstream backend { server flask-service:5000; }\n server {\n  location / { proxy_pass http://backend; }\n  location /prometheus/ { proxy_pass http://prometheus-service:9090/; } # x\n  location /v { proxy_pass http://$host; }\n }\n}\n";
        let h = scan_nginx(conf);
        let found: Vec<(String, Option<String>)> = h
            .iter()
            .map(|h| (h.host_port(), h.evidence.clone()))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "flask-service:5000".into(),
                    Some("upstream backend server flask-service:5000".into())
                ),
                (
                    "prometheus-service:9090".into(),
                    Some("proxy_pass http://prometheus-service:9090".into())
                ),
            ]
        );
    }
}

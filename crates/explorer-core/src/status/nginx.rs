//! Just enough of an nginx config to answer "which location serves this path, and what does
//! it do with it": directives, `server` blocks, top-level `location`s with nginx's selection
//! order (exact, longest prefix, `^~`, regexes in order), `proxy_pass` / `upstream`, `return`,
//! `internal` and static roots. Nested locations are not followed (they inherit the handler).
//!
//! The text is parsed by `nginx-lint-parser` (the maintained parser of the nginx-lint project:
//! quoting, escapes, comments, `map`/`geo` and Lua blocks as nginx reads them) instead of a
//! hand-written tokenizer; this module only selects locations.

use std::collections::BTreeMap;

use nginx_lint_parser::ast::{Argument, Config, Directive};
use nginx_lint_parser::lexer_rowan::tokenize;
use nginx_lint_parser::syntax_kind::SyntaxKind;

use crate::netref::{parse_url, split_host_port};
use crate::sort::Collect;

/// Deepest block nesting accepted: the crate's parser recurses once per block, so deeper
/// text is refused before it is parsed.
const MAX_DEPTH: usize = 32;

/// The deepest `{` nesting in `text`, from the crate's own tokens (so quoted and commented
/// braces do not count).
fn nesting(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for (kind, _) in tokenize(text) {
        match kind {
            SyntaxKind::L_BRACE => {
                depth += 1;
                max = max.max(depth);
            }
            SyntaxKind::R_BRACE => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Parses nginx config text; `None` when the crate refuses it or it nests deeper than
/// [`MAX_DEPTH`].
fn parse(text: &str) -> Option<Config> {
    if nesting(text) > MAX_DEPTH {
        return None;
    }
    nginx_lint_parser::parse_string(text).ok()
}

/// An argument's text as nginx sees it: quotes removed, `$variables` kept whole.
fn arg(a: &Argument) -> &str {
    if a.is_quoted() {
        a.as_str()
    } else {
        &a.raw
    }
}

fn args(d: &Directive) -> Vec<&str> {
    d.args.iter().map(arg).collect()
}

fn children(d: &Directive) -> impl Iterator<Item = &Directive> {
    d.block.iter().flat_map(|b| b.directives())
}

/// How a location matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Modifier {
    Exact,
    Prefix,
    /// `^~`: a prefix that stops the regex search.
    PrefixStop,
    Regex {
        case_insensitive: bool,
    },
}

/// What a location does with a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `proxy_pass` (after resolving an `upstream` name to its first server).
    Proxy { host: String, port: Option<u16> },
    /// `return code [text|url]`.
    Return { code: u16 },
    /// Files served by nginx itself (`root`, `alias`, `try_files`, or nothing at all).
    Static,
}

#[derive(Clone, Debug)]
pub struct Location {
    pub modifier: Modifier,
    pub pattern: String,
    regex: Option<regex_lite::Regex>,
    pub action: Action,
    /// `internal`: not reachable from outside.
    pub internal: bool,
}

impl Location {
    /// `location = /x`, `location ~ ^/p/`, for messages.
    pub fn describe(&self) -> String {
        let m = match self.modifier {
            Modifier::Exact => "= ",
            Modifier::Prefix => "",
            Modifier::PrefixStop => "^~ ",
            Modifier::Regex {
                case_insensitive: false,
            } => "~ ",
            Modifier::Regex {
                case_insensitive: true,
            } => "~* ",
        };
        format!("location {m}{}", self.pattern)
    }

    /// The literal path every match of this location starts with (up to its last `/`).
    pub fn literal_prefix(&self) -> String {
        let lit: String = match self.modifier {
            Modifier::Regex { .. } => self
                .pattern
                .strip_prefix('^')
                .unwrap_or("")
                .chars()
                .take_while(|c| !"()[].*+?{|\\$^".contains(*c))
                .collect(),
            _ => self.pattern.clone(),
        };
        match lit.rfind('/') {
            Some(i) => lit[..=i].to_string(),
            None => String::new(),
        }
    }
}

/// The locations of the server an entry serves from.
#[derive(Clone, Debug, Default)]
pub struct Router {
    pub locations: Vec<Location>,
}

fn action_of(location: &Directive, upstreams: &BTreeMap<String, (String, Option<u16>)>) -> Action {
    for d in children(location) {
        match d.name.as_str() {
            "return" => {
                let code = d
                    .args
                    .first()
                    .and_then(|c| arg(c).parse().ok())
                    .unwrap_or(302);
                return Action::Return { code };
            }
            "proxy_pass" | "grpc_pass" | "uwsgi_pass" | "fastcgi_pass" => {
                let Some(target) = d.args.first().map(arg) else {
                    continue;
                };
                let url = if target.contains("://") {
                    target.to_string()
                } else {
                    format!("http://{target}")
                };
                let Some(u) = parse_url(&url) else { continue };
                if let Some((h, p)) = upstreams.get(u.host) {
                    return Action::Proxy {
                        host: h.clone(),
                        port: *p,
                    };
                }
                return Action::Proxy {
                    host: u.host.to_string(),
                    port: u.port_number(),
                };
            }
            _ => {}
        }
    }
    Action::Static
}

/// The `name` directives at the top level or inside `http`.
fn collect<'a>(ds: impl Iterator<Item = &'a Directive>, name: &str, out: &mut Vec<&'a Directive>) {
    for d in ds {
        if d.name == name {
            out.push(d);
        } else if d.name == "http" {
            collect(children(d), name, out);
        }
    }
}

impl Router {
    /// The router of the first `server` block (one with `default_server` first), or `None`
    /// when the text has no server block or does not parse.
    pub fn from_conf(text: &str) -> Option<Router> {
        let config = parse(text)?;
        let mut ups = Vec::new();
        collect(config.directives(), "upstream", &mut ups);
        let upstreams: BTreeMap<String, (String, Option<u16>)> = ups
            .iter()
            .filter_map(|u| {
                let name = arg(u.args.first()?).to_string();
                let server = children(u).find(|d| d.name == "server")?;
                let target = arg(server.args.first()?);
                let hp = match split_host_port(target) {
                    Some((h, p)) => (h.to_string(), Some(p)),
                    None => (target.to_string(), None),
                };
                Some((name, hp))
            })
            .to_map();
        let mut servers = Vec::new();
        collect(config.directives(), "server", &mut servers);
        let server = servers
            .iter()
            .find(|s| {
                children(s).any(|d| d.name == "listen" && args(d).contains(&"default_server"))
            })
            .or_else(|| servers.iter().find(|s| s.block.is_some()))?;
        let mut locations = Vec::new();
        for d in children(server) {
            if d.name != "location" || d.block.is_none() {
                continue;
            }
            let (modifier, pattern) = match args(d).as_slice() {
                ["=", p] => (Modifier::Exact, p.to_string()),
                ["^~", p] => (Modifier::PrefixStop, p.to_string()),
                [m @ ("~" | "~*"), p] => (
                    Modifier::Regex {
                        case_insensitive: *m == "~*",
                    },
                    p.to_string(),
                ),
                [p] if !p.starts_with('@') => (Modifier::Prefix, p.to_string()),
                _ => continue,
            };
            let regex = match modifier {
                Modifier::Regex { case_insensitive } => {
                    match regex_lite::RegexBuilder::new(&pattern)
                        .case_insensitive(case_insensitive)
                        .size_limit(1 << 20)
                        .build()
                    {
                        Ok(r) => Some(r),
                        Err(_) => continue,
                    }
                }
                _ => None,
            };
            locations.push(Location {
                modifier,
                pattern,
                regex,
                action: action_of(d, &upstreams),
                internal: children(d).any(|d| d.name == "internal"),
            });
        }
        Some(Router { locations })
    }

    /// The location nginx chooses for `path` (no query string), as nginx does: an exact
    /// match; else the longest prefix if it is `^~`; else the first matching regex; else the
    /// longest prefix.
    pub fn route(&self, path: &str) -> Option<&Location> {
        if let Some(l) = self
            .locations
            .iter()
            .find(|l| l.modifier == Modifier::Exact && l.pattern == path)
        {
            return Some(l);
        }
        let longest = self
            .locations
            .iter()
            .filter(|l| matches!(l.modifier, Modifier::Prefix | Modifier::PrefixStop))
            .filter(|l| path.starts_with(l.pattern.as_str()))
            .max_by_key(|l| l.pattern.len());
        if let Some(l) = longest.filter(|l| l.modifier == Modifier::PrefixStop) {
            return Some(l);
        }
        self.locations
            .iter()
            .find(|l| l.regex.as_ref().is_some_and(|r| r.is_match(path)))
            .or(longest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONF: &str = r#"
events {}
http {
  upstream api { server api-svc:8080; }
  map $uri $x { "~^/a{2}$" "1"; default ""; }
  server {
    listen 80;
    location = /healthz { return 200 "ok\n"; }
    location = /metrics { return 404; }
    location / { proxy_pass http://web-svc:5000; }
    location /api/ { proxy_pass http://api; }
    location = /_err { internal; return 200 $body; }
    location /static/ { root /srv; }
    location ~ ^/mon/(api/v1/query|-/ready)$ { rewrite ^/mon/(.*)$ /$1 break; proxy_pass http://mon-svc:9090; }
    location ^~ /mon/raw { return 403; }
    location /mon/ { return 404; }
  }
}
"#;

    #[test]
    fn routes_like_nginx() {
        let r = Router::from_conf(CONF).unwrap();
        let act = |p: &str| r.route(p).map(|l| l.action.clone());
        assert_eq!(act("/healthz"), Some(Action::Return { code: 200 }));
        assert_eq!(act("/metrics"), Some(Action::Return { code: 404 }));
        assert_eq!(
            act("/x/y"),
            Some(Action::Proxy {
                host: "web-svc".into(),
                port: Some(5000)
            })
        );
        assert_eq!(
            act("/api/health"),
            Some(Action::Proxy {
                host: "api-svc".into(),
                port: Some(8080)
            })
        );
        assert_eq!(
            act("/mon/-/ready"),
            Some(Action::Proxy {
                host: "mon-svc".into(),
                port: Some(9090)
            })
        );
        assert_eq!(act("/mon/graph"), Some(Action::Return { code: 404 }));
        assert_eq!(act("/mon/raw/-/ready"), Some(Action::Return { code: 403 }));
        assert_eq!(act("/static/a.css"), Some(Action::Static));
        assert!(r.route("/_err").unwrap().internal);
        let mon = r
            .locations
            .iter()
            .find(|l| l.pattern.starts_with("^/mon"))
            .unwrap();
        assert_eq!(mon.literal_prefix(), "/mon/");
        assert_eq!(mon.describe(), "location ~ ^/mon/(api/v1/query|-/ready)$");
    }

    #[test]
    fn no_server_no_router() {
        assert!(Router::from_conf("events {}").is_none());
        assert!(Router::from_conf("{{{{ ; } \" unterminated").is_none());
    }

    #[test]
    fn deep_or_odd_text_is_refused_not_a_panic() {
        let deep = format!("{}{}", "a { ".repeat(100_000), "} ".repeat(100_000));
        assert!(Router::from_conf(&deep).is_none());
        assert!(Router::from_conf("server { location / { return 200 }").is_none());
        let ok = format!("{}server {{ }}{}", "http { ".repeat(20), " }".repeat(20));
        assert!(Router::from_conf(&ok).is_some());
    }

    #[test]
    fn quoted_and_variable_arguments() {
        let r = Router::from_conf(
            "server { location ~* \"^/q/[a-z]{2}$\" { return 301; } \
             location /v/ { proxy_pass $backend; } }",
        )
        .unwrap();
        assert_eq!(r.locations.len(), 2);
        assert_eq!(r.locations[0].pattern, "^/q/[a-z]{2}$");
        assert_eq!(
            r.route("/Q/ab").map(|l| l.action.clone()),
            Some(Action::Return { code: 301 })
        );
        // `$backend` is no host name: not a proxy to a host called "backend".
        assert_ne!(
            r.route("/v/x").map(|l| l.action.clone()),
            Some(Action::Proxy {
                host: "backend".into(),
                port: None
            })
        );
    }
}

//! Just enough of an nginx config to answer "which location serves this path, and what does
//! it do with it": directives, `server` blocks, top-level `location`s with nginx's selection
//! order (exact, longest prefix, `^~`, regexes in order), `proxy_pass` / `upstream`, `return`,
//! `internal` and static roots. Nested locations are not followed (they inherit the handler).

use std::collections::BTreeMap;

use crate::netref::{parse_url, split_host_port};

/// One directive, with its block when it opens one.
#[derive(Clone, Debug, PartialEq)]
pub struct Directive {
    pub name: String,
    pub args: Vec<String>,
    pub block: Option<Vec<Directive>>,
}

const MAX_DEPTH: usize = 32;

fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        if !cur.is_empty() {
            out.push(std::mem::take(cur));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '#' if cur.is_empty() => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' | '\'' if cur.is_empty() => {
                // A quoted word; a leading `"` marks it so `{` inside is not a block.
                let mut w = String::from("\"");
                while let Some(q) = chars.next() {
                    if q == '\\' {
                        if let Some(n) = chars.next() {
                            w.push(match n {
                                'n' => '\n',
                                't' => '\t',
                                other => other,
                            });
                        }
                    } else if q == c {
                        break;
                    } else {
                        w.push(q);
                    }
                }
                out.push(w);
            }
            '{' | '}' | ';' => {
                flush(&mut cur, &mut out);
                out.push(c.to_string());
            }
            c if c.is_whitespace() => flush(&mut cur, &mut out),
            c => cur.push(c),
        }
    }
    flush(&mut cur, &mut out);
    out
}

fn unquote(t: &str) -> String {
    t.strip_prefix('"').unwrap_or(t).to_string()
}

fn parse_block(toks: &[String], pos: &mut usize, depth: usize) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    while *pos < toks.len() {
        let t = &toks[*pos];
        *pos += 1;
        match t.as_str() {
            ";" => {
                if !words.is_empty() {
                    let name = words.remove(0);
                    out.push(Directive {
                        name,
                        args: std::mem::take(&mut words),
                        block: None,
                    });
                }
            }
            "{" => {
                let block = if depth < MAX_DEPTH {
                    parse_block(toks, pos, depth + 1)
                } else {
                    skip_block(toks, pos);
                    Vec::new()
                };
                let name = if words.is_empty() {
                    String::new()
                } else {
                    words.remove(0)
                };
                out.push(Directive {
                    name,
                    args: std::mem::take(&mut words),
                    block: Some(block),
                });
            }
            "}" => return out,
            w => words.push(unquote(w)),
        }
    }
    out
}

fn skip_block(toks: &[String], pos: &mut usize) {
    let mut level = 1usize;
    while *pos < toks.len() && level > 0 {
        match toks[*pos].as_str() {
            "{" => level += 1,
            "}" => level -= 1,
            _ => {}
        }
        *pos += 1;
    }
}

/// Parses nginx config text into directives (comments dropped, quotes removed).
pub fn parse(text: &str) -> Vec<Directive> {
    let toks = tokens(text);
    let mut pos = 0;
    parse_block(&toks, &mut pos, 0)
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

fn action_of(block: &[Directive], upstreams: &BTreeMap<String, (String, Option<u16>)>) -> Action {
    for d in block {
        match d.name.as_str() {
            "return" => {
                let code = d.args.first().and_then(|c| c.parse().ok()).unwrap_or(302);
                return Action::Return { code };
            }
            "proxy_pass" | "grpc_pass" | "uwsgi_pass" | "fastcgi_pass" => {
                let Some(arg) = d.args.first() else { continue };
                let url = if arg.contains("://") {
                    arg.clone()
                } else {
                    format!("http://{arg}")
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

fn collect<'a>(ds: &'a [Directive], name: &str, out: &mut Vec<&'a Directive>) {
    for d in ds {
        if d.name == name {
            out.push(d);
        } else if let Some(b) = &d.block {
            if d.name == "http" || d.name.is_empty() {
                collect(b, name, out);
            }
        }
    }
}

impl Router {
    /// The router of the first `server` block (one with `default_server` first), or `None`
    /// when the text has no server block.
    pub fn from_conf(text: &str) -> Option<Router> {
        let ds = parse(text);
        let mut ups = Vec::new();
        collect(&ds, "upstream", &mut ups);
        let upstreams: BTreeMap<String, (String, Option<u16>)> = ups
            .iter()
            .filter_map(|u| {
                let name = u.args.first()?.clone();
                let server = u.block.as_ref()?.iter().find(|d| d.name == "server")?;
                let target = server.args.first()?;
                let hp = match split_host_port(target) {
                    Some((h, p)) => (h.to_string(), Some(p)),
                    None => (target.clone(), None),
                };
                Some((name, hp))
            })
            .collect();
        let mut servers = Vec::new();
        collect(&ds, "server", &mut servers);
        let server = servers
            .iter()
            .find(|s| {
                s.block.as_ref().is_some_and(|b| {
                    b.iter()
                        .any(|d| d.name == "listen" && d.args.iter().any(|a| a == "default_server"))
                })
            })
            .or_else(|| servers.iter().find(|s| s.block.is_some()))?;
        let mut locations = Vec::new();
        for d in server.block.as_deref().unwrap_or(&[]) {
            if d.name != "location" {
                continue;
            }
            let Some(block) = &d.block else { continue };
            let (modifier, pattern) = match d.args.as_slice() {
                [m, p] if m == "=" => (Modifier::Exact, p.clone()),
                [m, p] if m == "^~" => (Modifier::PrefixStop, p.clone()),
                [m, p] if m == "~" || m == "~*" => (
                    Modifier::Regex {
                        case_insensitive: m == "~*",
                    },
                    p.clone(),
                ),
                [p] if !p.starts_with('@') => (Modifier::Prefix, p.clone()),
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
                action: action_of(block, &upstreams),
                internal: block.iter().any(|d| d.name == "internal"),
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
}

//! Prometheus relabel `regex:` values: RE2 syntax, fully anchored (`^(?:regex)$`), matched
//! with `regex-lite` (see Cargo.toml). A pattern it cannot compile is an error the caller turns
//! into a finding, never a silent non-match.

/// The longest pattern compiled; longer ones are refused with a message.
pub const MAX_PATTERN_LEN: usize = 4096;

/// A compiled, anchored relabel regex.
#[derive(Debug, Clone)]
pub struct Regex(regex_lite::Regex);

impl Regex {
    /// Compiles `pattern` anchored at both ends, as Prometheus does.
    pub fn new(pattern: &str) -> Result<Regex, String> {
        if pattern.len() > MAX_PATTERN_LEN {
            return Err(format!(
                "pattern of {} bytes, over the {MAX_PATTERN_LEN} bytes the explorer compiles",
                pattern.len()
            ));
        }
        regex_lite::RegexBuilder::new(&format!("^(?:{pattern})$"))
            .size_limit(1 << 20)
            .nest_limit(64)
            .build()
            .map(Regex)
            .map_err(|e| {
                e.to_string()
                    .lines()
                    .last()
                    .unwrap_or("invalid")
                    .trim()
                    .to_string()
            })
    }

    /// Whether the whole text matches. Linear time in the text.
    pub fn full_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn m(p: &str, t: &str) -> bool {
        Regex::new(p).unwrap().full_match(t)
    }

    #[test]
    fn matches_anchored_re2() {
        assert!(m("flask-app", "flask-app"));
        assert!(!m("flask-app", "flask-app2"));
        assert!(!m("flask-app", "xflask-app"));
        assert!(m("flask.*", "flask-app"));
        assert!(m("(.*)", ""));
        assert!(m("a|b|flask-app", "flask-app"));
        assert!(!m("a|b", "ab"), "alternation is anchored as a whole");
        assert!(m("(web|api)-[0-9]+", "api-12"));
        assert!(!m("(web|api)-[0-9]+", "api-"));
        assert!(m("a\\.b", "a.b"));
        assert!(!m("a\\.b", "axb"));
        assert!(m("colou?r", "color"));
        assert!(m("[^a]+", "bcd"));
        assert!(m("a{2}", "aa"));
        // Perl classes are classes, not letters.
        assert!(m("api-\\w+", "api-server"));
        assert!(!m("api-\\w+", "api-"));
        assert!(m("\\s?x", " x"));
        assert!(m("\\D+", "abc"));
        assert!(!m("\\D+", "a1"));
        assert!(m("(?i)FLASK", "flask"));
    }

    #[test]
    fn invalid_patterns_are_errors() {
        assert!(Regex::new("(a").is_err());
        assert!(Regex::new("a{2").is_err() || m("a{2", "a{2"));
        assert!(Regex::new(&"a".repeat(5000)).is_err());
        // Matching is linear: no catastrophic backtracking.
        let r = Regex::new("(a*)*b").unwrap();
        let t = std::time::Instant::now();
        assert!(!r.full_match(&"a".repeat(100_000)));
        assert!(t.elapsed().as_secs() < 5);
    }
}

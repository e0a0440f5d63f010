//! A tiny, bounded, fully-anchored regular expression matcher for Prometheus relabel
//! `regex:` values (literals, `.`, classes, groups, `|`, `* + ?`). Unsupported syntax or
//! too much backtracking yields `None`, never a panic or a hang.

#[derive(Debug, Clone)]
enum Atom {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Group(Box<Alt>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Quant {
    One,
    Star,
    Plus,
    Opt,
}

type Seq = Vec<(Atom, Quant)>;

#[derive(Debug, Clone)]
struct Alt(Vec<Seq>);

struct Parser<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    depth: usize,
}

impl Parser<'_> {
    fn alt(&mut self) -> Option<Alt> {
        let mut alts = vec![self.seq()?];
        while self.chars.peek() == Some(&'|') {
            self.chars.next();
            alts.push(self.seq()?);
        }
        Some(Alt(alts))
    }

    fn seq(&mut self) -> Option<Seq> {
        let mut seq = Vec::new();
        while let Some(&c) = self.chars.peek() {
            if c == '|' || c == ')' {
                break;
            }
            self.chars.next();
            let atom = match c {
                '.' => Atom::Any,
                '\\' => Atom::Char(match self.chars.next()? {
                    'd' => return None,
                    other => other,
                }),
                '(' => {
                    self.depth += 1;
                    if self.depth > 16 {
                        return None;
                    }
                    if self.chars.peek() == Some(&'?') {
                        self.chars.next();
                        if self.chars.next()? != ':' {
                            return None;
                        }
                    }
                    let inner = self.alt()?;
                    if self.chars.next()? != ')' {
                        return None;
                    }
                    self.depth -= 1;
                    Atom::Group(Box::new(inner))
                }
                '[' => self.class()?,
                '*' | '+' | '?' | '{' | '}' | '^' | '$' | ']' => return None,
                other => Atom::Char(other),
            };
            let q = match self.chars.peek() {
                Some('*') => Quant::Star,
                Some('+') => Quant::Plus,
                Some('?') => Quant::Opt,
                _ => Quant::One,
            };
            if q != Quant::One {
                self.chars.next();
            }
            seq.push((atom, q));
        }
        Some(seq)
    }

    fn class(&mut self) -> Option<Atom> {
        let negated = self.chars.peek() == Some(&'^');
        if negated {
            self.chars.next();
        }
        let mut ranges = Vec::new();
        loop {
            let c = self.chars.next()?;
            if c == ']' && !ranges.is_empty() {
                break;
            }
            let c = if c == '\\' { self.chars.next()? } else { c };
            if self.chars.peek() == Some(&'-') {
                self.chars.next();
                match self.chars.next()? {
                    ']' => {
                        ranges.push((c, c));
                        ranges.push(('-', '-'));
                        break;
                    }
                    hi => ranges.push((c, hi)),
                }
            } else {
                ranges.push((c, c));
            }
        }
        Some(Atom::Class(ranges, negated))
    }
}

struct Matcher {
    steps: usize,
}

const MAX_STEPS: usize = 200_000;

impl Matcher {
    fn atom_at(
        &mut self,
        atom: &Atom,
        s: &[char],
        i: usize,
        k: &mut dyn FnMut(&mut Self, usize) -> Option<bool>,
    ) -> Option<bool> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return None;
        }
        match atom {
            Atom::Char(c) => match s.get(i) {
                Some(x) if x == c => k(self, i + 1),
                _ => Some(false),
            },
            Atom::Any => match s.get(i) {
                Some(_) => k(self, i + 1),
                None => Some(false),
            },
            Atom::Class(ranges, neg) => match s.get(i) {
                Some(&x) if ranges.iter().any(|&(a, b)| a <= x && x <= b) != *neg => k(self, i + 1),
                _ => Some(false),
            },
            Atom::Group(alt) => self.alt_at(alt, s, i, k),
        }
    }

    fn alt_at(
        &mut self,
        alt: &Alt,
        s: &[char],
        i: usize,
        k: &mut dyn FnMut(&mut Self, usize) -> Option<bool>,
    ) -> Option<bool> {
        for seq in &alt.0 {
            if self.seq_at(seq, 0, s, i, k)? {
                return Some(true);
            }
        }
        Some(false)
    }

    fn seq_at(
        &mut self,
        seq: &Seq,
        n: usize,
        s: &[char],
        i: usize,
        k: &mut dyn FnMut(&mut Self, usize) -> Option<bool>,
    ) -> Option<bool> {
        let Some((atom, q)) = seq.get(n) else {
            return k(self, i);
        };
        match q {
            Quant::One => self.atom_at(atom, s, i, &mut |m, j| m.seq_at(seq, n + 1, s, j, k)),
            Quant::Opt => {
                if self.atom_at(atom, s, i, &mut |m, j| m.seq_at(seq, n + 1, s, j, k))? {
                    return Some(true);
                }
                self.seq_at(seq, n + 1, s, i, k)
            }
            Quant::Star | Quant::Plus => {
                let min = usize::from(*q == Quant::Plus);
                self.repeat(atom, seq, n, s, i, 0, min, k)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn repeat(
        &mut self,
        atom: &Atom,
        seq: &Seq,
        n: usize,
        s: &[char],
        i: usize,
        count: usize,
        min: usize,
        k: &mut dyn FnMut(&mut Self, usize) -> Option<bool>,
    ) -> Option<bool> {
        // Greedy: try one more repetition (only if it consumes), then the rest.
        let more = self.atom_at(atom, s, i, &mut |m, j| {
            if j == i {
                return Some(false);
            }
            m.repeat(atom, seq, n, s, j, count + 1, min, k)
        })?;
        if more {
            return Some(true);
        }
        if count >= min {
            return self.seq_at(seq, n + 1, s, i, k);
        }
        Some(false)
    }
}

/// Compiled pattern.
#[derive(Debug, Clone)]
pub struct Regex(Alt);

impl Regex {
    /// Parses the supported subset; `None` for anything else.
    pub fn new(pattern: &str) -> Option<Regex> {
        if pattern.len() > 512 {
            return None;
        }
        let mut p = Parser {
            chars: pattern.chars().peekable(),
            depth: 0,
        };
        let alt = p.alt()?;
        if p.chars.next().is_some() {
            return None;
        }
        Some(Regex(alt))
    }

    /// Whole-string match (Prometheus anchors relabel regexes). `None` if evaluation gave up.
    pub fn full_match(&self, text: &str) -> Option<bool> {
        let s: Vec<char> = text.chars().collect();
        if s.len() > 1024 {
            return None;
        }
        let mut m = Matcher { steps: 0 };
        let len = s.len();
        m.alt_at(&self.0, &s, 0, &mut |_, j| Some(j == len))
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn m(p: &str, t: &str) -> Option<bool> {
        Regex::new(p)?.full_match(t)
    }

    #[test]
    fn matches() {
        assert_eq!(m("flask-app", "flask-app"), Some(true));
        assert_eq!(m("flask-app", "flask-app2"), Some(false));
        assert_eq!(m("flask.*", "flask-app"), Some(true));
        assert_eq!(m("(.*)", ""), Some(true));
        assert_eq!(m("a|b|flask-app", "flask-app"), Some(true));
        assert_eq!(m("(web|api)-[0-9]+", "api-12"), Some(true));
        assert_eq!(m("(web|api)-[0-9]+", "api-"), Some(false));
        assert_eq!(m("true", "true"), Some(true));
        assert_eq!(m("a\\.b", "a.b"), Some(true));
        assert_eq!(m("a\\.b", "axb"), Some(false));
        assert_eq!(m("colou?r", "color"), Some(true));
        assert_eq!(m("[^a]+", "bcd"), Some(true));
        assert!(Regex::new("a{2}").is_none());
        assert!(Regex::new("(a").is_none());
        // Pathological backtracking gives up instead of hanging.
        let r = Regex::new("(a*)*b").unwrap();
        let s = "a".repeat(40);
        assert_ne!(r.full_match(&s), Some(true));
    }
}

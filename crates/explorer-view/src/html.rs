//! Markup that is escaped by construction.
//!
//! [`Html`] holds HTML or SVG markup. Text gets in only escaped: [`Html::text`],
//! [`Html::push_text`], or an argument of the [`html!`](crate::html!) macro, whose
//! format string is a literal (the trusted markup) and whose every argument goes
//! through [`ToMarkup`]. Strings are escaped; numbers are written as they are;
//! an `Html` argument is inserted as it is (it is already escaped). The macro
//! passes its format string through `concat!`, so Rust refuses `{name}`
//! captures of variables there: every value is a visible, escaped argument.
//!
//! Escaping covers `& < > " '` (text and attribute values alike), and maps the
//! control characters XML cannot hold at all (not even as references) to
//! U+FFFD, so the same markup is valid HTML and parses as XML (the SVG export).

use std::fmt::{self, Display, Write};

/// Escaped markup. The only ways in are the escaping constructors, literal
/// (`'static`) markup, and [`html!`](crate::html!).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Html(String);

impl Html {
    pub const fn new() -> Html {
        Html(String::new())
    }

    pub fn with_capacity(n: usize) -> Html {
        Html(String::with_capacity(n))
    }

    /// `s` as escaped text.
    pub fn text(s: &str) -> Html {
        let mut h = Html::with_capacity(s.len());
        h.push_text(s);
        h
    }

    /// Literal markup written in the source (never data).
    pub fn push_static(&mut self, markup: &'static str) {
        self.0.push_str(markup);
    }

    pub fn push_text(&mut self, s: &str) {
        let _ = write_escaped(&mut self.0, s);
    }

    pub fn push_html(&mut self, h: &Html) {
        self.0.push_str(&h.0);
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// For [`html!`](crate::html!) only: the arguments are [`Arg`]s, which escape.
    #[doc(hidden)]
    pub fn __push_escaped_args(&mut self, args: fmt::Arguments<'_>) {
        let _ = self.0.write_fmt(args);
    }
}

impl Display for Html {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Read-only access to the markup (`contains`, `len`, …); nothing can be written through it.
impl std::ops::Deref for Html {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<Html> for String {
    fn from(h: Html) -> String {
        h.0
    }
}

/// A value that can appear in markup: text is escaped, numbers are written as
/// they are (honouring a precision such as `{:.1}`), [`Html`] is inserted as is.
pub trait ToMarkup {
    fn write_markup(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl ToMarkup for str {
    fn write_markup(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self)
    }
}

impl ToMarkup for String {
    fn write_markup(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self)
    }
}

impl ToMarkup for char {
    fn write_markup(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self.encode_utf8(&mut [0; 4]))
    }
}

impl ToMarkup for Html {
    fn write_markup(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<T: ToMarkup + ?Sized> ToMarkup for &T {
    fn write_markup(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).write_markup(f)
    }
}

impl<T: ToMarkup> ToMarkup for Option<T> {
    fn write_markup(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Some(v) => v.write_markup(f),
            None => Ok(()),
        }
    }
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl ToMarkup for $t {
            fn write_markup(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                Display::fmt(self, f)
            }
        }
    )*};
}
numbers!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f32, f64);

/// An argument of [`html!`](crate::html!): displays its value escaped.
#[doc(hidden)]
pub struct Arg<'a, T: ?Sized>(pub &'a T);

impl<T: ToMarkup + ?Sized> Display for Arg<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write_markup(f)
    }
}

/// Appends literal markup with escaped arguments to an [`Html`]:
/// `html!(out, r#"<li data-id="{}">{}</li>"#, id, name)`. Positional `{}`
/// arguments only; formatting options such as `{:.1}` apply to numbers.
#[macro_export]
macro_rules! html {
    ($out:expr, $fmt:literal $(, $arg:expr)* $(,)?) => {
        $out.__push_escaped_args(::std::format_args!(
            ::std::concat!($fmt) $(, $crate::html::Arg(&$arg))*
        ))
    };
}

/// Writes `s` escaped for HTML/XML text and attribute values.
fn write_escaped(out: &mut impl Write, s: &str) -> fmt::Result {
    let mut rest = s;
    while let Some(i) = rest.find(|c: char| needs_escape(c)) {
        out.write_str(&rest[..i])?;
        let c = rest[i..].chars().next().unwrap_or_default();
        out.write_str(match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => "\u{fffd}",
        })?;
        rest = &rest[i + c.len_utf8()..];
    }
    out.write_str(rest)
}

fn needs_escape(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '"' | '\'')
        || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// `s` escaped, as a plain string (for attribute values handed to a DOM API).
pub fn escape(s: &str) -> String {
    Html::text(s).into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_replaced() {
        assert_eq!(
            Html::text("<a href='x'>&\"\u{7}\u{85}\tok</a>").as_str(),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\u{fffd}\u{fffd}\tok&lt;/a&gt;"
        );
    }

    #[test]
    fn the_macro_escapes_strings_keeps_numbers_and_inserts_html() {
        let mut inner = Html::new();
        html!(inner, "<b>{}</b>", "<i>");
        let mut h = Html::new();
        html!(
            h,
            r#"<g data-id="{}" x="{:.1}" n="{}">{}</g>"#,
            String::from("a\"b"),
            1.25f64,
            3usize,
            inner
        );
        assert_eq!(
            h.as_str(),
            r#"<g data-id="a&quot;b" x="1.2" n="3"><b>&lt;i&gt;</b></g>"#
        );
    }

    #[test]
    fn options_write_nothing_when_none() {
        let mut h = Html::new();
        html!(h, "[{}][{}]", Some("x<"), None::<&str>);
        assert_eq!(h.as_str(), "[x&lt;][]");
    }
}

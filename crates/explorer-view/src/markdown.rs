//! Markdown and plain-text writers for the tour and the flows: what `explorer tour --format
//! markdown` prints and the page's "Export as Markdown" button downloads (one code path, so
//! the wiki page says what the page says). Text from manifests is escaped, so an annotation
//! cannot inject links, HTML or headings.

use explorer_core::flows::{Fact, Flow};
use explorer_core::tour::Tour;

/// Escapes Markdown's inline syntax (CommonMark's ASCII punctuation that can start markup).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '<'
                | '>'
                | '('
                | ')'
                | '#'
                | '|'
                | '!'
                | '~'
        ) {
            out.push('\\');
        }
        // A line break would let manifest text start a block (heading, list, fence).
        out.push(if c == '\n' || c == '\r' { ' ' } else { c });
    }
    out
}

/// `` `k8s/a.yml` · `spec.replicas` · `2` `` with backticks that cannot be closed early.
fn code(text: &str) -> String {
    let run = text.chars().fold((0usize, 0usize), |(cur, max), c| {
        if c == '`' {
            (cur + 1, max.max(cur + 1))
        } else {
            (0, max)
        }
    });
    let fence = "`".repeat(run.1 + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!(
        "{fence}{pad}{}{pad}{fence}",
        text.replace(['\n', '\r'], " ")
    )
}

pub fn fact_line(f: &Fact) -> String {
    format!(
        "{} · {} · {}",
        code(&f.file),
        code(&f.field),
        code(&f.value)
    )
}

/// The whole tour as one Markdown document.
pub fn tour_markdown(tour: &Tour) -> String {
    let mut out = format!("# {}\n", escape(&tour.title));
    let n = tour.steps.len();
    for (i, s) in tour.steps.iter().enumerate() {
        out.push_str(&format!("\n## {}/{n}. {}\n", i + 1, escape(&s.title)));
        for p in &s.text {
            out.push_str(&format!("\n{}\n", escape(p)));
        }
        if !s.commands.is_empty() {
            out.push_str("\n```sh\n");
            for c in &s.commands {
                out.push_str(&c.replace("```", "` ` `"));
                out.push('\n');
            }
            out.push_str("```\n");
        }
        if !s.facts.is_empty() {
            out.push('\n');
            for f in &s.facts {
                out.push_str(&format!("- {}\n", fact_line(f)));
            }
        }
    }
    out
}

/// A flow as plain text for a terminal.
pub fn flow_text(flow: &Flow) -> String {
    let mut out = format!("{}\n{}\n", flow.title, flow.summary);
    let mut n = 0;
    for p in &flow.phases {
        out.push_str(&format!(
            "\n{}{}\n",
            p.title,
            if p.parallel { "  (side by side)" } else { "" }
        ));
        for s in &p.steps {
            n += 1;
            out.push_str(&format!("  {n}. {}\n     {}\n", s.title, s.text));
            for f in &s.facts {
                out.push_str(&format!("       {} · {} · {}\n", f.file, f.field, f.value));
            }
        }
    }
    if !flow.timeline.is_empty() {
        out.push_str("\nTimeline (earliest, seconds after apply)\n");
        for r in &flow.timeline {
            if r.blocked {
                out.push_str(&format!("  {:<24} never ready: waits in a cycle\n", r.name));
            } else {
                out.push_str(&format!(
                    "  {:<24} start {:>4} s  ready {:>4} s\n",
                    r.name, r.start, r.ready
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_from_manifests() {
        assert_eq!(
            escape("[x](javascript:1) <b>"),
            "\\[x\\]\\(javascript:1\\) \\<b\\>"
        );
        assert_eq!(escape("a\n# b"), "a \\# b");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("15s"), "`15s`");
    }
}

//! The one palette: tier and edge-family colours, line styles and names, for
//! the page (`style/palette.css`, generated from here and checked by a test),
//! the standalone SVG (light or dark) and the CLI's DOT output.

use std::fmt::Write;

use explorer_core::relations::Family;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 2] = [Theme::Light, Theme::Dark];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// A workload's tier, from its group label (`app.kubernetes.io/component`, `tier`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    Proxy,
    Api,
    Database,
    Monitoring,
    Visualization,
    Other,
}

impl Tier {
    pub const ALL: [Tier; 6] = [
        Tier::Proxy,
        Tier::Api,
        Tier::Database,
        Tier::Monitoring,
        Tier::Visualization,
        Tier::Other,
    ];

    /// The tier of a group label; unknown or missing labels are [`Tier::Other`].
    pub fn of(group: Option<&str>) -> Tier {
        let g = group.map(str::to_ascii_lowercase);
        match g.as_deref() {
            Some("proxy" | "gateway" | "frontend" | "ingress" | "web" | "entry") => Tier::Proxy,
            Some("api" | "backend" | "app" | "application" | "server") => Tier::Api,
            Some("database" | "db" | "cache" | "storage" | "data") => Tier::Database,
            Some("monitoring" | "metrics") => Tier::Monitoring,
            Some("visualization" | "dashboard" | "dashboards") => Tier::Visualization,
            _ => Tier::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Proxy => "proxy",
            Tier::Api => "api",
            Tier::Database => "database",
            Tier::Monitoring => "monitoring",
            Tier::Visualization => "visualization",
            Tier::Other => "other",
        }
    }

    /// CSS class on nodes and legend chips.
    pub fn class(self) -> &'static str {
        match self {
            Tier::Proxy => "tier-proxy",
            Tier::Api => "tier-api",
            Tier::Database => "tier-database",
            Tier::Monitoring => "tier-monitoring",
            Tier::Visualization => "tier-visualization",
            Tier::Other => "tier-other",
        }
    }

    /// The legend's words.
    pub fn label(self) -> &'static str {
        match self {
            Tier::Proxy => "proxy / entry",
            Tier::Api => "application",
            Tier::Database => "data",
            Tier::Monitoring => "monitoring",
            Tier::Visualization => "dashboards",
            Tier::Other => "other",
        }
    }

    /// The strong colour of the card's band and the legend chip (both themes).
    pub fn band(self) -> &'static str {
        match self {
            Tier::Proxy => "#2563eb",
            Tier::Api => "#16a34a",
            Tier::Database => "#d97706",
            Tier::Monitoring => "#7c3aed",
            Tier::Visualization => "#db2777",
            Tier::Other => "#64748b",
        }
    }

    /// The card's fill.
    pub fn fill(self, theme: Theme) -> &'static str {
        match (theme, self) {
            (Theme::Light, Tier::Proxy) => "#e0ecff",
            (Theme::Light, Tier::Api) => "#e3f6ea",
            (Theme::Light, Tier::Database) => "#fdf0dc",
            (Theme::Light, Tier::Monitoring) => "#efe7ff",
            (Theme::Light, Tier::Visualization) => "#fde7f1",
            (Theme::Light, Tier::Other) => "#eef1f6",
            (Theme::Dark, Tier::Proxy) => "#172a4d",
            (Theme::Dark, Tier::Api) => "#153524",
            (Theme::Dark, Tier::Database) => "#3a2a12",
            (Theme::Dark, Tier::Monitoring) => "#2a1f4a",
            (Theme::Dark, Tier::Visualization) => "#3d1a2c",
            (Theme::Dark, Tier::Other) => "#1b2335",
        }
    }
}

/// An edge family's line colour.
pub fn family_colour(f: Family, theme: Theme) -> &'static str {
    match (theme, f) {
        (Theme::Light, Family::Traffic) => "#2563eb",
        (Theme::Light, Family::Config) => "#7c3aed",
        (Theme::Light, Family::Storage) => "#b45309",
        (Theme::Light, Family::Rbac) => "#be185d",
        (Theme::Light, Family::Metrics) => "#0f766e",
        (Theme::Light, Family::Policy) => "#64748b",
        (Theme::Light, Family::Entry) => "#111827",
        (Theme::Dark, Family::Traffic) => "#6ea0ff",
        (Theme::Dark, Family::Config) => "#b794ff",
        (Theme::Dark, Family::Storage) => "#f0a65a",
        (Theme::Dark, Family::Rbac) => "#f472b6",
        (Theme::Dark, Family::Metrics) => "#2dd4bf",
        (Theme::Dark, Family::Policy) => "#94a3b8",
        (Theme::Dark, Family::Entry) => "#e5e7eb",
    }
}

/// An edge family's dash pattern (`stroke-dasharray`), so lines differ by more than colour.
pub fn family_dash(f: Family) -> Option<&'static str> {
    match f {
        Family::Config => Some("5 4"),
        Family::Rbac => Some("2 4"),
        Family::Metrics => Some("8 4"),
        Family::Policy => Some("1 4"),
        Family::Traffic | Family::Storage | Family::Entry => None,
    }
}

/// The neutral colours of a standalone drawing.
#[derive(Clone, Copy, Debug)]
pub struct Neutrals {
    pub background: &'static str,
    pub ink: &'static str,
    pub ink_2: &'static str,
    pub ink_3: &'static str,
    pub frame: &'static str,
    pub frame_line: &'static str,
    pub cluster: &'static str,
    pub cluster_line: &'static str,
    pub card: &'static str,
    pub card_line: &'static str,
}

pub fn neutrals(theme: Theme) -> Neutrals {
    match theme {
        Theme::Light => Neutrals {
            background: "#ffffff",
            ink: "#172033",
            ink_2: "#4a5570",
            ink_3: "#6b7489",
            frame: "#eef2fb",
            frame_line: "#c5cde0",
            cluster: "#f8f9fc",
            cluster_line: "#b5bfd6",
            card: "#ffffff",
            card_line: "#c5cde0",
        },
        Theme::Dark => Neutrals {
            background: "#0d1220",
            ink: "#e6eaf3",
            ink_2: "#aab3c8",
            ink_3: "#949db3",
            frame: "#111a2e",
            frame_line: "#2a3550",
            cluster: "#0f1627",
            cluster_line: "#34405e",
            card: "#141b2d",
            card_line: "#34405e",
        },
    }
}

/// The page's palette rules (`style/palette.css`): custom properties for both
/// themes (dark follows the system setting) and the rules that use them.
pub fn page_css() -> String {
    let mut s = String::from(
        "/* Generated from crates/explorer-view/src/palette.rs; a test keeps it current\n   (UPDATE_PALETTE=1 cargo test -p explorer-view --test palette). */\n",
    );
    for theme in Theme::ALL {
        let (open, close) = match theme {
            Theme::Light => (":root {\n", "}\n"),
            Theme::Dark => (
                "@media (prefers-color-scheme: dark) {\n  :root {\n",
                "  }\n}\n",
            ),
        };
        s.push_str(open);
        let indent = if theme == Theme::Light { "  " } else { "    " };
        for f in Family::ALL {
            let _ = writeln!(s, "{indent}--{}: {};", f.as_str(), family_colour(f, theme));
        }
        for t in Tier::ALL {
            let _ = writeln!(s, "{indent}--{}: {};", t.class(), t.fill(theme));
        }
        s.push_str(close);
    }
    for f in Family::ALL {
        let fam = f.as_str();
        let dash = family_dash(f)
            .map(|d| format!(" stroke-dasharray: {d};"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            ".edge.{fam} .line {{ stroke: var(--{fam});{dash} }}\n.legend-line.{fam} {{ stroke: var(--{fam});{dash} }}\n.marker.{fam} path {{ fill: var(--{fam}); }}\n.swatch.{fam} {{ background: var(--{fam}); }}"
        );
    }
    for t in Tier::ALL {
        let c = t.class();
        let _ = writeln!(
            s,
            ".{c} .band {{ fill: {band}; }}\n.tier-chip.{c} {{ background: {band}; }}\n.node.{c} .card, .node.{c} .pod {{ fill: var(--{c}); }}",
            band = t.band()
        );
    }
    s
}

/// The embedded stylesheet of a standalone SVG in `theme`.
pub fn svg_css(theme: Theme) -> String {
    let n = neutrals(theme);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "text {{ font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; fill: {ink}; }}
.frame rect {{ fill: {frame}; stroke: {frame_line}; stroke-dasharray: 6 4; }}
.frame.cluster rect {{ fill: {cluster}; stroke: {cluster_line}; stroke-dasharray: none; }}
.frame text {{ font-size: 13px; font-weight: 600; fill: {ink_2}; }}
.node rect.card, .node rect.pod {{ fill: {card}; stroke: {card_line}; }}
.node .band {{ stroke: none; }}
.node .name {{ font-size: 14px; font-weight: 650; }}
.node .kind {{ font-size: 11px; fill: {ink_3}; }}
.node .icon {{ fill: none; stroke: {ink_2}; stroke-width: 1.6; }}
.node .svc {{ font-size: 11px; fill: {ink_2}; }}
.node .badge circle {{ fill: {frame}; stroke: {card_line}; }} .node .badge text {{ font-size: 10px; font-weight: 700; fill: {ink_2}; }}
.node.external .card {{ fill: {frame}; stroke: {ink}; stroke-width: 1.6; }}
.edge path {{ fill: none; stroke-width: 1.8; }}
.edge.entry path {{ stroke-width: 2.2; }}
.edge text {{ font-size: 12px; font-weight: 600; fill: {ink_2}; paint-order: stroke; stroke: {frame}; stroke-width: 4px; stroke-linejoin: round; }}",
        ink = n.ink,
        ink_2 = n.ink_2,
        ink_3 = n.ink_3,
        frame = n.frame,
        frame_line = n.frame_line,
        cluster = n.cluster,
        cluster_line = n.cluster_line,
        card = n.card,
        card_line = n.card_line,
    );
    for f in Family::ALL {
        let dash = family_dash(f)
            .map(|d| format!(" stroke-dasharray: {d};"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            ".edge.{} path {{ stroke: {};{dash} }}",
            f.as_str(),
            family_colour(f, theme)
        );
    }
    for t in Tier::ALL {
        let _ = writeln!(
            s,
            ".{c} .band {{ fill: {}; }} .node.{c} .card, .node.{c} .pod {{ fill: {}; }}",
            t.band(),
            t.fill(theme),
            c = t.class()
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tier_and_family_has_rules_in_both_outputs() {
        let page = page_css();
        for theme in Theme::ALL {
            let svg = svg_css(theme);
            for t in Tier::ALL {
                assert!(page.contains(&format!("--{}: {};", t.class(), t.fill(theme))));
                assert!(svg.contains(t.fill(theme)), "{t:?} {theme:?}");
            }
            for f in Family::ALL {
                assert!(page.contains(&format!("--{}: {};", f.as_str(), family_colour(f, theme))));
                assert!(svg.contains(family_colour(f, theme)));
            }
        }
    }

    #[test]
    fn the_svg_stylesheet_needs_no_escaping() {
        // It is embedded as escaped text; nothing in it may change when escaped.
        for theme in Theme::ALL {
            let css = svg_css(theme);
            assert_eq!(crate::html::escape(&css), css);
        }
    }

    #[test]
    fn tiers_from_labels() {
        assert_eq!(Tier::of(Some("Proxy")), Tier::Proxy);
        assert_eq!(Tier::of(Some("api")), Tier::Api);
        assert_eq!(Tier::of(Some("db")), Tier::Database);
        assert_eq!(Tier::of(Some("whatever")), Tier::Other);
        assert_eq!(Tier::of(None), Tier::Other);
    }
}

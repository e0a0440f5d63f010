//! `style/palette.css` is generated from the palette; this keeps it current.
//! Regenerate with `UPDATE_PALETTE=1 cargo test -p explorer-view --test palette`.

use std::path::Path;

use explorer_view::palette::page_css;

#[test]
fn style_palette_css_is_generated_from_the_palette() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../style/palette.css");
    let want = page_css();
    if std::env::var_os("UPDATE_PALETTE").is_some() {
        std::fs::write(&path, &want).expect("write style/palette.css");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "style/palette.css is out of date: run UPDATE_PALETTE=1 cargo test -p explorer-view --test palette"
    );
}

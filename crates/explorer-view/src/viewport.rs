//! Pan and zoom as plain geometry, so the SPA only forwards pointer events.
//! A [`Viewport`] maps diagram coordinates to screen pixels:
//! `screen = diagram * k + (x, y)`.

use serde::Serialize;

/// The smallest and largest zoom factors the UI allows.
pub const MIN_ZOOM: f64 = 0.05;
pub const MAX_ZOOM: f64 = 4.0;
/// Fitting never magnifies past this: a small graph stays at a readable size.
pub const MAX_FIT_ZOOM: f64 = 1.2;

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Viewport {
    pub x: f64,
    pub y: f64,
    pub k: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport {
            x: 0.0,
            y: 0.0,
            k: 1.0,
        }
    }
}

impl Viewport {
    /// The largest view (at most [`MAX_FIT_ZOOM`]) showing the whole `content` (width,
    /// height) centred in `screen` (width, height) with `padding` pixels around.
    pub fn fit(content: (f64, f64), screen: (f64, f64), padding: f64) -> Viewport {
        let (cw, ch) = (content.0.max(1.0), content.1.max(1.0));
        let avail_w = (screen.0 - 2.0 * padding).max(1.0);
        let avail_h = (screen.1 - 2.0 * padding).max(1.0);
        let k = (avail_w / cw)
            .min(avail_h / ch)
            .clamp(MIN_ZOOM, MAX_FIT_ZOOM);
        Viewport {
            x: (screen.0 - cw * k) / 2.0,
            y: (screen.1 - ch * k) / 2.0,
            k,
        }
    }

    /// The view that centres the diagram box `(x, y, width, height)` in `screen`, as large as
    /// fits with `padding` around it, never past [`MAX_FIT_ZOOM`] (a focused step).
    pub fn fit_box(bx: (f64, f64, f64, f64), screen: (f64, f64), padding: f64) -> Viewport {
        let (x, y, w, h) = (bx.0, bx.1, bx.2.max(1.0), bx.3.max(1.0));
        let avail_w = (screen.0 - 2.0 * padding).max(1.0);
        let avail_h = (screen.1 - 2.0 * padding).max(1.0);
        let k = (avail_w / w).min(avail_h / h).clamp(MIN_ZOOM, MAX_FIT_ZOOM);
        Viewport {
            x: screen.0 / 2.0 - (x + w / 2.0) * k,
            y: screen.1 / 2.0 - (y + h / 2.0) * k,
            k,
        }
    }

    /// Zooms by `factor` keeping the diagram point under `anchor` (screen
    /// pixels) where it is.
    pub fn zoom_at(self, factor: f64, anchor: (f64, f64)) -> Viewport {
        if !factor.is_finite() || factor <= 0.0 {
            return self;
        }
        let k = (self.k * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let (dx, dy) = self.to_diagram(anchor);
        Viewport {
            x: anchor.0 - dx * k,
            y: anchor.1 - dy * k,
            k,
        }
    }

    /// Moves the view by a screen-pixel delta.
    pub fn pan(self, dx: f64, dy: f64) -> Viewport {
        Viewport {
            x: self.x + dx,
            y: self.y + dy,
            k: self.k,
        }
    }

    /// Zoom factor for a wheel delta (pixels); smooth and symmetric.
    pub fn wheel_factor(delta_y: f64) -> f64 {
        (-delta_y.clamp(-400.0, 400.0) * 0.0015).exp()
    }

    pub fn to_diagram(self, p: (f64, f64)) -> (f64, f64) {
        ((p.0 - self.x) / self.k, (p.1 - self.y) / self.k)
    }

    pub fn to_screen(self, p: (f64, f64)) -> (f64, f64) {
        (p.0 * self.k + self.x, p.1 * self.k + self.y)
    }

    /// The SVG `transform` attribute for the diagram layer.
    pub fn transform(self) -> String {
        format!(
            "translate({:.2} {:.2}) scale({:.4})",
            self.x, self.y, self.k
        )
    }
}

/// Pinch: the new viewport when two pointers move from `before` to `after`
/// (screen pixels): zoom by the distance ratio about the old midpoint, then pan
/// by the midpoint's movement.
pub fn pinch(
    vp: Viewport,
    before: ((f64, f64), (f64, f64)),
    after: ((f64, f64), (f64, f64)),
) -> Viewport {
    let dist =
        |(a, b): ((f64, f64), (f64, f64))| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    let mid = |(a, b): ((f64, f64), (f64, f64))| ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    let (d0, d1) = (dist(before), dist(after));
    let factor = if d0 > 1.0 { d1 / d0 } else { 1.0 };
    let (m0, m1) = (mid(before), mid(after));
    vp.zoom_at(factor, m0).pan(m1.0 - m0.0, m1.1 - m0.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
    }

    #[test]
    fn fit_centres_and_magnifies_little() {
        let vp = Viewport::fit((1000.0, 500.0), (1200.0, 800.0), 20.0);
        assert!((vp.k - 1.16).abs() < 1e-12);
        assert!(close((vp.x, vp.y), (20.0, 110.0)));
        let vp = Viewport::fit((100.0, 50.0), (1200.0, 800.0), 20.0);
        assert_eq!(vp.k, MAX_FIT_ZOOM);
        let vp = Viewport::fit((4000.0, 1000.0), (1000.0, 800.0), 0.0);
        assert!((vp.k - 0.25).abs() < 1e-12);
        // The content's corners land inside the screen.
        let tl = vp.to_screen((0.0, 0.0));
        let br = vp.to_screen((4000.0, 1000.0));
        assert!(tl.0 >= 0.0 && tl.1 >= 0.0 && br.0 <= 1000.0 + 1e-9 && br.1 <= 800.0 + 1e-9);
    }

    #[test]
    fn zoom_keeps_the_anchor_fixed_and_clamps() {
        let vp = Viewport {
            x: 30.0,
            y: -10.0,
            k: 0.8,
        };
        let anchor = (400.0, 300.0);
        let before = vp.to_diagram(anchor);
        let z = vp.zoom_at(1.7, anchor);
        assert!(close(z.to_diagram(anchor), before));
        assert_eq!(vp.zoom_at(1e9, anchor).k, MAX_ZOOM);
        assert_eq!(vp.zoom_at(1e-9, anchor).k, MIN_ZOOM);
        assert_eq!(vp.zoom_at(f64::NAN, anchor), vp);
    }

    #[test]
    fn wheel_in_then_out_is_identity() {
        let f = Viewport::wheel_factor(-120.0) * Viewport::wheel_factor(120.0);
        assert!((f - 1.0).abs() < 1e-12);
        assert!(Viewport::wheel_factor(-120.0) > 1.0);
    }

    #[test]
    fn pinch_spreading_fingers_zooms_in_about_the_midpoint() {
        let vp = Viewport::default();
        let out = pinch(
            vp,
            ((100.0, 100.0), (200.0, 100.0)),
            ((50.0, 100.0), (250.0, 100.0)),
        );
        assert!((out.k - 2.0).abs() < 1e-12);
        assert!(close(out.to_diagram((150.0, 100.0)), (150.0, 100.0)));
    }
}

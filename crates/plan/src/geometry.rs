//! Paper, fold and envelope geometry: sheet weight and thickness, folded
//! size, the machine-inserting clearance and where the address lands.

use std::fmt;

use serde::Serialize;
use tandem_ticket::{Millimetres, Paper, PaperSize, Rect};

use crate::stock::{EnvelopeStock, Fold, Window};

/// Rule of thumb for paper thickness: 1.25 µm per g/m², so 80 g/m² office
/// paper is 0.1 mm and 90 g/m² is 0.1125 mm. Real calipers vary by ±15 %
/// with the paper's volume; this is good enough for the 5/10/20/50 mm limits.
pub const PAPER_MM_PER_GSM: f64 = 0.001_25;

/// DIN 5008 fold mark for A4 (form B): the first fold is 105 mm from the top.
pub const DIN_5008_FOLD_MM: Millimetres = 105.0;

/// Machine inserting needs the envelope at least this much wider than the
/// folded set (DOMAIN.md §4).
pub const CLEARANCE_WIDTH_MM: Millimetres = 15.0;

/// Machine inserting needs the envelope at least this much higher than the
/// folded set (DOMAIN.md §4).
pub const CLEARANCE_HEIGHT_MM: Millimetres = 8.0;

/// Tolerance for comparing lengths and weights computed in floating point.
pub(crate) const EPSILON: f64 = 1e-9;

/// Weight of one sheet in grams: area in m² × grammage. A4 at 80 g/m² is
/// 0.210 m × 0.297 m × 80 g/m² = 4.9896 g.
pub fn sheet_weight_g(paper: &Paper) -> f64 {
    let (w, h) = paper.size.dimensions();
    w * h / 1_000_000.0 * f64::from(paper.grammage_gsm)
}

/// Thickness of one sheet in mm by [`PAPER_MM_PER_GSM`].
pub fn sheet_thickness_mm(paper: &Paper) -> Millimetres {
    f64::from(paper.grammage_gsm) * PAPER_MM_PER_GSM
}

/// A set of sheets after folding.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FoldedSize {
    /// Width of the folded set (the paper's width), in mm.
    pub width_mm: Millimetres,
    /// Height of the folded set (its tallest panel), in mm.
    pub height_mm: Millimetres,
    /// Layers of paper per sheet: 1 flat, 2 half, 3 C or Z.
    pub layers: u32,
    /// Height of the address page's top panel, which faces the window, in
    /// mm; the address field must lie within it.
    pub address_panel_mm: Millimetres,
}

impl Fold {
    /// The folded size of a sheet of `size` (portrait).
    ///
    /// C and Z fold A4 at the DIN 5008 fold marks (panels 105/105/87 mm, so
    /// the set is 210 × 105 mm), other sizes in thirds.
    pub fn folded(self, size: PaperSize) -> FoldedSize {
        let (w, h) = size.dimensions();
        let (height, layers) = match self {
            Fold::Flat => (h, 1),
            Fold::Half => (h / 2.0, 2),
            Fold::C | Fold::Z => {
                if size == PaperSize::A4 {
                    (DIN_5008_FOLD_MM, 3)
                } else {
                    (h / 3.0, 3)
                }
            }
        };
        FoldedSize {
            width_mm: w,
            height_mm: height,
            layers,
            address_panel_mm: height,
        }
    }
}

/// Whether the envelope leaves the machine-inserting clearance around the
/// folded set: at least [`CLEARANCE_WIDTH_MM`] wider and
/// [`CLEARANCE_HEIGHT_MM`] higher.
pub fn has_clearance(envelope: &EnvelopeStock, set: &FoldedSize) -> bool {
    envelope.width_mm + EPSILON >= set.width_mm + CLEARANCE_WIDTH_MM
        && envelope.height_mm + EPSILON >= set.height_mm + CLEARANCE_HEIGHT_MM
}

/// Where the address field lands on the envelope, in mm from the envelope's
/// top-left corner as seen from the address side.
///
/// Assumption: the folded set rests against the envelope's **bottom and
/// left edges** (it sinks to the bottom once the envelope stands; the
/// inserter pushes it to the guide side). This is the position DIN 5008 and
/// the DIN window are designed for: form B's field ends 15 mm above the
/// 105 mm fold, and the DIN window ends 15 mm above the envelope's bottom.
pub fn address_on_envelope(envelope: &EnvelopeStock, set: &FoldedSize, field: &Rect) -> Rect {
    Rect {
        x: field.x,
        y: envelope.height_mm - set.height_mm + field.y,
        width: field.width,
        height: field.height,
    }
}

/// How far an address field sticks out of a window, per edge, in mm (0 where
/// it does not).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct WindowMiss {
    /// Past the window's left edge.
    pub left_mm: Millimetres,
    /// Past the window's top edge.
    pub top_mm: Millimetres,
    /// Past the window's right edge.
    pub right_mm: Millimetres,
    /// Past the window's bottom edge.
    pub bottom_mm: Millimetres,
}

impl WindowMiss {
    /// How far `field` sticks out of `window`; `None` when it lies inside
    /// (within 0.01 mm).
    pub fn of(field: &Rect, window: &Window) -> Option<Self> {
        let miss = Self {
            left_mm: (window.x_mm - field.x).max(0.0),
            top_mm: (window.y_mm - field.y).max(0.0),
            right_mm: (field.x + field.width - window.x_mm - window.width_mm).max(0.0),
            bottom_mm: (field.y + field.height - window.y_mm - window.height_mm).max(0.0),
        };
        let worst = miss
            .left_mm
            .max(miss.top_mm)
            .max(miss.right_mm)
            .max(miss.bottom_mm);
        (worst > 0.01).then_some(miss)
    }
}

impl fmt::Display for WindowMiss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (mm, edge) in [
            (self.left_mm, "left"),
            (self.top_mm, "top"),
            (self.right_mm, "right"),
            (self.bottom_mm, "bottom"),
        ] {
            if mm > 0.0 {
                if !first {
                    f.write_str(", ")?;
                }
                first = false;
                write!(f, "{mm:.1} mm past the {edge} edge")?;
            }
        }
        Ok(())
    }
}

/// Checks that the address field lies inside the envelope's window once the
/// set is folded and inserted (see [`address_on_envelope`]); `None` when
/// the envelope has no window.
pub fn check_window(
    envelope: &EnvelopeStock,
    set: &FoldedSize,
    field: &Rect,
) -> Option<Result<(), WindowMiss>> {
    let window = envelope.window.as_ref()?;
    let landed = address_on_envelope(envelope, set, field);
    Some(match WindowMiss::of(&landed, window) {
        None => Ok(()),
        Some(miss) => Err(miss),
    })
}

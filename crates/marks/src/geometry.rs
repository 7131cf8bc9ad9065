//! Page geometry shared by the mark encoders.

use serde::{Deserialize, Serialize};

/// Slack for floating-point rounding in [`MarkRect::contains`], in millimetres.
///
/// Bars and zones are computed along different arithmetic paths, so an edge that
/// is exactly shared on paper can differ in the last bits.
const CONTAINS_EPSILON_MM: f64 = 1e-9;

/// Axis-aligned rectangle in mm from the page's top-left corner.
///
/// `x` grows to the right and `y` downwards; `(x, y)` is the rectangle's
/// top-left corner.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MarkRect {
    /// Left edge, mm from the left page edge.
    pub x: f64,
    /// Top edge, mm from the top page edge.
    pub y: f64,
    /// Horizontal extent in mm.
    pub width: f64,
    /// Vertical extent in mm.
    pub height: f64,
}

impl MarkRect {
    /// Right edge, mm from the left page edge.
    pub fn right(&self) -> f64 {
        self.x + self.width
    }

    /// Bottom edge, mm from the top page edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }

    /// Smallest rectangle covering both `self` and `other`.
    pub fn union(&self, other: &MarkRect) -> MarkRect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        MarkRect {
            x,
            y,
            width: self.right().max(other.right()) - x,
            height: self.bottom().max(other.bottom()) - y,
        }
    }

    /// Whether the two rectangles overlap with a positive area.
    ///
    /// Rectangles that merely share an edge do not intersect.
    pub fn intersects(&self, other: &MarkRect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }

    /// Whether `other` lies completely inside `self` (shared edges allowed).
    pub fn contains(&self, other: &MarkRect) -> bool {
        other.x >= self.x - CONTAINS_EPSILON_MM
            && other.y >= self.y - CONTAINS_EPSILON_MM
            && other.right() <= self.right() + CONTAINS_EPSILON_MM
            && other.bottom() <= self.bottom() + CONTAINS_EPSILON_MM
    }
}

/// Per-sheet control data the plan hands to the mark encoders.
#[derive(Clone, Copy, Debug)]
pub struct SheetControl<'a> {
    /// Job identifier, e.g. `T2026-0001` or a reprint id like `JOB123.1`.
    pub job_id: &'a str,
    /// Mail piece (envelope) identifier within the job.
    pub piece_id: &'a str,
    /// Job-wide sheet sequence number, 1-based.
    pub sequence: u64,
    /// Sheet number within the mail piece, 1-based.
    pub sheet: u32,
    /// Sheets in the mail piece.
    pub sheets: u32,
}

impl SheetControl<'_> {
    /// Whether this is the last sheet of its mail piece.
    pub fn is_last_of_piece(&self) -> bool {
        self.sheet == self.sheets
    }
}

/// Rejects non-finite values and values below `min` (or equal to it when
/// `strict`); shared by the validators of all mark kinds.
pub(crate) fn check_number(
    field: &'static str,
    value: f64,
    min: f64,
    strict: bool,
) -> Result<(), crate::MarkError> {
    let reason = if !value.is_finite() {
        Some(format!("must be a finite number, got {value}"))
    } else if strict && value <= min {
        Some(format!("must be greater than {min}, got {value}"))
    } else if !strict && value < min {
        Some(format!("must be at least {min}, got {value}"))
    } else {
        None
    };
    match reason {
        Some(reason) => Err(crate::MarkError::InvalidGeometry { field, reason }),
        None => Ok(()),
    }
}

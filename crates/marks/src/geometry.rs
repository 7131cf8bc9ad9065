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
///
/// Build it with [`SheetControl::new`] and the builder-style setters
/// [`with_feeders`](Self::with_feeders) and [`with_divert`](Self::with_divert);
/// the fields are public for reading and for struct-update syntax.
///
/// A *set* is the sheets that go into one envelope, i.e. one mail piece, so
/// the set size is [`sheets`](Self::sheets) (see [`set_size`](Self::set_size)).
///
/// **Selective feeds and divert are per set, and the plan puts them on the
/// last sheet of the set.** The encoders print [`feeders`](Self::feeders) and
/// [`divert`](Self::divert) literally on whatever sheet carries them; by
/// convention the plan sets them only on the sheet that also carries the
/// end-of-set (Quadient: insert) mark, because that is when the inserter has
/// collated the set and decides what to add to the envelope and where to send
/// it, and leaves them `0`/`false` on the other sheets of the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SheetControl<'a> {
    /// Job identifier, e.g. `T2026-0001` or a reprint id like `JOB123.1`.
    pub job_id: &'a str,
    /// Mail piece (envelope) identifier within the job.
    pub piece_id: &'a str,
    /// Job-wide sheet sequence number, 1-based.
    pub sequence: u64,
    /// Sheet number within the mail piece, 1-based.
    pub sheet: u32,
    /// Sheets in the mail piece: the set size.
    pub sheets: u32,
    /// Selective feeders to fire for this sheet's set: bit `n - 1` stands for
    /// feeder `n` (feeder 1 = `0b0000_0001`, feeder 8 = `0b1000_0000`). See the
    /// type's documentation for which sheet of a set carries it.
    pub feeders: u8,
    /// Send this sheet's set out for manual handling (divert) instead of the
    /// normal output; like `feeders`, carried by the last sheet of the set.
    pub divert: bool,
}

impl<'a> SheetControl<'a> {
    /// Control data for sheet `sheet` of `sheets` of a mail piece, with no
    /// selective feed and no divert.
    pub fn new(job_id: &'a str, piece_id: &'a str, sequence: u64, sheet: u32, sheets: u32) -> Self {
        SheetControl {
            job_id,
            piece_id,
            sequence,
            sheet,
            sheets,
            feeders: 0,
            divert: false,
        }
    }

    /// The same control data with the selective-feeder bitmask `feeders`.
    #[must_use]
    pub fn with_feeders(self, feeders: u8) -> Self {
        SheetControl { feeders, ..self }
    }

    /// The same control data with the divert flag set to `divert`.
    #[must_use]
    pub fn with_divert(self, divert: bool) -> Self {
        SheetControl { divert, ..self }
    }
}

impl SheetControl<'_> {
    /// Whether this is the last sheet of its mail piece.
    pub fn is_last_of_piece(&self) -> bool {
        self.sheet == self.sheets
    }

    /// Whether this is the first sheet of its mail piece.
    pub fn is_first_of_piece(&self) -> bool {
        self.sheet == 1
    }

    /// Sheets in the set (envelope), the same as [`sheets`](Self::sheets).
    pub fn set_size(&self) -> u32 {
        self.sheets
    }

    /// Whether selective feeder `feeder` (1–8) is to fire; `false` for
    /// numbers outside 1–8.
    pub fn fires_feeder(&self, feeder: u8) -> bool {
        (1..=8).contains(&feeder) && self.feeders & (1 << (feeder - 1)) != 0
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

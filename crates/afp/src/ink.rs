//! Where a page's presentation text prints, as far as the data stream tells
//! without fonts: what a compatibility check needs to find print inside a
//! partner's mark zone.
//!
//! Rules (DIR, DBR) are exact rectangles. A text run (TRN) is known by
//! where it starts: its extent along the line needs the font's metrics,
//! which live in resources the file usually does not carry. So a run is
//! reported as a sliver at the start of its baseline, [`TEXT_HEIGHT_MM`]
//! high: a run that starts inside a zone is found, one that only runs into
//! it from the left is not. Text objects with an environment group of
//! their own (an object area placed elsewhere) and orientations other than
//! 0°/90° are skipped, as are image, graphics and bar code objects (their
//! extent lies in their resources).

use crate::error::AfpError;
use crate::ptoca::ControlSequences;
use crate::reader::StructuredFields;
use crate::structure::TextUnits;

/// Height above the baseline a text run's sliver covers: the cap height of
/// 10-point type.
pub const TEXT_HEIGHT_MM: f64 = 2.5;

/// Width of a text run's sliver at its start.
const TEXT_START_MM: f64 = 0.1;

/// What prints in an [`InkMark`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InkKind {
    /// The start of a text run.
    TextStart,
    /// A rule (a filled rectangle).
    Rule,
}

/// A box a page prints into, in mm from its top-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InkMark {
    /// What prints there.
    pub kind: InkKind,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// The text and rules of one page (`page`: its bytes from BPG to EPG) in
/// `units` (the page's PTD or PGD units).
pub fn page_ink(page: &[u8], units: TextUnits) -> Result<Vec<InkMark>, AfpError> {
    let base_mm = if units.unit_base == 1 { 100.0 } else { 254.0 };
    let x_mm = |u: i32| f64::from(u) * base_mm / f64::from(units.x_per_base.max(1));
    let y_mm = |u: i32| f64::from(u) * base_mm / f64::from(units.y_per_base.max(1));
    let mut marks = Vec::new();
    // Whether the current text object is placed by the page's PTD (no
    // environment group of its own).
    let mut in_text = false;
    let mut own_area = false;
    // The current position persists across the PTX fields of one object.
    // After a text run the inline position is unknown (it moved by the
    // run's width) until the next absolute move.
    let (mut x, mut y) = (Some(0i32), 0i32);
    for field in StructuredFields::new(page) {
        let field = field?;
        match field.name() {
            "BPT" => (in_text, own_area, x, y) = (true, false, Some(0), 0),
            "EPT" => in_text = false,
            "BOG" if in_text => own_area = true,
            "PTX" if in_text && !own_area => {
                for sequence in ControlSequences::new(field.data) {
                    let sequence = sequence.map_err(|e| AfpError::BadField {
                        offset: field.offset,
                        field: "PTX",
                        what: e.to_string(),
                    })?;
                    let d = sequence.data;
                    let number = |at: usize| {
                        d.get(at..at + 2)
                            .map_or(0, |b| i32::from(i16::from_be_bytes([b[0], b[1]])))
                    };
                    match sequence.name() {
                        "AMI" => x = Some(number(0)),
                        "AMB" => y = number(0),
                        "RMI" => x = x.map(|x| x + number(0)),
                        "RMB" => y += number(0),
                        // Rotated text: its geometry is another matter.
                        "STO" if d.get(..4) != Some(&[0, 0, 0x2D, 0]) => break,
                        "TRN" if !d.is_empty() => {
                            if let Some(x) = x {
                                marks.push(InkMark {
                                    kind: InkKind::TextStart,
                                    x: x_mm(x),
                                    y: y_mm(y) - TEXT_HEIGHT_MM,
                                    width: TEXT_START_MM,
                                    height: TEXT_HEIGHT_MM,
                                });
                            }
                            x = None;
                        }
                        name @ ("DIR" | "DBR") => {
                            let Some(x) = x else { continue };
                            let (length, width) = (number(0), number(2));
                            // DIR runs along the line, DBR down the page;
                            // the width extends across, negative values
                            // reverse either.
                            let (w, h) = if name == "DIR" {
                                (length, width)
                            } else {
                                (width, length)
                            };
                            let (left, right) = (x.min(x + w), x.max(x + w));
                            let (top, bottom) = (y.min(y + h), y.max(y + h));
                            marks.push(InkMark {
                                kind: InkKind::Rule,
                                x: x_mm(left),
                                y: y_mm(top),
                                width: x_mm(right - left),
                                height: y_mm(bottom - top),
                            });
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(marks)
}

//! Where a page's presentation text prints, as far as the data stream tells
//! without fonts: what a compatibility check needs to find print inside a
//! partner's mark zone.
//!
//! Rules (DIR, DBR) are exact rectangles. A text run (TRN) is known by
//! where it starts: its extent along the line needs the font's metrics,
//! which live in resources the file usually does not carry. So a run is
//! reported as a sliver at the start of its baseline, [`TEXT_HEIGHT_MM`]
//! high: a run that starts inside a zone is found, one that only runs into
//! it from the left is not. Text and rules in the colour of the medium
//! (white) print nothing. Text objects with an environment group of their
//! own (an object area placed elsewhere) and orientations other than
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
    let x_mm = |u: i64| u as f64 * base_mm / f64::from(units.x_per_base.max(1));
    let y_mm = |u: i64| u as f64 * base_mm / f64::from(units.y_per_base.max(1));
    let mut marks = Vec::new();
    let mut object = TextState::default();
    let mut in_text = false;
    for field in StructuredFields::new(page) {
        let field = field?;
        match field.name() {
            "BPT" => {
                // Every text object starts from its initial text conditions.
                in_text = true;
                object = TextState::default();
            }
            "EPT" => in_text = false,
            "BOG" if in_text => object.skip = true,
            "PTX" if in_text && !object.skip => {
                for sequence in ControlSequences::new(field.data) {
                    let sequence = sequence.map_err(|e| AfpError::BadField {
                        offset: field.offset,
                        field: "PTX",
                        what: e.to_string(),
                    })?;
                    object.apply(sequence.name(), sequence.data, &mut |kind, x, y, w, h| {
                        marks.push(match kind {
                            // A sliver at the start of the baseline.
                            InkKind::TextStart => InkMark {
                                kind,
                                x: x_mm(x),
                                y: y_mm(y) - TEXT_HEIGHT_MM,
                                width: TEXT_START_MM,
                                height: TEXT_HEIGHT_MM,
                            },
                            InkKind::Rule => InkMark {
                                kind,
                                x: x_mm(x),
                                y: y_mm(y),
                                width: x_mm(w),
                                height: y_mm(h),
                            },
                        })
                    });
                    if object.skip {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(marks)
}

/// The state of one text object while its control sequences are read.
#[derive(Debug, Default)]
struct TextState {
    /// Inline position; `None` after a text run until an absolute move
    /// (the run moved it by its width, which needs the font to know).
    x: Option<i64>,
    /// Baseline position.
    y: i64,
    /// Inline margin (SIM) and baseline increment (SBI), for BLN.
    margin: i64,
    increment: i64,
    /// Painting in the colour of the medium (white): nothing shows.
    white: bool,
    /// The object cannot be placed here: its own environment group or a
    /// rotated orientation.
    skip: bool,
}

impl TextState {
    /// Applies one control sequence; `mark(kind, x, y, width, height)` (in
    /// units; a text start has zero size) receives what it prints.
    fn apply(&mut self, name: &str, d: &[u8], mark: &mut dyn FnMut(InkKind, i64, i64, i64, i64)) {
        let number = |at: usize| {
            d.get(at..at + 2)
                .map_or(0, |b| i64::from(i16::from_be_bytes([b[0], b[1]])))
        };
        match name {
            "AMI" => self.x = Some(number(0)),
            "AMB" => self.y = number(0),
            "RMI" => self.x = self.x.map(|x| x.saturating_add(number(0))),
            "RMB" => self.y = self.y.saturating_add(number(0)),
            "SIM" => self.margin = number(0),
            "SBI" => self.increment = number(0),
            "BLN" => {
                self.x = Some(self.margin);
                self.y = self.y.saturating_add(self.increment);
            }
            // Rotated text: its geometry is another matter.
            "STO" if d.get(..4) != Some(&[0, 0, 0x2D, 0]) => self.skip = true,
            "STC" => self.white = d.get(..2) == Some(&[0xFF, 0x08]),
            // RGB (colour space X'01') white, 8 bits a component.
            "SEC" => {
                self.white = d.get(1) == Some(&0x01) && d.get(10..13) == Some(&[255, 255, 255])
            }
            "TRN" if !d.is_empty() => {
                if let (Some(x), false) = (self.x, self.white) {
                    mark(InkKind::TextStart, x, self.y, 0, 0);
                }
                self.x = None;
            }
            "DIR" | "DBR" => {
                let Some(x) = self.x else { return };
                if self.white {
                    return;
                }
                let (length, width) = (number(0), number(2));
                // DIR runs along the line, DBR down the page; the width
                // extends across, negative values reverse either.
                let (w, h) = if name == "DIR" {
                    (length, width)
                } else {
                    (width, length)
                };
                let y = self.y;
                mark(InkKind::Rule, x.min(x + w), y.min(y + h), w.abs(), h.abs());
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 240 units per inch, as FOP writes pages: 24 units = 2.54 mm.
    const U240: TextUnits = TextUnits {
        unit_base: 0,
        x_per_base: 2400,
        y_per_base: 2400,
    };

    fn field(id: [u8; 3], data: &[u8]) -> Vec<u8> {
        let mut b = vec![0x5A];
        b.extend_from_slice(&u16::try_from(8 + data.len()).unwrap().to_be_bytes());
        b.extend_from_slice(&id);
        b.extend_from_slice(&[0, 0, 0]);
        b.extend_from_slice(data);
        b
    }

    /// One unchained control sequence (escape, length, type, data).
    fn cs(function_type: u8, data: &[u8]) -> Vec<u8> {
        let mut b = vec![
            0x2B,
            0xD3,
            u8::try_from(data.len() + 2).unwrap(),
            function_type,
        ];
        b.extend_from_slice(data);
        b
    }

    fn text_object(sequences: &[Vec<u8>], own_area: bool) -> Vec<u8> {
        let mut b = field([0xD3, 0xA8, 0x9B], b""); // BPT
        if own_area {
            b.extend(field([0xD3, 0xA8, 0xC7], b"")); // BOG
            b.extend(field([0xD3, 0xA9, 0xC7], b"")); // EOG
        }
        b.extend(field([0xD3, 0xEE, 0x9B], &sequences.concat())); // PTX
        b.extend(field([0xD3, 0xA9, 0x9B], b"")); // EPT
        b
    }

    const fn be(v: i16) -> [u8; 2] {
        v.to_be_bytes()
    }

    #[test]
    fn rules_and_text_starts_follow_the_current_position() {
        let [a, b] = be(-24);
        let mut page = field([0xD3, 0xA8, 0xAF], b""); // BPG
        page.extend(text_object(
            &[
                cs(0xC6, &be(240)),                                       // AMI 240
                cs(0xD2, &be(480)),                                       // AMB 480
                cs(0xDA, b"\xC1\xC2"),        // TRN: a text start at (240, 480)
                cs(0xC8, &be(24)),            // RMI: position unknown after text
                cs(0xE4, &[0, 10, 0, 5, 0]),  // DIR: not placed
                cs(0xC0, &be(24)),            // SIM 24
                cs(0xD0, &be(48)),            // SBI 48
                cs(0xD8, b""),                // BLN: (24, 528)
                cs(0xE6, &[0, 48, 0, 12, 0]), // DBR 48 down, 12 across
                cs(0xE4, &[a, b, 0, 6, 0]),   // DIR back 24 from x 24
                cs(0x80, &[0, 1, 0, 0, 0, 0, 8, 8, 8, 0, 255, 255, 255]), // SEC white
                cs(0xE4, &[0, 99, 0, 99, 0]), // white: prints nothing
            ],
            false,
        ));
        // Rotated text and an object with its own area are not placed.
        page.extend(text_object(
            &[
                cs(0xF6, &[0x2D, 0, 0x5A, 0]),
                cs(0xC6, &be(0)),
                cs(0xDA, b"\xC1"),
            ],
            false,
        ));
        page.extend(text_object(&[cs(0xC6, &be(0)), cs(0xDA, b"\xC1")], true));
        page.extend(field([0xD3, 0xA9, 0xAF], b"")); // EPG
        let marks = page_ink(&page, U240).unwrap();
        let mm = |u: f64| u * 25.4 / 240.0;
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert_eq!(marks.len(), 3, "{marks:?}");
        let text = marks[0];
        assert_eq!(text.kind, InkKind::TextStart);
        assert!(close(text.x, mm(240.0)) && close(text.y + text.height, mm(480.0)));
        let dbr = marks[1];
        assert_eq!(dbr.kind, InkKind::Rule);
        assert!(close(dbr.x, mm(24.0)) && close(dbr.y, mm(528.0)), "{dbr:?}");
        assert!(
            close(dbr.width, mm(12.0)) && close(dbr.height, mm(48.0)),
            "{dbr:?}"
        );
        let back = marks[2];
        assert!(
            close(back.x, 0.0) && close(back.width, mm(24.0)),
            "{back:?}"
        );
        assert!(close(back.height, mm(6.0)), "{back:?}");
    }
}

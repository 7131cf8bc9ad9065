//! Writing AFP: input records copied byte for byte, new fields framed like
//! the input's, and what a redirect adds to a page.
//!
//! Round trip: writing every field's [`StructuredField::raw`] through
//! [`AfpWriter::copy`] reproduces the input exactly, unknown fields
//! included. Edits never rewrite an input field; they add fields:
//! [`PageMarks`] builds presentation text objects (PTOCA rules: white-outs
//! in RGB white, then bars in black) and Data Matrix bar code objects
//! (BCOCA) that go in front of a page's EPG.

use std::io::Write;

use thiserror::Error;

use crate::bcoca::data_matrix_object;
use crate::error::AfpError;
use crate::ptoca::PtocaBuilder;
use crate::reader::{CARRIAGE_CONTROL, Framing, StructuredFields};
use crate::structure::TextUnits;

/// The largest data a structured field without extension can carry.
pub const MAX_FIELD_DATA: usize = 32_759;

/// What can go wrong while writing AFP.
#[derive(Debug, Error)]
pub enum WriteError {
    /// The output failed.
    #[error("writing AFP: {0}")]
    Io(#[from] std::io::Error),
    /// A new field's data does not fit into one structured field.
    #[error("field X'{id}' with {len} bytes of data is longer than {MAX_FIELD_DATA}")]
    FieldTooLong {
        /// Identifier as hex.
        id: String,
        /// Data length.
        len: usize,
    },
    /// Bytes given as already framed fields do not read as fields.
    #[error("built fields: {0}")]
    Built(#[from] AfpError),
    /// A mark lies outside what a PTOCA rule can address.
    #[error("mark at {x_mm:.2} mm, {y_mm:.2} mm is outside the page's coordinate range")]
    OutOfRange {
        /// Left edge in mm.
        x_mm: f64,
        /// Top edge in mm.
        y_mm: f64,
    },
}

/// Writes AFP records to `W`, framing new fields like the input.
#[derive(Debug)]
pub struct AfpWriter<W: Write> {
    out: W,
    framing: Framing,
    written: u64,
}

impl<W: Write> AfpWriter<W> {
    /// A writer for ordinary X'5A'-framed output.
    pub fn new(out: W) -> Self {
        Self::with_framing(out, Framing::CarriageControl)
    }

    /// A writer whose new fields get `framing` (use the input's, so that
    /// copied and new records agree).
    pub fn with_framing(out: W, framing: Framing) -> Self {
        AfpWriter {
            out,
            framing,
            written: 0,
        }
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    /// Copies whole input records (one or many) exactly as they are.
    pub fn copy(&mut self, raw: &[u8]) -> Result<(), WriteError> {
        self.out.write_all(raw)?;
        self.written += raw.len() as u64;
        Ok(())
    }

    /// Writes one new structured field: identifier `id`, flags 0, no
    /// extension, `data`.
    pub fn field(&mut self, id: [u8; 3], data: &[u8]) -> Result<(), WriteError> {
        if data.len() > MAX_FIELD_DATA {
            return Err(WriteError::FieldTooLong {
                id: format!("{:02X}{:02X}{:02X}", id[0], id[1], id[2]),
                len: data.len(),
            });
        }
        let length = u16::try_from(8 + data.len()).unwrap_or(u16::MAX);
        let mut head = [0u8; 8];
        head[..2].copy_from_slice(&length.to_be_bytes());
        head[2..5].copy_from_slice(&id);
        self.frame(length)?;
        self.copy(&head)?;
        self.copy(data)
    }

    /// Writes fields built with X'5A' framing (as [`PageMarks::finish`] and
    /// the BCOCA builder return them), re-framed like the output.
    pub fn built(&mut self, fields: &[u8]) -> Result<(), WriteError> {
        if self.framing == Framing::CarriageControl {
            return self.copy(fields);
        }
        for field in StructuredFields::with_framing(fields, Framing::CarriageControl) {
            let field = field?;
            self.frame(field.length())?;
            self.copy(field.sf_bytes())?;
        }
        Ok(())
    }

    /// The framing in front of a structured field of `length` bytes.
    fn frame(&mut self, length: u16) -> Result<(), WriteError> {
        match self.framing {
            Framing::CarriageControl => self.copy(&[CARRIAGE_CONTROL]),
            Framing::LengthPrefixed {
                carriage_control,
                prefix_counts_itself,
            } => {
                let prefix = u32::from(length)
                    + u32::from(carriage_control)
                    + if prefix_counts_itself { 2 } else { 0 };
                let prefix = u16::try_from(prefix).unwrap_or(u16::MAX);
                self.copy(&prefix.to_be_bytes())?;
                if carriage_control {
                    self.copy(&[CARRIAGE_CONTROL])?;
                }
                Ok(())
            }
        }
    }

    /// Flushes and returns the output.
    pub fn into_inner(mut self) -> Result<W, WriteError> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A rectangle in millimetres from the page's top-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AreaMm {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// Structured-field identifiers written here.
const BPT: [u8; 3] = [0xD3, 0xA8, 0x9B];
const PTX: [u8; 3] = [0xD3, 0xEE, 0x9B];
const EPT: [u8; 3] = [0xD3, 0xA9, 0x9B];

/// The widest rule (its extent across the rule's direction, RWIDTH) the
/// PTOCA subsets below PT4 accept; wider areas are drawn as stacked rules.
pub const MAX_RULE_WIDTH: i16 = 192;

/// Marks for one page, in the page's text units: what [`AfpWriter::built`]
/// puts in front of the page's EPG.
///
/// Rules are drawn as PTOCA Draw Inline Rules: the current position is the
/// rectangle's top-left corner (AMI, AMB), the rule runs along the inline
/// (X) axis for the width and its thickness extends along the baseline (Y)
/// axis for the height — how Apache FOP draws filled rectangles in AFP —,
/// in rules of at most [`MAX_RULE_WIDTH`]. White-outs go in a first text
/// object, in RGB white (SEC); the bars in a second one, in the device's
/// default colour (black on a mono printer), since every text object starts
/// from its initial text conditions. Both set the orientation (STO 0°/90°)
/// so that a page whose PTD sets another cannot turn them. The text objects
/// have no environment group of their own: they use the page's PTD (or
/// PGD) units, like the page's own text.
#[derive(Debug)]
pub struct PageMarks {
    units: TextUnits,
    white: PtocaBuilder,
    black: PtocaBuilder,
    objects: Vec<u8>,
    codes: u32,
}

impl PageMarks {
    /// Marks for a page whose text is measured in `units`.
    pub fn new(units: TextUnits) -> Self {
        let mut white = PtocaBuilder::new();
        white
            .set_text_orientation(0, 90)
            .set_extended_text_color_rgb(255, 255, 255);
        let mut black = PtocaBuilder::new();
        black.set_text_orientation(0, 90);
        PageMarks {
            units,
            white,
            black,
            objects: Vec::new(),
            codes: 0,
        }
    }

    /// Adds `area` to `ptoca` as stacked inline rules.
    fn rules(units: TextUnits, ptoca: &mut PtocaBuilder, area: &AreaMm) -> Result<(), WriteError> {
        let out_of_range = || WriteError::OutOfRange {
            x_mm: area.x,
            y_mm: area.y,
        };
        let x = units.x(area.x).ok_or_else(out_of_range)?;
        let mut y = units.y(area.y).ok_or_else(out_of_range)?;
        // A mark is never thinner than one unit: 0 would draw nothing.
        let width = units.x(area.width).ok_or_else(out_of_range)?.max(1);
        let mut height = units.y(area.height).ok_or_else(out_of_range)?.max(1);
        while height > 0 {
            let thickness = height.min(MAX_RULE_WIDTH);
            ptoca
                .absolute_move_inline(x)
                .absolute_move_baseline(y)
                .draw_inline_rule(width, thickness);
            y = y.checked_add(thickness).ok_or_else(out_of_range)?;
            height -= thickness;
        }
        Ok(())
    }

    /// Covers `area` in white, the colour of the paper.
    pub fn white_out(&mut self, area: &AreaMm) -> Result<(), WriteError> {
        Self::rules(self.units, &mut self.white, area)
    }

    /// Fills `area` in the device's default colour (black).
    pub fn bar(&mut self, area: &AreaMm) -> Result<(), WriteError> {
        Self::rules(self.units, &mut self.black, area)
    }

    /// Places a Data Matrix of `text` with its top-left corner at
    /// (`x_mm`, `y_mm`) and modules of `module_mm`, as a BCOCA object the
    /// printer renders.
    pub fn data_matrix(
        &mut self,
        x_mm: f64,
        y_mm: f64,
        module_mm: f64,
        text: &[u8],
    ) -> Result<(), WriteError> {
        let out_of_range = || WriteError::OutOfRange { x_mm, y_mm };
        let x = self.units.x(x_mm).ok_or_else(out_of_range)?;
        let y = self.units.y(y_mm).ok_or_else(out_of_range)?;
        self.codes += 1;
        let name = format!("TDM{:05}", self.codes % 100_000);
        // BCOCA module widths are in mils (thousandths of an inch).
        let mils = (module_mm / 0.0254).round().clamp(1.0, 255.0) as u8;
        let object = data_matrix_object(
            &name,
            x.unsigned_abs(),
            y.unsigned_abs(),
            self.units,
            mils,
            text,
        )?;
        self.objects.extend_from_slice(&object);
        Ok(())
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        // Each chain holds its set-up sequences only until a rule is added.
        self.white.len() <= WHITE_SETUP
            && self.black.len() <= BLACK_SETUP
            && self.objects.is_empty()
    }

    /// The fields, X'5A'-framed: a text object for the white-outs, one for
    /// the bars (each only when there is one), then the bar code objects.
    pub fn finish(self) -> Result<Vec<u8>, WriteError> {
        let mut out = Vec::new();
        for (ptoca, setup) in [(self.white, WHITE_SETUP), (self.black, BLACK_SETUP)] {
            if ptoca.len() <= setup {
                continue;
            }
            let data = ptoca.finish();
            if data.len() > MAX_FIELD_DATA {
                return Err(WriteError::FieldTooLong {
                    id: "D3EE9B".into(),
                    len: data.len(),
                });
            }
            push_field(&mut out, BPT, &[]);
            push_field(&mut out, PTX, &data);
            push_field(&mut out, EPT, &[]);
        }
        out.extend_from_slice(&self.objects);
        Ok(out)
    }
}

/// Bytes of the set-up sequences each chain starts with: escape, STO (6),
/// and for the white-outs SEC (15).
const BLACK_SETUP: usize = 2 + 6;
const WHITE_SETUP: usize = BLACK_SETUP + 15;

fn push_field(out: &mut Vec<u8>, id: [u8; 3], data: &[u8]) {
    out.push(CARRIAGE_CONTROL);
    out.extend_from_slice(
        &u16::try_from(8 + data.len())
            .unwrap_or(u16::MAX)
            .to_be_bytes(),
    );
    out.extend_from_slice(&id);
    out.extend_from_slice(&[0, 0, 0]);
    out.extend_from_slice(data);
}

/// A page with nothing printed on it: BPG, an environment group with the
/// page descriptor `pgd` (the PGD field's data, e.g. of the page it backs),
/// EPG. X'5A'-framed; write it with [`AfpWriter::built`].
pub fn blank_page(pgd: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    push_field(
        &mut out,
        [0xD3, 0xA8, 0xAF],
        b"\xC2\xD3\xC1\xD5\xD2\x40\x40\x40",
    ); // BPG "BLANK"
    push_field(&mut out, [0xD3, 0xA8, 0xC9], &[]); // BAG
    push_field(&mut out, [0xD3, 0xA6, 0xAF], pgd); // PGD
    push_field(&mut out, [0xD3, 0xA9, 0xC9], &[]); // EAG
    push_field(
        &mut out,
        [0xD3, 0xA9, 0xAF],
        b"\xC2\xD3\xC1\xD5\xD2\x40\x40\x40",
    ); // EPG
    out
}

//! PTOCA control sequences inside PTX data.

use crate::error::AfpError;

/// The escape bytes X'2BD3' in front of every unchained control sequence.
pub const PTOCA_ESCAPE: [u8; 2] = [0x2B, 0xD3];

/// One PTOCA control sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlSequence<'a> {
    /// Byte offset of the sequence in the PTX data (of its escape when it
    /// has one, else of its length byte).
    pub offset: usize,
    /// The function type byte; odd values chain the next sequence.
    pub function_type: u8,
    /// The sequence's parameters after length and type.
    pub data: &'a [u8],
    /// Whether this sequence was reached by chaining (had no escape).
    pub chained: bool,
}

impl ControlSequence<'_> {
    /// The acronym of the function (`"TRN"`, `"AMI"`, …) or `"unknown"`.
    pub fn name(&self) -> &'static str {
        function_name(self.function_type)
    }

    /// Whether the next control sequence is chained to this one (odd type).
    pub fn chains_next(&self) -> bool {
        self.function_type & 1 == 1
    }

    /// The text of a Transparent Data (TRN) sequence, in the code page of
    /// the font in use; `None` for every other function.
    pub fn text(&self) -> Option<&[u8]> {
        (self.function_type & 0xFE == 0xDA).then_some(self.data)
    }
}

/// The acronym of a PTOCA function type; chained (odd) and unchained (even)
/// types give the same name.
pub fn function_name(function_type: u8) -> &'static str {
    match function_type & 0xFE {
        0xC6 => "AMI",
        0xD2 => "AMB",
        0xC8 => "RMI",
        0xD4 => "RMB",
        0xDA => "TRN",
        0xE4 => "DIR",
        0xE6 => "DBR",
        0xF0 => "SCFL",
        0xF6 => "STO",
        0xF8 => "NOP",
        0xC4 => "SVI",
        0x74 => "STC",
        0xF2 => "BSU",
        0xF4 => "ESU",
        0xEE => "RPS",
        0x80 => "SEC",
        0xC0 => "SIM",
        0xD0 => "SBI",
        0xD8 => "BLN",
        _ => "unknown",
    }
}

/// Iterator over the control sequences of PTX data; stops after the first
/// error. A chain must end with an even (unchained) function type.
#[derive(Debug, Clone)]
pub struct ControlSequences<'a> {
    data: &'a [u8],
    pos: usize,
    chained: bool,
    failed: bool,
}

impl<'a> ControlSequences<'a> {
    /// Reads the control sequences in `data` (a PTX field's data).
    pub fn new(data: &'a [u8]) -> Self {
        ControlSequences {
            data,
            pos: 0,
            chained: false,
            failed: false,
        }
    }

    fn read_one(&self) -> Result<(ControlSequence<'a>, usize), AfpError> {
        let offset = self.pos;
        let err = |what| AfpError::BadControlSequence { offset, what };
        let mut p = self.pos;
        if !self.chained {
            if self.data.len() < p + 2 || self.data[p..p + 2] != PTOCA_ESCAPE {
                return Err(err("missing escape X'2BD3'"));
            }
            p += 2;
        }
        if self.data.len() < p + 2 {
            return Err(err("truncated before length and type"));
        }
        let length = usize::from(self.data[p]);
        if length < 2 {
            return Err(err("length below 2"));
        }
        if self.data.len() < p + length {
            return Err(err("length past the end of the data"));
        }
        let cs = ControlSequence {
            offset,
            function_type: self.data[p + 1],
            data: &self.data[p + 2..p + length],
            chained: self.chained,
        };
        Ok((cs, p + length))
    }
}

impl<'a> Iterator for ControlSequences<'a> {
    type Item = Result<ControlSequence<'a>, AfpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        if self.pos >= self.data.len() {
            if self.chained {
                self.failed = true;
                return Some(Err(AfpError::BadControlSequence {
                    offset: self.pos,
                    what: "data ends inside a chain",
                }));
            }
            return None;
        }
        match self.read_one() {
            Ok((cs, next)) => {
                self.pos = next;
                self.chained = cs.chains_next();
                Some(Ok(cs))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

impl std::iter::FusedIterator for ControlSequences<'_> {}

/// The most data bytes one control sequence can carry: its length byte
/// (at most 255) also counts the length and function-type bytes.
const MAX_SEQUENCE_DATA: usize = 253;

/// Writes one chained PTOCA control-sequence chain (the data of a PTX field).
///
/// The chain starts with the escape X'2BD3'; every control sequence is a
/// length byte (counting length, type and data), the function type and the
/// data. All sequences but the last carry the odd (chained) function type,
/// the last the even (unchained) one, so [`ControlSequences`] reads the
/// chain back and no terminating NOP is needed (Apache FOP's `PtocaBuilder`
/// chains everything and ends with an unchained NOP instead).
///
/// Parameter layouts follow the PyPI `afp` decoder's syntax tables
/// (afp/functions.py): AMI/AMB `DSPLCMNT` 2-byte SBIN; DIR/DBR `RLENGTH`
/// 2-byte SBIN then `RWIDTH` 3 bytes; STO `IORNTION`, `BORNTION` 2 bytes
/// each; STC `FRGCOLOR` 2 bytes then `PRECSION` 1 byte; TRN raw data.
///
/// ```
/// use tandem_afp::{ControlSequences, PtocaBuilder};
///
/// let mut b = PtocaBuilder::new();
/// b.absolute_move_inline(100).transparent_data(b"\xC8\xC9");
/// let data = b.finish();
/// let names: Vec<&str> = ControlSequences::new(&data)
///     .map(|c| c.map(|c| c.name()))
///     .collect::<Result<_, _>>()?;
/// assert_eq!(names, ["AMI", "TRN"]);
/// # Ok::<(), tandem_afp::AfpError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PtocaBuilder {
    buf: Vec<u8>,
    /// Index of the last sequence's function-type byte, so that adding the
    /// next sequence can flip it to the chained (odd) type.
    last_type: Option<usize>,
}

impl PtocaBuilder {
    // Colour values of the standard OCA colour table, as listed by afplib's
    // generated enumeration (yan74/afplib org.afplib/src-gen/org/afplib/
    // afplib/BDDCOLOR.java: 65287 = X'FF07' "device default", 65288 =
    // X'FF08' "reset color" i.e. colour of medium, 8 = X'0008' "black").

    /// STC colour X'FF07': the presentation device's default colour.
    pub const COLOR_DEVICE_DEFAULT: u16 = 0xFF07;
    /// STC colour X'FF08': the colour of the medium ("reset" colour), used
    /// to white out what lies underneath.
    pub const COLOR_OF_MEDIUM: u16 = 0xFF08;
    /// STC colour X'0008': black.
    pub const COLOR_BLACK: u16 = 0x0008;

    /// An empty chain.
    pub fn new() -> Self {
        PtocaBuilder::default()
    }

    /// Appends one control sequence with the unchained (even) `function_type`.
    fn push(&mut self, function_type: u8, data: &[u8]) -> &mut Self {
        debug_assert!(data.len() <= MAX_SEQUENCE_DATA);
        debug_assert_eq!(function_type & 1, 0);
        match self.last_type {
            None => self.buf.extend_from_slice(&PTOCA_ESCAPE),
            Some(at) => self.buf[at] |= 1,
        }
        // Fits: callers never pass more than MAX_SEQUENCE_DATA bytes.
        self.buf.push((data.len() + 2) as u8);
        self.last_type = Some(self.buf.len());
        self.buf.push(function_type);
        self.buf.extend_from_slice(data);
        self
    }

    /// AMI: moves the current position to `displacement` on the inline axis.
    pub fn absolute_move_inline(&mut self, displacement: i16) -> &mut Self {
        self.push(0xC6, &displacement.to_be_bytes())
    }

    /// AMB: moves the current position to `displacement` on the baseline
    /// axis.
    pub fn absolute_move_baseline(&mut self, displacement: i16) -> &mut Self {
        self.push(0xD2, &displacement.to_be_bytes())
    }

    /// STO: sets the inline and baseline orientations, in whole degrees
    /// (taken modulo 360).
    ///
    /// The 2-byte value holds the degrees in its top 9 bits and the minutes
    /// (always 0 here) below, so 0° is X'0000' and 90° X'2D00'.
    pub fn set_text_orientation(&mut self, i_degrees: u16, b_degrees: u16) -> &mut Self {
        let enc = |d: u16| ((d % 360) << 7).to_be_bytes();
        let (i, b) = (enc(i_degrees), enc(b_degrees));
        self.push(0xF6, &[i[0], i[1], b[0], b[1]])
    }

    /// STC: sets the foreground colour (a value of the OCA colour table, see
    /// [`PtocaBuilder::COLOR_BLACK`] and friends).
    ///
    /// The precision byte is written as X'00'.
    pub fn set_text_color(&mut self, color: u16) -> &mut Self {
        let c = color.to_be_bytes();
        self.push(0x74, &[c[0], c[1], 0x00])
    }

    /// SEC: sets the foreground colour as 8-bit RGB (colour space X'01').
    ///
    /// Where STC's colour table values beyond the basic ones (black,
    /// colour of the medium) belong to the PT4 subset, SEC is in PT3, which
    /// production IPDS printers support; white (255, 255, 255) leaves the
    /// medium showing, which is how a white-out is drawn.
    pub fn set_extended_text_color_rgb(&mut self, red: u8, green: u8, blue: u8) -> &mut Self {
        // Reserved, colour space RGB, 4 reserved, bits per component 8, 8,
        // 8 (and 0 for the unused fourth), the three values.
        self.push(0x80, &[0, 0x01, 0, 0, 0, 0, 8, 8, 8, 0, red, green, blue])
    }

    /// DIR: draws a rule of `length` along the inline axis and `width`
    /// across it from the current position (which does not move).
    pub fn draw_inline_rule(&mut self, length: i16, width: i16) -> &mut Self {
        self.push(0xE4, &rule(length, width))
    }

    /// DBR: draws a rule of `length` along the baseline axis and `width`
    /// across it from the current position (which does not move).
    pub fn draw_baseline_rule(&mut self, length: i16, width: i16) -> &mut Self {
        self.push(0xE6, &rule(length, width))
    }

    /// TRN: presents `data` (code points of the active font) unscanned.
    ///
    /// Data longer than the 253 bytes one control sequence can hold is split
    /// over several TRNs; empty data adds nothing.
    pub fn transparent_data(&mut self, data: &[u8]) -> &mut Self {
        for chunk in data.chunks(MAX_SEQUENCE_DATA) {
            self.push(0xDA, chunk);
        }
        self
    }

    /// Bytes in the chain so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The chain's bytes; empty when nothing was added.
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

/// DIR/DBR parameters: RLENGTH (2 bytes) and RWIDTH (2-byte integer and a
/// fraction byte, always 0 here).
fn rule(length: i16, width: i16) -> [u8; 5] {
    let (l, w) = (length.to_be_bytes(), width.to_be_bytes());
    [l[0], l[1], w[0], w[1], 0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chained_and_unchained() {
        // chain: STO (F7, chains) + TRN (DA, ends); then a lone NOP (F8)
        let d = [
            0x2B, 0xD3, 6, 0xF7, 0, 0, 0x2D, 0, //
            4, 0xDA, 0xC1, 0xC2, //
            0x2B, 0xD3, 2, 0xF8,
        ];
        let cs: Vec<_> = ControlSequences::new(&d).collect::<Result<_, _>>().unwrap();
        let names: Vec<_> = cs.iter().map(|c| c.name()).collect();
        assert_eq!(names, ["STO", "TRN", "NOP"]);
        assert_eq!(
            (cs[1].offset, cs[1].chained, cs[1].data),
            (8, true, &[0xC1, 0xC2][..])
        );
        assert_eq!((cs[2].offset, cs[2].chained), (12, false));
    }

    #[test]
    fn errors() {
        let e = ControlSequences::new(&[0x2B, 0xD4, 2, 0xF8])
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "control sequence at byte 0 of the PTX data: missing escape X'2BD3'"
        );
        // chain not terminated
        let mut it = ControlSequences::new(&[0x2B, 0xD3, 2, 0xF9]);
        assert!(it.next().unwrap().is_ok());
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
        let e = ControlSequences::new(&[0x2B, 0xD3, 9, 0xDA])
            .next()
            .unwrap()
            .unwrap_err();
        assert!(e.to_string().contains("past the end"));
        let e = ControlSequences::new(&[0x2B, 0xD3, 1, 0xDA])
            .next()
            .unwrap()
            .unwrap_err();
        assert!(e.to_string().contains("below 2"));
    }

    #[test]
    fn names_ignore_the_chain_bit() {
        assert_eq!(function_name(0xDA), "TRN");
        assert_eq!(function_name(0xDB), "TRN");
        assert_eq!(function_name(0xE4), "DIR");
        assert_eq!(function_name(0x02), "unknown");
    }
    #[test]
    fn builder_exact_bytes() {
        // Hand-computed: escape, AMI 100 = X'0064' chained (C7), then
        // DIR length 240 = X'00F0', width 12 = X'000C' + fraction 0,
        // unchained (E4). In afp/functions.py terms: AMI DSPLCMNT SBIN(2);
        // DIR RLENGTH SBIN(2), RWIDTH SBIN(3).
        let mut b = PtocaBuilder::new();
        b.absolute_move_inline(100).draw_inline_rule(240, 12);
        let data = b.finish();
        assert_eq!(
            data,
            [
                0x2B, 0xD3, 4, 0xC7, 0x00, 0x64, //
                7, 0xE4, 0x00, 0xF0, 0x00, 0x0C, 0x00,
            ]
        );
    }

    #[test]
    fn builder_reads_back() {
        let mut b = PtocaBuilder::new();
        b.set_text_orientation(0, 90)
            .absolute_move_baseline(-5)
            .absolute_move_inline(7)
            .set_text_color(PtocaBuilder::COLOR_OF_MEDIUM)
            .draw_baseline_rule(-30, 2)
            .transparent_data(&[0xC1; 300]);
        let data = b.finish();
        let cs: Vec<_> = ControlSequences::new(&data)
            .collect::<Result<_, _>>()
            .unwrap();
        let names: Vec<_> = cs.iter().map(|c| c.name()).collect();
        assert_eq!(names, ["STO", "AMB", "AMI", "STC", "DBR", "TRN", "TRN"]);
        let types: Vec<_> = cs.iter().map(|c| c.function_type).collect();
        assert_eq!(types, [0xF7, 0xD3, 0xC7, 0x75, 0xE7, 0xDB, 0xDA]);
        let chains: Vec<_> = cs.iter().map(|c| c.chains_next()).collect();
        assert_eq!(chains, [true, true, true, true, true, true, false]);
        assert!(!cs[0].chained && cs[1..].iter().all(|c| c.chained));
        assert_eq!(cs[0].data, [0x00, 0x00, 0x2D, 0x00]);
        assert_eq!(cs[1].data, (-5i16).to_be_bytes());
        assert_eq!(cs[3].data, [0xFF, 0x08, 0x00]);
        assert_eq!(cs[4].data, [0xFF, 0xE2, 0x00, 0x02, 0x00]);
        assert_eq!((cs[5].data.len(), cs[6].data.len()), (253, 47));
    }

    #[test]
    fn builder_edge_cases() {
        assert!(PtocaBuilder::new().finish().is_empty());
        let mut b = PtocaBuilder::new();
        b.transparent_data(&[]);
        assert!(b.finish().is_empty());
        // a single sequence is unchained and keeps its escape
        let mut b = PtocaBuilder::new();
        b.set_text_color(PtocaBuilder::COLOR_BLACK);
        assert_eq!(b.finish(), [0x2B, 0xD3, 5, 0x74, 0x00, 0x08, 0x00]);
        let mut b = PtocaBuilder::new();
        b.set_text_orientation(450, 270);
        assert_eq!(b.finish()[4..], [0x2D, 0x00, 0x87, 0x00]);
    }
}

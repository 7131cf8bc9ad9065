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
}

//! Record framing: RDW, fixed-length and newline-delimited records.

use serde::{Deserialize, Serialize};

use crate::LineDataError;

/// How the records of a listing are framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineDataFormat {
    /// Variable-length records, each preceded by a 4-byte record descriptor
    /// word: a 2-byte big-endian length that counts the RDW itself, then two
    /// zero bytes.
    Rdw,
    /// Records of exactly `length` bytes each, without delimiters.
    Fixed {
        /// Record length in bytes (at least 1).
        length: u32,
    },
    /// Records separated by a line feed (X'0A'); a carriage return before
    /// it is dropped, and a line feed at the very end ends the last record
    /// rather than starting an empty one.
    Newline,
}

/// One record of a listing, borrowed from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// Record number, 1-based.
    pub number: u64,
    /// Byte offset of the record's first byte (the RDW for `Rdw`) in the input.
    pub offset: u64,
    /// Byte offset of `data`'s first byte in the input.
    pub data_offset: u64,
    /// The record's bytes without framing (no RDW, no line end).
    pub data: &'a [u8],
}

/// Iterates over the records of a listing. Yields `Err` once on a framing
/// error and then ends.
#[derive(Clone, Debug)]
pub struct RecordReader<'a> {
    input: &'a [u8],
    pos: usize,
    number: u64,
    format: LineDataFormat,
    failed: bool,
}

impl<'a> RecordReader<'a> {
    /// A reader over `input` framed as `format`.
    pub fn new(input: &'a [u8], format: LineDataFormat) -> Self {
        RecordReader {
            input,
            pos: 0,
            number: 0,
            format,
            failed: false,
        }
    }

    /// Byte offset of the next record.
    pub fn position(&self) -> u64 {
        self.pos as u64
    }

    fn fail(&mut self, e: LineDataError) -> Option<Result<Record<'a>, LineDataError>> {
        self.failed = true;
        Some(Err(e))
    }
}

impl<'a> Iterator for RecordReader<'a> {
    type Item = Result<Record<'a>, LineDataError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.input.len() {
            return None;
        }
        let rest = &self.input[self.pos..];
        let offset = self.pos as u64;
        self.number += 1;
        let record = self.number;
        match self.format {
            LineDataFormat::Rdw => {
                if rest.len() < 4 {
                    return self.fail(LineDataError::LengthPastEnd {
                        record,
                        offset,
                        length: 4,
                        available: rest.len() as u64,
                    });
                }
                let length = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
                if length < 4 {
                    return self.fail(LineDataError::BadRdw {
                        record,
                        offset,
                        reason: format!("length {length} is less than the 4 bytes of the RDW"),
                    });
                }
                if rest[2] != 0 || rest[3] != 0 {
                    return self.fail(LineDataError::BadRdw {
                        record,
                        offset,
                        reason: format!(
                            "bytes 3-4 are X'{:02X}{:02X}', not zero (spanned records are not supported)",
                            rest[2], rest[3]
                        ),
                    });
                }
                let Some(bytes) = rest.get(..length) else {
                    return self.fail(LineDataError::LengthPastEnd {
                        record,
                        offset,
                        length: length as u64,
                        available: rest.len() as u64,
                    });
                };
                self.pos += length;
                Some(Ok(Record {
                    number: record,
                    offset,
                    data_offset: offset + 4,
                    data: &bytes[4..],
                }))
            }
            LineDataFormat::Fixed { length } => {
                let length = length as usize;
                if length == 0 {
                    return self.fail(LineDataError::Options {
                        key: "format.fixed.length".into(),
                        message: "must be at least 1".into(),
                    });
                }
                let Some(data) = rest.get(..length) else {
                    return self.fail(LineDataError::LengthPastEnd {
                        record,
                        offset,
                        length: length as u64,
                        available: rest.len() as u64,
                    });
                };
                self.pos += length;
                Some(Ok(Record {
                    number: record,
                    offset,
                    data_offset: offset,
                    data,
                }))
            }
            LineDataFormat::Newline => {
                let (line, consumed) = match rest.iter().position(|&b| b == b'\n') {
                    Some(i) => (&rest[..i], i + 1),
                    None => (rest, rest.len()),
                };
                let data = line.strip_suffix(b"\r").unwrap_or(line);
                self.pos += consumed;
                Some(Ok(Record {
                    number: record,
                    offset,
                    data_offset: offset,
                    data,
                }))
            }
        }
    }
}

//! The zero-copy structured-field reader.

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::take;
use nom::number::complete::{be_u16, u8 as nom_u8};

use crate::error::AfpError;
use crate::names::sf_name;

/// The carriage-control byte in front of every structured field.
pub const CARRIAGE_CONTROL: u8 = 0x5A;

/// The smallest structured-field length: the 8-byte introducer alone.
pub const MIN_LENGTH: u16 = 8;

// Flag byte bit values. MO:DCA numbers bits from the most significant one
// (bit 0 = X'80'): bit 0 SFI extension present, bit 2 segmented data, bit 4
// data padding present; the other bits are reserved. Verified against the
// independent PyPI `afp` decoder (afp/fields.py: `sfi_ext_flag` tests
// 0b10000000, `sfi_seg_flag` 0b00100000, `sfi_pad_flag` 0b00001000). Note that
// Apache FOP's `StructuredFieldIntroducer` derives its masks as `1 << ordinal`
// (X'01', X'04', X'10'), i.e. counts bits from the least significant end —
// the disagreement DOMAIN.md §5 warns about; we follow the IBM bit numbering.
// The search tool did not return the MO:DCA reference text itself.

/// Flag bit: an SFI extension (length byte + data) follows the introducer.
pub const FLAG_EXTENSION: u8 = 0x80;
/// Flag bit: the field's data is continued in the next field (segmented).
pub const FLAG_SEGMENTED: u8 = 0x20;
/// Flag bit: the data ends with padding whose count is in the last byte(s).
pub const FLAG_PADDING: u8 = 0x08;

/// How records are framed in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// The normal AFP file: every structured field is preceded by X'5A'.
    CarriageControl,
    /// Mainframe transfer: every record is preceded by a 2-byte big-endian
    /// record length.
    LengthPrefixed {
        /// Whether the record still starts with X'5A' after the prefix.
        carriage_control: bool,
        /// Whether the prefix value counts its own two bytes.
        prefix_counts_itself: bool,
    },
}

impl Framing {
    /// Detects the framing from the first record.
    ///
    /// A file starting with X'5A' is [`Framing::CarriageControl`]. Otherwise
    /// the first two bytes are taken as a record-length prefix when they agree
    /// with the structured-field length that follows (with or without X'5A',
    /// prefix counting itself or not) and that field has class X'D3'. When
    /// nothing fits, [`Framing::CarriageControl`] is returned so that reading
    /// reports the missing X'5A' at byte 0. (A prefixed file whose first
    /// prefix starts with X'5A', i.e. a first record of 23,040 bytes or
    /// more, is not detected; use [`StructuredFields::with_framing`].)
    pub fn detect(bytes: &[u8]) -> Framing {
        // Fewer than two bytes hold no length prefix; reading reports them.
        if bytes.len() < 2 || bytes[0] == CARRIAGE_CONTROL {
            return Framing::CarriageControl;
        }
        let prefix = be16(bytes, 0);
        for carriage_control in [true, false] {
            let sf_start = 2 + usize::from(carriage_control);
            if bytes.len() < sf_start + 3 {
                continue;
            }
            if carriage_control && bytes[2] != CARRIAGE_CONTROL {
                continue;
            }
            if bytes[sf_start + 2] != 0xD3 {
                continue;
            }
            let length = usize::from(be16(bytes, sf_start));
            let record = length + usize::from(carriage_control);
            for prefix_counts_itself in [false, true] {
                let expected = record + if prefix_counts_itself { 2 } else { 0 };
                if usize::from(prefix) == expected {
                    return Framing::LengthPrefixed {
                        carriage_control,
                        prefix_counts_itself,
                    };
                }
            }
        }
        Framing::CarriageControl
    }
}

fn be16(bytes: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([bytes[at], bytes[at + 1]])
}

/// One structured field, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StructuredField<'a> {
    /// Byte offset of the record in the input (of the X'5A', or of the
    /// length prefix in a length-prefixed file).
    pub offset: u64,
    /// The 3-byte identifier: class X'D3', type, category.
    pub id: [u8; 3],
    /// The flag byte (see [`FLAG_EXTENSION`], [`FLAG_SEGMENTED`],
    /// [`FLAG_PADDING`]).
    pub flags: u8,
    /// The two reserved bytes (often a sequence counter).
    pub reserved: [u8; 2],
    /// The SFI extension data, without its length byte, when flagged.
    pub extension: Option<&'a [u8]>,
    /// The field's data (parameters), without extension and padding.
    pub data: &'a [u8],
    /// The padding at the end of the field (empty unless flagged).
    pub padding: &'a [u8],
    /// The whole record exactly as in the input, framing included.
    pub raw: &'a [u8],
}

impl<'a> StructuredField<'a> {
    /// The three-letter acronym (`"BDT"`, `"PTX"`, …) or `"unknown"`.
    pub fn name(&self) -> &'static str {
        sf_name(self.id)
    }

    /// The structured-field length (counts itself and everything after it).
    pub fn length(&self) -> u16 {
        u16::try_from(self.sf_bytes().len()).unwrap_or(u16::MAX)
    }

    /// The structured field without framing: from the length bytes to the
    /// end of the padding.
    pub fn sf_bytes(&self) -> &'a [u8] {
        let total =
            8 + self.extension.map_or(0, |e| e.len() + 1) + self.data.len() + self.padding.len();
        &self.raw[self.raw.len() - total..]
    }

    /// Whether the extension flag is set.
    pub fn has_extension(&self) -> bool {
        self.flags & FLAG_EXTENSION != 0
    }

    /// Whether the segmented-data flag is set (data continues in the next
    /// field).
    pub fn is_segmented(&self) -> bool {
        self.flags & FLAG_SEGMENTED != 0
    }

    /// Whether the padding flag is set.
    pub fn has_padding(&self) -> bool {
        self.flags & FLAG_PADDING != 0
    }

    /// The identifier as six upper-case hex digits, e.g. `"D3A8A8"`.
    pub fn id_hex(&self) -> String {
        format!("{:02X}{:02X}{:02X}", self.id[0], self.id[1], self.id[2])
    }
}

/// Length, identifier, flags, reserved.
type Introducer = (u16, [u8; 3], u8, [u8; 2]);

/// Introducer, extension, data, padding of one structured field.
type SfParts<'a> = (Introducer, Option<&'a [u8]>, &'a [u8], &'a [u8]);

/// nom parser for the 8-byte introducer.
fn introducer(i: &[u8]) -> IResult<&[u8], Introducer> {
    let (i, (length, id, flags, reserved)) =
        (be_u16, take(3usize), nom_u8, take(2usize)).parse(i)?;
    Ok((
        i,
        (
            length,
            [id[0], id[1], id[2]],
            flags,
            [reserved[0], reserved[1]],
        ),
    ))
}

/// nom parser for the extension: length byte (counts itself) + data.
fn extension(i: &[u8]) -> IResult<&[u8], &[u8]> {
    let (i, n) = nom_u8(i)?;
    if n == 0 {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        )));
    }
    take(usize::from(n) - 1).parse(i)
}

/// Splits one structured field `sf` (starting at its length bytes, exactly
/// `length` bytes long) into its parts. `offset` is for error messages.
fn split_sf(sf: &[u8], offset: u64) -> Result<SfParts<'_>, AfpError> {
    let (rest, intro) = introducer(sf).map_err(|_| AfpError::Truncated {
        offset,
        needed: usize::from(MIN_LENGTH),
        available: sf.len(),
    })?;
    let flags = intro.2;
    let (body, ext) = if flags & FLAG_EXTENSION != 0 {
        let (body, ext) = extension(rest).map_err(|_| AfpError::BadExtension {
            offset,
            length: rest.first().copied().unwrap_or(0),
            available: rest.len(),
        })?;
        (body, Some(ext))
    } else {
        (rest, None)
    };
    let (data, padding) = if flags & FLAG_PADDING != 0 {
        let count = padding_count(body).ok_or(AfpError::BadPadding {
            offset,
            count: body.last().map_or(0, |&b| usize::from(b)),
            available: body.len(),
        })?;
        if count == 0 || count > body.len() {
            return Err(AfpError::BadPadding {
                offset,
                count,
                available: body.len(),
            });
        }
        body.split_at(body.len() - count)
    } else {
        (body, &body[body.len()..])
    };
    Ok((intro, ext, data, padding))
}

/// The padding count: the last byte when non-zero (1–255 bytes, counting
/// itself); when the last byte is X'00', the two bytes before it hold the
/// count (long padding, 256 bytes or more, counting all three bytes).
fn padding_count(body: &[u8]) -> Option<usize> {
    let (&last, _) = body.split_last()?;
    if last != 0 {
        return Some(usize::from(last));
    }
    if body.len() < 3 {
        return None;
    }
    Some(usize::from(be16(body, body.len() - 3)))
}

/// Iterator over the structured fields of an AFP byte slice.
///
/// Yields `Result<StructuredField, AfpError>`; after the first error it
/// yields nothing more. No allocation per field: every field borrows from
/// the input.
#[derive(Debug, Clone)]
pub struct StructuredFields<'a> {
    input: &'a [u8],
    pos: usize,
    framing: Framing,
    failed: bool,
}

impl<'a> StructuredFields<'a> {
    /// Reads `bytes`, detecting the framing with [`Framing::detect`].
    pub fn new(bytes: &'a [u8]) -> Self {
        Self::with_framing(bytes, Framing::detect(bytes))
    }

    /// Reads `bytes` with the given framing.
    pub fn with_framing(bytes: &'a [u8], framing: Framing) -> Self {
        StructuredFields {
            input: bytes,
            pos: 0,
            framing,
            failed: false,
        }
    }

    /// The framing in use.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    fn read_one(&self) -> Result<(StructuredField<'a>, usize), AfpError> {
        let rest = &self.input[self.pos..];
        let offset = self.pos as u64;
        let truncated = |needed: usize| AfpError::Truncated {
            offset,
            needed,
            available: rest.len(),
        };
        // `raw_len` counts the framing bytes; `sf` starts at the
        // structured-field length bytes.
        let (raw_len, sf, prefix) = match self.framing {
            Framing::CarriageControl => {
                if rest[0] != CARRIAGE_CONTROL {
                    return Err(AfpError::MissingCarriageControl {
                        offset,
                        found: rest[0],
                    });
                }
                (1, &rest[1..], None)
            }
            Framing::LengthPrefixed {
                carriage_control,
                prefix_counts_itself,
            } => {
                if rest.len() < 2 {
                    return Err(truncated(2));
                }
                let prefix = be16(rest, 0);
                let body = usize::from(prefix)
                    .checked_sub(if prefix_counts_itself { 2 } else { 0 })
                    .ok_or(AfpError::PrefixMismatch {
                        offset,
                        prefix,
                        length: 0,
                    })?;
                if rest.len() < 2 + body {
                    return Err(truncated(2 + body));
                }
                let record = &rest[2..2 + body];
                let sf = if carriage_control {
                    match record.first() {
                        Some(&CARRIAGE_CONTROL) => &record[1..],
                        Some(&found) => {
                            return Err(AfpError::MissingCarriageControl {
                                offset: offset + 2,
                                found,
                            });
                        }
                        None => return Err(truncated(3)),
                    }
                } else {
                    record
                };
                (2 + usize::from(carriage_control), sf, Some(prefix))
            }
        };
        if sf.len() < 2 {
            return Err(truncated(raw_len + 2));
        }
        let length = be16(sf, 0);
        if length < MIN_LENGTH {
            return Err(AfpError::LengthTooSmall { offset, length });
        }
        let length_us = usize::from(length);
        if let Some(prefix) = prefix {
            if sf.len() != length_us {
                return Err(AfpError::PrefixMismatch {
                    offset,
                    prefix,
                    length,
                });
            }
        } else if sf.len() < length_us {
            return Err(truncated(raw_len + length_us));
        }
        let sf = &sf[..length_us];
        let ((_, id, flags, reserved), extension, data, padding) = split_sf(sf, offset)?;
        let total = raw_len + length_us;
        Ok((
            StructuredField {
                offset,
                id,
                flags,
                reserved,
                extension,
                data,
                padding,
                raw: &rest[..total],
            },
            total,
        ))
    }
}

impl<'a> Iterator for StructuredFields<'a> {
    type Item = Result<StructuredField<'a>, AfpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.input.len() {
            return None;
        }
        match self.read_one() {
            Ok((field, used)) => {
                self.pos += used;
                Some(Ok(field))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

impl std::iter::FusedIterator for StructuredFields<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds one 5A-framed field.
    fn sf(id: [u8; 3], flags: u8, body: &[u8]) -> Vec<u8> {
        let len = u16::try_from(8 + body.len()).unwrap();
        let mut v = vec![CARRIAGE_CONTROL];
        v.extend_from_slice(&len.to_be_bytes());
        v.extend_from_slice(&id);
        v.push(flags);
        v.extend_from_slice(&[0, 7]);
        v.extend_from_slice(body);
        v
    }

    const NOP: [u8; 3] = [0xD3, 0xEE, 0xEE];

    #[test]
    fn plain_field() {
        let b = sf(NOP, 0, b"hello");
        let f: Vec<_> = StructuredFields::new(&b).collect::<Result<_, _>>().unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].name(), "NOP");
        assert_eq!(f[0].data, b"hello");
        assert_eq!(f[0].reserved, [0, 7]);
        assert_eq!(f[0].raw, &b[..]);
        assert_eq!(f[0].length(), 13);
        assert_eq!(f[0].sf_bytes(), &b[1..]);
        assert!(f[0].padding.is_empty() && f[0].extension.is_none());
    }

    #[test]
    fn extension_is_split_off() {
        // extension length 3 counts itself: 2 bytes of extension data
        let b = sf(NOP, FLAG_EXTENSION, b"\x03\xaa\xbbreal");
        let f = StructuredFields::new(&b).next().unwrap().unwrap();
        assert_eq!(f.extension, Some(&b"\xaa\xbb"[..]));
        assert_eq!(f.data, b"real");
        assert!(f.has_extension());
        assert_eq!(f.sf_bytes(), &b[1..]);
    }

    #[test]
    fn short_and_long_padding() {
        let b = sf(NOP, FLAG_PADDING, b"data\xff\xff\x03");
        let f = StructuredFields::new(&b).next().unwrap().unwrap();
        assert_eq!(f.data, b"data");
        assert_eq!(f.padding, b"\xff\xff\x03");
        assert_eq!(f.length(), 15);
        // long form: last byte X'00', count in the two bytes before it
        let b = sf(NOP, FLAG_PADDING, b"data\x00\x00\x04\x00");
        let f = StructuredFields::new(&b).next().unwrap().unwrap();
        assert_eq!(f.data, b"data");
        assert_eq!(f.padding, b"\x00\x00\x04\x00");
        assert_eq!(f.raw, &b[..]);
    }

    #[test]
    fn bad_padding_and_extension_are_errors() {
        let b = sf(NOP, FLAG_PADDING, b"ab\x09");
        let e = StructuredFields::new(&b).next().unwrap().unwrap_err();
        assert!(
            matches!(
                e,
                AfpError::BadPadding {
                    count: 9,
                    available: 3,
                    ..
                }
            ),
            "{e}"
        );
        let b = sf(NOP, FLAG_EXTENSION, b"\x09ab");
        let e = StructuredFields::new(&b).next().unwrap().unwrap_err();
        assert!(matches!(e, AfpError::BadExtension { length: 9, .. }), "{e}");
        let b = sf(NOP, FLAG_EXTENSION, b"\x00ab");
        let e = StructuredFields::new(&b).next().unwrap().unwrap_err();
        assert!(matches!(e, AfpError::BadExtension { length: 0, .. }), "{e}");
    }

    #[test]
    fn errors_name_offset_and_cause() {
        let mut b = sf(NOP, 0, b"x");
        b.extend_from_slice(&[0x5A, 0x00, 0x05, 0xD3]);
        let mut it = StructuredFields::new(&b);
        assert!(it.next().unwrap().is_ok());
        let e = it.next().unwrap().unwrap_err();
        assert_eq!(
            e.to_string(),
            "record at byte 10: length 5 below the minimum 8"
        );
        assert!(it.next().is_none(), "fused after an error");

        let mut b = sf(NOP, 0, b"");
        b.push(0x40);
        let e = StructuredFields::new(&b).nth(1).unwrap().unwrap_err();
        assert_eq!(e.to_string(), "missing X'5A' at byte 9 (found X'40')");

        let b = sf(NOP, 0, b"abcdef");
        let e = StructuredFields::new(&b[..10]).next().unwrap().unwrap_err();
        assert_eq!(
            e,
            AfpError::Truncated {
                offset: 0,
                needed: 15,
                available: 10
            }
        );
        let e = StructuredFields::new(&[0x5A, 0x00])
            .next()
            .unwrap()
            .unwrap_err();
        assert!(matches!(e, AfpError::Truncated { .. }));
    }

    #[test]
    fn unknown_ids_are_kept() {
        let b = sf([0xD3, 0x12, 0x34], 0, b"zz");
        let f = StructuredFields::new(&b).next().unwrap().unwrap();
        assert_eq!(f.name(), "unknown");
        assert_eq!(f.id_hex(), "D31234");
    }

    #[test]
    fn detects_all_prefix_variants() {
        let one = sf(NOP, 0, b"abc");
        let two = sf([0xD3, 0xA8, 0xA8], 0, b"");
        for carriage_control in [true, false] {
            for prefix_counts_itself in [true, false] {
                let mut b = Vec::new();
                for rec in [&one, &two] {
                    let body = if carriage_control {
                        &rec[..]
                    } else {
                        &rec[1..]
                    };
                    let n = body.len() + if prefix_counts_itself { 2 } else { 0 };
                    b.extend_from_slice(&u16::try_from(n).unwrap().to_be_bytes());
                    b.extend_from_slice(body);
                }
                let framing = Framing::LengthPrefixed {
                    carriage_control,
                    prefix_counts_itself,
                };
                assert_eq!(Framing::detect(&b), framing);
                let f: Vec<_> = StructuredFields::new(&b).collect::<Result<_, _>>().unwrap();
                assert_eq!(f.len(), 2);
                assert_eq!(f[0].data, b"abc");
                assert_eq!(f[1].name(), "BDT");
                assert_eq!(f[1].offset as usize, f[0].raw.len());
                assert_eq!(f[0].sf_bytes(), &one[1..]);
                let joined: Vec<u8> = f.iter().flat_map(|f| f.raw.iter().copied()).collect();
                assert_eq!(joined, b);
            }
        }
    }

    #[test]
    fn prefix_mismatch_is_an_error() {
        let rec = sf(NOP, 0, b"abc");
        let mut b = Vec::new();
        b.extend_from_slice(&u16::try_from(rec.len()).unwrap().to_be_bytes());
        b.extend_from_slice(&rec);
        // second record: prefix says 13 (5A + 12) but the field says 11
        b.extend_from_slice(&13u16.to_be_bytes());
        b.extend_from_slice(&rec);
        b.push(0);
        let mut it = StructuredFields::new(&b);
        assert!(it.next().unwrap().is_ok());
        let e = it.next().unwrap().unwrap_err();
        assert_eq!(
            e,
            AfpError::PrefixMismatch {
                offset: 14,
                prefix: 13,
                length: 11
            }
        );
    }

    #[test]
    fn undetectable_start_reports_missing_5a() {
        assert_eq!(
            Framing::detect(b"\x40\x40\x40\x40\x40\x40"),
            Framing::CarriageControl
        );
        let e = StructuredFields::new(b"\x40\x40")
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(e.to_string(), "missing X'5A' at byte 0 (found X'40')");
        assert!(StructuredFields::new(b"").next().is_none());
    }
}

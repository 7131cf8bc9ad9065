//! The error type of this crate.

use thiserror::Error;

/// Everything that can go wrong while reading AFP bytes.
///
/// Every variant names the byte offset (from the start of the input given to
/// the reader) where the problem was found.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AfpError {
    /// A record does not start with the X'5A' carriage-control byte.
    #[error("missing X'5A' at byte {offset} (found X'{found:02X}')")]
    MissingCarriageControl {
        /// Byte offset of the record.
        offset: u64,
        /// The byte found instead of X'5A'.
        found: u8,
    },
    /// The structured-field length is below the 8 bytes of the introducer.
    #[error("record at byte {offset}: length {length} below the minimum 8")]
    LengthTooSmall {
        /// Byte offset of the record.
        offset: u64,
        /// The length read from the record.
        length: u16,
    },
    /// The input ends inside a record.
    #[error("record at byte {offset}: needs {needed} bytes but only {available} remain")]
    Truncated {
        /// Byte offset of the record.
        offset: u64,
        /// Bytes the record says it has (including framing).
        needed: usize,
        /// Bytes left in the input from `offset`.
        available: usize,
    },
    /// The extension flag is set but the extension length byte is 0 or does
    /// not fit into the field.
    #[error(
        "record at byte {offset}: extension length {length} does not fit into {available} bytes"
    )]
    BadExtension {
        /// Byte offset of the record.
        offset: u64,
        /// The extension length byte (counts itself).
        length: u8,
        /// Bytes available after the introducer.
        available: usize,
    },
    /// The padding flag is set but the padding count is 0 or larger than the
    /// data.
    #[error(
        "record at byte {offset}: padding count {count} does not fit into {available} bytes of data"
    )]
    BadPadding {
        /// Byte offset of the record.
        offset: u64,
        /// The padding count read from the end of the data.
        count: usize,
        /// Bytes of data (after introducer and extension).
        available: usize,
    },
    /// In a length-prefixed file, the record prefix disagrees with the
    /// structured-field length inside the record.
    #[error(
        "record at byte {offset}: record length prefix {prefix} does not match the structured field length {length}"
    )]
    PrefixMismatch {
        /// Byte offset of the record (of its prefix).
        offset: u64,
        /// The record length prefix.
        prefix: u16,
        /// The structured-field length inside the record.
        length: u16,
    },
    /// A triplet is malformed (length below 2 or past the end of the data).
    #[error(
        "triplet at byte {offset} of the field data: length {length} does not fit into {available} bytes"
    )]
    BadTriplet {
        /// Byte offset inside the data the triplets were read from.
        offset: usize,
        /// The triplet length byte.
        length: u8,
        /// Bytes left from `offset`.
        available: usize,
    },
    /// A PTOCA control sequence is malformed.
    #[error("control sequence at byte {offset} of the PTX data: {what}")]
    BadControlSequence {
        /// Byte offset inside the PTX data.
        offset: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// A field the resource inventory reads (IPS, MCF, MPS, …) is too short
    /// or its repeating groups or triplets are malformed.
    #[error("{field} at byte {offset}: {what}")]
    BadResourceField {
        /// Byte offset of the structured field.
        offset: u64,
        /// The field's acronym.
        field: &'static str,
        /// What is wrong.
        what: String,
    },
    /// A Begin/End pair of a resource does not match: an End without its
    /// Begin, an End closing another kind of object, or a Begin never closed.
    #[error("unbalanced resource at byte {offset}: {what}")]
    UnbalancedResource {
        /// Byte offset of the offending structured field.
        offset: u64,
        /// What is wrong.
        what: String,
    },
    /// A bar code field (BDD, BDA) is too short or holds a value this crate
    /// cannot represent.
    #[error("{field} data at byte {offset}: {what}")]
    BadBarCodeField {
        /// The field's acronym.
        field: &'static str,
        /// Byte offset inside the field's data.
        offset: usize,
        /// What is wrong.
        what: String,
    },
    /// Input given to a bar code object builder cannot be encoded (a bad
    /// object name character, too much data for the symbol).
    #[error("bar code {input} at byte {offset}: {what}")]
    BadBarCodeInput {
        /// Which input (`"name"`, `"data"`).
        input: &'static str,
        /// Byte offset inside that input.
        offset: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// A Begin field is not closed by the End of its category, an End has
    /// no Begin, or a Begin stands where it may not (a page inside a page).
    #[error("unbalanced structure at byte {offset}: {what}")]
    Unbalanced {
        /// Byte offset of the offending structured field.
        offset: u64,
        /// What is wrong.
        what: String,
    },
    /// A structured field the structure index reads (TLE, IMM, PGD, an
    /// include, a Begin with triplets) is too short or malformed.
    #[error("{field} at byte {offset}: {what}")]
    BadField {
        /// Byte offset of the structured field.
        offset: u64,
        /// The field's acronym.
        field: &'static str,
        /// What is wrong.
        what: String,
    },
    /// Text is in a code page Tandem has no table for.
    #[error(
        "field at byte {offset}: code page {cpgid} is not supported (supported: 500, 273, 1141, 819)"
    )]
    UnsupportedCodePage {
        /// Byte offset of the field naming the code page.
        offset: u64,
        /// The code page global id.
        cpgid: u16,
    },
    /// Segmented data does not continue in a field of the same identifier,
    /// or the input ends before the last segment.
    #[error("segmented field at byte {offset}: {what}")]
    Segments {
        /// Byte offset of the offending field.
        offset: u64,
        /// What is wrong.
        what: String,
    },
}

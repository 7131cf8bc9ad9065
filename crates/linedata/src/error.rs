//! Errors.

use std::path::PathBuf;

/// Everything that can go wrong with a listing, its layout or its options.
/// Record errors carry the record number (1-based) and the byte offset in
/// the input of the byte at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LineDataError {
    /// A record's length runs past the end of the data (also a short last
    /// fixed-length record or a partial RDW). `offset` is the record's start.
    #[error(
        "record {record} at byte {offset}: length {length} runs past the end of the data ({available} bytes left)"
    )]
    LengthPastEnd {
        /// Record number, 1-based.
        record: u64,
        /// Byte offset of the record's start.
        offset: u64,
        /// The length the record needs.
        length: u64,
        /// Bytes left from `offset`.
        available: u64,
    },
    /// A record descriptor word that cannot be right. `offset` is the RDW's.
    #[error("record {record} at byte {offset}: bad record descriptor word: {reason}")]
    BadRdw {
        /// Record number, 1-based.
        record: u64,
        /// Byte offset of the RDW.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// A carriage control byte that is neither ASA nor machine code (as
    /// configured). `offset` is the control byte's.
    #[error("record {record} at byte {offset}: unknown carriage control byte X'{byte:02X}'")]
    UnknownControl {
        /// Record number, 1-based.
        record: u64,
        /// Byte offset of the control byte.
        offset: u64,
        /// The byte.
        byte: u8,
    },
    /// A skip to a channel the page layout does not map. `offset` is the
    /// control byte's.
    #[error(
        "record {record} at byte {offset}: skip to channel {channel}, which the page layout does not define"
    )]
    ChannelNotInLayout {
        /// Record number, 1-based.
        record: u64,
        /// Byte offset of the control byte.
        offset: u64,
        /// The channel, 1–12.
        channel: u8,
    },
    /// A table reference character that selects no font. `offset` is the TRC's.
    #[error(
        "record {record} at byte {offset}: table reference character X'{trc:02X}' selects none of the layout's {fonts} fonts"
    )]
    TrcNotInLayout {
        /// Record number, 1-based.
        record: u64,
        /// Byte offset of the TRC.
        offset: u64,
        /// The TRC byte.
        trc: u8,
        /// Number of fonts in the layout.
        fonts: usize,
    },
    /// An empty record where a machine control byte is needed. `offset` is
    /// the record's start.
    #[error("record {record} at byte {offset}: empty record has no carriage control byte")]
    EmptyRecord {
        /// Record number, 1-based.
        record: u64,
        /// Byte offset of the record's start.
        offset: u64,
    },
    /// A record starting X'5A' whose structured field length does not fit.
    /// `offset` is the X'5A''s.
    #[error("record {record} at byte {offset}: bad structured field: {reason}")]
    BadStructuredField {
        /// Record number, 1-based.
        record: u64,
        /// Byte offset of the X'5A'.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// The page layout is invalid; `key` names the offending TOML key.
    #[error("page layout: `{key}`: {message}")]
    Layout {
        /// Dotted TOML key.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// The line-data options are invalid; `key` names the offending key.
    #[error("line data options: `{key}`: {message}")]
    Options {
        /// Dotted key.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// The listing prints nothing, so there is no page to write.
    #[error("the listing prints no line, so there is no page")]
    NoPages,
    /// A file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Writing the PDF failed.
    #[error("writing the PDF: {0}")]
    Write(#[source] std::io::Error),
}

impl LineDataError {
    /// Record number and byte offset, for errors about one record.
    pub fn record_position(&self) -> Option<(u64, u64)> {
        use LineDataError::*;
        match *self {
            LengthPastEnd { record, offset, .. }
            | BadRdw { record, offset, .. }
            | UnknownControl { record, offset, .. }
            | ChannelNotInLayout { record, offset, .. }
            | TrcNotInLayout { record, offset, .. }
            | EmptyRecord { record, offset }
            | BadStructuredField { record, offset, .. } => Some((record, offset)),
            _ => None,
        }
    }
}

use std::path::PathBuf;

/// Everything that can be wrong with a job ticket, its index or its pieces.
///
/// Each variant names the place: the field, the index line, or the piece id.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TicketError {
    /// The ticket file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file that could not be read.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The ticket is not valid TOML for this schema (unknown key, wrong type, ...).
    #[error("job ticket{}: {message}", path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    Syntax {
        /// The ticket file, when it came from one.
        path: Option<PathBuf>,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A field holds a value the ticket does not allow.
    #[error("job ticket field `{field}`: {reason}")]
    InvalidField {
        /// Dotted path of the field, e.g. `paper.grammage_gsm`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A line of the index CSV is malformed.
    #[error("index {}, line {line}: {reason}", path.display())]
    IndexLine {
        /// The index file.
        path: PathBuf,
        /// 1-based line number in the file.
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// Two pieces carry the same id.
    #[error("piece id {piece_id} appears twice (pieces {first} and {second}, 1-based)")]
    DuplicatePiece {
        /// The id used twice.
        piece_id: String,
        /// Position of the first piece with this id.
        first: usize,
        /// Position of the second piece with this id.
        second: usize,
    },
    /// A piece points past the last page of the print data.
    #[error(
        "piece {piece_id}: pages {first_page}-{last_page} but the print data has {total_pages} pages"
    )]
    PastEnd {
        /// The piece.
        piece_id: String,
        /// Its first page, 1-based.
        first_page: u64,
        /// Its last page, 1-based.
        last_page: u64,
        /// Pages in the print data.
        total_pages: u64,
    },
    /// Two pieces claim the same page.
    #[error(
        "piece {piece_id} starts at page {first_page}, inside piece {previous} (which ends at page {previous_last})"
    )]
    Overlap {
        /// The later piece.
        piece_id: String,
        /// Its first page.
        first_page: u64,
        /// The earlier piece it overlaps.
        previous: String,
        /// Last page of the earlier piece.
        previous_last: u64,
    },
    /// Pages that belong to no piece.
    #[error("pages {first}-{last} belong to no piece")]
    MissingPages {
        /// First page not covered, 1-based.
        first: u64,
        /// Last page not covered, 1-based.
        last: u64,
    },
}

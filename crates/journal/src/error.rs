use std::path::PathBuf;

/// Why a journal operation failed. Messages carry ids, files and line
/// numbers, never personal data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// The database could not be opened, read or written.
    #[error("journal {path}: {source}")]
    Db {
        /// The journal file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A state change the life cycle does not allow.
    #[error("job {job}, piece {piece}: cannot go from {from} to {to}")]
    Transition {
        /// Root job id.
        job: String,
        /// Piece id.
        piece: String,
        /// Current state (`none` before the first event).
        from: String,
        /// Requested state.
        to: String,
    },
    /// The job is not in the journal.
    #[error("job {0} is not in the journal")]
    UnknownJob(String),
    /// A results file belongs to another job and is refused.
    #[error(
        "{file}:{line}: results for job {found}, but this reconciliation is for job {expected}; the file is refused"
    )]
    OtherJob {
        /// The results file.
        file: String,
        /// The first line naming the other job.
        line: usize,
        /// The job id in the file.
        found: String,
        /// The job being reconciled.
        expected: String,
    },
    /// No results file had a single readable record.
    #[error("no readable results record in {0}")]
    NoRecords(String),
    /// The results or control layout is missing or unusable.
    #[error("layout: {0}")]
    Layout(String),
    /// There is nothing to reprint.
    #[error("job {0}: no piece is diverted, damaged or missing; nothing to reprint")]
    NothingToReprint(String),
    /// The reprint exceeds the profile's ceiling.
    #[error(
        "job {job}: reprinting {pieces} of {total} pieces ({percent:.2} %) exceeds the ceiling of {ceiling} %; use --force to reprint anyway"
    )]
    Ceiling {
        /// Root job id.
        job: String,
        /// Pieces to reprint.
        pieces: usize,
        /// Pieces in the job.
        total: usize,
        /// Their percentage.
        percent: f64,
        /// The profile's ceiling.
        ceiling: f64,
    },
    /// A value stored in the journal is not what this version expects.
    #[error("journal {path}: {reason}")]
    Corrupt {
        /// The journal file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A control record does not fit its fixed-length field.
    #[error(
        "control file: job {job}, piece {piece}: field {field} is longer than {width} characters"
    )]
    FieldTooLong {
        /// Job id.
        job: String,
        /// Piece id.
        piece: String,
        /// Field name.
        field: &'static str,
        /// Its width.
        width: usize,
    },
}

use std::path::PathBuf;

/// Why a pipeline stopped. Each variant says where: the file, the piece, the key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    /// The job ticket or its index is wrong.
    #[error(transparent)]
    Ticket(#[from] tandem_ticket::TicketError),
    /// The partner profile is wrong.
    #[error(transparent)]
    Profile(#[from] tandem_profile::ProfileError),
    /// A print file cannot be read, or output cannot be written.
    #[error(transparent)]
    Pdf(#[from] tandem_pdf::PdfError),
    /// A line-data listing cannot be laid out.
    #[error(transparent)]
    LineData(#[from] tandem_linedata::LineDataError),
    /// An AFP print file cannot be read.
    #[error("{path}: {source}")]
    Afp {
        /// The print file.
        path: PathBuf,
        /// What the reader said (with the byte offset).
        source: tandem_afp::AfpError,
    },
    /// An AFP file cannot be cut into page groups, or its groups not
    /// written as the plan says.
    #[error("{path}: {source}")]
    AfpEdit {
        /// The print file or output file.
        path: PathBuf,
        /// What the editor said.
        source: tandem_afp::EditError,
    },
    /// The plan cannot be made.
    #[error(transparent)]
    Plan(#[from] tandem_plan::PlanError),
    /// A mark cannot be encoded.
    #[error("piece {piece_id}, sheet {sheet}: {source}")]
    Mark {
        /// The piece.
        piece_id: String,
        /// The sheet within the piece, 1-based.
        sheet: u32,
        /// What the encoder said.
        source: tandem_marks::MarkError,
    },
    /// The job cannot run at the partner as it is.
    #[error("the partner cannot run this job: {0}")]
    Incompatible(String),
    /// A print file does not have the hash the ticket states.
    #[error("{path}: SHA-256 is {actual}, the job ticket says {expected}")]
    HashMismatch {
        /// The print file.
        path: PathBuf,
        /// The hash in the ticket.
        expected: String,
        /// The hash of the file.
        actual: String,
    },
    /// The output directory exists already; Tandem never overwrites output.
    #[error("output directory {0} exists already; choose another or remove it")]
    OutputExists(PathBuf),
    /// Jobs and centres cannot be balanced: the planner refused its input
    /// (a centre given twice, downtime of an unknown centre, a bad rate).
    #[error("cannot plan the centres' load: {0}")]
    Balance(String),
    /// The production journal refused or failed (closed loop).
    #[error(transparent)]
    Journal(#[from] tandem_journal::JournalError),
    /// A file system operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

impl CoreError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| CoreError::Io { path, source }
    }
}

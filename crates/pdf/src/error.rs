use std::path::PathBuf;

/// Why a PDF could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// The file could not be opened or mapped.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file ends before its trailer: a transfer was cut short.
    #[error("{path} is truncated: {reason} (file is {len} bytes)")]
    Truncated {
        /// The file.
        path: PathBuf,
        /// What is missing at the end.
        reason: &'static str,
        /// Its length in bytes.
        len: u64,
    },
    /// The file is encrypted; production data must arrive unencrypted.
    #[error("{path} is encrypted; decrypt it before production")]
    Encrypted {
        /// The file.
        path: PathBuf,
    },
    /// The file is not a PDF this reader understands.
    #[error("{path} is not a readable PDF: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A page index past the end of the document was asked for.
    #[error("{path}: page {page} asked for, but the document has {count} pages")]
    PageOutOfRange {
        /// The file.
        path: PathBuf,
        /// The page asked for, 1-based.
        page: usize,
        /// Pages in the document.
        count: usize,
    },
    /// Writing the output failed.
    #[error("writing PDF output: {0}")]
    Write(#[from] std::io::Error),
}

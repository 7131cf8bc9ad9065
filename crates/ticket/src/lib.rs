//! The Tandem job ticket: what a print-and-mail job is, independent of the
//! centre that produces it.
//!
//! A [`JobTicket`] names the print files, how they divide into documents
//! ([`Delimiting`]), the paper and plex, where the address field sits, and what
//! the origin centre wished for inserts and postage. The [`MailPiece`]s of a job
//! come from an index CSV ([`read_index`]) or a fixed page count
//! ([`pieces_by_page_count`]) and are checked against the print data with
//! [`validate_pieces`].
//!
//! ```
//! use tandem_ticket::{JobTicket, Delimiting};
//!
//! let ticket = JobTicket::from_toml_str(r#"
//!     id = "T2026-0001"
//!     origin_centre = "nord"
//!     document_class = "tax-notice"
//!     deadline = "2026-12-01T18:00:00Z"
//!     [[print_files]]
//!     path = "letters.pdf"
//!     [documents]
//!     fixed_page_count = 2
//! "#)?;
//! assert_eq!(ticket.documents, Delimiting::FixedPageCount { fixed_page_count: 2 });
//! let pieces = tandem_ticket::pieces_by_page_count(&ticket.id, 6, 2)?;
//! assert_eq!(pieces.len(), 3);
//! assert_eq!(pieces[2].first_page, 5);
//! # Ok::<(), tandem_ticket::TicketError>(())
//! ```

mod error;
mod index;
mod piece;
mod ticket;
mod time;

pub use error::TicketError;
pub use index::{read_index, read_index_file};
pub use piece::{MailPiece, pieces_by_page_count, validate_pieces};
pub use ticket::{
    AfpPageGroups, DataFormat, Delimiting, DocumentClass, JobTicket, Millimetres, Paper, PaperSize,
    Plex, PostalProduct, PrintFile, Rect,
};
pub use time::{civil_from_days, format_rfc3339, parse_rfc3339};

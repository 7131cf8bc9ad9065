//! Mainframe line data for Tandem: record framing (RDW, fixed, newline),
//! ASA and machine carriage control, table reference characters, EBCDIC
//! (code pages 500, 273, 1141) and Latin-1 text, a TOML page layout in the
//! role of a page definition, pagination, splitting into documents, and PDF
//! rendering with the standard Courier fonts.
//!
//! ```
//! use tandem_linedata::{
//!     CarriageControl, Encoding, LineDataFormat, LineDataOptions, PageLayout, Paginator, render_pdf,
//! };
//!
//! let layout = PageLayout::from_toml_str(
//!     "lines_per_page = 60\n[channels]\n1 = 3\n[[fonts]]\nsize_pt = 10\n",
//! )?;
//! let options = LineDataOptions::new(LineDataFormat::Newline, CarriageControl::Asa, Encoding::Latin1);
//! let listing = b"1Amtsgericht Musterstadt\n0Az. 12 C 345/24\n+Az.\n1Zweiter Brief\n";
//!
//! let pages: Vec<_> = Paginator::new(listing, &options, &layout)?.collect::<Result<_, _>>()?;
//! assert_eq!(pages.len(), 2);
//! assert_eq!((pages[0].lines[1].line, pages[0].lines[1].text.as_str()), (5, "Az. 12 C 345/24"));
//! assert!(pages[0].lines[2].overprint);
//!
//! let mut pdf = Vec::new();
//! let rendered = render_pdf(listing, &options, &layout, "GER-", &mut pdf)?;
//! assert_eq!(rendered.pieces.len(), 2);
//! assert_eq!(rendered.pieces[1].piece_id, "GER-000002");
//! # Ok::<(), tandem_linedata::LineDataError>(())
//! ```
//!
//! Pagination rules (see [`Paginator`]): the listing starts above line 1;
//! ASA controls move before printing, machine codes after (or instead of)
//! it; spacing past [`PageLayout::lines_per_page`] starts a new page at line
//! 1; a skip to a channel whose line is below the current one stays on the
//! page (also onto the current line if nothing is printed there yet),
//! otherwise it starts a new page at that line. A page is produced only if
//! something (even an empty record) is printed on it.

mod control;
mod document;
mod error;
mod layout;
mod options;
mod paginate;
mod pdf;
mod record;

pub use control::{Action, CarriageControl, asa_action, machine_action};
pub use document::{Document, DocumentSplitter, DocumentTrigger, FieldPosition, split_documents};
pub use error::LineDataError;
pub use layout::{FontFace, FontSpec, MAX_FONTS, MAX_LINES_PER_PAGE, PageLayout};
pub use options::LineDataOptions;
pub use paginate::{Line, Page, PageStart, Paginator, StructuredField};
pub use pdf::{RenderedListing, render_pdf};
pub use record::{LineDataFormat, Record, RecordReader};
pub use tandem_codepage::Encoding;
pub use tandem_ticket::MailPiece;

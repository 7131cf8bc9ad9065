//! Inserter control marks for Tandem.
//!
//! A partner centre's inserting machines are driven by marks printed on each
//! sheet: an OMR code ([`OmrScheme`]) near the left edge of the front page and
//! optionally a DataMatrix ECC200 code ([`DataMatrixMark`]) identifying job,
//! mail piece and sheet. This crate turns per-sheet control data
//! ([`SheetControl`]) into mark geometry — rectangles in millimetres measured
//! from the page's top-left corner, `x` to the right, `y` downwards — that a
//! PDF writer can fill in black.
//!
//! ```
//! use tandem_marks::{DataMatrixMark, OmrScheme, SheetControl};
//!
//! let sheet = SheetControl {
//!     job_id: "JOB123.1",
//!     piece_id: "P000042",
//!     sequence: 9,
//!     sheet: 2,
//!     sheets: 2,
//! };
//!
//! let omr = OmrScheme::standard();
//! omr.validate()?;
//! let bars = omr.bars(&sheet);
//! assert!(bars.iter().all(|bar| omr.zone().contains(bar)));
//! let decoded = omr.decode(&omr.encode(&sheet))?;
//! assert!(decoded.end_of_set);
//! assert_eq!(decoded.sequence_mod8, Some(1));
//!
//! let dm = DataMatrixMark {
//!     x_mm: 190.0,
//!     y_mm: 10.0,
//!     module_mm: 0.5,
//!     template: tandem_marks::DEFAULT_TEMPLATE.to_owned(),
//! };
//! dm.validate()?;
//! let payload = dm.payload(&sheet);
//! assert_eq!(payload, "JOB123.1|P000042|2/2");
//! let symbol = dm.encode(&payload)?;
//! let squares = dm.rects(&symbol);
//! assert!(squares.iter().all(|r| dm.zone(&symbol).contains(r)));
//! # Ok::<(), tandem_marks::MarkError>(())
//! ```

pub mod data_matrix;
pub mod error;
pub mod geometry;
pub mod omr;

pub use data_matrix::{DEFAULT_TEMPLATE, DataMatrixMark, DataMatrixSymbol, QUIET_ZONE_MODULES};
pub use error::MarkError;
pub use geometry::{MarkRect, SheetControl};
pub use omr::{DecodedOmr, OmrFunction, OmrScheme, Parity};

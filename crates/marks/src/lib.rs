//! Inserter control marks for Tandem.
//!
//! A partner centre's inserting machines are driven by marks printed on each
//! sheet. This crate turns per-sheet control data ([`SheetControl`]: job,
//! piece, sheet n of m, sequence, selective feeders, divert) into mark
//! geometry — rectangles in millimetres measured from the page's top-left
//! corner, `x` to the right, `y` downwards — that a PDF writer can fill in
//! black. The adapters:
//!
//! * [`OmrScheme`]: OMR bars near the left edge of the front page, with the
//!   track functions of the Pitney Bowes and Quadient families
//!   ([`OmrFunction`]: benchmark, begin/end of set and their negative-logic
//!   forms, parity, 3-bit wrap-around sequence, selective feed 1–6, divert,
//!   safety) and their limits ([`OmrFamily`], presets
//!   [`OmrScheme::pitney_bowes`] and [`OmrScheme::quadient`]);
//! * [`LinearBarcode`]: Code 39, Interleaved 2 of 5 and Code 128 ([`Symbology`]);
//! * [`DataMatrixMark`]: a DataMatrix ECC200 code with a payload
//!   [`template`] (`{job}`, `{piece}`, `{sheet}`, `{sheets}`/`{set_size}`,
//!   `{sequence}`, `{feeders}`, `{divert}`).
//!
//! [`InserterCode`] wraps one of the three, as configured in a profile, and
//! draws it as [`MarkGeometry`].
//!
//! ```
//! use tandem_marks::{DataMatrixMark, InserterCode, LinearBarcode, MarkGeometry, OmrScheme, SheetControl, Symbology};
//!
//! let sheet = SheetControl::new("JOB123.1", "P000042", 9, 2, 2).with_feeders(0b01);
//!
//! let omr = OmrScheme::standard();
//! omr.validate()?;
//! let bars = omr.bars(&sheet);
//! assert!(bars.iter().all(|bar| omr.zone().contains(bar)));
//! let decoded = omr.decode(&omr.encode(&sheet))?;
//! assert!(decoded.end_of_set);
//! assert_eq!(decoded.sequence_mod8, Some(1));
//!
//! // The Pitney Bowes preset has a selective-feed-1 track; the standard
//! // scheme has none, so drawing it for this sheet is refused.
//! let pb = InserterCode::Omr(OmrScheme::pitney_bowes());
//! pb.validate()?;
//! assert!(!pb.draw(&sheet)?.is_empty());
//! assert!(InserterCode::Omr(omr).draw(&sheet).is_err());
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
//!
//! let code128 = LinearBarcode {
//!     symbology: Symbology::Code128,
//!     x_mm: 20.0,
//!     y_mm: 280.0,
//!     narrow_mm: 0.3,
//!     wide_ratio: 2.5,
//!     height_mm: 8.0,
//!     check_digit: false,
//!     template: "{job}|{piece}".to_owned(),
//! };
//! code128.validate()?;
//! let bars = code128.draw(&sheet)?;
//! assert!(bars.windows(2).all(|w| w[0].right() < w[1].x));
//! # Ok::<(), tandem_marks::MarkError>(())
//! ```

pub mod code;
pub mod data_matrix;
pub mod error;
pub mod geometry;
pub mod linear;
pub mod omr;
pub mod template;

pub use code::{InserterCode, MarkGeometry};
pub use data_matrix::{DEFAULT_TEMPLATE, DataMatrixMark, DataMatrixSymbol, QUIET_ZONE_MODULES};
pub use error::MarkError;
pub use geometry::{MarkRect, SheetControl};
pub use linear::{
    DEFAULT_LINEAR_TEMPLATE, LinearBarcode, MIN_HEIGHT_MM, MIN_NARROW_MM, QUIET_ZONE_NARROW,
    Symbology, code128_codewords,
};
pub use omr::{DecodedOmr, OmrFamily, OmrFunction, OmrScheme, Parity};

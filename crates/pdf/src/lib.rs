//! PDF input and output for Tandem.
//!
//! [`PdfInput`] opens a print file memory-mapped and lazily: pages are only
//! parsed when they are imported, so 100,000-page jobs open in milliseconds.
//! [`PdfInput::import`] turns source pages into Form XObjects (MediaBox,
//! CropBox and /Rotate applied) that a new page can draw, and [`PdfWriter`]
//! streams the output file object by object, so memory stays flat however
//! long the job is.
//!
//! ```no_run
//! use tandem_pdf::{PdfInput, PdfWriter};
//!
//! let input = PdfInput::open("letters.pdf".as_ref())?;
//! let mut writer = PdfWriter::new(std::fs::File::create("out.pdf")?)?;
//! let imported = input.import(&[0, 1], &mut writer.allocator())?;
//! writer.write_chunk(&imported.chunk)?;
//! for form in &imported.pages {
//!     let content = format!("q /P Do Q").into_bytes();
//!     writer.add_page(form.width, form.height, &[(b"P".as_slice(), form.form)], &content)?;
//! }
//! writer.finish()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod import;
mod ink;
mod input;
mod standard_widths;
mod writer;

pub use error::PdfError;
pub use import::PageImporter;
pub use ink::{InkArea, InkKind};
pub use input::{ImportedPage, ImportedPages, PdfInput};
pub use pdf_writer::{Chunk, Ref};
pub use writer::{PdfWriter, RefAllocator};

/// PDF points per millimetre (1 pt = 1/72 inch).
pub const POINTS_PER_MM: f64 = 72.0 / 25.4;

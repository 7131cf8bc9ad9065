//! AFP (MO:DCA) for Tandem: read, index, check and edit print files.
//!
//! An AFP file is a sequence of *structured fields*, each introduced by the
//! carriage-control byte X'5A', a 2-byte length, a 3-byte identifier, a flag
//! byte and two reserved bytes. [`StructuredFields`] walks them over a byte
//! slice without copying or allocating per field; each [`StructuredField`]
//! borrows its parts from the input and keeps the exact record bytes in
//! [`StructuredField::raw`], so concatenating `raw` reproduces the input.
//! Files from mainframe transfers, where each record carries a 2-byte length
//! prefix instead of (or in front of) X'5A', are detected ([`Framing`]).
//!
//! On top of the reader:
//! - [`AfpIndex`] indexes the structure in one pass: documents, named page
//!   groups (one per mail piece in production), pages with their sizes,
//!   TLEs decoded from their code page (500, 273, 1141; others are an
//!   error naming them), IMMs, includes and NOPs, with Begin/End balance
//!   checked; [`AfpFile`] maps a file so the index is all that is kept.
//! - [`Triplets`], [`TagLogicalElement`], [`ControlSequences`] (PTOCA, with
//!   text runs) and [`BarCodeDescriptor`]/[`BarCodeData`] (BCOCA) decode
//!   field contents; [`validate`] runs every decoder over a file.
//! - [`ResourceInventory`] lists the resources a file references and the
//!   ones it carries inline (with a SHA-256 each); [`bundle_hash`] hashes
//!   the matching file of a centre's resource library for comparison.
//! - [`AfpWriter`] copies input records byte for byte and frames new
//!   fields like the input's; [`PageMarks`] builds what a redirect adds to
//!   a page (white-out and OMR bars as PTOCA rules, a Data Matrix as a
//!   BCOCA object); [`GroupedDocument`] and [`DocumentWriter`] write new
//!   documents from an input's page groups — presorted, cut into runs,
//!   pages reordered within a group, blank backs added.
//!
//! ```
//! use tandem_afp::StructuredFields;
//!
//! // BDT with no data, then EDT: 5A, length, D3 A8 A8, flags, reserved
//! let bytes = [
//!     0x5A, 0x00, 0x08, 0xD3, 0xA8, 0xA8, 0x00, 0x00, 0x00,
//!     0x5A, 0x00, 0x08, 0xD3, 0xA9, 0xA8, 0x00, 0x00, 0x00,
//! ];
//! let names: Vec<&str> = StructuredFields::new(&bytes)
//!     .map(|f| f.map(|f| f.name()))
//!     .collect::<Result<_, _>>()?;
//! assert_eq!(names, ["BDT", "EDT"]);
//! # Ok::<(), tandem_afp::AfpError>(())
//! ```

mod bcoca;
mod edit;
mod error;
mod ink;
mod input;
mod names;
mod ptoca;
mod reader;
mod resources;
mod segments;
mod structure;
mod triplet;
mod validate;
mod writer;

pub use bcoca::{
    BDA_FLAG_NO_HRI, BDA_FLAG_SUPPRESS_SYMBOL, BarCodeData, BarCodeDescriptor,
    DM_CONTROL_EBCDIC_TO_ASCII, DM_CONTROL_NO_ESCAPES, DataMatrixParameters, SYMBOLOGY_CODABAR,
    SYMBOLOGY_CODE39, SYMBOLOGY_CODE128, SYMBOLOGY_DATA_MATRIX, SYMBOLOGY_EAN8, SYMBOLOGY_EAN13,
    SYMBOLOGY_INTERLEAVED_2OF5, SYMBOLOGY_MAXICODE, SYMBOLOGY_MSI, SYMBOLOGY_PDF417,
    SYMBOLOGY_POSTNET, SYMBOLOGY_QR_CODE, SYMBOLOGY_RM4SCC, SYMBOLOGY_UPC_A, SYMBOLOGY_UPC_E,
    SYMBOLOGY_USPS_FOUR_STATE, data_matrix_object, data_matrix_square_size,
};
pub use edit::{DocumentWriter, EditError, GroupPage, GroupedDocument};
pub use error::AfpError;
pub use ink::{InkKind, InkMark, TEXT_HEIGHT_MM, page_ink};
pub use input::AfpFile;
pub use names::sf_name;
pub use ptoca::{ControlSequence, ControlSequences, PTOCA_ESCAPE, PtocaBuilder, function_name};
pub use reader::{
    CARRIAGE_CONTROL, FLAG_EXTENSION, FLAG_PADDING, FLAG_SEGMENTED, Framing, MIN_LENGTH,
    StructuredField, StructuredFields,
};
pub use resources::{InlineResource, ResourceInventory, ResourceKind, ResourceRef, bundle_hash};
pub use segments::{AssembledField, AssembledFields};
pub use structure::{
    AfpIndex, Document, Include, IncludeKind, IndexOptions, MediumMapInvocation, Page,
    PageGeometry, PageGroup, TextUnits, Tle, TleScope,
};
pub use tandem_codepage::Encoding;
pub use triplet::{
    FQN_ATTRIBUTE_NAME, TRIPLET_ATTRIBUTE_VALUE, TRIPLET_FQN, TagLogicalElement, Triplet, Triplets,
};
pub use validate::validate;
pub use writer::{
    AfpWriter, AreaMm, MAX_FIELD_DATA, MAX_RULE_WIDTH, PageMarks, WriteError, blank_page,
};

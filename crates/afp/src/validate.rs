//! One call that reads everything Tandem reads from an AFP file.

use crate::bcoca::{BarCodeData, BarCodeDescriptor};
use crate::error::AfpError;
use crate::ptoca::ControlSequences;
use crate::resources::ResourceInventory;
use crate::structure::{AfpIndex, IndexOptions};

/// Reads `bytes` the way a redirect does before it trusts a file: the
/// structure index (which reads every field, TLE, IMM, include and page
/// descriptor), the resource inventory, the control sequences of every PTX
/// and the descriptor and data of every bar code object. Returns the index, or the first error with its byte offset.
///
/// `tandem inspect` and the AFP fuzz target use it, so that whatever a file
/// can do to one reader it is tried on all of them.
pub fn validate(bytes: &[u8], options: IndexOptions) -> Result<AfpIndex, AfpError> {
    let index = AfpIndex::build_with(bytes, options)?;
    ResourceInventory::of(bytes)?;
    // The symbology of the bar code object being read (from its BDD).
    let mut symbology = None;
    for field in crate::StructuredFields::new(bytes) {
        let field = field?;
        let bad = |e: AfpError| AfpError::BadField {
            offset: field.offset,
            field: field.name(),
            what: e.to_string(),
        };
        match field.name() {
            "PTX" => {
                for sequence in ControlSequences::new(field.data) {
                    sequence.map_err(bad)?;
                }
            }
            "BDD" => {
                symbology = Some(BarCodeDescriptor::parse(field.data).map_err(bad)?.symbology);
            }
            "BDA" => {
                let symbology = symbology.ok_or_else(|| AfpError::BadField {
                    offset: field.offset,
                    field: "BDA",
                    what: "bar code data without a BDD before it".into(),
                })?;
                BarCodeData::parse(field.data, symbology).map_err(bad)?;
            }
            "EBC" => symbology = None,
            _ => {}
        }
    }
    Ok(index)
}

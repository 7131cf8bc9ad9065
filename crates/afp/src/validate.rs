//! One call that reads everything Tandem reads from an AFP file.

use crate::error::AfpError;
use crate::ptoca::ControlSequences;
use crate::resources::ResourceInventory;
use crate::structure::{AfpIndex, IndexOptions};

/// Reads `bytes` the way a redirect does before it trusts a file: the
/// structure index (which reads every field, TLE, IMM, include and page
/// descriptor), the resource inventory, and the control sequences of every
/// PTX. Returns the index, or the first error with its byte offset.
///
/// `tandem inspect` and the AFP fuzz target use it, so that whatever a file
/// can do to one reader it is tried on all of them.
pub fn validate(bytes: &[u8], options: IndexOptions) -> Result<AfpIndex, AfpError> {
    let index = AfpIndex::build_with(bytes, options)?;
    ResourceInventory::of(bytes)?;
    for field in crate::StructuredFields::new(bytes) {
        let field = field?;
        if field.name() == "PTX" {
            for sequence in ControlSequences::new(field.data) {
                sequence.map_err(|e| AfpError::BadField {
                    offset: field.offset,
                    field: "PTX",
                    what: e.to_string(),
                })?;
            }
        }
    }
    Ok(index)
}

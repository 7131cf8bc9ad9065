//! Segmented structured fields put back together.
//!
//! A field whose data does not fit into 32 KB sets the segmented-data flag
//! and continues in the next field of the same identifier, until one
//! without the flag. [`AssembledFields`] yields each such run as one field
//! with its data joined (borrowed when there is only one segment).

use std::borrow::Cow;

use crate::error::AfpError;
use crate::reader::{StructuredField, StructuredFields};

/// A structured field with its data joined from all its segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssembledField<'a> {
    /// The first segment (offset, identifier, flags of the first field).
    pub first: StructuredField<'a>,
    /// How many fields the data came in.
    pub segments: u32,
    /// The data of all segments, in order.
    pub data: Cow<'a, [u8]>,
}

/// Iterator over the fields of an input with segments joined; stops after
/// the first error.
#[derive(Debug, Clone)]
pub struct AssembledFields<'a> {
    fields: StructuredFields<'a>,
    failed: bool,
}

impl<'a> StructuredFields<'a> {
    /// The same fields with segmented data joined.
    pub fn assembled(self) -> AssembledFields<'a> {
        AssembledFields {
            fields: self,
            failed: false,
        }
    }
}

impl<'a> AssembledFields<'a> {
    fn assemble(&mut self, first: StructuredField<'a>) -> Result<AssembledField<'a>, AfpError> {
        if !first.is_segmented() {
            return Ok(AssembledField {
                first,
                segments: 1,
                data: Cow::Borrowed(first.data),
            });
        }
        let mut data = first.data.to_vec();
        let mut segments = 1;
        loop {
            let next = self.fields.next().ok_or(AfpError::Segments {
                offset: first.offset,
                what: format!(
                    "{} is segmented but the input ends after {segments} segments",
                    first.name()
                ),
            })??;
            if next.id != first.id {
                return Err(AfpError::Segments {
                    offset: next.offset,
                    what: format!(
                        "{} continues the segmented {} from byte {}",
                        next.name(),
                        first.name(),
                        first.offset
                    ),
                });
            }
            data.extend_from_slice(next.data);
            segments += 1;
            if !next.is_segmented() {
                return Ok(AssembledField {
                    first,
                    segments,
                    data: Cow::Owned(data),
                });
            }
        }
    }
}

impl<'a> Iterator for AssembledFields<'a> {
    type Item = Result<AssembledField<'a>, AfpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let result = match self.fields.next()? {
            Ok(first) => self.assemble(first),
            Err(e) => Err(e),
        };
        self.failed = result.is_err();
        Some(result)
    }
}

impl std::iter::FusedIterator for AssembledFields<'_> {}

//! Triplets (length, id, data) and the Tag Logical Element.

use crate::error::AfpError;

/// One triplet: a length byte (counting itself), an identifier, data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Triplet<'a> {
    /// Byte offset of the triplet in the data it was read from.
    pub offset: usize,
    /// The triplet identifier, e.g. X'02' Fully Qualified Name.
    pub id: u8,
    /// The triplet's data after length and id.
    pub data: &'a [u8],
}

/// Iterator over a list of triplets; stops after the first error.
#[derive(Debug, Clone)]
pub struct Triplets<'a> {
    data: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> Triplets<'a> {
    /// Reads the triplets in `data` (which must hold triplets only).
    pub fn new(data: &'a [u8]) -> Self {
        Triplets {
            data,
            pos: 0,
            failed: false,
        }
    }
}

impl<'a> Iterator for Triplets<'a> {
    type Item = Result<Triplet<'a>, AfpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.data.len() {
            return None;
        }
        let rest = &self.data[self.pos..];
        let length = rest[0];
        let n = usize::from(length);
        if n < 2 || n > rest.len() {
            self.failed = true;
            return Some(Err(AfpError::BadTriplet {
                offset: self.pos,
                length,
                available: rest.len(),
            }));
        }
        let t = Triplet {
            offset: self.pos,
            id: rest[1],
            data: &rest[2..n],
        };
        self.pos += n;
        Some(Ok(t))
    }
}

impl std::iter::FusedIterator for Triplets<'_> {}

/// Triplet X'02' Fully Qualified Name.
pub const TRIPLET_FQN: u8 = 0x02;
/// FQN type X'0B': attribute name.
pub const FQN_ATTRIBUTE_NAME: u8 = 0x0B;
/// Triplet X'36' Attribute Value.
pub const TRIPLET_ATTRIBUTE_VALUE: u8 = 0x36;

/// The name and value of a TLE (Tag Logical Element, D3A090), as bytes in the
/// file's code page (usually EBCDIC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagLogicalElement<'a> {
    /// The attribute name: the GID of the X'02' FQN triplet with FQN type
    /// X'0B' (after FQN type and format bytes).
    pub name: &'a [u8],
    /// The attribute value: the X'36' triplet's data after its two reserved
    /// bytes.
    pub value: &'a [u8],
}

impl<'a> TagLogicalElement<'a> {
    /// Decodes the data of a TLE field. Returns `Ok(None)` when the name or
    /// the value triplet is missing; other triplets are skipped.
    pub fn parse(data: &'a [u8]) -> Result<Option<Self>, AfpError> {
        let mut name = None;
        let mut value = None;
        for t in Triplets::new(data) {
            let t = t?;
            match t.id {
                TRIPLET_FQN if t.data.len() >= 2 && t.data[0] == FQN_ATTRIBUTE_NAME => {
                    name.get_or_insert(&t.data[2..]);
                }
                TRIPLET_ATTRIBUTE_VALUE if t.data.len() >= 2 => {
                    value.get_or_insert(&t.data[2..]);
                }
                _ => {}
            }
        }
        Ok(name
            .zip(value)
            .map(|(name, value)| TagLogicalElement { name, value }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_triplets_and_rejects_bad_lengths() {
        let d = [3, 0x01, 0xAA, 2, 0x50, 4, 0x62, 1, 2];
        let t: Vec<_> = Triplets::new(&d).collect::<Result<_, _>>().unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!((t[0].id, t[0].data), (0x01, &[0xAA][..]));
        assert_eq!((t[1].offset, t[1].data.len()), (3, 0));
        assert_eq!((t[2].offset, t[2].data), (5, &[1, 2][..]));
        let e = Triplets::new(&[5, 1, 0]).next().unwrap().unwrap_err();
        assert_eq!(
            e,
            AfpError::BadTriplet {
                offset: 0,
                length: 5,
                available: 3
            }
        );
        assert!(Triplets::new(&[1]).next().unwrap().is_err());
    }

    #[test]
    fn tle_name_and_value() {
        // FQN X'02', type X'0B', format X'00', "PLZ" in cp500 (D7 D3 E9)
        // Attribute value X'36', reserved 00 00, "12345" in cp500
        let d = [
            7, 0x02, 0x0B, 0x00, 0xD7, 0xD3, 0xE9, //
            9, 0x36, 0x00, 0x00, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, //
            4, 0x80, 0x00, 0x01,
        ];
        let tle = TagLogicalElement::parse(&d).unwrap().unwrap();
        assert_eq!(tle.name, [0xD7, 0xD3, 0xE9]);
        assert_eq!(tle.value, [0xF1, 0xF2, 0xF3, 0xF4, 0xF5]);
        // FQN of another type is not the attribute name
        let d = [5, 0x02, 0x01, 0x00, 0xC1, 4, 0x36, 0, 0];
        assert_eq!(TagLogicalElement::parse(&d).unwrap(), None);
        assert!(TagLogicalElement::parse(&[9, 0x02]).is_err());
    }
}

//! Resource inventory: which resources a print file refers to by name and
//! which it carries inline, with a SHA-256 of every inline resource.
//!
//! References (kind ← field):
//! - IPS (D3AF5F) → [`ResourceKind::PageSegment`], IPO (D3AFD8) →
//!   [`ResourceKind::Overlay`], IMM (D3ABCC) → [`ResourceKind::MediumMap`]:
//!   the name is the field's first 8 data bytes. They count wherever they
//!   occur (document, page, overlay).
//! - MPS (D3B15F, map page segment): byte 0 is the repeating-group length,
//!   3 reserved bytes follow, then each group is 4 reserved bytes + the
//!   8-byte page segment name → [`ResourceKind::PageSegment`].
//! - MCF (D3AB8A, map coded font) and MPO (D3ABD8, map page overlay):
//!   repeating groups, each a 2-byte length (counting itself) + triplets.
//!   X'02' Fully Qualified Name triplets (type, format, name) with FQN type
//!   X'8E' coded font name → [`ResourceKind::CodedFont`], X'85' code page
//!   name → [`ResourceKind::CodePage`], X'86' font character set name →
//!   [`ResourceKind::CharacterSet`], X'84' begin resource object reference
//!   (in an MPO: the overlay) → [`ResourceKind::Overlay`]. FQN type values
//!   as in Apache FOP `org/apache/fop/afp/modca/triplets/FullyQualifiedNameTriplet.java`
//!   (`TYPE_BEGIN_RESOURCE_OBJECT_REF = 0x84`, `TYPE_CODE_PAGE_NAME_REF =
//!   0x85`, `TYPE_FONT_CHARSET_NAME_REF = 0x86`, `TYPE_CODED_FONT_NAME_REF =
//!   0x8E`); the corpus agrees (the MCF names "T1…" code pages with X'85'
//!   and "C0…" character sets with X'86').
//!
//! Inline resources (Begin … End, bytes hashed inclusive):
//! BRS/ERS (resource in a resource group; kind from its X'21' Resource Object
//! Type triplet, else [`ResourceKind::Other`]), BPS/EPS page segment, BMO/EMO
//! overlay, BFM/EFM form map ([`ResourceKind::FormDefinition`]), BMM/EMM
//! medium map (also inside a form map), and the data objects BBC/EBC (bar
//! code), BIM/EIM (IOCA image), BGR/EGR (graphics), BOC/EOC (object
//! container) as [`ResourceKind::Object`]. X'21' object types as in Apache
//! FOP `org/apache/fop/afp/modca/ResourceObject.java`: X'03' graphics, X'05'
//! bar code, X'06' image, X'92' object container → Object; X'40' font
//! character set, X'41' code page, X'42' coded font; X'FB' page segment,
//! X'FC' overlay, X'FE' form definition; anything else (X'A8' document, X'FD'
//! page definition, …) → Other.
//!
//! A resource in a resource group is therefore listed twice: once as its
//! BRS…ERS envelope (under the BRS name, the name references resolve
//! against in a resource group) and once as the object inside (under the
//! object's own Begin name; when that name is missing or blank, under the
//! enclosing BRS name). Both entries hash their own Begin…End bytes.
//!
//! Names are decoded from EBCDIC code page 500 for A–Z, 0–9, `@`, `#`, `$`
//! and space only; any other byte becomes `?`. Trailing X'40' are trimmed.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::AfpError;
use crate::reader::{StructuredField, StructuredFields};
use crate::triplet::{TRIPLET_FQN, Triplets};

/// Kind of an AFP resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    /// Page segment (BPS/EPS; referenced by IPS and MPS).
    PageSegment,
    /// Overlay (BMO/EMO; referenced by IPO and MPO).
    Overlay,
    /// Coded font (referenced by MCF, FQN type X'8E').
    CodedFont,
    /// Code page (referenced by MCF, FQN type X'85').
    CodePage,
    /// Font character set (referenced by MCF, FQN type X'86').
    CharacterSet,
    /// Form definition / form map (BFM/EFM).
    FormDefinition,
    /// Medium map (BMM/EMM; referenced by IMM).
    MediumMap,
    /// Data object: bar code, image, graphics, object container.
    Object,
    /// A resource of another or unknown kind (e.g. a BRS without X'21').
    Other,
}

/// A resource the print data refers to by name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResourceRef {
    /// What is referred to.
    pub kind: ResourceKind,
    /// The decoded name (trailing spaces trimmed).
    pub name: String,
    /// byte offset of the referencing field
    pub offset: u64,
}

/// A resource carried inline (in a resource group or print file), with the
/// SHA-256 (lowercase hex) of its bytes from its Begin to its End field
/// inclusive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlineResource {
    /// What it is.
    pub kind: ResourceKind,
    /// The decoded name (trailing spaces trimmed).
    pub name: String,
    /// Byte offset of the Begin field.
    pub offset: u64,
    /// SHA-256 of the bytes from the Begin to the End field inclusive, as
    /// 64 lowercase hex digits.
    pub sha256: String,
    /// Number of bytes from the Begin to the End field inclusive.
    pub bytes: u64,
}

/// Resources referenced and carried inline by one AFP file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceInventory {
    /// References in file order.
    pub referenced: Vec<ResourceRef>,
    /// Inline resources in file order (of their Begin field); an enclosing
    /// resource comes before the resources nested in it.
    pub inline: Vec<InlineResource>,
}

/// An open Begin field waiting for its End.
struct Open {
    /// Third identifier byte (category), shared by Begin and End.
    category: u8,
    acronym: &'static str,
    kind: ResourceKind,
    name: String,
    offset: u64,
}

impl ResourceInventory {
    /// Reads the whole file.
    ///
    /// Fails on the first reader error, on a malformed reference field and
    /// on unbalanced Begin/End fields of the resources listed in the module
    /// documentation; every error names the byte offset.
    pub fn of(bytes: &[u8]) -> Result<Self, AfpError> {
        let mut inv = ResourceInventory::default();
        let mut open: Vec<Open> = Vec::new();
        for field in StructuredFields::new(bytes) {
            let f = field?;
            if f.id[0] != 0xD3 {
                continue;
            }
            match f.id {
                [0xD3, 0xAF, 0x5F] => inv.simple_ref(&f, ResourceKind::PageSegment)?,
                [0xD3, 0xAF, 0xD8] => inv.simple_ref(&f, ResourceKind::Overlay)?,
                [0xD3, 0xAB, 0xCC] => inv.simple_ref(&f, ResourceKind::MediumMap)?,
                [0xD3, 0xB1, 0x5F] => inv.mps_refs(&f)?,
                [0xD3, 0xAB, 0x8A] | [0xD3, 0xAB, 0xD8] => inv.fqn_refs(&f)?,
                [0xD3, 0xA8, category] => {
                    if let Some(kind) = begin_kind(&f) {
                        let name = match f.data.get(..8) {
                            Some(n) => decode_name(n),
                            None => String::new(),
                        };
                        let name = if name.is_empty() {
                            open.iter()
                                .rev()
                                .find(|o| o.category == 0xCE)
                                .map(|o| o.name.clone())
                                .unwrap_or_default()
                        } else {
                            name
                        };
                        open.push(Open {
                            category,
                            acronym: f.name(),
                            kind,
                            name,
                            offset: f.offset,
                        });
                    }
                }
                [0xD3, 0xA9, category] if is_resource_category(category) => {
                    let end = f.offset + f.raw.len() as u64;
                    let Some(o) = open.pop() else {
                        return Err(AfpError::UnbalancedResource {
                            offset: f.offset,
                            what: format!("{} without a matching Begin", f.name()),
                        });
                    };
                    if o.category != category {
                        return Err(AfpError::UnbalancedResource {
                            offset: f.offset,
                            what: format!(
                                "{} closes {} opened at byte {}",
                                f.name(),
                                o.acronym,
                                o.offset
                            ),
                        });
                    }
                    let slice = usize::try_from(o.offset)
                        .ok()
                        .zip(usize::try_from(end).ok())
                        .and_then(|(s, e)| bytes.get(s..e))
                        .ok_or_else(|| AfpError::UnbalancedResource {
                            offset: f.offset,
                            what: format!(
                                "{} range {}..{} outside the input",
                                o.acronym, o.offset, end
                            ),
                        })?;
                    inv.inline.push(InlineResource {
                        kind: o.kind,
                        name: o.name,
                        offset: o.offset,
                        sha256: sha256_hex(slice),
                        bytes: end - o.offset,
                    });
                }
                _ => {}
            }
        }
        if let Some(o) = open.pop() {
            return Err(AfpError::UnbalancedResource {
                offset: o.offset,
                what: format!("{} never closed before the end of the input", o.acronym),
            });
        }
        inv.inline.sort_by_key(|r| r.offset);
        Ok(inv)
    }

    /// References not satisfied by an inline resource of the same kind and
    /// name, deduplicated by (kind, name), sorted.
    pub fn missing_inline(&self) -> Vec<&ResourceRef> {
        let mut missing: Vec<&ResourceRef> = self
            .referenced
            .iter()
            .filter(|r| {
                !self
                    .inline
                    .iter()
                    .any(|i| i.kind == r.kind && i.name == r.name)
            })
            .collect();
        missing.sort();
        missing.dedup_by(|a, b| a.kind == b.kind && a.name == b.name);
        missing
    }

    /// IPS, IPO, IMM: the name is in the first 8 data bytes.
    fn simple_ref(&mut self, f: &StructuredField<'_>, kind: ResourceKind) -> Result<(), AfpError> {
        let name = f.data.get(..8).ok_or_else(|| AfpError::BadResourceField {
            offset: f.offset,
            field: f.name(),
            what: format!("{} data bytes, the name needs 8", f.data.len()),
        })?;
        self.push_ref(kind, name, f.offset);
        Ok(())
    }

    /// MPS: RG length byte, 3 reserved, then groups of 4 reserved + name.
    fn mps_refs(&mut self, f: &StructuredField<'_>) -> Result<(), AfpError> {
        let bad = |what: String| AfpError::BadResourceField {
            offset: f.offset,
            field: f.name(),
            what,
        };
        let Some(&rg) = f.data.first() else {
            return Err(bad("no repeating-group length".into()));
        };
        let rg = usize::from(rg);
        if rg < 12 {
            return Err(bad(format!("repeating-group length {rg} below 12")));
        }
        let groups = f.data.get(4..).unwrap_or_default();
        if groups.len() % rg != 0 {
            return Err(bad(format!(
                "{} bytes of repeating groups are not a multiple of {rg}",
                groups.len()
            )));
        }
        for g in groups.chunks(rg) {
            self.push_ref(ResourceKind::PageSegment, &g[4..12], f.offset);
        }
        Ok(())
    }

    /// MCF, MPO: groups of a 2-byte length (counting itself) + triplets.
    fn fqn_refs(&mut self, f: &StructuredField<'_>) -> Result<(), AfpError> {
        let bad = |what: String| AfpError::BadResourceField {
            offset: f.offset,
            field: f.name(),
            what,
        };
        let mut rest = f.data;
        let mut at = 0usize;
        while !rest.is_empty() {
            let n = match rest {
                [a, b, ..] => usize::from(u16::from_be_bytes([*a, *b])),
                _ => 0,
            };
            if n < 2 || n > rest.len() {
                return Err(bad(format!(
                    "repeating group at data byte {at}: length {n} does not fit into {} bytes",
                    rest.len()
                )));
            }
            for t in Triplets::new(&rest[2..n]) {
                let t = t.map_err(|e| bad(format!("repeating group at data byte {at}: {e}")))?;
                if t.id != TRIPLET_FQN {
                    continue;
                }
                let kind = match t.data.first() {
                    Some(0x8E) => ResourceKind::CodedFont,
                    Some(0x85) => ResourceKind::CodePage,
                    Some(0x86) => ResourceKind::CharacterSet,
                    Some(0x84) => ResourceKind::Overlay,
                    _ => continue,
                };
                self.push_ref(kind, t.data.get(2..).unwrap_or_default(), f.offset);
            }
            rest = &rest[n..];
            at += n;
        }
        Ok(())
    }

    fn push_ref(&mut self, kind: ResourceKind, name: &[u8], offset: u64) {
        self.referenced.push(ResourceRef {
            kind,
            name: decode_name(name),
            offset,
        });
    }
}

/// Third identifier bytes of the Begin/End pairs the inventory tracks.
fn is_resource_category(category: u8) -> bool {
    matches!(
        category,
        0xCE | 0x5F | 0xDF | 0xCD | 0xCC | 0xEB | 0xFB | 0xBB | 0x92
    )
}

/// The kind of an inline resource opened by `f`, or `None` for other Begin
/// fields (BDT, BPG, BAG, …).
fn begin_kind(f: &StructuredField<'_>) -> Option<ResourceKind> {
    Some(match f.id[2] {
        0xCE => brs_kind(f.data),
        0x5F => ResourceKind::PageSegment,
        0xDF => ResourceKind::Overlay,
        0xCD => ResourceKind::FormDefinition,
        0xCC => ResourceKind::MediumMap,
        0xEB | 0xFB | 0xBB | 0x92 => ResourceKind::Object,
        _ => return None,
    })
}

/// BRS: name (8), 2 reserved, triplets; kind from the X'21' triplet.
/// Malformed triplets are not an error here: the kind is then
/// [`ResourceKind::Other`].
fn brs_kind(data: &[u8]) -> ResourceKind {
    let triplets = data.get(10..).unwrap_or_default();
    for t in Triplets::new(triplets) {
        let Ok(t) = t else { break };
        if t.id == 0x21 {
            return match t.data.first() {
                Some(0x03 | 0x05 | 0x06 | 0x92) => ResourceKind::Object,
                Some(0x40) => ResourceKind::CharacterSet,
                Some(0x41) => ResourceKind::CodePage,
                Some(0x42) => ResourceKind::CodedFont,
                Some(0xFB) => ResourceKind::PageSegment,
                Some(0xFC) => ResourceKind::Overlay,
                Some(0xFE) => ResourceKind::FormDefinition,
                _ => ResourceKind::Other,
            };
        }
    }
    ResourceKind::Other
}

/// Decodes an EBCDIC (cp500) name: A–Z, 0–9, `@#$` and space; anything else
/// becomes `?`. Trailing X'40' are trimmed first.
pub(crate) fn decode_name(bytes: &[u8]) -> String {
    let end = bytes.iter().rposition(|&b| b != 0x40).map_or(0, |i| i + 1);
    bytes[..end]
        .iter()
        .map(|&b| match b {
            0x40 => ' ',
            0x5B => '$',
            0x7B => '#',
            0x7C => '@',
            0xC1..=0xC9 => char::from(b'A' + (b - 0xC1)),
            0xD1..=0xD9 => char::from(b'J' + (b - 0xD1)),
            0xE2..=0xE9 => char::from(b'S' + (b - 0xE2)),
            0xF0..=0xF9 => char::from(b'0' + (b - 0xF0)),
            _ => '?',
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Resource bundle of a centre: a directory with one file per resource named
/// `NAME` or `NAME.<ext>` (case-insensitive match on NAME); the file's bytes
/// are the resource from Begin to End.
///
/// Returns the SHA-256 (lowercase hex) of the matching file's bytes, or
/// `None` when no regular file matches (or `name` is empty). More than one
/// matching file (e.g. `O1VORNAL` and `o1vornal.ovl`) is an
/// [`std::io::ErrorKind::InvalidData`] error naming them, rather than a
/// silent choice.
pub fn bundle_hash(bundle_dir: &Path, name: &str) -> std::io::Result<Option<String>> {
    if name.is_empty() {
        return Ok(None);
    }
    let mut matches = Vec::new();
    for entry in std::fs::read_dir(bundle_dir)? {
        let entry = entry?;
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        if !matches_name(file_name, name) {
            continue;
        }
        if std::fs::metadata(entry.path())?.is_file() {
            matches.push(entry.path());
        }
    }
    matches.sort();
    match matches.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(sha256_hex(&std::fs::read(one)?))),
        many => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "resource {name} is ambiguous in {}: {}",
                bundle_dir.display(),
                many.iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// `NAME` or `NAME.<ext>` (non-empty extension without a further dot),
/// NAME compared ASCII case-insensitively.
fn matches_name(file_name: &str, name: &str) -> bool {
    let (f, n) = (file_name.as_bytes(), name.as_bytes());
    if f.len() < n.len() || !f[..n.len()].eq_ignore_ascii_case(n) {
        return false;
    }
    match &f[n.len()..] {
        [] => true,
        [b'.', ext @ ..] => !ext.is_empty() && !ext.contains(&b'.'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sf(id: [u8; 3], data: &[u8]) -> Vec<u8> {
        let mut b = vec![0x5A];
        b.extend_from_slice(&u16::try_from(8 + data.len()).unwrap().to_be_bytes());
        b.extend_from_slice(&id);
        b.extend_from_slice(&[0, 0, 0]);
        b.extend_from_slice(data);
        b
    }

    const BPS: [u8; 3] = [0xD3, 0xA8, 0x5F];
    const EPS: [u8; 3] = [0xD3, 0xA9, 0x5F];
    const BMO: [u8; 3] = [0xD3, 0xA8, 0xDF];
    const EMO: [u8; 3] = [0xD3, 0xA9, 0xDF];
    const IPS: [u8; 3] = [0xD3, 0xAF, 0x5F];
    /// "PS1" + 5 spaces in cp500
    const PS1: [u8; 8] = [0xD7, 0xE2, 0xF1, 0x40, 0x40, 0x40, 0x40, 0x40];

    #[test]
    fn decodes_names_honestly() {
        assert_eq!(decode_name(&PS1), "PS1");
        assert_eq!(decode_name(&[0x40, 0xC1, 0x40]), " A");
        assert_eq!(decode_name(&[0x5B, 0x7B, 0x7C, 0x81, 0x4B]), "$#@??");
        assert_eq!(decode_name(&[0x40; 8]), "");
    }

    #[test]
    fn references_and_inline_in_a_built_file() {
        let mut b = sf(BPS, &PS1);
        b.extend(sf(EPS, &PS1));
        let ips_at = b.len() as u64;
        b.extend(sf(IPS, &PS1));
        b.extend(sf(IPS, &[0xC1; 8]));
        b.extend(sf(IPS, &[0xC1; 8]));
        let inv = ResourceInventory::of(&b).unwrap();
        assert_eq!(inv.inline.len(), 1);
        assert_eq!(inv.inline[0].name, "PS1");
        assert_eq!(inv.inline[0].bytes, 34);
        assert_eq!(inv.inline[0].sha256, sha256_hex(&b[..34]));
        assert_eq!(inv.referenced.len(), 3);
        assert_eq!(inv.referenced[0].offset, ips_at);
        let missing = inv.missing_inline();
        assert_eq!(missing.len(), 1, "deduplicated");
        assert_eq!(missing[0].name, "AAAAAAAA");
        assert_eq!(missing[0].offset, ips_at + 17, "first of the duplicates");
    }

    #[test]
    fn unbalanced_and_short_fields_are_errors_with_offsets() {
        let mut b = sf(BPS, &PS1);
        b.extend(sf(EMO, &PS1));
        let e = ResourceInventory::of(&b).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unbalanced resource at byte 17: EMO closes BPS opened at byte 0"
        );
        let e = ResourceInventory::of(&sf(EPS, b"")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unbalanced resource at byte 0: EPS without a matching Begin"
        );
        let mut b = sf(IPS, &PS1);
        b.extend(sf(BMO, &PS1));
        let e = ResourceInventory::of(&b).unwrap_err();
        assert!(
            matches!(e, AfpError::UnbalancedResource { offset: 17, .. }),
            "{e}"
        );
        let e = ResourceInventory::of(&sf(IPS, &[0xC1; 3])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "IPS at byte 0: 3 data bytes, the name needs 8"
        );
        // MCF with a group length past the data
        let e = ResourceInventory::of(&sf([0xD3, 0xAB, 0x8A], &[0x00, 0x09, 0x03])).unwrap_err();
        assert!(
            matches!(
                e,
                AfpError::BadResourceField {
                    offset: 0,
                    field: "MCF",
                    ..
                }
            ),
            "{e}"
        );
        // MPS with groups not a multiple of the RG length
        let e = ResourceInventory::of(&sf([0xD3, 0xB1, 0x5F], &[12, 0, 0, 0, 1])).unwrap_err();
        assert!(
            matches!(e, AfpError::BadResourceField { field: "MPS", .. }),
            "{e}"
        );
        assert_eq!(
            ResourceInventory::of(b"").unwrap(),
            ResourceInventory::default()
        );
    }

    #[test]
    fn bundle_names_match_with_or_without_extension() {
        assert!(matches_name("O1VORNAL", "O1VORNAL"));
        assert!(matches_name("o1vornal.ovl", "O1VORNAL"));
        assert!(!matches_name("O1VORNAL.", "O1VORNAL"));
        assert!(!matches_name("O1VORNAL.a.b", "O1VORNAL"));
        assert!(!matches_name("O1VORNAL2", "O1VORNAL"));
        assert!(!matches_name("O1VORNA", "O1VORNAL"));
    }
}

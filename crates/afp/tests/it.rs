//! Tests over every file of the AFP corpus in `shared/corpus/afp` (facts from
//! its SOURCES.md).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tandem_afp::{
    AfpError, AfpIndex, AfpWriter, AreaMm, ControlSequences, DocumentWriter, EditError, Encoding,
    Framing, GroupPage, GroupedDocument, IncludeKind, IndexOptions, InlineResource, PageMarks,
    ResourceInventory, ResourceKind, ResourceRef, StructuredField, StructuredFields,
    TagLogicalElement, Triplets, bundle_hash,
};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/afp");

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("corpus directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "afp"))
        .collect();
    files.sort();
    files
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(CORPUS).join(name)).expect("corpus file")
}

fn fields(bytes: &[u8]) -> Vec<StructuredField<'_>> {
    StructuredFields::new(bytes)
        .collect::<Result<_, _>>()
        .expect("file reads without error")
}

fn names(fields: &[StructuredField<'_>]) -> Vec<&'static str> {
    fields.iter().map(|f| f.name()).collect()
}

/// Test-only EBCDIC code page 500 decoding of letters, digits, space, period.
fn cp500(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x40 => ' ',
            0x4B => '.',
            0x81..=0x89 => char::from(b'a' + (b - 0x81)),
            0x91..=0x99 => char::from(b'j' + (b - 0x91)),
            0xA2..=0xA9 => char::from(b's' + (b - 0xA2)),
            0xC1..=0xC9 => char::from(b'A' + (b - 0xC1)),
            0xD1..=0xD9 => char::from(b'J' + (b - 0xD1)),
            0xE2..=0xE9 => char::from(b'S' + (b - 0xE2)),
            0xF0..=0xF9 => char::from(b'0' + (b - 0xF0)),
            _ => '?',
        })
        .collect()
}

fn first<'f, 'a>(fields: &'f [StructuredField<'a>], name: &str) -> &'f StructuredField<'a> {
    fields
        .iter()
        .find(|f| f.name() == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn corpus_is_complete() {
    assert_eq!(corpus_files().len(), 8, "SOURCES.md lists 8 AFP files");
}

#[test]
fn every_file_round_trips_byte_for_byte() {
    for path in corpus_files() {
        let bytes = std::fs::read(&path).unwrap();
        let fields = fields(&bytes);
        assert!(!fields.is_empty());
        let mut joined = Vec::with_capacity(bytes.len());
        let mut offset = 0u64;
        for f in &fields {
            assert_eq!(f.offset, offset, "{}", path.display());
            assert_eq!(f.raw[0], 0x5A);
            assert_eq!(usize::from(f.length()) + 1, f.raw.len());
            assert_eq!(f.id[0], 0xD3);
            assert_eq!(f.flags, 0, "no corpus field sets a flag");
            offset += f.raw.len() as u64;
            joined.extend_from_slice(f.raw);
        }
        assert_eq!(joined, bytes, "{}", path.display());
    }
}

#[test]
fn every_file_reads_the_same_when_length_prefixed() {
    // Mainframe transfer form built from each corpus file: every record
    // (X'5A' + field) prefixed by its 2-byte big-endian length; and the
    // variant without X'5A'.
    for path in corpus_files() {
        let bytes = std::fs::read(&path).unwrap();
        let plain = fields(&bytes);
        for carriage_control in [true, false] {
            let mut prefixed = Vec::new();
            for f in &plain {
                let rec = if carriage_control {
                    f.raw
                } else {
                    f.sf_bytes()
                };
                prefixed.extend_from_slice(&u16::try_from(rec.len()).unwrap().to_be_bytes());
                prefixed.extend_from_slice(rec);
            }
            let reader = StructuredFields::new(&prefixed);
            assert_eq!(
                reader.framing(),
                Framing::LengthPrefixed {
                    carriage_control,
                    prefix_counts_itself: false
                },
                "{}",
                path.display()
            );
            let got = fields(&prefixed);
            assert_eq!(got.len(), plain.len());
            let mut joined = Vec::new();
            for (a, b) in plain.iter().zip(&got) {
                assert_eq!((a.id, a.data, a.reserved), (b.id, b.data, b.reserved));
                assert_eq!(a.sf_bytes(), b.sf_bytes());
                assert_eq!(
                    b.raw.len(),
                    a.sf_bytes().len() + 2 + usize::from(carriage_control)
                );
                joined.extend_from_slice(b.raw);
            }
            assert_eq!(joined, prefixed);
        }
    }
}

#[test]
fn hello_is_a_minimal_document_without_pages() {
    let bytes = read("afplib-hello.afp");
    let f = fields(&bytes);
    assert_eq!(names(&f), ["BDT", "EDT"]);
    assert_eq!(cp500(&f[0].data[..8]), "HELLOWLD");
    assert_eq!(cp500(&f[1].data[..8]), "HELLOWLD");
    // BDT: name, 2 reserved bytes, then a comment triplet X'65'
    let t: Vec<_> = Triplets::new(&f[0].data[10..])
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].id, 0x65);
    assert_eq!(cp500(t[0].data), "My first AFPLib Program");
}

#[test]
fn cs_overlay_ptx_has_resource_group_overlay_and_chained_ptx() {
    let bytes = read("afplib-cs-overlay-ptx.afp");
    let f = fields(&bytes);
    assert_eq!(
        names(&f),
        [
            "BRG", "BRS", "BMO", "BAG", "MCF", "PGD", "PTD", "EAG", "BPT", "PTX", "EPT", "EMO",
            "ERS", "ERG"
        ]
    );
    let ptx = first(&f, "PTX");
    let cs: Vec<_> = ControlSequences::new(ptx.data)
        .collect::<Result<_, _>>()
        .unwrap();
    let cs_names: Vec<_> = cs.iter().map(|c| c.name()).collect();
    assert_eq!(
        cs_names,
        [
            "STO", "SCFL", "AMB", "AMI", "TRN", "SCFL", "AMB", "AMI", "TRN", "NOP"
        ]
    );
    // one escape for the whole chain: only the first is unchained
    assert!(!cs[0].chained);
    assert!(cs[1..].iter().all(|c| c.chained));
    assert!(cs[..9].iter().all(|c| c.chains_next()));
    assert!(!cs[9].chains_next());
    let texts: Vec<_> = cs
        .iter()
        .filter(|c| c.name() == "TRN")
        .map(|c| cp500(c.data))
        .collect();
    assert_eq!(texts, ["Simplify", " your life"]);
}

#[test]
fn overlay_mps_rg_has_mcf_groups_and_page_segment_name() {
    let bytes = read("afplib-overlay-mps-rg.afp");
    let f = fields(&bytes);
    assert_eq!(
        names(&f),
        [
            "BRG", "BRS", "BMO", "BAG", "MCF", "MPS", "PGD", "PTD", "EAG", "EMO", "ERS", "ERG"
        ]
    );
    // MCF: repeating groups, each a 2-byte length (counting itself) + triplets
    let mcf = first(&f, "MCF");
    let mut groups = Vec::new();
    let mut rest = mcf.data;
    while !rest.is_empty() {
        let n = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        let t: Vec<_> = Triplets::new(&rest[2..n])
            .collect::<Result<_, _>>()
            .unwrap();
        groups.push(t);
        rest = &rest[n..];
    }
    assert_eq!(groups.len(), 4);
    assert_eq!(groups[0].len(), 6);
    assert_eq!(cp500(&groups[0][0].data[2..]), "T1EX0000");
    // MPS: 1 byte RG length, 3 reserved, then per group 4 reserved + name
    let mps = first(&f, "MPS");
    assert_eq!(mps.data[0], 12);
    assert_eq!(cp500(&mps.data[8..16]), "S1EX002A");
}

#[test]
fn pageseg_resgroup_has_two_segments_and_comments_in_two_encodings() {
    let bytes = read("afplib-pageseg-resgroup.afp");
    let f = fields(&bytes);
    assert_eq!(
        names(&f),
        [
            "BRG", "BRS", "BPS", "EPS", "ERS", "BRS", "BPS", "EPS", "ERS", "ERG"
        ]
    );
    let comments: Vec<Vec<u8>> = f
        .iter()
        .filter(|f| f.name() == "BRS" || f.name() == "BPS")
        .flat_map(|f| {
            let start = if f.name() == "BRS" { 10 } else { 8 };
            Triplets::new(&f.data[start..])
                .map(|t| t.unwrap())
                .filter(|t| t.id == 0x65)
                .map(|t| t.data.to_vec())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(comments.iter().any(|c| c == b"This is ASCII"));
    assert!(comments.iter().any(|c| cp500(c) == "This is EBCDIC"));
}

#[test]
fn ioca_files_have_image_objects_and_ipds() {
    let bytes = read("afplib-ioca-ipdspan.afp");
    let f = fields(&bytes);
    assert_eq!(
        names(&f),
        [
            "BIM", "BOG", "OBD", "OBP", "MIO", "IDD", "EOG", "IPD", "IPD", "IPD", "EIM"
        ]
    );
    let bytes = read("afplib-ioca-bim.afp");
    let f = fields(&bytes);
    assert_eq!(f.iter().filter(|f| f.name() == "IPD").count(), 13);
    assert_eq!(f.first().unwrap().name(), "BIM");
    assert_eq!(f.last().unwrap().name(), "EIM");
    assert_eq!(f.iter().map(|f| f.length()).max(), Some(32657));
}

#[test]
fn ccp_is_kept_as_a_field_without_error() {
    let bytes = read("afplib-ccp-unknownsf.afp");
    let f = fields(&bytes);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].id_hex(), "D3A7CA");
    assert_eq!(f[0].name(), "CCP");
    assert_eq!(f[0].length(), 358);
}

#[test]
fn start_inserter_has_form_map_overlay_page_and_datamatrix() {
    let bytes = read("afplib-start-inserter-dm-notruetype.afp");
    let f = fields(&bytes);
    assert_eq!(f.len(), 48);
    let n = names(&f);
    let form_map = [
        "BFM", "BDG", "PGP", "MDD", "EDG", "BMM", "PGP", "MDD", "MCC", "MMC", "EMM", "EFM",
    ];
    assert_eq!(n[2..14], form_map);
    assert_eq!(cp500(&first(&f, "BMM").data[..8]), "MM000000");
    assert_eq!(cp500(&first(&f, "BMO").data[..8]), "O1VORNAL");
    let document = [
        "BDT", "IMM", "BPG", "BAG", "MPO", "PGD", "PTD", "EAG", "IPO", "BBC", "BOG", "OBD", "OBP",
        "MBC", "BDD", "EOG", "BDA", "EBC", "EPG", "EDT",
    ];
    assert_eq!(n[28..], document);
    assert_eq!(cp500(&first(&f, "BBC").data[..8]), "INSDMBCP");
    assert_eq!(cp500(&first(&f, "EBC").data[..8]), "INSDMBCP");
    // BDD: unit base, reserved, 4 x 2 bytes units/extents, 2 reserved, type
    assert_eq!(first(&f, "BDD").data[12], 0x1C, "DataMatrix");
    // BDA: flags, x, y (2 bytes each), then DataMatrix parameters with the
    // requested 18 rows x 18 columns; the data ends with 34 ASCII digits
    let bda = first(&f, "BDA");
    assert_eq!(&bda.data[6..10], [0x00, 0x12, 0x00, 0x12]);
    assert!(bda.data.ends_with(b"0010010100641000055100000000000000"));
    assert_eq!(&bda.data[bda.data.len() - 35..bda.data.len() - 34], [0]);
}

#[test]
fn tle_in_a_built_file() {
    // BNG, TLE (name "PLZ", value "12345" in cp500), ENG — built by hand,
    // the corpus has no TLE.
    let mut b = sf(BNG, b"");
    b.extend(sf(
        TLE,
        &[
            7, 0x02, 0x0B, 0x00, 0xD7, 0xD3, 0xE9, 9, 0x36, 0x00, 0x00, 0xF1, 0xF2, 0xF3, 0xF4,
            0xF5,
        ],
    ));
    b.extend(sf(ENG, b""));
    let f = fields(&b);
    assert_eq!(names(&f), ["BNG", "TLE", "ENG"]);
    let tle = TagLogicalElement::parse(f[1].data).unwrap().unwrap();
    assert_eq!(cp500(tle.name), "PLZ");
    assert_eq!(cp500(tle.value), "12345");
}

/// SHA-256 as lowercase hex, computed here with the sha2 crate (not through
/// the code under test).
fn sha_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// (kind, name, offset, bytes) of the inline resources.
fn inline_summary(inv: &ResourceInventory) -> Vec<(ResourceKind, &str, u64, u64)> {
    inv.inline
        .iter()
        .map(|r| (r.kind, r.name.as_str(), r.offset, r.bytes))
        .collect()
}

/// (kind, name, offset) of references.
fn ref_summary<'a>(
    refs: impl IntoIterator<Item = &'a ResourceRef>,
) -> Vec<(ResourceKind, &'a str, u64)> {
    refs.into_iter()
        .map(|r| (r.kind, r.name.as_str(), r.offset))
        .collect()
}

/// The field at byte `offset` (from the reader, independent of the
/// inventory).
fn field_at<'f, 'a>(fields: &'f [StructuredField<'a>], offset: u64) -> &'f StructuredField<'a> {
    fields
        .iter()
        .find(|f| f.offset == offset)
        .unwrap_or_else(|| panic!("no field at {offset}"))
}

#[test]
fn start_inserter_inventory() {
    use ResourceKind::*;
    let bytes = read("afplib-start-inserter-dm-notruetype.afp");
    let inv = ResourceInventory::of(&bytes).unwrap();
    // IMM "MM000000" in the document; the page's MPO maps overlay
    // "O1VORNAL" (FQN X'84') and its IPO includes it.
    assert_eq!(
        ref_summary(&inv.referenced),
        [
            (MediumMap, "MM000000", 884),
            (Overlay, "O1VORNAL", 927),
            (Overlay, "O1VORNAL", 1010),
        ]
    );
    // BRS F1VORNAL (X'21' type X'FE') wraps the unnamed BFM, which takes the
    // BRS name, with BMM MM000000 inside; BRS O1VORNAL (X'FC') wraps BMO
    // O1VORNAL; the page carries bar code object INSDMBCP.
    assert_eq!(
        inline_summary(&inv),
        [
            (FormDefinition, "F1VORNAL", 17, 244),
            (FormDefinition, "F1VORNAL", 46, 198),
            (MediumMap, "MM000000", 118, 117),
            (Overlay, "O1VORNAL", 261, 587),
            (Overlay, "O1VORNAL", 290, 549),
            (Object, "INSDMBCP", 1033, 218),
        ]
    );
    assert!(
        inv.missing_inline().is_empty(),
        "{:?}",
        inv.missing_inline()
    );
}

#[test]
fn inline_hashes_equal_independent_hashes_of_the_file_slices() {
    let bytes = read("afplib-start-inserter-dm-notruetype.afp");
    let f = fields(&bytes);
    // BMO at 290, EMO at 830 (9 bytes) → bytes 290..839
    assert_eq!(field_at(&f, 290).name(), "BMO");
    assert_eq!(field_at(&f, 830).name(), "EMO");
    assert_eq!(field_at(&f, 830).raw.len(), 9);
    let overlay = &bytes[290..839];
    let inv = ResourceInventory::of(&bytes).unwrap();
    let bmo = inv.inline.iter().find(|r| r.offset == 290).unwrap();
    assert_eq!(bmo.sha256, sha_hex(overlay));
    assert_eq!(bmo.bytes, 549);
    assert_eq!(bmo.sha256.len(), 64);
    assert!(
        bmo.sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    );
    // every inline resource: slice from its Begin to the end of its End
    for r in &inv.inline {
        let start = usize::try_from(r.offset).unwrap();
        let end = start + usize::try_from(r.bytes).unwrap();
        let begin = field_at(&f, r.offset);
        let last = f
            .iter()
            .find(|x| x.offset + x.raw.len() as u64 == end as u64)
            .unwrap();
        assert_eq!(begin.id[1], 0xA8, "{r:?} starts at a Begin");
        assert_eq!(
            (last.id[1], last.id[2]),
            (0xA9, begin.id[2]),
            "{r:?} ends at its End"
        );
        assert_eq!(r.sha256, sha_hex(&bytes[start..end]), "{r:?}");
    }
    // page segments of the resource group file
    let bytes = read("afplib-pageseg-resgroup.afp");
    let inv = ResourceInventory::of(&bytes).unwrap();
    let p1 = inv.inline.iter().find(|r| r.name == "P1SEG001").unwrap();
    assert_eq!(p1.sha256, sha_hex(&bytes[163..189]));
}

#[test]
fn pageseg_resgroup_inventory() {
    use ResourceKind::*;
    let bytes = read("afplib-pageseg-resgroup.afp");
    let f = fields(&bytes);
    // names read from the bytes: BRS "MYRES000"/"MYRES001" (X'21' type
    // X'FB'), BPS "P1SEG000"/"P1SEG001"
    assert_eq!(cp500(&field_at(&f, 67).data[..8]), "P1SEG000");
    assert_eq!(cp500(&field_at(&f, 163).data[..8]), "P1SEG001");
    let inv = ResourceInventory::of(&bytes).unwrap();
    assert!(inv.referenced.is_empty());
    assert_eq!(
        inline_summary(&inv),
        [
            (PageSegment, "MYRES000", 17, 101),
            (PageSegment, "P1SEG000", 67, 42),
            (PageSegment, "MYRES001", 118, 80),
            (PageSegment, "P1SEG001", 163, 26),
        ]
    );
}

#[test]
fn overlay_mps_rg_inventory() {
    use ResourceKind::*;
    let bytes = read("afplib-overlay-mps-rg.afp");
    let inv = ResourceInventory::of(&bytes).unwrap();
    // MCF at 64: 4 groups, each a code page (X'85') and a character set
    // (X'86'); MPS at 245: page segment S1EX002A
    assert_eq!(
        ref_summary(&inv.referenced),
        [
            (CodePage, "T1EX0000", 64),
            (CharacterSet, "C0EX0460", 64),
            (CodePage, "T1EX0000", 64),
            (CharacterSet, "C0EX04U0", 64),
            (CodePage, "T1EX0000", 64),
            (CharacterSet, "C0EX0420", 64),
            (CodePage, "T1EX0000", 64),
            (CharacterSet, "C0EX04W0", 64),
            (PageSegment, "S1EX002A", 245),
        ]
    );
    // the BMO's own name is seven spaces and "0": only trailing spaces go
    assert_eq!(
        inline_summary(&inv),
        [
            (Overlay, "O100C00M", 9, 351),
            (Overlay, "       0", 38, 305)
        ]
    );
    assert_eq!(
        ref_summary(inv.missing_inline()),
        [
            (PageSegment, "S1EX002A", 245),
            (CodePage, "T1EX0000", 64),
            (CharacterSet, "C0EX0420", 64),
            (CharacterSet, "C0EX0460", 64),
            (CharacterSet, "C0EX04U0", 64),
            (CharacterSet, "C0EX04W0", 64),
        ]
    );
}

#[test]
fn every_corpus_file_has_an_inventory() {
    for path in corpus_files() {
        let bytes = std::fs::read(&path).unwrap();
        let inv =
            ResourceInventory::of(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for r in &inv.inline {
            let s = usize::try_from(r.offset).unwrap();
            let e = s + usize::try_from(r.bytes).unwrap();
            assert_eq!(r.sha256, sha_hex(&bytes[s..e]), "{}", path.display());
        }
    }
}

#[test]
fn bundle_hash_matches_a_copy_and_not_an_altered_copy() {
    let bytes = read("afplib-start-inserter-dm-notruetype.afp");
    let overlay = &bytes[290..839];
    let inv = ResourceInventory::of(&bytes).unwrap();
    let inline: &InlineResource = inv.inline.iter().find(|r| r.offset == 290).unwrap();

    let dir = std::env::temp_dir().join(format!("tandem-afp-bundle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let good = dir.join("good");
    let bad = dir.join("bad");
    std::fs::create_dir_all(&good).unwrap();
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(good.join("o1vornal.ovl"), overlay).unwrap();
    let mut altered = overlay.to_vec();
    altered[100] ^= 0x01;
    std::fs::write(bad.join("O1VORNAL"), &altered).unwrap();
    std::fs::create_dir(good.join("MM000000")).unwrap(); // a directory is no resource

    let got = bundle_hash(&good, "O1VORNAL").unwrap();
    assert_eq!(got.as_deref(), Some(inline.sha256.as_str()));
    assert_eq!(got.as_deref(), Some(sha_hex(overlay).as_str()));
    let got = bundle_hash(&bad, "O1VORNAL").unwrap();
    assert_eq!(got, Some(sha_hex(&altered)));
    assert_ne!(got.as_deref(), Some(inline.sha256.as_str()));
    assert_eq!(bundle_hash(&good, "MM000000").unwrap(), None);
    assert_eq!(bundle_hash(&good, "O1VORNA").unwrap(), None);
    // two candidates for one name are an error, not a silent choice
    std::fs::write(good.join("O1VORNAL.afp"), overlay).unwrap();
    let e = bundle_hash(&good, "O1VORNAL").unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    assert!(bundle_hash(&dir.join("missing"), "X").is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- document structure ----

/// One structured field with X'5A' framing, built by hand.
fn sf(id: [u8; 3], data: &[u8]) -> Vec<u8> {
    let mut b = vec![0x5A];
    b.extend_from_slice(&u16::try_from(8 + data.len()).unwrap().to_be_bytes());
    b.extend_from_slice(&id);
    b.extend_from_slice(&[0, 0, 0]);
    b.extend_from_slice(data);
    b
}

const BDT: [u8; 3] = [0xD3, 0xA8, 0xA8];
const EDT: [u8; 3] = [0xD3, 0xA9, 0xA8];
const BNG: [u8; 3] = [0xD3, 0xA8, 0xAD];
const ENG: [u8; 3] = [0xD3, 0xA9, 0xAD];
const BPG: [u8; 3] = [0xD3, 0xA8, 0xAF];
const EPG: [u8; 3] = [0xD3, 0xA9, 0xAF];
const TLE: [u8; 3] = [0xD3, 0xA0, 0x90];
const IMM: [u8; 3] = [0xD3, 0xAB, 0xCC];
const NOP: [u8; 3] = [0xD3, 0xEE, 0xEE];

/// TLE data: attribute name and value triplets, plus an optional X'01'
/// CGCSGID triplet naming `cpgid`.
fn tle_data(name: &[u8], value: &[u8], cpgid: Option<u16>) -> Vec<u8> {
    let mut d = vec![u8::try_from(4 + name.len()).unwrap(), 0x02, 0x0B, 0x00];
    d.extend_from_slice(name);
    d.extend_from_slice(&[u8::try_from(4 + value.len()).unwrap(), 0x36, 0, 0]);
    d.extend_from_slice(value);
    if let Some(cp) = cpgid {
        d.extend_from_slice(&[6, 0x01, 0xFF, 0xFF]);
        d.extend_from_slice(&cp.to_be_bytes());
    }
    d
}

#[test]
fn every_corpus_file_indexes_and_counts_agree_with_the_field_listing() {
    for path in corpus_files() {
        let bytes = std::fs::read(&path).unwrap();
        let index = AfpIndex::build(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let f = fields(&bytes);
        let n = |name: &str| f.iter().filter(|f| f.name() == name).count();
        assert_eq!(index.fields as usize, f.len(), "{}", path.display());
        assert_eq!(index.documents.len(), n("BDT"));
        assert_eq!(index.pages.len(), n("BPG"));
        assert_eq!(index.page_groups.len(), n("BNG"));
        assert_eq!(index.medium_maps.len(), n("IMM"));
        assert_eq!(index.includes.len(), n("IPS") + n("IPO") + n("IOB"));
        assert_eq!(index.nops as usize, n("NOP"));
        assert_eq!(index.resource_groups as usize, n("BRG"));
        for page in &index.pages {
            assert_eq!(field_at(&f, page.offset).name(), "BPG");
            assert_eq!(field_at(&f, page.end_offset).name(), "EPG");
        }
    }
}

#[test]
fn start_inserter_structure() {
    let bytes = read("afplib-start-inserter-dm-notruetype.afp");
    let index = AfpIndex::build(&bytes).unwrap();
    assert_eq!(index.documents.len(), 1);
    assert_eq!(index.documents[0].pages, 0..1);
    let [imm] = index.medium_maps.as_slice() else {
        panic!("one IMM")
    };
    assert_eq!((imm.name().as_str(), imm.next_page), ("MM000000", 0));
    let [include] = index.includes.as_slice() else {
        panic!("one include")
    };
    assert_eq!(include.kind, IncludeKind::PageOverlay);
    assert_eq!(
        (include.name().as_str(), include.page),
        ("O1VORNAL", Some(0))
    );
    let page = &index.pages[0];
    // The document ends the file; the page's bytes start with its BPG.
    let edt = index.documents[0].end;
    assert_eq!(edt, bytes.len() as u64);
    assert_eq!(page.bytes(&bytes).first(), Some(&0x5A));
    assert_eq!(&page.bytes(&bytes)[4..6], [0xA8, 0xAF]);
    assert!(page.geometry.is_some());
}

#[test]
fn page_groups_pages_tles_and_code_pages() {
    let mut b = sf(BDT, b"\xC4\xD6\xC3\xF1\x40\x40\x40\x40");
    // Group 1: TLEs in the default code page 500 (ü = X'DC'), an IMM, two
    // pages with a NOP between them.
    b.extend(sf(BNG, b"\xC7\xF1\x40\x40\x40\x40\x40\x40"));
    b.extend(sf(
        TLE,
        &tle_data(b"\xD7\xD3\xE9", b"\xF8\xF0\xF3\xF3\xF1\x40\xD4\xDC", None),
    ));
    b.extend(sf(IMM, b"\xD4\xD4\xC4\xE4\xD7\xD3\xC5\xE7"));
    b.extend(sf(BPG, b"\xD7\xF1\x40\x40\x40\x40\x40\x40"));
    // A TLE of the page, not of the group.
    b.extend(sf(TLE, &tle_data(b"\xE7", b"\xE8", None)));
    b.extend(sf(EPG, b""));
    b.extend(sf(NOP, b"x"));
    b.extend(sf(BPG, b""));
    b.extend(sf(EPG, b""));
    b.extend(sf(ENG, b""));
    // Group 2: a TLE in code page 273 (ü = X'D0'), then a TLE between its
    // pages, which makes the group interleaved.
    b.extend(sf(BNG, b"\xC7\xF2"));
    b.extend(sf(TLE, &tle_data(b"\xD7\xD3\xE9", b"\xD4\xD0", Some(273))));
    b.extend(sf(BPG, b""));
    b.extend(sf(EPG, b""));
    let between = b.len() as u64;
    b.extend(sf(TLE, &tle_data(b"\xC1", b"\xC2", None)));
    b.extend(sf(BPG, b""));
    b.extend(sf(EPG, b""));
    b.extend(sf(ENG, b""));
    b.extend(sf(EDT, b""));
    let index = AfpIndex::build(&b).unwrap();
    assert_eq!(index.documents[0].name, "DOC1");
    assert_eq!(index.documents[0].page_groups, 0..2);
    let [g1, g2] = index.page_groups.as_slice() else {
        panic!("two groups")
    };
    assert_eq!(
        (g1.name().as_str(), g1.pages.clone(), g1.interleaved),
        ("G1", 0..2, None)
    );
    assert_eq!((g2.name().as_str(), g2.pages.clone()), ("G2", 2..4));
    assert_eq!(g2.interleaved, Some(between));
    let tles: Vec<_> = index.group_tles(g1).map(|t| (t.name, t.value)).collect();
    assert_eq!(tles, [("PLZ", "80331 Mü")]);
    assert_eq!(index.group_tles(g2).next().unwrap().value, "Mü");
    // The TLE between group 2's pages is the group's too.
    let g2_tles: Vec<_> = index.group_tles(g2).map(|t| (t.name, t.value)).collect();
    assert_eq!(g2_tles, [("PLZ", "Mü"), ("A", "B")]);
    assert_eq!(index.tles().len(), 4);
    assert_eq!(
        index.tles().nth(1).unwrap().scope,
        tandem_afp::TleScope::Page(0)
    );
    assert_eq!(index.medium_maps[0].name(), "MMDUPLEX");
    assert_eq!(index.medium_maps[0].next_page, 0);
    assert_eq!(index.nops, 1);
    assert_eq!(index.pages[0].name(), "P1");
    assert_eq!(index.pages[1].group, Some(0));
    assert_eq!(index.group_pages(g2).len(), 2);
    // The same bytes with another default code page decode group 1's ü
    // differently (X'DC' is 'ü' in 500 only).
    let options = IndexOptions {
        default_code_page: Encoding::Ebcdic273,
    };
    let other = AfpIndex::build_with(&b, options).unwrap();
    assert_ne!(
        other
            .group_tles(&other.page_groups[0])
            .next()
            .unwrap()
            .value,
        "80331 Mü"
    );
}

#[test]
fn unsupported_code_pages_and_broken_structure_are_errors_with_offsets() {
    let mut b = sf(BNG, b"");
    let tle_at = b.len() as u64;
    b.extend(sf(TLE, &tle_data(b"\xC1", b"\xC2", Some(37))));
    b.extend(sf(ENG, b""));
    assert_eq!(
        AfpIndex::build(&b).unwrap_err(),
        AfpError::UnsupportedCodePage {
            offset: tle_at,
            cpgid: 37
        }
    );
    // Unbalanced Begin/End pairs, each with the offset of the field at fault.
    let cases: [(&[[u8; 3]], &str); 4] = [
        (&[BNG, EPG], "9: EPG closes the BNG opened at byte 0"),
        (&[ENG], "0: ENG without a matching Begin"),
        (&[BDT, BPG, EPG], "0: BDT is never closed"),
        (&[BPG, BPG], "9: BPG inside the page opened at byte 0"),
    ];
    for (ids, message) in cases {
        let b: Vec<u8> = ids.iter().flat_map(|&id| sf(id, b"")).collect();
        let e = AfpIndex::build(&b).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("unbalanced structure at byte {message}")
        );
    }
    // A TLE whose triplet runs past the end of the field
    let mut b = sf(BNG, b"");
    b.extend(sf(TLE, &[9, 0x02, 0x0B]));
    let e = AfpIndex::build(&b).unwrap_err();
    assert!(
        matches!(&e, AfpError::BadField { offset: 9, field: "TLE", what } if what.contains("triplet at byte 0")),
        "{e}"
    );
    // A short PGD in a page's active environment group
    let mut b = sf(BPG, b"");
    b.extend(sf([0xD3, 0xA8, 0xC9], b""));
    b.extend(sf([0xD3, 0xA6, 0xAF], &[0, 0, 9]));
    let e = AfpIndex::build(&b).unwrap_err();
    assert_eq!(
        e.to_string(),
        "PGD at byte 18: 3 bytes, a page descriptor needs 12"
    );
}

// The fuzz target's checks, shared with it (`fuzz/fuzz_targets/afp.rs`).
include!("../../../fuzz/fuzz_targets/afp_check.rs");

/// Replays the committed fuzz corpus (`fuzz/corpus/afp`) and every crash
/// reproducer (`fuzz/regressions/afp`) through the fuzz target's checks.
#[test]
fn fuzz_corpus_and_reproducers_replay_without_panics() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut replayed = 0;
    for dir in ["corpus/afp", "regressions/afp"] {
        for entry in std::fs::read_dir(fuzz.join(dir)).unwrap() {
            check_afp(&std::fs::read(entry.unwrap().path()).unwrap());
            replayed += 1;
        }
    }
    assert!(replayed > 8, "{replayed}");
}

// ---- fixtures made with Apache FOP (see tests/fixtures/fop/README.md) ----

/// `letters.afp` is indexed as FOP's PDF of the same XSL-FO shows it: page
/// and group counts, pages per group and page sizes from the PDF, TLE
/// values and IMM names from the XSL-FO (`expected.json`, written by
/// `make-fixtures.py` without our reader).
#[test]
fn fop_letters_match_the_pdf_and_the_xsl_fo() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fop");
    let bytes = std::fs::read(dir.join("letters.afp")).unwrap();
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let index = AfpIndex::build(&bytes).unwrap();
    assert_eq!(
        index.pages.len() as u64,
        expected["pages"].as_u64().unwrap()
    );
    assert_eq!(
        index.page_groups.len() as u64,
        expected["page_groups"].as_u64().unwrap()
    );
    let groups = expected["groups"].as_array().unwrap();
    let mut nops = 0;
    for (group, want) in index.page_groups.iter().zip(groups) {
        let tles: Vec<(String, String)> = index
            .group_tles(group)
            .map(|t| (t.name.to_owned(), t.value.to_owned()))
            .collect();
        let want_tles: Vec<(String, String)> = want["tles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t[0].as_str().unwrap().into(), t[1].as_str().unwrap().into()))
            .collect();
        assert_eq!(tles, want_tles, "group {}", group.name());
        let imm = index
            .medium_maps
            .iter()
            .find(|m| (group.offset..group.end).contains(&m.offset))
            .map(|m| m.name());
        assert_eq!(
            imm.as_deref(),
            want["imm"].as_str(),
            "group {}",
            group.name()
        );
        let pages = index.group_pages(group);
        assert_eq!(pages.len() as u64, want["pages"].as_u64().unwrap());
        let images = index
            .includes
            .iter()
            .filter(|i| i.page.is_some_and(|p| group.pages.contains(&p)))
            .count();
        assert_eq!(
            images as u64,
            want["images"].as_u64().unwrap(),
            "group {}",
            group.name()
        );
        for (page, size) in pages.iter().zip(want["page_sizes_pt"].as_array().unwrap()) {
            let g = page.geometry.expect("every FOP page has a PGD");
            let mm = |pt: &serde_json::Value| pt.as_f64().unwrap() * 25.4 / 72.0;
            // FOP writes 240 units per inch: sizes agree to one unit.
            assert!((g.width_mm() - mm(&size[0])).abs() < 0.11, "{g:?} {size}");
            assert!((g.height_mm() - mm(&size[1])).abs() < 0.11, "{g:?} {size}");
        }
        nops += want["nops"].as_u64().unwrap();
    }
    assert_eq!(index.nops, nops);
}

// ---- writer ----

#[test]
fn writer_copies_every_file_byte_for_byte() {
    let mut files = corpus_files();
    files.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fop/letters.afp"));
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let mut writer = AfpWriter::new(Vec::new());
        for field in StructuredFields::new(&bytes) {
            writer.copy(field.unwrap().raw).unwrap();
        }
        assert_eq!(writer.into_inner().unwrap(), bytes, "{}", path.display());
    }
}

/// Adds a white-out and two bars to the first page of the FOP letters and
/// reads the rules back: positions hand-computed in FOP's 240 units per
/// inch (x = mm / 25.4 * 240).
#[test]
fn page_marks_are_rules_in_the_pages_units_before_its_epg() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fop");
    let bytes = std::fs::read(dir.join("letters.afp")).unwrap();
    let index = AfpIndex::build(&bytes).unwrap();
    let page = index.pages[0];
    let units = page.text_units().unwrap();
    assert_eq!(units.x_per_10_inches(), 2400);
    let mut marks = PageMarks::new(units);
    let area = |x, y, width, height| AreaMm {
        x,
        y,
        width,
        height,
    };
    marks.white_out(&area(0.0, 100.0, 20.0, 40.0)).unwrap();
    marks.bar(&area(5.0, 60.0, 12.0, 0.5)).unwrap();
    marks.bar(&area(5.0, 64.2333, 12.0, 0.5)).unwrap();
    marks.data_matrix(6.0, 150.0, 0.5, b"JOB|P1|1/2").unwrap();
    let added = marks.finish().unwrap();

    let mut writer = AfpWriter::new(Vec::new());
    writer.copy(&bytes[..page.end_offset as usize]).unwrap();
    writer.built(&added).unwrap();
    writer.copy(&bytes[page.end_offset as usize..]).unwrap();
    let out = writer.into_inner().unwrap();
    assert_eq!(out.len(), bytes.len() + added.len());

    let again = AfpIndex::build(&out).unwrap();
    assert_eq!(again.pages.len(), index.pages.len());
    let page = again.pages[0];
    let f = fields(page.bytes(&out));
    let n = names(&f);
    let tail = [
        "BPT", "PTX", "EPT", "BPT", "PTX", "EPT", "BBC", "BOG", "OBD", "OBP", "MBC", "BDD", "EOG",
        "BDA", "EBC", "EPG",
    ];
    assert_eq!(n[n.len() - tail.len()..], tail);
    let sequences = |ptx: &StructuredField<'_>| -> Vec<(&'static str, Vec<u8>)> {
        ControlSequences::new(ptx.data)
            .map(|c| {
                let c = c.unwrap();
                (c.name(), c.data.to_vec())
            })
            .collect()
    };
    let sto = ("STO", vec![0x00, 0x00, 0x2D, 0x00]);
    // x 0 mm → 0, y 100 mm → 945, 20 mm → 189, 40 mm → 378 units = 192 +
    // 186 in rules of at most 192; 5 mm → 47, 60 mm → 567, 64.2333 mm → 607,
    // 12 mm → 113, 0.5 mm → 5.
    let white: Vec<(&str, Vec<u8>)> = vec![
        sto.clone(),
        ("SEC", vec![0, 1, 0, 0, 0, 0, 8, 8, 8, 0, 255, 255, 255]),
        ("AMI", vec![0, 0]),
        ("AMB", vec![0x03, 0xB1]),
        ("DIR", vec![0x00, 0xBD, 0x00, 0xC0, 0x00]),
        ("AMI", vec![0, 0]),
        ("AMB", vec![0x04, 0x71]),
        ("DIR", vec![0x00, 0xBD, 0x00, 0xBA, 0x00]),
    ];
    assert_eq!(sequences(&f[f.len() - tail.len() + 1]), white);
    let black: Vec<(&str, Vec<u8>)> = vec![
        sto,
        ("AMI", vec![0, 47]),
        ("AMB", vec![0x02, 0x37]),
        ("DIR", vec![0, 113, 0, 5, 0]),
        ("AMI", vec![0, 47]),
        ("AMB", vec![0x02, 0x5F]),
        ("DIR", vec![0, 113, 0, 5, 0]),
    ];
    assert_eq!(sequences(&f[f.len() - tail.len() + 4]), black);
    let bdd = f.iter().find(|f| f.name() == "BDD").unwrap();
    let bdd = tandem_afp::BarCodeDescriptor::parse(bdd.data).unwrap();
    assert_eq!(bdd.symbology, tandem_afp::SYMBOLOGY_DATA_MATRIX);
    let bda = f.iter().find(|f| f.name() == "BDA").unwrap();
    let bda = tandem_afp::BarCodeData::parse(bda.data, bdd.symbology).unwrap();
    assert_eq!(bda.data, b"JOB|P1|1/2");
    // 6 mm, 150 mm → 57, 1417 units
    let obp = f.iter().find(|f| f.name() == "OBP").unwrap();
    assert_eq!(&obp.data[2..8], [0, 0, 57, 0, 0x05, 0x89]);
}

#[test]
fn new_fields_take_the_framing_of_a_length_prefixed_input() {
    let bytes = read("afplib-start-inserter-dm-notruetype.afp");
    let framing = Framing::LengthPrefixed {
        carriage_control: false,
        prefix_counts_itself: false,
    };
    let mut writer = AfpWriter::with_framing(Vec::new(), framing);
    writer.field([0xD3, 0xEE, 0xEE], b"note").unwrap();
    writer
        .built(&tandem_afp::blank_page(&[
            0, 0, 9, 0x60, 9, 0x60, 0, 7, 0xC0, 0, 0x0A, 0xF6,
        ]))
        .unwrap();
    let out = writer.into_inner().unwrap();
    let f: Vec<_> = StructuredFields::with_framing(&out, framing)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(names(&f), ["NOP", "BPG", "BAG", "PGD", "EAG", "EPG"]);
    assert_eq!(f[0].data, b"note");
    let index = AfpIndex::build(&out).unwrap();
    let g = index.pages[0].geometry.unwrap();
    assert!((g.width_mm() - 210.0).abs() < 0.1 && (g.height_mm() - 297.0).abs() < 0.1);
    drop(bytes);
    assert!(matches!(
        AfpWriter::new(Vec::new()).field([0xD3, 0xEE, 0xEE], &vec![0; 40_000]),
        Err(tandem_afp::WriteError::FieldTooLong { len: 40_000, .. })
    ));
}

#[test]
fn validate_reads_bar_codes_and_names_the_field_that_breaks() {
    for path in corpus_files() {
        let bytes = std::fs::read(&path).unwrap();
        tandem_afp::validate(&bytes, IndexOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    // A BDA with no BDD before it.
    let b = sf([0xD3, 0xEE, 0xEB], &[0, 0, 0, 0, 0]);
    let e = tandem_afp::validate(&b, IndexOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "BDA at byte 0: bar code data without a BDD before it"
    );
    // A BDD cut short, after a NOP: the error names the BDD's offset.
    let mut b = sf(NOP, b"x");
    b.extend(sf([0xD3, 0xA6, 0xEB], &[0, 0, 9]));
    let e = tandem_afp::validate(&b, IndexOptions::default()).unwrap_err();
    assert!(
        matches!(
            &e,
            AfpError::BadField {
                offset: 10,
                field: "BDD",
                ..
            }
        ),
        "{e}"
    );
}

/// Text runs (TRN) of the FOP letters read as the XSL-FO wrote them: every
/// page says "Letter G0003 page 2 of 4" for its group's PieceId (FOP's
/// default font uses code page 500).
#[test]
fn fop_text_runs_name_each_pages_letter_and_number() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fop");
    let bytes = std::fs::read(dir.join("letters.afp")).unwrap();
    let index = AfpIndex::build(&bytes).unwrap();
    let mut checked = 0;
    for group in &index.page_groups {
        let id = index
            .group_tles(group)
            .find(|t| t.name == "PieceId")
            .unwrap()
            .value;
        let pages = index.group_pages(group);
        for (n, page) in pages.iter().enumerate() {
            let mut text = String::new();
            for field in StructuredFields::new(page.bytes(&bytes)) {
                let field = field.unwrap();
                if field.name() == "PTX" {
                    for c in ControlSequences::new(field.data) {
                        if let Some(run) = c.unwrap().text() {
                            Encoding::Ebcdic500.decode_into(run, &mut text);
                        }
                    }
                }
            }
            let want = format!("Letter {id} page {} of {}", n + 1, pages.len());
            assert!(text.contains(&want), "{want:?} not in {text:?}");
            checked += 1;
        }
    }
    assert_eq!(checked, 29);
}

// ---- edits: documents made of page groups ----

/// The example AFP job (FOP, every group with its IMM) with the groups
/// in reverse order, each group's pages reversed and a blank page after
/// each: every input page comes out once, byte for byte, in the new order;
/// the head and tail are the input's.
#[test]
fn page_groups_are_reordered_and_their_pages_reversed() {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/jobs/afp-letters/letters.afp"),
    )
    .unwrap();
    let index = AfpIndex::build(&bytes).unwrap();
    let document = GroupedDocument::new(&bytes, &index).unwrap();
    let n = document.groups().len();
    assert_eq!(n, 40);
    let mut out = DocumentWriter::new(document.clone(), Vec::new()).unwrap();
    let mut expected_pages = Vec::new();
    for g in (0..n).rev() {
        let group = document.group(g).unwrap();
        let mut pages = Vec::new();
        for page in group.pages.clone().rev() {
            pages.push(GroupPage::Input { page, added: &[] });
            pages.push(GroupPage::Blank { like: page });
            expected_pages.push(Some(page));
            expected_pages.push(None);
        }
        out.write_group(g, &pages).unwrap();
    }
    let written = out.page_count();
    let output = out.finish().unwrap();
    let again = AfpIndex::build(&output).unwrap();
    assert_eq!(again.pages.len() as u64, written);
    assert_eq!(again.pages.len(), 2 * index.pages.len());
    let ids = |index: &AfpIndex| -> Vec<String> {
        index
            .page_groups
            .iter()
            .map(|g| index.group_tles(g).next().unwrap().value.to_owned())
            .collect()
    };
    let mut reversed = ids(&index);
    reversed.reverse();
    assert_eq!(ids(&again), reversed);
    for (page, want) in again.pages.iter().zip(&expected_pages) {
        match want {
            Some(p) => assert_eq!(page.bytes(&output), index.pages[*p as usize].bytes(&bytes)),
            None => {
                assert_eq!(page.name(), "BLANK");
                assert!(page.geometry.is_some());
            }
        }
    }
    let head = index.page_groups[0].offset as usize;
    assert_eq!(output[..head], bytes[..head]);
    let tail = bytes.len() - index.page_groups[n - 1].end as usize;
    assert_eq!(output[output.len() - tail..], bytes[bytes.len() - tail..]);
}

/// The FOP fixture invokes medium maps in most groups but not in G0007
/// (its 7th group): reordered, G0007 would print with whatever medium map
/// the group before it left.
#[test]
fn groups_that_rely_on_anothers_medium_map_cannot_be_reordered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fop");
    let bytes = std::fs::read(dir.join("letters.afp")).unwrap();
    let index = AfpIndex::build(&bytes).unwrap();
    let e = GroupedDocument::new(&bytes, &index).unwrap_err();
    let g7 = &index.page_groups[6];
    assert_eq!(
        index.group_tles(g7).next().unwrap().value,
        "G0007",
        "the XSL-FO gives G0007 no IMM"
    );
    assert!(
        matches!(&e, EditError::MediumMap { offset, group, .. } if *offset == g7.offset && *group == g7.name()),
        "{e}"
    );
    // An IMM after a group's first page would switch sheets inside the piece.
    let mut b = sf(BDT, b"");
    b.extend(sf(BNG, b"\xC7\xF0"));
    b.extend(sf(BPG, b""));
    b.extend(sf(EPG, b""));
    b.extend(sf(IMM, b"\xD4\xD4\xF1\x40\x40\x40\x40\x40"));
    b.extend(sf(BPG, b""));
    b.extend(sf(EPG, b""));
    b.extend(sf(ENG, b""));
    b.extend(sf(EDT, b""));
    let index = AfpIndex::build(&b).unwrap();
    let e = GroupedDocument::new(&b, &index).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("IMM at byte 38 in page group G0: it stands after"),
        "{e}"
    );
}

/// A group nested first in its parent keeps the parent's pages in order:
/// reversed, pages would leave the nested group.
#[test]
fn a_nested_group_pins_its_parents_page_order() {
    let mut b = sf(BDT, b"");
    b.extend(sf(BNG, b"\xD6"));
    let nested = b.len() as u64;
    b.extend(sf(BNG, b"\xD5"));
    for _ in 0..2 {
        b.extend(sf(BPG, b""));
        b.extend(sf(EPG, b""));
    }
    b.extend(sf(ENG, b""));
    b.extend(sf(BPG, b""));
    b.extend(sf(EPG, b""));
    b.extend(sf(ENG, b""));
    b.extend(sf(EDT, b""));
    let index = AfpIndex::build(&b).unwrap();
    assert_eq!(index.page_groups[0].interleaved, Some(nested));
    assert_eq!(index.page_groups[1].interleaved, None);
    let document = GroupedDocument::new(&b, &index).unwrap();
    let mut out = DocumentWriter::new(document, Vec::new()).unwrap();
    let input = |page| GroupPage::Input { page, added: &[] };
    let e = out
        .write_group(0, &[input(2), input(1), input(0)])
        .unwrap_err();
    assert!(
        matches!(e, EditError::Interleaved { at, .. } if at == nested),
        "{e}"
    );
    out.write_group(0, &[input(0), input(1), input(2)]).unwrap();
    assert_eq!(out.finish().unwrap(), b);
}

#[test]
fn edits_that_would_lose_or_misplace_pages_are_refused() {
    let page = |b: &mut Vec<u8>| {
        b.extend(sf(BPG, b""));
        b.extend(sf(EPG, b""));
    };
    // Group 0: two pages with a TLE between them; group 1: one page;
    // a NOP between the groups.
    let mut b = sf(BDT, b"");
    b.extend(sf(BNG, b"\xC7\xF0"));
    page(&mut b);
    let tle_at = b.len() as u64;
    b.extend(sf(TLE, &tle_data(b"\xC1", b"\xC2", None)));
    page(&mut b);
    b.extend(sf(ENG, b""));
    b.extend(sf(NOP, b"between"));
    b.extend(sf(BNG, b"\xC7\xF1"));
    page(&mut b);
    b.extend(sf(ENG, b""));
    b.extend(sf(EDT, b""));
    let index = AfpIndex::build(&b).unwrap();
    let document = GroupedDocument::new(&b, &index).unwrap();
    let mut out = DocumentWriter::new(document.clone(), Vec::new()).unwrap();
    let input = |page| GroupPage::Input { page, added: &[] };
    let e = out.write_group(0, &[input(1), input(0)]).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "page group G0 at byte 9: its pages cannot be reordered, the field at byte {tle_at} stands between them"
        )
    );
    let e = out.write_group(0, &[input(0)]).unwrap_err();
    assert!(matches!(e, EditError::NotWhole { .. }), "{e}");
    let e = out.write_group(1, &[input(2), input(2)]).unwrap_err();
    assert!(matches!(e, EditError::NotWhole { .. }), "{e}");
    assert!(matches!(out.copy_group(2), Err(EditError::NoSuchGroup(2))));
    // In their own order the IMM stays between the pages; the NOP between
    // the groups travels with group 1, written first here.
    let mut out = DocumentWriter::new(document, Vec::new()).unwrap();
    out.copy_group(1).unwrap();
    out.write_group(0, &[input(0), input(1)]).unwrap();
    let output = out.finish().unwrap();
    let f = fields(&output);
    assert_eq!(
        names(&f),
        [
            "BDT", "NOP", "BNG", "BPG", "EPG", "ENG", "BNG", "BPG", "EPG", "TLE", "BPG", "EPG",
            "ENG", "EDT"
        ]
    );
    assert_eq!(output.len(), b.len());

    // What cannot be cut into groups at all.
    let mut two = b.clone();
    two.extend(sf(BDT, b""));
    two.extend(sf(EDT, b""));
    let index = AfpIndex::build(&two).unwrap();
    let e = GroupedDocument::new(&two, &index).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the file holds 2 documents; page groups are taken from exactly one"
    );
    let mut loose = sf(BDT, b"");
    page(&mut loose);
    loose.extend(sf(EDT, b""));
    let index = AfpIndex::build(&loose).unwrap();
    let e = GroupedDocument::new(&loose, &index).unwrap_err();
    assert_eq!(e.to_string(), "the page at byte 9 is in no page group");
    let mut between = sf(BDT, b"");
    for _ in 0..2 {
        between.extend(sf(BNG, b""));
        page(&mut between);
        between.extend(sf(ENG, b""));
        if between.len() < 60 {
            between.extend(sf(IMM, b"\xD4\xD4\xF1\x40\x40\x40\x40\x40"));
        }
    }
    between.extend(sf(EDT, b""));
    let index = AfpIndex::build(&between).unwrap();
    let e = GroupedDocument::new(&between, &index).unwrap_err();
    assert_eq!(
        e.to_string(),
        "IMM at byte 45 stands between two page groups; groups cannot be reordered around it"
    );
}

/// Segmented fields: the flag X'20' continues the data in the next field
/// of the same identifier (built by hand; the corpus has none).
#[test]
fn segmented_fields_are_joined_and_broken_chains_named() {
    let segment = |id: [u8; 3], flags: u8, data: &[u8]| {
        let mut b = sf(id, data);
        b[6] = flags;
        b
    };
    let ocd = [0xD3, 0xEE, 0x92];
    let mut b = sf(NOP, b"n");
    b.extend(segment(ocd, 0x20, b"abc"));
    b.extend(segment(ocd, 0x20, b"def"));
    b.extend(segment(ocd, 0x00, b"gh"));
    b.extend(sf(NOP, b"m"));
    let joined: Vec<_> = StructuredFields::new(&b)
        .assembled()
        .collect::<Result<_, _>>()
        .unwrap();
    let summary: Vec<_> = joined
        .iter()
        .map(|f| (f.first.name(), f.segments, f.data.to_vec()))
        .collect();
    assert_eq!(
        summary,
        [
            ("NOP", 1, b"n".to_vec()),
            ("OCD", 3, b"abcdefgh".to_vec()),
            ("NOP", 1, b"m".to_vec())
        ]
    );
    assert_eq!(joined[1].first.offset, 10);
    // Another field where the next segment should be.
    let mut b = segment(ocd, 0x20, b"abc");
    b.extend(sf(NOP, b""));
    let e = StructuredFields::new(&b)
        .assembled()
        .last()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "segmented field at byte 12: NOP continues the segmented OCD from byte 0"
    );
    // The input ends inside the chain.
    let b = segment(ocd, 0x20, b"abc");
    let e = StructuredFields::new(&b)
        .assembled()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "segmented field at byte 0: OCD is segmented but the input ends after 1 segments"
    );
}

/// The example job's pages as `make-job.py` laid them out: Süd's OMR bars
/// (rules 12 mm long, 0.5 mm thick at x 6 mm, centred on 110 + k · 3.175
/// mm) on every sheet front only, no text left of x 22 mm, and a footer
/// whose baseline lies near y 285 mm on every page.
#[test]
fn page_ink_finds_the_example_jobs_rules_and_text_starts() {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/jobs/afp-letters/letters.afp"),
    )
    .unwrap();
    let index = AfpIndex::build(&bytes).unwrap();
    let mut rules = 0;
    for group in &index.page_groups {
        for (n, page) in index.group_pages(group).iter().enumerate() {
            let ink = tandem_afp::page_ink(page.bytes(&bytes), page.text_units().unwrap()).unwrap();
            let (page_rules, text): (Vec<tandem_afp::InkMark>, Vec<tandem_afp::InkMark>) = ink
                .iter()
                .partition(|m| m.kind == tandem_afp::InkKind::Rule);
            // Fronts are the odd pages of a letter (duplex).
            assert_eq!(page_rules.is_empty(), n % 2 == 1, "page {n}");
            for r in &page_rules {
                assert!(
                    (r.x - 6.0).abs() < 0.11 && (r.width - 12.0).abs() < 0.11,
                    "{r:?}"
                );
                assert!((r.height - 0.5).abs() < 0.11, "{r:?}");
                let track = (r.y + r.height / 2.0 - 110.0) / 3.175;
                assert!(
                    (track - track.round()).abs() < 0.05 && (0.0..7.0).contains(&track),
                    "{r:?}"
                );
            }
            rules += page_rules.len();
            assert!(text.iter().all(|t| t.x >= 22.0), "{text:?}");
            assert!(
                text.iter()
                    .any(|t| (283.0..288.0).contains(&(t.y + t.height))),
                "a footer on page {n}: {text:?}"
            );
        }
    }
    // make-job.py reports 328 OMR bars.
    assert_eq!(rules, 328);
}

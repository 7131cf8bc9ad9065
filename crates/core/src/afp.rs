//! AFP print files at a glance: what `tandem inspect` and
//! `tandem afp-resources` report, built on `tandem-afp`'s reader.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use tandem_afp::{AfpFile, IndexOptions, ResourceInventory, StructuredFields, bundle_hash};
use tandem_linedata::Encoding;

use crate::CoreError;

/// A summary of an AFP file: its structure, TLEs and resources.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AfpSummary {
    /// Size of the file in bytes.
    pub bytes: u64,
    /// Structured fields in the file.
    pub fields: u64,
    /// Fields per acronym (`unknown` for ids without one).
    pub by_name: BTreeMap<&'static str, u64>,
    /// Documents (BDT…EDT).
    pub documents: Vec<DocumentSummary>,
    /// Named page groups (BNG…ENG): in production one per mail piece.
    pub page_groups: Vec<GroupSummary>,
    /// Pages (BPG…EPG).
    pub pages: Vec<PageSummary>,
    /// Medium maps invoked (IMM), with the first page they apply to.
    pub medium_maps: Vec<String>,
    /// Includes (IPS, IPO, IOB) by kind and name.
    pub includes: Vec<String>,
    /// NOP fields.
    pub nops: u64,
    /// Tag logical elements, name and value decoded (see [`inspect_afp`]).
    pub tles: Vec<Tle>,
    /// Resources referenced, by kind and name.
    pub referenced: Vec<String>,
    /// Resources carried inline, by kind and name, with SHA-256.
    pub inline: Vec<String>,
    /// References that no inline resource satisfies.
    pub missing_inline: Vec<String>,
}

/// One document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentSummary {
    /// Its name.
    pub name: String,
    /// Byte offset of its BDT.
    pub offset: u64,
    /// Its pages.
    pub pages: u32,
    /// Its page groups.
    pub page_groups: u32,
}

/// One page group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupSummary {
    /// Its name.
    pub name: String,
    /// Byte offset of its BNG.
    pub offset: u64,
    /// Nesting level (0 = directly in the document).
    pub depth: u16,
    /// First page, 1-based in the file.
    pub first_page: u32,
    /// Its pages.
    pub pages: u32,
    /// Its TLEs as `name = value`.
    pub tles: Vec<String>,
}

/// One page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PageSummary {
    /// Byte offset of its BPG.
    pub offset: u64,
    /// Its page group (index into `page_groups`), if any.
    pub page_group: Option<u32>,
    /// Width and height in mm from its PGD, if it has one.
    pub size_mm: Option<(f64, f64)>,
}

/// One TLE.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tle {
    /// Byte offset of the TLE field.
    pub offset: u64,
    /// Attribute name.
    pub name: String,
    /// Attribute value.
    pub value: String,
}

fn afp_error(path: &Path) -> impl Fn(tandem_afp::AfpError) -> CoreError + '_ {
    move |source| CoreError::Afp {
        path: path.to_owned(),
        source,
    }
}

/// Reads an AFP file (memory-mapped) and summarises it. TLE texts are
/// decoded in the code page their CGCSGID triplet names, else in
/// `encoding` (EBCDIC 500, 273 or 1141, or Latin-1).
pub fn inspect_afp(path: &Path, encoding: Encoding) -> Result<AfpSummary, CoreError> {
    let bytes = AfpFile::open(path).map_err(CoreError::io(path))?;
    let index = tandem_afp::validate(
        &bytes,
        IndexOptions {
            default_code_page: encoding,
        },
    )
    .map_err(afp_error(path))?;
    let mut by_name = BTreeMap::new();
    for field in StructuredFields::new(&bytes) {
        *by_name
            .entry(field.map_err(afp_error(path))?.name())
            .or_insert(0) += 1;
    }
    let inventory = ResourceInventory::of(&bytes).map_err(afp_error(path))?;
    let round = |mm: f64| (mm * 10.0).round() / 10.0;
    Ok(AfpSummary {
        bytes: bytes.len() as u64,
        fields: index.fields,
        by_name,
        documents: index
            .documents
            .iter()
            .map(|d| DocumentSummary {
                name: d.name.clone(),
                offset: d.offset,
                pages: d.pages.end - d.pages.start,
                page_groups: d.page_groups.end - d.page_groups.start,
            })
            .collect(),
        page_groups: index
            .page_groups
            .iter()
            .map(|g| GroupSummary {
                name: g.name(),
                offset: g.offset,
                depth: g.depth,
                first_page: g.pages.start + 1,
                pages: g.pages.end - g.pages.start,
                tles: index
                    .group_tles(g)
                    .map(|t| format!("{} = {}", t.name, t.value))
                    .collect(),
            })
            .collect(),
        pages: index
            .pages
            .iter()
            .map(|p| PageSummary {
                offset: p.offset,
                page_group: p.group,
                size_mm: p
                    .geometry
                    .map(|g| (round(g.width_mm()), round(g.height_mm()))),
            })
            .collect(),
        medium_maps: index
            .medium_maps
            .iter()
            .map(|m| format!("{} from page {}", m.name(), m.next_page + 1))
            .collect(),
        includes: index
            .includes
            .iter()
            .map(|i| format!("{:?} {}", i.kind, i.name()))
            .collect(),
        nops: index.nops,
        tles: index
            .tles()
            .map(|t| Tle {
                offset: t.offset,
                name: t.name.to_owned(),
                value: t.value.to_owned(),
            })
            .collect(),
        referenced: inventory
            .referenced
            .iter()
            .map(|r| format!("{:?} {}", r.kind, r.name))
            .collect(),
        inline: inventory
            .inline
            .iter()
            .map(|r| format!("{:?} {} sha256 {}", r.kind, r.name, r.sha256))
            .collect(),
        missing_inline: inventory
            .missing_inline()
            .iter()
            .map(|r| format!("{:?} {}", r.kind, r.name))
            .collect(),
    })
}

/// What a partner's resource library lacks or holds differently for a file.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ResourceReport {
    /// Referenced, not inline and not in the library.
    pub missing: Vec<String>,
    /// Inline, and in the library under the same name with other content.
    pub differing: Vec<String>,
}

/// Compares the resources of an AFP file with a library directory (one
/// file per resource, named by it). Without a library every reference not
/// carried inline is missing.
pub fn afp_resources(path: &Path, library: Option<&Path>) -> Result<ResourceReport, CoreError> {
    let bytes = AfpFile::open(path).map_err(CoreError::io(path))?;
    let inventory = ResourceInventory::of(&bytes).map_err(afp_error(path))?;
    let lookup = |name: &str| -> Result<Option<String>, CoreError> {
        library.map_or(Ok(None), |dir| {
            bundle_hash(dir, name).map_err(CoreError::io(dir))
        })
    };
    let mut report = ResourceReport::default();
    for reference in inventory.missing_inline() {
        if lookup(&reference.name)?.is_none() {
            report
                .missing
                .push(format!("{:?} {}", reference.kind, reference.name));
        }
    }
    // A resource group lists a resource twice (envelope and object); it
    // matches when either copy does.
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for resource in &inventory.inline {
        by_name
            .entry(resource.name.as_str())
            .or_default()
            .push(resource.sha256.as_str());
    }
    for (name, hashes) in by_name {
        let theirs = lookup(name)?;
        if theirs.is_some_and(|theirs| !hashes.contains(&theirs.as_str())) {
            report.differing.push(name.to_owned());
        }
    }
    Ok(report)
}

/// The code page named on a command line: `500`, `273`, `1141` or `latin-1`.
pub fn code_page(name: &str) -> Option<Encoding> {
    match name
        .to_ascii_lowercase()
        .trim_start_matches("ebcdic-")
        .trim_start_matches("cp")
    {
        "500" => Some(Encoding::Ebcdic500),
        "273" => Some(Encoding::Ebcdic273),
        "1141" => Some(Encoding::Ebcdic1141),
        "latin-1" | "latin1" | "iso-8859-1" => Some(Encoding::Latin1),
        _ => None,
    }
}

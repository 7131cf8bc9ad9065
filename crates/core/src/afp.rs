//! AFP print files at a glance: what `tandem inspect` and
//! `tandem afp-resources` report, built on `tandem-afp`'s reader.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use tandem_afp::{ResourceInventory, StructuredFields, TagLogicalElement, bundle_hash};
use tandem_linedata::Encoding;

use crate::CoreError;

/// A summary of an AFP file: structure counts, TLEs and resources.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AfpSummary {
    /// Size of the file in bytes.
    pub bytes: u64,
    /// Structured fields in the file.
    pub fields: u64,
    /// Fields per acronym (`unknown` for ids without one).
    pub by_name: BTreeMap<&'static str, u64>,
    /// Documents (BDT).
    pub documents: u64,
    /// Named page groups (BNG): in production one per mail piece.
    pub page_groups: u64,
    /// Pages (BPG).
    pub pages: u64,
    /// Tag logical elements, name and value decoded with `encoding`.
    pub tles: Vec<Tle>,
    /// Resources referenced, by kind and name.
    pub referenced: Vec<String>,
    /// Resources carried inline, by kind and name, with SHA-256.
    pub inline: Vec<String>,
    /// References that no inline resource satisfies.
    pub missing_inline: Vec<String>,
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
    move |e| CoreError::Incompatible(format!("{}: {e}", path.display()))
}

/// Reads an AFP file and summarises it; TLE texts are decoded with
/// `encoding` (EBCDIC 500, 273 or 1141, or Latin-1).
pub fn inspect_afp(path: &Path, encoding: Encoding) -> Result<AfpSummary, CoreError> {
    let bytes = std::fs::read(path).map_err(CoreError::io(path))?;
    let mut by_name = BTreeMap::new();
    let mut tles = Vec::new();
    let mut fields = 0;
    for field in StructuredFields::new(&bytes) {
        let field = field.map_err(afp_error(path))?;
        fields += 1;
        *by_name.entry(field.name()).or_insert(0) += 1;
        let tle = match field.name() {
            "TLE" => TagLogicalElement::parse(field.data).map_err(afp_error(path))?,
            _ => None,
        };
        if let Some(tle) = tle {
            tles.push(Tle {
                offset: field.offset,
                name: encoding.decode(tle.name).trim_end().to_owned(),
                value: encoding.decode(tle.value).trim_end().to_owned(),
            });
        }
    }
    let inventory = ResourceInventory::of(&bytes).map_err(afp_error(path))?;
    let count = |name: &str| by_name.get(name).copied().unwrap_or(0);
    Ok(AfpSummary {
        bytes: bytes.len() as u64,
        fields,
        documents: count("BDT"),
        page_groups: count("BNG"),
        pages: count("BPG"),
        tles,
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
        by_name,
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
    let bytes = std::fs::read(path).map_err(CoreError::io(path))?;
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

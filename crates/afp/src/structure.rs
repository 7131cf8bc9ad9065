//! The document structure of an AFP file, indexed in one pass.
//!
//! [`AfpIndex::build`] walks the structured fields once and records where
//! documents (BDT…EDT), named page groups (BNG…ENG, in production one per
//! mail piece) and pages (BPG…EPG) begin and end, the page size from each
//! page's PGD, tag logical elements (TLE) with name and value decoded from
//! their code page, medium-map invocations (IMM), includes (IPS, IPO, IOB)
//! and NOPs. Every Begin must be closed by the End of the same category; a
//! mismatch is an error naming the byte offset of both fields.
//!
//! The index holds offsets, not copies: a page is `offset..end` of the input,
//! which is what the writer needs to copy it byte for byte.

use std::ops::Range;

use tandem_codepage::Encoding;

use crate::error::AfpError;
use crate::names::sf_name;
use crate::reader::{Framing, StructuredField, StructuredFields};
use crate::resources::decode_name;
use crate::triplet::{TagLogicalElement, Triplets};

/// Structured-field type byte of every Begin field.
const TYPE_BEGIN: u8 = 0xA8;
/// Structured-field type byte of every End field.
const TYPE_END: u8 = 0xA9;
/// Category bytes (third identifier byte).
const CATEGORY_DOCUMENT: u8 = 0xA8;
const CATEGORY_PAGE_GROUP: u8 = 0xAD;
const CATEGORY_PAGE: u8 = 0xAF;
const CATEGORY_RESOURCE_GROUP: u8 = 0xC6;
const CATEGORY_ACTIVE_ENVIRONMENT: u8 = 0xC9;
/// Triplet X'01' Coded Graphic Character Set Global Identifier.
const TRIPLET_CGCSGID: u8 = 0x01;

/// How TLE texts are decoded when the file does not say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexOptions {
    /// Code page of TLE names and values without a X'01' (CGCSGID)
    /// triplet on the TLE, its page group or its document. Code page 500 is
    /// what most producers (Apache FOP among them) write.
    pub default_code_page: Encoding,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            default_code_page: Encoding::Ebcdic500,
        }
    }
}

/// A document (BDT…EDT).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// The document name (8-character token, blanks trimmed).
    pub name: String,
    /// Byte offset of the BDT.
    pub offset: u64,
    /// Byte offset just past the EDT.
    pub end: u64,
    /// Indexes of its pages in [`AfpIndex::pages`].
    pub pages: Range<u32>,
    /// Indexes of its page groups in [`AfpIndex::page_groups`].
    pub page_groups: Range<u32>,
}

/// A named page group (BNG…ENG).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageGroup {
    /// The group name as the 8 bytes of its token (EBCDIC); see
    /// [`PageGroup::name`].
    pub token: [u8; 8],
    /// Byte offset of the BNG.
    pub offset: u64,
    /// Byte offset just past the ENG.
    pub end: u64,
    /// Nesting level: 0 for a group directly in a document.
    pub depth: u16,
    /// Index of the document in [`AfpIndex::documents`].
    pub document: u32,
    /// Indexes of its pages (nested groups' pages included).
    pub pages: Range<u32>,
    /// The range of [`AfpIndex::tles`] that holds the TLEs directly in the
    /// group (read them with [`AfpIndex::group_tles`]; TLEs of its pages may
    /// stand between them).
    pub tles: Range<u32>,
    /// Byte offset of the first field other than a NOP found between two of
    /// its pages (an IMM, TLE, …), or of a page group nested in it: such a
    /// group cannot have its pages reordered without changing what those
    /// fields apply to or which group a page is in.
    pub interleaved: Option<u64>,
}

impl PageGroup {
    /// The group name, blanks trimmed.
    pub fn name(&self) -> String {
        decode_name(&self.token)
    }
}

/// Page size and units from a page's PGD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageGeometry {
    /// Unit base: 0 = ten inches, 1 = ten centimetres.
    pub unit_base: u8,
    /// Units per unit base along X.
    pub x_units_per_base: u16,
    /// Units per unit base along Y.
    pub y_units_per_base: u16,
    /// Page width in X units.
    pub width: u32,
    /// Page height in Y units.
    pub height: u32,
}

impl PageGeometry {
    /// Millimetres per unit base.
    fn base_mm(&self) -> f64 {
        if self.unit_base == 1 { 100.0 } else { 254.0 }
    }

    /// The page width in millimetres.
    pub fn width_mm(&self) -> f64 {
        f64::from(self.width) * self.base_mm() / f64::from(self.x_units_per_base.max(1))
    }

    /// The page height in millimetres.
    pub fn height_mm(&self) -> f64 {
        f64::from(self.height) * self.base_mm() / f64::from(self.y_units_per_base.max(1))
    }
}

/// The measurement units of a page's text (from its PTD, else its PGD):
/// what positions in a presentation text object added to the page mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextUnits {
    /// Unit base: 0 = ten inches, 1 = ten centimetres.
    pub unit_base: u8,
    /// Units per unit base along X (inline).
    pub x_per_base: u16,
    /// Units per unit base along Y (baseline).
    pub y_per_base: u16,
}

impl TextUnits {
    /// Units of 1/1440 inch, what PTOCA producers commonly use.
    pub const TWIPS: TextUnits = TextUnits {
        unit_base: 0,
        x_per_base: 14_400,
        y_per_base: 14_400,
    };

    fn base_mm(&self) -> f64 {
        if self.unit_base == 1 { 100.0 } else { 254.0 }
    }

    fn units_of(&self, mm: f64, per_base: u16) -> Option<i16> {
        let units = (mm * f64::from(per_base) / self.base_mm()).round();
        (0.0..=f64::from(i16::MAX))
            .contains(&units)
            .then_some(units as i16)
    }

    /// `mm` along X in units; `None` when negative or beyond X'7FFF'.
    pub fn x(&self, mm: f64) -> Option<i16> {
        self.units_of(mm, self.x_per_base)
    }

    /// `mm` along Y in units; `None` when negative or beyond X'7FFF'.
    pub fn y(&self, mm: f64) -> Option<i16> {
        self.units_of(mm, self.y_per_base)
    }

    /// X units per ten inches (what OBD and BDD fields take).
    pub fn x_per_10_inches(&self) -> u16 {
        if self.unit_base == 1 {
            (f64::from(self.x_per_base) * 2.54).round() as u16
        } else {
            self.x_per_base
        }
    }
}

/// A page (BPG…EPG).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// The page name as the 8 bytes of its token (EBCDIC); see
    /// [`Page::name`].
    pub token: [u8; 8],
    /// Byte offset of the BPG.
    pub offset: u64,
    /// Byte offset of the EPG: content added to the page goes here.
    pub end_offset: u64,
    /// Byte offset just past the EPG.
    pub end: u64,
    /// Index of the innermost page group, if any.
    pub group: Option<u32>,
    /// Size and units from the page's PGD, if it has one.
    pub geometry: Option<PageGeometry>,
    /// Text units from the page's PTD, if it has one.
    pub text: Option<TextUnits>,
}

impl Page {
    /// The page name, blanks trimmed.
    pub fn name(&self) -> String {
        decode_name(&self.token)
    }

    /// The page's bytes from BPG to EPG inclusive.
    pub fn bytes<'a>(&self, input: &'a [u8]) -> &'a [u8] {
        slice(input, self.offset..self.end)
    }

    /// The page's bytes from BPG up to (not including) its EPG.
    pub fn content<'a>(&self, input: &'a [u8]) -> &'a [u8] {
        slice(input, self.offset..self.end_offset)
    }

    /// The page's EPG field.
    pub fn end_field<'a>(&self, input: &'a [u8]) -> &'a [u8] {
        slice(input, self.end_offset..self.end)
    }

    /// The units a presentation text object added to this page is measured
    /// in: the page's PTD, else its PGD; `None` when it has neither.
    pub fn text_units(&self) -> Option<TextUnits> {
        self.text.or(self.geometry.map(|g| TextUnits {
            unit_base: g.unit_base,
            x_per_base: g.x_units_per_base,
            y_per_base: g.y_units_per_base,
        }))
    }

    /// The data of the page's PGD field (for a blank page of the same size).
    pub fn descriptor<'a>(&self, input: &'a [u8]) -> Option<&'a [u8]> {
        StructuredFields::new(self.content(input))
            .map_while(Result::ok)
            .find(|f| f.name() == "PGD")
            .map(|f| f.data)
    }
}

/// Where a TLE stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TleScope {
    /// In a page, by index.
    Page(u32),
    /// In a page group (outside its pages), by index.
    PageGroup(u32),
    /// In a document outside page groups and pages, by index.
    Document(u32),
    /// Elsewhere (e.g. in a resource).
    Other,
}

/// A tag logical element with decoded name and value, borrowed from the
/// index (see [`AfpIndex::tles`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tle<'a> {
    /// Byte offset of the TLE field.
    pub offset: u64,
    /// Attribute name.
    pub name: &'a str,
    /// Attribute value.
    pub value: &'a str,
    /// Where it stands.
    pub scope: TleScope,
}

/// A TLE as the index keeps it: the name interned, the value a range of
/// one text buffer, so that a million TLEs cost no million allocations.
#[derive(Clone, Debug, PartialEq, Eq)]
struct TleEntry {
    offset: u64,
    name: u32,
    value: (u32, u32),
    scope: TleScope,
}

/// An Invoke Medium Map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediumMapInvocation {
    /// Byte offset of the IMM.
    pub offset: u64,
    /// The medium map's name as its 8-byte token; see
    /// [`MediumMapInvocation::name`].
    pub token: [u8; 8],
    /// Index of the first page it applies to (the next page after it).
    pub next_page: u32,
}

impl MediumMapInvocation {
    /// The medium map's name, blanks trimmed.
    pub fn name(&self) -> String {
        decode_name(&self.token)
    }
}

/// What an include field brings onto a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncludeKind {
    /// IPS: a page segment.
    PageSegment,
    /// IPO: an overlay.
    PageOverlay,
    /// IOB: an object (image, graphics, bar code, container).
    Object,
}

/// An include (IPS, IPO or IOB).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    /// Byte offset of the field.
    pub offset: u64,
    /// Which include.
    pub kind: IncludeKind,
    /// The included resource's name as its 8-byte token; see
    /// [`Include::name`].
    pub token: [u8; 8],
    /// The page it is on, if any.
    pub page: Option<u32>,
}

impl Include {
    /// The included resource's name, blanks trimmed.
    pub fn name(&self) -> String {
        decode_name(&self.token)
    }
}

/// The structure of an AFP file: documents, page groups, pages and what
/// stands in them, as byte offsets into the input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AfpIndex {
    /// How the records are framed.
    pub framing: Option<Framing>,
    /// Size of the input in bytes.
    pub bytes: u64,
    /// Structured fields read.
    pub fields: u64,
    /// Fields whose identifier has no acronym in [`sf_name`] (kept by the
    /// writer, counted here).
    pub unknown_fields: u64,
    /// Documents in file order.
    pub documents: Vec<Document>,
    /// Page groups in the order of their BNG.
    pub page_groups: Vec<PageGroup>,
    /// Pages in file order.
    pub pages: Vec<Page>,
    /// TLEs in file order (read them with [`AfpIndex::tles`]).
    tle_entries: Vec<TleEntry>,
    /// Interned TLE names.
    tle_names: Vec<String>,
    /// The decoded TLE values, one after the other.
    tle_text: String,
    /// Medium-map invocations in file order.
    pub medium_maps: Vec<MediumMapInvocation>,
    /// Includes in file order.
    pub includes: Vec<Include>,
    /// NOP fields.
    pub nops: u64,
    /// Resource groups (BRG).
    pub resource_groups: u64,
}

/// An open Begin field.
#[derive(Clone, Copy, Debug)]
struct Open {
    category: u8,
    offset: u64,
    id: [u8; 3],
    /// Index into documents / page groups / pages for those categories.
    index: u32,
    /// Code page set by a CGCSGID triplet on this Begin, if any.
    code_page: Option<Encoding>,
}

impl AfpIndex {
    /// Indexes `bytes` with the default options (TLEs in code page 500
    /// unless the file names another).
    pub fn build(bytes: &[u8]) -> Result<AfpIndex, AfpError> {
        Self::build_with(bytes, IndexOptions::default())
    }

    /// Indexes `bytes`.
    pub fn build_with(bytes: &[u8], options: IndexOptions) -> Result<AfpIndex, AfpError> {
        let mut builder = Builder {
            index: AfpIndex {
                bytes: bytes.len() as u64,
                ..AfpIndex::default()
            },
            options,
            stack: Vec::new(),
            page: None,
            groups: Vec::new(),
            between_pages: None,
            tle_names: std::collections::HashMap::new(),
            scratch: String::new(),
        };
        let fields = StructuredFields::new(bytes);
        builder.index.framing = Some(fields.framing());
        for field in fields {
            builder.field(&field?)?;
        }
        builder.finish()
    }

    /// Every TLE in file order.
    pub fn tles(&self) -> impl ExactSizeIterator<Item = Tle<'_>> + '_ {
        self.tle_entries.iter().map(|t| self.tle(t))
    }

    /// The TLEs of a page group (directly in it, not in its pages).
    pub fn group_tles(&self, group: &PageGroup) -> impl Iterator<Item = Tle<'_>> + '_ {
        let range = group.tles.start as usize..group.tles.end as usize;
        let offset = group.offset;
        self.tle_entries
            .get(range)
            .unwrap_or(&[])
            .iter()
            .filter(move |t| {
                // A group is known by its offset: TLEs of its pages and of
                // nested groups stand in the same range.
                matches!(t.scope, TleScope::PageGroup(g)
                    if self.page_groups.get(g as usize).is_some_and(|g| g.offset == offset))
            })
            .map(|t| self.tle(t))
    }

    fn tle(&self, t: &TleEntry) -> Tle<'_> {
        let (start, end) = (t.value.0 as usize, t.value.1 as usize);
        Tle {
            offset: t.offset,
            name: self
                .tle_names
                .get(t.name as usize)
                .map_or("", String::as_str),
            value: self.tle_text.get(start..end).unwrap_or(""),
            scope: t.scope,
        }
    }

    /// The pages of a page group.
    pub fn group_pages(&self, group: &PageGroup) -> &[Page] {
        let range = group.pages.start as usize..group.pages.end as usize;
        self.pages.get(range).unwrap_or(&[])
    }
}

struct Builder {
    index: AfpIndex,
    options: IndexOptions,
    stack: Vec<Open>,
    /// Index of the open page.
    page: Option<u32>,
    /// Indexes of the open page groups, innermost last.
    groups: Vec<u32>,
    /// A non-NOP field seen in the innermost group since its last EPG.
    between_pages: Option<u64>,
    /// Interned TLE names and their numbers.
    tle_names: std::collections::HashMap<String, u32>,
    /// Reused for decoding TLE names.
    scratch: String,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn slice(input: &[u8], range: Range<u64>) -> &[u8] {
    let start = usize::try_from(range.start).unwrap_or(usize::MAX);
    let end = usize::try_from(range.end).unwrap_or(usize::MAX);
    input.get(start..end).unwrap_or(&[])
}

impl Builder {
    fn field(&mut self, f: &StructuredField<'_>) -> Result<(), AfpError> {
        self.index.fields += 1;
        if f.name() == "unknown" {
            self.index.unknown_fields += 1;
        }
        if f.id[0] != 0xD3 {
            return Ok(());
        }
        match f.id[1] {
            TYPE_BEGIN => self.begin(f),
            TYPE_END => self.end(f),
            _ => self.other(f),
        }
    }

    fn bad(f: &StructuredField<'_>, what: impl Into<String>) -> AfpError {
        AfpError::BadField {
            offset: f.offset,
            field: f.name(),
            what: what.into(),
        }
    }

    /// The code page a CGCSGID triplet in `triplets` names, if any.
    fn code_page(f: &StructuredField<'_>, triplets: &[u8]) -> Result<Option<Encoding>, AfpError> {
        for t in Triplets::new(triplets) {
            let t = t.map_err(|e| Self::bad(f, e.to_string()))?;
            if t.id == TRIPLET_CGCSGID && t.data.len() >= 4 {
                // GCSGID + CPGID, or X'0000' + CCSID: for the code pages we
                // know, CCSID and CPGID have the same number.
                let cpgid = u16::from_be_bytes([t.data[2], t.data[3]]);
                return Encoding::from_cpgid(cpgid).map(Some).ok_or(
                    AfpError::UnsupportedCodePage {
                        offset: f.offset,
                        cpgid,
                    },
                );
            }
        }
        Ok(None)
    }

    /// Triplets after the 8-byte name and 2 reserved bytes of a Begin.
    fn begin_triplets<'a>(f: &StructuredField<'a>) -> &'a [u8] {
        f.data.get(10..).unwrap_or(&[])
    }

    fn token(f: &StructuredField<'_>) -> [u8; 8] {
        let mut token = [0x40; 8];
        let n = f.data.len().min(8);
        token[..n].copy_from_slice(&f.data[..n]);
        token
    }

    fn begin(&mut self, f: &StructuredField<'_>) -> Result<(), AfpError> {
        let category = f.id[2];
        let mut index = 0;
        let mut code_page = None;
        match category {
            CATEGORY_DOCUMENT => {
                code_page = Self::code_page(f, Self::begin_triplets(f))?;
                index = count(self.index.documents.len());
                self.index.documents.push(Document {
                    name: decode_name(&Self::token(f)),
                    offset: f.offset,
                    end: f.offset,
                    pages: count(self.index.pages.len())..count(self.index.pages.len()),
                    page_groups: count(self.index.page_groups.len())
                        ..count(self.index.page_groups.len()),
                });
            }
            CATEGORY_PAGE_GROUP => {
                if let Some(page) = self.page {
                    return Err(self.misplaced(f, "page", page));
                }
                // A group inside a group pins its parent's page order: its
                // pages must stay inside it.
                for &parent in &self.groups {
                    self.index.page_groups[parent as usize]
                        .interleaved
                        .get_or_insert(f.offset);
                }
                code_page = Self::code_page(f, Self::begin_triplets(f))?;
                index = count(self.index.page_groups.len());
                let pages = count(self.index.pages.len());
                let tles = count(self.index.tle_entries.len());
                self.index.page_groups.push(PageGroup {
                    token: Self::token(f),
                    offset: f.offset,
                    end: f.offset,
                    depth: u16::try_from(self.groups.len()).unwrap_or(u16::MAX),
                    document: count(self.index.documents.len()).saturating_sub(1),
                    pages: pages..pages,
                    tles: tles..tles,
                    interleaved: None,
                });
                self.groups.push(index);
                self.between_pages = None;
            }
            CATEGORY_PAGE => {
                if let Some(page) = self.page {
                    return Err(self.misplaced(f, "page", page));
                }
                if let (Some(&group), Some(at)) = (self.groups.last(), self.between_pages) {
                    let group = &mut self.index.page_groups[group as usize];
                    if group.pages.end > group.pages.start {
                        group.interleaved.get_or_insert(at);
                    }
                }
                self.between_pages = None;
                index = count(self.index.pages.len());
                self.index.pages.push(Page {
                    token: Self::token(f),
                    offset: f.offset,
                    end_offset: f.offset,
                    end: f.offset,
                    group: self.groups.last().copied(),
                    geometry: None,
                    text: None,
                });
                self.page = Some(index);
            }
            CATEGORY_RESOURCE_GROUP => {
                self.index.resource_groups += 1;
                self.note_between(f);
            }
            _ => self.note_between(f),
        }
        self.stack.push(Open {
            category,
            offset: f.offset,
            id: f.id,
            index,
            code_page,
        });
        Ok(())
    }

    fn misplaced(&self, f: &StructuredField<'_>, inside: &str, index: u32) -> AfpError {
        let at = match inside {
            "page" => self.index.pages[index as usize].offset,
            _ => 0,
        };
        AfpError::Unbalanced {
            offset: f.offset,
            what: format!("{} inside the {inside} opened at byte {at}", f.name()),
        }
    }

    fn end(&mut self, f: &StructuredField<'_>) -> Result<(), AfpError> {
        let category = f.id[2];
        let Some(open) = self.stack.pop() else {
            return Err(AfpError::Unbalanced {
                offset: f.offset,
                what: format!("{} without a matching Begin", f.name()),
            });
        };
        if open.category != category {
            return Err(AfpError::Unbalanced {
                offset: f.offset,
                what: format!(
                    "{} closes the {} opened at byte {}",
                    f.name(),
                    sf_name(open.id),
                    open.offset
                ),
            });
        }
        let end = f.offset + f.raw.len() as u64;
        let pages = count(self.index.pages.len());
        match category {
            CATEGORY_DOCUMENT => {
                let document = &mut self.index.documents[open.index as usize];
                document.end = end;
                document.pages.end = pages;
                document.page_groups.end = count(self.index.page_groups.len());
            }
            CATEGORY_PAGE_GROUP => {
                let group = &mut self.index.page_groups[open.index as usize];
                group.end = end;
                group.pages.end = pages;
                self.groups.pop();
                // The closed group is a field between pages of its parent.
                self.between_pages = None;
                self.note_between(f);
            }
            CATEGORY_PAGE => {
                let page = &mut self.index.pages[open.index as usize];
                page.end_offset = f.offset;
                page.end = end;
                self.page = None;
                if let Some(&group) = self.groups.last() {
                    self.index.page_groups[group as usize].pages.end = pages;
                }
                self.between_pages = None;
            }
            _ => {}
        }
        Ok(())
    }

    /// Records that a field other than a NOP stands in a group outside its
    /// pages.
    fn note_between(&mut self, f: &StructuredField<'_>) {
        if self.page.is_none() && !self.groups.is_empty() && self.between_pages.is_none() {
            self.between_pages = Some(f.offset);
        }
    }

    /// The code page for a TLE: its own triplet, else the innermost Begin
    /// that set one, else the default.
    fn tle_code_page(&self, own: Option<Encoding>) -> Encoding {
        own.or_else(|| self.stack.iter().rev().find_map(|o| o.code_page))
            .unwrap_or(self.options.default_code_page)
    }

    fn other(&mut self, f: &StructuredField<'_>) -> Result<(), AfpError> {
        let in_page = self.page;
        match f.name() {
            "NOP" => {
                self.index.nops += 1;
                return Ok(());
            }
            "TLE" => {
                let tle = TagLogicalElement::parse(f.data)
                    .map_err(|e| Self::bad(f, e.to_string()))?
                    .ok_or_else(|| Self::bad(f, "no attribute name or value triplet"))?;
                let encoding = self.tle_code_page(Self::code_page(f, f.data)?);
                let scope = match (in_page, self.groups.last(), self.stack.last()) {
                    (Some(page), _, _) => TleScope::Page(page),
                    (None, Some(&group), Some(open)) if open.category == CATEGORY_PAGE_GROUP => {
                        TleScope::PageGroup(group)
                    }
                    (None, _, Some(open)) if open.category == CATEGORY_DOCUMENT => {
                        TleScope::Document(open.index)
                    }
                    _ => TleScope::Other,
                };
                if let TleScope::PageGroup(group) = scope {
                    let group = &mut self.index.page_groups[group as usize];
                    // The group's TLEs lie in this range, mixed with those of
                    // its pages and nested groups when they come between.
                    group.tles.end = count(self.index.tle_entries.len()) + 1;
                }
                self.scratch.clear();
                encoding.decode_into(tle.name, &mut self.scratch);
                let name = self.scratch.trim_end();
                let next = count(self.tle_names.len());
                let name = match self.tle_names.get(name) {
                    Some(&number) => number,
                    None => {
                        self.tle_names.insert(name.to_owned(), next);
                        self.index.tle_names.push(name.to_owned());
                        next
                    }
                };
                let text = &mut self.index.tle_text;
                let start = text.len();
                encoding.decode_into(tle.value, text);
                text.truncate(start + text[start..].trim_end().len());
                let value = match (u32::try_from(start), u32::try_from(text.len())) {
                    (Ok(start), Ok(end)) => (start, end),
                    _ => return Err(Self::bad(f, "more than 4 GB of TLE text in one file")),
                };
                self.index.tle_entries.push(TleEntry {
                    offset: f.offset,
                    name,
                    value,
                    scope,
                });
            }
            "IMM" => {
                if f.data.len() < 8 {
                    return Err(Self::bad(f, "shorter than the 8-byte medium map name"));
                }
                self.index.medium_maps.push(MediumMapInvocation {
                    offset: f.offset,
                    token: Self::token(f),
                    next_page: count(self.index.pages.len()),
                });
            }
            "IPS" | "IPO" | "IOB" => {
                let kind = match f.name() {
                    "IPS" => IncludeKind::PageSegment,
                    "IPO" => IncludeKind::PageOverlay,
                    _ => IncludeKind::Object,
                };
                if f.data.len() < 8 {
                    return Err(Self::bad(f, "shorter than the 8-byte resource name"));
                }
                self.index.includes.push(Include {
                    offset: f.offset,
                    kind,
                    token: Self::token(f),
                    page: in_page,
                });
            }
            "PGD" => {
                if let (Some(page), Some(open)) = (in_page, self.stack.last())
                    && open.category == CATEGORY_ACTIVE_ENVIRONMENT
                {
                    let d = f.data;
                    if d.len() < 12 {
                        return Err(Self::bad(
                            f,
                            format!("{} bytes, a page descriptor needs 12", d.len()),
                        ));
                    }
                    let u24 = |at: usize| u32::from_be_bytes([0, d[at], d[at + 1], d[at + 2]]);
                    self.index.pages[page as usize].geometry = Some(PageGeometry {
                        unit_base: d[0],
                        x_units_per_base: u16::from_be_bytes([d[2], d[3]]),
                        y_units_per_base: u16::from_be_bytes([d[4], d[5]]),
                        width: u24(6),
                        height: u24(9),
                    });
                }
            }
            "PTD" => {
                if let (Some(page), Some(open)) = (in_page, self.stack.last())
                    && open.category == CATEGORY_ACTIVE_ENVIRONMENT
                {
                    let d = f.data;
                    if d.len() < 6 {
                        return Err(Self::bad(
                            f,
                            format!("{} bytes, a text descriptor needs 6", d.len()),
                        ));
                    }
                    self.index.pages[page as usize].text = Some(TextUnits {
                        unit_base: d[0],
                        x_per_base: u16::from_be_bytes([d[2], d[3]]),
                        y_per_base: u16::from_be_bytes([d[4], d[5]]),
                    });
                }
            }
            _ => {}
        }
        if f.name() != "TLE" || in_page.is_none() {
            self.note_between(f);
        }
        Ok(())
    }

    fn finish(self) -> Result<AfpIndex, AfpError> {
        if let Some(open) = self.stack.last() {
            return Err(AfpError::Unbalanced {
                offset: open.offset,
                what: format!("{} is never closed", sf_name(open.id)),
            });
        }
        Ok(self.index)
    }
}

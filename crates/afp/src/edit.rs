//! New documents made of an input's page groups: the edits a redirect
//! needs — pick page groups in any order (presort, runs, reprints), reorder
//! pages within a group (address-last folds), add fields to a page, add
//! blank backs — with every input field copied byte for byte.
//!
//! ```
//! use tandem_afp::{AfpIndex, AfpWriter, DocumentWriter, GroupPage, GroupedDocument};
//!
//! // BDT, two page groups of one page each, EDT: written in reverse.
//! let sf = |id: [u8; 3]| {
//!     let mut w = AfpWriter::new(Vec::new());
//!     w.field(id, b"").unwrap();
//!     w.into_inner().unwrap()
//! };
//! let (bng, eng, bpg, epg) = ([0xD3, 0xA8, 0xAD], [0xD3, 0xA9, 0xAD], [0xD3, 0xA8, 0xAF], [0xD3, 0xA9, 0xAF]);
//! let parts = [[0xD3, 0xA8, 0xA8], bng, bpg, epg, eng, bng, bpg, epg, eng, [0xD3, 0xA9, 0xA8]];
//! let input: Vec<u8> = parts.iter().flat_map(|&id| sf(id)).collect();
//! let index = AfpIndex::build(&input)?;
//! let document = GroupedDocument::new(&input, &index)?;
//! let mut out = DocumentWriter::new(document, Vec::new())?;
//! out.copy_group(1)?;
//! out.write_group(0, &[GroupPage::Input { page: 0, added: &[] }])?;
//! let bytes = out.finish()?;
//! assert_eq!(bytes.len(), input.len());
//! assert_eq!(AfpIndex::build(&bytes)?.page_groups[0].offset, 9);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::Write;
use std::ops::Range;

use thiserror::Error;

use crate::error::AfpError;
use crate::reader::{Framing, StructuredFields};
use crate::structure::{AfpIndex, PageGroup};
use crate::writer::{AfpWriter, WriteError, blank_page};

/// Why a document cannot be made of an input's page groups.
#[derive(Debug, Error)]
pub enum EditError {
    /// Page groups can only be picked from a file with one document.
    #[error("the file holds {count} documents; page groups are taken from exactly one")]
    Documents {
        /// Documents in the file.
        count: usize,
    },
    /// A page outside every page group would belong to no piece.
    #[error("the page at byte {offset} is in no page group")]
    PageOutsideGroup {
        /// Byte offset of its BPG.
        offset: u64,
    },
    /// Only NOPs may stand between page groups that are reordered: an IMM
    /// there would switch the medium map for whichever group came next.
    #[error(
        "{field} at byte {offset} stands between two page groups; groups cannot be reordered around it"
    )]
    BetweenGroups {
        /// The field's acronym.
        field: &'static str,
        /// Its byte offset.
        offset: u64,
    },
    /// A medium map would apply to other sheets once groups are reordered
    /// or cut into runs.
    #[error("IMM at byte {offset} in page group {group}: {what}")]
    MediumMap {
        /// Byte offset of the IMM (or of the group's BNG when its IMM is
        /// missing).
        offset: u64,
        /// The group's name.
        group: String,
        /// What is wrong.
        what: &'static str,
    },
    /// The pages given for a group are not all of its pages, each once.
    #[error(
        "page group {group} at byte {offset}: the pages given ({given:?}) are not its pages {own:?}, each once"
    )]
    NotWhole {
        /// The group's name.
        group: String,
        /// Byte offset of its BNG.
        offset: u64,
        /// Page indexes given.
        given: Vec<u32>,
        /// The group's page indexes.
        own: Range<u32>,
    },
    /// A group with a field between its pages (an IMM, a TLE) keeps its
    /// page order.
    #[error(
        "page group {group} at byte {offset}: its pages cannot be reordered, the field at byte {at} stands between them"
    )]
    Interleaved {
        /// The group's name.
        group: String,
        /// Byte offset of its BNG.
        offset: u64,
        /// Byte offset of the field between pages.
        at: u64,
    },
    /// A group number past the document's groups.
    #[error("there is no page group number {0}")]
    NoSuchGroup(usize),
    /// A page index past the input's pages.
    #[error("there is no page number {0}")]
    NoSuchPage(u32),
    /// A blank page needs the page descriptor of the page it backs.
    #[error("the page at byte {offset} has no PGD to size a blank page by")]
    NoDescriptor {
        /// Byte offset of that page's BPG.
        offset: u64,
    },
    /// The input does not read.
    #[error(transparent)]
    Read(#[from] AfpError),
    /// The output failed.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// An indexed input whose top-level page groups can be written into new
/// documents: one document, every page in a group, nothing but NOPs
/// between groups (checked by [`GroupedDocument::new`]).
#[derive(Clone, Debug)]
pub struct GroupedDocument<'a> {
    input: &'a [u8],
    index: &'a AfpIndex,
    groups: Vec<usize>,
}

fn slice(input: &[u8], range: Range<u64>) -> &[u8] {
    let start = usize::try_from(range.start).unwrap_or(usize::MAX);
    let end = usize::try_from(range.end).unwrap_or(usize::MAX);
    input.get(start..end).unwrap_or(&[])
}

impl<'a> GroupedDocument<'a> {
    /// Checks that `index` (of `input`) can be cut into page groups.
    pub fn new(input: &'a [u8], index: &'a AfpIndex) -> Result<Self, EditError> {
        if index.documents.len() != 1 {
            return Err(EditError::Documents {
                count: index.documents.len(),
            });
        }
        if let Some(page) = index.pages.iter().find(|p| p.group.is_none()) {
            return Err(EditError::PageOutsideGroup {
                offset: page.offset,
            });
        }
        let groups: Vec<usize> = (0..index.page_groups.len())
            .filter(|&g| index.page_groups[g].depth == 0)
            .collect();
        let framing = index.framing.unwrap_or(Framing::CarriageControl);
        for pair in groups.windows(2) {
            let start = index.page_groups[pair[0]].end;
            let gap = slice(input, start..index.page_groups[pair[1]].offset);
            for field in StructuredFields::with_framing(gap, framing) {
                let field = field?;
                if field.name() != "NOP" {
                    return Err(EditError::BetweenGroups {
                        field: field.name(),
                        offset: start + field.offset,
                    });
                }
            }
        }
        check_medium_maps(index, &groups)?;
        Ok(GroupedDocument {
            input,
            index,
            groups,
        })
    }

    /// The index of the input.
    pub fn index(&self) -> &'a AfpIndex {
        self.index
    }

    /// The top-level page groups in file order, as indexes into
    /// [`AfpIndex::page_groups`]; group `n` of this document is
    /// `groups()[n]`.
    pub fn groups(&self) -> &[usize] {
        &self.groups
    }

    /// Top-level group `n`.
    pub fn group(&self, n: usize) -> Result<&'a PageGroup, EditError> {
        self.groups
            .get(n)
            .map(|&g| &self.index.page_groups[g])
            .ok_or(EditError::NoSuchGroup(n))
    }

    /// Everything before the first group: resource groups, BDT, fields of
    /// the document itself.
    fn head(&self) -> &'a [u8] {
        let end = self.group(0).map_or(self.index.bytes, |g| g.offset);
        slice(self.input, 0..end)
    }

    /// Everything after the last group: EDT and what follows.
    fn tail(&self) -> &'a [u8] {
        let start = self
            .groups
            .last()
            .map_or(self.index.bytes, |&g| self.index.page_groups[g].end);
        slice(self.input, start..self.index.bytes)
    }

    /// The NOPs between group `n - 1` and group `n`: they travel with
    /// group `n`, so that nothing of the input is lost.
    fn group_lead(&self, n: usize) -> &'a [u8] {
        match (n.checked_sub(1).map(|b| self.group(b)), self.group(n)) {
            (Some(Ok(before)), Ok(group)) => slice(self.input, before.end..group.offset),
            _ => &[],
        }
    }

    /// The bytes between page `page` and the page before it in `group`
    /// (NOPs, or what made the group interleaved); they travel with the
    /// page.
    fn page_lead(&self, group: &PageGroup, page: u32) -> &'a [u8] {
        if page <= group.pages.start || page >= group.pages.end {
            return &[];
        }
        let pages = &self.index.pages;
        slice(
            self.input,
            pages[page as usize - 1].end..pages[page as usize].offset,
        )
    }
}

/// A medium map (IMM) holds until the next one. Once groups are presorted
/// or cut into runs, a group only keeps its own medium map if it invokes it
/// itself, in front of its first page, and every group does so (or none
/// does and the document's own IMM holds for all). An IMM between pages, or
/// after a group's last page, would switch the sheets of the plan.
fn check_medium_maps(index: &AfpIndex, groups: &[usize]) -> Result<(), EditError> {
    // The top-level group (its number and itself) an offset falls in.
    let group_at = |offset: u64| {
        let n = groups.partition_point(|&g| index.page_groups[g].offset <= offset);
        n.checked_sub(1)
            .map(|n| (n, &index.page_groups[groups[n]]))
            .filter(|(_, g)| offset < g.end)
    };
    let mut with_own = vec![false; groups.len()];
    for imm in &index.medium_maps {
        let Some((n, group)) = group_at(imm.offset) else {
            continue;
        };
        if imm.next_page != group.pages.start {
            return Err(EditError::MediumMap {
                offset: imm.offset,
                group: group.name(),
                what: "it stands after the group's first page, so it would change the sheets within the piece",
            });
        }
        with_own[n] = true;
    }
    if with_own.iter().any(|&own| own)
        && let Some(n) = with_own.iter().position(|&own| !own)
    {
        let group = &index.page_groups[groups[n]];
        return Err(EditError::MediumMap {
            offset: group.offset,
            group: group.name(),
            what: "the group invokes no medium map of its own while others do; reordered, it would print with another group's",
        });
    }
    Ok(())
}

/// One page written into a group by [`DocumentWriter::write_group`].
#[derive(Clone, Copy, Debug)]
pub enum GroupPage<'b> {
    /// Input page `page` (index into [`AfpIndex::pages`]), with `added`
    /// (X'5A'-framed fields, e.g. [`crate::PageMarks::finish`]) in front of
    /// its EPG.
    Input {
        /// The page's index.
        page: u32,
        /// Fields to add to it.
        added: &'b [u8],
    },
    /// A blank page the size of input page `like`.
    Blank {
        /// Index of the page whose PGD sizes the blank one.
        like: u32,
    },
}

/// Writes a new document: the input's head, page groups as they were or
/// with their pages edited, the input's tail.
#[derive(Debug)]
pub struct DocumentWriter<'a, W: Write> {
    document: GroupedDocument<'a>,
    writer: AfpWriter<W>,
    pages: u64,
}

impl<'a, W: Write> DocumentWriter<'a, W> {
    /// Starts a document on `out` with the input's head (framed as the
    /// input is).
    pub fn new(document: GroupedDocument<'a>, out: W) -> Result<Self, EditError> {
        let framing = document.index.framing.unwrap_or(Framing::CarriageControl);
        let mut writer = AfpWriter::with_framing(out, framing);
        writer.copy(document.head())?;
        Ok(DocumentWriter {
            document,
            writer,
            pages: 0,
        })
    }

    /// The document the groups come from.
    pub fn document(&self) -> &GroupedDocument<'a> {
        &self.document
    }

    /// Pages written so far.
    pub fn page_count(&self) -> u64 {
        self.pages
    }

    /// Copies group `n` as it is.
    pub fn copy_group(&mut self, n: usize) -> Result<(), EditError> {
        let group = self.document.group(n)?;
        self.writer.copy(self.document.group_lead(n))?;
        self.writer
            .copy(slice(self.document.input, group.offset..group.end))?;
        self.pages += u64::from(group.pages.end - group.pages.start);
        Ok(())
    }

    /// Writes group `n` with `pages`: every page of the group exactly once,
    /// in any order (a group with fields between its pages only in its own
    /// order), blank pages anywhere, fields added to pages.
    pub fn write_group(&mut self, n: usize, pages: &[GroupPage<'_>]) -> Result<(), EditError> {
        let document = &self.document;
        let group = document.group(n)?;
        let given: Vec<u32> = pages
            .iter()
            .filter_map(|p| match p {
                GroupPage::Input { page, .. } => Some(*page),
                GroupPage::Blank { .. } => None,
            })
            .collect();
        let mut sorted = given.clone();
        sorted.sort_unstable();
        if !sorted.iter().copied().eq(group.pages.clone()) {
            return Err(EditError::NotWhole {
                group: group.name(),
                offset: group.offset,
                given,
                own: group.pages.clone(),
            });
        }
        if given != sorted
            && let Some(at) = group.interleaved
        {
            return Err(EditError::Interleaved {
                group: group.name(),
                offset: group.offset,
                at,
            });
        }
        if group.pages.is_empty() {
            // Nothing to edit; blank pages would stand in no page order.
            return if pages.is_empty() {
                self.copy_group(n)
            } else {
                Err(EditError::NotWhole {
                    group: group.name(),
                    offset: group.offset,
                    given,
                    own: group.pages.clone(),
                })
            };
        }
        let input = document.input;
        let all = &document.index.pages;
        // The group's own fields before its first page: BNG, TLEs, IMM.
        let first = group.pages.start as usize;
        let last = group.pages.end as usize - 1;
        self.writer.copy(document.group_lead(n))?;
        self.writer
            .copy(slice(input, group.offset..all[first].offset))?;
        for page in pages {
            match *page {
                GroupPage::Input { page, added } => {
                    let p = &all[page as usize];
                    self.writer.copy(document.page_lead(group, page))?;
                    self.writer.copy(p.content(input))?;
                    self.writer.built(added)?;
                    self.writer.copy(p.end_field(input))?;
                }
                GroupPage::Blank { like } => {
                    let p = all.get(like as usize).ok_or(EditError::NoSuchPage(like))?;
                    let pgd = p
                        .descriptor(input)
                        .ok_or(EditError::NoDescriptor { offset: p.offset })?;
                    self.writer.built(&blank_page(pgd))?;
                }
            }
            self.pages += 1;
        }
        self.writer.copy(slice(input, all[last].end..group.end))?;
        Ok(())
    }

    /// Writes the input's tail and returns the output.
    pub fn finish(mut self) -> Result<W, EditError> {
        self.writer.copy(self.document.tail())?;
        Ok(self.writer.into_inner()?)
    }
}

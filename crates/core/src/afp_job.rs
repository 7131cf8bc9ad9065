//! AFP jobs: a print file whose named page groups are the mail pieces, and
//! the AFP run files written from it for a partner that prints AFP.
//!
//! A run file is the input's head (everything before the first page group:
//! print-file resource group, BDT, document-level fields), the planned
//! pieces' page groups in plan order with the partner's marks added to
//! their pages, and the input's tail (EDT and whatever follows). Input
//! fields are copied byte for byte; the marks are new fields in front of a
//! page's EPG, so an unmarked page reads exactly as it came.

use std::path::{Path, PathBuf};

use tandem_afp::{
    AfpFile, AfpIndex, AreaMm, DocumentWriter, EditError, Encoding, GroupPage, GroupedDocument,
    IndexOptions, PageGroup, PageMarks,
};
use tandem_marks::MarkRect;
use tandem_ticket::{AfpPageGroups, MailPiece};

use crate::CoreError;
use crate::draw::SheetMarks;
use crate::output::AtomicFile;

/// An AFP print file mapped into memory, indexed, with its pieces.
pub(crate) struct AfpJob {
    path: PathBuf,
    bytes: AfpFile,
    index: AfpIndex,
    /// The pieces, one per top-level page group, in file order.
    pub(crate) pieces: Vec<MailPiece>,
    /// The page group of each piece.
    groups: Vec<usize>,
}

fn incompatible(path: &Path, what: impl std::fmt::Display) -> CoreError {
    CoreError::Incompatible(format!("{}: {what}", path.display()))
}

/// The PLZ in a TLE value: its first word ("80331 München" → "80331").
fn plz_of(value: &str) -> String {
    value.split_whitespace().next().unwrap_or("").to_owned()
}

impl AfpJob {
    /// Maps and indexes the file at `path`; every page group directly in
    /// its one document is a piece, named by the TLEs `options` names.
    pub(crate) fn open(path: &Path, options: &AfpPageGroups) -> Result<AfpJob, CoreError> {
        let default_code_page = Encoding::from_cpgid(options.code_page).ok_or_else(|| {
            incompatible(
                path,
                format!(
                    "TLE code page {} is not supported (500, 273, 1141, 819)",
                    options.code_page
                ),
            )
        })?;
        let bytes = AfpFile::open(path).map_err(CoreError::io(path))?;
        let index =
            tandem_afp::validate(&bytes, IndexOptions { default_code_page }).map_err(|source| {
                CoreError::Afp {
                    path: path.to_owned(),
                    source,
                }
            })?;
        // One document, every page in a page group, only NOPs between
        // groups: what lets the groups be presorted and cut into runs.
        let groups = GroupedDocument::new(&bytes, &index)
            .map_err(edit_error(path))?
            .groups()
            .to_vec();
        let mut pieces = Vec::with_capacity(groups.len());
        for group in groups.iter().map(|&g| &index.page_groups[g]) {
            let tle = |name: &str| {
                index
                    .group_tles(group)
                    .find(|t| t.name == name)
                    .map(|t| t.value)
            };
            let piece_id = tle(&options.piece_id_tle)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| {
                    incompatible(
                        path,
                        format!(
                            "page group {} at byte {} has no {} TLE",
                            group.name(),
                            group.offset,
                            options.piece_id_tle
                        ),
                    )
                })?;
            if group.pages.is_empty() {
                return Err(incompatible(
                    path,
                    format!(
                        "page group {} at byte {} (piece {piece_id}) has no pages",
                        group.name(),
                        group.offset
                    ),
                ));
            }
            pieces.push(MailPiece {
                piece_id: piece_id.to_owned(),
                plz: tle(&options.plz_tle).map(plz_of).unwrap_or_default(),
                country: "DE".into(),
                first_page: u64::from(group.pages.start) + 1,
                page_count: group.pages.end - group.pages.start,
                inserts: Vec::new(),
            });
        }
        Ok(AfpJob {
            path: path.to_owned(),
            bytes,
            index,
            pieces,
            groups,
        })
    }

    /// Pages in the file.
    pub(crate) fn page_count(&self) -> u64 {
        self.index.pages.len() as u64
    }

    /// The size in mm of page `number` (1-based) from its PGD.
    pub(crate) fn page_size_mm(&self, number: u64) -> Option<(f64, f64)> {
        self.input_page(number)
            .and_then(|p| p.geometry)
            .map(|g| (g.width_mm(), g.height_mm()))
    }

    /// What page `number` (1-based) prints where (rules, text starts).
    pub(crate) fn page_ink(&self, number: u64) -> Result<Vec<tandem_afp::InkMark>, CoreError> {
        let Some(page) = self.input_page(number) else {
            return Ok(Vec::new());
        };
        let Some(units) = page.text_units() else {
            return Ok(Vec::new());
        };
        tandem_afp::page_ink(page.bytes(&self.bytes), units).map_err(|source| CoreError::Afp {
            path: self.path.clone(),
            source,
        })
    }

    fn input_page(&self, number: u64) -> Option<&tandem_afp::Page> {
        self.index
            .pages
            .get(usize::try_from(number.checked_sub(1)?).ok()?)
    }

    /// The pieces' page groups, ready to be written into new documents.
    fn document(&self) -> Result<GroupedDocument<'_>, CoreError> {
        GroupedDocument::new(&self.bytes, &self.index).map_err(edit_error(&self.path))
    }

    fn group_of(&self, piece: usize) -> &PageGroup {
        &self.index.page_groups[self.groups[piece]]
    }
}

fn edit_error(path: &Path) -> impl FnOnce(EditError) -> CoreError + '_ {
    move |source| CoreError::AfpEdit {
        path: path.to_owned(),
        source,
    }
}

/// What goes on one output page besides the input page.
pub(crate) struct PageAdditions<'a> {
    /// The origin's mark zone, covered in the colour of the medium.
    pub(crate) white_out: Option<&'a MarkRect>,
    /// The partner's marks (fronts only).
    pub(crate) marks: Option<&'a SheetMarks>,
}

/// One output page of a piece: an input page (1-based number) or a blank
/// back page (`None`), and what to add to it.
pub(crate) type OutputPage<'a> = (Option<u64>, PageAdditions<'a>);

/// One AFP output file being written.
pub(crate) struct AfpRun<'j> {
    job: &'j AfpJob,
    path: PathBuf,
    writer: DocumentWriter<'j, AtomicFile>,
    /// Module size of the partner's Data Matrix, mm.
    module_mm: f64,
}

fn area(rect: &MarkRect) -> AreaMm {
    AreaMm {
        x: rect.x,
        y: rect.y,
        width: rect.width,
        height: rect.height,
    }
}

impl<'j> AfpRun<'j> {
    /// Starts a run file at `path` with the input's head; Data Matrix
    /// symbols get modules of `module_mm`.
    pub(crate) fn create(job: &'j AfpJob, path: &Path, module_mm: f64) -> Result<Self, CoreError> {
        let writer = DocumentWriter::new(job.document()?, AtomicFile::create(path)?)
            .map_err(edit_error(path))?;
        Ok(AfpRun {
            job,
            path: path.to_owned(),
            writer,
            module_mm,
        })
    }

    /// Pages written so far.
    pub(crate) fn page_count(&self) -> u64 {
        self.writer.page_count()
    }

    /// Writes the page group of `piece` with `pages` in the given order:
    /// all of the piece's pages, each once, blank backs besides.
    pub(crate) fn write_piece(
        &mut self,
        piece: usize,
        pages: &[OutputPage<'_>],
    ) -> Result<(), CoreError> {
        let job = self.job;
        // The marks of every page first: the group is written in one go.
        let mut added = Vec::with_capacity(pages.len());
        for (number, additions) in pages {
            added.push(match number {
                Some(number) => self.marks(*number, additions)?,
                None => Vec::new(),
            });
        }
        // A blank back takes the size of the front it backs.
        let mut front = u64::from(job.group_of(piece).pages.start) + 1;
        let group_pages: Vec<GroupPage<'_>> = pages
            .iter()
            .zip(&added)
            .map(|((number, _), added)| match number {
                Some(number) => {
                    front = *number;
                    GroupPage::Input {
                        page: index_of(*number),
                        added,
                    }
                }
                None => GroupPage::Blank {
                    like: index_of(front),
                },
            })
            .collect();
        self.writer
            .write_group(piece, &group_pages)
            .map_err(edit_error(&self.path))
    }

    /// Copies the page group of `piece` as it is (a child job for reprint).
    pub(crate) fn copy_piece(&mut self, piece: usize) -> Result<(), CoreError> {
        self.writer
            .copy_group(piece)
            .map_err(edit_error(&self.path))
    }

    /// The fields added to input page `number` (1-based).
    fn marks(&self, number: u64, additions: &PageAdditions<'_>) -> Result<Vec<u8>, CoreError> {
        let job = self.job;
        let page = job
            .index
            .pages
            .get(index_of(number) as usize)
            .ok_or_else(|| incompatible(&job.path, format!("the plan names page {number}")))?;
        let units = page.text_units().ok_or_else(|| {
            incompatible(
                &job.path,
                format!(
                    "the page at byte {} has no PTD or PGD: marks cannot be placed on it",
                    page.offset
                ),
            )
        })?;
        let mut marks = PageMarks::new(units);
        // Which page of which piece, for an operator to find it (the pieces'
        // groups are in file order: the last one starting before the page).
        let write_error = |source| {
            let piece = job
                .groups
                .partition_point(|&g| job.index.page_groups[g].offset < page.offset)
                .checked_sub(1)
                .map_or("?", |p| job.pieces[p].piece_id.as_str());
            incompatible(
                &self.path,
                format!(
                    "piece {piece}, input page {number} (byte {}): {source}",
                    page.offset
                ),
            )
        };
        if let Some(zone) = additions.white_out {
            marks.white_out(&area(zone)).map_err(write_error)?;
        }
        if let Some(sheet) = additions.marks {
            for bar in &sheet.bars {
                marks.bar(&area(bar)).map_err(write_error)?;
            }
            if let (Some((_, at)), Some(text)) = (&sheet.data_matrix, &sheet.data_matrix_text) {
                marks
                    .data_matrix(at.x, at.y, self.module_mm, text.as_bytes())
                    .map_err(write_error)?;
            }
        }
        marks.finish().map_err(write_error)
    }

    /// Writes the input's tail and commits the file: SHA-256 and size.
    pub(crate) fn finish(self) -> Result<(String, u64), CoreError> {
        self.writer
            .finish()
            .map_err(edit_error(&self.path))?
            .commit()
    }
}

/// A 1-based page number as an index into the input's pages.
fn index_of(number: u64) -> u32 {
    u32::try_from(number.saturating_sub(1)).unwrap_or(u32::MAX)
}

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
    AfpFile, AfpIndex, AfpWriter, AreaMm, Encoding, IndexOptions, Page, PageGroup, PageMarks,
    StructuredFields, blank_page,
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
        if index.documents.len() != 1 {
            return Err(incompatible(
                path,
                format!(
                    "{} documents; an AFP job for redirect holds exactly one",
                    index.documents.len()
                ),
            ));
        }
        if let Some(page) = index.pages.iter().find(|p| p.group.is_none()) {
            return Err(incompatible(
                path,
                format!(
                    "the page at byte {} is in no page group, so no mail piece owns it",
                    page.offset
                ),
            ));
        }
        let mut pieces = Vec::new();
        let mut groups = Vec::new();
        for (number, group) in index.page_groups.iter().enumerate() {
            if group.depth != 0 {
                continue;
            }
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
            groups.push(number);
        }
        let job = AfpJob {
            path: path.to_owned(),
            bytes,
            index,
            pieces,
            groups,
        };
        job.check_between_groups()?;
        Ok(job)
    }

    /// Pages in the file.
    pub(crate) fn page_count(&self) -> u64 {
        self.index.pages.len() as u64
    }

    /// Presorting reorders the pieces, so nothing but NOPs may stand
    /// between their page groups: an IMM there would switch the medium map
    /// for whichever piece came next.
    fn check_between_groups(&self) -> Result<(), CoreError> {
        for pair in self.groups.windows(2) {
            let gap = self
                .slice(self.index.page_groups[pair[0]].end..self.index.page_groups[pair[1]].offset);
            let start = self.index.page_groups[pair[0]].end;
            for field in StructuredFields::with_framing(gap, self.framing()) {
                let field = field.map_err(|source| CoreError::Afp {
                    path: self.path.clone(),
                    source,
                })?;
                if field.name() != "NOP" {
                    return Err(incompatible(
                        &self.path,
                        format!(
                            "{} at byte {} stands between two page groups; pieces cannot be reordered around it",
                            field.name(),
                            start + field.offset
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn framing(&self) -> tandem_afp::Framing {
        self.index
            .framing
            .unwrap_or(tandem_afp::Framing::CarriageControl)
    }

    fn slice(&self, range: std::ops::Range<u64>) -> &[u8] {
        let start = usize::try_from(range.start).unwrap_or(usize::MAX);
        let end = usize::try_from(range.end).unwrap_or(usize::MAX);
        self.bytes.get(start..end).unwrap_or(&[])
    }

    fn group_of(&self, piece: usize) -> &PageGroup {
        &self.index.page_groups[self.groups[piece]]
    }

    /// The NOPs between the previous piece's page group and this one's:
    /// they travel with the group, so that nothing of the input is lost.
    fn group_lead(&self, piece: usize) -> &[u8] {
        match piece.checked_sub(1) {
            Some(before) => self.slice(self.group_of(before).end..self.group_of(piece).offset),
            None => &[],
        }
    }

    /// Page `number` (1-based, as the plan counts).
    fn page(&self, number: u64) -> Result<&Page, CoreError> {
        usize::try_from(number.wrapping_sub(1))
            .ok()
            .and_then(|i| self.index.pages.get(i))
            .ok_or_else(|| incompatible(&self.path, format!("the plan names page {number}")))
    }

    /// The bytes between page `number` and the page before it in the same
    /// group (NOPs, or whatever made the group interleaved); empty for a
    /// group's first page. They travel with the page.
    fn lead(&self, group: &PageGroup, number: u64) -> &[u8] {
        let first = u64::from(group.pages.start) + 1;
        match (self.page(number), self.page(number.wrapping_sub(1))) {
            (Ok(page), Ok(before)) if number > first => self.slice(before.end..page.offset),
            _ => &[],
        }
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
    writer: AfpWriter<AtomicFile>,
    pages: u64,
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
        let mut run = AfpRun {
            job,
            path: path.to_owned(),
            writer: AfpWriter::with_framing(AtomicFile::create(path)?, job.framing()),
            pages: 0,
            module_mm,
        };
        let head_end = job
            .groups
            .first()
            .map_or(job.index.bytes, |&g| job.index.page_groups[g].offset);
        run.write(|w| w.copy(job.slice(0..head_end)))?;
        Ok(run)
    }

    fn write(
        &mut self,
        f: impl FnOnce(&mut AfpWriter<AtomicFile>) -> Result<(), tandem_afp::WriteError>,
    ) -> Result<(), CoreError> {
        f(&mut self.writer).map_err(|source| CoreError::AfpWrite {
            path: self.path.clone(),
            source,
        })
    }

    /// Pages written so far.
    pub(crate) fn page_count(&self) -> u64 {
        self.pages
    }

    /// Writes the page group of `piece` with `pages` in the given order.
    /// The pages must be all of the piece's pages, each once (blank backs
    /// besides); a group with fields between its pages (an IMM, a TLE) is
    /// written only in its own page order.
    pub(crate) fn write_piece(
        &mut self,
        piece: usize,
        pages: &[OutputPage<'_>],
    ) -> Result<(), CoreError> {
        let job = self.job;
        let group = job.group_of(piece);
        let id = &job.pieces[piece].piece_id;
        let numbers: Vec<u64> = pages.iter().filter_map(|(n, _)| *n).collect();
        let own: Vec<u64> =
            (u64::from(group.pages.start) + 1..=u64::from(group.pages.end)).collect();
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        if sorted != own {
            return Err(incompatible(
                &job.path,
                format!(
                    "piece {id}: the plan puts pages {numbers:?} in its envelope, but its page group holds pages {}-{}; AFP output keeps a page group whole",
                    group.pages.start + 1,
                    group.pages.end
                ),
            ));
        }
        if numbers != own
            && let Some(at) = group.interleaved
        {
            return Err(incompatible(
                &job.path,
                format!(
                    "piece {id}: its pages must be reordered, but the field at byte {at} stands between them"
                ),
            ));
        }
        let first = job.page(own[0])?;
        let last = job.page(own[own.len() - 1])?;
        self.write(|w| {
            w.copy(job.group_lead(piece))?;
            w.copy(job.slice(group.offset..first.offset))
        })?;
        for (number, additions) in pages {
            self.page(group, *number, own[0], additions)?;
        }
        self.write(|w| w.copy(job.slice(last.end..group.end)))
    }

    /// Copies the page group of `piece` as it is (a child job for reprint).
    pub(crate) fn copy_piece(&mut self, piece: usize) -> Result<(), CoreError> {
        let job = self.job;
        let group = job.group_of(piece);
        self.pages += u64::from(group.pages.end - group.pages.start);
        self.write(|w| {
            w.copy(job.group_lead(piece))?;
            w.copy(job.slice(group.offset..group.end))
        })
    }

    fn page(
        &mut self,
        group: &PageGroup,
        number: Option<u64>,
        first: u64,
        additions: &PageAdditions<'_>,
    ) -> Result<(), CoreError> {
        let job = self.job;
        self.pages += 1;
        let Some(number) = number else {
            let pgd = job.page(first)?.descriptor(&job.bytes).ok_or_else(|| {
                incompatible(
                    &job.path,
                    format!("page {first} has no PGD to size a blank back page"),
                )
            })?;
            return self.write(|w| w.built(&blank_page(pgd)));
        };
        let page = job.page(number)?;
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
        let module_mm = self.module_mm;
        self.write(|w| {
            if let Some(zone) = additions.white_out {
                marks.white_out(&area(zone))?;
            }
            if let Some(sheet) = additions.marks {
                for bar in &sheet.bars {
                    marks.bar(&area(bar))?;
                }
                if let (Some((_, at)), Some(text)) = (&sheet.data_matrix, &sheet.data_matrix_text) {
                    marks.data_matrix(at.x, at.y, module_mm, text.as_bytes())?;
                }
            }
            w.copy(job.lead(group, number))?;
            w.copy(page.content(&job.bytes))?;
            w.built(&marks.finish())?;
            w.copy(page.end_field(&job.bytes))
        })
    }

    /// Writes the input's tail (EDT and what follows) and commits the file:
    /// SHA-256 and size.
    pub(crate) fn finish(mut self) -> Result<(String, u64), CoreError> {
        let job = self.job;
        let tail_start = job
            .groups
            .last()
            .map_or(job.index.bytes, |&g| job.index.page_groups[g].end);
        self.write(|w| w.copy(job.slice(tail_start..job.index.bytes)))?;
        let path = self.path.clone();
        self.writer
            .into_inner()
            .map_err(|source| CoreError::AfpWrite { path, source })?
            .commit()
    }
}

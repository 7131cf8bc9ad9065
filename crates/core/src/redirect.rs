//! The redirect pipeline: a job of the origin centre in, print-ready output
//! for the partner centre out.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tandem_marks::{MarkRect, SheetControl};
use tandem_pdf::{Chunk, PageImporter, PdfInput, PdfWriter};
use tandem_plan::{JobPlan, PlannedSheet, SheetBack};
use tandem_profile::CentreProfile;
use tandem_ticket::{DataFormat, Delimiting, JobTicket, MailPiece, Plex, read_index_file};

use crate::CoreError;
use crate::draw::{FORM_NAME, page_content, sheet_marks};
use crate::manifest::{InputFile, Manifest, PieceEntry, RunEntry, Totals};
use crate::output::{AtomicFile, StagedDir, sha256_file, write_atomically};

/// Progress is reported every this many sheets.
const PROGRESS_SHEETS: u64 = 256;

/// How far a redirect has got, reported after every batch.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// Output pages written so far.
    pub pages_done: u64,
    /// Output pages in the whole job.
    pub pages_total: u64,
}

/// What a finished redirect produced.
#[derive(Clone, Debug)]
pub struct RedirectSummary {
    /// The complete output directory.
    pub output_dir: PathBuf,
    /// The manifest that was written there.
    pub manifest: Manifest,
    /// Wall time of the whole redirect.
    pub elapsed: Duration,
}

/// A job's pieces, read from its index or cut by a fixed page count, and
/// checked to cover every page of the print data exactly once.
pub fn job_pieces(ticket: &JobTicket, total_pages: u64) -> Result<Vec<MailPiece>, CoreError> {
    let pieces = match &ticket.documents {
        Delimiting::Index { index } => read_index_file(index)?,
        Delimiting::FixedPageCount { fixed_page_count } => {
            tandem_ticket::pieces_by_page_count(&ticket.id, total_pages, *fixed_page_count)?
        }
    };
    tandem_ticket::validate_pieces(&pieces, total_pages)?;
    Ok(pieces)
}

/// Checks what the minimal redirect path needs of the partner; the full
/// compatibility check is a later layer.
fn check_partner(ticket: &JobTicket, profile: &CentreProfile) -> Result<(), CoreError> {
    let [file] = ticket.print_files.as_slice() else {
        return Err(CoreError::Incompatible(format!(
            "the job has {} print files; redirect takes exactly one",
            ticket.print_files.len()
        )));
    };
    if file.format != DataFormat::Pdf {
        return Err(CoreError::Incompatible(format!(
            "{}: only PDF print files can be redirected here",
            file.path.display()
        )));
    }
    if !profile.printer.formats.contains(&DataFormat::Pdf) {
        return Err(CoreError::Incompatible(format!(
            "{} does not print PDF",
            profile.centre.id
        )));
    }
    if ticket.plex == Plex::Duplex && !profile.printer.duplex {
        return Err(CoreError::Incompatible(format!(
            "the job is duplex; {} prints simplex only",
            profile.centre.id
        )));
    }
    if !profile.printer.sheet_sizes.contains(&ticket.paper.size) {
        return Err(CoreError::Incompatible(format!(
            "{} has no {:?} paper in stock",
            profile.centre.id, ticket.paper.size
        )));
    }
    Ok(())
}

/// Redirects `ticket` to the centre described by `profile`, writing the
/// print files, `manifest.json` and `manifest.csv` into `out_dir`.
///
/// The directory appears only when everything in it is complete; on any
/// error nothing is left behind.
pub fn redirect(
    ticket: &JobTicket,
    profile: &CentreProfile,
    out_dir: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<RedirectSummary, CoreError> {
    let started = Instant::now();
    ticket.validate()?;
    profile.validate()?;
    check_partner(ticket, profile)?;
    let print_file = &ticket.print_files[0];
    let input_hash = sha256_file(&print_file.path)?;
    if let Some(expected) = print_file.sha256.as_ref().filter(|e| **e != input_hash) {
        return Err(CoreError::HashMismatch {
            path: print_file.path.clone(),
            expected: expected.clone(),
            actual: input_hash,
        });
    }
    let input = PdfInput::open(&print_file.path)?;
    let total_pages = input.page_count() as u64;
    let pieces = job_pieces(ticket, total_pages)?;
    let plan = JobPlan::new(&pieces, ticket.plex, profile.output.max_sheets_per_run)?;

    let staged = StagedDir::new(out_dir)?;
    let mut writer = RunWriter {
        ticket,
        profile,
        input: &input,
        plan: &plan,
        white_out: ticket.origin_mark_zone.map(|z| MarkRect {
            x: z.x,
            y: z.y,
            width: z.width,
            height: z.height,
        }),
        content: Vec::with_capacity(16 * 1024),
        progress: Progress {
            pages_done: 0,
            pages_total: plan.total_output_pages(),
        },
    };
    let mut runs = Vec::with_capacity(plan.runs.len());
    let mut piece_entries = Vec::with_capacity(plan.pieces.len());
    let pages_per_sheet = if ticket.plex == Plex::Duplex { 2 } else { 1 };
    for run in &plan.runs {
        let file = profile.output_file_name(&ticket.id, run.number);
        let (sha256, bytes) = writer.write_run(run, &staged.path().join(&file), progress)?;
        let mut page = 1;
        for (index, piece) in plan.pieces[run.pieces.clone()].iter().enumerate() {
            let output_pages = u64::from(piece.sheets) * pages_per_sheet;
            piece_entries.push(PieceEntry {
                piece_id: piece.piece_id.clone(),
                plz: pieces[run.pieces.start + index].plz.clone(),
                run: run.number,
                file: file.clone(),
                sheets: piece.sheets,
                pages: piece.page_count,
                source_first_page: piece.first_page,
                first_page: page,
                last_page: page + output_pages - 1,
                first_sequence: piece.first_sequence,
                last_sequence: piece.first_sequence + u64::from(piece.sheets) - 1,
            });
            page += output_pages;
        }
        runs.push(RunEntry {
            run: run.number,
            file,
            sha256,
            bytes,
            pieces: run.pieces.len() as u64,
            sheets: run.sheets,
            pages: run.output_pages,
        });
    }

    let manifest = Manifest {
        job_id: ticket.id.clone(),
        origin_centre: ticket.origin_centre.clone(),
        target_centre: profile.centre.id.clone(),
        plex: match ticket.plex {
            Plex::Simplex => "simplex".into(),
            Plex::Duplex => "duplex".into(),
        },
        input: InputFile {
            file: print_file
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sha256: input_hash,
            pages: total_pages,
        },
        totals: Totals {
            pieces: plan.pieces.len() as u64,
            sheets: plan.total_sheets(),
            pages: total_pages,
            output_pages: plan.total_output_pages(),
            runs: plan.runs.len() as u64,
        },
        runs,
        pieces: piece_entries,
    };
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| CoreError::io("manifest.json")(e.into()))?;
    write_atomically(
        &staged.path().join("manifest.csv"),
        manifest.pieces_csv().as_bytes(),
    )?;
    // The JSON manifest is written last: its presence marks a finished run.
    write_atomically(&staged.path().join("manifest.json"), &json)?;
    let output_dir = staged.commit()?;
    Ok(RedirectSummary {
        output_dir,
        manifest,
        elapsed: started.elapsed(),
    })
}

struct RunWriter<'a> {
    ticket: &'a JobTicket,
    profile: &'a CentreProfile,
    input: &'a PdfInput,
    plan: &'a JobPlan,
    white_out: Option<MarkRect>,
    content: Vec<u8>,
    progress: Progress,
}

impl RunWriter<'_> {
    /// Writes one run's output file; returns its SHA-256 and length.
    fn write_run(
        &mut self,
        run: &tandem_plan::Run,
        path: &Path,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(String, u64), CoreError> {
        let mut pdf = PdfWriter::new(AtomicFile::create(path)?)?;
        let mut importer = PageImporter::new(self.input);
        for piece in run.pieces.clone() {
            for sheet in self.plan.sheets(piece) {
                self.write_sheet(&mut pdf, &mut importer, &sheet)?;
                if sheet.sequence % PROGRESS_SHEETS == 0 {
                    progress(self.progress);
                }
            }
        }
        progress(self.progress);
        let written = pdf.page_count() as u64;
        if written != run.output_pages {
            // A page lost here would be a piece in the wrong envelope later.
            return Err(CoreError::io(path)(std::io::Error::other(format!(
                "wrote {written} pages, the plan has {}",
                run.output_pages
            ))));
        }
        pdf.finish()?.commit()
    }

    fn write_sheet(
        &mut self,
        pdf: &mut PdfWriter<AtomicFile>,
        importer: &mut PageImporter<'_>,
        sheet: &PlannedSheet,
    ) -> Result<(), CoreError> {
        let piece = &self.plan.pieces[sheet.piece];
        let control = SheetControl::new(
            &self.ticket.id,
            &piece.piece_id,
            sheet.sequence,
            sheet.sheet,
            sheet.sheets,
        );
        let marks = sheet_marks(self.profile, &control).map_err(|source| CoreError::Mark {
            piece_id: piece.piece_id.clone(),
            sheet: sheet.sheet,
            source,
        })?;
        let mut chunk = Chunk::new();
        let front = importer.import(page_index(sheet.front), pdf.allocator(), &mut chunk)?;
        let back = match sheet.back {
            SheetBack::Page(page) => {
                Some(importer.import(page_index(page), pdf.allocator(), &mut chunk)?)
            }
            SheetBack::Unprinted | SheetBack::Blank => None,
        };
        pdf.write_chunk(&chunk)?;
        page_content(
            &mut self.content,
            front.height,
            true,
            self.white_out.as_ref(),
            Some(&marks),
        );
        pdf.add_page(
            front.width,
            front.height,
            &[(FORM_NAME, front.form)],
            &self.content,
        )?;
        if let Some(back) = back {
            page_content(
                &mut self.content,
                back.height,
                true,
                self.white_out.as_ref(),
                None,
            );
            pdf.add_page(
                back.width,
                back.height,
                &[(FORM_NAME, back.form)],
                &self.content,
            )?;
        } else if sheet.back == SheetBack::Blank {
            pdf.add_page(front.width, front.height, &[], b"")?;
        }
        self.progress.pages_done += if sheet.back == SheetBack::Unprinted {
            1
        } else {
            2
        };
        Ok(())
    }
}
fn page_index(page: u64) -> usize {
    usize::try_from(page - 1).unwrap_or(usize::MAX)
}

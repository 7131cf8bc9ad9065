//! The redirect pipeline: a job of the origin centre in, print-ready output
//! for the partner centre out.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use std::collections::BTreeMap;
use std::ops::Range;

use tandem_marks::{MarkRect, SheetControl};
use tandem_pdf::{Chunk, ImportedPage, PageImporter, PdfInput, PdfWriter};
use tandem_plan::{JobSpec, PlannedSet, ProductionPlan, SetSheet, SheetBack};
use tandem_profile::CentreProfile;
use tandem_ticket::{DataFormat, Delimiting, JobTicket, MailPiece, Plex, read_index_file};

use crate::CoreError;
use crate::afp_job::{AfpJob, AfpRun, OutputPage, PageAdditions};
use crate::draw::{FORM_NAME, SheetMarks, address_carrier_content, page_content, sheet_marks};
use crate::manifest::{InputFile, Manifest, PieceEntry, RunEntry, Totals};
use crate::output::{AtomicFile, StagedDir, sha256_file, write_atomically};

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
        Delimiting::LineData { .. } => {
            return Err(CoreError::Incompatible(
                "line-data documents are cut while the listing is laid out (see render_line_data)"
                    .into(),
            ));
        }
        Delimiting::AfpPageGroups { .. } => {
            return Err(CoreError::Incompatible(
                "an AFP job's pieces are its page groups (see open_job_input)".into(),
            ));
        }
    };
    tandem_ticket::validate_pieces(&pieces, total_pages)?;
    Ok(pieces)
}

/// A job's pages: PDF (as given, or laid out from line data) or AFP.
pub(crate) enum PrintData {
    /// PDF pages.
    Pdf(PdfInput),
    /// An AFP file whose page groups are the pieces (boxed: its index is
    /// large beside a PDF handle).
    Afp(Box<AfpJob>),
}

/// The print data of a job with its mail pieces.
pub(crate) struct JobInput {
    /// The pages.
    pub(crate) data: PrintData,
    /// Their number.
    pub(crate) pages: u64,
    /// The pieces, checked to cover every page once.
    pub(crate) pieces: Vec<MailPiece>,
    /// For line data: the laid-out listing, removed when dropped.
    pub(crate) rendered: Option<crate::line_data::RenderedListing>,
}

/// Opens the job's (single) print file: a PDF as it is, or line data laid
/// out into a hidden PDF next to `scratch`, whose documents are the pieces.
pub(crate) fn open_job_input(ticket: &JobTicket, scratch: &Path) -> Result<JobInput, CoreError> {
    let print_file = ticket
        .print_files
        .first()
        .ok_or_else(|| CoreError::Incompatible("the job has no print file".into()))?;
    if let Delimiting::LineData { line_data } = &ticket.documents {
        let rendered = crate::line_data::render_line_data(ticket, line_data, scratch)?;
        let input = PdfInput::open(rendered.path())?;
        let pages = input.page_count() as u64;
        let pieces = rendered.pieces.clone();
        tandem_ticket::validate_pieces(&pieces, pages)?;
        return Ok(JobInput {
            data: PrintData::Pdf(input),
            pages,
            pieces,
            rendered: Some(rendered),
        });
    }
    if let Delimiting::AfpPageGroups { afp_page_groups } = &ticket.documents {
        let job = AfpJob::open(&print_file.path, afp_page_groups)?;
        let pages = job.page_count();
        let pieces = job.pieces.clone();
        tandem_ticket::validate_pieces(&pieces, pages)?;
        return Ok(JobInput {
            data: PrintData::Afp(Box::new(job)),
            pages,
            pieces,
            rendered: None,
        });
    }
    let input = PdfInput::open(&print_file.path)?;
    let pages = input.page_count() as u64;
    let pieces = job_pieces(ticket, pages)?;
    Ok(JobInput {
        data: PrintData::Pdf(input),
        pages,
        pieces,
        rendered: None,
    })
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
    let line_data = matches!(ticket.documents, Delimiting::LineData { .. });
    let afp = matches!(ticket.documents, Delimiting::AfpPageGroups { .. });
    // What the partner's printers are fed: AFP stays AFP; PDF and line data
    // (laid out) are printed as PDF.
    let output = match file.format {
        DataFormat::Pdf if !line_data && !afp => DataFormat::Pdf,
        DataFormat::LineData if line_data => DataFormat::Pdf,
        DataFormat::Afp if afp => DataFormat::Afp,
        DataFormat::Afp => {
            return Err(CoreError::Incompatible(format!(
                "{}: an AFP print file needs `[documents.afp_page_groups]` (its page groups are the pieces)",
                file.path.display()
            )));
        }
        _ if afp => {
            return Err(CoreError::Incompatible(format!(
                "{}: `[documents.afp_page_groups]` applies to AFP print files only",
                file.path.display()
            )));
        }
        _ => {
            return Err(CoreError::Incompatible(format!(
                "{}: a line-data print file needs `[documents] line_data = ...`, and only a line-data file can use it",
                file.path.display()
            )));
        }
    };
    if !profile.printer.formats.contains(&output) {
        return Err(CoreError::Incompatible(format!(
            "{} does not print {}",
            profile.centre.id,
            if output == DataFormat::Afp {
                "AFP"
            } else {
                "PDF"
            }
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

/// One output file: consecutive sets of one production run, or the pieces
/// for manual inserting.
struct OutputFile {
    name: String,
    /// 1-based file number; 0 for the manual-inserting file.
    number: u32,
    content: FileContent,
}

enum FileContent {
    Sets(Range<usize>),
    Manual,
}

/// Cuts every production run into files of at most `max_sheets` sheets,
/// between sets; a set larger than that gets a file of its own.
fn output_files(plan: &ProductionPlan, profile: &CentreProfile, job_id: &str) -> Vec<OutputFile> {
    let max_sheets = profile.output.max_sheets_per_run;
    let mut files = Vec::new();
    let push = |sets: Range<usize>, files: &mut Vec<OutputFile>| {
        let number = u32::try_from(files.len() + 1).unwrap_or(u32::MAX);
        let name = profile.output_file_name(job_id, number);
        files.push(OutputFile {
            name,
            number,
            content: FileContent::Sets(sets),
        });
    };
    for run in &plan.runs {
        let mut start = run.sets.start;
        let mut sheets = 0u64;
        for index in run.sets.clone() {
            let set_sheets = u64::from(plan.sets[index].sheet_count());
            if index > start && sheets + set_sheets > max_sheets {
                push(start..index, &mut files);
                start = index;
                sheets = 0;
            }
            sheets += set_sheets;
        }
        if start < run.sets.end {
            push(start..run.sets.end, &mut files);
        }
    }
    if !plan.manual.is_empty() {
        let name = profile.manual_file_name(job_id);
        files.push(OutputFile {
            name,
            number: 0,
            content: FileContent::Manual,
        });
    }
    files
}

/// Redirects `ticket` to the centre described by `profile`, writing the
/// print files, `manifest.json` and `manifest.csv` into `out_dir`.
///
/// The job is planned for the partner ([`ProductionPlan`]): envelopes,
/// folds, page order, inserts, postage, presort and runs. Each production
/// run becomes one or more files (cut at the profile's sheet limit);
/// pieces for manual inserting go to a file of their own, without
/// inserter marks. The directory appears only when everything in it is
/// complete; on any error nothing is left behind.
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
    let JobInput {
        data,
        pages: total_pages,
        pieces,
        rendered: _rendered,
    } = open_job_input(ticket, out_dir)?;
    let plan = ProductionPlan::new(
        &JobSpec::from_ticket(ticket),
        &pieces,
        &profile.target_centre(),
    )?;
    if let Some((piece_id, why)) = unreachable_feeders(profile, &plan) {
        return Err(CoreError::Incompatible(format!("piece {piece_id}: {why}")));
    }
    let artwork = open_artwork(ticket, &plan)?;
    let mut files = output_files(&plan, profile, &ticket.id);
    if let PrintData::Afp(_) = data {
        for file in &mut files {
            file.name = afp_file_name(&file.name);
        }
        // AFP carries no artwork pages and no address-carrier rendering.
        if let Some(printed) = plan.printed_inserts.first() {
            return Err(CoreError::Incompatible(format!(
                "piece {}: insert {} must be printed at the partner, which AFP output cannot do",
                printed.piece_id, printed.insert
            )));
        }
    }
    let pages_per_sheet: u64 = if ticket.plex == Plex::Duplex { 2 } else { 1 };
    let manual_sheets: u64 = plan
        .manual
        .iter()
        .map(|m| u64::from(m.page_count).div_ceil(pages_per_sheet))
        .sum();
    let set_sheets: u64 = plan.sets.iter().map(|s| u64::from(s.sheet_count())).sum();

    let staged = StagedDir::new(out_dir)?;
    let mut writer = SheetWriter {
        ticket,
        profile,
        pieces: &pieces,
        artwork: &artwork,
        pages_per_sheet,
        white_out: ticket.origin_mark_zone.map(|z| MarkRect {
            x: z.x,
            y: z.y,
            width: z.width,
            height: z.height,
        }),
        content: Vec::with_capacity(16 * 1024),
        sequence: 1,
        progress: Progress {
            pages_done: 0,
            pages_total: (set_sheets + manual_sheets) * pages_per_sheet,
        },
    };
    let mut runs = Vec::with_capacity(files.len());
    let mut entries = Vec::with_capacity(plan.sets.len() + plan.manual.len());
    // Feeders to fire per envelope, beside `entries`, for the control file.
    let mut feeder_masks: Vec<u8> = Vec::with_capacity(entries.capacity());
    for file in &files {
        let first_entry = entries.len();
        let path = staged.path().join(&file.name);
        let mut out = match &data {
            PrintData::Pdf(input) => RunOutput::Pdf {
                pdf: PdfWriter::new(AtomicFile::create(&path)?)?,
                importer: PageImporter::new(input),
                artwork: artwork
                    .iter()
                    .map(|(name, input)| (name.as_str(), PageImporter::new(input)))
                    .collect(),
            },
            PrintData::Afp(job) => RunOutput::Afp(AfpRun::create(
                job,
                &path,
                profile
                    .marks
                    .data_matrix
                    .as_ref()
                    .map_or(0.5, |d| d.module_mm),
            )?),
        };
        let mut pieces_in_file = 0;
        let mut sheets_in_file = 0;
        match &file.content {
            FileContent::Sets(sets) => {
                for set in &plan.sets[sets.clone()] {
                    let first_page = out.page_count() + 1;
                    let first_sequence = writer.sequence;
                    match &mut out {
                        RunOutput::Pdf {
                            pdf,
                            importer,
                            artwork,
                        } => writer.write_set(pdf, importer, artwork, set)?,
                        RunOutput::Afp(run) => writer.write_afp_set(run, set)?,
                    }
                    entries.push(PieceEntry {
                        piece_id: set.piece_id.clone(),
                        part: set.part,
                        parts: set.parts,
                        plz: set.plz.clone(),
                        run: file.number,
                        file: file.name.clone(),
                        sheets: set.sheet_count(),
                        pages: document_pages(set),
                        source_first_page: pieces[set.piece].first_page,
                        first_page,
                        last_page: out.page_count(),
                        first_sequence,
                        last_sequence: writer.sequence - 1,
                        envelope: set.envelope.clone(),
                        product: Some(set.product),
                        postage_cents: set.postage_cents,
                        tray: set.tray,
                        reverse_order: set.address_last != set.reverse_collation,
                        manual: None,
                    });
                    feeder_masks.push(crate::closed_loop::feeder_mask(&set.feeders));
                    pieces_in_file += 1;
                    sheets_in_file += u64::from(set.sheet_count());
                    progress(writer.progress);
                }
            }
            FileContent::Manual => {
                for manual in &plan.manual {
                    let first_page = out.page_count() + 1;
                    let first_sequence = writer.sequence;
                    let sheets = match &mut out {
                        RunOutput::Pdf { pdf, importer, .. } => {
                            writer.write_manual(pdf, importer, manual.piece)?
                        }
                        RunOutput::Afp(run) => writer.write_afp_manual(run, manual.piece)?,
                    };
                    entries.push(PieceEntry {
                        piece_id: manual.piece_id.clone(),
                        part: 1,
                        parts: 1,
                        plz: pieces[manual.piece].plz.clone(),
                        run: 0,
                        file: file.name.clone(),
                        sheets,
                        pages: manual.page_count,
                        source_first_page: manual.first_page,
                        first_page,
                        last_page: out.page_count(),
                        first_sequence,
                        last_sequence: writer.sequence - 1,
                        envelope: String::new(),
                        product: None,
                        postage_cents: 0,
                        tray: 0,
                        reverse_order: false,
                        manual: Some(manual.to_string()),
                    });
                    feeder_masks.push(0);
                    pieces_in_file += 1;
                    sheets_in_file += u64::from(sheets);
                    progress(writer.progress);
                }
            }
        }
        let pages = out.page_count();
        if pages != sheets_in_file * pages_per_sheet {
            // A page lost here would be a piece in the wrong envelope later.
            return Err(CoreError::io(&path)(std::io::Error::other(format!(
                "wrote {pages} pages for {sheets_in_file} sheets"
            ))));
        }
        let (sha256, bytes) = match out {
            RunOutput::Pdf { pdf, .. } => pdf.finish()?.commit()?,
            RunOutput::Afp(run) => run.finish()?,
        };
        // Closed loop: the inserter's control file beside the run.
        crate::closed_loop::write_control_file(
            staged.path(),
            profile,
            &ticket.id,
            file.number,
            &file.name,
            &entries[first_entry..],
            &feeder_masks[first_entry..],
        )?;
        runs.push(RunEntry {
            run: file.number,
            file: file.name.clone(),
            sha256,
            bytes,
            pieces: pieces_in_file,
            sheets: sheets_in_file,
            pages,
        });
    }

    let manifest = Manifest {
        job_id: ticket.id.clone(),
        origin_centre: ticket.origin_centre.clone(),
        target_centre: profile.centre.id.clone(),
        franking_contract: profile.postage.franking_contract.clone(),
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
            pieces: pieces.len() as u64,
            envelopes: plan.sets.len() as u64,
            manual_pieces: plan.manual.len() as u64,
            sheets: set_sheets + manual_sheets,
            pages: total_pages,
            output_pages: runs.iter().map(|r| r.pages).sum(),
            runs: runs.len() as u64,
            postage_cents: plan.total_postage_cents(),
        },
        runs,
        pieces: entries,
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

/// An envelope that needs selective feeds must tell the inserter which:
/// through the control file, or through its marks (OMR feeder tracks, or a
/// code whose template carries `{feeders}`). Otherwise the insert would be
/// silently missing. Returns the first set that cannot, as (piece id, why).
/// Feeders above 8 are beyond what a control record or a mark can call.
pub(crate) fn unreachable_feeders(
    profile: &CentreProfile,
    plan: &ProductionPlan,
) -> Option<(String, String)> {
    let marks = &profile.marks;
    let in_code = marks
        .data_matrix
        .as_ref()
        .is_some_and(|d| d.template.contains("{feeders}"))
        || marks
            .barcode
            .as_ref()
            .is_some_and(|b| b.template.contains("{feeders}"));
    let tracks = marks.omr.as_ref().map_or(0, |o| o.supported_feeders());
    let centre = &profile.centre.id;
    plan.sets.iter().find_map(|set| {
        let why = if let Some(high) = set.feeders.iter().find(|&&f| f > 8) {
            format!("feeder {high} must fire for its inserts, but control records and marks call feeders 1-8 only")
        } else {
            let mask = crate::closed_loop::feeder_mask(&set.feeders);
            if mask == 0 || profile.control_file.is_some() || in_code || tracks & mask == mask {
                return None;
            }
            format!(
                "feeders {:?} must fire for its inserts, but {centre} has no control file and its marks cannot call them",
                set.feeders
            )
        };
        Some((set.piece_id.clone(), why))
    })
}

/// One output file being written.
enum RunOutput<'a> {
    /// A PDF file: pages imported from the PDF input and artwork.
    Pdf {
        pdf: PdfWriter<AtomicFile>,
        importer: PageImporter<'a>,
        artwork: BTreeMap<&'a str, PageImporter<'a>>,
    },
    /// An AFP file: page groups copied from the AFP input.
    Afp(AfpRun<'a>),
}

impl RunOutput<'_> {
    fn page_count(&self) -> u64 {
        match self {
            RunOutput::Pdf { pdf, .. } => pdf.page_count() as u64,
            RunOutput::Afp(run) => run.page_count(),
        }
    }
}

/// The name of an AFP run file: the profile's template with `.afp` for
/// `.pdf` (or `.afp` appended).
fn afp_file_name(name: &str) -> String {
    match name.strip_suffix(".pdf") {
        Some(stem) => format!("{stem}.afp"),
        None => format!("{name}.afp"),
    }
}

/// Pages of the print data in a set.
fn document_pages(set: &PlannedSet) -> u32 {
    set.sheets
        .iter()
        .map(|sheet| match sheet {
            SetSheet::Document {
                back: SheetBack::Page(_),
                ..
            } => 2,
            SetSheet::Document { .. } => 1,
            SetSheet::AddressCarrier | SetSheet::Insert { .. } => 0,
        })
        .sum()
}

/// Opens the artwork of every insert the plan prints on a sheet.
fn open_artwork(
    ticket: &JobTicket,
    plan: &ProductionPlan,
) -> Result<BTreeMap<String, PdfInput>, CoreError> {
    let mut artwork = BTreeMap::new();
    for printed in &plan.printed_inserts {
        if artwork.contains_key(&printed.insert) {
            continue;
        }
        let path = ticket.insert_artwork.get(&printed.insert).ok_or_else(|| {
            CoreError::Incompatible(format!(
                "piece {}: insert {} must be printed at the partner, but the job has no artwork for it (insert_artwork)",
                printed.piece_id, printed.insert
            ))
        })?;
        artwork.insert(printed.insert.clone(), PdfInput::open(path)?);
    }
    Ok(artwork)
}

struct SheetWriter<'a> {
    ticket: &'a JobTicket,
    profile: &'a CentreProfile,
    pieces: &'a [MailPiece],
    artwork: &'a BTreeMap<String, PdfInput>,
    pages_per_sheet: u64,
    white_out: Option<MarkRect>,
    content: Vec<u8>,
    /// Job-wide sheet sequence number of the next sheet written.
    sequence: u64,
    progress: Progress,
}

impl<'a> SheetWriter<'a> {
    /// Writes the sheets of one envelope in print order, with the partner's
    /// marks on every front.
    fn write_set(
        &mut self,
        pdf: &mut PdfWriter<AtomicFile>,
        importer: &mut PageImporter<'a>,
        artwork: &mut BTreeMap<&str, PageImporter<'a>>,
        set: &PlannedSet,
    ) -> Result<(), CoreError> {
        for (i, sheet) in set.sheets.iter().enumerate() {
            let marks = self.marks_for(set, i)?;
            let mut chunk = Chunk::new();
            let refs = pdf.allocator();
            let (front, back, front_kind) = match sheet {
                SetSheet::Document { front, back, .. } => {
                    let front = importer.import(page_index(*front), refs, &mut chunk)?;
                    let back = match back {
                        SheetBack::Page(page) => {
                            Some(importer.import(page_index(*page), refs, &mut chunk)?)
                        }
                        SheetBack::Unprinted | SheetBack::Blank => None,
                    };
                    (front, back, Front::Document)
                }
                SetSheet::AddressCarrier => {
                    let first = self.pieces[set.piece].first_page;
                    (
                        importer.import(page_index(first), refs, &mut chunk)?,
                        None,
                        Front::AddressCarrier,
                    )
                }
                SetSheet::Insert { name } => {
                    let source = artwork.get_mut(name.as_str()).ok_or_else(|| {
                        CoreError::Incompatible(format!(
                            "piece {}: no artwork for insert {name}",
                            set.piece_id
                        ))
                    })?;
                    let pages = self.artwork.get(name).map_or(0, PdfInput::page_count);
                    let front = source.import(0, refs, &mut chunk)?;
                    let back = if self.pages_per_sheet == 2 && pages > 1 {
                        Some(source.import(1, refs, &mut chunk)?)
                    } else {
                        None
                    };
                    (front, back, Front::Insert)
                }
            };
            pdf.write_chunk(&chunk)?;
            match front_kind {
                Front::Document | Front::Insert => {
                    let white_out = if front_kind == Front::Document {
                        self.white_out.as_ref()
                    } else {
                        None
                    };
                    page_content(
                        &mut self.content,
                        front.height,
                        true,
                        white_out,
                        Some(&marks),
                    );
                }
                Front::AddressCarrier => {
                    address_carrier_content(
                        &mut self.content,
                        front.height,
                        &self.ticket.address_field,
                        &marks,
                    );
                }
            }
            pdf.add_page(
                front.width,
                front.height,
                &[(FORM_NAME, front.form)],
                &self.content,
            )?;
            self.write_back(pdf, &front, back.as_ref(), front_kind == Front::Document)?;
            self.sequence += 1;
        }
        Ok(())
    }

    /// The partner's marks for sheet `index` (0-based) of `set`, numbered
    /// with the current sheet sequence.
    fn marks_for(&self, set: &PlannedSet, index: usize) -> Result<SheetMarks, CoreError> {
        let sheets = set.sheet_count();
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let mut control = SheetControl::new(
            &self.ticket.id,
            &set.piece_id,
            self.sequence,
            number,
            sheets,
        );
        if number == sheets {
            // Selective feeds ride on the sheet that closes the set.
            control = control.with_feeders(crate::closed_loop::feeder_mask(&set.feeders));
        }
        sheet_marks(self.profile, &control).map_err(|source| CoreError::Mark {
            piece_id: set.piece_id.clone(),
            sheet: number,
            source,
        })
    }

    /// Writes one envelope's page group to an AFP run: its pages in print
    /// order, the partner's marks on every front, the origin's zone whited
    /// out, blank backs where a duplex sheet has none.
    fn write_afp_set(&mut self, run: &mut AfpRun<'_>, set: &PlannedSet) -> Result<(), CoreError> {
        let mut sheets = Vec::with_capacity(set.sheets.len());
        for (i, sheet) in set.sheets.iter().enumerate() {
            let SetSheet::Document { front, back, .. } = sheet else {
                return Err(CoreError::Incompatible(format!(
                    "piece {}: sheet {} is an address carrier or a printed insert, which AFP output cannot make",
                    set.piece_id,
                    i + 1
                )));
            };
            let back = match back {
                SheetBack::Page(page) => Some(*page),
                SheetBack::Unprinted | SheetBack::Blank => None,
            };
            sheets.push((*front, back, self.marks_for(set, i)?));
            self.sequence += 1;
            self.progress.pages_done += self.pages_per_sheet;
        }
        let white_out = self.white_out.as_ref();
        let mut pages: Vec<OutputPage<'_>> = Vec::with_capacity(sheets.len() * 2);
        for (front, back, marks) in &sheets {
            pages.push((
                Some(*front),
                PageAdditions {
                    white_out,
                    marks: Some(marks),
                },
            ));
            self.afp_back(&mut pages, *back);
        }
        run.write_piece(set.piece, &pages)
    }

    /// The back of an AFP sheet: the page, a blank page in duplex, nothing
    /// in simplex.
    fn afp_back<'p>(&'p self, pages: &mut Vec<OutputPage<'p>>, back: Option<u64>) {
        let white_out = self.white_out.as_ref();
        match back {
            Some(page) => pages.push((
                Some(page),
                PageAdditions {
                    white_out,
                    marks: None,
                },
            )),
            None if self.pages_per_sheet == 2 => pages.push((
                None,
                PageAdditions {
                    white_out: None,
                    marks: None,
                },
            )),
            None => {}
        }
    }

    /// Writes a piece for manual inserting to an AFP run: its pages in
    /// order, the origin's zone whited out, no inserter marks. Returns its
    /// sheet count.
    fn write_afp_manual(&mut self, run: &mut AfpRun<'_>, piece: usize) -> Result<u32, CoreError> {
        let (first, last) = (
            self.pieces[piece].first_page,
            self.pieces[piece].last_page(),
        );
        let step = self.pages_per_sheet;
        let sheets = u32::try_from((last + 1 - first).div_ceil(step)).unwrap_or(u32::MAX);
        self.sequence += u64::from(sheets);
        self.progress.pages_done += u64::from(sheets) * step;
        let white_out = self.white_out.as_ref();
        let mut pages: Vec<OutputPage<'_>> = Vec::new();
        for front in (first..=last).step_by(usize::try_from(step).unwrap_or(1)) {
            pages.push((
                Some(front),
                PageAdditions {
                    white_out,
                    marks: None,
                },
            ));
            if step == 2 {
                self.afp_back(&mut pages, (front < last).then_some(front + 1));
            }
        }
        run.write_piece(piece, &pages)?;
        Ok(sheets)
    }

    /// The back of a sheet: the imported page, or a blank page in duplex.
    fn write_back(
        &mut self,
        pdf: &mut PdfWriter<AtomicFile>,
        front: &ImportedPage,
        back: Option<&ImportedPage>,
        document: bool,
    ) -> Result<(), CoreError> {
        match back {
            Some(back) => {
                let white_out = if document {
                    self.white_out.as_ref()
                } else {
                    None
                };
                page_content(&mut self.content, back.height, true, white_out, None);
                pdf.add_page(
                    back.width,
                    back.height,
                    &[(FORM_NAME, back.form)],
                    &self.content,
                )?;
            }
            None if self.pages_per_sheet == 2 => {
                pdf.add_page(front.width, front.height, &[], b"")?;
            }
            None => {}
        }
        self.progress.pages_done += self.pages_per_sheet;
        Ok(())
    }

    /// Writes a piece for manual inserting: its pages in order, the origin's
    /// zone whited out, no inserter marks. Returns its sheet count.
    fn write_manual(
        &mut self,
        pdf: &mut PdfWriter<AtomicFile>,
        importer: &mut PageImporter<'a>,
        piece: usize,
    ) -> Result<u32, CoreError> {
        let piece = &self.pieces[piece];
        let mut sheets = 0;
        let mut page = piece.first_page;
        while page <= piece.last_page() {
            let mut chunk = Chunk::new();
            let front = importer.import(page_index(page), pdf.allocator(), &mut chunk)?;
            let back_page = page + 1;
            let back = if self.pages_per_sheet == 2 && back_page <= piece.last_page() {
                Some(importer.import(page_index(back_page), pdf.allocator(), &mut chunk)?)
            } else {
                None
            };
            pdf.write_chunk(&chunk)?;
            page_content(
                &mut self.content,
                front.height,
                true,
                self.white_out.as_ref(),
                None,
            );
            pdf.add_page(
                front.width,
                front.height,
                &[(FORM_NAME, front.form)],
                &self.content,
            )?;
            self.write_back(pdf, &front, back.as_ref(), true)?;
            page += self.pages_per_sheet;
            sheets += 1;
            self.sequence += 1;
        }
        Ok(sheets)
    }
}

/// What the front of a sheet shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Front {
    /// A page of the print data.
    Document,
    /// The piece's address field alone, starting a further envelope.
    AddressCarrier,
    /// An insert's artwork.
    Insert,
}

fn page_index(page: u64) -> usize {
    usize::try_from(page - 1).unwrap_or(usize::MAX)
}

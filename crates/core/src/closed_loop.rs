//! Closed loop: the production journal around `redirect`, inserter control
//! files, reconciliation of results files, reprint child jobs and the
//! status report for the origin centre.
//!
//! Where the journal lives: by default `journal.sqlite` inside the output
//! directory of the job ([`default_journal_path`]). Because that directory
//! appears atomically, the journal is created right after it appears, and
//! the pieces are recorded `planned` and `released` together. A journal
//! elsewhere (`--journal`) records `planned` before any output is written.
//! Either way a rerun after a crash finds a committed output by its
//! `manifest.json` and completes the journal from it; without one it
//! produces the output again (a leftover staging directory of a dead
//! process is removed first). Reprints record into the root job's journal.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tandem_journal::{
    Clock, ControlRecord, JobRecord, JobStatus, Journal, NewEvent, PieceRecord, ReconcileReport,
    ResultsFile, ResultsLayout, RunRecord, SqliteJournal, State, StatusReport,
};
use tandem_pdf::{Chunk, PageImporter, PdfWriter};
use tandem_profile::CentreProfile;
use tandem_ticket::{DataFormat, Delimiting, JobTicket, PrintFile};

use crate::CoreError;
use crate::afp_job::AfpRun;
use crate::manifest::{Manifest, PieceEntry};
use crate::output::{AtomicFile, write_atomically};
use crate::redirect::{PrintData, Progress, RedirectSummary, redirect};

/// The journal's file name inside an output directory.
pub const JOURNAL_FILE: &str = "journal.sqlite";

/// Where `redirect_with_journal` keeps the journal unless told otherwise.
pub fn default_journal_path(out_dir: &Path) -> PathBuf {
    out_dir.join(JOURNAL_FILE)
}

/// Feeders 1–8 as a bit mask (bit 0: feeder 1).
pub(crate) fn feeder_mask(feeders: &[u8]) -> u8 {
    feeders
        .iter()
        .filter(|f| (1..=8).contains(*f))
        .fold(0u8, |mask, f| mask | 1 << (f - 1))
}

/// Writes the inserter control file of one run (`RUN.ctl` beside
/// `RUN.pdf`) when the profile asks for one; the manual-inserting file
/// (number 0) gets none.
pub(crate) fn write_control_file(
    dir: &Path,
    profile: &CentreProfile,
    job: &str,
    number: u32,
    file_name: &str,
    entries: &[PieceEntry],
    feeders: &[u8],
) -> Result<(), CoreError> {
    let Some(layout) = &profile.control_file else {
        return Ok(());
    };
    if number == 0 {
        return Ok(());
    }
    let records: Vec<ControlRecord> = entries
        .iter()
        .zip(feeders)
        .enumerate()
        .map(|(i, (e, f))| ControlRecord {
            job: job.to_owned(),
            piece_id: e.piece_id.clone(),
            part: e.part,
            parts: e.parts,
            sheets: e.sheets,
            feeders: *f,
            envelope: e.envelope.clone(),
            position: i as u64 + 1,
            first_page: e.first_page,
            first_sequence: e.first_sequence,
        })
        .collect();
    let text = tandem_journal::format_control_file(layout, &records)?;
    let name = control_file_name(file_name);
    write_atomically(&dir.join(name), text.as_bytes())?;
    Ok(())
}

/// The control file's name for a run file: `.pdf` or `.afp` replaced by
/// `.ctl`.
pub(crate) fn control_file_name(run_file: &str) -> String {
    let stem = run_file
        .strip_suffix(".pdf")
        .or_else(|| run_file.strip_suffix(".afp"))
        .unwrap_or(run_file);
    format!("{stem}.ctl")
}

/// What [`redirect_with_journal`] did.
#[derive(Clone, Debug)]
pub struct JournaledRedirect {
    /// The redirect (read back from `manifest.json` when resumed).
    pub summary: RedirectSummary,
    /// The journal it recorded into.
    pub journal: PathBuf,
    /// The output existed already (an earlier run was interrupted after
    /// committing it); only the journal was completed.
    pub resumed: bool,
}

fn read_manifest(dir: &Path) -> Result<Option<Manifest>, CoreError> {
    let path = dir.join("manifest.json");
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| CoreError::io(&path)(std::io::Error::other(e))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CoreError::io(&path)(e)),
    }
}

/// Removes staging directories of `out_dir` left by processes that died
/// (`.NAME.partial-PID` whose PID is not running). Only where `/proc`
/// tells which processes run; elsewhere leftovers stay.
fn remove_dead_staging(out_dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Some(name) = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
    else {
        return;
    };
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let prefix = format!(".{name}.partial-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn event(root: &str, piece: &str, state: State, via: &str, at: &str, source: &str) -> NewEvent {
    NewEvent {
        job: root.to_owned(),
        piece: piece.to_owned(),
        state,
        via: via.to_owned(),
        at: at.to_owned(),
        source: source.to_owned(),
        detail: String::new(),
    }
}

fn layout_json(profile: &CentreProfile) -> Result<Option<String>, CoreError> {
    profile
        .results
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| CoreError::Incompatible(format!("results layout: {e}")))
}

/// Records a committed output in the journal: the job (if new, with
/// `planned` events), its runs and the `release_state` of every piece.
fn record_release(
    journal: &mut SqliteJournal,
    job: &JobRecord,
    manifest: &Manifest,
    release_state: State,
    clock: &dyn Clock,
    source: &str,
) -> Result<(), CoreError> {
    let mut parts: BTreeMap<&str, u32> = BTreeMap::new();
    let mut order = Vec::new();
    for p in &manifest.pieces {
        if parts.insert(&p.piece_id, p.parts).is_none() {
            order.push(p.piece_id.as_str());
        }
    }
    let pieces: Vec<PieceRecord> = order
        .iter()
        .map(|id| PieceRecord {
            piece_id: (*id).to_owned(),
            parts: parts[id],
        })
        .collect();
    let at = clock.now();
    if job.number == 0 {
        let planned: Vec<NewEvent> = order
            .iter()
            .map(|id| event(&job.root, id, State::Planned, &job.id, &at, source))
            .collect();
        journal.create_job(job, &pieces, &planned)?;
    }
    let runs: Vec<RunRecord> = manifest
        .runs
        .iter()
        .map(|r| RunRecord {
            run: r.run,
            file: r.file.clone(),
            sha256: r.sha256.clone(),
            pieces: r.pieces,
        })
        .collect();
    let released: Vec<NewEvent> = order
        .iter()
        .map(|id| event(&job.root, id, release_state, &job.id, &at, source))
        .collect();
    journal.release_job(&job.id, &runs, &pieces, &released)?;
    Ok(())
}

fn root_job_record(
    ticket: &JobTicket,
    profile: &CentreProfile,
    out_dir: &Path,
    clock: &dyn Clock,
) -> Result<JobRecord, CoreError> {
    Ok(JobRecord {
        id: ticket.id.clone(),
        root: ticket.id.clone(),
        number: 0,
        origin_centre: ticket.origin_centre.clone(),
        target_centre: profile.centre.id.clone(),
        status: JobStatus::Planned,
        created_at: clock.now(),
        out_dir: out_dir.display().to_string(),
        results_layout: layout_json(profile)?,
    })
}

/// [`redirect`] with the production journal: records the job, its runs and
/// every piece (`planned`, `released`), and is safe to rerun after a crash
/// at any point (see the module documentation).
///
/// `journal`: the journal file; `None` for [`default_journal_path`].
pub fn redirect_with_journal(
    ticket: &JobTicket,
    profile: &CentreProfile,
    out_dir: &Path,
    journal: Option<&Path>,
    clock: &dyn Clock,
    progress: &mut dyn FnMut(Progress),
) -> Result<JournaledRedirect, CoreError> {
    let started = Instant::now();
    let journal_path = journal.map_or_else(|| default_journal_path(out_dir), Path::to_owned);
    let inside = journal_path.parent() == Some(out_dir);
    let job = root_job_record(ticket, profile, out_dir, clock)?;
    let source = format!("redirect {}", ticket.id);
    remove_dead_staging(out_dir);
    if let Some(manifest) = read_manifest(out_dir)? {
        if manifest.job_id != ticket.id {
            return Err(CoreError::OutputExists(out_dir.to_owned()));
        }
        let mut journal = SqliteJournal::open(&journal_path)?;
        record_release(
            &mut journal,
            &job,
            &manifest,
            State::Released,
            clock,
            &source,
        )?;
        return Ok(JournaledRedirect {
            summary: RedirectSummary {
                output_dir: out_dir.to_owned(),
                manifest,
                elapsed: started.elapsed(),
            },
            journal: journal_path,
            resumed: true,
        });
    }
    if !inside {
        // Planned before any output exists.
        let mut journal = SqliteJournal::open(&journal_path)?;
        // PDF, line data (laid out next to the output) or AFP page groups.
        let pieces = crate::redirect::open_job_input(ticket, out_dir)?.pieces;
        let at = clock.now();
        let planned: Vec<NewEvent> = pieces
            .iter()
            .map(|p| {
                event(
                    &ticket.id,
                    &p.piece_id,
                    State::Planned,
                    &ticket.id,
                    &at,
                    &source,
                )
            })
            .collect();
        let records: Vec<PieceRecord> = pieces
            .iter()
            .map(|p| PieceRecord {
                piece_id: p.piece_id.clone(),
                parts: 1,
            })
            .collect();
        journal.create_job(&job, &records, &planned)?;
    }
    let summary = redirect(ticket, profile, out_dir, progress)?;
    let mut journal = SqliteJournal::open(&journal_path)?;
    record_release(
        &mut journal,
        &job,
        &summary.manifest,
        State::Released,
        clock,
        &source,
    )?;
    Ok(JournaledRedirect {
        summary,
        journal: journal_path,
        resumed: false,
    })
}

/// Reconciles inserter results files against the journal (see
/// [`tandem_journal::reconcile`]). Lines that are not UTF-8 are read
/// lossily; a malformed line is reported with file and line number.
pub fn reconcile_files(
    journal_path: &Path,
    results: &[PathBuf],
    job: Option<&str>,
    layout: Option<&ResultsLayout>,
    clock: &dyn Clock,
) -> Result<ReconcileReport, CoreError> {
    let mut files = Vec::with_capacity(results.len());
    for path in results {
        let bytes = std::fs::read(path).map_err(CoreError::io(path))?;
        files.push(ResultsFile {
            name: path.display().to_string(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        });
    }
    let mut journal = open_existing(journal_path)?;
    Ok(tandem_journal::reconcile(
        &mut journal,
        &files,
        job,
        layout,
        clock,
    )?)
}

fn open_existing(journal_path: &Path) -> Result<SqliteJournal, CoreError> {
    if !journal_path.is_file() {
        return Err(CoreError::io(journal_path)(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no journal here",
        )));
    }
    Ok(SqliteJournal::open(journal_path)?)
}

/// The status report of a root job; `job` may be omitted when the journal
/// holds exactly one.
pub fn job_status(journal_path: &Path, job: Option<&str>) -> Result<StatusReport, CoreError> {
    let journal = open_existing(journal_path)?;
    let root = only_root(&journal, job)?;
    Ok(tandem_journal::status(&journal, &root)?)
}

/// What [`record_printed`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintedReport {
    /// The job the run belongs to (root or reprint).
    pub job: String,
    /// The run file.
    pub file: String,
    /// Pieces now recorded as printed.
    pub marked: usize,
    /// Pieces recorded as printed before (a rerun changes nothing).
    pub already: usize,
    /// Pieces in a state a printer confirmation cannot follow (for example
    /// already reported by the inserter), with that state.
    pub skipped: Vec<(String, State)>,
}

/// Records that the printer printed run file `file` of the output in
/// `out_dir`: every piece with an envelope in it moves to `printed`. The
/// file must still be the one the manifest lists (same SHA-256), so a
/// confirmation never lands on pieces of another file. Safe to rerun.
pub fn record_printed(
    out_dir: &Path,
    journal: Option<&Path>,
    file: &str,
    clock: &dyn Clock,
) -> Result<PrintedReport, CoreError> {
    let manifest = read_manifest(out_dir)?.ok_or_else(|| {
        CoreError::io(out_dir.join("manifest.json"))(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no finished output here",
        ))
    })?;
    let run = manifest
        .runs
        .iter()
        .find(|r| r.file == file)
        .ok_or_else(|| {
            CoreError::Incompatible(format!("job {} has no run file {file}", manifest.job_id))
        })?;
    let path = out_dir.join(file);
    let actual = crate::output::sha256_file(&path)?;
    if actual != run.sha256 {
        return Err(CoreError::HashMismatch {
            path,
            expected: run.sha256.clone(),
            actual,
        });
    }
    let journal_path = journal.map_or_else(|| default_journal_path(out_dir), Path::to_owned);
    let mut journal = open_existing(&journal_path)?;
    let record = journal.job(&manifest.job_id)?.ok_or_else(|| {
        CoreError::Incompatible(format!("the journal has no job {}", manifest.job_id))
    })?;
    let states: std::collections::HashMap<String, (State, String)> = journal
        .states(&record.root)?
        .into_iter()
        .map(|p| (p.piece_id, (p.state, p.via)))
        .collect();
    let mut report = PrintedReport {
        job: manifest.job_id.clone(),
        file: file.to_owned(),
        marked: 0,
        already: 0,
        skipped: Vec::new(),
    };
    let at = clock.now();
    let mut events = Vec::new();
    let mut seen = HashSet::new();
    for piece in manifest.pieces.iter().filter(|p| p.file == file) {
        if !seen.insert(piece.piece_id.as_str()) {
            continue;
        }
        // Only pieces this job is producing: a piece since reprinted in a
        // child job is that job's to confirm.
        match states.get(&piece.piece_id) {
            Some((State::Printed, via)) if *via == manifest.job_id => report.already += 1,
            Some((State::Released | State::Reprinted, via)) if *via == manifest.job_id => {
                report.marked += 1;
                events.push(NewEvent {
                    job: record.root.clone(),
                    piece: piece.piece_id.clone(),
                    state: State::Printed,
                    via: manifest.job_id.clone(),
                    at: at.clone(),
                    source: format!("printed {file}"),
                    detail: format!("sha256 {}", run.sha256),
                });
            }
            Some((state, _)) => report.skipped.push((piece.piece_id.clone(), *state)),
            None => {
                return Err(CoreError::Incompatible(format!(
                    "the journal has no piece {} of job {}",
                    piece.piece_id, record.root
                )));
            }
        }
    }
    journal.append(&events)?;
    Ok(report)
}

/// A person's decision on a piece the inserter reported more than once
/// (reconciliation leaves it open for exactly this).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DuplicateDecision {
    /// One good envelope went out (any other was destroyed): completed.
    OneGood,
    /// No good envelope: the piece is damaged and goes to the next reprint.
    NoneGood,
}

/// Records `decision` for `piece_id` of root job `job` (default: the only
/// job in the journal). Returns the piece's new state. Refused unless the
/// piece waits for its inserter report (released, printed or reprinted)
/// and a stored reconciliation of the job producing it found it reported
/// twice — so a mistyped piece id cannot complete another letter.
pub fn decide_duplicate(
    journal_path: &Path,
    job: Option<&str>,
    piece_id: &str,
    decision: DuplicateDecision,
    note: &str,
    clock: &dyn Clock,
) -> Result<State, CoreError> {
    let mut journal = open_existing(journal_path)?;
    let root = only_root(&journal, job)?;
    let piece = journal
        .states(&root)?
        .into_iter()
        .find(|p| p.piece_id == piece_id)
        .ok_or_else(|| CoreError::Incompatible(format!("job {root} has no piece {piece_id}")))?;
    let states: &[State] = match decision {
        DuplicateDecision::OneGood => &[State::Inserted, State::Completed],
        DuplicateDecision::NoneGood => &[State::Damaged],
    };
    if !matches!(
        piece.state,
        State::Released | State::Printed | State::Reprinted
    ) {
        return Err(CoreError::Incompatible(format!(
            "piece {piece_id} of job {root} is {}; a decision on a duplicate report cannot follow that",
            piece.state.as_str()
        )));
    }
    let reported_twice = journal
        .reconciliations(&piece.via)?
        .iter()
        .filter_map(|r| serde_json::from_str::<tandem_journal::ReconcileReport>(&r.report).ok())
        .any(|report| {
            report
                .pieces
                .iter()
                .any(|p| p.piece_id == piece_id && p.outcome == tandem_journal::Outcome::Duplicate)
        });
    if !reported_twice {
        return Err(CoreError::Incompatible(format!(
            "no reconciliation of job {} found piece {piece_id} reported twice",
            piece.via
        )));
    }
    let at = clock.now();
    let events: Vec<NewEvent> = states
        .iter()
        .map(|&state| NewEvent {
            job: root.clone(),
            piece: piece_id.to_owned(),
            state,
            via: piece.via.clone(),
            at: at.clone(),
            source: "operator decision".into(),
            detail: format!(
                "duplicate report checked: {}{}",
                match decision {
                    DuplicateDecision::OneGood => "one good envelope",
                    DuplicateDecision::NoneGood => "no good envelope",
                },
                if note.is_empty() {
                    String::new()
                } else {
                    format!("; {note}")
                }
            ),
        })
        .collect();
    journal.append(&events)?;
    Ok(*states.last().unwrap_or(&piece.state))
}

/// The root job named, or the only one in the journal.
fn only_root(journal: &SqliteJournal, job: Option<&str>) -> Result<String, CoreError> {
    if let Some(job) = job {
        return Ok(job.to_owned());
    }
    match journal.roots()?.as_slice() {
        [one] => Ok(one.clone()),
        roots => Err(CoreError::Incompatible(format!(
            "the journal holds {} jobs; name one",
            roots.len()
        ))),
    }
}

/// What [`reprint`] produced.
#[derive(Clone, Debug)]
pub struct ReprintSummary {
    /// The child job id `JOB.n`.
    pub child_id: String,
    /// The pieces reprinted.
    pub pieces: Vec<String>,
    /// The child job's input (print file, index, ticket).
    pub input_dir: PathBuf,
    /// The child job's redirect.
    pub summary: RedirectSummary,
    /// An interrupted reprint was finished.
    pub resumed: bool,
}

/// Makes the child job `JOB.n` of `original` with exactly the pieces to
/// reprint (diverted, damaged, missing), produced for the centre of
/// `profile` (origin or partner), and records it in the journal.
///
/// The child's print file holds only those pieces' pages, taken from the
/// original print file, with its own index; its marks carry the child id
/// and the same piece ids, with new sheet sequence numbers. Its input goes
/// to `OUT.input/` beside `out_dir`. Refuses above the profile's
/// `reprint_ceiling_percent` unless `force`. Safe to rerun after a crash:
/// an unfinished child job is resumed with the same pieces.
pub fn reprint(
    original: &JobTicket,
    profile: &CentreProfile,
    out_dir: &Path,
    journal_path: &Path,
    force: bool,
    clock: &dyn Clock,
    progress: &mut dyn FnMut(Progress),
) -> Result<ReprintSummary, CoreError> {
    let started = Instant::now();
    profile.validate()?;
    let mut journal = open_existing(journal_path)?;
    remove_dead_staging(out_dir);
    let input_dir = {
        let name = out_dir
            .file_name()
            .map_or_else(|| "reprint".into(), |n| n.to_string_lossy().into_owned());
        out_dir.with_file_name(format!("{name}.input"))
    };
    // A rerun after the reprint finished: report it again, change nothing.
    if let Some(manifest) = read_manifest(out_dir)?
        && let Some(done) = journal.job(&manifest.job_id)?
        && done.root == original.id
        && done.number > 0
        && done.status == JobStatus::Released
    {
        let pieces = journal
            .pieces(&done.id)?
            .into_iter()
            .map(|p| p.piece_id)
            .collect();
        return Ok(ReprintSummary {
            child_id: done.id,
            pieces,
            input_dir,
            summary: RedirectSummary {
                output_dir: out_dir.to_owned(),
                manifest,
                elapsed: started.elapsed(),
            },
            resumed: true,
        });
    }
    let plan = tandem_journal::plan_reprint(
        &mut journal,
        &original.id,
        &profile.centre.id,
        &out_dir.display().to_string(),
        profile.results.as_ref(),
        profile.reprint_ceiling_percent,
        force,
        clock,
    )?;
    let child = plan.child.clone();
    let source = format!("reprint {}", child.id);
    let (summary, resumed) = match read_manifest(out_dir)? {
        Some(manifest) if manifest.job_id == child.id => (
            RedirectSummary {
                output_dir: out_dir.to_owned(),
                manifest,
                elapsed: started.elapsed(),
            },
            true,
        ),
        Some(_) => return Err(CoreError::OutputExists(out_dir.to_owned())),
        None => {
            let ticket = write_child_job(original, &child.id, &plan.pieces, &input_dir)?;
            (redirect(&ticket, profile, out_dir, progress)?, plan.resumed)
        }
    };
    let reprinted: HashSet<&str> = summary
        .manifest
        .pieces
        .iter()
        .map(|p| p.piece_id.as_str())
        .collect();
    if reprinted.len() != plan.pieces.len()
        || plan.pieces.iter().any(|p| !reprinted.contains(p.as_str()))
    {
        return Err(CoreError::Incompatible(format!(
            "{}: the output does not hold exactly the {} pieces of {}",
            out_dir.display(),
            plan.pieces.len(),
            child.id
        )));
    }
    record_release(
        &mut journal,
        &child,
        &summary.manifest,
        State::Reprinted,
        clock,
        &source,
    )?;
    Ok(ReprintSummary {
        child_id: child.id,
        pieces: plan.pieces,
        input_dir,
        summary,
        resumed,
    })
}

/// Writes the child job's print file (only the given pieces' pages, from
/// the original print file), its index and ticket into `dir`, and returns
/// the ticket.
fn write_child_job(
    original: &JobTicket,
    child_id: &str,
    pieces: &[String],
    dir: &Path,
) -> Result<JobTicket, CoreError> {
    std::fs::create_dir_all(dir).map_err(CoreError::io(dir))?;
    // PDF as it is, line data laid out (the child gets the laid-out pages),
    // AFP by its page groups.
    let job = crate::redirect::open_job_input(original, dir)?;
    let wanted: HashSet<&str> = pieces.iter().map(String::as_str).collect();
    let chosen: Vec<usize> = (0..job.pieces.len())
        .filter(|&i| wanted.contains(job.pieces[i].piece_id.as_str()))
        .collect();
    let found = chosen.len();
    let mut ticket = original.clone();
    ticket.id = child_id.to_owned();
    match &job.data {
        PrintData::Afp(afp) => {
            let path = dir.join("pages.afp");
            let mut run = AfpRun::create(afp, &path, 0.0)?;
            for &piece in &chosen {
                run.copy_piece(piece)?;
            }
            if found == pieces.len() {
                run.finish()?;
            }
            ticket.print_files = vec![PrintFile {
                path,
                format: DataFormat::Afp,
                sha256: None,
            }];
        }
        PrintData::Pdf(input) => {
            let pdf_path = dir.join("pages.pdf");
            let mut pdf = PdfWriter::new(AtomicFile::create(&pdf_path)?)?;
            let mut importer = PageImporter::new(input);
            let mut index = String::from("piece_id,first_page,page_count,plz,country,inserts\n");
            let mut next_page = 1u64;
            for piece in chosen.iter().map(|&i| &job.pieces[i]) {
                for page in piece.first_page..=piece.last_page() {
                    let mut chunk = Chunk::new();
                    let index = usize::try_from(page - 1).unwrap_or(usize::MAX);
                    let imported = importer.import(index, pdf.allocator(), &mut chunk)?;
                    pdf.write_chunk(&chunk)?;
                    pdf.add_page(
                        imported.width,
                        imported.height,
                        &[(b"P".as_slice(), imported.form)],
                        b"q /P Do Q\n",
                    )?;
                }
                let _ = writeln!(
                    index,
                    "{},{},{},{},{},\"{}\"",
                    piece.piece_id,
                    next_page,
                    piece.page_count,
                    piece.plz,
                    piece.country,
                    piece.inserts.join(";").replace('"', "\"\"")
                );
                next_page += u64::from(piece.page_count);
            }
            if found == pieces.len() {
                pdf.finish()?.commit()?;
            }
            let index_path = dir.join("index.csv");
            write_atomically(&index_path, index.as_bytes())?;
            ticket.print_files = vec![PrintFile {
                path: pdf_path,
                format: DataFormat::Pdf,
                sha256: None,
            }];
            ticket.documents = Delimiting::Index { index: index_path };
        }
    }
    if found != pieces.len() {
        return Err(CoreError::Incompatible(format!(
            "{} of the {} pieces to reprint are not in the original job {}",
            pieces.len() - found,
            pieces.len(),
            original.id
        )));
    }
    write_atomically(&dir.join("job.toml"), ticket.to_toml_string().as_bytes())?;
    Ok(ticket)
}

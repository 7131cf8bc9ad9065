//! Reconciliation, reprint selection, status and consistency checks on top
//! of any [`Journal`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tandem_profile::ResultsLayout;

use crate::results::{MalformedLine, ParsedResults, Reported, ResultRecord, parse_results};
use crate::{
    Clock, JobRecord, JobStatus, Journal, JournalError, NewEvent, PieceRecord, ReconcileRecord,
    State,
};

/// A results file given to [`reconcile`].
#[derive(Clone, Debug)]
pub struct ResultsFile {
    /// Name for reports (the path as given).
    pub name: String,
    /// Its content.
    pub text: String,
}

/// What reconciliation found for a piece, or for a report of a piece not in the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Every envelope inserted and good: the piece is completed.
    Ok,
    /// Pulled out: to reprint.
    Diverted,
    /// Damaged: to reprint.
    Damaged,
    /// Never reported: to reprint.
    Missing,
    /// Reported twice, or again after it was settled: a person decides.
    Duplicate,
    /// Not a piece of this job.
    Unknown,
}

impl Outcome {
    /// All outcomes in report order.
    pub const ALL: [Outcome; 6] = [
        Outcome::Ok,
        Outcome::Diverted,
        Outcome::Damaged,
        Outcome::Missing,
        Outcome::Duplicate,
        Outcome::Unknown,
    ];

    /// The outcome's name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Diverted => "diverted",
            Outcome::Damaged => "damaged",
            Outcome::Missing => "missing",
            Outcome::Duplicate => "duplicate",
            Outcome::Unknown => "unknown",
        }
    }
}

/// One line of the reconciliation report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PieceOutcome {
    /// Piece id.
    pub piece_id: String,
    /// The outcome.
    pub outcome: Outcome,
    /// Where it was reported (`file:line`, several for duplicates); empty
    /// for missing pieces.
    pub reported_at: Vec<String>,
    /// Status codes reported.
    pub codes: Vec<String>,
}

/// A results file's summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSummary {
    /// Name as given.
    pub file: String,
    /// SHA-256 of the content.
    pub sha256: String,
    /// Readable records.
    pub records: usize,
    /// Malformed lines.
    pub malformed: usize,
}

/// The result of a reconciliation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconcileReport {
    /// The job reconciled (root or child).
    pub job: String,
    /// Its root job.
    pub root: String,
    /// When it was recorded.
    pub at: String,
    /// True when these files had been reconciled before: nothing changed.
    pub already_applied: bool,
    /// The files read.
    pub files: Vec<FileSummary>,
    /// Pieces (and unknown reports) per outcome.
    pub counts: BTreeMap<Outcome, usize>,
    /// Pieces of the job settled by an earlier reconciliation and not reported again.
    pub unchanged: usize,
    /// Every piece with its outcome, in job order; unknown reports last.
    pub pieces: Vec<PieceOutcome>,
    /// Lines that could not be read.
    pub malformed: Vec<MalformedLine>,
}

impl ReconcileReport {
    /// The count of an outcome.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.counts.get(&outcome).copied().unwrap_or(0)
    }

    /// The report as text for people: counts, then every piece that is not OK.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "reconciliation of job {} (root {}) at {}{}",
            self.job,
            self.root,
            self.at,
            if self.already_applied {
                " — already applied, nothing changed"
            } else {
                ""
            }
        );
        for f in &self.files {
            let _ = writeln!(
                s,
                "  file {}  {} records, {} malformed, sha256 {}",
                f.file,
                f.records,
                f.malformed,
                &f.sha256[..16.min(f.sha256.len())]
            );
        }
        for o in Outcome::ALL {
            let _ = writeln!(s, "  {:<10} {:>8}", o.as_str(), self.count(o));
        }
        let _ = writeln!(s, "  {:<10} {:>8}", "unchanged", self.unchanged);
        let _ = writeln!(s, "  {:<10} {:>8}", "malformed", self.malformed.len());
        for p in self.pieces.iter().filter(|p| p.outcome != Outcome::Ok) {
            let _ = writeln!(
                s,
                "  {:<10} {} {}",
                p.outcome.as_str(),
                p.piece_id,
                p.reported_at.join(" ")
            );
        }
        for m in &self.malformed {
            let _ = writeln!(s, "  malformed  {}:{}: {}", m.file, m.line, m.reason);
        }
        s
    }

    /// The report as CSV: one line per piece (and unknown report).
    pub fn to_csv(&self) -> String {
        let mut s = String::from("job,piece_id,outcome,reported_at,codes\n");
        for p in &self.pieces {
            let _ = writeln!(
                s,
                "{},{},{},{},{}",
                self.job,
                p.piece_id,
                p.outcome.as_str(),
                p.reported_at.join(" "),
                p.codes.join(" ")
            );
        }
        s
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn current_states<J: Journal + ?Sized>(
    journal: &J,
    root: &str,
) -> Result<BTreeMap<String, (State, String)>, JournalError> {
    Ok(journal
        .states(root)?
        .into_iter()
        .map(|s| (s.piece_id, (s.state, s.via)))
        .collect())
}

/// The results layout stored with a job in the journal, if any.
pub fn stored_layout(job: &JobRecord) -> Result<Option<ResultsLayout>, JournalError> {
    job.results_layout
        .as_deref()
        .map(|json| {
            serde_json::from_str(json)
                .map_err(|e| JournalError::Layout(format!("job {}: stored layout: {e}", job.id)))
        })
        .transpose()
}

/// Reconciles results files against the journal and records the outcome.
///
/// The job is `job`, or the job named by the first readable record. A file
/// naming another job is refused ([`JournalError::OtherJob`]) and nothing is
/// recorded. `layout` defaults to the one stored with the job at redirect.
/// Running it again with the same files changes nothing and returns the
/// stored report with `already_applied` set.
pub fn reconcile<J: Journal + ?Sized>(
    journal: &mut J,
    files: &[ResultsFile],
    job: Option<&str>,
    layout: Option<&ResultsLayout>,
    clock: &dyn Clock,
) -> Result<ReconcileReport, JournalError> {
    // The layout may come from the job, so find the job first; a file
    // that is unreadable under the default layout still gets its lines reported.
    let job_id = match job {
        Some(j) => j.to_owned(),
        None => {
            let layout = match layout {
                Some(l) => l.clone(),
                None => any_layout(journal, files)?,
            };
            files
                .iter()
                .flat_map(|f| parse_results(&f.name, &f.text, &layout).records)
                .map(|r| r.job)
                .next()
                .ok_or_else(|| {
                    JournalError::NoRecords(
                        files
                            .iter()
                            .map(|f| f.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                })?
        }
    };
    let record = journal
        .job(&job_id)?
        .ok_or_else(|| JournalError::UnknownJob(job_id.clone()))?;
    if record.status != JobStatus::Released {
        return Err(JournalError::Layout(format!(
            "job {job_id} has no committed output yet; rerun its redirect or reprint first"
        )));
    }
    let layout = match layout {
        Some(l) => l.clone(),
        None => stored_layout(&record)?.ok_or_else(|| {
            JournalError::Layout(format!(
                "job {job_id}: the producing centre's profile has no [results] layout; pass a profile"
            ))
        })?,
    };
    let mut parsed: Vec<(FileSummary, ParsedResults)> = Vec::new();
    for f in files {
        let p = parse_results(&f.name, &f.text, &layout);
        if let Some(other) = p.records.iter().find(|r| r.job != job_id) {
            return Err(JournalError::OtherJob {
                file: f.name.clone(),
                line: other.line,
                found: other.job.clone(),
                expected: job_id,
            });
        }
        parsed.push((
            FileSummary {
                file: f.name.clone(),
                sha256: sha256_hex(f.text.as_bytes()),
                records: p.records.len(),
                malformed: p.malformed.len(),
            },
            p,
        ));
    }
    let mut hashes: Vec<&str> = parsed.iter().map(|(s, _)| s.sha256.as_str()).collect();
    hashes.sort_unstable();
    let key = sha256_hex(format!("{job_id}\n{}", hashes.join("\n")).as_bytes());
    if let Some(stored) = journal.reconciliation(&key)? {
        let mut report: ReconcileReport = serde_json::from_str(&stored.report)
            .map_err(|e| JournalError::Layout(format!("stored report: {e}")))?;
        report.already_applied = true;
        return Ok(report);
    }

    let root = record.root.clone();
    let pieces = journal.pieces(&job_id)?;
    let states = current_states(journal, &root)?;
    let in_job: BTreeMap<&str, &PieceRecord> =
        pieces.iter().map(|p| (p.piece_id.as_str(), p)).collect();
    let mut reports: BTreeMap<&str, Vec<&ResultRecord>> = BTreeMap::new();
    let mut unknown: Vec<&ResultRecord> = Vec::new();
    for r in parsed.iter().flat_map(|(_, p)| &p.records) {
        if in_job.contains_key(r.piece_id.as_str()) {
            reports.entry(r.piece_id.as_str()).or_default().push(r);
        } else {
            unknown.push(r);
        }
    }
    let at = clock.now();
    let source = format!(
        "reconcile {}",
        files
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut outcomes = Vec::new();
    let mut events = Vec::new();
    let mut unchanged = 0;
    for piece in &pieces {
        let (state, via) = states
            .get(&piece.piece_id)
            .map_or((None, ""), |(s, v)| (Some(*s), v.as_str()));
        // In production under this job and waiting for its inserter's word.
        let open_here = via == job_id
            && matches!(
                state,
                Some(State::Released | State::Printed | State::Reprinted | State::Missing)
            );
        let got = reports.get(piece.piece_id.as_str()).map_or(&[][..], |v| v);
        let reported_at = got
            .iter()
            .map(|r| format!("{}:{}", r.file, r.line))
            .collect();
        let codes = got.iter().map(|r| r.code.clone()).collect();
        let mut per_part: BTreeMap<u32, Vec<Reported>> = BTreeMap::new();
        for r in got {
            per_part.entry(r.part).or_default().push(r.status);
        }
        let outcome = if got.is_empty() {
            if open_here && state != Some(State::Missing) {
                Outcome::Missing
            } else {
                unchanged += 1;
                continue;
            }
        } else if !open_here
            || per_part.values().any(|v| v.len() > 1)
            || per_part.keys().any(|p| *p > piece.parts)
        {
            Outcome::Duplicate
        } else {
            let all: Vec<Reported> = per_part.values().flatten().copied().collect();
            if all.contains(&Reported::Damaged) {
                Outcome::Damaged
            } else if all.contains(&Reported::Diverted) {
                Outcome::Diverted
            } else if per_part.len() < piece.parts as usize {
                Outcome::Missing
            } else {
                Outcome::Ok
            }
        };
        let detail = got
            .iter()
            .map(|r| {
                format!(
                    "{}:{} part {} code {}{}",
                    r.file,
                    r.line,
                    r.part,
                    r.code,
                    r.machine
                        .as_deref()
                        .map(|m| format!(" machine {m}"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let event = |state: State| NewEvent {
            job: root.clone(),
            piece: piece.piece_id.clone(),
            state,
            via: job_id.clone(),
            at: at.clone(),
            source: source.clone(),
            detail: detail.clone(),
        };
        match outcome {
            Outcome::Ok => {
                events.push(event(State::Inserted));
                events.push(event(State::Completed));
            }
            Outcome::Diverted => events.push(event(State::Diverted)),
            Outcome::Damaged => events.push(event(State::Damaged)),
            Outcome::Missing if state != Some(State::Missing) => events.push(event(State::Missing)),
            _ => {}
        }
        outcomes.push(PieceOutcome {
            piece_id: piece.piece_id.clone(),
            outcome,
            reported_at,
            codes,
        });
    }
    let mut unknown_by_id: BTreeMap<&str, Vec<&ResultRecord>> = BTreeMap::new();
    for r in unknown {
        unknown_by_id
            .entry(r.piece_id.as_str())
            .or_default()
            .push(r);
    }
    for (id, rs) in unknown_by_id {
        outcomes.push(PieceOutcome {
            piece_id: id.to_owned(),
            outcome: Outcome::Unknown,
            reported_at: rs
                .iter()
                .map(|r| format!("{}:{}", r.file, r.line))
                .collect(),
            codes: rs.iter().map(|r| r.code.clone()).collect(),
        });
    }
    let mut counts: BTreeMap<Outcome, usize> = Outcome::ALL.iter().map(|o| (*o, 0)).collect();
    for o in &outcomes {
        *counts.entry(o.outcome).or_default() += 1;
    }
    let (summaries, parsed): (Vec<_>, Vec<_>) = parsed.into_iter().unzip();
    let report = ReconcileReport {
        job: job_id.clone(),
        root,
        at: at.clone(),
        already_applied: false,
        files: summaries,
        counts,
        unchanged,
        pieces: outcomes,
        malformed: parsed.into_iter().flat_map(|p| p.malformed).collect(),
    };
    let json = serde_json::to_string(&report)
        .map_err(|e| JournalError::Layout(format!("report to JSON: {e}")))?;
    let stored = ReconcileRecord {
        key,
        job: job_id,
        at,
        report: json,
    };
    if !journal.commit_reconcile(&stored, &events)? {
        // Another process committed the same files in between.
        let mut report = report;
        report.already_applied = true;
        return Ok(report);
    }
    Ok(report)
}

/// Without a job id yet: the layout stored with any job the files could be
/// for (the first job in the journal with a layout that reads a record).
fn any_layout<J: Journal + ?Sized>(
    journal: &J,
    files: &[ResultsFile],
) -> Result<ResultsLayout, JournalError> {
    // Try every root's family; cheap, journals hold few jobs.
    for root in journal_roots(journal)? {
        for job in journal.family(&root)? {
            if let Some(layout) = stored_layout(&job)? {
                let readable = files
                    .iter()
                    .flat_map(|f| parse_results(&f.name, &f.text, &layout).records)
                    .any(|r| journal.job(&r.job).ok().flatten().is_some());
                if readable {
                    return Ok(layout);
                }
            }
        }
    }
    Err(JournalError::Layout(
        "no job in the journal has a results layout that reads these files; pass --job or a profile"
            .into(),
    ))
}

fn journal_roots<J: Journal + ?Sized>(journal: &J) -> Result<Vec<String>, JournalError> {
    journal.roots()
}

/// The pieces chosen for a reprint child job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReprintPlan {
    /// The child job, recorded as planned.
    pub child: JobRecord,
    /// Its pieces, in the root job's order.
    pub pieces: Vec<String>,
    /// True when an unfinished child job was found and is resumed.
    pub resumed: bool,
}

/// Chooses the pieces to reprint for root job `root` (every diverted,
/// damaged or missing piece) and records the child job `ROOT.n`, or
/// returns the unfinished child job of an interrupted reprint.
///
/// Refuses ([`JournalError::Ceiling`]) when the pieces exceed
/// `ceiling_percent` of the job, unless `force`.
#[allow(clippy::too_many_arguments)]
pub fn plan_reprint<J: Journal + ?Sized>(
    journal: &mut J,
    root: &str,
    target_centre: &str,
    out_dir: &str,
    results_layout: Option<&ResultsLayout>,
    ceiling_percent: f64,
    force: bool,
    clock: &dyn Clock,
) -> Result<ReprintPlan, JournalError> {
    let family = journal.family(root)?;
    let Some(root_job) = family.iter().find(|j| j.number == 0).cloned() else {
        return Err(JournalError::UnknownJob(root.into()));
    };
    if let Some(pending) = family
        .iter()
        .find(|j| j.number > 0 && j.status == JobStatus::Planned)
    {
        let pieces = journal
            .pieces(&pending.id)?
            .into_iter()
            .map(|p| p.piece_id)
            .collect();
        return Ok(ReprintPlan {
            child: pending.clone(),
            pieces,
            resumed: true,
        });
    }
    let states = current_states(journal, root)?;
    let all = journal.pieces(root)?;
    let pieces: Vec<String> = all
        .iter()
        .filter(|p| {
            states
                .get(&p.piece_id)
                .is_some_and(|(s, _)| s.needs_reprint())
        })
        .map(|p| p.piece_id.clone())
        .collect();
    if pieces.is_empty() {
        return Err(JournalError::NothingToReprint(root.into()));
    }
    let percent = pieces.len() as f64 * 100.0 / all.len().max(1) as f64;
    if percent > ceiling_percent && !force {
        return Err(JournalError::Ceiling {
            job: root.into(),
            pieces: pieces.len(),
            total: all.len(),
            percent,
            ceiling: ceiling_percent,
        });
    }
    let number = family.iter().map(|j| j.number).max().unwrap_or(0) + 1;
    let child = JobRecord {
        id: format!("{root}.{number}"),
        root: root.into(),
        number,
        origin_centre: root_job.origin_centre.clone(),
        target_centre: target_centre.into(),
        status: JobStatus::Planned,
        created_at: clock.now(),
        out_dir: out_dir.into(),
        results_layout: results_layout
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| JournalError::Layout(e.to_string()))?,
    };
    // Parts are set when the child's output is planned; 1 until then.
    let records: Vec<PieceRecord> = pieces
        .iter()
        .map(|p| PieceRecord {
            piece_id: p.clone(),
            parts: 1,
        })
        .collect();
    journal.create_job(&child, &records, &[])?;
    Ok(ReprintPlan {
        child,
        pieces,
        resumed: false,
    })
}

/// A piece that is not completed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenPiece {
    /// Piece id.
    pub piece_id: String,
    /// Its current state.
    pub state: State,
    /// The job of its last event.
    pub via: String,
    /// When it got there.
    pub at: String,
}

/// The report for the origin centre: the final state of every piece and
/// the balance `pieces in = completed + open`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReport {
    /// Root job id.
    pub job: String,
    /// Origin centre.
    pub origin_centre: String,
    /// The job and its reprints, with their producing centres.
    pub jobs: Vec<(String, String)>,
    /// Pieces in the job.
    pub pieces_in: usize,
    /// Pieces completed.
    pub completed: usize,
    /// Pieces per current state.
    pub by_state: BTreeMap<State, usize>,
    /// Every piece not completed.
    pub open: Vec<OpenPiece>,
    /// `pieces_in == completed + open.len()`.
    pub balanced: bool,
}

impl StatusReport {
    /// The report as text.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "job {} of centre {}", self.job, self.origin_centre);
        for (id, centre) in &self.jobs {
            let _ = writeln!(s, "  produced as {id} at {centre}");
        }
        for (state, n) in &self.by_state {
            let _ = writeln!(s, "  {:<10} {:>8}", state.as_str(), n);
        }
        let _ = writeln!(
            s,
            "  balance: {} in = {} completed + {} open{}",
            self.pieces_in,
            self.completed,
            self.open.len(),
            if self.balanced {
                ""
            } else {
                "  (DOES NOT BALANCE)"
            }
        );
        for p in &self.open {
            let _ = writeln!(
                s,
                "  open {} {} via {} since {}",
                p.piece_id, p.state, p.via, p.at
            );
        }
        s
    }
}

/// The status of root job `root`.
pub fn status<J: Journal + ?Sized>(journal: &J, root: &str) -> Result<StatusReport, JournalError> {
    let family = journal.family(root)?;
    let root_job = family
        .iter()
        .find(|j| j.number == 0)
        .ok_or_else(|| JournalError::UnknownJob(root.into()))?;
    let pieces = journal.pieces(root)?;
    let states = journal.states(root)?;
    let by_id: BTreeMap<&str, _> = states.iter().map(|s| (s.piece_id.as_str(), s)).collect();
    let mut by_state = BTreeMap::new();
    let mut open = Vec::new();
    let mut completed = 0;
    for p in &pieces {
        match by_id.get(p.piece_id.as_str()) {
            Some(s) if s.state == State::Completed => {
                completed += 1;
                *by_state.entry(State::Completed).or_default() += 1;
            }
            Some(s) => {
                *by_state.entry(s.state).or_default() += 1;
                open.push(OpenPiece {
                    piece_id: p.piece_id.clone(),
                    state: s.state,
                    via: s.via.clone(),
                    at: s.at.clone(),
                });
            }
            None => {
                *by_state.entry(State::Planned).or_default() += 1;
                open.push(OpenPiece {
                    piece_id: p.piece_id.clone(),
                    state: State::Planned,
                    via: root.into(),
                    at: String::new(),
                });
            }
        }
    }
    Ok(StatusReport {
        job: root.into(),
        origin_centre: root_job.origin_centre.clone(),
        jobs: family
            .iter()
            .map(|j| (j.id.clone(), j.target_centre.clone()))
            .collect(),
        pieces_in: pieces.len(),
        completed,
        balanced: pieces.len() == completed + open.len(),
        by_state,
        open,
    })
}

/// Checks the journal of root job `root` and returns every inconsistency
/// (empty when consistent): each piece's history follows the life cycle
/// from `planned`, no piece is completed twice, events name only pieces of
/// the job, child jobs hold only pieces of the root, and every released
/// child's pieces were marked reprinted by it.
pub fn check_consistency<J: Journal + ?Sized>(
    journal: &J,
    root: &str,
) -> Result<Vec<String>, JournalError> {
    let mut problems = Vec::new();
    let pieces: BTreeSet<String> = journal
        .pieces(root)?
        .into_iter()
        .map(|p| p.piece_id)
        .collect();
    let mut last: BTreeMap<&str, State> = BTreeMap::new();
    let mut completed: BTreeMap<&str, usize> = BTreeMap::new();
    let mut reprinted_by: BTreeSet<(String, String)> = BTreeSet::new();
    let events = journal.events(root)?;
    for e in &events {
        let piece = e.event.piece.as_str();
        if !pieces.contains(piece) {
            problems.push(format!(
                "event {}: piece {piece} is not in job {root}",
                e.seq
            ));
        }
        let from = last.get(piece).copied();
        if !e.event.state.may_follow(from) {
            problems.push(format!(
                "event {}: piece {piece} goes from {} to {}",
                e.seq,
                from.map_or("none", State::as_str),
                e.event.state
            ));
        }
        if e.event.state == State::Completed {
            *completed.entry(piece).or_default() += 1;
        }
        if e.event.state == State::Reprinted {
            reprinted_by.insert((e.event.via.clone(), piece.to_owned()));
        }
        last.insert(piece, e.event.state);
    }
    for (piece, n) in completed {
        if n > 1 {
            problems.push(format!("piece {piece} completed {n} times"));
        }
    }
    for p in &pieces {
        if !last.contains_key(p.as_str()) {
            problems.push(format!("piece {p} has no event"));
        }
    }
    for child in journal.family(root)?.into_iter().filter(|j| j.number > 0) {
        for p in journal.pieces(&child.id)? {
            if !pieces.contains(&p.piece_id) {
                problems.push(format!(
                    "child {}: piece {} is not in {root}",
                    child.id, p.piece_id
                ));
            }
            if child.status == JobStatus::Released
                && !reprinted_by.contains(&(child.id.clone(), p.piece_id.clone()))
            {
                problems.push(format!(
                    "child {} is released but piece {} was not marked reprinted by it",
                    child.id, p.piece_id
                ));
            }
        }
    }
    Ok(problems)
}

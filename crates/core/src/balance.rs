//! Load sharing and push-button failover between centres: the pipelines
//! around [`tandem_balance`]. [`balance_jobs`] reads the pending tickets,
//! checks each against every centre, plans, and writes the plan as JSON,
//! CSV and SVG; [`failover`] redirects every pending job of one centre to
//! its partner in one go and lists what could not be moved and why.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use tandem_balance::{
    BalanceInput, BalancePlan, Calendar, CentreCapacity, Downtime, HOUR, PendingJob, PieceLoad,
    Time,
};
use tandem_plan::{EnvelopeFormat, JobSpec, PostingClass, PostingRules, ProductionPlan};
use tandem_profile::CentreProfile;
use tandem_ticket::{JobTicket, Plex};

use crate::output::{StagedDir, write_atomically};
use crate::{CoreError, Severity, check, redirect};

/// A centre that does not work from `from` until `until`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CentreDown {
    /// Centre id.
    pub centre: String,
    /// First second down (Unix time).
    pub from: Time,
    /// First second up again.
    pub until: Time,
}

/// Settings of a balancing run beyond the jobs and profiles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalanceOptions {
    /// Plan start (Unix seconds).
    pub start: Time,
    /// Time for a job to reach a partner centre, in seconds.
    pub handover_s: i64,
    /// Downtime per centre.
    pub down: Vec<CentreDown>,
    /// Work already queued at a centre, seconds, by centre id.
    pub backlog_s: BTreeMap<String, i64>,
    /// Keep jobs at their centre when they are on time there.
    pub prefer_location: bool,
    /// Local time of the centres (seconds east of UTC): shifts start at
    /// `first_shift_start_s` local time, and times are shown in it.
    pub utc_offset_s: i64,
    /// Start of the first shift, seconds after local midnight.
    pub first_shift_start_s: i64,
    /// Presort thresholds a split part must keep.
    pub thresholds: PostingRules,
}

impl BalanceOptions {
    /// Defaults from `start` on: 1 h hand-over, no downtime or backlog,
    /// jobs stay home when on time, CET with shifts from 06:00, Deutsche
    /// Post's thresholds.
    pub fn starting(start: Time) -> Self {
        Self {
            start,
            handover_s: HOUR,
            down: Vec::new(),
            backlog_s: BTreeMap::new(),
            prefer_location: true,
            utc_offset_s: HOUR,
            first_shift_start_s: 6 * HOUR,
            thresholds: PostingRules::default(),
        }
    }
}

/// A ticket file that could not be taken into the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedTicket {
    /// The file.
    pub path: PathBuf,
    /// Why, one line.
    pub reason: String,
}

/// One job as read for planning, with its check results.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PendingTicket {
    /// The ticket file.
    pub path: PathBuf,
    /// The ticket.
    #[serde(skip)]
    pub ticket: JobTicket,
    /// Centres whose check it passes (its own centre always).
    pub compatible_with: BTreeSet<String>,
    /// Centres whose check it fails, with the blocking reasons in one line.
    pub refused_by: BTreeMap<String, String>,
}

/// What [`balance_jobs`] produced.
#[derive(Clone, Debug, Serialize)]
pub struct BalanceOutcome {
    /// The directory with `plan.json`, `plan.csv`, `plan.svg` and `jobs.json`.
    pub output_dir: PathBuf,
    /// The plan.
    pub plan: BalancePlan,
    /// The jobs with their check results.
    pub jobs: Vec<PendingTicket>,
    /// Ticket files left out, with the reason.
    pub skipped: Vec<SkippedTicket>,
}

/// Reads every ticket (`*.toml`) under `jobs_dir` (sub-directories
/// included, hidden ones not), in path order. Files that are not valid
/// tickets, and second tickets with an id already seen, are returned as
/// skipped with the reason instead of failing the whole run.
pub fn read_tickets(jobs_dir: &Path) -> Result<TicketScan, CoreError> {
    let mut files = Vec::new();
    let mut dirs = vec![(jobs_dir.to_owned(), 0)];
    while let Some((dir, depth)) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).map_err(CoreError::io(&dir))?;
        for entry in entries {
            let entry = entry.map_err(CoreError::io(&dir))?;
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let kind = entry.file_type().map_err(CoreError::io(&path))?;
            if kind.is_dir() && depth < 4 {
                dirs.push((path, depth + 1));
            } else if kind.is_file() && path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut tickets = Vec::new();
    let mut skipped = Vec::new();
    let mut ids: BTreeMap<String, PathBuf> = BTreeMap::new();
    for path in files {
        match JobTicket::from_file(&path) {
            Ok(ticket) => {
                if let Some(first) = ids.get(&ticket.id) {
                    skipped.push(SkippedTicket {
                        reason: format!(
                            "job id {} is already used by {}",
                            ticket.id,
                            first.display()
                        ),
                        path,
                    });
                } else {
                    ids.insert(ticket.id.clone(), path.clone());
                    tickets.push((path, ticket));
                }
            }
            Err(e) => skipped.push(SkippedTicket {
                path,
                reason: one_line(&e.to_string()),
            }),
        }
    }
    Ok(TicketScan { tickets, skipped })
}

/// The tickets found under a jobs directory.
#[derive(Clone, Debug)]
pub struct TicketScan {
    /// Valid tickets with their files, in path order.
    pub tickets: Vec<(PathBuf, JobTicket)>,
    /// Files that are not valid tickets, or repeat a job id, with the reason.
    pub skipped: Vec<SkippedTicket>,
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The blocking findings of a failed check, one line per reason: the
/// first finding with its place, and how many more there are.
fn blocking_summary(report: &crate::CheckReport) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    for f in report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Blocking)
    {
        if !seen.insert(f.code) {
            continue;
        }
        let place = match (&f.piece_id, f.page) {
            (Some(piece), Some(page)) => format!(" (piece {piece}, page {page})"),
            (Some(piece), None) => format!(" (piece {piece})"),
            (None, Some(page)) => format!(" (page {page})"),
            (None, None) => String::new(),
        };
        let blocking_count = report
            .findings
            .iter()
            .filter(|g| g.code == f.code && g.severity == Severity::Blocking)
            .count() as u64;
        let listed_all = report.counts.get(f.code).copied().unwrap_or(1);
        // Counts include findings beyond the listed ones.
        let total = if listed_all as usize > report.listed_per_reason {
            listed_all
        } else {
            blocking_count
        };
        let more = if total > 1 {
            format!(" and {} more", total - 1)
        } else {
            String::new()
        };
        out.push(one_line(&format!("{}: {}{place}{more}", f.code, f.message)));
    }
    out
}

/// The pieces of a ticket as the planner sees them: pages printed,
/// envelopes, format and presort class, from the production plan at the
/// first of `profiles` that can plan it (its own centre first).
fn piece_loads(
    ticket: &JobTicket,
    profiles: &[&CentreProfile],
    scratch: &Path,
) -> Result<Vec<PieceLoad>, String> {
    // A PDF as it is; line data laid out (next to `scratch`, removed again).
    let pieces = crate::redirect::open_job_input(ticket, scratch)
        .map_err(|e| one_line(&e.to_string()))?
        .pieces;
    let spec = JobSpec::from_ticket(ticket);
    let plan = profiles
        .iter()
        .find_map(|p| ProductionPlan::new(&spec, &pieces, &p.target_centre()).ok());
    let mut loads: Vec<PieceLoad> = pieces
        .iter()
        .map(|p| PieceLoad {
            piece_id: p.piece_id.clone(),
            plz: p.plz.clone(),
            pages: match ticket.plex {
                Plex::Simplex => p.page_count,
                Plex::Duplex => p.page_count.div_ceil(2).saturating_mul(2),
            },
            envelopes: 0,
            format: EnvelopeFormat::C65,
            class: PostingClass::Letters,
        })
        .collect();
    match plan {
        Some(plan) => {
            for set in &plan.sets {
                if let Some(load) = loads.get_mut(set.piece) {
                    if load.envelopes == 0 {
                        load.format = set.format;
                        load.class = PostingClass::of(set.product);
                    }
                    load.envelopes += 1;
                }
            }
        }
        // No centre can plan it (it will be refused everywhere but home):
        // count one letter per piece.
        None => loads.iter_mut().for_each(|l| l.envelopes = 1),
    }
    Ok(loads)
}

/// Reads the tickets under `jobs_dir` and checks each against every
/// profile: a job's own centre always runs it, another centre only when
/// [`check`] passes.
pub fn pending_tickets(
    jobs_dir: &Path,
    profiles: &[CentreProfile],
) -> Result<(Vec<PendingTicket>, Vec<SkippedTicket>), CoreError> {
    let TicketScan {
        tickets,
        mut skipped,
    } = read_tickets(jobs_dir)?;
    let mut pending = Vec::new();
    for (path, ticket) in tickets {
        let mut compatible_with = BTreeSet::new();
        let mut refused_by = BTreeMap::new();
        for profile in profiles {
            let id = &profile.centre.id;
            if *id == ticket.origin_centre {
                compatible_with.insert(id.clone());
                continue;
            }
            match check(&ticket, profile) {
                Ok(report) if report.passes() => {
                    compatible_with.insert(id.clone());
                }
                Ok(report) => {
                    refused_by.insert(id.clone(), blocking_summary(&report).join("; "));
                }
                Err(e) => {
                    refused_by.insert(
                        id.clone(),
                        format!("check failed: {}", one_line(&e.to_string())),
                    );
                }
            }
        }
        if let Err(e) = tandem_balance::parse_rfc3339(&ticket.deadline) {
            skipped.push(SkippedTicket {
                path,
                reason: e.to_string(),
            });
            continue;
        }
        pending.push(PendingTicket {
            path,
            ticket,
            compatible_with,
            refused_by,
        });
    }
    Ok((pending, skipped))
}

/// What the planner needs of a centre profile.
pub fn centre_capacity(profile: &CentreProfile, options: &BalanceOptions) -> CentreCapacity {
    let id = &profile.centre.id;
    CentreCapacity {
        id: id.clone(),
        printer_pages_per_hour: profile.printer.pages_per_hour,
        inserter_envelopes_per_hour: profile.inserter.envelopes_per_hour.clone(),
        calendar: Calendar {
            utc_offset_s: options.utc_offset_s,
            first_shift_start_s: options.first_shift_start_s,
            shifts_per_day: profile.capacity.shifts_per_day,
            shift_s: (profile.capacity.hours_per_shift * 3600.0).round() as i64,
            days_per_week: profile.capacity.days_per_week,
        },
        backlog_s: options.backlog_s.get(id).copied().unwrap_or(0),
        down: options
            .down
            .iter()
            .filter(|d| d.centre == *id)
            .map(|d| Downtime {
                from: d.from,
                until: d.until,
            })
            .collect(),
    }
}

/// The planner's input for `jobs` at the centres of `profiles`; jobs whose
/// pieces cannot be read are returned as skipped.
fn balance_input(
    jobs: &[PendingTicket],
    profiles: &[CentreProfile],
    options: &BalanceOptions,
    scratch: &Path,
) -> (BalanceInput, Vec<SkippedTicket>) {
    let mut skipped = Vec::new();
    let mut pending = Vec::new();
    for job in jobs {
        let ticket = &job.ticket;
        // Plan the pieces at the job's own centre when it is known.
        let mut order: Vec<&CentreProfile> = profiles.iter().collect();
        order.sort_by_key(|p| p.centre.id != ticket.origin_centre);
        let pieces = match piece_loads(ticket, &order, &scratch.join(&ticket.id)) {
            Ok(pieces) => pieces,
            Err(reason) => {
                skipped.push(SkippedTicket {
                    path: job.path.clone(),
                    reason,
                });
                continue;
            }
        };
        let Ok(deadline) = tandem_balance::parse_rfc3339(&ticket.deadline) else {
            continue; // refused in pending_tickets already
        };
        pending.push(PendingJob {
            id: ticket.id.clone(),
            location: ticket.origin_centre.clone(),
            deadline,
            priority: ticket.priority,
            pieces,
            compatible_with: job.compatible_with.clone(),
            refused_by: job.refused_by.clone(),
        });
    }
    let input = BalanceInput {
        start: options.start,
        handover_s: options.handover_s,
        thresholds: options.thresholds,
        prefer_location: options.prefer_location,
        display_offset_s: options.utc_offset_s,
        jobs: pending,
        centres: profiles
            .iter()
            .map(|p| centre_capacity(p, options))
            .collect(),
    };
    (input, skipped)
}

fn balance_error(e: tandem_balance::BalanceError) -> CoreError {
    CoreError::Balance(e.to_string())
}

fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        .into_bytes();
    text.push(b'\n');
    text
}

/// Writes `plan.json`, `plan.csv` and `plan.svg` of `plan` into `dir`,
/// each atomically, with `prefix` before the names.
fn write_plan(dir: &Path, prefix: &str, plan: &BalancePlan) -> Result<(), CoreError> {
    write_atomically(&dir.join(format!("{prefix}plan.json")), &to_json(plan))?;
    write_atomically(
        &dir.join(format!("{prefix}plan.csv")),
        plan.to_csv().as_bytes(),
    )?;
    write_atomically(
        &dir.join(format!("{prefix}plan.svg")),
        plan.to_svg().as_bytes(),
    )?;
    Ok(())
}

/// Plans every pending job under `jobs_dir` over the centres of
/// `profiles` and writes into `out_dir` (which must not exist yet):
/// `plan.json` (the [`BalancePlan`]), `plan.csv` (one line per job part),
/// `plan.svg` (a timeline per centre) and `jobs.json` (each job's
/// compatibility and the skipped ticket files). A job's location is its
/// ticket's `origin_centre`; it goes to another centre only when
/// [`check`] passes there. The directory appears complete or not at all.
pub fn balance_jobs(
    jobs_dir: &Path,
    profiles: &[CentreProfile],
    options: &BalanceOptions,
    out_dir: &Path,
) -> Result<BalanceOutcome, CoreError> {
    let mut ids = BTreeSet::new();
    for profile in profiles {
        profile.validate()?;
        if !ids.insert(&profile.centre.id) {
            return Err(CoreError::Balance(format!(
                "centre {} is given twice",
                profile.centre.id
            )));
        }
    }
    for down in &options.down {
        if !ids.contains(&down.centre) {
            return Err(CoreError::Balance(format!(
                "downtime of {}: no such centre among the profiles",
                down.centre
            )));
        }
    }
    let staged = StagedDir::new(out_dir)?;
    let (jobs, mut skipped) = pending_tickets(jobs_dir, profiles)?;
    let (input, more) = balance_input(&jobs, profiles, options, staged.path());
    skipped.extend(more);
    let plan = tandem_balance::plan(&input).map_err(balance_error)?;
    write_plan(staged.path(), "", &plan)?;
    #[derive(Serialize)]
    struct JobsFile<'a> {
        jobs: &'a [PendingTicket],
        skipped: &'a [SkippedTicket],
    }
    write_atomically(
        &staged.path().join("jobs.json"),
        &to_json(&JobsFile {
            jobs: &jobs,
            skipped: &skipped,
        }),
    )?;
    let output_dir = staged.commit()?;
    Ok(BalanceOutcome {
        output_dir,
        plan,
        jobs,
        skipped,
    })
}

/// A job [`failover`] moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MovedJob {
    /// Job id.
    pub job: String,
    /// Its partner-ready output (print files and manifest).
    pub output_dir: PathBuf,
    /// Pieces in the manifest.
    pub pieces: u64,
    /// Sheets to print.
    pub sheets: u64,
    /// Output files.
    pub runs: u64,
    /// Pieces for manual inserting.
    pub manual_pieces: u64,
    /// Findings the redirect fixed by itself or that are only notices.
    pub notes: Vec<String>,
}

/// A job [`failover`] could not move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RefusedJob {
    /// Job id.
    pub job: String,
    /// The ticket file.
    pub ticket: PathBuf,
    /// Every reason, one line each (the blocking findings of the check, or
    /// the error that stopped the redirect).
    pub reasons: Vec<String>,
}

/// The one summary of a failover.
#[derive(Clone, Debug, Serialize)]
pub struct FailoverSummary {
    /// The centre that is down.
    pub from: String,
    /// The partner.
    pub to: String,
    /// Where everything was written.
    pub output_dir: PathBuf,
    /// Jobs moved, each with its output directory `<output_dir>/<job id>`.
    pub moved: Vec<MovedJob>,
    /// Jobs that could not be moved, with the reasons.
    pub refused: Vec<RefusedJob>,
    /// Ticket files that could not be read.
    pub skipped: Vec<SkippedTicket>,
    /// Moved jobs missing from [`FailoverSummary::plan`] because their
    /// pieces could not be counted, with the reason.
    pub not_scheduled: Vec<SkippedTicket>,
    /// Tickets of other centres, left alone.
    pub other_centres: usize,
    /// When the partner produces the moved jobs (its profile, its shifts,
    /// from the plan start on).
    pub plan: BalancePlan,
}

impl FailoverSummary {
    /// The summary as CSV: `job,status,centre,detail`, one line per job
    /// (and per reason of a refused job).
    pub fn to_csv(&self) -> String {
        let field = |t: &str| {
            if t.contains([',', '"', '\n']) {
                format!("\"{}\"", t.replace('"', "\"\""))
            } else {
                t.to_owned()
            }
        };
        let mut out = String::from("job,status,centre,detail\n");
        for m in &self.moved {
            out.push_str(&format!(
                "{},moved,{},{}\n",
                field(&m.job),
                field(&self.to),
                field(&format!(
                    "{} pieces, {} sheets, {} files, {} manual",
                    m.pieces, m.sheets, m.runs, m.manual_pieces
                ))
            ));
        }
        for r in &self.refused {
            for reason in &r.reasons {
                out.push_str(&format!(
                    "{},not moved,{},{}\n",
                    field(&r.job),
                    field(&self.from),
                    field(reason)
                ));
            }
        }
        out
    }
}

/// Push-button failover: every pending job of `from` (tickets under
/// `jobs_dir` whose `origin_centre` is `from`'s id) is checked against
/// `to` and, where the check passes, redirected into
/// `out_dir/<job id>/`. Jobs that cannot move are listed with every
/// blocking reason; nothing stops at the first one. Writes `summary.json`,
/// `summary.csv` and the partner's schedule for the moved jobs
/// (`failover-plan.json`, `.csv`, `.svg`, from `options.start`, `from`
/// down for the whole plan). `out_dir` must not exist; it appears complete
/// or not at all.
pub fn failover(
    jobs_dir: &Path,
    from: &CentreProfile,
    to: &CentreProfile,
    options: &BalanceOptions,
    out_dir: &Path,
) -> Result<FailoverSummary, CoreError> {
    from.validate()?;
    to.validate()?;
    if from.centre.id == to.centre.id {
        return Err(CoreError::Balance(format!(
            "failover from {} to itself",
            from.centre.id
        )));
    }
    let staged = StagedDir::new(out_dir)?;
    let TicketScan { tickets, skipped } = read_tickets(jobs_dir)?;
    let mut moved = Vec::new();
    let mut refused = Vec::new();
    let mut other_centres = 0;
    let mut moved_tickets = Vec::new();
    for (path, ticket) in tickets {
        if ticket.origin_centre != from.centre.id {
            other_centres += 1;
            continue;
        }
        let refuse = |reasons: Vec<String>| RefusedJob {
            job: ticket.id.clone(),
            ticket: path.clone(),
            reasons,
        };
        let report = match check(&ticket, to) {
            Ok(report) => report,
            Err(e) => {
                refused.push(refuse(vec![format!(
                    "check failed: {}",
                    one_line(&e.to_string())
                )]));
                continue;
            }
        };
        if !report.passes() {
            let reasons = blocking_summary(&report);
            refused.push(refuse(reasons));
            continue;
        }
        let dir = staged.path().join(&ticket.id);
        match redirect(&ticket, to, &dir, &mut |_| {}) {
            Ok(summary) => {
                let t = &summary.manifest.totals;
                moved.push(MovedJob {
                    job: ticket.id.clone(),
                    output_dir: out_dir.join(&ticket.id),
                    pieces: t.pieces,
                    sheets: t.sheets,
                    runs: t.runs,
                    manual_pieces: t.manual_pieces,
                    notes: report
                        .findings
                        .iter()
                        .filter(|f| f.severity != Severity::Blocking)
                        .map(|f| one_line(&format!("{}: {}", f.code, f.message)))
                        .collect(),
                });
                moved_tickets.push(PendingTicket {
                    path,
                    ticket,
                    compatible_with: BTreeSet::from([to.centre.id.clone()]),
                    refused_by: BTreeMap::new(),
                });
            }
            Err(e) => refused.push(refuse(vec![format!(
                "redirect failed: {}",
                one_line(&e.to_string())
            )])),
        }
    }
    // The partner's schedule for the moved jobs.
    let (input, not_scheduled) = balance_input(
        &moved_tickets,
        std::slice::from_ref(to),
        options,
        staged.path(),
    );
    let plan = tandem_balance::plan(&input).map_err(balance_error)?;
    write_plan(staged.path(), "failover-", &plan)?;
    let mut summary = FailoverSummary {
        from: from.centre.id.clone(),
        to: to.centre.id.clone(),
        output_dir: out_dir.to_owned(),
        moved,
        refused,
        skipped,
        not_scheduled,
        other_centres,
        plan,
    };
    write_atomically(&staged.path().join("summary.json"), &to_json(&summary))?;
    write_atomically(
        &staged.path().join("summary.csv"),
        summary.to_csv().as_bytes(),
    )?;
    summary.output_dir = staged.commit()?;
    Ok(summary)
}

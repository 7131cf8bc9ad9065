//! `tandem balance` (share load between centres) and `tandem failover`
//! (move every pending job of a centre to its partner).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use tandem_core::tandem_balance::{HOUR, Time, format_rfc3339, parse_rfc3339};
use tandem_core::{BalanceOptions, CentreDown, CentreProfile};

/// Settings shared by both commands.
#[derive(Args)]
pub struct PlanArgs {
    /// Plan start, RFC 3339 (default: now, to the minute).
    #[arg(long)]
    start: Option<String>,
    /// Time for a job to reach the partner, in minutes.
    #[arg(long, default_value_t = 60)]
    handover_minutes: i64,
    /// The centres' local time as `+01:00`; shifts start at --first-shift local time.
    #[arg(long, default_value = "+01:00", allow_hyphen_values = true)]
    utc_offset: String,
    /// Start of the first shift of the day, local time `HH:MM`.
    #[arg(long, default_value = "06:00")]
    first_shift: String,
}

impl PlanArgs {
    fn options(&self) -> anyhow::Result<BalanceOptions> {
        let start = match &self.start {
            Some(text) => time(text, "--start")?,
            None => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .context("the system clock is before 1970")?
                    .as_secs();
                let now = Time::try_from(now).context("the system clock is out of range")?;
                now - now % 60
            }
        };
        let mut options = BalanceOptions::starting(start);
        if self.handover_minutes < 0 {
            bail!("--handover-minutes must not be negative");
        }
        options.handover_s = self.handover_minutes * 60;
        options.utc_offset_s = offset(&self.utc_offset)?;
        options.first_shift_start_s = clock(&self.first_shift)?;
        Ok(options)
    }
}

/// `tandem balance`.
#[derive(Args)]
pub struct BalanceArgs {
    /// Directory with the pending job tickets (`*.toml`, sub-directories included).
    #[arg(long)]
    jobs: PathBuf,
    /// A centre's profile; give one per centre.
    #[arg(long = "centre", required = true)]
    centres: Vec<PathBuf>,
    /// A centre (id) that is down from --from until --until.
    #[arg(long, requires_all = ["from", "until"])]
    down: Option<String>,
    /// Start of the downtime, RFC 3339.
    #[arg(long, requires = "down")]
    from: Option<String>,
    /// End of the downtime, RFC 3339.
    #[arg(long, requires = "down")]
    until: Option<String>,
    /// Work already queued at a centre, as `ID=HOURS` (repeatable).
    #[arg(long)]
    backlog: Vec<String>,
    /// Send every job where it ends first, even when it is on time at home.
    #[arg(long)]
    earliest_finish: bool,
    /// Output directory for plan.json, plan.csv, plan.svg, jobs.json; must not exist yet.
    #[arg(long, default_value = "balance-plan")]
    out: PathBuf,
    #[command(flatten)]
    plan: PlanArgs,
}

/// `tandem failover`.
#[derive(Args)]
pub struct FailoverArgs {
    /// Profile of the centre that is down.
    #[arg(long)]
    from: PathBuf,
    /// Profile of the partner that takes over.
    #[arg(long)]
    to: PathBuf,
    /// Directory with the pending job tickets (`*.toml`, sub-directories included).
    #[arg(long)]
    jobs: PathBuf,
    /// Output directory: one sub-directory per moved job, summary.json,
    /// summary.csv and the partner's schedule; must not exist yet.
    #[arg(long, default_value = "failover")]
    out: PathBuf,
    #[command(flatten)]
    plan: PlanArgs,
}

fn time(text: &str, flag: &str) -> anyhow::Result<Time> {
    parse_rfc3339(text).with_context(|| flag.to_owned())
}

/// `+01:00` → 3600.
fn offset(text: &str) -> anyhow::Result<i64> {
    let probe = format!("2000-01-01T00:00:00{text}");
    let t = parse_rfc3339(&probe)
        .with_context(|| format!("--utc-offset {text:?} is not like +01:00 or Z"))?;
    Ok(parse_rfc3339("2000-01-01T00:00:00Z")? - t)
}

/// `06:00` → seconds after midnight.
fn clock(text: &str) -> anyhow::Result<i64> {
    let t = parse_rfc3339(&format!("2000-01-01T{text}:00Z"))
        .with_context(|| format!("--first-shift {text:?} is not like 06:00"))?;
    Ok(t - parse_rfc3339("2000-01-01T00:00:00Z")?)
}

fn hours(seconds: i64) -> String {
    let minutes = (seconds.max(0) + 59) / 60;
    format!("{} h {:02}", minutes / 60, minutes % 60)
}

/// Runs `tandem balance`.
pub fn balance(args: BalanceArgs) -> anyhow::Result<()> {
    let mut options = args.plan.options()?;
    options.prefer_location = !args.earliest_finish;
    let profiles = args
        .centres
        .iter()
        .map(|p| CentreProfile::from_file(p).with_context(|| format!("reading {}", p.display())))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if let (Some(centre), Some(from), Some(until)) = (&args.down, &args.from, &args.until) {
        let (from, until) = (time(from, "--from")?, time(until, "--until")?);
        if until <= from {
            bail!("--until must be after --from");
        }
        options.down.push(CentreDown {
            centre: centre.clone(),
            from,
            until,
        });
    }
    let mut backlog = BTreeMap::new();
    for entry in &args.backlog {
        let Some((id, h)) = entry.split_once('=') else {
            bail!("--backlog {entry:?} is not ID=HOURS");
        };
        let h: f64 = h
            .parse()
            .ok()
            .filter(|h: &f64| h.is_finite() && *h >= 0.0)
            .with_context(|| format!("--backlog {entry:?}: hours must be a number >= 0"))?;
        backlog.insert(id.to_owned(), (h * HOUR as f64).round() as i64);
    }
    options.backlog_s = backlog;
    let outcome = tandem_core::balance_jobs(&args.jobs, &profiles, &options, &args.out)
        .with_context(|| format!("balancing the jobs in {}", args.jobs.display()))?;
    let plan = &outcome.plan;
    let offset = plan.display_offset_s;
    println!(
        "{} jobs over {} centres from {}",
        outcome.jobs.len(),
        plan.centres.len(),
        format_rfc3339(plan.start, offset)
    );
    for a in &plan.assignments {
        let status = if a.late_by_s > 0 {
            format!("LATE {}", hours(a.late_by_s))
        } else {
            "on time".to_owned()
        };
        println!(
            "  {:<22} {}/{} {:<8} {} – {}  {:<12} {}",
            a.job,
            a.part,
            a.parts,
            a.centre,
            format_rfc3339(a.print_start, offset),
            format_rfc3339(a.end(), offset),
            status,
            a.reason
        );
    }
    for u in &plan.unplaced {
        println!("  {:<22} NOT PLACED: {}", u.job, u.reason);
    }
    for s in &outcome.skipped {
        println!("  skipped {}: {}", s.path.display(), s.reason);
    }
    println!(
        "makespan {} (lower bound {}), total lateness {} (lower bound {}), {} late, {} split",
        hours(plan.makespan_s),
        hours(plan.bounds.makespan_s),
        hours(plan.total_lateness_s),
        hours(plan.bounds.total_lateness_s),
        plan.late_jobs,
        plan.split_jobs
    );
    println!(
        "wrote {}/plan.json, plan.csv, plan.svg (open it in a browser), jobs.json",
        outcome.output_dir.display()
    );
    Ok(())
}

/// Runs `tandem failover`; exit status 1 when some job could not be moved.
pub fn failover(args: FailoverArgs) -> anyhow::Result<()> {
    let options = args.plan.options()?;
    let from = CentreProfile::from_file(&args.from)
        .with_context(|| format!("reading {}", args.from.display()))?;
    let to = CentreProfile::from_file(&args.to)
        .with_context(|| format!("reading {}", args.to.display()))?;
    let summary = tandem_core::failover(&args.jobs, &from, &to, &options, &args.out)
        .with_context(|| format!("failover from {} to {}", from.centre.id, to.centre.id))?;
    println!(
        "failover {} -> {}: {} moved, {} not moved, {} of other centres left alone",
        summary.from,
        summary.to,
        summary.moved.len(),
        summary.refused.len(),
        summary.other_centres
    );
    let ends: BTreeMap<&str, Time> = summary
        .plan
        .assignments
        .iter()
        .map(|a| (a.job.as_str(), a.end()))
        .collect();
    for m in &summary.moved {
        let when = ends
            .get(m.job.as_str())
            .map(|t| {
                format!(
                    ", done at {} by {}",
                    summary.to,
                    format_rfc3339(*t, options.utc_offset_s)
                )
            })
            .unwrap_or_default();
        println!(
            "  moved     {:<22} {} pieces, {} sheets, {} files{when}",
            m.job, m.pieces, m.sheets, m.runs
        );
    }
    for r in &summary.refused {
        println!("  NOT MOVED {:<22} {}", r.job, r.ticket.display());
        for reason in &r.reasons {
            println!("              - {reason}");
        }
    }
    for s in &summary.skipped {
        println!("  skipped {}: {}", s.path.display(), s.reason);
    }
    for s in &summary.not_scheduled {
        println!(
            "  moved but not in the schedule {}: {}",
            s.path.display(),
            s.reason
        );
    }
    println!(
        "wrote {} (summary.json, summary.csv, failover-plan.svg)",
        summary.output_dir.display()
    );
    if !summary.refused.is_empty() {
        std::process::exit(1);
    }
    Ok(())
}

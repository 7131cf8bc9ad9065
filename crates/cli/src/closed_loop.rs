//! The closed-loop commands: `redirect` with the journal, `reconcile`,
//! `reprint` and `status`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use tandem_core::tandem_journal::SystemClock;
use tandem_core::{CentreProfile, JobTicket, Progress};

/// How a report is printed.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// JSON.
    Json,
    /// CSV, one line per piece.
    Csv,
}

/// `tandem reconcile`.
#[derive(Args)]
pub struct ReconcileArgs {
    /// The production journal (`journal.sqlite` in the job's output directory).
    #[arg(long)]
    journal: PathBuf,
    /// Inserter results files of one job.
    #[arg(long, num_args = 1.., required = true)]
    results: Vec<PathBuf>,
    /// The job (or reprint `JOB.n`) the files are for; default: the job they name.
    #[arg(long)]
    job: Option<String>,
    /// A profile whose `[results]` layout to use instead of the one stored at redirect.
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Report format on standard output.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Also write the report as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Also write the report as CSV to this file.
    #[arg(long)]
    csv: Option<PathBuf>,
}

/// `tandem reprint`.
#[derive(Args)]
pub struct ReprintArgs {
    /// The production journal of the original job.
    #[arg(long)]
    journal: PathBuf,
    /// The original job ticket (its print file supplies the pages).
    #[arg(long)]
    job: PathBuf,
    /// The profile of the centre that reprints (origin or partner).
    #[arg(long)]
    to: PathBuf,
    /// Output directory of the child job; must not exist yet.
    #[arg(long)]
    out: PathBuf,
    /// Reprint even above the profile's reprint ceiling.
    #[arg(long)]
    force: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

/// `tandem status`.
#[derive(Args)]
pub struct StatusArgs {
    /// The production journal.
    #[arg(long)]
    journal: PathBuf,
    /// The original job id; default: the only job in the journal.
    #[arg(long)]
    job: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

/// Arguments of `tandem printed`.
#[derive(Args)]
pub struct PrintedArgs {
    /// The output directory of the redirect (or reprint).
    #[arg(long)]
    out: PathBuf,
    /// The run file the printer printed, by name.
    #[arg(long)]
    file: String,
    /// Production journal; default `journal.sqlite` in the output directory.
    #[arg(long)]
    journal: Option<PathBuf>,
}

/// Arguments of `tandem decide`.
#[derive(Args)]
pub struct DecideArgs {
    /// The production journal.
    #[arg(long)]
    journal: PathBuf,
    /// The original job id; default: the only job in the journal.
    #[arg(long)]
    job: Option<String>,
    /// The piece reported twice.
    #[arg(long)]
    piece: String,
    /// One good envelope went out: the piece is completed.
    #[arg(long, conflicts_with = "reprint", required_unless_present = "reprint")]
    good: bool,
    /// No good envelope: the piece goes to the next reprint.
    #[arg(long)]
    reprint: bool,
    /// What was found, for the journal (no personal data).
    #[arg(long, default_value = "")]
    note: String,
}

fn bar(quiet: bool) -> anyhow::Result<ProgressBar> {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} redirect [{bar:40}] {pos}/{len} pages {per_sec} eta {eta}",
        )?
        .progress_chars("=> "),
    );
    Ok(bar)
}

/// `tandem redirect` with the journal.
pub fn redirect(
    job: &Path,
    to: &Path,
    out: &Path,
    journal: Option<&Path>,
    quiet: bool,
) -> anyhow::Result<()> {
    let ticket = JobTicket::from_file(job)?;
    let profile = CentreProfile::from_file(to)?;
    let bar = bar(quiet)?;
    let done = tandem_core::redirect_with_journal(
        &ticket,
        &profile,
        out,
        journal,
        &SystemClock,
        &mut |p: Progress| {
            bar.set_length(p.pages_total);
            bar.set_position(p.pages_done);
        },
    )
    .with_context(|| format!("redirecting job {} to {}", ticket.id, profile.centre.id))?;
    bar.finish_and_clear();
    if done.resumed {
        println!("output existed already; journal completed");
    }
    super::print_summary(&done.summary);
    println!("  journal       {}", done.journal.display());
    Ok(())
}

/// `tandem reconcile`.
pub fn reconcile(args: ReconcileArgs) -> anyhow::Result<()> {
    let layout = match &args.profile {
        Some(path) => Some(
            CentreProfile::from_file(path)?
                .results
                .with_context(|| format!("{} has no [results] layout", path.display()))?,
        ),
        None => None,
    };
    let report = tandem_core::reconcile_files(
        &args.journal,
        &args.results,
        args.job.as_deref(),
        layout.as_ref(),
        &SystemClock,
    )
    .context("reconciling")?;
    let json = serde_json::to_string_pretty(&report)?;
    if let Some(path) = &args.json {
        tandem_core::output::write_atomically(path, json.as_bytes())?;
    }
    if let Some(path) = &args.csv {
        tandem_core::output::write_atomically(path, report.to_csv().as_bytes())?;
    }
    match args.format {
        Format::Text => print!("{}", report.to_text()),
        Format::Json => println!("{json}"),
        Format::Csv => print!("{}", report.to_csv()),
    }
    Ok(())
}

/// `tandem reprint`.
pub fn reprint(args: ReprintArgs) -> anyhow::Result<()> {
    let ticket = JobTicket::from_file(&args.job)?;
    let profile = CentreProfile::from_file(&args.to)?;
    let bar = bar(args.quiet)?;
    let done = tandem_core::reprint(
        &ticket,
        &profile,
        &args.out,
        &args.journal,
        args.force,
        &SystemClock,
        &mut |p: Progress| {
            bar.set_length(p.pages_total);
            bar.set_position(p.pages_done);
        },
    )
    .with_context(|| format!("reprinting job {} at {}", ticket.id, profile.centre.id))?;
    bar.finish_and_clear();
    println!(
        "child job {} with {} pieces{}",
        done.child_id,
        done.pieces.len(),
        if done.resumed { " (resumed)" } else { "" }
    );
    super::print_summary(&done.summary);
    println!("  input         {}", done.input_dir.display());
    Ok(())
}

/// `tandem status`.
pub fn status(args: StatusArgs) -> anyhow::Result<()> {
    let report = tandem_core::job_status(&args.journal, args.job.as_deref())?;
    match args.format {
        Format::Text => print!("{}", report.to_text()),
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Csv => {
            println!("job,piece_id,state,via,at");
            for p in &report.open {
                println!(
                    "{},{},{},{},{}",
                    report.job, p.piece_id, p.state, p.via, p.at
                );
            }
        }
    }
    if !report.balanced {
        anyhow::bail!("job {} does not balance", report.job);
    }
    Ok(())
}

pub fn decide(args: DecideArgs) -> anyhow::Result<()> {
    let decision = if args.good {
        tandem_core::DuplicateDecision::OneGood
    } else {
        tandem_core::DuplicateDecision::NoneGood
    };
    let state = tandem_core::decide_duplicate(
        &args.journal,
        args.job.as_deref(),
        &args.piece,
        decision,
        &args.note,
        &tandem_core::tandem_journal::SystemClock,
    )?;
    println!("piece {} is now {}", args.piece, state.as_str());
    Ok(())
}

pub fn printed(args: PrintedArgs) -> anyhow::Result<()> {
    let report = tandem_core::record_printed(
        &args.out,
        args.journal.as_deref(),
        &args.file,
        &tandem_core::tandem_journal::SystemClock,
    )?;
    println!(
        "{} of job {}: {} pieces now printed, {} recorded before, {} in another state",
        report.file,
        report.job,
        report.marked,
        report.already,
        report.skipped.len()
    );
    for (piece, state) in report.skipped.iter().take(20) {
        println!("  {piece} is {}", state.as_str());
    }
    Ok(())
}

//! `tandem`: make a print-and-mail job portable between partner centres.

mod afp;
mod balance;
mod closed_loop;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use tandem_core::{
    CentreProfile, CheckReport, DemoOptions, EXAMPLE_ORIGIN_PROFILE, EXAMPLE_PARTNER_PROFILE,
    JobTicket, Progress, RedirectSummary, Severity,
};

#[derive(Parser)]
#[command(
    name = "tandem",
    version,
    about = "Make print-and-mail jobs portable between partner centres"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Redirect a job to a partner centre: partner marks, print-ready PDF or AFP, manifest.
    Redirect {
        /// The job ticket (TOML or JSON).
        #[arg(long)]
        job: PathBuf,
        /// The partner centre's profile.
        #[arg(long)]
        to: PathBuf,
        /// Output directory; must not exist yet.
        #[arg(long)]
        out: PathBuf,
        /// Production journal; default `journal.sqlite` in the output directory.
        #[arg(long)]
        journal: Option<PathBuf>,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Match inserter results files against the journal: ok, diverted,
    /// damaged, missing, duplicate, unknown.
    Reconcile(closed_loop::ReconcileArgs),
    /// Make a child job JOB.n with exactly the pieces to reprint, and produce it.
    Reprint(closed_loop::ReprintArgs),
    /// The final state of every piece of a job and the balance.
    Status(closed_loop::StatusArgs),
    /// Record that the printer printed a run file: its pieces move to
    /// `printed` (the file must still match the manifest's SHA-256).
    Printed(closed_loop::PrintedArgs),
    /// Record a person's decision on a piece the inserter reported twice:
    /// one good envelope (completed) or none (to reprint).
    Decide(closed_loop::DecideArgs),
    /// Check whether a partner centre can run a job; exit status 0 only when
    /// it runs unchanged or with automatic fixes.
    Check {
        /// The job ticket (TOML or JSON).
        #[arg(long)]
        job: PathBuf,
        /// The partner centre's profile.
        #[arg(long)]
        to: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Share the pending jobs between centres: plan.json, plan.csv and a
    /// timeline plan.svg, with a reason for every decision.
    Balance(balance::BalanceArgs),
    /// Push button: move every pending job of a centre to its partner, with
    /// one summary of what could not be moved and why (exit status 1 then).
    Failover(balance::FailoverArgs),
    /// Summarise an AFP file: structure, page groups, pages, TLEs, resources.
    Inspect(afp::InspectArgs),
    /// AFP tools.
    #[command(subcommand)]
    Afp(afp::AfpCommand),
    /// Generate the example job of centre Nord and redirect it to centre Süd.
    Demo {
        /// Where the job and its redirected output go.
        #[arg(long, default_value = "tandem-demo")]
        out: PathBuf,
        /// Number of letters in the example job.
        #[arg(long, default_value_t = 1000)]
        letters: usize,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
}

/// Lets a closed pipe (`tandem inspect … | head`) end the process quietly,
/// as it does for other Unix tools, instead of Rust's ignored SIGPIPE
/// turning every later `println!` into a panic.
#[cfg(unix)]
fn default_sigpipe() {
    // SAFETY: called first thing in `main`, before any thread exists;
    // SIG_DFL is a valid disposition for SIGPIPE.
    #[allow(unsafe_code)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> anyhow::Result<()> {
    #[cfg(unix)]
    default_sigpipe();
    match Cli::parse().command {
        Command::Redirect {
            job,
            to,
            out,
            journal,
            quiet,
        } => closed_loop::redirect(&job, &to, &out, journal.as_deref(), quiet)?,
        Command::Reconcile(args) => closed_loop::reconcile(args)?,
        Command::Reprint(args) => closed_loop::reprint(args)?,
        Command::Status(args) => closed_loop::status(args)?,
        Command::Decide(args) => closed_loop::decide(args)?,
        Command::Printed(args) => closed_loop::printed(args)?,
        Command::Balance(args) => balance::balance(args)?,
        Command::Failover(args) => balance::failover(args)?,
        Command::Check { job, to, json } => {
            let ticket = JobTicket::from_file(&job)?;
            let profile = CentreProfile::from_file(&to)?;
            let report = tandem_core::check(&ticket, &profile).with_context(|| {
                format!("checking job {} against {}", ticket.id, profile.centre.id)
            })?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_check(&report);
            }
            if !report.passes() {
                std::process::exit(1);
            }
        }
        Command::Inspect(args) => afp::inspect(args)?,
        Command::Afp(command) => afp::run(command)?,
        Command::Demo {
            out,
            letters,
            quiet,
        } => demo(&out, letters, quiet)?,
    }
    Ok(())
}

fn print_check(report: &CheckReport) {
    let verdict = if report.passes() {
        "can run"
    } else {
        "cannot run"
    };
    println!(
        "{} {verdict} job {} ({} pages checked)",
        report.target_centre, report.job_id, report.pages_checked
    );
    for f in &report.findings {
        let place = match (&f.piece_id, f.page) {
            (Some(piece), Some(page)) => format!("piece {piece}, page {page}: "),
            (Some(piece), None) => format!("piece {piece}: "),
            (None, Some(page)) => format!("page {page}: "),
            (None, None) => String::new(),
        };
        let severity = match f.severity {
            Severity::Blocking => "BLOCKING",
            Severity::AutoFix => "auto-fix",
            Severity::Notice => "notice",
        };
        let fix = f
            .fix
            .as_ref()
            .map(|fix| format!(" -> {fix}"))
            .unwrap_or_default();
        println!("  {severity:<8} {:<24} {place}{}{fix}", f.code, f.message);
    }
    for (code, count) in &report.counts {
        if *count as usize > report.listed_per_reason {
            println!(
                "  {code}: {count} in all, the first {} listed",
                report.listed_per_reason
            );
        }
    }
}

/// Marks a directory as the demo's own, so a rerun may replace it.
const DEMO_MARKER: &str = ".tandem-demo";

fn demo(out: &Path, letters: usize, quiet: bool) -> anyhow::Result<()> {
    if out.exists() {
        if !out.join(DEMO_MARKER).exists() {
            bail!(
                "{} exists and is not a Tandem demo directory; choose another --out",
                out.display()
            );
        }
        std::fs::remove_dir_all(out)
            .with_context(|| format!("removing the previous demo in {}", out.display()))?;
    }
    std::fs::create_dir_all(out)?;
    std::fs::write(
        out.join(DEMO_MARKER),
        "written by `tandem demo`; safe to delete\n",
    )?;
    let origin = CentreProfile::from_toml_str(EXAMPLE_ORIGIN_PROFILE)?;
    let partner = CentreProfile::from_toml_str(EXAMPLE_PARTNER_PROFILE)?;
    let started = Instant::now();
    let options = DemoOptions {
        letters,
        ..DemoOptions::default()
    };
    let job = tandem_core::generate_demo_job(&out.join("job"), &origin, &options)?;
    println!(
        "generated {} letters ({} pages) of centre {} in {:.2} s: {}",
        letters,
        job.pages,
        origin.centre.id,
        started.elapsed().as_secs_f64(),
        job.ticket.display()
    );
    let ticket = JobTicket::from_file(&job.ticket)?;
    let summary = run_redirect(&ticket, &partner, &out.join("out"), quiet)?;
    print_summary(&summary);
    Ok(())
}

fn run_redirect(
    ticket: &JobTicket,
    profile: &CentreProfile,
    out: &Path,
    quiet: bool,
) -> anyhow::Result<RedirectSummary> {
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
    let summary = tandem_core::redirect(ticket, profile, out, &mut |p: Progress| {
        bar.set_length(p.pages_total);
        bar.set_position(p.pages_done);
    })
    .with_context(|| format!("redirecting job {} to {}", ticket.id, profile.centre.id))?;
    bar.finish_and_clear();
    Ok(summary)
}

fn print_summary(summary: &RedirectSummary) {
    let m = &summary.manifest;
    let seconds = summary.elapsed.as_secs_f64();
    println!(
        "job {} redirected from {} to {}",
        m.job_id, m.origin_centre, m.target_centre
    );
    println!("  pieces        {:>10}", m.totals.pieces);
    println!("  envelopes     {:>10}", m.totals.envelopes);
    if m.totals.manual_pieces > 0 {
        println!(
            "  manual        {:>10}  (pieces for manual inserting)",
            m.totals.manual_pieces
        );
    }
    println!("  sheets        {:>10}  ({})", m.totals.sheets, m.plex);
    println!("  pages in      {:>10}", m.totals.pages);
    println!(
        "  pages out     {:>10}  (blank backs included)",
        m.totals.output_pages
    );
    println!("  runs          {:>10}", m.totals.runs);
    println!(
        "  postage       {:>10.2}  EUR under contract {}",
        m.totals.postage_cents as f64 / 100.0,
        m.franking_contract
    );
    for run in &m.runs {
        println!(
            "    {}  {} pieces, {} sheets, sha256 {}",
            run.file,
            run.pieces,
            run.sheets,
            &run.sha256[..16]
        );
    }
    println!(
        "  time          {:>10.2} s  ({:.0} pages/s)",
        seconds,
        m.totals.output_pages as f64 / seconds.max(1e-9)
    );
    println!("  output        {}", summary.output_dir.display());
}

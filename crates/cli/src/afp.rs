//! `tandem inspect` and `tandem afp resources`.

use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, Subcommand};
use tandem_core::code_page as encoding_of;

/// Arguments of `tandem inspect`.
#[derive(Args)]
pub struct InspectArgs {
    /// The AFP file.
    file: PathBuf,
    /// Code page of TLE texts: 500, 273, 1141 or latin-1.
    #[arg(long, default_value = "500")]
    code_page: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// AFP subcommands.
#[derive(Subcommand)]
pub enum AfpCommand {
    /// List resources missing from a partner's library, and inline resources
    /// whose library copy of the same name differs; exit status 1 then.
    Resources {
        /// The AFP file.
        file: PathBuf,
        /// The partner's resource library (one file per resource).
        #[arg(long)]
        against: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn inspect(args: InspectArgs) -> anyhow::Result<()> {
    let Some(encoding) = encoding_of(&args.code_page) else {
        bail!(
            "unknown code page {:?}: use 500, 273, 1141 or latin-1",
            args.code_page
        );
    };
    let summary = tandem_core::inspect_afp(&args.file, encoding)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
        return Ok(());
    }
    println!(
        "{}: {} bytes, {} structured fields",
        args.file.display(),
        summary.bytes,
        summary.fields
    );
    println!(
        "  documents {}, page groups {}, pages {}, medium maps invoked {}, includes {}, NOPs {}",
        summary.documents.len(),
        summary.page_groups.len(),
        summary.pages.len(),
        summary.medium_maps.len(),
        summary.includes.len(),
        summary.nops
    );
    let fields: Vec<String> = summary
        .by_name
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    println!("  fields: {}", fields.join(", "));
    // The first groups, to see what a piece looks like; --json has all.
    const SHOWN: usize = 20;
    for group in summary.page_groups.iter().take(SHOWN) {
        println!(
            "  group {:<8} at byte {:>10}: pages {}-{}  {}",
            group.name,
            group.offset,
            group.first_page,
            group.first_page + group.pages.saturating_sub(1),
            group.tles.join(", ")
        );
    }
    if summary.page_groups.len() > SHOWN {
        println!(
            "  … {} more page groups (see --json)",
            summary.page_groups.len() - SHOWN
        );
    }
    let outside = summary.tles.len()
        - summary
            .page_groups
            .iter()
            .map(|g| g.tles.len())
            .sum::<usize>();
    for tle in summary
        .tles
        .iter()
        .filter(|_| summary.page_groups.is_empty() || outside > 0)
        .take(SHOWN)
    {
        println!("  TLE at byte {}: {} = {}", tle.offset, tle.name, tle.value);
    }
    for r in &summary.inline {
        println!("  inline     {r}");
    }
    for r in &summary.missing_inline {
        println!("  not inline {r}");
    }
    Ok(())
}

pub fn run(command: AfpCommand) -> anyhow::Result<()> {
    match command {
        AfpCommand::Resources {
            file,
            against,
            json,
        } => {
            let report = tandem_core::afp_resources(&file, against.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                for r in &report.missing {
                    println!("missing    {r}");
                }
                for r in &report.differing {
                    println!("differs    {r}");
                }
                if report.missing.is_empty() && report.differing.is_empty() {
                    println!(
                        "{}: every resource is inline or in the library, and none differs",
                        file.display()
                    );
                }
            }
            if !(report.missing.is_empty() && report.differing.is_empty()) {
                std::process::exit(1);
            }
        }
    }
    Ok(())
}

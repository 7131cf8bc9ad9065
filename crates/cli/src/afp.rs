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
        "  documents {}, page groups {}, pages {}",
        summary.documents, summary.page_groups, summary.pages
    );
    let fields: Vec<String> = summary
        .by_name
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    println!("  fields: {}", fields.join(", "));
    for tle in &summary.tles {
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

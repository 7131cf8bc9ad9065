//! Tandem's pipelines, composed from the library crates.
//!
//! [`redirect`] takes a job of the origin centre (a [`JobTicket`] with its
//! PDF and index) and a partner's [`CentreProfile`] and writes print-ready
//! PDF runs with the partner's marks, plus a [`Manifest`] that accounts for
//! every piece. [`generate_demo_job`] writes a realistic example job.
//!
//! ```no_run
//! use tandem_core::{redirect, JobTicket, CentreProfile};
//!
//! let ticket = JobTicket::from_file("job.toml".as_ref())?;
//! let partner = CentreProfile::from_file("centre-sued.toml".as_ref())?;
//! let summary = redirect(&ticket, &partner, "out".as_ref(), &mut |_| {})?;
//! println!("{} pieces", summary.manifest.totals.pieces);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod afp;
mod afp_job;
mod balance;
mod check;
mod closed_loop;
mod demo;
mod draw;
mod error;
mod line_data;
mod manifest;
pub mod output;
mod redirect;

pub use afp::{
    AfpSummary, DocumentSummary, GroupSummary, PageSummary, ResourceReport, Tle, afp_resources,
    code_page, inspect_afp,
};
pub use balance::{
    BalanceOptions, BalanceOutcome, CentreDown, FailoverSummary, MovedJob, PendingTicket,
    RefusedJob, SkippedTicket, TicketScan, balance_jobs, centre_capacity, failover,
    pending_tickets, read_tickets,
};
pub use check::{CheckReport, Finding, Severity, check};
pub use closed_loop::{
    DuplicateDecision, JournaledRedirect, PrintedReport, ReprintSummary, decide_duplicate,
    default_journal_path, job_status, reconcile_files, record_printed, redirect_with_journal,
    reprint,
};
pub use demo::{
    DemoJob, DemoOptions, EXAMPLE_ORIGIN_PROFILE, EXAMPLE_PARTNER_PROFILE, generate_demo_job,
};
pub use draw::{SheetMarks, sheet_marks};
pub use error::CoreError;
pub use manifest::{InputFile, Manifest, PieceEntry, RunEntry, Totals};
pub use redirect::{Progress, RedirectSummary, job_pieces, redirect};
pub use tandem_balance;
pub use tandem_journal;
pub use tandem_profile::CentreProfile;
pub use tandem_ticket::JobTicket;

//! Tandem's production journal: "nothing lost", provable piece by piece.
//!
//! The journal records every job (the origin's job and its reprint child
//! jobs `JOB.1`, `JOB.2`, …), every run and every piece, and appends an
//! event whenever a piece changes [`State`]: `planned → released → printed
//! → inserted | diverted | damaged | missing → reprinted → completed`.
//! Events carry time and source and are never overwritten; a piece's
//! current state is its last event.
//!
//! Storage is behind the [`Journal`] trait; [`SqliteJournal`] keeps it in
//! an embedded SQLite file (WAL, `synchronous=FULL`, one transaction per
//! change), so that a server database can be added later.
//!
//! On top of any journal: [`reconcile`] matches inserter results files
//! ([`parse_results`], layout from the profile) against a job,
//! [`plan_reprint`] chooses the pieces of a reprint child job, [`status`]
//! reports the balance `pieces in = completed + open`, and
//! [`check_consistency`] proves every history follows the life cycle.
//! [`format_control_file`] writes the inserter control file of a run.
//!
//! ```
//! use tandem_journal::*;
//!
//! let dir = tempfile::tempdir()?;
//! let mut journal = SqliteJournal::open(&dir.path().join("journal.sqlite"))?;
//! let clock = CountingClock::new(1_767_225_600);
//! let job = JobRecord {
//!     id: "J1".into(), root: "J1".into(), number: 0,
//!     origin_centre: "nord".into(), target_centre: "sued".into(),
//!     status: JobStatus::Planned, created_at: clock.now(), out_dir: "out".into(),
//!     results_layout: None,
//! };
//! let piece = PieceRecord { piece_id: "J1-000001".into(), parts: 1 };
//! let event = |state| NewEvent {
//!     job: "J1".into(), piece: "J1-000001".into(), state, via: "J1".into(),
//!     at: clock.now(), source: "example".into(), detail: String::new(),
//! };
//! journal.create_job(&job, &[piece], &[event(State::Planned)])?;
//! journal.release_job("J1", &[], &[], &[event(State::Released)])?;
//! // Not reported by the inserter: missing, then a reprint is due.
//! journal.append(&[event(State::Missing)])?;
//! let report = status(&journal, "J1")?;
//! assert_eq!((report.pieces_in, report.completed, report.open.len()), (1, 0, 1));
//! assert!(check_consistency(&journal, "J1")?.is_empty());
//! // A piece cannot skip the life cycle.
//! assert!(journal.append(&[event(State::Completed)]).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod clock;
mod control;
mod error;
mod ops;
mod results;
mod state;
mod store;

pub use clock::{Clock, CountingClock, SystemClock, rfc3339};
pub use control::{ControlRecord, format_control_file};
pub use error::JournalError;
pub use ops::{
    FileSummary, OpenPiece, Outcome, PieceOutcome, ReconcileReport, ReprintPlan, ResultsFile,
    StatusReport, check_consistency, plan_reprint, reconcile, status, stored_layout,
};
pub use results::{
    MalformedLine, ParsedResults, Reported, ResultRecord, format_result, parse_results,
};
pub use state::State;
pub use store::{
    Event, JobRecord, JobStatus, Journal, NewEvent, PieceRecord, PieceState, ReconcileRecord,
    RunRecord, SqliteJournal,
};
pub use tandem_profile::{ControlFileLayout, FieldPos, RecordFormat, ResultsLayout};

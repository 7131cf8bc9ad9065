//! Load sharing and push-button failover between partner centres.
//!
//! Given the pending jobs ([`PendingJob`]: pieces with pages, envelopes and
//! formats, a deadline, the centre that holds the job, and the centres whose
//! compatibility check it passes) and the centres ([`CentreCapacity`]:
//! printer and per-format inserter speeds, shifts, backlog, downtime),
//! [`plan`] decides which centre produces which job or part of a job and
//! when, printer and inserter separately, and says why in one line per
//! decision. The [`BalancePlan`] serialises to JSON, writes itself as CSV
//! ([`BalancePlan::to_csv`]) and as an SVG timeline
//! ([`BalancePlan::to_svg`]). No I/O happens here.
//!
//! ```
//! use std::collections::{BTreeMap, BTreeSet};
//! use tandem_balance::*;
//! use tandem_plan::{EnvelopeFormat, PostingClass, PostingRules};
//!
//! let start = parse_rfc3339("2026-12-14T06:00:00+01:00")?; // a Monday
//! let centre = |id: &str| CentreCapacity {
//!     id: id.into(),
//!     printer_pages_per_hour: 6000,
//!     inserter_envelopes_per_hour: BTreeMap::from([(EnvelopeFormat::C65, 3000)]),
//!     calendar: Calendar::two_shifts(),
//!     backlog_s: 0,
//!     down: vec![],
//! };
//! let pieces = (0..3000)
//!     .map(|i| PieceLoad {
//!         piece_id: format!("P{i}"),
//!         plz: format!("{:05}", 10000 + i),
//!         pages: 2,
//!         envelopes: 1,
//!         format: EnvelopeFormat::C65,
//!         class: PostingClass::Letters,
//!     })
//!     .collect();
//! let job = PendingJob {
//!     id: "J1".into(),
//!     location: "nord".into(),
//!     deadline: start + 4 * HOUR,
//!     priority: 5,
//!     pieces,
//!     compatible_with: BTreeSet::from(["nord".into(), "sued".into()]),
//!     refused_by: BTreeMap::new(),
//! };
//! let plan = plan(&BalanceInput {
//!     start,
//!     handover_s: 0,
//!     thresholds: PostingRules::default(),
//!     prefer_location: true,
//!     display_offset_s: HOUR,
//!     jobs: vec![job],
//!     centres: vec![centre("nord"), centre("sued")],
//! })?;
//! // 6,000 pages take 1 h to print, 3,000 envelopes 1 h to insert: 2 h at nord.
//! let a = &plan.assignments[0];
//! assert_eq!((a.centre.as_str(), a.end() - start), ("nord", 2 * HOUR));
//! assert!(a.reason.starts_with("stays at nord"));
//! assert!(plan.to_svg().starts_with("<svg"));
//! # Ok::<(), tandem_balance::BalanceError>(())
//! ```
//!
//! # The heuristic
//!
//! List scheduling, earliest deadline first (then priority, then job id).
//! Each centre's printer and inserter take parts in that order; a part is
//! inserted once it is printed (conservative: real centres overlap the
//! two). Work runs only in shifts and stops for downtime. A job stays at
//! its location when it is on time there, else goes where it ends first;
//! when no single centre is on time it is split in presort (PLZ) order
//! between the two centres that end it first, with the split point chosen
//! by binary search so that both parts end as close together as possible,
//! kept within the presort thresholds (5,000 letters / 500 large letters
//! per posting) unless only a split below them meets the deadline — then
//! the part is flagged [`Assignment::below_presort`] and the reason says
//! so. Planning is O(n log n) in jobs plus O(log pieces) trial schedules
//! per split job.
//!
//! [`LowerBounds`] are computed alongside: total minimum work over all
//! working time of all centres, and each job's earliest end alone (or
//! spread over all its centres).

mod model;
mod planner;
mod render;
mod synthetic;
mod time;

pub use model::{
    Assignment, BalanceInput, BalancePlan, CentreCapacity, CentreSchedule, Downtime, JobBound,
    LowerBounds, PendingJob, PieceLoad, Unplaced,
};
pub use planner::{plan, presort_order};
pub use synthetic::synthetic_input;
pub use time::{Calendar, DAY, HOUR, Time, format_rfc3339, parse_rfc3339};

/// Why a plan cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BalanceError {
    /// An input value is out of range or inconsistent.
    #[error("{what}: {reason}")]
    Invalid {
        /// The centre, job or field concerned.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// A time is not RFC 3339.
    #[error("{0:?} is not an RFC 3339 date-time like 2026-12-01T18:00:00+01:00")]
    Time(String),
}

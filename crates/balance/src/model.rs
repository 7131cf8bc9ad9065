//! The planner's inputs and outputs: plain data, no I/O.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use tandem_plan::{EnvelopeFormat, PostingClass, PostingRules};

use crate::time::{Calendar, Time};

/// One mail piece as far as capacity and presort are concerned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PieceLoad {
    /// The piece's id in the job.
    pub piece_id: String,
    /// Recipient's postcode; presort order is by postcode.
    pub plz: String,
    /// Pages the printer prints for the piece.
    pub pages: u32,
    /// Envelopes the inserter fills for the piece (0 for manual inserting).
    pub envelopes: u32,
    /// The envelope format, which decides the inserter's speed.
    pub format: EnvelopeFormat,
    /// The presort class (letters or large letters) the piece counts in.
    pub class: PostingClass,
}

/// A job waiting for production.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PendingJob {
    /// Job id.
    pub id: String,
    /// The centre that holds the job now; other centres get it after the
    /// hand-over time.
    pub location: String,
    /// Latest end of production (time of posting).
    pub deadline: Time,
    /// 1 (highest) to 9 (lowest); breaks ties between equal deadlines.
    pub priority: u8,
    /// The pieces, in job order.
    pub pieces: Vec<PieceLoad>,
    /// Centres that may produce the job (their compatibility check passes;
    /// include `location` when the job may stay where it is).
    pub compatible_with: BTreeSet<String>,
    /// Why the other centres may not produce it, by centre id (one line
    /// each); used in the plan's reasons.
    pub refused_by: BTreeMap<String, String>,
}

/// An interval in which a centre does not work at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Downtime {
    /// First second of the downtime.
    pub from: Time,
    /// First second after it.
    pub until: Time,
}

/// What a centre can produce, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentreCapacity {
    /// Centre id.
    pub id: String,
    /// Printer speed, all printers together, pages per hour.
    pub printer_pages_per_hour: u32,
    /// Inserter speed per envelope format, envelopes per hour.
    pub inserter_envelopes_per_hour: BTreeMap<EnvelopeFormat, u32>,
    /// Shifts and working days.
    pub calendar: Calendar,
    /// Working time already committed on both printer and inserter before
    /// any pending job, in seconds.
    pub backlog_s: i64,
    /// When the centre is down.
    pub down: Vec<Downtime>,
}

/// Everything one planning run needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BalanceInput {
    /// Plan start: nothing is produced earlier.
    pub start: Time,
    /// Time from a job leaving its centre to being ready at a partner, seconds.
    pub handover_s: i64,
    /// Presort thresholds a split part must keep (5,000 letters / 500 large).
    pub thresholds: PostingRules,
    /// Keep a job at its location when it meets its deadline there (true),
    /// or send every job where it finishes first (false).
    pub prefer_location: bool,
    /// UTC offset in seconds used for times in reasons, CSV and SVG.
    pub display_offset_s: i64,
    /// The jobs.
    pub jobs: Vec<PendingJob>,
    /// The centres.
    pub centres: Vec<CentreCapacity>,
}

/// A job or a part of a job placed at a centre.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// Job id.
    pub job: String,
    /// Part number, 1-based.
    pub part: u32,
    /// Parts of the job in the plan (1: the whole job).
    pub parts: u32,
    /// Centre that produces this part.
    pub centre: String,
    /// Whether the part leaves the job's location.
    pub moved: bool,
    /// The part's pieces: `pieces_from..pieces_to` in the job's presort
    /// order ([`presort_order`](crate::presort_order)).
    pub pieces_from: usize,
    /// End (exclusive) of the part's pieces in presort order.
    pub pieces_to: usize,
    /// First piece id of the part (presort order), empty for an empty job.
    pub first_piece: String,
    /// Last piece id of the part.
    pub last_piece: String,
    /// Pages to print.
    pub pages: u64,
    /// Envelopes to fill.
    pub envelopes: u64,
    /// Pieces per presort class.
    pub presort_counts: BTreeMap<PostingClass, u64>,
    /// True when the part falls below a presort threshold the whole job
    /// reached: the deadline forced the split.
    pub below_presort: bool,
    /// Start of printing.
    pub print_start: Time,
    /// End of printing.
    pub print_end: Time,
    /// Start of inserting.
    pub insert_start: Time,
    /// End of inserting: the part is done.
    pub insert_end: Time,
    /// Printing as working intervals (interrupted by shift ends and downtime).
    pub print_segments: Vec<(Time, Time)>,
    /// Inserting as working intervals.
    pub insert_segments: Vec<(Time, Time)>,
    /// The job's deadline.
    pub deadline: Time,
    /// Seconds the part ends after the deadline (0 when on time).
    pub late_by_s: i64,
    /// Why the part is here, one line.
    pub reason: String,
}

impl Assignment {
    /// When the part starts (printing).
    pub fn start(&self) -> Time {
        self.print_start
    }

    /// When the part is done (inserting).
    pub fn end(&self) -> Time {
        self.insert_end
    }
}

/// A job the plan could not place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unplaced {
    /// Job id.
    pub job: String,
    /// Why, one line.
    pub reason: String,
}

/// One centre's side of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CentreSchedule {
    /// Centre id.
    pub centre: String,
    /// Indices into [`BalancePlan::assignments`] of the parts here, in
    /// printing order.
    pub parts: Vec<usize>,
    /// Printer busy (backlog and parts) until.
    pub printer_until: Time,
    /// Inserter busy until.
    pub inserter_until: Time,
    /// Printing seconds of the planned parts.
    pub printer_busy_s: i64,
    /// Inserting seconds of the planned parts.
    pub inserter_busy_s: i64,
    /// Shifts from the plan start to the end of its last part (for the picture).
    pub shifts: Vec<(Time, Time)>,
    /// Downtime.
    pub down: Vec<(Time, Time)>,
    /// Backlog occupies the machines from the plan start until this time.
    pub backlog_until: Time,
}

/// A job's best possible end, alone in the centres.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JobBound {
    /// Job id.
    pub job: String,
    /// No plan finishes the job earlier.
    pub earliest_end: Time,
    /// Its deadline.
    pub deadline: Time,
}

/// Lower bounds the plan is measured against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LowerBounds {
    /// Makespan when all work (at each job's fastest centres) is spread
    /// over all working time of all centres after their backlog, seconds
    /// from the plan start.
    pub capacity_makespan_s: i64,
    /// The latest job's own minimum, seconds from the plan start.
    pub job_makespan_s: i64,
    /// The larger of the two: no plan has a shorter makespan.
    pub makespan_s: i64,
    /// Sum over jobs of how late each ends at best: no plan is less late.
    pub total_lateness_s: i64,
    /// Per job.
    pub jobs: Vec<JobBound>,
}

/// The result of [`plan`](crate::plan).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BalancePlan {
    /// Plan start.
    pub start: Time,
    /// Offset used for displayed times.
    pub display_offset_s: i64,
    /// Hand-over time used.
    pub handover_s: i64,
    /// Every placed job or part, in planning order (earliest deadline first).
    pub assignments: Vec<Assignment>,
    /// Jobs that could not be placed anywhere, with the reason.
    pub unplaced: Vec<Unplaced>,
    /// Per centre, in id order.
    pub centres: Vec<CentreSchedule>,
    /// End of the last part minus the plan start, seconds.
    pub makespan_s: i64,
    /// Sum over jobs of the lateness of their last part, seconds.
    pub total_lateness_s: i64,
    /// Jobs that end after their deadline.
    pub late_jobs: usize,
    /// Jobs split between centres.
    pub split_jobs: usize,
    /// Parts that fall below a presort threshold.
    pub below_presort_parts: usize,
    /// What no plan can beat.
    pub bounds: LowerBounds,
}

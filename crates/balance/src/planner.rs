//! The list-scheduling planner: earliest deadline first; each job to the
//! centre where it ends first (or stays home when it is on time there);
//! split over two centres only when no single centre meets the deadline.

use std::collections::{BTreeMap, BTreeSet};

use tandem_plan::{EnvelopeFormat, PostingClass};

use crate::BalanceError;
use crate::model::{
    Assignment, BalanceInput, BalancePlan, CentreCapacity, CentreSchedule, JobBound, LowerBounds,
    PendingJob, PieceLoad, Unplaced,
};
use crate::time::{Availability, DAY, Run, Time, short_time};

/// Nothing is planned further than this after the plan start.
const HORIZON_S: i64 = 5 * 366 * DAY;

/// The presort order of a job's pieces: by postcode (unknown postcodes
/// last), job order within a postcode. Split parts are ranges of it.
pub fn presort_order(pieces: &[PieceLoad]) -> Vec<usize> {
    let mut order: Vec<(u32, usize)> = pieces
        .iter()
        .enumerate()
        .map(|(i, p)| (plz_key(&p.plz), i))
        .collect();
    order.sort_unstable_by(|&(ka, a), &(kb, b)| {
        ka.cmp(&kb)
            .then_with(|| {
                if ka == u32::MAX {
                    let (pa, pb) = (&pieces[a].plz, &pieces[b].plz);
                    (pa.is_empty(), pa).cmp(&(pb.is_empty(), pb))
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .then(a.cmp(&b))
    });
    order.into_iter().map(|(_, i)| i).collect()
}

/// Five-digit postcodes sort as numbers; anything else after them.
fn plz_key(plz: &str) -> u32 {
    let b = plz.as_bytes();
    if b.len() == 5 && b.iter().all(u8::is_ascii_digit) {
        b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
    } else {
        u32::MAX
    }
}

/// The presort order of two pieces, as [`presort_order`] sorts them.
fn presort_cmp(pieces: &[PieceLoad], a: usize, b: usize) -> std::cmp::Ordering {
    let (pa, pb) = (&pieces[a].plz, &pieces[b].plz);
    let (ka, kb) = (plz_key(pa), plz_key(pb));
    ka.cmp(&kb)
        .then_with(|| {
            if ka == u32::MAX {
                (pa.is_empty(), pa).cmp(&(pb.is_empty(), pb))
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .then(a.cmp(&b))
}

/// A duration for people: `45 min`, `3 h 05`, `2 d 4 h`.
pub(crate) fn human(seconds: i64) -> String {
    let minutes = (seconds.max(0) + 59) / 60;
    if minutes < 60 {
        format!("{minutes} min")
    } else if minutes < 24 * 60 {
        format!("{} h {:02}", minutes / 60, minutes % 60)
    } else {
        format!("{} d {} h", minutes / (24 * 60), (minutes % (24 * 60)) / 60)
    }
}

fn class_name(class: PostingClass) -> &'static str {
    match class {
        PostingClass::Letters => "letters",
        PostingClass::Large => "large letters",
    }
}

fn invalid(what: impl Into<String>, reason: impl Into<String>) -> BalanceError {
    BalanceError::Invalid {
        what: what.into(),
        reason: reason.into(),
    }
}

const FORMATS: [EnvelopeFormat; 5] = [
    EnvelopeFormat::Dl,
    EnvelopeFormat::C65,
    EnvelopeFormat::C6,
    EnvelopeFormat::C5,
    EnvelopeFormat::C4,
];

fn format_index(format: EnvelopeFormat) -> usize {
    match format {
        EnvelopeFormat::Dl => 0,
        EnvelopeFormat::C65 => 1,
        EnvelopeFormat::C6 => 2,
        EnvelopeFormat::C5 => 3,
        EnvelopeFormat::C4 => 4,
    }
}

fn class_index(class: PostingClass) -> usize {
    match class {
        PostingClass::Letters => 0,
        PostingClass::Large => 1,
    }
}

const CLASSES: [PostingClass; 2] = [PostingClass::Letters, PostingClass::Large];

/// Pages, envelopes per format and pieces per presort class of some pieces.
#[derive(Clone, Copy, Default)]
struct Load {
    pages: u64,
    envelopes: [u64; 5],
    classes: [u64; 2],
}

impl Load {
    fn add(&mut self, piece: &PieceLoad) {
        self.pages += u64::from(piece.pages);
        self.envelopes[format_index(piece.format)] += u64::from(piece.envelopes);
        self.classes[class_index(piece.class)] += 1;
    }

    fn minus(&self, other: &Load) -> Load {
        let mut out = *self;
        out.pages -= other.pages;
        for i in 0..5 {
            out.envelopes[i] -= other.envelopes[i];
        }
        for i in 0..2 {
            out.classes[i] -= other.classes[i];
        }
        out
    }

    fn class_map(&self) -> BTreeMap<PostingClass, u64> {
        CLASSES
            .iter()
            .zip(self.classes)
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| (*c, n))
            .collect()
    }
}

/// What a split needs: the presort order and prefix sums over it. Made
/// only for jobs that are considered for a split.
struct SplitData {
    order: Vec<usize>,
    prefix: Vec<Load>,
}

/// A job with its totals.
struct Prepared<'a> {
    job: &'a PendingJob,
    total: Load,
    /// First and last piece in presort order.
    ends: Option<(usize, usize)>,
    split: std::cell::OnceCell<SplitData>,
}

impl<'a> Prepared<'a> {
    fn new(job: &'a PendingJob) -> Self {
        let mut total = Load::default();
        let mut ends: Option<(usize, usize)> = None;
        let (mut lo_key, mut hi_key) = (0u32, 0u32);
        for (i, piece) in job.pieces.iter().enumerate() {
            total.add(piece);
            let key = plz_key(&piece.plz);
            ends = Some(match ends {
                None => {
                    (lo_key, hi_key) = (key, key);
                    (i, i)
                }
                Some((lo, hi)) => {
                    let lo = if key < lo_key
                        || (key == u32::MAX
                            && lo_key == u32::MAX
                            && presort_cmp(&job.pieces, i, lo).is_lt())
                    {
                        lo_key = key;
                        i
                    } else {
                        lo
                    };
                    // Equal keys: the later piece comes later.
                    let hi = if key > hi_key
                        || (key == hi_key
                            && (key != u32::MAX || presort_cmp(&job.pieces, i, hi).is_gt()))
                    {
                        hi_key = key;
                        i
                    } else {
                        hi
                    };
                    (lo, hi)
                }
            });
        }
        Self {
            job,
            total,
            ends,
            split: std::cell::OnceCell::new(),
        }
    }

    fn len(&self) -> usize {
        self.job.pieces.len()
    }

    fn split_data(&self) -> &SplitData {
        self.split.get_or_init(|| {
            let order = presort_order(&self.job.pieces);
            let mut prefix = Vec::with_capacity(order.len() + 1);
            let mut load = Load::default();
            prefix.push(load);
            for &i in &order {
                load.add(&self.job.pieces[i]);
                prefix.push(load);
            }
            SplitData { order, prefix }
        })
    }

    /// The load of pieces `from..to` in presort order.
    fn load(&self, from: usize, to: usize) -> Load {
        if from == 0 && to == self.len() {
            return self.total;
        }
        let prefix = &self.split_data().prefix;
        prefix[to].minus(&prefix[from])
    }

    /// The piece at position `k` of the presort order.
    fn piece_at(&self, k: usize) -> &PieceLoad {
        let n = self.len();
        match self.ends {
            Some((first, _)) if k == 0 => &self.job.pieces[first],
            Some((_, last)) if k + 1 == n => &self.job.pieces[last],
            _ => &self.job.pieces[self.split_data().order[k]],
        }
    }
}

/// A centre during planning.
struct State<'a> {
    capacity: &'a CentreCapacity,
    avail: Availability,
    backlog_print_end: Time,
    backlog_insert_end: Time,
    printer_free: Time,
    inserter_free: Time,
    printer_busy: i64,
    inserter_busy: i64,
    parts: Vec<usize>,
    /// Free stretches from the plan start with the working time before each,
    /// for the lower bounds.
    stretches: Vec<(Time, Time, i64)>,
}

impl State<'_> {
    fn print_s(&self, pages: u64) -> i64 {
        let pph = u64::from(self.capacity.printer_pages_per_hour.max(1));
        i64::try_from((pages * 3600).div_ceil(pph)).unwrap_or(i64::MAX / 4)
    }

    /// Inserting seconds of a load, or the format the centre has no rate for.
    fn insert_s(&self, load: &Load) -> Result<i64, EnvelopeFormat> {
        let mut total = 0i64;
        for (format, &count) in FORMATS.iter().zip(&load.envelopes) {
            if count == 0 {
                continue;
            }
            let rate = self
                .capacity
                .inserter_envelopes_per_hour
                .get(format)
                .copied()
                .filter(|r| *r > 0)
                .ok_or(*format)?;
            total +=
                i64::try_from((count * 3600).div_ceil(u64::from(rate))).unwrap_or(i64::MAX / 4);
        }
        Ok(total)
    }

    /// Printing and inserting of pieces `from..to` of the job, queued after
    /// everything planned so far, from `release` on.
    fn simulate(
        &self,
        job: &Prepared<'_>,
        from: usize,
        to: usize,
        release: Time,
    ) -> Option<(Run, Run)> {
        let load = job.load(from, to);
        let print = self
            .avail
            .run(self.printer_free.max(release), self.print_s(load.pages))?;
        let insert_s = self.insert_s(&load).ok()?;
        let insert = self
            .avail
            .run(print.end.max(self.inserter_free), insert_s)?;
        Some((print, insert))
    }

    /// Working seconds in `[from, until)`, from the table where it reaches.
    fn working_between(&self, from: Time, until: Time) -> i64 {
        if until <= from {
            return 0;
        }
        // Working time from the start of the table until t (t within it).
        let cum = |t: Time| -> i64 {
            let i = self.stretches.partition_point(|&(s, _, _)| s < t);
            if i == 0 {
                return 0;
            }
            let (s, e, before) = self.stretches[i - 1];
            before + (t.min(e) - s)
        };
        let table_end = self.stretches.last().map_or(from, |&(_, e, _)| e);
        if until <= table_end {
            cum(until) - cum(from)
        } else if from < table_end {
            cum(table_end) - cum(from) + self.avail.working_between(table_end, until)
        } else {
            self.avail.working_between(from, until)
        }
    }
}

/// Smallest `t` in `[lo, hi]` with `ok(t)`, when `ok` is monotone; `hi`
/// when none.
fn first_time(mut lo: Time, mut hi: Time, ok: impl Fn(Time) -> bool) -> Time {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    hi
}

/// Smallest `k` in `[lo, hi]` with `ok(k)` for a monotone `ok`; `hi + 1`
/// when none.
fn first_index(mut lo: usize, mut hi: usize, ok: impl Fn(usize) -> bool) -> usize {
    hi += 1;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

fn validate(input: &BalanceInput) -> Result<(), BalanceError> {
    if input.handover_s < 0 {
        return Err(invalid("handover", "must not be negative"));
    }
    let mut ids = BTreeSet::new();
    for c in &input.centres {
        if !ids.insert(c.id.as_str()) {
            return Err(invalid(format!("centre {}", c.id), "listed twice"));
        }
        if c.printer_pages_per_hour == 0 {
            return Err(invalid(
                format!("centre {} printer", c.id),
                "pages per hour must be above 0",
            ));
        }
        if c.backlog_s < 0 {
            return Err(invalid(
                format!("centre {} backlog", c.id),
                "must not be negative",
            ));
        }
        for d in &c.down {
            if d.until < d.from {
                return Err(invalid(
                    format!("centre {} downtime", c.id),
                    "ends before it starts",
                ));
            }
        }
        c.calendar.validate(&c.id)?;
    }
    let mut jobs = BTreeSet::new();
    for j in &input.jobs {
        if !jobs.insert(j.id.as_str()) {
            return Err(invalid(format!("job {}", j.id), "listed twice"));
        }
        if !(1..=9).contains(&j.priority) {
            return Err(invalid(
                format!("job {}", j.id),
                format!("priority {} is not in 1..=9", j.priority),
            ));
        }
    }
    Ok(())
}

/// A chosen split: pieces `..k` at the first centre, the rest at the second.
struct Split {
    k: usize,
    end_a: Time,
    end_b: Time,
}

/// Plans `input`: which centre produces which job or part, and when.
///
/// Jobs are taken earliest deadline first (then priority, then id). A job
/// stays at its location when it is on time there (with
/// [`BalanceInput::prefer_location`]), else goes to the compatible centre
/// where it ends first. When no single centre meets the deadline it is
/// split in presort order between the two centres that end it first,
/// keeping every presort class the whole job qualified in above the
/// threshold in both parts unless only a split below them meets the
/// deadline. Every assignment carries its reason. Deterministic: the same
/// input gives the same plan.
pub fn plan(input: &BalanceInput) -> Result<BalancePlan, BalanceError> {
    validate(input)?;
    let start = input.start;
    let horizon = start.saturating_add(HORIZON_S);
    let offset = input.display_offset_s;
    let mut centres: Vec<State<'_>> = input
        .centres
        .iter()
        .map(|c| {
            let down = c.down.iter().map(|d| (d.from, d.until)).collect();
            let avail = Availability::new(c.calendar, down, horizon);
            let backlog_end = avail.run(start, c.backlog_s).map_or(horizon, |r| r.end);
            let mut stretches = Vec::new();
            let mut t = start;
            let mut before = 0;
            let table_end = start + 400 * DAY;
            while t < table_end {
                let Some((s, e)) = avail.free_from(t) else {
                    break;
                };
                stretches.push((s, e, before));
                before += e - s;
                t = e;
            }
            State {
                capacity: c,
                avail,
                backlog_print_end: backlog_end,
                backlog_insert_end: backlog_end,
                printer_free: backlog_end,
                inserter_free: backlog_end,
                printer_busy: 0,
                inserter_busy: 0,
                parts: Vec::new(),
                stretches,
            }
        })
        .collect();
    centres.sort_by(|a, b| a.capacity.id.cmp(&b.capacity.id));
    let index: BTreeMap<&str, usize> = centres
        .iter()
        .enumerate()
        .map(|(i, c)| (c.capacity.id.as_str(), i))
        .collect();

    let mut jobs: Vec<Prepared<'_>> = input.jobs.iter().map(Prepared::new).collect();
    jobs.sort_by(|a, b| {
        (a.job.deadline, a.job.priority, &a.job.id).cmp(&(
            b.job.deadline,
            b.job.priority,
            &b.job.id,
        ))
    });

    let mut assignments: Vec<Assignment> = Vec::new();
    let mut unplaced = Vec::new();
    let mut bounds = Vec::new();
    let mut print_work_min = 0f64;
    let mut insert_work_min = 0f64;

    for job in &mut jobs {
        // The split data of the previous job is not needed any more.
        drop(job.split.take());
        let job = &*job;
        let j = job.job;
        let release = |c: &State<'_>| {
            if c.capacity.id == j.location {
                start
            } else {
                start.saturating_add(input.handover_s)
            }
        };
        // Candidates, and why the others are not.
        let mut why_not: Vec<String> = Vec::new();
        let mut cands: Vec<usize> = Vec::new();
        for (id, &ci) in &index {
            if !j.compatible_with.contains(*id) {
                let why = j
                    .refused_by
                    .get(*id)
                    .cloned()
                    .unwrap_or_else(|| "compatibility check not passed".into());
                why_not.push(format!("{id}: {why}"));
                continue;
            }
            if let Err(format) = centres[ci].insert_s(&job.total) {
                why_not.push(format!("{id}: no inserter speed for {format}"));
                continue;
            }
            cands.push(ci);
        }
        for id in &j.compatible_with {
            if !index.contains_key(id.as_str()) {
                why_not.push(format!("{id}: not among the planned centres"));
            }
        }
        // Whole job at each candidate.
        let mut whole: Vec<(usize, Run, Run)> = Vec::new();
        for &ci in &cands {
            match centres[ci].simulate(job, 0, job.len(), release(&centres[ci])) {
                Some((p, i)) => whole.push((ci, p, i)),
                None => why_not.push(format!(
                    "{}: no working time within 5 years",
                    centres[ci].capacity.id
                )),
            }
        }
        if whole.is_empty() {
            let reason = if why_not.is_empty() {
                "no centre to plan it at".to_owned()
            } else {
                format!("no centre can produce it: {}", why_not.join("; "))
            };
            unplaced.push(Unplaced {
                job: j.id.clone(),
                reason,
            });
            continue;
        }

        // Lower bounds of this job (alone, after the backlog; or spread
        // over all its centres at their best speeds) and its share of the
        // minimum work. Raw rates, no rounding, so the bounds stay below
        // any plan.
        let n = job.len();
        {
            let mut best_alone = Time::MAX;
            let mut best_pph = 0u64;
            let mut best_rate = [0u64; 5];
            for &(ci, _, _) in &whole {
                let c = &centres[ci];
                best_pph = best_pph.max(u64::from(c.capacity.printer_pages_per_hour));
                for (f, rate) in FORMATS.iter().zip(&mut best_rate) {
                    let r = c.capacity.inserter_envelopes_per_hour.get(f).copied();
                    *rate = (*rate).max(u64::from(r.unwrap_or(0)));
                }
                let rel = release(c);
                let (p_s, i_s) = (
                    c.print_s(job.total.pages),
                    c.insert_s(&job.total).unwrap_or(0),
                );
                if let Some(p) = c.avail.run(c.backlog_print_end.max(rel), p_s)
                    && let Some(i) = c.avail.run(p.end.max(c.backlog_insert_end), i_s)
                {
                    best_alone = best_alone.min(i.end);
                }
            }
            let envelopes: u64 = job.total.envelopes.iter().sum();
            let mut earliest = best_alone;
            if n >= 2 && whole.len() >= 2 {
                // Fastest inserter rate of each centre over the job's formats.
                let fastest = |c: &State<'_>| -> u64 {
                    FORMATS
                        .iter()
                        .zip(&job.total.envelopes)
                        .filter(|(_, e)| **e > 0)
                        .filter_map(|(f, _)| c.capacity.inserter_envelopes_per_hour.get(f))
                        .map(|r| u64::from(*r))
                        .max()
                        .unwrap_or(0)
                };
                let fits = |t: Time| {
                    let (mut pages, mut env) = (0i128, 0i128);
                    for &(ci, _, _) in &whole {
                        let c = &centres[ci];
                        let rel = release(c);
                        let wp = c.working_between(c.backlog_print_end.max(rel), t);
                        let wi = c.working_between(c.backlog_insert_end.max(rel), t);
                        pages += i128::from(wp) * i128::from(c.capacity.printer_pages_per_hour);
                        env += i128::from(wi) * i128::from(fastest(c));
                    }
                    pages >= i128::from(job.total.pages) * 3600
                        && env >= i128::from(envelopes) * 3600
                };
                let hi = best_alone.min(horizon);
                earliest = earliest.min(first_time(start, hi, fits));
            }
            if best_pph > 0 {
                print_work_min += job.total.pages as f64 * 3600.0 / best_pph as f64;
            }
            for (count, rate) in job.total.envelopes.iter().zip(best_rate) {
                if *count > 0 && rate > 0 {
                    insert_work_min += *count as f64 * 3600.0 / rate as f64;
                }
            }
            bounds.push(JobBound {
                job: j.id.clone(),
                earliest_end: earliest,
                deadline: j.deadline,
            });
        }

        let id_of = |ci: usize| centres[ci].capacity.id.clone();
        let home = whole
            .iter()
            .position(|(ci, _, _)| centres[*ci].capacity.id == j.location);
        // Best: earliest end, then staying home, then centre id order.
        let best = (0..whole.len())
            .min_by_key(|&w| (whole[w].2.end, Some(w) != home, whole[w].0))
            .unwrap_or(0);
        let ends: Vec<String> = whole
            .iter()
            .map(|(ci, _, i)| format!("{} {}", id_of(*ci), short_time(i.end, offset)))
            .collect();
        let not_here = if why_not.is_empty() {
            String::new()
        } else {
            format!("; not at {}", why_not.join("; "))
        };

        let whole_at = |w: usize, reason: String| -> Vec<(usize, usize, usize, Run, Run, String)> {
            let (ci, p, i) = &whole[w];
            vec![(*ci, 0, n, p.clone(), i.clone(), reason)]
        };
        let on_time = |end: Time| end <= j.deadline;
        let mut placed: Vec<(usize, usize, usize, Run, Run, String)> = Vec::new();

        if let Some(h) = home.filter(|&h| input.prefer_location && on_time(whole[h].2.end)) {
            let end = whole[h].2.end;
            placed = whole_at(
                h,
                format!(
                    "stays at {}: ends {}, {} before the deadline{not_here}",
                    j.location,
                    short_time(end, offset),
                    human(j.deadline - end)
                ),
            );
        } else if on_time(whole[best].2.end) {
            let (ci, _, i) = &whole[best];
            let here = id_of(*ci);
            let reason = if Some(best) == home {
                format!(
                    "stays at {here}: ends first ({}), {} before the deadline{not_here}",
                    ends.join(", "),
                    human(j.deadline - i.end)
                )
            } else {
                let home_txt = match home {
                    Some(h) if !on_time(whole[h].2.end) => format!(
                        "{} would end {}, {} late",
                        j.location,
                        short_time(whole[h].2.end, offset),
                        human(whole[h].2.end - j.deadline)
                    ),
                    Some(h) => format!(
                        "ends earlier than at {} ({})",
                        j.location,
                        short_time(whole[h].2.end, offset)
                    ),
                    None => format!("{} cannot produce it", j.location),
                };
                format!(
                    "moved to {here}: {home_txt}; {here} ends {}, {} before the deadline{not_here}",
                    short_time(i.end, offset),
                    human(j.deadline - i.end)
                )
            };
            placed = whole_at(best, reason);
        } else if n >= 2 && whole.len() >= 2 {
            // No single centre meets the deadline: try a split between the
            // two centres that end the job first.
            let mut by_end: Vec<usize> = (0..whole.len()).collect();
            by_end.sort_by_key(|&w| (whole[w].2.end, Some(w) != home, whole[w].0));
            let (a, b) = (whole[by_end[0]].0, whole[by_end[1]].0);
            let (rel_a, rel_b) = (release(&centres[a]), release(&centres[b]));
            let end_a = |k: usize| {
                centres[a]
                    .simulate(job, 0, k, rel_a)
                    .map_or(Time::MAX, |(_, i)| i.end)
            };
            let end_b = |k: usize| {
                centres[b]
                    .simulate(job, k, n, rel_b)
                    .map_or(Time::MAX, |(_, i)| i.end)
            };
            let d = j.deadline;
            // Best balance: first k where A ends no earlier than B.
            let k1 = first_index(1, n - 1, |k| end_a(k) >= end_b(k)).min(n - 1);
            let k_star = [k1.saturating_sub(1).max(1), k1]
                .into_iter()
                .min_by_key(|&k| (end_a(k).max(end_b(k)), k))
                .unwrap_or(1);
            // Splits that meet the deadline: ka..=kb.
            let ka = first_index(1, n - 1, |k| end_b(k) <= d);
            let kb = first_index(1, n - 1, |k| end_a(k) > d).saturating_sub(1);
            // Splits that keep the presort thresholds: lo..=hi.
            let (mut lo, mut hi) = (1usize, n - 1);
            let prefix = &job.split_data().prefix;
            for (ci, class) in CLASSES.iter().enumerate() {
                let min = u64::from(match class {
                    PostingClass::Letters => input.thresholds.letters_per_posting,
                    PostingClass::Large => input.thresholds.large_per_posting,
                });
                let total = job.total.classes[ci];
                if total < min || min == 0 {
                    continue;
                }
                lo = lo.max(prefix.partition_point(|l| l.classes[ci] < min));
                hi = hi.min(
                    prefix
                        .partition_point(|l| total - l.classes[ci] >= min)
                        .saturating_sub(1),
                );
            }
            let choice = if ka <= kb {
                let (l, h) = (ka.max(lo), kb.min(hi));
                if l <= h {
                    Some((k_star.clamp(l, h), false))
                } else {
                    let k = if lo > hi {
                        k_star.clamp(ka, kb)
                    } else if hi < ka {
                        ka
                    } else {
                        kb
                    };
                    Some((k, true))
                }
            } else if lo <= hi {
                let k = k_star.clamp(lo, hi);
                (end_a(k).max(end_b(k)) < whole[by_end[0]].2.end).then_some((k, false))
            } else {
                None
            };
            match choice {
                Some((k, below)) => {
                    let (pa, ia) = centres[a]
                        .simulate(job, 0, k, rel_a)
                        .ok_or_else(|| invalid(&j.id, "split part cannot be planned"))?;
                    let (pb, ib) = centres[b]
                        .simulate(job, k, n, rel_b)
                        .ok_or_else(|| invalid(&j.id, "split part cannot be planned"))?;
                    let opt = Split {
                        k,
                        end_a: ia.end,
                        end_b: ib.end,
                    };
                    let end = opt.end_a.max(opt.end_b);
                    let verdict = if on_time(end) {
                        format!("both parts end by {}, on time", short_time(end, offset))
                    } else {
                        format!(
                            "still {} late, but less than whole ({})",
                            human(end - d),
                            ends.join(", ")
                        )
                    };
                    let presort = if below {
                        "the deadline forces a part below the presort threshold".to_owned()
                    } else {
                        "both parts keep the presort thresholds".to_owned()
                    };
                    let base = format!(
                        "split {}/{} in PLZ order: no single centre meets the deadline ({}); {verdict}; {presort}{not_here}",
                        opt.k,
                        n - opt.k,
                        ends.join(", ")
                    );
                    placed = vec![(a, 0, k, pa, ia, base.clone()), (b, k, n, pb, ib, base)];
                }
                None => {
                    let (_, _, i) = &whole[by_end[0]];
                    placed = whole_at(
                        by_end[0],
                        format!(
                            "late by {} at best ({}); no split within the presort thresholds ends earlier{not_here}",
                            human(i.end - d),
                            ends.join(", ")
                        ),
                    );
                }
            }
        }
        if placed.is_empty() {
            let (_, _, i) = &whole[best];
            let extra = if n < 2 {
                "; a single piece cannot be split"
            } else if whole.len() < 2 {
                "; no second centre can take a part"
            } else {
                ""
            };
            placed = whole_at(
                best,
                format!(
                    "late by {} at best ({}){extra}{not_here}",
                    human(i.end - j.deadline),
                    ends.join(", ")
                ),
            );
        }

        let parts = u32::try_from(placed.len()).unwrap_or(u32::MAX);
        let whole_counts = job.total.class_map();
        for (number, (ci, from, to, print, insert, reason)) in placed.into_iter().enumerate() {
            let c = &mut centres[ci];
            c.printer_free = print.end.max(c.printer_free);
            c.inserter_free = insert.end.max(c.inserter_free);
            c.printer_busy += print.segments.iter().map(|(s, e)| e - s).sum::<i64>();
            c.inserter_busy += insert.segments.iter().map(|(s, e)| e - s).sum::<i64>();
            c.parts.push(assignments.len());
            let load = job.load(from, to);
            let counts = load.class_map();
            let below = parts > 1
                && counts.iter().any(|(class, &count)| {
                    let min = u64::from(match class {
                        PostingClass::Letters => input.thresholds.letters_per_posting,
                        PostingClass::Large => input.thresholds.large_per_posting,
                    });
                    whole_counts.get(class).is_some_and(|&t| t >= min) && count < min
                });
            let reason = if below {
                let detail: Vec<String> = counts
                    .iter()
                    .map(|(class, count)| format!("{count} {}", class_name(*class)))
                    .collect();
                format!("{reason} (this part: {})", detail.join(", "))
            } else {
                reason
            };
            let piece_id = |k: usize| job.piece_at(k).piece_id.clone();
            assignments.push(Assignment {
                job: j.id.clone(),
                part: u32::try_from(number + 1).unwrap_or(u32::MAX),
                parts,
                centre: c.capacity.id.clone(),
                moved: c.capacity.id != j.location,
                pieces_from: from,
                pieces_to: to,
                first_piece: if to > from {
                    piece_id(from)
                } else {
                    String::new()
                },
                last_piece: if to > from {
                    piece_id(to - 1)
                } else {
                    String::new()
                },
                pages: load.pages,
                envelopes: load.envelopes.iter().sum(),
                presort_counts: counts,
                below_presort: below,
                print_start: print.start,
                print_end: print.end,
                insert_start: insert.start,
                insert_end: insert.end,
                print_segments: print.segments,
                insert_segments: insert.segments,
                deadline: j.deadline,
                late_by_s: (insert.end - j.deadline).max(0),
                reason,
            });
        }
    }

    // Plan figures.
    let plan_end = assignments
        .iter()
        .map(Assignment::end)
        .max()
        .unwrap_or(start)
        .max(start);
    let mut job_end: BTreeMap<&str, (Time, Time)> = BTreeMap::new();
    for a in &assignments {
        let e = job_end.entry(&a.job).or_insert((a.end(), a.deadline));
        e.0 = e.0.max(a.end());
    }
    let total_lateness_s = job_end.values().map(|(e, d)| (e - d).max(0)).sum();
    let late_jobs = job_end.values().filter(|(e, d)| e > d).count();
    let split_jobs = assignments.iter().filter(|a| a.part == 2).count();
    let below_presort_parts = assignments.iter().filter(|a| a.below_presort).count();

    // Capacity bound: the minimum work over all working time after each
    // centre's backlog.
    let capacity_end = |work: f64, backlog_end: fn(&State<'_>) -> Time| {
        // Working time is whole seconds; allow for rounding in the sum.
        let work = (work - 1e-6).ceil() as i64;
        if work <= 0 {
            return start;
        }
        first_time(start, horizon, |t| {
            centres
                .iter()
                .map(|c| c.working_between(backlog_end(c), t))
                .sum::<i64>()
                >= work
        })
    };
    let capacity_makespan_s = if assignments.is_empty() {
        0
    } else {
        capacity_end(print_work_min, |c| c.backlog_print_end)
            .max(capacity_end(insert_work_min, |c| c.backlog_insert_end))
            - start
    };
    let job_makespan_s = bounds
        .iter()
        .map(|b| b.earliest_end - start)
        .max()
        .unwrap_or(0)
        .max(0);
    bounds.sort_by(|a, b| a.job.cmp(&b.job));
    let bounds = LowerBounds {
        capacity_makespan_s,
        job_makespan_s,
        makespan_s: capacity_makespan_s.max(job_makespan_s),
        total_lateness_s: bounds
            .iter()
            .map(|b| (b.earliest_end - b.deadline).max(0))
            .sum(),
        jobs: bounds,
    };

    let picture_end = plan_end.max(start + DAY);
    let centres = centres
        .into_iter()
        .map(|c| CentreSchedule {
            centre: c.capacity.id.clone(),
            printer_until: c.printer_free,
            inserter_until: c.inserter_free,
            printer_busy_s: c.printer_busy,
            inserter_busy_s: c.inserter_busy,
            shifts: c.avail.calendar.shifts(start, picture_end),
            down: c.avail.down.clone(),
            backlog_until: c.backlog_print_end,
            parts: c.parts,
        })
        .collect();
    Ok(BalancePlan {
        start,
        display_offset_s: offset,
        handover_s: input.handover_s,
        assignments,
        unplaced,
        centres,
        makespan_s: plan_end - start,
        total_lateness_s,
        late_jobs,
        split_jobs,
        below_presort_parts,
        bounds,
    })
}

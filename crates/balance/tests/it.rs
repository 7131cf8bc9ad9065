//! Small cases solved by hand (the arithmetic is in the comments), and
//! properties of random inputs: no machine over capacity in any shift,
//! every piece placed exactly once, nothing sent where the check fails,
//! bounds below the plan, deterministic.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use tandem_balance::*;
use tandem_plan::{EnvelopeFormat, PostingClass, PostingRules};

/// Monday 2026-12-14 08:00 UTC.
fn t0() -> Time {
    parse_rfc3339("2026-12-14T08:00:00Z").unwrap()
}

fn at(text: &str) -> Time {
    parse_rfc3339(text).unwrap()
}

/// One shift 08:00–16:00 UTC, every day.
fn day_shift() -> Calendar {
    Calendar {
        utc_offset_s: 0,
        first_shift_start_s: 8 * HOUR,
        shifts_per_day: 1,
        shift_s: 8 * HOUR,
        days_per_week: 7,
    }
}

/// 6,000 pages/h and 3,000 C6/5 envelopes/h.
fn centre(id: &str) -> CentreCapacity {
    CentreCapacity {
        id: id.into(),
        printer_pages_per_hour: 6000,
        inserter_envelopes_per_hour: BTreeMap::from([(EnvelopeFormat::C65, 3000)]),
        calendar: day_shift(),
        backlog_s: 0,
        down: vec![],
    }
}

/// `count` letters of `pages` pages, one envelope each, postcodes rising.
fn job(id: &str, count: u32, pages: u32, deadline: Time, compatible: &[&str]) -> PendingJob {
    PendingJob {
        id: id.into(),
        location: "a".into(),
        deadline,
        priority: 5,
        pieces: (0..count)
            .map(|i| PieceLoad {
                piece_id: format!("{id}-{i:05}"),
                plz: format!("{:05}", 10_000 + i),
                pages,
                envelopes: 1,
                format: EnvelopeFormat::C65,
                class: PostingClass::Letters,
            })
            .collect(),
        compatible_with: compatible.iter().map(|c| (*c).to_owned()).collect(),
        refused_by: BTreeMap::from([("b".to_owned(), "colour-missing: page 1".to_owned())])
            .into_iter()
            .filter(|(c, _)| !compatible.contains(&c.as_str()))
            .collect(),
    }
}

fn input(jobs: Vec<PendingJob>, centres: Vec<CentreCapacity>) -> BalanceInput {
    BalanceInput {
        start: t0(),
        handover_s: 0,
        thresholds: PostingRules::default(),
        prefer_location: true,
        display_offset_s: 0,
        jobs,
        centres,
    }
}

#[test]
fn a_job_that_is_on_time_at_home_stays_there() {
    // 3,000 letters × 2 pages = 6,000 pages: 1 h printing (08:00–09:00);
    // 3,000 envelopes at 3,000/h: 1 h inserting (09:00–10:00).
    let plan = plan(&input(
        vec![job("J", 3000, 2, at("2026-12-14T12:00:00Z"), &["a", "b"])],
        vec![centre("a"), centre("b")],
    ))
    .unwrap();
    let a = &plan.assignments[0];
    assert_eq!(a.centre, "a");
    assert!(!a.moved);
    assert_eq!(a.print_start, t0());
    assert_eq!(a.print_end, at("2026-12-14T09:00:00Z"));
    assert_eq!(a.insert_end, at("2026-12-14T10:00:00Z"));
    assert_eq!(a.late_by_s, 0);
    assert_eq!(
        (a.pieces_from, a.pieces_to, a.pages, a.envelopes),
        (0, 3000, 6000, 3000)
    );
    assert!(
        a.reason
            .starts_with("stays at a: ends 14.12. 10:00, 2 h 00 before"),
        "{}",
        a.reason
    );
    assert_eq!(plan.makespan_s, 2 * HOUR);
    assert_eq!(plan.total_lateness_s, 0);
}

#[test]
fn work_stops_at_the_end_of_the_shift_and_goes_on_next_morning() {
    // 12,000 letters × 3 pages = 36,000 pages: 6 h printing, 08:00–14:00.
    // 12,000 envelopes: 4 h inserting; 2 h fit before 16:00, the other
    // 2 h run 08:00–10:00 the next day.
    let plan = plan(&input(
        vec![job("J", 12_000, 3, at("2026-12-20T00:00:00Z"), &["a"])],
        vec![centre("a")],
    ))
    .unwrap();
    let a = &plan.assignments[0];
    assert_eq!(a.print_segments, vec![(t0(), at("2026-12-14T14:00:00Z"))]);
    assert_eq!(
        a.insert_segments,
        vec![
            (at("2026-12-14T14:00:00Z"), at("2026-12-14T16:00:00Z")),
            (at("2026-12-15T08:00:00Z"), at("2026-12-15T10:00:00Z")),
        ]
    );
}

#[test]
fn a_job_moves_when_its_centre_is_down_and_the_partner_is_on_time() {
    // Centre a is down until Tuesday 08:00: the job would print 08–09 and
    // insert 09–10 on Tuesday, 20 h after the 14:00 deadline. Centre b gets
    // it after the 1 h hand-over: prints 09–10, inserts 10–11, on time.
    let mut a = centre("a");
    a.down = vec![Downtime {
        from: t0(),
        until: at("2026-12-15T08:00:00Z"),
    }];
    let mut inp = input(
        vec![job("J", 3000, 2, at("2026-12-14T14:00:00Z"), &["a", "b"])],
        vec![a, centre("b")],
    );
    inp.handover_s = HOUR;
    let plan = plan(&inp).unwrap();
    let x = &plan.assignments[0];
    assert_eq!(x.centre, "b");
    assert!(x.moved);
    assert_eq!(x.print_start, at("2026-12-14T09:00:00Z"));
    assert_eq!(x.end(), at("2026-12-14T11:00:00Z"));
    assert_eq!(
        x.reason,
        "moved to b: a would end 15.12. 10:00, 20 h 00 late; b ends 14.12. 11:00, 3 h 00 before the deadline"
    );
}

#[test]
fn a_job_never_goes_where_the_check_fails() {
    // Same as above, but b's check fails: the job waits for a and is late
    // by 20 h (Tuesday 10:00 against Monday 14:00), and the reason says why
    // b was not an option.
    let mut a = centre("a");
    a.down = vec![Downtime {
        from: t0(),
        until: at("2026-12-15T08:00:00Z"),
    }];
    let plan = plan(&input(
        vec![job("J", 3000, 2, at("2026-12-14T14:00:00Z"), &["a"])],
        vec![a, centre("b")],
    ))
    .unwrap();
    let x = &plan.assignments[0];
    assert_eq!(x.centre, "a");
    assert_eq!(x.late_by_s, 20 * HOUR);
    assert_eq!(plan.total_lateness_s, 20 * HOUR);
    assert_eq!(plan.late_jobs, 1);
    assert!(
        x.reason.contains("not at b: colour-missing: page 1"),
        "{}",
        x.reason
    );
    // The picture shows the downtime hatched, the bar and its deadline
    // tick in the warning colours, and the late job named under the lanes.
    let svg = plan.to_svg();
    assert!(svg.contains(r#"fill="url(#down)""#));
    assert!(svg.contains(r##"fill="#e8590c""##));
    assert!(svg.contains(r##"fill="#c92a2a"><title>deadline 14.12. 14:00</title>"##));
    assert!(svg.contains("J part 1/1 at a: ends 15.12. 10:00, 20 h 00 late"));
}

#[test]
fn a_split_that_keeps_both_parts_above_the_presort_threshold() {
    // 12,000 one-page letters, 6,000 pages/h and 6,000 envelopes/h at both
    // centres. Whole at one centre: 2 h printing + 2 h inserting, ends
    // 12:00, 2 h after the 10:00 deadline. Split k/12,000−k: each part
    // takes 2·k/6,000 h, so k = 6,000 ends both at 10:00 — on time, and
    // 6,000 ≥ 5,000 letters on each side keeps the presort discount.
    let fast = |id: &str| CentreCapacity {
        inserter_envelopes_per_hour: BTreeMap::from([(EnvelopeFormat::C65, 6000)]),
        ..centre(id)
    };
    let plan = plan(&input(
        vec![job("J", 12_000, 1, at("2026-12-14T10:00:00Z"), &["a", "b"])],
        vec![fast("a"), fast("b")],
    ))
    .unwrap();
    assert_eq!(plan.assignments.len(), 2);
    let (p, q) = (&plan.assignments[0], &plan.assignments[1]);
    assert_eq!(
        (p.centre.as_str(), p.pieces_from, p.pieces_to),
        ("a", 0, 6000)
    );
    assert_eq!(
        (q.centre.as_str(), q.pieces_from, q.pieces_to),
        ("b", 6000, 12_000)
    );
    assert_eq!(
        (p.first_piece.as_str(), p.last_piece.as_str()),
        ("J-00000", "J-05999")
    );
    assert_eq!(q.first_piece, "J-06000");
    assert_eq!(p.end(), at("2026-12-14T10:00:00Z"));
    assert_eq!(q.end(), at("2026-12-14T10:00:00Z"));
    assert!(!p.below_presort && !q.below_presort);
    assert_eq!(p.presort_counts[&PostingClass::Letters], 6000);
    assert!(
        p.reason.contains("both parts keep the presort thresholds"),
        "{}",
        p.reason
    );
    assert_eq!(plan.split_jobs, 1);
    assert_eq!(plan.late_jobs, 0);
    // Bounds: 2 h printing and 2 h inserting over two centres need 1 h of
    // both (the relaxation lets inserting run beside printing).
    assert_eq!(plan.bounds.capacity_makespan_s, HOUR);
    assert_eq!(plan.bounds.makespan_s, HOUR);
    assert_eq!(plan.bounds.jobs[0].earliest_end, at("2026-12-14T09:00:00Z"));
}

#[test]
fn only_the_deadline_may_push_a_part_below_the_presort_threshold() {
    // 8,000 one-page letters, both centres 6,000/h for both machines.
    // Whole: 80 + 80 min, ends 10:40; the deadline is 09:40. A part of k
    // letters ends after 2·k/6,000 h = k/50 min: on time for
    // k ≤ 5,000 and 8,000 − k ≤ 5,000, i.e. 3,000 ≤ k ≤ 5,000. Keeping
    // 5,000 letters on both sides needs 10,000: impossible. So the split is
    // balanced at 4,000/4,000 (both end 09:20) and both parts are flagged.
    let fast = |id: &str| CentreCapacity {
        inserter_envelopes_per_hour: BTreeMap::from([(EnvelopeFormat::C65, 6000)]),
        ..centre(id)
    };
    let plan = plan(&input(
        vec![job("J", 8000, 1, at("2026-12-14T09:40:00Z"), &["a", "b"])],
        vec![fast("a"), fast("b")],
    ))
    .unwrap();
    let (p, q) = (&plan.assignments[0], &plan.assignments[1]);
    assert_eq!((p.pieces_to, q.pieces_from), (4000, 4000));
    assert_eq!(p.end(), at("2026-12-14T09:20:00Z"));
    assert!(p.below_presort && q.below_presort);
    assert!(
        p.reason
            .contains("the deadline forces a part below the presort threshold")
            && p.reason.ends_with("(this part: 4000 letters)"),
        "{}",
        p.reason
    );
    assert_eq!(plan.below_presort_parts, 2);

    // With a deadline no split can meet (08:30: even 4,000/4,000 ends
    // 09:20) the thresholds win: the job stays whole, late by
    // 10:40 − 08:30 = 2 h 10.
    let plan = plan_of(8000, at("2026-12-14T08:30:00Z"), fast("a"), fast("b"));
    assert_eq!(plan.assignments.len(), 1);
    assert_eq!(plan.assignments[0].late_by_s, 2 * HOUR + 10 * 60);
    assert!(
        plan.assignments[0]
            .reason
            .starts_with("late by 2 h 10 at best")
            && plan.assignments[0]
                .reason
                .contains("no split within the presort thresholds ends earlier"),
        "{}",
        plan.assignments[0].reason
    );
}

fn plan_of(count: u32, deadline: Time, a: CentreCapacity, b: CentreCapacity) -> BalancePlan {
    plan(&input(
        vec![job("J", count, 1, deadline, &["a", "b"])],
        vec![a, b],
    ))
    .unwrap()
}

#[test]
fn earliest_deadline_first() {
    // Both jobs need 1 h printing and 1 h inserting at a. Y (deadline
    // 10:00) comes second in the input but is planned first: prints
    // 08–09, inserts 09–10. X prints 09–10, inserts 10–11.
    let plan = plan(&input(
        vec![
            job("X", 3000, 2, at("2026-12-14T12:00:00Z"), &["a"]),
            job("Y", 3000, 2, at("2026-12-14T10:00:00Z"), &["a"]),
        ],
        vec![centre("a")],
    ))
    .unwrap();
    let order: Vec<(&str, Time, Time)> = plan
        .assignments
        .iter()
        .map(|a| (a.job.as_str(), a.print_start, a.end()))
        .collect();
    assert_eq!(
        order,
        vec![
            ("Y", t0(), at("2026-12-14T10:00:00Z")),
            ("X", at("2026-12-14T09:00:00Z"), at("2026-12-14T11:00:00Z")),
        ]
    );
}

#[test]
fn backlog_and_weekends_delay_the_start() {
    // Friday 2026-12-18 16:00 CET start, two 8 h shifts from 06:00 CET on
    // weekdays, 2 h backlog: the backlog runs Friday 16:00–18:00, the job
    // (1 h + 1 h) 18:00–20:00 the same evening.
    let mut c = centre("a");
    c.calendar = Calendar::two_shifts();
    c.backlog_s = 2 * HOUR;
    let mut inp = input(
        vec![job("J", 3000, 2, at("2026-12-21T12:00:00+01:00"), &["a"])],
        vec![c],
    );
    inp.start = at("2026-12-18T16:00:00+01:00");
    let plan = plan(&inp).unwrap();
    assert_eq!(
        plan.assignments[0].print_start,
        at("2026-12-18T18:00:00+01:00")
    );
    assert_eq!(plan.assignments[0].end(), at("2026-12-18T20:00:00+01:00"));
    // With 5 h backlog it runs 21:00–22:00 Friday, then Monday 06:00–07:00.
    inp.centres[0].backlog_s = 5 * HOUR;
    let plan = tandem_balance::plan(&inp).unwrap();
    assert_eq!(plan.assignments[0].end(), at("2026-12-21T07:00:00+01:00"));
}

#[test]
fn jobs_no_centre_can_take_are_listed_with_the_reason() {
    let plan = plan(&input(
        vec![job("J", 10, 1, at("2026-12-14T12:00:00Z"), &[])],
        vec![centre("a"), centre("b")],
    ))
    .unwrap();
    assert!(plan.assignments.is_empty());
    assert_eq!(plan.unplaced.len(), 1);
    assert_eq!(
        plan.unplaced[0].reason,
        "no centre can produce it: a: compatibility check not passed; b: colour-missing: page 1"
    );
    let csv = plan.to_csv();
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("J,0,0,,false,unplaced,")
    );
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let mut c = centre("a");
    c.printer_pages_per_hour = 0;
    assert!(plan(&input(vec![], vec![c])).is_err());
    let mut c = centre("a");
    c.calendar.shifts_per_day = 4; // 4 × 8 h > 24 h
    assert!(plan(&input(vec![], vec![c])).is_err());
    assert!(plan(&input(vec![], vec![centre("a"), centre("a")])).is_err());
    let j = job("J", 1, 1, 0, &["a"]);
    assert!(plan(&input(vec![j.clone(), j], vec![centre("a")])).is_err());
    // A centre without an inserter speed for the job's format is no option.
    let mut c = centre("a");
    c.inserter_envelopes_per_hour.clear();
    let plan = plan(&input(vec![job("J", 1, 1, 0, &["a"])], vec![c])).unwrap();
    assert!(
        plan.unplaced[0]
            .reason
            .contains("no inserter speed for C6/5")
    );
}

#[test]
fn csv_and_svg_carry_every_part() {
    let plan = plan(&synthetic_input(30, 7)).unwrap();
    let csv = plan.to_csv();
    assert_eq!(
        csv.lines().count(),
        1 + plan.assignments.len() + plan.unplaced.len()
    );
    let svg = plan.to_svg();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<svg").count(), 1);
    for a in &plan.assignments {
        assert!(svg.contains(&a.job));
    }
    // Well-formed enough: every element opened is closed.
    assert_eq!(
        svg.matches("<title>").count(),
        svg.matches("</title>").count()
    );
}

// ---------------------------------------------------------------------------
// Properties.

fn arb_input() -> impl Strategy<Value = BalanceInput> {
    let centre = (
        1_000u32..20_000,
        prop::collection::vec(500u32..10_000, 2),
        1u32..=3,
        1i64..=8,
        1u32..=7,
        0i64..4 * HOUR,
        prop::collection::vec((0i64..4 * DAY, 0i64..DAY), 0..3),
    );
    let piece = (1u32..20, 0u32..3, any::<bool>(), 0u32..100);
    let job = (
        prop::collection::vec(piece, 1..40),
        0i64..6 * DAY,
        1u8..=9,
        0usize..3,
        prop::collection::btree_set(0usize..3, 0..=3),
    );
    (
        prop::collection::vec(centre, 1..=3),
        prop::collection::vec(job, 0..8),
        0i64..3 * HOUR,
        any::<bool>(),
        1u32..30,
    )
        .prop_map(|(centres, jobs, handover_s, prefer_location, threshold)| {
            let start = t0();
            let centres: Vec<CentreCapacity> = centres
                .into_iter()
                .enumerate()
                .map(|(i, (pph, rates, shifts, hours, days, backlog, down))| {
                    let hours = hours.min(24 / i64::from(shifts));
                    CentreCapacity {
                        id: format!("c{i}"),
                        printer_pages_per_hour: pph,
                        inserter_envelopes_per_hour: BTreeMap::from([
                            (EnvelopeFormat::C65, rates[0]),
                            (EnvelopeFormat::C4, rates[1]),
                        ]),
                        calendar: Calendar {
                            utc_offset_s: HOUR,
                            first_shift_start_s: 6 * HOUR,
                            shifts_per_day: shifts,
                            shift_s: hours * HOUR,
                            days_per_week: days,
                        },
                        backlog_s: backlog,
                        down: down
                            .into_iter()
                            .map(|(from, len)| Downtime {
                                from: start + from,
                                until: start + from + len,
                            })
                            .collect(),
                    }
                })
                .collect();
            let n = centres.len();
            let jobs = jobs
                .into_iter()
                .enumerate()
                .map(
                    |(j, (pieces, deadline, priority, location, compatible))| PendingJob {
                        id: format!("J{j}"),
                        location: format!("c{}", location % n),
                        deadline: start + deadline,
                        priority,
                        pieces: pieces
                            .into_iter()
                            .enumerate()
                            .map(|(p, (pages, envelopes, large, plz))| PieceLoad {
                                piece_id: format!("J{j}-{p}"),
                                plz: format!("{:05}", 80_000 + plz),
                                pages,
                                envelopes,
                                format: if large {
                                    EnvelopeFormat::C4
                                } else {
                                    EnvelopeFormat::C65
                                },
                                class: if large {
                                    PostingClass::Large
                                } else {
                                    PostingClass::Letters
                                },
                            })
                            .collect(),
                        compatible_with: compatible.into_iter().map(|c| format!("c{c}")).collect(),
                        refused_by: BTreeMap::new(),
                    },
                )
                .collect();
            BalanceInput {
                start,
                handover_s,
                thresholds: PostingRules {
                    letters_per_posting: threshold,
                    large_per_posting: threshold / 3,
                    ..PostingRules::default()
                },
                prefer_location,
                display_offset_s: HOUR,
                jobs,
                centres,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn plans_are_feasible_complete_and_deterministic(input in arb_input()) {
        let plan = plan(&input).unwrap();
        let centres: BTreeMap<&str, &CentreCapacity> =
            input.centres.iter().map(|c| (c.id.as_str(), c)).collect();

        // Nothing sent where the check fails.
        let jobs: BTreeMap<&str, &PendingJob> =
            input.jobs.iter().map(|j| (j.id.as_str(), j)).collect();
        for a in &plan.assignments {
            prop_assert!(jobs[a.job.as_str()].compatible_with.contains(&a.centre));
        }

        // Every piece exactly once: the parts tile the presort order, and
        // a job is either placed or listed as unplaced, never both.
        let unplaced: BTreeSet<&str> = plan.unplaced.iter().map(|u| u.job.as_str()).collect();
        for j in &input.jobs {
            let mut parts: Vec<_> = plan.assignments.iter().filter(|a| a.job == j.id).collect();
            if unplaced.contains(j.id.as_str()) {
                prop_assert!(parts.is_empty());
                continue;
            }
            parts.sort_by_key(|a| a.pieces_from);
            let mut next = 0;
            for a in &parts {
                prop_assert_eq!(a.pieces_from, next);
                prop_assert!(a.pieces_to > a.pieces_from);
                prop_assert_eq!(a.parts as usize, parts.len());
                next = a.pieces_to;
            }
            prop_assert_eq!(next, j.pieces.len());
            let pages: u64 = parts.iter().map(|a| a.pages).sum();
            prop_assert_eq!(pages, j.pieces.iter().map(|p| u64::from(p.pages)).sum::<u64>());
            let order = presort_order(&j.pieces);
            let mut seen = BTreeSet::new();
            for a in &parts {
                for &i in &order[a.pieces_from..a.pieces_to] {
                    prop_assert!(seen.insert(i));
                }
            }
            prop_assert_eq!(seen.len(), j.pieces.len());
        }

        // No machine over capacity in any shift: the busy intervals of
        // each machine are disjoint, inside shifts, outside downtime, and
        // add up to no more than each shift's length.
        for c in &plan.centres {
            let cap = centres[c.centre.as_str()];
            for machine in 0..2 {
                let mut segments: Vec<(Time, Time)> = c
                    .parts
                    .iter()
                    .flat_map(|&i| {
                        let a = &plan.assignments[i];
                        prop_assert_eq!(&a.centre, &c.centre);
                        Ok(if machine == 0 { a.print_segments.clone() } else { a.insert_segments.clone() })
                    })
                    .flatten()
                    .collect();
                segments.sort_unstable();
                let mut per_shift: BTreeMap<Time, i64> = BTreeMap::new();
                for w in segments.windows(2) {
                    prop_assert!(w[0].1 <= w[1].0, "overlap {:?}", w);
                }
                for &(s, e) in &segments {
                    prop_assert!(s < e);
                    let (ss, se) = cap.calendar.shift_ending_after(s);
                    prop_assert!(ss <= s && e <= se, "outside a shift: {:?} vs {:?}", (s, e), (ss, se));
                    for d in &cap.down {
                        prop_assert!(e <= d.from || s >= d.until, "in downtime");
                    }
                    prop_assert!(s >= input.start);
                    *per_shift.entry(ss).or_default() += e - s;
                }
                for busy in per_shift.values() {
                    prop_assert!(*busy <= cap.calendar.shift_s);
                }
            }
        }

        // Each part inserts after it is printed, and moved parts start
        // after the hand-over.
        for a in &plan.assignments {
            prop_assert!(a.insert_start >= a.print_end || a.envelopes == 0 || a.print_start == a.print_end);
            if a.moved && a.pages > 0 {
                prop_assert!(a.print_start >= input.start + input.handover_s);
            }
            prop_assert!(!a.reason.is_empty() && !a.reason.contains('\n'));
        }

        // The bounds are bounds.
        prop_assert!(plan.makespan_s >= plan.bounds.makespan_s);
        prop_assert!(plan.total_lateness_s >= plan.bounds.total_lateness_s);

        // Deterministic, whatever the order of the input lists.
        let mut shuffled = input.clone();
        shuffled.jobs.reverse();
        shuffled.centres.reverse();
        let again = tandem_balance::plan(&shuffled).unwrap();
        prop_assert_eq!(&plan, &again);
        prop_assert_eq!(plan.to_csv(), again.to_csv());
        prop_assert_eq!(plan.to_svg(), again.to_svg());
    }
}

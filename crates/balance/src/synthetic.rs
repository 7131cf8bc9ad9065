//! A generated workload for tests, benchmarks and the lower-bound report.

use std::collections::{BTreeMap, BTreeSet};

use tandem_plan::{EnvelopeFormat, PostingClass, PostingRules};

use crate::model::{BalanceInput, CentreCapacity, PendingJob, PieceLoad};
use crate::time::{Calendar, DAY, HOUR, Time};

/// xorshift64*: small, deterministic, good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A deterministic workload of `jobs` jobs for centres `nord` and `sued`
/// with the speeds and shifts of the example profiles (nord: 60,000
/// pages/h, 22,000 C6/5 and 7,000 C4 envelopes/h, two 8-hour shifts; sued:
/// 45,000 pages/h, 18,000 and 6,000 envelopes/h, one 7.5-hour shift),
/// starting Monday 2026-12-14 06:00 CET. Most jobs belong to nord (an
/// election-week peak there): 100 to 4,000 letters, one in ten an election
/// notice run of 8,000 to 20,000, deadlines one to four days out (per
/// 200 jobs; 1,000 jobs spread over 22 days, weekends included); about one
/// job in seven passes only its own centre's check. `seed` varies the jobs.
pub fn synthetic_input(jobs: usize, seed: u64) -> BalanceInput {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    // 2026-12-14T06:00:00+01:00, a Monday.
    let start: Time = 1_797_224_400;
    let centre =
        |id: &str, pph: u32, c65: u32, c4: u32, shifts: u32, shift_s: i64| CentreCapacity {
            id: id.into(),
            printer_pages_per_hour: pph,
            inserter_envelopes_per_hour: BTreeMap::from([
                (EnvelopeFormat::C65, c65),
                (EnvelopeFormat::C4, c4),
            ]),
            calendar: Calendar {
                utc_offset_s: HOUR,
                first_shift_start_s: 6 * HOUR,
                shifts_per_day: shifts,
                shift_s,
                days_per_week: 5,
            },
            backlog_s: 0,
            down: vec![],
        };
    let centres = vec![
        centre("nord", 60_000, 22_000, 7_000, 2, 8 * HOUR),
        centre("sued", 45_000, 18_000, 6_000, 1, 15 * HOUR / 2),
    ];
    // Deadlines spread so that the load per working day stays about the
    // same: 200 jobs over Monday to Thursday, more over whole weeks.
    let per_200 = (jobs as u64 / 200).max(1);
    let deadline_hours = if per_200 == 1 {
        3 * 24
    } else {
        3 * 24 * per_200 * 7 / 5
    };
    let jobs = (0..jobs)
        .map(|j| {
            let location = if rng.below(10) < 8 { "nord" } else { "sued" };
            let count = if rng.below(10) == 0 {
                8_000 + rng.below(12_001)
            } else {
                100 + rng.below(3_901)
            };
            let large_share = rng.below(4); // 0..3 in 20: some C4 pieces
            let pieces = (0..count)
                .map(|p| {
                    let large = rng.below(20) < large_share;
                    PieceLoad {
                        piece_id: format!("J{j:04}-{p:06}"),
                        plz: format!("{:05}", 1_000 + rng.below(98_000)),
                        pages: if large {
                            20 + rng.below(40) as u32
                        } else {
                            1 + rng.below(6) as u32
                        },
                        envelopes: 1,
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
                    }
                })
                .collect();
            let mut compatible_with = BTreeSet::from([location.to_owned()]);
            let mut refused_by = BTreeMap::new();
            let other = if location == "nord" { "sued" } else { "nord" };
            if rng.below(7) == 0 {
                refused_by.insert(other.to_owned(), "mark-zone-content (generated)".to_owned());
            } else {
                compatible_with.insert(other.to_owned());
            }
            PendingJob {
                id: format!("J{j:04}"),
                location: location.into(),
                deadline: start + DAY + rng.below(deadline_hours) as i64 * HOUR,
                priority: 1 + rng.below(9) as u8,
                pieces,
                compatible_with,
                refused_by,
            }
        })
        .collect();
    BalanceInput {
        start,
        handover_s: 2 * HOUR,
        thresholds: PostingRules::default(),
        prefer_location: true,
        display_offset_s: HOUR,
        jobs,
        centres,
    }
}

//! Integration tests for the production plan.

use proptest::prelude::*;
use tandem_plan::{JobPlan, SheetBack};
use tandem_ticket::{MailPiece, Plex};

fn pieces(counts: &[u32]) -> Vec<MailPiece> {
    let mut next = 1;
    counts
        .iter()
        .enumerate()
        .map(|(i, &page_count)| {
            let piece = MailPiece {
                piece_id: format!("P{i:04}"),
                plz: "80331".into(),
                country: "DE".into(),
                first_page: next,
                page_count,
                inserts: vec![],
            };
            next += u64::from(page_count);
            piece
        })
        .collect()
}

#[test]
fn duplex_worked_example() {
    // Pieces of 3, 4 and 1 pages in duplex: 2 + 2 + 1 = 5 sheets; the
    // 3-page and 1-page pieces get blank backs, so 10 output pages.
    let plan = JobPlan::new(&pieces(&[3, 4, 1]), Plex::Duplex, 3).unwrap();
    let sheets: Vec<_> = (0..3).flat_map(|p| plan.sheets(p)).collect();
    let sides: Vec<_> = sheets
        .iter()
        .map(|s| (s.front, s.back, s.sequence, s.sheet, s.sheets))
        .collect();
    assert_eq!(
        sides,
        [
            (1, SheetBack::Page(2), 1, 1, 2),
            (3, SheetBack::Blank, 2, 2, 2),
            (4, SheetBack::Page(5), 3, 1, 2),
            (6, SheetBack::Page(7), 4, 2, 2),
            (8, SheetBack::Blank, 5, 1, 1),
        ]
    );
    assert_eq!(plan.total_output_pages(), 10);
    // Run limit 3 sheets: piece 1 (2 sheets) fits, piece 2 would make 4 → new
    // run; piece 3 (1 sheet) joins it (2 + 1 = 3).
    assert_eq!(plan.runs.len(), 2);
    assert_eq!(plan.runs[0].pieces, 0..1);
    assert_eq!(plan.runs[1].pieces, 1..3);
    assert_eq!(plan.runs[1].sheets, 3);
}

#[test]
fn simplex_has_one_page_per_sheet() {
    let plan = JobPlan::new(&pieces(&[2, 1]), Plex::Simplex, 100).unwrap();
    let sheets: Vec<_> = plan.sheets(0).chain(plan.sheets(1)).collect();
    assert_eq!(
        sheets.iter().map(|s| s.front).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(sheets.iter().all(|s| s.back == SheetBack::Unprinted));
    assert_eq!(plan.total_output_pages(), 3);
}

#[test]
fn oversized_piece_gets_its_own_run() {
    let plan = JobPlan::new(&pieces(&[2, 10, 2]), Plex::Simplex, 4).unwrap();
    let runs: Vec<_> = plan
        .runs
        .iter()
        .map(|r| (r.pieces.clone(), r.sheets))
        .collect();
    assert_eq!(runs, [(0..1, 2), (1..2, 10), (2..3, 2)]);
}

proptest! {
    #[test]
    fn every_page_on_exactly_one_sheet(counts in prop::collection::vec(1u32..13, 1..80), duplex: bool, run_size in 1u64..40) {
        let plex = if duplex { Plex::Duplex } else { Plex::Simplex };
        let input = pieces(&counts);
        let total_pages: u64 = counts.iter().map(|&c| u64::from(c)).sum();
        let plan = JobPlan::new(&input, plex, run_size).unwrap();
        let mut seen = vec![0u32; total_pages as usize + 1];
        let mut expected_sequence = 1;
        for (i, piece) in input.iter().enumerate() {
            for sheet in plan.sheets(i) {
                prop_assert_eq!(sheet.sequence, expected_sequence);
                expected_sequence += 1;
                seen[sheet.front as usize] += 1;
                prop_assert!(sheet.front >= piece.first_page && sheet.front <= piece.last_page());
                if let SheetBack::Page(back) = sheet.back {
                    prop_assert_eq!(back, sheet.front + 1);
                    prop_assert!(back <= piece.last_page());
                    seen[back as usize] += 1;
                }
            }
        }
        prop_assert!(seen[1..].iter().all(|&n| n == 1));
        // Runs partition the pieces in order and respect the limit unless a
        // single piece exceeds it.
        let mut next = 0;
        for run in &plan.runs {
            prop_assert_eq!(run.pieces.start, next);
            next = run.pieces.end;
            prop_assert!(run.sheets <= run_size || run.pieces.len() == 1);
        }
        prop_assert_eq!(next, input.len());
        prop_assert_eq!(plan.total_sheets(), expected_sequence - 1);
    }
}

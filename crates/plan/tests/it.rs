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

// ---------------------------------------------------------------------------
// Envelope and insert planning for the target centre (issue 4).
// ---------------------------------------------------------------------------

mod production {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use tandem_plan::{
        EnvelopeFormat, EnvelopeStock, Feeder, Fold, FoldCapability, InsertShortfall, InsertStock,
        InserterCapabilities, JobSpec, ManualReason, PlanError, PostingClass, PostingRules,
        PriceTable, ProductionPlan, SetSheet, SheetBack, TargetCentre, Window, posting_reports,
    };
    use tandem_ticket::{MailPiece, Paper, PaperSize, Plex, PostalProduct, Rect};

    /// DIN 5008 form B address field: 20 mm from the left, 45 mm from the
    /// top, 85 × 45 mm.
    const FORM_B: Rect = Rect {
        x: 20.0,
        y: 45.0,
        width: 85.0,
        height: 45.0,
    };

    /// A C6/5 envelope (229 × 114 mm, 4.5 g) with the DIN window 20 mm from
    /// the left and 15 mm from the bottom: y = 114 − 15 − 45 = 54.
    fn c65() -> EnvelopeStock {
        EnvelopeStock::din("C65-F", EnvelopeFormat::C65, 4.5, Some(Window::din(114.0)))
    }

    /// A C4 envelope (229 × 324 mm, 12 g). A4 flat rests at the bottom, its
    /// top edge 324 − 297 = 27 mm below the envelope's; form B's field lands
    /// at y 27 + 45 = 72 … 117, inside a window at y 70 … 120.
    fn c4() -> EnvelopeStock {
        EnvelopeStock::din(
            "C4-F",
            EnvelopeFormat::C4,
            12.0,
            Some(Window {
                x_mm: 20.0,
                y_mm: 70.0,
                width_mm: 90.0,
                height_mm: 50.0,
            }),
        )
    }

    fn centre(envelopes: Vec<EnvelopeStock>, folds: Vec<FoldCapability>) -> TargetCentre {
        TargetCentre {
            inserter: InserterCapabilities {
                max_sheets_per_set: 20,
                feeders: vec![],
                folds,
                envelopes: envelopes.iter().map(|e| e.name.clone()).collect(),
                address_last_with_z_fold: false,
                reverse_collation: false,
                envelopes_per_hour: BTreeMap::from([
                    (EnvelopeFormat::C65, 20_000),
                    (EnvelopeFormat::C4, 7_000),
                ]),
            },
            envelopes,
            inserts: vec![],
            prices: PriceTable {
                standard: 95,
                kompakt: 110,
                gross: 180,
                maxi: 290,
            },
            posting: PostingRules::default(),
            tray_capacity: BTreeMap::from([(EnvelopeFormat::C65, 3), (EnvelopeFormat::C4, 2)]),
        }
    }

    fn c_fold(max_sheets: u32) -> FoldCapability {
        FoldCapability {
            fold: Fold::C,
            max_sheets,
        }
    }

    fn job(plex: Plex, grammage_gsm: u32) -> JobSpec {
        JobSpec {
            plex,
            paper: Paper {
                size: PaperSize::A4,
                grammage_gsm,
            },
            address_field: FORM_B,
            inserts: vec![],
            allow_split: false,
            print_missing_inserts: false,
        }
    }

    fn piece(id: &str, plz: &str, first_page: u64, page_count: u32) -> MailPiece {
        MailPiece {
            piece_id: id.into(),
            plz: plz.into(),
            country: "DE".into(),
            first_page,
            page_count,
            inserts: vec![],
        }
    }

    /// Pieces of the given page counts, numbered in job order.
    fn pieces(counts: &[u32]) -> Vec<MailPiece> {
        let mut next = 1;
        counts
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let p = piece(&format!("P{i:04}"), "80331", next, n);
                next += u64::from(n);
                p
            })
            .collect()
    }

    #[test]
    fn weights_and_products_worked_examples() {
        // One A4 sheet of 80 g/m²: 0.210 m × 0.297 m = 0.06237 m² × 80 g/m²
        // = 4.9896 g; of 90 g/m²: 0.06237 × 90 = 5.6133 g. Thickness by the
        // rule of thumb 1.25 µm per g/m²: 0.1 mm and 0.1125 mm. C fold: 3
        // layers per sheet; the envelope adds 0.2 mm and 4.5 g.
        // (simplex sheets, grammage, weight, thickness, product)
        let cases = [
            // 1 × 4.9896 + 4.5 = 9.4896 g; 3 × 0.1 + 0.2 = 0.5 mm
            (1, 80, 9.4896, 0.5, PostalProduct::Standard),
            // 2 × 4.9896 + 4.5 = 14.4792 g; 6 × 0.1 + 0.2 = 0.8 mm
            (2, 80, 14.4792, 0.8, PostalProduct::Standard),
            // 3 × 4.9896 + 4.5 = 19.4688 g ≤ 20 g; 9 × 0.1 + 0.2 = 1.1 mm
            (3, 80, 19.4688, 1.1, PostalProduct::Standard),
            // 4 × 4.9896 + 4.5 = 24.4584 g > 20 g → Kompakt (≤ 50 g, ≤ 10 mm)
            (4, 80, 24.4584, 1.4, PostalProduct::Kompakt),
            // 3 × 5.6133 + 4.5 = 21.3399 g > 20 g → Kompakt; 9 × 0.1125 + 0.2 = 1.2125 mm
            (3, 90, 21.3399, 1.2125, PostalProduct::Kompakt),
        ];
        let centre = centre(vec![c65()], vec![c_fold(8)]);
        for (sheets, gsm, weight, thickness, product) in cases {
            let plan = ProductionPlan::new(
                &job(Plex::Simplex, gsm),
                &[piece("A", "80331", 1, sheets)],
                &centre,
            )
            .unwrap();
            let set = &plan.sets[0];
            assert_eq!(set.envelope, "C65-F");
            assert_eq!(set.fold, Fold::C);
            assert!(
                (set.weight_g - weight).abs() < 1e-9,
                "{sheets}@{gsm}: {}",
                set.weight_g
            );
            assert!(
                (set.thickness_mm - thickness).abs() < 1e-9,
                "{}",
                set.thickness_mm
            );
            assert_eq!(set.product, product, "{sheets} sheets of {gsm} g/m²");
            assert_eq!(set.postage_cents, centre.prices.cents(product));
        }
    }

    #[test]
    fn a4_flat_in_c4_is_a_grossbrief() {
        // A4 flat: 210 × 297 mm; C4 229 × 324: 19 ≥ 15 mm wider, 27 ≥ 8 mm
        // higher. 1 × 4.9896 + 12 = 16.9896 g would be light enough for a
        // Standardbrief, but the C4's long side 324 mm > 235 mm and short
        // side 229 mm > 125 mm: only Groß (≤ 353 × 250 mm) takes it.
        let centre = centre(
            vec![c4()],
            vec![FoldCapability {
                fold: Fold::Flat,
                max_sheets: 50,
            }],
        );
        let plan = ProductionPlan::new(
            &job(Plex::Simplex, 80),
            &[piece("A", "80331", 1, 1)],
            &centre,
        )
        .unwrap();
        let set = &plan.sets[0];
        assert_eq!((set.format, set.fold), (EnvelopeFormat::C4, Fold::Flat));
        assert!((set.weight_g - 16.9896).abs() < 1e-9);
        assert_eq!(set.product, PostalProduct::Gross);
        assert_eq!(plan.total_postage_cents(), 180);
    }

    #[test]
    fn smallest_envelope_that_takes_the_set() {
        // C fold takes up to 6 sheets into C6/5 (229 × 114 = 26,106 mm²);
        // larger pieces go flat into C4 (229 × 324 = 74,196 mm²).
        let centre = centre(
            vec![c4(), c65()],
            vec![
                FoldCapability {
                    fold: Fold::Flat,
                    max_sheets: 50,
                },
                c_fold(6),
            ],
        );
        let plan = ProductionPlan::new(&job(Plex::Simplex, 80), &pieces(&[6, 7]), &centre).unwrap();
        let by_piece: BTreeMap<_, _> = plan
            .sets
            .iter()
            .map(|s| (s.piece_id.as_str(), (s.envelope.as_str(), s.fold)))
            .collect();
        assert_eq!(by_piece["P0000"], ("C65-F", Fold::C));
        assert_eq!(by_piece["P0001"], ("C4-F", Fold::Flat));
    }

    #[test]
    fn dl_is_too_tight_for_a4_folded_to_105_mm() {
        // A4 C-folded at the DIN 5008 marks is 210 × 105 mm. DL is 220 × 110:
        // 10 mm < 15 mm wider and 5 mm < 8 mm higher → no envelope fits.
        let dl = EnvelopeStock::din("DL", EnvelopeFormat::Dl, 4.0, Some(Window::din(110.0)));
        let mut centre = centre(vec![dl], vec![c_fold(6)]);
        centre
            .inserter
            .envelopes_per_hour
            .insert(EnvelopeFormat::Dl, 22_000);
        centre.tray_capacity.insert(EnvelopeFormat::Dl, 500);
        let err = ProductionPlan::new(&job(Plex::Simplex, 80), &pieces(&[1]), &centre).unwrap_err();
        assert!(
            matches!(&err, PlanError::NoEnvelopeFits { piece_id, .. } if piece_id == "P0000"),
            "{err}"
        );
    }

    #[test]
    fn address_outside_the_partner_window_is_an_error() {
        // The partner's C6/5 window sits high: 20 mm from the left, 40 mm
        // from the top, 90 × 45 mm → y 40 … 85. The C-folded set is 105 mm
        // high and rests on the bottom of the 114 mm envelope, so its top is
        // at 114 − 105 = 9 mm and form B's field (y 45 … 90) lands at
        // 9 + 45 = 54 … 99: 99 − 85 = 14 mm past the window's bottom edge and
        // 54 > 40, so not past the top. Horizontally 20 … 105 lies in 20 … 110.
        let mut envelope = c65();
        envelope.window = Some(Window {
            x_mm: 20.0,
            y_mm: 40.0,
            width_mm: 90.0,
            height_mm: 45.0,
        });
        let centre = centre(vec![envelope], vec![c_fold(8)]);
        let input = [
            piece("ST-0001", "80331", 1, 2),
            piece("ST-0002", "80331", 3, 1),
        ];
        let err = ProductionPlan::new(&job(Plex::Simplex, 80), &input, &centre).unwrap_err();
        match &err {
            PlanError::AddressOutsideWindow {
                piece_id,
                envelope,
                fold,
                miss,
            } => {
                assert_eq!(piece_id, "ST-0001");
                assert_eq!(envelope, "C65-F");
                assert_eq!(*fold, Fold::C);
                assert!((miss.bottom_mm - 14.0).abs() < 1e-9);
                assert_eq!((miss.left_mm, miss.top_mm, miss.right_mm), (0.0, 0.0, 0.0));
            }
            other => panic!("unexpected {other}"),
        }
        let text = err.to_string();
        assert!(
            text.contains("ST-0001") && text.contains("14.0 mm past the bottom edge"),
            "{text}"
        );
    }

    #[test]
    fn din_window_takes_form_b_exactly() {
        // DIN window in C6/5: y 114 − 15 − 45 = 54 … 99; field 54 … 99. Equal edges fit.
        let centre = centre(vec![c65()], vec![c_fold(8)]);
        assert!(ProductionPlan::new(&job(Plex::Duplex, 80), &pieces(&[1]), &centre).is_ok());
        // Form A (27 mm from the top) lands at 9 + 27 = 36 … 81: 18 mm past the top.
        let mut form_a = job(Plex::Duplex, 80);
        form_a.address_field.y = 27.0;
        let err = ProductionPlan::new(&form_a, &pieces(&[1]), &centre).unwrap_err();
        assert!(
            err.to_string().contains("18.0 mm past the top edge"),
            "{err}"
        );
    }

    #[test]
    fn page_order_for_fold_and_inserter() {
        // A duplex piece of 5 pages: sheets 1 (1|2), 2 (3|4), 3 (5|blank).
        let doc = |sheet, front, back| SetSheet::Document { sheet, front, back };
        let forward = vec![
            doc(1, 1, SheetBack::Page(2)),
            doc(2, 3, SheetBack::Page(4)),
            doc(3, 5, SheetBack::Blank),
        ];
        let reversed: Vec<_> = forward.iter().cloned().rev().collect();
        // (fold, address last with Z, reverse collation, print order)
        let cases = [
            (Fold::C, false, false, &forward),
            (Fold::C, true, false, &forward), // address-last only applies to Z
            (Fold::Z, true, false, &reversed), // address sheet last
            (Fold::C, false, true, &reversed), // reverse collation
            (Fold::Z, true, true, &forward),  // both: reversed twice
        ];
        for (fold, address_last, reverse, expected) in cases {
            let mut centre = centre(
                vec![c65()],
                vec![FoldCapability {
                    fold,
                    max_sheets: 8,
                }],
            );
            centre.inserter.address_last_with_z_fold = address_last;
            centre.inserter.reverse_collation = reverse;
            let plan = ProductionPlan::new(&job(Plex::Duplex, 80), &pieces(&[5]), &centre).unwrap();
            assert_eq!(
                &plan.sets[0].sheets, expected,
                "{fold} {address_last} {reverse}"
            );
            assert_eq!(plan.sets[0].reading_order()[0], &forward[0]);
        }
    }

    #[test]
    fn collation_limit_splits_or_goes_manual() {
        // The inserter takes 4 sheets (C fold max 4). A 10-sheet piece:
        // envelope 1 takes sheets 1–4, envelopes 2 and 3 take an address
        // carrier + 3 sheets each (5–7, 8–10): 1 + ⌈(10 − 4) / 3⌉ = 3 envelopes.
        let mut centre = centre(vec![c65()], vec![c_fold(4)]);
        centre.inserter.max_sheets_per_set = 6;
        let input = pieces(&[2, 10]);
        let manual = ProductionPlan::new(&job(Plex::Simplex, 80), &input, &centre).unwrap();
        assert_eq!(manual.sets.len(), 1);
        assert_eq!(manual.manual.len(), 1);
        assert_eq!(
            manual.manual[0].reason,
            ManualReason::TooManySheets {
                sheets: 10,
                max_sheets: 4
            }
        );
        assert!(
            manual.manual[0]
                .to_string()
                .starts_with("piece P0001: manual inserting")
        );

        let mut allow = job(Plex::Simplex, 80);
        allow.allow_split = true;
        let split = ProductionPlan::new(&allow, &input, &centre).unwrap();
        assert!(split.manual.is_empty());
        assert_eq!(split.splits.len(), 1);
        assert_eq!(split.splits[0].envelopes, 3);
        let parts: Vec<_> = split.sets.iter().filter(|s| s.piece == 1).collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[1].sheets[0], SetSheet::AddressCarrier);
        let fronts: Vec<Vec<u64>> = parts
            .iter()
            .map(|s| {
                s.sheets
                    .iter()
                    .filter_map(|x| match x {
                        SetSheet::Document { front, .. } => Some(*front),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        assert_eq!(fronts, [vec![3, 4, 5, 6], vec![7, 8, 9], vec![10, 11, 12]]);
    }

    fn insert_centre(free_feeders: u8) -> TargetCentre {
        let mut centre = centre(vec![c65()], vec![c_fold(8)]);
        centre.inserts = ["info", "A", "B", "C"]
            .iter()
            .map(|n| InsertStock {
                name: (*n).into(),
                weight_g: 2.0,
                thickness_mm: 0.3,
            })
            .collect();
        centre.inserter.feeders = vec![Feeder {
            number: 1,
            insert: Some("info".into()),
        }];
        for n in 0..free_feeders {
            centre.inserter.feeders.push(Feeder {
                number: 2 + n,
                insert: None,
            });
        }
        centre
    }

    #[test]
    fn inserts_map_to_feeders_and_split_runs() {
        // Feeder 1 holds "info"; feeders 2 and 3 are free. Pieces need
        // {A, B}, {C}, {A} and nothing besides the job-wide "info": A, B, C
        // are 3 inserts for 2 free feeders → 2 loadings {A, B} and {C}.
        let mut spec = job(Plex::Simplex, 80);
        spec.inserts = vec!["info".into()];
        let mut input = pieces(&[1, 1, 1, 1]);
        input[0].inserts = vec!["B".into(), "A".into()];
        input[1].inserts = vec!["C".into()];
        input[2].inserts = vec!["A".into()];
        let plan = ProductionPlan::new(&spec, &input, &insert_centre(2)).unwrap();
        assert_eq!(plan.loadings.len(), 2);
        let held = |l: usize| -> Vec<(u8, Option<&str>)> {
            plan.loadings[l]
                .feeders
                .iter()
                .map(|f| (f.number, f.insert.as_deref()))
                .collect()
        };
        assert_eq!(held(0), [(1, Some("info")), (2, Some("A")), (3, Some("B"))]);
        assert_eq!(held(1), [(1, Some("info")), (2, Some("C")), (3, None)]);
        let set = |id: &str| plan.sets.iter().find(|s| s.piece_id == id).unwrap();
        assert_eq!(set("P0000").feeders, [1, 2, 3]);
        assert_eq!(set("P0001").feeders, [1, 2]);
        assert_eq!(set("P0001").loading, 1);
        assert_eq!(set("P0002").loading, 0);
        // 1 sheet 4.9896 g + envelope 4.5 g + inserts 3 × 2 g = 15.4896 g.
        assert!((set("P0000").weight_g - 15.4896).abs() < 1e-9);
        // Runs split by loading: {P0000, P0002, P0003} and {P0001}.
        assert_eq!(plan.runs.len(), 2);
        assert_eq!(plan.runs[1].summary.envelopes, 1);
    }

    #[test]
    fn missing_inserts_printed_or_manual() {
        // One free feeder: a piece with A and B gets A fed, B has no feeder;
        // X is not stocked at all.
        let mut input = pieces(&[2, 2]);
        input[0].inserts = vec!["A".into(), "B".into()];
        input[1].inserts = vec!["X".into()];
        let centre = insert_centre(1);
        let plan = ProductionPlan::new(&job(Plex::Simplex, 80), &input, &centre).unwrap();
        assert!(plan.sets.is_empty());
        let reasons: Vec<_> = plan.manual.iter().map(|m| m.reason.clone()).collect();
        assert_eq!(
            reasons,
            [
                ManualReason::Insert {
                    insert: "B".into(),
                    shortfall: InsertShortfall::NoFreeFeeder { free_feeders: 1 }
                },
                ManualReason::Insert {
                    insert: "X".into(),
                    shortfall: InsertShortfall::NotStocked
                },
            ]
        );

        let mut print = job(Plex::Simplex, 80);
        print.print_missing_inserts = true;
        let plan = ProductionPlan::new(&print, &input, &centre).unwrap();
        assert!(plan.manual.is_empty());
        assert_eq!(plan.printed_inserts.len(), 2);
        let first = plan.sets.iter().find(|s| s.piece == 0).unwrap();
        assert_eq!(first.inserts, ["A"]);
        assert_eq!(first.sheets.len(), 3);
        assert_eq!(first.sheets[2], SetSheet::Insert { name: "B".into() });
        // 3 sheets × 4.9896 + 4.5 + A 2 g = 21.4688 g > 20 g: the printed
        // insert makes it a Kompaktbrief.
        assert!((first.weight_g - 21.4688).abs() < 1e-9);
        assert_eq!(first.product, PostalProduct::Kompakt);
    }

    #[test]
    fn presort_runs_and_trays() {
        // 7 one-sheet pieces in job order with these PLZ; presort puts them
        // in PLZ order, the ones without a German PLZ last in job order.
        let plzs = ["80331", "", "01067", "80335", "20095", "01069", "99999"];
        let mut input: Vec<_> = plzs
            .iter()
            .enumerate()
            .map(|(i, plz)| piece(&format!("P{i}"), plz, i as u64 + 1, 1))
            .collect();
        input[6].country = "AT".into();
        let plan = ProductionPlan::new(
            &job(Plex::Simplex, 80),
            &input,
            &centre(vec![c65()], vec![c_fold(8)]),
        )
        .unwrap();
        let order: Vec<_> = plan.sets.iter().map(|s| s.piece_id.as_str()).collect();
        assert_eq!(order, ["P2", "P5", "P4", "P0", "P3", "P1", "P6"]);
        // Tray capacity for C6/5 is 3: trays of 3, 3, 1.
        let run = &plan.runs[0];
        let trays: Vec<_> = run
            .trays
            .iter()
            .map(|t| (t.sets.clone(), t.first_plz.as_str()))
            .collect();
        assert_eq!(trays, [(0..3, "01067"), (3..6, "80331"), (6..7, "99999")]);
        // 7 envelopes at 20,000/h = 0.00035 h; 7 × 95 = 665 cents;
        // 1 × 4.9896 + 4.5 = 9.4896 g each → all in the ≤ 20 g class.
        assert!((run.summary.inserter_hours - 0.000_35).abs() < 1e-12);
        assert_eq!(run.summary.postage_cents, 665);
        assert_eq!(run.summary.weight_classes.len(), 1);
        assert_eq!(run.summary.weight_classes[0].envelopes, 7);
        let letters = &plan.postings[0];
        assert_eq!(letters.class, PostingClass::Letters);
        assert_eq!(letters.without_leitregion, 2);
        let regions: Vec<_> = letters
            .leitregions
            .iter()
            .map(|r| (r.leitregion.as_str(), r.pieces))
            .collect();
        assert_eq!(regions, [("01", 2), ("20", 1), ("80", 2)]);
    }

    #[test]
    fn teilleistung_thresholds_and_split() {
        // 6,000 Standard letters: 3,000 in Leitregion 01, 2,000 in 80, 1,000 in 99.
        // Whole: 6,000 ≥ 5,000 and every region ≥ 250.
        // Split 50 %: by PLZ order the first centre takes 3,000 (region 01),
        // the second 3,000 (80 and 99): both below 5,000, regions still ≥ 250.
        let mut items = Vec::new();
        items.extend(std::iter::repeat_n(
            ("01067", PostalProduct::Standard),
            3000,
        ));
        items.extend(std::iter::repeat_n(("80331", PostalProduct::Kompakt), 2000));
        items.extend(std::iter::repeat_n(
            ("99084", PostalProduct::Standard),
            1000,
        ));
        // 300 Großbriefe in region 10 and 150 in 20: 450 < 500 per posting;
        // split evenly 150/75: region 20 drops below 100 in both parts.
        items.extend(std::iter::repeat_n(("10115", PostalProduct::Gross), 300));
        items.extend(std::iter::repeat_n(("20095", PostalProduct::Maxi), 150));
        let reports = posting_reports(&items, &PostingRules::default(), 50);
        let letters = &reports[0];
        assert!(letters.whole.reaches_minimum);
        assert_eq!(letters.whole.qualifying_leitregions, 3);
        let [a, b] = &letters.split.by_plz;
        assert_eq!((a.pieces, a.reaches_minimum), (3000, false));
        assert_eq!((b.pieces, b.reaches_minimum), (3000, false));
        assert_eq!(a.qualifying_leitregions + b.qualifying_leitregions, 3);
        let large = &reports[1];
        assert_eq!(large.class, PostingClass::Large);
        assert!(!large.whole.reaches_minimum);
        assert_eq!(large.whole.qualifying_leitregions, 2);
        let [a, b] = &large.split.every_leitregion;
        // 300 → 150/150 (≥ 100), 150 → 75/75 (< 100).
        assert_eq!(
            (a.qualifying_leitregions, a.pieces_in_qualifying_leitregions),
            (1, 150)
        );
        assert_eq!(
            (b.qualifying_leitregions, b.pieces_in_qualifying_leitregions),
            (1, 150)
        );
    }

    #[test]
    fn inputs_deserialize_strictly() {
        let centre = insert_centre(2);
        let json = serde_json::to_string(&centre).unwrap();
        let back: TargetCentre = serde_json::from_str(&json).unwrap();
        assert_eq!(back, centre);
        assert!(json.contains("\"C6/5\""));
        let bad = r#"{"name":"x","format":"C4","width_mm":229,"height_mm":324,"weight_g":1,"colour":"red"}"#;
        assert!(serde_json::from_str::<EnvelopeStock>(bad).is_err());
        let spec: JobSpec =
            serde_json::from_str(r#"{"address_field":{"x":20,"y":45,"width":85,"height":45}}"#)
                .unwrap();
        assert_eq!(spec.paper.grammage_gsm, 80);
        assert!(!spec.allow_split && !spec.print_missing_inserts);
    }

    #[test]
    fn invalid_centre_is_refused() {
        let mut centre = insert_centre(1);
        centre.inserter.envelopes.push("nope".into());
        let err = ProductionPlan::new(&job(Plex::Simplex, 80), &pieces(&[1]), &centre).unwrap_err();
        assert!(err.to_string().contains("inserter.envelopes[1]"), "{err}");
    }

    // -- property tests ----------------------------------------------------

    /// The product table of DOMAIN.md §4, written out again independently.
    fn expected_product(long: f64, short: f64, mm: f64, g: f64) -> Option<PostalProduct> {
        let table = [
            (
                PostalProduct::Standard,
                140.0,
                235.0,
                90.0,
                125.0,
                5.0,
                20.0,
            ),
            (
                PostalProduct::Kompakt,
                100.0,
                235.0,
                70.0,
                125.0,
                10.0,
                50.0,
            ),
            (PostalProduct::Gross, 100.0, 353.0, 70.0, 250.0, 20.0, 500.0),
            (PostalProduct::Maxi, 100.0, 353.0, 70.0, 250.0, 50.0, 1000.0),
        ];
        table
            .iter()
            .find(|t| {
                (t.1..=t.2).contains(&long)
                    && (t.3..=t.4).contains(&short)
                    && mm <= t.5 + 1e-9
                    && g <= t.6 + 1e-9
            })
            .map(|t| t.0)
    }

    #[derive(Debug, Clone)]
    struct Scenario {
        counts: Vec<(u32, usize, u8)>,
        duplex: bool,
        gsm: u32,
        allow_split: bool,
        print_missing: bool,
        address_last: bool,
        reverse: bool,
        max_sheets: u32,
        free_feeders: u8,
    }

    fn scenario() -> impl Strategy<Value = Scenario> {
        (
            prop::collection::vec((1u32..40, 0usize..6, 0u8..32), 1..60),
            any::<bool>(),
            prop::sample::select(vec![60u32, 80, 90, 120]),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            1u32..16,
            0u8..3,
        )
            .prop_map(
                |(
                    counts,
                    duplex,
                    gsm,
                    allow_split,
                    print_missing,
                    address_last,
                    reverse,
                    max_sheets,
                    free_feeders,
                )| {
                    Scenario {
                        counts,
                        duplex,
                        gsm,
                        allow_split,
                        print_missing,
                        address_last,
                        reverse,
                        max_sheets,
                        free_feeders,
                    }
                },
            )
    }

    fn build(s: &Scenario) -> (JobSpec, Vec<MailPiece>, TargetCentre) {
        const PLZ: [&str; 6] = ["80331", "01067", "80335", "20095", "", "99084"];
        const INSERTS: [&str; 5] = ["info", "A", "B", "C", "X"];
        let mut centre = insert_centre(s.free_feeders);
        centre.envelopes.push(c4());
        centre.inserter.envelopes.push("C4-F".into());
        centre.inserter.folds = vec![
            FoldCapability {
                fold: Fold::Z,
                max_sheets: 5,
            },
            c_fold(6),
            FoldCapability {
                fold: Fold::Flat,
                max_sheets: 100,
            },
        ];
        centre.inserter.max_sheets_per_set = s.max_sheets;
        centre.inserter.address_last_with_z_fold = s.address_last;
        centre.inserter.reverse_collation = s.reverse;
        let mut spec = job(
            if s.duplex {
                Plex::Duplex
            } else {
                Plex::Simplex
            },
            s.gsm,
        );
        spec.allow_split = s.allow_split;
        spec.print_missing_inserts = s.print_missing;
        let mut next = 1;
        let input = s
            .counts
            .iter()
            .enumerate()
            .map(|(i, &(n, plz, mask))| {
                let mut p = piece(&format!("P{i:04}"), PLZ[plz], next, n);
                p.inserts = INSERTS
                    .iter()
                    .enumerate()
                    .filter(|(b, _)| mask & (1 << b) != 0)
                    .map(|(_, n)| (*n).to_owned())
                    .collect();
                next += u64::from(n);
                p
            })
            .collect();
        (spec, input, centre)
    }

    proptest! {
        #[test]
        fn production_plan_properties(s in scenario()) {
            let (spec, input, centre) = build(&s);
            let plan = ProductionPlan::new(&spec, &input, &centre).unwrap();

            // Deterministic.
            prop_assert_eq!(&ProductionPlan::new(&spec, &input, &centre).unwrap(), &plan);

            // Every page in exactly one sheet and one piece.
            let total: u64 = input.iter().map(|p| u64::from(p.page_count)).sum();
            let mut seen = vec![0u32; total as usize + 1];
            let mut owner = vec![usize::MAX; total as usize + 1];
            for set in &plan.sets {
                for sheet in &set.sheets {
                    if let SetSheet::Document { front, back, .. } = sheet {
                        let mut pages = vec![*front];
                        match (spec.plex, back) {
                            (Plex::Duplex, SheetBack::Page(b)) => {
                                prop_assert_eq!(*b, front + 1);
                                pages.push(*b);
                            }
                            (Plex::Duplex, SheetBack::Blank) => {
                                prop_assert_eq!(*front, input[set.piece].last_page());
                            }
                            (Plex::Simplex, SheetBack::Unprinted) => {}
                            other => prop_assert!(false, "{:?}", other),
                        }
                        for p in pages {
                            seen[p as usize] += 1;
                            prop_assert!(owner[p as usize] == usize::MAX || owner[p as usize] == set.piece);
                            owner[p as usize] = set.piece;
                        }
                    }
                }
            }
            for m in &plan.manual {
                for p in m.first_page..m.first_page + u64::from(m.page_count) {
                    seen[p as usize] += 1;
                }
            }
            prop_assert!(seen[1..].iter().all(|&n| n == 1));

            for set in &plan.sets {
                let p = &input[set.piece];
                prop_assert!(set.sheet_count() <= s.max_sheets);
                // Sheet order: reading order is carrier/address sheet first,
                // document sheets ascending, printed inserts last; the print
                // order reverses it for address-last Z folds xor reverse collation.
                let want_reversed = (set.fold == Fold::Z && s.address_last) != s.reverse;
                prop_assert_eq!(set.address_last, set.fold == Fold::Z && s.address_last);
                let reading = set.reading_order();
                let mut printed: Vec<_> = set.sheets.iter().collect();
                if want_reversed { printed.reverse(); }
                prop_assert_eq!(&printed, &reading);
                let rank = |x: &SetSheet| match x {
                    SetSheet::AddressCarrier => (0, 0),
                    SetSheet::Document { sheet, .. } => (1, *sheet),
                    SetSheet::Insert { .. } => (2, 0),
                };
                let ranks: Vec<_> = reading.iter().map(|x| rank(x)).collect();
                let mut sorted = ranks.clone();
                sorted.sort();
                prop_assert_eq!(&ranks, &sorted);
                if set.part == 1 {
                    prop_assert_eq!(reading[0], &SetSheet::Document { sheet: 1, front: p.first_page,
                        back: match (spec.plex, p.page_count) {
                            (Plex::Simplex, _) => SheetBack::Unprinted,
                            (Plex::Duplex, 1) => SheetBack::Blank,
                            (Plex::Duplex, _) => SheetBack::Page(p.first_page + 1),
                        } });
                } else {
                    prop_assert_eq!(reading[0], &SetSheet::AddressCarrier);
                }

                // Weight, thickness and product follow the rules.
                let env = centre.envelope(&set.envelope).unwrap();
                let layers = match set.fold { Fold::Flat => 1.0, Fold::Half => 2.0, _ => 3.0 };
                let sheet_g = 0.210 * 0.297 * f64::from(s.gsm);
                let sheet_mm = f64::from(s.gsm) / 800.0;
                let inserts_g = set.inserts.len() as f64 * 2.0;
                let weight = set.sheets.len() as f64 * sheet_g + env.weight_g + inserts_g;
                let thickness = set.sheets.len() as f64 * layers * sheet_mm
                    + set.inserts.len() as f64 * 0.3 + env.thickness_mm;
                prop_assert!((set.weight_g - weight).abs() < 1e-6);
                prop_assert!((set.thickness_mm - thickness).abs() < 1e-6);
                let (long, short) = (env.width_mm.max(env.height_mm), env.width_mm.min(env.height_mm));
                prop_assert_eq!(Some(set.product), expected_product(long, short, thickness, weight));
                prop_assert_eq!(set.postage_cents, centre.prices.cents(set.product));
                // Clearance.
                let folded = set.fold.folded(PaperSize::A4);
                prop_assert!(env.width_mm >= folded.width_mm + 15.0 && env.height_mm >= folded.height_mm + 8.0);
                // Every fed insert has its feeder in the set's loading.
                for (name, number) in set.inserts.iter().zip(&set.feeders) {
                    let _ = number;
                    prop_assert!(plan.loadings[set.loading].feeders.iter()
                        .any(|f| f.insert.as_deref() == Some(name.as_str()) && set.feeders.contains(&f.number)));
                }
            }

            // Runs partition the envelopes, each run uniform.
            let mut next = 0;
            for (i, run) in plan.runs.iter().enumerate() {
                prop_assert_eq!(run.sets.start, next);
                prop_assert!(!run.sets.is_empty());
                next = run.sets.end;
                let mut tray_next = run.sets.start;
                for tray in &run.trays {
                    prop_assert_eq!(tray.sets.start, tray_next);
                    tray_next = tray.sets.end;
                    prop_assert!(tray.sets.len() <= centre.tray_capacity[&run.format] as usize);
                }
                prop_assert_eq!(tray_next, run.sets.end);
                for set in &plan.sets[run.sets.clone()] {
                    prop_assert_eq!(set.run, i);
                    prop_assert_eq!(&set.envelope, &run.envelope);
                    prop_assert_eq!(set.fold, run.fold);
                    prop_assert_eq!(set.loading, run.loading);
                    prop_assert_eq!(set.product, run.product);
                }
                // Presort order within the run.
                let keys: Vec<_> = plan.sets[run.sets.clone()].iter()
                    .map(|s| (s.leitregion.is_none(), if s.leitregion.is_some() { s.plz.clone() } else { String::new() }, s.piece, s.part))
                    .collect();
                let mut sorted = keys.clone();
                sorted.sort();
                prop_assert_eq!(keys, sorted);
            }
            prop_assert_eq!(next, plan.sets.len());

            // Every piece is machine-inserted (whole or split) or manual, not both.
            let mut parts = vec![0u32; input.len()];
            for set in &plan.sets { parts[set.piece] += 1; }
            for m in &plan.manual { prop_assert_eq!(parts[m.piece], 0); parts[m.piece] = u32::MAX; }
            prop_assert!(parts.iter().all(|&n| n > 0));
            for split in &plan.splits { prop_assert_eq!(parts[split.piece], split.envelopes); prop_assert!(s.allow_split); }
            if !s.print_missing { prop_assert!(plan.printed_inserts.is_empty()); }
            let envelopes: u64 = plan.postings.iter().map(|p| p.whole.pieces).sum();
            prop_assert_eq!(envelopes, plan.sets.len() as u64);
        }
    }
}

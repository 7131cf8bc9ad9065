//! Integration tests for tandem-marks.
//!
//! Expected values are worked out by hand or checked with independent means
//! (the `rxing` DataMatrix reader) rather than derived from the code under test.

use proptest::prelude::*;
use rxing::BarcodeFormat;
use tandem_marks::{
    DEFAULT_TEMPLATE, DataMatrixMark, DataMatrixSymbol, InserterCode, LinearBarcode, MarkError,
    MarkGeometry, MarkRect, OmrFamily, OmrFunction, OmrScheme, Parity, SheetControl, Symbology,
    code128_codewords,
};

const EPS: f64 = 1e-9;

fn sheet(sequence: u64, sheet: u32, sheets: u32) -> SheetControl<'static> {
    SheetControl::new("T2026-0001", "P000123", sequence, sheet, sheets)
}

fn assert_close(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() < 1e-4,
        "{what}: got {actual}, expected {expected}"
    );
}

// ---------------------------------------------------------------------------
// Geometry
// ---------------------------------------------------------------------------

#[test]
fn mark_rect_edges_union_and_relations() {
    let a = MarkRect {
        x: 5.0,
        y: 10.0,
        width: 12.0,
        height: 0.5,
    };
    let b = MarkRect {
        x: 10.0,
        y: 20.0,
        width: 10.0,
        height: 2.0,
    };
    assert_eq!(a.right(), 17.0);
    assert_eq!(a.bottom(), 10.5);
    assert_eq!(
        a.union(&b),
        MarkRect {
            x: 5.0,
            y: 10.0,
            width: 15.0,
            height: 12.0
        }
    );
    assert!(!a.intersects(&b));

    let overlapping = MarkRect {
        x: 16.0,
        y: 10.25,
        width: 1.0,
        height: 1.0,
    };
    assert!(a.intersects(&overlapping) && overlapping.intersects(&a));
    // Sharing only the right edge is not an intersection.
    let touching = MarkRect {
        x: 17.0,
        y: 10.0,
        width: 1.0,
        height: 0.5,
    };
    assert!(!a.intersects(&touching));

    let zone = a.union(&b);
    assert!(zone.contains(&a) && zone.contains(&b) && zone.contains(&zone));
    assert!(!a.contains(&zone));
    assert!(!a.contains(&overlapping));
}

// ---------------------------------------------------------------------------
// OMR: hand-computed tables for the standard scheme
// ---------------------------------------------------------------------------

// Standard tracks, top to bottom:
//   0 benchmark, 1 end-of-set, 2 seq-1, 3 seq-2, 4 seq-4, 5 parity (even), 6 safety
#[test]
fn standard_scheme_table() {
    let scheme = OmrScheme::standard();
    scheme.validate().unwrap();
    let (t, f) = (true, false);
    let cases: [(u64, u32, u32, [bool; 7]); 6] = [
        // seq 1 = 0b001 -> seq-1; not last sheet. Marked without parity:
        // benchmark, seq-1, safety = 3 (odd) -> parity bar makes it 4.
        (1, 1, 3, [t, f, t, f, f, t, t]),
        // seq 8 % 8 = 0 -> no sequence bits; last sheet -> end-of-set.
        // benchmark, eos, safety = 3 -> parity bar -> 4.
        (8, 3, 3, [t, t, f, f, f, t, t]),
        // seq 6 = 0b110 -> seq-2, seq-4; benchmark, seq-2, seq-4, safety = 4 -> no parity bar.
        (6, 2, 3, [t, f, f, t, t, f, t]),
        // seq 7 = 0b111, single-sheet piece: benchmark, eos, 3 seq bits, safety = 6 -> none.
        (7, 1, 1, [t, t, t, t, t, f, t]),
        // seq 13 % 8 = 5 = 0b101 -> seq-1, seq-4; last sheet:
        // benchmark, eos, seq-1, seq-4, safety = 5 -> parity bar -> 6.
        (13, 2, 2, [t, t, t, f, t, t, t]),
        // seq 1_000_003 % 8 = 3 (1_000_000 = 8 * 125_000) -> seq-1, seq-2;
        // benchmark, seq-1, seq-2, safety = 4 -> none.
        (1_000_003, 4, 9, [t, f, t, t, f, f, t]),
    ];
    for (sequence, n, m, expected) in cases {
        assert_eq!(
            scheme.encode(&sheet(sequence, n, m)),
            expected,
            "sequence {sequence}, sheet {n} of {m}"
        );
    }
}

#[test]
fn odd_parity_flips_the_parity_bar() {
    let scheme = OmrScheme {
        parity: Parity::Odd,
        ..OmrScheme::standard()
    };
    let (t, f) = (true, false);
    // benchmark, seq-1, safety = 3 is already odd -> no parity bar.
    assert_eq!(scheme.encode(&sheet(1, 1, 3)), [t, f, t, f, f, f, t]);
    // seq 6: benchmark, seq-2, seq-4, safety = 4 -> parity bar -> 5.
    assert_eq!(scheme.encode(&sheet(6, 2, 3)), [t, f, f, t, t, t, t]);
}

#[test]
fn standard_bar_positions_in_mm() {
    let scheme = OmrScheme::standard();
    // Pitch 25.4 / 6 = 4.233333 mm; bar top = 20 + i * pitch - 0.5 / 2.
    //   track 0: 20 - 0.25                 = 19.75
    //   track 2: 20 + 8.466667 - 0.25      = 28.216667
    //   track 5: 20 + 21.166667 - 0.25     = 40.916667
    //   track 6: 20 + 25.4 - 0.25          = 45.15
    let bars = scheme.bars(&sheet(1, 1, 3));
    let expected_tops = [19.75, 28.216667, 40.916667, 45.15];
    assert_eq!(bars.len(), expected_tops.len());
    for (bar, top) in bars.iter().zip(expected_tops) {
        assert_close(bar.y, top, "bar top");
        assert_close(bar.x, 5.0, "bar left");
        assert_close(bar.width, 12.0, "bar length");
        assert_close(bar.height, 0.5, "bar thickness");
    }

    // Sequence 8, sheet 3 of 3 marks tracks 0, 1, 5, 6; track 1: 20 + 4.233333 - 0.25.
    let tops: Vec<f64> = scheme.bars(&sheet(8, 3, 3)).iter().map(|b| b.y).collect();
    for (top, expected) in tops.iter().zip([19.75, 23.983333, 40.916667, 45.15]) {
        assert_close(*top, expected, "bar top");
    }

    // The zone spans track 0's top edge to track 6's bottom edge:
    // 19.75 .. 45.4 + 0.25 = 45.65, i.e. 25.9 mm high.
    let zone = scheme.zone();
    assert_close(zone.x, 5.0, "zone x");
    assert_close(zone.y, 19.75, "zone y");
    assert_close(zone.width, 12.0, "zone width");
    assert_close(zone.height, 25.9, "zone height");
    assert_close(zone.bottom(), 45.65, "zone bottom");
}

#[test]
fn decode_standard_codes() {
    let scheme = OmrScheme::standard();
    let (t, f) = (true, false);
    let decoded = scheme.decode(&[t, t, t, f, t, t, t]).unwrap();
    assert!(decoded.end_of_set);
    assert_eq!(decoded.sequence_mod8, Some(5));
    assert!(decoded.parity_ok);

    // A lost sequence-2 bar is caught by parity.
    let decoded = scheme.decode(&[t, f, t, f, f, f, t]).unwrap();
    assert_eq!(decoded.sequence_mod8, Some(1));
    assert!(!decoded.parity_ok);
}

#[test]
fn decode_rejects_incomplete_reads() {
    let scheme = OmrScheme::standard();
    let (t, f) = (true, false);
    for marks in [
        vec![f, f, t, f, f, f, t], // no benchmark
        vec![t, f, t, f, f, t, f], // no safety: code read only partly
        vec![t, f, t, f, f, t],    // a track short
    ] {
        let err = scheme.decode(&marks).unwrap_err();
        assert!(matches!(err, MarkError::Decode(_)), "{marks:?}: {err:?}");
    }
}

#[test]
fn decode_without_optional_tracks() {
    let scheme = OmrScheme {
        tracks: vec![OmrFunction::Benchmark, OmrFunction::EndOfSet],
        ..OmrScheme::standard()
    };
    scheme.validate().unwrap();
    let decoded = scheme.decode(&[true, false]).unwrap();
    assert_eq!(decoded.sequence_mod8, None);
    assert!(!decoded.end_of_set);
    assert!(decoded.parity_ok);
}

// ---------------------------------------------------------------------------
// OMR: validation and configuration
// ---------------------------------------------------------------------------

fn geometry_field(result: Result<(), MarkError>) -> &'static str {
    match result {
        Err(MarkError::InvalidGeometry { field, .. }) => field,
        other => panic!("expected a geometry error, got {other:?}"),
    }
}

#[test]
fn geometry_errors_name_the_field() {
    let base = OmrScheme::standard();
    let cases: Vec<(OmrScheme, &str)> = vec![
        (
            OmrScheme {
                bar_thickness_mm: 4.5,
                ..base.clone()
            },
            "bar_thickness_mm",
        ),
        (
            OmrScheme {
                bar_thickness_mm: base.pitch_mm,
                ..base.clone()
            },
            "bar_thickness_mm",
        ),
        (
            OmrScheme {
                bar_thickness_mm: 0.0,
                ..base.clone()
            },
            "bar_thickness_mm",
        ),
        (
            OmrScheme {
                pitch_mm: f64::NAN,
                ..base.clone()
            },
            "pitch_mm",
        ),
        (
            OmrScheme {
                pitch_mm: -4.2,
                ..base.clone()
            },
            "pitch_mm",
        ),
        (
            OmrScheme {
                left_mm: -0.1,
                ..base.clone()
            },
            "left_mm",
        ),
        (
            OmrScheme {
                top_mm: f64::INFINITY,
                ..base.clone()
            },
            "top_mm",
        ),
        (
            OmrScheme {
                bar_length_mm: 0.0,
                ..base.clone()
            },
            "bar_length_mm",
        ),
    ];
    for (scheme, field) in cases {
        let result = scheme.validate();
        let message = result.as_ref().unwrap_err().to_string();
        assert!(message.contains(field), "{message:?} should name {field}");
        assert_eq!(geometry_field(result), field);
    }
    // Top and left edges may be zero.
    OmrScheme {
        top_mm: 0.0,
        left_mm: 0.0,
        ..base
    }
    .validate()
    .unwrap();
}

#[test]
fn track_errors() {
    use OmrFunction::*;
    let cases: [Vec<OmrFunction>; 6] = [
        vec![],
        vec![EndOfSet, Benchmark, Safety],
        vec![Benchmark, Safety, Benchmark],
        vec![Benchmark, EndOfSet, EndOfSet],
        vec![Benchmark, Sequence1, Sequence2, Safety],
        vec![Benchmark, Sequence4, Parity],
    ];
    for tracks in cases {
        let scheme = OmrScheme {
            tracks: tracks.clone(),
            ..OmrScheme::standard()
        };
        let err = scheme.validate().unwrap_err();
        assert!(
            matches!(err, MarkError::InvalidTracks(_)),
            "{tracks:?}: {err:?}"
        );
        assert!(err.to_string().contains("tracks"), "{err}");
    }
    let minimal = OmrScheme {
        tracks: vec![Benchmark],
        ..OmrScheme::standard()
    };
    minimal.validate().unwrap();
}

const STANDARD_TOML: &str = r#"
top_mm = 20.0
left_mm = 5.0
pitch_mm = 4.2333
bar_length_mm = 12.0
bar_thickness_mm = 0.5
tracks = ["benchmark", "end-of-set", "sequence-1", "sequence-2", "sequence-4", "parity", "safety"]
"#;

#[test]
fn omr_scheme_from_toml() {
    let scheme: OmrScheme = toml::from_str(STANDARD_TOML).unwrap();
    assert_eq!(scheme.parity, Parity::Even, "parity defaults to even");
    assert_eq!(scheme.tracks, OmrScheme::standard().tracks);
    assert_eq!(scheme.pitch_mm, 4.2333);
    scheme.validate().unwrap();

    let odd: OmrScheme = toml::from_str(&format!("{STANDARD_TOML}parity = \"odd\"\n")).unwrap();
    assert_eq!(odd.parity, Parity::Odd);
}

#[test]
fn omr_scheme_toml_rejects_unknown_keys_and_names() {
    let err =
        toml::from_str::<OmrScheme>(&format!("{STANDARD_TOML}bar_width_mm = 1.0\n")).unwrap_err();
    assert!(err.to_string().contains("bar_width_mm"), "{err}");

    let misspelt = STANDARD_TOML.replace("\"sequence-1\"", "\"sequence1\"");
    assert!(toml::from_str::<OmrScheme>(&misspelt).is_err());
}

// ---------------------------------------------------------------------------
// OMR: properties
// ---------------------------------------------------------------------------

/// A valid generic scheme with random geometry, parity rule and track
/// selection/order (benchmark always first): begin and end of set each
/// absent, positive or negative logic; any subset of the selective feeds.
fn any_scheme() -> impl Strategy<Value = OmrScheme> {
    (
        0.0..50.0f64,
        0.0..20.0f64,
        2.0..8.0f64,
        0.05..0.95f64,
        3.0..20.0f64,
        any::<[bool; 5]>(),
        0u8..3,
        0u8..3,
        any::<u8>(),
    )
        .prop_flat_map(
            |(top, left, pitch, thickness_ratio, length, used, begin, end, feeds)| {
                let [parity, sequence, safety, divert, odd] = used;
                let mut rest = Vec::new();
                match begin {
                    1 => rest.push(OmrFunction::BeginOfSet),
                    2 => rest.push(OmrFunction::NotBeginOfSet),
                    _ => {}
                }
                match end {
                    1 => rest.push(OmrFunction::EndOfSet),
                    2 => rest.push(OmrFunction::NotEndOfSet),
                    _ => {}
                }
                if parity {
                    rest.push(OmrFunction::Parity);
                }
                if sequence {
                    rest.extend([
                        OmrFunction::Sequence1,
                        OmrFunction::Sequence2,
                        OmrFunction::Sequence4,
                    ]);
                }
                for (bit, feed) in SELECTIVE_FEEDS.iter().enumerate() {
                    if feeds & (1 << bit) != 0 {
                        rest.push(*feed);
                    }
                }
                if divert {
                    rest.push(OmrFunction::Divert);
                }
                if safety {
                    rest.push(OmrFunction::Safety);
                }
                Just(rest).prop_shuffle().prop_map(move |rest| OmrScheme {
                    family: OmrFamily::Generic,
                    top_mm: top,
                    left_mm: left,
                    pitch_mm: pitch,
                    bar_length_mm: length,
                    bar_thickness_mm: pitch * thickness_ratio,
                    tracks: std::iter::once(OmrFunction::Benchmark)
                        .chain(rest)
                        .collect(),
                    parity: if odd { Parity::Odd } else { Parity::Even },
                })
            },
        )
}

const SELECTIVE_FEEDS: [OmrFunction; 6] = [
    OmrFunction::SelectiveFeed1,
    OmrFunction::SelectiveFeed2,
    OmrFunction::SelectiveFeed3,
    OmrFunction::SelectiveFeed4,
    OmrFunction::SelectiveFeed5,
    OmrFunction::SelectiveFeed6,
];

fn any_sheet() -> impl Strategy<Value = (u64, u32, u32)> {
    (1u64..10_000_000, 1u32..20)
        .prop_flat_map(|(seq, sheets)| (Just(seq), 1..=sheets, Just(sheets)))
}

proptest! {
    #[test]
    fn omr_properties(
        scheme in any_scheme(),
        (sequence, n, m) in any_sheet(),
        feeders in any::<u8>(),
        divert in any::<bool>(),
    ) {
        scheme.validate().unwrap();
        let has = |f| scheme.tracks.contains(&f);
        // Feeder bits the scheme has tracks for: with them drawing succeeds,
        // with any other bit it must fail.
        let supported: u8 = SELECTIVE_FEEDS
            .iter()
            .enumerate()
            .filter(|(_, f)| has(**f))
            .map(|(bit, _)| 1u8 << bit)
            .sum();
        prop_assert_eq!(scheme.supported_feeders(), supported);
        let divert_ok = divert && has(OmrFunction::Divert);
        let control = sheet(sequence, n, m)
            .with_feeders(feeders & supported)
            .with_divert(divert_ok);
        let requested = sheet(sequence, n, m).with_feeders(feeders).with_divert(divert);
        let expressible = feeders & !supported == 0 && (!divert || has(OmrFunction::Divert));
        prop_assert_eq!(scheme.check_sheet(&requested).is_ok(), expressible);
        if !expressible {
            let is_unsupported = matches!(scheme.draw(&requested), Err(MarkError::Unsupported(_)));
            prop_assert!(is_unsupported);
        }

        let marks = scheme.encode(&control);
        prop_assert_eq!(marks.len(), scheme.tracks.len());

        let count = marks.iter().filter(|&&b| b).count();
        if has(OmrFunction::Parity) {
            match scheme.parity {
                Parity::Even => prop_assert_eq!(count % 2, 0),
                Parity::Odd => prop_assert_eq!(count % 2, 1),
            }
        }

        // Every track means what it says.
        for (function, &marked) in scheme.tracks.iter().zip(&marks) {
            let feed = |k: u32| Some(feeders & supported & (1 << (k - 1)) != 0);
            let expected = match function {
                OmrFunction::Benchmark | OmrFunction::Safety => Some(true),
                OmrFunction::BeginOfSet => Some(n == 1),
                OmrFunction::NotBeginOfSet => Some(n != 1),
                OmrFunction::EndOfSet => Some(n == m),
                OmrFunction::NotEndOfSet => Some(n != m),
                OmrFunction::Sequence1 => Some(sequence % 2 == 1),
                OmrFunction::Sequence2 => Some((sequence / 2) % 2 == 1),
                OmrFunction::Sequence4 => Some((sequence / 4) % 2 == 1),
                OmrFunction::SelectiveFeed1 => feed(1),
                OmrFunction::SelectiveFeed2 => feed(2),
                OmrFunction::SelectiveFeed3 => feed(3),
                OmrFunction::SelectiveFeed4 => feed(4),
                OmrFunction::SelectiveFeed5 => feed(5),
                OmrFunction::SelectiveFeed6 => feed(6),
                OmrFunction::Divert => Some(divert_ok),
                OmrFunction::Parity => None,
            };
            if let Some(expected) = expected {
                prop_assert_eq!(marked, expected, "{:?}", function);
            }
        }

        let decoded = scheme.decode(&marks).unwrap();
        let knows_end = has(OmrFunction::EndOfSet) || has(OmrFunction::NotEndOfSet);
        let knows_begin = has(OmrFunction::BeginOfSet) || has(OmrFunction::NotBeginOfSet);
        prop_assert_eq!(decoded.end_of_set, knows_end && n == m);
        prop_assert_eq!(decoded.begin_of_set, knows_begin && n == 1);
        prop_assert_eq!(decoded.feeders, feeders & supported);
        prop_assert_eq!(decoded.divert, divert_ok);
        let expected_seq = has(OmrFunction::Sequence1).then_some((sequence % 8) as u8);
        prop_assert_eq!(decoded.sequence_mod8, expected_seq);
        prop_assert!(decoded.parity_ok);

        // One bar per marked track, centred on that track's centre line, inside the zone.
        let bars = scheme.bars(&control);
        prop_assert_eq!(&scheme.draw(&control).unwrap(), &bars);
        prop_assert_eq!(bars.len(), count);
        let marked_tracks = marks.iter().enumerate().filter(|(_, m)| **m).map(|(i, _)| i);
        let zone = scheme.zone();
        prop_assert_eq!(scheme.clear_zone(), zone, "generic schemes have no extra clear zone");
        let n_tracks = scheme.tracks.len() as f64;
        for (bar, track) in bars.iter().zip(marked_tracks) {
            let centre = bar.y + bar.height / 2.0;
            prop_assert!((centre - (scheme.top_mm + track as f64 * scheme.pitch_mm)).abs() < 1e-6);
            prop_assert!((bar.x - scheme.left_mm).abs() < EPS);
            prop_assert!((bar.width - scheme.bar_length_mm).abs() < EPS);
            prop_assert!((bar.height - scheme.bar_thickness_mm).abs() < EPS);
            prop_assert!(zone.contains(bar));
            prop_assert!(bar.y >= zone.y - 1e-6 && bar.bottom() <= zone.bottom() + 1e-6);
        }
        // The zone spans all tracks, marked or not.
        let expected_height = (n_tracks - 1.0) * scheme.pitch_mm + scheme.bar_thickness_mm;
        prop_assert!((zone.height - expected_height).abs() < 1e-6);
        prop_assert!((zone.y - (scheme.top_mm - scheme.bar_thickness_mm / 2.0)).abs() < 1e-6);

        // Bars never touch: thickness < pitch.
        for pair in bars.windows(2) {
            prop_assert!(!pair[0].intersects(&pair[1]));
        }
    }
}

// ---------------------------------------------------------------------------
// DataMatrix
// ---------------------------------------------------------------------------

fn dm_mark(template: &str) -> DataMatrixMark {
    DataMatrixMark {
        x_mm: 185.0,
        y_mm: 12.0,
        module_mm: 0.5,
        template: template.to_owned(),
    }
}

/// Pixels per module in the test raster.
const SCALE: usize = 4;
/// White border around the symbol in the test raster, in modules.
const BORDER: usize = 4;

/// Rasterises the rectangles (not the symbol's module bitmap) into an 8-bit
/// luma image, black on white, with a border of `BORDER` modules.
fn rasterize(
    mark: &DataMatrixMark,
    symbol: &DataMatrixSymbol,
    rects: &[MarkRect],
) -> (Vec<u8>, usize, usize) {
    let width = (symbol.width + 2 * BORDER) * SCALE;
    let height = (symbol.height + 2 * BORDER) * SCALE;
    let origin_x = mark.x_mm - BORDER as f64 * mark.module_mm;
    let origin_y = mark.y_mm - BORDER as f64 * mark.module_mm;
    let to_px =
        |mm: f64, origin: f64| ((mm - origin) / mark.module_mm * SCALE as f64).round() as usize;
    let mut luma = vec![255u8; width * height];
    for r in rects {
        for y in to_px(r.y, origin_y)..to_px(r.bottom(), origin_y) {
            for x in to_px(r.x, origin_x)..to_px(r.right(), origin_x) {
                luma[y * width + x] = 0;
            }
        }
    }
    (luma, width, height)
}

fn read_back(mark: &DataMatrixMark, payload: &str) -> String {
    let symbol = mark.encode(payload).unwrap();
    let (luma, w, h) = rasterize(mark, &symbol, &mark.rects(&symbol));
    rxing::helpers::detect_in_luma(luma, w as u32, h as u32, Some(BarcodeFormat::DATA_MATRIX))
        .unwrap_or_else(|e| panic!("rxing could not read {payload:?}: {e:?}"))
        .getText()
        .to_owned()
}

const SQUARE_SIZES: [usize; 24] = [
    10, 12, 14, 16, 18, 20, 22, 24, 26, 32, 36, 40, 44, 48, 52, 64, 72, 80, 88, 96, 104, 120, 132,
    144,
];

#[test]
fn payload_fills_in_the_template() {
    let control = SheetControl::new("JOB123.1", "P9", 4711, 2, 5).with_feeders(0b0010_0100);
    assert_eq!(
        dm_mark(DEFAULT_TEMPLATE).payload(&control),
        "JOB123.1|P9|2/5"
    );
    let custom = dm_mark("J={job};S={sequence};{sheet}/{sheets};{{x}}");
    custom.validate().unwrap();
    assert_eq!(custom.payload(&control), "J=JOB123.1;S=4711;2/5;{x}");
    // Set size is the sheet count; feeders 3 and 6 are bits 2 and 5 = 0x24.
    let extended = dm_mark("{job}|{piece}|{sheet}/{set_size}|F{feeders}|D{divert}");
    extended.validate().unwrap();
    assert_eq!(extended.payload(&control), "JOB123.1|P9|2/5|F24|D0");
    assert_eq!(
        extended.payload(&control.with_feeders(0xFF).with_divert(true)),
        "JOB123.1|P9|2/5|FFF|D1"
    );
}

#[test]
fn realistic_payloads_decode_with_rxing() {
    let mark = dm_mark(DEFAULT_TEMPLATE);
    mark.validate().unwrap();
    for payload in [
        "T2026-0001|P000123|2/5",
        "JOB42.1|P9|1/1",
        "JOB123.1|P000042|12/12",
        "t2026-0001.3|p-00/17|1/250",
    ] {
        assert_eq!(read_back(&mark, payload), payload);
    }
}

#[test]
fn symbols_are_square_and_small() {
    let mark = dm_mark(DEFAULT_TEMPLATE);
    // ASCII encodation needs at most one codeword per character, and a digit
    // pair shares one: "T2026-0001|P000123|2/5" needs at most
    // T,20,26,-,00,01,|,P,00,01,23,|,2,/,5 = 15 codewords, "JOB42.1|P9|1/1"
    // at most 14. The 18x18 symbol holds 18 data codewords, so neither may be larger.
    for payload in ["T2026-0001|P000123|2/5", "JOB42.1|P9|1/1"] {
        let symbol = mark.encode(payload).unwrap();
        assert_eq!(symbol.width, symbol.height);
        assert!(SQUARE_SIZES.contains(&symbol.width), "{}", symbol.width);
        assert!(
            symbol.width <= 18,
            "{payload}: {}x{}",
            symbol.width,
            symbol.height
        );
        assert_eq!(symbol.modules.len(), symbol.width * symbol.height);
        // ECC200 finder pattern: solid left column and bottom row.
        assert!((0..symbol.height).all(|y| symbol.is_dark(0, y)));
        assert!((0..symbol.width).all(|x| symbol.is_dark(x, symbol.height - 1)));
    }
    // 144x144 holds at most 1558 data codewords.
    let err = mark.encode(&"A".repeat(5000)).unwrap_err();
    assert!(matches!(err, MarkError::DataMatrix(_)), "{err:?}");
}

#[test]
fn rects_cover_exactly_the_dark_modules_and_are_merged() {
    let mark = dm_mark(DEFAULT_TEMPLATE);
    let symbol = mark.encode("T2026-0001|P000123|2/5").unwrap();
    let rects = mark.rects(&symbol);
    let mut covered = vec![0u32; symbol.width * symbol.height];
    for r in &rects {
        // Module coordinates must be whole numbers.
        let col = (r.x - mark.x_mm) / mark.module_mm;
        let row = (r.y - mark.y_mm) / mark.module_mm;
        let len = r.width / mark.module_mm;
        assert!((col - col.round()).abs() < 1e-9 && (row - row.round()).abs() < 1e-9);
        assert!((len - len.round()).abs() < 1e-9 && (r.height - mark.module_mm).abs() < EPS);
        let (col, row, len) = (
            col.round() as usize,
            row.round() as usize,
            len.round() as usize,
        );
        for c in col..col + len {
            covered[row * symbol.width + c] += 1;
        }
    }
    for (i, (&count, &dark)) in covered.iter().zip(&symbol.modules).enumerate() {
        assert_eq!(count, u32::from(dark), "module {i}");
    }
    // Maximal merging: rectangles in one row never touch each other.
    for a in &rects {
        for b in &rects {
            if a != b && (a.y - b.y).abs() < EPS {
                assert!(
                    (a.right() - b.x).abs() > EPS,
                    "{a:?} and {b:?} should be merged"
                );
            }
        }
    }
    // Fewer rectangles than dark modules (the timing row alone has runs).
    let dark = symbol.modules.iter().filter(|&&d| d).count();
    assert!(
        rects.len() < dark,
        "{} rects for {dark} dark modules",
        rects.len()
    );
}

#[test]
fn zone_adds_a_two_module_quiet_zone() {
    let mark = dm_mark(DEFAULT_TEMPLATE);
    let symbol = mark.encode("JOB42.1|P9|1/1").unwrap();
    let zone = mark.zone(&symbol);
    let side = symbol.width as f64 * 0.5 + 2.0; // symbol plus 2 x 2 x 0.5 mm
    assert_close(zone.x, 184.0, "zone x");
    assert_close(zone.y, 11.0, "zone y");
    assert_close(zone.width, side, "zone width");
    assert_close(zone.height, side, "zone height");
    for r in mark.rects(&symbol) {
        assert!(zone.contains(&r));
        assert!(r.x >= 185.0 - EPS && r.y >= 12.0 - EPS);
    }
}

#[test]
fn data_matrix_validation() {
    let unknown = dm_mark("{job}|{page}");
    match unknown.validate().unwrap_err() {
        MarkError::Template { template, reason } => {
            assert_eq!(template, "{job}|{page}");
            assert!(reason.contains("{page}"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
    for template in ["", "{job", "job}", "{sheet}/{}"] {
        let err = dm_mark(template).validate().unwrap_err();
        assert!(
            matches!(err, MarkError::Template { .. }),
            "{template:?}: {err:?}"
        );
    }

    let cases = [
        (
            DataMatrixMark {
                module_mm: 0.0,
                ..dm_mark(DEFAULT_TEMPLATE)
            },
            "module_mm",
        ),
        (
            DataMatrixMark {
                module_mm: f64::NAN,
                ..dm_mark(DEFAULT_TEMPLATE)
            },
            "module_mm",
        ),
        // The 2-module quiet zone (1 mm) must stay on the page.
        (
            DataMatrixMark {
                x_mm: 0.9,
                ..dm_mark(DEFAULT_TEMPLATE)
            },
            "x_mm",
        ),
        (
            DataMatrixMark {
                y_mm: -3.0,
                ..dm_mark(DEFAULT_TEMPLATE)
            },
            "y_mm",
        ),
    ];
    for (mark, field) in cases {
        assert_eq!(geometry_field(mark.validate()), field);
    }
    DataMatrixMark {
        x_mm: 1.0,
        y_mm: 1.0,
        ..dm_mark(DEFAULT_TEMPLATE)
    }
    .validate()
    .unwrap();
}

#[test]
fn data_matrix_mark_from_toml() {
    let mark: DataMatrixMark =
        toml::from_str("x_mm = 190.0\ny_mm = 10.0\nmodule_mm = 0.5\n").unwrap();
    assert_eq!(mark.template, "{job}|{piece}|{sheet}/{sheets}");
    let err =
        toml::from_str::<DataMatrixMark>("x_mm = 1.0\ny_mm = 1.0\nmodule_mm = 0.5\nsize = 3\n")
            .unwrap_err();
    assert!(err.to_string().contains("size"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn templated_payloads_round_trip_through_rxing(
        job in "[A-Z]{1,4}[0-9]{1,6}(\\.[0-9]{1,2})?",
        piece in "P[0-9]{1,8}",
        sequence in 1u64..100_000_000,
        (n, m) in (1u32..400).prop_flat_map(|m| (1..=m, Just(m))),
        module_mm in 0.25..0.8f64,
    ) {
        let control = SheetControl::new(&job, &piece, sequence, n, m);
        let mark = DataMatrixMark { module_mm, ..dm_mark("{job}|{piece}|{sheet}/{sheets}|{sequence}") };
        let payload = mark.payload(&control);
        prop_assert_eq!(&payload, &format!("{job}|{piece}|{n}/{m}|{sequence}"));
        prop_assert_eq!(read_back(&mark, &payload), payload);
    }

    #[test]
    fn printable_ascii_round_trips_through_rxing(payload in "[ -~]{1,80}") {
        prop_assert_eq!(read_back(&dm_mark(DEFAULT_TEMPLATE), &payload), payload);
    }
}

// ---------------------------------------------------------------------------
// OMR: negative logic, selective feed, divert, families
// ---------------------------------------------------------------------------

#[test]
fn negative_logic_marks_every_sheet_but_the_first_or_last() {
    use OmrFunction::*;
    let scheme = OmrScheme {
        tracks: vec![Benchmark, NotBeginOfSet, NotEndOfSet, Safety],
        ..OmrScheme::standard()
    };
    scheme.validate().unwrap();
    let (t, f) = (true, false);
    // A 3-sheet set: sheet 1 is not "not begin", sheet 3 is not "not end".
    assert_eq!(scheme.encode(&sheet(1, 1, 3)), [t, f, t, t]);
    assert_eq!(scheme.encode(&sheet(2, 2, 3)), [t, t, t, t]);
    assert_eq!(scheme.encode(&sheet(3, 3, 3)), [t, t, f, t]);
    // A single sheet is both first and last: neither bar.
    assert_eq!(scheme.encode(&sheet(4, 1, 1)), [t, f, f, t]);
    let decoded = scheme.decode(&[t, f, f, t]).unwrap();
    assert!(decoded.begin_of_set && decoded.end_of_set);
    let decoded = scheme.decode(&[t, t, t, t]).unwrap();
    assert!(!decoded.begin_of_set && !decoded.end_of_set);

    let positive = OmrScheme {
        tracks: vec![Benchmark, BeginOfSet, EndOfSet, Safety],
        ..OmrScheme::standard()
    };
    assert_eq!(positive.encode(&sheet(1, 1, 3)), [t, t, f, t]);
    assert_eq!(positive.encode(&sheet(2, 2, 3)), [t, f, f, t]);
    assert_eq!(positive.encode(&sheet(3, 3, 3)), [t, f, t, t]);
    assert_eq!(positive.encode(&sheet(4, 1, 1)), [t, t, t, t]);

    // A function and its negation together are rejected.
    for tracks in [
        vec![Benchmark, EndOfSet, NotEndOfSet],
        vec![Benchmark, NotBeginOfSet, BeginOfSet],
    ] {
        let err = OmrScheme {
            tracks,
            ..OmrScheme::standard()
        }
        .validate()
        .unwrap_err();
        assert!(matches!(err, MarkError::InvalidTracks(_)), "{err:?}");
    }
}

// Quadient preset tracks, top to bottom:
//   0 start, 1 insert, 2 parity (even), 3 safety, 4 divert, 5..10 selective feed 1..6
#[test]
fn quadient_preset_table() {
    let scheme = OmrScheme::quadient();
    scheme.validate().unwrap();
    assert_eq!(scheme.family, OmrFamily::Quadient);
    assert_eq!(scheme.supported_feeders(), 0b0011_1111);
    let (t, f) = (true, false);
    let cases: [(SheetControl<'static>, [bool; 11]); 4] = [
        // Sheet 1 of 2: start, safety = 2 (even) -> no parity bar.
        (sheet(1, 1, 2), [t, f, f, t, f, f, f, f, f, f, f]),
        // Sheet 2 of 2: start, insert, safety = 3 -> parity bar.
        (sheet(2, 2, 2), [t, t, t, t, f, f, f, f, f, f, f]),
        // Last sheet with feeders 1 and 3 (0b101): start, insert, safety,
        // feed-1, feed-3 = 5 -> parity bar.
        (
            sheet(3, 1, 1).with_feeders(0b101),
            [t, t, t, t, f, t, f, t, f, f, f],
        ),
        // Last sheet, divert and feeder 6: start, insert, safety, divert,
        // feed-6 = 5 -> parity bar.
        (
            sheet(4, 3, 3).with_feeders(0b10_0000).with_divert(true),
            [t, t, t, t, t, f, f, f, f, f, t],
        ),
    ];
    for (control, expected) in cases {
        assert_eq!(scheme.encode(&control), expected, "{control:?}");
        let decoded = scheme.decode(&expected).unwrap();
        assert_eq!(decoded.feeders, control.feeders);
        assert_eq!(decoded.divert, control.divert);
        assert_eq!(decoded.end_of_set, control.is_last_of_piece());
        assert!(decoded.parity_ok);
    }
    // The first mark sits 100 mm from the top: bar top = 100 - 0.25.
    assert_close(scheme.bars(&sheet(1, 1, 2))[0].y, 99.75, "first bar top");
}

// Pitney Bowes preset tracks, top to bottom:
//   0 benchmark, 1 not-end-of-set, 2 seq-1, 3 seq-2, 4 seq-4, 5..7 feed 1..3, 8 parity, 9 safety
#[test]
fn pitney_bowes_preset_table() {
    let scheme = OmrScheme::pitney_bowes();
    scheme.validate().unwrap();
    let (t, f) = (true, false);
    // Sequence 5 = 0b101, sheet 1 of 2 (not the end): benchmark, not-eoc,
    // seq-1, seq-4, safety = 5 -> parity bar.
    assert_eq!(
        scheme.encode(&sheet(5, 1, 2)),
        [t, t, t, f, t, f, f, f, t, t]
    );
    // Sequence 14 % 8 = 6 = 0b110, last sheet, feeder 2: benchmark, seq-2,
    // seq-4, feed-2, safety = 5 -> parity bar.
    assert_eq!(
        scheme.encode(&sheet(14, 2, 2).with_feeders(0b10)),
        [t, f, f, t, t, f, t, f, t, t]
    );
    // Zone: 10 tracks, 9 pitches of 25.4/6 + 0.5 = 38.6 mm; the clear zone
    // adds 3 mm to the sides and 20 mm before and after.
    let zone = scheme.zone();
    assert_close(zone.height, 38.6, "code length");
    let clear = scheme.clear_zone();
    assert_close(clear.x, 3.0, "clear zone left");
    assert_close(clear.y, 29.75 - 20.0, "clear zone top");
    assert_close(clear.width, 18.0, "clear zone width");
    assert_close(clear.height, 78.6, "clear zone height");
}

#[test]
fn selective_feeds_and_divert_need_a_track() {
    let scheme = OmrScheme::pitney_bowes(); // feeders 1-3, no divert
    assert_eq!(scheme.supported_feeders(), 0b111);
    scheme
        .check_sheet(&sheet(1, 1, 1).with_feeders(0b111))
        .unwrap();
    let err = scheme
        .draw(&sheet(1, 1, 1).with_feeders(0b1001))
        .unwrap_err();
    match &err {
        MarkError::Unsupported(message) => {
            assert!(message.contains("selective feeder 4"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
    let err = scheme.draw(&sheet(1, 1, 1).with_divert(true)).unwrap_err();
    assert!(err.to_string().contains("divert"), "{err}");
    // The generic InserterCode goes through the same check.
    let code = InserterCode::Omr(scheme);
    assert!(code.draw(&sheet(1, 1, 1).with_feeders(0x80)).is_err());
    assert_eq!(code.draw(&sheet(1, 1, 1)).unwrap().len(), 4);
}

/// Asserts that validation fails naming `field` (a geometry error whose
/// message mentions `limit`) or, for `field == "tracks"`, a track error
/// whose message mentions `limit`.
fn assert_limit(scheme: &OmrScheme, field: &str, limit: &str) {
    let err = scheme.validate().unwrap_err();
    let message = err.to_string();
    match &err {
        MarkError::InvalidGeometry { field: f, .. } => assert_eq!(*f, field, "{message}"),
        MarkError::InvalidTracks(_) => assert_eq!("tracks", field, "{message}"),
        other => panic!("unexpected {other:?}"),
    }
    assert!(message.contains(field), "{message:?} should name {field}");
    assert!(message.contains(limit), "{message:?} should name {limit}");
}

#[test]
fn pitney_bowes_limits_are_enforced() {
    use OmrFunction::*;
    let pb = OmrScheme::pitney_bowes();
    let with = |f: &dyn Fn(&mut OmrScheme)| {
        let mut s = pb.clone();
        f(&mut s);
        s
    };
    assert_limit(
        &with(&|s| s.bar_thickness_mm = 0.3),
        "bar_thickness_mm",
        "0.35–0.7 mm",
    );
    assert_limit(
        &with(&|s| s.bar_thickness_mm = 0.75),
        "bar_thickness_mm",
        "0.35–0.7 mm",
    );
    assert_limit(
        &with(&|s| s.bar_length_mm = 9.9),
        "bar_length_mm",
        "at least 10 mm",
    );
    assert_limit(
        &with(&|s| {
            s.pitch_mm = 2.5;
            s.bar_thickness_mm = 0.4;
        }),
        "pitch_mm",
        "at least 2.54 mm",
    );
    // 25 positions at the minimum pitch (61.5 mm, under 70 mm): too many.
    let mut many = vec![Benchmark, EndOfSet, Sequence1, Sequence2, Sequence4, Parity];
    many.extend([SelectiveFeed1, SelectiveFeed2, SelectiveFeed3]);
    many.extend([SelectiveFeed4, SelectiveFeed5, SelectiveFeed6, Divert]);
    many.extend([BeginOfSet, Safety]);
    assert_eq!(many.len(), 15);
    let fifteen = with(&|s| {
        s.tracks = many.clone();
        s.pitch_mm = 4.6;
    });
    // 14 x 4.6 + 0.5 = 64.9 mm: fine. One more pitch step: 14 x 5 + 0.5 = 70.5 mm.
    fifteen.validate().unwrap();
    assert_limit(
        &with(&|s| {
            s.tracks = many.clone();
            s.pitch_mm = 5.0;
        }),
        "pitch_mm",
        "at most 70 mm",
    );
    // (At most 15 distinct functions can be combined today, so the
    // 24-position limit cannot be exceeded by a scheme that passes the
    // generic checks.)
    assert_limit(&with(&|s| s.top_mm = 20.0), "top_mm", "20 mm clear zone");
    with(&|s| s.top_mm = 20.25).validate().unwrap();
    assert_limit(&with(&|s| s.left_mm = 2.9), "left_mm", "3 mm clear zone");
    // The same geometry is fine for a generic scheme.
    with(&|s| {
        s.family = OmrFamily::Generic;
        s.bar_thickness_mm = 0.3;
        s.bar_length_mm = 5.0;
        s.top_mm = 1.0;
    })
    .validate()
    .unwrap();
}

#[test]
fn quadient_limits_are_enforced() {
    use OmrFunction::*;
    let q = OmrScheme::quadient();
    let with = |f: &dyn Fn(&mut OmrScheme)| {
        let mut s = q.clone();
        f(&mut s);
        s
    };
    assert_limit(
        &with(&|s| s.bar_thickness_mm = 0.15),
        "bar_thickness_mm",
        "at least 0.2 mm",
    );
    with(&|s| s.bar_thickness_mm = 0.2).validate().unwrap();
    assert_limit(&with(&|s| s.pitch_mm = 2.0), "pitch_mm", "at least 2.54 mm");
    assert_limit(
        &with(&|s| s.parity = tandem_marks::Parity::Odd),
        "parity",
        "even parity",
    );
    // Fixed order start / insert / parity / safety.
    assert_limit(
        &with(&|s| s.tracks = vec![Benchmark, Parity, EndOfSet, Safety]),
        "tracks",
        "fixed order",
    );
    assert_limit(
        &with(&|s| s.tracks = vec![Benchmark, NotEndOfSet, Parity, Safety]),
        "tracks",
        "fixed order",
    );
    // Optional tracks only divert, feed 1-6, in that order.
    assert_limit(
        &with(&|s| {
            s.tracks = vec![
                Benchmark,
                EndOfSet,
                Parity,
                Safety,
                SelectiveFeed2,
                SelectiveFeed1,
            ]
        }),
        "tracks",
        "in that order",
    );
    assert_limit(
        &with(&|s| s.tracks = vec![Benchmark, EndOfSet, Parity, Safety, SelectiveFeed1, Divert]),
        "tracks",
        "in that order",
    );
    assert_limit(
        &with(&|s| {
            s.tracks = vec![
                Benchmark, EndOfSet, Parity, Safety, Sequence1, Sequence2, Sequence4,
            ]
        }),
        "tracks",
        "in that order",
    );
    // Gaps in the optional tracks are fine.
    with(&|s| s.tracks = vec![Benchmark, EndOfSet, Parity, Safety, Divert, SelectiveFeed4])
        .validate()
        .unwrap();
    with(&|s| s.tracks = vec![Benchmark, EndOfSet, Parity, Safety])
        .validate()
        .unwrap();
}

const QUADIENT_TOML: &str = r#"
family = "quadient"
top_mm = 100.0
left_mm = 6.0
pitch_mm = 4.2333
bar_length_mm = 12.0
bar_thickness_mm = 0.5
tracks = ["start", "insert", "parity", "safety", "divert", "selective-feed-1", "selective-feed-6"]
"#;

#[test]
fn families_and_new_functions_from_toml() {
    use OmrFunction::*;
    let scheme: OmrScheme = toml::from_str(QUADIENT_TOML).unwrap();
    assert_eq!(scheme.family, OmrFamily::Quadient);
    assert_eq!(
        scheme.tracks,
        [
            Benchmark,
            EndOfSet,
            Parity,
            Safety,
            Divert,
            SelectiveFeed1,
            SelectiveFeed6
        ]
    );
    scheme.validate().unwrap();
    // The family defaults to generic; serialising writes the canonical names.
    let generic: OmrScheme = toml::from_str(STANDARD_TOML).unwrap();
    assert_eq!(generic.family, OmrFamily::Generic);
    let written = toml::to_string(&OmrScheme::pitney_bowes()).unwrap();
    assert!(written.contains("family = \"pitney-bowes\""), "{written}");
    assert!(written.contains("\"not-end-of-set\""), "{written}");
    assert!(written.contains("\"selective-feed-3\""), "{written}");
    let back: OmrScheme = toml::from_str(&written).unwrap();
    assert_eq!(back, OmrScheme::pitney_bowes());
    assert!(toml::from_str::<OmrScheme>(&QUADIENT_TOML.replace("quadient", "quadrant")).is_err());
    assert!(
        toml::from_str::<OmrScheme>(&QUADIENT_TOML.replace("selective-feed-6", "selective-feed-7"))
            .is_err()
    );
}

// ---------------------------------------------------------------------------
// 1D barcodes: hand-worked patterns
// ---------------------------------------------------------------------------

fn barcode(symbology: Symbology, narrow_mm: f64, wide_ratio: f64, template: &str) -> LinearBarcode {
    LinearBarcode {
        symbology,
        x_mm: 20.0,
        y_mm: 270.0,
        narrow_mm,
        wide_ratio,
        height_mm: 10.0,
        check_digit: false,
        template: template.to_owned(),
    }
}

/// Bar and space widths in narrow modules, left to right, from the bar
/// rectangles (a space is the gap between two bars).
fn element_widths(code: &LinearBarcode, bars: &[MarkRect]) -> Vec<f64> {
    let mut out = Vec::new();
    for (i, bar) in bars.iter().enumerate() {
        if i > 0 {
            out.push((bar.x - bars[i - 1].right()) / code.narrow_mm);
        }
        out.push(bar.width / code.narrow_mm);
        assert_close(bar.y, code.y_mm, "bar top");
        assert_close(bar.height, code.height_mm, "bar height");
    }
    out
}

fn assert_widths(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!((a - e).abs() < 1e-9, "element {i}: {a} vs {e}\n{actual:?}");
    }
}

#[test]
fn code39_single_character_module_by_module() {
    // Narrow 1 mm, wide 3 mm, so one module = 1 mm. Code 39 "A" is
    // "*A*" with a narrow space between characters:
    //   '*' = n w n n w n w n n  -> bars/spaces 1 3 1 1 3 1 3 1 1
    //         modules 1 000 1 0 111 0 111 0 1            (15)
    //   gap   0                                           (1)
    //   'A' = w n n n n w n n w  -> 3 1 1 1 1 3 1 1 3
    //         modules 111 0 1 0 1 000 1 0 111            (15)
    //   gap   0                                           (1)
    //   '*'   1 000 1 0 111 0 111 0 1                     (15)
    // = 47 modules: 10001011101110101110101000101110100010111011101
    let code = barcode(Symbology::Code39, 1.0, 3.0, "{piece}");
    code.validate().unwrap();
    let bars = code.encode("A").unwrap();
    let star = [1., 3., 1., 1., 3., 1., 3., 1., 1.];
    let a = [3., 1., 1., 1., 1., 3., 1., 1., 3.];
    let expected: Vec<f64> = [&star[..], &[1.], &a, &[1.], &star].concat();
    assert_widths(&element_widths(&code, &bars), &expected);

    let modules = "10001011101110101110101000101110100010111011101";
    let mut raster = vec!['0'; 47];
    for bar in &bars {
        let (from, to) = (
            (bar.x - 20.0).round() as usize,
            (bar.right() - 20.0).round() as usize,
        );
        raster[from..to].fill('1');
    }
    assert_eq!(raster.into_iter().collect::<String>(), modules);
    assert_close(code.width_mm("A").unwrap(), 47.0, "width");
    // Quiet zone of 10 narrow modules on both sides.
    let zone = code.zone("A").unwrap();
    assert_close(zone.x, 10.0, "zone x");
    assert_close(zone.width, 67.0, "zone width");
    assert!(bars.iter().all(|b| zone.contains(b)));
}

#[test]
fn code39_reprint_ids_check_digit_and_errors() {
    let code = barcode(Symbology::Code39, 0.33, 2.5, "{job}");
    code.validate().unwrap();
    // 9 characters plus start/stop: 11 x (6 narrow + 3 wide) + 10 gaps.
    let width = code.width_mm("JOB123.1").unwrap();
    // "*JOB123.1*": 10 characters of 6 narrow + 3 wide elements (13.5 narrow
    // modules at ratio 2.5) and 9 narrow gaps = 144 narrow modules = 47.52 mm.
    assert_close(width, 47.52, "width");
    // Mod 43: J=19 O=24 B=11 1 2 3 .=37 1 -> 19+24+11+1+2+3+37+1 = 98; 98 mod 43 = 12 = 'C'.
    let checked = LinearBarcode {
        check_digit: true,
        ..code.clone()
    };
    assert_eq!(checked.text("JOB123.1").unwrap(), "JOB123.1C");
    assert_eq!(code.text("JOB123.1").unwrap(), "JOB123.1");
    for bad in ["job123", "A*B", "", "A|B"] {
        match code.encode(bad).unwrap_err() {
            MarkError::Payload {
                payload, symbology, ..
            } => {
                assert_eq!(payload, bad);
                assert_eq!(symbology, "Code 39");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let err = code.encode("job123").unwrap_err().to_string();
    assert!(err.contains("\"job123\""), "{err}");
}

#[test]
fn interleaved_2_of_5_pairs() {
    // "1234" = pairs (1,2), (3,4); narrow 1, wide 3.
    //   start          1 1 1 1          (bar space bar space, all narrow)
    //   pair 1,2: bars of 1 = w n n n w, spaces of 2 = n w n n w
    //                  3 1 1 3 1 1 1 1 3 3
    //   pair 3,4: bars of 3 = w w n n n, spaces of 4 = n n w n w
    //                  3 1 3 1 1 3 1 1 1 3
    //   stop           3 1 1            (wide bar, narrow space, narrow bar)
    let code = barcode(Symbology::Interleaved2Of5, 1.0, 3.0, "{sequence}");
    code.validate().unwrap();
    let expected = [
        1., 1., 1., 1., //
        3., 1., 1., 3., 1., 1., 1., 1., 3., 3., //
        3., 1., 3., 1., 1., 3., 1., 1., 1., 3., //
        3., 1., 1.,
    ];
    assert_widths(
        &element_widths(&code, &code.encode("1234").unwrap()),
        &expected,
    );

    // Odd length: a leading zero is added, so "123" encodes as "0123".
    assert_eq!(code.text("123").unwrap(), "0123");
    assert_eq!(code.encode("123").unwrap(), code.encode("0123").unwrap());
    // Mod 10 check: 1234 -> 4*3 + 3 + 2*3 + 1 = 22 -> 8; "12348" is odd -> "012348".
    let checked = LinearBarcode {
        check_digit: true,
        ..code.clone()
    };
    assert_eq!(checked.text("1234").unwrap(), "012348");
    assert_eq!(checked.text("123").unwrap(), "1236"); // 3*3 + 2 + 1*3 = 14 -> 6

    // Reprint ids are not digits only: the error names the payload.
    let err = code.encode("JOB123.1").unwrap_err();
    assert!(
        matches!(&err, MarkError::Payload { payload, .. } if payload == "JOB123.1"),
        "{err:?}"
    );
    assert!(err.to_string().contains("Interleaved 2 of 5"), "{err}");
    // Literal text in the template is checked when the profile is loaded.
    let err = barcode(Symbology::Interleaved2Of5, 0.5, 2.5, "{sequence}.{sheet}")
        .validate()
        .unwrap_err();
    assert!(matches!(err, MarkError::Template { .. }), "{err:?}");
}

#[test]
fn code128_check_character_arithmetic() {
    // "JOB123.1" in code set B (the digit run "123" is too short for C):
    // values = ASCII - 32: J 42, O 47, B 34, 1 17, 2 18, 3 19, . 14, 1 17.
    // check = (104 + 1*42 + 2*47 + 3*34 + 4*17 + 5*18 + 6*19 + 7*14 + 8*17) mod 103
    //       = (104 + 42 + 94 + 102 + 68 + 90 + 114 + 98 + 136) mod 103 = 848 mod 103 = 24
    assert_eq!(
        code128_codewords("JOB123.1").unwrap(),
        [104, 42, 47, 34, 17, 18, 19, 14, 17, 24, 106]
    );
    // "P12345678": P in B (48), then the final 8-digit run in C as 12 34 56 78.
    // (104 + 48 + 2*99 + 3*12 + 4*34 + 5*56 + 6*78) = 1270; 1270 mod 103 = 34.
    assert_eq!(
        code128_codewords("P12345678").unwrap(),
        [104, 48, 99, 12, 34, 56, 78, 34, 106]
    );
    // All digits, even: Start C. 105 + 12 + 2*34 + 3*56 = 353; 353 mod 103 = 44.
    assert_eq!(
        code128_codewords("123456").unwrap(),
        [105, 12, 34, 56, 44, 106]
    );
    // Odd run at the start: "1" in B, then C for 23 45, back to B for X (56).
    // 104 + 17 + 2*99 + 3*23 + 4*45 + 5*100 + 6*56 = 1404; 1404 mod 103 = 65.
    assert_eq!(
        code128_codewords("12345X").unwrap(),
        [104, 17, 99, 23, 45, 100, 56, 65, 106]
    );
    // 5 digits in the middle stay in B; 6 switch to C and back.
    assert!(!code128_codewords("A12345B").unwrap().contains(&99));
    assert_eq!(
        code128_codewords("A123456B").unwrap()[..7],
        [104, 33, 99, 12, 34, 56, 100]
    );
    assert!(code128_codewords("").is_err());
    assert!(code128_codewords("Grüße").is_err());

    // The bars: Start B = 2 1 1 2 1 4, then J (42) = 1 1 2 1 3 3, ...,
    // stop = 2 3 3 1 1 1 2; 11 modules per character, 13 for the stop.
    let code = barcode(Symbology::Code128, 0.3, 2.5, "{job}");
    code.validate().unwrap();
    let widths = element_widths(&code, &code.encode("JOB123.1").unwrap());
    assert_widths(
        &widths[..12],
        &[2., 1., 1., 2., 1., 4., 1., 1., 2., 1., 3., 3.],
    );
    assert_widths(&widths[widths.len() - 7..], &[2., 3., 3., 1., 1., 1., 2.]);
    assert_close(widths.iter().sum::<f64>(), 10.0 * 11.0 + 13.0, "modules");
    assert_close(code.width_mm("JOB123.1").unwrap(), 123.0 * 0.3, "width");
}

#[test]
fn linear_barcode_validation_names_field_and_limit() {
    let ok = barcode(Symbology::Code39, 0.33, 2.5, "{job}.{sheet}");
    ok.validate().unwrap();
    let cases: Vec<(LinearBarcode, &str, &str)> = vec![
        (
            LinearBarcode {
                narrow_mm: 0.1,
                ..ok.clone()
            },
            "narrow_mm",
            "0.19",
        ),
        (
            LinearBarcode {
                wide_ratio: 1.8,
                ..ok.clone()
            },
            "wide_ratio",
            "2.2–3",
        ),
        (
            LinearBarcode {
                wide_ratio: 2.1,
                ..ok.clone()
            },
            "wide_ratio",
            "2.2–3",
        ),
        (
            LinearBarcode {
                wide_ratio: 3.5,
                ..ok.clone()
            },
            "wide_ratio",
            "3",
        ),
        (
            LinearBarcode {
                height_mm: 4.0,
                ..ok.clone()
            },
            "height_mm",
            "5",
        ),
        (
            LinearBarcode {
                x_mm: 3.0,
                ..ok.clone()
            },
            "x_mm",
            "quiet zone",
        ),
        (
            LinearBarcode {
                y_mm: -1.0,
                ..ok.clone()
            },
            "y_mm",
            "0",
        ),
    ];
    for (code, field, limit) in cases {
        let result = code.validate();
        let message = result.as_ref().unwrap_err().to_string();
        assert_eq!(geometry_field(result), field);
        assert!(message.contains(limit), "{message:?} should name {limit}");
    }
    // Ratio 2.0 is fine with a 0.5 mm module; Code 128 ignores the ratio.
    LinearBarcode {
        narrow_mm: 0.5,
        wide_ratio: 2.0,
        ..ok.clone()
    }
    .validate()
    .unwrap();
    LinearBarcode {
        symbology: Symbology::Code128,
        wide_ratio: 9.0,
        ..ok.clone()
    }
    .validate()
    .unwrap();
    for template in ["{job}|{piece}", "{jobs}", ""] {
        let err = LinearBarcode {
            template: template.into(),
            ..ok.clone()
        }
        .validate()
        .unwrap_err();
        assert!(
            matches!(err, MarkError::Template { .. }),
            "{template}: {err:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// 1D barcodes: read back with rxing's 1D readers
// ---------------------------------------------------------------------------

/// Rasterises the bar rectangles into a luma image, 4 pixels per narrow
/// module, with 12 narrow modules of white either side, and decodes it with
/// rxing.
fn read_1d(code: &LinearBarcode, payload: &str) -> Result<String, String> {
    read_bars(code, &code.encode(payload).map_err(|e| e.to_string())?)
}

/// Rasterises `bars` as [`read_1d`] does and decodes them with rxing.
fn read_bars(code: &LinearBarcode, bars: &[MarkRect]) -> Result<String, String> {
    let scale = 4.0 / code.narrow_mm; // pixels per mm
    let origin = code.x_mm - 12.0 * code.narrow_mm;
    let right = bars.last().map_or(origin, MarkRect::right) + 12.0 * code.narrow_mm;
    let width = ((right - origin) * scale).ceil() as usize;
    let height = 40;
    let mut row = vec![255u8; width];
    for bar in bars {
        let from = ((bar.x - origin) * scale).round() as usize;
        let to = ((bar.right() - origin) * scale).round() as usize;
        row[from..to].fill(0);
    }
    let luma: Vec<u8> = std::iter::repeat_n(row, height).flatten().collect();
    let format = match code.symbology {
        Symbology::Code39 => BarcodeFormat::CODE_39,
        Symbology::Interleaved2Of5 => BarcodeFormat::ITF,
        Symbology::Code128 => BarcodeFormat::CODE_128,
    };
    rxing::helpers::detect_in_luma(luma, width as u32, height as u32, Some(format))
        .map(|r| r.getText().to_owned())
        .map_err(|e| format!("{e:?}"))
}

#[test]
fn realistic_1d_payloads_decode_with_rxing() {
    let code39 = barcode(Symbology::Code39, 0.33, 2.5, "{job}");
    let code128 = barcode(Symbology::Code128, 0.3, 2.5, "{job}");
    for payload in ["JOB123.1", "T2026-0001", "P000042", "A", "1000001.1"] {
        assert_eq!(read_1d(&code39, payload).unwrap(), payload);
        assert_eq!(read_1d(&code128, payload).unwrap(), payload);
    }
    let itf = barcode(Symbology::Interleaved2Of5, 0.33, 2.5, "{sequence}");
    for payload in ["000123", "1234567", "10000011"] {
        assert_eq!(read_1d(&itf, payload).unwrap(), itf.text(payload).unwrap());
    }
    let checked39 = LinearBarcode {
        check_digit: true,
        ..code39
    };
    // rxing's Code 39 reader returns the check character as data by default.
    assert_eq!(read_1d(&checked39, "JOB123.1").unwrap(), "JOB123.1C");
    // The reader is not fooled by a damaged symbol: without one bar from
    // the middle, it reads nothing or something else.
    let mut bars = code128.encode("JOB123.1").unwrap();
    bars.remove(bars.len() / 2);
    assert_ne!(read_bars(&code128, &bars).ok().as_deref(), Some("JOB123.1"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn code39_round_trips_through_rxing(
        payload in "[0-9A-Z.$/+%-][0-9A-Z. $/+%-]{0,18}[0-9A-Z.$/+%-]",
        narrow in 0.25..0.5f64,
        ratio in 2.2..3.0f64,
        check_digit in any::<bool>(),
    ) {
        let code = LinearBarcode { check_digit, ..barcode(Symbology::Code39, narrow, ratio, "{piece}") };
        code.validate().unwrap();
        prop_assert_eq!(read_1d(&code, &payload).unwrap(), code.text(&payload).unwrap());
    }

    #[test]
    fn interleaved_2_of_5_round_trips_through_rxing(
        payload in "[0-9]{5,24}",
        narrow in 0.25..0.5f64,
        ratio in 2.2..3.0f64,
        check_digit in any::<bool>(),
    ) {
        let code = LinearBarcode { check_digit, ..barcode(Symbology::Interleaved2Of5, narrow, ratio, "{sequence}") };
        code.validate().unwrap();
        let text = code.text(&payload).unwrap();
        prop_assert_eq!(text.len() % 2, 0);
        prop_assert!(text.ends_with(&payload) || check_digit);
        prop_assert_eq!(read_1d(&code, &payload).unwrap(), text);
    }

    #[test]
    fn code128_round_trips_through_rxing(
        payload in prop_oneof!["[ -~]{1,24}", "([A-Z.]{0,3}[0-9]{0,9}){1,4}".prop_filter("non-empty", |s| !s.is_empty())],
        narrow in 0.25..0.5f64,
    ) {
        let code = barcode(Symbology::Code128, narrow, 2.5, "{job}");
        code.validate().unwrap();
        prop_assert_eq!(read_1d(&code, &payload).unwrap(), payload);
    }
}

// ---------------------------------------------------------------------------
// InserterCode
// ---------------------------------------------------------------------------

#[test]
fn inserter_code_from_toml_for_each_kind() {
    let omr: InserterCode = toml::from_str(&format!("kind = \"omr\"\n{QUADIENT_TOML}")).unwrap();
    assert!(matches!(&omr, InserterCode::Omr(s) if s.family == OmrFamily::Quadient));
    let barcode: InserterCode = toml::from_str(
        "kind = \"barcode\"\nsymbology = \"interleaved-2-of-5\"\nx_mm = 20\ny_mm = 280\nnarrow_mm = 0.4\nheight_mm = 8\ntemplate = \"{sequence}\"\n",
    )
    .unwrap();
    match &barcode {
        InserterCode::Barcode(b) => {
            assert_eq!(b.symbology, Symbology::Interleaved2Of5);
            assert_eq!(b.wide_ratio, 2.5, "default ratio");
            assert!(!b.check_digit);
        }
        other => panic!("unexpected {other:?}"),
    }
    let dm: InserterCode =
        toml::from_str("kind = \"data-matrix\"\nx_mm = 190\ny_mm = 10\nmodule_mm = 0.5\n").unwrap();
    assert!(matches!(&dm, InserterCode::DataMatrix(d) if d.template == DEFAULT_TEMPLATE));
    for code in [&omr, &barcode, &dm] {
        code.validate().unwrap();
        let written = toml::to_string(code).unwrap();
        assert_eq!(&toml::from_str::<InserterCode>(&written).unwrap(), code);
    }
    // Unknown kinds and unknown keys are rejected.
    assert!(toml::from_str::<InserterCode>("kind = \"qr\"\nx_mm = 1\n").is_err());
    let err = toml::from_str::<InserterCode>(
        "kind = \"data-matrix\"\nx_mm = 190\ny_mm = 10\nmodule_mm = 0.5\nsize = 3\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("size"), "{err}");
    // Family limits apply through the wrapper.
    let thin = toml::from_str::<InserterCode>(
        &format!("kind = \"omr\"\n{QUADIENT_TOML}").replace("0.5", "0.1"),
    )
    .unwrap();
    assert!(
        thin.validate()
            .unwrap_err()
            .to_string()
            .contains("bar_thickness_mm")
    );
}

#[test]
fn inserter_code_draws_geometry_inside_its_zone() {
    let control = SheetControl::new("JOB123.1", "P000042", 17, 3, 3)
        .with_feeders(0b11)
        .with_divert(true);
    let omr = InserterCode::Omr(OmrScheme::quadient());
    let geometry = omr.draw(&control).unwrap();
    // start, insert, safety, divert, feed-1, feed-2 = 6 (even): no parity bar.
    assert_eq!(geometry.len(), 6);
    assert!(geometry.iter().all(|g| matches!(g, MarkGeometry::Rect(_))));

    let code = InserterCode::Barcode(barcode(
        Symbology::Code128,
        0.3,
        2.5,
        "{job}|{sheet}/{set_size}|{feeders}",
    ));
    let geometry = code.draw(&control).unwrap();
    // 15 characters "JOB123.1|3/3|03" in B: start + 15 + check = 17 x 3 bars + 4 stop bars.
    assert_eq!(geometry.len(), 17 * 3 + 4);

    let dm = InserterCode::DataMatrix(dm_mark("{job}|{piece}|{sheet}/{set_size}|{feeders}"));
    let geometry = dm.draw(&control).unwrap();
    match geometry.as_slice() {
        [MarkGeometry::DataMatrix { symbol, area }] => {
            assert_close(area.x, 185.0, "x");
            assert_close(area.width, symbol.width as f64 * 0.5, "width");
            let (luma, w, h) = rasterize(&dm_mark(""), symbol, &dm_mark("").rects(symbol));
            let text = rxing::helpers::detect_in_luma(
                luma,
                w as u32,
                h as u32,
                Some(BarcodeFormat::DATA_MATRIX),
            )
            .unwrap()
            .getText()
            .to_owned();
            assert_eq!(text, "JOB123.1|P000042|3/3|03");
        }
        other => panic!("unexpected {other:?}"),
    }

    for code in [&omr, &code, &dm] {
        let zone = code.zone(&control).unwrap();
        for g in code.draw(&control).unwrap() {
            assert!(zone.contains(&g.bounds()), "{g:?} outside {zone:?}");
        }
    }
    // A payload the symbology cannot carry fails in draw and zone alike.
    let itf = InserterCode::Barcode(barcode(Symbology::Interleaved2Of5, 0.33, 2.5, "{job}"));
    assert!(matches!(itf.draw(&control), Err(MarkError::Payload { .. })));
    assert!(itf.zone(&control).is_err());
}

//! Integration tests for tandem-marks.
//!
//! Expected values are worked out by hand or checked with independent means
//! (the `rxing` DataMatrix reader) rather than derived from the code under test.

use proptest::prelude::*;
use rxing::BarcodeFormat;
use tandem_marks::{
    DEFAULT_TEMPLATE, DataMatrixMark, DataMatrixSymbol, MarkError, MarkRect, OmrFunction,
    OmrScheme, Parity, SheetControl,
};

const EPS: f64 = 1e-9;

fn sheet(sequence: u64, sheet: u32, sheets: u32) -> SheetControl<'static> {
    SheetControl {
        job_id: "T2026-0001",
        piece_id: "P000123",
        sequence,
        sheet,
        sheets,
    }
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

/// A valid scheme with random geometry, parity rule and track selection/order
/// (benchmark always first).
fn any_scheme() -> impl Strategy<Value = OmrScheme> {
    (
        0.0..50.0f64,
        0.0..20.0f64,
        2.0..8.0f64,
        0.05..0.95f64,
        3.0..20.0f64,
        any::<[bool; 4]>(),
        any::<bool>(),
    )
        .prop_flat_map(|(top, left, pitch, thickness_ratio, length, used, odd)| {
            let [eos, parity, sequence, safety] = used;
            let mut rest = Vec::new();
            if eos {
                rest.push(OmrFunction::EndOfSet);
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
            if safety {
                rest.push(OmrFunction::Safety);
            }
            Just(rest).prop_shuffle().prop_map(move |rest| OmrScheme {
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
        })
}

fn any_sheet() -> impl Strategy<Value = (u64, u32, u32)> {
    (1u64..10_000_000, 1u32..20)
        .prop_flat_map(|(seq, sheets)| (Just(seq), 1..=sheets, Just(sheets)))
}

proptest! {
    #[test]
    fn omr_properties(scheme in any_scheme(), (sequence, n, m) in any_sheet()) {
        scheme.validate().unwrap();
        let control = sheet(sequence, n, m);
        let marks = scheme.encode(&control);
        prop_assert_eq!(marks.len(), scheme.tracks.len());

        let count = marks.iter().filter(|&&b| b).count();
        let has = |f| scheme.tracks.contains(&f);
        if has(OmrFunction::Parity) {
            match scheme.parity {
                Parity::Even => prop_assert_eq!(count % 2, 0),
                Parity::Odd => prop_assert_eq!(count % 2, 1),
            }
        }

        // Every track means what it says.
        for (function, &marked) in scheme.tracks.iter().zip(&marks) {
            let expected = match function {
                OmrFunction::Benchmark | OmrFunction::Safety => Some(true),
                OmrFunction::EndOfSet => Some(n == m),
                OmrFunction::Sequence1 => Some(sequence % 2 == 1),
                OmrFunction::Sequence2 => Some((sequence / 2) % 2 == 1),
                OmrFunction::Sequence4 => Some((sequence / 4) % 2 == 1),
                OmrFunction::Parity => None,
            };
            if let Some(expected) = expected {
                prop_assert_eq!(marked, expected, "{:?}", function);
            }
        }

        let decoded = scheme.decode(&marks).unwrap();
        prop_assert_eq!(decoded.end_of_set, has(OmrFunction::EndOfSet) && n == m);
        let expected_seq = has(OmrFunction::Sequence1).then_some((sequence % 8) as u8);
        prop_assert_eq!(decoded.sequence_mod8, expected_seq);
        prop_assert!(decoded.parity_ok);

        // One bar per marked track, centred on that track's centre line, inside the zone.
        let bars = scheme.bars(&control);
        prop_assert_eq!(bars.len(), count);
        let marked_tracks = marks.iter().enumerate().filter(|(_, m)| **m).map(|(i, _)| i);
        let zone = scheme.zone();
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
    let control = SheetControl {
        job_id: "JOB123.1",
        piece_id: "P9",
        sequence: 4711,
        sheet: 2,
        sheets: 5,
    };
    assert_eq!(
        dm_mark(DEFAULT_TEMPLATE).payload(&control),
        "JOB123.1|P9|2/5"
    );
    let custom = dm_mark("J={job};S={sequence};{sheet}/{sheets};{{x}}");
    custom.validate().unwrap();
    assert_eq!(custom.payload(&control), "J=JOB123.1;S=4711;2/5;{x}");
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
        let control = SheetControl { job_id: &job, piece_id: &piece, sequence, sheet: n, sheets: m };
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

//! End-to-end tests of the redirect pipeline on generated demo jobs.
//!
//! The output is read back with hayro-syntax (a PDF reader, not the writer
//! that made it), the DataMatrix is rebuilt from the drawn module squares
//! and decoded with rxing, and the expected OMR marks are derived here from
//! the rules, not with the encoder under test.

use std::path::{Path, PathBuf};

use hayro_syntax::Pdf;
use hayro_syntax::object::Stream;
use tandem_core::{
    CentreProfile, CoreError, DemoOptions, EXAMPLE_ORIGIN_PROFILE, EXAMPLE_PARTNER_PROFILE,
    JobTicket, Manifest, generate_demo_job, redirect,
};
use tandem_marks::{OmrFunction, Parity};

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("tandem-core-it-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn profiles() -> (CentreProfile, CentreProfile) {
    (
        CentreProfile::from_toml_str(EXAMPLE_ORIGIN_PROFILE).unwrap(),
        CentreProfile::from_toml_str(EXAMPLE_PARTNER_PROFILE).unwrap(),
    )
}

fn demo_job(dir: &Path, letters: usize) -> JobTicket {
    let (origin, _) = profiles();
    let options = DemoOptions {
        letters,
        ..DemoOptions::default()
    };
    let job = generate_demo_job(&dir.join("job"), &origin, &options).unwrap();
    JobTicket::from_file(&job.ticket).unwrap()
}

/// A filled rectangle in mm from the top-left corner.
#[derive(Debug, Clone, Copy)]
struct Filled {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    white: bool,
}

const MM: f64 = 72.0 / 25.4;

/// Parses the `re`/`f` drawing of a page's own content stream (up to an
/// inline image, whose binary data is not text).
fn filled_rects(content: &[u8], page_height: f64) -> Vec<Filled> {
    let end = find(content, b"BI ").unwrap_or(content.len());
    let text = std::str::from_utf8(&content[..end]).unwrap();
    let mut white = false;
    let mut rects = Vec::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["1", "g"] => white = true,
            ["0", "g"] => white = false,
            [x, y, w, h, "re"] => {
                let [x, y, w, h] = [x, y, w, h].map(|v| v.parse::<f64>().unwrap() / MM);
                rects.push(Filled {
                    x,
                    y: page_height / MM - y - h,
                    w,
                    h,
                    white,
                });
            }
            _ => {}
        }
    }
    rects
}

/// The footer the demo prints on every page: `Brief P000001 - Seite 1 von 8`.
fn footer(form: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(form);
    let start = text.find("(Brief ")?;
    let end = text[start..].find(')')?;
    Some(text[start + 1..start + end].to_owned())
}

/// Expected OMR tracks, from the rules in DOMAIN.md §3.
fn expected_tracks(tracks: &[OmrFunction], parity: Parity, sequence: u64, last: bool) -> Vec<bool> {
    let seq = sequence % 8;
    let mut marks: Vec<bool> = tracks
        .iter()
        .map(|t| match t {
            OmrFunction::Benchmark | OmrFunction::Safety => true,
            OmrFunction::EndOfSet => last,
            OmrFunction::Sequence1 => seq & 1 != 0,
            OmrFunction::Sequence2 => seq & 2 != 0,
            OmrFunction::Sequence4 => seq & 4 != 0,
            OmrFunction::Parity => false,
            other => panic!("the demo profiles use no {other:?} track"),
        })
        .collect();
    if let Some(p) = tracks.iter().position(|t| *t == OmrFunction::Parity) {
        let count = marks.iter().filter(|m| **m).count();
        marks[p] = match parity {
            Parity::Even => count % 2 == 1,
            Parity::Odd => count % 2 == 0,
        };
    }
    marks
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// An inline 1-bit image mask: where it is drawn (mm from the top-left
/// corner) and its samples, `true` where the mask paints.
struct InlineMask {
    x: f64,
    y: f64,
    width: f64,
    columns: usize,
    rows: usize,
    painted: Vec<bool>,
}

/// Reads `q a 0 0 d e f cm BI /W w /H h /IM true /BPC 1 ID <data> EI Q`.
fn inline_mask(content: &[u8], page_height: f64) -> Option<InlineMask> {
    let bi = find(content, b"BI ")?;
    let head = std::str::from_utf8(&content[..bi]).unwrap();
    let q = head.rfind("q ")?;
    let cm: Vec<f64> = head[q + 2..]
        .split_whitespace()
        .take(6)
        .map(|v| v.parse().unwrap())
        .collect();
    let id = bi + find(&content[bi..], b" ID ")?;
    let dict = std::str::from_utf8(&content[bi + 3..id]).unwrap();
    let words: Vec<&str> = dict.split_whitespace().collect();
    let value = |key: &str| words[words.iter().position(|w| *w == key).unwrap() + 1].to_owned();
    assert_eq!((value("/IM"), value("/BPC")), ("true".into(), "1".into()));
    let (columns, rows): (usize, usize) =
        (value("/W").parse().unwrap(), value("/H").parse().unwrap());
    let stride = columns.div_ceil(8);
    let data = &content[id + 4..id + 4 + stride * rows];
    // Default /Decode [0 1] for an image mask: 0 samples are painted.
    let painted = (0..rows)
        .flat_map(|r| (0..columns).map(move |c| (r, c)))
        .map(|(r, c)| data[r * stride + c / 8] & (0x80 >> (c % 8)) == 0)
        .collect();
    Some(InlineMask {
        x: cm[4] / MM,
        y: (page_height - cm[5] - cm[3]) / MM,
        width: cm[0] / MM,
        columns,
        rows,
        painted,
    })
}

/// Decodes a module grid with rxing, drawn at 4 px per module inside a
/// 4-module quiet zone.
fn decode_data_matrix(mask: &InlineMask) -> String {
    let (scale, quiet) = (4usize, 4usize);
    let (w, h) = (
        (mask.columns + 2 * quiet) * scale,
        (mask.rows + 2 * quiet) * scale,
    );
    let mut luma = vec![255u8; w * h];
    for (i, _) in mask.painted.iter().enumerate().filter(|(_, dark)| **dark) {
        let (row, col) = (i / mask.columns, i % mask.columns);
        for dy in 0..scale {
            let start = ((row + quiet) * scale + dy) * w + (col + quiet) * scale;
            luma[start..start + scale].fill(0);
        }
    }
    let result = rxing::helpers::detect_in_luma(
        luma,
        w as u32,
        h as u32,
        Some(rxing::BarcodeFormat::DATA_MATRIX),
    )
    .expect("rxing decodes the DataMatrix");
    result.getText().to_owned()
}

#[test]
fn demo_redirect_carries_every_piece_with_the_partners_marks() {
    let dir = TempDir::new("demo");
    let ticket = demo_job(&dir.0, 40);
    let (_, partner) = profiles();
    let out = dir.0.join("out");
    let summary = redirect(&ticket, &partner, &out, &mut |_| {}).unwrap();
    let manifest: Manifest =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest, summary.manifest);
    assert_eq!(manifest.pieces.len(), 40);
    let omr = partner.marks.omr.as_ref().unwrap();
    let code = partner.marks.data_matrix.as_ref().unwrap();
    let zone = ticket.origin_mark_zone.unwrap();

    let mut checked_fronts = 0;
    for run in &manifest.runs {
        let bytes = std::fs::read(out.join(&run.file)).unwrap();
        let pdf = Pdf::new(bytes).unwrap();
        let pages = pdf.pages();
        assert_eq!(pages.len() as u64, run.pages, "{}", run.file);
        for piece in manifest.pieces.iter().filter(|p| p.run == run.run) {
            let mut letter_page = 0;
            for (i, page_number) in (piece.first_page..=piece.last_page).enumerate() {
                let page = &pages[page_number as usize - 1];
                let (_, height) = page.render_dimensions();
                let content = page.page_stream().unwrap_or_default();
                let rects = filled_rects(content, f64::from(height));
                let mask = inline_mask(content, f64::from(height));
                let form = page
                    .resources()
                    .x_objects
                    .get::<Stream<'_>>(b"P".as_slice());
                let is_front = i % 2 == 0;
                let sheet = i as u64 / 2 + 1;
                match form {
                    None => {
                        // Only the back of a piece's last sheet may be blank.
                        assert!(
                            !is_front && page_number == piece.last_page && piece.pages % 2 == 1
                        );
                        assert!(rects.is_empty() && mask.is_none());
                        continue;
                    }
                    Some(form) => {
                        letter_page += 1;
                        let text = footer(&form.decoded().unwrap()).unwrap();
                        let expected = format!(
                            "Brief {} - Seite {} von {}",
                            piece.piece_id, letter_page, piece.pages
                        );
                        assert_eq!(
                            text, expected,
                            "page order in {} page {page_number}",
                            run.file
                        );
                    }
                }
                // The origin's zone is covered in white, first thing after the page itself.
                let white: Vec<_> = rects.iter().filter(|r| r.white).collect();
                assert_eq!(white.len(), 1);
                assert!(
                    (white[0].x - zone.x).abs() < 0.01 && (white[0].h - zone.height).abs() < 0.01
                );
                let bars: Vec<_> = rects.iter().filter(|r| !r.white).collect();
                if !is_front {
                    assert!(
                        bars.is_empty() && mask.is_none(),
                        "marks on a back page: {} page {page_number}",
                        run.file
                    );
                    continue;
                }
                assert!(
                    bars.iter().all(|b| (b.w - omr.bar_length_mm).abs() < 0.01
                        && (b.x - omr.left_mm).abs() < 0.01)
                );
                let marked: Vec<bool> = (0..omr.tracks.len())
                    .map(|t| {
                        let centre = omr.top_mm + t as f64 * omr.pitch_mm;
                        bars.iter().any(|b| (b.y + b.h / 2.0 - centre).abs() < 0.01)
                    })
                    .collect();
                assert_eq!(bars.len(), marked.iter().filter(|m| **m).count());
                let sequence = piece.first_sequence + sheet - 1;
                let last = sheet == u64::from(piece.sheets);
                assert_eq!(
                    marked,
                    expected_tracks(&omr.tracks, omr.parity, sequence, last),
                    "sheet {sequence}"
                );
                let mask = mask.expect("a DataMatrix on every front");
                assert!((mask.x - code.x_mm).abs() < 0.01 && (mask.y - code.y_mm).abs() < 0.01);
                assert!((mask.width - mask.columns as f64 * code.module_mm).abs() < 0.01);
                let text = decode_data_matrix(&mask);
                assert_eq!(
                    text,
                    format!(
                        "{}|{}|{sheet}/{}",
                        manifest.job_id, piece.piece_id, piece.sheets
                    )
                );
                checked_fronts += 1;
            }
        }
    }
    assert_eq!(checked_fronts, manifest.totals.sheets);
}

#[test]
fn same_input_gives_the_same_bytes() {
    let dir = TempDir::new("determinism");
    let ticket = demo_job(&dir.0, 12);
    let (_, partner) = profiles();
    let first = redirect(&ticket, &partner, &dir.0.join("a"), &mut |_| {}).unwrap();
    let second = redirect(&ticket, &partner, &dir.0.join("b"), &mut |_| {}).unwrap();
    for run in &first.manifest.runs {
        assert_eq!(
            std::fs::read(dir.0.join("a").join(&run.file)).unwrap(),
            std::fs::read(dir.0.join("b").join(&run.file)).unwrap()
        );
    }
    assert_eq!(first.manifest, second.manifest);
    assert_eq!(
        std::fs::read(dir.0.join("a/manifest.json")).unwrap(),
        std::fs::read(dir.0.join("b/manifest.json")).unwrap()
    );
}

/// Runs a redirect that must fail and checks that no output is left behind.
fn refused(ticket: &JobTicket, dir: &Path) -> CoreError {
    let (_, partner) = profiles();
    let out = dir.join("refused");
    let err = redirect(ticket, &partner, &out, &mut |_| {}).unwrap_err();
    assert!(!out.exists(), "output left behind after: {err}");
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind after: {err}");
    err
}

#[test]
fn bad_index_is_refused_with_the_place() {
    let dir = TempDir::new("index");
    let mut ticket = demo_job(&dir.0, 5);
    let index_path = dir.0.join("job/letters.csv");
    let original = std::fs::read_to_string(&index_path).unwrap();
    let lines: Vec<&str> = original.lines().collect();
    let field = |line: &str, i: usize| line.split(',').nth(i).unwrap().parse::<u64>().unwrap();
    let with_field = |line: &str, i: usize, value: u64| {
        let mut parts: Vec<String> = line.split(',').map(str::to_owned).collect();
        parts[i] = value.to_string();
        original.replace(line, &parts.join(","))
    };
    let total: u64 = lines[1..].iter().map(|l| field(l, 2)).sum();
    let id = |line: &str| line.split(',').next().unwrap().to_owned();
    let cases = [
        // The last piece points one page past the end.
        (
            with_field(lines[5], 2, field(lines[5], 2) + 1),
            format!("but the print data has {total} pages"),
        ),
        // The second piece is missing: its pages belong to no piece.
        (
            original.replace(&format!("{}\n", lines[2]), ""),
            "belong to no piece".into(),
        ),
        // The third piece claims the second's id.
        (
            original.replace(&format!("{},", id(lines[3])), &format!("{},", id(lines[2]))),
            "appears twice".into(),
        ),
        // The second piece starts one page early, inside the first.
        (
            with_field(lines[2], 1, field(lines[2], 1) - 1),
            "inside piece P000001".into(),
        ),
    ];
    for (index, message) in cases {
        std::fs::write(&index_path, &index).unwrap();
        let err = refused(&ticket, &dir.0).to_string();
        assert!(err.contains(&message), "expected {message:?} in {err:?}");
    }
    std::fs::write(&index_path, &original).unwrap();
    ticket.print_files[0].sha256 = Some("0".repeat(64));
    assert!(matches!(
        refused(&ticket, &dir.0),
        CoreError::HashMismatch { .. }
    ));
}

#[test]
fn truncated_and_encrypted_pdfs_are_refused() {
    let dir = TempDir::new("broken");
    let mut ticket = demo_job(&dir.0, 3);
    ticket.print_files[0].sha256 = None;
    let pdf_path = ticket.print_files[0].path.clone();
    let whole = std::fs::read(&pdf_path).unwrap();
    std::fs::write(&pdf_path, &whole[..whole.len() * 2 / 3]).unwrap();
    let err = refused(&ticket, &dir.0).to_string();
    assert!(
        err.contains("truncated") && err.contains("letters.pdf"),
        "{err}"
    );

    // Made with: qpdf --encrypt '' owner 256 -- two-letters.pdf encrypted.pdf
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/encrypted.pdf");
    ticket.print_files[0].path = fixture;
    let err = refused(&ticket, &dir.0).to_string();
    assert!(err.contains("encrypted"), "{err}");
}

#[test]
fn existing_output_is_never_overwritten() {
    let dir = TempDir::new("exists");
    let ticket = demo_job(&dir.0, 2);
    let (_, partner) = profiles();
    let out = dir.0.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "operator's file").unwrap();
    let err = redirect(&ticket, &partner, &out, &mut |_| {}).unwrap_err();
    assert!(matches!(err, CoreError::OutputExists(_)));
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "operator's file"
    );
}

#[test]
fn unknown_profile_key_is_refused() {
    let text = EXAMPLE_PARTNER_PROFILE.replace("[output]", "[output]\nstaple = true");
    let err = CentreProfile::from_toml_str(&text).unwrap_err().to_string();
    assert!(err.contains("staple") && err.contains("line"), "{err}");
}

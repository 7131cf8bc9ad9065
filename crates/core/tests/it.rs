//! End-to-end tests of the redirect pipeline on generated demo jobs.
//!
//! The output is read back with hayro-syntax (a PDF reader, not the writer
//! that made it), the DataMatrix is rebuilt from the drawn module squares
//! and decoded with rxing, and the expected OMR marks are derived here from
//! the rules, not with the encoder under test.

use std::path::{Path, PathBuf};

mod closed_loop;

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
                        // Only the back of the letter's last sheet may be
                        // blank (printed first when the order is reversed).
                        let letter_sheet = if piece.reverse_order {
                            u64::from(piece.sheets) - sheet + 1
                        } else {
                            sheet
                        };
                        assert!(
                            !is_front
                                && letter_sheet == u64::from(piece.sheets)
                                && piece.pages % 2 == 1
                        );
                        assert!(rects.is_empty() && mask.is_none());
                        continue;
                    }
                    Some(form) => {
                        // Sheets come in print order; with reverse order the
                        // letter's last sheet is printed first.
                        let letter_sheet = if piece.reverse_order {
                            u64::from(piece.sheets) - sheet + 1
                        } else {
                            sheet
                        };
                        let letter_page = (letter_sheet - 1) * 2 + (i as u64 % 2) + 1;
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

mod check {
    use std::path::Path;

    use pdf_writer::{Finish, Name, Pdf, Rect, Ref};
    use tandem_core::{CentreProfile, JobTicket, Severity, check};
    use tandem_ticket::{DataFormat, PaperSize, PrintFile};

    use super::{TempDir, profiles};

    const MM: f32 = 72.0 / 25.4;

    /// A PDF of A4 pages (or the given size in mm) whose content streams are
    /// given in PDF user space; Helvetica is /F1.
    fn write_pdf(path: &Path, pages: &[(f32, f32, String)]) {
        let mut pdf = Pdf::new();
        let (catalog, tree, font) = (Ref::new(1), Ref::new(2), Ref::new(3));
        let mut next = 4;
        let mut kids = Vec::new();
        for (width, height, content) in pages {
            let (page, stream) = (Ref::new(next), Ref::new(next + 1));
            next += 2;
            kids.push(page);
            let mut p = pdf.page(page);
            p.parent(tree)
                .media_box(Rect::new(0.0, 0.0, width * MM, height * MM))
                .contents(stream);
            p.resources().fonts().pair(Name(b"F1"), font);
            p.finish();
            pdf.stream(stream, content.as_bytes());
        }
        pdf.type1_font(font).base_font(Name(b"Helvetica"));
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(kids.iter().copied())
            .count(kids.len() as i32);
        std::fs::write(path, pdf.finish()).unwrap();
    }

    /// Text at (x, y) mm from the top-left corner of an A4 page.
    fn text_at(x: f32, y: f32, text: &str) -> String {
        format!(
            "BT /F1 10 Tf {} {} Td ({text}) Tj ET\n",
            x * MM,
            (297.0 - y) * MM
        )
    }

    /// A clean letter page: text between the DIN 5008 margins.
    fn clean() -> String {
        (0..30)
            .map(|i| {
                text_at(
                    25.0,
                    60.0 + 6.0 * i as f32,
                    "Sehr geehrte Damen und Herren, anbei Ihr Bescheid.",
                )
            })
            .collect()
    }

    /// A duplex job of `pages` clean pages per piece, `pieces` pieces.
    fn job(
        dir: &Path,
        pages_per_piece: u32,
        pieces: u32,
        edit: impl Fn(usize) -> Option<String>,
    ) -> JobTicket {
        let total = (pages_per_piece * pieces) as usize;
        let pages: Vec<_> = (0..total)
            .map(|i| (210.0, 297.0, edit(i).unwrap_or_else(clean)))
            .collect();
        write_pdf(&dir.join("job.pdf"), &pages);
        let index: String = std::iter::once("piece_id,first_page,page_count,plz\n".to_owned())
            .chain((0..pieces).map(|p| {
                format!(
                    "Q{p:03},{},{pages_per_piece},{}\n",
                    p * pages_per_piece + 1,
                    10115 + p
                )
            }))
            .collect();
        std::fs::write(dir.join("job.csv"), index).unwrap();
        let text = "id = \"CHECK-1\"\norigin_centre = \"nord\"\ndocument_class = \"court-order\"\ndeadline = \"2026-12-01T12:00:00Z\"\n\
             plex = \"duplex\"\npostal_product = \"standard\"\n[[print_files]]\npath = \"job.pdf\"\n[documents]\nindex = \"job.csv\"\n";
        std::fs::write(dir.join("job.toml"), text).unwrap();
        JobTicket::from_file(&dir.join("job.toml")).unwrap()
    }

    fn codes(ticket: &JobTicket, profile: &CentreProfile) -> Vec<(&'static str, Severity, String)> {
        let report = check(ticket, profile).unwrap();
        report
            .findings
            .iter()
            .map(|f| (f.code, f.severity, f.message.clone()))
            .collect()
    }

    fn has(
        found: &[(&'static str, Severity, String)],
        code: &str,
        severity: Severity,
        text: &str,
    ) -> bool {
        found
            .iter()
            .any(|(c, s, m)| *c == code && *s == severity && m.contains(text))
    }

    #[test]
    fn clean_job_passes_with_notices_only() {
        let dir = TempDir::new("check-clean");
        let ticket = job(&dir.0, 2, 3, |_| None);
        let (_, sued) = profiles();
        let report = check(&ticket, &sued).unwrap();
        assert!(report.passes(), "{:#?}", report.findings);
        assert_eq!(report.pages_checked, 6);
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.code == "presort-thresholds" && f.severity == Severity::Notice)
        );
    }

    #[test]
    fn content_in_the_partners_mark_zones_is_found_front_and_back() {
        let dir = TempDir::new("check-zones");
        // Page 1 (front) prints a case number into sued's OMR zone (x 6–18,
        // y 110–129 mm); page 4 (a back) prints behind it, mirrored to
        // x 192–204 mm. Page 3 is clean.
        let ticket = job(&dir.0, 4, 1, |i| match i {
            0 => Some(clean() + &text_at(8.0, 118.0, "Az 4711")),
            3 => Some(clean() + &text_at(194.0, 118.0, "Az 4711")),
            _ => None,
        });
        let (_, sued) = profiles();
        let found = codes(&ticket, &sued);
        assert!(
            has(
                &found,
                "mark-zone-content",
                Severity::Blocking,
                "front page prints Text"
            ),
            "{found:#?}"
        );
        assert!(
            has(
                &found,
                "mark-zone-content-back",
                Severity::Blocking,
                "back page prints Text"
            ),
            "{found:#?}"
        );
        let pages: Vec<_> = check(&ticket, &sued)
            .unwrap()
            .findings
            .iter()
            .filter_map(|f| f.page)
            .collect();
        assert_eq!(pages, [1, 4], "only the two dirty pages are flagged");

        // The same print inside the origin's own mark zone is whited out: fixed.
        let mut covered = ticket.clone();
        covered.origin_mark_zone = Some(tandem_ticket::Rect {
            x: 0.0,
            y: 100.0,
            width: 22.0,
            height: 40.0,
        });
        let found = codes(&covered, &sued);
        assert!(
            has(&found, "mark-zone-content", Severity::AutoFix, "front page"),
            "{found:#?}"
        );
    }

    #[test]
    fn printer_reasons() {
        let dir = TempDir::new("check-printer");
        // Page 2 is A5; page 3 fills a red box.
        let mut ticket = job(&dir.0, 4, 1, |i| match i {
            2 => Some(clean() + "1 0 0 rg 300 300 20 20 re f\n"),
            _ => None,
        });
        let pages = vec![
            (210.0, 297.0, clean()),
            (148.0, 210.0, clean()),
            (210.0, 297.0, clean() + "1 0 0 rg 300 300 20 20 re f\n"),
            (210.0, 297.0, clean()),
        ];
        write_pdf(&ticket.print_files[0].path, &pages);
        let (_, mut sued) = profiles();
        sued.printer.duplex = false;
        let found = codes(&ticket, &sued);
        assert!(
            has(&found, "duplex-missing", Severity::Blocking, "simplex only"),
            "{found:#?}"
        );
        assert!(
            has(&found, "page-size", Severity::Blocking, "148 × 210 mm"),
            "{found:#?}"
        );
        assert!(
            has(&found, "colour-missing", Severity::Blocking, "colour"),
            "{found:#?}"
        );

        ticket.paper.size = PaperSize::A5;
        ticket.print_files.push(PrintFile {
            path: "other.afp".into(),
            format: DataFormat::Afp,
            sha256: None,
        });
        let found = codes(&ticket, &sued);
        assert!(
            has(&found, "paper-missing", Severity::Blocking, "A5"),
            "{found:#?}"
        );
        assert!(
            has(&found, "format-unsupported", Severity::Blocking, "Afp"),
            "{found:#?}"
        );
        ticket.print_files[1] = PrintFile {
            format: DataFormat::Pdf,
            ..ticket.print_files[0].clone()
        };
        let found = codes(&ticket, &sued);
        assert!(
            has(&found, "print-files", Severity::Blocking, "2 print files"),
            "{found:#?}"
        );
    }

    /// An AFP job from the corpus (`../shared/corpus/afp`, see its SOURCES.md)
    /// against centre Nord, which prints AFP.
    fn afp_job(file: &str) -> JobTicket {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/afp");
        let mut ticket = JobTicket::from_toml_str(
            "id = \"AFP-1\"\norigin_centre = \"sued\"\ndocument_class = \"tax-notice\"\n\
             deadline = \"2026-12-01T12:00:00Z\"\n[[print_files]]\npath = \"x.afp\"\nformat = \"afp\"\n\
             [documents]\nfixed_page_count = 1\n",
        )
        .unwrap();
        ticket.print_files[0].path = corpus.join(file);
        ticket
    }

    #[test]
    fn afp_resources_missing_or_differing_at_the_partner() {
        let (mut nord, _) = profiles();
        // The MCF/MPS sample refers to code page T1EX0000, four character
        // sets C0EX04x0 and page segment S1EX002A, none of them inline.
        let ticket = afp_job("afplib-overlay-mps-rg.afp");
        let found = codes(&ticket, &nord);
        let missing: Vec<_> = found
            .iter()
            .filter(|(c, _, _)| *c == "afp-resource-missing")
            .collect();
        assert_eq!(missing.len(), 6, "{found:#?}");
        for name in [
            "T1EX0000", "C0EX0460", "C0EX04U0", "C0EX0420", "C0EX04W0", "S1EX002A",
        ] {
            assert!(
                has(&found, "afp-resource-missing", Severity::Blocking, name),
                "{name}: {found:#?}"
            );
        }
        // With all six in Nord's library nothing is missing.
        let library = TempDir::new("afp-library");
        for name in [
            "T1EX0000", "C0EX0460", "C0EX04U0", "C0EX0420", "C0EX04W0", "S1EX002A",
        ] {
            std::fs::write(library.0.join(name), name).unwrap();
        }
        nord.afp_resources = Some(library.0.clone());
        assert!(
            !codes(&ticket, &nord)
                .iter()
                .any(|(c, _, _)| c.starts_with("afp-"))
        );

        // The inserter sample carries overlay O1VORNAL inline (bytes 290..839,
        // BMO to EMO). The same bytes in the library match; one byte changed
        // is the backup-site failure: same name, other content.
        let ticket = afp_job("afplib-start-inserter-dm-notruetype.afp");
        let bytes = std::fs::read(&ticket.print_files[0].path).unwrap();
        let overlay = &bytes[290..839];
        // X'5A', a 2-byte length, then the BMO id D3A8DF.
        assert_eq!(
            (overlay[0], &overlay[3..6]),
            (0x5A, &[0xD3, 0xA8, 0xDF][..]),
            "BMO at 290"
        );
        std::fs::write(library.0.join("O1VORNAL.ovl"), overlay).unwrap();
        assert!(
            !codes(&ticket, &nord)
                .iter()
                .any(|(c, _, _)| c.starts_with("afp-")),
            "identical copy"
        );
        let mut altered = overlay.to_vec();
        altered[300] ^= 0x01;
        std::fs::write(library.0.join("O1VORNAL.ovl"), altered).unwrap();
        let found = codes(&ticket, &nord);
        assert!(
            has(
                &found,
                "afp-resource-differs",
                Severity::Blocking,
                "O1VORNAL"
            ),
            "{found:#?}"
        );
    }

    /// `tandem inspect` on corpus files, against the facts in SOURCES.md.
    #[test]
    fn inspect_reports_the_corpus_facts() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/afp");
        let encoding = tandem_core::code_page("500").unwrap();
        // hello.afp: a minimal BDT/EDT document, no pages (61 bytes).
        let hello = tandem_core::inspect_afp(&corpus.join("afplib-hello.afp"), encoding).unwrap();
        assert_eq!(
            (
                hello.bytes,
                hello.fields,
                hello.documents.len(),
                hello.pages.len()
            ),
            (61, 2, 1, 0)
        );
        // start.afp without its TrueType container: 48 fields, one document
        // with one page, a bar code object and overlay O1VORNAL inline.
        let start = tandem_core::inspect_afp(
            &corpus.join("afplib-start-inserter-dm-notruetype.afp"),
            encoding,
        )
        .unwrap();
        assert_eq!(
            (start.fields, start.documents.len(), start.pages.len()),
            (48, 1, 1)
        );
        assert_eq!(start.medium_maps, ["MM000000 from page 1"]);
        assert_eq!(start.includes, ["PageOverlay O1VORNAL"]);
        assert_eq!(start.by_name.get("BBC"), Some(&1));
        assert!(
            start
                .inline
                .iter()
                .any(|r| r.starts_with("Overlay O1VORNAL"))
        );
        assert!(start.missing_inline.is_empty());
        assert!(tandem_core::code_page("437").is_none());

        // A page group with a TLE built by hand (the corpus has none): name
        // "PLZ" (cp500 D7 D3 E9), value "12345" (F1..F5); the TLE starts at
        // byte 9, after the BNG's X'5A' and its 8-byte introducer.
        let mut b = Vec::new();
        for (id, data) in [
            ([0xD3, 0xA8, 0xAD], &[][..]),
            (
                [0xD3, 0xA0, 0x90],
                &[
                    7, 0x02, 0x0B, 0x00, 0xD7, 0xD3, 0xE9, 9, 0x36, 0x00, 0x00, 0xF1, 0xF2, 0xF3,
                    0xF4, 0xF5,
                ][..],
            ),
            ([0xD3, 0xA9, 0xAD], &[][..]),
        ] {
            b.push(0x5A);
            b.extend_from_slice(&(8 + data.len() as u16).to_be_bytes());
            b.extend_from_slice(&id);
            b.extend_from_slice(&[0, 0, 0]);
            b.extend_from_slice(data);
        }
        let dir = TempDir::new("tle");
        std::fs::write(dir.0.join("group.afp"), &b).unwrap();
        let group = tandem_core::inspect_afp(&dir.0.join("group.afp"), encoding).unwrap();
        assert_eq!(group.page_groups.len(), 1);
        assert_eq!(group.page_groups[0].tles, ["PLZ = 12345"]);
        assert_eq!(group.tles.len(), 1);
        assert_eq!(
            (
                group.tles[0].offset,
                group.tles[0].name.as_str(),
                group.tles[0].value.as_str()
            ),
            (9, "PLZ", "12345")
        );
    }

    #[test]
    fn a_piece_too_heavy_for_any_letter_product() {
        let dir = TempDir::new("check-heavy");
        // 420 pages duplex = 210 sheets × 4.9896 g (0.21 × 0.297 m² × 80 g/m²)
        // = 1047.8 g, plus a 15 g C4 envelope = 1062.8 g: past the 1,000 g of
        // a Maxibrief.
        let ticket = job(&dir.0, 420, 1, |_| None);
        let (_, mut sued) = profiles();
        sued.inserter.max_sheets_per_set = 300;
        sued.inserter.folds = vec![tandem_plan::FoldCapability {
            fold: tandem_plan::Fold::Flat,
            max_sheets: 300,
        }];
        let found = codes(&ticket, &sued);
        assert!(
            has(&found, "no-postal-product", Severity::Blocking, "1062.8 g"),
            "{found:#?}"
        );
    }

    #[test]
    fn planning_reasons() {
        let dir = TempDir::new("check-plan");
        // 24 pages duplex = 12 sheets; sued's inserter takes 10 per set.
        let mut ticket = job(&dir.0, 24, 1, |_| None);
        let (_, mut sued) = profiles();
        let found = codes(&ticket, &sued);
        assert!(
            has(&found, "too-many-sheets", Severity::Blocking, "12"),
            "{found:#?}"
        );
        ticket.allow_split = true;
        let found = codes(&ticket, &sued);
        assert!(
            has(&found, "too-many-sheets", Severity::AutoFix, ""),
            "{found:#?}"
        );
        // Split into envelopes of 10 and 3 sheets (an address carrier starts
        // the second): 10 × 4.99 g + 5 g envelope = 54.9 g, past the 50 g of
        // a Kompaktbrief, so the first goes as a Großbrief.
        assert!(
            has(
                &found,
                "postal-product",
                Severity::AutoFix,
                "54.9 g in c65-window (3.2 mm) and is a Gross"
            ),
            "{found:#?}"
        );

        // An insert sued does not stock.
        let dir = TempDir::new("check-insert");
        let mut ticket = job(&dir.0, 2, 1, |_| None);
        ticket.inserts = vec!["reply-envelope".into()];
        let found = codes(&ticket, &sued);
        assert!(
            has(
                &found,
                "insert-missing",
                Severity::Blocking,
                "reply-envelope"
            ),
            "{found:#?}"
        );
        ticket.print_missing_inserts = true;
        let found = codes(&ticket, &sued);
        assert!(
            has(
                &found,
                "insert-missing",
                Severity::AutoFix,
                "reply-envelope"
            ),
            "{found:#?}"
        );

        // The address printed lower than the window: 30 mm past its bottom.
        let mut moved = ticket.clone();
        moved.inserts.clear();
        moved.address_field.y = 75.0;
        let found = codes(&moved, &sued);
        assert!(
            has(
                &found,
                "address-window",
                Severity::Blocking,
                "by 30.0 mm past the bottom edge"
            ),
            "{found:#?}"
        );

        // Only DL envelopes: an A4 letter folded to 105 × 210 mm lacks the
        // inserting clearance (needs 225 × 113 mm).
        sued.envelopes.retain(|e| e.name == "c65-window");
        sued.envelopes[0].format = tandem_plan::EnvelopeFormat::Dl;
        sued.envelopes[0].width_mm = 220.0;
        sued.envelopes[0].height_mm = 110.0;
        sued.inserter.envelopes = vec!["c65-window".into()];
        sued.tray_capacity = [(tandem_plan::EnvelopeFormat::Dl, 400)].into();
        sued.inserter.envelopes_per_hour = [(tandem_plan::EnvelopeFormat::Dl, 18000)].into();
        let found = codes(&moved, &sued);
        assert!(
            has(
                &found,
                "no-envelope",
                Severity::Blocking,
                "no envelope of the target centre takes its 1 sheet"
            ),
            "{found:#?}"
        );
    }
}

/// The footers of the pages of an output file, `None` for pages without
/// an imported source page (blank backs).
fn footers(path: &Path) -> Vec<(Option<String>, String)> {
    let pdf = Pdf::new(std::fs::read(path).unwrap()).unwrap();
    pdf.pages()
        .iter()
        .map(|page| {
            let content =
                String::from_utf8_lossy(page.page_stream().unwrap_or_default()).into_owned();
            let form = page
                .resources()
                .x_objects
                .get::<Stream<'_>>(b"P".as_slice());
            (form.and_then(|f| footer(&f.decoded().unwrap())), content)
        })
        .collect()
}

#[test]
fn redirect_follows_the_partners_plan_split_reverse_and_manual() {
    let dir = TempDir::new("plan");
    let ticket = demo_job(&dir.0, 30);
    // Give one piece an insert the partner does not stock: manual inserting.
    let index_path = dir.0.join("job/letters.csv");
    let index = std::fs::read_to_string(&index_path).unwrap();
    let index = index.replacen(
        "piece_id,first_page,page_count,plz,country",
        "piece_id,first_page,page_count,plz,country,inserts",
        1,
    );
    let index: String = index
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{l}\n"),
            5 => format!("{l},reply-envelope\n"),
            _ => format!("{l},\n"),
        })
        .collect();
    std::fs::write(&index_path, index).unwrap();
    let mut ticket = ticket;
    ticket.print_files[0].sha256 = None;

    // A partner whose inserter takes 3 sheets per set, Z-folds with the
    // address on the last page.
    let (_, mut partner) = profiles();
    partner.inserter.max_sheets_per_set = 3;
    partner.inserter.folds = vec![tandem_plan::FoldCapability {
        fold: tandem_plan::Fold::Z,
        max_sheets: 3,
    }];
    partner.inserter.address_last_with_z_fold = true;
    let out = dir.0.join("out");
    let summary = redirect(&ticket, &partner, &out, &mut |_| {}).unwrap();
    let m = &summary.manifest;
    assert_eq!(m.totals.pieces, 30);
    assert_eq!(m.totals.manual_pieces, 1);

    // Every piece is accounted for: its envelopes carry all its pages once.
    let mut pages_per_piece = std::collections::BTreeMap::<&str, u32>::new();
    for entry in &m.pieces {
        *pages_per_piece.entry(&entry.piece_id).or_default() += entry.pages;
    }
    assert_eq!(pages_per_piece.len(), 30);

    let manual = m.pieces.iter().find(|p| p.manual.is_some()).unwrap();
    assert_eq!(manual.piece_id, "P000005");
    assert!(manual.file.contains("manual"));
    let split = m
        .pieces
        .iter()
        .find(|p| p.parts > 1 && p.part == 2)
        .expect("a split piece");
    for entry in m.pieces.iter().filter(|p| p.manual.is_none()) {
        assert!(entry.reverse_order, "Z fold with the address last");
        assert!(entry.sheets <= 3);
        let pages = footers(&out.join(&entry.file));
        let set = &pages[entry.first_page as usize - 1..entry.last_page as usize];
        // Fronts are every other page; their footers run backwards within the
        // set, and the address carrier (clipped to the address field) comes
        // last when the piece is split.
        let fronts: Vec<_> = set.iter().step_by(2).collect();
        let letter_pages: Vec<u32> = fronts
            .iter()
            .filter(|(_, content)| !content.contains("W n /P Do Q"))
            .filter_map(|(f, _)| f.as_ref())
            .map(|f| f.rsplit(' ').nth(2).unwrap().parse().unwrap())
            .collect();
        assert!(
            letter_pages.windows(2).all(|w| w[0] > w[1]),
            "{} part {}: {letter_pages:?}",
            entry.piece_id,
            entry.part
        );
        if entry.part > 1 {
            let (_, last_front) = fronts.last().unwrap();
            assert!(
                last_front.contains("W n /P Do Q"),
                "address carrier ends part {} of {}",
                entry.part,
                entry.piece_id
            );
        }
    }
    assert!(split.parts >= 2);
    // The manual piece's pages are all in the manual file, in reading order.
    let pages = footers(&out.join(&manual.file));
    let numbers: Vec<u32> = pages
        .iter()
        .filter_map(|(f, _)| f.as_ref())
        .map(|f| f.rsplit(' ').nth(2).unwrap().parse().unwrap())
        .collect();
    assert_eq!(numbers, (1..=manual.pages).collect::<Vec<_>>());
}

/// The example jobs in `examples/jobs` (made with reportlab by
/// `examples/jobs/make-jobs.py`) against centre Süd: one runs, the others
/// fail for the reason in their name.
#[test]
fn example_jobs_pass_and_fail_for_their_reasons() {
    let (_, sued) = profiles();
    let jobs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/jobs");
    let cases = [
        ("runs", true, None),
        (
            "court-listing",
            true,
            Some(("format-unsupported", tandem_core::Severity::AutoFix)),
        ),
        (
            "thick-file-split",
            true,
            Some(("too-many-sheets", tandem_core::Severity::AutoFix)),
        ),
        (
            "margin-note",
            false,
            Some(("mark-zone-content", tandem_core::Severity::Blocking)),
        ),
        (
            "address-low",
            false,
            Some(("address-window", tandem_core::Severity::Blocking)),
        ),
        (
            "colour-logo",
            false,
            Some(("colour-missing", tandem_core::Severity::Blocking)),
        ),
        (
            "thick-file",
            false,
            Some(("too-many-sheets", tandem_core::Severity::Blocking)),
        ),
    ];
    for (name, passes, reason) in cases {
        let ticket = JobTicket::from_file(&jobs.join(name).join("job.toml")).unwrap();
        let report = tandem_core::check(&ticket, &sued).unwrap();
        assert_eq!(report.passes(), passes, "{name}: {:#?}", report.findings);
        if let Some((code, severity)) = reason {
            assert!(
                report
                    .findings
                    .iter()
                    .any(|f| f.code == code && f.severity == severity),
                "{name}: {:#?}",
                report.findings
            );
        }
        let blocking: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == tandem_core::Severity::Blocking)
            .map(|f| f.code)
            .collect();
        assert!(
            blocking.iter().all(|c| Some(*c) == reason.map(|r| r.0)),
            "{name}: only its own reason blocks: {blocking:?}"
        );
    }
}

/// Push-button failover of the example jobs (centre Nord) to centre Süd,
/// and the balance plan over both centres, on a temporary copy of
/// `examples/jobs`. The moved jobs' output is read back with the same
/// independent reader as the redirect tests above (hayro-syntax, rxing,
/// OMR tracks from the rules).
mod failover {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use tandem_core::{BalanceOptions, CentreDown, Manifest, failover};

    use super::{
        TempDir, decode_data_matrix, expected_tracks, filled_rects, footer, inline_mask, profiles,
    };
    use hayro_syntax::Pdf;
    use hayro_syntax::object::Stream;

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    /// The PDF example jobs, a ticket of centre Süd (left alone by a
    /// failover of Nord) and a file that is no ticket.
    fn jobs(dir: &Path) -> std::path::PathBuf {
        let jobs = dir.join("jobs");
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/jobs");
        for name in [
            "runs",
            "thick-file-split",
            "margin-note",
            "address-low",
            "colour-logo",
            "thick-file",
        ] {
            copy_dir(&examples.join(name), &jobs.join(name));
        }
        let runs = std::fs::read_to_string(jobs.join("runs/job.toml")).unwrap();
        std::fs::create_dir_all(jobs.join("sued-own")).unwrap();
        std::fs::write(
            jobs.join("sued-own/job.toml"),
            runs.replace("EX-RUNS", "EX-SUED-OWN")
                .replace("origin_centre = \"nord\"", "origin_centre = \"sued\"")
                .replace("\"letters.", "\"../runs/letters."),
        )
        .unwrap();
        std::fs::write(jobs.join("notes.toml"), "this = \"is not a ticket\"\n").unwrap();
        jobs
    }

    fn start() -> i64 {
        tandem_core::tandem_balance::parse_rfc3339("2026-12-14T06:00:00+01:00").unwrap()
    }

    /// Every piece of the job's index is in the manifest, and every sheet
    /// carries Süd's marks for its piece, in Süd's page order.
    fn check_moved_job(out: &Path, index: &Path) {
        let (_, partner) = profiles();
        let manifest: Manifest =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest.target_centre, "sued");
        let expected: BTreeSet<String> = std::fs::read_to_string(index)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_owned())
            .collect();
        let found: BTreeSet<String> = manifest.pieces.iter().map(|p| p.piece_id.clone()).collect();
        assert_eq!(found, expected, "every piece, once per part");
        let omr = partner.marks.omr.as_ref().unwrap();
        let code = partner.marks.data_matrix.as_ref().unwrap();
        let mut fronts = 0;
        for run in &manifest.runs {
            let pdf = Pdf::new(std::fs::read(out.join(&run.file)).unwrap()).unwrap();
            let pages = pdf.pages();
            assert_eq!(pages.len() as u64, run.pages, "{}", run.file);
            for piece in manifest.pieces.iter().filter(|p| p.run == run.run) {
                let mut letter_pages = Vec::new();
                for (i, page_number) in (piece.first_page..=piece.last_page).enumerate() {
                    let page = &pages[page_number as usize - 1];
                    let (_, height) = page.render_dimensions();
                    let content = page.page_stream().unwrap_or_default();
                    let bars: Vec<_> = filled_rects(content, f64::from(height))
                        .into_iter()
                        .filter(|r| !r.white)
                        .collect();
                    let mask = inline_mask(content, f64::from(height));
                    let sheet = i as u64 / 2 + 1;
                    if i % 2 == 1 {
                        assert!(bars.is_empty() && mask.is_none(), "marks on a back");
                        continue;
                    }
                    let form = page
                        .resources()
                        .x_objects
                        .get::<Stream<'_>>(b"P".as_slice());
                    let carrier = String::from_utf8_lossy(content).contains("W n /P Do Q");
                    if let Some(text) = form.and_then(|f| footer(&f.decoded().unwrap()))
                        && !carrier
                    {
                        let mut words = text.split(' ');
                        assert_eq!(words.nth(1), Some(piece.piece_id.as_str()), "{text}");
                        letter_pages.push(text.rsplit(' ').nth(2).unwrap().parse::<u32>().unwrap());
                    }
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
                        "{} sheet {sequence}",
                        run.file
                    );
                    let mask = mask.expect("a DataMatrix on every front");
                    assert!((mask.x - code.x_mm).abs() < 0.01 && (mask.y - code.y_mm).abs() < 0.01);
                    assert_eq!(
                        decode_data_matrix(&mask),
                        format!(
                            "{}|{}|{sheet}/{}",
                            manifest.job_id, piece.piece_id, piece.sheets
                        )
                    );
                    fronts += 1;
                }
                // Süd Z-folds with the address last: every set is printed
                // last sheet first.
                assert!(piece.reverse_order);
                assert!(!letter_pages.is_empty(), "footers of {}", piece.piece_id);
                assert!(
                    letter_pages.windows(2).all(|w| w[0] > w[1]),
                    "{} part {}: {letter_pages:?}",
                    piece.piece_id,
                    piece.part
                );
            }
        }
        assert_eq!(fronts, manifest.totals.sheets);
    }

    #[test]
    fn failover_moves_what_sued_can_run_and_lists_the_rest_with_reasons() {
        let dir = TempDir::new("failover");
        let jobs = jobs(&dir.0);
        let (nord, sued) = profiles();
        let out = dir.0.join("out");
        let options = BalanceOptions::starting(start());
        let summary = failover(&jobs, &nord, &sued, &options, &out).unwrap();

        let moved: Vec<&str> = summary.moved.iter().map(|m| m.job.as_str()).collect();
        assert_eq!(moved, ["EX-RUNS", "EX-THICK-FILE-SPLIT"]);
        for (job, name) in [
            ("EX-RUNS", "runs"),
            ("EX-THICK-FILE-SPLIT", "thick-file-split"),
        ] {
            check_moved_job(&out.join(job), &jobs.join(name).join("letters.csv"));
        }
        let refused: BTreeMap<&str, &[String]> = summary
            .refused
            .iter()
            .map(|r| (r.job.as_str(), r.reasons.as_slice()))
            .collect();
        for (job, code) in [
            ("EX-ADDRESS-LOW", "address-window:"),
            ("EX-COLOUR-LOGO", "colour-missing:"),
            ("EX-MARGIN-NOTE", "mark-zone-content:"),
            ("EX-THICK-FILE", "too-many-sheets:"),
        ] {
            let reasons = refused
                .get(job)
                .unwrap_or_else(|| panic!("{job} not listed"));
            assert!(
                reasons.iter().all(|r| r.starts_with(code)),
                "{job}: {reasons:?}"
            );
            assert!(!out.join(job).exists(), "no output for {job}");
        }
        assert_eq!(refused.len(), 4);
        assert_eq!(summary.other_centres, 1);
        assert_eq!(summary.skipped.len(), 1);
        assert!(summary.skipped[0].path.ends_with("notes.toml"));

        // The one summary on disk says the same.
        let on_disk: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        assert_eq!(on_disk["moved"].as_array().unwrap().len(), 2);
        assert_eq!(on_disk["refused"].as_array().unwrap().len(), 4);
        let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
        assert_eq!(csv.lines().filter(|l| l.contains(",not moved,")).count(), 4);
        assert_eq!(csv, summary.to_csv());
        // Süd's schedule for the moved jobs: both on time, nothing else.
        let plan = &summary.plan;
        assert_eq!(plan.assignments.len(), 2);
        assert!(
            plan.assignments
                .iter()
                .all(|a| a.centre == "sued" && a.late_by_s == 0)
        );
        assert!(out.join("failover-plan.svg").exists());

        // A second press of the button never overwrites.
        let again = failover(&jobs, &nord, &sued, &options, &out);
        assert!(matches!(
            again,
            Err(tandem_core::CoreError::OutputExists(_))
        ));
    }

    #[test]
    fn balance_with_nord_down_moves_only_where_the_check_passes() {
        let dir = TempDir::new("balance");
        let jobs = jobs(&dir.0);
        let (nord, sued) = profiles();
        let mut options = BalanceOptions::starting(start());
        options.down.push(CentreDown {
            centre: "nord".into(),
            from: start(),
            until: start() + 32 * 3600,
        });
        let profiles = [nord, sued];
        let a = tandem_core::balance_jobs(&jobs, &profiles, &options, &dir.0.join("a")).unwrap();
        let plan = &a.plan;
        let at: BTreeMap<&str, &str> = plan
            .assignments
            .iter()
            .map(|x| (x.job.as_str(), x.centre.as_str()))
            .collect();
        // Down until Tuesday 14:00, deadline Tuesday 12:00: Süd takes what
        // it can run; the jobs its check refuses wait for Nord and are late.
        assert_eq!(at["EX-RUNS"], "sued");
        assert_eq!(at["EX-THICK-FILE-SPLIT"], "sued");
        assert_eq!(at["EX-SUED-OWN"], "sued");
        for job in [
            "EX-ADDRESS-LOW",
            "EX-COLOUR-LOGO",
            "EX-MARGIN-NOTE",
            "EX-THICK-FILE",
        ] {
            assert_eq!(at[job], "nord", "{job}");
            let x = plan.assignments.iter().find(|x| x.job == job).unwrap();
            assert!(
                x.late_by_s > 0 && x.reason.contains("not at sued: "),
                "{}",
                x.reason
            );
        }
        for file in ["plan.json", "plan.csv", "plan.svg", "jobs.json"] {
            assert!(dir.0.join("a").join(file).is_file(), "{file}");
        }
        // Deterministic: the same input gives the same files.
        tandem_core::balance_jobs(&jobs, &profiles, &options, &dir.0.join("b")).unwrap();
        for file in ["plan.json", "plan.csv", "plan.svg"] {
            assert_eq!(
                std::fs::read(dir.0.join("a").join(file)).unwrap(),
                std::fs::read(dir.0.join("b").join(file)).unwrap(),
                "{file}"
            );
        }
    }
}

/// A line-data listing (the linedata fixture `redirect-letters`, made by
/// `scripts/make-linedata-fixtures.py` with its expected documents) goes
/// through `redirect` natively: laid out, cut at channel-1 skips, PLZ read
/// from the page, planned and marked like a PDF job.
#[test]
fn line_data_listing_is_redirected_with_its_documents_and_marks() {
    let dir = TempDir::new("listing");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ticket = JobTicket::from_file(&root.join("examples/jobs/court-listing/job.toml")).unwrap();
    let expected: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join("crates/linedata/tests/fixtures/redirect-letters.expected.json"))
            .unwrap(),
    )
    .unwrap();
    let (_, sued) = profiles();
    let out = dir.0.join("out");
    let summary = redirect(&ticket, &sued, &out, &mut |_| {}).unwrap();
    let m = &summary.manifest;
    let documents = expected["documents"].as_array().unwrap();
    assert_eq!(m.totals.pieces as usize, documents.len());
    let mut by_source: Vec<_> = m.pieces.iter().collect();
    by_source.sort_by_key(|p| p.source_first_page);
    for (piece, document) in by_source.iter().zip(documents) {
        assert_eq!(
            piece.source_first_page,
            document["first_page"].as_u64().unwrap()
        );
        assert_eq!(
            u64::from(piece.pages),
            document["page_count"].as_u64().unwrap()
        );
        assert_eq!(piece.plz, document["plz"].as_str().unwrap());
    }
    // Every front carries the partner's DataMatrix naming its piece.
    let code = sued.marks.data_matrix.as_ref().unwrap();
    for piece in &m.pieces {
        let pdf = Pdf::new(std::fs::read(out.join(&piece.file)).unwrap()).unwrap();
        let pages = pdf.pages();
        for (i, page_number) in (piece.first_page..=piece.last_page).enumerate() {
            let page = &pages[page_number as usize - 1];
            let (_, height) = page.render_dimensions();
            let mask =
                inline_mask(page.page_stream().unwrap_or_default(), f64::from(height)).unwrap();
            assert!((mask.x - code.x_mm).abs() < 0.01);
            let sheet = i + 1; // simplex: every page is a front, in print order
            let text = decode_data_matrix(&mask);
            assert_eq!(
                text,
                format!("{}|{}|{sheet}/{}", m.job_id, piece.piece_id, piece.sheets)
            );
        }
    }
    // The laid-out listing was an intermediate: nothing is left beside the output.
    let leftovers: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers, ["out"], "{leftovers:?}");
}

mod afp {
    //! AFP jobs: the example job (made with Apache FOP) redirected to Nord,
    //! read back with tandem-afp's reader; the marks are decoded from the
    //! PTOCA rules and checked against tracks derived here from the rules.

    use super::*;
    use tandem_afp::{
        AfpIndex, BarCodeData, BarCodeDescriptor, ControlSequences, Page, StructuredFields,
    };

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn ticket() -> JobTicket {
        JobTicket::from_file(&root().join("examples/jobs/afp-letters/job.toml")).unwrap()
    }

    /// A rule drawn by a PTX: position and size in mm, and whether it is
    /// in the colour of the medium (a white-out).
    #[derive(Debug, Clone, Copy)]
    struct Rule {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        white: bool,
    }

    /// The rules the text objects redirect adds draw (the page's last two
    /// PTX: white-outs in RGB white, then the bars), in mm with the page's
    /// 240 units per inch. Stacked rules come back as they were written.
    fn added_rules(page: &[u8]) -> Vec<Rule> {
        let ptx: Vec<_> = StructuredFields::new(page)
            .map(Result::unwrap)
            .filter(|f| f.name() == "PTX")
            .collect();
        let mm = |units: i16| f64::from(units) * 25.4 / 240.0;
        let be = |d: &[u8]| i16::from_be_bytes([d[0], d[1]]);
        let mut rules = Vec::new();
        // The marks are the text objects after the input's own: theirs
        // start with STO.
        let ours = ptx.iter().rev().take(2).rev().filter(|f| {
            ControlSequences::new(f.data)
                .next()
                .is_some_and(|c| c.unwrap().name() == "STO")
        });
        for field in ours {
            // Every text object starts in the default (black) colour.
            let (mut x, mut y, mut white) = (0, 0, false);
            for c in ControlSequences::new(field.data) {
                let c = c.unwrap();
                match c.name() {
                    "STO" => assert_eq!(c.data, [0, 0, 0x2D, 0]),
                    // RGB (colour space 1), 8 bits each: white or not.
                    "SEC" => white = c.data[1] == 1 && c.data[10..13] == [255, 255, 255],
                    "AMI" => x = be(c.data),
                    "AMB" => y = be(c.data),
                    "DIR" => {
                        let width = be(&c.data[2..]);
                        // PTOCA subsets below PT4 take rules up to 192 units.
                        assert!(width <= 192, "{width}");
                        rules.push(Rule {
                            x: mm(x),
                            y: mm(y),
                            w: mm(be(c.data)),
                            h: mm(width),
                            white,
                        });
                    }
                    other => panic!("unexpected {other} in the marks"),
                }
            }
        }
        rules
    }

    fn names(page: &[u8]) -> Vec<&'static str> {
        StructuredFields::new(page)
            .map(|f| f.unwrap().name())
            .collect()
    }

    fn tle<'a>(index: &'a AfpIndex, group: &tandem_afp::PageGroup, name: &str) -> &'a str {
        index
            .group_tles(group)
            .find(|t| t.name == name)
            .unwrap()
            .value
    }

    #[test]
    fn afp_job_is_redirected_with_its_page_groups_marks_and_data_matrix() {
        let dir = TempDir::new("afp");
        let (nord, _) = profiles();
        let ticket = ticket();
        let out = dir.0.join("out");
        let summary = redirect(&ticket, &nord, &out, &mut |_| {}).unwrap();
        let m = &summary.manifest;
        // make-job.py: letter i has 1 + (7 i mod 5) pages, 40 letters.
        assert_eq!(m.totals.pieces, 40);
        assert_eq!(m.totals.pages, 120);
        for entry in &m.pieces {
            let i: u32 = entry.piece_id[1..].parse().unwrap();
            assert_eq!(entry.pages, 1 + (7 * i) % 5, "{}", entry.piece_id);
            assert_eq!(entry.sheets, entry.pages.div_ceil(2));
        }
        let [run] = m.runs.as_slice() else {
            panic!("one run")
        };
        assert!(run.file.ends_with(".afp"), "{}", run.file);
        let source = std::fs::read(&ticket.print_files[0].path).unwrap();
        let src = AfpIndex::build(&source).unwrap();
        let bytes = std::fs::read(out.join(&run.file)).unwrap();
        let output = AfpIndex::build(&bytes).unwrap();
        assert_eq!(output.page_groups.len(), 40);
        assert_eq!(output.pages.len() as u64, run.pages);

        let omr = nord.marks.omr.as_ref().unwrap();
        let zone = ticket.origin_mark_zone.unwrap();
        let code = nord.marks.data_matrix.as_ref().unwrap();
        for (group, entry) in output.page_groups.iter().zip(&m.pieces) {
            assert_eq!(tle(&output, group, "PieceId"), entry.piece_id);
            let source_group = src
                .page_groups
                .iter()
                .find(|g| tle(&src, g, "PieceId") == entry.piece_id)
                .unwrap();
            let source_pages: &[Page] = src.group_pages(source_group);
            let pages = output.group_pages(group);
            assert_eq!(pages.len() as u32, entry.sheets * 2, "duplex: blank backs");
            assert_eq!(
                (pages[0].offset, pages.len() as u64),
                (
                    output.pages[(entry.first_page - 1) as usize].offset,
                    entry.last_page - entry.first_page + 1
                )
            );
            for (sheet, pair) in pages.chunks(2).enumerate() {
                let number = sheet as u32 + 1;
                let sequence = entry.first_sequence + sheet as u64;
                let front = pair[0].bytes(&bytes);
                // Nord folds without reversal: the source pages in order,
                // each copied byte for byte up to its EPG.
                let source_front = &source_pages[sheet * 2];
                assert!(front.starts_with(source_front.content(&source)));
                let rules = added_rules(front);
                // The white-out: the zone, in stacked rules that meet.
                let (whites, bars): (Vec<Rule>, Vec<Rule>) = rules.iter().partition(|r| r.white);
                let top = whites[0].y;
                let bottom = whites.iter().fold(top, |y, r| {
                    assert!((r.y - y).abs() < 0.01, "stacked rules meet: {r:?}");
                    r.y + r.h
                });
                assert!((whites[0].x - zone.x).abs() < 0.11 && (top - zone.y).abs() < 0.11);
                assert!((whites[0].w - zone.width).abs() < 0.11);
                assert!((bottom - top - zone.height).abs() < 0.11);
                let mut marked = vec![false; omr.tracks.len()];
                for bar in &bars {
                    assert!(!bar.white);
                    assert!((bar.x - omr.left_mm).abs() < 0.11);
                    assert!((bar.w - omr.bar_length_mm).abs() < 0.11);
                    let track = (bar.y + bar.h / 2.0 - omr.top_mm) / omr.pitch_mm;
                    assert!((track - track.round()).abs() < 0.05, "{bar:?}");
                    marked[track.round() as usize] = true;
                }
                let last = number == entry.sheets;
                assert_eq!(
                    marked,
                    expected_tracks(&omr.tracks, omr.parity, sequence, last),
                    "{} sheet {number}",
                    entry.piece_id
                );
                let fields: Vec<_> = StructuredFields::new(front).map(Result::unwrap).collect();
                let bdd = fields.iter().find(|f| f.name() == "BDD").unwrap();
                let bdd = BarCodeDescriptor::parse(bdd.data).unwrap();
                let bda = fields.iter().find(|f| f.name() == "BDA").unwrap();
                let bda = BarCodeData::parse(bda.data, bdd.symbology).unwrap();
                let text = format!(
                    "{}|{}|{number}/{}|{sequence}",
                    ticket.id, entry.piece_id, entry.sheets
                );
                assert_eq!(std::str::from_utf8(bda.data).unwrap(), text);
                let obp = fields.iter().find(|f| f.name() == "OBP").unwrap();
                let at =
                    |b: &[u8]| f64::from(u32::from_be_bytes([0, b[0], b[1], b[2]])) * 25.4 / 240.0;
                assert!((at(&obp.data[2..5]) - code.x_mm).abs() < 0.11);
                assert!((at(&obp.data[5..8]) - code.y_mm).abs() < 0.11);

                let back = pair[1].bytes(&bytes);
                match source_pages.get(sheet * 2 + 1) {
                    Some(source_back) => {
                        assert!(back.starts_with(source_back.content(&source)));
                        let rules = added_rules(back);
                        assert!(
                            !rules.is_empty() && rules.iter().all(|r| r.white),
                            "the back is only whited out"
                        );
                        assert!(!names(back).contains(&"BBC"));
                    }
                    None => assert_eq!(names(back), ["BPG", "BAG", "PGD", "EAG", "EPG"]),
                }
            }
        }
        // Same input, same output, byte for byte.
        let again = dir.0.join("again");
        let second = redirect(&ticket, &nord, &again, &mut |_| {}).unwrap();
        assert_eq!(second.manifest.runs[0].sha256, run.sha256);
        assert_eq!(std::fs::read(again.join(&run.file)).unwrap(), bytes);
    }

    /// A partner that folds address-last prints every set last sheet
    /// first: the pages move within their page group, sheet by sheet.
    #[test]
    fn reversed_sets_reorder_pages_within_their_page_group() {
        let dir = TempDir::new("afp-reverse");
        let text =
            EXAMPLE_ORIGIN_PROFILE.replace("reverse_collation = false", "reverse_collation = true");
        assert_ne!(text, EXAMPLE_ORIGIN_PROFILE);
        let nord = CentreProfile::from_toml_str(&text).unwrap();
        let ticket = ticket();
        let out = dir.0.join("out");
        let m = redirect(&ticket, &nord, &out, &mut |_| {})
            .unwrap()
            .manifest;
        let source = std::fs::read(&ticket.print_files[0].path).unwrap();
        let src = AfpIndex::build(&source).unwrap();
        let bytes = std::fs::read(out.join(&m.runs[0].file)).unwrap();
        let output = AfpIndex::build(&bytes).unwrap();
        let mut reordered = 0;
        for (group, entry) in output.page_groups.iter().zip(&m.pieces) {
            assert!(entry.reverse_order);
            let source_group = src
                .page_groups
                .iter()
                .find(|g| tle(&src, g, "PieceId") == entry.piece_id)
                .unwrap();
            let source_pages = src.group_pages(source_group);
            let sheets = source_pages.len().div_ceil(2);
            for (k, pair) in output.group_pages(group).chunks(2).enumerate() {
                // Output sheet k is source sheet (sheets - 1 - k).
                let s = sheets - 1 - k;
                assert!(
                    pair[0]
                        .bytes(&bytes)
                        .starts_with(source_pages[2 * s].content(&source))
                );
                if let Some(b) = source_pages.get(2 * s + 1) {
                    assert!(pair[1].bytes(&bytes).starts_with(b.content(&source)));
                }
            }
            reordered += usize::from(sheets > 1);
        }
        assert!(reordered > 20, "{reordered}");
    }

    /// `tandem check` plans an AFP job from its page groups: at Nord only
    /// the resources FOP refers to but does not embed (fonts, the medium
    /// map) block it; at Süd the format does.
    #[test]
    fn afp_job_check_names_missing_resources_or_the_format() {
        let (nord, sued) = profiles();
        let report = tandem_core::check(&ticket(), &nord).unwrap();
        let mut blocking: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.severity == tandem_core::Severity::Blocking)
            .map(|f| format!("{} {}", f.code, f.message.rsplit(": ").next().unwrap()))
            .collect();
        blocking.sort();
        assert_eq!(
            blocking,
            [
                "afp-resource-missing CharacterSet C0H20000 is neither in the print file nor in nord's resource library",
                "afp-resource-missing CharacterSet C0H20080 is neither in the print file nor in nord's resource library",
                "afp-resource-missing CharacterSet C0H400A0 is neither in the print file nor in nord's resource library",
                "afp-resource-missing CodePage T1V10500 is neither in the print file nor in nord's resource library",
                "afp-resource-missing MediumMap MMDUPLEX is neither in the print file nor in nord's resource library",
            ]
        );
        let report = tandem_core::check(&ticket(), &sued).unwrap();
        assert!(report.findings.iter().any(
            |f| f.code == "format-unsupported" && f.severity == tandem_core::Severity::Blocking
        ));
    }

    /// The closed loop for an AFP job: three pieces diverted at the
    /// inserter are reprinted as child job `JOB.1`, whose print file holds
    /// exactly their page groups, copied byte for byte.
    #[test]
    fn diverted_afp_pieces_are_reprinted_from_their_page_groups() {
        use tandem_core::tandem_journal::{CountingClock, Reported, ResultRecord, format_result};
        let dir = TempDir::new("afp-reprint");
        let (nord, _) = profiles();
        let ticket = ticket();
        let clock = CountingClock::new(1_767_225_600);
        let out = dir.0.join("out");
        let done =
            tandem_core::redirect_with_journal(&ticket, &nord, &out, None, &clock, &mut |_| {})
                .unwrap();
        let m = &done.summary.manifest;
        assert!(out.join("EX-AFP-LETTERS-nord-run001.ctl").exists());
        let layout = nord.results.as_ref().unwrap();
        let diverted = ["A0003", "A0017", "A0040"];
        let lines: Vec<String> = m
            .pieces
            .iter()
            .map(|p| {
                let divert = diverted.contains(&p.piece_id.as_str());
                format_result(
                    layout,
                    &ResultRecord {
                        file: String::new(),
                        line: 0,
                        job: m.job_id.clone(),
                        piece_id: p.piece_id.clone(),
                        part: p.part,
                        code: if divert {
                            layout.diverted[0].clone()
                        } else {
                            layout.ok[0].clone()
                        },
                        status: if divert {
                            Reported::Diverted
                        } else {
                            Reported::Ok
                        },
                        time: Some("2026-12-01T10:00:00Z".into()),
                        machine: Some("INS1".into()),
                    },
                )
            })
            .collect();
        let results = dir.0.join("results.txt");
        std::fs::write(&results, lines.join("\n") + "\n").unwrap();
        tandem_core::reconcile_files(&done.journal, &[results], Some(&ticket.id), None, &clock)
            .unwrap();
        let re = tandem_core::reprint(
            &ticket,
            &nord,
            &dir.0.join("re"),
            &done.journal,
            false,
            &clock,
            &mut |_| {},
        )
        .unwrap();
        let mut pieces = re.pieces.clone();
        pieces.sort();
        assert_eq!(pieces, diverted);
        let child = JobTicket::from_file(&re.input_dir.join("job.toml")).unwrap();
        assert_eq!(child.id, "EX-AFP-LETTERS.1");
        // The child's print file: the original's head, the three page
        // groups as they were, the tail.
        let source = std::fs::read(&ticket.print_files[0].path).unwrap();
        let src = AfpIndex::build(&source).unwrap();
        let child_bytes = std::fs::read(&child.print_files[0].path).unwrap();
        let index = AfpIndex::build(&child_bytes).unwrap();
        let ids: Vec<&str> = index
            .page_groups
            .iter()
            .map(|g| tle(&index, g, "PieceId"))
            .collect();
        assert_eq!(ids, diverted);
        for group in &src.page_groups {
            if diverted.contains(&tle(&src, group, "PieceId")) {
                let bytes = &source[group.offset as usize..group.end as usize];
                assert!(child_bytes.windows(bytes.len()).any(|w| w == bytes));
            }
        }
        // Its redirect carries the child id in the DataMatrix.
        let manifest = &re.summary.manifest;
        assert_eq!(manifest.totals.pieces, 3);
        let run = std::fs::read(re.summary.output_dir.join(&manifest.runs[0].file)).unwrap();
        assert!(
            run.windows(16).any(|w| w == b"EX-AFP-LETTERS.1"),
            "the child's marks name the child job"
        );
    }

    /// Page sizes come from each page's PGD: at a centre with A5 sheets
    /// only, all 120 A4 pages are named. An AFP file whose groups cannot
    /// be moved (the FOP fixture: one group invokes no medium map while
    /// the others do) is a blocking finding, not a failed check.
    #[test]
    fn afp_check_names_page_sizes_and_unmovable_page_groups() {
        let (nord, _) = profiles();
        let a5 = CentreProfile::from_toml_str(
            &EXAMPLE_ORIGIN_PROFILE.replace(r#"sheet_sizes = ["a4"]"#, r#"sheet_sizes = ["a5"]"#),
        )
        .unwrap();
        let report = tandem_core::check(&ticket(), &a5).unwrap();
        assert_eq!(report.counts.get("page-size"), Some(&120));
        assert_eq!(report.pages_checked, 120);
        let first = report
            .findings
            .iter()
            .find(|f| f.code == "page-size")
            .unwrap();
        assert!(
            first.message.starts_with("page is 210 × 297 mm"),
            "{}",
            first.message
        );

        let fixture = root().join("crates/afp/tests/fixtures/fop/letters.afp");
        let mut ticket = ticket();
        ticket.print_files[0].path = fixture;
        let report = tandem_core::check(&ticket, &nord).unwrap();
        let finding = report
            .findings
            .iter()
            .find(|f| f.code == "afp-page-groups")
            .expect("the groups cannot be moved");
        assert!(
            finding.message.contains("invokes no medium map of its own"),
            "{}",
            finding.message
        );
        assert!(!report.passes());
    }

    /// The mark-zone check reads AFP pages too: rules exactly, text where
    /// its runs start. Nord's OMR moved onto the left margin of the text
    /// (x 25 mm in `make-job.py`) collides with the address or body text on
    /// every sheet front; moved onto Süd's bars, it meets only rules that the white-out
    /// of the origin's zone covers (an automatic fix).
    #[test]
    fn afp_check_finds_print_in_the_partners_mark_zone() {
        let moved = |left: &str, top: &str| {
            let text = EXAMPLE_ORIGIN_PROFILE
                .replace("left_mm = 5.0", left)
                .replace("top_mm = 60.0", top);
            assert_ne!(text, EXAMPLE_ORIGIN_PROFILE);
            CentreProfile::from_toml_str(&text).unwrap()
        };
        let on_address = moved("left_mm = 22.0", "top_mm = 60.0");
        let report = tandem_core::check(&ticket(), &on_address).unwrap();
        // Every front: the address on first pages, body text on the others.
        assert_eq!(
            report.counts.get("mark-zone-content"),
            Some(&72),
            "one per sheet"
        );
        let finding = report
            .findings
            .iter()
            .find(|f| f.code == "mark-zone-content")
            .unwrap();
        assert_eq!(finding.severity, tandem_core::Severity::Blocking);
        assert_eq!(finding.page, Some(1));
        assert!(
            finding.message.contains("prints Text at x 25.0"),
            "{}",
            finding.message
        );

        let on_origin_bars = moved("left_mm = 6.0", "top_mm = 110.0");
        let report = tandem_core::check(&ticket(), &on_origin_bars).unwrap();
        let zone: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.code == "mark-zone-content")
            .collect();
        assert!(!zone.is_empty());
        assert!(
            zone.iter()
                .all(|f| f.severity == tandem_core::Severity::AutoFix
                    && f.message.contains("prints Path"))
        );
        // Where the example profile puts its marks, nothing is in the way.
        let (nord, _) = profiles();
        let report = tandem_core::check(&ticket(), &nord).unwrap();
        assert_eq!(report.counts.get("mark-zone-content"), None);
        assert_eq!(report.pages_checked, 120);
    }

    #[test]
    fn afp_jobs_are_refused_where_they_cannot_run() {
        let dir = TempDir::new("afp-refused");
        let (_, sued) = profiles();
        let e = redirect(&ticket(), &sued, &dir.0.join("out"), &mut |_| {}).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the partner cannot run this job: sued does not print AFP"
        );
        assert!(!dir.0.join("out").exists());
        // A ticket naming a TLE the page groups do not have.
        let mut ticket = ticket();
        let tandem_ticket::Delimiting::AfpPageGroups { afp_page_groups } = &mut ticket.documents
        else {
            panic!("AFP ticket")
        };
        afp_page_groups.piece_id_tle = "Sendungsnummer".into();
        let (nord, _) = profiles();
        let e = redirect(&ticket, &nord, &dir.0.join("out"), &mut |_| {}).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("page group PGP00001 at byte ")
                && text.ends_with("has no Sendungsnummer TLE"),
            "{text}"
        );
        // A truncated file: the reader's error with the byte offset.
        let cut = dir.0.join("cut.afp");
        let source = std::fs::read(&ticket.print_files[0].path).unwrap();
        std::fs::write(&cut, &source[..source.len() - 5]).unwrap();
        let mut ticket = self::ticket();
        ticket.print_files[0].path = cut;
        let e = redirect(&ticket, &nord, &dir.0.join("out"), &mut |_| {}).unwrap_err();
        assert!(matches!(e, CoreError::Afp { .. }), "{e}");
        assert!(
            e.to_string().contains("needs 17 bytes but only 12 remain"),
            "{e}"
        );
        assert!(!dir.0.join("out").exists());
    }
}

mod afp_runs {
    //! AFP output cut into runs and a file for manual inserting.

    use super::*;
    use tandem_afp::AfpIndex;

    /// Nord with at most 12 sheets per run file and 2 sheets per envelope:
    /// the 3-sheet letters go to manual inserting (the job does not allow
    /// splitting), the rest into several run files, each a whole document.
    #[test]
    fn afp_output_is_cut_into_runs_and_a_manual_file() {
        let dir = TempDir::new("afp-runs");
        let text = EXAMPLE_ORIGIN_PROFILE
            .replace("max_sheets_per_run = 5000", "max_sheets_per_run = 12")
            .replace("max_sheets_per_set = 8", "max_sheets_per_set = 2")
            .replace(
                r#"folds = [{ fold = "c", max_sheets = 8 }, { fold = "none", max_sheets = 60 }]"#,
                r#"folds = [{ fold = "c", max_sheets = 2 }]"#,
            );
        let nord = CentreProfile::from_toml_str(&text).unwrap();
        let ticket = JobTicket::from_file(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/jobs/afp-letters/job.toml"),
        )
        .unwrap();
        let out = dir.0.join("out");
        let m = redirect(&ticket, &nord, &out, &mut |_| {})
            .unwrap()
            .manifest;
        // 5-page letters (A0002, A0007, …: i = 2 mod 5) need 3 sheets.
        let manual: Vec<&str> = m
            .pieces
            .iter()
            .filter(|p| p.manual.is_some())
            .map(|p| p.piece_id.as_str())
            .collect();
        assert_eq!(
            manual,
            [
                "A0002", "A0007", "A0012", "A0017", "A0022", "A0027", "A0032", "A0037"
            ]
        );
        assert!(m.runs.len() >= 4, "{:?}", m.runs);
        let source = std::fs::read(&ticket.print_files[0].path).unwrap();
        let src = AfpIndex::build(&source).unwrap();
        let head_end = src.page_groups[0].offset as usize;
        let mut pieces = 0;
        let mut manual_pages = 0;
        for run in &m.runs {
            assert!(run.file.ends_with(".afp"));
            let bytes = std::fs::read(out.join(&run.file)).unwrap();
            // Each file: the input's head (resource group, BDT), its page
            // groups, EDT; it indexes as one whole document.
            assert!(bytes.starts_with(&source[..head_end]));
            let index = AfpIndex::build(&bytes).unwrap();
            assert_eq!(index.documents.len(), 1);
            assert_eq!(index.page_groups.len() as u64, run.pieces);
            assert_eq!(index.pages.len() as u64, run.pages);
            if run.run == 0 {
                assert!(run.file.contains("manual"), "{}", run.file);
                // Manual pieces carry no inserter marks.
                assert!(!bytes.windows(3).any(|w| w == [0xD3, 0xA8, 0xEB]));
                manual_pages += run.pages;
            } else {
                assert!(run.sheets <= 12 || run.pieces == 1);
            }
            pieces += run.pieces;
        }
        assert_eq!(pieces, 40);
        assert_eq!(manual_pages, 8 * 6, "5 pages + a blank back each");
    }
}

/// An insert fed by a feeder must be called for: with neither a control
/// file nor marks that can call feeders, the redirect is refused rather
/// than the leaflet silently left out.
#[test]
fn selective_feeds_must_reach_the_inserter() {
    let dir = TempDir::new("feeders");
    let mut ticket = demo_job(&dir.0, 5);
    ticket.inserts = vec!["info-leaflet".into()];
    let (_, mut sued) = profiles();
    let with_control_file = redirect(&ticket, &sued, &dir.0.join("ok"), &mut |_| {}).unwrap();
    assert!(
        with_control_file
            .manifest
            .pieces
            .iter()
            .all(|p| p.manual.is_none())
    );
    sued.control_file = None;
    let e = redirect(&ticket, &sued, &dir.0.join("refused"), &mut |_| {}).unwrap_err();
    assert!(
        e.to_string().ends_with(
            "feeders [1] must fire for its inserts, but sued has no control file and its marks cannot call them"
        ),
        "{e}"
    );
    assert!(!dir.0.join("refused").exists());
    // `tandem check` says so before anything is written.
    let report = tandem_core::check(&ticket, &sued).unwrap();
    assert_eq!(report.counts.get("feeders-unreachable"), Some(&1));
    // A DataMatrix that carries the feeders calls them.
    let code = sued.marks.data_matrix.as_mut().unwrap();
    code.template.push_str("|{feeders}");
    redirect(&ticket, &sued, &dir.0.join("in-code"), &mut |_| {}).unwrap();
    // Feeder 9 is beyond any control record or mark, control file or not.
    let (_, mut sued) = profiles();
    sued.inserter.feeders[0].number = 9;
    let e = redirect(&ticket, &sued, &dir.0.join("nine"), &mut |_| {}).unwrap_err();
    assert!(
        e.to_string()
            .contains("feeder 9 must fire for its inserts, but control records and marks call feeders 1-8 only"),
        "{e}"
    );
}

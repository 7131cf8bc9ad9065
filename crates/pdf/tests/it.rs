//! Tests of PDF import and streaming output.
//!
//! Source PDFs are made here with pdf-writer's in-memory `Pdf` (not our
//! streaming writer); the output's cross-reference table is checked byte by
//! byte, because hayro-syntax would silently repair a broken one.

use pdf_writer::{Content, Finish, Pdf, Rect, Ref};
use proptest::prelude::*;
use tandem_pdf::{PdfError, PdfInput, PdfWriter};

/// A source PDF whose pages have the given (MediaBox, CropBox, Rotate); each
/// draws a 10 × 10 pt square at (100, 200) in its own user space.
fn source_pdf(pages: &[(Rect, Option<Rect>, i32)]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let mut next = Ref::new(1);
    let catalog = next.bump();
    let tree = next.bump();
    let mut kids = Vec::new();
    for &(media, crop, rotate) in pages {
        let page = next.bump();
        let content = next.bump();
        kids.push(page);
        let mut writer = pdf.page(page);
        writer
            .parent(tree)
            .media_box(media)
            .contents(content)
            .rotate(rotate);
        if let Some(crop) = crop {
            writer.crop_box(crop);
        }
        writer.finish();
        let mut c = Content::new();
        c.rect(100.0, 200.0, 10.0, 10.0).fill_nonzero();
        pdf.stream(content, &c.finish());
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(kids.iter().copied())
        .count(kids.len() as i32);
    pdf.finish()
}

fn a4() -> Rect {
    Rect::new(0.0, 0.0, 595.0, 842.0)
}

/// Checks every in-use xref entry points at `N 0 obj`.
fn assert_xref_exact(bytes: &[u8]) {
    // The binary comment after the header is not UTF-8: search bytes, and
    // only turn the ASCII tail into text.
    let startxref = bytes.windows(9).rposition(|w| w == b"startxref").unwrap();
    let tail = std::str::from_utf8(&bytes[startxref + 9..]).unwrap();
    let offset: usize = tail.split_whitespace().next().unwrap().parse().unwrap();
    let table = std::str::from_utf8(&bytes[offset..]).unwrap();
    assert!(
        table.starts_with("xref\n0 "),
        "xref table at the startxref offset"
    );
    let mut header = table.splitn(3, '\n');
    let (_, subsection) = (header.next(), header.next().unwrap());
    let count: usize = subsection.split(' ').nth(1).unwrap().parse().unwrap();
    let entries = &table[5 + subsection.len() + 1..];
    for id in 0..count {
        let entry = &entries[20 * id..20 * (id + 1)];
        assert!(
            entry.ends_with("\r\n"),
            "entry {id} is 20 bytes ending in CR LF: {entry:?}"
        );
        if entry.as_bytes()[17] == b'n' {
            let at: usize = entry[..10].parse().unwrap();
            let header = format!("{id} 0 obj");
            assert!(
                bytes[at..].starts_with(header.as_bytes()),
                "object {id} at offset {at}"
            );
        }
    }
    assert!(entries[20 * count..].starts_with("trailer"));
}

fn redraw(input: &PdfInput, indices: &[usize]) -> Vec<u8> {
    let mut writer = PdfWriter::new(Vec::new()).unwrap();
    let imported = input.import(indices, writer.allocator()).unwrap();
    writer.write_chunk(&imported.chunk).unwrap();
    for page in &imported.pages {
        writer
            .add_page(
                page.width,
                page.height,
                &[(b"P", page.form)],
                b"q /P Do Q\n",
            )
            .unwrap();
    }
    writer.finish().unwrap()
}

/// Applies a form's /Matrix to a point.
fn apply(m: &[f32; 6], (x, y): (f32, f32)) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

fn form_matrix(output: &[u8], page: usize) -> [f32; 6] {
    use hayro_syntax::object::{Array, Stream};
    let pdf = hayro_syntax::Pdf::new(output.to_vec()).unwrap();
    let pages = pdf.pages();
    let form = pages[page]
        .resources()
        .x_objects
        .get::<Stream<'_>>(b"P".as_slice())
        .unwrap();
    let matrix = form.dict().get::<Array<'_>>(b"Matrix".as_slice()).unwrap();
    let values: Vec<f32> = matrix.iter::<f32>().collect();
    values.try_into().unwrap()
}

#[test]
fn rotate_and_crop_box_are_applied() {
    let pdf = source_pdf(&[
        (a4(), None, 0),
        (a4(), Some(Rect::new(50.0, 100.0, 545.0, 742.0)), 0),
        (a4(), None, 90),
        (Rect::new(0.0, 0.0, 842.0, 595.0), None, 270),
    ]);
    let input = PdfInput::from_bytes(pdf, "rotated.pdf").unwrap();
    assert_eq!(input.page_count(), 4);
    // Visible sizes: A4; the crop box (495 × 642); A4 turned by 90° (842 × 595); landscape turned back.
    let sizes: Vec<_> = (0..4).map(|i| input.page_size(i).unwrap()).collect();
    assert_eq!(
        sizes,
        [
            (595.0, 842.0),
            (495.0, 642.0),
            (842.0, 595.0),
            (595.0, 842.0)
        ]
    );
    let output = redraw(&input, &[0, 1, 2, 3]);
    assert_xref_exact(&output);
    let square = (105.0, 205.0); // centre of the drawn square
    // Unrotated, uncropped: stays where it is.
    assert_eq!(apply(&form_matrix(&output, 0), square), (105.0, 205.0));
    // Cropped: shifted by the crop box's lower-left corner.
    assert_eq!(apply(&form_matrix(&output, 1), square), (55.0, 105.0));
    // /Rotate 90 turns the page clockwise: (x, y) -> (y, width - x) = (205, 595 - 105).
    assert_eq!(apply(&form_matrix(&output, 2), square), (205.0, 490.0));
    // /Rotate 270 turns it counter-clockwise: (x, y) -> (height - y, x) = (595 - 205, 105).
    assert_eq!(apply(&form_matrix(&output, 3), square), (390.0, 105.0));
}

#[test]
fn truncated_and_non_pdf_inputs_are_named() {
    let pdf = source_pdf(&[(a4(), None, 0)]);
    let cut = pdf[..pdf.len() - 40].to_vec();
    match PdfInput::from_bytes(cut, "cut.pdf") {
        Err(PdfError::Truncated { path, .. }) => assert_eq!(path.to_str(), Some("cut.pdf")),
        other => panic!("expected truncation, got {:?}", other.err()),
    }
    let err = PdfInput::from_bytes(b"PK\x03\x04 not a pdf".to_vec(), "letters.zip")
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        "letters.zip is not a readable PDF: no %PDF- header"
    );
    let input = PdfInput::from_bytes(pdf, "one.pdf").unwrap();
    let err = input.page_size(1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "one.pdf: page 2 asked for, but the document has 1 pages"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    /// Any selection and order of pages is written with an exact xref table
    /// and reads back with the same page count and sizes.
    #[test]
    fn any_page_selection_round_trips(order in prop::collection::vec(0usize..3, 1..12)) {
        let pdf = source_pdf(&[(a4(), None, 0), (Rect::new(0.0, 0.0, 420.0, 595.0), None, 0), (a4(), None, 90)]);
        let input = PdfInput::from_bytes(pdf, "in.pdf").unwrap();
        let output = redraw(&input, &order);
        assert_xref_exact(&output);
        let back = PdfInput::from_bytes(output, "out.pdf").unwrap();
        prop_assert_eq!(back.page_count(), order.len());
        for (i, &source) in order.iter().enumerate() {
            prop_assert_eq!(back.page_size(i).unwrap(), input.page_size(source).unwrap());
        }
    }
}

/// A one-page A4 PDF drawing `content` with Helvetica as /F1 and, when
/// `form` is given, a Form XObject /Fm with that content and matrix.
fn drawing_pdf(content: &[u8], form: Option<(&[u8], [f32; 6])>) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let (catalog, tree, page, stream, font, form_ref) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
    );
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.parent(tree).media_box(a4()).contents(stream);
    let mut resources = p.resources();
    resources.fonts().pair(pdf_writer::Name(b"F1"), font);
    if form.is_some() {
        resources
            .x_objects()
            .pair(pdf_writer::Name(b"Fm"), form_ref);
    }
    resources.finish();
    p.finish();
    pdf.type1_font(font)
        .base_font(pdf_writer::Name(b"Helvetica"));
    pdf.stream(stream, content);
    if let Some((form_content, matrix)) = form {
        let mut f = pdf.form_xobject(form_ref, form_content);
        f.bbox(Rect::new(0.0, 0.0, 100.0, 100.0)).matrix(matrix);
        f.resources().fonts().pair(pdf_writer::Name(b"F1"), font);
    }
    pdf.finish()
}

fn ink_of(content: &[u8]) -> Vec<tandem_pdf::InkArea> {
    PdfInput::from_bytes(drawing_pdf(content, None), "ink.pdf")
        .unwrap()
        .ink(0)
        .unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.01
}

#[test]
fn ink_boxes_match_hand_computed_geometry() {
    const MM: f64 = 72.0 / 25.4;
    // A black rectangle 10 × 20 pt at (50, 700); a white one (not ink);
    // "ABC" in 10 pt Helvetica at (100, 600) without /Widths: Adobe's AFM
    // widths A 667 + B 667 + C 722 = 2056/1000 em = 20.56 pt wide, from
    // 0.25 em below to 0.95 em above the baseline.
    let content =
        b"0 g 50 700 10 20 re f 1 g 200 200 50 50 re f 0 g BT /F1 10 Tf 100 600 Td (ABC) Tj ET";
    let input = PdfInput::from_bytes(drawing_pdf(content, None), "ink.pdf").unwrap();
    let ink = input.ink(0).unwrap();
    assert_eq!(ink.len(), 2, "{ink:?}");
    let rect = ink[0];
    assert_eq!(rect.kind, tandem_pdf::InkKind::Path);
    assert!(
        close(rect.x, 50.0 / MM) && close(rect.y, (842.0 - 720.0) / MM),
        "{rect:?}"
    );
    assert!(close(rect.width, 10.0 / MM) && close(rect.height, 20.0 / MM));
    let text = ink[1];
    assert_eq!(text.kind, tandem_pdf::InkKind::Text);
    assert!(
        close(text.x, 100.0 / MM) && close(text.width, 20.56 / MM),
        "{text:?}"
    );
    assert!(
        close(text.y, (842.0 - 609.5) / MM) && close(text.height, 12.0 / MM),
        "{text:?}"
    );
}

#[test]
fn ink_follows_forms_and_their_clip() {
    const MM: f64 = 72.0 / 25.4;
    // The form is scaled by 2 and moved to (300, 300); it fills (10, 10, 200, 20)
    // in form space, which its BBox (0 0 100 100) clips to x 10..100.
    let form: &[u8] = b"0 0 1 rg 10 10 200 20 re f";
    let pdf = drawing_pdf(
        b"q /Fm Do Q",
        Some((form, [2.0, 0.0, 0.0, 2.0, 300.0, 300.0])),
    );
    let input = PdfInput::from_bytes(pdf, "form.pdf").unwrap();
    let ink = input.ink(0).unwrap();
    assert_eq!(ink.len(), 1, "{ink:?}");
    let area = ink[0];
    assert!(area.colour, "0 0 1 rg is blue");
    assert!(
        !ink_of(b"0.5 0.5 0.5 rg 0 0 10 10 re f")[0].colour,
        "equal RGB is grey"
    );
    assert!(
        ink_of(b"0 0.2 0 0.5 k 0 0 10 10 re f")[0].colour,
        "magenta in CMYK"
    );
    assert!(
        !ink_of(b"0 0 0 1 k 0 0 10 10 re f")[0].colour,
        "pure black in CMYK"
    );
    // x: 300 + 2·10 = 320 to 300 + 2·100 = 500; y: 300 + 2·10 = 320 to 300 + 2·30 = 360.
    assert!(
        close(area.x, 320.0 / MM) && close(area.width, 180.0 / MM),
        "{area:?}"
    );
    assert!(
        close(area.y, (842.0 - 360.0) / MM) && close(area.height, 40.0 / MM),
        "{area:?}"
    );
}

/// Replays the committed fuzz corpus (`fuzz/corpus/pdf_input`) through the
/// same steps as the fuzz target: no input may panic.
#[test]
fn fuzz_corpus_replays_without_panics() {
    use tandem_pdf::{Chunk, PageImporter};
    let corpus =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/pdf_input");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        replayed += 1;
        let Ok(input) = PdfInput::from_bytes(data, "fuzz.pdf") else {
            continue;
        };
        let mut writer = PdfWriter::new(Vec::new()).unwrap();
        let mut importer = PageImporter::new(&input);
        for index in 0..input.page_count().min(64) {
            let _ = input.page_size(index);
            let _ = input.ink(index);
            let mut chunk = Chunk::new();
            if let Ok(page) = importer.import(index, writer.allocator(), &mut chunk) {
                writer.write_chunk(&chunk).unwrap();
                writer
                    .add_page(page.width, page.height, &[(b"P", page.form)], b"q /P Do Q")
                    .unwrap();
            }
        }
        writer.finish().unwrap();
    }
    assert!(replayed >= 4, "the corpus holds at least the seeds");
}

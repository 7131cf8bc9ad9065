//! Integration tests of tandem-linedata: fixtures from
//! `scripts/make-linedata-fixtures.py`, hand-computed listings, every error
//! kind, code pages, property tests and the fuzz corpus.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde::Deserialize;
use tandem_linedata::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[derive(Deserialize, Debug)]
struct OptionsFile {
    line_data: LineDataOptions,
}

#[derive(Deserialize, Debug, PartialEq)]
struct ExpLine {
    line: u32,
    column: u32,
    font: u8,
    text: String,
    overprint: bool,
    record: u64,
}

#[derive(Deserialize, Debug)]
struct ExpPage {
    number: u64,
    start: String,
    lines: Vec<ExpLine>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct ExpDoc {
    first_page: u64,
    page_count: u32,
    plz: String,
}

#[derive(Deserialize)]
struct Expected {
    pages: Vec<ExpPage>,
    documents: Vec<ExpDoc>,
}

fn start_name(s: PageStart) -> String {
    match s {
        PageStart::First => "first".into(),
        PageStart::Overflow => "overflow".into(),
        PageStart::Channel(c) => format!("channel-{c}"),
    }
}

fn load(name: &str) -> (LineDataOptions, PageLayout, Vec<u8>, Expected) {
    let dir = fixtures();
    let text = std::fs::read_to_string(dir.join(format!("{name}.options.toml"))).unwrap();
    let options = toml::from_str::<OptionsFile>(&text).unwrap().line_data;
    let layout = PageLayout::from_file(&dir.join(&options.layout)).unwrap();
    let listing = std::fs::read(dir.join(format!("{name}.listing"))).unwrap();
    let expected: Expected = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("{name}.expected.json"))).unwrap(),
    )
    .unwrap();
    (options, layout, listing, expected)
}

const FIXTURES: [&str; 5] = [
    "court-asa-273",
    "tax-machine-1141",
    "notice-asa-trc-latin1",
    "plain-newline",
    "redirect-letters",
];

#[test]
fn fixtures_paginate_as_expected() {
    for name in FIXTURES {
        let (options, layout, listing, expected) = load(name);
        let pages: Vec<Page> = Paginator::new(&listing, &options, &layout)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(pages.len(), expected.pages.len(), "{name}: page count");
        for (got, want) in pages.iter().zip(&expected.pages) {
            assert_eq!(got.number, want.number, "{name}");
            assert_eq!(
                start_name(got.start),
                want.start,
                "{name} page {}",
                got.number
            );
            let lines: Vec<ExpLine> = got
                .lines
                .iter()
                .map(|l| ExpLine {
                    line: l.line,
                    column: l.column,
                    font: l.font,
                    text: l.text.clone(),
                    overprint: l.overprint,
                    record: l.record,
                })
                .collect();
            assert_eq!(lines, want.lines, "{name} page {}", got.number);
        }
        let docs = split_documents(
            Paginator::new(&listing, &options, &layout).unwrap(),
            &options.trigger,
            options.plz_field,
        )
        .unwrap();
        let docs: Vec<ExpDoc> = docs
            .into_iter()
            .map(|d| ExpDoc {
                first_page: d.first_page,
                page_count: d.page_count,
                plz: d.plz,
            })
            .collect();
        assert_eq!(docs, expected.documents, "{name}: documents");
    }
}

#[test]
fn fixtures_render_to_pdf_with_pieces() {
    for name in FIXTURES {
        let (options, layout, listing, expected) = load(name);
        let mut pdf = Vec::new();
        let r = render_pdf(&listing, &options, &layout, "GER-", &mut pdf).unwrap();
        assert!(pdf.starts_with(b"%PDF-1.7"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        assert_eq!(r.pages, expected.pages.len() as u64);
        let page_objects = pdf.windows(11).filter(|w| w == b"/Type /Page").count();
        // `/Type /Page` also prefixes `/Type /Pages` once.
        assert_eq!(page_objects, expected.pages.len() + 1, "{name}");
        assert_eq!(
            pdf.windows(15).filter(|w| w == b"WinAnsiEncoding").count(),
            layout.fonts.len()
        );
        assert_eq!(r.pieces.len(), expected.documents.len());
        for (i, (p, d)) in r.pieces.iter().zip(&expected.documents).enumerate() {
            assert_eq!(p.piece_id, format!("GER-{:06}", i + 1));
            assert_eq!(
                (p.first_page, p.page_count, p.plz.as_str()),
                (d.first_page, d.page_count, d.plz.as_str())
            );
            assert_eq!(p.country, "DE");
        }
        assert!(
            tandem_ticket::validate_pieces(&r.pieces, r.pages).is_ok(),
            "{name}: pieces cover the pages"
        );
    }
}

#[test]
fn fixtures_pass_structured_fields_through() {
    let (options, layout, listing, _) = load("tax-machine-1141");
    let pages: Vec<Page> = Paginator::new(&listing, &options, &layout)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let ids: Vec<[u8; 3]> = pages
        .iter()
        .flat_map(|p| p.structured_fields.iter().map(StructuredField::id))
        .collect();
    // BNG before each letter's first page, ENG after; the last ENG joins the last page.
    assert_eq!(ids.len(), 6);
    assert_eq!(pages[0].structured_fields[0].id(), [0xD3, 0xA8, 0xAD]);
    assert_eq!(
        pages[0].structured_fields[0].data[8..],
        *"BRIEF001".bytes().map(ebcdic).collect::<Vec<_>>()
    );
    assert_eq!(
        pages[5].structured_fields.last().unwrap().id(),
        [0xD3, 0xA9, 0xAD]
    );
    assert!(pages.iter().all(|p| {
        p.lines
            .iter()
            .all(|l| !l.text.contains('Z') || l.text != "Z")
    }));
}

/// EBCDIC (500/273) for ASCII letters and digits, for building listings.
fn ebcdic(c: u8) -> u8 {
    match c {
        b' ' => 0x40,
        b'0'..=b'9' => 0xF0 + (c - b'0'),
        b'A'..=b'I' => 0xC1 + (c - b'A'),
        b'J'..=b'R' => 0xD1 + (c - b'J'),
        b'S'..=b'Z' => 0xE2 + (c - b'S'),
        b'a'..=b'i' => 0x81 + (c - b'a'),
        b'j'..=b'r' => 0x91 + (c - b'j'),
        b's'..=b'z' => 0xA2 + (c - b's'),
        b'.' => 0x4B,
        b'/' => 0x61,
        b'-' => 0x60,
        b'+' => 0x4E,
        _ => panic!("no EBCDIC for {c}"),
    }
}

fn rdw(records: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        out.extend_from_slice(&((r.len() + 4) as u16).to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(r);
    }
    out
}

fn small_layout() -> PageLayout {
    PageLayout::from_toml_str(
        "lines_per_page = 10\n[channels]\n1 = 2\n2 = 5\n12 = 10\n[[fonts]]\nsize_pt = 10\n[[fonts]]\nface = \"courier-bold\"\nsize_pt = 10\n",
    )
    .unwrap()
}

fn positions(pages: &[Page]) -> Vec<(u64, u32, u32, &str, bool)> {
    pages
        .iter()
        .flat_map(|p| {
            p.lines
                .iter()
                .map(move |l| (p.number, l.line, l.column, l.text.as_str(), l.overprint))
        })
        .collect()
}

/// A court letter in EBCDIC 500 with ASA controls, positions worked out by hand
/// on a 10-line page with channel 1 = line 2, 2 = 5, 12 = 10.
#[test]
fn hand_computed_asa_court_letter() {
    let recs: Vec<Vec<u8>> = [
        "1AMTSGERICHT",  // ch 1 -> line 2 (page 1, nothing printed yet)
        " Az. 1 C 2/24", // 3
        "2  Herrn Max",  // ch 2 -> 5
        "0  12345 Ort",  // 7
        "+  _____",      // 7, overprint
        "-Termin",       // 10
        " Seite 2",      // 11 > 10: overflow -> page 2, line 1
        "C  Ende",       // ch 12 -> 10
        "1NEUER BRIEF",  // ch 1 = 2 is behind -> page 3, line 2
    ]
    .iter()
    .map(|s| {
        s.bytes()
            .map(|b| if b == b'_' { 0x6D } else { ebcdic(b) })
            .collect()
    })
    .collect();
    let refs: Vec<&[u8]> = recs.iter().map(Vec::as_slice).collect();
    let listing = rdw(&refs);
    let options = LineDataOptions::new(
        LineDataFormat::Rdw,
        CarriageControl::Asa,
        Encoding::Ebcdic500,
    );
    let layout = small_layout();
    let pages: Vec<Page> = Paginator::new(&listing, &options, &layout)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        positions(&pages),
        [
            (1, 2, 1, "AMTSGERICHT", false),
            (1, 3, 1, "Az. 1 C 2/24", false),
            (1, 5, 3, "Herrn Max", false),
            (1, 7, 3, "12345 Ort", false),
            (1, 7, 3, "_____", true),
            (1, 10, 1, "Termin", false),
            (2, 1, 1, "Seite 2", false),
            (2, 10, 3, "Ende", false),
            (3, 2, 1, "NEUER BRIEF", false),
        ]
    );
    let starts: Vec<PageStart> = pages.iter().map(|p| p.start).collect();
    assert_eq!(
        starts,
        [PageStart::First, PageStart::Overflow, PageStart::Channel(1)]
    );
    assert_eq!(pages[0].field(7, 3, 7), "12345");
    let docs = split_documents(
        pages.iter().cloned().map(Ok),
        &DocumentTrigger::Channel1,
        Some(FieldPosition {
            line: 7,
            columns: (3, 7),
        }),
    )
    .unwrap();
    assert_eq!(
        docs,
        [
            Document {
                first_page: 1,
                page_count: 2,
                plz: "12345".into()
            },
            Document {
                first_page: 3,
                page_count: 1,
                plz: String::new()
            },
        ]
    );
    // The same letters split by a text trigger on line 2.
    let trigger = DocumentTrigger::Text {
        line: 2,
        columns: (1, 5),
        text: "NEUER".into(),
    };
    let docs = split_documents(pages.into_iter().map(Ok), &trigger, None).unwrap();
    assert_eq!(
        docs.iter()
            .map(|d| (d.first_page, d.page_count))
            .collect::<Vec<_>>(),
        [(1, 2), (3, 1)]
    );
}

/// Machine codes, positions by hand: print then act, or act without printing.
#[test]
fn hand_computed_machine_codes() {
    let t =
        |b: u8, s: &str| -> Vec<u8> { std::iter::once(b).chain(s.bytes().map(ebcdic)).collect() };
    let recs = [
        t(0x09, "A"), // prints at 1, space 1 -> 2
        t(0x01, "B"), // prints at 2, stays
        t(0x11, "C"), // overprints 2, space 2 -> 4
        t(0x0B, "X"), // space 1 now -> 5 (text not printed)
        t(0x03, "X"), // no operation
        t(0x19, "D"), // 5, space 3 -> 8
        t(0x13, ""),  // -> 10
        t(0x1B, ""),  // 13 > 10: overflow, page 2 line 1 (nothing printed yet)
        t(0x91, "E"), // page 2 line 1, then ch 2 -> 5
        t(0x8B, ""),  // ch 1 (2) is behind: page 3 at 2
        t(0x93, ""),  // ch 2 -> 5 on page 3
        t(0xE1, "F"), // page 3 line 5, then ch 12 -> 10
        t(0xE3, ""),  // at ch 12, nothing printed there: stays
        t(0x89, "G"), // page 3 line 10, then ch 1: page 4 at 2
    ];
    let refs: Vec<&[u8]> = recs.iter().map(Vec::as_slice).collect();
    let listing = rdw(&refs);
    let options = LineDataOptions::new(
        LineDataFormat::Rdw,
        CarriageControl::Machine,
        Encoding::Ebcdic273,
    );
    let layout = small_layout();
    let pages: Vec<Page> = Paginator::new(&listing, &options, &layout)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        positions(&pages),
        [
            (1, 1, 1, "A", false),
            (1, 2, 1, "B", false),
            (1, 2, 1, "C", true),
            (1, 5, 1, "D", false),
            (2, 1, 1, "E", false),
            (3, 5, 1, "F", false),
            (3, 10, 1, "G", false),
        ]
    );
    assert_eq!(
        pages.iter().map(|p| p.start).collect::<Vec<_>>(),
        [PageStart::First, PageStart::Overflow, PageStart::Channel(1)]
    );
}

#[test]
fn every_control_value_decodes() {
    use Action::*;
    let asa = [
        (' ', SpaceThenPrint(1)),
        ('0', SpaceThenPrint(2)),
        ('-', SpaceThenPrint(3)),
        ('+', SpaceThenPrint(0)),
    ];
    for (c, a) in asa {
        assert_eq!(asa_action(c as u8, Encoding::Latin1), Some(a));
        assert_eq!(asa_action(ebcdic(c as u8), Encoding::Ebcdic273), Some(a));
    }
    for (i, c) in "123456789ABC".bytes().enumerate() {
        assert_eq!(
            asa_action(c, Encoding::Latin1),
            Some(SkipThenPrint(i as u8 + 1))
        );
        assert_eq!(
            asa_action(ebcdic(c), Encoding::Ebcdic1141),
            Some(SkipThenPrint(i as u8 + 1))
        );
    }
    assert_eq!(asa_action(b'D', Encoding::Latin1), None);
    assert_eq!(asa_action(0x5A, Encoding::Ebcdic500), Some(StructuredField));
    // IBM machine code table: print-then-act and act-immediately columns.
    let print_skip = [
        0x89, 0x91, 0x99, 0xA1, 0xA9, 0xB1, 0xB9, 0xC1, 0xC9, 0xD1, 0xD9, 0xE1,
    ];
    let skip_now = [
        0x8B, 0x93, 0x9B, 0xA3, 0xAB, 0xB3, 0xBB, 0xC3, 0xCB, 0xD3, 0xDB, 0xE3,
    ];
    for ch in 1..=12u8 {
        assert_eq!(
            machine_action(print_skip[usize::from(ch) - 1]),
            Some(PrintThenSkip(ch))
        );
        assert_eq!(
            machine_action(skip_now[usize::from(ch) - 1]),
            Some(SkipImmediate(ch))
        );
    }
    for (b, a) in [
        (0x01, PrintThenSpace(0)),
        (0x09, PrintThenSpace(1)),
        (0x11, PrintThenSpace(2)),
        (0x19, PrintThenSpace(3)),
        (0x0B, SpaceImmediate(1)),
        (0x13, SpaceImmediate(2)),
        (0x1B, SpaceImmediate(3)),
        (0x03, NoOp),
        (0x5A, StructuredField),
    ] {
        assert_eq!(machine_action(b), Some(a));
    }
    let known = 12 * 2 + 9;
    assert_eq!(
        (0..=255u8).filter(|&b| machine_action(b).is_some()).count(),
        known
    );
}

fn first_error(listing: &[u8], options: &LineDataOptions, layout: &PageLayout) -> LineDataError {
    Paginator::new(listing, options, layout)
        .unwrap()
        .find_map(Result::err)
        .expect("an error")
}

#[test]
fn errors_name_record_and_offset() {
    let layout = small_layout();
    let asa = LineDataOptions::new(LineDataFormat::Rdw, CarriageControl::Asa, Encoding::Latin1);
    let machine = LineDataOptions::new(
        LineDataFormat::Rdw,
        CarriageControl::Machine,
        Encoding::Ebcdic500,
    );

    // Length past the end: third record claims 50 bytes; records 1-2 take 8 + 9 bytes.
    let mut l = rdw(&[b" ok.", b" fine"]);
    l.extend_from_slice(&[0, 50, 0, 0, b' ', b'x']);
    let e = first_error(&l, &asa, &layout);
    assert!(
        matches!(
            e,
            LineDataError::LengthPastEnd {
                record: 3,
                offset: 17,
                length: 50,
                available: 6
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "record 3 at byte 17: length 50 runs past the end of the data (6 bytes left)"
    );
    // A partial RDW at the end.
    let mut l = rdw(&[b" ok."]);
    l.extend_from_slice(&[0, 9]);
    assert!(matches!(
        first_error(&l, &asa, &layout),
        LineDataError::LengthPastEnd {
            record: 2,
            offset: 8,
            length: 4,
            available: 2
        }
    ));
    // RDW shorter than itself, and non-zero reserved bytes.
    let mut l = rdw(&[b" ok."]);
    l.extend_from_slice(&[0, 3, 0, 0]);
    assert!(matches!(
        first_error(&l, &asa, &layout),
        LineDataError::BadRdw {
            record: 2,
            offset: 8,
            ..
        }
    ));
    let l = [0, 5, 1, 0, b' '];
    assert!(matches!(
        first_error(&l, &asa, &layout),
        LineDataError::BadRdw {
            record: 1,
            offset: 0,
            ..
        }
    ));
    // Short last fixed-length record.
    let fixed = LineDataOptions::new(
        LineDataFormat::Fixed { length: 4 },
        CarriageControl::Asa,
        Encoding::Latin1,
    );
    assert!(matches!(
        first_error(b" abc 123 x", &fixed, &layout),
        LineDataError::LengthPastEnd {
            record: 3,
            offset: 8,
            length: 4,
            available: 2
        }
    ));
    // Unknown control bytes: offset is the control byte (after the 4-byte RDW).
    let l = rdw(&[b" ok", b"Xbad"]);
    let e = first_error(&l, &asa, &layout);
    assert!(
        matches!(
            e,
            LineDataError::UnknownControl {
                record: 2,
                offset: 11,
                byte: b'X'
            }
        ),
        "{e}"
    );
    assert_eq!(e.record_position(), Some((2, 11)));
    let l = rdw(&[&[0x09, 0xC1], &[0x09], &[0x07, 0xC1]]);
    assert!(matches!(
        first_error(&l, &machine, &layout),
        LineDataError::UnknownControl {
            record: 3,
            offset: 15,
            byte: 0x07
        }
    ));
    let nl = LineDataOptions::new(
        LineDataFormat::Newline,
        CarriageControl::Asa,
        Encoding::Latin1,
    );
    assert!(matches!(
        first_error(b" a\n b\n*c\n", &nl, &layout),
        LineDataError::UnknownControl {
            record: 3,
            offset: 6,
            byte: b'*'
        }
    ));
    // Channels the layout lacks (it has 1, 2, 12): ASA '5', machine X'A9' and X'9B'.
    let l = rdw(&[b"1top", b"5five"]);
    let e = first_error(&l, &asa, &layout);
    assert!(
        matches!(
            e,
            LineDataError::ChannelNotInLayout {
                record: 2,
                offset: 12,
                channel: 5
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("channel 5"));
    let l = rdw(&[&[0x09], &[0xA9, 0xC1]]);
    assert!(matches!(
        first_error(&l, &machine, &layout),
        LineDataError::ChannelNotInLayout {
            record: 2,
            offset: 9,
            channel: 5
        }
    ));
    let l = rdw(&[&[0x9B]]);
    assert!(matches!(
        first_error(&l, &machine, &layout),
        LineDataError::ChannelNotInLayout {
            record: 1,
            offset: 4,
            channel: 3
        }
    ));
    // TRC selecting no font (the layout has 2): offset is the TRC byte.
    let mut trc = asa.clone();
    trc.trc = true;
    let l = rdw(&[b" 0ok", b" 1bold", b" 7x"]);
    assert!(matches!(
        first_error(&l, &trc, &layout),
        LineDataError::TrcNotInLayout {
            record: 3,
            offset: 23,
            trc: b'7',
            fonts: 2
        }
    ));
    // Empty machine record.
    let l = rdw(&[&[0x09], &[]]);
    assert!(matches!(
        first_error(&l, &machine, &layout),
        LineDataError::EmptyRecord {
            record: 2,
            offset: 5
        }
    ));
    // Structured field whose length does not fit the record.
    let l = rdw(&[&[0x09], &[0x5A, 0x00, 0x20, 0xD3, 0xEE, 0xEE, 0, 0, 0]]);
    assert!(matches!(
        first_error(&l, &machine, &layout),
        LineDataError::BadStructuredField {
            record: 2,
            offset: 9,
            ..
        }
    ));
    // The paginator stops after the first error.
    let l = rdw(&[b"Xbad", b"Ybad"]);
    assert_eq!(Paginator::new(&l, &asa, &layout).unwrap().count(), 1);
    // render_pdf passes them on.
    let l = rdw(&[b" ok", b"Xbad"]);
    assert!(matches!(
        render_pdf(&l, &asa, &layout, "X", std::io::sink()),
        Err(LineDataError::UnknownControl { record: 2, .. })
    ));
    assert!(matches!(
        render_pdf(b"", &asa, &layout, "X", std::io::sink()),
        Err(LineDataError::NoPages)
    ));
}

#[test]
fn layout_errors_name_the_key() {
    let key = |text: &str| match PageLayout::from_toml_str(text) {
        Err(LineDataError::Layout { key, .. }) => key,
        other => panic!("{other:?}"),
    };
    let base = "[channels]\n1 = 1\n[[fonts]]\nsize_pt = 10\n";
    assert_eq!(
        key(&format!("lines_per_page = 0\n{base}")),
        "lines_per_page"
    );
    assert_eq!(
        key(&format!("lines_per_page = 200\n{base}")),
        "lines_per_page"
    ); // does not fit A4
    assert_eq!(
        key(&format!("margin_top_mm = -1.0\n{base}")),
        "margin_top_mm"
    );
    assert_eq!(
        key(&format!("line_spacing_pt = 0.0\n{base}")),
        "line_spacing_pt"
    );
    assert_eq!(key(&format!("colour = 1\n{base}")), "colour");
    assert_eq!(
        key(&format!("lines_per_page = \"x\"\n{base}")),
        "lines_per_page"
    );
    assert_eq!(
        key("lines_per_page = 60\n[channels]\n1 = 61\n[[fonts]]\nsize_pt = 10\n"),
        "channels.1"
    );
    assert_eq!(
        key("[channels]\n13 = 1\n[[fonts]]\nsize_pt = 10\n"),
        "channels.13"
    );
    assert_eq!(
        key("[channels]\nx = 1\n[[fonts]]\nsize_pt = 10\n"),
        "channels"
    );
    assert_eq!(
        key("[channels]\n1 = 1\n[[fonts]]\nsize_pt = 0.0\n"),
        "fonts[0].size_pt"
    );
    assert_eq!(
        key("[channels]\n1 = 1\n[[fonts]]\nsize_pt = 10\nface = \"helvetica\"\n"),
        "fonts.face"
    );
    assert!(PageLayout::from_toml_str(base).is_ok());
    let e = PageLayout::from_file(Path::new("/nonexistent/layout.toml")).unwrap_err();
    assert!(matches!(e, LineDataError::Io { .. }));
    assert!(PageLayout::default().validate().is_ok());
}

#[test]
fn options_read_from_a_job_ticket_table() {
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Ticket {
        job_id: String,
        line_data: LineDataOptions,
    }
    let t: Ticket = toml::from_str(
        r#"
job_id = "GER-2025-01"
[line_data]
format = { fixed = { length = 133 } }
carriage_control = "machine"
encoding = "ebcdic-1141"
trc = true
layout = "layouts/steuer.toml"
trigger = { text = { line = 3, columns = [47, 53], text = "Seite 1" } }
plz_field = { line = 10, columns = [3, 7] }
"#,
    )
    .unwrap();
    let o = t.line_data;
    assert_eq!(o.format, LineDataFormat::Fixed { length: 133 });
    assert_eq!(o.carriage_control, CarriageControl::Machine);
    assert_eq!(o.encoding, Encoding::Ebcdic1141);
    assert!(o.trc);
    assert_eq!(
        o.plz_field,
        Some(FieldPosition {
            line: 10,
            columns: (3, 7)
        })
    );
    assert_eq!(o.country, "DE");
    assert!(o.validate().is_ok());
    let bad = toml::from_str::<OptionsFile>(
        "[line_data]\nformat = \"rdw\"\ncarriage_control = \"asa\"\nencoding = \"latin-1\"\npage_def = \"x\"\n",
    );
    assert!(bad.unwrap_err().to_string().contains("page_def"));
    let o = toml::from_str::<OptionsFile>("[line_data]\nformat = \"newline\"\ncarriage_control = \"none\"\nencoding = \"cp273\"\nplz_field = { line = 0, columns = [1, 5] }\n")
        .unwrap()
        .line_data;
    assert!(matches!(o.validate(), Err(LineDataError::Options { key, .. }) if key == "plz_field"));
}

#[test]
fn code_pages_match_python_codecs() {
    let json: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("codepages.json")).unwrap())
            .unwrap();
    for (name, enc) in [
        ("cp500", Encoding::Ebcdic500),
        ("cp273", Encoding::Ebcdic273),
        ("cp1141", Encoding::Ebcdic1141),
    ] {
        let table = &json[name];
        assert_eq!(table.len(), 256);
        for (b, want) in table.iter().enumerate() {
            assert_eq!(
                enc.decode_byte(b as u8).to_string(),
                *want,
                "{name} X'{b:02X}'"
            );
        }
    }
    // Known values, by hand from the IBM code page charts.
    let cases = [
        (Encoding::Ebcdic273, 0xC0, 'ä'),
        (Encoding::Ebcdic273, 0x4A, 'Ä'),
        (Encoding::Ebcdic273, 0x6A, 'ö'),
        (Encoding::Ebcdic273, 0xE0, 'Ö'),
        (Encoding::Ebcdic273, 0xD0, 'ü'),
        (Encoding::Ebcdic273, 0x5A, 'Ü'),
        (Encoding::Ebcdic273, 0xA1, 'ß'),
        (Encoding::Ebcdic273, 0x7C, '§'),
        (Encoding::Ebcdic273, 0xB5, '@'),
        (Encoding::Ebcdic273, 0x9F, '¤'),
        (Encoding::Ebcdic1141, 0x9F, '€'),
        (Encoding::Ebcdic1141, 0xC0, 'ä'),
        (Encoding::Ebcdic500, 0xC0, '{'),
        (Encoding::Ebcdic500, 0x4A, '['),
        (Encoding::Ebcdic500, 0x5A, ']'),
        (Encoding::Ebcdic500, 0x4F, '!'),
        (Encoding::Ebcdic500, 0x43, 'ä'),
        (Encoding::Ebcdic500, 0x7C, '@'),
        (Encoding::Ebcdic500, 0x40, ' '),
        (Encoding::Ebcdic500, 0xC1, 'A'),
        (Encoding::Ebcdic500, 0xE9, 'Z'),
        (Encoding::Ebcdic500, 0x81, 'a'),
        (Encoding::Ebcdic500, 0xA9, 'z'),
        (Encoding::Ebcdic500, 0xF0, '0'),
        (Encoding::Ebcdic500, 0xF9, '9'),
        (Encoding::Ebcdic500, 0x4B, '.'),
        (Encoding::Ebcdic500, 0x6B, ','),
        (Encoding::Ebcdic500, 0x60, '-'),
        (Encoding::Latin1, 0xE4, 'ä'),
        (Encoding::Latin1, 0x41, 'A'),
    ];
    for (enc, b, c) in cases {
        assert_eq!(enc.decode_byte(b), c, "{enc:?} X'{b:02X}'");
    }
    assert_eq!(
        Encoding::Ebcdic1141.decode(&[0xC4, 0xD0, 0x99, 0x85, 0x99, 0x40, 0xF5, 0x40, 0x9F]),
        "Dürer 5 €"
    );
}

const ASA_CONTROLS: &[u8] = b" 0-+123456789ABC";

fn listing_of(records: &[(u8, String)]) -> Vec<u8> {
    let recs: Vec<Vec<u8>> = records
        .iter()
        .map(|(c, t)| std::iter::once(*c).chain(t.bytes()).collect())
        .collect();
    let refs: Vec<&[u8]> = recs.iter().map(Vec::as_slice).collect();
    rdw(&refs)
}

proptest! {
    /// Any sequence of ASA records paginates without error on a layout
    /// defining every channel, and every record becomes exactly one line
    /// with its text: nothing is lost, overprint or not.
    #[test]
    fn asa_records_are_never_lost(
        records in proptest::collection::vec(
            (proptest::sample::select(ASA_CONTROLS), "[ A-Za-z0-9]{0,20}"),
            0..200,
        ),
        lpp in 1u32..30,
    ) {
        let mut layout = PageLayout { lines_per_page: lpp, line_spacing_pt: 1.0, ..PageLayout::default() };
        for ch in 1..=12u8 {
            layout.channels.insert(ch, (u32::from(ch) * 7) % lpp + 1);
        }
        let options = LineDataOptions::new(LineDataFormat::Rdw, CarriageControl::Asa, Encoding::Latin1);
        let listing = listing_of(&records);
        let pages: Vec<Page> = Paginator::new(&listing, &options, &layout).unwrap().collect::<Result<_, _>>().unwrap();
        let lines: Vec<&Line> = pages.iter().flat_map(|p| &p.lines).collect();
        prop_assert_eq!(lines.len(), records.len());
        for (i, (l, (cc, text))) in lines.iter().zip(&records).enumerate() {
            prop_assert_eq!(l.record, i as u64 + 1);
            prop_assert_eq!(&l.text, text.trim());
            prop_assert!(l.line >= 1 && l.line <= lpp);
            if *cc != b'+' {
                // Only '+' lands on an already printed line.
                prop_assert!(!l.overprint);
            }
        }
        for (i, p) in pages.iter().enumerate() {
            prop_assert_eq!(p.number, i as u64 + 1);
            prop_assert!(!p.lines.is_empty());
        }
    }

    /// Any bytes under any framing, control, encoding and TRC setting:
    /// errors or pages, never a panic; printed lines never outnumber records.
    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..600), a: u8, b: u8) {
        let mut input = vec![a & 0x7F, b];
        input.extend_from_slice(&data);
        check_linedata(&input);
    }
}

// The fuzz target's body (`fuzz/fuzz_targets/linedata.rs`), for proptest
// and the corpus replay.
include!("../../../fuzz/fuzz_targets/linedata_check.rs");

#[test]
fn fuzz_corpus_replays() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/linedata");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        // A running fuzzer may delete a file it has just reduced.
        if let Ok(data) = std::fs::read(&path) {
            check_linedata(&data);
            n += 1;
        }
    }
    assert!(n >= 5, "corpus at {} has {n} files", dir.display());
}

#[test]
fn plain_text_without_control_and_newlines() {
    let options = LineDataOptions::new(
        LineDataFormat::Newline,
        CarriageControl::None,
        Encoding::Latin1,
    );
    let layout = small_layout();
    let text: String = (1..=25).map(|i| format!("Zeile {i}\r\n")).collect();
    let pages: Vec<Page> = Paginator::new(text.as_bytes(), &options, &layout)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.lines.len()).collect::<Vec<_>>(),
        [10, 10, 5]
    );
    assert_eq!(pages[2].lines[4].text, "Zeile 25");
    assert_eq!(pages[1].to_text_lines()[0], "Zeile 11");
}

//! Throughput of line data to page layout (tandem-linedata): a generated
//! listing of court letters, 133-byte RDW records (ASA carriage control +
//! 132 columns, EBCDIC 273), paginated on one core; and the same listing
//! rendered to PDF.
//!
//! `cargo bench -p tandem-benches --bench linedata`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tandem_linedata::{
    CarriageControl, Encoding, LineDataFormat, LineDataOptions, PageLayout, Paginator, render_pdf,
};

/// EBCDIC 273 for the ASCII characters used below.
fn ebcdic(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => 0xF0 + (c - b'0'),
        b'A'..=b'I' => 0xC1 + (c - b'A'),
        b'J'..=b'R' => 0xD1 + (c - b'J'),
        b'S'..=b'Z' => 0xE2 + (c - b'S'),
        b'a'..=b'i' => 0x81 + (c - b'a'),
        b'j'..=b'r' => 0x91 + (c - b'j'),
        b's'..=b'z' => 0xA2 + (c - b's'),
        b'.' => 0x4B,
        b',' => 0x6B,
        b'/' => 0x61,
        b'-' => 0x60,
        b'+' => 0x4E,
        _ => 0x40,
    }
}

/// About `bytes` of letters: each a channel-1 skip, an address block, 45
/// body lines with single, double and triple spacing and an overprint.
fn listing(bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes + 4096);
    let mut record = |cc: u8, text: &str| {
        let mut r = vec![ebcdic(cc)];
        r.extend(text.bytes().map(ebcdic));
        r.resize(133, 0x40);
        out.extend_from_slice(&137u16.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&r);
    };
    let mut n = 0;
    while n * 50 * 137 < bytes {
        record(
            b'1',
            &format!("Amtsgericht Musterstadt                              Az. {n} C 345/24"),
        );
        record(b'0', "    Herrn Max Mustermann");
        record(b' ', "    Hauptstrasse 5");
        record(b' ', &format!("    {:05} Musterstadt", 10000 + n % 89999));
        for i in 0..45 {
            let cc = [b' ', b' ', b'0', b' ', b'-', b' ', b'+'][i % 7];
            record(
                cc,
                &format!(
                    "{i:4}  Zeugin oder Zeuge Nr. {i}, geladen nach Paragraph 377 ZPO, Termin 17.03.2025, 10.30 Uhr"
                ),
            );
        }
        n += 1;
    }
    out
}

fn layout() -> PageLayout {
    PageLayout::from_toml_str(
        "page_width_mm = 297.0\npage_height_mm = 210.0\nlines_per_page = 48\nline_spacing_pt = 11.0\nmargin_top_mm = 8.0\n\
         [channels]\n1 = 2\n[[fonts]]\nsize_pt = 8.0\n",
    )
    .expect("layout")
}

fn paginate(c: &mut Criterion) {
    let data = listing(64 << 20);
    let layout = layout();
    let options = LineDataOptions::new(
        LineDataFormat::Rdw,
        CarriageControl::Asa,
        Encoding::Ebcdic273,
    );
    let mut group = c.benchmark_group("linedata");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.sample_size(10);
    group.bench_function("paginate_64MB_rdw_asa_cp273", |b| {
        b.iter(|| {
            let mut lines = 0usize;
            for page in Paginator::new(&data, &options, &layout).expect("paginator") {
                lines += page.expect("page").lines.len();
            }
            lines
        })
    });
    let small = listing(8 << 20);
    group.throughput(Throughput::Bytes(small.len() as u64));
    group.bench_function("render_pdf_8MB", |b| {
        let mut pdf = Vec::with_capacity(64 << 20);
        b.iter(|| {
            pdf.clear();
            render_pdf(&small, &options, &layout, "B-", &mut pdf)
                .expect("pdf")
                .pages
        })
    });
    group.finish();
}

criterion_group!(benches, paginate);
criterion_main!(benches);

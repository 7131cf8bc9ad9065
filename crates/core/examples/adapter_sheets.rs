//! Test-support program for `scripts/check-adapters.py`: draws random sheets
//! with every mark adapter of `tandem-marks` through Tandem's PDF writer.
//!
//!     cargo run -p tandem-core --example adapter_sheets -- OUT_DIR [SHEETS]
//!
//! For each adapter (Pitney Bowes OMR, Quadient OMR, Code 39, Interleaved
//! 2 of 5, Code 128, DataMatrix) it writes `OUT_DIR/<adapter>.pdf` with
//! `SHEETS` (default 200) A4 pages, one random sheet each, and
//! `OUT_DIR/<adapter>.json` with the adapter's configuration (as a profile
//! would hold it) and the control data of every page. The generator is
//! seeded: the same arguments give the same bytes. The checker derives the
//! expected marks from the JSON on its own and compares them with what an
//! independent reader finds in the PDF.

use std::fs::File;
use std::io::Write as _;
use std::path::PathBuf;

use serde_json::json;
use tandem_marks::{
    DataMatrixMark, InserterCode, LinearBarcode, MarkGeometry, MarkRect, OmrScheme, SheetControl,
    Symbology,
};
use tandem_pdf::{POINTS_PER_MM, PdfWriter};

const A4_WIDTH_PT: f32 = 595.276;
const A4_HEIGHT_PT: f32 = 841.89;

/// SplitMix64: small, seedable, good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// Owned control data of one page.
struct Sheet {
    job: String,
    piece: String,
    sequence: u64,
    sheet: u32,
    sheets: u32,
    feeders: u8,
    divert: bool,
}

impl Sheet {
    fn control(&self) -> SheetControl<'_> {
        SheetControl::new(
            &self.job,
            &self.piece,
            self.sequence,
            self.sheet,
            self.sheets,
        )
        .with_feeders(self.feeders)
        .with_divert(self.divert)
    }
}

/// A random sheet. Feeders (within `feeder_mask`) and divert (if
/// `divert_ok`) are set only on the last sheet of a set, the plan's
/// convention; half of the sheets are last sheets.
fn random_sheet(rng: &mut Rng, feeder_mask: u8, divert_ok: bool, numeric: bool) -> Sheet {
    let sheets = rng.range(1, 6) as u32;
    let sheet = if rng.next().is_multiple_of(2) {
        sheets
    } else {
        rng.range(1, u64::from(sheets)) as u32
    };
    let last = sheet == sheets;
    let job = match rng.next() % 3 {
        0 => format!("JOB{}.{}", rng.range(1, 99_999), rng.range(1, 9)),
        1 => format!("T2026-{:04}", rng.range(1, 9999)),
        _ => format!("JOB{}", rng.range(100, 9_999_999)),
    };
    let piece = if numeric {
        format!("{}", rng.range(1, 99_999_999))
    } else {
        format!("P{:06}", rng.range(1, 999_999))
    };
    Sheet {
        job,
        piece,
        // 6 to 12 digits: long enough for every reader's minimum length.
        sequence: rng.range(100_000, 999_999_999_999),
        sheet,
        sheets,
        feeders: if last {
            (rng.next() as u8) & feeder_mask
        } else {
            0
        },
        divert: last && divert_ok && rng.next().is_multiple_of(4),
    }
}

fn adapters() -> Vec<(&'static str, InserterCode)> {
    let barcode = |symbology, template: &str| LinearBarcode {
        symbology,
        x_mm: 20.0,
        y_mm: 265.0,
        narrow_mm: 0.33,
        wide_ratio: 2.5,
        height_mm: 10.0,
        check_digit: false,
        template: template.to_owned(),
    };
    vec![
        ("pb-omr", InserterCode::Omr(OmrScheme::pitney_bowes())),
        ("quadient-omr", InserterCode::Omr(OmrScheme::quadient())),
        (
            "code39",
            InserterCode::Barcode(LinearBarcode {
                check_digit: true,
                ..barcode(Symbology::Code39, "{job}-{sheet}-{set_size}")
            }),
        ),
        (
            "itf",
            InserterCode::Barcode(barcode(
                Symbology::Interleaved2Of5,
                "{sequence}{sheet}{set_size}",
            )),
        ),
        (
            "code128",
            InserterCode::Barcode(barcode(
                Symbology::Code128,
                "{job}|{piece}|{sheet}/{set_size}|{feeders}|{divert}",
            )),
        ),
        (
            "datamatrix",
            InserterCode::DataMatrix(DataMatrixMark {
                x_mm: 180.0,
                y_mm: 15.0,
                module_mm: 0.5,
                template: "{job}|{piece}|{sheet}/{set_size}|{sequence}|{feeders}|{divert}"
                    .to_owned(),
            }),
        ),
    ]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: adapter_sheets OUT_DIR [SHEETS]")?,
    );
    let count: usize = args.next().map_or(Ok(200), |s| s.parse())?;
    std::fs::create_dir_all(&out)?;
    for (index, (name, code)) in adapters().into_iter().enumerate() {
        code.validate()?;
        let (feeder_mask, divert_ok) = match &code {
            InserterCode::Omr(scheme) => (
                scheme.supported_feeders(),
                scheme.tracks.contains(&tandem_marks::OmrFunction::Divert),
            ),
            _ => (0xFF, true),
        };
        let numeric =
            matches!(&code, InserterCode::Barcode(b) if b.symbology == Symbology::Interleaved2Of5);
        let mut rng = Rng(0x7A4D_E115 + index as u64);
        let mut pdf = PdfWriter::new(File::create(out.join(format!("{name}.pdf")))?)?;
        let mut pages = Vec::with_capacity(count);
        let mut content = Vec::new();
        for page in 1..=count {
            let sheet = random_sheet(&mut rng, feeder_mask, divert_ok, numeric);
            let control = sheet.control();
            let geometry = code.draw(&control)?;
            content.clear();
            page_content(&mut content, &geometry);
            pdf.add_page(A4_WIDTH_PT, A4_HEIGHT_PT, &[], &content)?;
            pages.push(json!({
                "page": page,
                "job": sheet.job,
                "piece": sheet.piece,
                "sequence": sheet.sequence,
                "sheet": sheet.sheet,
                "sheets": sheet.sheets,
                "feeders": sheet.feeders,
                "divert": sheet.divert,
            }));
        }
        pdf.finish()?.flush()?;
        let expected = json!({ "adapter": name, "code": code, "pages": pages });
        std::fs::write(
            out.join(format!("{name}.json")),
            serde_json::to_vec_pretty(&expected)?,
        )?;
        println!("{name}: {count} sheets");
    }
    Ok(())
}

/// The content stream for one page: rectangles filled black, DataMatrix
/// symbols as 1-bit image masks (as `tandem-core` draws them).
fn page_content(out: &mut Vec<u8>, geometry: &[MarkGeometry]) {
    out.extend_from_slice(b"0 g\n");
    for g in geometry {
        match g {
            MarkGeometry::Rect(r) => {
                rect(out, r);
                out.extend_from_slice(b"f\n");
            }
            MarkGeometry::DataMatrix { symbol, area } => {
                let k = POINTS_PER_MM;
                let y = f64::from(A4_HEIGHT_PT) - (area.y + area.height) * k;
                let _ = writeln!(
                    out,
                    "q {:.3} 0 0 {:.3} {:.3} {:.3} cm\nBI /W {} /H {} /IM true /BPC 1 ID ",
                    area.width * k,
                    area.height * k,
                    area.x * k,
                    y,
                    symbol.width,
                    symbol.height
                );
                out.pop(); // one space, not a newline, before the data
                for row in symbol.modules.chunks_exact(symbol.width) {
                    for bits in row.chunks(8) {
                        // A 0 sample of an image mask is painted: dark = 0.
                        let byte = bits.iter().enumerate().fold(0xFFu8, |acc, (i, &dark)| {
                            if dark { acc & !(0x80 >> i) } else { acc }
                        });
                        out.push(byte);
                    }
                }
                out.extend_from_slice(b"\nEI Q\n");
            }
        }
    }
}

/// Appends `x y w h re` for a rectangle in mm from the top-left corner.
fn rect(out: &mut Vec<u8>, r: &MarkRect) {
    let k = POINTS_PER_MM;
    let y = f64::from(A4_HEIGHT_PT) - (r.y + r.height) * k;
    let _ = writeln!(
        out,
        "{:.3} {:.3} {:.3} {:.3} re",
        r.x * k,
        y,
        r.width * k,
        r.height * k
    );
}

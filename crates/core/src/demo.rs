//! A realistic example job: tax notices of 1–12 pages with a DIN 5008
//! address block, the origin centre's OMR marks printed in the margin, and
//! a matching index CSV. Every name and address is synthetic.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use pdf_writer::{Chunk, Name};
use tandem_marks::{MarkRect, SheetControl};
use tandem_pdf::{POINTS_PER_MM, PdfWriter};
use tandem_profile::CentreProfile;
use tandem_ticket::{
    Delimiting, DocumentClass, JobTicket, Paper, PaperSize, Plex, PostalProduct, PrintFile, Rect,
};

use crate::CoreError;
use crate::output::{AtomicFile, write_atomically};

/// The origin centre of the demo job (`examples/centre-nord.toml`).
pub const EXAMPLE_ORIGIN_PROFILE: &str = include_str!("../../../examples/centre-nord.toml");
/// The partner centre of the demo job (`examples/centre-sued.toml`).
pub const EXAMPLE_PARTNER_PROFILE: &str = include_str!("../../../examples/centre-sued.toml");

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// Job id.
    pub job_id: String,
    /// Number of letters (mail pieces).
    pub letters: usize,
    /// Seed of the generator: the same seed gives the same bytes.
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            job_id: "DEMO-2026-001".into(),
            letters: 1000,
            seed: 2026,
        }
    }
}

/// The files of a generated demo job.
#[derive(Clone, Debug)]
pub struct DemoJob {
    /// The job ticket (`job.toml`).
    pub ticket: PathBuf,
    /// The print file (`letters.pdf`).
    pub pdf: PathBuf,
    /// The index (`letters.csv`).
    pub index: PathBuf,
    /// Pages in the print file.
    pub pages: u64,
}

/// A small deterministic generator (SplitMix64), so the demo needs no
/// random-number crate and is the same on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const GIVEN: &[&str] = &[
    "Anna",
    "Jörg",
    "Sabine",
    "Mehmet",
    "Claudia",
    "Lukas",
    "Özlem",
    "Jürgen",
    "Marie",
    "Thomas",
    "Birgit",
    "Paul",
    "Katharina",
    "Stefan",
    "Hannelore",
    "Jonas",
    "Ulrike",
    "Dieter",
    "Lea",
    "Andreas",
];
const FAMILY: &[&str] = &[
    "Muster",
    "Beispiel",
    "Probst",
    "Weißmann",
    "Kühn",
    "Schäfer",
    "Öztürk",
    "Lange",
    "Hoffmann",
    "Groß",
    "Vogt",
    "Brandt",
    "Krüger",
    "Seidel",
    "Jäger",
    "Wolff",
    "Böhm",
    "Franke",
    "Albrecht",
    "Sommer",
];
const STREETS: &[&str] = &[
    "Hauptstraße",
    "Lindenweg",
    "Am Mühlbach",
    "Schulstraße",
    "Gartenstraße",
    "Bahnhofstraße",
    "Kirchplatz",
    "Birkenallee",
    "Rosenstraße",
    "Bergstraße",
    "Ringstraße",
    "Wiesengrund",
];
const TOWNS: &[&str] = &[
    "Musterstadt",
    "Beispielhausen",
    "Neudorf",
    "Altheim",
    "Bergfelde",
    "Talbach",
    "Seeburg",
    "Waldau",
];
const BODY: &[&str] = &[
    "Die Festsetzung beruht auf den Angaben Ihrer Erklärung und den uns übermittelten Daten.",
    "Bitte prüfen Sie diesen Bescheid; Abweichungen von Ihrer Erklärung sind unten erläutert.",
    "Der festgesetzte Betrag ist innerhalb eines Monats nach Bekanntgabe dieses Bescheides zu zahlen.",
    "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Einspruch eingelegt werden.",
    "Werbungskosten wurden in der erklärten Höhe berücksichtigt, soweit sie nachgewiesen sind.",
    "Die Vorauszahlungen für die folgenden Jahre werden gesondert festgesetzt und mitgeteilt.",
    "Für Rückfragen erreichen Sie uns montags bis freitags von 8 bis 16 Uhr unter der oben genannten Nummer.",
    "Erstattungen werden auf das bekannte Konto überwiesen; eine Verrechnung bleibt vorbehalten.",
];

/// Millimetres from the top-left corner to PDF points from the bottom-left.
const PAGE_HEIGHT_PT: f64 = 297.0 * POINTS_PER_MM;
const PAGE_WIDTH_PT: f64 = 210.0 * POINTS_PER_MM;

/// Writes `job.toml`, `letters.pdf` and `letters.csv` into `dir` (created if
/// missing). The origin's OMR marks come from `origin`; the ticket's
/// `origin_mark_zone` is that code's zone with a 3 mm margin.
pub fn generate_demo_job(
    dir: &Path,
    origin: &CentreProfile,
    options: &DemoOptions,
) -> Result<DemoJob, CoreError> {
    std::fs::create_dir_all(dir).map_err(CoreError::io(dir))?;
    let omr = origin.marks.omr.as_ref().ok_or_else(|| {
        CoreError::Incompatible(format!(
            "origin {} has no OMR marks to print",
            origin.centre.id
        ))
    })?;
    let mut random = Random(options.seed);
    let pdf_path = dir.join("letters.pdf");
    let mut pdf = PdfWriter::new(AtomicFile::create(&pdf_path)?)?;
    let fonts = {
        let regular = pdf.allocator().next();
        let bold = pdf.allocator().next();
        let mut chunk = Chunk::new();
        chunk
            .type1_font(regular)
            .base_font(Name(b"Helvetica"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        chunk
            .type1_font(bold)
            .base_font(Name(b"Helvetica-Bold"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.write_chunk(&chunk)?;
        [(b"F1".as_slice(), regular), (b"F2".as_slice(), bold)]
    };

    let mut index = String::from("piece_id,first_page,page_count,plz,country\n");
    let mut page = 1u64;
    let mut sequence = 1u64;
    let mut content = Page::default();
    for letter in 0..options.letters {
        let piece_id = format!("P{:06}", letter + 1);
        let pages = 1 + random.below(12) as u32;
        let plz = format!("{:02}{:03}", 1 + random.below(99), random.below(1000));
        let recipient = Recipient {
            name: format!("{} {}", random.pick(GIVEN), random.pick(FAMILY)),
            street: format!("{} {}", random.pick(STREETS), 1 + random.below(120)),
            town: format!("{plz} {}", random.pick(TOWNS)),
        };
        let reference = format!(
            "{}/{:03}/{:05}",
            100 + random.below(800),
            random.below(1000),
            random.below(100000)
        );
        let sheets = pages.div_ceil(2);
        for n in 1..=pages {
            content.clear();
            if n == 1 {
                content.first_page(&recipient, &reference);
            } else {
                content.following_page(&reference, n);
            }
            content.body(&mut random, if n == 1 { 118.0 } else { 35.0 });
            content.text(
                1,
                8.0,
                25.0,
                287.0,
                &format!("Brief {piece_id} - Seite {n} von {pages}"),
            );
            if n % 2 == 1 {
                // The origin prints its marks on the front of each duplex sheet.
                let control =
                    SheetControl::new(&options.job_id, &piece_id, sequence, n.div_ceil(2), sheets);
                content.fill(&omr.bars(&control));
                sequence += 1;
            }
            pdf.add_page_with_fonts(
                PAGE_WIDTH_PT as f32,
                PAGE_HEIGHT_PT as f32,
                &[],
                &fonts,
                &content.0,
            )?;
        }
        let _ = writeln!(index, "{piece_id},{page},{pages},{plz},DE");
        page += u64::from(pages);
    }
    let (pdf_hash, _) = pdf.finish()?.commit()?;
    let index_path = dir.join("letters.csv");
    write_atomically(&index_path, index.as_bytes())?;

    let zone = omr.zone();
    let margin = 3.0;
    let ticket = JobTicket {
        id: options.job_id.clone(),
        origin_centre: origin.centre.id.clone(),
        document_class: DocumentClass::TaxNotice,
        deadline: "2026-12-15T12:00:00+01:00".into(),
        priority: 3,
        print_files: vec![PrintFile {
            path: "letters.pdf".into(),
            format: tandem_ticket::DataFormat::Pdf,
            sha256: Some(pdf_hash),
        }],
        documents: Delimiting::Index {
            index: "letters.csv".into(),
        },
        plex: Plex::Duplex,
        paper: Paper {
            size: PaperSize::A4,
            grammage_gsm: 80,
        },
        address_field: Rect {
            x: 20.0,
            y: 45.0,
            width: 85.0,
            height: 45.0,
        },
        origin_mark_zone: Some(Rect {
            x: (zone.x - margin).max(0.0),
            y: (zone.y - margin).max(0.0),
            width: zone.width + 2.0 * margin,
            height: zone.height + 2.0 * margin,
        }),
        inserts: vec![],
        postal_product: Some(PostalProduct::Standard),
        allow_split: true,
        print_missing_inserts: false,
        insert_artwork: Default::default(),
    };
    ticket.validate()?;
    let ticket_path = dir.join("job.toml");
    write_atomically(&ticket_path, ticket.to_toml_string().as_bytes())?;
    Ok(DemoJob {
        ticket: ticket_path,
        pdf: pdf_path,
        index: index_path,
        pages: page - 1,
    })
}

struct Recipient {
    name: String,
    street: String,
    town: String,
}

/// A page content stream under construction.
#[derive(Default)]
struct Page(Vec<u8>);

impl Page {
    fn clear(&mut self) {
        self.0.clear();
    }

    /// One line of text; `x_mm`, `y_mm` locate the baseline from the top-left corner.
    fn text(&mut self, font: u8, size: f64, x_mm: f64, y_mm: f64, text: &str) {
        let x = x_mm * POINTS_PER_MM;
        let y = PAGE_HEIGHT_PT - y_mm * POINTS_PER_MM;
        let _ = write!(self.0, "BT /F{font} {size} Tf {x:.2} {y:.2} Td (");
        self.0.extend(win_ansi_literal(text));
        self.0.extend_from_slice(b") Tj ET\n");
    }

    fn first_page(&mut self, recipient: &Recipient, reference: &str) {
        for (i, line) in [
            "Finanzamt Musterstadt",
            "Steuerstraße 1",
            "12345 Musterstadt",
            "Telefon 0123 4567-0",
        ]
        .iter()
        .enumerate()
        {
            self.text(
                if i == 0 { 2 } else { 1 },
                9.0,
                125.0,
                25.0 + 4.5 * i as f64,
                line,
            );
        }
        // DIN 5008 form B: return line in the top of the address field,
        // recipient from 17.7 mm below the field's top (45 mm).
        self.text(
            1,
            7.0,
            25.0,
            57.0,
            "Finanzamt Musterstadt - Steuerstraße 1 - 12345 Musterstadt",
        );
        for (i, line) in [
            recipient.name.as_str(),
            recipient.street.as_str(),
            recipient.town.as_str(),
        ]
        .iter()
        .enumerate()
        {
            self.text(1, 10.0, 25.0, 67.0 + 4.5 * i as f64, line);
        }
        self.text(1, 9.0, 125.0, 98.0, "Musterstadt, 20. November 2026");
        self.text(
            2,
            11.0,
            25.0,
            108.0,
            &format!("Bescheid für 2025 über Einkommensteuer - Steuernummer {reference}"),
        );
    }

    fn following_page(&mut self, reference: &str, n: u32) {
        self.text(
            1,
            8.0,
            25.0,
            20.0,
            &format!("Steuernummer {reference} - Seite {n}"),
        );
    }

    /// Paragraphs between the DIN 5008 margins (25 mm left, 20 mm right):
    /// lines wrap at 80 characters, about 150 mm of 10 pt Helvetica, so the
    /// text keeps clear of the margins where inserters print their marks.
    fn body(&mut self, random: &mut Random, from_mm: f64) {
        let mut y = from_mm;
        while y < 270.0 {
            let sentence = BODY[random.below(BODY.len())];
            for line in wrap(sentence, 80) {
                if y >= 270.0 {
                    break;
                }
                self.text(1, 10.0, 25.0, y, line);
                y += 5.0;
            }
            if random.below(4) == 0 {
                y += 4.0;
            }
        }
    }

    /// Black rectangles given in mm from the top-left corner.
    fn fill(&mut self, rects: &[MarkRect]) {
        self.0.extend_from_slice(b"0 g\n");
        for r in rects {
            let _ = writeln!(
                self.0,
                "{:.3} {:.3} {:.3} {:.3} re",
                r.x * POINTS_PER_MM,
                PAGE_HEIGHT_PT - (r.y + r.height) * POINTS_PER_MM,
                r.width * POINTS_PER_MM,
                r.height * POINTS_PER_MM
            );
        }
        self.0.extend_from_slice(b"f\n");
    }
}

/// Splits `text` at spaces into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while rest.chars().count() > width {
        let limit = rest
            .char_indices()
            .nth(width)
            .map_or(rest.len(), |(i, _)| i);
        let cut = rest[..limit].rfind(' ').unwrap_or(limit);
        lines.push(&rest[..cut]);
        rest = rest[cut..].trim_start();
    }
    lines.push(rest);
    lines
}

/// A PDF literal string body in WinAnsiEncoding (Latin-1 plus the euro
/// sign), with `(`, `)` and `\` escaped.
fn win_ansi_literal(text: &str) -> impl Iterator<Item = u8> + '_ {
    text.chars().flat_map(|c| {
        let byte = match c {
            '€' => 0x80,
            c if (c as u32) < 0x100 => c as u32 as u8,
            _ => b'?',
        };
        let escaped = matches!(byte, b'(' | b')' | b'\\');
        [escaped.then_some(b'\\'), Some(byte)].into_iter().flatten()
    })
}

//! The manifest: every piece and every output file of a redirected job,
//! with ids and hashes only — never names or addresses.

use serde::{Deserialize, Serialize};
use tandem_ticket::PostalProduct;

/// The manifest of one redirected job (`manifest.json`, `manifest.csv`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Job id.
    pub job_id: String,
    /// Where the job came from.
    pub origin_centre: String,
    /// Where it is produced now.
    pub target_centre: String,
    /// The franking contract the job is posted under (the partner's).
    pub franking_contract: String,
    /// `simplex` or `duplex`.
    pub plex: String,
    /// The print file that was read.
    pub input: InputFile,
    /// Pieces, sheets and pages of the whole job.
    pub totals: Totals,
    /// One entry per output file.
    pub runs: Vec<RunEntry>,
    /// One entry per piece, in production order.
    pub pieces: Vec<PieceEntry>,
}

/// The job's print file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    /// File name (without directories, which differ between centres).
    pub file: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Pages in the file.
    pub pages: u64,
}

/// Job totals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Mail pieces.
    pub pieces: u64,
    /// Envelopes filled by the inserter (a split piece fills several).
    pub envelopes: u64,
    /// Pieces printed for manual inserting.
    pub manual_pieces: u64,
    /// Sheets.
    pub sheets: u64,
    /// Pages of the print data.
    pub pages: u64,
    /// Pages in the output, blank backs included.
    pub output_pages: u64,
    /// Output files.
    pub runs: u64,
    /// Postage of all envelopes, in cents.
    pub postage_cents: u64,
}

/// One output file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunEntry {
    /// 1-based file number; 0 for the manual-inserting file.
    pub run: u32,
    /// File name in the output directory.
    pub file: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Pieces in the file.
    pub pieces: u64,
    /// Sheets in the file.
    pub sheets: u64,
    /// Pages in the file.
    pub pages: u64,
}

/// One envelope of a mail piece, or a piece for manual inserting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PieceEntry {
    /// Piece id.
    pub piece_id: String,
    /// Envelope number within the piece, 1-based.
    pub part: u32,
    /// Envelopes the piece takes.
    pub parts: u32,
    /// Recipient's postcode (for presort; not personal on its own).
    pub plz: String,
    /// File number (0: manual inserting).
    pub run: u32,
    /// Output file.
    pub file: String,
    /// Sheets in this envelope.
    pub sheets: u32,
    /// Pages of the print data in this envelope.
    pub pages: u32,
    /// First page of the piece in the print data, 1-based.
    pub source_first_page: u64,
    /// First page in the output file, 1-based.
    pub first_page: u64,
    /// Last page in the output file, 1-based, blank back included.
    pub last_page: u64,
    /// Job-wide sequence number of the first sheet.
    pub first_sequence: u64,
    /// Job-wide sequence number of the last sheet.
    pub last_sequence: u64,
    /// Envelope stock name (empty for manual inserting).
    pub envelope: String,
    /// Postal product, when the piece goes through the inserter.
    pub product: Option<PostalProduct>,
    /// Postage in cents.
    pub postage_cents: u32,
    /// Tray number within the run.
    pub tray: u32,
    /// The sheets are in reverse reading order (address last or reverse
    /// collation, as the partner's inserter needs).
    pub reverse_order: bool,
    /// Why the piece goes to manual inserting, if it does.
    pub manual: Option<String>,
}

impl Manifest {
    /// The pieces as CSV with a header line.
    pub fn pieces_csv(&self) -> String {
        use std::fmt::Write as _;
        let mut csv = String::from(
            "piece_id,part,parts,plz,run,file,sheets,pages,source_first_page,first_page,last_page,\
             first_sequence,last_sequence,envelope,product,postage_cents,tray,reverse_order,manual\n",
        );
        for p in &self.pieces {
            let product = p
                .product
                .map(|p| format!("{p:?}").to_lowercase())
                .unwrap_or_default();
            // Manual reasons are prose: quote them, doubling inner quotes.
            let manual = p
                .manual
                .as_deref()
                .map(|m| format!("\"{}\"", m.replace('"', "\"\"")))
                .unwrap_or_default();
            let _ = writeln!(
                csv,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                p.piece_id,
                p.part,
                p.parts,
                p.plz,
                p.run,
                p.file,
                p.sheets,
                p.pages,
                p.source_first_page,
                p.first_page,
                p.last_page,
                p.first_sequence,
                p.last_sequence,
                p.envelope,
                product,
                p.postage_cents,
                p.tray,
                p.reverse_order,
                manual
            );
        }
        csv
    }
}

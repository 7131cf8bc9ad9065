//! The manifest: every piece and every output file of a redirected job,
//! with ids and hashes only — never names or addresses.

use serde::{Deserialize, Serialize};

/// The manifest of one redirected job (`manifest.json`, `manifest.csv`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Job id.
    pub job_id: String,
    /// Where the job came from.
    pub origin_centre: String,
    /// Where it is produced now.
    pub target_centre: String,
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
    /// Sheets.
    pub sheets: u64,
    /// Pages of the print data.
    pub pages: u64,
    /// Pages in the output, blank backs included.
    pub output_pages: u64,
    /// Output files.
    pub runs: u64,
}

/// One output file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunEntry {
    /// 1-based run number.
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

/// One mail piece.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PieceEntry {
    /// Piece id.
    pub piece_id: String,
    /// Recipient's postcode (for presort; not personal on its own).
    pub plz: String,
    /// Run number.
    pub run: u32,
    /// Output file.
    pub file: String,
    /// Sheets.
    pub sheets: u32,
    /// Pages of the print data.
    pub pages: u32,
    /// First page in the print data, 1-based.
    pub source_first_page: u64,
    /// First page in the output file, 1-based.
    pub first_page: u64,
    /// Last page in the output file, 1-based, blank back included.
    pub last_page: u64,
    /// Job-wide sequence number of the first sheet.
    pub first_sequence: u64,
    /// Job-wide sequence number of the last sheet.
    pub last_sequence: u64,
}

impl Manifest {
    /// The pieces as CSV with a header line.
    pub fn pieces_csv(&self) -> String {
        let mut csv = String::from(
            "piece_id,plz,run,file,sheets,pages,source_first_page,first_page,last_page,first_sequence,last_sequence\n",
        );
        for p in &self.pieces {
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{}\n",
                p.piece_id,
                p.plz,
                p.run,
                p.file,
                p.sheets,
                p.pages,
                p.source_first_page,
                p.first_page,
                p.last_page,
                p.first_sequence,
                p.last_sequence
            ));
        }
        csv
    }
}

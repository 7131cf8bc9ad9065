//! The inserter control file: one record per envelope of a run.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use tandem_profile::{ControlFileLayout, RecordFormat};

use crate::JournalError;

/// One envelope as the inserter needs to know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlRecord {
    /// Job id (a reprint's `JOB.n` included).
    pub job: String,
    /// Piece id.
    pub piece_id: String,
    /// Envelope number within the piece.
    pub part: u32,
    /// Envelopes of the piece.
    pub parts: u32,
    /// Sheets in the envelope.
    pub sheets: u32,
    /// Feeders to fire: bit 0 is feeder 1.
    pub feeders: u8,
    /// Envelope stock.
    pub envelope: String,
    /// Position of the envelope in the run, 1-based.
    pub position: u64,
    /// First page in the run file.
    pub first_page: u64,
    /// Job-wide sequence number of the first sheet.
    pub first_sequence: u64,
}

const NAMES: [&str; 10] = [
    "job",
    "piece_id",
    "part",
    "parts",
    "sheets",
    "feeders",
    "envelope",
    "position",
    "first_page",
    "first_sequence",
];
const WIDTHS: [usize; 10] = [64, 64, 3, 3, 3, 8, 24, 6, 8, 10];

/// Formats a run's control file in `layout`.
pub fn format_control_file(
    layout: &ControlFileLayout,
    records: &[ControlRecord],
) -> Result<String, JournalError> {
    let mut out = String::new();
    if layout.format == RecordFormat::Delimited {
        out.push_str(&NAMES.join(&layout.delimiter.to_string()));
        out.push('\n');
    }
    for r in records {
        let feeders: String = (0..8)
            .map(|bit| {
                if r.feeders & (1 << bit) != 0 {
                    '1'
                } else {
                    '0'
                }
            })
            .collect();
        let values = [
            r.job.clone(),
            r.piece_id.clone(),
            r.part.to_string(),
            r.parts.to_string(),
            r.sheets.to_string(),
            feeders,
            r.envelope.clone(),
            r.position.to_string(),
            r.first_page.to_string(),
            r.first_sequence.to_string(),
        ];
        match layout.format {
            RecordFormat::Delimited => {
                for v in &values {
                    if v.contains(layout.delimiter) {
                        return Err(JournalError::Layout(format!(
                            "piece {}: a value contains the delimiter {:?}",
                            r.piece_id, layout.delimiter
                        )));
                    }
                }
                out.push_str(&values.join(&layout.delimiter.to_string()));
            }
            RecordFormat::Fixed => {
                for (i, v) in values.iter().enumerate() {
                    let width = WIDTHS[i];
                    if v.chars().count() > width {
                        return Err(JournalError::FieldTooLong {
                            job: r.job.clone(),
                            piece: r.piece_id.clone(),
                            field: NAMES[i],
                            width,
                        });
                    }
                    // Numbers right-aligned with zeros, text left-aligned.
                    if (2..=4).contains(&i) || i >= 7 {
                        let _ = write!(out, "{v:0>width$}");
                    } else {
                        let _ = write!(out, "{v:<width$}");
                    }
                }
            }
        }
        out.push('\n');
    }
    Ok(out)
}

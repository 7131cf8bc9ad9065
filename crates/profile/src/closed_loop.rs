//! Closed-loop inserting: the control file Tandem writes with every run and
//! the results files the inserter writes back.
//!
//! ```toml
//! reprint_ceiling_percent = 5.0
//!
//! [control_file]
//! format = "delimited"          # or "fixed"
//! delimiter = ";"
//!
//! [results]
//! format = "fixed"              # or "delimited" (with `delimiter`)
//! job = { at = 1, len = 16 }    # fixed: 1-based start column and length
//! piece_id = { at = 17, len = 24 }
//! status = { at = 41, len = 2 }
//! time = { at = 43, len = 20 }
//! machine = { at = 63, len = 8 }
//! ok = ["00"]
//! diverted = ["10", "11"]
//! damaged = ["20", "21"]
//! ```

use serde::{Deserialize, Serialize};

/// How records of a control or results file are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordFormat {
    /// Fields separated by a delimiter character.
    #[default]
    Delimited,
    /// Fields at fixed columns, padded with spaces.
    Fixed,
}

/// Where a field is in a record.
///
/// Delimited records: `at` is the 1-based field number and `len` is unused.
/// Fixed-length records: `at` is the 1-based start column (in characters)
/// and `len` the width; the value is trimmed of spaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldPos {
    /// 1-based field number (delimited) or start column (fixed).
    pub at: usize,
    /// Width in characters (fixed-length records only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub len: Option<usize>,
}

/// The layout of the inserter control file written next to every run
/// (`RUNFILE.ctl`): one record per envelope with job id, piece id, envelope
/// number and count, sheets, feeders (eight `0`/`1` characters for feeders
/// 1–8), envelope stock, position in the run, first page and first sheet
/// sequence number.
///
/// Fixed-length records use the widths 64, 64, 3, 3, 3, 8, 24, 6, 8 and 10
/// characters, numbers right-aligned with zeros; delimited records start
/// with a header line naming the fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlFileLayout {
    /// Fixed-length or delimited records.
    #[serde(default)]
    pub format: RecordFormat,
    /// Field delimiter of delimited records.
    #[serde(default = "default_delimiter")]
    pub delimiter: char,
}

/// The layout of the inserter's results files: where the job id, piece id,
/// status code, time and machine are, and which status codes mean what.
/// A status code in none of the lists makes the line malformed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultsLayout {
    /// Fixed-length or delimited records.
    #[serde(default)]
    pub format: RecordFormat,
    /// Field delimiter of delimited records.
    #[serde(default = "default_delimiter")]
    pub delimiter: char,
    /// Lines starting with this text are skipped (a header, comments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_prefix: Option<String>,
    /// The job id (a reprint's child id `JOB.n` included); a results file
    /// naming another job is refused.
    pub job: FieldPos,
    /// The piece id, as printed in the marks.
    pub piece_id: FieldPos,
    /// Envelope number of a piece split over several envelopes (1 when
    /// absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<FieldPos>,
    /// The status code.
    pub status: FieldPos,
    /// When the inserter handled the piece (kept as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<FieldPos>,
    /// Which inserter handled it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<FieldPos>,
    /// Status codes meaning the piece was inserted and is good.
    pub ok: Vec<String>,
    /// Status codes meaning the piece was diverted (pulled out).
    #[serde(default)]
    pub diverted: Vec<String>,
    /// Status codes meaning the piece was damaged (jam, bad read).
    #[serde(default)]
    pub damaged: Vec<String>,
}

fn default_delimiter() -> char {
    ';'
}

/// The default reprint ceiling: 10 % of a job's pieces.
pub fn default_reprint_ceiling() -> f64 {
    10.0
}

impl ResultsLayout {
    /// Checks field positions and status codes; returns the offending key
    /// (relative to `results`) and reason.
    pub fn check(&self) -> Result<(), (String, String)> {
        let fields = [
            ("job", Some(self.job)),
            ("piece_id", Some(self.piece_id)),
            ("part", self.part),
            ("status", Some(self.status)),
            ("time", self.time),
            ("machine", self.machine),
        ];
        for (name, field) in fields {
            let Some(field) = field else { continue };
            if field.at == 0 {
                return Err((
                    format!("{name}.at"),
                    "is 1-based; must be at least 1".into(),
                ));
            }
            if self.format == RecordFormat::Fixed && field.len.is_none_or(|l| l == 0) {
                return Err((
                    format!("{name}.len"),
                    "fixed-length records need a width of at least 1".into(),
                ));
            }
        }
        if self.ok.is_empty() {
            return Err(("ok".into(), "at least one status code must mean OK".into()));
        }
        let mut seen = std::collections::BTreeSet::new();
        for code in self.ok.iter().chain(&self.diverted).chain(&self.damaged) {
            if !seen.insert(code.as_str()) {
                return Err(("ok".into(), format!("status code {code:?} is listed twice")));
            }
        }
        if self.format == RecordFormat::Delimited && self.delimiter.is_alphanumeric() {
            return Err(("delimiter".into(), "must not be a letter or digit".into()));
        }
        Ok(())
    }
}

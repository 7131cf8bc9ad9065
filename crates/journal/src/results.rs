//! Reading inserter results files in the layout a profile describes.

use serde::{Deserialize, Serialize};
use tandem_profile::{FieldPos, RecordFormat, ResultsLayout};

/// What a status code means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reported {
    /// Inserted and good.
    Ok,
    /// Pulled out.
    Diverted,
    /// Damaged.
    Damaged,
}

/// One readable record of a results file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultRecord {
    /// The results file (as named on the command line).
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// Job id in the record.
    pub job: String,
    /// Piece id.
    pub piece_id: String,
    /// Envelope number (1 when the layout has no part field).
    pub part: u32,
    /// The raw status code.
    pub code: String,
    /// What it means.
    pub status: Reported,
    /// Time field, if the layout has one.
    pub time: Option<String>,
    /// Machine field, if the layout has one.
    pub machine: Option<String>,
}

/// A line that could not be read; the rest of the file is still used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MalformedLine {
    /// The results file.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong (never the line's content beyond ids and codes).
    pub reason: String,
}

/// The records and malformed lines of one results file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedResults {
    /// Readable records in file order.
    pub records: Vec<ResultRecord>,
    /// Lines that could not be read.
    pub malformed: Vec<MalformedLine>,
}

fn field<'a>(
    layout: &ResultsLayout,
    parts: &[&'a str],
    line: &'a str,
    pos: FieldPos,
) -> Option<&'a str> {
    match layout.format {
        RecordFormat::Delimited => parts.get(pos.at.checked_sub(1)?).map(|s| s.trim()),
        RecordFormat::Fixed => {
            let start = pos.at.checked_sub(1)?;
            let len = pos.len?;
            // Columns count characters, not bytes.
            let mut indices = line.char_indices().map(|(i, _)| i).chain([line.len()]);
            let from = indices.nth(start)?;
            let to = line
                .char_indices()
                .map(|(i, _)| i)
                .chain([line.len()])
                .nth(start + len)
                .unwrap_or(line.len());
            line.get(from..to).map(str::trim)
        }
    }
}

/// Parses results `text` of file `file` in `layout`. Never fails: every
/// line is a record, skipped (blank or `skip_prefix`), or malformed.
pub fn parse_results(file: &str, text: &str, layout: &ResultsLayout) -> ParsedResults {
    let mut out = ParsedResults::default();
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty()
            || layout
                .skip_prefix
                .as_deref()
                .is_some_and(|p| !p.is_empty() && line.starts_with(p))
        {
            continue;
        }
        let parts: Vec<&str> = match layout.format {
            RecordFormat::Delimited => line.split(layout.delimiter).collect(),
            RecordFormat::Fixed => Vec::new(),
        };
        let bad = |reason: String| MalformedLine {
            file: file.to_owned(),
            line: line_no,
            reason,
        };
        let get = |name: &str, pos: FieldPos| -> Result<&str, MalformedLine> {
            field(layout, &parts, line, pos)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| bad(format!("field `{name}` is missing or empty")))
        };
        let record = (|| {
            let job = get("job", layout.job)?;
            let piece_id = get("piece_id", layout.piece_id)?;
            if !piece_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            {
                return Err(bad("field `piece_id` is not a piece id".into()));
            }
            let code = get("status", layout.status)?;
            let status = if layout.ok.iter().any(|c| c == code) {
                Reported::Ok
            } else if layout.diverted.iter().any(|c| c == code) {
                Reported::Diverted
            } else if layout.damaged.iter().any(|c| c == code) {
                Reported::Damaged
            } else {
                return Err(bad(format!(
                    "status code {code:?} is not in the profile's lists"
                )));
            };
            let part = match layout.part {
                Some(pos) => {
                    let text = get("part", pos)?;
                    text.parse::<u32>()
                        .ok()
                        .filter(|p| *p >= 1)
                        .ok_or_else(|| {
                            bad(format!("field `part` is {text:?}, not a number >= 1"))
                        })?
                }
                None => 1,
            };
            let optional = |pos: Option<FieldPos>| {
                pos.and_then(|p| field(layout, &parts, line, p))
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
            };
            Ok(ResultRecord {
                file: file.to_owned(),
                line: line_no,
                job: job.to_owned(),
                piece_id: piece_id.to_owned(),
                part,
                code: code.to_owned(),
                status,
                time: optional(layout.time),
                machine: optional(layout.machine),
            })
        })();
        match record {
            Ok(r) => out.records.push(r),
            Err(m) => out.malformed.push(m),
        }
    }
    out
}

/// Formats one results record in `layout` (for simulators and tests):
/// fields are placed at their positions; fixed fields are padded or cut.
pub fn format_result(layout: &ResultsLayout, record: &ResultRecord) -> String {
    let mut fields: Vec<(FieldPos, String)> = vec![
        (layout.job, record.job.clone()),
        (layout.piece_id, record.piece_id.clone()),
        (layout.status, record.code.clone()),
    ];
    if let Some(p) = layout.part {
        fields.push((p, record.part.to_string()));
    }
    if let (Some(p), Some(v)) = (layout.time, &record.time) {
        fields.push((p, v.clone()));
    }
    if let (Some(p), Some(v)) = (layout.machine, &record.machine) {
        fields.push((p, v.clone()));
    }
    match layout.format {
        RecordFormat::Delimited => {
            let n = fields.iter().map(|(p, _)| p.at).max().unwrap_or(0);
            let mut cols = vec![String::new(); n];
            for (p, v) in fields {
                if let Some(slot) = p.at.checked_sub(1).and_then(|i| cols.get_mut(i)) {
                    *slot = v;
                }
            }
            cols.join(&layout.delimiter.to_string())
        }
        RecordFormat::Fixed => {
            let width = fields
                .iter()
                .map(|(p, _)| p.at - 1 + p.len.unwrap_or(0))
                .max()
                .unwrap_or(0);
            let mut line: Vec<char> = vec![' '; width];
            for (p, v) in fields {
                let len = p.len.unwrap_or(0);
                for (i, c) in v.chars().take(len).enumerate() {
                    line[p.at - 1 + i] = c;
                }
            }
            line.into_iter().collect::<String>().trim_end().to_owned()
        }
    }
}

use std::io::Read;
use std::path::Path;

use crate::{MailPiece, TicketError};

/// Reads an index CSV file; see [`read_index`].
pub fn read_index_file(path: &Path) -> Result<Vec<MailPiece>, TicketError> {
    let file = std::fs::File::open(path).map_err(|source| TicketError::Io {
        path: path.to_owned(),
        source,
    })?;
    read_index(std::io::BufReader::new(file), path)
}

/// Reads an index CSV: a header line naming at least `piece_id`,
/// `first_page`, `page_count` and `plz`; optional `country` (default `DE`)
/// and `inserts` (stock names separated by `;`). Other columns are ignored,
/// so an origin's index with extra data can be used as it is.
///
/// `path` is only used in error messages, which name the line.
pub fn read_index(reader: impl Read, path: &Path) -> Result<Vec<MailPiece>, TicketError> {
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let line_error = |line: u64, reason: String| TicketError::IndexLine {
        path: path.to_owned(),
        line,
        reason,
    };
    let headers = csv
        .headers()
        .map_err(|e| line_error(1, e.to_string()))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let required = |name: &str| {
        column(name).ok_or_else(|| line_error(1, format!("header has no column `{name}`")))
    };
    let (id_col, first_col, count_col, plz_col) = (
        required("piece_id")?,
        required("first_page")?,
        required("page_count")?,
        required("plz")?,
    );
    let (country_col, inserts_col) = (column("country"), column("inserts"));

    let mut pieces = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = csv.position().line();
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(line_error(line, e.to_string())),
        }
        let line = record.position().map_or(line, |p| p.line());
        let field = |col: usize, name: &str| {
            record
                .get(col)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| line_error(line, format!("`{name}` is empty")))
        };
        let number = |col: usize, name: &str| -> Result<u64, TicketError> {
            let text = field(col, name)?;
            text.parse()
                .map_err(|_| line_error(line, format!("`{name}` is {text:?}, not a whole number")))
        };
        let page_count = number(count_col, "page_count")?;
        let page_count = u32::try_from(page_count)
            .map_err(|_| line_error(line, format!("`page_count` {page_count} is too large")))?;
        pieces.push(MailPiece {
            piece_id: field(id_col, "piece_id")?.to_owned(),
            first_page: number(first_col, "first_page")?,
            page_count,
            plz: field(plz_col, "plz")?.to_owned(),
            country: country_col
                .and_then(|c| record.get(c))
                .filter(|c| !c.is_empty())
                .unwrap_or("DE")
                .to_owned(),
            inserts: inserts_col
                .and_then(|c| record.get(c))
                .map(|s| {
                    s.split(';')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    Ok(pieces)
}

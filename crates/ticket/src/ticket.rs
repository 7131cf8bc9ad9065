use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::TicketError;

/// Lengths on paper are given in millimetres throughout Tandem.
pub type Millimetres = f64;

/// A rectangle on the page in millimetres, measured from the top-left corner
/// of the page as a person holding the letter sees it (x right, y down).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rect {
    /// Distance of the left edge from the page's left edge.
    pub x: Millimetres,
    /// Distance of the top edge from the page's top edge.
    pub y: Millimetres,
    /// Horizontal extent.
    pub width: Millimetres,
    /// Vertical extent.
    pub height: Millimetres,
}

impl Rect {
    fn validate(&self, field: &str) -> Result<(), TicketError> {
        let ok = [self.x, self.y].iter().all(|v| v.is_finite() && *v >= 0.0)
            && [self.width, self.height]
                .iter()
                .all(|v| v.is_finite() && *v > 0.0);
        if ok {
            Ok(())
        } else {
            Err(invalid(
                field,
                format!("{self:?} needs x, y >= 0 and width, height > 0"),
            ))
        }
    }
}

/// What kind of mail the job is; decides legal handling and priorities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentClass {
    /// Court documents, often with formal service (Förmliche Zustellung).
    CourtOrder,
    /// Election notices (Wahlbenachrichtigung), due 21 days before an election.
    ElectionNotice,
    /// Tax assessments and other tax notices.
    TaxNotice,
    /// Everything else.
    Other,
}

/// The data format of a print file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataFormat {
    /// PDF.
    #[default]
    Pdf,
    /// AFP (MO:DCA).
    Afp,
    /// Mainframe line data.
    LineData,
}

/// One print file of the job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintFile {
    /// Where the file is; relative paths are relative to the ticket file.
    pub path: PathBuf,
    /// Its format.
    #[serde(default)]
    pub format: DataFormat,
    /// SHA-256 of the file as lowercase hex, checked before production when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// How the pages of the print data divide into documents (mail pieces).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Delimiting {
    /// An index CSV lists every piece with its first page and page count.
    Index {
        /// Path of the index CSV; relative paths are relative to the ticket file.
        index: PathBuf,
    },
    /// Every document has the same number of pages.
    FixedPageCount {
        /// Pages per document.
        fixed_page_count: u32,
    },
    /// A line-data print file is laid out into pages and cut into documents
    /// by a trigger, as the options file says (framing, carriage control,
    /// encoding, page layout, trigger, PLZ field; see `tandem-linedata`).
    LineData {
        /// Path of the line-data options TOML; relative paths are relative
        /// to the ticket file.
        line_data: PathBuf,
    },
    /// An AFP print file whose named page groups are the documents, one
    /// mail piece each; TLEs in each group carry the piece id and the PLZ.
    AfpPageGroups {
        /// Which TLEs to read.
        afp_page_groups: AfpPageGroups,
    },
}

/// Where an AFP job's page groups keep their piece id and PLZ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AfpPageGroups {
    /// Name of the TLE holding the piece id (default `PieceId`).
    #[serde(default = "default_piece_id_tle")]
    pub piece_id_tle: String,
    /// Name of the TLE holding the recipient's PLZ (default `PLZ`); its
    /// value may go on with the city, the first five digits count.
    #[serde(default = "default_plz_tle")]
    pub plz_tle: String,
    /// Code page (CPGID) of TLE texts that do not name theirs: 500 (the
    /// default), 273 or 1141.
    #[serde(default = "default_tle_code_page")]
    pub code_page: u16,
}

impl Default for AfpPageGroups {
    fn default() -> Self {
        AfpPageGroups {
            piece_id_tle: default_piece_id_tle(),
            plz_tle: default_plz_tle(),
            code_page: default_tle_code_page(),
        }
    }
}

fn default_piece_id_tle() -> String {
    "PieceId".into()
}

fn default_plz_tle() -> String {
    "PLZ".into()
}

fn default_tle_code_page() -> u16 {
    500
}

/// One-sided or two-sided printing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Plex {
    /// One page per sheet.
    #[default]
    Simplex,
    /// Two pages per sheet, front and back.
    Duplex,
}

/// Standard cut-sheet sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaperSize {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 148 × 210 mm.
    A5,
}

impl PaperSize {
    /// Width and height in millimetres, portrait.
    pub fn dimensions(self) -> (Millimetres, Millimetres) {
        match self {
            PaperSize::A4 => (210.0, 297.0),
            PaperSize::A5 => (148.0, 210.0),
        }
    }
}

/// The paper the job is printed on.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paper {
    /// Sheet size.
    #[serde(default)]
    pub size: PaperSize,
    /// Grammage in g/m².
    #[serde(default = "default_grammage")]
    pub grammage_gsm: u32,
}

impl Default for Paper {
    fn default() -> Self {
        Self {
            size: PaperSize::A4,
            grammage_gsm: default_grammage(),
        }
    }
}

fn default_grammage() -> u32 {
    80
}

/// Deutsche Post letter products (DOMAIN.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PostalProduct {
    /// Standardbrief: up to 20 g, 5 mm.
    Standard,
    /// Kompaktbrief: up to 50 g, 10 mm.
    Kompakt,
    /// Großbrief: up to 500 g, 20 mm.
    Gross,
    /// Maxibrief: up to 1000 g, 50 mm.
    Maxi,
}

/// A print-and-mail job as the origin centre describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobTicket {
    /// Job id; goes into barcodes, so only `A-Z a-z 0-9 . _ -`.
    pub id: String,
    /// The centre the job comes from.
    pub origin_centre: String,
    /// What kind of mail this is.
    pub document_class: DocumentClass,
    /// Latest time of posting, RFC 3339 (`2026-12-01T18:00:00Z`).
    pub deadline: String,
    /// 1 (highest) to 9 (lowest).
    #[serde(default = "default_priority")]
    pub priority: u8,
    /// The print data.
    pub print_files: Vec<PrintFile>,
    /// How the print data divides into mail pieces.
    pub documents: Delimiting,
    /// Simplex or duplex.
    #[serde(default)]
    pub plex: Plex,
    /// Paper size and grammage.
    #[serde(default)]
    pub paper: Paper,
    /// Where the recipient's address is printed (DIN 5008 form A by default).
    #[serde(default = "default_address_field")]
    pub address_field: Rect,
    /// The origin centre's mark zone: covered in white on every page before
    /// the partner's marks are drawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_mark_zone: Option<Rect>,
    /// Pre-printed inserts every piece gets, by stock name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inserts: Vec<String>,
    /// The postal product the origin asked for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_product: Option<PostalProduct>,
    /// A piece with more sheets than the partner's inserter takes may be
    /// split over several envelopes (otherwise it goes to manual inserting).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_split: bool,
    /// An insert the partner cannot feed may be printed on an extra sheet
    /// (otherwise the piece goes to manual inserting).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub print_missing_inserts: bool,
    /// PDF artwork of inserts, by stock name, for printing an insert the
    /// partner cannot feed (page 1 front, page 2 back when duplex).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub insert_artwork: std::collections::BTreeMap<String, PathBuf>,
}

fn default_priority() -> u8 {
    5
}

/// DIN 5008 form B address field: 20 mm from the left, 45 mm from the top
/// (27 mm for form A), 85 × 45 mm including the return-address zone.
fn default_address_field() -> Rect {
    Rect {
        x: 20.0,
        y: 45.0,
        width: 85.0,
        height: 45.0,
    }
}

fn invalid(field: &str, reason: impl Into<String>) -> TicketError {
    TicketError::InvalidField {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

impl JobTicket {
    /// Parses and validates a ticket from TOML text.
    pub fn from_toml_str(text: &str) -> Result<Self, TicketError> {
        let ticket: Self = toml::from_str(text).map_err(|e| TicketError::Syntax {
            path: None,
            message: e.to_string(),
        })?;
        ticket.validate()?;
        Ok(ticket)
    }

    /// Parses and validates a ticket from JSON text.
    pub fn from_json_str(text: &str) -> Result<Self, TicketError> {
        let ticket: Self = serde_json::from_str(text).map_err(|e| TicketError::Syntax {
            path: None,
            message: e.to_string(),
        })?;
        ticket.validate()?;
        Ok(ticket)
    }

    /// Reads a ticket file (`.json` as JSON, anything else as TOML), validates
    /// it and makes its relative paths relative to the ticket's directory.
    pub fn from_file(path: &Path) -> Result<Self, TicketError> {
        let text = std::fs::read_to_string(path).map_err(|source| TicketError::Io {
            path: path.to_owned(),
            source,
        })?;
        let parsed = if path.extension().is_some_and(|e| e == "json") {
            Self::from_json_str(&text)
        } else {
            Self::from_toml_str(&text)
        };
        let mut ticket = parsed.map_err(|e| match e {
            TicketError::Syntax { message, .. } => TicketError::Syntax {
                path: Some(path.to_owned()),
                message,
            },
            other => other,
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        for file in &mut ticket.print_files {
            file.path = base.join(&file.path);
        }
        match &mut ticket.documents {
            Delimiting::Index { index } => *index = base.join(&*index),
            Delimiting::LineData { line_data } => *line_data = base.join(&*line_data),
            Delimiting::FixedPageCount { .. } | Delimiting::AfpPageGroups { .. } => {}
        }
        for artwork in ticket.insert_artwork.values_mut() {
            *artwork = base.join(&*artwork);
        }
        Ok(ticket)
    }

    /// The ticket as TOML.
    pub fn to_toml_string(&self) -> String {
        // The model has no maps with non-string keys, so serialisation cannot fail.
        toml::to_string_pretty(self).unwrap_or_else(|e| unreachable!("ticket to TOML: {e}"))
    }

    /// The ticket as pretty-printed JSON.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| unreachable!("ticket to JSON: {e}"))
    }

    /// Checks every field; the error names the first field that is wrong.
    pub fn validate(&self) -> Result<(), TicketError> {
        validate_id("id", &self.id)?;
        if self.origin_centre.trim().is_empty() {
            return Err(invalid("origin_centre", "must not be empty"));
        }
        validate_deadline(&self.deadline)?;
        if !(1..=9).contains(&self.priority) {
            return Err(invalid(
                "priority",
                format!("{} is not in 1..=9", self.priority),
            ));
        }
        if self.print_files.is_empty() {
            return Err(invalid("print_files", "at least one print file is needed"));
        }
        for (i, file) in self.print_files.iter().enumerate() {
            if let Some(hash) = &file.sha256 {
                let ok = hash.len() == 64
                    && hash
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
                if !ok {
                    return Err(invalid(
                        &format!("print_files[{i}].sha256"),
                        "must be 64 lowercase hex digits",
                    ));
                }
            }
        }
        if let Delimiting::FixedPageCount {
            fixed_page_count: 0,
        } = self.documents
        {
            return Err(invalid("documents.fixed_page_count", "must be at least 1"));
        }
        if !(40..=300).contains(&self.paper.grammage_gsm) {
            return Err(invalid(
                "paper.grammage_gsm",
                format!(
                    "{} g/m² is not a cut-sheet paper (40..=300)",
                    self.paper.grammage_gsm
                ),
            ));
        }
        self.address_field.validate("address_field")?;
        let (width, height) = self.paper.size.dimensions();
        let field = &self.address_field;
        if field.x + field.width > width || field.y + field.height > height {
            return Err(invalid("address_field", "lies outside the paper"));
        }
        if let Some(zone) = &self.origin_mark_zone {
            zone.validate("origin_mark_zone")?;
        }
        for (i, insert) in self.inserts.iter().enumerate() {
            if insert.trim().is_empty() {
                return Err(invalid(&format!("inserts[{i}]"), "must not be empty"));
            }
        }
        Ok(())
    }
}

/// Ids end up in barcodes and file names: keep them to a safe alphabet.
pub(crate) fn validate_id(field: &str, id: &str) -> Result<(), TicketError> {
    if id.is_empty() || id.len() > 64 {
        return Err(invalid(field, "must be 1 to 64 characters"));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(invalid(
            field,
            format!("{id:?} contains {c:?}; allowed are A-Z a-z 0-9 . _ -"),
        ));
    }
    Ok(())
}

/// Accepts RFC 3339 date-times such as `2026-12-01T18:00:00Z` or
/// `2026-12-01T18:00:00+01:00`.
fn validate_deadline(deadline: &str) -> Result<(), TicketError> {
    crate::parse_rfc3339(deadline).map(|_| ()).ok_or_else(|| {
        invalid(
            "deadline",
            format!("{deadline:?} is not an RFC 3339 date-time like 2026-12-01T18:00:00Z"),
        )
    })
}

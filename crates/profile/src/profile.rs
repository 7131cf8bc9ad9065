use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tandem_marks::{DataMatrixMark, LinearBarcode, MarkError, MarkRect, OmrScheme};
use tandem_plan::{
    EnvelopeFormat, EnvelopeStock, InsertStock, InserterCapabilities, PlanError, PostingRules,
    PriceTable, TargetCentre,
};
use tandem_ticket::{DataFormat, PaperSize};

use crate::closed_loop::{ControlFileLayout, ResultsLayout, default_reprint_ceiling};

/// Why a profile cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// The file could not be read.
    #[error("cannot read profile {path}: {source}")]
    Io {
        /// The profile file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The TOML is malformed, has an unknown key or a wrong type.
    #[error("profile {}: {message}", path.as_ref().map_or_else(|| "<text>".into(), |p| p.display().to_string()))]
    Syntax {
        /// The profile file, when it came from one.
        path: Option<PathBuf>,
        /// The parser's message: line, column, key and what is wrong.
        message: String,
    },
    /// A value is out of range or inconsistent.
    #[error("profile key `{key}`: {reason}")]
    Invalid {
        /// Dotted key, e.g. `marks.omr.pitch_mm`.
        key: String,
        /// What is wrong.
        reason: String,
    },
}

/// Who the centre is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Centre {
    /// Short id, used in file names.
    pub id: String,
    /// Human name.
    pub name: String,
}

/// The centre's production printers, as far as a job must fit them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Printer {
    /// Data formats the printers accept.
    pub formats: Vec<DataFormat>,
    /// Whether the printers print duplex.
    pub duplex: bool,
    /// Cut-sheet sizes in stock.
    #[serde(default = "default_sheet_sizes")]
    pub sheet_sizes: Vec<PaperSize>,
    /// Whether the printers print colour; jobs that use colour need it.
    #[serde(default)]
    pub colour: bool,
    /// Paper in stock.
    pub paper_stocks: Vec<PaperStock>,
    /// Rated speed of the printers together, in pages per hour.
    pub pages_per_hour: u32,
}

/// A paper the centre stocks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperStock {
    /// Stock name.
    pub name: String,
    /// Sheet size.
    pub size: PaperSize,
    /// Grammage in g/m².
    pub grammage_gsm: u32,
}

/// Postage under the centre's contract with Deutsche Post.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Postage {
    /// Customer number of the franking (DV-Freimachung) contract; a
    /// redirected job is franked under it.
    pub franking_contract: String,
    /// Price per product, in cents.
    pub prices: PriceTable,
    /// Presort (Teilleistung) thresholds.
    #[serde(default)]
    pub posting: PostingRules,
}

/// Working time of the centre.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    /// Shifts per working day.
    pub shifts_per_day: u32,
    /// Hours per shift.
    pub hours_per_shift: f64,
    /// Working days per week.
    #[serde(default = "default_days_per_week")]
    pub days_per_week: u32,
}

fn default_days_per_week() -> u32 {
    5
}

fn default_sheet_sizes() -> Vec<PaperSize> {
    vec![PaperSize::A4]
}

/// The control marks the centre's inserters read, printed on the front of
/// every sheet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Marks {
    /// OMR bars, if the inserters read OMR.
    #[serde(default)]
    pub omr: Option<OmrScheme>,
    /// A DataMatrix code, if the inserters read one.
    #[serde(default)]
    pub data_matrix: Option<DataMatrixMark>,
    /// A 1D barcode (Code 39, Interleaved 2 of 5, Code 128), if the
    /// inserters read one.
    #[serde(default)]
    pub barcode: Option<LinearBarcode>,
    /// Space around the OMR code that must stay free of print.
    #[serde(default)]
    pub clear_zone: ClearZone,
}

/// Space that must stay empty around an OMR code so the reading head does
/// not pick up print as marks. Defaults from the Pitney Bowes D1600 manual
/// (DOMAIN.md §3): 3 mm to the sides, 20 mm before and after the code.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClearZone {
    /// Left and right of the bars.
    pub sides_mm: f64,
    /// Above the first and below the last track.
    pub ends_mm: f64,
}

impl Default for ClearZone {
    fn default() -> Self {
        Self {
            sides_mm: 3.0,
            ends_mm: 20.0,
        }
    }
}

/// How output is cut into files and named.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// A production run (one output file) holds at most this many sheets;
    /// runs are cut between pieces.
    pub max_sheets_per_run: u64,
    /// File name template; `{job}`, `{centre}` and `{run}` (three digits)
    /// are replaced.
    #[serde(default = "default_file_name")]
    pub file_name: String,
}

fn default_file_name() -> String {
    "{job}-{centre}-run{run}.pdf".into()
}

/// Everything Tandem needs to know about one centre.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentreProfile {
    /// Who the centre is.
    pub centre: Centre,
    /// Its printers.
    pub printer: Printer,
    /// Its inserters' marks.
    pub marks: Marks,
    /// Its inserter: sets, feeders, folds, envelopes, speeds.
    pub inserter: InserterCapabilities,
    /// Envelopes in stock.
    pub envelopes: Vec<EnvelopeStock>,
    /// Pre-printed inserts in stock.
    #[serde(default)]
    pub inserts: Vec<InsertStock>,
    /// Its postage contract.
    pub postage: Postage,
    /// Pieces per mail tray, per envelope format.
    pub tray_capacity: BTreeMap<EnvelopeFormat, u32>,
    /// Its working time.
    pub capacity: Capacity,
    /// Its output conventions.
    pub output: Output,
    /// The inserter control file written with every run, if the centre's
    /// inserters work file-based (closed loop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_file: Option<ControlFileLayout>,
    /// The layout of the inserters' results files, for reconciliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<ResultsLayout>,
    /// A reprint of more than this percentage of a job's pieces is refused
    /// unless forced (default 10).
    #[serde(default = "default_reprint_ceiling")]
    pub reprint_ceiling_percent: f64,
    /// The centre's AFP resource library as a directory with one file per
    /// resource (named by the resource); AFP jobs are checked against it.
    /// Relative paths are relative to the profile file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub afp_resources: Option<PathBuf>,
}

fn invalid(key: &str, reason: impl Into<String>) -> ProfileError {
    ProfileError::Invalid {
        key: key.to_owned(),
        reason: reason.into(),
    }
}

impl CentreProfile {
    /// Parses and validates a profile from TOML text.
    pub fn from_toml_str(text: &str) -> Result<Self, ProfileError> {
        let profile: Self = toml::from_str(text).map_err(|e| ProfileError::Syntax {
            path: None,
            message: e.to_string(),
        })?;
        profile.validate()?;
        Ok(profile)
    }

    /// Reads, parses and validates a profile file.
    pub fn from_file(path: &Path) -> Result<Self, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mut profile = Self::from_toml_str(&text).map_err(|e| match e {
            ProfileError::Syntax { message, .. } => ProfileError::Syntax {
                path: Some(path.to_owned()),
                message,
            },
            other => other,
        })?;
        if let Some(bundle) = &mut profile.afp_resources {
            *bundle = path.parent().unwrap_or(Path::new("")).join(&*bundle);
        }
        Ok(profile)
    }

    /// The profile as TOML.
    pub fn to_toml_string(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| unreachable!("profile to TOML: {e}"))
    }

    /// Checks values and their consistency; the error names the key.
    pub fn validate(&self) -> Result<(), ProfileError> {
        if self.centre.id.is_empty()
            || !self
                .centre
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        {
            return Err(invalid(
                "centre.id",
                "must be non-empty and use only A-Z a-z 0-9 - _",
            ));
        }
        if self.printer.formats.is_empty() {
            return Err(invalid(
                "printer.formats",
                "at least one data format is needed",
            ));
        }
        if self.printer.sheet_sizes.is_empty() {
            return Err(invalid(
                "printer.sheet_sizes",
                "at least one sheet size is needed",
            ));
        }
        let mark_error = |prefix: &str, e: MarkError| match e {
            MarkError::InvalidGeometry { field, reason } => {
                invalid(&format!("{prefix}.{field}"), reason)
            }
            other => invalid(prefix, other.to_string()),
        };
        if self.marks.omr.is_none()
            && self.marks.data_matrix.is_none()
            && self.marks.barcode.is_none()
        {
            return Err(invalid(
                "marks",
                "an inserter needs OMR marks, a DataMatrix or a barcode",
            ));
        }
        if let Some(code) = &self.marks.barcode {
            code.validate()
                .map_err(|e| mark_error("marks.barcode", e))?;
        }
        if let Some(omr) = &self.marks.omr {
            omr.validate().map_err(|e| mark_error("marks.omr", e))?;
            let zone = omr.zone();
            if zone.right() > 210.0 || zone.bottom() > 297.0 {
                return Err(invalid(
                    "marks.omr",
                    format!("the code reaches outside an A4 sheet ({zone:?})"),
                ));
            }
        }
        let clear = self.marks.clear_zone;
        if !(clear.sides_mm.is_finite() && clear.sides_mm >= 0.0) {
            return Err(invalid(
                "marks.clear_zone.sides_mm",
                "must be a length >= 0",
            ));
        }
        if !(clear.ends_mm.is_finite() && clear.ends_mm >= 0.0) {
            return Err(invalid("marks.clear_zone.ends_mm", "must be a length >= 0"));
        }
        if let Some(code) = &self.marks.data_matrix {
            code.validate()
                .map_err(|e| mark_error("marks.data_matrix", e))?;
        }
        if self.printer.paper_stocks.is_empty() {
            return Err(invalid(
                "printer.paper_stocks",
                "at least one paper is needed",
            ));
        }
        for (i, stock) in self.printer.paper_stocks.iter().enumerate() {
            if !(40..=300).contains(&stock.grammage_gsm) {
                return Err(invalid(
                    &format!("printer.paper_stocks[{i}].grammage_gsm"),
                    format!(
                        "{} g/m² is not a cut-sheet paper (40..=300)",
                        stock.grammage_gsm
                    ),
                ));
            }
        }
        if self.printer.pages_per_hour == 0 {
            return Err(invalid("printer.pages_per_hour", "must be above 0"));
        }
        if self.postage.franking_contract.trim().is_empty() {
            return Err(invalid("postage.franking_contract", "must not be empty"));
        }
        let capacity = &self.capacity;
        if capacity.shifts_per_day == 0
            || !(capacity.hours_per_shift > 0.0 && capacity.hours_per_shift <= 24.0)
            || f64::from(capacity.shifts_per_day) * capacity.hours_per_shift > 24.0
        {
            return Err(invalid(
                "capacity",
                "shifts_per_day × hours_per_shift must be within 0..24 hours",
            ));
        }
        if !(1..=7).contains(&capacity.days_per_week) {
            return Err(invalid("capacity.days_per_week", "must be 1 to 7"));
        }
        self.target_centre().validate().map_err(|e| match e {
            PlanError::InvalidInput { field, reason } => invalid(&field, reason),
            other => invalid("inserter", other.to_string()),
        })?;
        if self.output.max_sheets_per_run == 0 {
            return Err(invalid("output.max_sheets_per_run", "must be at least 1"));
        }
        if !self.output.file_name.contains("{run}") || !self.output.file_name.ends_with(".pdf") {
            return Err(invalid(
                "output.file_name",
                "must contain {run} and end in .pdf",
            ));
        }
        if !(self.reprint_ceiling_percent.is_finite()
            && (0.0..=100.0).contains(&self.reprint_ceiling_percent))
        {
            return Err(invalid("reprint_ceiling_percent", "must be within 0..=100"));
        }
        if let Some(results) = &self.results {
            results
                .check()
                .map_err(|(key, reason)| invalid(&format!("results.{key}"), reason))?;
        }
        if let Some(control) = &self.control_file
            && control.delimiter.is_alphanumeric()
        {
            return Err(invalid(
                "control_file.delimiter",
                "must not be a letter or digit",
            ));
        }
        Ok(())
    }

    /// The area the inserter's OMR code occupies on the front of a sheet.
    pub fn omr_zone(&self) -> Option<MarkRect> {
        self.marks.omr.as_ref().map(OmrScheme::zone)
    }

    /// What the planner needs of this centre.
    pub fn target_centre(&self) -> TargetCentre {
        TargetCentre {
            envelopes: self.envelopes.clone(),
            inserts: self.inserts.clone(),
            inserter: self.inserter.clone(),
            prices: self.postage.prices,
            posting: self.postage.posting,
            tray_capacity: self.tray_capacity.clone(),
        }
    }

    /// The OMR code's zone with its clear zone around it: nothing but the
    /// marks may be printed there.
    pub fn omr_clear_zone(&self) -> Option<MarkRect> {
        let zone = self.omr_zone()?;
        let ClearZone { sides_mm, ends_mm } = self.marks.clear_zone;
        let x = (zone.x - sides_mm).max(0.0);
        let y = (zone.y - ends_mm).max(0.0);
        Some(MarkRect {
            x,
            y,
            width: zone.right() + sides_mm - x,
            height: zone.bottom() + ends_mm - y,
        })
    }

    /// The output file name of run `run` (1-based) of job `job`.
    pub fn output_file_name(&self, job: &str, run: u32) -> String {
        self.file_name(job, &format!("{run:03}"))
    }

    /// The output file name for the pieces of job `job` that go to manual
    /// inserting: the template with `run{run}` (or a bare `{run}`) as `manual`.
    pub fn manual_file_name(&self, job: &str) -> String {
        let template = self.output.file_name.replace("run{run}", "{run}");
        Self::fill(&template, job, &self.centre.id, "manual")
    }

    fn file_name(&self, job: &str, run: &str) -> String {
        Self::fill(&self.output.file_name, job, &self.centre.id, run)
    }

    fn fill(template: &str, job: &str, centre: &str, run: &str) -> String {
        template
            .replace("{job}", job)
            .replace("{centre}", centre)
            .replace("{run}", run)
    }
}

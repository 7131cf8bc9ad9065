//! Plain inputs for planning a job at a target centre: the centre's stock and
//! machines ([`TargetCentre`]) and the job's layout ([`JobSpec`]).
//!
//! These are the structs a centre profile embeds; they carry serde derives with
//! `deny_unknown_fields` but no parsing of their own (tandem-plan does no I/O).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use tandem_ticket::{JobTicket, Millimetres, Paper, Plex, PostalProduct, Rect};

use crate::PlanError;

/// Envelope formats of DIN 678.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EnvelopeFormat {
    /// DIN lang, 220 × 110 mm.
    #[serde(rename = "DL")]
    Dl,
    /// C6/5, 229 × 114 mm.
    #[serde(rename = "C6/5")]
    C65,
    /// C6, 162 × 114 mm.
    #[serde(rename = "C6")]
    C6,
    /// C5, 229 × 162 mm.
    #[serde(rename = "C5")]
    C5,
    /// C4, 229 × 324 mm (portrait: A4 goes in flat).
    #[serde(rename = "C4")]
    C4,
}

impl EnvelopeFormat {
    /// The DIN 678 size as `(width, height)` in millimetres, as seen from the
    /// address side with the address upright: landscape for DL, C6/5, C6 and
    /// C5, portrait for C4 (which takes A4 flat).
    pub fn din_size(self) -> (Millimetres, Millimetres) {
        match self {
            EnvelopeFormat::Dl => (220.0, 110.0),
            EnvelopeFormat::C65 => (229.0, 114.0),
            EnvelopeFormat::C6 => (162.0, 114.0),
            EnvelopeFormat::C5 => (229.0, 162.0),
            EnvelopeFormat::C4 => (229.0, 324.0),
        }
    }
}

impl fmt::Display for EnvelopeFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EnvelopeFormat::Dl => "DL",
            EnvelopeFormat::C65 => "C6/5",
            EnvelopeFormat::C6 => "C6",
            EnvelopeFormat::C5 => "C5",
            EnvelopeFormat::C4 => "C4",
        })
    }
}

/// An envelope window in millimetres, measured from the envelope's top-left
/// corner as seen from the address side (x right, y down).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Distance of the window's left edge from the envelope's left edge.
    pub x_mm: Millimetres,
    /// Distance of the window's top edge from the envelope's top edge.
    pub y_mm: Millimetres,
    /// Horizontal extent.
    pub width_mm: Millimetres,
    /// Vertical extent.
    pub height_mm: Millimetres,
}

impl Window {
    /// The DIN window: 90 × 45 mm, 20 mm from the left and 15 mm from the
    /// bottom of an envelope `envelope_height_mm` high (DOMAIN.md §4).
    pub fn din(envelope_height_mm: Millimetres) -> Self {
        Self {
            x_mm: 20.0,
            y_mm: envelope_height_mm - 15.0 - 45.0,
            width_mm: 90.0,
            height_mm: 45.0,
        }
    }
}

/// One kind of envelope the centre stocks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeStock {
    /// The centre's name for it; [`InserterCapabilities::envelopes`] refers to it.
    pub name: String,
    /// Its DIN 678 format (decides the inserter rate and tray capacity).
    pub format: EnvelopeFormat,
    /// Width as seen from the address side, in mm.
    pub width_mm: Millimetres,
    /// Height as seen from the address side, in mm.
    pub height_mm: Millimetres,
    /// Weight of the empty envelope in grams.
    pub weight_g: f64,
    /// Thickness the empty envelope adds to the piece (two layers of paper),
    /// in mm; 0.2 mm when not given.
    #[serde(default = "default_envelope_thickness")]
    pub thickness_mm: Millimetres,
    /// The address window, if any. A window-less envelope cannot carry a job
    /// whose address is printed on the letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
}

fn default_envelope_thickness() -> Millimetres {
    0.2
}

impl EnvelopeStock {
    /// An envelope of the DIN 678 size of `format`, 0.2 mm thick.
    pub fn din(
        name: impl Into<String>,
        format: EnvelopeFormat,
        weight_g: f64,
        window: Option<Window>,
    ) -> Self {
        let (width_mm, height_mm) = format.din_size();
        Self {
            name: name.into(),
            format,
            width_mm,
            height_mm,
            weight_g,
            thickness_mm: default_envelope_thickness(),
            window,
        }
    }
}

/// How an inserter folds a set of sheets (all sheets of a set together).
///
/// Geometry (see [`Fold::folded`]): a half fold folds at half the height;
/// C and Z folds fold A4 at the DIN 5008 fold marks, 105 mm and 210 mm from
/// the top (panels 105/105/87 mm), other sizes in thirds. In every fold the
/// top panel of the address page ends up outside, upright, facing the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Fold {
    /// Not folded: the sheets go in flat.
    #[serde(rename = "none", alias = "flat")]
    Flat,
    /// Folded once, at half the height.
    #[serde(rename = "half")]
    Half,
    /// Letter fold: the bottom panel folds in, the top panel over it.
    #[serde(rename = "c")]
    C,
    /// Zig-zag fold.
    #[serde(rename = "z")]
    Z,
}

impl fmt::Display for Fold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fold::Flat => "no",
            Fold::Half => "half",
            Fold::C => "C",
            Fold::Z => "Z",
        })
    }
}

/// A fold the inserter can make, with the most sheets it folds at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FoldCapability {
    /// The fold.
    pub fold: Fold,
    /// Most sheets the folder takes in one set.
    pub max_sheets: u32,
}

/// One feeder (insert station) of the inserter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feeder {
    /// The feeder's number as the inserter's marks address it (1-based).
    pub number: u8,
    /// An insert permanently loaded here; `None` for a free feeder that is
    /// loaded per production run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insert: Option<String>,
}

/// What the target centre's inserter can do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InserterCapabilities {
    /// Most sheets the inserter collates into one envelope.
    pub max_sheets_per_set: u32,
    /// Its feeders for selective inserts.
    #[serde(default)]
    pub feeders: Vec<Feeder>,
    /// The folds it makes, in order of preference.
    pub folds: Vec<FoldCapability>,
    /// Names of the [`EnvelopeStock`] it runs.
    pub envelopes: Vec<String>,
    /// With a Z fold, the address sheet must be the last of the set
    /// (Quadient DS-95i; DOMAIN.md §3).
    #[serde(default)]
    pub address_last_with_z_fold: bool,
    /// Sheets are printed in reverse collation order (Pitney Bowes Relay 2000).
    #[serde(default)]
    pub reverse_collation: bool,
    /// Envelopes per hour for each envelope format it runs.
    pub envelopes_per_hour: BTreeMap<EnvelopeFormat, u32>,
}

/// A pre-printed insert (Beilage) the centre stocks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsertStock {
    /// The name jobs use for it.
    pub name: String,
    /// Weight in grams.
    pub weight_g: f64,
    /// Thickness as inserted (folded), in mm.
    pub thickness_mm: Millimetres,
}

/// Postage per piece for each product under the centre's contract, in cents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceTable {
    /// Standardbrief.
    pub standard: u32,
    /// Kompaktbrief.
    pub kompakt: u32,
    /// Großbrief.
    pub gross: u32,
    /// Maxibrief.
    pub maxi: u32,
}

impl PriceTable {
    /// Postage for one piece of `product`, in cents.
    pub fn cents(&self, product: PostalProduct) -> u32 {
        match product {
            PostalProduct::Standard => self.standard,
            PostalProduct::Kompakt => self.kompakt,
            PostalProduct::Gross => self.gross,
            PostalProduct::Maxi => self.maxi,
        }
    }
}

/// Presort discount (Teilleistung) thresholds; the defaults are Deutsche
/// Post's (DOMAIN.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostingRules {
    /// Standard and Kompakt pieces needed per posting (5,000).
    #[serde(default = "default_letters_per_posting")]
    pub letters_per_posting: u32,
    /// Groß and Maxi pieces needed per posting (500).
    #[serde(default = "default_large_per_posting")]
    pub large_per_posting: u32,
    /// Standard and Kompakt pieces needed within one Leitregion (250).
    #[serde(default = "default_letters_per_leitregion")]
    pub letters_per_leitregion: u32,
    /// Groß and Maxi pieces needed within one Leitregion (100).
    #[serde(default = "default_large_per_leitregion")]
    pub large_per_leitregion: u32,
}

fn default_letters_per_posting() -> u32 {
    5000
}
fn default_large_per_posting() -> u32 {
    500
}
fn default_letters_per_leitregion() -> u32 {
    250
}
fn default_large_per_leitregion() -> u32 {
    100
}

impl Default for PostingRules {
    fn default() -> Self {
        Self {
            letters_per_posting: default_letters_per_posting(),
            large_per_posting: default_large_per_posting(),
            letters_per_leitregion: default_letters_per_leitregion(),
            large_per_leitregion: default_large_per_leitregion(),
        }
    }
}

/// Everything about the target centre that planning needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetCentre {
    /// The envelopes it stocks.
    pub envelopes: Vec<EnvelopeStock>,
    /// The inserts it stocks.
    #[serde(default)]
    pub inserts: Vec<InsertStock>,
    /// Its inserter.
    pub inserter: InserterCapabilities,
    /// Postage under its contract.
    pub prices: PriceTable,
    /// Presort thresholds.
    #[serde(default)]
    pub posting: PostingRules,
    /// Pieces per mail tray, for each envelope format it runs.
    pub tray_capacity: BTreeMap<EnvelopeFormat, u32>,
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> PlanError {
    PlanError::InvalidInput {
        field: field.into(),
        reason: reason.into(),
    }
}

fn positive(field: &str, value: f64) -> Result<(), PlanError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(invalid(field, format!("{value} must be a positive number")))
    }
}

fn non_negative(field: &str, value: f64) -> Result<(), PlanError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(invalid(field, format!("{value} must be zero or more")))
    }
}

impl TargetCentre {
    /// The stocked envelope named `name`.
    pub fn envelope(&self, name: &str) -> Option<&EnvelopeStock> {
        self.envelopes.iter().find(|e| e.name == name)
    }

    /// The stocked insert named `name`.
    pub fn insert(&self, name: &str) -> Option<&InsertStock> {
        self.inserts.iter().find(|i| i.name == name)
    }

    /// Checks every field; the error names the first field that is wrong.
    pub fn validate(&self) -> Result<(), PlanError> {
        let mut names = BTreeSet::new();
        for (i, e) in self.envelopes.iter().enumerate() {
            let field = |f: &str| format!("envelopes[{i}].{f}");
            if e.name.trim().is_empty() {
                return Err(invalid(field("name"), "must not be empty"));
            }
            if !names.insert(e.name.as_str()) {
                return Err(invalid(
                    field("name"),
                    format!("{:?} is listed twice", e.name),
                ));
            }
            positive(&field("width_mm"), e.width_mm)?;
            positive(&field("height_mm"), e.height_mm)?;
            non_negative(&field("weight_g"), e.weight_g)?;
            non_negative(&field("thickness_mm"), e.thickness_mm)?;
            if let Some(w) = &e.window {
                non_negative(&field("window.x_mm"), w.x_mm)?;
                non_negative(&field("window.y_mm"), w.y_mm)?;
                positive(&field("window.width_mm"), w.width_mm)?;
                positive(&field("window.height_mm"), w.height_mm)?;
                if w.x_mm + w.width_mm > e.width_mm || w.y_mm + w.height_mm > e.height_mm {
                    return Err(invalid(field("window"), "lies outside the envelope"));
                }
            }
        }
        let mut inserts = BTreeSet::new();
        for (i, s) in self.inserts.iter().enumerate() {
            if s.name.trim().is_empty() {
                return Err(invalid(format!("inserts[{i}].name"), "must not be empty"));
            }
            if !inserts.insert(s.name.as_str()) {
                return Err(invalid(
                    format!("inserts[{i}].name"),
                    format!("{:?} is listed twice", s.name),
                ));
            }
            non_negative(&format!("inserts[{i}].weight_g"), s.weight_g)?;
            non_negative(&format!("inserts[{i}].thickness_mm"), s.thickness_mm)?;
        }
        let ins = &self.inserter;
        if ins.max_sheets_per_set == 0 {
            return Err(invalid("inserter.max_sheets_per_set", "must be at least 1"));
        }
        let mut numbers = BTreeSet::new();
        let mut loaded = BTreeSet::new();
        for (i, f) in ins.feeders.iter().enumerate() {
            if f.number == 0 || !numbers.insert(f.number) {
                return Err(invalid(
                    format!("inserter.feeders[{i}].number"),
                    format!("{} must be at least 1 and unique", f.number),
                ));
            }
            if let Some(name) = &f.insert {
                if !inserts.contains(name.as_str()) {
                    return Err(invalid(
                        format!("inserter.feeders[{i}].insert"),
                        format!("{name:?} is not in the centre's insert stock"),
                    ));
                }
                if !loaded.insert(name.as_str()) {
                    return Err(invalid(
                        format!("inserter.feeders[{i}].insert"),
                        format!("{name:?} is loaded in two feeders"),
                    ));
                }
            }
        }
        if ins.folds.is_empty() {
            return Err(invalid(
                "inserter.folds",
                "the inserter needs at least one fold",
            ));
        }
        let mut folds = BTreeSet::new();
        for (i, f) in ins.folds.iter().enumerate() {
            if !folds.insert(f.fold) {
                return Err(invalid(
                    format!("inserter.folds[{i}]"),
                    format!("{} fold is listed twice", f.fold),
                ));
            }
            if f.max_sheets == 0 {
                return Err(invalid(
                    format!("inserter.folds[{i}].max_sheets"),
                    "must be at least 1",
                ));
            }
        }
        if ins.envelopes.is_empty() {
            return Err(invalid(
                "inserter.envelopes",
                "the inserter needs an envelope",
            ));
        }
        for (i, name) in ins.envelopes.iter().enumerate() {
            let Some(env) = self.envelope(name) else {
                return Err(invalid(
                    format!("inserter.envelopes[{i}]"),
                    format!("{name:?} is not in the centre's envelope stock"),
                ));
            };
            match ins.envelopes_per_hour.get(&env.format) {
                Some(&rate) if rate > 0 => {}
                _ => {
                    return Err(invalid(
                        "inserter.envelopes_per_hour",
                        format!(
                            "needs a rate above 0 for {} (envelope {name:?})",
                            env.format
                        ),
                    ));
                }
            }
            match self.tray_capacity.get(&env.format) {
                Some(&n) if n > 0 => {}
                _ => {
                    return Err(invalid(
                        "tray_capacity",
                        format!(
                            "needs a capacity above 0 for {} (envelope {name:?})",
                            env.format
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The job's side of planning: how it is printed and what it allows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSpec {
    /// Simplex or duplex.
    #[serde(default)]
    pub plex: Plex,
    /// Paper size and grammage.
    #[serde(default)]
    pub paper: Paper,
    /// Where the address is printed on a piece's first page, in mm from the
    /// sheet's top-left corner.
    pub address_field: Rect,
    /// Inserts every piece gets (each piece may name more).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inserts: Vec<String>,
    /// A piece with more sheets than the inserter takes may be split over
    /// several envelopes; every envelope after the first then starts with an
    /// address carrier sheet. Otherwise such pieces go to manual inserting.
    #[serde(default)]
    pub allow_split: bool,
    /// An insert the target centre cannot feed is printed on an extra sheet
    /// of the job's paper. Otherwise such pieces go to manual inserting.
    #[serde(default)]
    pub print_missing_inserts: bool,
}

impl JobSpec {
    /// The job spec of a ticket, with splitting and printing of missing
    /// inserts as the ticket allows.
    pub fn from_ticket(ticket: &JobTicket) -> Self {
        Self {
            plex: ticket.plex,
            paper: ticket.paper,
            address_field: ticket.address_field,
            inserts: ticket.inserts.clone(),
            allow_split: ticket.allow_split,
            print_missing_inserts: ticket.print_missing_inserts,
        }
    }

    /// Checks the paper and address field.
    pub fn validate(&self) -> Result<(), PlanError> {
        if self.paper.grammage_gsm == 0 {
            return Err(invalid("paper.grammage_gsm", "must be above 0"));
        }
        let f = &self.address_field;
        non_negative("address_field.x", f.x)?;
        non_negative("address_field.y", f.y)?;
        positive("address_field.width", f.width)?;
        positive("address_field.height", f.height)?;
        let (w, h) = self.paper.size.dimensions();
        if f.x + f.width > w || f.y + f.height > h {
            return Err(invalid("address_field", "lies outside the paper"));
        }
        for (i, name) in self.inserts.iter().enumerate() {
            if name.trim().is_empty() {
                return Err(invalid(format!("inserts[{i}]"), "must not be empty"));
            }
        }
        Ok(())
    }
}

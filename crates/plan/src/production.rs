//! Envelope and insert planning for the target centre: every mail piece gets
//! a fold, an envelope, its inserts, a weight and a postal product; pieces
//! are presorted and grouped into production runs and trays.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

use serde::Serialize;
use tandem_ticket::{MailPiece, Plex, PostalProduct};

use crate::geometry::{
    FoldedSize, WindowMiss, check_window, has_clearance, sheet_thickness_mm, sheet_weight_g,
};
use crate::postage::{PieceMeasures, postal_product, product_rank};
use crate::presort::{PostingReport, leitregion, posting_reports};
use crate::stock::{
    EnvelopeFormat, EnvelopeStock, Feeder, Fold, InsertStock, JobSpec, TargetCentre,
};
use crate::{PlanError, SheetBack};

/// Upper limits of the weight classes a run summary counts, in grams.
pub const WEIGHT_CLASSES_G: [u32; 6] = [20, 50, 100, 250, 500, 1000];

/// Share of the pieces the first centre takes in [`ProductionPlan::postings`]'
/// split scenario, in percent.
pub const DEFAULT_SPLIT_PERCENT: u8 = 50;

/// One sheet that goes into an envelope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SetSheet {
    /// A sheet of the print data.
    Document {
        /// Sheet number within the piece, 1-based; sheet 1 carries the address.
        sheet: u32,
        /// Page of the print data on the front, 1-based.
        front: u64,
        /// What the back carries.
        back: SheetBack,
    },
    /// A sheet with the recipient's address in the address field, starting
    /// every envelope after the first of a split piece.
    AddressCarrier,
    /// An insert the centre cannot feed, printed on a sheet of the job's paper.
    Insert {
        /// The insert's name.
        name: String,
    },
}

/// The contents of one envelope: a whole mail piece, or one part of a piece
/// split over several envelopes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlannedSet {
    /// The piece's id.
    pub piece_id: String,
    /// Index of the piece in the job's pieces as given to [`ProductionPlan::new`].
    pub piece: usize,
    /// Envelope number within the piece, 1-based.
    pub part: u32,
    /// Envelopes the piece takes (1 unless split).
    pub parts: u32,
    /// Recipient's postcode.
    pub plz: String,
    /// The postcode's Leitregion (first two digits) for German five-digit
    /// postcodes, `None` for pieces abroad or without a postcode.
    pub leitregion: Option<String>,
    /// Stock name of the envelope.
    pub envelope: String,
    /// Its format.
    pub format: EnvelopeFormat,
    /// How the set is folded.
    pub fold: Fold,
    /// The address sheet is the last of the collated set (Z fold at an
    /// inserter that needs it), otherwise the first.
    pub address_last: bool,
    /// The sheets are printed in reverse collation order.
    pub reverse_collation: bool,
    /// The sheets in print order.
    pub sheets: Vec<SetSheet>,
    /// Inserts fed by the inserter, by name, sorted.
    pub inserts: Vec<String>,
    /// Feeders to fire, ascending.
    pub feeders: Vec<u8>,
    /// Index of the feeder loading in [`ProductionPlan::loadings`].
    pub loading: usize,
    /// Weight of the filled envelope, in grams.
    pub weight_g: f64,
    /// Thickness of the filled envelope, in mm.
    pub thickness_mm: f64,
    /// Deutsche Post product.
    pub product: PostalProduct,
    /// Postage, in cents.
    pub postage_cents: u32,
    /// Index of the run in [`ProductionPlan::runs`].
    pub run: usize,
    /// Tray number within the run, 1-based.
    pub tray: u32,
}

impl PlannedSet {
    /// The sheets in reading order: address (or address carrier) sheet
    /// first, then the document's sheets ascending, then printed inserts.
    pub fn reading_order(&self) -> Vec<&SetSheet> {
        let mut sheets: Vec<&SetSheet> = self.sheets.iter().collect();
        if self.address_last != self.reverse_collation {
            sheets.reverse();
        }
        sheets
    }

    /// Sheets in the envelope.
    pub fn sheet_count(&self) -> u32 {
        u32::try_from(self.sheets.len()).unwrap_or(u32::MAX)
    }
}

/// Why an insert cannot be fed by the inserter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InsertShortfall {
    /// The target centre does not stock it.
    NotStocked,
    /// The piece needs more inserts than the inserter has free feeders.
    NoFreeFeeder {
        /// Free (per-run loadable) feeders of the inserter.
        free_feeders: u32,
    },
}

impl fmt::Display for InsertShortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InsertShortfall::NotStocked => f.write_str("the target centre does not stock it"),
            InsertShortfall::NoFreeFeeder { free_feeders } => write!(
                f,
                "the piece needs more inserts than the {free_feeders} free feeder(s) hold"
            ),
        }
    }
}

/// Why a piece goes to manual inserting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ManualReason {
    /// More sheets than the inserter takes, and the job does not allow a split.
    TooManySheets {
        /// Sheets of the piece, printed inserts included.
        sheets: u32,
        /// Most sheets the inserter takes in one envelope.
        max_sheets: u32,
    },
    /// An insert the inserter cannot feed, and the job does not allow
    /// printing it.
    Insert {
        /// The insert.
        insert: String,
        /// Why it cannot be fed.
        shortfall: InsertShortfall,
    },
}

/// A piece routed to manual inserting; it is still printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ManualPiece {
    /// The piece's id.
    pub piece_id: String,
    /// Index of the piece in the job's pieces.
    pub piece: usize,
    /// First page in the print data, 1-based.
    pub first_page: u64,
    /// Pages in the print data.
    pub page_count: u32,
    /// Why it cannot be machine-inserted.
    pub reason: ManualReason,
}

impl fmt::Display for ManualPiece {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "piece {}: manual inserting: ", self.piece_id)?;
        match &self.reason {
            ManualReason::TooManySheets { sheets, max_sheets } => write!(
                f,
                "{sheets} sheets, the inserter takes at most {max_sheets} per envelope and \
                 the job does not allow splitting"
            ),
            ManualReason::Insert { insert, shortfall } => write!(
                f,
                "insert {insert:?} cannot be fed ({shortfall}) and the job does not allow \
                 printing it"
            ),
        }
    }
}

/// A piece split over several envelopes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SplitPiece {
    /// The piece's id.
    pub piece_id: String,
    /// Index of the piece in the job's pieces.
    pub piece: usize,
    /// Sheets of the piece, printed inserts included, address carriers not.
    pub sheets: u32,
    /// Most sheets the inserter takes in one envelope.
    pub max_sheets: u32,
    /// Envelopes it takes.
    pub envelopes: u32,
}

impl fmt::Display for SplitPiece {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "piece {}: {} sheets, the inserter takes at most {} per envelope: split over {} \
             envelopes, each after the first with an address carrier sheet",
            self.piece_id, self.sheets, self.max_sheets, self.envelopes
        )
    }
}

/// An insert printed on an extra sheet instead of being fed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrintedInsert {
    /// The piece's id.
    pub piece_id: String,
    /// Index of the piece in the job's pieces.
    pub piece: usize,
    /// The insert.
    pub insert: String,
    /// Why it cannot be fed.
    pub shortfall: InsertShortfall,
}

impl fmt::Display for PrintedInsert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "piece {}: insert {:?} printed as an extra sheet: {}",
            self.piece_id, self.insert, self.shortfall
        )
    }
}

/// What the inserter's feeders hold for a run. Runs with different loadings
/// need the free feeders reloaded in between.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FeederLoading {
    /// Every feeder, ascending by number, with the insert it holds.
    pub feeders: Vec<Feeder>,
}

/// A tray of finished envelopes, in presort order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tray {
    /// Tray number within the run, 1-based.
    pub number: u32,
    /// The tray's envelopes, as indices into [`ProductionPlan::sets`].
    pub sets: Range<usize>,
    /// Postcode of the first envelope.
    pub first_plz: String,
    /// Postcode of the last envelope.
    pub last_plz: String,
}

/// Envelopes up to a weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WeightClass {
    /// Upper limit of the class in grams (the lower one is the previous
    /// class's limit).
    pub up_to_g: u32,
    /// Envelopes in the class.
    pub envelopes: u64,
}

/// Totals of a production run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunSummary {
    /// Mail pieces (a split piece counts once).
    pub pieces: u64,
    /// Envelopes.
    pub envelopes: u64,
    /// Sheets, address carriers and printed inserts included.
    pub sheets: u64,
    /// Output pages, blank backs included.
    pub pages: u64,
    /// Envelopes per weight class of [`WEIGHT_CLASSES_G`]; empty classes left out.
    pub weight_classes: Vec<WeightClass>,
    /// Postage, in cents.
    pub postage_cents: u64,
    /// Inserter hours at the format's rate.
    pub inserter_hours: f64,
}

/// A production run: envelopes of one envelope, fold, feeder loading and
/// product, in presort order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductionRun {
    /// 1-based run number.
    pub number: u32,
    /// Stock name of the envelope.
    pub envelope: String,
    /// Its format.
    pub format: EnvelopeFormat,
    /// The fold.
    pub fold: Fold,
    /// Index of the feeder loading in [`ProductionPlan::loadings`].
    pub loading: usize,
    /// The postal product.
    pub product: PostalProduct,
    /// The run's envelopes, as indices into [`ProductionPlan::sets`].
    pub sets: Range<usize>,
    /// Its trays.
    pub trays: Vec<Tray>,
    /// Its totals.
    pub summary: RunSummary,
}

/// How a job is produced at the target centre.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductionPlan {
    /// Simplex or duplex.
    pub plex: Plex,
    /// Every machine-inserted envelope, run by run, each run in presort order.
    pub sets: Vec<PlannedSet>,
    /// The runs, covering [`Self::sets`] in order.
    pub runs: Vec<ProductionRun>,
    /// Feeder loadings the runs use.
    pub loadings: Vec<FeederLoading>,
    /// Pieces routed to manual inserting, in job order.
    pub manual: Vec<ManualPiece>,
    /// Pieces split over several envelopes, in job order.
    pub splits: Vec<SplitPiece>,
    /// Inserts printed as extra sheets, in job order.
    pub printed_inserts: Vec<PrintedInsert>,
    /// Machine-inserted envelopes against the presort thresholds, with a
    /// [`DEFAULT_SPLIT_PERCENT`] split between two centres.
    pub postings: Vec<PostingReport>,
}

/// An envelope and fold the inserter can use for the job's paper.
struct Candidate<'a> {
    envelope: &'a EnvelopeStock,
    envelope_pos: usize,
    fold: Fold,
    set: FoldedSize,
    max_sheets: u32,
    window: Option<Result<(), WindowMiss>>,
}

/// A piece that will be machine-inserted, before envelopes are chosen.
struct Draft<'a> {
    piece: usize,
    fixed: Vec<(&'a str, u8)>,
    free: Vec<&'a str>,
    printed: Vec<&'a str>,
}

fn sheets_of(piece: &MailPiece, plex: Plex) -> Vec<SetSheet> {
    let last = piece.last_page();
    let count = match plex {
        Plex::Simplex => piece.page_count,
        Plex::Duplex => piece.page_count.div_ceil(2),
    };
    (0..count)
        .map(|i| {
            let (front, back) = match plex {
                Plex::Simplex => (piece.first_page + u64::from(i), SheetBack::Unprinted),
                Plex::Duplex => {
                    let front = piece.first_page + 2 * u64::from(i);
                    let back = if front < last {
                        SheetBack::Page(front + 1)
                    } else {
                        SheetBack::Blank
                    };
                    (front, back)
                }
            };
            SetSheet::Document {
                sheet: i + 1,
                front,
                back,
            }
        })
        .collect()
}

fn has_region(piece: &MailPiece) -> bool {
    piece.country == "DE" && leitregion(&piece.plz).is_some()
}

impl ProductionPlan {
    /// Plans `pieces` (in job order) of `job` at `centre`.
    ///
    /// For every piece: its inserts are mapped to the inserter's feeders
    /// (fixed feeders first, then free ones, loaded per run); an insert that
    /// cannot be fed is printed on an extra sheet where the job allows it,
    /// otherwise the piece goes to manual inserting. A piece with more sheets
    /// than the inserter takes is split over several envelopes where the job
    /// allows it, otherwise it goes to manual inserting. Each envelope gets
    /// the smallest stocked envelope (then inserter order, then fold
    /// preference) that keeps the inserting clearance and whose fold takes
    /// the sheets; the address field must then land in its window.
    ///
    /// Envelopes are presorted by PLZ (pieces without a German postcode last,
    /// in job order) and grouped into runs by envelope, fold, feeder loading
    /// and product, then cut into trays.
    ///
    /// Errors name the piece: no envelope fits, the window misses the
    /// address, or a piece fits no letter product.
    pub fn new(
        job: &JobSpec,
        pieces: &[MailPiece],
        centre: &TargetCentre,
    ) -> Result<Self, PlanError> {
        if pieces.is_empty() {
            return Err(PlanError::NoPieces);
        }
        job.validate()?;
        centre.validate()?;
        let inserter = &centre.inserter;
        let pages_per_sheet: u64 = match job.plex {
            Plex::Simplex => 1,
            Plex::Duplex => 2,
        };
        let sheet_g = sheet_weight_g(&job.paper);
        let sheet_mm = sheet_thickness_mm(&job.paper);

        // Every envelope/fold pair that keeps the clearance, best first.
        let mut candidates = Vec::new();
        for (envelope_pos, name) in inserter.envelopes.iter().enumerate() {
            let Some(envelope) = centre.envelope(name) else {
                continue; // validate() has refused this already
            };
            for capability in &inserter.folds {
                let set = capability.fold.folded(job.paper.size);
                if has_clearance(envelope, &set) {
                    candidates.push(Candidate {
                        envelope,
                        envelope_pos,
                        fold: capability.fold,
                        set,
                        max_sheets: capability.max_sheets.min(inserter.max_sheets_per_set),
                        window: check_window(envelope, &set, &job.address_field),
                    });
                }
            }
        }
        // Stable sort: equal areas keep inserter order, then fold preference.
        candidates.sort_by(|a, b| {
            let area = |c: &Candidate<'_>| c.envelope.width_mm * c.envelope.height_mm;
            area(a).total_cmp(&area(b))
        });
        let limit = candidates.iter().map(|c| c.max_sheets).max().unwrap_or(0);

        // Inserts: fixed feeders, free feeders, stock.
        let fixed: BTreeMap<&str, u8> = inserter
            .feeders
            .iter()
            .filter_map(|f| f.insert.as_deref().map(|i| (i, f.number)))
            .collect();
        let mut free_feeders: Vec<u8> = inserter
            .feeders
            .iter()
            .filter(|f| f.insert.is_none())
            .map(|f| f.number)
            .collect();
        free_feeders.sort_unstable();
        let free_count = u32::try_from(free_feeders.len()).unwrap_or(u32::MAX);
        let stock: BTreeMap<&str, &InsertStock> = centre
            .inserts
            .iter()
            .map(|i| (i.name.as_str(), i))
            .collect();

        let mut manual = Vec::new();
        let mut splits = Vec::new();
        let mut printed_inserts = Vec::new();
        let mut drafts = Vec::new();
        for (index, piece) in pieces.iter().enumerate() {
            if piece.page_count == 0 || piece.first_page == 0 {
                return Err(PlanError::InvalidInput {
                    field: format!("piece {}", piece.piece_id),
                    reason: "first_page and page_count must be at least 1".into(),
                });
            }
            let names: BTreeSet<&str> = job
                .inserts
                .iter()
                .chain(&piece.inserts)
                .map(String::as_str)
                .collect();
            let mut draft = Draft {
                piece: index,
                fixed: Vec::new(),
                free: Vec::new(),
                printed: Vec::new(),
            };
            let mut shortfalls = Vec::new();
            for name in names {
                if let Some(&number) = fixed.get(name) {
                    draft.fixed.push((name, number));
                } else if stock.contains_key(name) {
                    if draft.free.len() < free_feeders.len() {
                        draft.free.push(name);
                    } else {
                        shortfalls.push((
                            name,
                            InsertShortfall::NoFreeFeeder {
                                free_feeders: free_count,
                            },
                        ));
                    }
                } else {
                    shortfalls.push((name, InsertShortfall::NotStocked));
                }
            }
            if !shortfalls.is_empty() && !job.print_missing_inserts {
                let (insert, shortfall) = shortfalls.swap_remove(0);
                manual.push(ManualPiece {
                    piece_id: piece.piece_id.clone(),
                    piece: index,
                    first_page: piece.first_page,
                    page_count: piece.page_count,
                    reason: ManualReason::Insert {
                        insert: insert.to_owned(),
                        shortfall,
                    },
                });
                continue;
            }
            let doc_sheets = match job.plex {
                Plex::Simplex => piece.page_count,
                Plex::Duplex => piece.page_count.div_ceil(2),
            };
            let sheets = doc_sheets.saturating_add(shortfalls.len() as u32);
            if candidates.is_empty() {
                return Err(PlanError::NoEnvelopeFits {
                    piece_id: piece.piece_id.clone(),
                    sheets,
                });
            }
            if sheets > limit {
                if !(job.allow_split && limit >= 2) {
                    manual.push(ManualPiece {
                        piece_id: piece.piece_id.clone(),
                        piece: index,
                        first_page: piece.first_page,
                        page_count: piece.page_count,
                        reason: ManualReason::TooManySheets {
                            sheets,
                            max_sheets: limit,
                        },
                    });
                    continue;
                }
                splits.push(SplitPiece {
                    piece_id: piece.piece_id.clone(),
                    piece: index,
                    sheets,
                    max_sheets: limit,
                    envelopes: 1 + (sheets - limit).div_ceil(limit - 1),
                });
            }
            for (insert, shortfall) in shortfalls {
                draft.printed.push(insert);
                printed_inserts.push(PrintedInsert {
                    piece_id: piece.piece_id.clone(),
                    piece: index,
                    insert: insert.to_owned(),
                    shortfall,
                });
            }
            drafts.push(draft);
        }

        // Feeder loadings: pack the combinations of free-feeder inserts,
        // largest first, into as few loadings as the free feeders allow.
        let combos: BTreeSet<&[&str]> = drafts.iter().map(|d| d.free.as_slice()).collect();
        let mut combos: Vec<&[&str]> = combos.into_iter().filter(|c| !c.is_empty()).collect();
        combos.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        let mut loaded: Vec<BTreeSet<&str>> = Vec::new();
        for combo in combos {
            let fits = loaded.iter_mut().find(|l| {
                l.iter().chain(combo.iter()).collect::<BTreeSet<_>>().len() <= free_feeders.len()
            });
            match fits {
                Some(l) => l.extend(combo.iter().copied()),
                None => loaded.push(combo.iter().copied().collect()),
            }
        }
        if loaded.is_empty() {
            loaded.push(BTreeSet::new());
        }
        let loadings: Vec<FeederLoading> = loaded
            .iter()
            .map(|names| {
                let mut feeders: Vec<Feeder> = inserter
                    .feeders
                    .iter()
                    .filter(|f| f.insert.is_some())
                    .cloned()
                    .collect();
                let mut names = names.iter();
                for &number in &free_feeders {
                    feeders.push(Feeder {
                        number,
                        insert: names.next().map(|n| (*n).to_owned()),
                    });
                }
                feeders.sort_by_key(|f| f.number);
                FeederLoading { feeders }
            })
            .collect();

        // Envelopes.
        let mut sets = Vec::new();
        for draft in &drafts {
            let piece = &pieces[draft.piece];
            let loading = loaded
                .iter()
                .position(|l| draft.free.iter().all(|n| l.contains(n)))
                .unwrap_or(0);
            let mut stream = sheets_of(piece, job.plex);
            stream.extend(draft.printed.iter().map(|n| SetSheet::Insert {
                name: (*n).to_owned(),
            }));
            let mut chunks: Vec<Vec<SetSheet>> = Vec::new();
            let mut rest = stream.into_iter();
            let first: Vec<SetSheet> = rest.by_ref().take(limit as usize).collect();
            chunks.push(first);
            loop {
                let next: Vec<SetSheet> = rest.by_ref().take(limit as usize - 1).collect();
                if next.is_empty() {
                    break;
                }
                let mut chunk = vec![SetSheet::AddressCarrier];
                chunk.extend(next);
                chunks.push(chunk);
            }
            let parts = u32::try_from(chunks.len()).unwrap_or(u32::MAX);
            for (k, chunk) in chunks.into_iter().enumerate() {
                let count = u32::try_from(chunk.len()).unwrap_or(u32::MAX);
                let Some(cand) = candidates.iter().find(|c| c.max_sheets >= count) else {
                    return Err(PlanError::NoEnvelopeFits {
                        piece_id: piece.piece_id.clone(),
                        sheets: count,
                    });
                };
                match cand.window {
                    None => {
                        return Err(PlanError::EnvelopeWithoutWindow {
                            piece_id: piece.piece_id.clone(),
                            envelope: cand.envelope.name.clone(),
                        });
                    }
                    Some(Err(miss)) => {
                        return Err(PlanError::AddressOutsideWindow {
                            piece_id: piece.piece_id.clone(),
                            envelope: cand.envelope.name.clone(),
                            fold: cand.fold,
                            miss,
                        });
                    }
                    Some(Ok(())) => {}
                }
                // Fed inserts travel with the first envelope of a piece.
                let (mut inserts, mut feeders) = (Vec::new(), Vec::new());
                if k == 0 {
                    for &(name, number) in &draft.fixed {
                        inserts.push(name.to_owned());
                        feeders.push(number);
                    }
                    for name in &draft.free {
                        let number = loadings[loading]
                            .feeders
                            .iter()
                            .find(|f| f.insert.as_deref() == Some(*name))
                            .map(|f| f.number)
                            .unwrap_or_default();
                        inserts.push((*name).to_owned());
                        feeders.push(number);
                    }
                    inserts.sort();
                    feeders.sort_unstable();
                }
                let (insert_g, insert_mm) = inserts.iter().fold((0.0, 0.0), |(g, mm), n| {
                    let s = stock[n.as_str()];
                    (g + s.weight_g, mm + s.thickness_mm)
                });
                let measures = PieceMeasures {
                    width_mm: cand.envelope.width_mm,
                    height_mm: cand.envelope.height_mm,
                    thickness_mm: f64::from(count * cand.set.layers) * sheet_mm
                        + insert_mm
                        + cand.envelope.thickness_mm,
                    weight_g: f64::from(count) * sheet_g + insert_g + cand.envelope.weight_g,
                };
                let Some(product) = postal_product(&measures) else {
                    return Err(PlanError::NoPostalProduct {
                        piece_id: piece.piece_id.clone(),
                        envelope: cand.envelope.name.clone(),
                        weight_g: measures.weight_g,
                        thickness_mm: measures.thickness_mm,
                    });
                };
                let address_last = cand.fold == Fold::Z && inserter.address_last_with_z_fold;
                let mut sheets = chunk;
                if address_last != inserter.reverse_collation {
                    sheets.reverse();
                }
                sets.push((
                    cand.envelope_pos,
                    PlannedSet {
                        piece_id: piece.piece_id.clone(),
                        piece: draft.piece,
                        part: u32::try_from(k + 1).unwrap_or(u32::MAX),
                        parts,
                        plz: piece.plz.clone(),
                        leitregion: has_region(piece).then(|| piece.plz[..2].to_owned()),
                        envelope: cand.envelope.name.clone(),
                        format: cand.envelope.format,
                        fold: cand.fold,
                        address_last,
                        reverse_collation: inserter.reverse_collation,
                        sheets,
                        inserts,
                        feeders,
                        loading,
                        weight_g: measures.weight_g,
                        thickness_mm: measures.thickness_mm,
                        product,
                        postage_cents: centre.prices.cents(product),
                        run: 0,
                        tray: 0,
                    },
                ));
            }
        }

        // Presort, then group into runs (BTreeMap: runs in key order, each
        // keeping presort order).
        let mut order: Vec<usize> = (0..sets.len()).collect();
        order.sort_by(|&a, &b| {
            let key = |i: usize| {
                let s = &sets[i].1;
                let p = &pieces[s.piece];
                let region = has_region(p);
                (
                    !region,
                    if region { p.plz.as_str() } else { "" },
                    s.piece,
                    s.part,
                )
            };
            key(a).cmp(&key(b))
        });
        let mut groups: BTreeMap<(usize, Fold, usize, u8), Vec<usize>> = BTreeMap::new();
        for i in order {
            let (pos, s) = &sets[i];
            groups
                .entry((*pos, s.fold, s.loading, product_rank(s.product)))
                .or_default()
                .push(i);
        }
        let mut slots: Vec<Option<PlannedSet>> = sets.into_iter().map(|(_, s)| Some(s)).collect();
        let mut ordered = Vec::with_capacity(slots.len());
        let mut runs = Vec::with_capacity(groups.len());
        for members in groups.into_values() {
            let run_index = runs.len();
            let start = ordered.len();
            for i in members {
                if let Some(mut s) = slots[i].take() {
                    s.run = run_index;
                    ordered.push(s);
                }
            }
            let range = start..ordered.len();
            let first = &ordered[start];
            let (format, envelope, fold, loading, product) = (
                first.format,
                first.envelope.clone(),
                first.fold,
                first.loading,
                first.product,
            );
            let capacity = centre
                .tray_capacity
                .get(&format)
                .copied()
                .unwrap_or(1)
                .max(1) as usize;
            let mut trays = Vec::new();
            for (t, tray_start) in range.clone().step_by(capacity).enumerate() {
                let tray_end = (tray_start + capacity).min(range.end);
                let number = u32::try_from(t + 1).unwrap_or(u32::MAX);
                for s in &mut ordered[tray_start..tray_end] {
                    s.tray = number;
                }
                trays.push(Tray {
                    number,
                    sets: tray_start..tray_end,
                    first_plz: ordered[tray_start].plz.clone(),
                    last_plz: ordered[tray_end - 1].plz.clone(),
                });
            }
            let members = &ordered[range.clone()];
            let rate = inserter
                .envelopes_per_hour
                .get(&format)
                .copied()
                .unwrap_or(1)
                .max(1);
            let sheets: u64 = members.iter().map(|s| s.sheets.len() as u64).sum();
            let mut classes = [0u64; WEIGHT_CLASSES_G.len()];
            for s in members {
                let class = WEIGHT_CLASSES_G
                    .iter()
                    .position(|&limit| s.weight_g <= f64::from(limit) + 1e-9)
                    .unwrap_or(WEIGHT_CLASSES_G.len() - 1);
                classes[class] += 1;
            }
            let summary = RunSummary {
                pieces: members
                    .iter()
                    .map(|s| s.piece)
                    .collect::<BTreeSet<_>>()
                    .len() as u64,
                envelopes: members.len() as u64,
                sheets,
                pages: sheets * pages_per_sheet,
                weight_classes: WEIGHT_CLASSES_G
                    .iter()
                    .zip(classes)
                    .filter(|&(_, n)| n > 0)
                    .map(|(&up_to_g, envelopes)| WeightClass { up_to_g, envelopes })
                    .collect(),
                postage_cents: members.iter().map(|s| u64::from(s.postage_cents)).sum(),
                inserter_hours: members.len() as f64 / f64::from(rate),
            };
            runs.push(ProductionRun {
                number: u32::try_from(run_index + 1).unwrap_or(u32::MAX),
                envelope,
                format,
                fold,
                loading,
                product,
                sets: range,
                trays,
                summary,
            });
        }

        let mut plan = Self {
            plex: job.plex,
            sets: ordered,
            runs,
            loadings,
            manual,
            splits,
            printed_inserts,
            postings: Vec::new(),
        };
        plan.postings = posting_reports(
            &plan.posting_items(),
            &centre.posting,
            DEFAULT_SPLIT_PERCENT,
        );
        Ok(plan)
    }

    /// Postage of all machine-inserted envelopes, in cents.
    pub fn total_postage_cents(&self) -> u64 {
        self.runs.iter().map(|r| r.summary.postage_cents).sum()
    }

    /// Sheets of all machine-inserted envelopes.
    pub fn total_sheets(&self) -> u64 {
        self.runs.iter().map(|r| r.summary.sheets).sum()
    }

    /// Inserter hours of all runs.
    pub fn inserter_hours(&self) -> f64 {
        self.runs.iter().map(|r| r.summary.inserter_hours).sum()
    }

    /// The machine-inserted envelopes as `(plz, product)`, for
    /// [`posting_reports`] with another split share; the postcode is empty
    /// for pieces without a Leitregion.
    pub fn posting_items(&self) -> Vec<(&str, PostalProduct)> {
        self.sets
            .iter()
            .map(|s| {
                let plz = if s.leitregion.is_some() {
                    s.plz.as_str()
                } else {
                    ""
                };
                (plz, s.product)
            })
            .collect()
    }
}

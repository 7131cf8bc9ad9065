//! Production planning for Tandem: pages become sheets, sheets become mail
//! pieces, pieces become production runs.
//!
//! A [`JobPlan`] is pure data, computed from the job's [`MailPiece`](tandem_ticket::MailPiece)s and
//! plex: every piece knows its sheets and its place in the job-wide sheet
//! sequence, and the pieces are cut into [`Run`]s (one output file each) at
//! piece boundaries. Sheets are derived on demand by [`JobPlan::sheets`], so
//! the plan stays small for jobs of millions of pages.
//!
//! ```
//! use tandem_plan::{JobPlan, SheetBack};
//! use tandem_ticket::{MailPiece, Plex};
//!
//! let piece = |id: &str, first_page, page_count| MailPiece {
//!     piece_id: id.into(), plz: "80331".into(), country: "DE".into(),
//!     first_page, page_count, inserts: vec![],
//! };
//! let plan = JobPlan::new(&[piece("A", 1, 3), piece("B", 4, 2)], Plex::Duplex, 5000)?;
//! let sheets: Vec<_> = plan.sheets(0).collect();
//! assert_eq!(sheets.len(), 2);
//! assert_eq!(sheets[1].back, SheetBack::Blank); // page 3 is alone on sheet 2
//! assert_eq!(plan.pieces[1].first_sequence, 3);
//! # Ok::<(), tandem_plan::PlanError>(())
//! ```
//!
//! # Production at the target centre
//!
//! A [`ProductionPlan`] plans the same pieces for a partner centre
//! ([`TargetCentre`]: its [`EnvelopeStock`], [`InsertStock`],
//! [`InserterCapabilities`], [`PriceTable`], [`PostingRules`] and tray
//! capacities) from the job's [`JobSpec`] (plex, paper, address field,
//! inserts, whether splitting and printing missing inserts are allowed):
//!
//! - **sheets** from pages, simplex or duplex with blank backs ([`SetSheet`]);
//! - **fold and envelope**: the smallest envelope that keeps the inserting
//!   clearance (15 mm wider, 8 mm higher than the folded set,
//!   [`has_clearance`]) with a fold the inserter makes; the address field
//!   must land in the window ([`address_on_envelope`] documents the set's
//!   position), else [`PlanError::AddressOutsideWindow`] names the piece and
//!   the miss in mm;
//! - **page order**: address sheet first, last for a Z fold where the
//!   inserter needs it, and reverse collation where the inserter prints so;
//! - **weight, thickness and product** ([`sheet_weight_g`],
//!   [`PAPER_MM_PER_GSM`], [`postal_product`]) and postage from the price table;
//! - **collation limits and inserts**: pieces split over envelopes or routed
//!   to manual inserting, inserts mapped to feeders ([`FeederLoading`]) or
//!   printed, all listed with reasons naming the piece;
//! - **presort** by PLZ and Leitregion, with the Teilleistung thresholds for
//!   the whole posting and a split between two centres ([`PostingReport`]);
//! - **runs and trays** by envelope, fold, feeder loading and product, with a
//!   [`RunSummary`] (pieces, sheets, pages, weight classes, postage, inserter hours).
//!
//! ```
//! use std::collections::BTreeMap;
//! use tandem_plan::*;
//! use tandem_ticket::{MailPiece, Paper, Plex, PostalProduct, Rect};
//!
//! let centre = TargetCentre {
//!     envelopes: vec![EnvelopeStock::din("C65-F", EnvelopeFormat::C65, 4.5,
//!         Some(Window::din(114.0)))],
//!     inserts: vec![],
//!     inserter: InserterCapabilities {
//!         max_sheets_per_set: 8,
//!         feeders: vec![],
//!         folds: vec![FoldCapability { fold: Fold::C, max_sheets: 8 }],
//!         envelopes: vec!["C65-F".into()],
//!         address_last_with_z_fold: false,
//!         reverse_collation: false,
//!         envelopes_per_hour: BTreeMap::from([(EnvelopeFormat::C65, 20_000)]),
//!     },
//!     prices: PriceTable { standard: 95, kompakt: 110, gross: 180, maxi: 290 },
//!     posting: PostingRules::default(),
//!     tray_capacity: BTreeMap::from([(EnvelopeFormat::C65, 500)]),
//! };
//! let job = JobSpec {
//!     plex: Plex::Simplex,
//!     paper: Paper::default(), // A4, 80 g/m²
//!     address_field: Rect { x: 20.0, y: 45.0, width: 85.0, height: 45.0 },
//!     inserts: vec![],
//!     allow_split: false,
//!     print_missing_inserts: false,
//! };
//! let piece = MailPiece {
//!     piece_id: "A".into(), plz: "80331".into(), country: "DE".into(),
//!     first_page: 1, page_count: 3, inserts: vec![],
//! };
//! let plan = ProductionPlan::new(&job, &[piece], &centre)?;
//! // 3 × 4.99 g + 4.5 g = 19.47 g ≤ 20 g: a Standardbrief.
//! assert_eq!(plan.sets[0].product, PostalProduct::Standard);
//! assert_eq!(plan.total_postage_cents(), 95);
//! # Ok::<(), tandem_plan::PlanError>(())
//! ```

mod geometry;
mod plan;
mod postage;
mod presort;
mod production;
mod stock;

pub use geometry::{
    CLEARANCE_HEIGHT_MM, CLEARANCE_WIDTH_MM, DIN_5008_FOLD_MM, FoldedSize, PAPER_MM_PER_GSM,
    WindowMiss, address_on_envelope, check_window, has_clearance, sheet_thickness_mm,
    sheet_weight_g,
};
pub use plan::{JobPlan, PlanError, PlannedPiece, PlannedSheet, Run, SheetBack};
pub use postage::{PRODUCTS, PieceMeasures, ProductLimits, postal_product, product_rank};
pub use presort::{
    LeitregionCount, PostingClass, PostingPart, PostingReport, SplitEffect, leitregion,
    posting_reports,
};
pub use production::{
    DEFAULT_SPLIT_PERCENT, FeederLoading, InsertShortfall, ManualPiece, ManualReason, PlannedSet,
    PrintedInsert, ProductionPlan, ProductionRun, RunSummary, SetSheet, SplitPiece, Tray,
    WEIGHT_CLASSES_G, WeightClass,
};
pub use stock::{
    EnvelopeFormat, EnvelopeStock, Feeder, Fold, FoldCapability, InsertStock, InserterCapabilities,
    JobSpec, PostingRules, PriceTable, TargetCentre, Window,
};

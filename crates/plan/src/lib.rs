//! Production planning for Tandem: pages become sheets, sheets become mail
//! pieces, pieces become production runs.
//!
//! A [`JobPlan`] is pure data, computed from the job's [`MailPiece`]s and
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

mod plan;

pub use plan::{JobPlan, PlanError, PlannedPiece, PlannedSheet, Run, SheetBack};

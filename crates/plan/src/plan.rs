use std::ops::Range;

use serde::Serialize;
use tandem_ticket::{MailPiece, Plex};

use crate::geometry::WindowMiss;
use crate::stock::Fold;

/// Why a job cannot be planned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The job has no pieces.
    #[error("the job has no mail pieces")]
    NoPieces,
    /// The run size is zero.
    #[error("a production run must allow at least one sheet")]
    ZeroRunSize,
    /// A field of the job spec, the target centre or a piece is wrong.
    #[error("{field}: {reason}")]
    InvalidInput {
        /// The field, e.g. `inserter.feeders[2].number` or `piece P0007`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// None of the centre's envelopes takes the piece with any fold its
    /// inserter makes, keeping the machine-inserting clearance.
    #[error(
        "piece {piece_id}: no envelope of the target centre takes its {sheets} sheet(s) \
         with any fold the inserter makes (15 mm wider and 8 mm higher than the folded set)"
    )]
    NoEnvelopeFits {
        /// The piece.
        piece_id: String,
        /// Sheets in the envelope that was looked for.
        sheets: u32,
    },
    /// The chosen envelope has no window, but the address is printed on the letter.
    #[error("piece {piece_id}: envelope {envelope:?} has no window for the printed address")]
    EnvelopeWithoutWindow {
        /// The piece.
        piece_id: String,
        /// The envelope's stock name.
        envelope: String,
    },
    /// After folding and inserting, the job's address field is not inside the
    /// envelope's window.
    #[error(
        "piece {piece_id}: after a {fold} fold the address field misses the window of \
         envelope {envelope:?} by {miss}"
    )]
    AddressOutsideWindow {
        /// The piece.
        piece_id: String,
        /// The envelope's stock name.
        envelope: String,
        /// The fold.
        fold: Fold,
        /// How far the field sticks out of the window, per edge.
        miss: WindowMiss,
    },
    /// The filled envelope is no letter product (too heavy, thick or large).
    #[error(
        "piece {piece_id}: {weight_g:.1} g and {thickness_mm:.1} mm in envelope {envelope:?} \
         fit no Deutsche Post letter product"
    )]
    NoPostalProduct {
        /// The piece.
        piece_id: String,
        /// The envelope's stock name.
        envelope: String,
        /// Weight of the filled envelope.
        weight_g: f64,
        /// Thickness of the filled envelope.
        thickness_mm: f64,
    },
}

/// A mail piece with its place in production.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedPiece {
    /// The piece's id.
    pub piece_id: String,
    /// First page in the print data, 1-based.
    pub first_page: u64,
    /// Pages in the print data.
    pub page_count: u32,
    /// Sheets the piece is printed on.
    pub sheets: u32,
    /// Job-wide sequence number of the piece's first sheet, 1-based.
    pub first_sequence: u64,
    /// Index of the run the piece is produced in.
    pub run: usize,
}

/// A production run: consecutive pieces printed into one output file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Run {
    /// 1-based run number.
    pub number: u32,
    /// The pieces of the run, as indices into [`JobPlan::pieces`].
    pub pieces: Range<usize>,
    /// Sheets in the run.
    pub sheets: u64,
    /// Pages in the run's output, blank backs included.
    pub output_pages: u64,
}

/// What is printed on the back of a sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SheetBack {
    /// Simplex: the back is not printed and has no page in the output.
    Unprinted,
    /// Duplex: this page of the print data (1-based).
    Page(u64),
    /// Duplex with an odd page count: a blank page keeps the next piece
    /// from starting on this sheet's back.
    Blank,
}

/// One sheet of paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlannedSheet {
    /// Index of the piece in [`JobPlan::pieces`].
    pub piece: usize,
    /// Sheet number within the piece, 1-based.
    pub sheet: u32,
    /// Sheets in the piece.
    pub sheets: u32,
    /// Job-wide sheet sequence number, 1-based.
    pub sequence: u64,
    /// Page of the print data on the front, 1-based.
    pub front: u64,
    /// What the back carries.
    pub back: SheetBack,
}

/// The production plan of a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobPlan {
    /// Simplex or duplex.
    pub plex: Plex,
    /// Every piece, in production order.
    pub pieces: Vec<PlannedPiece>,
    /// The runs, covering the pieces in order.
    pub runs: Vec<Run>,
}

impl JobPlan {
    /// Plans the pieces in the given order, cutting a new run whenever the
    /// next piece would take the current one past `max_sheets_per_run`
    /// (a piece is never split; a piece larger than the limit gets a run
    /// of its own).
    pub fn new(
        pieces: &[MailPiece],
        plex: Plex,
        max_sheets_per_run: u64,
    ) -> Result<Self, PlanError> {
        if pieces.is_empty() {
            return Err(PlanError::NoPieces);
        }
        if max_sheets_per_run == 0 {
            return Err(PlanError::ZeroRunSize);
        }
        let pages_per_sheet = match plex {
            Plex::Simplex => 1,
            Plex::Duplex => 2,
        };
        let mut planned = Vec::with_capacity(pieces.len());
        let mut runs: Vec<Run> = Vec::new();
        let mut sequence = 1u64;
        for (index, piece) in pieces.iter().enumerate() {
            let sheets = piece.page_count.div_ceil(pages_per_sheet);
            let fits = runs
                .last()
                .is_some_and(|run| run.sheets + u64::from(sheets) <= max_sheets_per_run);
            if !fits {
                let number = u32::try_from(runs.len() + 1).unwrap_or(u32::MAX);
                runs.push(Run {
                    number,
                    pieces: index..index,
                    sheets: 0,
                    output_pages: 0,
                });
            }
            let run_index = runs.len() - 1;
            let run = &mut runs[run_index];
            run.pieces.end = index + 1;
            run.sheets += u64::from(sheets);
            run.output_pages += u64::from(sheets * pages_per_sheet);
            planned.push(PlannedPiece {
                piece_id: piece.piece_id.clone(),
                first_page: piece.first_page,
                page_count: piece.page_count,
                sheets,
                first_sequence: sequence,
                run: run_index,
            });
            sequence += u64::from(sheets);
        }
        Ok(Self {
            plex,
            pieces: planned,
            runs,
        })
    }

    /// The sheets of one piece, in production order.
    pub fn sheets(&self, piece: usize) -> impl Iterator<Item = PlannedSheet> + '_ {
        let p = &self.pieces[piece];
        let last_page = p.first_page + u64::from(p.page_count) - 1;
        (0..p.sheets).map(move |i| {
            let (front, back) = match self.plex {
                Plex::Simplex => (p.first_page + u64::from(i), SheetBack::Unprinted),
                Plex::Duplex => {
                    let front = p.first_page + 2 * u64::from(i);
                    let back = if front < last_page {
                        SheetBack::Page(front + 1)
                    } else {
                        SheetBack::Blank
                    };
                    (front, back)
                }
            };
            PlannedSheet {
                piece,
                sheet: i + 1,
                sheets: p.sheets,
                sequence: p.first_sequence + u64::from(i),
                front,
                back,
            }
        })
    }

    /// Sheets in the whole job.
    pub fn total_sheets(&self) -> u64 {
        self.runs.iter().map(|r| r.sheets).sum()
    }

    /// Output pages in the whole job, blank backs included.
    pub fn total_output_pages(&self) -> u64 {
        self.runs.iter().map(|r| r.output_pages).sum()
    }
}

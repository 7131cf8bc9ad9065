//! "Can the partner run this job?" — every reason it cannot, each with the
//! piece or page and the automatic fix where Tandem has one.

use std::collections::BTreeMap;

use serde::Serialize;
use tandem_marks::{MarkRect, SheetControl};
use tandem_pdf::{InkArea, InkKind, PdfInput};
use tandem_plan::{JobPlan, JobSpec, PlanError, PostingClass, ProductionPlan, SheetBack};
use tandem_profile::CentreProfile;
use tandem_ticket::{DataFormat, Delimiting, JobTicket, Plex};

use crate::CoreError;
use crate::afp_job::AfpJob;
use crate::redirect::PrintData;

/// How a finding affects release to the partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The partner cannot run the job until someone changes it.
    Blocking,
    /// Redirect fixes it by itself; listed so the operator knows.
    AutoFix,
    /// The job runs, with a consequence someone should know about (a lost
    /// presort discount, say); does not block.
    Notice,
}

/// One reason the partner cannot run the job as it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Stable identifier of the reason, e.g. `mark-zone-content`.
    pub code: &'static str,
    /// Blocking or fixed automatically.
    pub severity: Severity,
    /// The piece concerned, if the reason is about one piece.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub piece_id: Option<String>,
    /// The page of the print data concerned (1-based), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    /// What is wrong, for a person.
    pub message: String,
    /// What redirect does about it, when it can.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// The result of a compatibility check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckReport {
    /// The job.
    pub job_id: String,
    /// The partner checked against.
    pub target_centre: String,
    /// Pages looked at.
    pub pages_checked: u64,
    /// Findings listed per reason before the rest are only counted.
    pub listed_per_reason: usize,
    /// Findings per reason, including those not listed.
    pub counts: BTreeMap<&'static str, u64>,
    /// The findings, blocking ones first, then in page order.
    pub findings: Vec<Finding>,
}

impl CheckReport {
    /// True when the job runs at the partner unchanged or with automatic fixes only.
    pub fn passes(&self) -> bool {
        self.findings
            .iter()
            .all(|f| f.severity != Severity::Blocking)
    }
}

/// Findings per reason kept in full; the rest are counted. A 100,000-page
/// job with a logo in the mark zone needs one example, not 100,000 lines.
const LISTED_PER_REASON: usize = 20;

struct Findings {
    counts: BTreeMap<&'static str, u64>,
    list: Vec<Finding>,
}

impl Findings {
    fn add(&mut self, finding: Finding) {
        let count = self.counts.entry(finding.code).or_default();
        *count += 1;
        if *count as usize <= LISTED_PER_REASON {
            self.list.push(finding);
        }
    }
}

fn blocking(code: &'static str, message: String) -> Finding {
    Finding {
        code,
        severity: Severity::Blocking,
        piece_id: None,
        page: None,
        message,
        fix: None,
    }
}

fn mark_rect(area: &InkArea) -> MarkRect {
    MarkRect {
        x: area.x,
        y: area.y,
        width: area.width,
        height: area.height,
    }
}

fn intersection(a: &MarkRect, b: &MarkRect) -> Option<MarkRect> {
    let (x0, y0) = (a.x.max(b.x), a.y.max(b.y));
    let (x1, y1) = (a.right().min(b.right()), a.bottom().min(b.bottom()));
    (x0 < x1 && y0 < y1).then_some(MarkRect {
        x: x0,
        y: y0,
        width: x1 - x0,
        height: y1 - y0,
    })
}

/// A zone on the front seen from the back of the same sheet (duplex, turned
/// over the long edge): mirrored left to right.
fn mirrored(zone: &MarkRect, page_width_mm: f64) -> MarkRect {
    MarkRect {
        x: page_width_mm - zone.right(),
        ..*zone
    }
}

/// Checks `ticket` against the partner `profile`, reading the print data.
///
/// Errors are returned only when the check itself cannot run (unreadable
/// input); everything the partner cannot do is a [`Finding`].
pub fn check(ticket: &JobTicket, profile: &CentreProfile) -> Result<CheckReport, CoreError> {
    let mut findings = Findings {
        counts: BTreeMap::new(),
        list: Vec::new(),
    };
    let centre = &profile.centre.id;
    for file in &ticket.print_files {
        let formats = &profile.printer.formats;
        if file.format == DataFormat::LineData
            && !formats.contains(&DataFormat::LineData)
            && formats.contains(&DataFormat::Pdf)
        {
            findings.add(Finding {
                severity: Severity::AutoFix,
                fix: Some("laid out with the job's page layout and printed as PDF".into()),
                ..blocking(
                    "format-unsupported",
                    format!("{}: {centre} does not print line data", file.path.display()),
                )
            });
            continue;
        }
        if !formats.contains(&file.format) {
            findings.add(blocking(
                "format-unsupported",
                format!(
                    "{}: {:?} is not among the data formats {centre} prints",
                    file.path.display(),
                    file.format
                ),
            ));
        }
    }
    // Resources only matter where the partner prints AFP at all; elsewhere
    // the format itself is the finding.
    if profile.printer.formats.contains(&DataFormat::Afp) {
        for file in ticket
            .print_files
            .iter()
            .filter(|f| f.format == DataFormat::Afp)
        {
            check_afp_resources(&file.path, profile, &mut findings)?;
        }
    }
    if ticket.plex == Plex::Duplex && !profile.printer.duplex {
        findings.add(blocking(
            "duplex-missing",
            format!("the job is duplex; {centre} prints simplex only"),
        ));
    }
    if !profile.printer.sheet_sizes.contains(&ticket.paper.size) {
        findings.add(blocking(
            "paper-missing",
            format!("{centre} has no {:?} paper in stock", ticket.paper.size),
        ));
    }

    let mut pages_checked = 0;
    let readable: Vec<_> = ticket
        .print_files
        .iter()
        .filter(|f| match f.format {
            DataFormat::Pdf | DataFormat::LineData => true,
            // An AFP job is planned from its page groups; its pages' content
            // is not interpreted.
            DataFormat::Afp => matches!(ticket.documents, Delimiting::AfpPageGroups { .. }),
        })
        .collect();
    if readable.len() == 1 {
        // Line data is laid out (into a temporary PDF) as redirect would.
        let scratch = std::env::temp_dir().join(format!("tandem-check-{}", ticket.id));
        match crate::redirect::open_job_input(ticket, &scratch) {
            Ok(job) => {
                let plan = JobPlan::new(&job.pieces, ticket.plex, u64::MAX)?;
                let source: &dyn PageSource = match &job.data {
                    PrintData::Pdf(input) => input,
                    PrintData::Afp(afp) => afp.as_ref(),
                };
                pages_checked = check_pages(ticket, profile, source, &plan, &mut findings)?;
                check_plan(ticket, profile, &job.pieces, &mut findings);
            }
            // An AFP file that cannot be cut into its page groups is a
            // reason the job cannot move, not a failure of the check.
            Err(e @ CoreError::AfpEdit { .. }) => {
                findings.add(blocking("afp-page-groups", e.to_string()));
            }
            Err(e) => return Err(e),
        }
    } else if readable.len() > 1 {
        findings.add(blocking(
            "print-files",
            format!(
                "the job has {} print files; redirect takes exactly one",
                readable.len()
            ),
        ));
    }

    let Findings { counts, mut list } = findings;
    list.sort_by(|a, b| (a.severity, a.page, a.code).cmp(&(b.severity, b.page, b.code)));
    Ok(CheckReport {
        job_id: ticket.id.clone(),
        target_centre: centre.clone(),
        pages_checked,
        listed_per_reason: LISTED_PER_REASON,
        counts,
        findings: list,
    })
}

/// What the page-level checks read of a page (1-based number).
trait PageSource {
    /// Width and height in mm, if known.
    fn size_mm(&self, page: u64) -> Result<Option<(f64, f64)>, CoreError>;
    /// What the page prints where.
    fn ink(&self, page: u64) -> Result<Vec<InkArea>, CoreError>;
}

fn page_index(page: u64) -> usize {
    usize::try_from(page.saturating_sub(1)).unwrap_or(usize::MAX)
}

impl PageSource for PdfInput {
    fn size_mm(&self, page: u64) -> Result<Option<(f64, f64)>, CoreError> {
        let (width, height) = self.page_size(page_index(page))?;
        Ok(Some((
            f64::from(width) / tandem_pdf::POINTS_PER_MM,
            f64::from(height) / tandem_pdf::POINTS_PER_MM,
        )))
    }

    fn ink(&self, page: u64) -> Result<Vec<InkArea>, CoreError> {
        Ok(PdfInput::ink(self, page_index(page))?)
    }
}

/// AFP pages: sizes from their PGD; rules and where text runs start (text
/// extents need font metrics: a run that only runs into a zone is not
/// found).
impl PageSource for AfpJob {
    fn size_mm(&self, page: u64) -> Result<Option<(f64, f64)>, CoreError> {
        Ok(self.page_size_mm(page))
    }

    fn ink(&self, page: u64) -> Result<Vec<InkArea>, CoreError> {
        Ok(self
            .page_ink(page)?
            .into_iter()
            .map(|m| InkArea {
                x: m.x,
                y: m.y,
                width: m.width,
                height: m.height,
                kind: match m.kind {
                    tandem_afp::InkKind::TextStart => InkKind::Text,
                    tandem_afp::InkKind::Rule => InkKind::Path,
                },
                colour: false,
            })
            .collect())
    }
}

/// The finding for a page of `width` × `height` mm that fits none of the
/// partner's sheets (either way round), if it does not.
fn page_size_finding(
    profile: &CentreProfile,
    page: u64,
    piece_id: &str,
    (width, height): (f64, f64),
) -> Option<Finding> {
    let fits = profile.printer.sheet_sizes.iter().any(|size| {
        let (w, h) = size.dimensions();
        ((width - w).abs() < 1.0 && (height - h).abs() < 1.0)
            || ((width - h).abs() < 1.0 && (height - w).abs() < 1.0)
    });
    (!fits).then(|| Finding {
        page: Some(page),
        piece_id: Some(piece_id.to_owned()),
        ..blocking(
            "page-size",
            format!(
                "page is {width:.0} × {height:.0} mm; {} has no such sheets",
                profile.centre.id
            ),
        )
    })
}

/// AFP resources: every resource the file refers to must be inline or in
/// the partner's library, and an inline resource must not differ from the
/// partner's copy of the same name (the classic backup-site failure).
fn check_afp_resources(
    path: &std::path::Path,
    profile: &CentreProfile,
    findings: &mut Findings,
) -> Result<(), CoreError> {
    let centre = &profile.centre.id;
    let report = crate::afp::afp_resources(path, profile.afp_resources.as_deref())?;
    for resource in &report.missing {
        findings.add(blocking(
            "afp-resource-missing",
            format!(
                "{}: {resource} is neither in the print file nor in {centre}'s resource library",
                path.display()
            ),
        ));
    }
    for name in &report.differing {
        findings.add(blocking(
            "afp-resource-differs",
            format!(
                "{}: inline resource {name} differs from {centre}'s copy of the same name",
                path.display()
            ),
        ));
    }
    Ok(())
}

fn for_piece(piece_id: &str, finding: Finding) -> Finding {
    // The planner's messages start with the piece; the finding names it already.
    let prefix = format!("piece {piece_id}: ");
    let message = finding.message.strip_prefix(&prefix).map(str::to_owned);
    Finding {
        piece_id: Some(piece_id.to_owned()),
        message: message.unwrap_or(finding.message),
        ..finding
    }
}

/// Reasons from planning the job at the partner: envelope and window,
/// sheets per set, inserts and feeders, product and postage, presort.
fn check_plan(
    ticket: &JobTicket,
    profile: &CentreProfile,
    pieces: &[tandem_ticket::MailPiece],
    findings: &mut Findings,
) {
    let centre = &profile.centre.id;
    let plan = match ProductionPlan::new(
        &JobSpec::from_ticket(ticket),
        pieces,
        &profile.target_centre(),
    ) {
        Ok(plan) => plan,
        Err(error) => {
            let (code, piece) = match &error {
                PlanError::AddressOutsideWindow { piece_id, .. } => {
                    ("address-window", Some(piece_id))
                }
                PlanError::EnvelopeWithoutWindow { piece_id, .. } => {
                    ("address-window", Some(piece_id))
                }
                PlanError::NoEnvelopeFits { piece_id, .. } => ("no-envelope", Some(piece_id)),
                PlanError::NoPostalProduct { piece_id, .. } => {
                    ("no-postal-product", Some(piece_id))
                }
                _ => ("plan", None),
            };
            let finding = blocking(code, error.to_string());
            findings.add(match piece {
                Some(piece_id) => for_piece(piece_id, finding),
                None => finding,
            });
            return;
        }
    };
    if let Some((piece_id, why)) = crate::redirect::unreachable_feeders(profile, &plan) {
        findings.add(for_piece(&piece_id, blocking("feeders-unreachable", why)));
    }
    for manual in &plan.manual {
        let code = match manual.reason {
            tandem_plan::ManualReason::TooManySheets { .. } => "too-many-sheets",
            tandem_plan::ManualReason::Insert { .. } => "insert-missing",
        };
        findings.add(for_piece(
            &manual.piece_id,
            blocking(code, manual.to_string()),
        ));
    }
    for split in &plan.splits {
        findings.add(Finding {
            severity: Severity::AutoFix,
            fix: Some(format!(
                "split over {} envelopes, each after the first with an address carrier",
                split.envelopes
            )),
            ..for_piece(
                &split.piece_id,
                blocking("too-many-sheets", split.to_string()),
            )
        });
    }
    for printed in &plan.printed_inserts {
        findings.add(Finding {
            severity: Severity::AutoFix,
            fix: Some("printed on an extra sheet from the ticket's insert artwork".into()),
            ..for_piece(
                &printed.piece_id,
                blocking("insert-missing", printed.to_string()),
            )
        });
    }
    if let Some(wanted) = ticket.postal_product {
        for set in plan.sets.iter().filter(|s| s.product != wanted) {
            findings.add(Finding {
                severity: Severity::AutoFix,
                fix: Some(format!(
                    "franked as {:?} at {} cents under {centre}'s contract {}",
                    set.product, set.postage_cents, profile.postage.franking_contract
                )),
                ..for_piece(
                    &set.piece_id,
                    blocking(
                        "postal-product",
                        format!(
                            "ticket asks for {wanted:?}; at {centre} the piece weighs {:.1} g in {} ({:.1} mm) and is a {:?}",
                            set.weight_g, set.envelope, set.thickness_mm, set.product
                        ),
                    ),
                )
            });
        }
    }
    for posting in &plan.postings {
        if posting.whole.pieces > 0 && !posting.whole.reaches_minimum {
            let class = match posting.class {
                PostingClass::Letters => "Standard/Kompakt",
                PostingClass::Large => "Groß/Maxi",
            };
            findings.add(Finding {
                severity: Severity::Notice,
                ..blocking(
                    "presort-thresholds",
                    format!(
                        "{} {class} pieces, {} in Leitregions of at least {}: below the {} per posting for the presort discount",
                        posting.whole.pieces,
                        posting.whole.pieces_in_qualifying_leitregions,
                        posting.leitregion_minimum,
                        posting.posting_minimum
                    ),
                )
            });
        }
    }
}

/// Page-level reasons: size, colour, and print inside the partner's mark
/// zones on either side of each sheet.
fn check_pages(
    ticket: &JobTicket,
    profile: &CentreProfile,
    input: &dyn PageSource,
    plan: &JobPlan,
    findings: &mut Findings,
) -> Result<u64, CoreError> {
    let centre = &profile.centre.id;
    let white_out = ticket.origin_mark_zone.map(|z| MarkRect {
        x: z.x,
        y: z.y,
        width: z.width,
        height: z.height,
    });
    let omr_zone = profile.omr_clear_zone();
    let mut checked = 0;
    for (index, piece) in plan.pieces.iter().enumerate() {
        for sheet in plan.sheets(index) {
            let control = SheetControl::new(
                &ticket.id,
                &piece.piece_id,
                sheet.sequence,
                sheet.sheet,
                sheet.sheets,
            );
            let mut front_zones: Vec<(&str, MarkRect)> =
                omr_zone.iter().map(|z| ("OMR code", *z)).collect();
            if let Some(code) = &profile.marks.data_matrix {
                let symbol =
                    code.encode(&code.payload(&control))
                        .map_err(|source| CoreError::Mark {
                            piece_id: piece.piece_id.clone(),
                            sheet: sheet.sheet,
                            source,
                        })?;
                front_zones.push(("DataMatrix", code.zone(&symbol)));
            }
            if let Some(code) = &profile.marks.barcode {
                let zone =
                    code.zone(&code.payload(&control))
                        .map_err(|source| CoreError::Mark {
                            piece_id: piece.piece_id.clone(),
                            sheet: sheet.sheet,
                            source,
                        })?;
                front_zones.push(("barcode", zone));
            }
            let back = match sheet.back {
                SheetBack::Page(page) => Some(page),
                SheetBack::Unprinted | SheetBack::Blank => None,
            };
            for (page, is_front) in
                std::iter::once((sheet.front, true)).chain(back.map(|p| (p, false)))
            {
                checked += 1;
                let Some((width, height)) = input.size_mm(page)? else {
                    continue;
                };
                if let Some(finding) =
                    page_size_finding(profile, page, &piece.piece_id, (width, height))
                {
                    findings.add(finding);
                }
                let ink = input.ink(page)?;
                if !profile.printer.colour && ink.iter().any(|a| a.colour) {
                    findings.add(Finding {
                        page: Some(page),
                        piece_id: Some(piece.piece_id.clone()),
                        ..blocking(
                            "colour-missing",
                            format!("page prints in colour; {centre} prints black only"),
                        )
                    });
                }
                let zones: Vec<(&str, MarkRect)> = if is_front {
                    front_zones.clone()
                } else {
                    // Nothing may be printed behind the code on the reverse.
                    front_zones
                        .iter()
                        .map(|(name, z)| (*name, mirrored(z, width)))
                        .collect()
                };
                for (name, zone) in &zones {
                    for area in &ink {
                        let Some(overlap) = intersection(&mark_rect(area), zone) else {
                            continue;
                        };
                        let side = if is_front { "front" } else { "back" };
                        let fixed = is_front && white_out.is_some_and(|w| w.contains(&overlap));
                        findings.add(Finding {
                            code: if is_front { "mark-zone-content" } else { "mark-zone-content-back" },
                            severity: if fixed { Severity::AutoFix } else { Severity::Blocking },
                            piece_id: Some(piece.piece_id.clone()),
                            page: Some(page),
                            message: format!(
                                "{side} page prints {:?} at x {:.1}–{:.1} mm, y {:.1}–{:.1} mm inside {centre}'s {name} zone",
                                area.kind,
                                overlap.x,
                                overlap.right(),
                                overlap.y,
                                overlap.bottom()
                            ),
                            fix: fixed.then(|| "covered by the white-out of the origin's mark zone".to_owned()),
                        });
                        break;
                    }
                }
            }
        }
    }
    Ok(checked)
}

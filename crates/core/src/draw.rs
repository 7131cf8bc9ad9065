//! Page content streams: the imported page, the white-out of the origin's
//! mark zone, and the partner's marks, all in PDF user space (points, y up).

use std::io::Write;

use tandem_marks::{MarkError, MarkRect, SheetControl};
use tandem_pdf::POINTS_PER_MM;
use tandem_profile::CentreProfile;

/// Name under which a page's imported source form is drawn.
pub(crate) const FORM_NAME: &[u8] = b"P";

/// Every dark rectangle the partner's inserter expects on the front of this
/// sheet: OMR bars, then DataMatrix modules.
pub fn sheet_marks(
    profile: &CentreProfile,
    sheet: &SheetControl<'_>,
) -> Result<Vec<MarkRect>, MarkError> {
    let mut rects = Vec::new();
    if let Some(omr) = &profile.marks.omr {
        rects.extend(omr.bars(sheet));
    }
    if let Some(code) = &profile.marks.data_matrix {
        let symbol = code.encode(&code.payload(sheet))?;
        rects.extend(code.rects(&symbol));
    }
    Ok(rects)
}

/// Builds the content stream of one output page into `out`.
///
/// `form`: draw the imported source page first. `white_out`: cover this
/// zone in white. `marks`: then fill these rectangles in black.
pub(crate) fn page_content(
    out: &mut Vec<u8>,
    page_height_pt: f32,
    form: bool,
    white_out: Option<&MarkRect>,
    marks: &[MarkRect],
) {
    out.clear();
    if form {
        out.extend_from_slice(b"q /P Do Q\n");
    }
    if let Some(zone) = white_out {
        out.extend_from_slice(b"1 g\n");
        rect(out, page_height_pt, zone);
        out.extend_from_slice(b"f\n");
    }
    if !marks.is_empty() {
        out.extend_from_slice(b"0 g\n");
        for mark in marks {
            rect(out, page_height_pt, mark);
        }
        out.extend_from_slice(b"f\n");
    }
}

/// Appends `x y w h re` for a rectangle given in mm from the top-left corner.
fn rect(out: &mut Vec<u8>, page_height_pt: f32, r: &MarkRect) {
    let k = POINTS_PER_MM;
    let x = r.x * k;
    let y = f64::from(page_height_pt) - (r.y + r.height) * k;
    // Writing into a Vec cannot fail.
    let _ = writeln!(
        out,
        "{:.3} {:.3} {:.3} {:.3} re",
        x,
        y,
        r.width * k,
        r.height * k
    );
}

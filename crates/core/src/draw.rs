//! Page content streams: the imported page, the white-out of the origin's
//! mark zone, and the partner's marks, all in PDF user space (points, y up).

use std::io::Write;

use tandem_marks::{DataMatrixSymbol, MarkError, MarkRect, SheetControl};
use tandem_pdf::POINTS_PER_MM;
use tandem_profile::CentreProfile;

/// Name under which a page's imported source form is drawn.
pub(crate) const FORM_NAME: &[u8] = b"P";

/// The marks the partner's inserter expects on the front of one sheet.
#[derive(Clone, Debug, Default)]
pub struct SheetMarks {
    /// OMR bars and 1D barcode bars, in mm from the top-left corner.
    pub bars: Vec<MarkRect>,
    /// The DataMatrix symbol and where it goes (top-left corner and module
    /// size in mm).
    pub data_matrix: Option<(DataMatrixSymbol, MarkRect)>,
    /// The DataMatrix payload (what AFP output hands the printer to encode).
    pub data_matrix_text: Option<String>,
}

/// Encodes the partner's marks for one sheet.
pub fn sheet_marks(
    profile: &CentreProfile,
    sheet: &SheetControl<'_>,
) -> Result<SheetMarks, MarkError> {
    let mut marks = SheetMarks::default();
    if let Some(omr) = &profile.marks.omr {
        marks.bars = omr.bars(sheet);
    }
    if let Some(code) = &profile.marks.barcode {
        marks.bars.extend(code.draw(sheet)?);
    }
    if let Some(code) = &profile.marks.data_matrix {
        let payload = code.payload(sheet);
        let symbol = code.encode(&payload)?;
        let area = code.area(&symbol);
        marks.data_matrix = Some((symbol, area));
        marks.data_matrix_text = Some(payload);
    }
    Ok(marks)
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
    marks: Option<&SheetMarks>,
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
    let Some(marks) = marks else { return };
    out.extend_from_slice(b"0 g\n");
    if !marks.bars.is_empty() {
        for bar in &marks.bars {
            rect(out, page_height_pt, bar);
        }
        out.extend_from_slice(b"f\n");
    }
    if let Some((symbol, area)) = &marks.data_matrix {
        data_matrix(out, page_height_pt, symbol, area);
    }
}

/// Draws the symbol as an inline 1-bit image mask scaled to `area`: about
/// 100 bytes per sheet where one rectangle per module run takes several
/// kilobytes, and a RIP renders it with hard module edges.
fn data_matrix(out: &mut Vec<u8>, page_height_pt: f32, symbol: &DataMatrixSymbol, area: &MarkRect) {
    let k = POINTS_PER_MM;
    out.extend_from_slice(b"q ");
    number(out, area.width * k);
    out.extend_from_slice(b" 0 0 ");
    number(out, area.height * k);
    out.push(b' ');
    number(out, area.x * k);
    out.push(b' ');
    number(out, f64::from(page_height_pt) - (area.y + area.height) * k);
    // Image rows run top to bottom; with the default /Decode [0 1] of an
    // image mask a 0 sample is painted, so dark modules are 0 bits.
    let _ = write!(
        out,
        " cm\nBI /W {} /H {} /IM true /BPC 1 ID ",
        symbol.width, symbol.height
    );
    for row in symbol.modules.chunks_exact(symbol.width) {
        for byte in row.chunks(8) {
            let bits =
                byte.iter().enumerate().fold(
                    0xFFu8,
                    |acc, (i, &dark)| if dark { acc & !(0x80 >> i) } else { acc },
                );
            out.push(bits);
        }
    }
    out.extend_from_slice(b"\nEI Q\n");
}

/// The front of an address-carrier sheet: only the address field of the
/// piece's first page (drawn clipped), so the envelope's window shows the
/// recipient, plus the partner's marks.
pub(crate) fn address_carrier_content(
    out: &mut Vec<u8>,
    page_height_pt: f32,
    field: &tandem_ticket::Rect,
    marks: &SheetMarks,
) {
    out.clear();
    out.extend_from_slice(b"q ");
    let field = MarkRect {
        x: field.x,
        y: field.y,
        width: field.width,
        height: field.height,
    };
    rect(out, page_height_pt, &field);
    out.extend_from_slice(b"W n /P Do Q\n");
    let mut rest = Vec::new();
    page_content(&mut rest, page_height_pt, false, None, Some(marks));
    out.extend_from_slice(&rest);
}

/// Appends `x y w h re` for a rectangle given in mm from the top-left corner.
fn rect(out: &mut Vec<u8>, page_height_pt: f32, r: &MarkRect) {
    let k = POINTS_PER_MM;
    let y = f64::from(page_height_pt) - (r.y + r.height) * k;
    for value in [r.x * k, y, r.width * k, r.height * k] {
        number(out, value);
        out.push(b' ');
    }
    out.extend_from_slice(b"re\n");
}

/// Writes a number with three decimals (1/1000 pt, far below any printer's
/// resolution) using integer formatting, which is several times faster
/// than exact float formatting on a path run for every mark of every sheet.
fn number(out: &mut Vec<u8>, value: f64) {
    let thousandths = (value * 1000.0).round() as i64;
    if thousandths < 0 {
        out.push(b'-');
    }
    let abs = thousandths.unsigned_abs();
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{}.{:03}", abs / 1000, abs % 1000);
}

//! One type for whatever code a partner's inserter reads: OMR, a 1D barcode
//! or a DataMatrix.

use serde::{Deserialize, Serialize};

use crate::SheetControl;
use crate::{DataMatrixMark, DataMatrixSymbol, LinearBarcode, MarkError, MarkRect, OmrScheme};

/// One piece of mark geometry to print on a sheet, in mm from the page's
/// top-left corner.
#[derive(Clone, Debug, PartialEq)]
pub enum MarkGeometry {
    /// A rectangle filled in black: an OMR bar or a 1D barcode bar.
    Rect(MarkRect),
    /// A DataMatrix symbol scaled to `area` (the symbol without its quiet
    /// zone): module (column `c`, row `r`) covers
    /// `area.x + c * module .. + module`, `area.y + r * module .. + module`.
    /// A PDF writer draws it as a 1-bit image mask.
    DataMatrix {
        /// The encoded modules.
        symbol: DataMatrixSymbol,
        /// Where the symbol goes.
        area: MarkRect,
    },
}

impl MarkGeometry {
    /// The rectangle the geometry covers.
    pub fn bounds(&self) -> MarkRect {
        match self {
            MarkGeometry::Rect(rect) => *rect,
            MarkGeometry::DataMatrix { area, .. } => *area,
        }
    }
}

/// The code a centre's inserters read, as configured in a profile.
///
/// Serialised with a `kind` tag: `omr` (an [`OmrScheme`]), `barcode`
/// (a [`LinearBarcode`]) or `data-matrix` (a [`DataMatrixMark`]), the other
/// keys being those of the inner type:
///
/// ```
/// use tandem_marks::{InserterCode, SheetControl};
///
/// let code: InserterCode = toml::from_str(r#"
///     kind = "barcode"
///     symbology = "code-39"
///     x_mm = 20.0
///     y_mm = 280.0
///     narrow_mm = 0.33
///     height_mm = 8.0
///     template = "{job}.{sheet}"
/// "#)?;
/// code.validate()?;
/// let marks = code.draw(&SheetControl::new("JOB123.1", "P1", 5, 2, 3))?;
/// assert!(marks.iter().all(|m| code.zone(&SheetControl::new("JOB123.1", "P1", 5, 2, 3)).unwrap().contains(&m.bounds())));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InserterCode {
    /// OMR bars.
    Omr(OmrScheme),
    /// A 1D barcode.
    Barcode(LinearBarcode),
    /// A DataMatrix ECC200 code.
    DataMatrix(DataMatrixMark),
}

impl InserterCode {
    /// Validates the inner configuration, including the OMR family limits.
    pub fn validate(&self) -> Result<(), MarkError> {
        match self {
            InserterCode::Omr(scheme) => scheme.validate(),
            InserterCode::Barcode(barcode) => barcode.validate(),
            InserterCode::DataMatrix(mark) => mark.validate(),
        }
    }

    /// The area the code occupies on this sheet including quiet or clear
    /// zones: the OMR scheme's [`clear_zone`](OmrScheme::clear_zone) (all
    /// tracks plus the family's clear zone, the same for every sheet), the
    /// barcode's or DataMatrix's symbol with its quiet zone (which depends on
    /// the payload). Fails if the payload cannot be encoded.
    pub fn zone(&self, sheet: &SheetControl<'_>) -> Result<MarkRect, MarkError> {
        match self {
            InserterCode::Omr(scheme) => Ok(scheme.clear_zone()),
            InserterCode::Barcode(barcode) => barcode.zone(&barcode.payload(sheet)),
            InserterCode::DataMatrix(mark) => Ok(mark.zone(&mark.encode(&mark.payload(sheet))?)),
        }
    }

    /// The marks to print for one sheet.
    ///
    /// OMR: one [`MarkGeometry::Rect`] per bar, after
    /// [`OmrScheme::check_sheet`] (a feeder or divert without a track is an
    /// error). Barcode: one rectangle per bar. DataMatrix: one
    /// [`MarkGeometry::DataMatrix`].
    pub fn draw(&self, sheet: &SheetControl<'_>) -> Result<Vec<MarkGeometry>, MarkError> {
        Ok(match self {
            InserterCode::Omr(scheme) => scheme
                .draw(sheet)?
                .into_iter()
                .map(MarkGeometry::Rect)
                .collect(),
            InserterCode::Barcode(barcode) => barcode
                .draw(sheet)?
                .into_iter()
                .map(MarkGeometry::Rect)
                .collect(),
            InserterCode::DataMatrix(mark) => {
                let symbol = mark.encode(&mark.payload(sheet))?;
                let area = mark.area(&symbol);
                vec![MarkGeometry::DataMatrix { symbol, area }]
            }
        })
    }
}

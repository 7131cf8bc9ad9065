//! DataMatrix ECC200 codes carrying job, piece and sheet identification.

use datamatrix::{DataMatrix, DataMatrixBuilder, EncodationType, SymbolList};
use serde::{Deserialize, Serialize};

use crate::geometry::check_number;
use crate::{MarkError, MarkRect, SheetControl, template};

/// Light margin kept around the symbol, in modules, as reported by
/// [`DataMatrixMark::zone`]. ECC200 requires one module; two tolerate print and
/// cutting drift.
pub const QUIET_ZONE_MODULES: usize = 2;

/// The template used when the configuration does not name one.
pub const DEFAULT_TEMPLATE: &str = "{job}|{piece}|{sheet}/{sheets}";

fn default_template() -> String {
    DEFAULT_TEMPLATE.to_owned()
}

/// Placement and content of a DataMatrix code on a sheet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataMatrixMark {
    /// Left edge of the symbol (without quiet zone), mm from the left page edge.
    pub x_mm: f64,
    /// Top edge of the symbol (without quiet zone), mm from the top page edge.
    pub y_mm: f64,
    /// Edge length of one module (e.g. 0.5).
    pub module_mm: f64,
    /// Payload template with placeholders `{job}`, `{piece}`, `{sheet}`,
    /// `{sheets}`, `{set_size}`, `{sequence}`, `{feeders}` (two upper-case hex
    /// digits) and `{divert}` (`1`/`0`); `{{` and `}}` stand for literal
    /// braces (see the [`template`] module). Defaults to
    /// [`DEFAULT_TEMPLATE`].
    #[serde(default = "default_template")]
    pub template: String,
}

/// An encoded square ECC200 symbol, finder and timing patterns included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataMatrixSymbol {
    /// Modules per row.
    pub width: usize,
    /// Modules per column.
    pub height: usize,
    /// Row-major, `true` = dark.
    pub modules: Vec<bool>,
}

impl DataMatrixSymbol {
    /// Whether the module in column `x`, row `y` is dark.
    ///
    /// # Panics
    ///
    /// Panics if the position lies outside the symbol.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        assert!(
            x < self.width && y < self.height,
            "module ({x}, {y}) outside symbol"
        );
        self.modules[y * self.width + x]
    }
}

impl DataMatrixMark {
    /// Checks placement and template.
    ///
    /// `module_mm` must be positive, and `x_mm`/`y_mm` leave room for the quiet
    /// zone on the page. The template must be non-empty and use only known
    /// placeholders.
    pub fn validate(&self) -> Result<(), MarkError> {
        check_number("module_mm", self.module_mm, 0.0, true)?;
        let quiet_mm = QUIET_ZONE_MODULES as f64 * self.module_mm;
        check_number("x_mm", self.x_mm, quiet_mm, false)?;
        check_number("y_mm", self.y_mm, quiet_mm, false)?;
        template::check(&self.template)
    }

    /// The template filled in for one sheet.
    ///
    /// Malformed parts of the template (see [`validate`](Self::validate)) are
    /// copied verbatim.
    pub fn payload(&self, sheet: &SheetControl<'_>) -> String {
        template::fill(&self.template, sheet)
    }

    /// Encodes `payload` into the smallest square ECC200 symbol that holds it.
    ///
    /// Latin-1 text is encoded as is; other text gets a UTF-8 ECI prefix, which
    /// not every reader honours.
    pub fn encode(&self, payload: &str) -> Result<DataMatrixSymbol, MarkError> {
        let square = SymbolList::default().enforce_square();
        // Payloads are ids and numbers: plain ASCII encodation (digit pairs
        // packed) makes symbols as small as the optimising planner does for
        // them, at a fraction of the cost, which matters at one code per sheet.
        let encoded = if payload.is_ascii() {
            DataMatrixBuilder::new()
                .with_encodation_types(EncodationType::Ascii)
                .with_symbol_list(square)
                .encode(payload.as_bytes())
        } else {
            DataMatrix::encode_str(payload, square)
        };
        let code = encoded.map_err(|e| {
            MarkError::DataMatrix(format!(
                "payload of {} bytes does not fit a square symbol: {e:?}",
                payload.len()
            ))
        })?;
        let bitmap = code.bitmap();
        let (width, height) = (bitmap.width(), bitmap.height());
        let mut modules = vec![false; width * height];
        for (x, y) in bitmap.pixels() {
            modules[y * width + x] = true;
        }
        Ok(DataMatrixSymbol {
            width,
            height,
            modules,
        })
    }

    /// Dark modules as rectangles placed at (`x_mm`, `y_mm`).
    ///
    /// Horizontally adjacent dark modules of a row are merged into one rectangle,
    /// which keeps the PDF content stream short.
    pub fn rects(&self, symbol: &DataMatrixSymbol) -> Vec<MarkRect> {
        let m = self.module_mm;
        let mut rects = Vec::new();
        for (row, cells) in symbol.modules.chunks_exact(symbol.width).enumerate() {
            let mut col = 0;
            while col < cells.len() {
                if !cells[col] {
                    col += 1;
                    continue;
                }
                let run = cells[col..].iter().take_while(|&&dark| dark).count();
                rects.push(MarkRect {
                    x: self.x_mm + col as f64 * m,
                    y: self.y_mm + row as f64 * m,
                    width: run as f64 * m,
                    height: m,
                });
                col += run;
            }
        }
        rects
    }

    /// Where the symbol itself is drawn: its top-left corner at
    /// (`x_mm`, `y_mm`), one `module_mm` per module.
    pub fn area(&self, symbol: &DataMatrixSymbol) -> MarkRect {
        MarkRect {
            x: self.x_mm,
            y: self.y_mm,
            width: symbol.width as f64 * self.module_mm,
            height: symbol.height as f64 * self.module_mm,
        }
    }

    /// The area the symbol occupies including its quiet zone of
    /// [`QUIET_ZONE_MODULES`] modules on every side; nothing else may be
    /// printed there.
    pub fn zone(&self, symbol: &DataMatrixSymbol) -> MarkRect {
        let quiet = QUIET_ZONE_MODULES as f64 * self.module_mm;
        MarkRect {
            x: self.x_mm - quiet,
            y: self.y_mm - quiet,
            width: symbol.width as f64 * self.module_mm + 2.0 * quiet,
            height: symbol.height as f64 * self.module_mm + 2.0 * quiet,
        }
    }
}

//! 1D barcodes for inserters: Code 39, Interleaved 2 of 5 and Code 128.
//!
//! The encoders are written from the symbology definitions (ISO/IEC 16388,
//! 16390 and 15417). A symbol is a row of vertical bars ("picket fence"
//! relative to the page), left to right, with a quiet zone of
//! [`QUIET_ZONE_NARROW`] narrow modules on both sides.

use serde::{Deserialize, Serialize};

use crate::geometry::check_number;
use crate::{MarkError, MarkRect, SheetControl, template};

/// Quiet zone left and right of a 1D symbol, in narrow modules (the minimum
/// of all three symbologies).
pub const QUIET_ZONE_NARROW: f64 = 10.0;

/// Narrowest accepted module, in mm: 7.5 mil, the smallest X-dimension
/// commonly specified for office-grade printing of Code 39 (a rule of thumb,
/// not a limit of any one inserter).
pub const MIN_NARROW_MM: f64 = 0.19;

/// Lowest accepted bar height, in mm: the recommended minimum for Code 39
/// of ISO/IEC 16388 (which also recommends 15 % of the symbol width, not
/// enforced here because it depends on the payload).
pub const MIN_HEIGHT_MM: f64 = 5.0;

/// The template used when the configuration does not name one: the mail
/// piece id, what file-based ("closed loop") inserting prints.
pub const DEFAULT_LINEAR_TEMPLATE: &str = "{piece}";

fn default_linear_template() -> String {
    DEFAULT_LINEAR_TEMPLATE.to_owned()
}

fn default_wide_ratio() -> f64 {
    2.5
}

/// A 1D barcode symbology.
///
/// Configuration names: `code-39`, `interleaved-2-of-5` (alias `itf`),
/// `code-128`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Symbology {
    /// Code 39: digits, upper-case letters, space and `- . $ / + %`; start and
    /// stop `*`; no check character unless [`LinearBarcode::check_digit`].
    #[serde(rename = "code-39", alias = "code39")]
    Code39,
    /// Interleaved 2 of 5: digits only, in pairs. A payload of odd length
    /// (check digit included) gets a leading `0`, so the symbol carries, and
    /// a reader returns, `0` followed by the payload.
    #[serde(rename = "interleaved-2-of-5", alias = "itf", alias = "i2of5")]
    Interleaved2Of5,
    /// Code 128: printable ASCII (32–126) in code set B, with runs of digits
    /// packed in pairs in code set C; the mandatory modulo-103 check character.
    #[serde(rename = "code-128", alias = "code128")]
    Code128,
}

impl Symbology {
    /// The symbology's name for messages, e.g. `Code 39`.
    pub fn name(self) -> &'static str {
        match self {
            Symbology::Code39 => "Code 39",
            Symbology::Interleaved2Of5 => "Interleaved 2 of 5",
            Symbology::Code128 => "Code 128",
        }
    }

    /// Whether `c` can be encoded.
    pub fn allows(self, c: char) -> bool {
        match self {
            Symbology::Code39 => CODE39_ALPHABET.contains(c),
            Symbology::Interleaved2Of5 => c.is_ascii_digit(),
            Symbology::Code128 => (' '..='~').contains(&c),
        }
    }

    /// Whether the wide-to-narrow ratio matters (two-width symbologies).
    fn has_wide_ratio(self) -> bool {
        matches!(self, Symbology::Code39 | Symbology::Interleaved2Of5)
    }
}

/// Placement and content of a 1D barcode on a sheet, in mm from the page's
/// top-left corner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearBarcode {
    /// The symbology.
    pub symbology: Symbology,
    /// Left edge of the first bar (the quiet zone lies to the left of it),
    /// mm from the left page edge.
    pub x_mm: f64,
    /// Top edge of the bars, mm from the top page edge.
    pub y_mm: f64,
    /// Width of a narrow bar or space (Code 39, Interleaved 2 of 5) or of
    /// one module (Code 128): the X-dimension.
    pub narrow_mm: f64,
    /// Wide-to-narrow ratio for Code 39 and Interleaved 2 of 5, 2.0–3.0
    /// (at least 2.2 when `narrow_mm` is below 0.5); ignored for Code 128.
    /// Defaults to 2.5.
    #[serde(default = "default_wide_ratio")]
    pub wide_ratio: f64,
    /// Height of the bars.
    pub height_mm: f64,
    /// Append a check character: modulo 43 for Code 39, modulo 10 (weights
    /// 3, 1 from the right) for Interleaved 2 of 5. Code 128 always has its
    /// modulo-103 check character and ignores this. Defaults to `false`.
    #[serde(default)]
    pub check_digit: bool,
    /// Payload template, with the placeholders of the
    /// [`template`] module. Defaults to
    /// [`DEFAULT_LINEAR_TEMPLATE`].
    #[serde(default = "default_linear_template")]
    pub template: String,
}

impl LinearBarcode {
    /// Checks sizes, placement and template.
    ///
    /// `narrow_mm` at least [`MIN_NARROW_MM`]; for Code 39 and Interleaved
    /// 2 of 5 `wide_ratio` within 2.0–3.0 and at least 2.2 when `narrow_mm`
    /// is below 0.5 mm (ISO/IEC 16388 and 16390); `height_mm` at least
    /// [`MIN_HEIGHT_MM`]; `x_mm` leaves room for the [`QUIET_ZONE_NARROW`]
    /// quiet zone on the page and `y_mm` is not negative. The template must
    /// be valid and its literal text encodable in the symbology (placeholders
    /// are checked per sheet by [`encode`](Self::encode)). Errors name the
    /// field and the limit.
    pub fn validate(&self) -> Result<(), MarkError> {
        check_number("narrow_mm", self.narrow_mm, MIN_NARROW_MM, false)?;
        if self.symbology.has_wide_ratio() {
            let min = if self.narrow_mm < 0.5 { 2.2 } else { 2.0 };
            if !(min..=3.0).contains(&self.wide_ratio) {
                return Err(MarkError::InvalidGeometry {
                    field: "wide_ratio",
                    reason: format!(
                        "{} needs {min}–3.0 with narrow_mm {}, got {}",
                        self.symbology.name(),
                        self.narrow_mm,
                        self.wide_ratio
                    ),
                });
            }
        }
        check_number("height_mm", self.height_mm, MIN_HEIGHT_MM, false)?;
        let quiet_mm = QUIET_ZONE_NARROW * self.narrow_mm;
        check_number("x_mm", self.x_mm, quiet_mm, false).map_err(|_| {
            MarkError::InvalidGeometry {
                field: "x_mm",
                reason: format!(
                    "the quiet zone of {QUIET_ZONE_NARROW} x narrow_mm = {quiet_mm} mm must lie on the page, got {}",
                    self.x_mm
                ),
            }
        })?;
        check_number("y_mm", self.y_mm, 0.0, false)?;
        template::check(&self.template)?;
        if let Some(c) = template::literals(&self.template)
            .chars()
            .find(|&c| !self.symbology.allows(c))
        {
            return Err(MarkError::Template {
                template: self.template.clone(),
                reason: format!("{c:?} cannot be encoded in {}", self.symbology.name()),
            });
        }
        Ok(())
    }

    /// The template filled in for one sheet.
    pub fn payload(&self, sheet: &SheetControl<'_>) -> String {
        template::fill(&self.template, sheet)
    }

    /// The text the symbol carries for `payload`, which is what a reader
    /// returns: the payload plus the check character if
    /// [`check_digit`](Self::check_digit) is set (Code 39, Interleaved 2 of 5),
    /// and for Interleaved 2 of 5 a leading `0` if needed for an even length.
    /// Code 128's check character is not part of the text.
    pub fn text(&self, payload: &str) -> Result<String, MarkError> {
        self.check_payload(payload)?;
        Ok(match self.symbology {
            Symbology::Code39 if self.check_digit => {
                let sum: usize = payload.chars().map(code39_value).sum();
                let check = CODE39_ALPHABET.as_bytes()[sum % 43] as char;
                format!("{payload}{check}")
            }
            Symbology::Interleaved2Of5 => {
                let mut digits = payload.to_owned();
                if self.check_digit {
                    digits.push(char::from(b'0' + mod10_check(payload)));
                }
                if digits.len() % 2 == 1 {
                    digits.insert(0, '0');
                }
                digits
            }
            Symbology::Code39 | Symbology::Code128 => payload.to_owned(),
        })
    }

    /// The bars of the symbol for `payload`, left to right, as vertical
    /// rectangles from `x_mm`, `y_mm`.
    ///
    /// Fails with [`MarkError::Payload`], naming the payload, if it is empty
    /// or has a character the symbology cannot encode (e.g. `.` in
    /// Interleaved 2 of 5).
    pub fn encode(&self, payload: &str) -> Result<Vec<MarkRect>, MarkError> {
        let elements = self.elements(payload)?;
        let mut bars = Vec::with_capacity(elements.len() / 2 + 1);
        let mut x = self.x_mm;
        for (i, &width) in elements.iter().enumerate() {
            let width_mm = width * self.narrow_mm;
            if i % 2 == 0 {
                bars.push(MarkRect {
                    x,
                    y: self.y_mm,
                    width: width_mm,
                    height: self.height_mm,
                });
            }
            x += width_mm;
        }
        Ok(bars)
    }

    /// [`payload`](Self::payload), then [`encode`](Self::encode).
    pub fn draw(&self, sheet: &SheetControl<'_>) -> Result<Vec<MarkRect>, MarkError> {
        self.encode(&self.payload(sheet))
    }

    /// Width of the symbol for `payload` from the first bar's left edge to
    /// the last bar's right edge, without quiet zones.
    pub fn width_mm(&self, payload: &str) -> Result<f64, MarkError> {
        Ok(self.elements(payload)?.iter().sum::<f64>() * self.narrow_mm)
    }

    /// The area the symbol for `payload` occupies including its quiet zones
    /// of [`QUIET_ZONE_NARROW`] narrow modules left and right; nothing else
    /// may be printed there.
    pub fn zone(&self, payload: &str) -> Result<MarkRect, MarkError> {
        let quiet = QUIET_ZONE_NARROW * self.narrow_mm;
        Ok(MarkRect {
            x: self.x_mm - quiet,
            y: self.y_mm,
            width: self.width_mm(payload)? + 2.0 * quiet,
            height: self.height_mm,
        })
    }

    fn check_payload(&self, payload: &str) -> Result<(), MarkError> {
        let error = |reason: String| MarkError::Payload {
            payload: payload.to_owned(),
            symbology: self.symbology.name(),
            reason,
        };
        if payload.is_empty() {
            return Err(error("the payload is empty".into()));
        }
        if let Some(c) = payload.chars().find(|&c| !self.symbology.allows(c)) {
            let allowed = match self.symbology {
                Symbology::Code39 => "digits, A-Z, space and - . $ / + %",
                Symbology::Interleaved2Of5 => "digits only",
                Symbology::Code128 => "printable ASCII",
            };
            return Err(error(format!("{c:?} is not encodable ({allowed})")));
        }
        Ok(())
    }

    /// Bar and space widths in narrow modules, alternating, starting and
    /// ending with a bar.
    fn elements(&self, payload: &str) -> Result<Vec<f64>, MarkError> {
        let text = self.text(payload)?;
        let wide = self.wide_ratio;
        let width = |is_wide: bool| if is_wide { wide } else { 1.0 };
        let mut out = Vec::new();
        match self.symbology {
            Symbology::Code39 => {
                let chars = std::iter::once(CODE39_START_STOP)
                    .chain(text.chars().map(|c| CODE39_PATTERNS[code39_value(c)]))
                    .chain(std::iter::once(CODE39_START_STOP));
                for (i, pattern) in chars.enumerate() {
                    if i > 0 {
                        out.push(1.0); // inter-character gap: one narrow space
                    }
                    out.extend((0..9).rev().map(|bit| width(pattern >> bit & 1 == 1)));
                }
            }
            Symbology::Interleaved2Of5 => {
                out.extend([1.0; 4]); // start: narrow bar, space, bar, space
                let digits = text.as_bytes();
                for pair in digits.chunks_exact(2) {
                    let bars = ITF_PATTERNS[usize::from(pair[0] - b'0')].as_bytes();
                    let spaces = ITF_PATTERNS[usize::from(pair[1] - b'0')].as_bytes();
                    for (&b, &s) in bars.iter().zip(spaces) {
                        out.push(width(b == b'w'));
                        out.push(width(s == b'w'));
                    }
                }
                out.extend([wide, 1.0, 1.0]); // stop: wide bar, narrow space, narrow bar
            }
            Symbology::Code128 => {
                for value in code128_codewords(&text)? {
                    let pattern = CODE128_PATTERNS[usize::from(value)];
                    out.extend(pattern.bytes().map(|b| f64::from(b - b'0')));
                }
            }
        }
        Ok(out)
    }
}

/// The Code 128 symbol characters for `payload`: start character, data,
/// modulo-103 check character and stop (106), as symbol values 0–106.
///
/// Code set B (value = ASCII − 32) is the default; a run of digits switches
/// to code set C (two digits per value) when that makes the symbol shorter or
/// no longer: at least 4 digits at the start or end of the payload, at least
/// 6 in the middle. An odd run keeps its first digit in code set B. The check
/// character is (start value + Σ position × value) mod 103, positions
/// counted from 1 after the start character.
pub fn code128_codewords(payload: &str) -> Result<Vec<u8>, MarkError> {
    const START_B: u8 = 104;
    const START_C: u8 = 105;
    const CODE_B: u8 = 100;
    const CODE_C: u8 = 99;
    const STOP: u8 = 106;
    let bytes = payload.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(|b| (b' '..=b'~').contains(b)) {
        return Err(MarkError::Payload {
            payload: payload.to_owned(),
            symbology: Symbology::Code128.name(),
            reason: "needs one or more printable ASCII characters".into(),
        });
    }
    #[derive(PartialEq)]
    enum Set {
        B,
        C,
    }
    let mut values = Vec::with_capacity(bytes.len() + 4);
    let mut set: Option<Set> = None;
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if set == Some(Set::C) {
            if run >= 2 {
                values.push((bytes[i] - b'0') * 10 + (bytes[i + 1] - b'0'));
                i += 2;
            } else {
                values.push(CODE_B);
                set = Some(Set::B);
            }
            continue;
        }
        let threshold = if i == 0 || i + run == bytes.len() {
            4
        } else {
            6
        };
        if run >= threshold {
            if run % 2 == 1 {
                if set.is_none() {
                    values.push(START_B);
                }
                values.push(bytes[i] - b' ');
                i += 1;
            }
            values.push(if set.is_none() && i == 0 {
                START_C
            } else {
                CODE_C
            });
            set = Some(Set::C);
            continue;
        }
        if set.is_none() {
            values.push(START_B);
            set = Some(Set::B);
        }
        values.push(bytes[i] - b' ');
        i += 1;
    }
    let sum: u64 = values
        .iter()
        .enumerate()
        .map(|(position, &v)| position.max(1) as u64 * u64::from(v))
        .sum();
    values.push((sum % 103) as u8);
    values.push(STOP);
    Ok(values)
}

/// Modulo-10 check digit of Interleaved 2 of 5: weights 3 and 1 alternating
/// from the rightmost digit (weight 3), check = (10 − sum mod 10) mod 10.
fn mod10_check(digits: &str) -> u8 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(d - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Code 39 characters in value order (the value is the modulo-43 weight).
const CODE39_ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";

fn code39_value(c: char) -> usize {
    CODE39_ALPHABET.find(c).unwrap_or(0)
}

/// Code 39 patterns in [`CODE39_ALPHABET`] order: 9 elements (bar, space,
/// bar, … bar), most significant bit first, 1 = wide. Each has 3 wide
/// elements.
const CODE39_PATTERNS: [u16; 43] = [
    0x034, 0x121, 0x061, 0x160, 0x031, 0x130, 0x070, 0x025, 0x124, 0x064, // 0-9
    0x109, 0x049, 0x148, 0x019, 0x118, 0x058, 0x00D, 0x10C, 0x04C, 0x01C, // A-J
    0x103, 0x043, 0x142, 0x013, 0x112, 0x052, 0x007, 0x106, 0x046, 0x016, // K-T
    0x181, 0x0C1, 0x1C0, 0x091, 0x190, 0x0D0, 0x085, 0x184, 0x0C4, // U-Z - . space
    0x0A8, 0x0A2, 0x08A, 0x02A, // $ / + %
];

/// The Code 39 start/stop character `*`: n w n n w n w n n.
const CODE39_START_STOP: u16 = 0x094;

/// Interleaved 2 of 5 digit patterns: 5 elements, `w` = wide, 2 wide each.
const ITF_PATTERNS: [&str; 10] = [
    "nnwwn", "wnnnw", "nwnnw", "wwnnn", "nnwnw", "wnwnn", "nwwnn", "nnnww", "wnnwn", "nwnwn",
];

/// Code 128 symbol patterns by value: widths of bar, space, bar, space, bar,
/// space in modules (11 modules); the stop pattern (106) adds the final
/// 2-module bar (13 modules).
const CODE128_PATTERNS: [&str; 107] = [
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212",
    "221213", "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221",
    "223211", "221132", "221231", "213212", "223112", "312131", "311222", "321122", "321221",
    "312212", "322112", "322211", "212123", "212321", "232121", "111323", "131123", "131321",
    "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331", "132131",
    "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131",
    "311123", "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111", "111242",
    "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_tables_are_well_formed() {
        for (i, p) in CODE39_PATTERNS
            .iter()
            .chain([&CODE39_START_STOP])
            .enumerate()
        {
            assert_eq!(p.count_ones(), 3, "Code 39 pattern {i}");
            assert!(*p < 1 << 9);
        }
        let mut seen = std::collections::HashSet::new();
        assert!(CODE39_PATTERNS.iter().all(|p| seen.insert(*p)));
        for p in ITF_PATTERNS {
            assert_eq!(p.matches('w').count(), 2, "{p}");
        }
        for (value, p) in CODE128_PATTERNS.iter().enumerate() {
            let sum: u32 = p.bytes().map(|b| u32::from(b - b'0')).sum();
            let bars: u32 = p.bytes().step_by(2).map(|b| u32::from(b - b'0')).sum();
            assert_eq!(sum, if value == 106 { 13 } else { 11 }, "value {value}");
            assert_eq!(bars % 2, 0, "bar modules of value {value} must be even");
        }
        let mut seen = std::collections::HashSet::new();
        assert!(CODE128_PATTERNS.iter().all(|p| seen.insert(*p)));
    }

    #[test]
    fn mod10_examples() {
        // 1234567: from the right 7*3 + 6 + 5*3 + 4 + 3*3 + 2 + 1*3 = 60 -> 0.
        assert_eq!(mod10_check("1234567"), 0);
        // 12345: 5*3 + 4 + 3*3 + 2 + 1*3 = 33 -> 7.
        assert_eq!(mod10_check("12345"), 7);
    }
}

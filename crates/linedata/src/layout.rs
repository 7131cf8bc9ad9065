//! The page layout description (the role of a page definition), in TOML.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::LineDataError;

/// Millimetres to PDF points.
pub(crate) const MM: f32 = 72.0 / 25.4;

/// One of the 14 standard PDF fonts' Courier faces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FontFace {
    /// Courier.
    Courier,
    /// Courier-Bold.
    CourierBold,
    /// Courier-Oblique.
    CourierOblique,
    /// Courier-BoldOblique.
    CourierBoldOblique,
}

impl FontFace {
    /// The PDF base font name.
    pub fn base_font(self) -> &'static str {
        match self {
            FontFace::Courier => "Courier",
            FontFace::CourierBold => "Courier-Bold",
            FontFace::CourierOblique => "Courier-Oblique",
            FontFace::CourierBoldOblique => "Courier-BoldOblique",
        }
    }
}

/// A font a table reference character can select.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontSpec {
    /// The Courier face.
    #[serde(default = "default_face")]
    pub face: FontFace,
    /// Size in points.
    pub size_pt: f32,
}

fn default_face() -> FontFace {
    FontFace::Courier
}

/// Page size, margins, line grid, channel map and fonts of a listing.
///
/// In TOML (all keys but `channels` and `fonts` optional, defaults shown):
///
/// ```toml
/// page_width_mm = 210.0
/// page_height_mm = 297.0
/// margin_top_mm = 10.0
/// margin_left_mm = 15.0
/// lines_per_page = 66
/// line_spacing_pt = 12.0
/// # column_pitch_pt = 6.0   # default: 0.6 × the first font's size
/// [channels]                # channel → line (1-based)
/// 1 = 1
/// 12 = 60
/// [[fonts]]                 # TRC 0, 1, ...; the first is the default
/// face = "courier"
/// size_pt = 10.0
/// ```
///
/// Lines are numbered from 1 at the top; line *n*'s baseline lies
/// `margin_top + (n − 0.2) × line_spacing` below the top edge, and column *c*
/// starts `margin_left + (c − 1) × column_pitch` from the left edge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageLayout {
    /// Page width in millimetres.
    #[serde(default = "d_width")]
    pub page_width_mm: f32,
    /// Page height in millimetres.
    #[serde(default = "d_height")]
    pub page_height_mm: f32,
    /// Distance from the top edge to the top of line 1, millimetres.
    #[serde(default = "d_top")]
    pub margin_top_mm: f32,
    /// Distance from the left edge to column 1, millimetres.
    #[serde(default = "d_left")]
    pub margin_left_mm: f32,
    /// Lines on a page; spacing past the last line starts a new page at line 1.
    #[serde(default = "d_lpp")]
    pub lines_per_page: u32,
    /// Baseline-to-baseline distance in points.
    #[serde(default = "d_spacing")]
    pub line_spacing_pt: f32,
    /// Horizontal distance between columns in points; `None` = 0.6 × the
    /// first font's size (Courier's advance width).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column_pitch_pt: Option<f32>,
    /// Channel (1–12) → line number. A skip to a channel missing here is an error.
    #[serde(with = "channel_keys")]
    pub channels: BTreeMap<u8, u32>,
    /// Fonts selected by TRC 0, 1, ...; records without TRC use the first.
    pub fonts: Vec<FontSpec>,
}

fn d_width() -> f32 {
    210.0
}
fn d_height() -> f32 {
    297.0
}
fn d_top() -> f32 {
    10.0
}
fn d_left() -> f32 {
    15.0
}
fn d_lpp() -> u32 {
    66
}
fn d_spacing() -> f32 {
    12.0
}

impl Default for PageLayout {
    /// A4 portrait, 66 lines at 12 pt, channel 1 on line 1, Courier 10 pt.
    fn default() -> Self {
        PageLayout {
            page_width_mm: d_width(),
            page_height_mm: d_height(),
            margin_top_mm: d_top(),
            margin_left_mm: d_left(),
            lines_per_page: d_lpp(),
            line_spacing_pt: d_spacing(),
            column_pitch_pt: None,
            channels: BTreeMap::from([(1, 1)]),
            fonts: vec![FontSpec {
                face: FontFace::Courier,
                size_pt: 10.0,
            }],
        }
    }
}

/// Largest number of lines a page may have.
pub const MAX_LINES_PER_PAGE: u32 = 10_000;
/// Largest number of fonts (TRC values 0–126).
pub const MAX_FONTS: usize = 127;

impl PageLayout {
    /// Parses and validates a layout from TOML text.
    pub fn from_toml_str(text: &str) -> Result<Self, LineDataError> {
        let layout: PageLayout = toml::from_str(text).map_err(|e| LineDataError::Layout {
            key: e.span().map(|s| key_at(text, s.start)).unwrap_or_default(),
            message: e.message().to_string(),
        })?;
        layout.validate()?;
        Ok(layout)
    }

    /// Reads, parses and validates a layout file.
    pub fn from_file(path: &Path) -> Result<Self, LineDataError> {
        let text = std::fs::read_to_string(path).map_err(|source| LineDataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml_str(&text)
    }

    /// Checks that the layout is usable; the error names the offending key.
    pub fn validate(&self) -> Result<(), LineDataError> {
        let bad = |key: &str, message: String| {
            Err(LineDataError::Layout {
                key: key.to_string(),
                message,
            })
        };
        let positive = |v: f32| v.is_finite() && v > 0.0;
        let non_negative = |v: f32| v.is_finite() && v >= 0.0;
        if !positive(self.page_width_mm) || self.page_width_mm > 5000.0 {
            return bad(
                "page_width_mm",
                format!("{} is not a width between 0 and 5000", self.page_width_mm),
            );
        }
        if !positive(self.page_height_mm) || self.page_height_mm > 5000.0 {
            return bad(
                "page_height_mm",
                format!("{} is not a height between 0 and 5000", self.page_height_mm),
            );
        }
        if !non_negative(self.margin_top_mm) || self.margin_top_mm >= self.page_height_mm {
            return bad(
                "margin_top_mm",
                format!("{} is not inside the page", self.margin_top_mm),
            );
        }
        if !non_negative(self.margin_left_mm) || self.margin_left_mm >= self.page_width_mm {
            return bad(
                "margin_left_mm",
                format!("{} is not inside the page", self.margin_left_mm),
            );
        }
        if !positive(self.line_spacing_pt) {
            return bad(
                "line_spacing_pt",
                format!("{} is not positive", self.line_spacing_pt),
            );
        }
        if self.lines_per_page == 0 || self.lines_per_page > MAX_LINES_PER_PAGE {
            return bad(
                "lines_per_page",
                format!(
                    "{} is not between 1 and {MAX_LINES_PER_PAGE}",
                    self.lines_per_page
                ),
            );
        }
        let needed = self.margin_top_mm * MM + self.lines_per_page as f32 * self.line_spacing_pt;
        if needed > self.page_height_mm * MM + 0.01 {
            return bad(
                "lines_per_page",
                format!(
                    "{} lines of {} pt below a {} mm top margin need {:.1} mm, the page is {} mm high",
                    self.lines_per_page,
                    self.line_spacing_pt,
                    self.margin_top_mm,
                    needed / MM,
                    self.page_height_mm
                ),
            );
        }
        if let Some(p) = self.column_pitch_pt
            && !positive(p)
        {
            return bad("column_pitch_pt", format!("{p} is not positive"));
        }
        for (&channel, &line) in &self.channels {
            if !(1..=12).contains(&channel) {
                return bad(
                    &format!("channels.{channel}"),
                    "channels are numbered 1 to 12".into(),
                );
            }
            if line == 0 || line > self.lines_per_page {
                return bad(
                    &format!("channels.{channel}"),
                    format!(
                        "line {line} is not between 1 and lines_per_page ({})",
                        self.lines_per_page
                    ),
                );
            }
        }
        if self.fonts.is_empty() || self.fonts.len() > MAX_FONTS {
            return bad(
                "fonts",
                format!("{} fonts; give 1 to {MAX_FONTS}", self.fonts.len()),
            );
        }
        for (i, f) in self.fonts.iter().enumerate() {
            if !positive(f.size_pt) || f.size_pt > 1000.0 {
                return bad(
                    &format!("fonts[{i}].size_pt"),
                    format!("{} is not a size between 0 and 1000", f.size_pt),
                );
            }
        }
        Ok(())
    }

    /// The line a channel is mapped to, if any.
    pub fn channel_line(&self, channel: u8) -> Option<u32> {
        self.channels.get(&channel).copied()
    }

    /// Page width and height in points.
    pub fn page_size_pt(&self) -> (f32, f32) {
        (self.page_width_mm * MM, self.page_height_mm * MM)
    }

    /// Horizontal distance between columns in points.
    pub fn column_pitch(&self) -> f32 {
        self.column_pitch_pt
            .unwrap_or_else(|| 0.6 * self.fonts.first().map_or(10.0, |f| f.size_pt))
    }

    /// PDF position (x, y from the bottom-left corner, points) of the
    /// baseline start of `column` on `line`.
    pub fn position(&self, line: u32, column: u32) -> (f32, f32) {
        let (_, h) = self.page_size_pt();
        let x = self.margin_left_mm * MM + column.saturating_sub(1) as f32 * self.column_pitch();
        let y = h - self.margin_top_mm * MM - (line as f32 - 0.2) * self.line_spacing_pt;
        (x, y)
    }
}

/// The dotted key around byte `at` of a TOML text, for error messages: the
/// bare key at the start of that line, prefixed by the enclosing `[table]`.
fn key_at(text: &str, at: usize) -> String {
    let before = text.get(..at).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let key = line.split('=').next().unwrap_or("").trim().to_string();
    let table = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').to_string());
    match (table, key.starts_with('[')) {
        (_, true) => key.trim_matches(|c| c == '[' || c == ']').to_string(),
        (Some(t), false) if !key.is_empty() => format!("{t}.{key}"),
        (_, _) => key,
    }
}

/// Serde for the channel map: TOML keys are strings ("1" … "12").
mod channel_keys {
    use std::collections::BTreeMap;

    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        map: &BTreeMap<u8, u32>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(map.iter().map(|(k, v)| (k.to_string(), *v)))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<u8, u32>, D::Error> {
        let raw = BTreeMap::<String, u32>::deserialize(d)?;
        raw.into_iter()
            .map(|(k, v)| match k.parse::<u8>() {
                // Range checked by `validate`, which names the key.
                Ok(c) => Ok((c, v)),
                _ => Err(D::Error::custom(format!(
                    "channel `{k}` is not a number from 1 to 12"
                ))),
            })
            .collect()
    }
}

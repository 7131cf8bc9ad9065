//! OMR (optical mark recognition) control marks for inserting machines.
//!
//! An OMR code is a column of horizontal bars near the left edge of a sheet's
//! front page. The reading head samples fixed track positions; each track has a
//! function (see [`OmrFunction`]) and is either marked (bar printed) or not.

use serde::{Deserialize, Serialize};

use crate::geometry::check_number;
use crate::{MarkError, MarkRect, SheetControl};

/// 1/6 inch, the track pitch most OMR readers are built for.
const STANDARD_PITCH_MM: f64 = 25.4 / 6.0;

/// The meaning of one OMR track.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OmrFunction {
    /// Always marked; the reader synchronises on it. Must be the first track.
    Benchmark,
    /// Marked on the last sheet of a mail piece: the inserter closes the envelope.
    EndOfSet,
    /// Marked so that the number of marked tracks has the configured [`Parity`].
    Parity,
    /// Bit value 1 of the sheet sequence number modulo 8.
    #[serde(rename = "sequence-1")]
    Sequence1,
    /// Bit value 2 of the sheet sequence number modulo 8.
    #[serde(rename = "sequence-2")]
    Sequence2,
    /// Bit value 4 of the sheet sequence number modulo 8.
    #[serde(rename = "sequence-4")]
    Sequence4,
    /// Always marked, usually the last track, so a partly read code is detected.
    Safety,
}

impl OmrFunction {
    /// Weight of a sequence track in the 3-bit sequence number, `None` otherwise.
    fn sequence_weight(self) -> Option<u8> {
        match self {
            OmrFunction::Sequence1 => Some(1),
            OmrFunction::Sequence2 => Some(2),
            OmrFunction::Sequence4 => Some(4),
            _ => None,
        }
    }
}

/// Parity rule for the [`OmrFunction::Parity`] track.
///
/// The count it constrains includes every marked track: benchmark, safety and
/// the parity bar itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Parity {
    /// The number of marked tracks is even.
    #[default]
    Even,
    /// The number of marked tracks is odd.
    Odd,
}

impl Parity {
    fn holds_for(self, marked_count: usize) -> bool {
        match self {
            Parity::Even => marked_count.is_multiple_of(2),
            Parity::Odd => !marked_count.is_multiple_of(2),
        }
    }
}

/// Information recovered from a read OMR code by [`OmrScheme::decode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodedOmr {
    /// The end-of-set track is marked (always `false` if the scheme has none).
    pub end_of_set: bool,
    /// Sheet sequence number modulo 8, `None` if the scheme has no sequence tracks.
    pub sequence_mod8: Option<u8>,
    /// The marked-track count satisfies the parity rule (always `true` if the
    /// scheme has no parity track).
    pub parity_ok: bool,
}

/// Layout and meaning of an OMR code, in millimetres from the page's top-left corner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OmrScheme {
    /// Distance from the top edge of the page to the centre line of the first track.
    pub top_mm: f64,
    /// Distance from the left edge of the page to the left end of every bar.
    pub left_mm: f64,
    /// Distance between the centre lines of neighbouring tracks.
    pub pitch_mm: f64,
    /// Length of each bar (horizontal extent).
    pub bar_length_mm: f64,
    /// Thickness of each bar (vertical extent).
    pub bar_thickness_mm: f64,
    /// What each track means, top to bottom.
    pub tracks: Vec<OmrFunction>,
    /// Parity rule (only used when `tracks` contains [`OmrFunction::Parity`]).
    #[serde(default)]
    pub parity: Parity,
}

impl OmrScheme {
    /// A common software default: 1/6 inch (≈ 4.2333 mm) pitch, 0.5 mm thick bars
    /// 12 mm long, first track centre 20 mm from the top, bars 5 mm from the left
    /// edge; tracks benchmark, end-of-set, sequence-1, sequence-2, sequence-4,
    /// parity (even), safety.
    pub fn standard() -> Self {
        OmrScheme {
            top_mm: 20.0,
            left_mm: 5.0,
            pitch_mm: STANDARD_PITCH_MM,
            bar_length_mm: 12.0,
            bar_thickness_mm: 0.5,
            tracks: vec![
                OmrFunction::Benchmark,
                OmrFunction::EndOfSet,
                OmrFunction::Sequence1,
                OmrFunction::Sequence2,
                OmrFunction::Sequence4,
                OmrFunction::Parity,
                OmrFunction::Safety,
            ],
            parity: Parity::Even,
        }
    }

    /// Checks the scheme for sanity.
    ///
    /// All lengths must be finite; `top_mm` and `left_mm` non-negative, the others
    /// positive, and bars thinner than the pitch so neighbouring tracks stay apart.
    /// There must be at least one track, the first and only benchmark first, no
    /// function twice, and the three sequence tracks all or none. Geometry errors
    /// name the offending field.
    pub fn validate(&self) -> Result<(), MarkError> {
        check_number("top_mm", self.top_mm, 0.0, false)?;
        check_number("left_mm", self.left_mm, 0.0, false)?;
        check_number("pitch_mm", self.pitch_mm, 0.0, true)?;
        check_number("bar_length_mm", self.bar_length_mm, 0.0, true)?;
        check_number("bar_thickness_mm", self.bar_thickness_mm, 0.0, true)?;
        if self.bar_thickness_mm >= self.pitch_mm {
            return Err(MarkError::InvalidGeometry {
                field: "bar_thickness_mm",
                reason: format!(
                    "must be less than pitch_mm ({}), got {}",
                    self.pitch_mm, self.bar_thickness_mm
                ),
            });
        }

        match self.tracks.first() {
            None => {
                return Err(MarkError::InvalidTracks(
                    "at least one track is required".into(),
                ));
            }
            Some(OmrFunction::Benchmark) => {}
            Some(first) => {
                return Err(MarkError::InvalidTracks(format!(
                    "the first track must be the benchmark, got {first:?}"
                )));
            }
        }
        for (i, function) in self.tracks.iter().enumerate() {
            if self.tracks[..i].contains(function) {
                return Err(MarkError::InvalidTracks(format!(
                    "{function:?} appears more than once (again at track {})",
                    i + 1
                )));
            }
        }
        let sequence_tracks = self
            .tracks
            .iter()
            .filter(|f| f.sequence_weight().is_some())
            .count();
        if sequence_tracks != 0 && sequence_tracks != 3 {
            return Err(MarkError::InvalidTracks(format!(
                "sequence-1, sequence-2 and sequence-4 must be used together, found {sequence_tracks} of them"
            )));
        }
        Ok(())
    }

    /// One bool per track: is a bar printed there for this sheet.
    ///
    /// Assumes a scheme that passed [`validate`](Self::validate).
    pub fn encode(&self, sheet: &SheetControl<'_>) -> Vec<bool> {
        let sequence_mod8 = (sheet.sequence % 8) as u8;
        let mut marks: Vec<bool> = self
            .tracks
            .iter()
            .map(|function| match function {
                OmrFunction::Benchmark | OmrFunction::Safety => true,
                OmrFunction::EndOfSet => sheet.is_last_of_piece(),
                OmrFunction::Parity => false,
                other => other
                    .sequence_weight()
                    .is_some_and(|weight| sequence_mod8 & weight != 0),
            })
            .collect();
        if let Some(parity_track) = self.track_of(OmrFunction::Parity) {
            let others = marks.iter().filter(|&&m| m).count();
            marks[parity_track] = !self.parity.holds_for(others);
        }
        marks
    }

    /// The bars to print for this sheet, one per marked track, top to bottom.
    pub fn bars(&self, sheet: &SheetControl<'_>) -> Vec<MarkRect> {
        self.encode(sheet)
            .into_iter()
            .enumerate()
            .filter(|&(_, marked)| marked)
            .map(|(track, _)| self.track_rect(track))
            .collect()
    }

    /// Bounding box of all tracks, marked or not: the zone the scheme occupies.
    pub fn zone(&self) -> MarkRect {
        let last = self.tracks.len().saturating_sub(1);
        self.track_rect(0).union(&self.track_rect(last))
    }

    /// Inverse of [`encode`](Self::encode), for tests and reconciliation of
    /// scanned sheets.
    ///
    /// Fails if `marked` does not have one entry per track, or if the benchmark
    /// or safety track is not marked (the code was not read completely).
    pub fn decode(&self, marked: &[bool]) -> Result<DecodedOmr, MarkError> {
        if marked.len() != self.tracks.len() {
            return Err(MarkError::Decode(format!(
                "expected {} tracks, got {}",
                self.tracks.len(),
                marked.len()
            )));
        }
        let mut decoded = DecodedOmr {
            end_of_set: false,
            sequence_mod8: None,
            parity_ok: true,
        };
        for (track, (function, &is_marked)) in self.tracks.iter().zip(marked).enumerate() {
            match function {
                OmrFunction::Benchmark | OmrFunction::Safety if !is_marked => {
                    return Err(MarkError::Decode(format!(
                        "{function:?} track {} is not marked",
                        track + 1
                    )));
                }
                OmrFunction::EndOfSet => decoded.end_of_set = is_marked,
                OmrFunction::Parity => {
                    decoded.parity_ok =
                        self.parity.holds_for(marked.iter().filter(|&&m| m).count());
                }
                other => {
                    if let Some(weight) = other.sequence_weight() {
                        let bit = if is_marked { weight } else { 0 };
                        decoded.sequence_mod8 = Some(decoded.sequence_mod8.unwrap_or(0) | bit);
                    }
                }
            }
        }
        Ok(decoded)
    }

    fn track_of(&self, function: OmrFunction) -> Option<usize> {
        self.tracks.iter().position(|&f| f == function)
    }

    /// The bar rectangle of track `track` (0-based), centred on its centre line.
    fn track_rect(&self, track: usize) -> MarkRect {
        MarkRect {
            x: self.left_mm,
            y: self.top_mm + track as f64 * self.pitch_mm - self.bar_thickness_mm / 2.0,
            width: self.bar_length_mm,
            height: self.bar_thickness_mm,
        }
    }
}

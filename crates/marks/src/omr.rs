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
///
/// Names in configuration files are kebab-case (`end-of-set`,
/// `not-begin-of-set`, `selective-feed-3`, …). Quadient's names are accepted
/// as aliases: `start` for [`Benchmark`](Self::Benchmark) and `insert` for
/// [`EndOfSet`](Self::EndOfSet) (marked on the last sheet of the set).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OmrFunction {
    /// Always marked; the reader synchronises on it. Must be the first track.
    /// Quadient calls it *start*.
    #[serde(alias = "start")]
    Benchmark,
    /// Marked on the first sheet of a mail piece (begin of collation).
    BeginOfSet,
    /// Negative logic of [`BeginOfSet`](Self::BeginOfSet): marked on every
    /// sheet *except* the first of a mail piece (Pitney Bowes "Not BOC").
    NotBeginOfSet,
    /// Marked on the last sheet of a mail piece: the inserter closes the
    /// envelope. Quadient calls it *insert*.
    #[serde(alias = "insert")]
    EndOfSet,
    /// Negative logic of [`EndOfSet`](Self::EndOfSet): marked on every sheet
    /// *except* the last of a mail piece (Pitney Bowes "Not EOC").
    NotEndOfSet,
    /// Marked so that the number of marked tracks has the configured [`Parity`].
    Parity,
    /// Bit value 1 of the sheet sequence number modulo 8 (3-bit wrap-around
    /// sequence).
    #[serde(rename = "sequence-1")]
    Sequence1,
    /// Bit value 2 of the sheet sequence number modulo 8.
    #[serde(rename = "sequence-2")]
    Sequence2,
    /// Bit value 4 of the sheet sequence number modulo 8.
    #[serde(rename = "sequence-4")]
    Sequence4,
    /// Marked when selective feeder 1 is to fire (bit 0 of
    /// [`SheetControl::feeders`]).
    #[serde(rename = "selective-feed-1")]
    SelectiveFeed1,
    /// Marked when selective feeder 2 is to fire (bit 1).
    #[serde(rename = "selective-feed-2")]
    SelectiveFeed2,
    /// Marked when selective feeder 3 is to fire (bit 2).
    #[serde(rename = "selective-feed-3")]
    SelectiveFeed3,
    /// Marked when selective feeder 4 is to fire (bit 3).
    #[serde(rename = "selective-feed-4")]
    SelectiveFeed4,
    /// Marked when selective feeder 5 is to fire (bit 4).
    #[serde(rename = "selective-feed-5")]
    SelectiveFeed5,
    /// Marked when selective feeder 6 is to fire (bit 5).
    #[serde(rename = "selective-feed-6")]
    SelectiveFeed6,
    /// Marked when the set is to be diverted for manual handling
    /// ([`SheetControl::divert`]).
    Divert,
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

    /// The feeder number (1–6) of a selective-feed track, `None` otherwise.
    pub fn feeder(self) -> Option<u8> {
        match self {
            OmrFunction::SelectiveFeed1 => Some(1),
            OmrFunction::SelectiveFeed2 => Some(2),
            OmrFunction::SelectiveFeed3 => Some(3),
            OmrFunction::SelectiveFeed4 => Some(4),
            OmrFunction::SelectiveFeed5 => Some(5),
            OmrFunction::SelectiveFeed6 => Some(6),
            _ => None,
        }
    }

    /// Whether this track is marked for `sheet`; `None` for the parity track,
    /// which depends on the other tracks.
    fn marked_for(self, sheet: &SheetControl<'_>) -> Option<bool> {
        let sequence_mod8 = (sheet.sequence % 8) as u8;
        Some(match self {
            OmrFunction::Benchmark | OmrFunction::Safety => true,
            OmrFunction::BeginOfSet => sheet.is_first_of_piece(),
            OmrFunction::NotBeginOfSet => !sheet.is_first_of_piece(),
            OmrFunction::EndOfSet => sheet.is_last_of_piece(),
            OmrFunction::NotEndOfSet => !sheet.is_last_of_piece(),
            OmrFunction::Divert => sheet.divert,
            OmrFunction::Parity => return None,
            OmrFunction::Sequence1 | OmrFunction::Sequence2 | OmrFunction::Sequence4 => self
                .sequence_weight()
                .is_some_and(|weight| sequence_mod8 & weight != 0),
            OmrFunction::SelectiveFeed1
            | OmrFunction::SelectiveFeed2
            | OmrFunction::SelectiveFeed3
            | OmrFunction::SelectiveFeed4
            | OmrFunction::SelectiveFeed5
            | OmrFunction::SelectiveFeed6 => self.feeder().is_some_and(|n| sheet.fires_feeder(n)),
        })
    }
}

/// The inserter family an OMR scheme is written for; selects the limits
/// [`OmrScheme::validate`] applies on top of the generic sanity checks
/// (DOMAIN.md §3). Configuration names: `generic`, `pitney-bowes`,
/// `quadient`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OmrFamily {
    /// No vendor limits beyond sanity: positive sizes, bars thinner than
    /// the pitch, a consistent track list.
    #[default]
    Generic,
    /// Pitney Bowes D1600 style: bars 0.35–0.7 mm thick and at least 10 mm
    /// long, pitch at least 2.54 mm, at most 24 positions, the whole code at
    /// most 70 mm; clear zone 3 mm to the sides and 20 mm before and after
    /// the code, which must lie on the sheet.
    PitneyBowes,
    /// Quadient DS-95i style: bars at least 0.2 mm thick, pitch at least
    /// 2.54 mm (a rule of thumb: the smallest pitch of the readers in
    /// DOMAIN.md §3, not a published DS-95i number); the fixed order start
    /// (benchmark) / insert (end-of-set) / parity (even) / safety, then
    /// optionally divert and selective feed 1–6 in that order.
    Quadient,
}

/// Pitney Bowes D1600 limits (DOMAIN.md §3).
mod pitney_bowes {
    pub const MIN_THICKNESS_MM: f64 = 0.35;
    pub const MAX_THICKNESS_MM: f64 = 0.7;
    pub const MIN_LENGTH_MM: f64 = 10.0;
    pub const MIN_PITCH_MM: f64 = 2.54;
    pub const MAX_TRACKS: usize = 24;
    pub const MAX_CODE_MM: f64 = 70.0;
    pub const CLEAR_SIDE_MM: f64 = 3.0;
    pub const CLEAR_BEFORE_AFTER_MM: f64 = 20.0;
}

/// Quadient DS-95i limits (DOMAIN.md §3; the pitch floor is a rule of thumb).
mod quadient {
    use super::OmrFunction;

    pub const MIN_THICKNESS_MM: f64 = 0.2;
    pub const MIN_PITCH_MM: f64 = 2.54;
    /// The mandatory first four tracks.
    pub const FIXED: [OmrFunction; 4] = [
        OmrFunction::Benchmark,
        OmrFunction::EndOfSet,
        OmrFunction::Parity,
        OmrFunction::Safety,
    ];
    /// The optional tracks, in the only order allowed after [`FIXED`].
    pub const OPTIONAL: [OmrFunction; 7] = [
        OmrFunction::Divert,
        OmrFunction::SelectiveFeed1,
        OmrFunction::SelectiveFeed2,
        OmrFunction::SelectiveFeed3,
        OmrFunction::SelectiveFeed4,
        OmrFunction::SelectiveFeed5,
        OmrFunction::SelectiveFeed6,
    ];
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
#[non_exhaustive]
pub struct DecodedOmr {
    /// The sheet is the first of its set: the begin-of-set track is marked,
    /// or the not-begin-of-set track is not. Always `false` if the scheme has
    /// neither.
    pub begin_of_set: bool,
    /// The sheet is the last of its set: the end-of-set track is marked, or
    /// the not-end-of-set track is not. Always `false` if the scheme has
    /// neither.
    pub end_of_set: bool,
    /// Sheet sequence number modulo 8, `None` if the scheme has no sequence tracks.
    pub sequence_mod8: Option<u8>,
    /// Selective feeders whose tracks are marked, as in
    /// [`SheetControl::feeders`] (bit `n - 1` = feeder `n`).
    pub feeders: u8,
    /// The divert track is marked (always `false` if the scheme has none).
    pub divert: bool,
    /// The marked-track count satisfies the parity rule (always `true` if the
    /// scheme has no parity track).
    pub parity_ok: bool,
}

/// Layout and meaning of an OMR code, in millimetres from the page's top-left corner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OmrScheme {
    /// The inserter family whose limits [`validate`](Self::validate) applies;
    /// defaults to [`OmrFamily::Generic`].
    #[serde(default)]
    pub family: OmrFamily,
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

fn limit_error(field: &'static str, reason: String) -> MarkError {
    MarkError::InvalidGeometry { field, reason }
}

impl OmrScheme {
    /// A common software default: 1/6 inch (≈ 4.2333 mm) pitch, 0.5 mm thick bars
    /// 12 mm long, first track centre 20 mm from the top, bars 5 mm from the left
    /// edge; tracks benchmark, end-of-set, sequence-1, sequence-2, sequence-4,
    /// parity (even), safety. Family [`OmrFamily::Generic`].
    pub fn standard() -> Self {
        OmrScheme {
            family: OmrFamily::Generic,
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

    /// A Pitney Bowes style code within the D1600 limits, with the negative
    /// end-of-collation logic of the Relay series: 1/6 inch pitch, 0.5 mm bars
    /// 12 mm long, first track centre 30 mm from the top (the 20 mm clear zone
    /// before the code stays on the sheet), bars 6 mm from the left edge;
    /// tracks benchmark, not-end-of-set, sequence-1, sequence-2, sequence-4,
    /// selective-feed-1 to -3, parity (even), safety — 10 positions, a
    /// 38.6 mm code.
    pub fn pitney_bowes() -> Self {
        OmrScheme {
            family: OmrFamily::PitneyBowes,
            top_mm: 30.0,
            left_mm: 6.0,
            pitch_mm: STANDARD_PITCH_MM,
            bar_length_mm: 12.0,
            bar_thickness_mm: 0.5,
            tracks: vec![
                OmrFunction::Benchmark,
                OmrFunction::NotEndOfSet,
                OmrFunction::Sequence1,
                OmrFunction::Sequence2,
                OmrFunction::Sequence4,
                OmrFunction::SelectiveFeed1,
                OmrFunction::SelectiveFeed2,
                OmrFunction::SelectiveFeed3,
                OmrFunction::Parity,
                OmrFunction::Safety,
            ],
            parity: Parity::Even,
        }
    }

    /// A Quadient DS-95i style code: first mark 100 mm from the top (the
    /// machine's default), bars 6 mm from the left edge, 12 mm long and
    /// 0.5 mm thick, 1/6 inch pitch; tracks start, insert, parity (even),
    /// safety, divert, selective feed 1–6.
    pub fn quadient() -> Self {
        let mut tracks = quadient::FIXED.to_vec();
        tracks.extend(quadient::OPTIONAL);
        OmrScheme {
            family: OmrFamily::Quadient,
            top_mm: 100.0,
            left_mm: 6.0,
            pitch_mm: STANDARD_PITCH_MM,
            bar_length_mm: 12.0,
            bar_thickness_mm: 0.5,
            tracks,
            parity: Parity::Even,
        }
    }

    /// Checks the scheme for sanity and against its [`family`](Self::family)'s
    /// limits.
    ///
    /// Always: all lengths finite; `top_mm` and `left_mm` non-negative, the
    /// others positive, and bars thinner than the pitch so neighbouring tracks
    /// stay apart. At least one track, the first and only benchmark first, no
    /// function twice, a function and its negative-logic form not both, and
    /// the three sequence tracks all or none. Then the family limits (see
    /// [`OmrFamily`]). Geometry errors name the offending field and the limit;
    /// track errors say which rule the track list breaks.
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
        for (positive, negative) in [
            (OmrFunction::BeginOfSet, OmrFunction::NotBeginOfSet),
            (OmrFunction::EndOfSet, OmrFunction::NotEndOfSet),
        ] {
            if self.tracks.contains(&positive) && self.tracks.contains(&negative) {
                return Err(MarkError::InvalidTracks(format!(
                    "{positive:?} and {negative:?} carry the same information; use one of them"
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
        match self.family {
            OmrFamily::Generic => Ok(()),
            OmrFamily::PitneyBowes => self.validate_pitney_bowes(),
            OmrFamily::Quadient => self.validate_quadient(),
        }
    }

    fn validate_pitney_bowes(&self) -> Result<(), MarkError> {
        use pitney_bowes::*;
        const FAMILY: &str = "Pitney Bowes D1600 family";
        if !(MIN_THICKNESS_MM..=MAX_THICKNESS_MM).contains(&self.bar_thickness_mm) {
            return Err(limit_error(
                "bar_thickness_mm",
                format!(
                    "{FAMILY} limit is {MIN_THICKNESS_MM}–{MAX_THICKNESS_MM} mm, got {}",
                    self.bar_thickness_mm
                ),
            ));
        }
        if self.bar_length_mm < MIN_LENGTH_MM {
            return Err(limit_error(
                "bar_length_mm",
                format!(
                    "{FAMILY} limit is at least {MIN_LENGTH_MM} mm, got {}",
                    self.bar_length_mm
                ),
            ));
        }
        if self.pitch_mm < MIN_PITCH_MM {
            return Err(limit_error(
                "pitch_mm",
                format!(
                    "{FAMILY} limit is at least {MIN_PITCH_MM} mm, got {}",
                    self.pitch_mm
                ),
            ));
        }
        if self.tracks.len() > MAX_TRACKS {
            return Err(MarkError::InvalidTracks(format!(
                "{FAMILY} limit is at most {MAX_TRACKS} positions, got {}",
                self.tracks.len()
            )));
        }
        let code_mm = self.zone().height;
        if code_mm > MAX_CODE_MM {
            return Err(limit_error(
                "pitch_mm",
                format!(
                    "the whole code ((tracks - 1) x pitch_mm + bar_thickness_mm) is {code_mm:.2} mm; {FAMILY} limit is at most {MAX_CODE_MM} mm"
                ),
            ));
        }
        let clear = self.clear_zone();
        if clear.y < 0.0 {
            return Err(limit_error(
                "top_mm",
                format!(
                    "the {CLEAR_BEFORE_AFTER_MM} mm clear zone before the code must lie on the sheet ({FAMILY}): top_mm must be at least {}, got {}",
                    CLEAR_BEFORE_AFTER_MM + self.bar_thickness_mm / 2.0,
                    self.top_mm
                ),
            ));
        }
        if clear.x < 0.0 {
            return Err(limit_error(
                "left_mm",
                format!(
                    "the {CLEAR_SIDE_MM} mm clear zone beside the code must lie on the sheet ({FAMILY}): left_mm must be at least {CLEAR_SIDE_MM}, got {}",
                    self.left_mm
                ),
            ));
        }
        Ok(())
    }

    fn validate_quadient(&self) -> Result<(), MarkError> {
        use quadient::*;
        const FAMILY: &str = "Quadient DS-95i family";
        if self.bar_thickness_mm < MIN_THICKNESS_MM {
            return Err(limit_error(
                "bar_thickness_mm",
                format!(
                    "{FAMILY} limit is at least {MIN_THICKNESS_MM} mm, got {}",
                    self.bar_thickness_mm
                ),
            ));
        }
        if self.pitch_mm < MIN_PITCH_MM {
            return Err(limit_error(
                "pitch_mm",
                format!(
                    "{FAMILY} limit is at least {MIN_PITCH_MM} mm (rule of thumb), got {}",
                    self.pitch_mm
                ),
            ));
        }
        if self.parity != Parity::Even {
            return Err(limit_error(
                "parity",
                format!("{FAMILY} uses even parity, got {:?}", self.parity),
            ));
        }
        if !self.tracks.starts_with(&FIXED) {
            return Err(MarkError::InvalidTracks(format!(
                "{FAMILY} needs the fixed order start (benchmark), insert (end-of-set), parity, safety first, got {:?}",
                &self.tracks[..self.tracks.len().min(FIXED.len())]
            )));
        }
        let mut allowed = OPTIONAL.iter();
        for function in &self.tracks[FIXED.len()..] {
            if !allowed.any(|a| a == function) {
                return Err(MarkError::InvalidTracks(format!(
                    "{FAMILY} allows after safety only divert, selective-feed-1 .. selective-feed-6, in that order; {function:?} is out of place"
                )));
            }
        }
        Ok(())
    }

    /// One bool per track: is a bar printed there for this sheet.
    ///
    /// Assumes a scheme that passed [`validate`](Self::validate). Feeders and
    /// divert the scheme has no track for are silently not printed; use
    /// [`check_sheet`](Self::check_sheet) or [`draw`](Self::draw) to reject
    /// them.
    pub fn encode(&self, sheet: &SheetControl<'_>) -> Vec<bool> {
        let mut marks: Vec<bool> = self
            .tracks
            .iter()
            .map(|function| function.marked_for(sheet).unwrap_or(false))
            .collect();
        if let Some(parity_track) = self.track_of(OmrFunction::Parity) {
            let others = marks.iter().filter(|&&m| m).count();
            marks[parity_track] = !self.parity.holds_for(others);
        }
        marks
    }

    /// The bars to print for this sheet, one per marked track, top to bottom.
    ///
    /// Like [`encode`](Self::encode), does not check that the scheme can
    /// express the sheet's feeders and divert; [`draw`](Self::draw) does.
    pub fn bars(&self, sheet: &SheetControl<'_>) -> Vec<MarkRect> {
        self.encode(sheet)
            .into_iter()
            .enumerate()
            .filter(|&(_, marked)| marked)
            .map(|(track, _)| self.track_rect(track))
            .collect()
    }

    /// [`check_sheet`](Self::check_sheet), then [`bars`](Self::bars).
    pub fn draw(&self, sheet: &SheetControl<'_>) -> Result<Vec<MarkRect>, MarkError> {
        self.check_sheet(sheet)?;
        Ok(self.bars(sheet))
    }

    /// Fails if the sheet asks for a selective feeder or a divert the scheme
    /// has no track for: an inserter driven by this code alone would silently
    /// leave the insert out or not divert the set.
    pub fn check_sheet(&self, sheet: &SheetControl<'_>) -> Result<(), MarkError> {
        let missing = sheet.feeders & !self.supported_feeders();
        if missing != 0 {
            let names: Vec<String> = (1..=8u8)
                .filter(|n| missing & (1 << (n - 1)) != 0)
                .map(|n| n.to_string())
                .collect();
            return Err(MarkError::Unsupported(format!(
                "piece {} sheet {}: selective feeder {} requested, but the OMR scheme has no selective-feed track for it",
                sheet.piece_id,
                sheet.sheet,
                names.join(", ")
            )));
        }
        if sheet.divert && !self.tracks.contains(&OmrFunction::Divert) {
            return Err(MarkError::Unsupported(format!(
                "piece {} sheet {}: divert requested, but the OMR scheme has no divert track",
                sheet.piece_id, sheet.sheet
            )));
        }
        Ok(())
    }

    /// The feeders the scheme has selective-feed tracks for, as a bitmask
    /// like [`SheetControl::feeders`].
    pub fn supported_feeders(&self) -> u8 {
        self.tracks
            .iter()
            .filter_map(|f| f.feeder())
            .fold(0, |mask, n| mask | (1 << (n - 1)))
    }

    /// Bounding box of all tracks, marked or not: the zone the scheme occupies.
    pub fn zone(&self) -> MarkRect {
        let last = self.tracks.len().saturating_sub(1);
        self.track_rect(0).union(&self.track_rect(last))
    }

    /// The [`zone`](Self::zone) grown by the family's clear zone, in which
    /// nothing else may be printed: Pitney Bowes 3 mm to the sides and 20 mm
    /// before and after the code. The other families document no clear zone,
    /// so for them this is the zone itself.
    pub fn clear_zone(&self) -> MarkRect {
        let zone = self.zone();
        let (side, ends) = match self.family {
            OmrFamily::PitneyBowes => (
                pitney_bowes::CLEAR_SIDE_MM,
                pitney_bowes::CLEAR_BEFORE_AFTER_MM,
            ),
            OmrFamily::Generic | OmrFamily::Quadient => (0.0, 0.0),
        };
        MarkRect {
            x: zone.x - side,
            y: zone.y - ends,
            width: zone.width + 2.0 * side,
            height: zone.height + 2.0 * ends,
        }
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
            begin_of_set: false,
            end_of_set: false,
            sequence_mod8: None,
            feeders: 0,
            divert: false,
            parity_ok: true,
        };
        for (track, (&function, &is_marked)) in self.tracks.iter().zip(marked).enumerate() {
            match function {
                OmrFunction::Benchmark | OmrFunction::Safety => {
                    if !is_marked {
                        return Err(MarkError::Decode(format!(
                            "{function:?} track {} is not marked",
                            track + 1
                        )));
                    }
                }
                OmrFunction::BeginOfSet => decoded.begin_of_set = is_marked,
                OmrFunction::NotBeginOfSet => decoded.begin_of_set = !is_marked,
                OmrFunction::EndOfSet => decoded.end_of_set = is_marked,
                OmrFunction::NotEndOfSet => decoded.end_of_set = !is_marked,
                OmrFunction::Divert => decoded.divert = is_marked,
                OmrFunction::Parity => {
                    decoded.parity_ok =
                        self.parity.holds_for(marked.iter().filter(|&&m| m).count());
                }
                OmrFunction::Sequence1 | OmrFunction::Sequence2 | OmrFunction::Sequence4 => {
                    let weight = function.sequence_weight().unwrap_or(0);
                    let bit = if is_marked { weight } else { 0 };
                    decoded.sequence_mod8 = Some(decoded.sequence_mod8.unwrap_or(0) | bit);
                }
                OmrFunction::SelectiveFeed1
                | OmrFunction::SelectiveFeed2
                | OmrFunction::SelectiveFeed3
                | OmrFunction::SelectiveFeed4
                | OmrFunction::SelectiveFeed5
                | OmrFunction::SelectiveFeed6 => {
                    if let (Some(n), true) = (function.feeder(), is_marked) {
                        decoded.feeders |= 1 << (n - 1);
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

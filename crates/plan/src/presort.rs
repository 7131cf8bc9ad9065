//! Presort: PLZ order, Leitregion groups and the Teilleistung thresholds,
//! for the whole posting and for a split between two centres.

use std::collections::BTreeMap;

use serde::Serialize;
use tandem_ticket::PostalProduct;

use crate::stock::PostingRules;

/// The base product groups the thresholds count separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum PostingClass {
    /// Standardbrief and Kompaktbrief (5,000 per posting, 250 per Leitregion).
    Letters,
    /// Großbrief and Maxibrief (500 per posting, 100 per Leitregion).
    Large,
}

impl PostingClass {
    /// The class of a product.
    pub fn of(product: PostalProduct) -> Self {
        match product {
            PostalProduct::Standard | PostalProduct::Kompakt => PostingClass::Letters,
            PostalProduct::Gross | PostalProduct::Maxi => PostingClass::Large,
        }
    }

    fn minimums(self, rules: &PostingRules) -> (u32, u32) {
        match self {
            PostingClass::Letters => (rules.letters_per_posting, rules.letters_per_leitregion),
            PostingClass::Large => (rules.large_per_posting, rules.large_per_leitregion),
        }
    }
}

/// The Leitregion of a German postcode: its first two digits, or `None`
/// when the postcode is not five digits.
pub fn leitregion(plz: &str) -> Option<&str> {
    (plz.len() == 5 && plz.bytes().all(|b| b.is_ascii_digit())).then(|| &plz[..2])
}

/// Pieces of one posting class within one Leitregion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeitregionCount {
    /// The two-digit Leitregion.
    pub leitregion: String,
    /// Pieces addressed there.
    pub pieces: u64,
    /// Whether they reach the per-Leitregion minimum.
    pub reaches_minimum: bool,
}

/// How one posting (at one centre) fares against the thresholds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PostingPart {
    /// Pieces in the posting.
    pub pieces: u64,
    /// Whether the posting reaches the per-posting minimum.
    pub reaches_minimum: bool,
    /// Leitregionen that reach the per-Leitregion minimum.
    pub qualifying_leitregions: u32,
    /// Pieces in those Leitregionen.
    pub pieces_in_qualifying_leitregions: u64,
}

/// What splitting the posting between two centres does to the thresholds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SplitEffect {
    /// Share of the pieces the first centre takes, in percent.
    pub share_percent: u8,
    /// Split at one point of the PLZ order: the first centre takes the first
    /// `share` of the pieces, so Leitregionen stay whole but one.
    pub by_plz: [PostingPart; 2],
    /// Every Leitregion divided in the same ratio (first centre rounded down):
    /// the worst case for the per-Leitregion minimum.
    pub every_leitregion: [PostingPart; 2],
}

/// One posting class of a job against the Teilleistung thresholds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PostingReport {
    /// The class.
    pub class: PostingClass,
    /// Pieces needed per posting.
    pub posting_minimum: u32,
    /// Pieces needed per Leitregion.
    pub leitregion_minimum: u32,
    /// The job as one posting.
    pub whole: PostingPart,
    /// Pieces per Leitregion, in Leitregion order.
    pub leitregions: Vec<LeitregionCount>,
    /// Pieces without a five-digit postcode (abroad or unknown), counted in
    /// the posting but in no Leitregion.
    pub without_leitregion: u64,
    /// The same posting split between two centres.
    pub split: SplitEffect,
}

fn part(
    counts: &BTreeMap<&str, u64>,
    extra: u64,
    posting_min: u32,
    region_min: u32,
) -> PostingPart {
    let pieces = counts.values().sum::<u64>() + extra;
    let qualifying: Vec<u64> = counts
        .values()
        .copied()
        .filter(|&n| n > 0 && n >= u64::from(region_min))
        .collect();
    PostingPart {
        pieces,
        reaches_minimum: pieces > 0 && pieces >= u64::from(posting_min),
        qualifying_leitregions: u32::try_from(qualifying.len()).unwrap_or(u32::MAX),
        pieces_in_qualifying_leitregions: qualifying.iter().sum(),
    }
}

/// Reports each posting class present among `pieces` (postcode and product
/// of every envelope) against `rules`, with a split where the first centre
/// takes `share_percent` (clamped to 100) of the pieces.
pub fn posting_reports(
    pieces: &[(&str, PostalProduct)],
    rules: &PostingRules,
    share_percent: u8,
) -> Vec<PostingReport> {
    let share = u64::from(share_percent.min(100));
    let mut reports = Vec::new();
    for class in [PostingClass::Letters, PostingClass::Large] {
        let mut plzs: Vec<&str> = pieces
            .iter()
            .filter(|(_, p)| PostingClass::of(*p) == class)
            .map(|(plz, _)| *plz)
            .collect();
        if plzs.is_empty() {
            continue;
        }
        plzs.sort_unstable();
        let (posting_min, region_min) = class.minimums(rules);
        let mut regions: BTreeMap<&str, u64> = BTreeMap::new();
        let mut without = 0;
        for plz in &plzs {
            match leitregion(plz) {
                Some(r) => *regions.entry(r).or_default() += 1,
                None => without += 1,
            }
        }
        let whole = part(&regions, without, posting_min, region_min);

        // Split at one point of the PLZ order (pieces without a region last).
        let total = plzs.len() as u64;
        let first_n = total * share / 100;
        let mut ordered: Vec<Option<&str>> = plzs.iter().map(|p| leitregion(p)).collect();
        ordered.sort_by_key(|r| (r.is_none(), *r));
        let mut by_plz = [BTreeMap::new(), BTreeMap::new()];
        let mut by_plz_without = [0u64, 0];
        for (i, r) in ordered.iter().enumerate() {
            let side = usize::from(i as u64 >= first_n);
            match r {
                Some(r) => *by_plz[side].entry(*r).or_insert(0u64) += 1,
                None => by_plz_without[side] += 1,
            }
        }
        // Every Leitregion divided in the same ratio.
        let mut even = [BTreeMap::new(), BTreeMap::new()];
        for (r, &n) in &regions {
            let a = n * share / 100;
            even[0].insert(*r, a);
            even[1].insert(*r, n - a);
        }
        let w0 = without * share / 100;
        let split = SplitEffect {
            share_percent: share as u8,
            by_plz: [
                part(&by_plz[0], by_plz_without[0], posting_min, region_min),
                part(&by_plz[1], by_plz_without[1], posting_min, region_min),
            ],
            every_leitregion: [
                part(&even[0], w0, posting_min, region_min),
                part(&even[1], without - w0, posting_min, region_min),
            ],
        };
        reports.push(PostingReport {
            class,
            posting_minimum: posting_min,
            leitregion_minimum: region_min,
            whole,
            leitregions: regions
                .iter()
                .map(|(r, &n)| LeitregionCount {
                    leitregion: (*r).to_owned(),
                    pieces: n,
                    reaches_minimum: n >= u64::from(region_min),
                })
                .collect(),
            without_leitregion: without,
            split,
        });
    }
    reports
}

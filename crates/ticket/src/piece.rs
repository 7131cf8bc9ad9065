use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::TicketError;
use crate::ticket::validate_id;

/// One mail piece: everything that goes into one envelope for one recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailPiece {
    /// Unique id within the job; printed in the piece's codes.
    pub piece_id: String,
    /// Recipient's postcode (Postleitzahl); empty when unknown.
    pub plz: String,
    /// Recipient's country, ISO 3166-1 alpha-2.
    pub country: String,
    /// First page of the piece in the print data, 1-based.
    pub first_page: u64,
    /// Number of pages (not sheets) of the piece.
    pub page_count: u32,
    /// Inserts this piece gets in addition to the job's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inserts: Vec<String>,
}

impl MailPiece {
    /// Last page of the piece, 1-based and inclusive.
    pub fn last_page(&self) -> u64 {
        // Saturating: an index line may hold any number before validation.
        self.first_page
            .saturating_add(u64::from(self.page_count).saturating_sub(1))
    }
}

/// Divides `total_pages` into pieces of `pages_per_piece` pages, with ids
/// `JOB-000001`, ... Fails when the pages do not divide evenly, because the
/// last document would otherwise silently be cut short.
pub fn pieces_by_page_count(
    job_id: &str,
    total_pages: u64,
    pages_per_piece: u32,
) -> Result<Vec<MailPiece>, TicketError> {
    if pages_per_piece == 0 {
        return Err(TicketError::InvalidField {
            field: "documents.fixed_page_count".into(),
            reason: "must be at least 1".into(),
        });
    }
    let per = u64::from(pages_per_piece);
    if !total_pages.is_multiple_of(per) {
        let first = total_pages - total_pages % per + 1;
        return Err(TicketError::MissingPages {
            first,
            last: total_pages,
        });
    }
    Ok((0..total_pages / per)
        .map(|i| MailPiece {
            piece_id: format!("{job_id}-{:06}", i + 1),
            plz: String::new(),
            country: "DE".into(),
            first_page: i * per + 1,
            page_count: pages_per_piece,
            inserts: Vec::new(),
        })
        .collect())
}

/// Checks that the pieces cover pages `1..=total_pages` exactly once, in
/// order, with unique ids and plausible postcodes.
pub fn validate_pieces(pieces: &[MailPiece], total_pages: u64) -> Result<(), TicketError> {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(pieces.len());
    let mut next_page = 1u64;
    for (i, piece) in pieces.iter().enumerate() {
        validate_id(&format!("pieces[{}].piece_id", i + 1), &piece.piece_id)?;
        if let Some(first) = seen.insert(&piece.piece_id, i + 1) {
            return Err(TicketError::DuplicatePiece {
                piece_id: piece.piece_id.clone(),
                first,
                second: i + 1,
            });
        }
        if piece.page_count == 0 || piece.first_page == 0 {
            return Err(TicketError::InvalidField {
                field: format!("piece {}", piece.piece_id),
                reason: "first_page and page_count must be at least 1".into(),
            });
        }
        // An empty postcode is unknown (documents cut by page count), not wrong.
        if piece.country == "DE"
            && !piece.plz.is_empty()
            && !(piece.plz.len() == 5 && piece.plz.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(TicketError::InvalidField {
                field: format!("piece {} plz", piece.piece_id),
                reason: format!("{:?} is not a five-digit German postcode", piece.plz),
            });
        }
        if piece.last_page() > total_pages {
            return Err(TicketError::PastEnd {
                piece_id: piece.piece_id.clone(),
                first_page: piece.first_page,
                last_page: piece.last_page(),
                total_pages,
            });
        }
        if piece.first_page < next_page {
            let previous = &pieces[i - 1];
            return Err(TicketError::Overlap {
                piece_id: piece.piece_id.clone(),
                first_page: piece.first_page,
                previous: previous.piece_id.clone(),
                previous_last: previous.last_page(),
            });
        }
        if piece.first_page > next_page {
            return Err(TicketError::MissingPages {
                first: next_page,
                last: piece.first_page - 1,
            });
        }
        next_page = piece.last_page() + 1;
    }
    if next_page <= total_pages {
        return Err(TicketError::MissingPages {
            first: next_page,
            last: total_pages,
        });
    }
    Ok(())
}

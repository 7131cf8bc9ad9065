//! Integration tests for the job ticket, its index and its pieces.

use std::path::Path;

use proptest::prelude::*;
use tandem_ticket::{
    Delimiting, DocumentClass, JobTicket, MailPiece, Plex, TicketError, read_index, validate_pieces,
};

const TICKET: &str = r#"
id = "ST-2026-1107"
origin_centre = "akdb-muc"
document_class = "tax-notice"
deadline = "2026-12-01T18:00:00+01:00"
priority = 2
plex = "duplex"
paper = { size = "a4", grammage_gsm = 90 }
address_field = { x = 20, y = 45, width = 85, height = 45 }
origin_mark_zone = { x = 0, y = 50, width = 18, height = 120 }
inserts = ["info-leaflet"]
postal_product = "standard"

[[print_files]]
path = "letters.pdf"
sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

[documents]
index = "letters.csv"
"#;

#[test]
fn toml_ticket_reads_every_field() {
    let ticket = JobTicket::from_toml_str(TICKET).unwrap();
    assert_eq!(ticket.id, "ST-2026-1107");
    assert_eq!(ticket.document_class, DocumentClass::TaxNotice);
    assert_eq!(ticket.plex, Plex::Duplex);
    assert_eq!(ticket.paper.grammage_gsm, 90);
    assert_eq!(ticket.priority, 2);
    assert_eq!(
        ticket.documents,
        Delimiting::Index {
            index: "letters.csv".into()
        }
    );
    assert_eq!(ticket.origin_mark_zone.unwrap().height, 120.0);
    assert_eq!(ticket.inserts, ["info-leaflet"]);
}

#[test]
fn toml_and_json_round_trip() {
    let ticket = JobTicket::from_toml_str(TICKET).unwrap();
    assert_eq!(
        JobTicket::from_toml_str(&ticket.to_toml_string()).unwrap(),
        ticket
    );
    assert_eq!(
        JobTicket::from_json_str(&ticket.to_json_string()).unwrap(),
        ticket
    );
}

#[test]
fn file_paths_are_relative_to_the_ticket() {
    let dir = tempfile_dir();
    let path = dir.join("job.toml");
    std::fs::write(&path, TICKET).unwrap();
    let ticket = JobTicket::from_file(&path).unwrap();
    assert_eq!(ticket.print_files[0].path, dir.join("letters.pdf"));
    assert_eq!(
        ticket.documents,
        Delimiting::Index {
            index: dir.join("letters.csv")
        }
    );
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem-ticket-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn field_error(text: &str) -> String {
    match JobTicket::from_toml_str(text).unwrap_err() {
        TicketError::InvalidField { field, .. } => field,
        other => panic!("expected a field error, got {other}"),
    }
}

#[test]
fn invalid_fields_are_named() {
    let cases = [
        (TICKET.replace("ST-2026-1107", "ST 2026/1107"), "id"),
        (
            TICKET.replace("2026-12-01T18:00:00+01:00", "next tuesday"),
            "deadline",
        ),
        (TICKET.replace("priority = 2", "priority = 0"), "priority"),
        (
            TICKET.replace("grammage_gsm = 90", "grammage_gsm = 900"),
            "paper.grammage_gsm",
        ),
        (TICKET.replace("width = 85", "width = 200"), "address_field"),
        (
            TICKET.replace("height = 120", "height = 0"),
            "origin_mark_zone",
        ),
        (TICKET.replace("9f86d0", "XYZ"), "print_files[0].sha256"),
    ];
    for (text, field) in cases {
        assert_eq!(field_error(&text), field);
    }
}

#[test]
fn unknown_keys_are_refused_with_their_line() {
    let text = TICKET.replace("priority = 2", "priority = 2\ncolour = true");
    let message = JobTicket::from_toml_str(&text).unwrap_err().to_string();
    assert!(message.contains("colour"), "{message}");
    assert!(message.contains("line 7"), "{message}");
}

const INDEX: &str = "piece_id,first_page,page_count,plz,country,inserts,name_hash\n\
P001,1,2,80331,DE,,ab12\n\
P002,3,3,10115,DE,flyer;reply,cd34\n\
P003,6,1,1010,AT,,ef56\n";

#[test]
fn index_is_read_with_optional_columns() {
    let pieces = read_index(INDEX.as_bytes(), Path::new("letters.csv")).unwrap();
    assert_eq!(pieces.len(), 3);
    assert_eq!(pieces[1].inserts, ["flyer", "reply"]);
    assert_eq!(pieces[2].country, "AT");
    assert_eq!(pieces[2].last_page(), 6);
    validate_pieces(&pieces, 6).unwrap();
}

#[test]
fn bad_index_lines_name_file_and_line() {
    let text = INDEX.replace("P002,3,3", "P002,three,3");
    let message = read_index(text.as_bytes(), Path::new("letters.csv"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "index letters.csv, line 3: `first_page` is \"three\", not a whole number"
    );
    let message = read_index("piece,first_page\n".as_bytes(), Path::new("x.csv"))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("line 1") && message.contains("piece_id"),
        "{message}"
    );
}

fn piece(id: &str, first_page: u64, page_count: u32) -> MailPiece {
    MailPiece {
        piece_id: id.into(),
        plz: "80331".into(),
        country: "DE".into(),
        first_page,
        page_count,
        inserts: vec![],
    }
}

#[test]
fn coverage_errors_name_pieces_and_pages() {
    let past = validate_pieces(&[piece("A", 1, 2), piece("B", 3, 4)], 5).unwrap_err();
    assert_eq!(
        past.to_string(),
        "piece B: pages 3-6 but the print data has 5 pages"
    );
    let overlap = validate_pieces(&[piece("A", 1, 3), piece("B", 3, 2)], 4).unwrap_err();
    assert_eq!(
        overlap.to_string(),
        "piece B starts at page 3, inside piece A (which ends at page 3)"
    );
    let gap = validate_pieces(&[piece("A", 1, 2), piece("B", 5, 1)], 5).unwrap_err();
    assert_eq!(gap.to_string(), "pages 3-4 belong to no piece");
    let tail = validate_pieces(&[piece("A", 1, 2)], 4).unwrap_err();
    assert_eq!(tail.to_string(), "pages 3-4 belong to no piece");
    let duplicate = validate_pieces(&[piece("A", 1, 2), piece("A", 3, 1)], 3).unwrap_err();
    assert_eq!(
        duplicate.to_string(),
        "piece id A appears twice (pieces 1 and 2, 1-based)"
    );
    let mut bad_plz = piece("A", 1, 1);
    bad_plz.plz = "8033".into();
    assert!(
        validate_pieces(&[bad_plz], 1)
            .unwrap_err()
            .to_string()
            .contains("postcode")
    );
}

proptest! {
    /// Any partition of the pages into consecutive pieces is accepted, and
    /// removing any one piece is detected.
    #[test]
    fn consecutive_partitions_are_valid(counts in prop::collection::vec(1u32..12, 1..50), drop in any::<prop::sample::Index>()) {
        let mut pieces = Vec::new();
        let mut next = 1u64;
        for (i, &count) in counts.iter().enumerate() {
            pieces.push(piece(&format!("P{i}"), next, count));
            next += u64::from(count);
        }
        let total = next - 1;
        prop_assert!(validate_pieces(&pieces, total).is_ok());
        let gone = drop.index(pieces.len());
        let removed = pieces.remove(gone);
        let err = validate_pieces(&pieces, total).unwrap_err();
        let is_missing = matches!(err, TicketError::MissingPages { first, last } if first == removed.first_page && last == removed.last_page());
        prop_assert!(is_missing, "{}", err);
    }
}

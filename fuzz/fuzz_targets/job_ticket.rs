//! Any text offered as a job ticket (TOML and JSON) or index CSV must parse
//! or give an error, never panic; valid pieces must pass their own check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem_ticket::{JobTicket, read_index, validate_pieces};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = JobTicket::from_toml_str(text);
        let _ = JobTicket::from_json_str(text);
    }
    if let Ok(pieces) = read_index(data, "fuzz.csv".as_ref()) {
        let total = pieces.iter().map(|p| p.first_page.saturating_add(u64::from(p.page_count))).max().unwrap_or(0);
        let _ = validate_pieces(&pieces, total);
    }
});

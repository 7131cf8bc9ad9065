//! Any bytes offered as an AFP file must read, index and inventory, or give
//! an error, never panic; and when every field reads, the fields' raw bytes
//! put back together are the input (the writer's round-trip guarantee).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem_afp::{IndexOptions, StructuredFields, validate};

fuzz_target!(|data: &[u8]| {
    let _ = validate(data, IndexOptions::default());
    let fields: Result<Vec<_>, _> = StructuredFields::new(data).collect();
    if let Ok(fields) = fields {
        let joined: Vec<u8> = fields.iter().flat_map(|f| f.raw.iter().copied()).collect();
        assert_eq!(joined, data);
    }
});

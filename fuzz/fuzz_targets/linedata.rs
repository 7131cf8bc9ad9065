//! Any bytes offered as a line-data listing or page layout: see
//! `linedata_check.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("linedata_check.rs");

fuzz_target!(|data: &[u8]| check_linedata(data));

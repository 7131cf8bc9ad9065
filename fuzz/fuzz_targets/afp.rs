//! Any bytes offered as an AFP file: see `afp_check.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("afp_check.rs");

fuzz_target!(|data: &[u8]| check_afp(data));

//! Lists the structured fields of an AFP file, one line per field:
//! byte offset, identifier in hex, acronym, structured-field length.
//!
//!     cargo run -p tandem-afp --example afp_fields -- FILE.afp

use std::process::ExitCode;

use tandem_afp::StructuredFields;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: afp_fields FILE.afp");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}: {e}", path.to_string_lossy());
            return ExitCode::FAILURE;
        }
    };
    for field in StructuredFields::new(&bytes) {
        match field {
            Ok(f) => println!("{} {} {} {}", f.offset, f.id_hex(), f.name(), f.length()),
            Err(e) => {
                eprintln!("{}: {e}", path.to_string_lossy());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

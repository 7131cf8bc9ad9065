//! Makes a large AFP file from a fixture by repeating its page groups.
//!
//!     cargo run --release -p tandem-benches --example afp_repeat -- \
//!         FIXTURE.afp OUT.afp BYTES

use std::io::BufWriter;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [fixture, out, bytes] = args.as_slice() else {
        eprintln!("usage: afp_repeat FIXTURE.afp OUT.afp BYTES");
        return ExitCode::from(2);
    };
    let Ok(target) = bytes.parse::<u64>() else {
        eprintln!("BYTES must be a number: {bytes}");
        return ExitCode::from(2);
    };
    let result = std::fs::read(fixture)
        .map_err(|e| format!("{fixture}: {e}"))
        .and_then(|input| {
            let file = std::fs::File::create(out).map_err(|e| format!("{out}: {e}"))?;
            tandem_benches::repeat_page_groups(&input, target, BufWriter::new(file))
                .map_err(|e| format!("{out}: {e}"))
        });
    match result {
        Ok((bytes, groups)) => {
            println!("{out}: {bytes} bytes, {groups} page groups");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

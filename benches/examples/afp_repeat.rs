//! Makes a large AFP file from a fixture by repeating its page groups.
//!
//!     cargo run --release -p tandem-benches --example afp_repeat -- \
//!         FIXTURE.afp OUT.afp BYTES [PIECE_ID_TLE]
//!
//! With PIECE_ID_TLE, every group's piece id is renumbered so that the
//! pieces stay unique (for a redirect of the large file).

use std::io::BufWriter;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (fixture, out, bytes, renumber) = match args.as_slice() {
        [f, o, b] => (f, o, b, None),
        [f, o, b, tle] => (f, o, b, Some(tle.as_str())),
        _ => {
            eprintln!("usage: afp_repeat FIXTURE.afp OUT.afp BYTES [PIECE_ID_TLE]");
            return ExitCode::from(2);
        }
    };
    let Ok(target) = bytes.parse::<u64>() else {
        eprintln!("BYTES must be a number: {bytes}");
        return ExitCode::from(2);
    };
    let result = std::fs::read(fixture)
        .map_err(|e| format!("{fixture}: {e}"))
        .and_then(|input| {
            let file = std::fs::File::create(out).map_err(|e| format!("{out}: {e}"))?;
            tandem_benches::repeat_page_groups_renumbered(
                &input,
                target,
                renumber,
                BufWriter::new(file),
            )
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

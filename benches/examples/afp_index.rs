//! Scans and indexes an AFP file once, memory-mapped, on one core, and
//! reports the throughput: what `scripts/bench-afp.sh` measures on a file
//! of a gigabyte or more.
//!
//!     cargo run --release -p tandem-benches --example afp_index -- FILE.afp

use std::process::ExitCode;
use std::time::Instant;

use tandem_afp::{AfpFile, AfpIndex};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: afp_index FILE.afp");
        return ExitCode::from(2);
    };
    // Timed from opening, so that mapping the file counts.
    let opened = Instant::now();
    let file = match AfpFile::open(path.as_ref()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if std::env::args().nth(2).as_deref() == Some("--scan") {
        let started = opened;
        let fields = tandem_afp::StructuredFields::new(&file)
            .filter(Result::is_ok)
            .count();
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{path}: scanned {fields} fields in {seconds:.3} s = {:.2} GB/s",
            file.len() as f64 / 1e9 / seconds
        );
        return ExitCode::SUCCESS;
    }
    let started = opened;
    let index = match AfpIndex::build(&file) {
        Ok(index) => index,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let gb = file.len() as f64 / 1e9;
    println!(
        "{path}: {} bytes, {} fields, {} page groups, {} pages, {} TLEs in {seconds:.3} s = {:.2} GB/s",
        file.len(),
        index.fields,
        index.page_groups.len(),
        index.pages.len(),
        index.tles().len(),
        gb / seconds
    );
    // Memory: the index is anonymous memory; the mapped file is page cache
    // (file-backed, shared, dropped under pressure), so both are shown.
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        let keep = ["VmHWM", "RssAnon", "RssFile"];
        let memory: Vec<&str> = status
            .lines()
            .filter(|l| keep.iter().any(|k| l.starts_with(k)))
            .collect();
        println!(
            "{}",
            memory
                .join(", ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    ExitCode::SUCCESS
}

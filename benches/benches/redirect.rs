//! Throughput of the redirect core: a generated demo job (DIN 5008 letters
//! of 1–12 pages with the origin's marks) redirected to the partner centre,
//! and the per-sheet mark encoding on its own.
//!
//! `cargo bench -p tandem-benches`; `scripts/bench.sh` compares the whole
//! binary with qpdf on the peer-stamp input.

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tandem_core::{
    CentreProfile, DemoOptions, EXAMPLE_ORIGIN_PROFILE, EXAMPLE_PARTNER_PROFILE, JobTicket,
    generate_demo_job, redirect, sheet_marks,
};
use tandem_marks::SheetControl;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn redirect_demo(c: &mut Criterion) {
    let dir = scratch("redirect");
    let origin = CentreProfile::from_toml_str(EXAMPLE_ORIGIN_PROFILE).expect("origin profile");
    let partner = CentreProfile::from_toml_str(EXAMPLE_PARTNER_PROFILE).expect("partner profile");
    let options = DemoOptions {
        letters: 300,
        ..DemoOptions::default()
    };
    let job = generate_demo_job(&dir.join("job"), &origin, &options).expect("demo job");
    let ticket = JobTicket::from_file(&job.ticket).expect("ticket");

    let mut group = c.benchmark_group("redirect");
    group.sample_size(20);
    group.throughput(Throughput::Elements(job.pages));
    let mut run = 0u64;
    group.bench_function("demo_300_letters", |b| {
        b.iter(|| {
            run += 1;
            let out = dir.join(format!("out-{run}"));
            let summary = redirect(&ticket, &partner, &out, &mut |_| {}).expect("redirect");
            std::fs::remove_dir_all(&out).expect("cleanup");
            summary.manifest.totals.output_pages
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

fn marks_per_sheet(c: &mut Criterion) {
    let partner = CentreProfile::from_toml_str(EXAMPLE_PARTNER_PROFILE).expect("partner profile");
    let mut group = c.benchmark_group("marks");
    group.throughput(Throughput::Elements(1));
    let mut sequence = 0u64;
    group.bench_function("omr_and_data_matrix_per_sheet", |b| {
        b.iter(|| {
            sequence += 1;
            let sheet = SheetControl::new("DEMO-2026-001", "P000123", sequence, 2, 5);
            sheet_marks(&partner, &sheet).expect("marks")
        })
    });
    group.finish();
}

criterion_group!(benches, redirect_demo, marks_per_sheet);
criterion_main!(benches);

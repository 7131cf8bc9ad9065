//! Scanning and indexing AFP: the example job's page groups repeated to
//! 64 MiB in memory. `scripts/bench-afp.sh` measures the same on a file of
//! a gigabyte or more, memory-mapped, with peak memory.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tandem_afp::{AfpIndex, StructuredFields};

fn input() -> Vec<u8> {
    let fixture = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/jobs/afp-letters/letters.afp"
    ))
    .expect("the example AFP job");
    let mut out = Vec::new();
    tandem_benches::repeat_page_groups(&fixture, 64 << 20, &mut out).expect("repeat");
    out
}

fn afp(c: &mut Criterion) {
    let bytes = input();
    let mut group = c.benchmark_group("afp");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(20);
    group.bench_function("scan fields (64 MiB)", |b| {
        b.iter(|| StructuredFields::new(&bytes).filter(Result::is_ok).count())
    });
    group.bench_function("index structure (64 MiB)", |b| {
        b.iter(|| AfpIndex::build(&bytes).expect("index").pages.len())
    });
    group.finish();
}

criterion_group!(benches, afp);
criterion_main!(benches);

//! Criterion benchmarks for Tandem live in `benches/`; run them with `cargo bench -p tandem-benches`.

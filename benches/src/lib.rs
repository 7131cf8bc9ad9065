//! Criterion benchmarks for Tandem live in `benches/`; this library is empty on purpose.

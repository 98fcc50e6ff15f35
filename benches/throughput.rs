//! Placeholder until the benchmark lands; see BENCHMARKS.md.
fn main() {}

//! Scrubber throughput: every pass together over a 1 MB postmortem with a 10,000-term
//! identity profile, on one core. Prints MB/s; see BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use commonplace::scrub::{ProfileMatcher, Scrubber};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::{large_profile, postmortem_megabyte};

fn scrub_throughput(c: &mut Criterion) {
    let engine = Scrubber::bundled().expect("bundled packs");
    let text = postmortem_megabyte();
    let profile = large_profile();
    let mut group = c.benchmark_group("scrub");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("all_passes_1MB_10k_profile", |b| {
        b.iter(|| black_box(engine.scrub_text(black_box(&text), &profile)))
    });
    group.finish();

    // Compiling an organisation's profile happens once per profile change (the engine
    // caches compiled profiles), so it is measured on its own.
    let mut compile = c.benchmark_group("profile");
    compile.sample_size(10);
    compile.bench_function("compile_10k_terms", |b| {
        b.iter(|| black_box(ProfileMatcher::new(black_box(&profile))))
    });
    compile.finish();
}

criterion_group!(benches, scrub_throughput);
criterion_main!(benches);

//! Per-rule scan time over the redaction evaluation corpus, slowest first, then the whole
//! engine: `cargo run --release --example rule_timing`. A tool for finding the rule to fix
//! when the scrubber benchmark regresses.

use std::time::Instant;

use commonplace::scrub::{IdentityProfile, Scrubber};

#[path = "../benches/support/fixtures.rs"]
#[allow(dead_code)]
mod fixtures;

fn main() {
    // `--bench`: the benchmark megabyte instead of the evaluation corpus.
    let text = if std::env::args().any(|a| a == "--bench") {
        fixtures::postmortem_megabyte()
    } else {
        let corpus =
            std::fs::read_to_string("eval/redaction/corpus.jsonl").expect("run from the repo root");
        corpus
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|d| d["text"].as_str().map(str::to_string))
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    let engine = Scrubber::bundled().expect("bundled packs");
    let mut rows: Vec<(f64, &str, usize)> = engine
        .packs()
        .rules
        .iter()
        .map(|rule| {
            let started = Instant::now();
            let n = rule.regex.find_iter(&text).count();
            (started.elapsed().as_secs_f64() * 1000.0, rule.id, n)
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, id, n) in rows.iter().take(25) {
        println!("{ms:8.1} ms  {id} ({n} matches)");
    }
    let mb = text.len() as f64 / 1e6;
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    for round in 1..=rounds {
        let started = Instant::now();
        let _ = engine.scrub_text(&text, &IdentityProfile::default());
        let secs = started.elapsed().as_secs_f64();
        println!(
            "whole engine, round {round}: {:.1} ms for {mb:.2} MB ({:.1} MB/s)",
            secs * 1000.0,
            mb / secs
        );
    }
}

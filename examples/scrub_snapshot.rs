//! Everything the scrubber outputs for a fixed set of inputs, as one text file, so a change
//! meant only to make it faster can be checked to change nothing:
//!
//! ```sh
//! cargo run --release --example scrub_snapshot -- /tmp/before.txt
//! # change the scrubber, then
//! cargo run --release --example scrub_snapshot -- /tmp/after.txt && cmp /tmp/before.txt /tmp/after.txt
//! ```
//!
//! Inputs: the redaction evaluation corpus (each text on its own and through `detect`), the
//! demo corpus (whole submissions and each field alone), the fuzz seeds, every rule example,
//! and the benchmark megabyte with its 10,000-term profile.
//!
//! `cargo run --release --example scrub_snapshot -- --bench-once` scrubs only the benchmark
//! megabyte, once, after compiling the profile: the run to profile with callgrind
//! (`--toggle-collect='*Scrubber::scrub_text*'`). `--bench-steady` warms up on the whole
//! megabyte first, as the benchmark's repeated runs do.

use std::fmt::Write as _;

use commonplace::domain::Submission;
use commonplace::scrub::{Finding, IdentityProfile, Scrubber};
use serde::Deserialize;

#[derive(Deserialize)]
struct DemoCorpus {
    orgs: Vec<DemoOrg>,
}

#[derive(Deserialize)]
struct DemoOrg {
    profile: IdentityProfile,
    submissions: Vec<Submission>,
}

#[path = "../benches/support/fixtures.rs"]
mod fixtures;
use fixtures::{large_profile, postmortem_megabyte};

/// The profile the fuzz target builds for an input.
fn fuzz_profile(text: &str) -> IdentityProfile {
    let first = text.lines().next().unwrap_or("").trim();
    IdentityProfile {
        name: if first.len() <= 40 {
            first.to_string()
        } else {
            String::new()
        },
        aliases: vec!["Acme".into()],
        domains: vec!["acme.example".into()],
        products: vec!["Roadrunner".into()],
        customers: vec!["Globex".into()],
        extra_terms: Vec::new(),
    }
}

fn write_findings(out: &mut String, findings: &[Finding]) {
    for f in findings {
        let _ = writeln!(
            out,
            "  {} {} {} {}..{} {:?} <- {:?}",
            f.field, f.rule, f.kind, f.start, f.end, f.replacement, f.original
        );
    }
}

fn write_text(out: &mut String, engine: &Scrubber, label: &str, text: &str, p: &IdentityProfile) {
    let (scrubbed, findings) = engine.scrub_text(text, p);
    let _ = writeln!(out, "== {label}\n{}", scrubbed.as_str());
    write_findings(out, &findings);
}

fn main() {
    let engine = Scrubber::bundled().expect("bundled packs");
    let arg = std::env::args().nth(1).unwrap_or_default();
    if arg == "--bench-once" || arg == "--bench-steady" {
        let text = postmortem_megabyte();
        let profile = large_profile();
        // Compiles and caches the profile, and anything compiled on first use, outside the
        // measured call. `--bench-steady` warms up on the whole megabyte, so the regex
        // engines' lazily built states are all there, as in the benchmark's loop.
        let warm = if arg == "--bench-steady" {
            text.as_str()
        } else {
            &text[..20_000]
        };
        let _ = engine.session(&profile).scrub("text", warm);
        let (out, findings) = engine.scrub_text(&text, &profile);
        println!(
            "{} bytes out, {} findings",
            out.as_str().len(),
            findings.len()
        );
        return;
    }
    if arg == "--rule-times" {
        let text = postmortem_megabyte();
        let mut rows: Vec<(f64, &str, usize)> = engine
            .packs()
            .rules
            .iter()
            .map(|rule| {
                let mut best = f64::MAX;
                let mut n = 0;
                for _ in 0..3 {
                    let started = std::time::Instant::now();
                    n = rule.regex.find_iter(&text).count();
                    best = best.min(started.elapsed().as_secs_f64() * 1000.0);
                }
                (best, rule.id, n)
            })
            .collect();
        rows.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (ms, id, n) in rows {
            println!("{ms:8.2} ms  {id} ({n} matches)");
        }
        return;
    }
    let path = if arg.is_empty() {
        "scrub-snapshot.txt".to_string()
    } else {
        arg
    };
    let mut out = String::new();

    let corpus = std::fs::read_to_string("eval/redaction/corpus.jsonl").expect("repo root");
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let doc: serde_json::Value = serde_json::from_str(line).expect("corpus line");
        let id = doc["id"].as_str().unwrap_or("?").to_string();
        let text = doc["text"].as_str().unwrap_or("").to_string();
        let profile: IdentityProfile = serde_json::from_value(doc["profile"].clone())
            .ok()
            .unwrap_or_default();
        write_text(&mut out, &engine, &format!("eval {id}"), &text, &profile);
        let (spans, detected) = engine.detect(&text, &profile);
        let _ = writeln!(out, "== eval-detect {id} {spans:?}\n{detected}");
    }

    let demo: DemoCorpus =
        serde_json::from_str(include_str!("../demo/corpus.json")).expect("demo corpus");
    for (o, org) in demo.orgs.iter().enumerate() {
        for (s, sub) in org.submissions.iter().enumerate() {
            let outcome = engine.scrub_submission(sub, &org.profile, &[]);
            let json = serde_json::to_string_pretty(outcome.scrubbed.content()).expect("json");
            let _ = writeln!(out, "== demo {o}/{s}\n{json}");
            write_findings(&mut out, &outcome.findings);
            let fields = [
                &sub.title,
                &sub.summary,
                &sub.narrative,
                &sub.mitigation,
                &sub.lessons,
            ];
            for (f, field) in fields.into_iter().enumerate() {
                write_text(
                    &mut out,
                    &engine,
                    &format!("demo-field {o}/{s}/{f}"),
                    field,
                    &org.profile,
                );
            }
        }
    }

    let mut seeds: Vec<_> = std::fs::read_dir("fuzz/corpus/scrub")
        .expect("fuzz seeds")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    seeds.sort();
    for seed in seeds {
        let bytes = std::fs::read(&seed).expect("seed");
        let text = String::from_utf8_lossy(&bytes);
        let label = format!("fuzz {}", seed.display());
        write_text(&mut out, &engine, &label, &text, &fuzz_profile(&text));
    }

    for rule in &engine.packs().rules {
        for (n, ex) in rule.examples.iter().enumerate() {
            let label = format!("example {} {n}", rule.id);
            write_text(&mut out, &engine, &label, &ex.input, &Default::default());
        }
    }

    let text = postmortem_megabyte();
    write_text(&mut out, &engine, "bench", &text, &large_profile());
    write_text(
        &mut out,
        &engine,
        "bench-no-profile",
        &text,
        &Default::default(),
    );

    std::fs::write(&path, out).expect("write snapshot");
    println!("wrote {path}");
}

//! The scrubber on the bundled demo corpus: no organisation's profile term, email, IP address
//! or internal URL survives, while technologies and versions do.

use commonplace::domain::Submission;
use commonplace::scrub::{IdentityProfile, Scrubber};
use serde::Deserialize;

#[derive(Deserialize)]
struct Corpus {
    orgs: Vec<Org>,
}

#[derive(Deserialize)]
struct Org {
    profile: IdentityProfile,
    submissions: Vec<Submission>,
}

fn words_contain(text: &str, term: &str) -> bool {
    let lower = text.to_lowercase();
    let term = term.to_lowercase();
    lower.match_indices(&term).any(|(i, _)| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + term.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric()) && !after.is_some_and(|c| c.is_alphanumeric())
    })
}

#[test]
fn demo_corpus_scrubs_clean() {
    let corpus: Corpus =
        serde_json::from_str(include_str!("../../demo/corpus.json")).expect("corpus");
    let engine = Scrubber::bundled().expect("engine");
    let email = regex::Regex::new(r"[\w.+-]+@[\w-]+\.[\w.-]+").expect("regex");
    let ipv4 = regex::Regex::new(r"\b(?:10|172|192)\.\d{1,3}\.\d{1,3}\.\d{1,3}\b").expect("regex");
    let mut reports = 0;
    for org in &corpus.orgs {
        let p = &org.profile;
        let terms: Vec<&String> = std::iter::once(&p.name)
            .chain(&p.aliases)
            .chain(&p.domains)
            .chain(&p.products)
            .chain(&p.customers)
            .collect();
        for sub in &org.submissions {
            let outcome = engine.scrub_submission(sub, p, &[]);
            let text = serde_json::to_string(outcome.scrubbed.content()).expect("json");
            for term in &terms {
                assert!(
                    !words_contain(&text, term),
                    "`{term}` survives in `{}`",
                    sub.title
                );
            }
            assert!(
                !email.is_match(&text),
                "an email survives in `{}`",
                sub.title
            );
            assert!(
                !ipv4.is_match(&text),
                "a private IPv4 survives in `{}`",
                sub.title
            );
            assert!(
                !text.contains("2001:db8"),
                "an IPv6 address survives in `{}`",
                sub.title
            );
            for tech in &sub.technologies {
                if let Some(v) = &tech.version {
                    assert!(
                        text.contains(v.as_str()),
                        "version {v} was lost in `{}`",
                        sub.title
                    );
                }
            }
            reports += 1;
        }
    }
    assert!(reports >= 50, "the demo corpus has {reports} reports");
}

/// The redaction evaluation corpus (eval/redaction/, 210 labelled postmortems and 44 clean
/// control texts): the scrubber must not fall below the figures it reaches today.
#[test]
fn redaction_eval_holds_its_figures() {
    use commonplace::scrub::eval;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/eval/redaction/corpus.jsonl"
    ))
    .expect("eval corpus");
    let docs = eval::read_corpus(&text).expect("corpus parses");
    assert!(docs.len() >= 250, "corpus has {} documents", docs.len());
    let engine = commonplace::scrub::Scrubber::bundled().expect("engine");
    let (predictions, _) = eval::predict(&engine, &docs);
    let s = eval::score(&docs, &predictions);
    let report = eval::render_table(&[("commonplace".to_string(), s.clone())]);
    assert!(
        s.direct_entities.value() >= 0.998,
        "direct recall fell:\n{report}"
    );
    assert!(
        s.quasi_entities.value() >= 0.999,
        "quasi recall fell:\n{report}"
    );
    assert!(s.retention.value() >= 0.995, "retention fell:\n{report}");
    assert!(
        s.false_positives_per_1000_words() <= 0.1,
        "false positives rose:\n{report}"
    );
    // Pattern-shaped identifiers: nothing may leak.
    for label in [
        "SECRET",
        "IP_PUBLIC",
        "IP_PRIVATE",
        "URL",
        "CLOUD_ACCOUNT",
        "PHONE",
    ] {
        let r = s.entities_by_label.get(label).expect("label present");
        assert_eq!(r.hit, r.total, "{label} leaked:\n{report}");
    }
    for label in ["EMAIL", "HOSTNAME"] {
        let r = s.entities_by_label.get(label).expect("label present");
        assert!(r.value() >= 0.98, "{label} recall fell:\n{report}");
    }
}

/// What a red-team text must and must not show after scrubbing (`NN-name.expect.toml`).
/// `known_leak` lists values the scrubber is known to miss; they are not asserted here and
/// `eval/redaction/redteam/check.py` reports them separately.
#[derive(Deserialize)]
struct RedTeamExpect {
    leak: Vec<String>,
    keep: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    known_leak: Vec<String>,
}

/// Every string of a scrubbed submission, fields separated by a blank line so that no value
/// can be matched across two fields.
fn submission_text(submission: &Submission) -> String {
    fn walk(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            serde_json::Value::Object(map) => map.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(
        &serde_json::to_value(submission).expect("submission serialises"),
        &mut out,
    );
    out.join("\n\n")
}

/// Red-team texts from this number on are Markdown postmortems written for the Markdown
/// import (round 5): they are also asserted through the import and the submission scrub.
const FIRST_MARKDOWN_REDTEAM_TEXT: &str = "81";

/// The red-team texts in eval/redaction/redteam/, written in the styles of public incident
/// write-ups rather than generated from the evaluation corpus's templates: no value listed
/// under `leak` survives (as a word, in any case), and every `keep` string does, verbatim.
/// Round 5's Markdown postmortems are checked a second time through the Markdown import,
/// over every field it fills (a leak in an action item or a timeline entry counts).
#[test]
fn redteam_texts_leak_nothing_listed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/eval/redaction/redteam");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("red-team folder")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".md").map(str::to_string))
        .filter(|n| n.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    names.sort();
    assert!(names.len() >= 25, "only {} red-team texts", names.len());
    let engine = Scrubber::bundled().expect("engine");
    let mut failures = Vec::new();
    for name in &names {
        let read = |ext: &str| {
            std::fs::read_to_string(format!("{dir}/{name}{ext}"))
                .unwrap_or_else(|e| panic!("{name}{ext}: {e}"))
        };
        let profile: IdentityProfile =
            serde_json::from_str(&read(".profile.json")).expect("profile parses");
        let expect: RedTeamExpect = toml::from_str(&read(".expect.toml")).expect("expect parses");
        assert!(
            !expect.leak.is_empty() && !expect.keep.is_empty(),
            "{name}: empty leak or keep list"
        );
        let text = read(".md");
        let (out, _) = engine.scrub_text(&text, &profile);
        let mut outputs = vec![("text", out.into_string())];
        if name.as_str() >= FIRST_MARKDOWN_REDTEAM_TEXT {
            let draft = commonplace::intake::markdown::draft_from_markdown(&text)
                .unwrap_or_else(|e| panic!("{name}: import failed: {e}"))
                .draft;
            let submission = commonplace::domain::validate_submission(
                draft.clone(),
                commonplace::domain::Taxonomy::bundled(),
            )
            .unwrap_or(draft);
            let outcome = engine.scrub_submission(&submission, &profile, &[]);
            outputs.push((
                "markdown import",
                submission_text(outcome.scrubbed.content()),
            ));
        }
        for (path, out) in &outputs {
            for value in &expect.leak {
                if words_contain(out, value) {
                    failures.push(format!("{name} ({path}): `{value}` leaks"));
                }
            }
            for value in &expect.keep {
                if !out.contains(value.as_str()) {
                    failures.push(format!("{name} ({path}): `{value}` was lost"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

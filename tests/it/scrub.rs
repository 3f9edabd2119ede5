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

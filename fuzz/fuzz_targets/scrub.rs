//! Fuzzes the scrubber: it never panics, and what it publishes never contains, as a whole
//! word, the text of any finding it reported.
#![no_main]

use commonplace::scrub::{IdentityProfile, Scrubber};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first line, when short, doubles as the organisation's name so the profile passes
    // are exercised too.
    let first = text.lines().next().unwrap_or("").trim();
    let profile = IdentityProfile {
        name: if first.len() <= 40 { first.to_string() } else { String::new() },
        aliases: vec!["Acme".into()],
        domains: vec!["acme.example".into()],
        products: vec!["Roadrunner".into()],
        customers: vec!["Globex".into()],
        extra_terms: Vec::new(),
    };
    let engine = Scrubber::bundled().expect("bundled packs");
    let (out, findings) = engine.scrub_text(&text, &profile);
    let out = out.as_str();
    let placeholders: Vec<&str> = findings.iter().map(|f| f.replacement.as_str()).collect();
    for f in &findings {
        let Some(original) = f.original.as_deref() else { continue };
        // Generalised values (a date's month) and values that are part of a placeholder
        // ("Person A" for an original "Person") are not leaks.
        if original.chars().filter(|c| c.is_alphanumeric()).count() < 4
            || placeholders.iter().any(|p| p.contains(original))
        {
            continue;
        }
        assert!(
            !contains_word(out, original),
            "finding {:?} ({}) survives in the output",
            original,
            f.rule
        );
    }
});

/// Whether `needle` occurs in `hay` not glued to letters or digits on either side.
fn contains_word(hay: &str, needle: &str) -> bool {
    let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    hay.match_indices(needle).any(|(i, m)| {
        !glued(hay[..i].chars().next_back()) && !glued(hay[i + m.len()..].chars().next())
    })
}

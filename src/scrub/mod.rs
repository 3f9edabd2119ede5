//! The redaction engine: finds identifying values with the rule packs in `scrubbers/` and the
//! organisation's identity profile, and replaces them with consistent, readable placeholders.

mod pack;
mod profile;

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::Submission;
use crate::domain::taxonomy::Taxonomy;
pub use pack::{Example, Packs};
pub use profile::{IdentityProfile, ProfileMatcher};

#[derive(Debug, thiserror::Error)]
pub enum ScrubError {
    #[error("scrubber rule pack is invalid: {0}")]
    Pack(String),
}

/// One redaction: where it is in the scrubbed field, what replaced what, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    /// JSON path of the field, e.g. `summary` or `timeline[2].event`.
    pub field: String,
    pub rule: String,
    pub kind: String,
    /// Byte span of the placeholder in the scrubbed field.
    pub start: usize,
    pub end: usize,
    pub replacement: String,
    /// The redacted value. Private: shown to the submitter and moderators, purged at publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
}

/// Text that has been through the scrubber. Only this module can make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrubbedText(String);

impl ScrubbedText {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A submission whose every free-text field has been scrubbed. Only this module can make one.
#[derive(Debug, Clone, PartialEq)]
pub struct ScrubbedSubmission(Submission);

impl ScrubbedSubmission {
    pub fn content(&self) -> &Submission {
        &self.0
    }
    pub fn into_content(self) -> Submission {
        self.0
    }
    /// Re-wraps a scrubbed submission read back from the private store, where only
    /// scrubber output is ever written under that column.
    pub fn from_stored(content: Submission) -> Self {
        ScrubbedSubmission(content)
    }
}

/// The scrubber's output for a whole submission.
#[derive(Debug, Clone)]
pub struct ScrubOutcome {
    pub scrubbed: ScrubbedSubmission,
    pub findings: Vec<Finding>,
}

/// Finding counts per kind, stored with the submission and shown to moderators.
pub fn counts_by_kind(findings: &[Finding]) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for f in findings {
        *counts.entry(f.kind.clone()).or_insert(0) += 1;
    }
    counts
}

/// The compiled engine. Cheap to share; build once per process.
#[derive(Debug)]
pub struct Scrubber {
    packs: Packs,
    /// Lower-cased technology names and aliases that must survive the hostname rule.
    allowed_terms: std::collections::HashSet<String>,
}

/// A candidate redaction before overlaps are resolved.
struct Candidate {
    start: usize,
    end: usize,
    kind: String,
    rule: String,
    canonical: String,
    /// Lower wins when two candidates start at the same place with the same length.
    priority: usize,
}

impl Scrubber {
    /// The engine with the packs and taxonomy compiled into the binary.
    pub fn bundled() -> Result<Arc<Scrubber>, ScrubError> {
        static ENGINE: OnceLock<Arc<Scrubber>> = OnceLock::new();
        if let Some(engine) = ENGINE.get() {
            return Ok(engine.clone());
        }
        let engine = Arc::new(Scrubber::new(Packs::bundled()?, Taxonomy::bundled()));
        Ok(ENGINE.get_or_init(|| engine).clone())
    }

    pub fn new(packs: Packs, taxonomy: &Taxonomy) -> Scrubber {
        let mut allowed_terms = std::collections::HashSet::new();
        for t in &taxonomy.technologies {
            allowed_terms.insert(t.id.to_lowercase());
            allowed_terms.insert(t.label.to_lowercase());
            for a in &t.aliases {
                allowed_terms.insert(a.to_lowercase());
            }
        }
        Scrubber {
            packs,
            allowed_terms,
        }
    }

    pub fn packs(&self) -> &Packs {
        &self.packs
    }

    /// Whether a submitter may un-redact findings of this kind.
    pub fn is_reversible(&self, kind: &str) -> bool {
        self.packs.kinds.get(kind).is_some_and(|k| k.reversible)
    }

    /// Scrubs one piece of text on its own (the `scrub` command, rule examples).
    pub fn scrub_text(
        &self,
        text: &str,
        profile: &IdentityProfile,
    ) -> (ScrubbedText, Vec<Finding>) {
        let (out, findings) = self.session(profile).scrub("text", text);
        (ScrubbedText(out), findings)
    }

    /// A session for scrubbing a long text piece by piece (a file streamed in chunks) with
    /// one set of placeholders.
    pub fn session(&self, profile: &IdentityProfile) -> TextSession<'_> {
        TextSession {
            engine: self,
            matcher: ProfileMatcher::new(profile),
            names: Pseudonyms::default(),
        }
    }

    /// Scrubs every free-text field of a submission with one set of placeholders, so a value
    /// gets the same placeholder wherever it appears in the report. `keep` lists values the
    /// submitter un-redacted (never secrets).
    pub fn scrub_submission(
        &self,
        submission: &Submission,
        profile: &IdentityProfile,
        keep: &[String],
    ) -> ScrubOutcome {
        let matcher = ProfileMatcher::new(profile);
        let mut names = Pseudonyms::default();
        let mut findings = Vec::new();
        let mut out = submission.clone();
        let mut run = |field: &str, value: &mut String| {
            let (text, mut found) = self.scrub_field(field, value, &matcher, &mut names, keep);
            *value = text;
            findings.append(&mut found);
        };
        run("title", &mut out.title);
        run("summary", &mut out.summary);
        run("narrative", &mut out.narrative);
        run("impact.description", &mut out.impact.description);
        run("detection.notes", &mut out.detection.notes);
        run("trigger.description", &mut out.trigger.description);
        for (i, t) in out.technologies.iter_mut().enumerate() {
            if let Some(v) = t.version.as_mut() {
                run(&format!("technologies[{i}].version"), v);
            }
        }
        for (i, f) in out.contributing_factors.iter_mut().enumerate() {
            run(
                &format!("contributing_factors[{i}].description"),
                &mut f.description,
            );
            run(
                &format!("contributing_factors[{i}].decision_context"),
                &mut f.decision_context,
            );
        }
        for (i, t) in out.timeline.iter_mut().enumerate() {
            run(&format!("timeline[{i}].event"), &mut t.event);
        }
        run("mitigation", &mut out.mitigation);
        run("what_went_well", &mut out.what_went_well);
        run("lessons", &mut out.lessons);
        for (i, a) in out.action_items.iter_mut().enumerate() {
            run(
                &format!("action_items[{i}].description"),
                &mut a.description,
            );
        }
        ScrubOutcome {
            scrubbed: ScrubbedSubmission(out),
            findings,
        }
    }

    fn scrub_field(
        &self,
        field: &str,
        text: &str,
        profile: &ProfileMatcher,
        names: &mut Pseudonyms,
        keep: &[String],
    ) -> (String, Vec<Finding>) {
        if text.is_empty() {
            return (String::new(), Vec::new());
        }
        let mut candidates = self.rule_candidates(text);
        for (start, end, target) in profile.find(text) {
            candidates.push(Candidate {
                start,
                end,
                kind: target.kind.to_string(),
                rule: target.rule.to_string(),
                canonical: target.canonical.clone(),
                priority: 0,
            });
        }
        let reversible = |kind: &str| self.is_reversible(kind);
        candidates.retain(|c| {
            !(reversible(&c.kind)
                && keep
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(&text[c.start..c.end])))
        });
        // Earliest start wins, then the longest span, then the higher-priority rule.
        candidates.sort_by(|a, b| {
            a.start
                .cmp(&b.start)
                .then((b.end - b.start).cmp(&(a.end - a.start)))
                .then(a.priority.cmp(&b.priority))
        });
        let mut out = String::with_capacity(text.len());
        let mut findings = Vec::new();
        let mut cursor = 0;
        for c in candidates {
            if c.start < cursor {
                continue;
            }
            out.push_str(&text[cursor..c.start]);
            let spec = self.packs.kinds.get(&c.kind);
            let template = spec.map_or("[redacted]", |s| s.placeholder.as_str());
            let replacement = names.placeholder(&c.kind, &c.canonical, template);
            let start = out.len();
            out.push_str(&replacement);
            findings.push(Finding {
                field: field.to_string(),
                rule: c.rule,
                kind: c.kind,
                start,
                end: out.len(),
                replacement,
                original: Some(text[c.start..c.end].to_string()),
            });
            cursor = c.end;
        }
        out.push_str(&text[cursor..]);
        (out, findings)
    }

    fn rule_candidates(&self, text: &str) -> Vec<Candidate> {
        let packs = &self.packs;
        let mut active = vec![false; packs.rules.len()];
        for (i, rule) in packs.rules.iter().enumerate() {
            active[i] = rule.keywords.is_empty();
        }
        for m in packs.keyword_matcher.find_overlapping_iter(text) {
            active[packs.keyword_rule[m.pattern().as_usize()]] = true;
        }
        let mut out = Vec::new();
        for (priority, rule) in packs.rules.iter().enumerate() {
            if !active[priority] {
                continue;
            }
            for caps in rule.regex.captures_iter(text) {
                let Some(m) = caps.get(rule.group) else {
                    continue;
                };
                // Sentence punctuation is trimmed off the end unless the validator needs
                // it back (`2001:db8::` ends in colons that belong to the address).
                let full = m.as_str();
                let trimmed_len = full.trim_end_matches(|c| rule.trim_end.contains(c)).len();
                let Some(end) = (trimmed_len..=full.len())
                    .filter(|&len| full.is_char_boundary(len) && len > 0)
                    .find(|&len| {
                        rule.validator
                            .is_none_or(|v| self.validate(v, &full[..len]))
                    })
                    .map(|len| m.start() + len)
                else {
                    continue;
                };
                if rule.boundary && !at_boundary(text, m.start(), end) {
                    continue;
                }
                let value = &text[m.start()..end];
                out.push(Candidate {
                    start: m.start(),
                    end,
                    kind: rule.kind.clone(),
                    rule: rule.id.clone(),
                    canonical: value.to_lowercase(),
                    priority: priority + 1,
                });
            }
        }
        out
    }

    fn validate(&self, validator: pack::Validator, value: &str) -> bool {
        use pack::Validator::*;
        match validator {
            Ipv4 => {
                let addr = value.split(['/', ':']).next().unwrap_or(value);
                addr.parse::<Ipv4Addr>().is_ok()
            }
            Ipv6 => {
                let addr = value.split(['%', '/']).next().unwrap_or(value);
                addr.parse::<Ipv6Addr>()
                    .is_ok_and(|a| !a.is_unspecified() || addr != "::")
                    && addr.matches(':').count() >= 2
            }
            Hostname => self.is_private_hostname(value),
            Url => !self.is_public_doc_url(value),
        }
    }

    /// A dotted name is a hostname worth hiding when its last label is a real or internal
    /// suffix and it is not a technology name (`node.js`, `socket.io`) or a source file.
    fn is_private_hostname(&self, value: &str) -> bool {
        let lower = value.to_lowercase();
        if self.allowed_terms.contains(&lower) || self.is_public_domain(&lower) {
            return false;
        }
        let labels: Vec<&str> = lower.split('.').collect();
        let Some(last) = labels.last() else {
            return false;
        };
        if !self.packs.host_suffixes.contains(*last) {
            return false;
        }
        // `main.rs`, `setup.py`, `README.md`: two labels whose suffix is a file extension.
        const FILE_EXTENSIONS: &[&str] = &[
            "rs", "py", "md", "sh", "pl", "so", "ts", "cc", "mo", "ps", "sql", "yml", "java", "kt",
        ];
        !(labels.len() == 2 && FILE_EXTENSIONS.contains(last))
    }

    fn is_public_domain(&self, host: &str) -> bool {
        self.packs
            .public_domains
            .iter()
            .any(|d| host == d || host.ends_with(&format!(".{d}")))
    }

    /// Links to public vendor documentation are kept (see `scrubbers/public-domains.txt`).
    fn is_public_doc_url(&self, url: &str) -> bool {
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
        if authority.contains('@') {
            return false;
        }
        let host = authority.split(':').next().unwrap_or("").to_lowercase();
        self.is_public_domain(&host)
    }
}

/// True when the span is not glued to a word character: the byte before is not
/// alphanumeric, `_` or `.`, and the byte after is not alphanumeric or `_`, nor a `.` or
/// `:` followed by a digit (which would make the span part of a longer version or address).
fn at_boundary(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let before_ok = start == 0 || !(word(bytes[start - 1]) || bytes[start - 1] == b'.');
    let after_ok = match bytes.get(end) {
        None => true,
        Some(&b) if word(b) => false,
        Some(b'.') | Some(b':') => !bytes.get(end + 1).is_some_and(|n| n.is_ascii_digit()),
        Some(_) => true,
    };
    before_ok && after_ok
}

/// Scrubs consecutive pieces of one document with shared placeholders.
pub struct TextSession<'a> {
    engine: &'a Scrubber,
    matcher: ProfileMatcher,
    names: Pseudonyms,
}

impl TextSession<'_> {
    /// Scrubs one piece. Pieces should end at line boundaries so no identifier is split.
    pub fn scrub(&mut self, field: &str, text: &str) -> (String, Vec<Finding>) {
        self.engine
            .scrub_field(field, text, &self.matcher, &mut self.names, &[])
    }
}

/// Consistent placeholders within one report: the same (kind, value) always gets the same
/// placeholder, and a fresh `Pseudonyms` per report means no link across reports.
#[derive(Default)]
struct Pseudonyms {
    assigned: HashMap<(String, String), String>,
    next: HashMap<String, usize>,
}

impl Pseudonyms {
    fn placeholder(&mut self, kind: &str, canonical: &str, template: &str) -> String {
        let key = (kind.to_string(), canonical.to_string());
        if let Some(p) = self.assigned.get(&key) {
            return p.clone();
        }
        let placeholder = if template.contains("{n}") || template.contains("{A}") {
            let n = self.next.entry(kind.to_string()).or_insert(0);
            *n += 1;
            template
                .replace("{n}", &n.to_string())
                .replace("{A}", &letters(*n))
        } else {
            template.to_string()
        };
        self.assigned.insert(key, placeholder.clone());
        placeholder
    }
}

/// 1 → A, 26 → Z, 27 → AA.
fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Arc<Scrubber> {
        Scrubber::bundled().expect("bundled packs compile")
    }

    /// Every example in every rule pack: the rule alone must turn input into expected.
    #[test]
    fn every_rule_example_holds() {
        let engine = engine();
        let mut checked = 0;
        for rule in &engine.packs().rules {
            assert!(
                !rule.examples.is_empty(),
                "rule {} has no examples",
                rule.id
            );
            for ex in &rule.examples {
                let (out, _) = engine.scrub_text(&ex.input, &IdentityProfile::default());
                assert_eq!(
                    out.as_str(),
                    ex.expected,
                    "rule {} on {:?}",
                    rule.id,
                    ex.input
                );
                checked += 1;
            }
        }
        assert!(checked >= 20, "only {checked} examples");
    }

    #[test]
    fn placeholders_are_consistent_within_a_text() {
        let (out, findings) = engine().scrub_text(
            "db-1.acme.example failed over to db-2.acme.example; db-1.acme.example came back",
            &IdentityProfile::default(),
        );
        assert_eq!(
            out.as_str(),
            "host-1 failed over to host-2; host-1 came back"
        );
        assert_eq!(findings.len(), 3);
    }

    #[test]
    fn technologies_and_versions_survive() {
        let text = "MySQL 8.0.32 on us-east-1 with Node.js and socket.io: ERROR 1213 (40001): Deadlock found";
        let (out, findings) = engine().scrub_text(text, &IdentityProfile::default());
        assert_eq!(out.as_str(), text, "{findings:?}");
    }

    #[test]
    fn letters_sequence() {
        assert_eq!(letters(1), "A");
        assert_eq!(letters(26), "Z");
        assert_eq!(letters(27), "AA");
    }
}

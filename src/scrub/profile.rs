//! An organisation's identity profile and the matcher built from it.
//! Expands each term into case, possessive and slug variants and finds them with aho-corasick.

use aho_corasick::{AhoCorasick, MatchKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What identifies an organisation: everything here is hidden from its reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityProfile {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub domains: Vec<String>,
    /// Products, services and internal codenames.
    #[serde(default)]
    pub products: Vec<String>,
    /// Customers and partners it does not want named.
    #[serde(default)]
    pub customers: Vec<String>,
    /// Extra terms added by the submitter at preview time.
    #[serde(default)]
    pub extra_terms: Vec<String>,
}

/// One profile term's identity: the kind of finding and the canonical value it stands for,
/// so every variant of "Acme Corp" maps to one placeholder.
#[derive(Debug, Clone)]
pub struct TermTarget {
    pub kind: &'static str,
    pub canonical: String,
    pub rule: &'static str,
}

#[derive(Debug)]
pub struct ProfileMatcher {
    automaton: Option<AhoCorasick>,
    targets: Vec<TermTarget>,
}

/// Terms shorter than this only match as whole words; longer ones also match inside
/// identifiers such as `acmecorp-prod` or `myacme`.
const MIN_EMBEDDED_LEN: usize = 4;

impl ProfileMatcher {
    pub fn new(profile: &IdentityProfile) -> ProfileMatcher {
        let mut patterns: Vec<String> = Vec::new();
        let mut targets: Vec<TermTarget> = Vec::new();
        let org_canonical = profile.name.trim().to_lowercase();
        let groups: [(&'static str, &'static str, Vec<&String>); 5] = [
            (
                "org",
                "profile.org",
                std::iter::once(&profile.name)
                    .chain(&profile.aliases)
                    .collect(),
            ),
            ("domain", "profile.domain", profile.domains.iter().collect()),
            (
                "product",
                "profile.product",
                profile.products.iter().collect(),
            ),
            (
                "customer",
                "profile.customer",
                profile.customers.iter().collect(),
            ),
            ("term", "profile.term", profile.extra_terms.iter().collect()),
        ];
        for (kind, rule, terms) in groups {
            for term in terms {
                let canonical = if kind == "org" {
                    org_canonical.clone()
                } else {
                    term.trim().to_lowercase()
                };
                for variant in variants(term) {
                    if patterns.iter().any(|p| p.eq_ignore_ascii_case(&variant)) {
                        continue;
                    }
                    patterns.push(variant);
                    targets.push(TermTarget {
                        kind,
                        canonical: canonical.clone(),
                        rule,
                    });
                }
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .ok()
        };
        ProfileMatcher { automaton, targets }
    }

    /// Non-overlapping matches as (start, end, target), respecting word boundaries for short terms.
    pub fn find<'a>(&'a self, text: &str) -> Vec<(usize, usize, &'a TermTarget)> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let bytes = text.as_bytes();
        ac.find_iter(text)
            .filter(|m| {
                let left_ok = m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphanumeric();
                let right_ok = m.end() == bytes.len() || !bytes[m.end()].is_ascii_alphanumeric();
                (left_ok && right_ok)
                    || (m.end() - m.start() >= MIN_EMBEDDED_LEN
                        && in_identifier(bytes, m.start(), m.end()))
            })
            .map(|m| (m.start(), m.end(), &self.targets[m.pattern().as_usize()]))
            .collect()
    }
}

/// Whether a match glued to letters sits inside an identifier (`acmedb01`, `myacme-api`,
/// `AcmeCorpAPI`) rather than inside an ordinary word (`switchover` for a product `Hover`):
/// the surrounding token must contain a digit, a separator or an inner capital.
fn in_identifier(bytes: &[u8], start: usize, end: usize) -> bool {
    let is_token = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    let mut from = start;
    while from > 0 && is_token(bytes[from - 1]) {
        from -= 1;
    }
    let mut to = end;
    while to < bytes.len() && is_token(bytes[to]) {
        to += 1;
    }
    let token = &bytes[from..to];
    let token = token.strip_suffix(b".").unwrap_or(token);
    token
        .iter()
        .any(|b| b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'))
        || token.iter().skip(1).any(|b| b.is_ascii_uppercase())
}

/// Spellings of one term that text and identifiers use: as written, and slug forms
/// with hyphens, underscores, dots or nothing between the words. Case is handled by the
/// matcher; possessives need no variant because `Acme's` contains `Acme`.
fn variants(term: &str) -> Vec<String> {
    let term = term.trim();
    if term.chars().count() < 2 {
        return Vec::new();
    }
    let words: Vec<&str> = term
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = vec![term.to_string()];
    if words.len() > 1 {
        for sep in [" ", "-", "_", ".", ""] {
            out.push(words.join(sep));
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> IdentityProfile {
        IdentityProfile {
            name: "Acme Corp".into(),
            aliases: vec!["Acme".into()],
            domains: vec!["acme.example".into()],
            products: vec!["Roadrunner".into()],
            ..Default::default()
        }
    }

    #[test]
    fn finds_case_possessive_and_slug_variants() {
        let m = ProfileMatcher::new(&profile());
        let text = "ACME's team; acme-corp and acmecorp_prod; AcmeCorp ran Roadrunner";
        let found: Vec<&str> = m.find(text).iter().map(|(s, e, _)| &text[*s..*e]).collect();
        assert_eq!(
            found,
            vec!["ACME", "acme-corp", "acmecorp", "AcmeCorp", "Roadrunner"]
        );
    }

    #[test]
    fn embedded_matches_only_inside_identifiers() {
        let m = ProfileMatcher::new(&IdentityProfile {
            name: "Hover".into(),
            ..Default::default()
        });
        let text = "a switchover of hoverdb01 and myhover-api and HoverCorp; MyHoverAPI.";
        let found: Vec<&str> = m.find(text).iter().map(|(s, e, _)| &text[*s..*e]).collect();
        assert_eq!(found, vec!["hover", "hover", "Hover", "Hover"]);
    }

    #[test]
    fn short_terms_need_word_boundaries() {
        let m = ProfileMatcher::new(&IdentityProfile {
            name: "Zed".into(),
            ..Default::default()
        });
        assert!(m.find("we realized it").is_empty());
        assert_eq!(m.find("Zed's database").len(), 1);
    }
}

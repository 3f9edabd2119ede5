//! Rule packs: the TOML files in `scrubbers/`, parsed and compiled into matchers.
//! Each rule carries its own examples, which the test suite runs.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex_automata::meta::Regex;
use rustc_hash::FxHashSet;
use serde::Deserialize;

use super::{ScrubError, coverage};

/// The packs compiled into the binary, cheapest pass first.
/// Order matters only as a tie-break: at the same start and length, the earlier pack wins,
/// so a Slack webhook is a secret before it is a URL.
const BUNDLED_PACKS: &[(&str, &str)] = &[
    ("secrets", include_str!("../../scrubbers/secrets.toml")),
    ("cloud", include_str!("../../scrubbers/cloud.toml")),
    ("network", include_str!("../../scrubbers/network.toml")),
    ("collab", include_str!("../../scrubbers/collab.toml")),
    ("quasi", include_str!("../../scrubbers/quasi.toml")),
];
const KINDS_TOML: &str = include_str!("../../scrubbers/kinds.toml");
const PUBLIC_DOMAINS: &str = include_str!("../../scrubbers/public-domains.txt");
const HOST_SUFFIXES: &str = include_str!("../../scrubbers/host-suffixes.txt");
const ACRONYMS: &str = include_str!("../../scrubbers/dict/acronyms.txt");
const SHORT_WORDS: &str = include_str!("../../scrubbers/dict/short-words.txt");

#[derive(Debug, Deserialize)]
struct PackFile {
    pack: PackMeta,
    #[serde(default)]
    rule: Vec<RuleSpec>,
}

#[derive(Debug, Deserialize)]
struct PackMeta {
    id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Example {
    pub input: String,
    pub expected: String,
}

#[derive(Debug, Deserialize)]
struct RuleSpec {
    id: String,
    kind: String,
    pattern: String,
    /// Case-insensitive literals; the rule only runs on text containing one of them.
    #[serde(default)]
    keywords: Vec<String>,
    /// Capture group that holds the value to redact (0 = whole match).
    #[serde(default)]
    group: usize,
    /// A built-in check the match must pass (`ipv4`, `ipv6`, `hostname`, `url`).
    #[serde(default)]
    validate: Option<String>,
    /// Characters trimmed off the end of a match (sentence punctuation after a URL).
    #[serde(default)]
    trim_end: String,
    /// Reject matches glued to a letter, digit or underscore on either side.
    #[serde(default)]
    boundary: bool,
    /// Minimum Shannon entropy (bits per character) of the value: keeps `password=changeme`
    /// style prose out of generic secret rules while catching random strings.
    #[serde(default)]
    min_entropy: Option<f64>,
    /// A value matching this pattern in full is not a finding (`UTF-8`, `CVE-2021-44228`).
    #[serde(default)]
    except: Option<String>,
    /// A shared word list whose words are not findings either: `acronyms` (the capitals of
    /// `dict/acronyms.txt`, which several rules and the profile matcher refuse alike).
    #[serde(default)]
    except_list: Option<String>,
    /// A match right after one of these strings (ASCII case-insensitive) is not a finding:
    /// `124.0.0.0` after `Chrome/` is a browser version, `#is_alert` after `{{` a template tag.
    #[serde(default)]
    not_after: Vec<String>,
    /// How the value is rewritten instead of a placeholder: `date`, `time`, `datetime`,
    /// `scale`, or `people` (a list of names split into one finding per person).
    #[serde(default)]
    transform: Option<String>,
    #[serde(default)]
    examples: Vec<Example>,
}

/// A check that a regex match must also pass before it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    Ipv4,
    Ipv6,
    Hostname,
    Url,
    /// 8 to 15 digits in all.
    Phone,
    /// A proper name of the organisation's own (a product, an internal system): not a
    /// technology, a technology vendor or a stopword, which the same phrasing also
    /// introduces ("our monitoring system Prometheus").
    OwnName,
    /// Two or three capitalised words that can be a person's name: a given name, a
    /// surname or a word in no dictionary among them, and no technology or team word.
    PersonName,
    /// A payment card number: 13 to 19 digits whose Luhn check digit is right.
    Luhn,
    /// A person's login: not a technology or stopword (`/home/mastodon` is the service's
    /// account), nor an ordinary word that is no name (`/home/backup`).
    Login,
    /// A dotless machine name: no technology, stopword, region or ordinary word.
    DotlessHost,
    /// A link written without its scheme (`status.acme.example/incident/880`): its host is
    /// a private hostname.
    HostPath,
}

/// A rewrite computed from the value rather than a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// A calendar date becomes its month (`March 2025`).
    Date,
    /// A clock time becomes an offset from the report's first time (`T+0:35`).
    Time,
    /// A timestamp becomes an offset from the report's first time.
    DateTime,
    /// An identifying figure becomes its order of magnitude (`over 10,000`).
    Scale,
    /// A count of people (users, customers, staff) to its order of magnitude from 100.
    Count,
    /// A list of people (`Attendees: A, B and C`) yields one finding per name.
    People,
    /// A list of other names (`Dunmore Coffee Roasters and Kestrel Bay Surf School`) yields
    /// one finding per item, split at commas, semicolons, "and" and "or".
    Names,
    /// The first capture group that matched is the value (rules with alternatives).
    Speaker,
}

/// Rule ids and kinds live as long as the process (packs are compiled once), so matches can
/// carry them without allocating.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub kind: &'static str,
    pub regex: Regex,
    pub keywords: Vec<String>,
    /// For a rule searched only near its keywords: the longest match in bytes. `None` for
    /// open-ended patterns and one-byte keywords (too common to be worth it).
    pub window: Option<usize>,
    /// The bytes its matches can take, when that leaves out some separator: the rule is then
    /// searched only in the runs of them that hold a keyword hit. Only for rules whose
    /// keywords are two bytes or more (one-byte keywords have no recorded hits).
    pub alphabet: Option<Box<[bool; 256]>>,
    pub group: usize,
    pub validator: Option<Validator>,
    pub trim_end: String,
    pub boundary: bool,
    pub min_entropy: Option<f64>,
    pub except: Option<Regex>,
    /// Whether an acronym of `dict/acronyms.txt` is not a finding.
    pub except_acronyms: bool,
    pub not_after: Vec<String>,
    pub transform: Option<Transform>,
    pub examples: Vec<Example>,
}

/// How a kind of finding is replaced: a fixed label, a number or a letter sequence.
#[derive(Debug, Clone, Deserialize)]
pub struct KindSpec {
    /// Template: `{n}` becomes 1, 2, 3…; `{A}` becomes A, B, C…; otherwise used as is.
    pub placeholder: String,
    /// Whether a submitter may un-redact a finding of this kind (never for secrets).
    #[serde(default = "default_true")]
    pub reversible: bool,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Deserialize)]
struct KindsFile {
    kind: std::collections::BTreeMap<String, KindSpec>,
}

/// Everything compiled from `scrubbers/`.
#[derive(Debug)]
pub struct Packs {
    pub rules: Vec<Rule>,
    /// One automaton over every rule's keywords of two bytes or more; pattern i belongs to
    /// `keyword_rule[i]`.
    pub keyword_matcher: AhoCorasick,
    pub keyword_rule: Vec<usize>,
    /// One-byte keywords (`:`, `-`, `#`) and the rules they switch on. They occur in almost
    /// every report, so one byte search each settles them, where the automaton would list
    /// every colon and hyphen of the text.
    pub keyword_bytes: Vec<(u8, Vec<usize>)>,
    pub kinds: std::collections::BTreeMap<String, KindSpec>,
    pub public_domains: Vec<String>,
    /// `public_domains` for lookups.
    pub public_domain_set: rustc_hash::FxHashSet<String>,
    pub host_suffixes: rustc_hash::FxHashSet<String>,
}

impl Packs {
    pub fn bundled() -> Result<Packs, ScrubError> {
        Packs::compile(BUNDLED_PACKS, KINDS_TOML, PUBLIC_DOMAINS, HOST_SUFFIXES)
    }

    pub fn compile(
        packs: &[(&str, &str)],
        kinds: &str,
        public_domains: &str,
        host_suffixes: &str,
    ) -> Result<Packs, ScrubError> {
        let kinds: KindsFile =
            toml::from_str(kinds).map_err(|e| ScrubError::Pack(format!("kinds.toml: {e}")))?;
        let mut rules = Vec::new();
        for (name, text) in packs {
            let file: PackFile =
                toml::from_str(text).map_err(|e| ScrubError::Pack(format!("{name}.toml: {e}")))?;
            for spec in file.rule {
                let id = format!("{}.{}", file.pack.id, spec.id);
                if !kinds.kind.contains_key(&spec.kind) {
                    return Err(ScrubError::Pack(format!(
                        "rule {id}: unknown kind {}",
                        spec.kind
                    )));
                }
                let regex = compile_ascii(&spec.pattern)
                    .map_err(|e| ScrubError::Pack(format!("rule {id}: {e}")))?;
                let hir = coverage::parse(&spec.pattern)
                    .map_err(|e| ScrubError::Pack(format!("rule {id}: {e}")))?;
                // The prefilter skips a rule on text without its keywords, which is only
                // sound when no match can do without one.
                if !spec.keywords.is_empty() && !coverage::keywords_cover(&hir, &spec.keywords) {
                    return Err(ScrubError::Pack(format!(
                        "rule {id}: a match need not contain any of its keywords"
                    )));
                }
                let except = spec
                    .except
                    .as_deref()
                    .map(|p| compile_ascii(&format!("^(?:{p})$")))
                    .transpose()
                    .map_err(|e| ScrubError::Pack(format!("rule {id} except: {e}")))?;
                let except_acronyms = match spec.except_list.as_deref() {
                    None => false,
                    Some("acronyms") => true,
                    Some(other) => {
                        return Err(ScrubError::Pack(format!(
                            "rule {id}: unknown except_list {other}"
                        )));
                    }
                };
                let transform = match spec.transform.as_deref() {
                    None => None,
                    Some("date") => Some(Transform::Date),
                    Some("time") => Some(Transform::Time),
                    Some("datetime") => Some(Transform::DateTime),
                    Some("scale") => Some(Transform::Scale),
                    Some("count") => Some(Transform::Count),
                    Some("people") => Some(Transform::People),
                    Some("names") => Some(Transform::Names),
                    Some("speaker") => Some(Transform::Speaker),
                    Some(other) => {
                        return Err(ScrubError::Pack(format!(
                            "rule {id}: unknown transform {other}"
                        )));
                    }
                };
                let validator = match spec.validate.as_deref() {
                    None => None,
                    Some("ipv4") => Some(Validator::Ipv4),
                    Some("ipv6") => Some(Validator::Ipv6),
                    Some("hostname") => Some(Validator::Hostname),
                    Some("url") => Some(Validator::Url),
                    Some("host-path") => Some(Validator::HostPath),
                    Some("phone") => Some(Validator::Phone),
                    Some("own-name") => Some(Validator::OwnName),
                    Some("person-name") => Some(Validator::PersonName),
                    Some("luhn") => Some(Validator::Luhn),
                    Some("login") => Some(Validator::Login),
                    Some("dotless-host") => Some(Validator::DotlessHost),
                    Some(other) => {
                        return Err(ScrubError::Pack(format!(
                            "rule {id}: unknown validator {other}"
                        )));
                    }
                };
                let long_keywords =
                    !spec.keywords.is_empty() && spec.keywords.iter().all(|k| k.len() >= 2);
                rules.push(Rule {
                    id: Box::leak(id.into_boxed_str()),
                    kind: Box::leak(spec.kind.into_boxed_str()),
                    regex,
                    keywords: spec.keywords.iter().map(|k| k.to_lowercase()).collect(),
                    window: coverage::keyword_window(&hir, &spec.keywords),
                    alphabet: coverage::match_alphabet(&hir).filter(|_| long_keywords),
                    group: spec.group,
                    validator,
                    trim_end: spec.trim_end,
                    boundary: spec.boundary,
                    min_entropy: spec.min_entropy,
                    except,
                    except_acronyms,
                    not_after: spec.not_after,
                    transform,
                    examples: spec.examples,
                });
            }
        }
        let mut keywords = Vec::new();
        let mut keyword_rule = Vec::new();
        let mut keyword_bytes: Vec<(u8, Vec<usize>)> = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            for k in &rule.keywords {
                if let &[b] = k.as_bytes() {
                    match keyword_bytes.iter_mut().find(|(x, _)| *x == b) {
                        Some((_, owners)) => owners.push(i),
                        None => keyword_bytes.push((b, vec![i])),
                    }
                    continue;
                }
                keywords.push(k.clone());
                keyword_rule.push(i);
            }
        }
        // A full DFA: a few hundred short keywords make a small one, and it walks every byte
        // of every report several times faster than the default NFA.
        let keyword_matcher = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&keywords)
            .map_err(|e| ScrubError::Pack(format!("keywords: {e}")))?;
        let public_domains = data_lines(public_domains);
        Ok(Packs {
            public_domain_set: public_domains.iter().cloned().collect(),
            rules,
            keyword_matcher,
            keyword_rule,
            keyword_bytes,
            kinds: kinds.kind,
            public_domains,
            host_suffixes: data_lines(host_suffixes).into_iter().collect(),
        })
    }
}

/// Compiles a rule pattern with ASCII-only classes when the pattern allows it (about 40×
/// faster for bounded repetitions), falling back to Unicode for patterns that need it.
/// The lower-level regex type lets a search keep the whole text for its assertions while
/// looking only at a span of it.
fn compile_ascii(pattern: &str) -> Result<Regex, String> {
    let build = |unicode: bool| {
        Regex::builder()
            .configure(Regex::config().nfa_size_limit(Some(1 << 24)))
            .syntax(regex_automata::util::syntax::Config::new().unicode(unicode))
            .build(pattern)
            .map_err(|e| e.to_string())
    };
    build(false).or_else(|_| build(true))
}

/// Whether a word is an acronym of technical or business prose (`SRE`, `PST`, `ICU`), in
/// any case: never a person's initials nor an organisation's guessed initialism.
pub fn is_acronym(word: &str) -> bool {
    static SET: OnceLock<FxHashSet<String>> = OnceLock::new();
    SET.get_or_init(|| data_lines(ACRONYMS).into_iter().collect())
        .contains(&word.to_lowercase())
}

/// Whether an initialism spells a short English word, a unit or an acronym (`of`, `ms`,
/// `api`), which an organisation's initials are never taken to be.
pub fn is_word_initialism(word: &str) -> bool {
    static SHORT: OnceLock<FxHashSet<String>> = OnceLock::new();
    SHORT
        .get_or_init(|| data_lines(SHORT_WORDS).into_iter().collect())
        .contains(&word.to_lowercase())
        || is_acronym(word)
}

/// Non-empty, non-comment lines of a data file, lower-cased.
fn data_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.to_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack_with(pattern: &str, keywords: &str) -> Result<Packs, ScrubError> {
        let pack = format!(
            "[pack]\nid = \"t\"\n[[rule]]\nid = \"r\"\nkind = \"self-description\"\npattern = '''{pattern}'''\nkeywords = {keywords}\nexamples = []\n"
        );
        Packs::compile(&[("t", &pack)], KINDS_TOML, "", "")
    }

    /// The prefilter skips a rule on text without its keywords, so a pack whose rule can
    /// match without one is refused rather than silently missing matches.
    #[test]
    fn a_rule_that_can_match_without_its_keywords_is_refused() {
        let refused = pack_with(r"(?i)the no\.? ?[1-5] company", r#"["no."]"#);
        assert!(
            matches!(&refused, Err(ScrubError::Pack(m)) if m.contains("keywords")),
            "{refused:?}"
        );
        let accepted = pack_with(r"(?i)the no\.? ?[1-5] company", r#"["no"]"#)
            .expect("every match holds `no`");
        assert_eq!(accepted.rules[0].window, Some("the no. 1 company".len()));
    }
}

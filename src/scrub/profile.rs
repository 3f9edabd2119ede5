//! An organisation's identity profile and the matcher built from it.
//! Expands each term into case, possessive and slug variants and finds them with aho-corasick.

use aho_corasick::{AhoCorasick, MatchKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::pack::is_word_initialism;

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
    /// The distinctive first word of a company's name ("Fjordline" of "Fjordline Ferries"):
    /// found capitalised or inside an identifier, not as a lower-case word.
    pub short_form: bool,
    /// A guessed initialism of a one-name organisation (`tw` of "Tillwright", `MGT` of
    /// "Marrowgate"): found only as a segment of an identifier (`tw-batch-02`), at the
    /// head of a CamelCase name (`TBYForceUpdate`) or as a word in three capitals.
    pub guessed_initialism: bool,
    /// The initials of a multi-word term ("FV" of "Farma Verde"): never right after an
    /// apostrophe (`they’re` for "Roblox Engineering").
    pub initials: bool,
}

#[derive(Debug)]
pub struct ProfileMatcher {
    automaton: Option<AhoCorasick>,
    targets: Vec<TermTarget>,
    /// Single-word terms of at least `MIN_FUZZY_LEN` letters, lower-cased, by every
    /// one-letter deletion of them (and themselves): a symmetric-delete index, so a
    /// misspelling is found with a few hash lookups whatever the profile's size. A fast
    /// hash: every capitalised word of a report costs a dozen lookups here, and the keys
    /// come from the organisation's own profile.
    fuzzy: rustc_hash::FxHashMap<String, Vec<usize>>,
    fuzzy_terms: Vec<(String, usize)>,
    /// Multi-word terms by the deletions of their first word, as (first word, the rest,
    /// target): "Sabel Security" for "Sable Security", where the misspelt word alone is
    /// an ordinary name but the rest of the term confirms it.
    phrase_index: rustc_hash::FxHashMap<String, Vec<usize>>,
    phrases: Vec<(String, String, usize)>,
}

/// One profile match. `identifier` is the whole enclosing identifier when the term sits
/// inside one (`acme-payments`, `roadrunner-db-03`).
pub struct ProfileMatch<'a> {
    pub start: usize,
    pub end: usize,
    pub target: &'a TermTarget,
    pub identifier: Option<(usize, usize)>,
}

/// Misspellings are only looked for in terms this long: shorter ones collide with words.
const MIN_FUZZY_LEN: usize = 5;

/// Terms shorter than this only match as whole words; longer ones also match inside
/// identifiers such as `acmecorp-prod` or `myacme`.
const MIN_EMBEDDED_LEN: usize = 4;

impl ProfileMatcher {
    pub fn new(profile: &IdentityProfile) -> ProfileMatcher {
        ProfileMatcher::with_dictionary(profile, |_| true, |_| false)
    }

    /// As `new`, with a dictionary test: the first word of a two- or three-word organisation
    /// or customer name that is in no dictionary is its brand, and found alone
    /// ("Pendleford" of "Pendleford Regional Transit").
    pub fn with_dictionary(
        profile: &IdentityProfile,
        is_known_word: impl Fn(&str) -> bool,
        is_technology: impl Fn(&str) -> bool,
    ) -> ProfileMatcher {
        let mut patterns: Vec<String> = Vec::new();
        let mut targets: Vec<TermTarget> = Vec::new();
        let mut seen = std::collections::HashSet::new();
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
        // A domain's registrable label is the organisation's handle elsewhere too:
        // `getquokka` from `getquokka.com` in `github.com/getquokka/billing`.
        let domain_labels: Vec<String> = profile
            .domains
            .iter()
            .filter_map(|d| {
                let labels: Vec<&str> = d.trim().split('.').collect();
                (labels.len() >= 2).then(|| (labels[labels.len() - 2], labels[labels.len() - 1]))
            })
            .flat_map(|(label, tld)| {
                let short = domain_initialism(label, tld);
                // An ordinary word (`crates` of `crates.io`, `groups` of `groups.io`) is no
                // handle: alone it would hide every crate and group of the report.
                (label.len() >= 5 && !is_known_word(&label.to_lowercase()))
                    .then(|| label.to_string())
                    .into_iter()
                    .chain(short)
            })
            .collect();
        let mut groups = groups.to_vec();
        groups.push((
            "org",
            "profile.domain-label",
            domain_labels.iter().collect(),
        ));
        let canonical_of = |kind: &str, term: &str| {
            if kind == "org" {
                org_canonical.clone()
            } else {
                term.trim().to_lowercase()
            }
        };
        let mut derived: Vec<(String, &'static str, &'static str, String)> = Vec::new();
        for (kind, rule, terms) in groups {
            for term in terms {
                // Forms derived from a term (its short form) come after every term as
                // written, so an alias that equals one keeps its own, wider matching.
                if let Some(short) = matches!(kind, "org" | "customer" | "product")
                    .then(|| short_form(term).or_else(|| brand_word(term, &is_known_word)))
                    .flatten()
                    // "Discord Tickets" is not shortened to a technology ("Discord").
                    .filter(|short| !is_technology(&short.to_lowercase()))
                {
                    derived.push((short.to_string(), kind, rule, canonical_of(kind, term)));
                }
                let canonical = canonical_of(kind, term);
                let initials = initialism(term);
                for variant in variants(term) {
                    if !seen.insert(variant.to_lowercase()) {
                        continue;
                    }
                    let is_initials = initials.as_ref() == Some(&variant);
                    patterns.push(variant);
                    targets.push(TermTarget {
                        kind,
                        canonical: canonical.clone(),
                        rule,
                        short_form: false,
                        guessed_initialism: false,
                        initials: is_initials,
                    });
                }
            }
        }
        for (short, kind, rule, canonical) in derived {
            if seen.insert(short.to_lowercase()) {
                patterns.push(short);
                targets.push(TermTarget {
                    kind,
                    canonical,
                    rule,
                    short_form: true,
                    guessed_initialism: false,
                    initials: false,
                });
            }
        }
        let one_name_terms = std::iter::once(&profile.name).chain(&profile.aliases);
        for guess in one_name_terms.flat_map(|term| guessed_initialisms(term)) {
            if seen.insert(guess.clone()) {
                patterns.push(guess);
                targets.push(TermTarget {
                    kind: "org",
                    canonical: org_canonical.clone(),
                    rule: "profile.initialism",
                    short_form: false,
                    guessed_initialism: true,
                    initials: false,
                });
            }
        }
        let mut fuzzy: rustc_hash::FxHashMap<String, Vec<usize>> = Default::default();
        let mut fuzzy_terms = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let lower = p.to_lowercase();
            if lower.len() < MIN_FUZZY_LEN || !lower.bytes().all(|b| b.is_ascii_alphabetic()) {
                continue;
            }
            let id = fuzzy_terms.len();
            for variant in deletions(&lower) {
                fuzzy.entry(variant).or_default().push(id);
            }
            fuzzy_terms.push((lower, i));
        }
        let mut phrase_index: rustc_hash::FxHashMap<String, Vec<usize>> = Default::default();
        let mut phrases = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let lower = p.to_lowercase();
            let Some((first, rest)) = lower.split_once(' ') else {
                continue;
            };
            if first.len() < MIN_FUZZY_LEN || !first.bytes().all(|b| b.is_ascii_alphabetic()) {
                continue;
            }
            let id = phrases.len();
            for variant in deletions(first) {
                phrase_index.entry(variant).or_default().push(id);
            }
            phrases.push((first.to_string(), format!(" {rest}"), i));
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
        ProfileMatcher {
            automaton,
            targets,
            fuzzy,
            fuzzy_terms,
            phrase_index,
            phrases,
        }
    }

    /// Non-overlapping matches, respecting word boundaries for short terms.
    pub fn find<'a>(&'a self, text: &str) -> Vec<ProfileMatch<'a>> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let bytes = text.as_bytes();
        // A match turned down (a short term glued inside a word) must not hide a longer
        // term that starts inside it (`ks` of "Kestrel Securities" in `ksmars-08`): the
        // search resumes one byte later instead of after it.
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < text.len() {
            let Some(m) = ac.find(aho_corasick::Input::new(text).span(pos..text.len())) else {
                break;
            };
            let accept = |m: &aho_corasick::Match| {
                let left_ok = m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphanumeric();
                let right_ok = m.end() == bytes.len() || !bytes[m.end()].is_ascii_alphanumeric();
                let target = &self.targets[m.pattern().as_usize()];
                if target.guessed_initialism {
                    return guessed_initialism_at(bytes, m.start(), m.end(), left_ok, right_ok)
                        .map(|identifier| ProfileMatch {
                            start: m.start(),
                            end: m.end(),
                            target,
                            identifier,
                        });
                }
                // An identifier holds no space, so a term with one can only be glued at its
                // start: "Cybercon Inc" is not inside "Cybercon Incident".
                let embedded = m.end() - m.start() >= MIN_EMBEDDED_LEN
                    && (right_ok || !bytes[m.start()..m.end()].contains(&b' '))
                    && in_identifier(bytes, m.start(), m.end());
                if !(embedded || left_ok && right_ok) {
                    return None;
                }
                let token = identifier_token(bytes, m.start(), m.end());
                // `ca` of "Corvid Analytics" is not the `ca` of `ca-central-1`.
                if token != (m.start(), m.end()) && cloud_region(&bytes[token.0..token.1]) {
                    return None;
                }
                if target.short_form
                    && !bytes[m.start()].is_ascii_uppercase()
                    && token == (m.start(), m.end())
                {
                    return None;
                }
                if target.initials && after_apostrophe(bytes, m.start()) {
                    return None;
                }
                let identifier = (!text[m.start()..m.end()].contains(' ')
                    && token != (m.start(), m.end()))
                    .then_some(token);
                Some(ProfileMatch {
                    start: m.start(),
                    end: m.end(),
                    target,
                    identifier,
                })
            };
            // A longer term turned down at this start ("Cybercon Inc" inside "Cybercon
            // Incident") leaves the shorter ones that start here ("Cybercon") to try.
            let mut found = accept(&m);
            let mut limit = m.end();
            while found.is_none() && limit > m.start() + 1 {
                match ac.find(aho_corasick::Input::new(text).span(m.start()..limit - 1)) {
                    Some(shorter) if shorter.start() == m.start() => {
                        found = accept(&shorter);
                        limit = shorter.end();
                    }
                    _ => break,
                }
            }
            match found {
                Some(f) => {
                    pos = f.end.max(pos + 1);
                    out.push(f);
                }
                None => {
                    pos = m.start() + 1;
                    while pos < text.len() && !text.is_char_boundary(pos) {
                        pos += 1;
                    }
                }
            }
        }
        self.confirmed_initialisms(text, &mut out);
        out
    }

    /// A guessed initialism the text uses inside an identifier (`QL-Platform_P1_Escalation`)
    /// is the organisation's: it then counts as a word in capitals too ("schedule QL
    /// Platform Primary").
    fn confirmed_initialisms<'a>(&'a self, text: &str, out: &mut Vec<ProfileMatch<'a>>) {
        let confirmed: Vec<String> = out
            .iter()
            .filter(|f| f.target.guessed_initialism && f.identifier.is_some())
            .map(|f| text[f.start..f.end].to_ascii_uppercase())
            .collect();
        if confirmed.is_empty() {
            return;
        }
        let bytes = text.as_bytes();
        let mut extra = Vec::new();
        for word in &confirmed {
            for (at, _) in text.match_indices(word.as_str()) {
                let end = at + word.len();
                let bounded = (at == 0 || !bytes[at - 1].is_ascii_alphanumeric())
                    && (end == bytes.len()
                        || !(bytes[end].is_ascii_alphanumeric()
                            || matches!(bytes[end], b'-' | b'_' | b'.')
                                && bytes.get(end + 1).is_some_and(u8::is_ascii_alphanumeric)));
                let covered = out.iter().any(|f| {
                    let (a, b) = f.identifier.unwrap_or((f.start, f.end));
                    a <= at && end <= b
                });
                if bounded && !covered {
                    let Some(target) = out
                        .iter()
                        .find(|f| f.target.guessed_initialism && f.identifier.is_some())
                        .map(|f| f.target)
                    else {
                        return;
                    };
                    extra.push(ProfileMatch {
                        start: at,
                        end,
                        target,
                        identifier: None,
                    });
                }
            }
        }
        out.extend(extra);
        out.sort_by_key(|f| f.start);
    }

    /// Words one edit away from a profile term (`Acmee`, `Roadrunenr`), for capitalised
    /// words that `is_ordinary` does not know as a plain word or name.
    pub fn find_misspelled<'a>(
        &'a self,
        text: &str,
        is_ordinary: impl Fn(&str) -> bool,
    ) -> Vec<ProfileMatch<'a>> {
        if self.fuzzy_terms.is_empty() && self.phrases.is_empty() {
            return Vec::new();
        }
        let bytes = text.as_bytes();
        let mut out = self.find_hyphen_split(text);
        // Buffers reused for every word: most capitalised words are looked up and dropped,
        // and an allocation per word and per deletion cost more than the lookups.
        let mut lower = String::new();
        let mut variant = String::new();
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_uppercase() || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            if i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] >= 0x80) {
                continue;
            }
            let word = &text[start..i];
            if word.len() < MIN_FUZZY_LEN - 1 || word.len() > 40 {
                continue;
            }
            lower.clear();
            lower.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            let mut hit = None;
            any_deletion(&lower, &mut variant, |v| {
                if let Some(ids) = self.fuzzy.get(v) {
                    hit = ids.iter().copied().find(|&id| {
                        let term = &self.fuzzy_terms[id].0;
                        *term != lower && strsim::damerau_levenshtein(term, &lower) == 1
                    });
                }
                hit.is_some()
            });
            // The whole misspelt phrase first, so no word of it is left behind.
            if let Some((end, target)) = self.misspelled_phrase(text, &lower, i, &mut variant) {
                out.push(ProfileMatch {
                    start,
                    end,
                    target: &self.targets[target],
                    identifier: None,
                });
                i = end;
            } else if let Some(id) = hit
                && !is_ordinary(&lower)
            {
                out.push(ProfileMatch {
                    start,
                    end: i,
                    target: &self.targets[self.fuzzy_terms[id].1],
                    identifier: None,
                });
            }
        }
        out
    }
}

impl ProfileMatcher {
    /// One-word terms written with hyphens inside (`loom-wise` for Loomwise, `Road-Runner`):
    /// people break compound names where the exact variants cannot guess.
    fn find_hyphen_split<'a>(&'a self, text: &str) -> Vec<ProfileMatch<'a>> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_alphabetic() || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphabetic()
                    || (bytes[i] == b'-'
                        && i + 1 < bytes.len()
                        && bytes[i + 1].is_ascii_alphabetic()
                        && bytes[i - 1].is_ascii_alphabetic()))
            {
                i += 1;
            }
            if i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] >= 0x80) {
                continue;
            }
            let word = &text[start..i];
            if !word.contains('-') {
                continue;
            }
            let joined: String = word
                .bytes()
                .filter(|b| *b != b'-')
                .map(|b| b.to_ascii_lowercase() as char)
                .collect();
            let found = self.fuzzy.get(&joined).and_then(|ids| {
                ids.iter()
                    .copied()
                    .find(|&id| self.fuzzy_terms[id].0 == joined)
            });
            if let Some(id) = found {
                out.push(ProfileMatch {
                    start,
                    end: i,
                    target: &self.targets[self.fuzzy_terms[id].1],
                    identifier: None,
                });
            }
        }
        out
    }

    /// A misspelt first word followed by the rest of a multi-word term, exactly: the end
    /// of the whole phrase and its target.
    fn misspelled_phrase(
        &self,
        text: &str,
        word: &str,
        word_end: usize,
        buf: &mut String,
    ) -> Option<(usize, usize)> {
        if self.phrase_index.is_empty() {
            return None;
        }
        let rest_of_text = &text[word_end..];
        let mut found = None;
        any_deletion(word, buf, |variant| {
            let Some(ids) = self.phrase_index.get(variant) else {
                return false;
            };
            found = ids.iter().find_map(|&id| {
                let (first, rest, target) = &self.phrases[id];
                (first != word
                    && strsim::damerau_levenshtein(first, word) == 1
                    && rest_of_text
                        .get(..rest.len())
                        .is_some_and(|r| r.eq_ignore_ascii_case(rest))
                    && !rest_of_text[rest.len()..].starts_with(|c: char| c.is_alphanumeric()))
                .then_some((word_end + rest.len(), *target))
            });
            found.is_some()
        });
        found
    }
}

/// Calls `visit` with the word, then each of its one-letter deletions (built in `buf`), until
/// it returns true; the scan-time form of `deletions`, without an allocation per variant.
fn any_deletion(word: &str, buf: &mut String, mut visit: impl FnMut(&str) -> bool) -> bool {
    if visit(word) {
        return true;
    }
    for (i, c) in word.char_indices() {
        buf.clear();
        buf.push_str(&word[..i]);
        buf.push_str(&word[i + c.len_utf8()..]);
        if visit(buf) {
            return true;
        }
    }
    false
}

/// The word and each of its one-letter deletions.
fn deletions(word: &str) -> Vec<String> {
    let mut out = Vec::with_capacity(word.len() + 1);
    out.push(word.to_string());
    for (i, _) in word.char_indices() {
        let mut v = String::with_capacity(word.len());
        v.push_str(&word[..i]);
        v.push_str(&word[i + 1..]);
        out.push(v);
    }
    out
}

/// The identifier around a match: letters, digits, `-`, `_` and inner dots.
fn identifier_token(bytes: &[u8], start: usize, end: usize) -> (usize, usize) {
    let is_token = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    let mut from = start;
    while from > 0 && is_token(bytes[from - 1]) {
        from -= 1;
    }
    let mut to = end;
    while to < bytes.len() && is_token(bytes[to]) {
        to += 1;
    }
    while to > end && matches!(bytes[to - 1], b'.' | b'-' | b'_') {
        to -= 1;
    }
    while from < start && matches!(bytes[from], b'.' | b'-' | b'_') {
        from += 1;
    }
    (from, to)
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

/// Initialisms a team may have made of a one-name organisation, to look for inside
/// identifiers: the first letter and one or two later consonants, in order (`tw`, `tg` of
/// "Tillwright"; `mg`, `mgt` of "Marrowgate"; `cvp` of "Corvane Payments"). Only for names
/// of one or two words: longer names have their word initials in `variants`.
fn guessed_initialisms(name: &str) -> Vec<String> {
    let name = without_legal_form(name);
    let letters: Vec<u8> = name
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    if letters.len() < 5 || name.split_whitespace().count() > 2 {
        return Vec::new();
    }
    let consonants: Vec<u8> = letters[1..]
        .iter()
        .copied()
        .filter(|b| !matches!(b, b'a' | b'e' | b'i' | b'o' | b'u'))
        .collect();
    let mut out = std::collections::BTreeSet::new();
    for (i, &second) in consonants.iter().enumerate() {
        out.insert(String::from_utf8_lossy(&[letters[0], second]).into_owned());
        for &third in &consonants[i + 1..] {
            out.insert(String::from_utf8_lossy(&[letters[0], second, third]).into_owned());
        }
    }
    out.into_iter()
        .filter(|g| !is_word_initialism(g) && !g.as_bytes().windows(2).any(|w| w[0] == w[1]))
        .collect()
}

/// Where a guessed initialism counts (see `TermTarget::guessed_initialism`): `Some` with the
/// identifier it names, `Some(None)` for a word in three capitals, `None` elsewhere.
fn guessed_initialism_at(
    bytes: &[u8],
    start: usize,
    end: usize,
    left_ok: bool,
    right_ok: bool,
) -> Option<Option<(usize, usize)>> {
    let capitals = bytes[start..end].iter().all(u8::is_ascii_uppercase);
    let lower = bytes[start..end].iter().all(u8::is_ascii_lowercase);
    let title = end - start >= 3
        && bytes[start].is_ascii_uppercase()
        && bytes[start + 1..end].iter().all(u8::is_ascii_lowercase);
    if !(capitals || lower || title) || !left_ok {
        return None;
    }
    // `TBYForceUpdateCoordinator`, `TwkWebhookFanoutWorker`: the initialism, then a
    // capitalised word glued to it.
    let camel_head = (capitals || title)
        && bytes.get(end).is_some_and(u8::is_ascii_uppercase)
        && bytes.get(end + 1).is_some_and(u8::is_ascii_lowercase);
    if title && !camel_head {
        return None;
    }
    if !(right_ok || camel_head) {
        return None;
    }
    let token = identifier_token(bytes, start, end);
    if cloud_region(&bytes[token.0..token.1]) {
        return None;
    }
    // A segment between `-` or `_`: after a dot it is a domain label (`.ac`, `.am`).
    let joined = |at: Option<&u8>| at.is_none_or(|b| matches!(b, b'-' | b'_'));
    let before = (start > token.0).then(|| &bytes[start - 1]);
    let after = (end < token.1).then(|| &bytes[end]);
    // `vdm.scan-events.v3`: three letters or more opening a dotted name (a Kafka topic, a
    // metric, a package) are its namespace.
    let namespace = before.is_none() && after == Some(&b'.') && end - start >= 3;
    let segmented = token != (start, end) && joined(before) && (joined(after) || namespace);
    if segmented || camel_head {
        return Some(Some(if camel_head {
            let mut to = end;
            while to < bytes.len() && bytes[to].is_ascii_alphanumeric() {
                to += 1;
            }
            // `TwkWebhookFanoutWorker.perform_async`: the class, not the method after it.
            (token.0, to)
        } else {
            token
        }));
    }
    (capitals && end - start == 3 && token == (start, end)).then_some(None)
}

/// A cloud region or zone written as providers do (`ap-south-1`, `ca-central-1a`,
/// `us-gov-west-1`, `australia-southeast1-b`): public, and no organisation's name.
pub(crate) fn cloud_region(token: &[u8]) -> bool {
    const DIRECTIONS: &[&str] = &[
        "north",
        "south",
        "east",
        "west",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
    ];
    const GEOGRAPHIES: &[&str] = &[
        "us",
        "eu",
        "ap",
        "ca",
        "sa",
        "me",
        "af",
        "il",
        "cn",
        "mx",
        "asia",
        "europe",
        "australia",
        "northamerica",
        "southamerica",
        "africa",
    ];
    let Ok(token) = std::str::from_utf8(token) else {
        return false;
    };
    let parts: Vec<&str> = token.split('-').collect();
    parts.len() >= 2
        && parts.len() <= 4
        && GEOGRAPHIES.contains(&parts[0])
        && parts[1..]
            .iter()
            .any(|p| DIRECTIONS.contains(&p.trim_end_matches(|c: char| c.is_ascii_digit())))
        && parts
            .last()
            .is_some_and(|p| p.bytes().any(|b| b.is_ascii_digit()) || p.len() == 1)
}

/// An internal zone's short label is the initialism hosts and certificates carry: `hc` of
/// `hc.internal` in `hc-lon2-node-14`, `fh` of `fh-internal.net` in `fh-origin-eu-tls`.
/// Only internal zones count: the label before a public suffix (`com` of `x.com.br`) is not
/// the organisation's.
fn domain_initialism(label: &str, tld: &str) -> Option<String> {
    const INTERNAL: &[&str] = &[
        "internal", "int", "corp", "infra", "lan", "local", "intranet",
    ];
    let head = match label.split_once('-') {
        Some((head, rest)) if INTERNAL.contains(&rest) => head,
        None if INTERNAL.contains(&tld.to_lowercase().as_str()) => label,
        _ => return None,
    };
    let lower = head.to_lowercase();
    ((2..=4).contains(&lower.len())
        && lower.chars().all(|c| c.is_ascii_lowercase())
        && !is_word_initialism(&lower))
    .then_some(lower)
}

/// Whether the initials of a multi-word term end a contraction (`we’re`, `they'll`) at
/// `start`: then they are no mention of it.
fn after_apostrophe(bytes: &[u8], start: usize) -> bool {
    bytes[..start].ends_with(b"'") || bytes[..start].ends_with("’".as_bytes())
}

/// The initials of a multi-word term ("Farma Verde" → `FV`), when they make an initialism
/// of two to four letters that is not an ordinary word.
fn initialism(term: &str) -> Option<String> {
    let words: Vec<&str> = without_legal_form(term)
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect();
    // "Saltmarsh & Vey" is written `S&V`.
    if let [first, "&", second] = words.as_slice() {
        let initials: String = [first, second]
            .iter()
            .filter_map(|w| w.chars().next())
            .collect();
        return initials.chars().all(char::is_uppercase).then(|| {
            initials
                .chars()
                .map(String::from)
                .collect::<Vec<_>>()
                .join("&")
        });
    }
    if words.len() < 2 {
        return None;
    }
    let initials: String = words.iter().filter_map(|w| w.chars().next()).collect();
    (initials.chars().all(|c| c.is_alphabetic())
        && (2..=4).contains(&initials.chars().count())
        && !is_word_initialism(&initials))
    .then_some(initials)
}

/// A name without the legal form after it ("Quayline Freight Systems Ltd" → "Quayline Freight
/// Systems", "Veldmark Logistics B.V." → "Veldmark Logistics"): teams abbreviate the name.
fn without_legal_form(name: &str) -> &str {
    const LEGAL_FORMS: &[&str] = &[
        "ltd",
        "limited",
        "inc",
        "llc",
        "plc",
        "gmbh",
        "ag",
        "bv",
        "b.v",
        "nv",
        "n.v",
        "sa",
        "s.a",
        "corp",
        "corporation",
        "co",
        "pty",
        "pte",
        "as",
        "ab",
        "oy",
        "srl",
        "spa",
        "sas",
        "sarl",
        "kg",
        "llp",
    ];
    let mut rest = name.trim();
    while let Some((head, last)) = rest.rsplit_once(' ') {
        let word = last
            .trim_matches(|c: char| matches!(c, '.' | ','))
            .to_lowercase();
        if !LEGAL_FORMS.contains(&word.as_str()) {
            break;
        }
        rest = head.trim_end_matches([',', ' ']);
    }
    rest
}

/// Words that only say what kind of business a name is ("Ferries", "Credit Union").
const BUSINESS_WORDS: &[&str] = &[
    "&",
    // Legal forms of other countries ("Fjordlys Sport AS", "Pelikán Logistika s.r.o.").
    "ab",
    "aps",
    "as",
    "asa",
    "bv",
    "kg",
    "llp",
    "nv",
    "oy",
    "oyj",
    "pty",
    "s.r.o",
    "sa",
    "sarl",
    "sas",
    "spa",
    "sport",
    "sports",
    "srl",
    "accounting",
    "ag",
    "agency",
    "airlines",
    "airways",
    "analytics",
    "and",
    "apotheken",
    "asset",
    "associates",
    "automotive",
    "bakery",
    "bank",
    "banking",
    "books",
    "booksellers",
    "brewery",
    "brokers",
    "capital",
    "clinic",
    "clinics",
    "co",
    "coffee",
    "college",
    "communications",
    "company",
    "consulting",
    "cooperative",
    "corp",
    "corporation",
    "credit",
    "dental",
    "digital",
    "energy",
    "entertainment",
    "exchange",
    "ferries",
    "finance",
    "financial",
    "foods",
    "foundation",
    "freight",
    "furniture",
    "games",
    "gaming",
    "garden",
    "gmbh",
    "group",
    "health",
    "healthcare",
    "holdings",
    "hospital",
    "hospitals",
    "hotels",
    "inc",
    "industries",
    "insurance",
    "interactive",
    "international",
    "investments",
    "jewellers",
    "kitchen",
    "kitchens",
    "labs",
    "lettings",
    "limited",
    "llc",
    "logistics",
    "ltd",
    "management",
    "media",
    "microfinance",
    "mobile",
    "motors",
    "mutual",
    "networks",
    "of",
    "outdoor",
    "outfitters",
    "partners",
    "payments",
    "pension",
    "pharma",
    "pharmacy",
    "plc",
    "press",
    "publishing",
    "resorts",
    "retail",
    "roasters",
    "robotics",
    "schools",
    "securities",
    "services",
    "shipping",
    "software",
    "solutions",
    "stores",
    "studio",
    "studios",
    "supermarkets",
    "supply",
    "systems",
    "technologies",
    "technology",
    "telecom",
    "the",
    "ticketing",
    "tickets",
    "transport",
    "travel",
    "trust",
    "union",
    "university",
    "ventures",
    "wealth",
];

/// The brand of a company name made of one distinctive word and business words
/// ("Fjordline Ferries", "Harbourview Credit Union" → "Fjordline", "Harbourview"): people
/// shorten such names to the first word.
fn short_form(term: &str) -> Option<&str> {
    let mut words = term
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| matches!(c, '.' | ',')));
    let first = words.next()?;
    let rest: Vec<String> = words.map(str::to_lowercase).collect();
    (!rest.is_empty()
        && first.chars().count() >= 5
        && first.chars().all(char::is_alphabetic)
        && first.starts_with(|c: char| c.is_uppercase())
        && rest.iter().all(|w| BUSINESS_WORDS.contains(&w.as_str())))
    .then_some(first)
}

/// The first word of a name of two or three words, when it is a coined word of five letters
/// or more that no dictionary holds.
fn brand_word(term: &str, is_known_word: impl Fn(&str) -> bool) -> Option<&str> {
    let words: Vec<&str> = term.split_whitespace().collect();
    let first = *words.first()?;
    ((2..=3).contains(&words.len())
        && first.chars().count() >= 5
        && first.chars().all(char::is_alphabetic)
        && first.starts_with(|c: char| c.is_uppercase())
        && !is_known_word(&first.to_lowercase()))
    .then_some(first)
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
        // The initialism teams use in identifiers and chat: "Farma Verde" → `fv`.
        if let Some(initials) = initialism(term) {
            out.push(initials);
        }
    }
    // "M&F" is also written `mandf`, `m-and-f` and `MF` in slugs and chat.
    if term.contains('&') {
        for replacement in ["and", " and ", ""] {
            let spelled = term.replace('&', replacement);
            let words: Vec<&str> = spelled
                .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
                .filter(|w| !w.is_empty())
                .collect();
            out.push(words.join(" "));
            if words.len() > 1 {
                for sep in ["-", "_", ""] {
                    out.push(words.join(sep));
                }
            }
        }
    }
    out.retain(|v| v.chars().count() >= 2);
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of every match, in order.
    fn matched_texts<'t>(m: &ProfileMatcher, text: &'t str) -> Vec<&'t str> {
        m.find(text).iter().map(|f| &text[f.start..f.end]).collect()
    }

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
    fn a_domain_label_that_is_an_ordinary_word_is_no_handle() {
        let m = ProfileMatcher::with_dictionary(
            &IdentityProfile {
                name: "Quokka Rail".into(),
                domains: vec!["crates.io".into(), "getquokka.com".into()],
                ..Default::default()
            },
            |w| w == "crates",
            |_| false,
        );
        let text = "crates failed and getquokka paged";
        let found: Vec<&str> = m.find(text).iter().map(|f| &text[f.start..f.end]).collect();
        assert_eq!(found, vec!["getquokka"]);
    }

    #[test]
    fn guessed_initialisms_are_found_in_identifiers_and_as_capitals_only() {
        let m = ProfileMatcher::new(&IdentityProfile {
            name: "Tillwright".into(),
            ..Default::default()
        });
        let text = "tw-batch-02 ran repl_tw as TWRGateway; TWT paged; the tw of two, \
                    tw alone and tg-eu-west-1 stay";
        let found: Vec<(&str, Option<&str>)> = m
            .find(text)
            .iter()
            .map(|f| {
                (
                    &text[f.start..f.end],
                    f.identifier.map(|(a, b)| &text[a..b]),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("tw", Some("tw-batch-02")),
                ("tw", Some("repl_tw")),
                ("TWR", Some("TWRGateway")),
                ("TWT", None),
                ("tg", Some("tg-eu-west-1")),
            ]
        );
    }

    #[test]
    fn guessed_initialisms_of_aliases_open_namespaces_and_classes_then_count_as_words() {
        // The legal form is dropped before guessing; the alias guesses too.
        let m = ProfileMatcher::new(&IdentityProfile {
            name: "Veldmark Logistics B.V.".into(),
            aliases: vec!["Quayline".into()],
            ..Default::default()
        });
        let text = "lag on vdm.scan-events.v3, class VdmScanWorker.perform_async; \
                    escalation QL-Platform_P1 and schedule QL Platform; cv.pdf stays";
        let found: Vec<(&str, Option<&str>)> = m
            .find(text)
            .iter()
            .map(|f| {
                (
                    &text[f.start..f.end],
                    f.identifier.map(|(a, b)| &text[a..b]),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("vdm", Some("vdm.scan-events.v3")),
                ("Vdm", Some("VdmScanWorker")),
                ("QL", Some("QL-Platform_P1")),
                ("QL", None),
            ]
        );
    }

    #[test]
    fn the_initials_of_a_name_with_an_ampersand_keep_it() {
        assert_eq!(initialism("Saltmarsh & Vey").as_deref(), Some("S&V"));
        assert_eq!(
            without_legal_form("Hollowmere Devices, Inc."),
            "Hollowmere Devices"
        );
    }

    #[test]
    fn a_guessed_initialism_is_never_a_common_acronym() {
        // "Postmark" would guess `pst`, a time zone; "Devonshire" `dns`.
        for name in ["Postmark", "Devonshire"] {
            let m = ProfileMatcher::new(&IdentityProfile {
                name: name.into(),
                ..Default::default()
            });
            let text = "at 09:14 PST the pst-relay-02 and dns-01 hosts, not db-1.pst";
            assert!(matched_texts(&m, text).is_empty(), "{name}");
        }
    }

    #[test]
    fn a_coined_first_word_of_a_customer_is_found_alone() {
        let profile = IdentityProfile {
            name: "Halcyra".into(),
            customers: vec![
                "Pendleford Regional Transit".into(),
                "Northern Rail Group".into(),
            ],
            ..Default::default()
        };
        let m = ProfileMatcher::with_dictionary(&profile, |w| w == "northern", |_| false);
        let text = "Pendleford's desk and Northern trains";
        let found = matched_texts(&m, text);
        assert_eq!(found, vec!["Pendleford"]);
    }

    #[test]
    fn cloud_regions_are_not_identifiers_of_the_organisation() {
        for region in [
            "ap-south-1",
            "ca-central-1a",
            "us-gov-west-1",
            "australia-southeast1-b",
        ] {
            assert!(cloud_region(region.as_bytes()), "{region}");
        }
        for other in ["tw-batch-02", "ca-prod-1", "ap-south"] {
            assert!(!cloud_region(other.as_bytes()), "{other}");
        }
    }

    #[test]
    fn finds_case_possessive_and_slug_variants() {
        let m = ProfileMatcher::new(&profile());
        let text = "ACME's team; acme-corp and acmecorp_prod; AcmeCorp ran Roadrunner";
        let found = matched_texts(&m, text);
        assert_eq!(
            found,
            vec!["ACME", "acme-corp", "acmecorp", "AcmeCorp", "Roadrunner"]
        );
    }

    #[test]
    fn word_initialisms_and_lower_case_short_forms_are_not_matched() {
        let m = ProfileMatcher::new(&IdentityProfile {
            name: "Kestrel Securities".into(),
            products: vec!["SMARS".into()],
            customers: vec!["Okapi Freight".into(), "Fjordline Ferries".into()],
            ..Default::default()
        });
        let text = "one of the KS servers (ksmars-08); Fjordline's CTO, not a fjordline; \
                    the loss of data at OF; of-prod";
        let found = matched_texts(&m, text);
        assert_eq!(found, vec!["KS", "smars", "Fjordline"]);
    }

    #[test]
    fn an_internal_zone_label_is_an_initialism_of_the_organisation() {
        let m = ProfileMatcher::new(&IdentityProfile {
            name: "Hollowcrest Insurance".into(),
            domains: vec![
                "hollowcrest.co.uk".into(),
                "hc.internal".into(),
                "fh-internal.net".into(),
                "my-shop.com".into(),
                "hollowcrest.com.br".into(),
            ],
            ..Default::default()
        });
        // `hi` (the initials of the name) is a greeting, not the organisation; `my` of
        // `my-shop.com` is a word; `com` of `.com.br` is a public suffix.
        let text = "Hi all, hc-lon2-node-14 and fh-origin-eu-tls failed; my pod; dev.mysql.com";
        let found = matched_texts(&m, text);
        assert_eq!(found, vec!["hc", "fh"]);
    }

    #[test]
    fn a_short_form_drops_foreign_legal_forms() {
        assert_eq!(short_form("Fjordlys Sport AS"), Some("Fjordlys"));
        assert_eq!(short_form("Pelikan Logistika s.r.o."), None);
        assert_eq!(
            short_form("Brackenridge Credit Union"),
            Some("Brackenridge")
        );
    }

    #[test]
    fn embedded_matches_only_inside_identifiers() {
        let m = ProfileMatcher::new(&IdentityProfile {
            name: "Hover".into(),
            ..Default::default()
        });
        let text = "a switchover of hoverdb01 and myhover-api and HoverCorp; MyHoverAPI.";
        let found = matched_texts(&m, text);
        assert_eq!(found, vec!["hover", "hover", "Hover", "Hover"]);
    }

    #[test]
    fn a_term_with_a_space_is_never_embedded_in_a_longer_word() {
        let m = ProfileMatcher::new(&IdentityProfile {
            name: "Cybercon".into(),
            aliases: vec!["Cybercon Inc".into()],
            ..Default::default()
        });
        assert_eq!(
            matched_texts(
                &m,
                "Cybercon Incident Report; Cybercon Inc. and CyberconInc"
            ),
            ["Cybercon", "Cybercon Inc", "CyberconInc"]
        );
    }

    #[test]
    fn a_name_is_not_shortened_to_a_technology() {
        let profile = IdentityProfile {
            name: "Eartharoid".into(),
            aliases: vec!["Discord Tickets".into()],
            customers: vec!["Marigold Hotels".into()],
            ..Default::default()
        };
        let m = ProfileMatcher::with_dictionary(&profile, |_| true, |w| w == "discord");
        assert_eq!(
            matched_texts(&m, "Discord Tickets is a bot for Discord; Marigold paid"),
            ["Discord Tickets", "Marigold"]
        );
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

    #[test]
    fn ampersands_are_spelled_out_in_slugs() {
        let v = variants("M&F");
        for expected in ["M&F", "MandF", "M and F", "M-and-F", "MF"] {
            assert!(v.iter().any(|x| x == expected), "{expected} in {v:?}");
        }
        let v = variants("Marlow & Finch");
        for expected in ["marlow-and-finch", "MarlowFinch", "Marlow and Finch"] {
            assert!(
                v.iter().any(|x| x.eq_ignore_ascii_case(expected)),
                "{expected} in {v:?}"
            );
        }
    }

    #[test]
    fn a_one_word_term_split_by_a_hyphen_is_found() {
        let m = ProfileMatcher::new(&IdentityProfile {
            name: "Loomwise".into(),
            ..IdentityProfile::default()
        });
        let text = "loom-wise's platform and Loom-Wise, not loom-wiser or pay-loom";
        let found: Vec<&str> = m
            .find_misspelled(text, |_| false)
            .iter()
            .map(|x| &text[x.start..x.end])
            .collect();
        assert_eq!(found, vec!["loom-wise", "Loom-Wise"]);
    }

    #[test]
    fn a_misspelt_phrase_is_found_whole() {
        let m = ProfileMatcher::new(&IdentityProfile {
            name: "Marlowe & Finch".into(),
            aliases: vec!["Marlowe".into()],
            ..Default::default()
        });
        let text = "the steps Marlow & Finch is taking; Marlow alone is a name";
        let found: Vec<&str> = m
            .find_misspelled(text, |w| w == "marlow")
            .iter()
            .map(|f| &text[f.start..f.end])
            .collect();
        assert_eq!(found, vec!["Marlow & Finch"]);
    }
}

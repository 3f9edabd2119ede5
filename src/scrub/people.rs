//! People and other organisations: name and company dictionaries from `scrubbers/dict/`
//! combined with the context rules of `scrubbers/people.toml`.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

use super::ScrubError;

const PEOPLE_TOML: &str = include_str!("../../scrubbers/people.toml");
const GIVEN: &str = include_str!("../../scrubbers/dict/given-names.txt");
const SURNAMES: &str = include_str!("../../scrubbers/dict/surnames.txt");
const NAME_COMMON_WORDS: &str = include_str!("../../scrubbers/dict/name-common-words.txt");
const STOPWORDS: &str = include_str!("../../scrubbers/dict/stopwords-names.txt");
const ENGLISH: &str = include_str!("../../scrubbers/dict/english-words.txt");
const COMPANIES: &str = include_str!("../../scrubbers/dict/companies.txt");
const COMPANIES_AMBIGUOUS: &str = include_str!("../../scrubbers/dict/companies-ambiguous.txt");
const TECH_VENDORS: &str = include_str!("../../scrubbers/dict/tech-vendors.txt");

#[derive(Deserialize)]
struct ContextFile {
    people: PeopleContext,
    companies: CompanyContext,
}

#[derive(Deserialize)]
struct PeopleContext {
    strong_before: Vec<String>,
    before: Vec<String>,
    after: Vec<String>,
    unit_words: Vec<String>,
}

#[derive(Deserialize)]
struct CompanyContext {
    context: Vec<String>,
}

/// Finds person names and company names in text.
#[derive(Debug)]
pub struct PeopleDetector {
    given: HashSet<String>,
    surnames: HashSet<String>,
    /// Names that are also ordinary words: they need context.
    ambiguous: HashSet<String>,
    /// Words that are never names, whatever precedes them.
    never: HashSet<String>,
    /// Ordinary English words: a capitalised one is a sentence start or a heading, not a name.
    english: HashSet<String>,
    strong_before: HashSet<String>,
    before: HashSet<String>,
    before_phrases: Vec<Vec<String>>,
    after: HashSet<String>,
    after_phrases: Vec<Vec<String>>,
    unit_words: HashSet<String>,
    companies: Option<AhoCorasick>,
    company_ambiguous: Vec<bool>,
    company_vendor: Vec<bool>,
    company_context: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
    /// End without a possessive `'s`.
    core_end: usize,
    title: bool,
    lower: bool,
    /// Glued to digits or code punctuation: only the `first.last` rule looks at it.
    code: bool,
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn lower_set(text: &str) -> HashSet<String> {
    lines(text).map(|l| l.to_lowercase()).collect()
}

impl PeopleDetector {
    /// Builds the detector; `technology_terms` (lower-case) are never names or companies.
    pub fn bundled(technology_terms: &HashSet<String>) -> Result<PeopleDetector, ScrubError> {
        let ctx: ContextFile = toml::from_str(PEOPLE_TOML)
            .map_err(|e| ScrubError::Pack(format!("people.toml: {e}")))?;
        let english = lower_set(ENGLISH);
        let given = lower_set(GIVEN);
        let surnames = lower_set(SURNAMES);
        let vendors = lower_set(TECH_VENDORS);
        let mut never = lower_set(STOPWORDS);
        never.extend(technology_terms.iter().cloned());
        never.extend(vendors.iter().cloned());
        let mut ambiguous = lower_set(NAME_COMMON_WORDS);
        ambiguous.extend(
            given
                .iter()
                .chain(&surnames)
                .filter(|n| n.chars().count() <= 2)
                .cloned(),
        );
        // Surnames that are ordinary words (Field, Stone, Price) need context alone.
        ambiguous.extend(
            surnames
                .iter()
                .filter(|n| english.contains(*n) && !given.contains(*n))
                .cloned(),
        );
        let split = |items: &[String]| -> (HashSet<String>, Vec<Vec<String>>) {
            let mut single = HashSet::new();
            let mut phrases = Vec::new();
            for item in items {
                let words: Vec<String> = item.split_whitespace().map(str::to_lowercase).collect();
                if words.len() == 1 {
                    single.insert(words[0].clone());
                } else {
                    phrases.push(words);
                }
            }
            (single, phrases)
        };
        let (before, before_phrases) = split(&ctx.people.before);
        let (after, after_phrases) = split(&ctx.people.after);

        let mut names: Vec<String> = Vec::new();
        let mut company_ambiguous = Vec::new();
        let mut company_vendor = Vec::new();
        for (text, is_ambiguous) in [
            (COMPANIES, false),
            (COMPANIES_AMBIGUOUS, true),
            (TECH_VENDORS, true),
        ] {
            for name in lines(text) {
                let lower = name.to_lowercase();
                if technology_terms.contains(&lower) {
                    continue;
                }
                // A single ordinary word ("Target", "Shell") is only a company with context,
                // and so is a vendor: used as technology it stays (scrubbers/people.toml).
                let acronym = name.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2
                    && !english.contains(&lower);
                let ambiguous_word = is_ambiguous
                    || (!name.contains(' ') && english.contains(&lower))
                    || (name.chars().count() <= 3 && !acronym);
                let ambiguous_word = ambiguous_word || vendors.contains(&lower);
                names.push(name.to_string());
                company_ambiguous.push(ambiguous_word);
                company_vendor.push(vendors.contains(&lower));
            }
        }
        let companies = if names.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&names)
                    .map_err(|e| ScrubError::Pack(format!("companies: {e}")))?,
            )
        };
        Ok(PeopleDetector {
            given,
            surnames,
            ambiguous,
            never,
            english,
            strong_before: ctx
                .people
                .strong_before
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
            before,
            before_phrases,
            after,
            after_phrases,
            unit_words: ctx
                .people
                .unit_words
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
            companies,
            company_ambiguous,
            company_vendor,
            company_context: ctx
                .companies
                .context
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
        })
    }

    /// Whether a lower-case word is an ordinary word, a known name or a technology.
    pub fn is_known_word(&self, lower: &str) -> bool {
        self.english.contains(lower) || self.is_name(lower) || self.never.contains(lower)
    }

    fn is_name(&self, lower: &str) -> bool {
        self.given.contains(lower) || self.surnames.contains(lower)
    }

    /// A dictionary name that reads as a name on its own.
    fn is_clear_name(&self, lower: &str) -> bool {
        self.is_name(lower) && !self.ambiguous.contains(lower) && !self.never.contains(lower)
    }

    /// Person name spans, each covering one mention ("Alice Smith", "alice.smith", "Priya").
    pub fn find_people(&self, text: &str) -> Vec<(usize, usize)> {
        let tokens = tokenize(text);
        // Most words are already lower case: borrow those instead of allocating.
        let lower: Vec<std::borrow::Cow<'_, str>> = tokens
            .iter()
            .map(|t| {
                let word = &text[t.start..t.core_end];
                if t.lower {
                    std::borrow::Cow::Borrowed(word)
                } else {
                    std::borrow::Cow::Owned(word.to_lowercase())
                }
            })
            .collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let t = tokens[i];
            let l = &lower[i];
            if self.never.contains(l.as_ref()) || l.len() < 2 {
                i += 1;
                continue;
            }
            // `alice.smith` / `alice_smith`: two name parts joined by a dot or underscore.
            if let Some(next) = tokens.get(i + 1)
                && next.start == t.end + 1
                && matches!(text.as_bytes()[t.end], b'.' | b'_')
                && self.given.contains(l.as_ref())
                && self.is_name(&lower[i + 1])
                && text.as_bytes().get(next.end).is_none_or(|b| *b != b'@')
            {
                out.push((t.start, next.core_end));
                i += 2;
                continue;
            }
            if t.code {
                i += 1;
                continue;
            }
            let strong = self.strong_context_before(text, &tokens, &lower, i);
            let weak = strong || self.context_before(text, &tokens, &lower, i);
            if t.title {
                // A run of capitalised words: given name + surname (+ surname).
                let mut end_tok = i;
                while end_tok + 1 < tokens.len()
                    && end_tok < i + 2
                    && tokens[end_tok + 1].title
                    && only_space_between(text, tokens[end_tok].end, tokens[end_tok + 1].start)
                    && tokens[end_tok].core_end == tokens[end_tok].end
                    && !self.never.contains(lower[end_tok + 1].as_ref())
                {
                    end_tok += 1;
                }
                if end_tok > i {
                    let first = &lower[i];
                    let second = &lower[i + 1];
                    let first_given = self.given.contains(first.as_ref());
                    let clear = (i..=end_tok).any(|k| self.is_clear_name(&lower[k]));
                    let second_ok = self.is_name(second) || !self.english.contains(second.as_ref());
                    let second_clear_surname = self.surnames.contains(second.as_ref())
                        && !self.ambiguous.contains(second.as_ref())
                        && !self.english.contains(second.as_ref());
                    if first_given && second_ok && (clear || weak)
                        || (self.surnames.contains(second.as_ref()) && self.is_clear_name(first))
                        || (first_given && second_clear_surname)
                    {
                        out.push((t.start, tokens[end_tok].core_end));
                        i = end_tok + 1;
                        continue;
                    }
                }
                let after = self.context_after(text, &tokens, &lower, i);
                let unknown = !self.english.contains(l.as_ref()) && l.chars().count() >= 3;
                let single = if self.is_name(l) {
                    !self.ambiguous.contains(l.as_ref()) || weak || after
                } else {
                    // An unknown capitalised word right after a strong cue ("paged Zbigniew")
                    // or right before a person's verb ("Venkat hands over").
                    unknown && ((strong && !sentence_start(text, t.start)) || after)
                };
                // Headings capitalise every word: only a clear name or a strong cue counts.
                let single = single
                    && (strong
                        || (self.is_clear_name(l) && !self.english.contains(l.as_ref()))
                        || !heading_line(text, t.start));
                if single && !self.unit_words.contains(l.as_ref()) {
                    out.push((t.start, t.core_end));
                }
            } else if t.lower && enclosed_cell(text, &t) && self.handle_like(l) {
                // An owner column or a trailing owner: `| skapoor |`, `(ananya)`.
                out.push((t.start, t.core_end));
            } else if t.lower
                && self.is_name(l)
                && (strong || (self.is_clear_name(l) && (weak || chat_speaker(text, &t))))
            {
                out.push((t.start, t.core_end));
            }
            i += 1;
        }
        out
    }

    fn strong_context_before(
        &self,
        text: &str,
        tokens: &[Token],
        lower: &[std::borrow::Cow<'_, str>],
        i: usize,
    ) -> bool {
        if i > 0 && text[..tokens[i].start].trim_end().ends_with('@') {
            return true;
        }
        i > 0
            && near(text, tokens[i - 1].end, tokens[i].start)
            && self.strong_before.contains(lower[i - 1].as_ref())
    }

    fn context_before(
        &self,
        text: &str,
        tokens: &[Token],
        lower: &[std::borrow::Cow<'_, str>],
        i: usize,
    ) -> bool {
        if i == 0 || !near(text, tokens[i - 1].end, tokens[i].start) {
            return false;
        }
        if self.before.contains(lower[i - 1].as_ref()) {
            return true;
        }
        self.before_phrases.iter().any(|p| {
            p.len() <= i
                && p.iter()
                    .enumerate()
                    .all(|(k, w)| lower[i - p.len() + k] == *w)
        })
    }

    fn context_after(
        &self,
        text: &str,
        tokens: &[Token],
        lower: &[std::borrow::Cow<'_, str>],
        i: usize,
    ) -> bool {
        let Some(next) = tokens.get(i + 1) else {
            return false;
        };
        if !near(text, tokens[i].end, next.start) {
            return false;
        }
        if self.after.contains(lower[i + 1].as_ref()) {
            return true;
        }
        self.after_phrases.iter().any(|p| {
            i + p.len() < lower.len() && p.iter().enumerate().all(|(k, w)| lower[i + 1 + k] == *w)
        })
    }

    /// A username made of a name: `giulia`, `skapoor` (initial + surname), `rebeccaw`
    /// (given name + initial). Ordinary words and technologies are not.
    fn handle_like(&self, lower: &str) -> bool {
        if lower.len() < 3 || self.english.contains(lower) || self.never.contains(lower) {
            return false;
        }
        let clear = |w: &str| w.len() >= 4 && self.is_name(w) && !self.english.contains(w);
        clear(lower)
            || lower.get(1..).is_some_and(clear)
            || lower.get(..lower.len() - 1).is_some_and(clear)
    }

    /// The names in a people list (`Alice Smith, Bob Jones and KM (scribe)`), as spans
    /// relative to `value`.
    pub fn split_people_list(&self, value: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = value.as_bytes();
        let mut i = 0;
        let push = |from: usize, to: usize, out: &mut Vec<(usize, usize)>| {
            let item = &value[from..to];
            // Drop a trailing role in brackets or after a dash: `Priya Raman (IC)`.
            let item_end = item.find(['(', '[', '<']).unwrap_or(item.len());
            let core = &item[..item_end];
            let core = core.split(" - ").next().unwrap_or(core);
            let lead = core.len() - core.trim_start_matches([' ', '*', '_', '"']).len();
            let trimmed = core.trim_matches([' ', '*', '_', '"', '.', '\t']);
            if trimmed.is_empty() || !self.looks_like_person(trimmed) {
                return;
            }
            out.push((from + lead, from + lead + trimmed.len()));
        };
        while i < bytes.len() {
            let sep_len = if matches!(bytes[i], b',' | b';' | b'/' | b'&' | b'|') {
                1
            } else if bytes[i..].starts_with(b" and ") {
                5
            } else {
                0
            };
            if sep_len > 0 {
                push(start, i, &mut out);
                i += sep_len;
                start = i;
            } else {
                i += 1;
            }
        }
        push(start, bytes.len(), &mut out);
        out
    }

    fn looks_like_person(&self, item: &str) -> bool {
        if item.contains('@') || item.contains("://") {
            return false;
        }
        let words: Vec<&str> = item.split_whitespace().collect();
        if words.is_empty() || words.len() > 4 {
            return false;
        }
        let initials =
            |w: &str| (2..=3).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase());
        if words.len() == 1 && initials(words[0]) {
            return !self.never.contains(&words[0].to_lowercase());
        }
        words.iter().all(|w| {
            let l = w.to_lowercase();
            let first = w.chars().next().is_some_and(|c| c.is_uppercase());
            // A list under "Attendees:" is already evidence: only plain words and teams
            // are turned away, not names that double as stopwords ("Sun", "June").
            let known_name = self.is_name(&l);
            !self.unit_words.contains(&l)
                && (known_name || !self.never.contains(&l))
                && (first || known_name)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '.' | '\'' | '-'))
        })
    }

    /// Company names: unambiguous dictionary entries anywhere, ambiguous ones after a
    /// context word ("customer Target").
    pub fn find_companies(&self, text: &str) -> Vec<(usize, usize)> {
        let Some(ac) = &self.companies else {
            return Vec::new();
        };
        let bytes = text.as_bytes();
        ac.find_iter(text)
            .filter(|m| {
                let left_ok = m.start() == 0
                    || !(is_word_byte(bytes[m.start() - 1])
                        || matches!(bytes[m.start() - 1], b'/' | b'.' | b'-' | b'@' | b'#'));
                let right_ok = m.end() == bytes.len()
                    || !(is_word_byte(bytes[m.end()])
                        || (matches!(bytes[m.end()], b'.' | b'/' | b'-')
                            && bytes
                                .get(m.end() + 1)
                                .is_some_and(|b| b.is_ascii_alphanumeric())));
                if !(left_ok && right_ok) {
                    return false;
                }
                let index = m.pattern().as_usize();
                if !self.company_ambiguous[index] {
                    return true;
                }
                // An ordinary-word company capitalised in mid-sentence is a name ("traffic
                // from Decathlon"); vendors still need a customer/partner context.
                if !self.company_vendor[index]
                    && !sentence_start(text, m.start())
                    && !heading_line(text, m.start())
                {
                    return true;
                }
                let before = text[..m.start()].trim_end_matches([' ', ',', ':']);
                let from = before.len().saturating_sub(24);
                let from = (from..=before.len())
                    .find(|&k| before.is_char_boundary(k))
                    .unwrap_or(before.len());
                let window = before[from..].to_lowercase();
                self.company_context
                    .iter()
                    .any(|c| window.ends_with(&format!(" {c}")) || window == *c)
            })
            .map(|m| (m.start(), m.end()))
            .collect()
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Two tokens are adjacent when only spaces, a colon or a comma separate them.
fn near(text: &str, end: usize, start: usize) -> bool {
    start >= end
        && start - end <= 3
        && text[end..start]
            .bytes()
            .all(|b| matches!(b, b' ' | b':' | b',' | b'\t'))
}

fn only_space_between(text: &str, end: usize, start: usize) -> bool {
    start == end + 1 && text.as_bytes()[end] == b' '
}

/// Whether a word opens a sentence, where capitals say nothing about names.
fn sentence_start(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', '\t', '*', '_', '"', '(']);
    before.is_empty() || before.ends_with(['.', '!', '?', '\n', ':', '#', '-', '|'])
}

/// A word alone in a table cell (`| giulia |`) or in brackets (`(ananya)`).
fn enclosed_cell(text: &str, t: &Token) -> bool {
    let before = text[..t.start].trim_end_matches([' ', '\t']);
    let after = text[t.end..].trim_start_matches([' ', '\t']);
    (before.ends_with('|') && after.starts_with('|'))
        || (before.ends_with('(') && after.starts_with(')'))
}

/// Whether a position is on a Markdown heading or a line in Title Case.
fn heading_line(text: &str, pos: usize) -> bool {
    let line_start = text[..pos].rfind('\n').map_or(0, |p| p + 1);
    let line_end = text[pos..].find('\n').map_or(text.len(), |p| pos + p);
    let line = text[line_start..line_end].trim_start();
    if line.starts_with('#') || line.starts_with("h1.") || line.starts_with("h2.") {
        return true;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    words.len() >= 2
        && words.len() <= 12
        && words
            .iter()
            .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
            .all(|w| w.chars().next().is_some_and(char::is_uppercase) || w.len() <= 3)
}

/// `[14:02] alice: ...` or `alice: ...` at the start of a line.
fn chat_speaker(text: &str, t: &Token) -> bool {
    if text.as_bytes().get(t.end) != Some(&b':') {
        return false;
    }
    let line_start = text[..t.start].rfind('\n').map_or(0, |p| p + 1);
    let prefix = &text[line_start..t.start];
    prefix.bytes().all(|b| {
        b.is_ascii_digit() || matches!(b, b'[' | b']' | b':' | b' ' | b'-' | b'T' | b'Z' | b'.')
    })
}

/// Words: runs of letters with inner apostrophes and hyphens (`O'Brien`, `Jean-Luc`).
fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut iter = text.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        if !c.is_alphabetic() {
            continue;
        }
        // Skip words glued to digits, underscores or code punctuation (`Foo::Bar`,
        // `config.Load()`, `/Users`): identifiers, not prose.
        let glued_before = text[..start].chars().next_back().is_some_and(|p| {
            p.is_ascii_digit() || matches!(p, '_' | '/' | '\\' | '$' | '<' | '=' | '{' | '`')
        }) || text[..start].ends_with("::")
            || (text[..start].ends_with('.')
                && text[..start.saturating_sub(1)]
                    .chars()
                    .next_back()
                    .is_some_and(|p| p.is_alphanumeric()));
        let mut end = start + c.len_utf8();
        let mut upper_count = usize::from(c.is_uppercase());
        let mut lower_count = usize::from(c.is_lowercase());
        let mut glued_after = false;
        while let Some(&(pos, n)) = iter.peek() {
            if n.is_alphabetic() {
                upper_count += usize::from(n.is_uppercase());
                lower_count += usize::from(n.is_lowercase());
                end = pos + n.len_utf8();
                iter.next();
            } else if (n == '\'' || n == '’' || n == '-')
                && text[pos + n.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(|x| x.is_alphabetic())
            {
                end = pos + n.len_utf8();
                iter.next();
            } else {
                let rest = &text[pos..];
                glued_after = n.is_ascii_digit()
                    || matches!(n, '_' | '(' | '/' | '\\' | '=' | '<' | '{' | '`')
                    || rest.starts_with("::")
                    || (n == '.'
                        && rest[1..]
                            .chars()
                            .next()
                            .is_some_and(|x| x.is_alphanumeric()));
                break;
            }
        }
        let word = &text[start..end];
        let core_end = ["'s", "’s"]
            .iter()
            .find_map(|s| word.strip_suffix(s))
            .map_or(end, |core| start + core.len());
        let title = c.is_uppercase() && (lower_count > 0 || upper_count == 1) && {
            // `McDonald` and `DeShawn` are names; `iOS` and `PostgreSQL`-style inner runs
            // of capitals are not.
            upper_count <= 2
        };
        out.push(Token {
            start,
            end,
            core_end,
            title,
            lower: upper_count == 0,
            code: glued_before || glued_after,
        });
    }
    out
}

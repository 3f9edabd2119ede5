//! Proofs about rule patterns read from their syntax tree: that every match contains one of
//! the rule's keywords, and how long a match can be. The keyword prefilter relies on both.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Languages larger than this many strings are not enumerated.
const MAX_STRINGS: usize = 4096;
/// Classes with more members than this (`[a-z0-9]`) end a run of enumerable parts.
const MAX_CLASS: u32 = 40;

/// Whether every string `hir` matches contains one of `keywords`, compared ASCII
/// case-insensitively as the prefilter does. Unicode case folding also maps the Kelvin sign
/// to `k` and the long s to `s`; the scrubber skips the prefilter on text holding either.
/// Conservative: `false` means "not proven".
pub fn keywords_cover(hir: &Hir, keywords: &[String]) -> bool {
    let keywords: Vec<Vec<u8>> = keywords
        .iter()
        .map(|k| k.to_ascii_lowercase().into_bytes())
        .collect();
    covers(hir, &keywords)
}

/// Characters beyond ASCII that Unicode case folding equates with an ASCII letter.
pub const FOLDS_TO_ASCII: [char; 2] = ['\u{212A}', '\u{17F}'];

/// Parses a rule pattern the way it is compiled: ASCII classes when the pattern allows it.
pub fn parse(pattern: &str) -> Result<Hir, String> {
    let ascii = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .build()
        .parse(pattern);
    match ascii {
        Ok(hir) => Ok(hir),
        Err(_) => regex_syntax::Parser::new()
            .parse(pattern)
            .map_err(|e| e.to_string()),
    }
}

/// The longest match in bytes, `None` when unbounded.
pub fn maximum_len(hir: &Hir) -> Option<usize> {
    hir.properties().maximum_len()
}

/// How far around a keyword hit a rule must search: its longest match, when its matches are
/// bounded, never empty and proven to hold a keyword of two bytes or more.
pub fn keyword_window(hir: &Hir, keywords: &[String]) -> Option<usize> {
    let usable = !keywords.is_empty()
        && keywords.iter().all(|k| k.len() >= 2)
        && hir.properties().minimum_len().is_some_and(|n| n > 0)
        && keywords_cover(hir, keywords);
    maximum_len(hir).filter(|_| usable)
}

/// The bytes a rule's matches can be made of, when some common separator is not among them.
/// Every match then lies inside one maximal run of these bytes (a "segment"). A class
/// reaching beyond ASCII admits every byte from 0x80, so runs always begin and end on
/// character boundaries.
pub fn match_alphabet(hir: &Hir) -> Option<Box<[bool; 256]>> {
    if hir.properties().minimum_len().is_none_or(|n| n == 0) {
        return None;
    }
    let mut alphabet = Box::new([false; 256]);
    consumed_bytes(hir, &mut alphabet);
    if alphabet[0x80..].iter().any(|&b| b) {
        alphabet[0x80..].fill(true);
    }
    // A rule that can take every common separator finds segments about as long as the
    // text; searching it whole is simpler and no slower.
    let separators = b"\n\r\t .,;:!?()[]{}<>\"'|/=";
    separators
        .iter()
        .any(|&b| !alphabet[usize::from(b)])
        .then_some(alphabet)
}

fn consumed_bytes(hir: &Hir, alphabet: &mut [bool; 256]) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => {
            for &b in lit.0.iter() {
                alphabet[usize::from(b)] = true;
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            for r in c.iter() {
                alphabet[usize::from(r.start())..=usize::from(r.end())].fill(true);
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            for r in c.iter() {
                let (start, end) = (u32::from(r.start()), u32::from(r.end()));
                if start < 0x80 {
                    alphabet[start as usize..=end.min(0x7F) as usize].fill(true);
                }
                if end >= 0x80 {
                    alphabet[0x80..].fill(true);
                }
            }
        }
        HirKind::Capture(c) => consumed_bytes(&c.sub, alphabet),
        HirKind::Repetition(r) => consumed_bytes(&r.sub, alphabet),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            for p in parts {
                consumed_bytes(p, alphabet);
            }
        }
    }
}

fn covers(hir: &Hir, keywords: &[Vec<u8>]) -> bool {
    if let Some(strings) = language(hir) {
        return strings.iter().all(|s| contains_keyword(s, keywords));
    }
    match hir.kind() {
        HirKind::Capture(c) => covers(&c.sub, keywords),
        HirKind::Repetition(r) => r.min >= 1 && covers(&r.sub, keywords),
        HirKind::Alternation(alts) => alts.iter().all(|a| covers(a, keywords)),
        HirKind::Concat(parts) => {
            if parts.iter().any(|p| covers(p, keywords)) {
                return true;
            }
            // A keyword may also span adjacent parts (`(?:sk|rk)_live_`): enumerate the
            // strings of each run of enumerable parts.
            let languages: Vec<Option<Vec<Vec<u8>>>> = parts.iter().map(language).collect();
            (0..parts.len()).any(|from| {
                let mut strings = vec![Vec::new()];
                for lang in &languages[from..] {
                    match lang.as_ref().and_then(|l| product(&strings, l)) {
                        Some(longer) => strings = longer,
                        None => break,
                    }
                    if strings.iter().all(|s| contains_keyword(s, keywords)) {
                        return true;
                    }
                }
                false
            })
        }
        _ => false,
    }
}

/// Every string `hir` can match, ASCII lower-cased, when there are few of them.
fn language(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Literal(lit) => Some(vec![lit.0.to_ascii_lowercase()]),
        HirKind::Class(Class::Bytes(c)) => {
            let size: u32 = c.iter().map(|r| u32::from(r.end() - r.start()) + 1).sum();
            if size > MAX_CLASS {
                return None;
            }
            let mut members: Vec<Vec<u8>> = c
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .map(|b| vec![b.to_ascii_lowercase()])
                .collect();
            members.sort();
            members.dedup();
            Some(members)
        }
        HirKind::Class(Class::Unicode(c)) => {
            let size: u32 = c
                .iter()
                .map(|r| u32::from(r.end()) - u32::from(r.start()) + 1)
                .sum();
            if size > MAX_CLASS {
                return None;
            }
            let mut members: Vec<Vec<u8>> = c
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .map(|ch| match ch {
                    '\u{212A}' => b"k".to_vec(),
                    '\u{17F}' => b"s".to_vec(),
                    _ => ch.to_string().into_bytes().to_ascii_lowercase(),
                })
                .collect();
            members.sort();
            members.dedup();
            Some(members)
        }
        HirKind::Capture(c) => language(&c.sub),
        HirKind::Repetition(r) => {
            let max = r.max.filter(|&m| m <= 8)?;
            let sub = language(&r.sub)?;
            let mut all = Vec::new();
            let mut strings = vec![Vec::new()];
            for count in 0..=max {
                if count >= r.min {
                    all.extend(strings.iter().cloned());
                }
                if count < max {
                    strings = product(&strings, &sub)?;
                }
            }
            (all.len() <= MAX_STRINGS).then_some(all)
        }
        HirKind::Concat(parts) => parts
            .iter()
            .try_fold(vec![Vec::new()], |acc, p| product(&acc, &language(p)?)),
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for a in alts {
                all.extend(language(a)?);
                if all.len() > MAX_STRINGS {
                    return None;
                }
            }
            Some(all)
        }
    }
}

fn product(heads: &[Vec<u8>], tails: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if heads.len().saturating_mul(tails.len()) > MAX_STRINGS {
        return None;
    }
    Some(
        heads
            .iter()
            .flat_map(|h| tails.iter().map(move |t| [h.as_slice(), t].concat()))
            .collect(),
    )
}

fn contains_keyword(s: &[u8], keywords: &[Vec<u8>]) -> bool {
    keywords
        .iter()
        .any(|k| !k.is_empty() && s.windows(k.len()).any(|w| w == k.as_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proven(pattern: &str, keywords: &[&str]) -> bool {
        let keywords: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
        keywords_cover(&parse(pattern).expect("pattern parses"), &keywords)
    }

    #[test]
    fn keywords_are_found_through_case_folding_and_groups() {
        assert!(proven("(?i)password\\s*=\\s*\\S+", &["password"]));
        assert!(proven("(?i)\\b(?:pass(?:word)?|pwd)=", &["pass", "pwd"]));
        assert!(proven("AKIA[0-9A-Z]{16}", &["akia"]));
        assert!(proven("x(?:ab){2}y", &["abab"]));
        assert!(proven(
            "(?:sk|rk)_(?:live|test)_[0-9]+",
            &["_live_", "_test_"]
        ));
        assert!(proven(
            "gh[pousr]_[A-Za-z0-9]{30}",
            &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        ));
        // `.` forces Unicode classes, where `s` also folds to the long s.
        assert!(proven("(?i)secret.+", &["secret"]));
    }

    #[test]
    fn optional_or_missing_keywords_are_not_proven() {
        // `no\.?` matches `no 1`, which lacks the keyword `no.`.
        assert!(!proven(
            "(?i)the (?:number|no\\.?) ?[1-5]",
            &["number", "no."]
        ));
        assert!(!proven("(?i)(?:pass|secret)=\\S+", &["pass"]));
        assert!(!proven("a(?:token)?b", &["token"]));
        assert!(!proven("[a-z]+", &["a"]));
        assert!(!proven("gh[pousr]_[A-Za-z0-9]{30}", &["ghp_", "gho_"]));
        assert!(!proven("(?:city|port)\\s+of", &[" of "]));
    }

    #[test]
    fn the_match_alphabet_lists_every_byte_a_match_can_take() {
        let alphabet = |pattern: &str| match_alphabet(&parse(pattern).expect("pattern parses"));
        let a = alphabet("(?i)token=[A-Za-z0-9_]+").expect("separators excluded");
        for b in b"TOKENtoken=azAZ09_" {
            assert!(a[usize::from(*b)], "{}", *b as char);
        }
        for b in b" \n.,:-" {
            assert!(!a[usize::from(*b)], "{}", *b as char);
        }
        assert!(!a[0x80]);
        // `\s` takes newlines; a Unicode class admits every byte from 0x80.
        let a = alphabet(r"the\s+\p{L}+ leader").expect("`.` is excluded");
        assert!(a[usize::from(b'\n')] && a[0x80] && a[0xFF] && !a[usize::from(b'.')]);
        // Everything a separator could be, or an empty match: searched whole.
        assert!(alphabet(r"(?s)key.+").is_none());
        assert!(alphabet(r"x*").is_none());
    }

    #[test]
    fn match_length_is_bounded_only_without_open_repetitions() {
        assert_eq!(maximum_len(&parse("ab[0-9]{2,4}").unwrap()), Some(6));
        assert_eq!(maximum_len(&parse("ab[0-9]+").unwrap()), None);
    }
}

//! Finding the values already redacted once again elsewhere in a text (propagation).
//!
//! The values change with every text, so whatever finds them is built once per text and
//! used for one scan. An Aho-Corasick automaton over a few thousand values costs far more
//! to build than the scan saves; a hash of the values by their first bytes costs a few
//! instructions per value to build and a bit test per byte of text to scan.
//!
//! The matches are exactly those of a leftmost-longest, ASCII-case-insensitive
//! Aho-Corasick search over the same values (the matcher this replaced): scanning left to
//! right, the first position where any value matches wins, the longest value matching
//! there is taken, and the scan resumes at its end.

use rustc_hash::FxHashMap;

/// Values shorter than this are found by the automaton instead (no value that propagation
/// keeps is this short, so that path is only a safeguard).
const PREFIX: usize = 3;

/// The most bytes hashed at one position (the sum of the lengths of the values sharing a
/// prefix); beyond it the automaton is built instead.
const MAX_PROBE_BYTES: usize = 512;

pub(super) struct ValueFinder {
    inner: Inner,
}

enum Inner {
    Hashed(Hashed),
    Automaton(aho_corasick::AhoCorasick),
}

struct Hashed {
    /// One bit per hash of an ASCII-lower-cased three-byte prefix of some value: most
    /// positions of a text are ruled out by this test alone.
    prefixes: Vec<u64>,
    /// For each lower-cased three-byte prefix, the lengths of the values that start with
    /// it, longest first.
    lengths: FxHashMap<u32, Vec<usize>>,
    /// Lower-cased value to its index. Values are distinct once lower-cased (the caller
    /// deduplicates them), so one position and length can match at most one value.
    /// The keys are the submitter's text, so both maps keep the standard keyed hash: a
    /// report crafted to collide in a fixed hash must not make this quadratic.
    index: FxHashMap<Vec<u8>, usize>,
}

/// One occurrence: byte span and the index of the value.
pub(super) struct ValueMatch {
    start: usize,
    end: usize,
    pub value: usize,
}

impl ValueMatch {
    pub fn start(&self) -> usize {
        self.start
    }
    pub fn end(&self) -> usize {
        self.end
    }
}

/// Bits in the prefix filter: 32 KiB, small enough to stay in the first-level cache.
const FILTER_SHIFT: u32 = 32 - 18;

/// A value's first three bytes (lower-cased), packed.
fn prefix_key(lower: &[u8]) -> u32 {
    u32::from(lower[0]) | u32::from(lower[1]) << 8 | u32::from(lower[2]) << 16
}

fn filter_bit(key: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> FILTER_SHIFT) as usize
}

impl ValueFinder {
    /// `None` when nothing can be built (the automaton refused the values).
    pub fn new<'a>(values: impl Iterator<Item = &'a str> + Clone) -> Option<ValueFinder> {
        let automaton = |values| {
            let ac = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                // Every overlapping match: `find_all` picks the leftmost-longest accepted ones.
                .match_kind(aho_corasick::MatchKind::Standard)
                .build(values)
                .ok()?;
            Some(ValueFinder {
                inner: Inner::Automaton(ac),
            })
        };
        if values.clone().any(|v| v.len() < PREFIX) {
            return automaton(values);
        }
        let mut hashed = Hashed {
            prefixes: vec![0; (1usize << (32 - FILTER_SHIFT)) / 64],
            lengths: FxHashMap::default(),
            index: FxHashMap::default(),
        };
        for (i, v) in values.clone().enumerate() {
            let lower = v.as_bytes().to_ascii_lowercase();
            let key = prefix_key(&lower);
            let bit = filter_bit(key);
            hashed.prefixes[bit / 64] |= 1 << (bit % 64);
            let lengths = hashed.lengths.entry(key).or_default();
            if !lengths.contains(&lower.len()) {
                lengths.push(lower.len());
                // Every length is hashed at every position with this prefix: values planted
                // to share a prefix with many lengths would make the scan quadratic, where
                // the automaton stays linear.
                if lengths.iter().sum::<usize>() > MAX_PROBE_BYTES {
                    return automaton(values);
                }
            }
            // A value equal to an earlier one when lower-cased would be a second pattern
            // the automaton never reports (it prefers the first): keep the first.
            hashed.index.entry(lower).or_insert(i);
        }
        for lengths in hashed.lengths.values_mut() {
            lengths.sort_unstable_by(|a, b| b.cmp(a));
        }
        Some(ValueFinder {
            inner: Inner::Hashed(hashed),
        })
    }

    /// Every non-overlapping occurrence that `accept(start, end, value)` takes, left to
    /// right: at each position the longest accepted value wins, and the scan resumes at its
    /// end. With `accept` always true, these are the matches of the leftmost-longest search.
    pub fn find_all(
        &self,
        text: &str,
        accept: impl Fn(usize, usize, usize) -> bool,
    ) -> Vec<ValueMatch> {
        match &self.inner {
            Inner::Automaton(ac) => {
                let mut all: Vec<ValueMatch> = ac
                    .find_overlapping_iter(text)
                    .map(|m| ValueMatch {
                        start: m.start(),
                        end: m.end(),
                        value: m.pattern().as_usize(),
                    })
                    .collect();
                // Leftmost, then longest, then the first value given (as the
                // leftmost-longest automaton prefers it).
                all.sort_unstable_by(|a, b| {
                    a.start
                        .cmp(&b.start)
                        .then(b.end.cmp(&a.end))
                        .then(a.value.cmp(&b.value))
                });
                let mut next = 0;
                let mut out = Vec::new();
                for m in all {
                    if m.start >= next && accept(m.start, m.end, m.value) {
                        next = m.end;
                        out.push(m);
                    }
                }
                out
            }
            Inner::Hashed(h) => h.find_all(text.as_bytes(), accept),
        }
    }
}

impl Hashed {
    fn find_all(
        &self,
        bytes: &[u8],
        accept: impl Fn(usize, usize, usize) -> bool,
    ) -> Vec<ValueMatch> {
        let mut out = Vec::new();
        if bytes.len() < PREFIX {
            return out;
        }
        // One lower-cased copy up front: every comparison below is then a plain slice.
        let lower = bytes.to_ascii_lowercase();
        let mut pos = 0;
        while let Some(window) = lower.get(pos..pos + PREFIX) {
            let key = prefix_key(window);
            let bit = filter_bit(key);
            if self.prefixes[bit / 64] & (1 << (bit % 64)) == 0 {
                pos += 1;
                continue;
            }
            let found = self.lengths.get(&key).and_then(|lengths| {
                lengths.iter().find_map(|&len| {
                    let value = lower.get(pos..pos + len)?;
                    self.index
                        .get(value)
                        .filter(|&&v| accept(pos, pos + len, v))
                        .map(|&v| (pos + len, v))
                })
            });
            match found {
                Some((end, value)) => {
                    out.push(ValueMatch {
                        start: pos,
                        end,
                        value,
                    });
                    pos = end;
                }
                None => pos += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The automaton this replaced, as the reference.
    fn reference(values: &[&str], text: &str) -> Vec<(usize, usize, usize)> {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(values)
            .expect("automaton")
            .find_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect()
    }

    fn found(values: &[&str], text: &str) -> Vec<(usize, usize, usize)> {
        ValueFinder::new(values.iter().copied())
            .expect("finder")
            .find_all(text, |_, _, _| true)
            .iter()
            .map(|m| (m.start, m.end, m.value))
            .collect()
    }

    #[test]
    fn matches_the_automaton() {
        let cases: &[(&[&str], &str)] = &[
            (&["abc", "abcd", "bcde"], "xxABCDE abcde bcdef ab"),
            (
                &["db-1.acme", "db-12.acme", "acme"],
                "db-12.acme DB-1.ACME db-1.acmex acme",
            ),
            (
                &["Pat", "patrick", "Müller"],
                "Patrick pat MÜLLER Müller müller pat",
            ),
            (&["10.0.0.1", "0.0.1"], "10.0.0.10.0.0.1 node.10.0.0.1"),
            (&["aaa", "aaaa"], "aaaaaaaaaaa"),
            (&["ab", "abc"], "ababcab"),
            (&["x.y", "xyz"], "x.y"),
        ];
        for (values, text) in cases {
            assert_eq!(
                found(values, text),
                reference(values, text),
                "{values:?} in {text:?}"
            );
        }
    }

    /// Where the longest value is refused (glued to a word), a shorter one at the same
    /// place is taken, on both paths (a value under three bytes forces the automaton).
    #[test]
    fn a_shorter_value_stands_in_where_the_longest_is_refused() {
        let text = "x Alice Sp";
        let alone = |_: usize, end: usize, _: usize| {
            !text
                .as_bytes()
                .get(end)
                .is_some_and(u8::is_ascii_alphanumeric)
        };
        for values in [&["Alice S", "Alice"][..], &["Alice S", "Alice", "xy"][..]] {
            let got: Vec<_> = ValueFinder::new(values.iter().copied())
                .expect("finder")
                .find_all(text, alone)
                .iter()
                .map(|m| (m.start, m.end, m.value))
                .collect();
            assert_eq!(got, vec![(2, 7, 1)], "{values:?}");
        }
    }

    #[test]
    fn many_lengths_behind_one_prefix_fall_back_to_the_automaton() {
        let values: Vec<String> = (4..80).map(|n| format!("abc{}", "x".repeat(n))).collect();
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let finder = ValueFinder::new(values.iter().copied()).expect("finder");
        assert!(matches!(finder.inner, Inner::Automaton(_)));
        let text = "abcxxxxxxx abc abcxxxx".repeat(3);
        assert_eq!(found(&values, &text), reference(&values, &text));
    }

    #[test]
    fn matches_the_automaton_on_generated_text() {
        let words = ["ab", "abc", "bca", "cab", "AbC", "a-b", "b.c", "ç", "é"];
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..300 {
            let mut values: Vec<String> = Vec::new();
            for _ in 0..1 + next(6) {
                let v: String = (0..1 + next(3)).map(|_| words[next(words.len())]).collect();
                if v.len() >= 3 && !values.iter().any(|x| x.to_lowercase() == v.to_lowercase()) {
                    values.push(v);
                }
            }
            let text: String = (0..40).map(|_| words[next(words.len())]).collect();
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            assert_eq!(
                found(&values, &text),
                reference(&values, &text),
                "{values:?} in {text:?}"
            );
        }
    }
}

//! Query understanding: stems the query with the index's analyser, drops stop words, and
//! finds taxonomy concepts (ids, labels, aliases, category names) even when misspelt.

use std::sync::OnceLock;

use tantivy::tokenizer::TextAnalyzer;

use super::tokens;
use crate::domain::Taxonomy;
use crate::domain::taxonomy::Concept;

/// Words that carry no meaning for ranking ("why did our certificate expire"), from
/// `schema/stop-words.txt`.
fn is_stop_word(word: &str) -> bool {
    static WORDS: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    WORDS
        .get_or_init(|| {
            include_str!("../../schema/stop-words.txt")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect()
        })
        .contains(word)
}

/// What a search for a concept means: a provider's general id (`aws`) its whole category.
fn as_searched(taxonomy: &Taxonomy, concept: Concept) -> Concept {
    match &concept {
        Concept::Technology(id) => match taxonomy.technology(id) {
            Some(t) if t.umbrella => Concept::Category(t.category.clone()),
            _ => concept,
        },
        _ => concept,
    }
}

/// A taxonomy phrase as stems, and what it names.
struct ConceptPhrase {
    stems: Vec<String>,
    /// A one-word name whose stem is not itself (`windows` → `window`): only the name as
    /// written names the concept, so "a maintenance window" does not mean Windows Server.
    exact: Option<Vec<String>>,
    concept: Concept,
}

/// What the query means to the ranker.
#[derive(Debug, Default)]
pub(crate) struct Understanding {
    /// Stemmed content words, stop words removed, first occurrence order, no repeats.
    pub terms: Vec<String>,
    /// Taxonomy concepts named in the query, most specific first.
    pub concepts: Vec<Concept>,
    /// For each of `concepts`, the stems of the query words that named it (for a concept
    /// read from a misspelt word, the misspelling's stem).
    pub concept_stems: Vec<Vec<String>>,
    /// For each free term with synonyms (`schema/synonyms.toml`), the stem sequences of its
    /// other forms: (term's stem, alternatives).
    pub synonyms: Vec<(String, Vec<Vec<String>>)>,
    /// Misspelt words read as a concept: (word as typed, concept).
    pub corrections: Vec<(String, Concept)>,
    /// Stems of `terms` that are part of a recognised concept's name.
    pub covered: Vec<String>,
    /// Identifiers typed joined by `_`, `.` or `-` (`Seconds_Behind_Master`), as the index
    /// stores them whole: they rank reports carrying the exact identifier first, while
    /// their words alone decide what matches.
    pub joined: Vec<String>,
    /// Two adjacent free words that the index also holds written as one (`fail over` and
    /// `failover`, `roll back` and `rollback`): (first stem, second stem, stem of the word).
    pub compounds: Vec<(String, String, String)>,
}

/// The query's words as (word as typed, stem) pairs, the word recovered from the token
/// offsets; and the stems of its joined identifiers.
fn stems(analyzer: &mut TextAnalyzer, text: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut words = Vec::new();
    let mut joined = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        if tokens::is_joined(token) {
            if !joined.contains(&token.text) {
                joined.push(token.text.clone());
            }
            continue;
        }
        let raw = text
            .get(token.offset_from..token.offset_to)
            .unwrap_or("")
            .to_string();
        words.push((raw, token.text.clone()));
    }
    (words, joined)
}

fn phrases(analyzer: &mut TextAnalyzer) -> &'static [ConceptPhrase] {
    static PHRASES: OnceLock<Vec<ConceptPhrase>> = OnceLock::new();
    PHRASES.get_or_init(|| {
        let taxonomy = Taxonomy::bundled();
        let mut raw: Vec<(String, Concept)> = taxonomy
            .concept_phrases()
            .into_iter()
            .map(|(p, c)| (p, as_searched(taxonomy, c)))
            .collect();
        for c in &taxonomy.categories {
            raw.push((c.id.clone(), Concept::Category(c.id.clone())));
        }
        for f in &taxonomy.factors {
            raw.push((f.id.clone(), Concept::Factor(f.id.clone())));
        }
        let mut out: Vec<ConceptPhrase> = Vec::new();
        for (phrase, concept) in raw {
            let s: Vec<String> = stems(analyzer, &phrase)
                .0
                .into_iter()
                .map(|(_, s)| s)
                .collect();
            if s.is_empty() {
                continue;
            }
            let lower = phrase.to_lowercase();
            let exact = (s.len() == 1 && s[0] != lower && !lower.contains(char::is_whitespace))
                .then(|| vec![lower]);
            if let Some(seen) = out.iter_mut().find(|p| p.stems == s) {
                // Every written form of a one-word name counts ("postgres", "postgress").
                match (&mut seen.exact, exact) {
                    (Some(forms), Some(more)) => forms.extend(more),
                    (known, _) => *known = None,
                }
                continue;
            }
            out.push(ConceptPhrase {
                stems: s,
                exact,
                concept,
            });
        }
        // Longest phrases claim their words first.
        out.sort_by_key(|p| std::cmp::Reverse(p.stems.len()));
        out
    })
}

/// The synonym groups of `schema/synonyms.toml`, each member as its stems.
fn synonym_groups(analyzer: &mut TextAnalyzer) -> &'static [Vec<Vec<String>>] {
    #[derive(serde::Deserialize)]
    struct File {
        group: Vec<Group>,
    }
    #[derive(serde::Deserialize)]
    struct Group {
        words: Vec<String>,
    }
    static GROUPS: OnceLock<Vec<Vec<Vec<String>>>> = OnceLock::new();
    GROUPS.get_or_init(|| {
        // Bundled data, checked by a test: a malformed file would fail every build's tests.
        let file: File = toml::from_str(include_str!("../../schema/synonyms.toml"))
            .unwrap_or(File { group: Vec::new() });
        file.group
            .iter()
            .map(|g| {
                let mut members: Vec<Vec<String>> = Vec::new();
                for w in &g.words {
                    // Stop words would match nearly every report ("out of memory").
                    let s: Vec<String> = stems(analyzer, w)
                        .0
                        .into_iter()
                        .filter(|(raw, _)| !is_stop_word(&raw.to_lowercase()))
                        .map(|(_, s)| s)
                        .collect();
                    if !s.is_empty() && !members.contains(&s) {
                        members.push(s);
                    }
                }
                members
            })
            .collect()
    })
}

/// Single-word concept names as typed (ids and aliases), for typo correction.
fn words() -> &'static [(String, Concept)] {
    static WORDS: OnceLock<Vec<(String, Concept)>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let taxonomy = Taxonomy::bundled();
        taxonomy
            .concept_phrases()
            .into_iter()
            .filter(|(p, _)| p.len() >= 4 && p.chars().all(|c| c.is_ascii_alphanumeric()))
            .map(|(p, c)| (p, as_searched(taxonomy, c)))
            .collect()
    })
}

/// A word typed in camel case (`ImagePullBackOff`, `OOMKilled`) as its words, split where a
/// capital follows a small letter or ends a run of capitals; `None` when it has no such
/// parts or a part would be a single letter (`IPv6`, `eBPF`).
fn humps(word: &str) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut parts: Vec<String> = vec![String::new()];
    for (i, &c) in chars.iter().enumerate() {
        let starts_part = i > 0
            && c.is_uppercase()
            && (chars[i - 1].is_lowercase()
                || (chars[i - 1].is_uppercase()
                    && chars.get(i + 1).is_some_and(|n| n.is_lowercase())));
        if starts_part {
            parts.push(String::new());
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    (parts.len() >= 2 && parts.iter().all(|p| p.chars().count() >= 2)).then(|| parts.join(" "))
}

/// Reads the query. `known(stem)` says whether the index contains a stem at all; a word the
/// index has never seen may be a misspelt technology or factor, or an identifier in camel
/// case whose words the reports spell apart.
pub(crate) fn understand(
    text: &str,
    analyzer: &mut TextAnalyzer,
    known: impl Fn(&str) -> bool,
) -> Understanding {
    let (typed, joined) = stems(analyzer, text);
    let mut tokens: Vec<(String, String)> = Vec::with_capacity(typed.len());
    for (raw, stem) in typed {
        match humps(&raw).filter(|_| !known(&stem)) {
            Some(parts) => tokens.extend(
                stems(analyzer, &parts)
                    .0
                    .into_iter()
                    .map(|(r, s)| (r.to_lowercase(), s)),
            ),
            None => tokens.push((raw.to_lowercase(), stem)),
        }
    }
    let table = phrases(analyzer);
    // In a question ("why did the site go down"), a one-word name that is also a function
    // word (`go` for Go) is read as the word.
    let sentence = tokens.iter().filter(|(raw, _)| is_stop_word(raw)).count() >= 2;
    let mut covered = vec![false; tokens.len()];
    let mut u = Understanding {
        joined,
        ..Understanding::default()
    };
    for phrase in table {
        let n = phrase.stems.len();
        if n > tokens.len() {
            continue;
        }
        // Every stem of the phrase within a window of n + 1 words, in any order.
        let window = (n + 1).min(tokens.len());
        'start: for start in 0..=tokens.len() - window.min(tokens.len()) {
            let span = start..(start + window).min(tokens.len());
            let mut used = Vec::with_capacity(n);
            for stem in &phrase.stems {
                match span.clone().find(|&i| {
                    tokens[i].1 == *stem
                        && !covered[i]
                        && (n != 1 || !sentence || !is_stop_word(&tokens[i].0))
                        && !used.contains(&i)
                        && phrase
                            .exact
                            .as_ref()
                            .is_none_or(|forms| forms.contains(&tokens[i].0))
                }) {
                    Some(i) => used.push(i),
                    None => continue 'start,
                }
            }
            let named: Vec<String> = used
                .iter()
                .filter(|&&i| !is_stop_word(&tokens[i].0))
                .map(|&i| tokens[i].1.clone())
                .collect();
            for i in used {
                covered[i] = true;
            }
            match u.concepts.iter().position(|c| *c == phrase.concept) {
                Some(at) => u.concept_stems[at].extend(named),
                None => {
                    u.concepts.push(phrase.concept.clone());
                    u.concept_stems.push(named);
                }
            }
            break;
        }
    }
    for (i, (raw, stem)) in tokens.iter().enumerate() {
        if covered[i] || raw.chars().count() < 5 || known(stem) {
            continue;
        }
        let max = if raw.chars().count() >= 8 { 2 } else { 1 };
        let best = words()
            .iter()
            .map(|(w, c)| (strsim::damerau_levenshtein(raw, w), w, c))
            .filter(|(d, w, _)| *d <= max && w.len() + 2 >= raw.len())
            .min_by_key(|(d, w, _)| (*d, w.len()));
        if let Some((_, _, concept)) = best {
            match u.concepts.iter().position(|c| c == concept) {
                Some(at) => u.concept_stems[at].push(stem.clone()),
                None => {
                    u.concepts.push(concept.clone());
                    u.concept_stems.push(vec![stem.clone()]);
                }
            }
            u.corrections.push((raw.clone(), concept.clone()));
        }
    }
    for (i, (raw, stem)) in tokens.iter().enumerate() {
        if covered[i] && !u.covered.contains(stem) {
            u.covered.push(stem.clone());
        }
        if is_stop_word(raw) || u.terms.contains(stem) {
            continue;
        }
        u.terms.push(stem.clone());
    }
    let groups = synonym_groups(analyzer);
    for term in &u.terms {
        let one = vec![term.clone()];
        let others: Vec<Vec<String>> = groups
            .iter()
            .filter(|g| g.contains(&one))
            .flat_map(|g| g.iter().filter(|m| **m != one).cloned())
            .collect();
        if !others.is_empty() {
            u.synonyms.push((term.clone(), others));
        }
    }
    for pair in tokens.windows(2).enumerate() {
        let (i, [(raw_a, a), (raw_b, b)]) = pair else {
            continue;
        };
        if covered[i] || covered[i + 1] || is_stop_word(raw_a) || is_stop_word(raw_b) {
            continue;
        }
        // "fail over" is written `failover`, "rolled back" `rollback`: the words as typed
        // joined, else their stems joined, whichever the index has seen.
        let word = [format!("{raw_a}{raw_b}"), format!("{a}{b}")]
            .into_iter()
            .filter_map(|w| {
                let (mut typed, _) = stems(analyzer, &w);
                (typed.len() == 1).then(|| typed.remove(0).1)
            })
            .find(|w| w != a && w != b && known(w));
        if let Some(word) = word {
            u.compounds.push((a.clone(), b.clone(), word));
        }
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer() -> TextAnalyzer {
        tantivy::tokenizer::TokenizerManager::default()
            .get("en_stem")
            .expect("en_stem")
    }

    #[test]
    fn two_words_the_index_writes_as_one() {
        let mut a = analyzer();
        let u = understand("fail over", &mut a, |w| w == "failov");
        assert_eq!(
            u.compounds,
            vec![("fail".to_string(), "over".to_string(), "failov".to_string())]
        );
        // Only when the index has the word, and only for words typed side by side.
        assert!(
            understand("fail over", &mut a, |_| false)
                .compounds
                .is_empty()
        );
        assert!(
            understand("fail and then over", &mut a, |w| w == "failov")
                .compounds
                .is_empty()
        );
    }

    #[test]
    fn aliases_categories_and_word_order() {
        let mut a = analyzer();
        let u = understand("postgres upgrade problems on k8s", &mut a, |_| true);
        assert!(
            u.concepts
                .contains(&Concept::Technology("postgresql".into()))
        );
        assert!(
            u.concepts
                .contains(&Concept::Technology("kubernetes".into()))
        );
        assert!(!u.terms.contains(&"problem".to_string()));
        let u = understand("why did our certificate expire", &mut a, |_| true);
        assert!(
            u.concepts
                .contains(&Concept::Factor("certificate-expiry".into())),
            "{u:?}"
        );
        assert_eq!(u.terms, vec!["certif", "expir"]);
        let u = understand("relational database deadlocks", &mut a, |_| true);
        assert!(
            u.concepts
                .contains(&Concept::Category("db-relational".into())),
            "{u:?}"
        );
        let u = understand("db-relational", &mut a, |_| true);
        assert!(
            u.concepts
                .contains(&Concept::Category("db-relational".into())),
            "{u:?}"
        );
    }

    /// A one-word name whose stem differs from it names its concept only as written: "a
    /// maintenance window" is not Windows Server, "windows" and every written form of a name
    /// sharing one stem ("postgres") still are.
    #[test]
    fn a_provider_means_its_category_and_a_function_word_in_a_question_is_no_name() {
        let mut a = analyzer();
        let u = understand("aws outage", &mut a, |_| true);
        assert_eq!(u.concepts, vec![Concept::Category("cloud-aws".into())]);
        let go = Concept::Technology("golang".into());
        let u = understand("why did the whole site go down", &mut a, |_| true);
        assert!(!u.concepts.contains(&go), "{u:?}");
        let u = understand("go memory leak", &mut a, |_| true);
        assert!(u.concepts.contains(&go), "{u:?}");
    }

    #[test]
    fn a_word_sharing_only_a_stem_with_a_name_is_not_that_name() {
        let mut a = analyzer();
        let windows = Concept::Technology("windows-server".into());
        let u = understand(
            "oplog window too short during the maintenance window",
            &mut a,
            |_| true,
        );
        assert!(!u.concepts.contains(&windows), "{u:?}");
        let u = understand("windows patch rebooted the hosts", &mut a, |_| true);
        assert!(u.concepts.contains(&windows), "{u:?}");
        let u = understand("postgres failover", &mut a, |_| true);
        assert!(
            u.concepts
                .contains(&Concept::Technology("postgresql".into()))
        );
    }

    /// `schema/synonyms.toml` parses, and a word in a group brings its other forms as stems.
    #[test]
    fn a_word_with_synonyms_brings_their_stems() {
        let mut a = analyzer();
        assert!(
            synonym_groups(&mut a).len() >= 5,
            "synonyms.toml did not load"
        );
        let u = understand("nobody owned the config", &mut a, |_| true);
        assert_eq!(
            u.synonyms,
            vec![("config".to_string(), vec![vec!["configur".to_string()]])]
        );
        let u = understand("timeouts", &mut a, |_| true);
        assert_eq!(
            u.synonyms[0].1,
            vec![vec!["time".to_string(), "out".to_string()]]
        );
    }

    #[test]
    fn camel_case_words_unknown_to_the_index_read_as_their_parts() {
        let mut a = analyzer();
        let u = understand("ImagePullBackOff on deploy", &mut a, |s| {
            s != "imagepullbackoff"
        });
        assert_eq!(u.terms, ["imag", "pull", "back", "off", "deploy"], "{u:?}");
        let u = understand("ImagePullBackOff", &mut a, |_| true);
        assert_eq!(u.terms, ["imagepullbackoff"], "known words stay whole");
        let u = understand("OOMKilled pods", &mut a, |s| s != "oomkil");
        assert_eq!(u.terms, ["oom", "kill", "pod"], "{u:?}");
        for word in ["IPv6", "eBPF", "kafka", "K8S"] {
            assert_eq!(humps(word), None, "{word}");
        }
    }

    #[test]
    fn misspelt_words_unknown_to_the_index_become_concepts() {
        let mut a = analyzer();
        let u = understand("kuberentes pod evictions", &mut a, |s| s != "kuberent");
        assert!(
            u.concepts
                .contains(&Concept::Technology("kubernetes".into())),
            "{u:?}"
        );
        let u = understand("elasticsearh heap", &mut a, |_| true);
        assert!(
            u.concepts.is_empty(),
            "known words are not corrected: {u:?}"
        );
    }
}

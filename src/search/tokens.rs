//! The words of report text and queries: alphanumeric runs as English stems, plus one token
//! for each identifier joined by `_`, `.` or `-` (`Seconds_Behind_Master`, `8.0.32`, `us-east-1`).
//!
//! The parts keep the positions plain word splitting gives them, so phrase proximity and
//! matching by words are unchanged; the joined token shares its first part's position and
//! spans all of them (`position_length`), which lets a query reward reports that carry the
//! exact identifier over reports that merely use its words somewhere.

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// The analyser's name in the index's tokenizer manager.
pub(crate) const ANALYZER: &str = "en_ident";

/// Longer tokens are dropped, as tantivy's `en_stem` does (base64 blobs, hashes).
const MAX_TOKEN_BYTES: usize = 40;

/// An identifier with more parts than this is a path or a sentence glued by hyphens, not a
/// name anyone would search for whole.
const MAX_PARTS: usize = 8;

/// The characters that join the parts of one identifier.
fn is_joiner(c: char) -> bool {
    matches!(c, '_' | '.' | '-')
}

/// The index's analyser: identifier-aware splitting, long tokens dropped, lower case, English
/// stems (the stemmer leaves joined tokens' inner parts alone: it only looks at the end).
pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(IdentifierTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Whether a token from `analyzer` is a joined identifier rather than a word.
pub(crate) fn is_joined(token: &Token) -> bool {
    token.position_length > 1
}

/// Keeps its token buffer between texts: indexing calls it once per field of every report,
/// and reusing the tokens' strings saves an allocation per word.
#[derive(Clone, Default)]
pub(crate) struct IdentifierTokenizer {
    tokens: Vec<Token>,
}

pub(crate) struct IdentifierTokens<'a> {
    /// The whole buffer (never empty); the first `len` slots are this text's tokens.
    tokens: &'a mut [Token],
    len: usize,
    next: usize,
}

impl Tokenizer for IdentifierTokenizer {
    type TokenStream<'a> = IdentifierTokens<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> IdentifierTokens<'a> {
        let len = split(text, &mut self.tokens);
        IdentifierTokens {
            tokens: &mut self.tokens,
            len,
            next: 0,
        }
    }
}

impl TokenStream for IdentifierTokens<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.len {
            self.next += 1;
            true
        } else {
            false
        }
    }

    // Callers read the token only after `advance` said there is one; before that, or on an
    // empty text, they get the first slot's leftovers rather than a panic.
    fn token(&self) -> &Token {
        &self.tokens[self.next.saturating_sub(1)]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next.saturating_sub(1)]
    }
}

/// Words (alphanumeric runs, as tantivy's simple tokenizer finds them) in order, each joined
/// identifier's token right after its last part, written over `tokens` from the start (the
/// slots beyond the returned count are stale). Always leaves at least one slot.
fn split(text: &str, tokens: &mut Vec<Token>) -> usize {
    if tokens.is_empty() {
        tokens.push(Token::default());
    }
    let mut n = 0;
    // The current identifier: slot of its first part and how many parts it has.
    let mut joined_from = 0;
    let mut parts = 0usize;
    let mut position = 0usize;
    let mut chars = text.char_indices().peekable();
    let mut previous_end: Option<usize> = None;
    while let Some((from, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let mut to = from + c.len_utf8();
        while let Some(&(at, next)) = chars.peek() {
            if !next.is_alphanumeric() {
                break;
            }
            to = at + next.len_utf8();
            chars.next();
        }
        // Joined to the previous word by exactly one joiner character?
        let joined = previous_end.is_some_and(|end| {
            let mut between = text[end..from].chars();
            between.next().is_some_and(is_joiner) && between.next().is_none()
        });
        if !joined {
            close(text, tokens, &mut n, joined_from, parts);
            joined_from = n;
            parts = 0;
        }
        put(tokens, &mut n, text, from, to, position, 1);
        position += 1;
        parts += 1;
        previous_end = Some(to);
    }
    close(text, tokens, &mut n, joined_from, parts);
    n
}

/// Writes a token into slot `n`, reusing its string, and moves on.
fn put(
    tokens: &mut Vec<Token>,
    n: &mut usize,
    text: &str,
    from: usize,
    to: usize,
    position: usize,
    position_length: usize,
) {
    if *n == tokens.len() {
        tokens.push(Token::default());
    }
    let t = &mut tokens[*n];
    t.text.clear();
    t.text.push_str(&text[from..to]);
    t.offset_from = from;
    t.offset_to = to;
    t.position = position;
    t.position_length = position_length;
    *n += 1;
}

/// Adds the joined token of the identifier whose `parts` parts start at slot `first`.
fn close(text: &str, tokens: &mut Vec<Token>, n: &mut usize, first: usize, parts: usize) {
    if !(2..=MAX_PARTS).contains(&parts) || *n == 0 {
        return;
    }
    let (from, position) = (tokens[first].offset_from, tokens[first].position);
    let to = tokens[*n - 1].offset_to;
    put(tokens, n, text, from, to, position, parts);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<(String, usize, usize)> {
        let mut a = analyzer();
        let mut stream = a.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position, t.position_length));
        }
        out
    }

    #[test]
    fn identifiers_add_one_joined_token_after_their_words() {
        assert_eq!(
            texts("Seconds_Behind_Master rose"),
            [
                ("second".into(), 0, 1),
                ("behind".into(), 1, 1),
                ("master".into(), 2, 1),
                ("seconds_behind_mast".into(), 0, 3),
                ("rose".into(), 3, 1),
            ]
        );
        let words: Vec<String> = texts("MySQL 8.0.32 in us-east-1.")
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(
            words,
            [
                "mysql",
                "8",
                "0",
                "32",
                "8.0.32",
                "in",
                "us",
                "east",
                "1",
                "us-east-1"
            ]
        );
    }

    #[test]
    fn plain_prose_gives_plain_words() {
        // Spaces, sentence ends, doubled or mixed punctuation do not join words.
        let words = texts("It failed. Then -- we retried, a__b and c.-d");
        assert!(words.iter().all(|t| t.2 == 1), "{words:?}");
        assert_eq!(words.len(), 10);
    }

    #[test]
    fn a_reused_tokenizer_forgets_the_previous_text() {
        let mut a = analyzer();
        assert_eq!(texts("Seconds_Behind_Master rose sharply").len(), 6);
        for text in ["", "  ", "x", "pay-db"] {
            {
                let mut stream = a.token_stream("Seconds_Behind_Master rose sharply");
                while stream.advance() {}
            }
            let mut stream = a.token_stream(text);
            let mut words = Vec::new();
            while let Some(t) = stream.next() {
                words.push(t.text.clone());
            }
            let expected: Vec<&str> = match text {
                "x" => vec!["x"],
                "pay-db" => vec!["pay", "db", "pay-db"],
                _ => vec![],
            };
            assert_eq!(words, expected, "{text:?}");
        }
    }

    #[test]
    fn long_chains_and_long_identifiers_add_nothing() {
        let chain = "a-b-c-d-e-f-g-h-i-j";
        assert!(texts(chain).iter().all(|t| t.2 == 1));
        let long = "averyveryverylongidentifierpart_anotherlongpart";
        assert!(texts(long).iter().all(|t| t.2 == 1));
    }
}

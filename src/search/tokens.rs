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
    TextAnalyzer::builder(IdentifierTokenizer)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Whether a token from `analyzer` is a joined identifier rather than a word.
pub(crate) fn is_joined(token: &Token) -> bool {
    token.position_length > 1
}

#[derive(Clone, Default)]
pub(crate) struct IdentifierTokenizer;

pub(crate) struct IdentifierTokens {
    tokens: std::vec::IntoIter<Token>,
    current: Token,
}

impl Tokenizer for IdentifierTokenizer {
    type TokenStream<'a> = IdentifierTokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> IdentifierTokens {
        IdentifierTokens {
            tokens: split(text).into_iter(),
            current: Token::default(),
        }
    }
}

impl TokenStream for IdentifierTokens {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// Words (alphanumeric runs, as tantivy's simple tokenizer finds them) in order, each joined
/// identifier's token right after its last part.
fn split(text: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    // The current identifier: index of its first part's token and how many parts it has.
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
            let between = &text[end..from];
            between.chars().count() == 1 && between.chars().all(is_joiner)
        });
        if !joined {
            close(text, &mut tokens, joined_from, parts);
            joined_from = tokens.len();
            parts = 0;
        }
        tokens.push(Token {
            offset_from: from,
            offset_to: to,
            position,
            text: text[from..to].to_string(),
            position_length: 1,
        });
        position += 1;
        parts += 1;
        previous_end = Some(to);
    }
    close(text, &mut tokens, joined_from, parts);
    tokens
}

/// Adds the joined token of the identifier whose parts start at `tokens[first]`.
fn close(text: &str, tokens: &mut Vec<Token>, first: usize, parts: usize) {
    if !(2..=MAX_PARTS).contains(&parts) {
        return;
    }
    let (Some(head), Some(tail)) = (tokens.get(first), tokens.last()) else {
        return;
    };
    let joined = Token {
        offset_from: head.offset_from,
        offset_to: tail.offset_to,
        position: head.position,
        text: text[head.offset_from..tail.offset_to].to_string(),
        position_length: parts,
    };
    tokens.push(joined);
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
    fn long_chains_and_long_identifiers_add_nothing() {
        let chain = "a-b-c-d-e-f-g-h-i-j";
        assert!(texts(chain).iter().all(|t| t.2 == 1));
        let long = "averyveryverylongidentifierpart_anotherlongpart";
        assert!(texts(long).iter().all(|t| t.2 == 1));
    }
}

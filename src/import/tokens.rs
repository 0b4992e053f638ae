//! Words of an article with what the taggers need to know about each: its folded lower-case
//! form, its case, and what separates it from the word before.
//!
//! Country names are proper nouns, so the country tagger looks at case ("turkey" is the bird,
//! "Turkey" may be the country); topic triggers are matched on the folded form only.

/// What stands between a token and the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sep {
    /// Nothing but spaces (or the token is first).
    Space,
    /// A hyphen or slash: "Guinea-Bissau", "India-Russia".
    Joiner,
    /// A comma: "Atlanta, Georgia", "Washington, D.C.".
    Comma,
    /// A sentence or clause break (`.`, `!`, `?`, `;`, `:`, brackets, quotes, a dash) or a
    /// paragraph break. Names never run across one.
    Hard,
}

/// One word.
#[derive(Debug, Clone)]
pub struct Token<'a> {
    /// As written, without surrounding punctuation ("U.S.", "States").
    pub raw: &'a str,
    /// Lower case, accents folded, dots and apostrophes removed ("us", "states").
    pub norm: String,
    /// What separates it from the previous token.
    pub sep: Sep,
    /// It begins a sentence (first of its text, or after `.`, `!`, `?`, `:` or a paragraph break).
    pub sentence_start: bool,
}

impl Token<'_> {
    /// Starts with an upper-case letter.
    pub fn capitalized(&self) -> bool {
        self.raw.chars().next().is_some_and(char::is_uppercase)
    }

    /// Every letter is upper case, and there are at least two ("BEIJING", "U.S.").
    pub fn all_caps(&self) -> bool {
        let mut letters = 0;
        for c in self.raw.chars().filter(|c| c.is_alphabetic()) {
            if !c.is_uppercase() {
                return false;
            }
            letters += 1;
        }
        letters >= 2
    }
}

/// Characters that belong inside a word: letters, digits, dots between letters ("U.S."),
/// apostrophes ("d'Ivoire", "Russia's").
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\'' | '’' | '.' | '&')
}

/// Splits `text` into tokens. A paragraph break (blank line) is a hard separator.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(text.len() / 6);
    let mut sep = Sep::Space;
    let mut sentence_start = true;
    let mut newlines = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_alphanumeric() || c == '&' {
            let mut end = text.len();
            while let Some(&(j, d)) = chars.peek() {
                if !is_word_char(d) {
                    end = j;
                    break;
                }
                chars.next();
            }
            let (word, ends_sentence) = trim_word(&text[start..end]);
            if newlines >= 2 {
                sep = Sep::Hard;
                sentence_start = true;
            }
            if !word.is_empty() {
                tokens.push(Token {
                    raw: word,
                    norm: fold(word),
                    sep,
                    sentence_start,
                });
            }
            sep = if ends_sentence { Sep::Hard } else { Sep::Space };
            sentence_start = ends_sentence;
            newlines = 0;
            continue;
        }
        match c {
            '\n' => newlines += 1,
            c if c.is_whitespace() => {}
            '-' | '/' | '‐' | '‑' if sep == Sep::Space => {
                // "India-Russia" joins; a spaced " - " is a dash.
                let spaced =
                    text[..start].ends_with(' ') || text[start + c.len_utf8()..].starts_with(' ');
                sep = if spaced { Sep::Hard } else { Sep::Joiner };
            }
            ',' if sep != Sep::Hard => sep = Sep::Comma,
            '.' | '!' | '?' | ':' => {
                sep = Sep::Hard;
                sentence_start = true;
            }
            _ => sep = Sep::Hard,
        }
    }
    tokens
}

/// Drops the dots and apostrophes a word may not end or begin with ("Russia's" keeps its
/// apostrophe, "States’" loses it, "China." loses the dot, "U.S." keeps its dots), and says
/// whether a dropped final dot ended a sentence.
fn trim_word(word: &str) -> (&str, bool) {
    let word = word.trim_start_matches(['.', '\'', '’']);
    let is_abbreviation = {
        // "U.S.", "D.C.", "U.A.E.": single letters each followed by a dot.
        let mut chars = word.chars();
        let mut ok = word.len() >= 4;
        while ok {
            match (chars.next(), chars.next()) {
                (Some(a), Some('.')) if a.is_alphabetic() => {}
                (None, _) => break,
                _ => ok = false,
            }
        }
        ok
    };
    if is_abbreviation {
        return (word, false);
    }
    let trimmed = word.trim_end_matches(['\'', '’']);
    let ended = trimmed.ends_with('.');
    let trimmed = trimmed.trim_end_matches(['.', '\'', '’']);
    (trimmed, ended)
}

/// Lower case, accents folded, dots and apostrophes removed, possessive `'s` dropped.
pub fn fold(word: &str) -> String {
    let word = word
        .strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .unwrap_or(word);
    let mut folded = String::with_capacity(word.len());
    if word.is_ascii() {
        for b in word.bytes() {
            if b.is_ascii_alphanumeric() {
                folded.push(b.to_ascii_lowercase() as char);
            } else if b == b'&' {
                folded.push_str("and");
            }
        }
        return folded;
    }
    // Rare path: accented letters; the gazetteer's normalisation folds them the same way.
    crate::countries::normalize(word).replace(' ', "")
}

/// The folded words of a phrase, as [`tokenize`] would give them ("Washington, D.C." ->
/// ["washington", "dc"]).
pub fn fold_phrase(phrase: &str) -> Vec<String> {
    tokenize(phrase).into_iter().map(|t| t.norm).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.norm).collect()
    }

    #[test]
    fn words_and_abbreviations() {
        assert_eq!(
            norms("The U.S. and Russia's envoy met in Côte d'Ivoire."),
            ["the", "us", "and", "russia", "envoy", "met", "in", "cote", "divoire"]
        );
        assert_eq!(norms("States’ cooperation"), ["states", "cooperation"]);
        assert_eq!(fold_phrase("Washington, D.C."), ["washington", "dc"]);
        assert_eq!(
            fold_phrase("Trinidad & Tobago"),
            ["trinidad", "and", "tobago"]
        );
    }

    #[test]
    fn separators() {
        let t = tokenize("Guinea-Bissau. Atlanta, Georgia (state) - next\n\nPara");
        let seps: Vec<Sep> = t.iter().map(|t| t.sep).collect();
        assert_eq!(
            seps,
            [
                Sep::Space,
                Sep::Joiner,
                Sep::Hard,
                Sep::Comma,
                Sep::Hard,
                Sep::Hard,
                Sep::Hard
            ]
        );
        assert!(t[2].sentence_start && !t[3].sentence_start && t[6].sentence_start);
        assert!(tokenize("BEIJING")[0].all_caps());
        assert!(!tokenize("Beijing")[0].all_caps());
    }
}

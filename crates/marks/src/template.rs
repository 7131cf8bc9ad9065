//! Payload templates shared by the DataMatrix and 1D barcode marks.
//!
//! A template is literal text with placeholders in braces, filled in per
//! sheet from [`SheetControl`]:
//!
//! | placeholder | value |
//! |---|---|
//! | `{job}` | [`SheetControl::job_id`] |
//! | `{piece}` | [`SheetControl::piece_id`] |
//! | `{sheet}` | [`SheetControl::sheet`], decimal |
//! | `{sheets}` | [`SheetControl::sheets`], decimal |
//! | `{set_size}` | the set size, [`SheetControl::set_size`] (= `{sheets}`), decimal |
//! | `{sequence}` | [`SheetControl::sequence`], decimal |
//! | `{feeders}` | [`SheetControl::feeders`] as exactly two upper-case hex digits, `00`–`FF` (feeders 1 and 3 → `05`) |
//! | `{divert}` | [`SheetControl::divert`] as one digit, `1` or `0` |
//!
//! `{{` and `}}` stand for literal braces.

use std::fmt::Write as _;

use crate::{MarkError, SheetControl};

/// The placeholders a template may use, for error messages.
pub(crate) const KNOWN_PLACEHOLDERS: &str =
    "{job}, {piece}, {sheet}, {sheets}, {set_size}, {sequence}, {feeders}, {divert}";

/// Fills `template` in for one sheet. Malformed parts (see [`check`]) are
/// copied verbatim.
///
/// ```
/// use tandem_marks::{SheetControl, template};
///
/// let sheet = SheetControl::new("JOB123.1", "P42", 7, 2, 3).with_feeders(0b101);
/// assert_eq!(template::fill("{job}|{piece}|{sheet}/{set_size}|{feeders}", &sheet), "JOB123.1|P42|2/3|05");
/// ```
pub fn fill(template: &str, sheet: &SheetControl<'_>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    for token in Tokens::new(template) {
        // Writing to a String cannot fail.
        let _ = match token {
            Token::Literal(text) | Token::Invalid { text, .. } => out.write_str(text),
            Token::Field(Field::Job) => out.write_str(sheet.job_id),
            Token::Field(Field::Piece) => out.write_str(sheet.piece_id),
            Token::Field(Field::Sheet) => write!(out, "{}", sheet.sheet),
            Token::Field(Field::Sheets | Field::SetSize) => write!(out, "{}", sheet.sheets),
            Token::Field(Field::Sequence) => write!(out, "{}", sheet.sequence),
            Token::Field(Field::Feeders) => write!(out, "{:02X}", sheet.feeders),
            Token::Field(Field::Divert) => out.write_str(if sheet.divert { "1" } else { "0" }),
        };
    }
    out
}

/// Checks that `template` is non-empty, uses only known placeholders and
/// has no unmatched braces; the error is a [`MarkError::Template`].
pub fn check(template: &str) -> Result<(), MarkError> {
    let error = |reason: String| MarkError::Template {
        template: template.to_owned(),
        reason,
    };
    if template.is_empty() {
        return Err(error("template is empty".into()));
    }
    for token in Tokens::new(template) {
        if let Token::Invalid { reason, .. } = token {
            return Err(error(reason));
        }
    }
    Ok(())
}

/// The literal text of `template` (everything outside placeholders, escapes
/// resolved), for checking it against a symbology's character set.
pub(crate) fn literals(template: &str) -> String {
    Tokens::new(template)
        .filter_map(|token| match token {
            Token::Literal(text) => Some(text),
            _ => None,
        })
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Job,
    Piece,
    Sheet,
    Sheets,
    SetSize,
    Sequence,
    Feeders,
    Divert,
}

impl Field {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "job" => Field::Job,
            "piece" => Field::Piece,
            "sheet" => Field::Sheet,
            "sheets" => Field::Sheets,
            "set_size" => Field::SetSize,
            "sequence" => Field::Sequence,
            "feeders" => Field::Feeders,
            "divert" => Field::Divert,
            _ => return None,
        })
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Token<'t> {
    Literal(&'t str),
    Field(Field),
    /// A malformed piece of template: its text and why it is wrong.
    Invalid {
        text: &'t str,
        reason: String,
    },
}

/// Splits a template into literals, placeholders and malformed pieces.
struct Tokens<'t> {
    rest: &'t str,
}

impl<'t> Tokens<'t> {
    fn new(template: &'t str) -> Self {
        Tokens { rest: template }
    }
}

impl<'t> Iterator for Tokens<'t> {
    type Item = Token<'t>;

    fn next(&mut self) -> Option<Token<'t>> {
        let rest = self.rest;
        let (token, consumed) = if rest.is_empty() {
            return None;
        } else if rest.starts_with("{{") {
            (Token::Literal("{"), 2)
        } else if rest.starts_with("}}") {
            (Token::Literal("}"), 2)
        } else if rest.starts_with('}') {
            let reason = "unmatched '}' (write '}}' for a literal brace)".to_owned();
            (Token::Invalid { text: "}", reason }, 1)
        } else if rest.starts_with('{') {
            match rest.find('}') {
                None => {
                    let reason = "unclosed '{' (write '{{' for a literal brace)".to_owned();
                    (Token::Invalid { text: rest, reason }, rest.len())
                }
                Some(close) => {
                    let text = &rest[..=close];
                    let name = &rest[1..close];
                    let token = match Field::from_name(name) {
                        Some(field) => Token::Field(field),
                        None => Token::Invalid {
                            text,
                            reason: format!(
                                "unknown placeholder {text}; known are {KNOWN_PLACEHOLDERS}"
                            ),
                        },
                    };
                    (token, text.len())
                }
            }
        } else {
            let end = rest.find(['{', '}']).unwrap_or(rest.len());
            (Token::Literal(&rest[..end]), end)
        };
        self.rest = &rest[consumed..];
        Some(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizer_splits_literals_fields_and_escapes() {
        let tokens: Vec<_> = Tokens::new("a{{b}}{job}|{sheets}").collect();
        assert_eq!(
            tokens,
            [
                Token::Literal("a"),
                Token::Literal("{"),
                Token::Literal("b"),
                Token::Literal("}"),
                Token::Field(Field::Job),
                Token::Literal("|"),
                Token::Field(Field::Sheets),
            ]
        );
    }

    #[test]
    fn tokenizer_reports_malformed_pieces() {
        let tokens: Vec<_> = Tokens::new("x{page}y}{job").collect();
        assert!(matches!(tokens[1], Token::Invalid { text: "{page}", .. }));
        assert!(matches!(tokens[3], Token::Invalid { text: "}", .. }));
        assert!(matches!(tokens[4], Token::Invalid { text: "{job", .. }));
        assert_eq!(tokens.len(), 5);
    }

    #[test]
    fn new_placeholders_fill_in() {
        let sheet = SheetControl::new("J", "P", 12, 3, 4)
            .with_feeders(0b1010_0001)
            .with_divert(true);
        assert_eq!(
            fill("{set_size}|{feeders}|{divert}|{sheets}", &sheet),
            "4|A1|1|4"
        );
        assert_eq!(
            fill("{feeders}{divert}", &SheetControl::new("J", "P", 1, 1, 1)),
            "000"
        );
        assert_eq!(literals("a{job}b{{c}}"), "ab{c}");
        assert!(check("{feeder}").is_err());
        check("{set_size}{feeders}{divert}").unwrap();
    }
}

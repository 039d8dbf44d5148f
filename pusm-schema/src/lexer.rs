//! Splits the text of one schema file into tokens.
//!
//! Whitespace and ordinary comments (`//` to the end of the line, `/* ... */`,
//! not nested) are dropped; doc comments (`///`, but not `////`) are kept as
//! tokens so the parser can attach them. Every problem (an unexpected
//! character, an unterminated comment or string, a bad escape) is reported and
//! lexing goes on, so one typo never hides the rest of the file.

use std::ops::Range;

use crate::diagnostics::Report;

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// An identifier or a contextual keyword: `[A-Za-z_][A-Za-z0-9_]*`.
    Ident(String),
    /// A decimal integer with an optional leading `-`, as written.
    Int(String),
    /// A string literal, escapes already applied.
    Str(String),
    /// One `///` line, without the slashes, one leading space and trailing
    /// whitespace.
    Doc(String),
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `;`
    Semi,
    /// `:`
    Colon,
    /// `,`
    Comma,
    /// `=`
    Eq,
    /// `.`
    Dot,
    /// `?`
    Question,
    /// Text that was already reported as an error (an unexpected character,
    /// an unterminated string). The parser stays quiet about it.
    Error,
    /// The end of the file.
    Eof,
}

impl TokenKind {
    /// How the token is named in "expected X, found Y" messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            TokenKind::Ident(name) => format!("'{name}'"),
            TokenKind::Int(text) => format!("'{text}'"),
            TokenKind::Str(_) => "a string".to_owned(),
            TokenKind::Doc(_) => "a doc comment".to_owned(),
            TokenKind::LBrace => "'{'".to_owned(),
            TokenKind::RBrace => "'}'".to_owned(),
            TokenKind::LBracket => "'['".to_owned(),
            TokenKind::RBracket => "']'".to_owned(),
            TokenKind::Semi => "';'".to_owned(),
            TokenKind::Colon => "':'".to_owned(),
            TokenKind::Comma => "','".to_owned(),
            TokenKind::Eq => "'='".to_owned(),
            TokenKind::Dot => "'.'".to_owned(),
            TokenKind::Question => "'?'".to_owned(),
            TokenKind::Error => "an invalid token".to_owned(),
            TokenKind::Eof => "end of file".to_owned(),
        }
    }
}

/// One token and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Its bytes in the file.
    pub span: Range<usize>,
}

/// The tokens of one file, ending with [`TokenKind::Eof`], and what went
/// wrong.
pub(crate) struct Lexed {
    /// The tokens; the last one is always [`TokenKind::Eof`].
    pub tokens: Vec<Token>,
    /// True when an unterminated block comment swallowed the end of the
    /// file: the parser then does not also complain about the missing `}`.
    pub eof_is_error: bool,
}

/// Lexes `text`, reporting problems into `reports` for file `file`.
pub(crate) fn lex(text: &str, file: usize, reports: &mut Vec<Report>) -> Lexed {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        file,
        tokens: Vec::new(),
        reports,
        eof_is_error: false,
    };
    // A UTF-8 byte order mark is not part of the schema.
    if text.starts_with('\u{feff}') {
        lexer.pos = '\u{feff}'.len_utf8();
    }
    lexer.run();
    let end = text.len();
    lexer.tokens.push(Token {
        kind: TokenKind::Eof,
        span: end..end,
    });
    Lexed {
        tokens: lexer.tokens,
        eof_is_error: lexer.eof_is_error,
    }
}

struct Lexer<'a, 'r> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    file: usize,
    tokens: Vec<Token>,
    reports: &'r mut Vec<Report>,
    eof_is_error: bool,
}

fn is_ident_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

fn is_ident_continue(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

impl Lexer<'_, '_> {
    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        self.tokens.push(Token {
            kind,
            span: start..self.pos,
        });
    }

    fn report(&mut self, report: Report) {
        self.reports.push(report);
    }

    fn run(&mut self) {
        while let Some(byte) = self.peek_at(0) {
            let start = self.pos;
            match byte {
                b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' => self.pos += 1,
                b'/' if self.peek_at(1) == Some(b'/') => self.line_comment(),
                b'/' if self.peek_at(1) == Some(b'*') => self.block_comment(),
                b'"' => self.string(),
                b'-' if self.peek_at(1).is_some_and(|next| next.is_ascii_digit()) => {
                    self.pos += 1;
                    self.number(start);
                }
                b'0'..=b'9' => self.number(start),
                _ if is_ident_start(byte) => {
                    while self.peek_at(0).is_some_and(is_ident_continue) {
                        self.pos += 1;
                    }
                    let name = self
                        .text
                        .get(start..self.pos)
                        .unwrap_or_default()
                        .to_owned();
                    self.push(TokenKind::Ident(name), start);
                }
                _ => {
                    let kind = match byte {
                        b'{' => Some(TokenKind::LBrace),
                        b'}' => Some(TokenKind::RBrace),
                        b'[' => Some(TokenKind::LBracket),
                        b']' => Some(TokenKind::RBracket),
                        b';' => Some(TokenKind::Semi),
                        b':' => Some(TokenKind::Colon),
                        b',' => Some(TokenKind::Comma),
                        b'=' => Some(TokenKind::Eq),
                        b'.' => Some(TokenKind::Dot),
                        b'?' => Some(TokenKind::Question),
                        _ => None,
                    };
                    match kind {
                        Some(kind) => {
                            self.pos += 1;
                            self.push(kind, start);
                        }
                        None => self.unexpected(),
                    }
                }
            }
        }
    }

    /// The length in bytes of the character at `pos` (1 for a stray byte).
    fn char_len_at(&self, pos: usize) -> usize {
        self.text
            .get(pos..)
            .and_then(|rest| rest.chars().next())
            .map_or(1, char::len_utf8)
    }

    /// A run of characters that cannot start a token: one error for the run.
    fn unexpected(&mut self) {
        let start = self.pos;
        if self.peek_at(0) == Some(b'<') {
            self.generic_arguments();
            return;
        }
        let mut chars = 0;
        while let Some(byte) = self.peek_at(0) {
            let starts_token = byte.is_ascii_whitespace()
                || is_ident_continue(byte)
                || b"{}[];:,=.?\"".contains(&byte)
                || (byte == b'/' && matches!(self.peek_at(1), Some(b'/' | b'*')))
                || (byte == b'-' && self.peek_at(1).is_some_and(|next| next.is_ascii_digit()));
            if starts_token && chars > 0 {
                break;
            }
            self.pos += self.char_len_at(self.pos);
            chars += 1;
        }
        let found = self.text.get(start..self.pos).unwrap_or_default();
        let (message, label) = if chars == 1 {
            (
                format!("unexpected character '{}'", found.escape_debug()),
                "not allowed here",
            )
        } else {
            (
                format!("unexpected characters '{}'", found.escape_debug()),
                "not allowed here",
            )
        };
        let mut report = Report::new(self.file, start..self.pos, message, label);
        if !found.is_ascii() {
            report = report.with_help(
                "only ASCII is allowed outside strings and comments: names are [A-Za-z_][A-Za-z0-9_]*",
            );
        } else if found.contains("*/") {
            report = report.with_help("'*/' here closes no comment (block comments do not nest)");
        } else if found == "-" {
            report = report.with_help("a '-' may only start a negative integer, like -1");
        }
        self.report(report);
        self.push(TokenKind::Error, start);
    }

    /// `<...>` (as in `Vec<int32>`, `map<string, int32>`): one error up to
    /// the matching `>` on the line, with a hint on what to write instead.
    fn generic_arguments(&mut self) {
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(byte) = self.peek_at(0) {
            match byte {
                b'<' => depth += 1,
                b'>' => depth = depth.saturating_sub(1),
                b'\n' | b';' | b'{' | b'}' => break,
                _ => {}
            }
            self.pos += self.char_len_at(self.pos);
            if depth == 0 {
                break;
            }
        }
        let found = self.text.get(start..self.pos).unwrap_or_default();
        let name = match self.tokens.last() {
            Some(Token {
                kind: TokenKind::Ident(name),
                span,
            }) if span.end == start => Some(name.as_str()),
            _ => None,
        };
        let (help, note) = crate::hints::for_generic(name);
        let report = Report::new(
            self.file,
            start..self.pos,
            format!("unexpected '{}'", found.escape_debug()),
            "not part of the schema language",
        )
        .with_help(help)
        .with_note(note);
        self.report(report);
        self.push(TokenKind::Error, start);
    }

    fn line_comment(&mut self) {
        let start = self.pos;
        let end = self
            .text
            .get(start..)
            .and_then(|rest| rest.find('\n'))
            .map_or(self.text.len(), |at| start + at);
        let body = self.text.get(start..end).unwrap_or_default();
        self.pos = end;
        // `///` is a doc comment; `////` and longer are ordinary comments.
        if let Some(doc) = body.strip_prefix("///") {
            if !doc.starts_with('/') {
                let doc = doc.strip_prefix(' ').unwrap_or(doc).trim_end();
                let span_end = start + body.trim_end().len();
                self.tokens.push(Token {
                    kind: TokenKind::Doc(doc.to_owned()),
                    span: start..span_end,
                });
            }
        }
    }

    fn block_comment(&mut self) {
        let start = self.pos;
        match self.text.get(start + 2..).and_then(|rest| rest.find("*/")) {
            Some(at) => self.pos = start + 2 + at + 2,
            None => {
                self.pos = self.text.len();
                self.eof_is_error = true;
                self.report(
                    Report::new(
                        self.file,
                        start..start + 2,
                        "unterminated block comment",
                        "this comment is never closed",
                    )
                    .with_help("close it with '*/' (block comments do not nest)"),
                );
            }
        }
    }

    fn string(&mut self) {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut ok = true;
        loop {
            let Some(byte) = self.peek_at(0) else {
                self.unterminated_string(start);
                return;
            };
            match byte {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\n' | b'\r' => {
                    self.unterminated_string(start);
                    return;
                }
                b'\\' => {
                    let escape_start = self.pos;
                    match self.peek_at(1) {
                        Some(b'"') => value.push('"'),
                        Some(b'\\') => value.push('\\'),
                        Some(b'\n' | b'\r') | None => {
                            self.pos += 1;
                            self.unterminated_string(start);
                            return;
                        }
                        Some(_) => {
                            let len = 1 + self.char_len_at(escape_start + 1);
                            let escape = self
                                .text
                                .get(escape_start..escape_start + len)
                                .unwrap_or_default();
                            let shown: String = escape
                                .chars()
                                .flat_map(char::escape_default)
                                .skip(2)
                                .collect();
                            self.report(
                                Report::new(
                                    self.file,
                                    escape_start..escape_start + len,
                                    format!("unknown escape '\\{shown}' in string"),
                                    "unknown escape",
                                )
                                .with_help("the only escapes are \\\" and \\\\"),
                            );
                            ok = false;
                            self.pos += len;
                            continue;
                        }
                    }
                    self.pos += 2;
                }
                _ => {
                    let len = self.char_len_at(self.pos);
                    value.push_str(self.text.get(self.pos..self.pos + len).unwrap_or_default());
                    self.pos += len;
                }
            }
        }
        let kind = if ok {
            TokenKind::Str(value)
        } else {
            TokenKind::Error
        };
        self.push(kind, start);
    }

    fn unterminated_string(&mut self, start: usize) {
        self.report(Report::new(
            self.file,
            start..start + 1,
            "unterminated string",
            "this string is never closed on its line",
        ));
        self.push(TokenKind::Error, start);
    }

    /// A number: digits, then any identifier characters glued to it, which
    /// make it invalid (`0x10`, `12ab`).
    fn number(&mut self, start: usize) {
        while self.peek_at(0).is_some_and(is_ident_continue) {
            self.pos += 1;
        }
        let text = self.text.get(start..self.pos).unwrap_or_default();
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.bytes().all(|byte| byte.is_ascii_digit()) {
            self.push(TokenKind::Int(text.to_owned()), start);
        } else {
            self.report(
                Report::new(
                    self.file,
                    start..self.pos,
                    format!("invalid integer '{text}'"),
                    "not a decimal integer",
                )
                .with_help("integers are written in decimal digits, like 42 or -1"),
            );
            self.push(TokenKind::Error, start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> (Vec<TokenKind>, usize) {
        let mut reports = Vec::new();
        let lexed = lex(text, 0, &mut reports);
        (
            lexed.tokens.into_iter().map(|token| token.kind).collect(),
            reports.len(),
        )
    }

    #[test]
    fn lexes_every_kind_of_token() {
        let (tokens, errors) =
            kinds("struct A { a: [int32; -4]?; } /// doc\n//// not doc\n\"a\\\"b\" /* x */ .,=");
        assert_eq!(errors, 0);
        assert_eq!(
            tokens,
            vec![
                TokenKind::Ident("struct".into()),
                TokenKind::Ident("A".into()),
                TokenKind::LBrace,
                TokenKind::Ident("a".into()),
                TokenKind::Colon,
                TokenKind::LBracket,
                TokenKind::Ident("int32".into()),
                TokenKind::Semi,
                TokenKind::Int("-4".into()),
                TokenKind::RBracket,
                TokenKind::Question,
                TokenKind::Semi,
                TokenKind::RBrace,
                TokenKind::Doc("doc".into()),
                TokenKind::Str("a\"b".into()),
                TokenKind::Dot,
                TokenKind::Comma,
                TokenKind::Eq,
                TokenKind::Eof,
            ]
        );
    }

    #[test]
    fn a_run_of_bad_characters_is_one_error() {
        let (tokens, errors) = kinds("a @@ b é");
        assert_eq!(errors, 2);
        assert_eq!(tokens.len(), 5);
    }
}

//! Turns the tokens of one file into its syntax tree ([`crate::ast`]).
//!
//! A syntax error is reported and the parser recovers: inside a struct or
//! enum it skips to the next `;` (outside brackets) or to the closing `}`; at
//! the top level it skips to the next `;`, past the next balanced `{ ... }`,
//! or to the next `struct`/`enum`/`import`/`namespace`. A missing `;` or `,`
//! at the end of a line is reported and assumed, without skipping anything.
//! Tokens that the lexer already reported ([`TokenKind::Error`]) never cause a
//! second message.

use std::ops::Range;

use crate::ast::{
    EnumDecl, FieldDecl, File, Ident, Import, Item, Namespace, StructDecl, TypeExpr, TypeKind,
    VariantDecl,
};
use crate::diagnostics::Report;
use crate::lexer::{lex, Token, TokenKind};

/// How deeply type constructors (`[T]`, `[T; N]`, `T?`) may nest in one
/// type expression: the same limit for every target language, with margin
/// under what each compiles (`docs/SCHEMA.md`, "Limits").
pub const MAX_NESTING: usize = 32;
/// The smallest fixed array length.
pub const MIN_ARRAY_LEN: usize = 1;
/// The largest fixed array length.
pub const MAX_ARRAY_LEN: usize = 65_536;

/// Parses the text of file `file` (its reading index), reporting every
/// problem into `reports`.
pub(crate) fn parse(text: &str, file: usize, reports: &mut Vec<Report>) -> File {
    let lexed = lex(text, file, reports);
    let mut parser = Parser {
        text,
        tokens: lexed.tokens,
        pos: 0,
        file,
        reports,
        eof_is_error: lexed.eof_is_error,
    };
    parser.file()
}

/// A syntax error that was reported (or deliberately not, see
/// [`TokenKind::Error`]); the caller recovers.
struct Failed;

type Parsed<T> = Result<T, Failed>;

struct Parser<'t, 'r> {
    text: &'t str,
    tokens: Vec<Token>,
    pos: usize,
    file: usize,
    reports: &'r mut Vec<Report>,
    eof_is_error: bool,
}

fn is_item_keyword(kind: &TokenKind) -> bool {
    matches!(kind, TokenKind::Ident(name) if matches!(name.as_str(), "struct" | "enum" | "import" | "namespace"))
}

impl Parser<'_, '_> {
    // ---- token access -------------------------------------------------

    fn raw(&self, index: usize) -> Option<&Token> {
        self.tokens.get(index).or_else(|| self.tokens.last())
    }

    fn eof_token(&self) -> Token {
        let end = self.text.len();
        Token {
            kind: TokenKind::Eof,
            span: end..end,
        }
    }

    /// The current token, after reporting and skipping doc comments that
    /// document nothing.
    fn current(&mut self) -> Token {
        self.skip_stray_docs();
        self.raw(self.pos)
            .cloned()
            .unwrap_or_else(|| self.eof_token())
    }

    fn bump(&mut self) {
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        } else {
            self.pos = self.tokens.len().saturating_sub(1);
        }
    }

    fn at(&mut self, kind: &TokenKind) -> bool {
        &self.current().kind == kind
    }

    /// The span of the token before the current one.
    fn previous_span(&self) -> Range<usize> {
        let mut index = self.pos;
        while index > 0 {
            index -= 1;
            if let Some(token) = self.tokens.get(index) {
                if !matches!(token.kind, TokenKind::Doc(_)) {
                    return token.span.clone();
                }
            }
        }
        0..0
    }

    /// Collects the doc comments at the current position.
    fn take_docs(&mut self) -> (Vec<String>, Option<Range<usize>>) {
        let mut docs = Vec::new();
        let mut span: Option<Range<usize>> = None;
        while let Some(Token {
            kind: TokenKind::Doc(text),
            span: doc_span,
        }) = self.raw(self.pos).cloned()
        {
            docs.push(text);
            span = Some(match span {
                Some(span) => span.start..doc_span.end,
                None => doc_span,
            });
            self.bump();
        }
        (docs, span)
    }

    fn skip_stray_docs(&mut self) {
        let (docs, span) = self.take_docs();
        if let (false, Some(span)) = (docs.is_empty(), span) {
            self.stray_docs(span);
        }
    }

    fn stray_docs(&mut self, span: Range<usize>) {
        // Point at the first line only: the snippet stays short.
        let first_line_end = self
            .text
            .get(span.clone())
            .and_then(|text| text.find('\n'))
            .map_or(span.end, |at| span.start + at);
        let first_line_end = self
            .text
            .get(span.start..first_line_end)
            .map_or(first_line_end, |line| span.start + line.trim_end().len());
        self.reports.push(
            Report::new(
                self.file,
                span.start..first_line_end,
                "doc comment documents nothing",
                "not followed by a namespace, enum, struct, variant or field",
            )
            .with_help("use '//' for an ordinary comment"),
        );
    }

    // ---- errors -------------------------------------------------------

    /// Reports "expected X, found Y" at the current token, unless that
    /// token was already reported by the lexer.
    fn expected(&mut self, expected: &str) -> Failed {
        self.expected_with_help(expected, None)
    }

    fn expected_with_help(&mut self, expected: &str, help: Option<&str>) -> Failed {
        let token = self.current();
        let silent = match token.kind {
            TokenKind::Error => true,
            TokenKind::Eof => self.eof_is_error,
            _ => false,
        };
        if matches!(token.kind, TokenKind::Eof) {
            // One "found end of file" is enough: every open block would add one.
            self.eof_is_error = true;
        }
        if !silent {
            let mut report = Report::new(
                self.file,
                token.span.clone(),
                format!("expected {expected}, found {}", token.kind.describe()),
                format!("expected {expected}"),
            );
            if let Some(help) = help {
                report = report.with_help(help);
            }
            self.reports.push(report);
        }
        Failed
    }

    /// True when a newline separates the previous token from the current one.
    fn newline_before_current(&mut self) -> bool {
        let previous_end = self.previous_span().end;
        let current_start = self.current().span.start;
        self.text
            .get(previous_end..current_start.max(previous_end))
            .is_some_and(|between| between.contains('\n'))
    }

    /// Expects a closing `;` or `,` (`what`). When the current token starts
    /// a new line or closes the block, the separator is reported as missing
    /// after the previous token and parsing goes on without skipping.
    fn expect_terminator(&mut self, kind: &TokenKind, what: &str, after: &str) -> Parsed<()> {
        let token = self.current();
        if &token.kind == kind {
            self.bump();
            return Ok(());
        }
        if matches!(token.kind, TokenKind::Error)
            || (matches!(token.kind, TokenKind::Eof) && self.eof_is_error)
        {
            return Err(Failed);
        }
        if matches!(token.kind, TokenKind::RBrace | TokenKind::Eof) || self.newline_before_current()
        {
            let previous = self.previous_span();
            if matches!(token.kind, TokenKind::Eof) {
                self.eof_is_error = true;
            }
            self.reports.push(Report::new(
                self.file,
                previous,
                format!("expected {what} after {after}"),
                format!("expected {what} after this"),
            ));
            return Ok(());
        }
        Err(self.expected(what))
    }

    fn expect(&mut self, kind: &TokenKind) -> Parsed<Token> {
        let token = self.current();
        if &token.kind == kind {
            self.bump();
            Ok(token)
        } else {
            Err(self.expected(&kind.describe()))
        }
    }

    fn expect_ident(&mut self, what: &str) -> Parsed<Ident> {
        let token = self.current();
        if let TokenKind::Ident(name) = token.kind {
            self.bump();
            Ok(Ident {
                name,
                span: token.span,
            })
        } else {
            Err(self.expected(what))
        }
    }

    // ---- recovery -----------------------------------------------------

    /// After an error in the member (field or variant) that began at token
    /// `start`: skips to the `;` or `,` that ends it (outside brackets) and
    /// consumes it, or stops before the `}` that ends the block.
    fn recover_member(&mut self, start: usize) {
        let mut depth: usize = 0;
        for token in self.tokens.get(start..self.pos).unwrap_or_default() {
            match token.kind {
                TokenKind::LBracket => depth += 1,
                TokenKind::RBracket => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        while let Some(token) = self.raw(self.pos) {
            match token.kind {
                TokenKind::Eof | TokenKind::RBrace => return,
                TokenKind::Semi | TokenKind::Comma if depth == 0 => {
                    self.bump();
                    return;
                }
                TokenKind::LBracket => depth += 1,
                TokenKind::RBracket => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.bump();
        }
    }

    /// After an error at the top level: skips to the next `;`, past the next
    /// balanced `{ ... }`, or to the next item keyword. True when it skipped
    /// a balanced block.
    fn recover_top(&mut self) -> bool {
        let mut depth: usize = 0;
        let mut opened = false;
        while let Some(token) = self.raw(self.pos) {
            match token.kind {
                TokenKind::Eof => return false,
                TokenKind::Semi if depth == 0 => {
                    self.bump();
                    return false;
                }
                TokenKind::LBrace => {
                    depth += 1;
                    opened = true;
                }
                TokenKind::RBrace => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.bump();
                        return opened;
                    }
                }
                ref kind if depth == 0 && is_item_keyword(kind) => return false,
                _ => {}
            }
            self.bump();
        }
        false
    }

    // ---- grammar ------------------------------------------------------

    fn file(&mut self) -> File {
        let mut file = File::default();
        let mut namespace_span: Option<Range<usize>> = None;
        let mut seen_other = false;
        // After a stray token at the top level, the following stray tokens
        // are part of the same mess: one error until the next item.
        let mut in_junk = false;
        loop {
            let before = self.pos;
            let (docs, docs_span) = self.take_docs();
            let token = self.current();
            let keyword = match &token.kind {
                TokenKind::Ident(name) => name.as_str(),
                _ => "",
            };
            let takes_docs = matches!(keyword, "namespace" | "struct" | "enum");
            if let (false, Some(span)) = (takes_docs, docs_span) {
                self.stray_docs(span);
            }
            if takes_docs || keyword == "import" {
                in_junk = false;
            }
            match keyword {
                "namespace" => {
                    let parsed = self.namespace();
                    match (&namespace_span, seen_other) {
                        (Some(first), _) => {
                            let first = first.clone();
                            self.reports.push(
                                Report::new(
                                    self.file,
                                    token.span.clone(),
                                    "duplicate namespace declaration",
                                    "second namespace",
                                )
                                .with_related(self.file, first, "first declared here")
                                .with_help("a file has at most one namespace"),
                            );
                        }
                        (None, true) => {
                            self.reports.push(
                                Report::new(
                                    self.file,
                                    token.span.clone(),
                                    "the namespace must come first",
                                    "after an import or a type",
                                )
                                .with_help("move the namespace declaration to the top of the file, before imports and types"),
                            );
                            namespace_span = Some(token.span.clone());
                        }
                        (None, false) => {
                            namespace_span = Some(token.span.clone());
                            match parsed {
                                Ok(namespace) => {
                                    file.namespace = Some(namespace);
                                    file.docs = docs;
                                }
                                Err(Failed) => {
                                    let _ = self.recover_top();
                                }
                            }
                            continue;
                        }
                    }
                    if parsed.is_err() {
                        let _ = self.recover_top();
                    }
                }
                "import" => {
                    seen_other = true;
                    match self.import() {
                        Ok(import) => file.imports.push(import),
                        Err(Failed) => {
                            let _ = self.recover_top();
                        }
                    }
                }
                "struct" => {
                    seen_other = true;
                    match self.structure(docs) {
                        Ok(decl) => file.items.push(Item::Struct(decl)),
                        Err(Failed) => {
                            let _ = self.recover_top();
                        }
                    }
                }
                "enum" => {
                    seen_other = true;
                    match self.enumeration(docs) {
                        Ok(decl) => file.items.push(Item::Enum(decl)),
                        Err(Failed) => {
                            let _ = self.recover_top();
                        }
                    }
                }
                _ => {
                    if matches!(token.kind, TokenKind::Eof) {
                        break;
                    }
                    let help = match token.kind {
                        TokenKind::Semi => Some("struct and enum declarations do not end with ';'"),
                        TokenKind::Ident(ref name)
                            if name == "message" || name == "table" || name == "class" =>
                        {
                            Some("message types are declared with 'struct'")
                        }
                        _ => None,
                    };
                    if !in_junk {
                        self.expected_with_help("'struct', 'enum' or 'import'", help);
                        in_junk = true;
                    }
                    self.bump();
                    if self.recover_top() {
                        // A balanced `{ ... }` looked like an item: what
                        // follows is worth its own error.
                        in_junk = false;
                    }
                }
            }
            if self.pos == before {
                self.bump();
            }
        }
        file
    }

    fn namespace(&mut self) -> Parsed<Namespace> {
        self.bump(); // `namespace`
        let mut segments = vec![self.expect_ident("a namespace name")?];
        while self.at(&TokenKind::Dot) {
            self.bump();
            segments.push(self.expect_ident("a namespace segment")?);
        }
        self.expect_terminator(&TokenKind::Semi, "';'", "the namespace")?;
        Ok(Namespace { segments })
    }

    fn import(&mut self) -> Parsed<Import> {
        self.bump(); // `import`
        let token = self.current();
        let TokenKind::Str(path) = token.kind else {
            return Err(self.expected_with_help(
                "the imported file's path as a string",
                Some("write it in double quotes: import \"common.pusm\";"),
            ));
        };
        self.bump();
        self.expect_terminator(&TokenKind::Semi, "';'", "the import")?;
        Ok(Import {
            path,
            span: token.span,
        })
    }

    fn structure(&mut self, docs: Vec<String>) -> Parsed<StructDecl> {
        self.bump(); // `struct`
        let name = self.expect_ident("a struct name")?;
        self.expect(&TokenKind::LBrace)?;
        let (fields, _) = self.members("struct", &name, Self::field);
        Ok(StructDecl { docs, name, fields })
    }

    /// The members of a struct or enum (`what`) up to its closing `}`, each
    /// with its doc comments; a member that fails is skipped by
    /// [`recover_member`](Self::recover_member). Also says whether one failed.
    fn members<T>(
        &mut self,
        what: &str,
        name: &Ident,
        mut member: impl FnMut(&mut Self, Vec<String>) -> Parsed<T>,
    ) -> (Vec<T>, bool) {
        let mut members = Vec::new();
        let mut recovered = false;
        loop {
            let (docs, docs_span) = self.take_docs();
            let token = self.current();
            if matches!(token.kind, TokenKind::RBrace | TokenKind::Eof) {
                if let Some(span) = docs_span {
                    self.stray_docs(span);
                }
                if matches!(token.kind, TokenKind::Eof) {
                    self.expected(&format!("'}}' to close {what} '{}'", name.name));
                } else {
                    self.bump();
                }
                return (members, recovered);
            }
            let start = self.pos;
            match member(self, docs) {
                Ok(parsed) => members.push(parsed),
                Err(Failed) => {
                    recovered = true;
                    self.recover_member(start);
                }
            }
            if self.pos == start {
                self.bump();
            }
        }
    }

    fn field(&mut self, docs: Vec<String>) -> Parsed<FieldDecl> {
        let name = self.expect_ident("a field name")?;
        if !self.at(&TokenKind::Colon) {
            return Err(self.expected_with_help("':'", Some("a field is written 'name: type;'")));
        }
        self.bump();
        let ty = self.ty(0)?;
        self.expect_terminator(&TokenKind::Semi, "';'", "the field")?;
        Ok(FieldDecl { docs, name, ty })
    }

    /// A type expression; `depth` counts the enclosing `[`.
    fn ty(&mut self, depth: usize) -> Parsed<TypeExpr> {
        let token = self.current();
        let start = token.span.start;
        let kind = match token.kind {
            TokenKind::Ident(name) => {
                self.bump();
                TypeKind::Named(Ident {
                    name,
                    span: token.span,
                })
            }
            TokenKind::LBracket => {
                if depth >= MAX_NESTING {
                    self.reports.push(
                        Report::new(
                            self.file,
                            token.span,
                            format!(
                                "type nested too deeply: more than {MAX_NESTING} levels of '['"
                            ),
                            format!("level {} starts here", MAX_NESTING + 1),
                        )
                        .with_help(format!(
                            "nest lists, arrays and optionals at most {MAX_NESTING} deep"
                        )),
                    );
                    return Err(Failed);
                }
                self.bump();
                let element = self.ty(depth + 1)?;
                if self.at(&TokenKind::Semi) {
                    self.bump();
                    let len = self.array_len()?;
                    self.expect(&TokenKind::RBracket)?;
                    TypeKind::Array(Box::new(element), len)
                } else if self.at(&TokenKind::RBracket) {
                    self.bump();
                    TypeKind::List(Box::new(element))
                } else {
                    return Err(self.expected("']' or ';'"));
                }
            }
            _ => return Err(self.expected("a type")),
        };
        let mut ty = TypeExpr {
            kind,
            span: start..self.previous_span().end,
        };
        if self.at(&TokenKind::Question) {
            let question = self.current().span;
            self.bump();
            ty = TypeExpr {
                kind: TypeKind::Optional(Box::new(ty)),
                span: start..question.end,
            };
            let mut extra: Option<Range<usize>> = None;
            while self.at(&TokenKind::Question) {
                let span = self.current().span;
                extra = Some(match extra {
                    Some(extra) => extra.start..span.end,
                    None => span,
                });
                self.bump();
            }
            if let Some(extra) = extra {
                self.reports.push(
                    Report::new(
                        self.file,
                        extra,
                        "an optional cannot be optional ('T??')",
                        "remove this",
                    )
                    .with_help("a single '?' makes the type optional"),
                );
            }
        }
        Ok(ty)
    }

    /// The `N` of `[T; N]`: `None` when it is out of range (reported).
    fn array_len(&mut self) -> Parsed<Option<usize>> {
        let token = self.current();
        let TokenKind::Int(text) = &token.kind else {
            return Err(self.expected(&format!(
                "the array length (an integer from {MIN_ARRAY_LEN} to {MAX_ARRAY_LEN})"
            )));
        };
        self.bump();
        let value = parse_int(text);
        match value {
            Some(value) if (MIN_ARRAY_LEN as i64..=MAX_ARRAY_LEN as i64).contains(&value) => {
                Ok(usize::try_from(value).ok())
            }
            _ => {
                self.reports.push(
                    Report::new(
                        self.file,
                        token.span,
                        format!("array length {text} is out of range"),
                        format!("not in {MIN_ARRAY_LEN}..={MAX_ARRAY_LEN}"),
                    )
                    .with_help(format!(
                        "a fixed array has {MIN_ARRAY_LEN} to {MAX_ARRAY_LEN} elements; use a list '[T]' for any length"
                    )),
                );
                Ok(None)
            }
        }
    }

    fn enumeration(&mut self, docs: Vec<String>) -> Parsed<EnumDecl> {
        self.bump(); // `enum`
        let name = self.expect_ident("an enum name")?;
        self.expect(&TokenKind::LBrace)?;
        let (variants, recovered) = self.members("enum", &name, Self::variant);
        self.report_missing_values(&variants);
        Ok(EnumDecl {
            docs,
            name,
            variants,
            recovered,
        })
    }

    /// Reports every variant without a value, suggesting one more than the
    /// previous variant's value (0 for the first) that no variant has and no
    /// other suggestion took: following the help never makes a duplicate.
    fn report_missing_values(&mut self, variants: &[VariantDecl]) {
        let mut taken: Vec<i32> = variants
            .iter()
            .filter_map(|variant| variant.value)
            .collect();
        let mut previous: Option<i32> = None;
        for variant in variants {
            if !variant.missing_value {
                previous = variant.value.or(previous);
                continue;
            }
            let candidate = pusm_layout::free_enum_value(previous, &taken);
            taken.push(candidate);
            previous = Some(candidate);
            self.reports.push(
                Report::new(
                    self.file,
                    variant.name.span.clone(),
                    format!("enum variant '{}' has no value", variant.name.name),
                    "expected '= <value>' after this",
                )
                .with_help(format!(
                    "give every variant an explicit int32 value: {} = {candidate},",
                    variant.name.name
                )),
            );
        }
    }

    fn variant(&mut self, docs: Vec<String>) -> Parsed<VariantDecl> {
        let name = self.expect_ident("a variant name")?;
        let (value, value_span) = if self.at(&TokenKind::Eq) {
            self.bump();
            let token = self.current();
            let TokenKind::Int(text) = &token.kind else {
                return Err(self.expected("the variant's value (an int32)"));
            };
            self.bump();
            let value = parse_int(text).and_then(|value| i32::try_from(value).ok());
            if value.is_none() {
                self.reports.push(
                    Report::new(
                        self.file,
                        token.span.clone(),
                        format!("enum value {text} does not fit in int32"),
                        "out of range",
                    )
                    .with_help(format!(
                        "enum values are int32: from {} to {}",
                        i32::MIN,
                        i32::MAX
                    )),
                );
            }
            (value, token.span)
        } else {
            let token = self.current();
            if matches!(token.kind, TokenKind::Comma | TokenKind::RBrace) {
                (None, name.span.clone())
            } else {
                return Err(self.expected("'='"));
            }
        };
        if !self.at(&TokenKind::RBrace) {
            self.expect_terminator(&TokenKind::Comma, "','", "the variant")?;
        }
        let missing_value = value.is_none() && value_span == name.span;
        Ok(VariantDecl {
            docs,
            name,
            value,
            value_span,
            missing_value,
        })
    }
}

/// A decimal integer with an optional `-`; `None` when it does not fit i64.
fn parse_int(text: &str) -> Option<i64> {
    text.parse::<i64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_small_file() {
        let mut reports = Vec::new();
        let file = parse(
            "/// File.\nnamespace a.b;\nimport \"x.pusm\";\n/// E.\nenum E { A = 1, B = -2 }\nstruct S { x: [int32; 3]?; }",
            0,
            &mut reports,
        );
        assert!(reports.is_empty(), "{reports:?}");
        assert_eq!(file.docs, vec!["File.".to_owned()]);
        assert_eq!(file.imports.len(), 1);
        assert_eq!(file.items.len(), 2);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut reports = Vec::new();
        let text = format!(
            "struct S {{ a: {}int32{}; b: bool; }}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let file = parse(&text, 0, &mut reports);
        assert_eq!(reports.len(), 1);
        let Some(Item::Struct(decl)) = file.items.first() else {
            panic!("no struct");
        };
        assert_eq!(decl.fields.len(), 1);
    }
}

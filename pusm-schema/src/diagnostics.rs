//! Errors found while loading schema files, and their rustc-style rendering.
//!
//! Rendering goes through `codespan-reporting` with ASCII borders, so the
//! plain form reads like rustc's:
//!
//! ```text
//! error: unknown type 'int'
//!   --> schemas/robot.pusm:12:11
//!    |
//! 12 |     step: int;
//!    |           ^^^ not a type
//!    |
//!    = help: did you mean 'int32'?
//! ```

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor, Chars, Config};

/// One error, with where it is and what may fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What is wrong, in one line (`unknown type 'int'`).
    pub message: String,
    /// The file it is in, as the user named it (imports joined with the
    /// importer's folder, `.` and `..` removed).
    pub path: PathBuf,
    /// The 1-based line of the spot, or 0 when the error has no spot in a
    /// file (a file named on the command line that cannot be read).
    pub line: usize,
    /// The 1-based column of the spot, counted in characters, or 0 when the
    /// error has no spot.
    pub column: usize,
    /// The bytes of `path` the caret goes under, when there is a spot.
    pub span: Option<Range<usize>>,
    /// The text printed next to the caret (`not a type`).
    pub label: String,
    /// A suggestion (`did you mean 'int32'?`), printed as `= help: ...`.
    pub help: Option<String>,
    /// More explanation, each printed as `= note: ...`.
    pub notes: Vec<String>,
    /// Other places that matter (the first definition of a duplicate name),
    /// each shown with its own snippet.
    pub related: Vec<Related>,
}

/// A secondary spot of a [`Diagnostic`], such as the other definition of a
/// duplicate name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The text printed under this spot (`first defined here`).
    pub message: String,
    /// The file it is in.
    pub path: PathBuf,
    /// Its 1-based line.
    pub line: usize,
    /// Its 1-based column, in characters.
    pub column: usize,
    /// Its bytes in `path`.
    pub span: Range<usize>,
}

/// Everything that was wrong with a set of schema files: one or more
/// [`Diagnostic`]s, in file order and then in position order.
///
/// `Display` prints [`Diagnostics::render`] without colours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    diagnostics: Vec<Diagnostic>,
    /// Every file read, in reading order, with its text (for snippets).
    sources: Vec<(PathBuf, String)>,
}

impl Diagnostics {
    pub(crate) fn new(diagnostics: Vec<Diagnostic>, sources: Vec<(PathBuf, String)>) -> Self {
        Diagnostics {
            diagnostics,
            sources,
        }
    }

    /// Renders every diagnostic like rustc does, with source snippets and
    /// carets; `color` adds ANSI colour codes. Without colour the text is
    /// deterministic (tests compare it).
    #[must_use]
    pub fn render(&self, color: bool) -> String {
        let mut files = SimpleFiles::new();
        let ids: Vec<usize> = self
            .sources
            .iter()
            .map(|(path, text)| files.add(path.display().to_string(), text.as_str()))
            .collect();
        let file_id = |path: &Path| -> Option<usize> {
            self.sources
                .iter()
                .position(|(source, _)| source == path)
                .and_then(|index| ids.get(index).copied())
        };
        let config = Config {
            chars: Chars::ascii(),
            ..Config::default()
        };
        let mut out = String::new();
        for diagnostic in &self.diagnostics {
            if self.has_long_line(diagnostic) {
                out.push_str(&fallback(diagnostic));
                continue;
            }
            let mut cs = CsDiagnostic::error().with_message(diagnostic.message.clone());
            let mut labels = Vec::new();
            if let (Some(span), Some(id)) = (&diagnostic.span, file_id(&diagnostic.path)) {
                labels
                    .push(Label::primary(id, span.clone()).with_message(diagnostic.label.clone()));
            }
            for related in &diagnostic.related {
                if let Some(id) = file_id(&related.path) {
                    labels.push(
                        Label::secondary(id, related.span.clone())
                            .with_message(related.message.clone()),
                    );
                }
            }
            cs = cs.with_labels(labels);
            let mut notes = Vec::new();
            notes.extend(diagnostic.help.iter().map(|help| format!("help: {help}")));
            notes.extend(diagnostic.notes.iter().map(|note| format!("note: {note}")));
            cs = cs.with_notes(notes);
            if color {
                let mut buffer = termcolor::Buffer::ansi();
                if term::emit_to_write_style(&mut buffer, &config, &files, &cs).is_ok() {
                    out.push_str(&String::from_utf8_lossy(buffer.as_slice()));
                    continue;
                }
            } else {
                let mut text = String::new();
                if term::emit_to_string(&mut text, &config, &files, &cs).is_ok() {
                    // codespan pads some lines with spaces: drop them so the
                    // text is easy to compare and to paste into tests.
                    for line in text.lines() {
                        out.push_str(line.trim_end());
                        out.push('\n');
                    }
                    continue;
                }
            }
            // Only reached if a span does not fit its file: print the bare facts.
            out.push_str(&fallback(diagnostic));
        }
        out
    }

    /// How many diagnostics there are (at least one).
    #[must_use]
    pub fn len(&self) -> usize {
        self.diagnostics.len()
    }

    /// Always false: a `Diagnostics` holds at least one error.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }

    /// The diagnostics, in file order and then in position order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter()
    }

    /// Every file that was read, in reading order, even when loading failed:
    /// what a build script passes to `cargo:rerun-if-changed`.
    #[must_use]
    pub fn files(&self) -> Vec<PathBuf> {
        self.sources.iter().map(|(path, _)| path.clone()).collect()
    }
}

/// Lines longer than this (in bytes) are not shown in snippets: rendering
/// them is slow and reading them is no help.
const MAX_SNIPPET_LINE: usize = 1024;

impl Diagnostics {
    /// True when a spot of `diagnostic` is on a line too long to show.
    fn has_long_line(&self, diagnostic: &Diagnostic) -> bool {
        let spots = diagnostic
            .span
            .iter()
            .map(|span| (&diagnostic.path, span))
            .chain(
                diagnostic
                    .related
                    .iter()
                    .map(|related| (&related.path, &related.span)),
            );
        for (path, span) in spots {
            let Some((_, text)) = self.sources.iter().find(|(source, _)| source == path) else {
                continue;
            };
            if line_len(text, span.start) > MAX_SNIPPET_LINE
                || line_len(text, span.end) > MAX_SNIPPET_LINE
            {
                return true;
            }
        }
        false
    }
}

/// The length in bytes of the line that holds byte `offset` of `text`.
fn line_len(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let start = bytes
        .get(..offset)
        .and_then(|before| before.iter().rposition(|&b| b == b'\n'))
        .map_or(0, |at| at + 1);
    let end = bytes
        .get(offset..)
        .and_then(|after| after.iter().position(|&b| b == b'\n'))
        .map_or(bytes.len(), |at| offset + at);
    end - start
}

/// A diagnostic without a snippet: for spots on lines too long to show.
fn fallback(diagnostic: &Diagnostic) -> String {
    let mut out = format!("error: {}\n", diagnostic.message);
    if diagnostic.line > 0 {
        out.push_str(&format!(
            "  --> {}:{}:{}: {}\n",
            diagnostic.path.display(),
            diagnostic.line,
            diagnostic.column,
            diagnostic.label
        ));
    }
    for related in &diagnostic.related {
        out.push_str(&format!(
            "  --> {}:{}:{}: {}\n",
            related.path.display(),
            related.line,
            related.column,
            related.message
        ));
    }
    if let Some(help) = &diagnostic.help {
        out.push_str(&format!("  = help: {help}\n"));
    }
    for note in &diagnostic.notes {
        out.push_str(&format!("  = note: {note}\n"));
    }
    if diagnostic.line > 0 {
        out.push_str(&format!(
            "  = note: no snippet: a line is over {MAX_SNIPPET_LINE} bytes long\n"
        ));
    }
    out.push('\n');
    out
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Diagnostics {}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.diagnostics.iter()
    }
}

/// An error as the checker builds it: file by reading index, spans in bytes.
/// Turned into a [`Diagnostic`] once every file is known.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    /// The reading index of the file, or `None` for an error without a file.
    pub file: Option<usize>,
    pub span: Option<Range<usize>>,
    /// For errors without a file: the path to name.
    pub path: Option<PathBuf>,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    pub notes: Vec<String>,
    pub related: Vec<(usize, Range<usize>, String)>,
}

impl Report {
    /// An error at `span` of file `file`.
    pub fn new(
        file: usize,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Report {
            file: Some(file),
            span: Some(span),
            path: None,
            message: message.into(),
            label: label.into(),
            help: None,
            notes: Vec::new(),
            related: Vec::new(),
        }
    }

    /// An error about a file as a whole, with no spot in it.
    pub fn without_spot(path: PathBuf, message: impl Into<String>) -> Self {
        Report {
            file: None,
            span: None,
            path: Some(path),
            message: message.into(),
            label: String::new(),
            help: None,
            notes: Vec::new(),
            related: Vec::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_related(
        mut self,
        file: usize,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        self.related.push((file, span, message.into()));
        self
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let line = before.matches('\n').count() + 1;
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

/// At most this many errors are reported; one more diagnostic then says how
/// many were left out.
pub const MAX_ERRORS: usize = 100;

/// Turns reports into public diagnostics, sorted by file reading order and
/// then by position (stable, so reports at one spot keep their order), at
/// most [`MAX_ERRORS`] of them.
pub(crate) fn finish(mut reports: Vec<Report>, sources: Vec<(PathBuf, String)>) -> Diagnostics {
    reports.sort_by_key(|report| {
        (
            report.file.unwrap_or(usize::MAX),
            report.span.as_ref().map_or(0, |span| span.start),
        )
    });
    if reports.len() > MAX_ERRORS {
        let left_out = reports.len() - MAX_ERRORS;
        reports.truncate(MAX_ERRORS);
        reports.push(Report::without_spot(
            PathBuf::new(),
            format!("{left_out} more errors not shown (at most {MAX_ERRORS} are)"),
        ));
    }
    let locate = |file: usize, span: &Range<usize>| -> (PathBuf, usize, usize) {
        match sources.get(file) {
            Some((path, text)) => {
                let (line, column) = line_column(text, span.start);
                (path.clone(), line, column)
            }
            None => (PathBuf::new(), 0, 0),
        }
    };
    let diagnostics = reports
        .into_iter()
        .map(|report| {
            let (path, line, column) = match (report.file, &report.span) {
                (Some(file), Some(span)) => locate(file, span),
                (Some(file), None) => (
                    sources
                        .get(file)
                        .map(|(path, _)| path.clone())
                        .unwrap_or_default(),
                    0,
                    0,
                ),
                (None, _) => (report.path.clone().unwrap_or_default(), 0, 0),
            };
            let span = if line == 0 { None } else { report.span.clone() };
            let related = report
                .related
                .iter()
                .map(|(file, span, message)| {
                    let (path, line, column) = locate(*file, span);
                    Related {
                        message: message.clone(),
                        path,
                        line,
                        column,
                        span: span.clone(),
                    }
                })
                .collect();
            Diagnostic {
                message: report.message,
                path,
                line,
                column,
                span,
                label: report.label,
                help: report.help,
                notes: report.notes,
                related,
            }
        })
        .collect();
    Diagnostics::new(diagnostics, sources)
}

//! The emitters: one per target language, each turning one schema file into
//! one source file.
//!
//! Every emitter is a pure function of the [`Schema`]: no timestamps, no
//! absolute paths, no hash-map ordering, so the same schema always gives the
//! same bytes (golden tests compare them byte for byte).

pub mod csharp;
pub mod python;
pub mod rust;
mod writer;

use std::fmt;
use std::path::{Component, Path};
use std::str::FromStr;

use pusm_schema::{EnumDef, FileId, Schema, SchemaFile, TypeId, TypeRef};

pub use csharp::CSharp;
pub use python::Python;
pub use rust::Rust;

/// Turns one schema file into one source file of a target language.
///
/// ```
/// use pusm_codegen::emit::{Emitter, Rust};
/// use pusm_codegen::schema::{FileId, Schema, SchemaFile};
///
/// let schema = Schema {
///     files: vec![SchemaFile {
///         path: "schemas/empty.pusm".into(),
///         module: "empty".into(),
///         namespace: None,
///         docs: vec![],
///         imports: vec![],
///         items: vec![],
///     }],
/// };
/// assert_eq!(Rust.file_name(&schema.files[0]), "empty.rs");
/// assert!(Rust.emit(&schema, FileId(0)).contains("schemas/empty.pusm"));
/// ```
pub trait Emitter {
    /// The name of the generated file (no folder), e.g. `robot.rs`, `Robot.cs`, `robot.py`.
    fn file_name(&self, file: &SchemaFile) -> String;

    /// The generated source for `file`, formatted and ending with a newline.
    ///
    /// # Panics
    /// When `file` is not a file of `schema`.
    fn emit(&self, schema: &Schema, file: FileId) -> String;

    /// Files the generated sources need besides one per schema file (for
    /// Python, the helper module written once per output folder), as
    /// (file name, contents).
    fn support_files(&self, _schema: &Schema) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// The Python emitter with default options, for [`Language::emitter`].
static DEFAULT_PYTHON: Python = Python::new();

/// A target language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    /// Rust: a module per schema file, types deriving `pusm_core::SharedLayout`.
    Rust,
    /// C# (Unity, Mono's `mcs`): a namespace per schema file, sealed classes.
    CSharp,
    /// Python 3.8+: a module per schema file, dataclasses.
    Python,
}

impl Language {
    /// Every language, in a fixed order.
    pub const ALL: [Language; 3] = [Language::Rust, Language::CSharp, Language::Python];

    /// The emitter of this language.
    #[must_use]
    pub fn emitter(self) -> &'static dyn Emitter {
        match self {
            Language::Rust => &Rust,
            Language::CSharp => &CSharp,
            Language::Python => &DEFAULT_PYTHON,
        }
    }

    /// The lowercase name used on the command line and in test folders.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::CSharp => "csharp",
            Language::Python => "python",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of [`Language::from_str`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?} (expected rust, csharp or python)")]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Language::ALL
            .into_iter()
            .find(|language| language.name() == s)
            .ok_or_else(|| UnknownLanguage(s.to_owned()))
    }
}

/// One generated source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The schema file it was generated from; `None` for a support file
    /// such as Python's helper module.
    pub source: Option<FileId>,
    /// The file name, without a folder.
    pub name: String,
    /// The file's contents.
    pub contents: String,
}

/// Generates `language` for every file of `schema` (the files named when the
/// schema was loaded and every file they import), in the schema's order.
#[must_use]
pub fn generate(schema: &Schema, language: Language) -> Vec<GeneratedFile> {
    generate_with(schema, language.emitter())
}

/// Generates with `emitter` (a language's emitter with options, such as
/// `Python::new().relative_imports(true)`) for every file of `schema`, then
/// its support files.
#[must_use]
pub fn generate_with(schema: &Schema, emitter: &dyn Emitter) -> Vec<GeneratedFile> {
    let mut files: Vec<GeneratedFile> = (0..schema.files.len())
        .map(FileId)
        .map(|id| GeneratedFile {
            source: Some(id),
            name: emitter.file_name(schema.file(id)),
            contents: emitter.emit(schema, id),
        })
        .collect();
    files.extend(
        emitter
            .support_files(schema)
            .into_iter()
            .map(|(name, contents)| GeneratedFile {
                source: None,
                name,
                contents,
            }),
    );
    files
}

/// The schema path as it goes in a generated header: relative, with `/`
/// separators on every platform. An absolute path is cut to its file name,
/// so generated files never depend on where the project lives.
#[must_use]
pub(crate) fn display_path(path: &Path) -> String {
    if path.is_absolute() {
        return path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    let parts: Vec<String> = path
        .components()
        .filter_map(|component| match component {
            Component::CurDir => None,
            Component::ParentDir => Some("..".to_owned()),
            other => Some(other.as_os_str().to_string_lossy().into_owned()),
        })
        .collect();
    parts.join("/")
}

/// Doc comment lines as they go out: the common indentation removed,
/// trailing spaces and leading and trailing blank lines dropped.
#[must_use]
pub(crate) fn doc_lines(docs: &[String]) -> Vec<String> {
    let indent = docs
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut lines: Vec<String> = docs
        .iter()
        .map(|line| line.get(indent..).unwrap_or("").trim_end().to_owned())
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let leading = lines.iter().take_while(|line| line.is_empty()).count();
    lines.drain(..leading);
    lines
}

/// The variant a default value takes: the one whose value is 0, else the first.
#[must_use]
pub(crate) fn default_variant(def: &EnumDef) -> usize {
    def.variants
        .iter()
        .position(|variant| variant.value == 0)
        .unwrap_or(0)
}

/// The type of a whole item, for the layout functions of [`Schema`].
#[must_use]
pub(crate) fn item_type(file: FileId, index: usize) -> TypeRef {
    TypeRef::Named(TypeId { file, index })
}

/// The first line of the generated-file header, without a comment marker.
#[must_use]
pub(crate) fn header_line(file: &SchemaFile) -> String {
    format!(
        "Generated by pusm-codegen from {}. Do not edit: change the schema and regenerate.",
        display_path(&file.path)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_paths_are_relative_and_portable() {
        assert_eq!(
            display_path(Path::new("schemas/robot.pusm")),
            "schemas/robot.pusm"
        );
        assert_eq!(display_path(Path::new("./robot.pusm")), "robot.pusm");
        assert_eq!(
            display_path(Path::new("../schemas/robot.pusm")),
            "../schemas/robot.pusm"
        );
        assert_eq!(display_path(Path::new("/home/me/robot.pusm")), "robot.pusm");
    }

    #[test]
    fn docs_are_dedented() {
        let docs = vec![
            " First.".to_owned(),
            "   indented".to_owned(),
            "".to_owned(),
            " ".to_owned(),
        ];
        assert_eq!(doc_lines(&docs), ["First.", "  indented"]);
        assert!(doc_lines(&[]).is_empty());
    }

    #[test]
    fn languages_parse_and_print() {
        for language in Language::ALL {
            assert_eq!(language.name().parse::<Language>(), Ok(language));
        }
        assert!("go".parse::<Language>().is_err());
    }
}

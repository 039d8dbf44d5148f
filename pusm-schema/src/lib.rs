//! # pusm-schema
//!
//! Reads `.pusm` schema files (the language is specified in `docs/SCHEMA.md`),
//! checks every rule, and produces one [`Schema`]: the intermediate
//! representation every code generator works from.
//!
//! ```
//! let mut sources = pusm_schema::Sources::new();
//! sources.add("shapes.pusm", "namespace shapes;\nstruct Point { x: float32; y: float32; }\n");
//! let schema = pusm_schema::load_sources(&sources, &["shapes.pusm"]).map_err(|e| e.to_string())?;
//! assert_eq!(schema.files[0].items[0].name(), "Point");
//! # Ok::<(), String>(())
//! ```
//!
//! Every error is reported, each with its file, line and column, rendered
//! like rustc's ([`Diagnostics::render`]):
//!
//! ```
//! let mut sources = pusm_schema::Sources::new();
//! sources.add("a.pusm", "struct A {\n    step: int;\n}\n");
//! let errors = pusm_schema::load_sources(&sources, &["a.pusm"]).unwrap_err();
//! assert_eq!(
//!     errors.render(false),
//!     "error: unknown type 'int'\n  --> a.pusm:2:11\n  |\n2 |     step: int;\n  |           ^^^ not a type\n  |\n  = help: did you mean 'int32'?\n\n"
//! );
//! ```
//!
//! ## Decisions where `docs/SCHEMA.md` is silent
//!
//! - A type name is visible in the file that defines it and in every file
//!   that imports that file, directly or through other imports; names must
//!   be unique among everything a file sees.
//! - Field names and namespace segments are `[a-z][a-z0-9]*` words joined by
//!   single underscores: no double and no trailing underscore (a trailing one
//!   is how generated Python escapes keywords, `class` -> `class_`).
//! - A doc comment (`///`) that documents nothing (before `import`, `}` or
//!   the end of the file, or inside a type) is an error, like a misplaced
//!   doc comment in Rust: it would silently vanish from the generated code.
//!   `////` is an ordinary comment. Block comments do not nest. A doc line
//!   keeps its text after `///` less one leading space and trailing
//!   whitespace; consecutive `///` lines form one block even with ordinary
//!   comments between them.
//! - Strings (import paths) know two escapes, `\"` and `\\`, and end on
//!   their line. Integers are decimal; leading zeros are allowed.
//! - Paths are never canonicalized in messages or in [`SchemaFile::path`]:
//!   they are as named, joined with the importer's folder (or the include
//!   folder they were found in), with `.` and `..` removed lexically. Files
//!   are identified by their canonical path on disk (so two spellings of one
//!   file are read once).
//! - Imports name relative `.pusm` paths, looked up next to the importing
//!   file, then in each include folder ([`load_with_includes`]); the file
//!   found, symlinks resolved, must be inside the folder of a root file or an
//!   include folder, and is refused before it is opened otherwise. Only
//!   regular files of at most [`MAX_FILE_SIZE`] bytes are read, opened
//!   without blocking.
//! - An empty enum is an error (it has no valid value); an empty struct is
//!   fine, but a list element or optional value that can build more objects
//!   than it takes bytes (`[Empty]`, `[[Empty; 8]?]`, `Empty?`) is an error
//!   (`pusm_layout::Layout::amplifier`): a peer could make a reader build
//!   millions of objects from a few bytes.
//! - A type whose smallest value is larger than the largest capacity
//!   (2^31 - 1 bytes, like `[[int32; 65536]; 65536]`) is an error.
//! - Limits: type constructors (`[T]`, `[T; N]`, `T?`) nest at most
//!   [`MAX_NESTING`] deep in one type; a type expanded with its nested
//!   structs is at most [`MAX_LAYOUT_DEPTH`] levels deep and its signature
//!   at most [`MAX_SIGNATURE_LEN`] bytes long.
//! - At most [`MAX_ERRORS`] errors are reported, then one that says how many
//!   more there were. Stray tokens in a row at the top level are one error; a
//!   missing `;` or `,` at the end of a line is reported and assumed. A spot
//!   on a line over 1024 bytes long is reported without a snippet.
//! - The generated module is the file stem: it must be an identifier, and two
//!   files of one schema must not share it (compared without case).

mod ast;
mod bounds;
mod check;
mod cycles;
pub mod diagnostics;
mod hints;
pub mod ir;
mod lexer;
mod loader;
mod lower;
mod parser;
mod resolve;
mod suggest;

use std::path::{Path, PathBuf};

pub use diagnostics::{Diagnostic, Diagnostics, Related, MAX_ERRORS};
pub use ir::{
    EnumDef, FieldDef, FileId, Item, Schema, SchemaFile, Span, StructDef, TypeId, TypeRef,
    VariantDef,
};
pub use loader::{Sources, MAX_FILE_SIZE};
pub use lower::{MAX_LAYOUT_DEPTH, MAX_SIGNATURE_LEN};
pub use parser::{MAX_ARRAY_LEN, MAX_NESTING, MIN_ARRAY_LEN};

use diagnostics::Report;
use loader::FileSource;

/// Loads the schema files at `paths` from disk, with everything they import
/// (imports are relative to the importing file), and checks them.
///
/// Returns every error found, not just the first. With no paths, the schema
/// is empty. Same as [`load_with_includes`] without include folders.
///
/// # Errors
/// When a file cannot be read or breaks a rule of the schema language.
pub fn load(paths: &[impl AsRef<Path>]) -> Result<Schema, Diagnostics> {
    load_from(&loader::Disk, paths, &[] as &[PathBuf])
}

/// Loads the schema files at `paths` from disk, looking up each import next
/// to the importing file and then in each folder of `includes` in order (as
/// `protoc -I` does), and checks them.
///
/// Only regular files of at most [`MAX_FILE_SIZE`] bytes are read, and an
/// import must name a relative `.pusm` path whose file, symlinks resolved,
/// is inside the folder of one of `paths` or inside one of `includes`
/// (`docs/SCHEMA.md`, "Imports").
///
/// # Errors
/// When a file cannot be read, an import breaks these rules, or a file
/// breaks a rule of the schema language.
pub fn load_with_includes(
    paths: &[impl AsRef<Path>],
    includes: &[impl AsRef<Path>],
) -> Result<Schema, Diagnostics> {
    load_from(&loader::Disk, paths, includes)
}

/// Like [`load`], but reads the files from `sources` instead of the disk:
/// `roots` and imports are looked up there.
///
/// # Errors
/// When a file is missing from `sources` or breaks a rule of the schema
/// language.
pub fn load_sources(sources: &Sources, roots: &[impl AsRef<Path>]) -> Result<Schema, Diagnostics> {
    load_from(sources, roots, &[] as &[PathBuf])
}

/// Like [`load_with_includes`], but reads the files from `sources`.
///
/// # Errors
/// As [`load_with_includes`].
pub fn load_sources_with_includes(
    sources: &Sources,
    roots: &[impl AsRef<Path>],
    includes: &[impl AsRef<Path>],
) -> Result<Schema, Diagnostics> {
    load_from(sources, roots, includes)
}

fn load_from(
    source: &dyn FileSource,
    roots: &[impl AsRef<Path>],
    includes: &[impl AsRef<Path>],
) -> Result<Schema, Diagnostics> {
    let roots: Vec<PathBuf> = roots
        .iter()
        .map(|root| root.as_ref().to_path_buf())
        .collect();
    let includes: Vec<PathBuf> = includes
        .iter()
        .map(|dir| dir.as_ref().to_path_buf())
        .collect();
    let mut reports = Vec::new();
    let loaded = loader::load_all(source, &roots, &includes, &mut reports);
    check::check_files(&loaded, &mut reports);
    let resolved = resolve::resolve(&loaded, &mut reports);
    cycles::check_recursion(&loaded, &resolved, &mut reports);
    if reports.is_empty() {
        match lower::lower(&loaded, &resolved) {
            Some(schema) => {
                lower::check_limits(&schema, &loaded, &mut reports);
                if reports.is_empty() {
                    bounds::check_bounds(&schema, &loaded, &mut reports);
                }
                if reports.is_empty() {
                    return Ok(schema);
                }
            }
            None => reports.push(Report::without_spot(
                PathBuf::new(),
                "internal error: a type could not be resolved, but no error says why",
            )),
        }
    }
    let sources = loaded
        .files
        .into_iter()
        .map(|file| (file.path, file.text))
        .collect();
    Err(diagnostics::finish(reports, sources))
}

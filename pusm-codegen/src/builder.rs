//! [`Builder`]: code generation from a build script, in the style of `prost-build`.

use std::env;
use std::path::{Path, PathBuf};

use pusm_schema::Schema;

use crate::emit::csharp::CSharpOptions;
use crate::emit::rust::RustOptions;
use crate::emit::{generate, generate_with, Emitter, Language, Python};
use crate::output::{write_if_changed, WriteOutcome};
use crate::Error;

/// The file the Rust output gets besides one file per schema: a `pub mod`
/// per schema file, each including its generated file.
pub const MODULE_INDEX: &str = "pusm_schemas.rs";

/// Generates code for a set of schema files, typically from `build.rs`.
///
/// Rust goes to `$OUT_DIR` unless [`rust_out`](Builder::rust_out) says
/// otherwise, as one file per schema file plus [`MODULE_INDEX`]; C# and
/// Python go where [`csharp_out`](Builder::csharp_out) and
/// [`python_out`](Builder::python_out) say, if anywhere. Files are only
/// rewritten when their contents change. Cargo is told to rerun the build
/// script when any schema file or import changes (also when loading fails),
/// and when a C# or Python file it wrote is changed or deleted, so a deleted
/// output folder is written again on the next build. (Cargo runs the build
/// script once more after a run that wrote them, as they are newer than that
/// run's start; that run finds them unchanged, and later builds are fresh.)
///
/// The Rust options follow `prost-build`: [`crate_path`](Builder::crate_path),
/// [`type_attribute`](Builder::type_attribute),
/// [`field_attribute`](Builder::field_attribute),
/// [`extern_path`](Builder::extern_path); imports are looked up in
/// [`include`](Builder::include) folders as `protoc -I` does.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), pusm_codegen::Error> {
///     pusm_codegen::Builder::new()
///         .schema("schemas/robot.pusm")
///         .include("../shared/schemas")
///         .type_attribute(".", "#[derive(serde::Serialize)]")
///         .csharp_out("../unity/Assets/Generated")
///         .python_out("../agent/generated")
///         .compile()
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    schemas: Vec<PathBuf>,
    includes: Vec<PathBuf>,
    rust: bool,
    rust_out: Option<PathBuf>,
    csharp_out: Option<PathBuf>,
    python_out: Option<PathBuf>,
    rerun_if_changed: bool,
    rust_options: RustOptions,
    python: Python,
    csharp: CSharpOptions,
}

/// One file [`Builder::generate`] wrote, or found already up to date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// The language of the file.
    pub language: Language,
    /// Where it is.
    pub path: PathBuf,
    /// Whether it was written or left alone.
    pub outcome: WriteOutcome,
}

/// What [`Builder::generate`] did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Generated {
    /// Every output file, in language order and then schema order.
    pub files: Vec<OutputFile>,
    /// The paths a build script names in `cargo:rerun-if-changed` (printed
    /// unless [`Builder::emit_rerun_if_changed`] turned it off): the schema
    /// files read, and the C# and Python files written.
    pub rerun_if_changed: Vec<PathBuf>,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    /// A builder with no schemas, Rust output to `$OUT_DIR`, no C# or Python.
    #[must_use]
    pub fn new() -> Self {
        Builder {
            schemas: Vec::new(),
            includes: Vec::new(),
            rust: true,
            rust_out: None,
            csharp_out: None,
            python_out: None,
            rerun_if_changed: true,
            rust_options: RustOptions::new(),
            python: Python::new(),
            csharp: CSharpOptions::default(),
        }
    }

    /// Adds a schema file (its imports come along). Relative paths are
    /// relative to the current directory: the package root in a build script.
    #[must_use]
    pub fn schema(mut self, path: impl AsRef<Path>) -> Self {
        self.schemas.push(path.as_ref().to_path_buf());
        self
    }

    /// Adds several schema files.
    #[must_use]
    pub fn schemas<I, P>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        self.schemas
            .extend(paths.into_iter().map(|path| path.as_ref().to_path_buf()));
        self
    }

    /// Adds an include folder: imports not found next to the importing file
    /// are looked up in the include folders, in the order added, and an
    /// import may reach files inside them (`docs/SCHEMA.md`, "Imports").
    #[must_use]
    pub fn include(mut self, dir: impl AsRef<Path>) -> Self {
        self.includes.push(dir.as_ref().to_path_buf());
        self
    }

    /// Where the Rust files go (default: `$OUT_DIR`).
    #[must_use]
    pub fn rust_out(mut self, dir: impl AsRef<Path>) -> Self {
        self.rust_out = Some(dir.as_ref().to_path_buf());
        self.rust = true;
        self
    }

    /// Generates no Rust (for C# or Python only, outside a build script).
    #[must_use]
    pub fn without_rust(mut self) -> Self {
        self.rust = false;
        self.rust_out = None;
        self
    }

    /// Where the C# files go (default: no C#).
    #[must_use]
    pub fn csharp_out(mut self, dir: impl AsRef<Path>) -> Self {
        self.csharp_out = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Where the Python modules go (default: no Python). This folder is what
    /// goes on `sys.path`, or a package with
    /// [`python_relative_imports`](Builder::python_relative_imports).
    #[must_use]
    pub fn python_out(mut self, dir: impl AsRef<Path>) -> Self {
        self.python_out = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Whether generated Python imports its sibling modules relative to its
    /// package (`from . import common`), so the output folder can be a
    /// package such as `myproj/msgs/` (default: `import common`).
    #[must_use]
    pub fn python_relative_imports(mut self, relative: bool) -> Self {
        self.python = self.python.relative_imports(relative);
        self
    }

    /// Whether generated Python uses numpy arrays for lists and fixed arrays
    /// of int32 and float32 and for bytes, read and written in one step, with
    /// dtype and shape checked (default: no, standard library only).
    #[must_use]
    pub fn python_numpy(mut self, numpy: bool) -> Self {
        self.python = self.python.numpy(numpy);
        self
    }

    /// Whether generated C# uses `UnityEngine.Vector3` and `Quaternion` for
    /// structs of exactly `x, y, z` (and `w`) float32 fields (default: no).
    #[must_use]
    pub fn csharp_unity_types(mut self, enabled: bool) -> Self {
        self.csharp.unity_types = enabled;
        self
    }

    /// The path generated Rust uses for `pusm-core` (default `::pusm_core`):
    /// set it when the dependency is renamed (`::my_pusm`) or re-exported.
    #[must_use]
    pub fn crate_path(mut self, path: impl Into<String>) -> Self {
        self.rust_options = self.rust_options.crate_path(path);
        self
    }

    /// Adds a Rust attribute (`"#[derive(serde::Serialize)]"`) to the
    /// generated structs and enums `path` matches (`"."` for all,
    /// `".robot.Observation"`, `"Observation"`; see [`RustOptions`]).
    #[must_use]
    pub fn type_attribute(mut self, path: impl Into<String>, attribute: impl Into<String>) -> Self {
        self.rust_options = self.rust_options.type_attribute(path, attribute);
        self
    }

    /// Adds a Rust attribute to the generated struct fields `path` matches
    /// (`".robot.Observation.step"`, `"Observation.step"`).
    #[must_use]
    pub fn field_attribute(
        mut self,
        path: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Self {
        self.rust_options = self.rust_options.field_attribute(path, attribute);
        self
    }

    /// Uses the Rust items at `rust_path` for the schema file or type at
    /// `schema_path` instead of generating them (`".common"` ->
    /// `"::shared::common"`, or `".common.Vec3"` -> `"::shared::Vec3"`): how
    /// crates share the types of one `common.pusm`.
    #[must_use]
    pub fn extern_path(
        mut self,
        schema_path: impl Into<String>,
        rust_path: impl Into<String>,
    ) -> Self {
        self.rust_options = self.rust_options.extern_path(schema_path, rust_path);
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (default: true; turn
    /// off outside build scripts).
    #[must_use]
    pub fn emit_rerun_if_changed(mut self, enabled: bool) -> Self {
        self.rerun_if_changed = enabled;
        self
    }

    /// Loads and checks the schemas, then writes every requested output.
    ///
    /// # Errors
    /// As [`Builder::generate`].
    pub fn compile(&self) -> Result<(), Error> {
        self.generate().map(|_| ())
    }

    /// Like [`compile`](Builder::compile), and says what it did: every
    /// output file with whether it was written, and the paths to rerun on.
    ///
    /// # Errors
    /// [`Error::NoSchemas`] when no schema was added,
    /// [`Error::InvalidOption`] when a Rust option is not valid Rust,
    /// [`Error::Schema`] when a schema file cannot be read or breaks a rule,
    /// [`Error::MissingOutDir`] when Rust output has no folder,
    /// [`Error::Io`] when a file cannot be written.
    pub fn generate(&self) -> Result<Generated, Error> {
        if self.schemas.is_empty() {
            return Err(Error::NoSchemas);
        }
        if let Some(problem) = self.rust_options.problems().into_iter().next() {
            return Err(Error::InvalidOption(problem));
        }
        let schema = match pusm_schema::load_with_includes(&self.schemas, &self.includes) {
            Ok(schema) => schema,
            Err(diagnostics) => {
                let mut files = self.schemas.clone();
                files.extend(diagnostics.files());
                self.rerun(&files);
                return Err(Error::Schema(diagnostics));
            }
        };
        let mut generated = Generated {
            files: Vec::new(),
            rerun_if_changed: schema.source_files(),
        };
        for (language, dir) in self.outputs()? {
            for file in self.files_of(&schema, language) {
                let path = dir.join(&file.0);
                let outcome = write_if_changed(&path, &file.1)?;
                if language != Language::Rust {
                    generated.rerun_if_changed.push(path.clone());
                }
                generated.files.push(OutputFile {
                    language,
                    path,
                    outcome,
                });
            }
        }
        self.rerun(&generated.rerun_if_changed);
        Ok(generated)
    }

    /// The files of `language` as (name, contents): for Rust, one per
    /// schema file not provided by an extern path, then the module index.
    fn files_of(&self, schema: &Schema, language: Language) -> Vec<(String, String)> {
        let emitter: &dyn Emitter = match language {
            Language::Rust => &self.rust_options,
            Language::CSharp => &self.csharp,
            Language::Python => &self.python,
        };
        let mut files: Vec<(String, String)> = generate_with(schema, emitter)
            .into_iter()
            .filter(|file| {
                language != Language::Rust
                    || file
                        .source
                        .is_none_or(|id| !self.rust_options.is_extern_module(schema.file(id)))
            })
            .map(|file| (file.name, file.contents))
            .collect();
        if language == Language::Rust {
            files.push((
                MODULE_INDEX.to_owned(),
                self.rust_options.module_index(schema),
            ));
        }
        files
    }

    /// Every requested language with its folder.
    fn outputs(&self) -> Result<Vec<(Language, PathBuf)>, Error> {
        let mut outputs = Vec::new();
        if self.rust {
            let dir = match &self.rust_out {
                Some(dir) => dir.clone(),
                None => env::var_os("OUT_DIR")
                    .map(PathBuf::from)
                    .ok_or(Error::MissingOutDir)?,
            };
            outputs.push((Language::Rust, dir));
        }
        if let Some(dir) = &self.csharp_out {
            outputs.push((Language::CSharp, dir.clone()));
        }
        if let Some(dir) = &self.python_out {
            outputs.push((Language::Python, dir.clone()));
        }
        Ok(outputs)
    }

    fn rerun(&self, files: &[PathBuf]) {
        if self.rerun_if_changed {
            for line in rerun_lines(files) {
                println!("{line}");
            }
        }
    }
}

/// One `cargo:rerun-if-changed` line per file, without repeats.
fn rerun_lines(files: &[PathBuf]) -> Vec<String> {
    let mut seen: Vec<&PathBuf> = Vec::new();
    let mut lines = Vec::new();
    for file in files {
        if !seen.contains(&file) {
            lines.push(format!("cargo:rerun-if-changed={}", file.display()));
            seen.push(file);
        }
    }
    lines
}

/// Writes the files of `language` (default options) for every file of
/// `schema` into `dir`, each only when its contents changed; returns how
/// many were written. The Rust module index is not among them: the
/// [`Builder`] writes it.
///
/// # Errors
/// [`Error::Io`] naming the file that could not be written.
pub fn write_language(schema: &Schema, language: Language, dir: &Path) -> Result<usize, Error> {
    let mut written = 0;
    for file in generate(schema, language) {
        if write_if_changed(&dir.join(&file.name), &file.contents)? == WriteOutcome::Written {
            written += 1;
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rerun_lines_name_every_file_once() {
        let files = [
            PathBuf::from("a.pusm"),
            PathBuf::from("b.pusm"),
            PathBuf::from("a.pusm"),
        ];
        assert_eq!(
            rerun_lines(&files),
            [
                "cargo:rerun-if-changed=a.pusm",
                "cargo:rerun-if-changed=b.pusm"
            ]
        );
    }

    #[test]
    fn failed_loads_still_name_the_files_read() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        fs_write(
            &dir.path().join("a.pusm"),
            "import \"b.pusm\";\nstruct A { b: B; }\n",
        )?;
        fs_write(&dir.path().join("b.pusm"), "struct B { x: int; }\n")?;
        let Err(diagnostics) = pusm_schema::load(&[dir.path().join("a.pusm")]) else {
            return Err("the schema should be invalid".into());
        };
        let lines = rerun_lines(&diagnostics.files());
        assert!(
            lines.iter().any(|line| line.ends_with("a.pusm")),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|line| line.ends_with("b.pusm")),
            "{lines:?}"
        );
        Ok(())
    }

    fn fs_write(path: &Path, text: &str) -> std::io::Result<()> {
        std::fs::write(path, text)
    }
}

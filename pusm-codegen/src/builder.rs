//! [`Builder`]: code generation from a build script, in the style of `prost-build`.

use std::env;
use std::path::{Path, PathBuf};

use pusm_schema::Schema;

use crate::emit::{generate, rust::module_index, Language};
use crate::output::write_if_changed;
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
/// script when any schema file or import changes (also when loading fails).
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), pusm_codegen::Error> {
///     pusm_codegen::Builder::new()
///         .schema("schemas/robot.pusm")
///         .csharp_out("../unity/Assets/Generated")
///         .python_out("../agent/generated")
///         .compile()
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    schemas: Vec<PathBuf>,
    rust: bool,
    rust_out: Option<PathBuf>,
    csharp_out: Option<PathBuf>,
    python_out: Option<PathBuf>,
    rerun_if_changed: bool,
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
            rust: true,
            rust_out: None,
            csharp_out: None,
            python_out: None,
            rerun_if_changed: true,
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
    /// goes on `sys.path`: the modules import each other by plain name.
    #[must_use]
    pub fn python_out(mut self, dir: impl AsRef<Path>) -> Self {
        self.python_out = Some(dir.as_ref().to_path_buf());
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
    /// [`Error::NoSchemas`] when no schema was added, [`Error::Schema`] when
    /// a schema file cannot be read or breaks a rule, [`Error::MissingOutDir`]
    /// when Rust output has no folder, [`Error::Io`] when a file cannot be written.
    pub fn compile(&self) -> Result<(), Error> {
        if self.schemas.is_empty() {
            return Err(Error::NoSchemas);
        }
        let schema = match pusm_schema::load(&self.schemas) {
            Ok(schema) => schema,
            Err(diagnostics) => {
                let mut files = self.schemas.clone();
                files.extend(diagnostics.files());
                self.rerun(&files);
                return Err(Error::Schema(diagnostics));
            }
        };
        self.rerun(&schema.source_files());
        for (language, dir) in self.outputs()? {
            write_language(&schema, language, &dir)?;
            if language == Language::Rust {
                write_if_changed(&dir.join(MODULE_INDEX), &module_index(&schema))?;
            }
        }
        Ok(())
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

/// Writes the files of `language` for every file of `schema` into `dir`,
/// each only when its contents changed; returns how many were written.
///
/// # Errors
/// [`Error::Io`] naming the file that could not be written.
pub fn write_language(schema: &Schema, language: Language, dir: &Path) -> Result<usize, Error> {
    let mut written = 0;
    for file in generate(schema, language) {
        if write_if_changed(&dir.join(&file.name), &file.contents)?
            == crate::output::WriteOutcome::Written
        {
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

//! # pusm-codegen
//!
//! Turns pusm schema files (`.pusm`, the language of `docs/SCHEMA.md`) into
//! Rust, C# and Python message types that read and write identical bytes
//! (`docs/PROTOCOL.md`, section 8) and share one fingerprint per type.
//!
//! | schema file | Rust | C# | Python |
//! |---|---|---|---|
//! | `robot.pusm` | `robot.rs` | `Robot.cs` | `robot.py` |
//!
//! The schema is parsed and checked by `pusm-schema` ([`schema`]); fixed
//! sizes and fingerprints come from `pusm-layout`, the same rules
//! `#[derive(SharedLayout)]` uses, so generated code never disagrees with
//! hand-written Rust.
//!
//! ## From a build script
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), pusm_codegen::Error> {
//!     pusm_codegen::Builder::new()
//!         .schemas(["schemas/robot.pusm", "schemas/common.pusm"])
//!         .csharp_out("../unity/Assets/Generated")
//!         .python_out("../agent/generated")
//!         .compile() // Rust goes to $OUT_DIR
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs: one module per schema file (`common`, `robot`)...
//! include!(concat!(env!("OUT_DIR"), "/pusm_schemas.rs"));
//!
//! // ...or one file, as a module of your own (its imports must be siblings:
//! // `robot.rs` refers to `super::common::Vec3`).
//! pub mod common { include!(concat!(env!("OUT_DIR"), "/common.rs")); }
//! pub mod robot { include!(concat!(env!("OUT_DIR"), "/robot.rs")); }
//! ```
//!
//! The generated Rust needs `pusm-core` (with its default `derive` feature)
//! as a dependency of the crate that includes it.
//!
//! ## From the command line
//!
//! ```text
//! pusm-codegen --rust src/generated --csharp Assets/Generated --python agent schemas/robot.pusm
//! pusm-codegen --check schemas/*.pusm
//! ```
//!
//! ## As a library
//!
//! ```
//! use pusm_codegen::emit::{generate, Language};
//!
//! let mut sources = pusm_codegen::schema::Sources::new();
//! sources.add("shapes.pusm", "namespace shapes;\nstruct Point { x: float32; y: float32; }\n");
//! let schema = pusm_codegen::schema::load_sources(&sources, &["shapes.pusm"])?;
//! let files = generate(&schema, Language::Python);
//! assert_eq!(files[0].name, "shapes.py");
//! assert!(files[0].contents.contains("class Point:"));
//! # Ok::<(), pusm_codegen::Error>(())
//! ```

#![forbid(unsafe_code)]

pub mod builder;
pub mod emit;
pub mod names;
pub mod output;
pub mod plan;

use std::fmt;
use std::path::PathBuf;

pub use builder::{Builder, MODULE_INDEX};
pub use emit::{generate, generate_with, Emitter, GeneratedFile, Language};
/// The schema parser and intermediate representation: re-export of `pusm-schema`.
pub use pusm_schema as schema;

/// What can go wrong while generating code.
///
/// `Debug` prints the same text as `Display`, so a build script's
/// `fn main() -> Result<(), pusm_codegen::Error>` shows readable diagnostics.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A schema file could not be read, or breaks a rule of the language.
    #[error("{0}")]
    Schema(#[from] pusm_schema::Diagnostics),

    /// A generated file or its folder could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// Rust output was requested without a folder outside a build script.
    #[error("OUT_DIR is not set: run the Builder from a build script, or give a folder with Builder::rust_out")]
    MissingOutDir,

    /// A [`Builder`] option is not valid Rust (a crate path, an attribute
    /// or an extern path); the message names the option.
    #[error("invalid option: {0}")]
    InvalidOption(String),

    /// [`Builder::compile`] was called with no schema file.
    #[error("no schema files to compile: add some with Builder::schema")]
    NoSchemas,
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

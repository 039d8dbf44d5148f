//! The property test over random schemas (issue 12): random `.pusm`
//! schemas and random values; every emitter's output must write exactly the
//! bytes of the reference codec (`pusm-reference`) and read them back to the
//! same value. `tests/property.rs` runs it; `docs/RELIABILITY.md` says how to
//! run it longer and replay a seed.
//!
//! - [`gen`]: random schemas, [`fixed`]: the schemas of the issue;
//! - [`case`]: loading a schema and computing reference messages;
//! - [`python`], [`csharp`], [`rust`]: generating, compiling and driving
//!   each language (C# and Rust compile a batch of schemas at once).

pub mod case;
pub mod csharp;
pub mod fixed;
pub mod gen;
pub mod model;
pub mod python;
pub mod rust;
pub mod tokens;

use std::path::PathBuf;

/// What one language did wrong on one schema.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The case's label (with its seed).
    pub case: String,
    /// `python`, `csharp`, `rust` or `loader`/`reference`.
    pub language: &'static str,
    /// The schema's files, as text.
    pub schema: String,
    /// What went wrong (the message, the value's tokens, the bytes).
    pub detail: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- [{}] {}\n{}\n--- schema:\n{}",
            self.language,
            self.case,
            self.detail.trim_end(),
            self.schema
        )
    }
}

/// The repository's root folder.
#[must_use]
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Cuts `text` to about `max` bytes (on a character boundary), saying so.
#[must_use]
pub fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} more bytes)", &text[..end], text.len() - end)
}

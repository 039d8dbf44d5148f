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

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::{Child, Output};

use case::{Case, Message};

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

/// Waits for a driver, writing `input` to its standard input from a thread,
/// so a driver that prints while it reads never blocks on a full pipe; one
/// that stopped early closes it, and its output says why.
pub fn feed(mut child: Child, input: String) -> io::Result<Output> {
    let writer = child.stdin.take().map(|mut stdin| {
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        })
    });
    let output = child.wait_with_output();
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    output
}

/// The failures a driver reported: one stdout line per message, in the
/// order of `messages`, `ok` or `FAIL <why>` (` | ` standing for a line
/// break); a missing line means the driver stopped there.
pub fn message_failures<'m>(
    language: &'static str,
    output: &Output,
    messages: impl IntoIterator<Item = (&'m Case, &'m Message)>,
) -> Vec<Failure> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut lines = stdout.lines();
    let mut failures = Vec::new();
    for (case, message) in messages {
        match lines.next() {
            Some("ok") => {}
            Some(line) => failures.push(case.failure(
                language,
                format!(
                    "{}\n{}",
                    line.trim_start_matches("FAIL ").replace(" | ", "\n"),
                    message.describe()
                ),
            )),
            None => {
                failures.push(case.failure(
                    language,
                    format!(
                        "the driver stopped before this message ({}):\n{}\n{}",
                        output.status,
                        clip(&String::from_utf8_lossy(&output.stderr), 4000),
                        message.describe()
                    ),
                ));
                break;
            }
        }
    }
    failures
}

//! What the `pusm` tool's integration tests share.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `pusm` binary on the memories in `dir`, with no `TMPDIR` to
/// fall back on, and returns what it printed.
pub fn pusm(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pusm"))
        .arg("--dir")
        .arg(dir)
        .args(args)
        .env_remove("TMPDIR")
        .output()
        .expect("run pusm")
}

//! Whether the programs a test needs from outside Rust are here (`python3`,
//! `mcs`, `mono`, Black). Shared by the test suites of pusm-codegen, the
//! codegen-build tests and the examples, each of which includes this file
//! with `#[path]`, so that every suite skips, or fails in CI, the same way.

use std::process::{Command, Stdio};

/// True when every test must run, as in CI (`PUSM_REQUIRE_ALL` set): a
/// missing program is then a failure rather than a skip.
pub fn require_all() -> bool {
    std::env::var_os("PUSM_REQUIRE_ALL").is_some()
}

/// Whether `tool --version` runs and succeeds; when it does not, the tool is
/// [`missing`] and the caller skips its test.
pub fn have(tool: &str, why: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        missing(&format!("`{tool}`"), why);
    }
    found
}

/// Reports that `what`, needed for `why`, is not here: a failure when
/// [`require_all`], else a notice on stderr (the caller then skips).
pub fn missing(what: &str, why: &str) {
    assert!(
        !require_all(),
        "{what} is missing and PUSM_REQUIRE_ALL is set ({why})"
    );
    eprintln!("notice: {what} not found, skipping {why}");
}

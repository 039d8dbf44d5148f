//! Runs the criterion bench of #4 (`cargo bench`) before the other
//! measurements, so that one `pusm-bench` command measures everything; its
//! samples are then read back like any saved criterion results.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::scratch::repo;

/// The criterion benches: (measurement, package, bench target).
pub const BENCHES: [(u8, &str, &str); 1] = [(4, "pusm-examples", "serializers")];

/// `cargo bench -p package --bench bench` in the repository, saving its
/// results under `criterion_dir`. Its output goes to stderr, so that stdout
/// holds the table alone.
pub fn run(package: &str, bench: &str, criterion_dir: &Path) -> Result<()> {
    // The cargo that started this binary (`cargo run` sets CARGO), else PATH's.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    // cargo bench runs in the repository: a relative directory is this process's.
    let criterion_dir = std::path::absolute(criterion_dir).map_err(|err| {
        Error::new(format!(
            "cannot resolve the criterion directory {}: {err}",
            criterion_dir.display()
        ))
    })?;
    let status = Command::new(&cargo)
        .args(["bench", "-p", package, "--bench", bench])
        .current_dir(repo())
        .env("CRITERION_HOME", &criterion_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .map_err(|err| {
            Error::new(format!(
                "cannot run {} bench -p {package} --bench {bench}: {err}",
                cargo.to_string_lossy()
            ))
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!(
            "cargo bench -p {package} --bench {bench} failed ({status}); \
             rerun it to see why, or pass --saved to use earlier results"
        )))
    }
}

//! The generated Python (written by the build script with
//! `Builder::python_out`) decodes every sample the generated Rust encoded
//! and writes the same bytes back, with the same fingerprints.

mod support;

use std::process::Command;

#[test]
fn generated_python_agrees_with_generated_rust_byte_for_byte() {
    if !support::tools::have("python3", "the generated Python's agreement test") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    support::write_samples(dir.path());
    let script = support::repo_root().join("tests/codegen-build/tests/python_agreement.py");
    let stdout = support::run(
        Command::new("python3")
            .args(["-X", "dev", "-W", "error"])
            .arg(script)
            .arg(pusm_codegen_build_test::PYTHON_DIR)
            .arg(dir.path())
            .env("PYTHONDONTWRITEBYTECODE", "1"),
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

//! Generated Python: every type round-trips over an in-memory memory with
//! the seed's method names, fingerprints equal the Rust side's, and the error
//! paths and fast paths behave (`tests/python/roundtrip.py`).

mod support;

use std::fs;
use std::process::Command;

use pusm_codegen::{generate, Language};

#[test]
fn generated_python_round_trips_every_type() {
    if !support::tools::have("python3", "the generated Python's tests") {
        return;
    }
    let schema = support::load(&support::all_schemas());
    let dir = tempfile::tempdir().expect("temp dir");
    for file in generate(&schema, Language::Python) {
        fs::write(dir.path().join(&file.name), file.contents).expect("module can be written");
    }
    let table = dir.path().join("structs.txt");
    fs::write(&table, support::struct_table(&schema)).expect("table can be written");
    let script = support::repo_root().join("pusm-codegen/tests/python/roundtrip.py");
    let stdout = support::run(
        Command::new("python3")
            .arg("-X")
            .arg("dev")
            .arg("-W")
            .arg("error")
            .arg(&script)
            .arg(dir.path())
            .arg(&table)
            .env("PYTHONDONTWRITEBYTECODE", "1"),
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
fn generated_python_compiles_without_warnings() {
    if !support::tools::have("python3", "the generated Python's tests") {
        return;
    }
    let schema = support::load(&support::all_schemas());
    let dir = tempfile::tempdir().expect("temp dir");
    let mut names = Vec::new();
    for file in generate(&schema, Language::Python) {
        names.push(file.name.clone());
        fs::write(dir.path().join(&file.name), file.contents).expect("module can be written");
    }
    // py_compile with warnings as errors catches invalid escapes and the like.
    let mut command = Command::new("python3");
    command
        .args(["-W", "error", "-m", "py_compile"])
        .args(&names)
        .current_dir(dir.path());
    support::run(&mut command);
}

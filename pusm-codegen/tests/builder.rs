//! [`pusm_codegen::Builder`], as a build script uses it.

mod support;

use std::fs;

use pusm_codegen::{Builder, Error, MODULE_INDEX};

#[test]
fn compiles_every_language_and_the_module_index() {
    let root = support::repo_root();
    let out = tempfile::tempdir().expect("temp dir");
    Builder::new()
        .schema(root.join("schemas/robot.pusm"))
        .rust_out(out.path().join("rust"))
        .csharp_out(out.path().join("csharp"))
        .python_out(out.path().join("python"))
        .emit_rerun_if_changed(false)
        .compile()
        .expect("the example schemas compile");
    for file in [
        "rust/robot.rs",
        "rust/common.rs",
        "csharp/Robot.cs",
        "csharp/Common.cs",
        "python/robot.py",
    ] {
        assert!(out.path().join(file).is_file(), "{file}");
    }
    let index =
        fs::read_to_string(out.path().join("rust").join(MODULE_INDEX)).expect("module index");
    assert!(
        index.contains("pub mod common {\n    include!(\"common.rs\");\n}"),
        "{index}"
    );
    assert!(
        index.contains("pub mod robot {\n    include!(\"robot.rs\");\n}"),
        "{index}"
    );
    // Imports come first, so `super::common` exists wherever `robot` is included.
    assert!(index.find("pub mod common") < index.find("pub mod robot"));
}

#[test]
fn rust_needs_a_folder_outside_build_scripts() {
    // Cargo sets OUT_DIR for build scripts only, not for this test.
    let root = support::repo_root();
    let error = Builder::new()
        .schema(root.join("schemas/common.pusm"))
        .emit_rerun_if_changed(false)
        .compile()
        .expect_err("no OUT_DIR");
    assert!(matches!(error, Error::MissingOutDir), "{error}");
    assert!(error.to_string().contains("OUT_DIR"));

    let out = tempfile::tempdir().expect("temp dir");
    Builder::new()
        .schema(root.join("schemas/common.pusm"))
        .without_rust()
        .python_out(out.path())
        .emit_rerun_if_changed(false)
        .compile()
        .expect("Python only needs no OUT_DIR");
    assert!(out.path().join("common.py").is_file());
}

#[test]
fn reports_schema_errors_and_missing_schemas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.pusm");
    fs::write(&bad, "struct A {\n    x: float;\n}\n").expect("schema");
    let error = Builder::new()
        .schema(&bad)
        .rust_out(dir.path())
        .emit_rerun_if_changed(false)
        .compile()
        .expect_err("invalid schema");
    assert!(matches!(error, Error::Schema(_)));
    // Debug prints the diagnostics, so `fn main() -> Result<(), Error>` in a
    // build script shows them readably.
    let debug = format!("{error:?}");
    assert!(
        debug.contains("unknown type 'float'") && debug.contains("float32"),
        "{debug}"
    );
    assert!(!dir.path().join("bad.rs").exists());

    let error = Builder::new()
        .rust_out(dir.path())
        .compile()
        .expect_err("no schemas");
    assert!(matches!(error, Error::NoSchemas));
}

#[test]
fn write_errors_name_the_path() {
    let root = support::repo_root();
    let dir = tempfile::tempdir().expect("temp dir");
    let blocker = dir.path().join("not-a-folder");
    fs::write(&blocker, "").expect("file");
    let error = Builder::new()
        .schema(root.join("schemas/common.pusm"))
        .rust_out(&blocker)
        .emit_rerun_if_changed(false)
        .compile()
        .expect_err("cannot write into a file");
    assert!(matches!(error, Error::Io { .. }));
    assert!(error.to_string().contains("not-a-folder"), "{error}");
}

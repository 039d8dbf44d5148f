//! [`pusm_codegen::Builder`], as a build script uses it.

mod support;

use std::fs;

use pusm_codegen::output::WriteOutcome;
use pusm_codegen::{Builder, Error, Language, MODULE_INDEX};

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

/// Writes `files` under `dir`, creating folders.
fn write_files(dir: &std::path::Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        fs::write(path, text).expect("file");
    }
}

#[test]
fn crate_path_renames_every_use_of_pusm_core() {
    let root = support::repo_root();
    let out = tempfile::tempdir().expect("temp dir");
    Builder::new()
        .schema(root.join("schemas/robot.pusm"))
        .rust_out(out.path())
        .crate_path("::my_pusm")
        .emit_rerun_if_changed(false)
        .compile()
        .expect("compiles");
    let robot = fs::read_to_string(out.path().join("robot.rs")).expect("robot.rs");
    assert!(!robot.contains("pusm_core"), "{robot}");
    assert!(robot.contains("::my_pusm::SharedLayout"), "{robot}");
    // The derive is told where the crate is, for the code it generates.
    let derives = robot.matches("::my_pusm::SharedLayout)]").count();
    assert!(derives >= 3, "{robot}");
    assert_eq!(
        robot.matches("#[pusm(crate = \"::my_pusm\")]").count(),
        derives
    );

    let error = Builder::new()
        .schema(root.join("schemas/robot.pusm"))
        .rust_out(out.path())
        .crate_path("not a path")
        .emit_rerun_if_changed(false)
        .compile()
        .expect_err("invalid crate path");
    assert!(matches!(error, Error::InvalidOption(_)), "{error}");
    assert!(error.to_string().contains("not a path"), "{error}");
}

#[test]
fn type_and_field_attributes_go_where_their_paths_match() {
    let root = support::repo_root();
    let out = tempfile::tempdir().expect("temp dir");
    Builder::new()
        .schema(root.join("schemas/robot.pusm"))
        .rust_out(out.path())
        .type_attribute(".", "#[derive(serde::Serialize)]")
        .type_attribute(".robot.Observation", "#[serde(deny_unknown_fields)]")
        .type_attribute("Vec3", "#[repr(C)]")
        .field_attribute("Observation.step", "#[serde(rename = \"Step\")]")
        .field_attribute(
            ".common.Vec3.x",
            "#[serde(default)] #[serde(alias = \"X\")]",
        )
        .emit_rerun_if_changed(false)
        .compile()
        .expect("compiles");
    let robot = fs::read_to_string(out.path().join("robot.rs")).expect("robot.rs");
    let common = fs::read_to_string(out.path().join("common.rs")).expect("common.rs");
    let types_in =
        |text: &str| text.matches("pub struct ").count() + text.matches("pub enum ").count();
    assert_eq!(
        robot.matches("#[derive(serde::Serialize)]").count(),
        types_in(&robot)
    );
    assert_eq!(
        common.matches("#[derive(serde::Serialize)]").count(),
        types_in(&common)
    );
    assert_eq!(robot.matches("#[serde(deny_unknown_fields)]").count(), 1);
    let observation = &robot[robot.find("pub struct Observation").expect("Observation") - 200..];
    assert!(
        observation.contains("#[serde(deny_unknown_fields)]"),
        "{robot}"
    );
    assert_eq!(common.matches("#[repr(C)]").count(), 1);
    assert!(
        robot.contains("#[serde(rename = \"Step\")]\n    pub step: i32,"),
        "{robot}"
    );
    assert!(
        common.contains("#[serde(default)]\n    #[serde(alias = \"X\")]\n    pub x: f32,"),
        "{common}"
    );
    assert!(!common.contains("pub y: f32,\n    #[serde"), "{common}");

    let error = Builder::new()
        .schema(root.join("schemas/robot.pusm"))
        .rust_out(out.path())
        .field_attribute(".", "derive(Hash)")
        .emit_rerun_if_changed(false)
        .compile()
        .expect_err("not an attribute");
    assert!(matches!(error, Error::InvalidOption(_)), "{error}");
}

#[test]
fn extern_paths_reuse_types_instead_of_generating_them() {
    let root = support::repo_root();
    let out = tempfile::tempdir().expect("temp dir");
    let generated = Builder::new()
        .schema(root.join("schemas/robot.pusm"))
        .rust_out(out.path())
        .extern_path(".common", "::shared_types::common")
        .emit_rerun_if_changed(false)
        .generate()
        .expect("compiles");
    // No common.rs, and the module index does not name it.
    assert!(!out.path().join("common.rs").exists());
    assert!(generated
        .files
        .iter()
        .all(|file| !file.path.ends_with("common.rs")));
    let index = fs::read_to_string(out.path().join(MODULE_INDEX)).expect("index");
    assert!(!index.contains("mod common"), "{index}");
    let robot = fs::read_to_string(out.path().join("robot.rs")).expect("robot.rs");
    assert!(robot.contains("::shared_types::common::Vec3"), "{robot}");
    assert!(!robot.contains("super::common"), "{robot}");

    // One type only: the others of its file are still generated.
    let out = tempfile::tempdir().expect("temp dir");
    Builder::new()
        .schema(root.join("schemas/robot.pusm"))
        .rust_out(out.path())
        .extern_path(".common.Vec3", "::glam_like::Vec3")
        .emit_rerun_if_changed(false)
        .compile()
        .expect("compiles");
    let common = fs::read_to_string(out.path().join("common.rs")).expect("common.rs");
    assert!(!common.contains("pub struct Vec3"), "{common}");
    assert!(common.contains("pub enum Team"), "{common}");
    let robot = fs::read_to_string(out.path().join("robot.rs")).expect("robot.rs");
    assert!(
        robot.contains("pub position: ::glam_like::Vec3,"),
        "{robot}"
    );
}

#[test]
fn include_folders_resolve_imports() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_files(
        dir.path(),
        &[
            (
                "app/main.pusm",
                "import \"geometry.pusm\";\nstruct Main { p: Point; }\n",
            ),
            ("shared/geometry.pusm", "struct Point { x: float32; }\n"),
        ],
    );
    let out = dir.path().join("out");
    let builder = Builder::new()
        .schema(dir.path().join("app/main.pusm"))
        .without_rust()
        .python_out(&out)
        .emit_rerun_if_changed(false);
    let error = builder.clone().compile().expect_err("not found without -I");
    assert!(
        error.to_string().contains("cannot find imported file"),
        "{error}"
    );
    builder
        .include(dir.path().join("shared"))
        .compile()
        .expect("found in the include folder");
    assert!(out.join("geometry.py").is_file());
}

#[test]
fn deleted_csharp_and_python_outputs_make_cargo_rerun_and_are_written_again() {
    let root = support::repo_root();
    let out = tempfile::tempdir().expect("temp dir");
    let builder = Builder::new()
        .schema(root.join("schemas/robot.pusm"))
        .rust_out(out.path().join("rust"))
        .csharp_out(out.path().join("csharp"))
        .python_out(out.path().join("python"))
        .emit_rerun_if_changed(false);
    let first = builder.generate().expect("compiles");
    // Cargo reruns the build script when a path it was told about changes
    // or is missing: every C# and Python file written is one of them.
    for file in &first.files {
        let named = first.rerun_if_changed.contains(&file.path);
        assert_eq!(
            named,
            file.language != Language::Rust,
            "{}",
            file.path.display()
        );
    }
    // And the schema files read, imports too.
    assert!(first
        .rerun_if_changed
        .iter()
        .any(|path| path.ends_with("schemas/common.pusm")));
    // The whole folder deleted: the next run writes it again.
    fs::remove_dir_all(out.path().join("csharp")).expect("delete");
    let second = builder.generate().expect("compiles");
    for file in &second.files {
        let expected = if file.language == Language::CSharp {
            WriteOutcome::Written
        } else {
            WriteOutcome::Unchanged
        };
        assert_eq!(file.outcome, expected, "{}", file.path.display());
        assert!(file.path.is_file());
    }
}

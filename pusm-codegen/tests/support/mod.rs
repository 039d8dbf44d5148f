//! Shared helpers of the integration tests.

#![allow(dead_code)]

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use pusm_codegen::schema::{Item, Schema, Sources};

#[path = "../../../tests/support/tools.rs"]
pub mod tools;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The test-only schema that shadows library names, relative to the root.
pub const SHADOWING: &str = "pusm-codegen/tests/schemas/shadowing.pusm";

/// `schemas/*.pusm`, sorted, relative to the repository root.
pub fn example_schemas() -> Vec<String> {
    let mut paths: Vec<String> = fs::read_dir(repo_root().join("schemas"))
        .expect("schemas/ is readable")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".pusm"))
        .map(|name| format!("schemas/{name}"))
        .collect();
    paths.sort();
    paths
}

/// Every schema the tests generate code for: the examples and [`SHADOWING`].
pub fn all_schemas() -> Vec<String> {
    let mut paths = example_schemas();
    paths.push(SHADOWING.to_owned());
    paths
}

/// Loads `roots` (and their imports) from disk under their repo-relative
/// names, so generated headers are the same on every machine.
pub fn load(roots: &[String]) -> Schema {
    let mut sources = Sources::new();
    for path in example_schemas()
        .iter()
        .map(PathBuf::from)
        .chain([PathBuf::from(SHADOWING)])
    {
        let text = fs::read_to_string(repo_root().join(&path)).expect("schema is readable");
        sources.add(path, text);
    }
    match pusm_codegen::schema::load_sources(&sources, roots) {
        Ok(schema) => schema,
        Err(diagnostics) => panic!(
            "the test schemas are invalid:\n{}",
            diagnostics.render(false)
        ),
    }
}

/// Lines `module.Class 0xFINGERPRINT signature`, one per struct.
pub fn struct_table(schema: &Schema) -> String {
    let mut out = String::new();
    for (id, item) in schema.types() {
        if let Item::Struct(_) = item {
            let ty = pusm_codegen::schema::TypeRef::Named(id);
            out.push_str(&format!(
                "{}.{} 0x{:08X} {}\n",
                pusm_codegen::names::python_module(&schema.file(id.file).module),
                pusm_codegen::names::python_class(item.name()),
                schema.fingerprint(&ty),
                schema.signature(&ty)
            ));
        }
    }
    out
}

/// Runs `command`; panics with its output unless it succeeds. Returns stdout.
pub fn run(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    stdout
}

/// The folder of every feature.
pub fn golden_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Every feature folder, sorted.
pub fn features() -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = fs::read_dir(golden_root())
        .expect("tests/golden is readable")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    folders
}

/// The schema of a feature folder: its `*.pusm` files under their own
/// names (so headers do not depend on the folder), or the example schemas.
pub fn feature_schema(folder: &Path) -> Schema {
    if folder.file_name().is_some_and(|name| name == "examples") {
        return load(&all_schemas());
    }
    let mut names: Vec<String> = fs::read_dir(folder)
        .expect("feature folder is readable")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".pusm"))
        .collect();
    names.sort();
    let mut sources = Sources::new();
    for name in &names {
        let text = fs::read_to_string(folder.join(name)).expect("schema is readable");
        sources.add(name.as_str(), text);
    }
    match pusm_codegen::schema::load_sources(&sources, &names) {
        Ok(schema) => schema,
        Err(diagnostics) => panic!(
            "{} does not load:\n{}",
            folder.display(),
            diagnostics.render(false)
        ),
    }
}

//! Generated C# compiles with Mono's `mcs` (no extra flags, no warnings) and
//! runs: against a test stub of the seed's `SharedMemory`, and against the
//! pusm C# runtime in `unity/com.pusm.runtime` when that compiles.
//!
//! Without `mcs`/`mono` these tests print a notice and pass, unless
//! `PUSM_REQUIRE_ALL=1`.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use pusm_codegen::emit::csharp::namespace;
use pusm_codegen::schema::{Item, Schema};
use pusm_codegen::{generate, Language};

/// Writes the generated C# into `dir`; returns the files.
fn write_generated(schema: &Schema, dir: &Path) -> Vec<PathBuf> {
    generate(schema, Language::CSharp)
        .into_iter()
        .map(|file| {
            let path = dir.join(&file.name);
            fs::write(&path, file.contents).expect("generated file can be written");
            path
        })
        .collect()
}

/// Lines `Namespace.Class 0xFINGERPRINT`, one per struct.
fn struct_table(schema: &Schema) -> String {
    let mut out = String::new();
    for (id, item) in schema.types() {
        if let Item::Struct(_) = item {
            let ty = pusm_codegen::schema::TypeRef::Named(id);
            out.push_str(&format!(
                "{}.{} 0x{:08X}\n",
                namespace(schema.file(id.file)),
                item.name(),
                schema.fingerprint(&ty)
            ));
        }
    }
    out
}

fn tests_dir() -> PathBuf {
    support::repo_root().join("pusm-codegen/tests/csharp")
}

fn mcs_available() -> bool {
    support::tools::have("mcs", "the generated C#'s tests")
        && support::tools::have("mono", "the generated C#'s tests")
}

/// Compiles the generated code, the round-trip program and `memory` (the
/// stub's source, or a reference to a runtime assembly), and runs it.
fn compile_and_run(schema: &Schema, dir: &Path, memory: &[String], env: &[(&str, &Path)]) {
    let generated = write_generated(schema, dir);
    let table = dir.join("structs.txt");
    fs::write(&table, struct_table(schema)).expect("table can be written");
    let exe = dir.join("RoundTrip.exe");
    support::run(
        Command::new("mcs")
            .arg(format!("-out:{}", exe.display()))
            .args(memory)
            .arg(tests_dir().join("RoundTrip.cs"))
            .args(&generated),
    );
    let mut command = Command::new("mono");
    command.arg(&exe).arg(&table).current_dir(dir);
    for (key, value) in env {
        command.env(key, value);
    }
    let stdout = support::run(&mut command);
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
fn generated_csharp_compiles_without_flags_or_warnings() {
    if !mcs_available() {
        return;
    }
    let schema = support::load(&support::all_schemas());
    let dir = tempfile::tempdir().expect("temp dir");
    let generated = write_generated(&schema, dir.path());
    let stub = dir.path().join("stub.dll");
    support::run(
        Command::new("mcs")
            .arg("-target:library")
            .arg(format!("-out:{}", stub.display()))
            .arg(tests_dir().join("SharedMemoryStub.cs")),
    );
    support::run(
        Command::new("mcs")
            .arg("-target:library")
            .arg("-warnaserror+")
            .arg(format!("-r:{}", stub.display()))
            .arg(format!(
                "-out:{}",
                dir.path().join("generated.dll").display()
            ))
            .args(&generated),
    );
}

#[test]
fn generated_csharp_round_trips_on_the_stub() {
    if !mcs_available() {
        return;
    }
    let schema = support::load(&support::all_schemas());
    let dir = tempfile::tempdir().expect("temp dir");
    let stub = tests_dir()
        .join("SharedMemoryStub.cs")
        .display()
        .to_string();
    compile_and_run(&schema, dir.path(), &[stub], &[]);
}

#[test]
fn generated_csharp_round_trips_on_the_pusm_runtime() {
    if !mcs_available() {
        return;
    }
    let runtime_dir = support::repo_root().join("unity/com.pusm.runtime/Runtime");
    let mut sources: Vec<PathBuf> = fs::read_dir(&runtime_dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .collect()
        })
        .unwrap_or_default();
    sources.retain(|path| path.extension().is_some_and(|ext| ext == "cs"));
    sources.sort();
    assert!(
        sources.iter().any(|path| path.ends_with("SharedMemory.cs")),
        "{} has no SharedMemory.cs",
        runtime_dir.display()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let runtime = dir.path().join("PusmRuntime.dll");
    let output = Command::new("mcs")
        .args(["-target:library", "-unsafe"])
        .arg(format!("-out:{}", runtime.display()))
        .args(&sources)
        .output()
        .expect("mcs runs");
    assert!(
        output.status.success(),
        "the C# runtime does not compile:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let schema = support::load(&support::all_schemas());
    let tmp = dir.path().join("tmp");
    fs::create_dir_all(&tmp).expect("temp dir");
    compile_and_run(
        &schema,
        dir.path(),
        &[format!("-r:{}", runtime.display())],
        &[("TMPDIR", &tmp), ("MONO_PATH", dir.path())],
    );
}

//! Generated C# compiles with Mono's `mcs` (no extra flags, no warnings) and
//! runs: against a test stub of the original package's `SharedMemory`, and against the
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

/// Compiles pusm's C# runtime (`unity/com.pusm.runtime/Runtime`) into
/// `dir/PusmRuntime.dll`; fails the test when it does not compile.
fn build_runtime(dir: &Path) -> PathBuf {
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
    let runtime = dir.join("PusmRuntime.dll");
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
    runtime
}

#[test]
fn generated_csharp_round_trips_on_the_pusm_runtime() {
    if !mcs_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let runtime = build_runtime(dir.path());
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

/// Generates `tests/csharp/features.pusm` (with or without Unity types),
/// compiles it with `Features.cs`, the partial file and the stub (and the
/// stand-in UnityEngine assembly), warnings as errors, and runs it. Returns
/// the `BYTES` line of the sample it wrote.
fn run_features(unity_types: bool, on_runtime: bool) -> String {
    use pusm_codegen::emit::csharp::CSharpOptions;
    use pusm_codegen::Emitter;

    let mut sources = pusm_codegen::schema::Sources::new();
    let text = fs::read_to_string(tests_dir().join("features.pusm")).expect("features.pusm");
    sources.add("features.pusm", text);
    let schema = pusm_codegen::schema::load_sources(&sources, &["features.pusm"])
        .unwrap_or_else(|diagnostics| panic!("{}", diagnostics.render(false)));
    let dir = tempfile::tempdir().expect("temp dir");
    let emitter = CSharpOptions { unity_types };
    let mut generated = Vec::new();
    for (index, file) in schema.files.iter().enumerate() {
        let path = dir.path().join(emitter.file_name(file));
        let code = emitter.emit(&schema, pusm_codegen::schema::FileId(index));
        assert_eq!(
            code.contains("UnityEngine.Vector3"),
            unity_types,
            "Vector3 appears exactly when unity_types is on"
        );
        fs::write(&path, code).expect("generated file can be written");
        generated.push(path);
    }
    let exe = dir.path().join("Features.exe");
    let mut mcs = Command::new("mcs");
    mcs.arg("-warnaserror+")
        .arg(format!("-out:{}", exe.display()));
    if on_runtime {
        let runtime = build_runtime(dir.path());
        mcs.arg(format!("-r:{}", runtime.display()));
    } else {
        mcs.arg(tests_dir().join("SharedMemoryStub.cs"));
    }
    mcs.arg(tests_dir().join("Features.cs"))
        .arg(tests_dir().join("SamplePartial.cs"))
        .args(&generated);
    if unity_types {
        let unity = dir.path().join("UnityEngine.dll");
        support::run(
            Command::new("mcs")
                .arg("-target:library")
                .arg(format!("-out:{}", unity.display()))
                .arg(tests_dir().join("UnityEngineStandIn.cs")),
        );
        mcs.arg(format!("-r:{}", unity.display()))
            .arg("-define:UNITY");
    }
    support::run(&mut mcs);
    let tmp = dir.path().join("tmp");
    fs::create_dir_all(&tmp).expect("temp dir");
    let stdout = support::run(
        Command::new("mono")
            .arg(&exe)
            .env("MONO_PATH", dir.path())
            .env("TMPDIR", &tmp)
            .current_dir(dir.path()),
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(stdout.contains("Write+ReadInto 0 bytes"), "{stdout}");
    stdout
        .lines()
        .find(|line| line.starts_with("BYTES "))
        .unwrap_or_else(|| panic!("no BYTES line in {stdout}"))
        .to_owned()
}

#[test]
fn csharp_features_work_and_unity_types_write_the_same_bytes() {
    if !mcs_available() {
        return;
    }
    let plain = run_features(false, false);
    let unity = run_features(true, false);
    assert_eq!(
        plain, unity,
        "Vector3/Quaternion fields must encode as the Vec3/Quat classes do"
    );
}

#[test]
fn csharp_features_work_on_the_pusm_runtime() {
    if !mcs_available() {
        return;
    }
    let on_runtime = run_features(false, true);
    let on_stub = run_features(false, false);
    assert_eq!(on_runtime, on_stub, "the same bytes on either memory");
}

/// Every feature folder of `tests/golden` (nested arrays, forward references,
/// reserved names, ...): its generated C# compiles with warnings as errors.
#[test]
fn golden_feature_schemas_compile() {
    if !mcs_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let stub = dir.path().join("stub.dll");
    support::run(
        Command::new("mcs")
            .arg("-target:library")
            .arg(format!("-out:{}", stub.display()))
            .arg(tests_dir().join("SharedMemoryStub.cs")),
    );
    let golden = support::repo_root().join("pusm-codegen/tests/golden");
    let mut folders: Vec<PathBuf> = fs::read_dir(&golden)
        .expect("tests/golden is readable")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir() && !path.ends_with("examples"))
        .collect();
    folders.sort();
    for folder in folders {
        let mut names: Vec<String> = fs::read_dir(&folder)
            .expect("feature folder is readable")
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".pusm"))
            .collect();
        names.sort();
        let mut sources = pusm_codegen::schema::Sources::new();
        for name in &names {
            let text = fs::read_to_string(folder.join(name)).expect("schema is readable");
            sources.add(name.as_str(), text);
        }
        let Ok(schema) = pusm_codegen::schema::load_sources(&sources, &names) else {
            continue; // a folder of schemas the loader refuses
        };
        let out = dir.path().join(folder.file_name().expect("folder name"));
        fs::create_dir_all(&out).expect("output folder");
        let generated = write_generated(&schema, &out);
        support::run(
            Command::new("mcs")
                .arg("-target:library")
                .arg("-warnaserror+")
                .arg(format!("-r:{}", stub.display()))
                .arg(format!("-out:{}", out.join("generated.dll").display()))
                .args(&generated),
        );
    }
}

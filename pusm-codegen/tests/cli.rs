//! The `pusm-codegen` binary: exit codes, diagnostics, outputs, rewrites.

mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use pusm_codegen::Language;

fn codegen(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pusm-codegen"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("pusm-codegen runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_accepts_valid_schemas_and_writes_nothing() {
    let root = support::repo_root();
    let output = codegen(
        &["--check", "schemas/robot.pusm", "schemas/edge_cases.pusm"],
        &root,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
}

#[test]
fn check_reports_errors_with_file_line_and_caret() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("bad.pusm"),
        "struct A {\n    step: int;\n}\n",
    )
    .expect("schema");
    let output = codegen(&["--check", "bad.pusm"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("error: unknown type 'int'"), "{stderr}");
    assert!(stderr.contains("bad.pusm:2:11"), "{stderr}");
    assert!(stderr.contains('^'), "{stderr}");
    assert!(stderr.contains("int32"), "the suggestion: {stderr}");
    // stderr is not a terminal here: no colour codes.
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn a_missing_schema_file_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = codegen(&["--python", "out", "missing.pusm"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("missing.pusm"),
        "{}",
        text(&output.stderr)
    );
    assert!(
        !dir.path().join("out").exists(),
        "nothing is written when a schema is invalid"
    );
}

#[test]
fn writes_one_file_per_schema_and_import_in_each_language() {
    let root = support::repo_root();
    let out = tempfile::tempdir().expect("temp dir");
    let dirs = ["rust", "csharp", "python"].map(|name| out.path().join(name));
    let output = codegen(
        &[
            "--rust",
            &dirs[0].display().to_string(),
            "--csharp",
            &dirs[1].display().to_string(),
            "--python",
            &dirs[2].display().to_string(),
            "schemas/robot.pusm",
        ],
        &root,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let listing = |dir: &Path| {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("output folder exists")
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        listing(&dirs[0]),
        ["common.rs", "pusm_schemas.rs", "robot.rs"]
    );
    assert_eq!(listing(&dirs[1]), ["Common.cs", "Robot.cs"]);
    // The same files and text as the library (and so as the golden files).
    let schema = support::load(&["schemas/robot.pusm".to_owned()]);
    let mut expected: Vec<String> = Vec::new();
    for file in pusm_codegen::generate(&schema, Language::Python) {
        let written = fs::read_to_string(dirs[2].join(&file.name)).expect("written");
        assert_eq!(written, file.contents, "{}", file.name);
        expected.push(file.name);
    }
    expected.sort();
    assert_eq!(listing(&dirs[2]), expected);
    let index = fs::read_to_string(dirs[0].join("pusm_schemas.rs")).expect("module index");
    assert_eq!(index, pusm_codegen::emit::rust::module_index(&schema));
    // Every file is listed on stdout, as written.
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3 + 2 + expected.len(), "{stdout}");
    assert!(
        lines.iter().all(|line| line.starts_with("wrote ")),
        "{stdout}"
    );
    assert!(
        lines.contains(&format!("wrote {}", dirs[0].join("pusm_schemas.rs").display()).as_str()),
        "{stdout}"
    );
}

#[test]
fn include_folders_resolve_imports_and_unchanged_files_are_listed() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("app")).expect("app");
    fs::create_dir_all(dir.path().join("shared")).expect("shared");
    fs::write(
        dir.path().join("app/main.pusm"),
        "import \"geometry.pusm\";\nstruct Main { p: Point; }\n",
    )
    .expect("main");
    fs::write(
        dir.path().join("shared/geometry.pusm"),
        "struct Point { x: float32; }\n",
    )
    .expect("geometry");
    // Without -I the import is not found.
    let output = codegen(&["--check", "app/main.pusm"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("cannot find imported file"),
        "{}",
        text(&output.stderr)
    );
    let args = ["-I", "shared", "--rust", "out", "app/main.pusm"];
    let output = codegen(&args, dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "wrote out/geometry.rs\nwrote out/main.rs\nwrote out/pusm_schemas.rs\n"
    );
    let output = codegen(&args, dir.path());
    assert_eq!(
        text(&output.stdout),
        "unchanged out/geometry.rs\nunchanged out/main.rs\nunchanged out/pusm_schemas.rs\n"
    );
    let output = codegen(
        &["--include", "shared", "--check", "app/main.pusm"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[test]
fn emitter_options_have_flags() {
    let root = support::repo_root();
    let out = tempfile::tempdir().expect("temp dir");
    let python = out.path().join("msgs");
    let csharp = out.path().join("cs");
    let rust = out.path().join("rs");
    let output = codegen(
        &[
            "--python",
            &python.display().to_string(),
            "--python-relative-imports",
            "--csharp",
            &csharp.display().to_string(),
            "--csharp-unity-types",
            "--rust",
            &rust.display().to_string(),
            "--crate-path",
            "::my_pusm",
            "schemas/robot.pusm",
        ],
        &root,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let robot_py = fs::read_to_string(python.join("robot.py")).expect("robot.py");
    assert!(robot_py.contains("from . import common"), "{robot_py}");
    let common_cs = fs::read_to_string(csharp.join("Robot.cs")).expect("Robot.cs");
    assert!(common_cs.contains("UnityEngine.Vector3"), "{common_cs}");
    let robot_rs = fs::read_to_string(rust.join("robot.rs")).expect("robot.rs");
    assert!(robot_rs.contains("::my_pusm::SharedLayout"), "{robot_rs}");
    assert!(!robot_rs.contains("pusm_core"), "{robot_rs}");
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let root = support::repo_root();
    let out = tempfile::tempdir().expect("temp dir");
    let dir = out.path().display().to_string();
    let args = ["--python", dir.as_str(), "schemas/robot.pusm"];
    assert_eq!(codegen(&args, &root).status.code(), Some(0));

    let robot = out.path().join("robot.py");
    let common = out.path().join("common.py");
    let long_ago = SystemTime::now() - Duration::from_secs(3600);
    for path in [&robot, &common] {
        fs::File::options()
            .write(true)
            .open(path)
            .and_then(|file| file.set_modified(long_ago))
            .expect("mtime can be set");
    }
    fs::write(&common, "# edited by hand\n").expect("common.py");
    let before = fs::metadata(&robot)
        .and_then(|meta| meta.modified())
        .expect("mtime");

    assert_eq!(codegen(&args, &root).status.code(), Some(0));
    let after = fs::metadata(&robot)
        .and_then(|meta| meta.modified())
        .expect("mtime");
    assert_eq!(
        before, after,
        "robot.py was rewritten with the same contents"
    );
    let restored = fs::read_to_string(&common).expect("common.py");
    assert!(
        restored.starts_with("# Generated by pusm-codegen"),
        "a changed file is rewritten"
    );
}

#[test]
fn usage_errors_exit_with_2() {
    let root = support::repo_root();
    for args in [
        &["schemas/robot.pusm"][..],
        &["--check"][..],
        &["--rust", "out"][..],
        &["--check", "--rust", "out", "schemas/robot.pusm"][..],
        &["--go", "out", "schemas/robot.pusm"][..],
    ] {
        let output = codegen(args, &root);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&output.stderr)
        );
        assert!(
            text(&output.stderr).contains("Usage"),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
    assert!(!root.join("out").exists());
}

#[test]
fn help_lists_every_option() {
    let output = codegen(&["--help"], &support::repo_root());
    assert_eq!(output.status.code(), Some(0));
    let help = text(&output.stdout);
    for option in [
        "--rust",
        "--csharp",
        "--python",
        "--check",
        "--include",
        "-I",
        "--python-relative-imports",
        "--python-numpy",
        "--csharp-unity-types",
        "--crate-path",
        "SCHEMA",
    ] {
        assert!(help.contains(option), "{help}");
    }
}

//! pusm for Python users, end to end: the wheel that ships `pusm-codegen`,
//! one version everywhere, `mypy --strict` on the runtime, the Gymnasium
//! environment (examples/gym) and the Ray rollouts (examples/ray).
//!
//! The Python suites run against the `robot_sim` binary cargo built for this
//! test, each in its own `TMPDIR`. Tools or Python packages that are missing
//! skip the test with a notice, or fail it under `PUSM_REQUIRE_ALL`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::tools::{have, missing};
use support::{assert_success, repo, Scratch};

/// The `"..."` value of the first line of `text` that starts with `key` and
/// then `=` or `:` (TOML, Python and JSON alike), within the lines after
/// `section` when one is given.
fn quoted_value(text: &str, section: Option<&str>, key: &str) -> Option<String> {
    let mut lines = text.lines();
    if let Some(section) = section {
        lines.by_ref().find(|line| line.trim() == section)?;
    }
    for line in lines {
        let line = line.trim();
        if section.is_some() && line.starts_with('[') {
            return None; // the next TOML section
        }
        let Some(rest) = line.strip_prefix(key) else {
            continue;
        };
        let rest = rest.trim_start_matches('"').trim_start();
        let Some(rest) = rest.strip_prefix(['=', ':']) else {
            continue;
        };
        let value = rest.trim().strip_prefix('"')?;
        return Some(value[..value.find('"')?].to_owned());
    }
    None
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|err| panic!("read {path}: {err}"))
}

#[test]
fn quoted_value_finds_keys_in_toml_python_and_json() {
    let toml = "[package]\nversion = \"9\"\n[workspace.package]\nedition = \"2021\"\nversion = \"1.2.3\"\n[x]\nversion = \"0\"\n";
    assert_eq!(
        quoted_value(toml, Some("[workspace.package]"), "version").as_deref(),
        Some("1.2.3")
    );
    assert_eq!(quoted_value(toml, Some("[y]"), "version"), None);
    let python = "__version_info__ = (1,)\n__version__ = \"4.5.6\"\n";
    assert_eq!(
        quoted_value(python, None, "__version__").as_deref(),
        Some("4.5.6")
    );
    let json = "{\n  \"name\": \"x\",\n  \"version\": \"7.8.9\",\n}";
    assert_eq!(
        quoted_value(json, None, "\"version").as_deref(),
        Some("7.8.9")
    );
}

/// The Rust workspace, the Python package and the Unity package carry one
/// version: the workspace's. The wheel takes its version from the
/// pusm-codegen crate (maturin), which inherits the workspace's.
#[test]
fn one_version_for_rust_python_and_unity() {
    let cargo = read("Cargo.toml");
    let version = quoted_value(&cargo, Some("[workspace.package]"), "version")
        .expect("[workspace.package] version in Cargo.toml");
    assert_eq!(version, env!("CARGO_PKG_VERSION"));

    let python = quoted_value(&read("python/pusm/__init__.py"), None, "__version__");
    assert_eq!(
        python.as_deref(),
        Some(version.as_str()),
        "pusm.__version__"
    );
    let unity = quoted_value(
        &read("unity/com.pusm.runtime/package.json"),
        None,
        "\"version",
    );
    assert_eq!(
        unity.as_deref(),
        Some(version.as_str()),
        "unity/com.pusm.runtime/package.json"
    );

    // The wheel's version is the crate's: dynamic in pyproject, inherited in Cargo.
    let pyproject = read("python/pyproject.toml");
    assert!(pyproject.contains("dynamic = [\"version\"]"), "{pyproject}");
    assert!(pyproject.contains("manifest-path = \"../pusm-codegen/Cargo.toml\""));
    assert!(read("pusm-codegen/Cargo.toml").contains("version.workspace = true"));
    // One license too.
    assert_eq!(
        quoted_value(&pyproject, Some("[project]"), "license"),
        quoted_value(&cargo, Some("[workspace.package]"), "license"),
        "python/pyproject.toml license"
    );
    // The workspace's own dependency requirements follow it too.
    let dependencies = cargo
        .split("[workspace.dependencies]")
        .nth(1)
        .expect("[workspace.dependencies]");
    let dependencies = dependencies.split("\n[").next().unwrap_or_default();
    for line in dependencies
        .lines()
        .filter(|line| line.starts_with("pusm-"))
    {
        assert!(
            line.contains(&format!("version = \"{version}\"")),
            "Cargo.toml: {line}"
        );
    }
}

/// Whether `python3` can import every module of `modules`; a missing one is
/// a skip (or a failure under `PUSM_REQUIRE_ALL`).
fn python_has(modules: &str, why: &str) -> bool {
    if !have("python3", why) {
        return false;
    }
    let found = Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        missing(&format!("the Python modules {modules}"), why);
    }
    found
}

fn run(mut command: Command, what: &str) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("run {what}: {err}"));
    assert_success(what, &output);
    output
}

#[test]
fn python_runtime_passes_mypy_strict() {
    if !python_has("mypy, gymnasium, numpy", "mypy --strict on python/pusm") {
        return;
    }
    let mut mypy = Command::new("python3");
    mypy.args([
        "-m",
        "mypy",
        "--strict",
        "--cache-dir",
        "/dev/null",
        "-p",
        "pusm",
    ])
    .current_dir(repo().join("python"));
    let output = run(mypy, "mypy --strict -p pusm (in python/)");
    assert!(String::from_utf8_lossy(&output.stdout).contains("Success"));
}

/// Runs one folder's unittest suite against this build's `robot_sim`.
fn python_suite(folder: &str) {
    let scratch = Scratch::new();
    let mut command = scratch.command("python3");
    command
        .args([
            "-m",
            "unittest",
            "discover",
            "-s",
            folder,
            "-p",
            "test_*.py",
        ])
        .env("PUSM_ROBOT_SIM", env!("CARGO_BIN_EXE_robot_sim"))
        .env_remove("PYTHONPATH");
    let output = run(command, &format!("{folder} tests (unittest)"));
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(report.contains("\nOK"), "unittest reports OK:\n{report}");
    assert_eq!(
        scratch.leftovers(),
        Vec::<String>::new(),
        "shared memory files left"
    );
}

#[test]
fn gymnasium_robot_env_suite() {
    if python_has("gymnasium, numpy", "the Gymnasium environment's tests") {
        python_suite("examples/gym");
    }
}

#[test]
fn ray_rollouts_suite() {
    if python_has("ray, gymnasium, numpy", "the Ray example's tests") {
        python_suite("examples/ray");
    }
}

/// The example folders this file owns follow the repository's Python rules:
/// Black's format and Python 3.8's grammar.
#[test]
fn example_python_is_black_formatted_and_python_3_8() {
    if !python_has(
        "black",
        "the Python format check of examples/gym and examples/ray",
    ) {
        return;
    }
    let mut black = Command::new("python3");
    black
        .args(["-m", "black", "--check", "--line-length", "99"])
        .args(["--target-version", "py38", "examples/gym", "examples/ray"])
        .current_dir(repo());
    run(black, "black --check examples/gym examples/ray");
    let mut grammar = Command::new("python3");
    grammar
        .args([
            "-c",
            "import ast, glob, sys\n\
             files = glob.glob('examples/gym/*.py') + glob.glob('examples/ray/*.py')\n\
             assert len(files) >= 4, files\n\
             for path in files:\n    ast.parse(open(path).read(), path, feature_version=(3, 8))\n",
        ])
        .current_dir(repo());
    run(
        grammar,
        "ast.parse(feature_version=(3, 8)) of examples/gym and examples/ray",
    );
}

/// Builds the wheel as `pip install ./python` would (maturin, no network),
/// installs it in a fresh virtual environment and checks that its
/// `pusm-codegen` and `python -m pusm.codegen` are the crate's generator.
#[test]
fn wheel_ships_the_generator() {
    if !have("maturin", "the wheel test") || !python_has("pip, venv", "the wheel test") {
        return;
    }
    let scratch = Scratch::new();
    let tmp = scratch.tmp.path();
    let wheels = tmp.join("wheels");
    let mut build = Command::new("python3");
    build
        .args(["-m", "pip", "wheel", "--no-build-isolation", "--no-deps"])
        .args([
            "--disable-pip-version-check",
            "--no-index",
            "./python",
            "-w",
        ])
        .arg(&wheels)
        .current_dir(repo());
    run(build, "pip wheel ./python (maturin)");
    let wheel = only_wheel(&wheels);

    let venv = tmp.join("venv");
    let mut create = Command::new("python3");
    create
        .args(["-m", "venv", "--system-site-packages"])
        .arg(&venv);
    run(create, "python3 -m venv");
    let python = venv.join("bin/python");
    let mut install = Command::new(&python);
    install
        .args(["-m", "pip", "install", "--no-deps", "--no-index"])
        .arg("--disable-pip-version-check")
        .arg(&wheel);
    run(install, "pip install the wheel");

    // Commands run from the scratch directory, so `pusm` is the installed one.
    let in_venv = |program: &Path| {
        let mut command = Command::new(program);
        command.current_dir(tmp).env_remove("PYTHONPATH");
        command
    };
    let script = venv.join("bin/pusm-codegen");
    let mut help = in_venv(&script);
    help.arg("--help");
    let help = run(help, "pusm-codegen --help");
    assert!(String::from_utf8_lossy(&help.stdout).contains("--python <DIR>"));
    let mut version = in_venv(&script);
    version.arg("--version");
    let version = run(version, "pusm-codegen --version");
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("pusm-codegen {}", env!("CARGO_PKG_VERSION"))
    );

    let mut metadata = in_venv(&python);
    metadata.args([
        "-c",
        "import importlib.metadata, os, pusm, pusm.codegen\n\
         assert importlib.metadata.version('pusm') == pusm.__version__, pusm.__version__\n\
         assert os.path.isfile(os.path.join(os.path.dirname(pusm.__file__), 'py.typed'))\n\
         print(pusm.__file__)\n\
         print(pusm.codegen.find_codegen_bin())\n",
    ]);
    let metadata = run(metadata, "the installed package");
    let printed = String::from_utf8_lossy(&metadata.stdout).into_owned();
    let mut paths = printed.lines().map(PathBuf::from);
    let (package, binary) = (paths.next(), paths.next());
    assert!(
        package.is_some_and(|path| path.starts_with(&venv)),
        "{printed}"
    );
    assert_eq!(
        binary.map(|path| path.canonicalize().ok()),
        Some(script.canonicalize().ok()),
        "{printed}"
    );

    // python -m pusm.codegen and pusm-codegen, with and without the Python
    // options: the same files as the crate's generator.
    let schema = repo().join("schemas/robot.pusm");
    let loaded = pusm_codegen::schema::load(&[&schema]).expect("schemas/robot.pusm loads");
    let numpy = pusm_codegen::emit::Python::new()
        .numpy(true)
        .relative_imports(true);
    let variants = [
        (
            &python,
            vec!["-m", "pusm.codegen"],
            pusm_codegen::generate(&loaded, pusm_codegen::Language::Python),
        ),
        (
            &script,
            vec!["--python-numpy", "--python-relative-imports"],
            pusm_codegen::generate_with(&loaded, &numpy),
        ),
    ];
    for (index, (program, args, expected)) in variants.into_iter().enumerate() {
        let out = tmp.join(format!("generated-{index}"));
        let mut generate = in_venv(program);
        generate.args(&args).arg("--python").arg(&out).arg(&schema);
        run(generate, &format!("{args:?} --python"));
        let mut names: Vec<&str> = expected.iter().map(|file| file.name.as_str()).collect();
        names.sort_unstable();
        assert!(names.contains(&"robot.py") && names.contains(&"common.py"));
        let mut written: Vec<String> = std::fs::read_dir(&out)
            .expect("the output directory")
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .collect();
        written.sort_unstable();
        assert_eq!(written, names, "{args:?}: the files written");
        for file in &expected {
            let text = std::fs::read_to_string(out.join(&file.name))
                .unwrap_or_else(|err| panic!("read generated {}: {err}", file.name));
            assert!(
                text == file.contents,
                "{args:?}: {} differs from the crate's",
                file.name
            );
        }
    }

    // Its exit codes are the binary's: 1 for a bad schema, 2 for bad usage.
    let bad = tmp.join("bad.pusm");
    std::fs::write(&bad, "struct A { x: nope; }\n").expect("write bad.pusm");
    let mut check = in_venv(&python);
    check.args(["-m", "pusm.codegen", "--check"]).arg(&bad);
    let checked = check.output().expect("run python -m pusm.codegen --check");
    assert_eq!(checked.status.code(), Some(1), "{checked:?}");
    assert!(String::from_utf8_lossy(&checked.stderr).contains("bad.pusm"));
    let mut usage = in_venv(&python);
    usage.args(["-m", "pusm.codegen", "--no-such-option"]);
    let usage = usage.output().expect("run python -m pusm.codegen");
    assert_eq!(usage.status.code(), Some(2), "{usage:?}");
}

fn only_wheel(dir: &Path) -> PathBuf {
    let wheels: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the wheel directory")
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "{wheels:?}");
    wheels[0].clone()
}

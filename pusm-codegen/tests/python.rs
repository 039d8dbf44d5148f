//! Generated Python: every type round-trips over an in-memory memory with
//! the original package's method names, fingerprints equal the Rust side's,
//! and the error paths and fast paths behave (`tests/python/roundtrip.py`),
//! for the example schemas and for every feature folder of `tests/golden`.
//! The golden modules pass `mypy --strict`, Black and Python 3.8's grammar.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use std::process::Command;

use pusm_codegen::emit::{generate_with, Python};
use pusm_codegen::schema::Schema;

/// Writes the Python generated from `schema` to `dir`; returns the file names.
fn write_python(schema: &Schema, dir: &Path) -> Vec<String> {
    write_python_with(schema, dir, &Python::new())
}

/// The same with the emitter's options.
fn write_python_with(schema: &Schema, dir: &Path, python: &Python) -> Vec<String> {
    let mut names = Vec::new();
    for file in generate_with(schema, python) {
        fs::write(dir.join(&file.name), file.contents).expect("module can be written");
        names.push(file.name);
    }
    names
}

/// Runs `roundtrip.py` over the Python generated from `schema`.
fn round_trip(schema: &Schema) {
    round_trip_with(schema, &Python::new(), &[]);
}

/// The same with the emitter's options and arguments of the script.
fn round_trip_with(schema: &Schema, python: &Python, args: &[&str]) {
    let dir = tempfile::tempdir().expect("temp dir");
    write_python_with(schema, dir.path(), python);
    let table = dir.path().join("structs.txt");
    fs::write(&table, support::struct_table(schema)).expect("table can be written");
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
            .args(args)
            .env("PYTHONDONTWRITEBYTECODE", "1"),
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

/// The feature folders of `tests/golden`, but the whole example schemas.
fn feature_folders() -> Vec<PathBuf> {
    support::features()
        .into_iter()
        .filter(|folder| !folder.ends_with("examples"))
        .collect()
}

#[test]
fn generated_python_round_trips_every_type() {
    if !support::tools::have("python3", "the generated Python's tests") {
        return;
    }
    round_trip(&support::load(&support::all_schemas()));
}

/// Nested arrays, forward references, reserved names, modules named like
/// the standard library, deep nesting, values of no bytes: each imports and
/// round-trips.
#[test]
fn generated_python_round_trips_every_feature() {
    if !support::tools::have("python3", "the generated Python's tests") {
        return;
    }
    for folder in feature_folders() {
        round_trip(&support::feature_schema(&folder));
    }
}

#[test]
fn generated_python_compiles_without_warnings() {
    if !support::tools::have("python3", "the generated Python's tests") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let names = write_python(&support::load(&support::all_schemas()), dir.path());
    // py_compile with warnings as errors catches invalid escapes and the like.
    let mut command = Command::new("python3");
    command
        .args(["-W", "error", "-m", "py_compile"])
        .args(&names)
        .current_dir(dir.path());
    support::run(&mut command);
}

/// With relative imports, the generated modules work as a package
/// (`myproj/msgs/`), next to anything else named like them.
#[test]
fn relative_imports_make_a_package() {
    if !support::tools::have("python3", "the generated Python's tests") {
        return;
    }
    let schema = support::load(&support::all_schemas());
    let dir = tempfile::tempdir().expect("temp dir");
    let package = dir.path().join("myproj/msgs");
    fs::create_dir_all(&package).expect("package folder");
    fs::write(dir.path().join("myproj/__init__.py"), "").expect("__init__");
    fs::write(package.join("__init__.py"), "").expect("__init__");
    let python = Python::new().relative_imports(true);
    for file in generate_with(&schema, &python) {
        assert!(!file.contents.contains("\nimport common"), "{}", file.name);
        fs::write(package.join(&file.name), file.contents).expect("module can be written");
    }
    // A top-level `common` of the user's own must not be picked up.
    fs::write(
        dir.path().join("common.py"),
        "raise ImportError('the wrong common')\n",
    )
    .expect("decoy");
    let script = "import io\n\
        from myproj.msgs import common, robot\n\
        class Memory:\n\
        \x20   def __init__(self): self.data = bytearray(256)\n\
        \x20   def read_bytes(self, o, n): return bytes(self.data[o:o + n]), o + n\n\
        \x20   def write_bytes(self, o, d): self.data[o:o + len(d)] = d; return o + len(d)\n\
        m = Memory()\n\
        a = robot.Action(force=common.Vec3(1.0, 2.0, 3.0), tags=['x'])\n\
        end = a.write(m, 0)\n\
        assert robot.Action.read(m, 0) == (a, end)\n\
        print('package ok')\n";
    let stdout = support::run(
        Command::new("python3")
            .args(["-c", script])
            .current_dir(dir.path())
            .env("PYTHONDONTWRITEBYTECODE", "1"),
    );
    assert!(stdout.contains("package ok"), "{stdout}");
}

/// Whether `python3 -m module` works; a skip (or a failure under
/// `PUSM_REQUIRE_ALL`) when it does not.
fn have_module(module: &str, why: &str) -> bool {
    if !support::tools::have("python3", why) {
        return false;
    }
    let found = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        support::tools::missing(&format!("the Python module {module}"), why);
    }
    found
}

#[test]
fn golden_python_passes_mypy_strict() {
    if !have_module("mypy", "mypy --strict on the generated Python") {
        return;
    }
    for folder in support::features() {
        let stdout = support::run(
            Command::new("python3")
                .args(["-m", "mypy", "--strict", "--cache-dir", "/dev/null", "."])
                .current_dir(&folder),
        );
        assert!(stdout.contains("Success"), "{}: {stdout}", folder.display());
    }
}

#[test]
fn golden_python_is_black_formatted_and_python_3_8() {
    if !have_module("black", "Black on the generated Python") {
        return;
    }
    let golden = support::repo_root().join("pusm-codegen/tests/golden");
    support::run(
        Command::new("python3")
            .args(["-m", "black", "--check", "--line-length", "99"])
            .args(["--target-version", "py38", "."])
            .current_dir(&golden),
    );
    let stdout = support::run(
        Command::new("python3")
            .args([
                "-c",
                "import ast, glob\n\
                 files = glob.glob('*/*.py')\n\
                 assert len(files) >= 10, files\n\
                 for path in files:\n    ast.parse(open(path).read(), path, feature_version=(3, 8))\n\
                 print(len(files), 'parsed')\n",
            ])
            .current_dir(&golden),
    );
    assert!(stdout.contains("parsed"), "{stdout}");
}

/// `PYTHON_MODULE_NAMES`, which schema names are escaped against, holds every
/// builtin the generated modules use: a name they load without binding it.
#[test]
fn generated_modules_use_no_builtin_outside_the_reserved_names() {
    if !support::tools::have("python3", "the generated Python's tests") {
        return;
    }
    let golden = support::repo_root().join("pusm-codegen/tests/golden");
    let script = "import ast, builtins, glob, sys\n\
        reserved = set(sys.argv[1:])\n\
        unexpected = set()\n\
        for path in glob.glob('*/*.py'):\n\
        \x20   if path.endswith('_pusm_runtime.py'):\n\
        \x20       continue\n\
        \x20   tree = ast.parse(open(path).read())\n\
        \x20   bound = set()\n\
        \x20   for node in ast.walk(tree):\n\
        \x20       if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):\n\
        \x20           bound.add(node.id)\n\
        \x20       elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):\n\
        \x20           bound.add(node.name)\n\
        \x20       elif isinstance(node, ast.arg):\n\
        \x20           bound.add(node.arg)\n\
        \x20       elif isinstance(node, ast.alias):\n\
        \x20           bound.add((node.asname or node.name).split('.')[0])\n\
        \x20   for node in ast.walk(tree):\n\
        \x20       if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):\n\
        \x20           if node.id not in bound and hasattr(builtins, node.id):\n\
        \x20               unexpected.add(node.id)\n\
        unexpected -= reserved\n\
        assert not unexpected, sorted(unexpected)\n\
        print('builtins ok')\n";
    let stdout = support::run(
        Command::new("python3")
            .args(["-c", script])
            .args(pusm_codegen::names::PYTHON_MODULE_NAMES)
            .current_dir(&golden),
    );
    assert!(stdout.contains("builtins ok"), "{stdout}");
}

/// With the numpy option, every type of the examples and of every feature
/// still round-trips, with numpy arrays for lists and arrays of numbers and
/// for bytes; the arrays are checked and read in one step
/// (`tests/python/numpy_fields.py`).
#[test]
fn numpy_option_round_trips_and_checks_arrays() {
    if !have_module("numpy", "the generated Python's numpy option") {
        return;
    }
    let python = Python::new().numpy(true);
    round_trip_with(
        &support::load(&support::all_schemas()),
        &python,
        &["--generic"],
    );
    for folder in feature_folders() {
        round_trip_with(&support::feature_schema(&folder), &python, &["--generic"]);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    write_python_with(&support::load(&support::all_schemas()), dir.path(), &python);
    let script = support::repo_root().join("pusm-codegen/tests/python/numpy_fields.py");
    let stdout = support::run(
        Command::new("python3")
            .args(["-X", "dev", "-W", "error"])
            .arg(&script)
            .arg(dir.path())
            .env("PYTHONDONTWRITEBYTECODE", "1"),
    );
    assert!(stdout.contains("numpy ok"), "{stdout}");
    if have_module("black", "Black on the numpy output") {
        support::run(
            Command::new("python3")
                .args(["-m", "black", "--check", "--line-length", "99"])
                .args(["--target-version", "py38", "."])
                .current_dir(dir.path()),
        );
    }
    // The numpy output passes mypy --strict too.
    if have_module("mypy", "mypy --strict on the numpy output") {
        let stdout = support::run(
            Command::new("python3")
                .args(["-m", "mypy", "--strict", "--cache-dir", "/dev/null", "."])
                .current_dir(dir.path()),
        );
        assert!(stdout.contains("Success"), "{stdout}");
    }
}

/// Code generation never does work per array element: arrays of millions of
/// values give a module of the same size as arrays of two.
#[test]
fn generated_python_does_not_grow_with_array_lengths() {
    let module = |length: usize| {
        let mut sources = pusm_codegen::schema::Sources::new();
        sources.add(
            "big.pusm",
            format!(
                "struct Vec3 {{ x: float32; y: float32; z: float32; }}\n\
                 struct Big {{ grid: [[int32; {length}]; 16]; points: [[Vec3; {length}]; 4]; \
                 names: [string; {length}]; }}\n"
            ),
        );
        let schema = pusm_codegen::schema::load_sources(&sources, &["big.pusm"])
            .unwrap_or_else(|error| panic!("{error}"));
        let files = generate_with(&schema, &Python::new());
        files
            .into_iter()
            .map(|file| file.contents.len())
            .sum::<usize>()
    };
    let small = module(2);
    let big = module(65536);
    // Only the digits of the lengths differ.
    assert!(big <= small + 200, "{small} bytes for 2, {big} for 65536");
}

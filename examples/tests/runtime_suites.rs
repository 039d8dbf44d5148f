//! Runs the Python and C# runtimes' own test suites, and the Python examples'
//! tests, so that `cargo test --workspace` covers every language.

mod support;

use support::tools::have;
use support::{assert_success, repo};

#[test]
fn python_runtime_unittest_suite() {
    if !have("python3", "the Python runtime's tests") {
        return;
    }
    let output = std::process::Command::new("python3")
        .args(["-m", "unittest", "discover", "-s", "tests", "-t", "."])
        // The Rust peer of the Python wake-up test (tests/test_wakeup.py).
        .env("PUSM_ECHO_BIN", env!("CARGO_BIN_EXE_echo"))
        .current_dir(repo().join("python"))
        .output()
        .expect("run python3 -m unittest");
    assert_success("python/tests (unittest)", &output);
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(report.contains("\nOK"), "unittest reports OK:\n{report}");
}

#[test]
fn python_examples_unittest_suite() {
    if !have("python3", "the Python examples' tests") {
        return;
    }
    let output = std::process::Command::new("python3")
        .args([
            "-m",
            "unittest",
            "discover",
            "-s",
            "examples/python",
            "-p",
            "test_*.py",
        ])
        .current_dir(repo())
        .output()
        .expect("run python3 -m unittest");
    assert_success("examples/python tests (unittest)", &output);
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(report.contains("\nOK"), "unittest reports OK:\n{report}");
}

#[test]
fn csharp_runtime_suite_under_mono() {
    if !have("mcs", "the C# runtime's tests") || !have("mono", "the C# runtime's tests") {
        return;
    }
    let output = std::process::Command::new("bash")
        .arg(repo().join("unity/tests/run.sh"))
        .current_dir(repo())
        .output()
        .expect("run unity/tests/run.sh");
    assert_success("unity/tests/run.sh", &output);
    let report = String::from_utf8_lossy(&output.stdout);
    // One count each: the Editor scripts, the native backend, the portable backend.
    let counts: Vec<&str> = report
        .lines()
        .filter(|line| line.contains(" passed, "))
        .collect();
    assert!(
        counts.len() == 3
            && counts
                .iter()
                .all(|line| line.ends_with(" passed, 0 failed")),
        "the C# suite reports three counts without failures:\n{report}"
    );
}

/// Unity ignores files without a `.meta` in packages installed from a git
/// URL: every asset of the package has one, each with its own GUID.
#[test]
fn every_unity_asset_has_a_meta_file_with_a_unique_guid() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') || name.ends_with('~') || name.ends_with(".meta") {
                continue;
            }
            if path.is_dir() {
                walk(&path, out);
            }
            out.push(path);
        }
    }
    let package = repo().join("unity/com.pusm.runtime");
    let mut assets = Vec::new();
    walk(&package, &mut assets);
    assert!(assets.len() > 10, "the package has its runtime files");
    let mut guids = std::collections::HashSet::new();
    for asset in assets {
        let meta = asset.with_file_name(format!(
            "{}.meta",
            asset.file_name().unwrap().to_string_lossy()
        ));
        let text = std::fs::read_to_string(&meta).unwrap_or_else(|_| {
            panic!(
                "{} has no .meta file: run python3 unity/tools/add_meta_files.py",
                asset.display()
            )
        });
        let guid = text
            .lines()
            .find_map(|line| line.strip_prefix("guid: "))
            .unwrap_or_else(|| panic!("{} has no guid", meta.display()));
        assert!(
            guid.len() == 32 && guid.bytes().all(|b| b.is_ascii_hexdigit()),
            "{guid}"
        );
        assert!(
            guids.insert(guid.to_owned()),
            "{} repeats guid {guid}",
            meta.display()
        );
    }
}

/// The Black release line whose style every Python file of the repository
/// follows (`.ci/run` installs it); another line may format differently.
const BLACK: &str = "26.";

#[test]
fn python_sources_are_formatted_with_black() {
    // Hand-written and generated Python alike: the emitter writes what Black
    // would, so the golden files and examples/python/generated are checked too.
    let version = std::process::Command::new("python3")
        .args(["-m", "black", "--version"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
        .unwrap_or_default();
    // "python -m black, 26.10.1 (compiled: yes)"
    if !version.contains(&format!("black, {BLACK}")) {
        let found = version.lines().next().unwrap_or("not installed");
        support::tools::missing(
            &format!("black {BLACK}x (found: {found})"),
            "the Python format check",
        );
        return;
    }
    let output = std::process::Command::new("python3")
        .args(["-m", "black", "--check", "--line-length", "99"])
        .args(["--target-version", "py38"])
        .args([
            "python",
            "examples/python",
            "pusm-bench/peers",
            "pusm-codegen/tests",
            "tests/codegen-build/tests",
            "unity/tools",
        ])
        .current_dir(repo())
        .output()
        .expect("run python3 -m black");
    assert_success("black --check (run it without --check to fix)", &output);
}

//! Shared helpers for pusm-core's integration tests: private directories,
//! unique prefixes, and child processes (the test binary re-executed).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pusm_core::{Role, SharedMemory};

/// A private directory for one test, removed when dropped.
pub fn private_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("pusm-core-test-")
        .tempdir()
        .expect("create a private temp dir")
}

/// A prefix no other test in this process uses.
pub fn unique_prefix(name: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub const TIMEOUT: Option<Duration> = Some(Duration::from_secs(20));

pub fn create(dir: &Path, prefix: &str, role: Role, capacity: usize) -> SharedMemory {
    SharedMemory::builder(prefix)
        .directory(dir)
        .role(role)
        .capacity(capacity)
        .create_new(true)
        .timeout(TIMEOUT)
        .open()
        .expect("create the shared memory")
}

pub fn join(dir: &Path, prefix: &str, role: Role) -> SharedMemory {
    SharedMemory::builder(prefix)
        .directory(dir)
        .role(role)
        .timeout(TIMEOUT)
        .open()
        .expect("join the shared memory")
}

/// The names of the files in `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Environment variables a child process reads.
pub const CHILD_MODE: &str = "PUSM_TEST_CHILD";
pub const CHILD_DIR: &str = "PUSM_TEST_DIR";
pub const CHILD_PREFIX: &str = "PUSM_TEST_PREFIX";

/// Starts this test binary again, running only the test `entry`, with
/// `mode`, `dir` and `prefix` in its environment.
pub fn spawn_child(entry: &str, mode: &str, dir: &Path, prefix: &str) -> Child {
    let exe = std::env::current_exe().expect("the test binary's path");
    Command::new(exe)
        .args([entry, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_MODE, mode)
        .env(CHILD_DIR, dir)
        .env(CHILD_PREFIX, prefix)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the child process")
}

/// In a child: its mode, directory and prefix, or `None` in a normal test run.
pub fn child_args() -> Option<(String, PathBuf, String)> {
    let mode = std::env::var(CHILD_MODE).ok()?;
    let dir = std::env::var_os(CHILD_DIR)?.into();
    let prefix = std::env::var(CHILD_PREFIX).ok()?;
    Some((mode, dir, prefix))
}

/// Waits for a child and fails the test with its output when it failed.
pub fn expect_success(child: Child) {
    let output = child.wait_with_output().expect("wait for the child");
    assert!(
        output.status.success(),
        "child failed with {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

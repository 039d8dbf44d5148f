//! Shared by the cross-language tests: private directories, finding and
//! building the peers in each language, and running child processes with
//! their output kept for failure messages.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use pusm_core::{Role, SharedMemory, DIR_NAME};

#[path = "../../../tests/support/tools.rs"]
pub mod tools;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("examples/ has a parent")
        .to_owned()
}

/// A private `TMPDIR` for one test; the shared memory lives in
/// `<it>/python_unity_shared_memory`, where every runtime looks.
pub struct Scratch {
    pub tmp: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch {
            tmp: tempfile::Builder::new()
                .prefix("pusm-e2e-")
                .tempdir()
                .expect("create a temp dir"),
        }
    }

    /// The directory the shared memory files go to.
    pub fn memory_dir(&self) -> PathBuf {
        self.tmp.path().join(DIR_NAME)
    }

    /// A command whose `TMPDIR` is this scratch directory.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command.env("TMPDIR", self.tmp.path()).current_dir(repo());
        command
    }

    /// The files left in the memory directory.
    pub fn leftovers(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.memory_dir())
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }
}

/// A prefix no other test in this run uses.
pub fn unique_prefix(name: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Opens this test's side of the memory (create or join) in `scratch`.
pub fn open(scratch: &Scratch, prefix: &str, role: Role, create: bool) -> SharedMemory {
    SharedMemory::builder(prefix)
        .directory(scratch.memory_dir())
        .role(role)
        .capacity(4096)
        .create_new(create)
        .timeout(Some(TIMEOUT))
        .open()
        .unwrap_or_else(|err| panic!("open {prefix} as {role}: {err}"))
}

/// Which language an echo peer is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Rust,
    Python,
    CSharp,
}

impl Lang {
    /// Whether the tools to run this language's programs are here.
    pub fn available(self) -> bool {
        match self {
            Lang::Rust => true,
            Lang::Python => tools::have("python3", "the Python side"),
            Lang::CSharp => tools::have("mcs", "the C# side") && tools::have("mono", "the C# side"),
        }
    }

    /// The command that starts this language's echo peer.
    pub fn echo_command(self, scratch: &Scratch) -> Command {
        match self {
            Lang::Rust => scratch.command(env!("CARGO_BIN_EXE_echo")),
            Lang::Python => {
                let mut command = scratch.command("python3");
                command.arg(repo().join("examples/python/echo.py"));
                command
            }
            Lang::CSharp => {
                let mut command = scratch.command("mono");
                command.arg(csharp_build().join("Echo.exe"));
                command
            }
        }
    }
}

/// Builds the C# example programs once per test binary.
pub fn csharp_build() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let out =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("csharp-{}", std::process::id()));
        let output = Command::new("bash")
            .arg(repo().join("examples/csharp/build.sh"))
            .arg(&out)
            .current_dir(repo())
            .output()
            .expect("run examples/csharp/build.sh");
        assert_success("examples/csharp/build.sh", &output);
        out
    })
}

/// Arguments that tell a peer which memory to use.
pub fn peer_args(command: &mut Command, prefix: &str, role: Role, create: bool) {
    command.args(["--prefix", prefix, "--role", role.as_str()]);
    if create {
        command.arg("--create");
    }
}

/// Starts a child with its output captured.
pub fn spawn(mut command: Command) -> Child {
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("start {command:?}: {err}"))
}

/// Fails with the child's output unless it exited 0.
pub fn assert_success(what: &str, output: &Output) {
    assert!(
        output.status.success(),
        "{what} failed with {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Waits for a child and returns its output.
pub fn finish(child: Child) -> Output {
    child.wait_with_output().expect("wait for the child")
}

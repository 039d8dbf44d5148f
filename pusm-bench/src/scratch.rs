//! The private temp directory of a run, unique prefixes, the repository's
//! files, and child processes that cannot hang the bench.

use std::cell::Cell;
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use pusm_core::DIR_NAME;

use crate::error::{Context, Error, Result};

/// A private `TMPDIR` for one run: every shared memory of the run lives in
/// `<it>/python_unity_shared_memory`, where every runtime looks, and the
/// whole directory is removed when the run ends.
pub struct Scratch {
    dir: tempfile::TempDir,
    next: Cell<u32>,
}

impl Scratch {
    /// Creates the directory (`pusm-bench-XXXXXX` in the system temp dir).
    pub fn new() -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("pusm-bench-")
            .tempdir()
            .context(|| "cannot create a private temp directory".to_owned())?;
        Ok(Scratch {
            dir,
            next: Cell::new(0),
        })
    }

    /// The directory itself (the children's `TMPDIR`).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Where the shared memory files go.
    pub fn memory_dir(&self) -> PathBuf {
        self.dir.path().join(DIR_NAME)
    }

    /// A prefix no other measurement of this run uses: `tag-PID-N`.
    pub fn prefix(&self, tag: &str) -> String {
        let n = self.next.get();
        self.next.set(n + 1);
        format!("{tag}-{}-{n}", std::process::id())
    }

    /// A command that runs with this directory as its `TMPDIR`.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .env("TMPDIR", self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Removes the directory now, reporting a failure (dropping also removes it, quietly).
    pub fn remove(self) -> Result<()> {
        let path = self.dir.path().to_owned();
        self.dir
            .close()
            .context(|| format!("cannot remove {}", path.display()))
    }
}

/// The repository this bench was built from.
pub fn repo() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_owned()
}

/// The directory of the Python and C# peers (`pusm-bench/peers`).
pub fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("peers")
}

/// A file of the repository, which must exist.
pub fn repo_file(relative: &str) -> Result<PathBuf> {
    let path = repo().join(relative);
    if path.exists() {
        Ok(path)
    } else {
        Err(Error::new(format!(
            "{} is missing (the bench runs from a checkout of the pusm repository)",
            path.display()
        )))
    }
}

/// True when `tool --version` runs (python3, mono, mcs).
pub fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// A child process that is killed (by its id) if it is dropped still running.
pub struct Peer {
    child: Option<Child>,
    what: String,
}

/// What a finished child printed.
pub struct Finished {
    /// Its exit status.
    pub status: ExitStatus,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
}

impl Peer {
    /// Starts `command`; `what` names it in errors.
    pub fn spawn(mut command: Command, what: impl Into<String>) -> Result<Self> {
        let what = what.into();
        let child = command.spawn().context(|| format!("cannot start {what}"))?;
        Ok(Peer {
            child: Some(child),
            what,
        })
    }

    /// Waits up to `timeout` for the child to exit (killing it past that)
    /// and returns what it printed.
    pub fn finish(mut self, timeout: Duration) -> Result<Finished> {
        let Some(mut child) = self.child.take() else {
            return Err(Error::new(format!("{} was already finished", self.what)));
        };
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(Error::new(format!(
                        "{} did not exit within {timeout:?}; killed it",
                        self.what
                    )));
                }
                Err(err) => {
                    let _ = child.kill();
                    return Err(Error::new(format!("cannot wait for {}: {err}", self.what)));
                }
            }
        };
        let read = |pipe: Option<&mut dyn Read>| {
            let mut text = String::new();
            if let Some(pipe) = pipe {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
            text
        };
        let stdout = read(child.stdout.as_mut().map(|p| p as &mut dyn Read));
        let stderr = read(child.stderr.as_mut().map(|p| p as &mut dyn Read));
        Ok(Finished {
            status,
            stdout,
            stderr,
        })
    }

    /// Like [`finish`](Peer::finish), and fails unless the child exited 0.
    pub fn finish_ok(self, timeout: Duration) -> Result<Finished> {
        let what = self.what.clone();
        let finished = self.finish(timeout)?;
        if finished.status.success() {
            Ok(finished)
        } else {
            Err(Error::new(format!(
                "{what} failed ({}): {}",
                finished.status,
                last_lines(&finished.stderr, &finished.stdout)
            )))
        }
    }

    /// Kills the child now and describes what it printed: for an error
    /// message when the measurement failed while it ran.
    pub fn abort(mut self) -> String {
        let Some(mut child) = self.child.take() else {
            return String::new();
        };
        let _ = child.kill();
        let _ = child.wait();
        let mut stderr = String::new();
        if let Some(pipe) = child.stderr.as_mut() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        let stderr = stderr.trim();
        if stderr.is_empty() {
            String::new()
        } else {
            format!(" ({} said: {})", self.what, last_lines(stderr, ""))
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The last few lines of a child's output, for an error message.
fn last_lines(stderr: &str, stdout: &str) -> String {
    let text = if stderr.trim().is_empty() {
        stdout
    } else {
        stderr
    };
    let lines: Vec<&str> = text.trim().lines().collect();
    let start = lines.len().saturating_sub(6);
    let tail = lines[start..].join(" | ");
    if tail.is_empty() {
        "no output".to_owned()
    } else {
        tail
    }
}

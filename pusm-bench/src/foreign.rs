//! Measurement 3: round trips between a Rust driver and a Python or C#
//! (Mono) peer, pusm's runtime against an original-style peer.
//!
//! Every peer follows the counter protocol of `peers/README.md`: read the
//! int32 at offset 0; -1 means exit; otherwise write it plus one and give
//! control back.

use std::path::{Path, PathBuf};
use std::process::Command;

use pusm_core::Role;

use crate::error::{Context, Error, Result};
use crate::rust_pair::{counter_round_trips, summaries};
use crate::scratch::{peers_dir, repo_file, Peer, Scratch};
use crate::stats::{Samples, Summary};

/// How many round trips measurement 3 records per peer.
#[derive(Debug, Clone, Copy)]
pub struct CounterSize {
    /// Round trips before recording, in each round.
    pub warmup: usize,
    /// Round trips recorded, in each round.
    pub samples: usize,
    /// Rounds, each with fresh peers, pusm and baseline alternating.
    pub rounds: usize,
}

/// A `python3` command that writes no bytecode into the repository.
pub fn python(scratch: &Scratch, script: &Path) -> Command {
    let mut command = scratch.command("python3");
    command.env("PYTHONDONTWRITEBYTECODE", "1").arg(script);
    command
}

/// `peers/pusm_peer.py` on pusm's Python runtime at `runtime`, joining `prefix`.
pub fn pusm_python_peer(scratch: &Scratch, prefix: &str, runtime: &Path) -> Command {
    let mut command = python(scratch, &peers_dir().join("pusm_peer.py"));
    command
        .arg("--prefix")
        .arg(prefix)
        .arg("--runtime")
        .arg(runtime);
    command
}

/// Rust-Python round trips: (pusm's Python runtime, original-style Python peer).
/// The Python side plays the Python role, as the original package does.
pub fn python_round_trips(scratch: &Scratch, size: CounterSize) -> Result<(Summary, Summary)> {
    let runtime = repo_file("python")?;
    let original_peer = peers_dir().join("original_peer.py");
    let pusm_command = |prefix: &str| Ok(pusm_python_peer(scratch, prefix, &runtime));
    let original_command = |prefix: &str| -> Result<Command> {
        let mut command = python(scratch, &original_peer);
        command.arg("--prefix").arg(prefix);
        Ok(command)
    };
    alternate(
        scratch,
        size,
        Role::Unity,
        (&pusm_command, "the pusm Python peer"),
        (&original_command, "the original-style Python peer"),
    )
}

/// Rust-C# round trips under Mono: (pusm's C# runtime, original-style C# peer).
/// The C# side plays the Unity role, as the original package does.
pub fn csharp_round_trips(scratch: &Scratch, size: CounterSize) -> Result<(Summary, Summary)> {
    let built = build_csharp(scratch)?;
    let pusm_command = |prefix: &str| -> Result<Command> {
        let mut command = scratch.command("mono");
        command
            .arg(built.join("PusmPeer.exe"))
            .arg("--prefix")
            .arg(prefix);
        Ok(command)
    };
    let original_command = |prefix: &str| -> Result<Command> {
        let mut command = scratch.command("mono");
        command
            .arg(built.join("OriginalPeer.exe"))
            .arg("--prefix")
            .arg(prefix);
        Ok(command)
    };
    alternate(
        scratch,
        size,
        Role::Python,
        (&pusm_command, "the pusm C# peer"),
        (&original_command, "the original-style C# peer"),
    )
}

type PeerCommand<'a> = (&'a dyn Fn(&str) -> Result<Command>, &'a str);

/// Runs `size.rounds` rounds of baseline then pusm, each with a fresh peer.
fn alternate(
    scratch: &Scratch,
    size: CounterSize,
    driver_role: Role,
    pusm: PeerCommand<'_>,
    baseline: PeerCommand<'_>,
) -> Result<(Summary, Summary)> {
    let mut pusm_samples = Samples::with_capacity(size.samples * size.rounds);
    let mut baseline_samples = Samples::with_capacity(size.samples * size.rounds);
    for _ in 0..size.rounds {
        for ((command, what), out) in [(baseline, &mut baseline_samples), (pusm, &mut pusm_samples)]
        {
            counter_round_trips(
                scratch,
                driver_role,
                command,
                what,
                size.warmup,
                size.samples,
                out,
            )?;
        }
    }
    summaries(&pusm_samples, &baseline_samples)
}

/// Compiles the two C# peers with `mcs` into the scratch directory.
fn build_csharp(scratch: &Scratch) -> Result<PathBuf> {
    let out = scratch.path().join("csharp");
    std::fs::create_dir_all(&out).context(|| format!("cannot create {}", out.display()))?;
    let mut pusm_sources = cs_files(&repo_file("unity/com.pusm.runtime/Runtime")?)?;
    pusm_sources.push(peers_dir().join("PusmPeer.cs"));
    mcs(scratch, &out.join("PusmPeer.exe"), &pusm_sources)?;
    mcs(
        scratch,
        &out.join("OriginalPeer.exe"),
        &[peers_dir().join("OriginalPeer.cs")],
    )?;
    Ok(out)
}

/// The `.cs` files of `dir`, sorted.
pub fn cs_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "cs"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::new(format!("no C# sources in {}", dir.display())));
    }
    Ok(files)
}

/// Compiles `sources` with `mcs` into the executable `exe` (optimized,
/// `unsafe` allowed, C# 7.2: what the runtime and the peers need).
pub fn mcs(scratch: &Scratch, exe: &Path, sources: &[PathBuf]) -> Result<()> {
    let mut command = scratch.command("mcs");
    command
        .args([
            "-langversion:7.2",
            "-unsafe",
            "-optimize+",
            "-nologo",
            "-target:exe",
            "-r:System.Core.dll",
        ])
        .arg(format!("-out:{}", exe.display()))
        .args(sources);
    let name = exe.file_name().map_or_else(
        || exe.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    Peer::spawn(command, format!("mcs building {name}"))?
        .finish_ok(std::time::Duration::from_secs(120))
        .map(|_| ())
}

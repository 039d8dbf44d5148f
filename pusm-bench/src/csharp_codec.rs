//! Measurement 8: generated C# `Write` + `Read` of `Observation` on pusm's C#
//! runtime, in runs (one `WriteBytes` per message, one `ReadBytes` per run)
//! against the code generated before runs (one runtime call per primitive,
//! `peers/CSharpCodecBaseline.cs`), timed by `peers/CSharpCodec.cs` in one
//! Mono process, the two alternating.

use std::time::Duration;

use crate::error::{Context, Result};
use crate::foreign::{cs_files, mcs};
use crate::peer_output::PeerOutput;
use crate::report::{Figure, Row};
use crate::scratch::{peers_dir, repo_file, Peer, Scratch};
use crate::{all_rows, missing, not_selected, rows, Run, Spec};

/// The measurement's number (`--only 8`).
pub const ISSUE: u8 = 8;

impl Run<'_> {
    /// The rows of measurement 8.
    pub(crate) fn csharp_codec(&mut self) -> Vec<Row> {
        let baseline = "the code generated before runs: one runtime call per primitive";
        let specs = vec![
            Spec {
                issue: ISSUE,
                key: "csharp_message_runs",
                label: "generated C# Write+Read of Observation (64 rays) in runs, pusm C# runtime"
                    .to_owned(),
                baseline,
                target: crate::report::Target::Faster,
            },
            Spec {
                issue: ISSUE,
                key: "csharp_message_read_into",
                label: "  the same with ReadInto (reused instance, allocation-free reads)"
                    .to_owned(),
                baseline,
                target: crate::report::Target::Info,
            },
        ];
        if !self.selected(ISSUE) {
            return all_rows(specs, &not_selected());
        }
        if let Some(skip) = missing(&["mono", "mcs"]) {
            return all_rows(specs, &skip);
        }
        self.progress("#8 generated C# in runs (compiling it first)");
        let measured = measure(&self.scratch, self.cli.quick).inspect(|figures| {
            for info in &figures.info {
                self.notes.push(format!("#8: {info}"));
            }
        });
        let measured = measured.and_then(|figures| {
            let baseline = Figure::time(figures.get("csharp_per_field")?);
            Ok(vec![
                (Figure::time(figures.get("csharp_runs")?), baseline),
                (Figure::time(figures.get("csharp_read_into")?), baseline),
            ])
        });
        rows(specs, measured)
    }
}

/// Compiles `CSharpCodec.exe` (pusm's runtime, the generated example code,
/// the baseline) and runs it.
fn measure(scratch: &Scratch, quick: bool) -> Result<PeerOutput> {
    let out = scratch.path().join("csharp-codec");
    std::fs::create_dir_all(&out).context(|| format!("cannot create {}", out.display()))?;
    let mut sources = cs_files(&repo_file("unity/com.pusm.runtime/Runtime")?)?;
    let generated = repo_file("examples/csharp/Generated")?;
    sources.push(generated.join("Robot.cs"));
    sources.push(generated.join("Common.cs"));
    sources.push(peers_dir().join("CSharpCodecBaseline.cs"));
    sources.push(peers_dir().join("CSharpCodec.cs"));
    let exe = out.join("CSharpCodec.exe");
    mcs(scratch, &exe, &sources)?;
    let mut command = scratch.command("mono");
    command.arg(&exe);
    if quick {
        command.arg("--quick");
    }
    let finished = Peer::spawn(command, "CSharpCodec.exe")?.finish_ok(Duration::from_secs(600))?;
    PeerOutput::parse("CSharpCodec.exe", &finished.stdout, &KEYS)
}

/// The keys `CSharpCodec.exe` prints a `RESULT` line for.
const KEYS: [&str; 3] = ["csharp_runs", "csharp_read_into", "csharp_per_field"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_required() {
        let mut out = String::from("INFO 429-byte Observation\n");
        for key in KEYS {
            out.push_str(&format!("RESULT {key} 10 1.5 2 1 3 1.7\n"));
        }
        let figures = PeerOutput::parse("CSharpCodec.exe", &out, &KEYS).unwrap();
        assert_eq!(figures.get("csharp_runs").unwrap().p99, 2.0);
        assert!(
            PeerOutput::parse("CSharpCodec.exe", "RESULT csharp_runs 1 2 3 4 5 6\n", &KEYS)
                .is_err()
        );
    }
}

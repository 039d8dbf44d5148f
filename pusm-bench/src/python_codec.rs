//! Measurement 5: Python serializers on pusm's Python runtime, timed by
//! `peers/codec_bench.py` in one process; this side parses what it prints.

use std::time::Duration;

use crate::error::Result;
use crate::foreign::python;
use crate::peer_output::PeerOutput;
use crate::scratch::{peers_dir, repo_file, Peer, Scratch};

/// The keys `codec_bench.py` prints a `RESULT` line for.
pub const KEYS: [&str; 6] = [
    "message_generated",
    "message_per_field",
    "read_int32_pusm",
    "read_int32_original",
    "write_int32_pusm",
    "write_int32_original",
];

/// Runs `codec_bench.py` (smaller with `quick`) and parses its results.
pub fn run(scratch: &Scratch, quick: bool) -> Result<PeerOutput> {
    let mut command = python(scratch, &peers_dir().join("codec_bench.py"));
    command
        .arg("--runtime")
        .arg(repo_file("python")?)
        .arg("--generated")
        .arg(repo_file("examples/python/generated")?);
    if quick {
        command.arg("--quick");
    }
    let finished = Peer::spawn(command, "codec_bench.py")?.finish_ok(Duration::from_secs(600))?;
    PeerOutput::parse("codec_bench.py", &finished.stdout, &KEYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_required() {
        let mut out = String::from("INFO python 3.11\n");
        for key in KEYS {
            out.push_str(&format!("RESULT {key} 10 1.5 2 1 3 1.7\n"));
        }
        let figures = PeerOutput::parse("codec_bench.py", &out, &KEYS).unwrap();
        assert_eq!(figures.get("read_int32_pusm").unwrap().p99, 2.0);
        assert!(PeerOutput::parse("codec_bench.py", "", &KEYS).is_err());
    }
}

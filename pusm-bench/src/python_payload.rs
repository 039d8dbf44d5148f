//! Measurement 6, Python rows: a 64 MiB payload written by Rust (this bench,
//! the Unity side) and read by pusm's Python runtime (`peers/payload_peer.py`),
//! against a 64 MiB `bytearray` copy in the same Python process and turn.

use std::time::Duration;

use pusm_core::{Role, SharedBuffer};

use crate::error::Result;
use crate::foreign::python;
use crate::peer_output::PeerOutput;
use crate::report::{Figure, Kind, Row, Target};
use crate::rust_pair::{create_driver, EXIT_LIMIT};
use crate::scratch::{peers_dir, repo_file, Peer, Scratch};
use crate::{all_rows, missing, not_selected, rows, Run, Spec};

/// The keys `payload_peer.py` prints a `RESULT` line for: the baseline first.
const KEYS: [&str; 3] = [
    "payload_memcpy",
    "payload_read_bytes",
    "payload_read_bytes_into",
];

/// Payload size and turns: 64 MiB ten times, or 4 MiB twice with `quick`.
fn size(quick: bool) -> (usize, usize) {
    if quick {
        (4 << 20, 2)
    } else {
        (64 << 20, 10)
    }
}

/// Hands the peer `rounds` payloads of `size` bytes; returns what it printed.
fn measure(scratch: &Scratch, quick: bool) -> Result<PeerOutput> {
    let (size, rounds) = size(quick);
    let prefix = scratch.prefix("payload");
    let mut sm = create_driver(scratch, &prefix, Role::Unity, size + 4)?;
    let mut command = python(scratch, &peers_dir().join("payload_peer.py"));
    command
        .arg("--prefix")
        .arg(&prefix)
        .arg("--runtime")
        .arg(repo_file("python")?)
        .arg("--size")
        .arg(size.to_string())
        .arg("--rounds")
        .arg(rounds.to_string());
    let peer = Peer::spawn(command, "payload_peer.py")?;
    let mut payload = vec![0u8; size];
    let handed = (|| -> Result<()> {
        for turn in 0..rounds {
            payload.fill((turn % 256) as u8);
            sm.write_bytes(4, &payload)?;
            sm.give_control(false)?;
            sm.wait_unblocked()?;
        }
        Ok(())
    })();
    let finished = match handed {
        Ok(()) => peer.finish_ok(EXIT_LIMIT + Duration::from_secs(40))?,
        Err(err) => {
            let said = peer.abort();
            return Err(crate::error::Error::new(format!("{err}{said}")));
        }
    };
    sm.delete()?;
    PeerOutput::parse("payload_peer.py", &finished.stdout, &KEYS)
}

impl Run<'_> {
    /// The Python rows of measurement 6.
    pub(crate) fn python_payload(&mut self) -> Vec<Row> {
        let baseline = "a 64 MiB bytearray copy in the same Python process and turn";
        let spec = |key, label: &str, target| Spec {
            issue: 6,
            key,
            label: label.to_owned(),
            baseline,
            target,
        };
        let specs = vec![
            spec(
                "python_payload_read_into",
                "Python read_bytes_into a kept bytearray, 64 MiB written by Rust",
                Target::ThroughputAtLeast(0.5),
            ),
            spec(
                "python_payload_read",
                "Python read_bytes (a new bytes each call), 64 MiB written by Rust",
                Target::Info,
            ),
        ];
        if !self.selected(6) {
            return all_rows(specs, &not_selected());
        }
        if let Some(skip) = missing(&["python3"]) {
            return all_rows(specs, &skip);
        }
        self.progress("#6 64 MiB from Rust to Python");
        let kind = Kind::Copy {
            bytes: size(self.cli.quick).0 as u64,
        };
        let measured = measure(&self.scratch, self.cli.quick).and_then(|output| {
            let memcpy = Figure::of(kind, output.get(KEYS[0])?);
            Ok(vec![
                (Figure::of(kind, output.get(KEYS[2])?), memcpy),
                (Figure::of(kind, output.get(KEYS[1])?), memcpy),
            ])
        });
        rows(specs, measured)
    }
}

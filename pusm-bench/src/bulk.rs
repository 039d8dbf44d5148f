//! Measurement 6, Rust rows: `write_bytes`, `read_bytes` and
//! `read_bytes_into` of 64 MiB on a `SharedMemory`, against a memcpy
//! (`copy_from_slice` between two `Vec<u8>`) and, for `read_bytes`, a new
//! `Vec` filled without pusm.
//!
//! Every round times each of the five copies once, starting one further
//! along each round, and a row compares the medians of the rounds. On a
//! shared machine the memory bandwidth drifts by a third or more within
//! minutes: measured one after the other, as criterion's groups are
//! (`cargo bench -p pusm-core --bench bulk`), pusm and its baseline can land
//! on different sides of such a drift; interleaved, they share it.

use std::hint::black_box;
use std::time::Instant;

use pusm_core::{Role, SharedBuffer, SharedMemory};

use crate::error::{Error, Result};
use crate::report::{Figure, Kind, Row, Target};
use crate::rust_pair::create_driver;
use crate::scratch::Scratch;
use crate::stats::Samples;
use crate::{all_rows, not_selected, rows, Run, Spec};

/// How much and how often: `bytes` per copy, `rounds` recorded after
/// `warmup` rounds that are not.
#[derive(Debug, Clone, Copy)]
pub struct BulkSize {
    /// The size of each copy.
    pub bytes: usize,
    /// Rounds recorded.
    pub rounds: usize,
    /// Rounds run first and discarded (page faults, caches).
    pub warmup: usize,
}

/// The copies one round times; the discriminant indexes [`Timed::samples`].
#[derive(Debug, Clone, Copy)]
enum Transfer {
    Memcpy,
    FreshVec,
    WriteBytes,
    ReadBytes,
    ReadBytesInto,
}

const COPIES: [Transfer; 5] = [
    Transfer::Memcpy,
    Transfer::FreshVec,
    Transfer::WriteBytes,
    Transfer::ReadBytes,
    Transfer::ReadBytesInto,
];

/// The samples of every copy, one per recorded round, indexed like [`COPIES`].
struct Timed {
    samples: [Samples; 5],
}

/// What the copies work on: the shared memory and two buffers of the size.
struct Bench {
    sm: SharedMemory,
    src: Vec<u8>,
    dst: Vec<u8>,
}

impl Bench {
    /// One copy, timed; what it copied is checked against `src` by the caller
    /// once, before the rounds.
    fn time(&mut self, copy: Transfer) -> Result<f64> {
        let start = Instant::now();
        match copy {
            Transfer::Memcpy => {
                self.dst.copy_from_slice(black_box(&self.src));
                black_box(&mut self.dst);
            }
            Transfer::FreshVec => {
                let mut fresh = Vec::with_capacity(self.src.len());
                fresh.extend_from_slice(black_box(&self.src));
                black_box(fresh);
            }
            Transfer::WriteBytes => {
                black_box(self.sm.write_bytes(0, black_box(&self.src))?);
            }
            Transfer::ReadBytes => {
                black_box(self.sm.read_bytes(0, self.src.len())?);
            }
            Transfer::ReadBytesInto => {
                self.sm.read_bytes_into(0, &mut self.dst)?;
                black_box(&mut self.dst);
            }
        }
        Ok(start.elapsed().as_nanos() as f64)
    }
}

/// Runs the rounds on a new shared memory in the scratch directory.
fn measure(scratch: &Scratch, size: BulkSize) -> Result<Timed> {
    let sm = create_driver(scratch, &scratch.prefix("bulk"), Role::Unity, size.bytes)?;
    let src: Vec<u8> = (0..size.bytes).map(|i| (i % 251) as u8).collect();
    let mut bench = Bench {
        sm,
        dst: vec![0u8; size.bytes],
        src,
    };
    // Every path copies the same bytes.
    bench.sm.write_bytes(0, &bench.src)?;
    let (back, _) = bench.sm.read_bytes(0, size.bytes)?;
    bench.sm.read_bytes_into(0, &mut bench.dst)?;
    if back != bench.src || bench.dst != bench.src {
        return Err(Error::new(
            "read_bytes or read_bytes_into did not return what write_bytes wrote",
        ));
    }
    drop(back);
    let mut timed = Timed {
        samples: std::array::from_fn(|_| Samples::with_capacity(size.rounds)),
    };
    for round in 0..size.warmup + size.rounds {
        for step in 0..COPIES.len() {
            let index = (round + step) % COPIES.len();
            let ns = bench.time(COPIES[index])?;
            if round >= size.warmup {
                timed.samples[index].push_value(ns);
            }
        }
    }
    bench.sm.delete()?;
    Ok(timed)
}

impl Run<'_> {
    /// The Rust rows of measurement 6.
    pub(crate) fn bulk(&mut self) -> Vec<Row> {
        let spec = |key, label: &str, baseline, target| Spec {
            issue: 6,
            key,
            label: label.to_owned(),
            baseline,
            target,
        };
        let memcpy = "copy_from_slice between two Vec<u8> of 64 MiB";
        let at_least = Target::ThroughputAtLeast(0.8);
        let specs = vec![
            spec(
                "bulk_write",
                "write_bytes of 64 MiB into a SharedMemory",
                memcpy,
                at_least,
            ),
            spec(
                "bulk_read",
                "read_bytes of 64 MiB from a SharedMemory (a new Vec each call)",
                memcpy,
                at_least,
            ),
            spec(
                "bulk_read_into",
                "read_bytes_into a kept 64 MiB buffer from a SharedMemory",
                memcpy,
                at_least,
            ),
            spec(
                "bulk_read_fresh",
                "the same read_bytes, vs a fresh allocation filled without pusm",
                "a new Vec<u8> of 64 MiB each call, filled with extend_from_slice",
                Target::Info,
            ),
        ];
        if !self.selected(6) {
            return all_rows(specs, &not_selected());
        }
        self.progress("#6 64 MiB copies on a SharedMemory");
        let size = self.sizes.bulk;
        let kind = Kind::Copy {
            bytes: size.bytes as u64,
        };
        let measured = measure(&self.scratch, size).and_then(|timed| {
            let figure = |copy: Transfer| -> Result<Figure> {
                let summary = timed.samples[copy as usize]
                    .summary()
                    .ok_or_else(|| Error::new("no rounds recorded"))?;
                Ok(Figure::of(kind, summary))
            };
            let memcpy = figure(Transfer::Memcpy)?;
            Ok(vec![
                (figure(Transfer::WriteBytes)?, memcpy),
                (figure(Transfer::ReadBytes)?, memcpy),
                (figure(Transfer::ReadBytesInto)?, memcpy),
                (figure(Transfer::ReadBytes)?, figure(Transfer::FreshVec)?),
            ])
        });
        if measured.is_ok() {
            self.notes.push(format!(
                "#6 (Rust rows): {} rounds after {} of warm-up, each timing the five copies once, \
                 starting one further along each round; p50 of the rounds",
                size.rounds, size.warmup
            ));
        }
        rows(specs, measured)
    }
}

//! The bounded fuzz driver of the CI harnesses: the cargo-fuzz targets'
//! bodies, fed by a seeded generator instead of libFuzzer.
//!
//! Included with `#[path]` by `pusm-schema/tests/fuzz_harness.rs`,
//! `pusm-core/tests/fuzz_harness.rs`, `examples/tests/reliability.rs`
//! and pusm-cli's tests. Standard library only.
//!
//! - Every seed (a valid input: a real schema file, a valid encoding, a valid
//!   hook) runs first, as it is; then, until the time budget is spent, inputs
//!   that are either random bytes or seeds with a few mutations (bit flips,
//!   interesting int32s, deletions, duplications, splices, truncations).
//! - The budget is the harness's default, or `PUSM_FUZZ_SECONDS` seconds.
//!   The seed is fixed (runs are reproducible), or `PUSM_FUZZ_SEED`.
//! - A panic prints the input (hex), the seed and the iteration, then fails
//!   the test. An input that runs longer than `HANG_LIMIT` aborts the process
//!   after printing it: a hang is a bug too.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One input running longer than this is reported as a hang.
pub const HANG_LIMIT: Duration = Duration::from_secs(60);

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True with probability 1/`n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// The time budget: `PUSM_FUZZ_SECONDS` when set, else `default_seconds`.
pub fn budget(default_seconds: f64) -> Duration {
    let seconds = std::env::var("PUSM_FUZZ_SECONDS")
        .ok()
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .unwrap_or(default_seconds);
    Duration::from_secs_f64(seconds)
}

/// The generator's seed: `PUSM_FUZZ_SEED` (decimal or 0x-hex) when set.
pub fn seed(default: u64) -> u64 {
    std::env::var("PUSM_FUZZ_SEED")
        .ok()
        .and_then(|text| {
            let text = text.trim();
            match text.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => text.parse().ok(),
            }
        })
        .unwrap_or(default)
}

/// Values that break decoders: counts, lengths and enum values at the edges.
const INTERESTING_I32: [i32; 12] = [
    0,
    1,
    -1,
    2,
    3,
    4,
    16,
    255,
    0x7FFF_FFFF,
    -0x8000_0000,
    0x0001_0000,
    0x4000_0000,
];

/// `base` with one to eight random changes.
pub fn mutate(rng: &mut Rng, base: &[u8], max_len: usize, others: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for _ in 0..1 + rng.below(8) {
        let len = bytes.len();
        match rng.below(10) {
            0 if len > 0 => {
                let at = rng.below(len);
                bytes[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len);
                bytes[at] = [0, 1, 0x7F, 0x80, 0xFF, b'_', b'/'][rng.below(7)];
            }
            2 if len > 0 => {
                let at = rng.below(len);
                bytes[at] = rng.next_u64() as u8;
            }
            3 if len >= 4 => {
                let at = rng.below(len - 3);
                let value = INTERESTING_I32[rng.below(INTERESTING_I32.len())];
                bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
            }
            4 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(16)).min(len);
                bytes.drain(start..end);
            }
            5 => {
                let at = rng.below(len + 1);
                let count = 1 + rng.below(8);
                let extra = rng.bytes(count);
                bytes.splice(at..at, extra);
            }
            6 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(64)).min(len);
                let copy = bytes[start..end].to_vec();
                let at = rng.below(len + 1);
                bytes.splice(at..at, copy);
            }
            7 if !others.is_empty() => {
                // Splice a piece of another seed in.
                let other = &others[rng.below(others.len())];
                if !other.is_empty() {
                    let start = rng.below(other.len());
                    let end = (start + 1 + rng.below(64)).min(other.len());
                    let at = rng.below(len + 1);
                    bytes.splice(at..at, other[start..end].iter().copied());
                }
            }
            8 => bytes.truncate(rng.below(len + 1)),
            _ if len >= 4 => {
                // A small adjustment of an int32 (a count or length off by a little).
                let at = rng.below(len - 3);
                let mut word = [0u8; 4];
                word.copy_from_slice(&bytes[at..at + 4]);
                let delta = rng.below(33) as i32 - 16;
                let value = i32::from_le_bytes(word).wrapping_add(delta);
                bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
            }
            _ => bytes.push(rng.next_u64() as u8),
        }
    }
    bytes.truncate(max_len);
    bytes
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// The input running now, and since when.
type Running = Option<(Instant, Vec<u8>)>;

/// What one run did.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    /// Inputs run, seeds included.
    pub inputs: u64,
    /// Wall time.
    pub elapsed: Duration,
}

/// Runs `body` on every seed, then on random and mutated inputs until
/// `default_seconds` (or `PUSM_FUZZ_SECONDS`) have passed. `max_len` bounds
/// generated inputs.
pub fn run(
    name: &str,
    default_seconds: f64,
    seeds: &[Vec<u8>],
    max_len: usize,
    body: impl Fn(&[u8]),
) -> Stats {
    let budget = budget(default_seconds);
    let seed = seed(0x0005_EED0_F0F0_u64 ^ name.len() as u64);
    let mut rng = Rng::new(seed);
    let started = Instant::now();
    let current: Arc<Mutex<Running>> = Arc::new(Mutex::new(None));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let current = Arc::clone(&current);
        let done = Arc::clone(&done);
        let name = name.to_owned();
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                let guard = current.lock().unwrap_or_else(|poison| poison.into_inner());
                if let Some((since, input)) = guard.as_ref() {
                    if since.elapsed() > HANG_LIMIT {
                        eprintln!(
                            "fuzz {name}: an input ran longer than {HANG_LIMIT:?} (seed {seed:#x}); input hex:\n{}",
                            hex(input)
                        );
                        std::process::abort();
                    }
                }
            }
        })
    };
    let mut inputs = 0u64;
    let run_one = |input: Vec<u8>, iteration: u64| {
        *current.lock().unwrap_or_else(|poison| poison.into_inner()) =
            Some((Instant::now(), input.clone()));
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| body(&input)));
        *current.lock().unwrap_or_else(|poison| poison.into_inner()) = None;
        if let Err(payload) = outcome {
            eprintln!(
                "fuzz {name}: input {iteration} failed (PUSM_FUZZ_SEED={seed:#x}); input hex:\n{}",
                hex(&input)
            );
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            panic::resume_unwind(payload);
        }
    };
    write_corpus(name, seeds);
    for seed_input in seeds {
        run_one(seed_input.clone(), inputs);
        inputs += 1;
    }
    while started.elapsed() < budget {
        let input = if seeds.is_empty() || rng.one_in(5) {
            let len = rng.below(max_len + 1);
            rng.bytes(len)
        } else {
            let base = &seeds[rng.below(seeds.len())];
            let mut input = mutate(&mut rng, base, max_len, seeds);
            // Now and then keep mutating the mutant: deeper changes.
            while rng.one_in(3) {
                input = mutate(&mut rng, &input, max_len, seeds);
            }
            input
        };
        run_one(input, inputs);
        inputs += 1;
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = watchdog.join();
    let stats = Stats {
        inputs,
        elapsed: started.elapsed(),
    };
    eprintln!(
        "fuzz {name}: {} inputs in {:.1?} (seed {seed:#x})",
        stats.inputs, stats.elapsed
    );
    stats
}

/// With `PUSM_FUZZ_CORPUS=DIR`, writes the seeds to `DIR/<target>/` (the
/// target is `name` up to its first space), to start cargo-fuzz from them.
fn write_corpus(name: &str, seeds: &[Vec<u8>]) {
    let Some(root) = std::env::var_os("PUSM_FUZZ_CORPUS") else {
        return;
    };
    let target = name.split(' ').next().unwrap_or(name);
    let dir = std::path::Path::new(&root).join(target);
    if let Err(err) = std::fs::create_dir_all(&dir) {
        eprintln!("fuzz {name}: cannot create {}: {err}", dir.display());
        return;
    }
    for seed_input in seeds {
        let digest = seed_input
            .iter()
            .fold(0xCBF2_9CE4_8422_2325_u64, |hash, &byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01B3)
            });
        let path = dir.join(format!("seed-{digest:016x}"));
        if let Err(err) = std::fs::write(&path, seed_input) {
            eprintln!("fuzz {name}: cannot write {}: {err}", path.display());
        }
    }
    eprintln!(
        "fuzz {name}: wrote {} seeds to {}",
        seeds.len(),
        dir.display()
    );
}

/// Runs `body` on one input given in hex (to replay a reported failure).
pub fn replay(hex_input: &str, body: impl Fn(&[u8])) {
    let bytes: Vec<u8> = (0..hex_input.len() / 2)
        .filter_map(|i| u8::from_str_radix(hex_input.get(2 * i..2 * i + 2)?, 16).ok())
        .collect();
    body(&bytes);
}

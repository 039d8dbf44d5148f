//! Soak: two processes (this test binary re-executed for the peer) hand a
//! shared memory back and forth for a while, each turn a message of a random
//! size up to the whole capacity, with resizes by both sides now and then.
//! Every byte is checked both ways, no turn may be lost or repeated, and no
//! file may be left at the end.
//!
//! Both processes derive the whole conversation from one seed: turn `t`'s
//! resize and message length come from `(seed, t)` and the capacity so far,
//! and its payload from `(seed, t, length)`; so each side knows exactly what
//! the other must have written, and what the capacity must be.
//!
//! About 20 seconds by default; `PUSM_SOAK_SECONDS=600` runs ten minutes,
//! `PUSM_SOAK_SEED=N` another conversation. See `docs/RELIABILITY.md`.

mod support;

use std::time::{Duration, Instant};

use pusm_core::{Error, Role, SharedBuffer, SharedMemory};
use support::{child_args, expect_success, file_names, private_dir, spawn_child, unique_prefix};

/// Seconds of handoffs in a default (CI) run.
const DEFAULT_SECONDS: f64 = 20.0;
/// The conversation of a default run.
const DEFAULT_SEED: u64 = 0x50A4_2024;
/// The first capacity.
const START_CAPACITY: usize = 64;
/// Capacities never grow past this.
const MAX_CAPACITY: usize = 256 << 10;
/// A side resizes on about one turn in this many.
const RESIZE_ONE_IN: usize = 40;
/// At most this many resizes in one conversation: data file N is named by the
/// prefix and N underscores, and a file name is at most 255 bytes, so a
/// conversation can resize about 255 - len(prefix) times in all.
const MAX_RESIZES: usize = 150;
/// Each message starts with its turn number and its length.
const HEADER: usize = 8;
/// The length that says "stop" (sent by the parent) and "stopped" (the child's answer).
const STOP: i32 = -1;
const STOPPED: i32 = -2;
/// Any wait longer than this is a failure.
const TIMEOUT: Duration = Duration::from_secs(60);

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// What happens on one turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Turn {
    /// The writer first resizes to this capacity.
    resize_to: Option<usize>,
    /// Then writes a payload of this many bytes after the header.
    len: usize,
}

/// The conversation both processes follow, and where it is.
struct Plan {
    seed: u64,
    capacity: usize,
    resizes: usize,
}

impl Plan {
    fn new(seed: u64) -> Self {
        Plan {
            seed,
            capacity: START_CAPACITY,
            resizes: 0,
        }
    }

    /// Turn `t`, which moves the plan's capacity along when it resizes.
    fn turn(&mut self, t: u64) -> Turn {
        let mut rng = Rng::new(self.seed ^ t.wrapping_mul(0xD6E8_FEB8_6659_FD93));
        let mut resize_to = None;
        if self.resizes < MAX_RESIZES && rng.below(RESIZE_ONE_IN) == 0 {
            let grown = match rng.below(8) {
                0 if self.capacity < 32 << 10 => self.capacity * 2,
                _ => self.capacity + 1 + rng.below(2048),
            }
            .min(MAX_CAPACITY);
            if grown > self.capacity {
                resize_to = Some(grown);
                self.capacity = grown;
                self.resizes += 1;
            }
        }
        let room = self.capacity - HEADER;
        let len = match rng.below(4) {
            0 => room,
            1 => rng.below(17).min(room),
            _ => rng.below(room + 1),
        };
        Turn { resize_to, len }
    }
}

/// The payload of turn `t`.
fn payload(seed: u64, t: u64, len: usize) -> Vec<u8> {
    let mut rng = Rng::new(seed.rotate_left(17) ^ t);
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        bytes.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

fn write_turn(sm: &mut SharedMemory, plan: &mut Plan, t: u64) {
    let turn = plan.turn(t);
    if let Some(capacity) = turn.resize_to {
        sm.resize(capacity)
            .unwrap_or_else(|err| panic!("turn {t}: resize to {capacity}: {err}"));
        // The message of the turn before survived the copy.
        if t > 0 {
            check_turn(sm, plan.seed, t - 1, None);
        }
    }
    assert_eq!(sm.capacity(), plan.capacity, "turn {t}: capacity");
    sm.write_int32(0, t as i32).unwrap();
    sm.write_int32(4, turn.len as i32).unwrap();
    sm.write_bytes(HEADER, &payload(plan.seed, t, turn.len))
        .unwrap_or_else(|err| panic!("turn {t}: write {} bytes: {err}", turn.len));
}

/// Checks the message of turn `t` (whose length `expected` says, or which is
/// already known to be in memory).
fn check_turn(sm: &mut SharedMemory, seed: u64, t: u64, expected: Option<Turn>) {
    let (turn, _) = sm.read_int32(0).unwrap();
    assert_eq!(turn as u64, t, "a turn was lost or repeated");
    let (len, _) = sm.read_int32(4).unwrap();
    if let Some(expected) = expected {
        assert_eq!(len as usize, expected.len, "turn {t}: length");
    }
    let (bytes, _) = sm.read_bytes(HEADER, len as usize).unwrap();
    if bytes != payload(seed, t, len as usize) {
        let at = bytes
            .iter()
            .zip(payload(seed, t, len as usize))
            .position(|(a, b)| *a != b)
            .unwrap_or(0);
        panic!("turn {t}: the {len}-byte payload differs from byte {at} on");
    }
}

/// Receives the peer's turn `t`: follows its resize, checks every byte.
fn read_turn(sm: &mut SharedMemory, plan: &mut Plan, t: u64) {
    let turn = plan.turn(t);
    sm.wait_unblocked().unwrap();
    assert_eq!(
        sm.capacity(),
        plan.capacity,
        "turn {t}: the peer's resize {:?} was not followed",
        turn.resize_to
    );
    check_turn(sm, plan.seed, t, Some(turn));
}

fn seed() -> u64 {
    std::env::var("PUSM_SOAK_SEED")
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(DEFAULT_SEED)
}

fn duration() -> Duration {
    let seconds = std::env::var("PUSM_SOAK_SECONDS")
        .ok()
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .unwrap_or(DEFAULT_SECONDS);
    Duration::from_secs_f64(seconds)
}

/// The peer; a no-op unless re-executed by the test below.
#[test]
fn child() {
    let Some((mode, dir, prefix)) = child_args() else {
        return;
    };
    let seed: u64 = mode
        .strip_prefix("soak:")
        .and_then(|seed| seed.parse().ok())
        .expect("mode soak:SEED");
    let mut sm = SharedMemory::builder(&prefix)
        .directory(&dir)
        .role(Role::Python)
        .timeout(Some(TIMEOUT))
        .open()
        .unwrap();
    let mut plan = Plan::new(seed);
    let mut t = 0u64;
    loop {
        // The parent's turn (even), or its stop.
        sm.wait_unblocked().unwrap();
        if sm.read_int32(4).unwrap().0 == STOP {
            assert_eq!(sm.read_int32(0).unwrap().0 as u64, t, "the stop's turn");
            sm.write_int32(4, STOPPED).unwrap();
            sm.give_control(false).unwrap();
            sm.close().unwrap();
            println!("child: {t} turns");
            return;
        }
        read_turn(&mut sm, &mut plan, t);
        t += 1;
        write_turn(&mut sm, &mut plan, t);
        sm.give_control(false).unwrap();
        t += 1;
    }
}

#[test]
fn two_processes_hand_random_messages_back_and_forth_with_resizes() {
    let seed = seed();
    let duration = duration();
    let dir = private_dir();
    let prefix = unique_prefix("soak");
    let mut sm = SharedMemory::builder(&prefix)
        .directory(dir.path())
        .role(Role::Unity)
        .capacity(START_CAPACITY)
        .create_new(true)
        .timeout(Some(TIMEOUT))
        .open()
        .unwrap();
    let child = spawn_child("child", &format!("soak:{seed}"), dir.path(), &prefix);
    let mut plan = Plan::new(seed);
    let started = Instant::now();
    let mut t = 0u64;
    let mut bytes_checked = 0usize;
    while started.elapsed() < duration && t < i32::MAX as u64 - 4 {
        write_turn(&mut sm, &mut plan, t);
        sm.give_control(true)
            .unwrap_or_else(|err| panic!("turn {t} (seed {seed}): {err}"));
        t += 1;
        read_turn(&mut sm, &mut plan, t);
        bytes_checked += sm.read_int32(4).unwrap().0 as usize;
        t += 1;
    }
    // Stop: the child answers, hands control back, and closes.
    sm.write_int32(0, t as i32).unwrap();
    sm.write_int32(4, STOP).unwrap();
    sm.give_control(true).unwrap();
    assert_eq!(sm.read_int32(4).unwrap().0, STOPPED);
    match sm.give_control(true) {
        Err(Error::PeerClosed { .. }) => {}
        other => panic!("expected the child's close, got {other:?}"),
    }
    expect_success(child);
    drop(sm);
    assert_eq!(
        file_names(dir.path()),
        Vec::<String>::new(),
        "no file is left behind"
    );
    eprintln!(
        "soak (seed {seed}): {t} turns, {} resizes, final capacity {} bytes, {bytes_checked} bytes of the child's checked, in {:.1?}",
        plan.resizes,
        plan.capacity,
        started.elapsed()
    );
    assert!(t >= 2, "at least one round trip");
}

#[test]
fn the_plan_is_the_same_for_both_sides_and_stays_in_bounds() {
    let mut a = Plan::new(1);
    let mut b = Plan::new(1);
    for t in 0..20_000 {
        let turn = a.turn(t);
        assert_eq!(turn, b.turn(t));
        assert!(turn.len + HEADER <= a.capacity);
    }
    assert!(a.resizes > 100 && a.resizes <= MAX_RESIZES, "{}", a.resizes);
    assert_eq!(payload(1, 5, 100), payload(1, 5, 100));
    assert_ne!(payload(1, 5, 100), payload(1, 6, 100));
}

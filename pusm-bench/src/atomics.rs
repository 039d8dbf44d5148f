//! The baseline of measurements 1 and 2: two processes flipping two bytes
//! of a shared file mapping with plain atomics, no pusm. This is the least
//! any handoff over a mapped file can cost, and, waiting by spinning, the
//! original's design.

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use memmap2::{MmapOptions, MmapRaw};

use crate::error::{Context, Error, Result};

/// The size of the flags file: one page.
const LEN: usize = 4096;
/// The driver's "your turn" byte.
pub const DRIVER: usize = 0;
/// The peer's "your turn" byte.
pub const PEER: usize = 1;
/// Set by the driver when the peer must exit.
const STOP: usize = 2;
/// Where the peer leaves a timestamp (8 bytes, aligned).
const STAMP: usize = 8;
/// Spins between two looks at the clock.
const SPINS_PER_CHECK: u32 = 1 << 16;

/// A mapped flags file shared by the two processes.
pub struct Flags {
    map: MmapRaw,
}

/// What ended a spin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Woke {
    /// The awaited flag was set.
    Turn,
    /// The driver asked the peer to stop.
    Stop,
}

impl Flags {
    /// Creates the file with the driver holding the turn.
    pub fn create(path: &Path) -> Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .context(|| format!("cannot create {}", path.display()))?;
        file.set_len(LEN as u64)
            .context(|| format!("cannot size {}", path.display()))?;
        let flags = Self::map(&file, path)?;
        flags.byte(DRIVER).store(1, Ordering::Release);
        Ok(flags)
    }

    /// Opens the file the driver created.
    pub fn open(path: &Path) -> Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .context(|| format!("cannot open {}", path.display()))?;
        let len = file
            .metadata()
            .context(|| format!("cannot inspect {}", path.display()))?
            .len();
        if len < LEN as u64 {
            return Err(Error::new(format!(
                "{} has {len} bytes, expected {LEN}",
                path.display()
            )));
        }
        Self::map(&file, path)
    }

    fn map(file: &std::fs::File, path: &Path) -> Result<Self> {
        let map = MmapOptions::new()
            .len(LEN)
            .map_raw(file)
            .context(|| format!("cannot map {}", path.display()))?;
        Ok(Flags { map })
    }

    fn byte(&self, offset: usize) -> &AtomicU8 {
        debug_assert!(offset < LEN);
        // SAFETY: the mapping is LEN bytes long and lives as long as `self`;
        // a one-byte atomic has no alignment requirement. The other process
        // only ever touches these bytes through atomics too.
        unsafe { AtomicU8::from_ptr(self.map.as_mut_ptr().add(offset)) }
    }

    fn word(&self, offset: usize) -> &AtomicU64 {
        debug_assert!(offset % 8 == 0 && offset + 8 <= LEN);
        // SAFETY: in bounds of the live, page-aligned mapping and 8-byte
        // aligned (offset is a multiple of 8); accessed only atomically.
        unsafe { AtomicU64::from_ptr(self.map.as_mut_ptr().add(offset).cast::<u64>()) }
    }

    /// Hands the turn from `own` to the other side: clear ours, then set theirs.
    pub fn hand_over(&self, own: usize) {
        let other = if own == DRIVER { PEER } else { DRIVER };
        self.byte(own).store(0, Ordering::Release);
        self.byte(other).store(1, Ordering::Release);
    }

    /// Spins until byte `own` is set (or, for the peer, the stop byte);
    /// fails after `timeout`.
    pub fn spin_until(&self, own: usize, timeout: Duration) -> Result<Woke> {
        let flag = self.byte(own);
        let stop = self.byte(STOP);
        let mut spins: u32 = 0;
        let mut started: Option<Instant> = None;
        loop {
            if flag.load(Ordering::Acquire) != 0 {
                return Ok(Woke::Turn);
            }
            if own == PEER && stop.load(Ordering::Acquire) != 0 {
                return Ok(Woke::Stop);
            }
            spins = spins.wrapping_add(1);
            if spins % SPINS_PER_CHECK == 0 {
                let since = *started.get_or_insert_with(Instant::now);
                if since.elapsed() > timeout {
                    return Err(Error::new(format!(
                        "the other process did not hand over within {timeout:?}"
                    )));
                }
            }
            std::hint::spin_loop();
        }
    }

    /// Tells the peer to exit.
    pub fn stop(&self) {
        self.byte(STOP).store(1, Ordering::Release);
        self.wake();
    }

    /// The first 4 bytes (driver, peer and stop flags, and a zero byte) as
    /// one value, read byte by byte: the futex word of the futex baseline.
    fn flags_word(&self) -> u32 {
        u32::from_le_bytes([
            self.byte(DRIVER).load(Ordering::Acquire),
            self.byte(PEER).load(Ordering::Acquire),
            self.byte(STOP).load(Ordering::Acquire),
            0,
        ])
    }

    /// The futex baseline's waiter: sleeps on the flags word (shared futex)
    /// until byte `own` is set (or, for the peer, the stop byte); fails after
    /// `timeout`. What the least a futex wake-up costs is measured with.
    pub fn futex_until(&self, own: usize, timeout: Duration) -> Result<Woke> {
        let started = Instant::now();
        loop {
            let word = self.flags_word();
            if (word >> (8 * own)) & 0xFF != 0 {
                return Ok(Woke::Turn);
            }
            if own == PEER && (word >> (8 * STOP)) & 0xFF != 0 {
                return Ok(Woke::Stop);
            }
            if started.elapsed() > timeout {
                return Err(Error::new(format!(
                    "the other process did not hand over within {timeout:?}"
                )));
            }
            futex(
                self.map.as_ptr().cast::<u32>(),
                FUTEX_WAIT,
                word,
                Some(Duration::from_millis(50)),
            );
        }
    }

    /// Wakes a process sleeping in [`futex_until`](Flags::futex_until).
    pub fn wake(&self) {
        futex(
            self.map.as_ptr().cast::<u32>(),
            FUTEX_WAKE,
            i32::MAX as u32,
            None,
        );
    }

    /// Leaves a timestamp for the other side (before handing over).
    pub fn set_stamp(&self, ns: u64) {
        self.word(STAMP).store(ns, Ordering::Relaxed);
    }

    /// The timestamp the other side left.
    pub fn stamp(&self) -> u64 {
        self.word(STAMP).load(Ordering::Relaxed)
    }
}

const FUTEX_WAIT: libc::c_int = 0;
const FUTEX_WAKE: libc::c_int = 1;

/// One shared-futex call on the word at `word` (the start of a live mapping).
fn futex(word: *const u32, op: libc::c_int, value: u32, timeout: Option<Duration>) {
    let timeout = timeout.map(|t| libc::timespec {
        tv_sec: t.as_secs() as libc::time_t,
        tv_nsec: t.subsec_nanos() as libc::c_long,
    });
    let timeout_ptr = timeout
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `word` is the page-aligned start of a live shared mapping of at
    // least 4 bytes; FUTEX_WAIT only reads it and `timeout_ptr` (null or a
    // valid timespec on this stack), FUTEX_WAKE reads neither. Errors
    // (EAGAIN, EINTR, ETIMEDOUT) only mean "look again", which callers do.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word,
            op,
            value,
            timeout_ptr,
            std::ptr::null::<u32>(),
            0u32,
        );
    }
}

//! Measurements 1 and 2: two Rust processes, pusm against raw atomics.
//!
//! The bench re-executes itself with the hidden `__peer` subcommand to get
//! the second process ([`run_peer`]).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use pusm_core::{Role, SharedBuffer, SharedMemory, WaitStrategy};

use crate::atomics::{Flags, Woke, DRIVER, PEER};
use crate::error::{Context, Error, Result};
use crate::scratch::{Peer, Scratch};
use crate::stats::{Samples, Summary};

/// How long any wait of a measurement may last before it is a failure.
pub const WAIT_LIMIT: Duration = Duration::from_secs(20);
/// How long a peer gets to exit once told to.
pub const EXIT_LIMIT: Duration = Duration::from_secs(20);

/// What the hidden peer process does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeerMode {
    /// pusm: give control back at once, until the driver closes.
    PusmPing,
    /// Atomics: flip the flags back at once, until the driver says stop.
    AtomicsPing,
    /// pusm: hold control for `--hold-ms`, stamp the time, give it back.
    PusmHold,
    /// Atomics: hold the turn for `--hold-ms`, stamp the time, flip back.
    AtomicsHold,
    /// Atomics: like `atomics-hold`, but both sides sleep on a shared futex
    /// and the peer wakes the driver (the wake-up baseline, `wakeup.rs`).
    FutexHold,
}

/// How the peer waits (pusm modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Strategy {
    /// `WaitStrategy::Adaptive`, the default.
    Adaptive,
    /// `WaitStrategy::Spin`.
    Spin,
}

impl Strategy {
    fn wait_strategy(self) -> WaitStrategy {
        match self {
            Strategy::Adaptive => WaitStrategy::Adaptive,
            Strategy::Spin => WaitStrategy::Spin,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Strategy::Adaptive => "adaptive",
            Strategy::Spin => "spin",
        }
    }
}

/// The hidden peer's command line.
#[derive(Debug, Clone, Args)]
pub struct PeerArgs {
    /// What to do.
    #[arg(long, value_enum)]
    pub mode: PeerMode,
    /// pusm modes: the shared memory directory; atomics modes: the flags file.
    #[arg(long)]
    pub path: PathBuf,
    /// pusm modes: the prefix of the shared memory.
    #[arg(long, default_value = "")]
    pub prefix: String,
    /// Hold modes: how long to keep the turn, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub hold_ms: u64,
    /// pusm modes: how to wait.
    #[arg(long, value_enum, default_value_t = Strategy::Adaptive)]
    pub strategy: Strategy,
}

/// Runs the peer side; the driver is the parent process.
pub fn run_peer(args: &PeerArgs) -> Result<()> {
    let hold = Duration::from_millis(args.hold_ms);
    match args.mode {
        PeerMode::PusmPing | PeerMode::PusmHold => {
            let mut sm = SharedMemory::builder(&args.prefix)
                .directory(&args.path)
                .role(Role::Python)
                .timeout(Some(WAIT_LIMIT))
                .wait_strategy(args.strategy.wait_strategy())
                .open()?; // joins, and waits for control
            let hold_mode = args.mode == PeerMode::PusmHold;
            let mut first = true;
            loop {
                if hold_mode {
                    if !first {
                        std::thread::sleep(hold);
                    }
                    first = false;
                    sm.write_bytes(0, &monotonic_ns()?.to_le_bytes())?;
                }
                match sm.give_control(true) {
                    Ok(()) => {}
                    Err(pusm_core::Error::PeerClosed { .. }) => return Ok(()),
                    Err(err) => return Err(err.into()),
                }
            }
        }
        PeerMode::AtomicsPing | PeerMode::AtomicsHold | PeerMode::FutexHold => {
            let flags = Flags::open(&args.path)?;
            let hold_mode = args.mode != PeerMode::AtomicsPing;
            let futex = args.mode == PeerMode::FutexHold;
            let mut first = true;
            loop {
                let woke = if futex {
                    flags.futex_until(PEER, WAIT_LIMIT)?
                } else {
                    flags.spin_until(PEER, WAIT_LIMIT)?
                };
                if woke == Woke::Stop {
                    return Ok(());
                }
                if hold_mode {
                    if !first {
                        std::thread::sleep(hold);
                    }
                    first = false;
                    flags.set_stamp(monotonic_ns()?);
                }
                flags.hand_over(PEER);
                if futex {
                    flags.wake();
                }
            }
        }
    }
}

/// The command that starts this executable as a peer.
pub(crate) fn peer_command(scratch: &Scratch, args: &PeerArgs) -> Result<Command> {
    let exe =
        std::env::current_exe().context(|| "cannot find the bench's executable".to_owned())?;
    let mut command = scratch.command(exe);
    command
        .arg("__peer")
        .arg("--mode")
        .arg(
            args.mode
                .to_possible_value()
                .map(|v| v.get_name().to_owned())
                .unwrap_or_default(),
        )
        .arg("--path")
        .arg(&args.path)
        .arg("--prefix")
        .arg(&args.prefix)
        .arg("--hold-ms")
        .arg(args.hold_ms.to_string())
        .arg("--strategy")
        .arg(args.strategy.as_str());
    Ok(command)
}

/// `CLOCK_MONOTONIC` in nanoseconds: the same clock in every process.
pub fn monotonic_ns() -> Result<u64> {
    clock_ns(libc::CLOCK_MONOTONIC)
}

/// The CPU time this thread has used, in nanoseconds.
pub fn thread_cpu_ns() -> Result<u64> {
    clock_ns(libc::CLOCK_THREAD_CPUTIME_ID)
}

fn clock_ns(clock: libc::clockid_t) -> Result<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec the call only writes.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    if rc != 0 {
        return Err(Error::new(format!(
            "clock_gettime({clock}) failed: {}",
            std::io::Error::last_os_error()
        )));
    }
    Ok(ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

/// Opens the driver's side of a pusm conversation (it creates, and holds
/// control first).
pub(crate) fn create_driver(
    scratch: &Scratch,
    prefix: &str,
    role: Role,
    capacity: usize,
) -> Result<SharedMemory> {
    Ok(SharedMemory::builder(prefix)
        .directory(scratch.memory_dir())
        .role(role)
        .capacity(capacity)
        .create_new(true)
        .timeout(Some(WAIT_LIMIT))
        .open()?)
}

/// Runs `body` against a started peer, then waits for the peer to exit 0;
/// on failure kills the peer and adds what it printed to the error.
pub(crate) fn with_peer<T>(peer: Peer, body: impl FnOnce() -> Result<T>) -> Result<T> {
    match body() {
        Ok(value) => {
            peer.finish_ok(EXIT_LIMIT)?;
            Ok(value)
        }
        Err(err) => {
            let said = peer.abort();
            Err(Error::new(format!("{err}{said}")))
        }
    }
}

/// How many round trips measurement 1 records.
#[derive(Debug, Clone, Copy)]
pub struct HandoffSize {
    /// Round trips before recording, in each round.
    pub warmup: usize,
    /// Round trips recorded, in each round.
    pub samples: usize,
    /// Rounds, each with a fresh pair of processes, pusm and baseline alternating.
    pub rounds: usize,
}

/// Measurement 1: `give_control` ping-pong against two processes flipping
/// two bytes with atomics. Returns (pusm, baseline) round-trip samples.
pub fn handoff(
    scratch: &Scratch,
    size: HandoffSize,
    strategy: Strategy,
) -> Result<(Summary, Summary)> {
    let mut pusm = Samples::with_capacity(size.samples * size.rounds);
    let mut baseline = Samples::with_capacity(size.samples * size.rounds);
    for _ in 0..size.rounds {
        atomics_ping(scratch, size, &mut baseline)?;
        pusm_ping(scratch, size, strategy, &mut pusm)?;
    }
    summaries(&pusm, &baseline)
}

/// Both sides' distributions; an error when either recorded nothing.
pub fn summaries(pusm: &Samples, baseline: &Samples) -> Result<(Summary, Summary)> {
    match (pusm.summary(), baseline.summary()) {
        (Some(p), Some(b)) => Ok((p, b)),
        _ => Err(Error::new("no samples recorded")),
    }
}

fn pusm_ping(
    scratch: &Scratch,
    size: HandoffSize,
    strategy: Strategy,
    out: &mut Samples,
) -> Result<()> {
    let prefix = scratch.prefix("handoff");
    let mut sm = SharedMemory::builder(&prefix)
        .directory(scratch.memory_dir())
        .role(Role::Unity)
        .capacity(64)
        .create_new(true)
        .timeout(Some(WAIT_LIMIT))
        .wait_strategy(strategy.wait_strategy())
        .open()?;
    let args = PeerArgs {
        mode: PeerMode::PusmPing,
        path: scratch.memory_dir(),
        prefix,
        hold_ms: 0,
        strategy,
    };
    let peer = Peer::spawn(peer_command(scratch, &args)?, "the Rust pusm peer")?;
    with_peer(peer, || {
        for _ in 0..size.warmup {
            sm.give_control(true)?;
        }
        for _ in 0..size.samples {
            let start = Instant::now();
            sm.give_control(true)?;
            out.push(start.elapsed());
        }
        // The peer's wait fails with "peer closed" and it exits 0.
        Ok(sm.close()?)
    })
}

fn atomics_ping(scratch: &Scratch, size: HandoffSize, out: &mut Samples) -> Result<()> {
    let path = scratch
        .path()
        .join(format!("{}.flags", scratch.prefix("atomics")));
    let flags = Flags::create(&path)?;
    let args = PeerArgs {
        mode: PeerMode::AtomicsPing,
        path: path.clone(),
        prefix: String::new(),
        hold_ms: 0,
        strategy: Strategy::Spin,
    };
    let peer = Peer::spawn(peer_command(scratch, &args)?, "the Rust atomics peer")?;
    let result = with_peer(peer, || {
        for _ in 0..size.warmup {
            flags.hand_over(DRIVER);
            flags.spin_until(DRIVER, WAIT_LIMIT)?;
        }
        for _ in 0..size.samples {
            let start = Instant::now();
            flags.hand_over(DRIVER);
            flags.spin_until(DRIVER, WAIT_LIMIT)?;
            out.push(start.elapsed());
        }
        flags.stop();
        Ok(())
    });
    let _ = std::fs::remove_file(&path);
    result
}

/// How measurement 2 waits.
#[derive(Debug, Clone, Copy)]
pub struct HoldSize {
    /// How long the peer holds control each time.
    pub hold: Duration,
    /// How many holds are recorded.
    pub holds: usize,
}

/// Measurement 2's figures: CPU use of the waiter (percent of one core) and
/// the wake-up latency (ns), for pusm and the spinning baseline.
pub struct HoldFigures {
    /// pusm's CPU use per hold.
    pub pusm_cpu: Summary,
    /// The spinning waiter's CPU use per hold.
    pub baseline_cpu: Summary,
    /// pusm's wake-up latency.
    pub pusm_wake: Summary,
    /// The spinning waiter's wake-up latency.
    pub baseline_wake: Summary,
}

/// Measurement 2: the peer holds control for `size.hold`; this process waits
/// with pusm's default strategy, then with a spinning waiter.
pub fn hold(scratch: &Scratch, size: HoldSize) -> Result<HoldFigures> {
    let (mut pusm_cpu, mut pusm_wake) = (Samples::default(), Samples::default());
    let (mut base_cpu, mut base_wake) = (Samples::default(), Samples::default());
    atomics_hold(scratch, size, &mut base_cpu, &mut base_wake)?;
    pusm_hold(scratch, size, &mut pusm_cpu, &mut pusm_wake)?;
    let (pusm_cpu, baseline_cpu) = summaries(&pusm_cpu, &base_cpu)?;
    let (pusm_wake, baseline_wake) = summaries(&pusm_wake, &base_wake)?;
    Ok(HoldFigures {
        pusm_cpu,
        baseline_cpu,
        pusm_wake,
        baseline_wake,
    })
}

/// One hold's figures from the clocks read around the wait.
pub(crate) struct Wait {
    cpu_start: u64,
    wall: Instant,
}

impl Wait {
    pub(crate) fn start() -> Result<Self> {
        Ok(Wait {
            cpu_start: thread_cpu_ns()?,
            wall: Instant::now(),
        })
    }

    /// Records CPU percent and wake-up latency; `woke` was read right after the wait.
    pub(crate) fn record(
        self,
        woke: u64,
        stamp: u64,
        cpu: &mut Samples,
        wake: &mut Samples,
    ) -> Result<()> {
        let wall = self.wall.elapsed().as_nanos() as f64;
        let used = thread_cpu_ns()?.saturating_sub(self.cpu_start) as f64;
        cpu.push_value(100.0 * used / wall.max(1.0));
        wake.push_value(woke.saturating_sub(stamp) as f64);
        Ok(())
    }
}

pub(crate) fn pusm_hold(
    scratch: &Scratch,
    size: HoldSize,
    cpu: &mut Samples,
    wake: &mut Samples,
) -> Result<()> {
    let prefix = scratch.prefix("hold");
    let mut sm = create_driver(scratch, &prefix, Role::Unity, 64)?;
    let args = PeerArgs {
        mode: PeerMode::PusmHold,
        path: scratch.memory_dir(),
        prefix,
        hold_ms: size.hold.as_millis() as u64,
        strategy: Strategy::Adaptive,
    };
    let peer = Peer::spawn(peer_command(scratch, &args)?, "the Rust pusm peer")?;
    with_peer(peer, || {
        sm.give_control(true)?; // the peer's first turn is short: warm-up
        for _ in 0..size.holds {
            let wait = Wait::start()?;
            sm.give_control(true)?;
            let woke = monotonic_ns()?;
            let (bytes, _) = sm.read_bytes(0, 8)?;
            let stamp: [u8; 8] = bytes
                .try_into()
                .map_err(|_| Error::new("the peer's time stamp is not 8 bytes"))?;
            wait.record(woke, u64::from_le_bytes(stamp), cpu, wake)?;
        }
        Ok(sm.close()?)
    })
}

fn atomics_hold(
    scratch: &Scratch,
    size: HoldSize,
    cpu: &mut Samples,
    wake: &mut Samples,
) -> Result<()> {
    let path = scratch
        .path()
        .join(format!("{}.flags", scratch.prefix("atomics-hold")));
    let flags = Flags::create(&path)?;
    let args = PeerArgs {
        mode: PeerMode::AtomicsHold,
        path: path.clone(),
        prefix: String::new(),
        hold_ms: size.hold.as_millis() as u64,
        strategy: Strategy::Spin,
    };
    let peer = Peer::spawn(peer_command(scratch, &args)?, "the Rust atomics peer")?;
    let result = with_peer(peer, || {
        flags.hand_over(DRIVER); // warm-up
        flags.spin_until(DRIVER, WAIT_LIMIT)?;
        for _ in 0..size.holds {
            let wait = Wait::start()?;
            flags.hand_over(DRIVER);
            flags.spin_until(DRIVER, WAIT_LIMIT)?;
            let woke = monotonic_ns()?;
            wait.record(woke, flags.stamp(), cpu, wake)?;
        }
        flags.stop();
        Ok(())
    });
    let _ = std::fs::remove_file(&path);
    result
}

/// The driver side of measurement 3, for any peer that follows the
/// counter protocol of `peers/README.md`: write `i`, give control, read `i + 1`.
pub fn counter_round_trips(
    scratch: &Scratch,
    driver_role: Role,
    peer_command: impl FnOnce(&str) -> Result<Command>,
    what: &str,
    warmup: usize,
    samples: usize,
    recorded: &mut Samples,
) -> Result<()> {
    let prefix = scratch.prefix("counter");
    let mut sm = create_driver(scratch, &prefix, driver_role, 64)?;
    let peer = Peer::spawn(peer_command(&prefix)?, what)?;
    let round_trip = |sm: &mut SharedMemory, i: i32| -> Result<Duration> {
        let start = Instant::now();
        sm.write_int32(0, i)?;
        sm.give_control(true)?;
        let (answer, _) = sm.read_int32(0)?;
        let elapsed = start.elapsed();
        if answer != i.wrapping_add(1) {
            return Err(Error::new(format!("{what} answered {answer} to {i}")));
        }
        Ok(elapsed)
    };
    let result = with_peer(peer, || {
        for i in 0..warmup {
            round_trip(&mut sm, (i % 1_000_000) as i32)?;
        }
        for i in 0..samples {
            recorded.push(round_trip(&mut sm, (i % 1_000_000) as i32)?);
        }
        // -1: the peer exits without giving control back.
        sm.write_int32(0, -1)?;
        Ok(sm.give_control(false)?)
    });
    let deleted = sm.delete();
    result?;
    Ok(deleted?)
}

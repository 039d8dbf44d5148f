//! Measurement 7 (issue 14): how fast a waiting side wakes after its peer
//! held control for 10 ms, 100 ms and 1 s, what waiting costs in CPU, and a
//! Rust-Python round trip with both processes on one CPU.
//!
//! Baselines, measured in the same run: two Rust processes handing over a
//! turn with a shared futex (the least a futex wake-up costs); a Python
//! process blocked in `recv` on a Unix socket, woken by the driver's `send`;
//! and the same Rust-Python counter exchange over a Unix socket.

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::time::{Duration, Instant};

use pusm_core::{Role, SharedBuffer};

use crate::atomics::{Flags, DRIVER};
use crate::error::{Context, Error, Result};
use crate::foreign::{pusm_python_peer, python};
use crate::rust_pair::{
    counter_round_trips, create_driver, monotonic_ns, peer_command, pusm_hold, with_peer, PeerArgs,
    PeerMode, Strategy, Wait, WAIT_LIMIT,
};
use crate::scratch::{peers_dir, repo_file, Peer, Scratch};
use crate::stats::{Samples, Summary};

/// How many waits of each length measurement 7 records.
#[derive(Debug, Clone, Copy)]
pub struct WakeSize {
    /// Waits of 10 ms, 100 ms and 1 s.
    pub waits: [usize; 3],
    /// Pinned round trips recorded (after as many again for warm-up).
    pub pinned: usize,
}

/// The three idle times.
pub const IDLE: [Duration; 3] = [
    Duration::from_millis(10),
    Duration::from_millis(100),
    Duration::from_secs(1),
];

/// Wake-up latency and CPU (percent of a core while waiting) of one waiter.
pub struct Waited {
    /// Nanoseconds from the giver's stamp to the waiter running again.
    pub wake: Summary,
    /// Percent of one core the waiter used while it waited.
    pub cpu: Summary,
}

fn waited(wake: &Samples, cpu: &Samples) -> Result<Waited> {
    match (wake.summary(), cpu.summary()) {
        (Some(wake), Some(cpu)) => Ok(Waited { wake, cpu }),
        _ => Err(Error::new("no samples recorded")),
    }
}

/// A Rust pusm waiter woken by a Rust pusm giver that held control for `idle`.
pub fn rust_waiter(scratch: &Scratch, idle: Duration, waits: usize) -> Result<Waited> {
    let (mut cpu, mut wake) = (Samples::default(), Samples::default());
    pusm_hold(
        scratch,
        crate::rust_pair::HoldSize {
            hold: idle,
            holds: waits,
        },
        &mut cpu,
        &mut wake,
    )?;
    waited(&wake, &cpu)
}

/// The baseline: a Rust process sleeping on a shared futex, woken by another.
pub fn futex_waiter(scratch: &Scratch, idle: Duration, waits: usize) -> Result<Waited> {
    let path = scratch
        .path()
        .join(format!("{}.flags", scratch.prefix("futex-hold")));
    let flags = Flags::create(&path)?;
    let args = PeerArgs {
        mode: PeerMode::FutexHold,
        path: path.clone(),
        prefix: String::new(),
        hold_ms: idle.as_millis() as u64,
        strategy: Strategy::Adaptive,
    };
    let peer = Peer::spawn(peer_command(scratch, &args)?, "the Rust futex peer")?;
    let (mut cpu, mut wake) = (Samples::default(), Samples::default());
    let result = with_peer(peer, || {
        flags.hand_over(DRIVER); // the peer's first turn is short: warm-up
        flags.wake();
        flags.futex_until(DRIVER, WAIT_LIMIT)?;
        for _ in 0..waits {
            let wait = Wait::start()?;
            flags.hand_over(DRIVER);
            flags.wake();
            flags.futex_until(DRIVER, WAIT_LIMIT)?;
            let woke = monotonic_ns()?;
            wait.record(woke, flags.stamp(), &mut cpu, &mut wake)?;
        }
        flags.stop();
        Ok(())
    });
    let _ = std::fs::remove_file(&path);
    result?;
    waited(&wake, &cpu)
}

/// Reads the Python waiter's answer: (wake-up latency ns, CPU ns while waiting).
fn two_i64(bytes: &[u8]) -> Result<(f64, f64)> {
    let word = |range: std::ops::Range<usize>| -> Result<f64> {
        let raw: [u8; 8] = bytes
            .get(range)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Error::new("the Python waiter's answer is short"))?;
        Ok(i64::from_le_bytes(raw) as f64)
    };
    Ok((word(0..8)?, word(8..16)?))
}

/// A Python pusm waiter (`peers/wake_peer.py`) woken by this Rust process
/// after it held control for `idle`.
pub fn python_waiter(scratch: &Scratch, idle: Duration, waits: usize) -> Result<Waited> {
    let prefix = scratch.prefix("python-wait");
    let mut sm = create_driver(scratch, &prefix, Role::Unity, 64)?;
    let mut command = python(scratch, &peers_dir().join("wake_peer.py"));
    command
        .args(["--mode", "pusm-wait", "--prefix", &prefix, "--runtime"])
        .arg(repo_file("python")?);
    let peer = Peer::spawn(command, "the Python pusm waiter")?;
    let (mut cpu, mut wake) = (Samples::default(), Samples::default());
    let result = with_peer(peer, || {
        sm.write_bytes(0, &1i64.to_le_bytes())?;
        sm.give_control(true)?; // the waiter joins and hands back: warm-up
        for _ in 0..waits {
            std::thread::sleep(idle);
            sm.write_bytes(0, &(monotonic_ns()? as i64).to_le_bytes())?;
            sm.give_control(true)?;
            let (bytes, _) = sm.read_bytes(8, 16)?;
            let (latency, used) = two_i64(&bytes)?;
            wake.push_value(latency);
            cpu.push_value(100.0 * used / idle.as_nanos() as f64);
        }
        sm.write_bytes(0, &0i64.to_le_bytes())?;
        sm.give_control(false)?; // the waiter exits
        Ok(())
    });
    let deleted = sm.delete();
    result?;
    deleted?;
    waited(&wake, &cpu)
}

/// A listening Unix socket in the scratch directory and its path.
fn listen(scratch: &Scratch, tag: &str) -> Result<(UnixListener, std::path::PathBuf)> {
    let path = scratch.path().join(format!("{}.sock", scratch.prefix(tag)));
    let listener =
        UnixListener::bind(&path).context(|| format!("cannot bind {}", path.display()))?;
    Ok((listener, path))
}

fn accept(listener: &UnixListener) -> Result<UnixStream> {
    let (stream, _) = listener
        .accept()
        .context(|| "the Python socket peer did not connect".to_owned())?;
    stream
        .set_read_timeout(Some(WAIT_LIMIT))
        .context(|| "cannot set a socket timeout".to_owned())?;
    Ok(stream)
}

/// The baseline of [`python_waiter`]: the same Python waiter blocked in
/// `recv` on a Unix socket, woken by this process's `send`.
pub fn python_socket_waiter(scratch: &Scratch, idle: Duration, waits: usize) -> Result<Waited> {
    let (listener, path) = listen(scratch, "python-wait")?;
    let mut command = python(scratch, &peers_dir().join("wake_peer.py"));
    command
        .args(["--mode", "socket-wait", "--socket"])
        .arg(&path);
    let peer = Peer::spawn(command, "the Python socket waiter")?;
    let (mut cpu, mut wake) = (Samples::default(), Samples::default());
    let io = |err: std::io::Error| Error::new(format!("the socket to the Python waiter: {err}"));
    let result = with_peer(peer, || {
        let mut stream = accept(&listener)?;
        let mut answer = [0u8; 16];
        for _ in 0..waits {
            std::thread::sleep(idle);
            stream
                .write_all(&(monotonic_ns()? as i64).to_le_bytes())
                .map_err(io)?;
            stream.read_exact(&mut answer).map_err(io)?;
            let (latency, used) = two_i64(&answer)?;
            wake.push_value(latency);
            cpu.push_value(100.0 * used / idle.as_nanos() as f64);
        }
        stream.write_all(&0i64.to_le_bytes()).map_err(io)?;
        Ok(())
    });
    let _ = std::fs::remove_file(&path);
    result?;
    waited(&wake, &cpu)
}

/// Runs `body` with this thread (and the processes it starts, which inherit
/// the mask) pinned to CPU 0, then restores the mask.
fn on_cpu_zero<T>(body: impl FnOnce() -> Result<T>) -> Result<T> {
    // SAFETY: cpu_set_t is a plain bit set; all-zero is the empty set.
    let mut old: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: `old` is a valid, writable cpu_set_t of `size` bytes.
    if unsafe { libc::sched_getaffinity(0, size, &mut old) } != 0 {
        return Err(Error::new(format!(
            "sched_getaffinity: {}",
            std::io::Error::last_os_error()
        )));
    }
    // SAFETY: as above, all-zero is the empty set.
    let mut zero: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: CPU_SET sets bit 0 of `zero`, a valid, writable cpu_set_t.
    unsafe { libc::CPU_SET(0, &mut zero) };
    // SAFETY: `zero` is a valid cpu_set_t the kernel only reads.
    if unsafe { libc::sched_setaffinity(0, size, &zero) } != 0 {
        return Err(Error::new(format!(
            "sched_setaffinity (CPU 0): {}",
            std::io::Error::last_os_error()
        )));
    }
    let result = body();
    // SAFETY: `old` is the valid mask read above.
    unsafe { libc::sched_setaffinity(0, size, &old) };
    result
}

/// Rust-Python counter round trips with both processes on CPU 0: (pusm,
/// the same exchange over a Unix socket).
pub fn pinned_round_trips(scratch: &Scratch, samples: usize) -> Result<(Summary, Summary)> {
    on_cpu_zero(|| {
        let mut pusm = Samples::with_capacity(samples);
        let runtime = repo_file("python")?;
        counter_round_trips(
            scratch,
            Role::Unity,
            |prefix| Ok(pusm_python_peer(scratch, prefix, &runtime)),
            "the pusm Python peer (pinned)",
            samples,
            samples,
            &mut pusm,
        )?;
        let socket = socket_round_trips(scratch, samples)?;
        match (pusm.summary(), socket.summary()) {
            (Some(p), Some(s)) => Ok((p, s)),
            _ => Err(Error::new("no samples recorded")),
        }
    })
}

fn socket_round_trips(scratch: &Scratch, samples: usize) -> Result<Samples> {
    let (listener, path) = listen(scratch, "python-counter")?;
    let mut command = python(scratch, &peers_dir().join("wake_peer.py"));
    command
        .args(["--mode", "socket-counter", "--socket"])
        .arg(&path);
    let peer = Peer::spawn(command, "the Python socket peer (pinned)")?;
    let mut recorded = Samples::with_capacity(samples);
    let io = |err: std::io::Error| Error::new(format!("the socket to the Python peer: {err}"));
    let result = with_peer(peer, || {
        let mut stream = accept(&listener)?;
        let mut answer = [0u8; 4];
        for i in 0..2 * samples {
            let value = (i % 1_000_000) as i32;
            let start = Instant::now();
            stream.write_all(&value.to_le_bytes()).map_err(io)?;
            stream.read_exact(&mut answer).map_err(io)?;
            let elapsed = start.elapsed();
            if i32::from_le_bytes(answer) != value + 1 {
                return Err(Error::new("the Python socket peer answered wrongly"));
            }
            if i >= samples {
                recorded.push(elapsed);
            }
        }
        stream.write_all(&(-1i32).to_le_bytes()).map_err(io)?;
        Ok(())
    });
    let _ = std::fs::remove_file(&path);
    result?;
    Ok(recorded)
}

/// The rows of measurement 7, measured (or skipped, or not selected).
impl crate::Run<'_> {
    pub(crate) fn wakeup(&mut self) -> Vec<crate::report::Row> {
        use crate::report::{Figure, Kind, Target};
        use crate::{all_rows, missing, not_selected, rows, Spec};

        let labels = ["10 ms", "100 ms", "1 s"];
        let spec = |key: &'static str, label: String, baseline: &'static str, target| Spec {
            issue: 7,
            key,
            label,
            baseline,
            target,
        };
        let futex = "a Rust process sleeping on a shared futex, woken by another";
        let socket = "the same Python waiter blocked in recv on a Unix socket";
        let wake_target = Target::AtMost(100_000.0, Kind::Time);
        let rust_keys = ["wake_rust_10ms", "wake_rust_100ms", "wake_rust_1s"];
        let python_keys = ["wake_python_10ms", "wake_python_100ms", "wake_python_1s"];
        let rust_specs: Vec<Spec> = (0..3)
            .map(|i| {
                let label = format!("Rust waiter wake-up after {} idle (Rust giver)", labels[i]);
                spec(rust_keys[i], label, futex, wake_target)
            })
            .chain([spec(
                "wait_cpu_rust_1s",
                "CPU of a Rust waiter during a 1 s wait".to_owned(),
                futex,
                Target::AtMost(2.0, Kind::CpuPercent),
            )])
            .collect();
        let python_specs: Vec<Spec> = (0..3)
            .map(|i| {
                let label = format!(
                    "Python waiter wake-up after {} idle (Rust giver)",
                    labels[i]
                );
                spec(python_keys[i], label, socket, wake_target)
            })
            .chain([
                spec(
                    "wait_cpu_python_1s",
                    "CPU of a Python waiter during a 1 s wait".to_owned(),
                    socket,
                    Target::AtMost(2.0, Kind::CpuPercent),
                ),
                spec(
                    "pinned_round_trip_python",
                    "Rust-Python round trip, both processes pinned to CPU 0".to_owned(),
                    "the same exchange over a Unix socket, both pinned to CPU 0",
                    Target::TimeRatioAtMost(1.0),
                ),
            ])
            .collect();
        if !self.selected(7) {
            let mut out = all_rows(rust_specs, &not_selected());
            out.extend(all_rows(python_specs, &not_selected()));
            return out;
        }
        let size = self.sizes.wake;
        self.progress("#7 wake-up of a Rust waiter");
        let scratch = &self.scratch;
        let rust = (|| {
            let mut figures = Vec::new();
            let mut cpu = None;
            for (i, idle) in IDLE.into_iter().enumerate() {
                let pusm = rust_waiter(scratch, idle, size.waits[i])?;
                let base = futex_waiter(scratch, idle, size.waits[i])?;
                figures.push((Figure::time(pusm.wake), Figure::time(base.wake)));
                cpu = Some((
                    Figure::of(Kind::CpuPercent, pusm.cpu),
                    Figure::of(Kind::CpuPercent, base.cpu),
                ));
            }
            figures.extend(cpu);
            Ok(figures)
        })();
        let mut out = rows(rust_specs, rust);
        if let Some(skip) = missing(&["python3"]) {
            out.extend(all_rows(python_specs, &skip));
            return out;
        }
        self.progress("#7 wake-up of a Python waiter, and pinned round trips");
        let python = (|| {
            let mut figures = Vec::new();
            let mut cpu = None;
            for (i, idle) in IDLE.into_iter().enumerate() {
                let pusm = python_waiter(scratch, idle, size.waits[i])?;
                let base = python_socket_waiter(scratch, idle, size.waits[i])?;
                figures.push((Figure::time(pusm.wake), Figure::time(base.wake)));
                cpu = Some((
                    Figure::of(Kind::CpuPercent, pusm.cpu),
                    Figure::of(Kind::CpuPercent, base.cpu),
                ));
            }
            figures.extend(cpu);
            let (pusm, base) = pinned_round_trips(scratch, size.pinned)?;
            figures.push((Figure::time(pusm), Figure::time(base)));
            Ok(figures)
        })();
        out.extend(rows(python_specs, python));
        out
    }
}

//! How a blocked side waits for its turn.

use std::time::{Duration, Instant};

/// How [`SharedMemory`](crate::SharedMemory) waits while the peer holds control.
///
/// The seed spins at 100% of a core for as long as it waits. pusm's default
/// keeps the seed's latency for quick handoffs and stops burning the core for
/// slow ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum WaitStrategy {
    /// Spin on the flag the whole time: the lowest latency, one full core while waiting.
    Spin,
    /// Spin for about 50 µs, then yield the CPU for a while, then sleep. A
    /// quick handoff is caught while spinning. Past that, against a pusm peer
    /// (one holding its liveness lock) the side sleeps on a futex the peer
    /// wakes when it gives control (Linux; up to 50 ms per call, so timeouts
    /// and liveness are still checked); against the original packages, which
    /// wake nobody, and where futexes are unavailable, it sleeps with a
    /// backoff that doubles from 20 µs up to 1 ms. A long wait costs a
    /// fraction of a percent of a core.
    #[default]
    Adaptive,
}

const SPIN_PHASE: Duration = Duration::from_micros(50);
const YIELD_PHASE: Duration = Duration::from_micros(250);
const FIRST_SLEEP: Duration = Duration::from_micros(20);
const MAX_SLEEP: Duration = Duration::from_millis(1);
/// The longest sleep on the futex: a pusm peer wakes us sooner, but timeouts
/// and the peer's liveness must still be checked now and then.
pub(crate) const FUTEX_BOUND: Duration = Duration::from_millis(50);
/// No pusm waiter sleeps on the futex in the first 50 µs of a wait (each
/// runtime spins at least that long first), and a peer's wait for its turn
/// begins after it handed control back, so after this side's previous
/// handover. A side handing over within 40 µs of its previous handover cannot
/// find the peer asleep and skips the wake-up system call: a quick ping-pong
/// costs no more than before (`docs/DECISIONS.md`, "Wake-up").
pub(crate) const QUIET_HANDBACK: Duration = Duration::from_micros(40);
/// Spins between two looks at the clock.
const SPINS_PER_CHECKPOINT: u32 = 256;

/// True when this process may run on one CPU only (pinned with `taskset`,
/// or a one-CPU cgroup): then the peer, if it shares that CPU, cannot answer
/// while this side spins, so every spin offers the CPU instead of every few
/// hundred. The spin phase lasts as long as ever, which the quiet-handback
/// rule above relies on.
pub(crate) fn alone_on_one_cpu() -> bool {
    std::thread::available_parallelism().is_ok_and(|cpus| cpus.get() == 1)
}

/// The state of one wait: which phase it is in and when to look at the clock.
pub(crate) struct Backoff {
    strategy: WaitStrategy,
    yield_every_spin: bool,
    started: Instant,
    spins: u32,
    sleep: Duration,
}

impl Backoff {
    /// A wait starting now; `one_cpu` is [`alone_on_one_cpu`], asked once
    /// when the memory is opened (it costs a system call).
    pub(crate) fn new(strategy: WaitStrategy, one_cpu: bool) -> Self {
        Backoff {
            strategy,
            yield_every_spin: one_cpu,
            started: Instant::now(),
            // The first checkpoint (clock, timeout, liveness) comes after a few
            // hundred spins: a quick handoff never pays for one.
            spins: 1,
            sleep: FIRST_SLEEP,
        }
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// True when the caller should look at the clock (timeout) now: every few
    /// hundred spins, and on every yield or sleep.
    pub(crate) fn at_checkpoint(&self) -> bool {
        self.spins % SPINS_PER_CHECKPOINT == 0
    }

    /// Waits a little, more the longer the wait has lasted. In the sleeping
    /// phase `sleep_on_futex` is offered the longest sleep allowed and the
    /// time waited so far; it returns false when it did not sleep (the peer
    /// wakes nobody, or futexes are unavailable), and a backoff sleep is
    /// taken instead.
    pub(crate) fn snooze(&mut self, sleep_on_futex: impl FnOnce(Duration, Duration) -> bool) {
        let spinning = match self.strategy {
            WaitStrategy::Spin => true,
            WaitStrategy::Adaptive => {
                self.spins % SPINS_PER_CHECKPOINT != 0 || self.elapsed() < SPIN_PHASE
            }
        };
        if spinning {
            self.spins = self.spins.wrapping_add(1);
            if self.yield_every_spin || self.spins % SPINS_PER_CHECKPOINT == 0 {
                // Let the peer run if it shares this CPU: spinning through its
                // time slice would cost a whole spin phase per handoff.
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
            return;
        }
        // Past the spin phase: every snooze is a checkpoint from now on.
        self.spins = 0;
        let elapsed = self.elapsed();
        if elapsed < YIELD_PHASE {
            std::thread::yield_now();
        } else if !sleep_on_futex(FUTEX_BOUND, elapsed) {
            std::thread::sleep(self.sleep);
            self.sleep = (self.sleep * 2).min(MAX_SLEEP);
        }
    }
}

#[cfg(all(test, target_os = "linux", not(miri)))]
mod tests {
    use super::alone_on_one_cpu;

    /// A thread pinned to one CPU is told to offer it on every spin; the
    /// affinity is per thread on Linux, so the test pins a thread of its own.
    #[test]
    fn a_thread_pinned_to_one_cpu_is_alone_on_it() {
        let pinned = std::thread::spawn(|| {
            // SAFETY: `set` is a plain bit set on this stack, zeroed then
            // filled by the libc macros; sched_setaffinity reads it.
            unsafe {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(0, &mut set);
                let size = std::mem::size_of::<libc::cpu_set_t>();
                assert_eq!(libc::sched_setaffinity(0, size, &set), 0);
            }
            alone_on_one_cpu()
        });
        assert!(matches!(pinned.join(), Ok(true)));
    }
}

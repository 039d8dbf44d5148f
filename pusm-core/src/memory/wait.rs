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
    /// Spin for about 50 µs, then yield the CPU for a while, then sleep with
    /// a backoff that doubles from 20 µs up to 1 ms. A quick handoff is caught
    /// while spinning; a long wait costs a fraction of a percent of a core.
    #[default]
    Adaptive,
}

const SPIN_PHASE: Duration = Duration::from_micros(50);
const YIELD_PHASE: Duration = Duration::from_micros(250);
const FIRST_SLEEP: Duration = Duration::from_micros(20);
const MAX_SLEEP: Duration = Duration::from_millis(1);
/// Spins between two looks at the clock.
const SPINS_PER_CHECKPOINT: u32 = 256;

/// The state of one wait: which phase it is in and when to look at the clock.
pub(crate) struct Backoff {
    strategy: WaitStrategy,
    started: Instant,
    spins: u32,
    sleep: Duration,
}

impl Backoff {
    pub(crate) fn new(strategy: WaitStrategy) -> Self {
        Backoff {
            strategy,
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

    /// Waits a little, more the longer the wait has lasted.
    pub(crate) fn snooze(&mut self) {
        let spinning = match self.strategy {
            WaitStrategy::Spin => true,
            WaitStrategy::Adaptive => {
                self.spins % SPINS_PER_CHECKPOINT != 0 || self.elapsed() < SPIN_PHASE
            }
        };
        if spinning {
            self.spins = self.spins.wrapping_add(1);
            if self.spins % SPINS_PER_CHECKPOINT == 0 {
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
        if self.elapsed() < YIELD_PHASE {
            std::thread::yield_now();
        } else {
            std::thread::sleep(self.sleep);
            self.sleep = (self.sleep * 2).min(MAX_SLEEP);
        }
    }
}

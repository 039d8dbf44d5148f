//! Waking a waiting peer at once: a shared futex on the hook's flag word
//! (`docs/DECISIONS.md`, "Wake-up"). The key of a futex in a `MAP_SHARED`
//! file mapping is the file's page, so it works across processes and
//! languages. The wire bytes do not change: a peer that never wakes anyone
//! (the original packages) is still noticed by the waiter's bounded sleeps.

use std::time::Duration;

#[cfg(all(target_os = "linux", not(miri)))]
mod imp {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    const FUTEX_WAIT: libc::c_int = 0;
    const FUTEX_WAKE: libc::c_int = 1;

    /// Cleared the first time the kernel (or a seccomp filter) refuses the call.
    static AVAILABLE: AtomicBool = AtomicBool::new(true);

    pub(super) fn wait(word: *const u32, seen: u32, timeout: Duration) -> bool {
        if !AVAILABLE.load(Ordering::Relaxed) {
            return false;
        }
        let timeout = libc::timespec {
            tv_sec: libc::time_t::try_from(timeout.as_secs()).unwrap_or(libc::time_t::MAX),
            // Below 10^9: fits in a c_long on every target.
            tv_nsec: timeout.subsec_nanos() as libc::c_long,
        };
        // SAFETY: FUTEX_WAIT only reads the 4 aligned bytes at `word`, which lie
        // in a live mapping of the caller's hook (see Hook::wake_word_ptr); the
        // kernel compares them with `seen` and reads `timeout`, a valid timespec
        // on this stack. No memory is written.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_futex,
                word,
                FUTEX_WAIT,
                seen,
                &timeout as *const libc::timespec,
                std::ptr::null::<u32>(),
                0u32,
            )
        };
        if rc == 0 {
            return true;
        }
        match std::io::Error::last_os_error().raw_os_error() {
            // The word changed already, a signal, the bound passed: all just
            // mean "look at the flags again".
            Some(libc::EAGAIN | libc::EINTR | libc::ETIMEDOUT) => true,
            _ => {
                AVAILABLE.store(false, Ordering::Relaxed);
                false
            }
        }
    }

    pub(super) fn wake(word: *const u32) {
        if !AVAILABLE.load(Ordering::Relaxed) {
            return;
        }
        // SAFETY: FUTEX_WAKE does not access the memory at `word` beyond
        // resolving its page (mapped, see `wait`); it only wakes sleepers.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_futex,
                word,
                FUTEX_WAKE,
                libc::c_int::MAX,
                std::ptr::null::<libc::timespec>(),
                std::ptr::null::<u32>(),
                0u32,
            )
        };
        if rc < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ENOSYS) {
            AVAILABLE.store(false, Ordering::Relaxed);
        }
    }
}

#[cfg(not(all(target_os = "linux", not(miri))))]
mod imp {
    use std::time::Duration;

    pub(super) fn wait(_word: *const u32, _seen: u32, _timeout: Duration) -> bool {
        false
    }

    pub(super) fn wake(_word: *const u32) {}
}

/// Sleeps while the word at `word` holds `seen`, at most `timeout`, until a
/// [`wake`]. False when futexes are unavailable (sleep some other way).
/// Wake-ups may be spurious: the caller re-checks what it waits for.
pub(crate) fn wait(word: *const u32, seen: u32, timeout: Duration) -> bool {
    imp::wait(word, seen, timeout)
}

/// Wakes every thread of every process sleeping on the word at `word`.
pub(crate) fn wake(word: *const u32) {
    imp::wake(word)
}

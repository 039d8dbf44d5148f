//! Telling a crashed peer from a slow one.
//!
//! While a pusm process has a shared memory open, it holds an OFD write lock
//! (Linux "open file description" lock) on the one byte of the hook file that
//! is its role's flag. The kernel drops the lock when the process dies, however
//! it dies, so a waiting side that once saw its peer's lock and now sees none
//! (with the closed flag still clear) knows the peer is gone. The original
//! packages take no locks: against them nothing is ever declared dead and the
//! timeout applies, as in the seed.

use std::fs::File;
use std::io;
use std::time::{Duration, Instant};

use crate::Role;

/// What a probe of the peer's lock found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lock {
    /// Some open file description holds it.
    Held,
    /// Nobody holds it.
    Free,
    /// This platform has no OFD locks; nothing can be said.
    #[cfg_attr(target_os = "linux", allow(dead_code))]
    Unsupported,
}

#[cfg(target_os = "linux")]
mod imp {
    use std::fs::File;
    use std::io;
    use std::os::unix::io::AsRawFd;

    use super::Lock;

    fn request(kind: libc::c_int, offset: usize) -> libc::flock {
        // SAFETY: `flock` is a plain C struct for which all-zero bytes are a valid
        // value (and l_pid must be 0 for OFD locks).
        let mut lock: libc::flock = unsafe { std::mem::zeroed() };
        lock.l_type = kind as libc::c_short;
        lock.l_whence = libc::SEEK_SET as libc::c_short;
        lock.l_start = offset as libc::off_t;
        lock.l_len = 1;
        lock
    }

    pub(super) fn try_lock(file: &File, offset: usize) -> io::Result<bool> {
        let lock = request(libc::F_WRLCK, offset);
        // SAFETY: the fd is open for the lifetime of `file`, and `lock` is a valid
        // flock the kernel only reads.
        let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_OFD_SETLK, &lock) };
        if rc == 0 {
            return Ok(true);
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EAGAIN) | Some(libc::EACCES) => Ok(false),
            _ => Err(err),
        }
    }

    pub(super) fn probe(file: &File, offset: usize) -> io::Result<Lock> {
        let mut lock = request(libc::F_WRLCK, offset);
        // SAFETY: the fd is open for the lifetime of `file`, and `lock` is a valid
        // flock that the kernel overwrites with its answer.
        let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_OFD_GETLK, &mut lock) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(if lock.l_type == libc::F_UNLCK as libc::c_short {
            Lock::Free
        } else {
            Lock::Held
        })
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use std::fs::File;
    use std::io;

    use super::Lock;

    pub(super) fn try_lock(_file: &File, _offset: usize) -> io::Result<bool> {
        Ok(true)
    }

    pub(super) fn probe(_file: &File, _offset: usize) -> io::Result<Lock> {
        Ok(Lock::Unsupported)
    }
}

/// Takes the lock on `role`'s byte of the hook; `Ok(false)` when another open
/// file description (a live process playing that role) holds it.
/// The lock lasts until `file` is closed.
pub(crate) fn claim(file: &File, role: Role) -> io::Result<bool> {
    imp::try_lock(file, role.flag_offset())
}

/// Whether anybody holds `role`'s lock.
pub(crate) fn probe(file: &File, role: Role) -> io::Result<Lock> {
    imp::probe(file, role.flag_offset())
}

/// How often a waiting side asks whether its peer is still alive.
const PROBE_INTERVAL: Duration = Duration::from_millis(10);
/// How often it asks while it has not yet seen the peer alive: a peer that
/// crashes soon after joining must not slip between two looks.
const FIRST_PROBE_INTERVAL: Duration = Duration::from_millis(1);

/// A side's memory of its peer's lock: whether it was ever held, and when it
/// was last looked at. The schedule spans waits, so a quick handoff costs no
/// system call.
#[derive(Debug, Default)]
pub(crate) struct PeerWatch {
    seen_alive: bool,
    /// The last probe found the lock held: the peer is a live pusm process,
    /// which wakes this side when it gives control.
    live: bool,
    last_probe: Option<Instant>,
}

impl PeerWatch {
    /// True when it is time to look again: every 10 ms, or every 1 ms until
    /// the peer has been seen alive (and at once the first time).
    pub(crate) fn probe_due(&self) -> bool {
        let interval = if self.seen_alive {
            PROBE_INTERVAL
        } else {
            FIRST_PROBE_INTERVAL
        };
        self.last_probe
            .is_none_or(|last| last.elapsed() >= interval)
    }

    /// True when the last probe found the peer's lock held.
    pub(crate) fn is_live(&self) -> bool {
        self.live
    }

    /// Probes the peer; true when it was seen alive before and its lock is now gone.
    pub(crate) fn peer_died(&mut self, file: &File, peer: Role) -> bool {
        self.last_probe = Some(Instant::now());
        let lock = probe(file, peer);
        self.live = matches!(lock, Ok(Lock::Held));
        match lock {
            Ok(Lock::Held) => {
                self.seen_alive = true;
                false
            }
            Ok(Lock::Free) => self.seen_alive,
            // A failed probe proves nothing: keep waiting; the timeout still applies.
            Ok(Lock::Unsupported) | Err(_) => false,
        }
    }
}

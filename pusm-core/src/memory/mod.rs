//! The shared memory itself: two files, two roles, one turn at a time.

mod builder;
mod data;
pub(crate) mod files;
mod futex;
mod hook;
mod liveness;
mod probe;
mod wait;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use builder::Builder;
pub use hook::HookState;
pub use probe::{probe_liveness, remove_stale, Liveness, LockState, StaleRemoval};
pub use wait::WaitStrategy;

use crate::codec;
use crate::{Error, Result, Role, SharedBuffer};
use data::DataFile;
use hook::{Hook, OpenHook, HOOK_LEN, VERSION};
use liveness::PeerWatch;
use wait::{Backoff, QUIET_HANDBACK};

/// How long a joiner gives a creator to finish writing files it has started
/// (a hook shorter than 15 bytes, a missing data file) before calling them corrupt.
const CREATOR_GRACE: Duration = Duration::from_secs(2);
/// How often a joiner looks for files that are not there yet.
const JOIN_POLL: Duration = Duration::from_millis(2);

/// One side of a conversation over a memory-mapped file, wire-compatible with
/// the original Python and Unity packages (`PROTOCOL.md`).
///
/// The two sides take turns: the side holding control reads and writes, then
/// [`give_control`](SharedMemory::give_control)s to the other. Every primitive
/// read and write first waits for control, as in the seed.
///
/// ```
/// use std::time::Duration;
/// use pusm_core::{Role, SharedBuffer, SharedMemory};
/// # let dir = tempfile::tempdir()?;
///
/// let mut unity = SharedMemory::builder("doc-example")
///     # .directory(dir.path())
///     .role(Role::Unity)
///     .capacity(100)
///     .create_new(true)
///     .timeout(Some(Duration::from_secs(30)))
///     .open()?;
/// let next = unity.write_string(0, "hello")?;
/// unity.write_int32(next, 42)?;
/// unity.give_control(false)?; // hand over without waiting
///
/// // Usually another process:
/// let mut python = SharedMemory::builder("doc-example")
///     # .directory(dir.path())
///     .role(Role::Python)
///     .timeout(Some(Duration::from_secs(30)))
///     .open()?; // joins, and waits for control
/// let (text, next) = python.read_string(0)?;
/// let (number, _) = python.read_int32(next)?;
/// assert_eq!((text.as_str(), number), ("hello", 42));
///
/// python.close()?; // the peer's next wait fails with Error::PeerClosed
/// assert!(matches!(unity.wait_unblocked(), Err(pusm_core::Error::PeerClosed { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Files and lifetime
///
/// - [`close`](SharedMemory::close) sets the closed flag (the peer's next wait
///   that would block fails with [`Error::PeerClosed`], and the peer then
///   deletes the files) and unmaps; it leaves the files, unless the peer had
///   closed first.
/// - [`delete`](SharedMemory::delete) closes, then removes the hook and the
///   data files (the current one, and older ones a peer has not removed).
/// - Dropping a `SharedMemory` without `close` closes it only while this side
///   holds control. While the peer holds control, the closed flag is left
///   clear so that the peer (even an original package) can still read the
///   message this side handed over; a pusm peer's next wait then fails with
///   [`Error::PeerDied`], an original package's with its timeout.
/// - A wait that times out, or that finds the peer closed or dead, removes the
///   files (as the seed does) before returning the error.
///
/// # Safety of the mapping
///
/// pusm only touches the shared bytes through raw-pointer copies and atomics,
/// checks every file's size before mapping it, and refuses symlinks and other
/// users' files. What it cannot prevent is another process *shrinking* a file
/// after it was mapped: accessing the lost pages then raises `SIGBUS`, as with
/// any memory-mapped file. No pusm runtime, and no original package, ever
/// shrinks a file.
pub struct SharedMemory {
    prefix: String,
    dir: PathBuf,
    role: Role,
    timeout: Option<Duration>,
    wait_strategy: WaitStrategy,
    /// [`wait::alone_on_one_cpu`] when this side was opened.
    one_cpu: bool,
    hook: Hook,
    data: DataFile,
    peer: PeerWatch,
    /// The current data file was created by this side's `resize` during the
    /// turn it still holds, so the peer has never mapped it.
    data_is_private: bool,
    /// When this side last handed control over (read just after the flags
    /// flipped): the peer's current wait began later than about this.
    last_handover: Option<Instant>,
    closed: bool,
}

impl SharedMemory {
    /// Starts describing a shared memory named `prefix`; finish with [`Builder::open`].
    pub fn builder(prefix: &str) -> Builder {
        Builder::new(prefix)
    }

    fn create(options: Builder, dir: PathBuf) -> Result<Self> {
        let capacity = options.capacity.ok_or(Error::InvalidCapacity {
            capacity: 0,
            reason: "a creator must set a capacity",
        })?;
        let capacity_bits = check_capacity(capacity)?;
        let hook_path = dir.join(&options.prefix);
        let hook = match Hook::create(&hook_path, capacity_bits, options.role) {
            Err(Error::AlreadyExists { .. }) if options.replace_stale => {
                remove_if_stale(&dir, &options.prefix)?;
                Hook::create(&hook_path, capacity_bits, options.role)?
            }
            other => other?,
        };
        // Hook::create took this role's liveness lock. Data files of this
        // prefix that are already there belong to no conversation (none had
        // a hook): leftovers of a process that died while deleting. They
        // would make this creation, or a later resize, fail.
        let data = match remove_leftover_data(&dir, &options.prefix, options.replace_stale)
            .and_then(|()| DataFile::create(&dir, &options.prefix, 1, capacity))
        {
            Ok(data) => data,
            Err(err) => {
                // Do not leave a hook that points at nothing.
                let _ = files::remove_if_exists(&hook_path);
                return Err(err);
            }
        };
        Ok(Self::assemble(options, dir, hook, data))
    }

    fn join(options: Builder, dir: PathBuf) -> Result<Self> {
        let hook_path = dir.join(&options.prefix);
        let started = Instant::now();
        let timed_out = |grace: Option<Duration>| {
            let limit = match (options.timeout, grace) {
                (Some(timeout), Some(grace)) => Some(timeout.min(grace)),
                (timeout, None) => timeout,
                (None, grace) => grace,
            };
            limit.is_some_and(|limit| started.elapsed() >= limit)
        };
        let hook = loop {
            match Hook::open(&hook_path)? {
                OpenHook::Ready(hook) if hook.version() != 0 => break hook,
                OpenHook::Ready(_) | OpenHook::Short { .. } if !timed_out(Some(CREATOR_GRACE)) => {}
                OpenHook::Ready(hook) => break hook, // version 0: reported below
                OpenHook::Short { len } => {
                    return Err(Error::CorruptFile {
                        path: hook_path,
                        reason: format!(
                            "the hook file has {len} bytes, the protocol needs {HOOK_LEN}"
                        ),
                    })
                }
                OpenHook::Missing if timed_out(None) => {
                    return Err(Error::NotFound {
                        prefix: options.prefix,
                        dir,
                    })
                }
                OpenHook::Missing => {}
            }
            std::thread::sleep(JOIN_POLL);
        };
        let version = hook.version();
        if version == 0 {
            return Err(Error::CorruptFile {
                path: hook_path,
                reason: "the hook's version is still 0: its creator never finished writing it"
                    .to_owned(),
            });
        }
        if version != VERSION {
            return Err(Error::VersionMismatch {
                prefix: options.prefix,
                found: version,
                expected: VERSION,
            });
        }
        match liveness::claim(hook.file(), options.role) {
            Ok(true) => {}
            Ok(false) => {
                return Err(Error::RoleTaken {
                    prefix: options.prefix,
                    role: options.role,
                })
            }
            Err(err) => return Err(Error::io("cannot lock", &hook_path, err)),
        }
        let data = loop {
            let (number, capacity) = read_data_location(&hook, &options.prefix)?;
            match DataFile::open(&dir, &options.prefix, number, capacity) {
                Ok(Some(data)) => break data,
                // Not created yet, or created but not sized yet (the creator
                // makes the file, then sets its length): give it a moment.
                Ok(None) | Err(Error::CorruptFile { .. }) if !timed_out(Some(CREATOR_GRACE)) => {
                    std::thread::sleep(JOIN_POLL)
                }
                Ok(None) => {
                    return Err(Error::CorruptFile {
                        path: dir.join(files::data_file_name(&options.prefix, number)),
                        reason: "the hook names this data file, but it does not exist".to_owned(),
                    })
                }
                Err(err) => return Err(err),
            }
        };
        let mut memory = Self::assemble(options, dir, hook, data);
        // The creator resized before we joined: its older files are nobody's now.
        memory.remove_data_files(1..memory.data.number())?;
        // Learn whether the creator is a pusm process, so that its death can be told.
        let _ = memory
            .peer
            .peer_died(memory.hook.file(), memory.role.peer());
        memory.wait_unblocked()?;
        Ok(memory)
    }

    fn assemble(options: Builder, dir: PathBuf, hook: Hook, data: DataFile) -> Self {
        SharedMemory {
            prefix: options.prefix,
            dir,
            role: options.role,
            timeout: options.timeout,
            wait_strategy: options.wait_strategy,
            one_cpu: wait::alone_on_one_cpu(),
            hook,
            data,
            peer: PeerWatch::default(),
            data_is_private: false,
            last_handover: None,
            closed: false,
        }
    }

    /// The name of this shared memory.
    #[must_use]
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The role this side plays.
    #[must_use]
    pub fn role(&self) -> Role {
        self.role
    }

    /// The size of the current data file in bytes.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.data.capacity()
    }

    /// The directory holding the files.
    #[must_use]
    pub fn directory(&self) -> &Path {
        &self.dir
    }

    /// The path of the current data file.
    #[must_use]
    pub fn data_path(&self) -> &Path {
        self.data.path()
    }

    /// True while the peer holds control (this side's flag is clear).
    #[must_use]
    #[inline]
    pub fn is_blocked(&self) -> bool {
        !self.hook.is_active(self.role)
    }

    /// Waits until this side holds control.
    ///
    /// Fails with [`Error::Timeout`] past the timeout, [`Error::PeerClosed`]
    /// when the peer closed without handing control back, and
    /// [`Error::PeerDied`] when a pusm peer exited without closing; each of
    /// these removes the files first. When the peer resized the memory
    /// meanwhile, this switches to the new data file and removes the old one.
    ///
    /// A peer that gives control and then closes has its last message read:
    /// this side holds control, so the wait succeeds, and the close is
    /// reported at the next wait that would block.
    #[inline]
    pub fn wait_unblocked(&mut self) -> Result<()> {
        // Every primitive starts here: while this side holds control of an
        // unchanged file (nearly always) this is two loads and two compares.
        if !self.is_blocked() && self.hook.file_number() as usize == self.data.number() {
            return Ok(());
        }
        self.wait_unblocked_slow()
    }

    /// [`wait_unblocked`](SharedMemory::wait_unblocked) when this side may not
    /// hold control, or the peer has resized.
    #[cold]
    #[inline(never)]
    fn wait_unblocked_slow(&mut self) -> Result<()> {
        if self.is_blocked() {
            if !self.hook.is_closed() {
                self.wait_for_turn()?;
            }
            if self.is_blocked() {
                // Woken by the closed flag, not by a handover.
                self.remove_files();
                return Err(Error::PeerClosed {
                    prefix: self.prefix.clone(),
                });
            }
        }
        if self.hook.file_number() as usize != self.data.number() {
            self.follow_resize()?;
        }
        Ok(())
    }

    fn wait_for_turn(&mut self) -> Result<()> {
        let mut backoff = Backoff::new(self.wait_strategy, self.one_cpu);
        let own_flag = 8 * (self.role.flag_offset() - hook::WAKE_WORD_OFFSET);
        loop {
            // Decide from one reading of the flags, and sleep on that same
            // reading: a handover after it makes the futex return at once.
            let word = self.hook.wake_word();
            let active = (word >> own_flag) & 0xFF != 0;
            let closed = (word >> hook::WAKE_WORD_CLOSED_SHIFT) & 0xFF != 0;
            if active || closed {
                return Ok(());
            }
            if backoff.at_checkpoint() {
                if let Some(timeout) = self.timeout {
                    if backoff.elapsed() >= timeout {
                        self.remove_files();
                        return Err(Error::Timeout {
                            prefix: self.prefix.clone(),
                            waited: backoff.elapsed(),
                        });
                    }
                }
                if self.peer.probe_due()
                    && self.peer.peer_died(self.hook.file(), self.role.peer())
                    // The peer may have handed over or closed, and then
                    // exited, between our looks.
                    && self.is_blocked()
                    && !self.hook.is_closed()
                {
                    self.remove_files();
                    return Err(Error::PeerDied {
                        prefix: self.prefix.clone(),
                        role: self.role.peer(),
                    });
                }
            }
            // Only a pusm peer (its liveness lock held) wakes us; the
            // original packages never do, so against them keep short sleeps.
            let pusm_peer = self.peer.is_live();
            let (hook, timeout) = (&self.hook, self.timeout);
            backoff.snooze(|bound, elapsed| {
                let bound = timeout.map_or(bound, |t| t.saturating_sub(elapsed).min(bound));
                pusm_peer && hook.wait_for_wake(word, bound)
            });
        }
    }

    /// Maps the data file the peer switched to, and removes the old one (and
    /// any the peer created and left between the two).
    fn follow_resize(&mut self) -> Result<()> {
        let (number, capacity) = read_data_location(&self.hook, &self.prefix)?;
        let data = DataFile::open(&self.dir, &self.prefix, number, capacity)?.ok_or_else(|| {
            Error::CorruptFile {
                path: self.dir.join(files::data_file_name(&self.prefix, number)),
                reason: "the peer resized to this data file, but it does not exist".to_owned(),
            }
        })?;
        let old = std::mem::replace(&mut self.data, data);
        self.remove_data_files(old.number()..number)
    }

    /// Removes the data files numbered `numbers`, which nobody maps any more.
    fn remove_data_files(&self, numbers: std::ops::Range<usize>) -> Result<()> {
        for number in numbers {
            files::remove_if_exists(&self.dir.join(files::data_file_name(&self.prefix, number)))?;
        }
        Ok(())
    }

    /// Gives control to the peer; with `wait`, then waits until it comes back.
    ///
    /// Without `wait` this returns at once: do not touch the memory again
    /// before [`wait_unblocked`](SharedMemory::wait_unblocked) (every primitive
    /// call does that for you).
    pub fn give_control(&mut self, wait: bool) -> Result<()> {
        self.wait_unblocked()?;
        // Clears our flag before setting the peer's (the peer must never see
        // both sides active, PROTOCOL.md section 4), then wakes the peer,
        // unless our previous handover was so recent that the peer, which
        // has waited only since it handed back, is still spinning.
        self.hook.hand_over(self.role);
        let now = Instant::now();
        let peer_still_spinning = self
            .last_handover
            .replace(now)
            .is_some_and(|previous| now.duration_since(previous) < QUIET_HANDBACK);
        if !peer_still_spinning {
            self.hook.wake();
        }
        self.data_is_private = false;
        if wait {
            self.wait_unblocked()?;
        }
        Ok(())
    }

    /// Grows the memory to `new_capacity` bytes, keeping its contents.
    ///
    /// Only the side holding control resizes (this waits for control first).
    /// A new data file is created and the hook updated; the peer switches to it
    /// on its next wait and removes the old one. `new_capacity` must be
    /// strictly greater than [`capacity`](SharedMemory::capacity), and the
    /// next data file's name (the prefix and one more underscore) must fit in
    /// 255 bytes, else [`Error::InvalidResize`] and nothing changes.
    pub fn resize(&mut self, new_capacity: usize) -> Result<()> {
        self.wait_unblocked()?;
        let current = self.data.capacity();
        let refuse = |reason| Error::InvalidResize {
            prefix: self.prefix.clone(),
            current,
            requested: new_capacity,
            reason,
        };
        if new_capacity <= current {
            return Err(refuse("the new capacity must be strictly greater"));
        }
        let capacity_bits = check_capacity(new_capacity)?;
        let number = self.data.number() + 1;
        if self.prefix.len() + number > files::MAX_NAME_LEN {
            return Err(refuse("the data file name would exceed 255 bytes"));
        }
        let number_bits = i32::try_from(number)
            .map_err(|_| refuse("the hook stores the data file number as an int32"))?;
        let mut data = DataFile::create(&self.dir, &self.prefix, number, new_capacity)?;
        data.copy_from(&self.data);
        self.hook.set_resized(number_bits, capacity_bits);
        let old = std::mem::replace(&mut self.data, data);
        if self.data_is_private {
            // Created earlier in this turn: the peer never saw it, so nobody
            // else will remove it.
            files::remove_if_exists(old.path())?;
        }
        self.data_is_private = true;
        Ok(())
    }

    /// Tells the peer the conversation is over and unmaps the memory. The
    /// files stay until the peer notices (and removes them); when the peer
    /// had already closed, nobody else will, so this removes them.
    pub fn close(mut self) -> Result<()> {
        if self.mark_closed() {
            files::delete_files_in(&self.dir, &self.prefix)?;
        }
        Ok(())
    }

    /// Closes, then removes the hook and the data files of this prefix
    /// (the current one, and any older one a peer has not removed yet).
    pub fn delete(mut self) -> Result<()> {
        let _ = self.mark_closed();
        files::delete_files_in(&self.dir, &self.prefix)
    }

    /// Sets the closed flag (once); true when the peer had set it already.
    fn mark_closed(&mut self) -> bool {
        if self.closed {
            return false;
        }
        self.closed = true;
        let peer_closed_first = self.hook.is_closed();
        self.hook.set_closed();
        peer_closed_first
    }

    /// Best-effort removal on the way out of a failed wait; the error that
    /// ended the wait matters more than a file that could not be removed.
    fn remove_files(&mut self) {
        let _ = files::remove_if_exists(self.data.path());
        let _ = files::remove_if_exists(self.hook.path());
    }
}

impl Drop for SharedMemory {
    /// An implicit close (`docs/DECISIONS.md`, rule B): the closed flag is set
    /// only while this side holds control. When the peer holds control it may
    /// still have to read the message this side handed over, and the original
    /// packages fail every call once the flag is set; a pusm peer learns that
    /// this side is gone from its released liveness lock instead.
    fn drop(&mut self) {
        if self.closed {
            return;
        }
        if self.hook.is_active(self.role) {
            if self.mark_closed() {
                let _ = files::delete_files_in(&self.dir, &self.prefix);
            }
        } else if self.hook.is_closed() {
            // The peer closed first and is gone: nobody else removes the files.
            self.closed = true;
            let _ = files::delete_files_in(&self.dir, &self.prefix);
        }
    }
}

impl std::fmt::Debug for SharedMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedMemory")
            .field("prefix", &self.prefix)
            .field("directory", &self.dir)
            .field("role", &self.role)
            .field("capacity", &self.data.capacity())
            .field("file_number", &self.data.number())
            .field("blocked", &self.is_blocked())
            .finish_non_exhaustive()
    }
}

/// The data file number and capacity the hook names, validated.
fn read_data_location(hook: &Hook, prefix: &str) -> Result<(usize, usize)> {
    let number = hook.file_number();
    let capacity = hook.capacity();
    let corrupt = |reason: String| Error::CorruptFile {
        path: hook.path().to_owned(),
        reason,
    };
    let number = usize::try_from(number)
        .ok()
        .filter(|&number| number >= 1)
        .ok_or_else(|| corrupt(format!("file number {number} is not positive")))?;
    // Data file N is named by the prefix and N underscores. Refuse a number
    // that cannot name a file before building a name of up to 2 GiB.
    if prefix.len().saturating_add(number) > files::MAX_NAME_LEN {
        return Err(corrupt(format!(
            "file number {number} names a data file longer than {} bytes",
            files::MAX_NAME_LEN
        )));
    }
    let capacity = usize::try_from(capacity)
        .ok()
        .filter(|&capacity| capacity >= 1)
        .ok_or_else(|| corrupt(format!("capacity {capacity} is not positive")))?;
    Ok((number, capacity))
}

fn check_capacity(capacity: usize) -> Result<i32> {
    if capacity == 0 {
        return Err(Error::InvalidCapacity {
            capacity,
            reason: "the capacity must be at least one byte",
        });
    }
    i32::try_from(capacity).map_err(|_| Error::InvalidCapacity {
        capacity,
        reason: "the hook stores the capacity as an int32",
    })
}

/// Removes the files of `prefix` when no live process holds either role's lock.
fn remove_if_stale(dir: &Path, prefix: &str) -> Result<()> {
    match probe::remove_stale(dir, prefix)? {
        StaleRemoval::Removed | StaleRemoval::NotFound => Ok(()),
        StaleRemoval::Live => Err(Error::AlreadyExists {
            prefix: prefix.to_owned(),
            path: dir.join(prefix),
        }),
    }
}

/// Deals with data files of `prefix` found by a creator that has just made
/// the hook: with `replace_stale` they are removed, otherwise creation fails
/// with [`Error::AlreadyExists`] naming the first one.
fn remove_leftover_data(dir: &Path, prefix: &str, replace_stale: bool) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => return Err(Error::io("cannot list", dir, err)),
    };
    for entry in entries {
        let entry = entry.map_err(|err| Error::io("cannot list", dir, err))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name == prefix || !files::belongs_to(name, prefix) {
            continue;
        }
        files::check_leftover(&entry.path(), replace_stale)?;
        if !replace_stale {
            return Err(Error::AlreadyExists {
                prefix: prefix.to_owned(),
                path: entry.path(),
            });
        }
        files::remove_if_exists(&entry.path())?;
    }
    Ok(())
}

/// The state of the hook file of `prefix` in `dir`, read without joining, or
/// `None` when there is no such shared memory. For inspection tools.
///
/// Only the first 15 bytes are read. A symbolic link, a named pipe or
/// anything else that is not a regular file is refused with
/// [`Error::UnsafeFile`], without blocking.
pub fn inspect_hook(dir: &Path, prefix: &str) -> Result<Option<HookState>> {
    use std::io::Read as _;

    files::validate_prefix(prefix)?;
    let path = dir.join(prefix);
    let Some(file) = files::open_for_reading(&path)? else {
        return Ok(None);
    };
    let mut bytes = Vec::with_capacity(HOOK_LEN);
    file.take(HOOK_LEN as u64)
        .read_to_end(&mut bytes)
        .map_err(|err| Error::io("cannot read", &path, err))?;
    let bytes: [u8; HOOK_LEN] = bytes
        .get(..HOOK_LEN)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::CorruptFile {
            path: path.clone(),
            reason: format!(
                "the hook file has {} bytes, the protocol needs {HOOK_LEN}",
                bytes.len()
            ),
        })?;
    Ok(Some(HookState::decode(&bytes)))
}

impl SharedMemory {
    /// Reads `dst.len()` raw bytes at `offset` into `dst`; returns the offset
    /// just past them. The same as [`read_bytes`](SharedBuffer::read_bytes)
    /// without allocating: for large blocks read again and again (camera
    /// frames), where a fresh vector's page faults would cost more than the copy.
    ///
    /// ```
    /// use pusm_core::{SharedBuffer, SharedMemory};
    /// # let dir = tempfile::tempdir()?;
    /// let mut sm = SharedMemory::builder("frames")
    /// #   .directory(dir.path())
    ///     .capacity(1 << 20)
    ///     .create_new(true)
    ///     .open()?;
    /// sm.write_bytes(16, &[7; 1000])?;
    /// let mut frame = vec![0u8; 1000];
    /// assert_eq!(sm.read_bytes_into(16, &mut frame)?, 1016);
    /// assert_eq!(frame, [7; 1000]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn read_bytes_into(&mut self, offset: usize, dst: &mut [u8]) -> Result<usize> {
        self.wait_unblocked()?;
        codec::read_into(&self.data, offset, dst)
    }
}

impl SharedBuffer for SharedMemory {
    #[inline]
    fn read_bool(&mut self, offset: usize) -> Result<(bool, usize)> {
        self.wait_unblocked()?;
        codec::read_bool(&self.data, offset)
    }
    #[inline]
    fn read_int32(&mut self, offset: usize) -> Result<(i32, usize)> {
        self.wait_unblocked()?;
        codec::read_int32(&self.data, offset)
    }
    #[inline]
    fn read_float32(&mut self, offset: usize) -> Result<(f32, usize)> {
        self.wait_unblocked()?;
        codec::read_float32(&self.data, offset)
    }
    #[inline]
    fn read_string(&mut self, offset: usize) -> Result<(String, usize)> {
        self.wait_unblocked()?;
        codec::read_string(&self.data, offset)
    }
    #[inline]
    fn read_bytes(&mut self, offset: usize, len: usize) -> Result<(Vec<u8>, usize)> {
        self.wait_unblocked()?;
        codec::read_bytes(&self.data, offset, len)
    }
    #[inline]
    fn write_bool(&mut self, offset: usize, value: bool) -> Result<usize> {
        self.wait_unblocked()?;
        codec::write_bool(&mut self.data, offset, value)
    }
    #[inline]
    fn write_int32(&mut self, offset: usize, value: i32) -> Result<usize> {
        self.wait_unblocked()?;
        codec::write_int32(&mut self.data, offset, value)
    }
    #[inline]
    fn write_float32(&mut self, offset: usize, value: f32) -> Result<usize> {
        self.wait_unblocked()?;
        codec::write_float32(&mut self.data, offset, value)
    }
    #[inline]
    fn write_string(&mut self, offset: usize, value: &str) -> Result<usize> {
        self.wait_unblocked()?;
        codec::write_string(&mut self.data, offset, value)
    }
    #[inline]
    fn write_bytes(&mut self, offset: usize, value: &[u8]) -> Result<usize> {
        self.wait_unblocked()?;
        codec::write_bytes(&mut self.data, offset, value)
    }
    #[inline]
    fn read_bytes_into(&mut self, offset: usize, dst: &mut [u8]) -> Result<usize> {
        SharedMemory::read_bytes_into(self, offset, dst)
    }
}

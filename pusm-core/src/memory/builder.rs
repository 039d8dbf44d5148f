//! Options for opening a [`SharedMemory`].

use std::path::PathBuf;
use std::time::Duration;

use super::{files, SharedMemory, WaitStrategy};
use crate::{Result, Role};

/// Options for creating or joining a shared memory; see [`SharedMemory::builder`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `open` is called"]
pub struct Builder {
    pub(super) prefix: String,
    pub(super) role: Role,
    pub(super) capacity: Option<usize>,
    pub(super) create_new: bool,
    pub(super) timeout: Option<Duration>,
    pub(super) wait_strategy: WaitStrategy,
    pub(super) directory: Option<PathBuf>,
    pub(super) replace_stale: bool,
}

impl Builder {
    pub(super) fn new(prefix: &str) -> Self {
        Builder {
            prefix: prefix.to_owned(),
            role: Role::Unity,
            capacity: None,
            create_new: false,
            timeout: None,
            wait_strategy: WaitStrategy::default(),
            directory: None,
            replace_stale: false,
        }
    }

    /// The side this process plays (default [`Role::Unity`]). Against the
    /// original Unity package play [`Role::Python`], and the other way round.
    pub fn role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    /// The size of the data file in bytes, when creating (1 to `i32::MAX`).
    /// A joiner takes the capacity from the hook file and ignores this.
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = Some(capacity);
        self
    }

    /// `true` to create the files (this side then holds control first),
    /// `false` (the default) to join files another process created.
    pub fn create_new(mut self, create_new: bool) -> Self {
        self.create_new = create_new;
        self
    }

    /// How long any wait for the peer may last; `None` (the default) waits
    /// forever. A joiner also waits this long for the creator to appear.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// How to wait while the peer holds control (default [`WaitStrategy::Adaptive`]).
    pub fn wait_strategy(mut self, strategy: WaitStrategy) -> Self {
        self.wait_strategy = strategy;
        self
    }

    /// The directory of the files, instead of [`default_dir`](crate::default_dir).
    /// Both sides must use the same one; the other runtimes only honour `TMPDIR`.
    pub fn directory(mut self, directory: impl Into<PathBuf>) -> Self {
        self.directory = Some(directory.into());
        self
    }

    /// When creating over the files of an earlier conversation whose processes
    /// are all gone (neither role's liveness lock is held), remove them and
    /// start afresh instead of failing with
    /// [`Error::AlreadyExists`](crate::Error::AlreadyExists). A live
    /// conversation is never replaced. Files left by the original packages,
    /// which take no locks, always look stale: only use this when no original
    /// package may still be using the prefix.
    pub fn replace_stale(mut self, replace: bool) -> Self {
        self.replace_stale = replace;
        self
    }

    /// Creates or joins the shared memory.
    ///
    /// A creator returns at once, holding control. A joiner waits (within the
    /// timeout) for the creator's files, then for the creator to give control.
    pub fn open(self) -> Result<SharedMemory> {
        files::validate_prefix(&self.prefix)?;
        let dir = self.directory.clone().unwrap_or_else(files::default_dir);
        files::ensure_dir(&dir)?;
        if self.create_new {
            SharedMemory::create(self, dir)
        } else {
            SharedMemory::join(self, dir)
        }
    }
}

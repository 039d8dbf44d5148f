//! Looking at a shared memory from outside: is anybody still using it, and
//! removing it when nobody is. For inspection tools (`pusm list`, `pusm
//! clean --stale`) and for [`Builder::replace_stale`](crate::Builder::replace_stale).

use std::fs::{self, File};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::files;
use super::hook::HOOK_LEN;
use super::liveness::{self, Lock};
use crate::{Error, Result, Role};

/// How recently a hook that is not fully written yet (shorter than 15 bytes,
/// or still at version 0) must have been modified to count as "being created".
const CREATION_GRACE: Duration = Duration::from_secs(2);

/// Whether a role's liveness lock is held, as seen by [`probe_liveness`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LockState {
    /// A live pusm process holds the lock: it has the memory open in this role.
    Held,
    /// Nobody holds the lock: no live pusm process plays this role. (The
    /// original packages take no locks, so their processes look like this too.)
    Free,
    /// Nothing can be said: this platform has no OFD locks, or the probe failed.
    Unknown,
}

/// The liveness locks of one shared memory, as [`probe_liveness`] found them.
///
/// While a pusm process (Rust, Python, or C# on Linux) has a shared memory
/// open, it holds an OFD lock on its role's byte of the hook file; the kernel
/// drops the lock when the process exits, however it exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Liveness {
    /// The lock of the Python role (hook byte 12).
    pub python: LockState,
    /// The lock of the Unity role (hook byte 13).
    pub unity: LockState,
}

impl Liveness {
    /// The lock of `role`.
    #[must_use]
    pub fn role(&self, role: Role) -> LockState {
        match role {
            Role::Python => self.python,
            Role::Unity => self.unity,
        }
    }

    /// True when a live pusm process holds either role.
    #[must_use]
    pub fn is_live(&self) -> bool {
        self.python == LockState::Held || self.unity == LockState::Held
    }

    /// True when both locks are known to be free: no live pusm process has
    /// the memory open. Files in use by the original packages (which take no
    /// locks) look stale too.
    #[must_use]
    pub fn is_stale(&self) -> bool {
        self.python == LockState::Free && self.unity == LockState::Free
    }
}

/// Probes the liveness locks of the shared memory `prefix` in `dir`, without
/// joining it and without changing anything. `Ok(None)` when there is no hook
/// file for `prefix`.
///
/// ```
/// use pusm_core::{probe_liveness, LockState, Role, SharedMemory};
/// # let dir = tempfile::tempdir()?;
///
/// let sm = SharedMemory::builder("probed")
///     .directory(dir.path())
///     .role(Role::Unity)
///     .capacity(64)
///     .create_new(true)
///     .open()?;
/// let liveness = probe_liveness(dir.path(), "probed")?.expect("the hook exists");
/// assert!(liveness.is_live());
/// assert_eq!(liveness.unity, LockState::Held); // this process plays Unity
/// assert_eq!(liveness.python, LockState::Free); // nobody joined yet
/// sm.delete()?;
/// assert_eq!(probe_liveness(dir.path(), "probed")?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::InvalidPrefix`] for a prefix that cannot name a shared memory,
/// [`Error::UnsafeFile`] when the hook is a symbolic link, not a regular
/// file, or another user's, and [`Error::Io`] when it cannot be opened.
pub fn probe_liveness(dir: &Path, prefix: &str) -> Result<Option<Liveness>> {
    files::validate_prefix(prefix)?;
    let Some(file) = files::open_existing(&dir.join(prefix))? else {
        return Ok(None);
    };
    let state = |role| match liveness::probe(&file, role) {
        Ok(Lock::Held) => LockState::Held,
        Ok(Lock::Free) => LockState::Free,
        Ok(Lock::Unsupported) | Err(_) => LockState::Unknown,
    };
    Ok(Some(Liveness {
        python: state(Role::Python),
        unity: state(Role::Unity),
    }))
}

/// What [`remove_stale`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StaleRemoval {
    /// The files were stale and are gone: the hook (if there was one) and
    /// every data file of the prefix.
    Removed,
    /// A live process holds the conversation (or is creating it): nothing
    /// was touched.
    Live,
    /// There were no files of this prefix.
    NotFound,
}

/// Removes the files of `prefix` in `dir` when no live pusm process has them
/// open, and leaves them alone otherwise. Data files without a hook (left by
/// a process that died while deleting) are always stale.
///
/// Unlike probing and then deleting, this cannot remove a conversation that
/// comes alive meanwhile. It probes both roles' locks without taking them (a
/// live one is left alone, untouched: a side waiting for its peer would take
/// a lock taken and dropped again for a peer that died); when both are free
/// it takes them itself (so no process can join), checks that the hook at the
/// path is still the file it locked, removes the data files, and removes the
/// hook last (so no creator can start a new conversation under the same name
/// before it is done). A hook that is still being written (shorter than 15
/// bytes or at version 0, and modified in the last two seconds) counts as
/// live.
///
/// Files of the original packages, which take no locks, always look stale:
/// only call this when no original package may be using the prefix. On
/// platforms without OFD locks every conversation looks stale.
///
/// # Errors
/// [`Error::InvalidPrefix`], [`Error::UnsafeFile`] (a symbolic link, another
/// user's file) and [`Error::Io`] when a file cannot be opened or removed.
pub fn remove_stale(dir: &Path, prefix: &str) -> Result<StaleRemoval> {
    files::validate_prefix(prefix)?;
    let hook_path = dir.join(prefix);
    let Some(hook) = files::open_existing(&hook_path)? else {
        return Ok(if remove_data_files(dir, prefix)? {
            StaleRemoval::Removed
        } else {
            StaleRemoval::NotFound
        });
    };
    if being_created(&hook, &hook_path)? {
        return Ok(StaleRemoval::Live);
    }
    // Look before taking anything: a side waiting for its peer to join takes
    // any holder of the peer's lock for the peer, and would declare it dead
    // once our lock went away again.
    for role in [Role::Python, Role::Unity] {
        match liveness::probe(&hook, role) {
            Ok(Lock::Free | Lock::Unsupported) => {}
            Ok(Lock::Held) => return Ok(StaleRemoval::Live),
            Err(err) => return Err(Error::io("cannot probe the locks of", &hook_path, err)),
        }
    }
    for role in [Role::Python, Role::Unity] {
        match liveness::claim(&hook, role) {
            Ok(true) => {}
            Ok(false) => return Ok(StaleRemoval::Live),
            Err(err) => return Err(Error::io("cannot lock", &hook_path, err)),
        }
    }
    // We hold both locks of the file we opened. Is it still the one at the
    // path, or did another remover replace it meanwhile?
    let ours = hook
        .metadata()
        .map_err(|err| Error::io("cannot inspect", &hook_path, err))?;
    match fs::symlink_metadata(&hook_path) {
        Ok(now) if now.dev() == ours.dev() && now.ino() == ours.ino() => {}
        Ok(_) => return Ok(StaleRemoval::Live),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(StaleRemoval::NotFound)
        }
        Err(err) => return Err(Error::io("cannot inspect", &hook_path, err)),
    }
    remove_data_files(dir, prefix)?;
    files::remove_if_exists(&hook_path)?;
    // Dropping `hook` releases our locks on the unlinked file.
    Ok(StaleRemoval::Removed)
}

/// True when the hook is not fully written yet and was modified very recently:
/// a creator is probably at work.
fn being_created(hook: &File, path: &Path) -> Result<bool> {
    let meta = hook
        .metadata()
        .map_err(|err| Error::io("cannot inspect", path, err))?;
    let mut version = [0u8; 4];
    let complete = meta.len() >= HOOK_LEN as u64
        && hook.read_exact_at(&mut version, 0).is_ok()
        && version != [0; 4];
    if complete {
        return Ok(false);
    }
    let age = meta
        .modified()
        .ok()
        .and_then(|modified| SystemTime::now().duration_since(modified).ok())
        .unwrap_or_default();
    Ok(age < CREATION_GRACE)
}

/// Removes every data file of `prefix` (the prefix followed by underscores);
/// true when there was any.
fn remove_data_files(dir: &Path, prefix: &str) -> Result<bool> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(err) => return Err(Error::io("cannot list", dir, err)),
    };
    let mut any = false;
    for entry in entries {
        let entry = entry.map_err(|err| Error::io("cannot list", dir, err))?;
        let name = entry.file_name();
        if name
            .to_str()
            .is_some_and(|name| name != prefix && files::belongs_to(name, prefix))
        {
            files::check_leftover(&entry.path(), true)?;
            files::remove_if_exists(&entry.path())?;
            any = true;
        }
    }
    Ok(any)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SharedMemory;

    const HOOK: [u8; 15] = [1, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0];

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    fn open(dir: &Path, prefix: &str, role: Role, create: bool) -> SharedMemory {
        SharedMemory::builder(prefix)
            .directory(dir)
            .role(role)
            .capacity(8)
            .create_new(create)
            .timeout(Some(Duration::from_secs(5)))
            .open()
            .unwrap()
    }

    #[test]
    #[cfg_attr(miri, ignore = "files and OFD locks are beyond Miri")]
    fn a_missing_hook_probes_as_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(probe_liveness(dir.path(), "nothing").unwrap(), None);
        assert!(matches!(
            probe_liveness(dir.path(), "../escape"),
            Err(Error::InvalidPrefix { .. })
        ));
    }

    #[test]
    #[cfg_attr(miri, ignore = "files and OFD locks are beyond Miri")]
    fn each_open_side_holds_its_role() {
        let dir = tempfile::tempdir().unwrap();
        let mut unity = open(dir.path(), "both", Role::Unity, true);
        unity.give_control(false).unwrap();
        let python = open(dir.path(), "both", Role::Python, false);
        let liveness = probe_liveness(dir.path(), "both").unwrap().unwrap();
        assert_eq!(liveness.python, LockState::Held);
        assert_eq!(liveness.unity, LockState::Held);
        assert!(liveness.is_live() && !liveness.is_stale());
        assert_eq!(liveness.role(Role::Python), LockState::Held);
        drop(python);
        let liveness = probe_liveness(dir.path(), "both").unwrap().unwrap();
        assert_eq!(
            liveness.python,
            LockState::Free,
            "dropping releases the lock"
        );
        assert_eq!(liveness.unity, LockState::Held);
        unity.delete().unwrap();
    }

    #[test]
    #[cfg_attr(miri, ignore = "files and OFD locks are beyond Miri")]
    fn files_nobody_holds_are_stale_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("left"), HOOK).unwrap();
        fs::write(dir.path().join("left_"), [0u8; 8]).unwrap();
        fs::write(dir.path().join("left__"), [0u8; 8]).unwrap();
        fs::write(dir.path().join("left-other"), b"").unwrap();
        let liveness = probe_liveness(dir.path(), "left").unwrap().unwrap();
        assert!(liveness.is_stale() && !liveness.is_live());
        assert_eq!(
            remove_stale(dir.path(), "left").unwrap(),
            StaleRemoval::Removed
        );
        assert_eq!(names(dir.path()), ["left-other"]);
        assert_eq!(
            remove_stale(dir.path(), "left").unwrap(),
            StaleRemoval::NotFound
        );
    }

    #[test]
    #[cfg_attr(miri, ignore = "files and OFD locks are beyond Miri")]
    fn a_live_conversation_is_never_removed() {
        let dir = tempfile::tempdir().unwrap();
        let sm = open(dir.path(), "alive", Role::Unity, true);
        assert_eq!(
            remove_stale(dir.path(), "alive").unwrap(),
            StaleRemoval::Live
        );
        assert_eq!(names(dir.path()), ["alive", "alive_"]);
        // The attempt took no lock: a peer can still join, and the creator
        // never saw a "peer" come and go.
        let liveness = probe_liveness(dir.path(), "alive").unwrap().unwrap();
        assert_eq!(liveness.python, LockState::Free);
        assert_eq!(liveness.unity, LockState::Held);
        sm.delete().unwrap();
    }

    #[test]
    #[cfg_attr(miri, ignore = "files and OFD locks are beyond Miri")]
    fn data_files_without_a_hook_are_stale() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("orphan__"), [0u8; 4]).unwrap();
        assert_eq!(probe_liveness(dir.path(), "orphan").unwrap(), None);
        assert_eq!(
            remove_stale(dir.path(), "orphan").unwrap(),
            StaleRemoval::Removed
        );
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    #[cfg_attr(miri, ignore = "files and OFD locks are beyond Miri")]
    fn a_hook_being_written_counts_as_live() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("young"), [1, 0, 0]).unwrap();
        assert_eq!(
            remove_stale(dir.path(), "young").unwrap(),
            StaleRemoval::Live
        );
        fs::write(dir.path().join("zero"), [0u8; 15]).unwrap();
        assert_eq!(
            remove_stale(dir.path(), "zero").unwrap(),
            StaleRemoval::Live
        );
        // An old one is debris.
        let old = SystemTime::now() - Duration::from_secs(60);
        File::options()
            .write(true)
            .open(dir.path().join("young"))
            .unwrap()
            .set_modified(old)
            .unwrap();
        assert_eq!(
            remove_stale(dir.path(), "young").unwrap(),
            StaleRemoval::Removed
        );
    }

    #[test]
    #[cfg_attr(miri, ignore = "files and OFD locks are beyond Miri")]
    fn symlinks_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("target"), HOOK).unwrap();
        std::os::unix::fs::symlink(dir.path().join("target"), dir.path().join("link")).unwrap();
        assert!(matches!(
            probe_liveness(dir.path(), "link"),
            Err(Error::UnsafeFile { .. })
        ));
        assert!(matches!(
            remove_stale(dir.path(), "link"),
            Err(Error::UnsafeFile { .. })
        ));
        assert!(dir.path().join("target").exists());
    }
}

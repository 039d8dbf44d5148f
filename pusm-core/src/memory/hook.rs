//! The 15-byte hook file that both sides poll (`PROTOCOL.md`, section 2).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, AtomicU8, Ordering};

use memmap2::{MmapOptions, MmapRaw};

use super::{files, liveness};
use crate::{Error, Result, Role};

/// The size of the hook file.
pub(crate) const HOOK_LEN: usize = 15;
/// The protocol version this crate speaks.
pub(crate) const VERSION: i32 = 1;

const VERSION_OFFSET: usize = 0;
const FILE_NUMBER_OFFSET: usize = 4;
const CAPACITY_OFFSET: usize = 8;
const CLOSED_OFFSET: usize = 14;
/// The futex word: bytes 12 to 15 of the mapping (the two role flags, the
/// closed flag, and the always-zero byte just past the file's end, inside the
/// same mapped page). `docs/DECISIONS.md`, "Wake-up".
pub(crate) const WAKE_WORD_OFFSET: usize = 12;
/// Where the closed flag sits in the futex word's value.
pub(crate) const WAKE_WORD_CLOSED_SHIFT: usize = 8 * (CLOSED_OFFSET - WAKE_WORD_OFFSET);

/// The decoded fields of a hook file, as read at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HookState {
    /// The protocol version (1).
    pub version: i32,
    /// The number of the current data file.
    pub file_number: i32,
    /// The capacity of the current data file, in bytes.
    pub capacity: i32,
    /// The Python role may act.
    pub python_active: bool,
    /// The Unity role may act.
    pub unity_active: bool,
    /// Some side closed the conversation.
    pub closed: bool,
}

impl HookState {
    /// Decodes the 15 bytes of a hook file.
    #[must_use]
    pub fn decode(bytes: &[u8; HOOK_LEN]) -> Self {
        let int = |at: usize| {
            i32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        HookState {
            version: int(VERSION_OFFSET),
            file_number: int(FILE_NUMBER_OFFSET),
            capacity: int(CAPACITY_OFFSET),
            python_active: bytes[Role::Python.flag_offset()] != 0,
            unity_active: bytes[Role::Unity.flag_offset()] != 0,
            closed: bytes[CLOSED_OFFSET] != 0,
        }
    }

    /// Encodes the state as the 15 bytes of a hook file.
    #[must_use]
    pub fn encode(&self) -> [u8; HOOK_LEN] {
        let mut bytes = [0u8; HOOK_LEN];
        bytes[VERSION_OFFSET..VERSION_OFFSET + 4].copy_from_slice(&self.version.to_le_bytes());
        bytes[FILE_NUMBER_OFFSET..FILE_NUMBER_OFFSET + 4]
            .copy_from_slice(&self.file_number.to_le_bytes());
        bytes[CAPACITY_OFFSET..CAPACITY_OFFSET + 4].copy_from_slice(&self.capacity.to_le_bytes());
        bytes[Role::Python.flag_offset()] = u8::from(self.python_active);
        bytes[Role::Unity.flag_offset()] = u8::from(self.unity_active);
        bytes[CLOSED_OFFSET] = u8::from(self.closed);
        bytes
    }

    /// True when `role` may act.
    #[must_use]
    pub fn active(&self, role: Role) -> bool {
        match role {
            Role::Python => self.python_active,
            Role::Unity => self.unity_active,
        }
    }
}

/// A mapped hook file. Every field is read and written through atomics:
/// acquire on load, release on store, so that data written before a flag
/// flips is visible to the peer that sees the flag.
pub(crate) struct Hook {
    map: MmapRaw,
    file: File,
    path: PathBuf,
}

/// Why a hook file could not be opened yet.
pub(crate) enum OpenHook {
    Ready(Hook),
    /// No file at the path.
    Missing,
    /// The file is there but shorter than 15 bytes: a creator may be writing it.
    Short {
        len: u64,
    },
}

impl Hook {
    /// Creates the hook of a new conversation: version 1, file number 1,
    /// `capacity`, and `role` holding control. `role`'s liveness lock is taken
    /// before anything is written, so the new hook is never seen unlocked with
    /// a complete header (which `remove_stale` would take for debris).
    pub(crate) fn create(path: &Path, capacity: i32, role: Role) -> Result<Hook> {
        let mut file = files::create_exclusive(path, 0)?;
        match liveness::claim(&file, role) {
            Ok(true) => {}
            // Only a remover that opened the file in the last instant can
            // hold it; it will find the file incomplete and let go.
            Ok(false) => {
                let _ = files::remove_if_exists(path);
                return Err(Error::AlreadyExists {
                    prefix: path
                        .file_name()
                        .map(|name| name.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    path: path.to_owned(),
                });
            }
            Err(err) => {
                let _ = files::remove_if_exists(path);
                return Err(Error::io("cannot lock", path, err));
            }
        }
        let state = HookState {
            version: VERSION,
            file_number: 1,
            capacity,
            python_active: role == Role::Python,
            unity_active: role == Role::Unity,
            closed: false,
        };
        // One write of all 15 bytes, so a joiner sees either nothing or a
        // complete hook (it also retries briefly on a short one).
        file.write_all(&state.encode())
            .map_err(|err| Error::io("cannot write", path, err))?;
        Self::map(file, path)
    }

    /// Opens an existing hook file.
    pub(crate) fn open(path: &Path) -> Result<OpenHook> {
        let Some(file) = files::open_existing(path)? else {
            return Ok(OpenHook::Missing);
        };
        let len = file
            .metadata()
            .map_err(|err| Error::io("cannot inspect", path, err))?
            .len();
        if len < HOOK_LEN as u64 {
            return Ok(OpenHook::Short { len });
        }
        Self::map(file, path).map(OpenHook::Ready)
    }

    fn map(file: File, path: &Path) -> Result<Hook> {
        let map = MmapOptions::new()
            .len(HOOK_LEN)
            .map_raw(&file)
            .map_err(|err| Error::io("cannot map", path, err))?;
        Ok(Hook {
            map,
            file,
            path: path.to_owned(),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn file(&self) -> &File {
        &self.file
    }

    #[inline]
    fn int(&self, offset: usize) -> &AtomicI32 {
        debug_assert!(offset % 4 == 0 && offset + 4 <= HOOK_LEN);
        // SAFETY: the mapping is HOOK_LEN bytes long (checked against the file
        // length before mapping) and page-aligned, so `offset` (0, 4 or 8) is in
        // bounds and 4-byte aligned. The memory lives as long as `self.map`, which
        // outlives the returned reference. Other processes change these bytes
        // concurrently, which is exactly what an atomic allows.
        unsafe { AtomicI32::from_ptr(self.map.as_mut_ptr().add(offset).cast::<i32>()) }
    }

    #[inline]
    fn byte(&self, offset: usize) -> &AtomicU8 {
        debug_assert!(offset < HOOK_LEN);
        // SAFETY: as in `int`: in bounds of a live mapping, and any address is
        // aligned for a one-byte atomic.
        unsafe { AtomicU8::from_ptr(self.map.as_mut_ptr().add(offset)) }
    }

    pub(crate) fn version(&self) -> i32 {
        self.int(VERSION_OFFSET).load(Ordering::Acquire)
    }

    #[inline]
    pub(crate) fn file_number(&self) -> i32 {
        self.int(FILE_NUMBER_OFFSET).load(Ordering::Acquire)
    }

    pub(crate) fn capacity(&self) -> i32 {
        self.int(CAPACITY_OFFSET).load(Ordering::Acquire)
    }

    pub(crate) fn set_resized(&self, file_number: i32, capacity: i32) {
        self.int(CAPACITY_OFFSET).store(capacity, Ordering::Release);
        self.int(FILE_NUMBER_OFFSET)
            .store(file_number, Ordering::Release);
        self.wake();
    }

    /// The value of the futex word as of this moment's flags: the Python
    /// flag, the Unity flag and the closed flag in its low three bytes (the
    /// fourth is past the file's end, always zero). Each byte is read on its
    /// own, so a wait on this value sleeps only while all three are still
    /// what the caller saw.
    #[inline]
    pub(crate) fn wake_word(&self) -> u32 {
        u32::from_le_bytes([
            self.byte(WAKE_WORD_OFFSET).load(Ordering::Acquire),
            self.byte(WAKE_WORD_OFFSET + 1).load(Ordering::Acquire),
            self.byte(WAKE_WORD_OFFSET + 2).load(Ordering::Acquire),
            0,
        ])
    }

    /// Sleeps until a peer wakes the futex word, at most `timeout`, unless the
    /// word no longer holds `seen`. False when futexes are unavailable here
    /// (the caller then sleeps instead). Any return may be spurious.
    pub(crate) fn wait_for_wake(&self, seen: u32, timeout: std::time::Duration) -> bool {
        super::futex::wait(self.wake_word_ptr(), seen, timeout)
    }

    /// Wakes every process sleeping on the futex word.
    #[inline]
    pub(crate) fn wake(&self) {
        super::futex::wake(self.wake_word_ptr());
    }

    fn wake_word_ptr(&self) -> *const u32 {
        // The mapping starts on a page boundary and the kernel maps whole
        // pages, so bytes 12..16 are mapped (byte 15 lies past the 15-byte
        // file but inside its page, where it reads as zero) and 4-aligned.
        // Only the kernel dereferences this pointer.
        self.map
            .as_ptr()
            .wrapping_add(WAKE_WORD_OFFSET)
            .cast::<u32>()
    }

    #[inline]
    pub(crate) fn is_active(&self, role: Role) -> bool {
        self.byte(role.flag_offset()).load(Ordering::Acquire) != 0
    }

    pub(crate) fn set_active(&self, role: Role, active: bool) {
        self.byte(role.flag_offset())
            .store(u8::from(active), Ordering::Release);
    }

    /// Hands control from `from` to its peer: `from`'s flag cleared first,
    /// then the peer's set (the peer must never see both active). The caller
    /// then wakes the peer, unless it cannot be asleep yet.
    pub(crate) fn hand_over(&self, from: Role) {
        self.set_active(from, false);
        self.set_active(from.peer(), true);
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.byte(CLOSED_OFFSET).load(Ordering::Acquire) != 0
    }

    pub(crate) fn set_closed(&self) {
        self.byte(CLOSED_OFFSET).store(1, Ordering::Release);
        self.wake();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_through_the_protocol_layout() {
        let state = HookState {
            version: 1,
            file_number: 2,
            capacity: 0x0102_0304,
            python_active: false,
            unity_active: true,
            closed: true,
        };
        let bytes = state.encode();
        assert_eq!(bytes, [1, 0, 0, 0, 2, 0, 0, 0, 4, 3, 2, 1, 0, 1, 1]);
        assert_eq!(HookState::decode(&bytes), state);
    }
}

//! The one error type of pusm.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use crate::Role;

/// A specialized `Result` for pusm operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in pusm, each variant naming what is wrong and where.
///
/// Bad input from the other process (a corrupted length, an unknown enum value,
/// a truncated hook file) is always reported here, never as a panic.
///
/// `Debug` prints the same message as `Display`, so an error returned from
/// `main` reads as a sentence, not as a struct dump.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The prefix cannot name a shared memory (`PROTOCOL.md`, section 1).
    #[error("invalid prefix {prefix:?}: {reason}")]
    InvalidPrefix {
        /// The rejected prefix.
        prefix: String,
        /// Which rule it breaks.
        reason: &'static str,
    },

    /// `create_new(true)` found files of a conversation with this prefix.
    #[error("shared memory {prefix:?} already exists ({path}); delete it, or open with replace_stale(true) if its processes are gone")]
    AlreadyExists {
        /// The prefix.
        prefix: String,
        /// The file that is in the way.
        path: PathBuf,
    },

    /// A joiner found no shared memory with this prefix (within the timeout).
    #[error("no shared memory {prefix:?} in {dir} (nothing created it within the timeout)")]
    NotFound {
        /// The prefix.
        prefix: String,
        /// The directory that was searched.
        dir: PathBuf,
    },

    /// The hook file was written by another protocol version.
    #[error("shared memory {prefix:?} speaks protocol version {found}, this side speaks version {expected}")]
    VersionMismatch {
        /// The prefix.
        prefix: String,
        /// The version found in the hook file.
        found: i32,
        /// The version this side speaks.
        expected: i32,
    },

    /// The hook or a data file does not have the shape the protocol requires.
    #[error("corrupt shared memory file {path}: {reason}")]
    CorruptFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// A read or write would cross the end of the memory.
    #[error("out of bounds: {len} bytes at offset {offset} do not fit in a capacity of {capacity} bytes")]
    OutOfBounds {
        /// Where the access starts.
        offset: usize,
        /// How many bytes it covers.
        len: usize,
        /// The size of the memory.
        capacity: usize,
    },

    /// A length or count read from memory is negative, or one to write does not fit in an int32.
    #[error("invalid length {length} at offset {offset}: {reason}")]
    InvalidLength {
        /// Where the length is (or would be) stored.
        offset: usize,
        /// The offending value.
        length: i64,
        /// Why it is rejected.
        reason: &'static str,
    },

    /// A string read from memory is not valid UTF-8.
    #[error("invalid UTF-8 in the string at offset {offset}: {source}")]
    InvalidUtf8 {
        /// Where the string's length prefix is.
        offset: usize,
        /// The decoding error.
        #[source]
        source: std::str::Utf8Error,
    },

    /// An int32 read for an enum is not one of its variants.
    #[error("invalid value {value} at offset {offset} for enum {enum_name}")]
    InvalidEnumValue {
        /// The enum type.
        enum_name: &'static str,
        /// The value found.
        value: i32,
        /// Where it was found.
        offset: usize,
    },

    /// A checked read found the fingerprint of another message type.
    #[error("schema mismatch: expected fingerprint {expected:#010x}, found {found:#010x} (the peers were built from different schemas)")]
    SchemaMismatch {
        /// The fingerprint of the type this side reads.
        expected: u32,
        /// The fingerprint found in memory.
        found: u32,
    },

    /// The peer did not give control back within the timeout.
    #[error("timed out after {waited:?} waiting for the peer on shared memory {prefix:?}")]
    Timeout {
        /// The prefix.
        prefix: String,
        /// How long this side waited.
        waited: Duration,
    },

    /// The peer closed the conversation.
    #[error("the peer closed shared memory {prefix:?}")]
    PeerClosed {
        /// The prefix.
        prefix: String,
    },

    /// The peer process exited without closing (it crashed or was killed).
    #[error("the peer playing {role} on shared memory {prefix:?} exited without closing")]
    PeerDied {
        /// The prefix.
        prefix: String,
        /// The role the dead peer played.
        role: Role,
    },

    /// Another live process already plays this role.
    #[error("another live process already plays {role} on shared memory {prefix:?}; to talk to that process, join as {} instead (.role(Role::{}))", role.peer(), role_name(role.peer()))]
    RoleTaken {
        /// The prefix.
        prefix: String,
        /// The role that is taken.
        role: Role,
    },

    /// `resize` was refused before anything changed: the new capacity is not
    /// strictly greater than the current one, or the next data file's name
    /// would be too long.
    #[error(
        "cannot resize shared memory {prefix:?} from {current} to {requested} bytes: {reason}"
    )]
    InvalidResize {
        /// The prefix.
        prefix: String,
        /// The current capacity.
        current: usize,
        /// The requested capacity.
        requested: usize,
        /// Why it is refused.
        reason: &'static str,
    },

    /// A capacity outside what the protocol can describe.
    #[error("invalid capacity {capacity}: {reason}")]
    InvalidCapacity {
        /// The requested capacity.
        capacity: usize,
        /// Why it is rejected.
        reason: &'static str,
    },

    /// A file or directory that pusm refuses to use: a symlink, not a regular
    /// file, a file with more than one hard link, a file or directory owned by
    /// another user, or a directory anyone may write to without the sticky bit.
    #[error("refusing to use {path}: {reason}")]
    UnsafeFile {
        /// The file or directory.
        path: PathBuf,
        /// What is unsafe about it.
        reason: &'static str,
    },

    /// An operating-system error on a file of the shared memory.
    #[error("{action} {path}: {source}")]
    Io {
        /// What pusm was doing.
        action: &'static str,
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// The name of `role` as written in Rust code (`Role::Python`).
fn role_name(role: Role) -> &'static str {
    match role {
        Role::Python => "Python",
        Role::Unity => "Unity",
    }
}

impl Error {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_prints_the_message_so_main_shows_a_sentence() {
        let err = Error::PeerClosed {
            prefix: "robot".to_owned(),
        };
        assert_eq!(
            format!("{err:?}"),
            "the peer closed shared memory \"robot\""
        );
        assert_eq!(format!("{err:?}"), err.to_string());
    }

    #[test]
    fn role_taken_suggests_the_other_role() {
        let err = Error::RoleTaken {
            prefix: "robot".to_owned(),
            role: Role::Unity,
        };
        assert_eq!(
            err.to_string(),
            "another live process already plays the Unity role on shared memory \"robot\"; \
             to talk to that process, join as the Python role instead (.role(Role::Python))"
        );
        let err = Error::RoleTaken {
            prefix: "robot".to_owned(),
            role: Role::Python,
        };
        assert!(
            err.to_string()
                .ends_with("join as the Unity role instead (.role(Role::Unity))"),
            "{err}"
        );
    }
}

//! Where the files live, what they are called, and opening them safely
//! (`PROTOCOL.md`, section 1).

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The name of the folder, inside the temp directory, that holds every shared memory.
pub const DIR_NAME: &str = "python_unity_shared_memory";

/// The folder both sides use: `<temp dir>/python_unity_shared_memory`, where the
/// temp dir is `TMPDIR` when set, else `/tmp` (what Python's
/// `tempfile.gettempdir()` and .NET's `Path.GetTempPath()` return).
#[must_use]
pub fn default_dir() -> PathBuf {
    std::env::temp_dir().join(DIR_NAME)
}

/// The longest file name the file systems pusm runs on accept (`NAME_MAX`).
pub(crate) const MAX_NAME_LEN: usize = 255;

/// Checks that `prefix` can name a shared memory.
pub(crate) fn validate_prefix(prefix: &str) -> Result<()> {
    let reason = if prefix.is_empty() {
        Some("a prefix cannot be empty")
    } else if prefix.len() >= MAX_NAME_LEN {
        // The first data file is the prefix and one underscore.
        Some("a prefix cannot be longer than 254 bytes (its first data file adds '_' and a file name holds at most 255 bytes)")
    } else if prefix.ends_with('_') {
        Some("a prefix cannot end with '_' (data files are named by appending underscores)")
    } else if prefix.contains(['/', '\\']) {
        Some("a prefix cannot contain a path separator")
    } else if prefix.contains('\0') {
        Some("a prefix cannot contain a NUL character")
    } else if prefix.contains("..") {
        Some("a prefix cannot contain '..'")
    } else if prefix.starts_with('.') {
        Some("a prefix cannot start with '.'")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::InvalidPrefix {
            prefix: prefix.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// The name of data file number `number`: the prefix followed by `number` underscores.
pub(crate) fn data_file_name(prefix: &str, number: usize) -> String {
    let mut name = String::with_capacity(prefix.len() + number);
    name.push_str(prefix);
    name.extend(std::iter::repeat_n('_', number));
    name
}

/// Creates `dir` (mode 0700) when missing, and refuses a directory that another
/// user could swap files in: a symlink, one owned by someone else, or one that
/// anyone may write to without the sticky bit.
pub(crate) fn ensure_dir(dir: &Path) -> Result<()> {
    match DirBuilder::new().recursive(true).mode(0o700).create(dir) {
        Ok(()) => {}
        Err(err) => return Err(Error::io("cannot create the directory", dir, err)),
    }
    let meta = fs::symlink_metadata(dir).map_err(|err| Error::io("cannot inspect", dir, err))?;
    if meta.file_type().is_symlink() {
        return Err(Error::UnsafeFile {
            path: dir.to_owned(),
            reason: "the directory is a symbolic link",
        });
    }
    if meta.uid() != effective_uid() {
        return Err(Error::UnsafeFile {
            path: dir.to_owned(),
            reason: "the directory belongs to another user",
        });
    }
    let mode = meta.permissions().mode();
    if mode & 0o002 != 0 && mode & 0o1000 == 0 {
        return Err(Error::UnsafeFile {
            path: dir.to_owned(),
            reason: "anyone may write to the directory and it has no sticky bit",
        });
    }
    Ok(())
}

/// Creates a new file of `len` zero bytes, failing when anything (a file, a
/// symlink) is already at `path`. The file is readable by its owner only.
pub(crate) fn create_exclusive(path: &Path, len: u64) -> Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(|err| match err.kind() {
            io::ErrorKind::AlreadyExists => match fs::symlink_metadata(path) {
                Ok(meta) if meta.file_type().is_symlink() => Error::UnsafeFile {
                    path: path.to_owned(),
                    reason: "a symbolic link is in the way of a new file",
                },
                Ok(meta) if !meta.is_file() => match check_file_type(path, &meta) {
                    Err(err) => err,
                    Ok(()) => already_exists(path),
                },
                _ => already_exists(path),
            },
            _ => Error::io("cannot create", path, err),
        })?;
    file.set_len(len)
        .map_err(|err| Error::io("cannot size", path, err))?;
    // Nobody else can have linked the new file yet, but check as every other
    // open path does: a second name would let writes land in another file.
    let meta = file
        .metadata()
        .map_err(|err| Error::io("cannot inspect", path, err))?;
    check_single_link(path, &meta)?;
    Ok(file)
}

/// Opens an existing file for reading and writing, refusing symlinks and files
/// owned by another user. `Ok(None)` when there is no such file.
pub(crate) fn open_existing(path: &Path) -> Result<Option<File>> {
    let mut options = OpenOptions::new();
    options.read(true).write(true);
    let Some((file, meta)) = open_regular(path, &mut options, 0)? else {
        return Ok(None);
    };
    if meta.uid() != effective_uid() {
        return Err(Error::UnsafeFile {
            path: path.to_owned(),
            reason: "the file belongs to another user",
        });
    }
    Ok(Some(file))
}

/// Opens an existing file for reading only, without blocking (a named pipe
/// would) and without following a symbolic link; refuses anything but a
/// regular file. `Ok(None)` when there is no such file. For inspection, which
/// changes nothing, so files of other users may be read.
pub(crate) fn open_for_reading(path: &Path) -> Result<Option<File>> {
    let mut options = OpenOptions::new();
    options.read(true);
    Ok(open_regular(path, &mut options, libc::O_NONBLOCK)?.map(|(file, _)| file))
}

/// Opens `path` with `options` (plus `O_NOFOLLOW`, `O_CLOEXEC` and
/// `extra_flags`), refusing a symlink and anything but a regular file.
/// `Ok(None)` when there is no such file.
fn open_regular(
    path: &Path,
    options: &mut OpenOptions,
    extra_flags: libc::c_int,
) -> Result<Option<(File, fs::Metadata)>> {
    // Look before opening: opening a FIFO, a socket or a device can block,
    // fail with an unhelpful error, or have side effects.
    match fs::symlink_metadata(path) {
        Ok(meta) => check_file_type(path, &meta)?,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(Error::io("cannot inspect", path, err)),
    }
    let opened = options
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | extra_flags)
        .open(path);
    let file = match opened {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) if err.raw_os_error() == Some(libc::ELOOP) => {
            return Err(Error::UnsafeFile {
                path: path.to_owned(),
                reason: "it is a symbolic link",
            })
        }
        Err(err) if err.raw_os_error() == Some(libc::EISDIR) => {
            return Err(Error::UnsafeFile {
                path: path.to_owned(),
                reason: "it is a directory, not a regular file",
            })
        }
        Err(err) => return Err(Error::io("cannot open", path, err)),
    };
    // Check again what was opened: the path may have been swapped meanwhile.
    let meta = file
        .metadata()
        .map_err(|err| Error::io("cannot inspect", path, err))?;
    check_file_type(path, &meta)?;
    check_single_link(path, &meta)?;
    Ok(Some((file, meta)))
}

/// Refuses anything at `path` but a regular file, naming what it is.
fn check_file_type(path: &Path, meta: &fs::Metadata) -> Result<()> {
    use std::os::unix::fs::FileTypeExt;

    let kind = meta.file_type();
    let reason = if kind.is_file() {
        return Ok(());
    } else if kind.is_symlink() {
        "it is a symbolic link"
    } else if kind.is_dir() {
        "it is a directory, not a regular file"
    } else if kind.is_fifo() {
        "it is a named pipe (FIFO), not a regular file"
    } else if kind.is_socket() {
        "it is a socket, not a regular file"
    } else if kind.is_block_device() || kind.is_char_device() {
        "it is a device, not a regular file"
    } else {
        "it is not a regular file"
    };
    Err(Error::UnsafeFile {
        path: path.to_owned(),
        reason,
    })
}

/// Refuses a file with more than one name: writing through this one would
/// change a file that lives on under another name, maybe elsewhere.
fn check_single_link(path: &Path, meta: &fs::Metadata) -> Result<()> {
    if meta.nlink() > 1 {
        return Err(Error::UnsafeFile {
            path: path.to_owned(),
            reason: "it has more than one hard link",
        });
    }
    Ok(())
}

/// Removes a file, treating "already gone" as success.
pub(crate) fn remove_if_exists(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(Error::io("cannot remove", path, err)),
    }
}

/// Removes the files of the shared memory `prefix` in the default directory.
///
/// Unlike the seed, which removes every file whose name starts with `prefix`,
/// this removes only the hook (`prefix`) and the data files (`prefix` followed
/// by one or more underscores), so `delete_files("my")` leaves `my-file` alone.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// # std::fs::write(dir.path().join("demo"), b"")?;
/// # std::fs::write(dir.path().join("demo__"), b"")?;
/// # std::fs::write(dir.path().join("demo-other"), b"")?;
/// // `delete_files(prefix)` does this in the default directory.
/// pusm_core::delete_files_in(dir.path(), "demo")?;
/// assert!(!dir.path().join("demo__").exists());
/// assert!(dir.path().join("demo-other").exists());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn delete_files(prefix: &str) -> Result<()> {
    delete_files_in(&default_dir(), prefix)
}

/// [`delete_files`] in a chosen directory.
pub fn delete_files_in(dir: &Path, prefix: &str) -> Result<()> {
    validate_prefix(prefix)?;
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(Error::io("cannot list", dir, err)),
    };
    for entry in entries {
        let entry = entry.map_err(|err| Error::io("cannot list", dir, err))?;
        let name = entry.file_name();
        if name.to_str().is_some_and(|name| belongs_to(name, prefix)) {
            remove_if_exists(&entry.path())?;
        }
    }
    Ok(())
}

/// True when `name` is the hook or a data file of `prefix`.
pub(crate) fn belongs_to(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .is_some_and(|rest| rest.bytes().all(|byte| byte == b'_'))
}

fn already_exists(path: &Path) -> Error {
    Error::AlreadyExists {
        prefix: file_name(path),
        path: path.to_owned(),
    }
}

/// For a leftover data file about to be removed or reported: refuses a
/// directory always (it cannot be a data file, and is not removed), and any
/// other non-regular file unless `removable` (unlinking a name is harmless).
pub(crate) fn check_leftover(path: &Path, removable: bool) -> Result<()> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(Error::io("cannot inspect", path, err)),
    };
    if meta.is_dir() || !removable {
        check_file_type(path, &meta)?;
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        for good in ["my-file", "a", "robot.v2", "x_y", "über"] {
            assert!(validate_prefix(good).is_ok(), "{good}");
        }
        for bad in [
            "", "x_", "a/b", "a\\b", "a\0b", "..", "a..b", ".hidden", "/abs",
        ] {
            assert!(
                matches!(validate_prefix(bad), Err(Error::InvalidPrefix { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_prefix_leaves_room_for_its_first_data_file_name() {
        assert!(validate_prefix(&"p".repeat(254)).is_ok());
        assert!(validate_prefix(&"\u{e9}".repeat(127)).is_ok());
        // 256 bytes of two-byte characters: over the limit.
        for bad in ["p".repeat(255), "\u{e9}".repeat(128), "p".repeat(4096)] {
            match validate_prefix(&bad) {
                Err(Error::InvalidPrefix { reason, .. }) => {
                    assert!(reason.contains("254 bytes"), "{reason}")
                }
                other => panic!("{} bytes: {other:?}", bad.len()),
            }
        }
    }

    #[test]
    fn data_files_are_named_by_underscores() {
        assert_eq!(data_file_name("my-file", 1), "my-file_");
        assert_eq!(data_file_name("my-file", 3), "my-file___");
    }

    #[test]
    fn only_the_prefix_and_its_underscores_belong_to_it() {
        assert!(belongs_to("my", "my"));
        assert!(belongs_to("my___", "my"));
        assert!(!belongs_to("my-file", "my"));
        assert!(!belongs_to("my_x", "my"));
        assert!(!belongs_to("m", "my"));
    }
}

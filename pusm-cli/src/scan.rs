//! Finding the shared memories in a directory, and reading their files
//! without joining them: what `pusm list`, `pusm inspect` and `pusm clean`
//! look at.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use pusm_core::{inspect_hook, probe_liveness, Error, HookState, Liveness};

/// What the hook file of a prefix holds.
#[derive(Debug, Clone)]
pub enum Hook {
    /// A hook file of at least 15 bytes, decoded.
    State(HookState),
    /// No hook file: only data files are left (a process died while deleting).
    Missing,
    /// A hook file that cannot be read or decoded (too short, a symlink...).
    Unreadable(String),
}

/// Whether anybody still uses a shared memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// A live pusm process holds at least one role's lock.
    Live,
    /// Nobody holds either role's lock: no live pusm process has it open.
    /// (The original packages take no locks: their files look stale too.)
    Stale,
    /// Data files without a hook: debris, always stale.
    Orphan,
    /// The locks could not be probed (no OFD locks on this platform, or an
    /// unsafe or unreadable hook).
    Unknown,
}

impl Status {
    /// The word `pusm list` prints.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Live => "live",
            Status::Stale => "stale",
            Status::Orphan => "orphan",
            Status::Unknown => "unknown",
        }
    }

    /// True for what `pusm clean --stale` removes.
    #[must_use]
    pub fn is_stale(self) -> bool {
        matches!(self, Status::Stale | Status::Orphan)
    }
}

/// A data file of a prefix: its number (underscores) and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataFile {
    /// The file number (how many underscores follow the prefix).
    pub number: usize,
    /// Its size in bytes.
    pub len: u64,
}

/// One shared memory found in a directory.
#[derive(Debug, Clone)]
pub struct Found {
    /// Its name.
    pub prefix: String,
    /// Its hook.
    pub hook: Hook,
    /// Its liveness locks; `None` without a hook, `Err` when the probe failed.
    pub liveness: Option<Result<Liveness, String>>,
    /// Its data files, by number.
    pub data_files: Vec<DataFile>,
}

impl Found {
    /// Live, stale, orphan or unknown.
    #[must_use]
    pub fn status(&self) -> Status {
        match (&self.hook, &self.liveness) {
            (Hook::Missing, _) => Status::Orphan,
            (_, Some(Ok(liveness))) if liveness.is_live() => Status::Live,
            (_, Some(Ok(liveness))) if liveness.is_stale() => Status::Stale,
            _ => Status::Unknown,
        }
    }
}

/// Every shared memory in `dir`, sorted by prefix. Files whose names cannot
/// be a pusm file (not UTF-8, an invalid prefix) are skipped. A missing
/// directory has none.
///
/// # Errors
/// When the directory cannot be listed.
pub fn scan(dir: &Path) -> io::Result<Vec<Found>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    // prefix -> (has a hook, data files)
    let mut prefixes: BTreeMap<String, (bool, Vec<DataFile>)> = BTreeMap::new();
    for entry in entries {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let prefix = name.trim_end_matches('_');
        if matches!(inspect_hook(dir, prefix), Err(Error::InvalidPrefix { .. })) {
            continue;
        }
        let number = name.len() - prefix.len();
        let slot = prefixes.entry(prefix.to_owned()).or_default();
        if number == 0 {
            slot.0 = true;
        } else {
            let len = entry.metadata().map(|meta| meta.len()).unwrap_or(0);
            slot.1.push(DataFile { number, len });
        }
    }
    Ok(prefixes
        .into_iter()
        .map(|(prefix, (has_hook, mut data_files))| {
            data_files.sort_by_key(|file| file.number);
            describe(dir, prefix, has_hook, data_files)
        })
        .collect())
}

/// The shared memory `prefix` in `dir`, or `None` when it has no file at all.
///
/// # Errors
/// When the directory cannot be listed.
pub fn find(dir: &Path, prefix: &str) -> io::Result<Option<Found>> {
    Ok(scan(dir)?.into_iter().find(|found| found.prefix == prefix))
}

fn describe(dir: &Path, prefix: String, has_hook: bool, data_files: Vec<DataFile>) -> Found {
    let (hook, liveness) = if has_hook {
        let hook = match inspect_hook(dir, &prefix) {
            Ok(Some(state)) => Hook::State(state),
            Ok(None) => Hook::Missing,
            Err(err) => Hook::Unreadable(err.to_string()),
        };
        let liveness = match probe_liveness(dir, &prefix) {
            Ok(Some(liveness)) => Some(Ok(liveness)),
            Ok(None) => None,
            Err(err) => Some(Err(err.to_string())),
        };
        (hook, liveness)
    } else {
        (Hook::Missing, None)
    };
    Found {
        prefix,
        hook,
        liveness,
        data_files,
    }
}

/// The path of data file `number` of `prefix`.
#[must_use]
pub fn data_path(dir: &Path, prefix: &str, number: usize) -> PathBuf {
    let mut name = String::with_capacity(prefix.len() + number);
    name.push_str(prefix);
    name.extend(std::iter::repeat_n('_', number));
    dir.join(name)
}

/// Reads up to `max` bytes of a file, without following a symbolic link and
/// without blocking on a named pipe: a snapshot, never a mapping, so a file
/// shrunk meanwhile gives fewer bytes rather than a SIGBUS.
///
/// # Errors
/// When the file cannot be opened or read, or is not a regular file.
pub fn read_snapshot(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let file: File = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut bytes = Vec::new();
    file.take(max).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A hex view of `bytes` (which start at `start` in their file), 16 per line
/// with the printable ASCII beside them; runs of identical lines are shown
/// once, then `*`, as `hexdump -C` does. Ends with the offset past the end.
#[must_use]
pub fn hexdump(bytes: &[u8], start: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut previous: Option<&[u8]> = None;
    let mut starred = false;
    for (index, line) in bytes.chunks(16).enumerate() {
        if previous == Some(line) && line.len() == 16 {
            if !starred {
                out.push_str("*\n");
                starred = true;
            }
            continue;
        }
        previous = Some(line);
        starred = false;
        let _ = write!(out, "{:08x} ", start + index * 16);
        for column in 0..16 {
            if column == 8 {
                out.push(' ');
            }
            match line.get(column) {
                Some(byte) => {
                    let _ = write!(out, " {byte:02x}");
                }
                None => out.push_str("   "),
            }
        }
        out.push_str("  |");
        out.extend(line.iter().map(|&byte| {
            if byte.is_ascii_graphic() || byte == b' ' {
                char::from(byte)
            } else {
                '.'
            }
        }));
        out.push_str("|\n");
    }
    let _ = writeln!(out, "{:08x}", start + bytes.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hexdump_collapses_repeated_lines() {
        let mut bytes = vec![0u8; 64];
        bytes[0] = b'A';
        bytes.extend_from_slice(b"hi");
        let dump = hexdump(&bytes, 0);
        assert_eq!(
            dump,
            "00000000  41 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |A...............|\n\
             00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n\
             *\n\
             00000040  68 69                                             |hi|\n\
             00000042\n"
        );
    }

    #[test]
    fn data_files_are_named_by_underscores() {
        assert_eq!(data_path(Path::new("/d"), "p", 3), PathBuf::from("/d/p___"));
    }
}

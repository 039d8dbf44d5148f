//! Finding the shared memories in a directory, and reading their files
//! without joining them: what `pusm list`, `pusm inspect` and `pusm clean`
//! look at.

use std::collections::BTreeMap;
use std::io;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_are_named_by_underscores() {
        assert_eq!(data_path(Path::new("/d"), "p", 3), PathBuf::from("/d/p___"));
    }
}

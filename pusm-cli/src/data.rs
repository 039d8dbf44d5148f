//! A data file read by range: `pusm inspect` reads the bytes it shows and
//! the bytes of the message it decodes, never the whole file (a data file
//! can be gigabytes, mostly sparse).

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt as _, OpenOptionsExt as _};
use std::path::Path;

use pusm_reference::{Source, SourceError};

/// A data file opened read-only, without following a symbolic link and
/// without blocking on a named pipe, seen up to a limit (the capacity the
/// hook states). Reads are `pread`s, never a mapping, so a file shrunk
/// meanwhile gives an error rather than a SIGBUS.
#[derive(Debug)]
pub struct DataFile {
    file: File,
    len: u64,
}

impl DataFile {
    /// Opens the regular file at `path`, to be read up to `limit` bytes (or
    /// its size, when smaller).
    ///
    /// # Errors
    /// When the file cannot be opened, or is not a regular file.
    pub fn open(path: &Path, limit: u64) -> io::Result<DataFile> {
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(path)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        Ok(DataFile {
            file,
            len: meta.len().min(limit),
        })
    }

    /// The bytes that can be read: the file's size or the limit.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when there is nothing to read.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first `max` bytes (fewer when the file is shorter or shrank).
    ///
    /// # Errors
    /// When the file cannot be read.
    pub fn head(&self, max: u64) -> io::Result<Vec<u8>> {
        let wanted = usize::try_from(max.min(self.len)).unwrap_or(usize::MAX);
        let mut bytes = vec![0u8; wanted];
        let mut filled = 0;
        while filled < wanted {
            match self.file.read_at(&mut bytes[filled..], filled as u64) {
                Ok(0) => break, // shrunk meanwhile
                Ok(read) => filled += read,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        bytes.truncate(filled);
        Ok(bytes)
    }
}

impl Source for DataFile {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, at: u64, out: &mut [u8]) -> Result<(), SourceError> {
        self.file
            .read_exact_at(out, at)
            .map_err(|err| SourceError(format!("reading {} bytes: {err}", out.len())))
    }
}

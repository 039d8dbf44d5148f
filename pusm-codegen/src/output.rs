//! Writing generated files: only when their content changed, so that build
//! systems watching modification times (Cargo, Unity, IDEs) do not rebuild
//! for nothing.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::Error;

/// What [`write_if_changed`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The file did not exist, or had other contents, and was written.
    Written,
    /// The file already had exactly these contents and was left alone.
    Unchanged,
}

/// Writes `contents` to `path` unless the file already holds exactly them,
/// creating missing parent folders.
///
/// # Errors
/// [`Error::Io`] naming the path when a folder cannot be created or the file
/// cannot be read or written.
pub fn write_if_changed(path: &Path, contents: &str) -> Result<WriteOutcome, Error> {
    match fs::read(path) {
        Ok(existing) if existing == contents.as_bytes() => return Ok(WriteOutcome::Unchanged),
        Ok(_) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(io_error(path, error)),
    }
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        fs::create_dir_all(parent).map_err(|error| io_error(parent, error))?;
    }
    fs::write(path, contents).map_err(|error| io_error(path, error))?;
    Ok(WriteOutcome::Written)
}

fn io_error(path: &Path, source: io::Error) -> Error {
    Error::Io {
        path: PathBuf::from(path),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_changes() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("deep/er/robot.py");
        assert_eq!(write_if_changed(&path, "a\n")?, WriteOutcome::Written);
        assert_eq!(write_if_changed(&path, "a\n")?, WriteOutcome::Unchanged);
        assert_eq!(write_if_changed(&path, "b\n")?, WriteOutcome::Written);
        assert_eq!(fs::read_to_string(&path)?, "b\n");
        Ok(())
    }

    #[test]
    fn errors_name_the_path() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let blocker = dir.path().join("file");
        fs::write(&blocker, "")?;
        let error = write_if_changed(&blocker.join("robot.rs"), "x")
            .err()
            .ok_or("no error")?;
        assert!(error.to_string().contains("file"), "{error}");
        Ok(())
    }
}

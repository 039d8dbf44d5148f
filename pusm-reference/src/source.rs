//! Where the decoder reads its bytes from: a slice, or anything that can
//! read a range on demand (a file read with `pread`), so a decoder of a
//! small message in a huge file reads only the message.

use std::fmt;

/// Bytes readable by range. The decoder asks only for the ranges it decodes,
/// each after checking that it lies within [`Source::len`].
pub trait Source {
    /// How many bytes there are.
    fn len(&self) -> u64;

    /// True when there are no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Fills `out` with the bytes at `at..at + out.len()`, which the caller
    /// has checked lie within [`Source::len`].
    ///
    /// # Errors
    /// When the bytes cannot be read (an I/O error, a file shrunk meanwhile).
    fn read_at(&self, at: u64, out: &mut [u8]) -> Result<(), SourceError>;
}

/// A [`Source`] that could not deliver bytes it said it had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError(pub String);

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SourceError {}

impl Source for [u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    fn read_at(&self, at: u64, out: &mut [u8]) -> Result<(), SourceError> {
        let range = usize::try_from(at)
            .ok()
            .and_then(|start| Some(start..start.checked_add(out.len())?));
        match range.and_then(|range| self.get(range)) {
            Some(bytes) => {
                out.copy_from_slice(bytes);
                Ok(())
            }
            None => Err(SourceError(format!(
                "{} bytes at offset {at} are outside a slice of {}",
                out.len(),
                <[u8]>::len(self)
            ))),
        }
    }
}

//! One error type for the whole bench: a sentence saying what failed.

use std::fmt;

/// What went wrong while measuring, in words (a peer that failed, a file
/// that could not be mapped, output that could not be parsed, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

/// The bench's result type.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<pusm_core::Error> for Error {
    fn from(err: pusm_core::Error) -> Self {
        Error(err.to_string())
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error(err.to_string())
    }
}

/// Adds what was being done to an error: `cannot start python3: No such file`.
pub trait Context<T> {
    /// Prefixes the error with `what()`.
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|err| Error(format!("{}: {err}", what())))
    }
}

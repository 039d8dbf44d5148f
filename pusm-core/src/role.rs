//! The two sides of a conversation.

use std::fmt;

/// Which side of the protocol a process plays (`PROTOCOL.md`, section 2).
///
/// The roles are named after the seed's two languages, but any runtime may play
/// either. Against the original **Unity** package, play [`Role::Python`];
/// against the original **Python** package, play [`Role::Unity`]. Two processes
/// must never play the same role on one shared memory: pusm processes detect
/// it ([`Error::RoleTaken`](crate::Error::RoleTaken)); the original packages
/// cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The side whose "may act" flag is hook byte 12.
    Python,
    /// The side whose "may act" flag is hook byte 13.
    Unity,
}

impl Role {
    /// The other role.
    #[must_use]
    pub const fn peer(self) -> Role {
        match self {
            Role::Python => Role::Unity,
            Role::Unity => Role::Python,
        }
    }

    /// The offset of this role's "may act" flag in the hook file.
    #[must_use]
    pub const fn flag_offset(self) -> usize {
        match self {
            Role::Python => 12,
            Role::Unity => 13,
        }
    }

    /// The lowercase name used on command lines: `python` or `unity`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Python => "python",
            Role::Unity => "unity",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::Python => f.write_str("the Python role"),
            Role::Unity => f.write_str("the Unity role"),
        }
    }
}

/// The error of parsing a [`Role`] from a string other than `python` or `unity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseRoleError(String);

impl fmt::Display for ParseRoleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown role {:?}: expected \"python\" or \"unity\"",
            self.0
        )
    }
}

impl std::error::Error for ParseRoleError {}

impl std::str::FromStr for Role {
    type Err = ParseRoleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "python" => Ok(Role::Python),
            "unity" => Ok(Role::Unity),
            other => Err(ParseRoleError(other.to_owned())),
        }
    }
}

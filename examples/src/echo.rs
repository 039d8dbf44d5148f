//! The echo contract of `ECHO.md`: what a request looks like, what the echo
//! peer answers, and the one transformation it applies.

use pusm_core::{Error, Result, SharedBuffer, SharedLayout, SharedMemory};

use crate::schemas::{common, edge_cases, robot};

/// Where the op (request) or the status (reply) is.
pub const OP_OFFSET: usize = 0;
/// Where the checked message or the resize capacity is.
pub const PAYLOAD_OFFSET: usize = 4;

/// Op 1: echo the checked message at [`PAYLOAD_OFFSET`].
pub const OP_ECHO: i32 = 1;
/// Op 2: resize to the int32 capacity at [`PAYLOAD_OFFSET`].
pub const OP_RESIZE: i32 = 2;
/// Op 3: close without giving control back.
pub const OP_CLOSE: i32 = 3;

/// Reply status: done as asked.
pub const STATUS_OK: i32 = 0;
/// Reply status: the message's fingerprint is not one of ours.
pub const STATUS_SCHEMA_MISMATCH: i32 = 1;

/// A message type the echo peer knows, and what it does to one.
pub trait Echoed: SharedLayout {
    /// The reply to `self`: `self` unchanged, except for `robot.Observation`.
    fn echoed(self) -> Self {
        self
    }
}

impl Echoed for common::Vec3 {}
impl Echoed for robot::Action {}
impl Echoed for edge_cases::Nested {}
impl Echoed for edge_cases::Keywords {}
impl Echoed for edge_cases::Empty {}
impl Echoed for edge_cases::Pose {}

/// `step + 1` (wrapping), `done` negated, `"·"` appended to `name`.
impl Echoed for robot::Observation {
    fn echoed(mut self) -> Self {
        self.step = self.step.wrapping_add(1);
        self.done = !self.done;
        self.name.push('·');
        self
    }
}

/// Calls `$body` with `$T` bound to the struct type of `schemas/` whose
/// fingerprint is `$fingerprint`, or evaluates `$otherwise`.
#[macro_export]
macro_rules! with_struct_type {
    ($fingerprint:expr, |$T:ident| $body:expr, $otherwise:expr) => {{
        use $crate::schemas::{common, edge_cases, robot};
        let fingerprint: u32 = $fingerprint;
        if fingerprint == <common::Vec3 as ::pusm_core::SharedLayout>::FINGERPRINT {
            type $T = common::Vec3;
            $body
        } else if fingerprint == <robot::Observation as ::pusm_core::SharedLayout>::FINGERPRINT {
            type $T = robot::Observation;
            $body
        } else if fingerprint == <robot::Action as ::pusm_core::SharedLayout>::FINGERPRINT {
            type $T = robot::Action;
            $body
        } else if fingerprint == <edge_cases::Nested as ::pusm_core::SharedLayout>::FINGERPRINT {
            type $T = edge_cases::Nested;
            $body
        } else if fingerprint == <edge_cases::Keywords as ::pusm_core::SharedLayout>::FINGERPRINT {
            type $T = edge_cases::Keywords;
            $body
        } else if fingerprint == <edge_cases::Empty as ::pusm_core::SharedLayout>::FINGERPRINT {
            type $T = edge_cases::Empty;
            $body
        } else if fingerprint == <edge_cases::Pose as ::pusm_core::SharedLayout>::FINGERPRINT {
            type $T = edge_cases::Pose;
            $body
        } else {
            $otherwise
        }
    }};
}

/// The fingerprints of every struct type the echo peer knows.
#[must_use]
pub fn known_fingerprints() -> [u32; 7] {
    [
        common::Vec3::FINGERPRINT,
        robot::Observation::FINGERPRINT,
        robot::Action::FINGERPRINT,
        edge_cases::Nested::FINGERPRINT,
        edge_cases::Keywords::FINGERPRINT,
        edge_cases::Empty::FINGERPRINT,
        edge_cases::Pose::FINGERPRINT,
    ]
}

/// What [`echo_message`] did.
#[derive(Debug)]
pub enum Outcome {
    /// The message was answered in place.
    Echoed,
    /// Its fingerprint is none of ours: `Observation::read_checked`'s error.
    Mismatch(Error),
}

/// Answers the checked message at `offset` in place.
pub fn echo_message<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<Outcome> {
    let (raw, _) = buf.read_int32(offset)?;
    with_struct_type!(
        raw as u32,
        |T| {
            let (message, _) = T::read_checked(buf, offset)?;
            message.echoed().write_checked(buf, offset)?;
            Ok(Outcome::Echoed)
        },
        match robot::Observation::read_checked(buf, offset) {
            Err(mismatch @ Error::SchemaMismatch { .. }) => Ok(Outcome::Mismatch(mismatch)),
            Err(other) => Err(other),
            // Observation's own fingerprint is handled above; answer it all the same.
            Ok((message, _)) => {
                message.echoed().write_checked(buf, offset)?;
                Ok(Outcome::Echoed)
            }
        }
    )
}

/// What ended an echo session.
#[derive(Debug)]
pub enum Ending {
    /// The driver closed the memory.
    DriverClosed,
    /// The driver asked the peer to close (op 3).
    ClosedOnRequest,
}

/// Serves requests on `sm` until the driver closes or asks to close.
/// Schema mismatches are reported through `on_mismatch` and answered with
/// status 1 and a default `Observation`, as `ECHO.md` says.
pub fn serve(mut sm: SharedMemory, mut on_mismatch: impl FnMut(&Error)) -> Result<Ending> {
    loop {
        let op = match sm.read_int32(OP_OFFSET) {
            Ok((op, _)) => op,
            Err(Error::PeerClosed { .. }) => return Ok(Ending::DriverClosed),
            Err(other) => return Err(other),
        };
        match op {
            OP_ECHO => match echo_message(&mut sm, PAYLOAD_OFFSET)? {
                Outcome::Echoed => {
                    sm.write_int32(OP_OFFSET, STATUS_OK)?;
                }
                Outcome::Mismatch(mismatch) => {
                    on_mismatch(&mismatch);
                    sm.write_int32(OP_OFFSET, STATUS_SCHEMA_MISMATCH)?;
                    default_observation().write_checked(&mut sm, PAYLOAD_OFFSET)?;
                }
            },
            OP_RESIZE => {
                let (capacity, _) = sm.read_int32(PAYLOAD_OFFSET)?;
                let capacity = usize::try_from(capacity).map_err(|_| Error::InvalidCapacity {
                    capacity: 0,
                    reason: "the driver asked for a negative capacity",
                })?;
                sm.resize(capacity)?;
                sm.write_int32(OP_OFFSET, STATUS_OK)?;
            }
            OP_CLOSE => {
                sm.close()?;
                return Ok(Ending::ClosedOnRequest);
            }
            other => {
                return Err(Error::InvalidLength {
                    offset: OP_OFFSET,
                    length: i64::from(other),
                    reason: "unknown echo op (expected 1, 2 or 3)",
                })
            }
        }
        match sm.give_control(true) {
            Ok(()) => {}
            Err(Error::PeerClosed { .. }) => return Ok(Ending::DriverClosed),
            Err(other) => return Err(other),
        }
    }
}

/// The `Observation` a peer answers a mismatch with: every field at its default.
#[must_use]
pub fn default_observation() -> robot::Observation {
    robot::Observation::default()
}

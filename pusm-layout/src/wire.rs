//! Sizes and limits of the wire encoding (`PROTOCOL.md`, sections 7 and 8).

/// Bytes of a `bool`.
pub const BOOL_SIZE: usize = 1;
/// Bytes of an `int32` (and of an enum value).
pub const INT32_SIZE: usize = 4;
/// Bytes of a `float32`.
pub const FLOAT32_SIZE: usize = 4;
/// Bytes of the int32 length or count in front of a string, bytes or list.
pub const LENGTH_SIZE: usize = 4;
/// The largest length or count the int32 prefix can carry.
pub const MAX_LENGTH: usize = i32::MAX as usize;
/// The largest capacity of a message region, in bytes: a message of a type
/// whose smallest value is larger can never be sent.
pub const MAX_CAPACITY: usize = i32::MAX as usize;
/// The smallest `N` of a fixed array `[T; N]` in a schema.
pub const MIN_ARRAY_LEN: usize = 1;
/// The largest `N` of a fixed array `[T; N]` in a schema.
pub const MAX_ARRAY_LEN: usize = 65_536;

/// Turns a length or count read from the wire into a `usize`, or `None` when
/// it is negative (a corrupted or hostile value).
#[must_use]
pub const fn decode_length(raw: i32) -> Option<usize> {
    if raw < 0 {
        None
    } else {
        Some(raw as usize)
    }
}

/// Turns a length or count into the int32 the wire carries, or `None` when it
/// does not fit.
#[must_use]
pub const fn encode_length(len: usize) -> Option<i32> {
    if len > MAX_LENGTH {
        None
    } else {
        Some(len as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(decode_length(-1), None);
        assert_eq!(decode_length(i32::MIN), None);
        assert_eq!(decode_length(0), Some(0));
        assert_eq!(decode_length(i32::MAX), Some(MAX_LENGTH));
        assert_eq!(encode_length(MAX_LENGTH), Some(i32::MAX));
        assert_eq!(encode_length(MAX_LENGTH + 1), None);
    }
}

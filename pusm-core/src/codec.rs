//! The seed's five primitives, encoded once for every byte store.
//!
//! [`VecBuffer`](crate::VecBuffer) and the shared data file both implement
//! [`ByteStore`]; the functions here do the bounds checks and the
//! little-endian encoding for both, so the two can never disagree.

use pusm_layout::wire;

use crate::{Error, Result};

/// Raw bytes that primitives are copied in and out of.
pub(crate) trait ByteStore {
    /// The number of readable bytes.
    fn len(&self) -> usize;
    /// Copies `dst.len()` bytes starting at `offset` into `dst`.
    /// The caller has checked that the range is within `len()`.
    fn copy_out(&self, offset: usize, dst: &mut [u8]);
    /// Returns `len` bytes starting at `offset` as a new vector.
    /// The caller has checked that the range is within `len()`.
    fn to_vec(&self, offset: usize, len: usize) -> Vec<u8>;
    /// Makes `len` bytes at `offset` writable: checks them against a fixed
    /// capacity, or grows the store.
    fn make_room(&mut self, offset: usize, len: usize) -> Result<()>;
    /// Copies `src` to `offset`. The caller has called `make_room` for the range.
    fn copy_in(&mut self, offset: usize, src: &[u8]);
}

/// The end of `len` bytes at `offset`, when they fit in `capacity`.
#[inline]
pub(crate) fn checked_end(offset: usize, len: usize, capacity: usize) -> Result<usize> {
    match offset.checked_add(len) {
        Some(end) if end <= capacity => Ok(end),
        _ => Err(Error::OutOfBounds {
            offset,
            len,
            capacity,
        }),
    }
}

#[inline]
fn read_array<const N: usize>(store: &impl ByteStore, offset: usize) -> Result<([u8; N], usize)> {
    let end = checked_end(offset, N, store.len())?;
    let mut bytes = [0u8; N];
    store.copy_out(offset, &mut bytes);
    Ok((bytes, end))
}

#[inline]
fn write_slice(store: &mut impl ByteStore, offset: usize, bytes: &[u8]) -> Result<usize> {
    store.make_room(offset, bytes.len())?;
    store.copy_in(offset, bytes);
    // make_room succeeded, so the sum cannot overflow.
    Ok(offset + bytes.len())
}

#[inline]
pub(crate) fn read_bool(store: &impl ByteStore, offset: usize) -> Result<(bool, usize)> {
    let ([byte], next) = read_array::<{ wire::BOOL_SIZE }>(store, offset)?;
    Ok((byte != 0, next))
}

#[inline]
pub(crate) fn read_int32(store: &impl ByteStore, offset: usize) -> Result<(i32, usize)> {
    let (bytes, next) = read_array::<{ wire::INT32_SIZE }>(store, offset)?;
    Ok((i32::from_le_bytes(bytes), next))
}

#[inline]
pub(crate) fn read_float32(store: &impl ByteStore, offset: usize) -> Result<(f32, usize)> {
    let (bytes, next) = read_array::<{ wire::FLOAT32_SIZE }>(store, offset)?;
    Ok((f32::from_le_bytes(bytes), next))
}

#[inline]
pub(crate) fn read_bytes(
    store: &impl ByteStore,
    offset: usize,
    len: usize,
) -> Result<(Vec<u8>, usize)> {
    let end = checked_end(offset, len, store.len())?;
    Ok((store.to_vec(offset, len), end))
}

/// Copies `dst.len()` bytes at `offset` into `dst`; the block read of the
/// derived code and of lists of fixed-size primitives.
#[inline]
pub(crate) fn read_into(store: &impl ByteStore, offset: usize, dst: &mut [u8]) -> Result<usize> {
    let end = checked_end(offset, dst.len(), store.len())?;
    store.copy_out(offset, dst);
    Ok(end)
}

#[inline]
pub(crate) fn read_string(store: &impl ByteStore, offset: usize) -> Result<(String, usize)> {
    let (raw, start) = read_int32(store, offset)?;
    let len = decode_length(raw, offset)?;
    let next = match start.checked_add(len) {
        Some(end) if end <= store.len() => end,
        _ => {
            return Err(Error::InvalidLength {
                offset,
                length: i64::from(raw),
                reason: "the string would run past the end of the memory",
            })
        }
    };
    let text = String::from_utf8(store.to_vec(start, len)).map_err(|err| Error::InvalidUtf8 {
        offset,
        source: err.utf8_error(),
    })?;
    Ok((text, next))
}

#[inline]
pub(crate) fn write_bool(store: &mut impl ByteStore, offset: usize, value: bool) -> Result<usize> {
    write_slice(store, offset, &[u8::from(value)])
}

#[inline]
pub(crate) fn write_int32(store: &mut impl ByteStore, offset: usize, value: i32) -> Result<usize> {
    write_slice(store, offset, &value.to_le_bytes())
}

#[inline]
pub(crate) fn write_float32(
    store: &mut impl ByteStore,
    offset: usize,
    value: f32,
) -> Result<usize> {
    write_slice(store, offset, &value.to_le_bytes())
}

#[inline]
pub(crate) fn write_bytes(
    store: &mut impl ByteStore,
    offset: usize,
    value: &[u8],
) -> Result<usize> {
    write_slice(store, offset, value)
}

#[inline]
pub(crate) fn write_string(
    store: &mut impl ByteStore,
    offset: usize,
    value: &str,
) -> Result<usize> {
    let len = encode_length(value.len(), offset)?;
    // Check the whole string first, so a string that does not fit leaves the
    // memory untouched rather than a length with no bytes behind it.
    store.make_room(offset, wire::LENGTH_SIZE.saturating_add(value.len()))?;
    store.copy_in(offset, &len.to_le_bytes());
    // make_room succeeded for the whole range, so these sums cannot overflow.
    let start = offset + wire::LENGTH_SIZE;
    store.copy_in(start, value.as_bytes());
    Ok(start + value.len())
}

/// A length or count read from memory at `offset`, rejected when negative.
#[inline]
pub(crate) fn decode_length(raw: i32, offset: usize) -> Result<usize> {
    wire::decode_length(raw).ok_or_else(|| Error::InvalidLength {
        offset,
        length: i64::from(raw),
        reason: "a length or count cannot be negative",
    })
}

/// A length or count to store at `offset`, rejected when it does not fit an int32.
#[inline]
pub(crate) fn encode_length(len: usize, offset: usize) -> Result<i32> {
    wire::encode_length(len).ok_or_else(|| Error::InvalidLength {
        offset,
        length: i64::try_from(len).unwrap_or(i64::MAX),
        reason: "longer than an int32 length prefix can describe",
    })
}

//! Block copies for runs of fixed-size fields.
//!
//! A derived struct writes a run of consecutive fixed-size fields (`step`,
//! `done`, `reward`, `position`: 21 bytes whatever their values) into a stack
//! array, then copies the array with one `write_bytes`; it reads the run with
//! one `read_bytes_into`, then decodes the fields from the array. One bounds
//! check and one wait for control per run, instead of one per field, and the
//! same bytes.
//!
//! Whenever the block path cannot finish (the run does not fit in the memory,
//! a decoded value is invalid, or a hand-written type's layout does not
//! match what it writes), the derived code runs its field-by-field path
//! instead, so the result and the error are exactly those of that path.

use crate::codec::{decode_length, encode_length};
use crate::{Error, Result, SharedBuffer};

/// The largest run, in bytes, that derived code stages in a block: the block
/// is an array on the stack, so a run with a large fixed array (`[f32;
/// 100_000]`) goes field by field instead (its arrays of numbers are still
/// copied in chunks).
#[doc(hidden)]
pub const MAX_BLOCK: usize = 1024;

/// A run of a message staged in process memory: a [`SharedBuffer`] over a
/// byte array that stands for the bytes at `base..base + len` of the real
/// buffer.
///
/// Hidden because it is a detail of the code `#[derive(SharedLayout)]`
/// generates (through [`write_block`] and [`read_block`]). Offsets are those
/// of the real buffer, so the errors a field reports (an invalid enum value)
/// name the same offset as when it is read from the real buffer. An access
/// outside the block is [`Error::OutOfBounds`], which the derived code
/// answers by taking its field-by-field path.
#[doc(hidden)]
#[derive(Debug)]
pub struct Block<'a> {
    bytes: &'a mut [u8],
    base: usize,
}

impl<'a> Block<'a> {
    /// A block holding the bytes at `base..base + bytes.len()`.
    #[inline]
    pub fn new(bytes: &'a mut [u8], base: usize) -> Self {
        Block { bytes, base }
    }

    #[cold]
    fn out_of_bounds(&self, offset: usize, len: usize) -> Error {
        Error::OutOfBounds {
            offset,
            len,
            capacity: self.base.saturating_add(self.bytes.len()),
        }
    }

    /// `offset + len`, when `len` bytes at `offset` are inside the block.
    #[inline]
    fn end(&self, offset: usize, len: usize) -> Result<usize> {
        let start = offset.wrapping_sub(self.base);
        match (start.checked_add(len), offset.checked_add(len)) {
            (Some(end), Some(next)) if end <= self.bytes.len() => Ok(next),
            _ => Err(self.out_of_bounds(offset, len)),
        }
    }

    /// The `len` bytes at `offset`.
    #[inline]
    fn get(&self, offset: usize, len: usize) -> Result<(&[u8], usize)> {
        let next = self.end(offset, len)?;
        let start = offset.wrapping_sub(self.base);
        match self.bytes.get(start..start.wrapping_add(len)) {
            Some(bytes) => Ok((bytes, next)),
            None => Err(self.out_of_bounds(offset, len)),
        }
    }

    #[inline]
    fn array<const N: usize>(&self, offset: usize) -> Result<([u8; N], usize)> {
        let (bytes, next) = self.get(offset, N)?;
        match bytes.first_chunk::<N>() {
            Some(array) => Ok((*array, next)),
            None => Err(self.out_of_bounds(offset, N)),
        }
    }

    #[inline]
    fn put(&mut self, offset: usize, src: &[u8]) -> Result<usize> {
        let next = self.end(offset, src.len())?;
        let start = offset.wrapping_sub(self.base);
        match self.bytes.get_mut(start..start.wrapping_add(src.len())) {
            Some(dst) => {
                dst.copy_from_slice(src);
                Ok(next)
            }
            None => Err(self.out_of_bounds(offset, src.len())),
        }
    }
}

impl SharedBuffer for Block<'_> {
    #[inline]
    fn read_bool(&mut self, offset: usize) -> Result<(bool, usize)> {
        let ([byte], next) = self.array::<1>(offset)?;
        Ok((byte != 0, next))
    }
    #[inline]
    fn read_int32(&mut self, offset: usize) -> Result<(i32, usize)> {
        let (bytes, next) = self.array::<4>(offset)?;
        Ok((i32::from_le_bytes(bytes), next))
    }
    #[inline]
    fn read_float32(&mut self, offset: usize) -> Result<(f32, usize)> {
        let (bytes, next) = self.array::<4>(offset)?;
        Ok((f32::from_le_bytes(bytes), next))
    }
    fn read_string(&mut self, offset: usize) -> Result<(String, usize)> {
        // Only a type whose layout does not match what it reads gets here; a
        // string past the block is OutOfBounds, so that the field-by-field
        // path decides on the real bytes.
        let (raw, start) = self.read_int32(offset)?;
        let len = decode_length(raw, offset)?;
        let (bytes, next) = self.get(start, len)?;
        let text = String::from_utf8(bytes.to_vec()).map_err(|err| Error::InvalidUtf8 {
            offset,
            source: err.utf8_error(),
        })?;
        Ok((text, next))
    }
    #[inline]
    fn read_bytes(&mut self, offset: usize, len: usize) -> Result<(Vec<u8>, usize)> {
        let (bytes, next) = self.get(offset, len)?;
        Ok((bytes.to_vec(), next))
    }
    #[inline]
    fn read_bytes_into(&mut self, offset: usize, dst: &mut [u8]) -> Result<usize> {
        let (bytes, next) = self.get(offset, dst.len())?;
        dst.copy_from_slice(bytes);
        Ok(next)
    }
    #[inline]
    fn write_bool(&mut self, offset: usize, value: bool) -> Result<usize> {
        self.put(offset, &[u8::from(value)])
    }
    #[inline]
    fn write_int32(&mut self, offset: usize, value: i32) -> Result<usize> {
        self.put(offset, &value.to_le_bytes())
    }
    #[inline]
    fn write_float32(&mut self, offset: usize, value: f32) -> Result<usize> {
        self.put(offset, &value.to_le_bytes())
    }
    fn write_string(&mut self, offset: usize, value: &str) -> Result<usize> {
        let len = encode_length(value.len(), offset)?;
        // As in the codec: the whole string fits, or nothing is written.
        self.end(offset, 4usize.saturating_add(value.len()))?;
        let start = self.put(offset, &len.to_le_bytes())?;
        self.put(start, value.as_bytes())
    }
    #[inline]
    fn write_bytes(&mut self, offset: usize, value: &[u8]) -> Result<usize> {
        self.put(offset, value)
    }
}

/// Writes a run of fixed-size fields that takes `N` bytes at `offset` in one
/// `write_bytes`: `fill` writes the fields into a block standing for
/// `offset..offset + N` and returns the offset past them.
///
/// Hidden: called by the code `#[derive(SharedLayout)]` generates. `None`
/// means "take the field-by-field path": the run does not fit in `buf`
/// ([`Error::OutOfBounds`], which that path reports for the exact field), or
/// `fill` did not write exactly `N` bytes. Any other error of `buf` (a timeout
/// waiting for control) is returned as it is.
#[doc(hidden)]
#[inline]
pub fn write_block<B, const N: usize>(
    buf: &mut B,
    offset: usize,
    fill: impl FnOnce(&mut Block<'_>) -> Result<usize>,
) -> Option<Result<usize>>
where
    B: SharedBuffer + ?Sized,
{
    let mut bytes = [0u8; N];
    match fill(&mut Block::new(&mut bytes, offset)) {
        Ok(next) if next.wrapping_sub(offset) == N => {}
        _ => return None,
    }
    match buf.write_bytes(offset, &bytes) {
        Err(Error::OutOfBounds { .. }) => None,
        result => Some(result),
    }
}

/// Reads a run of fixed-size fields that takes `N` bytes at `offset` with one
/// `read_bytes_into`: `decode` reads the fields from a block standing for
/// `offset..offset + N` and returns them with the offset past them.
///
/// Hidden: called by the code `#[derive(SharedLayout)]` generates. `None`
/// means "take the field-by-field path", which then reports the exact error:
/// the run is not all inside `buf` ([`Error::OutOfBounds`]), `decode` failed
/// (an invalid enum value), or it did not read exactly `N` bytes. Any other
/// error of `buf` (a timeout waiting for control) is returned as it is.
#[doc(hidden)]
#[inline]
pub fn read_block<B, T, const N: usize>(
    buf: &mut B,
    offset: usize,
    decode: impl FnOnce(&mut Block<'_>) -> Result<(T, usize)>,
) -> Option<Result<(T, usize)>>
where
    B: SharedBuffer + ?Sized,
{
    let mut bytes = [0u8; N];
    let end = match buf.read_bytes_into(offset, &mut bytes) {
        Ok(end) => end,
        Err(Error::OutOfBounds { .. }) => return None,
        Err(err) => return Some(Err(err)),
    };
    match decode(&mut Block::new(&mut bytes, offset)) {
        Ok((value, next)) if next == end && next.wrapping_sub(offset) == N => {
            Some(Ok((value, next)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::VecBuffer;

    #[test]
    fn a_block_reads_and_writes_at_the_offsets_of_the_real_buffer() {
        let mut bytes = [0u8; 9];
        let mut block = Block::new(&mut bytes, 100);
        let at = block.write_int32(100, -2).unwrap();
        let at = block.write_bool(at, true).unwrap();
        assert_eq!(block.write_float32(at, 1.5).unwrap(), 109);
        assert_eq!(block.read_int32(100).unwrap(), (-2, 104));
        assert_eq!(block.read_bool(104).unwrap(), (true, 105));
        assert_eq!(block.read_float32(105).unwrap(), (1.5, 109));
        let mut two = [0u8; 2];
        assert_eq!(block.read_bytes_into(103, &mut two).unwrap(), 105);
        assert_eq!(two, [0xFF, 1]);
        assert_eq!(block.read_bytes(104, 1).unwrap(), (vec![1], 105));
        assert_eq!(
            bytes,
            [0xFE, 0xFF, 0xFF, 0xFF, 1, 0x00, 0x00, 0xC0, 0x3F],
            "the same bytes as a VecBuffer"
        );
    }

    #[test]
    fn outside_the_block_is_out_of_bounds_never_a_panic() {
        let mut bytes = [0u8; 4];
        let mut block = Block::new(&mut bytes, 10);
        for offset in [0, 9, 11, 14, usize::MAX - 1, usize::MAX] {
            assert!(
                matches!(
                    block.read_int32(offset),
                    Err(Error::OutOfBounds { offset: o, len: 4, capacity: 14 }) if o == offset
                ),
                "read at {offset}"
            );
            assert!(block.write_int32(offset, 1).is_err(), "write at {offset}");
        }
        assert!(block.read_bool(14).is_err());
        assert!(block.write_bytes(12, &[1, 2, 3]).is_err());
        assert!(block.read_bytes(13, 2).is_err());
        // A block at the very end of the address space.
        let mut bytes = [0u8; 4];
        let mut block = Block::new(&mut bytes, usize::MAX - 1);
        assert!(block.read_int32(usize::MAX - 1).is_err());
        assert!(block.write_bool(usize::MAX, true).is_err());
        assert_eq!(block.write_bool(usize::MAX - 1, true).unwrap(), usize::MAX);
    }

    #[test]
    fn strings_in_a_block_are_whole_or_out_of_bounds() {
        let mut bytes = [0u8; 8];
        let mut block = Block::new(&mut bytes, 4);
        assert_eq!(block.write_string(4, "hé").unwrap(), 11);
        assert_eq!(block.read_string(4).unwrap(), ("hé".to_owned(), 11));
        assert!(matches!(
            block.write_string(5, "four"),
            Err(Error::OutOfBounds { .. })
        ));
        assert_eq!(block.read_string(4).unwrap().0, "hé", "nothing written");
        // A length past the block is OutOfBounds (the real buffer decides),
        // a negative one and bad UTF-8 are what they are anywhere.
        block.write_int32(4, 5).unwrap();
        assert!(matches!(
            block.read_string(4),
            Err(Error::OutOfBounds { .. })
        ));
        block.write_int32(4, -1).unwrap();
        assert!(matches!(
            block.read_string(4),
            Err(Error::InvalidLength { offset: 4, .. })
        ));
        block.write_int32(4, 1).unwrap();
        block.write_bytes(8, &[0xFF]).unwrap();
        assert!(matches!(
            block.read_string(4),
            Err(Error::InvalidUtf8 { offset: 4, .. })
        ));
    }

    #[test]
    fn write_block_copies_the_run_or_leaves_it_to_the_caller() {
        let mut buf = VecBuffer::new();
        let fill = |block: &mut Block<'_>| {
            let at = block.write_int32(2, 7)?;
            block.write_bool(at, true)
        };
        assert_eq!(write_block::<_, 5>(&mut buf, 2, fill).unwrap().unwrap(), 7);
        assert_eq!(buf.as_slice(), &[0, 0, 7, 0, 0, 0, 1]);
        // Fewer bytes than announced, or more: the caller's field-by-field path.
        assert!(write_block::<_, 6>(&mut buf, 2, fill).is_none());
        assert!(write_block::<_, 4>(&mut buf, 2, fill).is_none());
        assert_eq!(buf.as_slice(), &[0, 0, 7, 0, 0, 0, 1], "nothing written");

        let read = |block: &mut Block<'_>| {
            let (n, at) = block.read_int32(2)?;
            let (flag, at) = block.read_bool(at)?;
            Ok(((n, flag), at))
        };
        let ((n, flag), end) = read_block::<_, _, 5>(&mut buf, 2, read).unwrap().unwrap();
        assert_eq!((n, flag, end), (7, true, 7));
        assert!(
            read_block::<_, _, 6>(&mut buf, 2, read).is_none(),
            "past the end"
        );
        assert!(
            read_block::<_, _, 4>(&mut buf, 2, read).is_none(),
            "reads too much"
        );
        let failing = |_: &mut Block<'_>| -> Result<((), usize)> {
            Err(Error::InvalidEnumValue {
                enum_name: "E",
                value: 9,
                offset: 2,
            })
        };
        assert!(read_block::<_, _, 5>(&mut buf, 2, failing).is_none());
    }
}

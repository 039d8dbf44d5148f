//! A growable in-process buffer: messages without files.

use crate::codec::{self, ByteStore};
use crate::{Result, SharedBuffer};

/// An in-memory [`SharedBuffer`] backed by a `Vec<u8>`.
///
/// Writes past the end grow it (zero-filling any gap); reads past the end are
/// [`Error::OutOfBounds`](crate::Error::OutOfBounds). Use it to test
/// serializers without files, to measure encoded sizes, or to stage a
/// message before copying it elsewhere.
///
/// ```
/// use pusm_core::{SharedBuffer, VecBuffer};
///
/// let mut buf = VecBuffer::new();
/// buf.write_bool(2, true)?;
/// assert_eq!(buf.as_slice(), &[0, 0, 1]);
/// assert!(buf.read_int32(0).is_err());
/// # Ok::<(), pusm_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VecBuffer {
    data: Vec<u8>,
}

impl VecBuffer {
    /// An empty buffer.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty buffer that can grow to `capacity` bytes without reallocating.
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        VecBuffer {
            data: Vec::with_capacity(capacity),
        }
    }

    /// The bytes written so far.
    #[must_use]
    pub fn as_slice(&self) -> &[u8] {
        &self.data
    }

    /// The underlying vector.
    #[must_use]
    pub fn into_inner(self) -> Vec<u8> {
        self.data
    }

    /// The number of bytes in the buffer.
    #[must_use]
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// True when nothing has been written.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Empties the buffer, keeping its allocation.
    pub fn clear(&mut self) {
        self.data.clear();
    }
}

impl From<Vec<u8>> for VecBuffer {
    fn from(data: Vec<u8>) -> Self {
        VecBuffer { data }
    }
}

impl From<&[u8]> for VecBuffer {
    fn from(data: &[u8]) -> Self {
        VecBuffer {
            data: data.to_vec(),
        }
    }
}

impl From<VecBuffer> for Vec<u8> {
    fn from(buffer: VecBuffer) -> Self {
        buffer.data
    }
}

impl ByteStore for VecBuffer {
    #[inline]
    fn len(&self) -> usize {
        self.data.len()
    }

    #[inline]
    fn copy_out(&self, offset: usize, dst: &mut [u8]) {
        dst.copy_from_slice(&self.data[offset..offset + dst.len()]);
    }

    #[inline]
    fn to_vec(&self, offset: usize, len: usize) -> Vec<u8> {
        self.data[offset..offset + len].to_vec()
    }

    #[inline]
    fn make_room(&mut self, offset: usize, len: usize) -> Result<()> {
        let end = codec::checked_end(offset, len, usize::MAX)?;
        if end > self.data.len() {
            self.data.resize(end, 0);
        }
        Ok(())
    }

    #[inline]
    fn copy_in(&mut self, offset: usize, src: &[u8]) {
        self.data[offset..offset + src.len()].copy_from_slice(src);
    }
}

impl SharedBuffer for VecBuffer {
    #[inline]
    fn read_bool(&mut self, offset: usize) -> Result<(bool, usize)> {
        codec::read_bool(self, offset)
    }
    #[inline]
    fn read_int32(&mut self, offset: usize) -> Result<(i32, usize)> {
        codec::read_int32(self, offset)
    }
    #[inline]
    fn read_float32(&mut self, offset: usize) -> Result<(f32, usize)> {
        codec::read_float32(self, offset)
    }
    #[inline]
    fn read_string(&mut self, offset: usize) -> Result<(String, usize)> {
        codec::read_string(self, offset)
    }
    #[inline]
    fn read_bytes(&mut self, offset: usize, len: usize) -> Result<(Vec<u8>, usize)> {
        codec::read_bytes(self, offset, len)
    }
    #[inline]
    fn write_bool(&mut self, offset: usize, value: bool) -> Result<usize> {
        codec::write_bool(self, offset, value)
    }
    #[inline]
    fn write_int32(&mut self, offset: usize, value: i32) -> Result<usize> {
        codec::write_int32(self, offset, value)
    }
    #[inline]
    fn write_float32(&mut self, offset: usize, value: f32) -> Result<usize> {
        codec::write_float32(self, offset, value)
    }
    #[inline]
    fn write_string(&mut self, offset: usize, value: &str) -> Result<usize> {
        codec::write_string(self, offset, value)
    }
    #[inline]
    fn write_bytes(&mut self, offset: usize, value: &[u8]) -> Result<usize> {
        codec::write_bytes(self, offset, value)
    }
    #[inline]
    fn read_bytes_into(&mut self, offset: usize, dst: &mut [u8]) -> Result<usize> {
        codec::read_into(self, offset, dst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn primitives_are_little_endian() {
        let mut buf = VecBuffer::new();
        let mut at = buf.write_bool(0, true).unwrap();
        at = buf.write_int32(at, -2).unwrap();
        at = buf.write_float32(at, 1.5).unwrap();
        at = buf.write_string(at, "hé").unwrap();
        at = buf.write_bytes(at, &[9, 8]).unwrap();
        assert_eq!(at, 1 + 4 + 4 + 4 + 3 + 2);
        assert_eq!(
            buf.as_slice(),
            &[
                1, // bool
                0xFE, 0xFF, 0xFF, 0xFF, // -2
                0x00, 0x00, 0xC0, 0x3F, // 1.5
                3, 0, 0, 0, b'h', 0xC3, 0xA9, // "hé": 3 bytes of UTF-8
                9, 8, // raw bytes
            ]
        );
    }

    #[test]
    fn a_write_past_the_end_grows_and_zero_fills() {
        let mut buf = VecBuffer::new();
        assert_eq!(buf.write_int32(2, 1).unwrap(), 6);
        assert_eq!(buf.as_slice(), &[0, 0, 1, 0, 0, 0]);
    }

    #[test]
    fn reads_stop_at_the_last_byte() {
        let mut buf = VecBuffer::from(vec![1, 2, 3, 4, 5]);
        assert_eq!(buf.read_int32(1).unwrap(), (0x0504_0302, 5));
        assert!(matches!(
            buf.read_int32(2),
            Err(Error::OutOfBounds {
                offset: 2,
                len: 4,
                capacity: 5
            })
        ));
        assert_eq!(buf.read_bool(4).unwrap(), (true, 5));
        assert!(matches!(buf.read_bool(5), Err(Error::OutOfBounds { .. })));
        assert!(matches!(
            buf.read_bytes(usize::MAX, 2),
            Err(Error::OutOfBounds { .. })
        ));
        assert_eq!(buf.read_bytes(5, 0).unwrap(), (vec![], 5));
    }

    #[test]
    fn bool_reads_any_non_zero_byte_as_true() {
        let mut buf = VecBuffer::from(vec![0, 1, 2, 255]);
        let values: Vec<bool> = (0..4).map(|i| buf.read_bool(i).unwrap().0).collect();
        assert_eq!(values, [false, true, true, true]);
    }

    #[test]
    fn corrupted_strings_are_errors() {
        let mut negative = VecBuffer::from(vec![0xFF, 0xFF, 0xFF, 0xFF, b'a']);
        assert!(matches!(
            negative.read_string(0),
            Err(Error::InvalidLength {
                offset: 0,
                length: -1,
                ..
            })
        ));
        let mut too_long = VecBuffer::from(vec![2, 0, 0, 0, b'a']);
        assert!(matches!(
            too_long.read_string(0),
            Err(Error::InvalidLength {
                offset: 0,
                length: 2,
                ..
            })
        ));
        let mut not_utf8 = VecBuffer::from(vec![2, 0, 0, 0, 0xC3, 0x28]);
        assert!(matches!(
            not_utf8.read_string(0),
            Err(Error::InvalidUtf8 { offset: 0, .. })
        ));
    }

    #[test]
    fn a_write_at_an_overflowing_offset_is_an_error() {
        let mut buf = VecBuffer::new();
        assert!(matches!(
            buf.write_int32(usize::MAX - 1, 1),
            Err(Error::OutOfBounds { .. })
        ));
        assert!(buf.is_empty());
    }
}

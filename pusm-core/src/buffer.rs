//! The ten primitive operations every pusm transport offers, and a block
//! read built on them.

use crate::{Error, Result};

/// Memory that pusm messages can be read from and written to at byte offsets.
///
/// These are exactly the seed's five primitives, read and written the seed's
/// way: every read takes an offset and returns `(value, next_offset)`, every
/// write takes an offset and a value and returns the next offset. Serializers
/// (derived or generated) are written against this trait, so they run on a
/// [`SharedMemory`](crate::SharedMemory), on an in-process
/// [`VecBuffer`](crate::VecBuffer), or on any transport you implement it for.
/// An implementation provides the ten primitives; it may also override
/// [`read_bytes_into`](SharedBuffer::read_bytes_into), which serializers use
/// to read fixed-size blocks without allocating.
///
/// Reads take `&mut self` because a shared memory may have to wait for
/// control, or switch to a resized file, before it can read.
///
/// ```
/// use pusm_core::{SharedBuffer, VecBuffer};
///
/// let mut buf = VecBuffer::new();
/// let next = buf.write_int32(0, 7)?;
/// let next = buf.write_string(next, "héllo")?;
/// assert_eq!(next, 4 + 4 + 6);
///
/// let (n, at) = buf.read_int32(0)?;
/// let (s, _) = buf.read_string(at)?;
/// assert_eq!((n, s.as_str()), (7, "héllo"));
/// # Ok::<(), pusm_core::Error>(())
/// ```
pub trait SharedBuffer {
    /// Reads a bool (one byte; non-zero is true).
    fn read_bool(&mut self, offset: usize) -> Result<(bool, usize)>;
    /// Reads a little-endian int32.
    fn read_int32(&mut self, offset: usize) -> Result<(i32, usize)>;
    /// Reads a little-endian IEEE 754 float32.
    fn read_float32(&mut self, offset: usize) -> Result<(f32, usize)>;
    /// Reads an int32 byte length, then that many bytes of UTF-8.
    fn read_string(&mut self, offset: usize) -> Result<(String, usize)>;
    /// Reads `len` raw bytes (no length prefix).
    fn read_bytes(&mut self, offset: usize, len: usize) -> Result<(Vec<u8>, usize)>;
    /// Writes a bool as one byte, 0 or 1.
    fn write_bool(&mut self, offset: usize, value: bool) -> Result<usize>;
    /// Writes a little-endian int32.
    fn write_int32(&mut self, offset: usize, value: i32) -> Result<usize>;
    /// Writes a little-endian IEEE 754 float32.
    fn write_float32(&mut self, offset: usize, value: f32) -> Result<usize>;
    /// Writes an int32 byte length, then the UTF-8 bytes of `value`.
    fn write_string(&mut self, offset: usize, value: &str) -> Result<usize>;
    /// Writes raw bytes (no length prefix).
    fn write_bytes(&mut self, offset: usize, value: &[u8]) -> Result<usize>;

    /// Reads `dst.len()` raw bytes at `offset` into `dst`; returns the offset
    /// just past them.
    ///
    /// The same bytes and the same errors as [`read_bytes`](SharedBuffer::read_bytes),
    /// without allocating: serializers read fixed-size blocks of a message
    /// through it. The default goes through `read_bytes`;
    /// [`VecBuffer`](crate::VecBuffer) and [`SharedMemory`](crate::SharedMemory)
    /// copy straight into `dst`.
    ///
    /// ```
    /// use pusm_core::{SharedBuffer, VecBuffer};
    ///
    /// let mut buf = VecBuffer::from(vec![1, 2, 3, 4, 5]);
    /// let mut block = [0u8; 3];
    /// assert_eq!(buf.read_bytes_into(1, &mut block)?, 4);
    /// assert_eq!(block, [2, 3, 4]);
    /// assert!(buf.read_bytes_into(3, &mut block).is_err());
    /// # Ok::<(), pusm_core::Error>(())
    /// ```
    fn read_bytes_into(&mut self, offset: usize, dst: &mut [u8]) -> Result<usize> {
        let (bytes, next) = self.read_bytes(offset, dst.len())?;
        if bytes.len() != dst.len() {
            return Err(Error::InvalidLength {
                offset,
                length: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                reason: "read_bytes returned another number of bytes than asked for",
            });
        }
        dst.copy_from_slice(&bytes);
        Ok(next)
    }
}

//! The ten primitive operations every pusm transport offers.

use crate::Result;

/// Memory that pusm messages can be read from and written to at byte offsets.
///
/// These are exactly the seed's five primitives, read and written the seed's
/// way: every read takes an offset and returns `(value, next_offset)`, every
/// write takes an offset and a value and returns the next offset. Serializers
/// (derived or generated) are written against this trait, so they run on a
/// [`SharedMemory`](crate::SharedMemory), on an in-process
/// [`VecBuffer`](crate::VecBuffer), or on any transport you implement it for.
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
}

//! A mapped data file: the bytes messages live in.

use std::path::{Path, PathBuf};
use std::ptr;

use memmap2::{MmapOptions, MmapRaw};

use super::files;
use crate::codec::{self, ByteStore};
use crate::{Error, Result};

/// One data file (`prefix` + N underscores), mapped whole.
///
/// The bytes are shared with another process, so they are only ever touched
/// through raw-pointer copies, never through a Rust reference: the peer may
/// change them whenever it holds control.
pub(crate) struct DataFile {
    map: MmapRaw,
    capacity: usize,
    number: usize,
    path: PathBuf,
}

impl DataFile {
    /// Creates data file `number` with `capacity` zero bytes.
    pub(crate) fn create(dir: &Path, prefix: &str, number: usize, capacity: usize) -> Result<Self> {
        let path = dir.join(files::data_file_name(prefix, number));
        let file = files::create_exclusive(&path, capacity as u64)?;
        Self::map(&file, path, number, capacity)
    }

    /// Opens data file `number`, which must hold at least `capacity` bytes.
    /// `Ok(None)` when it does not exist (yet).
    pub(crate) fn open(
        dir: &Path,
        prefix: &str,
        number: usize,
        capacity: usize,
    ) -> Result<Option<Self>> {
        let path = dir.join(files::data_file_name(prefix, number));
        let Some(file) = files::open_existing(&path)? else {
            return Ok(None);
        };
        let len = file
            .metadata()
            .map_err(|err| Error::io("cannot inspect", &path, err))?
            .len();
        if len < capacity as u64 {
            return Err(Error::CorruptFile {
                path,
                reason: format!("the data file has {len} bytes but the hook says {capacity}"),
            });
        }
        Self::map(&file, path, number, capacity).map(Some)
    }

    fn map(file: &std::fs::File, path: PathBuf, number: usize, capacity: usize) -> Result<Self> {
        let map = MmapOptions::new()
            .len(capacity)
            .map_raw(file)
            .map_err(|err| Error::io("cannot map", &path, err))?;
        Ok(DataFile {
            map,
            capacity,
            number,
            path,
        })
    }

    #[inline]
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    #[inline]
    pub(crate) fn number(&self) -> usize {
        self.number
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Copies all of `other` (which is smaller) to the start of `self`.
    pub(crate) fn copy_from(&mut self, other: &DataFile) {
        let len = other.capacity.min(self.capacity);
        // SAFETY: both mappings are live for this call and at least `len` bytes
        // long; they are distinct mappings of distinct files, so they do not
        // overlap. This side holds control, so the peer is not writing either.
        unsafe { ptr::copy_nonoverlapping(other.map.as_ptr(), self.map.as_mut_ptr(), len) }
    }
}

impl ByteStore for DataFile {
    #[inline]
    fn len(&self) -> usize {
        self.capacity
    }

    #[inline]
    fn copy_out(&self, offset: usize, dst: &mut [u8]) {
        debug_assert!(offset + dst.len() <= self.capacity);
        // SAFETY: callers check `offset + dst.len() <= capacity` (codec::checked_end),
        // and the mapping is `capacity` bytes long and live while `self` is. `dst`
        // is a distinct, exclusively borrowed buffer, so the ranges cannot overlap.
        unsafe {
            ptr::copy_nonoverlapping(self.map.as_ptr().add(offset), dst.as_mut_ptr(), dst.len())
        }
    }

    #[inline]
    fn to_vec(&self, offset: usize, len: usize) -> Vec<u8> {
        debug_assert!(offset + len <= self.capacity);
        let mut out = Vec::with_capacity(len);
        // SAFETY: the source range is in bounds (checked by the caller, as in
        // `copy_out`); `out` has room for `len` bytes, and `set_len` runs only
        // after all `len` bytes are initialized by the copy.
        unsafe {
            ptr::copy_nonoverlapping(self.map.as_ptr().add(offset), out.as_mut_ptr(), len);
            out.set_len(len);
        }
        out
    }

    #[inline]
    fn make_room(&mut self, offset: usize, len: usize) -> Result<()> {
        codec::checked_end(offset, len, self.capacity).map(|_| ())
    }

    #[inline]
    fn copy_in(&mut self, offset: usize, src: &[u8]) {
        debug_assert!(offset + src.len() <= self.capacity);
        // SAFETY: `make_room` checked the range against the mapping's length, the
        // mapping is live and writable, and `src` is ordinary process memory, so
        // it cannot overlap the mapping.
        unsafe {
            ptr::copy_nonoverlapping(src.as_ptr(), self.map.as_mut_ptr().add(offset), src.len())
        }
    }
}

//! [`SharedLayout`] for the building blocks of every message.

use pusm_layout::{wire, Layout};

use super::block::Block;
use super::SharedLayout;
use crate::codec::{decode_length, encode_length};
use crate::{Error, Result, SharedBuffer};

impl SharedLayout for bool {
    const LAYOUT: &'static Layout<'static> = &Layout::Bool;

    #[inline]
    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        buf.write_bool(offset, *self)
    }
    #[inline]
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        buf.read_bool(offset)
    }
    #[inline]
    fn encoded_len(&self) -> usize {
        wire::BOOL_SIZE
    }
}

/// Elements per `read_bytes_into`/`write_bytes` of a run of fixed-size
/// primitives: one call for a typical list, a bounded buffer for a huge one.
/// (The calls, and so the errors a short memory reports, are the same for
/// every buffer.)
const RUN_CHUNK: usize = 1024;

/// The elements of a short run: its chunk is staged in a small stack buffer,
/// so that a list of a few dozen floats does not clear 4 KiB to copy 200 bytes.
const SHORT_RUN: usize = 64;

/// Writes one chunk (at most `BYTES / 4` elements) of a run of 4-byte
/// primitives with one `write_bytes`, staged in a `BYTES`-byte stack buffer.
#[inline]
fn write_chunk<B: SharedBuffer + ?Sized, const BYTES: usize>(
    encoded: impl ExactSizeIterator<Item = [u8; 4]>,
    buf: &mut B,
    offset: usize,
) -> Result<usize> {
    let mut bytes = [0u8; BYTES];
    let used = encoded.len().min(BYTES / 4) * 4;
    for (slot, item) in bytes.chunks_exact_mut(4).zip(encoded) {
        slot.copy_from_slice(&item);
    }
    buf.write_bytes(offset, &bytes[..used])
}

/// Reads `count` (at most `BYTES / 4`) 4-byte primitives at `offset` with one
/// `read_bytes_into` of a `BYTES`-byte stack buffer, and appends them to `out`.
#[inline]
fn read_chunk<B: SharedBuffer + ?Sized, T: Copy + Default, const BYTES: usize>(
    buf: &mut B,
    offset: usize,
    count: usize,
    decode: impl Fn([u8; 4]) -> T,
    out: &mut Vec<T>,
) -> Result<usize> {
    let mut bytes = [0u8; BYTES];
    let used = &mut bytes[..count.min(BYTES / 4) * 4];
    let next = buf.read_bytes_into(offset, used)?;
    // Room first, then a plain loop over two slices, which compiles to a
    // vectorized copy (an `extend` from the chunks goes element by element).
    let start = out.len();
    out.resize(start + used.len() / 4, T::default());
    for (slot, b) in out[start..].iter_mut().zip(used.chunks_exact(4)) {
        *slot = decode([b[0], b[1], b[2], b[3]]);
    }
    Ok(next)
}

/// `SharedLayout` for a 4-byte little-endian primitive, with runs (lists and
/// arrays of it) copied as blocks rather than element by element.
macro_rules! four_byte_primitive {
    ($ty:ty, $layout:expr, $read:ident, $write:ident) => {
        impl SharedLayout for $ty {
            const LAYOUT: &'static Layout<'static> = &$layout;

            #[inline]
            fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
                buf.$write(offset, *self)
            }
            #[inline]
            fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
                buf.$read(offset)
            }
            #[inline]
            fn encoded_len(&self) -> usize {
                4
            }
            #[inline]
            fn write_run<B: SharedBuffer + ?Sized>(
                items: &[Self],
                buf: &mut B,
                offset: usize,
            ) -> Result<usize> {
                let mut at = offset;
                for chunk in items.chunks(RUN_CHUNK) {
                    let encoded = chunk.iter().map(|item| item.to_le_bytes());
                    at = if chunk.len() <= SHORT_RUN {
                        write_chunk::<B, { SHORT_RUN * 4 }>(encoded, buf, at)?
                    } else {
                        write_chunk::<B, { RUN_CHUNK * 4 }>(encoded, buf, at)?
                    };
                }
                Ok(at)
            }
            #[inline]
            fn read_run<B: SharedBuffer + ?Sized>(
                buf: &mut B,
                offset: usize,
                count: usize,
                out: &mut Vec<Self>,
            ) -> Result<usize> {
                let mut at = offset;
                let mut left = count;
                while left > 0 {
                    let n = left.min(RUN_CHUNK);
                    at = if n <= SHORT_RUN {
                        read_chunk::<B, $ty, { SHORT_RUN * 4 }>(
                            buf,
                            at,
                            n,
                            <$ty>::from_le_bytes,
                            out,
                        )?
                    } else {
                        read_chunk::<B, $ty, { RUN_CHUNK * 4 }>(
                            buf,
                            at,
                            n,
                            <$ty>::from_le_bytes,
                            out,
                        )?
                    };
                    left -= n;
                }
                Ok(at)
            }
        }
    };
}

four_byte_primitive!(i32, Layout::Int32, read_int32, write_int32);
four_byte_primitive!(f32, Layout::Float32, read_float32, write_float32);

/// `string`: int32 byte length, then UTF-8.
impl SharedLayout for String {
    const LAYOUT: &'static Layout<'static> = &Layout::String;

    #[inline]
    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        buf.write_string(offset, self)
    }
    #[inline]
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        buf.read_string(offset)
    }
    #[inline]
    fn encoded_len(&self) -> usize {
        wire::LENGTH_SIZE + self.len()
    }
}

/// `bytes`: int32 length, then raw bytes. (`Vec<T>` for any other `T` is a list.)
impl SharedLayout for Vec<u8> {
    const LAYOUT: &'static Layout<'static> = &Layout::Bytes;

    #[inline]
    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        let next = buf.write_int32(offset, encode_length(self.len(), offset)?)?;
        buf.write_bytes(next, self)
    }
    #[inline]
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        let (raw, next) = buf.read_int32(offset)?;
        let len = decode_length(raw, offset)?;
        buf.read_bytes(next, len)
    }
    #[inline]
    fn encoded_len(&self) -> usize {
        wire::LENGTH_SIZE + self.len()
    }
}

/// The most elements a list read reserves room for before it has read them:
/// a corrupted count must fail on the bytes, not on an allocation.
const MAX_PREALLOCATED_ELEMENTS: usize = 4096;

/// `[T]`: int32 element count, then the elements.
impl<T: SharedLayout> SharedLayout for Vec<T> {
    const LAYOUT: &'static Layout<'static> = &Layout::List(T::LAYOUT);

    #[inline]
    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        let at = buf.write_int32(offset, encode_length(self.len(), offset)?)?;
        T::write_run(self, buf, at)
    }
    #[inline]
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        let (raw, at) = buf.read_int32(offset)?;
        let count = decode_length(raw, offset)?;
        let mut items = Vec::with_capacity(count.min(MAX_PREALLOCATED_ELEMENTS));
        let at = T::read_run(buf, at, count, &mut items)?;
        Ok((items, at))
    }
    #[inline]
    fn encoded_len(&self) -> usize {
        wire::LENGTH_SIZE
            + match T::LAYOUT.fixed_size() {
                Some(size) => size * self.len(),
                None => self.iter().map(SharedLayout::encoded_len).sum::<usize>(),
            }
    }
}

/// `[T; N]`: exactly `N` elements, no count.
impl<T: SharedLayout, const N: usize> SharedLayout for [T; N] {
    const LAYOUT: &'static Layout<'static> = &Layout::Array(T::LAYOUT, N);

    #[inline]
    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        T::write_run(self, buf, offset)
    }
    #[inline]
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        let mut items = Vec::with_capacity(N.min(MAX_PREALLOCATED_ELEMENTS));
        let at = T::read_run(buf, offset, N, &mut items)?;
        // read_run pushed exactly N items, so the conversion cannot fail.
        let array = <[T; N]>::try_from(items).map_err(|items| Error::InvalidLength {
            offset,
            length: items.len() as i64,
            reason: "an array decoded to the wrong number of elements",
        })?;
        Ok((array, at))
    }
    #[inline]
    fn encoded_len(&self) -> usize {
        match T::LAYOUT.fixed_size() {
            Some(size) => size * N,
            None => self.iter().map(SharedLayout::encoded_len).sum(),
        }
    }
    #[inline]
    fn write_in_block(&self, block: &mut Block<'_>, offset: usize) -> Result<usize> {
        // Element by element: the block is already the staging buffer that
        // `write_run` of a primitive would copy through.
        let mut at = offset;
        for item in self {
            at = item.write_in_block(block, at)?;
        }
        Ok(at)
    }
}

/// `[T; N]` kept on the heap: the same bytes and fingerprint as `[T; N]`,
/// decoded into a `Vec` and turned into the box without the array ever
/// being on the stack. Big fixed arrays (`[[i32; 65536]; 16]`, 4 MiB) use
/// it, so that reading them cannot overflow the stack.
impl<T: SharedLayout, const N: usize> SharedLayout for Box<[T; N]> {
    const LAYOUT: &'static Layout<'static> = &Layout::Array(T::LAYOUT, N);

    #[inline]
    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        (**self).write(buf, offset)
    }
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        let mut items = Vec::with_capacity(N.min(MAX_PREALLOCATED_ELEMENTS));
        let at = T::read_run(buf, offset, N, &mut items)?;
        let array = Box::<[T; N]>::try_from(items.into_boxed_slice()).map_err(|items| {
            Error::InvalidLength {
                offset,
                length: items.len() as i64,
                reason: "an array decoded to the wrong number of elements",
            }
        })?;
        Ok((array, at))
    }
    #[inline]
    fn encoded_len(&self) -> usize {
        (**self).encoded_len()
    }
}

/// `T?`: a presence bool, then the value when present.
impl<T: SharedLayout> SharedLayout for Option<T> {
    const LAYOUT: &'static Layout<'static> = &Layout::Optional(T::LAYOUT);

    #[inline]
    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        let next = buf.write_bool(offset, self.is_some())?;
        match self {
            Some(value) => value.write(buf, next),
            None => Ok(next),
        }
    }
    #[inline]
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        let (present, next) = buf.read_bool(offset)?;
        if present {
            let (value, next) = T::read(buf, next)?;
            Ok((Some(value), next))
        } else {
            Ok((None, next))
        }
    }
    #[inline]
    fn encoded_len(&self) -> usize {
        wire::BOOL_SIZE + self.as_ref().map_or(0, SharedLayout::encoded_len)
    }
}

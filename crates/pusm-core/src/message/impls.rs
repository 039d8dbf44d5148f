//! [`SharedLayout`] for the building blocks of every message.

use pusm_layout::{wire, Layout};

use super::SharedLayout;
use crate::codec::{decode_length, encode_length};
use crate::{Error, Result, SharedBuffer};

impl SharedLayout for bool {
    const LAYOUT: &'static Layout<'static> = &Layout::Bool;

    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        buf.write_bool(offset, *self)
    }
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        buf.read_bool(offset)
    }
    fn encoded_len(&self) -> usize {
        wire::BOOL_SIZE
    }
}

/// Elements per `read_bytes`/`write_bytes` of a run of fixed-size primitives:
/// one call for a typical list, a bounded buffer for a huge one.
const RUN_CHUNK: usize = 1024;

/// `SharedLayout` for a 4-byte little-endian primitive, with runs (lists and
/// arrays of it) copied as blocks rather than element by element.
macro_rules! four_byte_primitive {
    ($ty:ty, $layout:expr, $read:ident, $write:ident) => {
        impl SharedLayout for $ty {
            const LAYOUT: &'static Layout<'static> = &$layout;

            fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
                buf.$write(offset, *self)
            }
            fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
                buf.$read(offset)
            }
            fn encoded_len(&self) -> usize {
                4
            }
            fn write_run<B: SharedBuffer + ?Sized>(
                items: &[Self],
                buf: &mut B,
                offset: usize,
            ) -> Result<usize> {
                let mut bytes = [0u8; RUN_CHUNK * 4];
                let mut at = offset;
                for chunk in items.chunks(RUN_CHUNK) {
                    for (slot, item) in bytes.chunks_exact_mut(4).zip(chunk) {
                        slot.copy_from_slice(&item.to_le_bytes());
                    }
                    at = buf.write_bytes(at, &bytes[..chunk.len() * 4])?;
                }
                Ok(at)
            }
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
                    let (bytes, next) = buf.read_bytes(at, n * 4)?;
                    out.extend(
                        bytes
                            .chunks_exact(4)
                            .map(|b| <$ty>::from_le_bytes([b[0], b[1], b[2], b[3]])),
                    );
                    at = next;
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

    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        buf.write_string(offset, self)
    }
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        buf.read_string(offset)
    }
    fn encoded_len(&self) -> usize {
        wire::LENGTH_SIZE + self.len()
    }
}

/// `bytes`: int32 length, then raw bytes. (`Vec<T>` for any other `T` is a list.)
impl SharedLayout for Vec<u8> {
    const LAYOUT: &'static Layout<'static> = &Layout::Bytes;

    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        let next = buf.write_int32(offset, encode_length(self.len(), offset)?)?;
        buf.write_bytes(next, self)
    }
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        let (raw, next) = buf.read_int32(offset)?;
        let len = decode_length(raw, offset)?;
        buf.read_bytes(next, len)
    }
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

    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        let at = buf.write_int32(offset, encode_length(self.len(), offset)?)?;
        T::write_run(self, buf, at)
    }
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        let (raw, at) = buf.read_int32(offset)?;
        let count = decode_length(raw, offset)?;
        let mut items = Vec::with_capacity(count.min(MAX_PREALLOCATED_ELEMENTS));
        let at = T::read_run(buf, at, count, &mut items)?;
        Ok((items, at))
    }
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

    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        T::write_run(self, buf, offset)
    }
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
    fn encoded_len(&self) -> usize {
        match T::LAYOUT.fixed_size() {
            Some(size) => size * N,
            None => self.iter().map(SharedLayout::encoded_len).sum(),
        }
    }
}

/// `T?`: a presence bool, then the value when present.
impl<T: SharedLayout> SharedLayout for Option<T> {
    const LAYOUT: &'static Layout<'static> = &Layout::Optional(T::LAYOUT);

    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        let next = buf.write_bool(offset, self.is_some())?;
        match self {
            Some(value) => value.write(buf, next),
            None => Ok(next),
        }
    }
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        let (present, next) = buf.read_bool(offset)?;
        if present {
            let (value, next) = T::read(buf, next)?;
            Ok((Some(value), next))
        } else {
            Ok((None, next))
        }
    }
    fn encoded_len(&self) -> usize {
        wire::BOOL_SIZE + self.as_ref().map_or(0, SharedLayout::encoded_len)
    }
}

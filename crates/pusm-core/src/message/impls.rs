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

impl SharedLayout for i32 {
    const LAYOUT: &'static Layout<'static> = &Layout::Int32;

    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        buf.write_int32(offset, *self)
    }
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        buf.read_int32(offset)
    }
    fn encoded_len(&self) -> usize {
        wire::INT32_SIZE
    }
}

impl SharedLayout for f32 {
    const LAYOUT: &'static Layout<'static> = &Layout::Float32;

    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        buf.write_float32(offset, *self)
    }
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        buf.read_float32(offset)
    }
    fn encoded_len(&self) -> usize {
        wire::FLOAT32_SIZE
    }
}

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
        let mut at = buf.write_int32(offset, encode_length(self.len(), offset)?)?;
        for item in self {
            at = item.write(buf, at)?;
        }
        Ok(at)
    }
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        let (raw, mut at) = buf.read_int32(offset)?;
        let count = decode_length(raw, offset)?;
        let mut items = Vec::with_capacity(count.min(MAX_PREALLOCATED_ELEMENTS));
        for _ in 0..count {
            let (item, next) = T::read(buf, at)?;
            items.push(item);
            at = next;
        }
        Ok((items, at))
    }
    fn encoded_len(&self) -> usize {
        wire::LENGTH_SIZE + self.iter().map(SharedLayout::encoded_len).sum::<usize>()
    }
}

/// `[T; N]`: exactly `N` elements, no count.
impl<T: SharedLayout, const N: usize> SharedLayout for [T; N] {
    const LAYOUT: &'static Layout<'static> = &Layout::Array(T::LAYOUT, N);

    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        let mut at = offset;
        for item in self {
            at = item.write(buf, at)?;
        }
        Ok(at)
    }
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        let mut items = Vec::with_capacity(N.min(MAX_PREALLOCATED_ELEMENTS));
        let mut at = offset;
        for _ in 0..N {
            let (item, next) = T::read(buf, at)?;
            items.push(item);
            at = next;
        }
        // Exactly N items were pushed above, so the conversion cannot fail.
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

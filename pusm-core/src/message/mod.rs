//! Typed messages: the [`SharedLayout`] trait and its implementations for the
//! wire's building blocks.

pub(crate) mod block;
mod impls;

use pusm_layout::Layout;

use block::Block;

use crate::{Error, Result, SharedBuffer};

/// A Rust type with a pusm wire layout (`PROTOCOL.md`, section 8).
///
/// Implemented here for the building blocks (`bool`, `i32`, `f32`, `String`,
/// `Vec<u8>` as bytes, `Vec<T>` as a list, `[T; N]`, `Option<T>`), and derived
/// for your structs and enums with `#[derive(SharedLayout)]`. The schema code
/// generator emits types that derive it too, so a hand-written type and a
/// generated one with the same shape read and write the same bytes.
///
/// ```
/// use pusm_core::{SharedLayout, VecBuffer};
///
/// #[derive(SharedLayout, Debug, PartialEq)]
/// struct Vec3 {
///     x: f32,
///     y: f32,
///     z: f32,
/// }
///
/// #[derive(SharedLayout, Debug, PartialEq)]
/// struct Pose {
///     at: Vec3,
///     path: Vec<Vec3>,
/// }
///
/// let pose = Pose { at: Vec3 { x: 1.0, y: 2.0, z: 3.0 }, path: vec![] };
/// let mut buf = VecBuffer::new();
/// let end = pose.write_checked(&mut buf, 0)?;
/// assert_eq!(end, 4 + 12 + 4);
/// assert_eq!(pose.encoded_len(), 16);
///
/// let (back, _) = Pose::read_checked(&mut buf, 0)?;
/// assert_eq!(back, pose);
/// assert_eq!(
///     Pose::LAYOUT.signature(),
///     "Pose{at:Vec3{x:float32,y:float32,z:float32},path:[Vec3{x:float32,y:float32,z:float32}]}"
/// );
/// assert!(matches!(
///     Vec3::read_checked(&mut buf, 0),
///     Err(pusm_core::Error::SchemaMismatch { .. })
/// ));
/// # Ok::<(), pusm_core::Error>(())
/// ```
pub trait SharedLayout: Sized {
    /// The type's wire layout, nested types included.
    const LAYOUT: &'static Layout<'static>;

    /// The type's fingerprint: FNV-1a 32 of its signature (`PROTOCOL.md`,
    /// "Fingerprint"). A compile-time constant.
    const FINGERPRINT: u32 = Self::LAYOUT.fingerprint();

    /// Writes `self` at `offset`; returns the offset just past it.
    fn write<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize>;

    /// Reads a value at `offset`; returns it and the offset just past it.
    fn read<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)>;

    /// The number of bytes [`write`](SharedLayout::write) will use for `self`.
    fn encoded_len(&self) -> usize;

    /// Writes `items` one after another: the elements of a list or an array.
    /// The fixed-size primitives override it to write the whole run with one
    /// `write_bytes`; the bytes are the same.
    #[doc(hidden)]
    fn write_run<B: SharedBuffer + ?Sized>(
        items: &[Self],
        buf: &mut B,
        offset: usize,
    ) -> Result<usize> {
        let mut at = offset;
        for item in items {
            at = item.write(buf, at)?;
        }
        Ok(at)
    }

    /// Reads `count` values one after another into `out`: the elements of a
    /// list or an array. The fixed-size primitives override it to read the
    /// run in a few `read_bytes`.
    #[doc(hidden)]
    fn read_run<B: SharedBuffer + ?Sized>(
        buf: &mut B,
        offset: usize,
        count: usize,
        out: &mut Vec<Self>,
    ) -> Result<usize> {
        let mut at = offset;
        for _ in 0..count {
            let (item, next) = Self::read(buf, at)?;
            out.push(item);
            at = next;
        }
        Ok(at)
    }

    /// Writes `self` into the block of a derived struct's run of fixed-size
    /// fields (see `write_block`). It exists so that a derived struct nested
    /// in such a run (`position: Vec3`) writes its fields straight into the
    /// outer block instead of staging a block of its own; derived structs and
    /// arrays override it, and the default is [`write`](SharedLayout::write).
    #[doc(hidden)]
    #[inline]
    fn write_in_block(&self, block: &mut Block<'_>, offset: usize) -> Result<usize> {
        self.write(block, offset)
    }

    /// Reads a value from the block of a derived struct's run of fixed-size
    /// fields (see `read_block`), the counterpart of `write_in_block`: a
    /// nested derived struct decodes its fields from the outer block instead
    /// of copying a block of its own. The default is [`read`](SharedLayout::read).
    #[doc(hidden)]
    #[inline]
    fn read_in_block(block: &mut Block<'_>, offset: usize) -> Result<(Self, usize)> {
        Self::read(block, offset)
    }

    /// Writes the fingerprint (as an int32 with the same bits), then `self`.
    fn write_checked<B: SharedBuffer + ?Sized>(&self, buf: &mut B, offset: usize) -> Result<usize> {
        let next = buf.write_int32(offset, fingerprint_bits(Self::FINGERPRINT))?;
        self.write(buf, next)
    }

    /// Reads a fingerprint and, when it is this type's, the value after it;
    /// otherwise fails with [`Error::SchemaMismatch`] naming both fingerprints.
    fn read_checked<B: SharedBuffer + ?Sized>(buf: &mut B, offset: usize) -> Result<(Self, usize)> {
        let (found, next) = buf.read_int32(offset)?;
        let found = found as u32;
        if found != Self::FINGERPRINT {
            return Err(Error::SchemaMismatch {
                expected: Self::FINGERPRINT,
                found,
            });
        }
        Self::read(buf, next)
    }
}

/// The int32 that carries a fingerprint on the wire: the same 32 bits.
#[must_use]
pub const fn fingerprint_bits(fingerprint: u32) -> i32 {
    fingerprint as i32
}

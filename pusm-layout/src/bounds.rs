//! Bounds a schema must respect so that no message can make a reader do
//! unbounded work: every value fits the largest capacity, and a reader never
//! builds more objects than the message has bytes (`docs/SCHEMA.md`, "Rules").

use crate::layout::Layout;
use crate::wire;

impl<'a> Layout<'a> {
    /// The fewest bytes any value of this type takes, like
    /// [`Layout::min_size`], but `None` when that number overflows `usize`
    /// instead of saturating.
    ///
    /// ```
    /// use pusm_layout::Layout;
    /// let row = Layout::Array(&Layout::Int32, 65_536);
    /// assert_eq!(Layout::Array(&row, 65_536).checked_min_size(), Some(1 << 34));
    /// assert_eq!(Layout::Array(&Layout::Int32, usize::MAX).checked_min_size(), None);
    /// ```
    #[must_use]
    pub const fn checked_min_size(&self) -> Option<usize> {
        match *self {
            Layout::Bool => Some(wire::BOOL_SIZE),
            Layout::Int32 | Layout::Enum(_) => Some(wire::INT32_SIZE),
            Layout::Float32 => Some(wire::FLOAT32_SIZE),
            Layout::String | Layout::Bytes | Layout::List(_) => Some(wire::LENGTH_SIZE),
            Layout::Optional(_) => Some(wire::BOOL_SIZE),
            Layout::Array(element, len) => match element.checked_min_size() {
                Some(size) => size.checked_mul(len),
                None => None,
            },
            Layout::Struct(def) => {
                let mut total: usize = 0;
                let mut i = 0;
                while i < def.fields.len() {
                    total = match def.fields[i].layout.checked_min_size() {
                        Some(size) => match total.checked_add(size) {
                            Some(sum) => sum,
                            None => return None,
                        },
                        None => return None,
                    };
                    i += 1;
                }
                Some(total)
            }
        }
    }

    /// Whether some value of this type fits in the largest capacity
    /// ([`wire::MAX_CAPACITY`]): false when even the smallest value is larger,
    /// like `[[int32; 65536]; 65536]` (16 GiB). No message of such a type can
    /// ever be sent, so the schema language rejects it.
    ///
    /// ```
    /// use pusm_layout::Layout;
    /// let row = Layout::Array(&Layout::Int32, 65_536);
    /// assert!(Layout::Array(&row, 8_191).fits_capacity());
    /// assert!(!Layout::Array(&row, 65_536).fits_capacity());
    /// ```
    #[must_use]
    pub const fn fits_capacity(&self) -> bool {
        match self.checked_min_size() {
            Some(size) => size <= wire::MAX_CAPACITY,
            None => false,
        }
    }

    /// The most objects a reader builds for one value of this type, less the
    /// bytes that value takes on the wire, over every value of the type;
    /// [`i64::MAX`] when there is no bound (a list whose elements have a
    /// positive surplus).
    ///
    /// An *object* is what generated Python and C# allocate: a struct, a
    /// fixed array, a list, a string or a bytes value. Bools, numbers and
    /// enums are not counted: each pays for itself with its own bytes.
    ///
    /// A type with a surplus of zero or less never builds more objects than it
    /// has bytes: the rule behind [`Layout::amplifier`].
    ///
    /// ```
    /// use pusm_layout::{Layout, StructLayout};
    /// const EMPTY: StructLayout<'static> = StructLayout { name: "E", fields: &[] };
    /// let empty = Layout::Struct(&EMPTY);
    /// assert_eq!(empty.object_surplus(), 1); // one object from no bytes
    /// assert_eq!(Layout::Array(&empty, 3).object_surplus(), 4);
    /// assert_eq!(Layout::Optional(&Layout::Int32).object_surplus(), -1);
    /// assert_eq!(Layout::String.object_surplus(), -3);
    /// assert_eq!(Layout::List(&empty).object_surplus(), i64::MAX);
    /// ```
    #[must_use]
    pub const fn object_surplus(&self) -> i64 {
        match *self {
            Layout::Bool => -(wire::BOOL_SIZE as i64),
            Layout::Int32 | Layout::Enum(_) => -(wire::INT32_SIZE as i64),
            Layout::Float32 => -(wire::FLOAT32_SIZE as i64),
            // The smallest string or list has the most objects per byte:
            // more characters or elements each cost at least one byte more
            // (elements: when their own surplus is at most zero).
            Layout::String | Layout::Bytes => 1 - wire::LENGTH_SIZE as i64,
            Layout::List(element) => {
                if element.object_surplus() > 0 {
                    i64::MAX
                } else {
                    1 - wire::LENGTH_SIZE as i64
                }
            }
            Layout::Array(element, len) => {
                let len = if len > i64::MAX as usize {
                    i64::MAX
                } else {
                    len as i64
                };
                surplus_add(surplus_mul(element.object_surplus(), len), 1)
            }
            Layout::Optional(inner) => {
                let present = inner.object_surplus();
                let present = if present > 0 { present } else { 0 };
                surplus_add(present, -(wire::BOOL_SIZE as i64))
            }
            Layout::Struct(def) => {
                let mut total: i64 = 1;
                let mut i = 0;
                while i < def.fields.len() {
                    total = surplus_add(total, def.fields[i].layout.object_surplus());
                    i += 1;
                }
                total
            }
        }
    }

    /// The innermost list element or optional value inside this type that
    /// can build more objects than it takes bytes ([`Layout::object_surplus`]
    /// above zero), looking through arrays, lists and optionals but not into
    /// structs: each struct is checked on its own, so a list of a struct that
    /// is unbounded because of a list inside it is reported there, once.
    ///
    /// A list repeats its element as often as the wire's count says, so such
    /// an element lets a few bytes build millions of objects: `[[E; 65536]?]`
    /// (with `E` an empty struct) builds 65,537 per byte, `[E]` two billion
    /// from four bytes. An optional of such a value (`E?`) is only a flag on
    /// the wire. The schema language rejects both.
    ///
    /// ```
    /// use pusm_layout::{Layout, StructLayout};
    /// const EMPTY: StructLayout<'static> = StructLayout { name: "E", fields: &[] };
    /// let empty = Layout::Struct(&EMPTY);
    /// let many = Layout::Array(&empty, 65_536);
    /// let maybe = Layout::Optional(&many);
    /// assert_eq!(Layout::List(&maybe).amplifier(), Some(&many));
    /// assert_eq!(Layout::List(&Layout::Bool).amplifier(), None);
    /// ```
    #[must_use]
    pub fn amplifier(&self) -> Option<&Layout<'a>> {
        match *self {
            Layout::List(inner) | Layout::Optional(inner) => match inner.amplifier() {
                Some(deeper) => Some(deeper),
                // No bound without a deeper cause: the cause is in a struct,
                // which is reported on its own.
                None if inner.object_surplus() == i64::MAX => None,
                None if inner.object_surplus() > 0 => Some(inner),
                None => None,
            },
            Layout::Array(element, _) => element.amplifier(),
            Layout::Bool
            | Layout::Int32
            | Layout::Float32
            | Layout::String
            | Layout::Bytes
            | Layout::Enum(_)
            | Layout::Struct(_) => None,
        }
    }

    /// The innermost type inside this one, looking through arrays, lists and
    /// optionals but not into structs, whose smallest value does not fit the
    /// largest capacity ([`Layout::fits_capacity`]); `None` when every one fits.
    ///
    /// ```
    /// use pusm_layout::Layout;
    /// let row = Layout::Array(&Layout::Int32, 65_536);
    /// let grid = Layout::Array(&row, 65_536);
    /// assert_eq!(Layout::List(&grid).too_big(), Some(&grid));
    /// assert_eq!(Layout::List(&row).too_big(), None);
    /// ```
    #[must_use]
    pub fn too_big(&self) -> Option<&Layout<'a>> {
        let inner = match *self {
            Layout::List(inner) | Layout::Optional(inner) | Layout::Array(inner, _) => {
                inner.too_big()
            }
            Layout::Bool
            | Layout::Int32
            | Layout::Float32
            | Layout::String
            | Layout::Bytes
            | Layout::Enum(_)
            | Layout::Struct(_) => None,
        };
        match inner {
            Some(inner) => Some(inner),
            None if !self.fits_capacity() => Some(self),
            None => None,
        }
    }
}

/// `a + b` where [`i64::MAX`] stands for "no bound" and stays so; a finite
/// sum saturates below it.
const fn surplus_add(a: i64, b: i64) -> i64 {
    if a == i64::MAX || b == i64::MAX {
        return i64::MAX;
    }
    let sum = a.saturating_add(b);
    if sum == i64::MAX {
        i64::MAX - 1
    } else {
        sum
    }
}

/// `surplus * count` (`count >= 0`) with the same convention as [`surplus_add`].
const fn surplus_mul(surplus: i64, count: i64) -> i64 {
    if count == 0 {
        return 0;
    }
    if surplus == i64::MAX {
        return i64::MAX;
    }
    let product = surplus.saturating_mul(count);
    if product == i64::MAX {
        i64::MAX - 1
    } else {
        product
    }
}

//! Fixed sizes: how many bytes a value takes when that does not depend on the value.
//!
//! Fixed-size runs are what code generators batch into one block copy (one
//! `struct.Struct` in Python, one `read_bytes` in Rust), so the rule lives here.

use crate::layout::Layout;
use crate::wire;

impl Layout<'_> {
    /// The encoded size in bytes when every value of this type has the same
    /// size, or `None` when the size depends on the value (strings, bytes,
    /// lists, optionals, and anything containing one).
    ///
    /// ```
    /// use pusm_layout::Layout;
    /// assert_eq!(Layout::Array(&Layout::Float32, 3).fixed_size(), Some(12));
    /// assert_eq!(Layout::List(&Layout::Float32).fixed_size(), None);
    /// ```
    #[must_use]
    pub const fn fixed_size(&self) -> Option<usize> {
        match *self {
            Layout::Bool => Some(wire::BOOL_SIZE),
            Layout::Int32 | Layout::Enum(_) => Some(wire::INT32_SIZE),
            Layout::Float32 => Some(wire::FLOAT32_SIZE),
            Layout::String | Layout::Bytes | Layout::List(_) | Layout::Optional(_) => None,
            Layout::Array(element, len) => match element.fixed_size() {
                Some(size) => size.checked_mul(len),
                None => None,
            },
            Layout::Struct(def) => {
                let mut total: usize = 0;
                let mut i = 0;
                while i < def.fields.len() {
                    total = match def.fields[i].layout.fixed_size_after(total) {
                        Some(sum) => sum,
                        None => return None,
                    };
                    i += 1;
                }
                Some(total)
            }
        }
    }

    /// The encoded size of values of `layouts` one after another (a run of
    /// consecutive struct fields) when every one has a fixed size, else `None`.
    ///
    /// Such a run always takes the same bytes at the same place, whatever the
    /// values: the derive copies it as one block.
    ///
    /// ```
    /// use pusm_layout::Layout;
    /// assert_eq!(Layout::fixed_size_of_run(&[&Layout::Int32, &Layout::Bool]), Some(5));
    /// assert_eq!(Layout::fixed_size_of_run(&[&Layout::Int32, &Layout::String]), None);
    /// assert_eq!(Layout::fixed_size_of_run(&[]), Some(0));
    /// ```
    #[must_use]
    pub const fn fixed_size_of_run(layouts: &[&Layout<'_>]) -> Option<usize> {
        let mut total: usize = 0;
        let mut i = 0;
        while i < layouts.len() {
            total = match layouts[i].fixed_size_after(total) {
                Some(sum) => sum,
                None => return None,
            };
            i += 1;
        }
        Some(total)
    }

    /// `total` plus this type's fixed size: the step of summing the sizes of
    /// consecutive values, `None` when this one has no fixed size or the sum
    /// overflows.
    const fn fixed_size_after(&self, total: usize) -> Option<usize> {
        match self.fixed_size() {
            Some(size) => total.checked_add(size),
            None => None,
        }
    }

    /// The fewest bytes any value of this type can take: the fixed size when
    /// there is one, else the size of its smallest value (an empty string, an
    /// absent optional, ...). Decoders use it to reject a corrupted count before
    /// allocating for it.
    #[must_use]
    pub const fn min_size(&self) -> usize {
        match *self {
            Layout::Bool => wire::BOOL_SIZE,
            Layout::Int32 | Layout::Enum(_) => wire::INT32_SIZE,
            Layout::Float32 => wire::FLOAT32_SIZE,
            Layout::String | Layout::Bytes | Layout::List(_) => wire::LENGTH_SIZE,
            Layout::Optional(_) => wire::BOOL_SIZE,
            Layout::Array(element, len) => element.min_size().saturating_mul(len),
            Layout::Struct(def) => {
                let mut total: usize = 0;
                let mut i = 0;
                while i < def.fields.len() {
                    total = total.saturating_add(def.fields[i].layout.min_size());
                    i += 1;
                }
                total
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Field, Layout, StructLayout};

    const INNER: StructLayout<'static> = StructLayout {
        name: "Inner",
        fields: &[
            Field {
                name: "flag",
                layout: &Layout::Bool,
            },
            Field {
                name: "count",
                layout: &Layout::Int32,
            },
        ],
    };
    const WITH_NAME: StructLayout<'static> = StructLayout {
        name: "WithName",
        fields: &[
            Field {
                name: "inner",
                layout: &Layout::Struct(&INNER),
            },
            Field {
                name: "name",
                layout: &Layout::String,
            },
        ],
    };
    const EMPTY: StructLayout<'static> = StructLayout {
        name: "Empty",
        fields: &[],
    };

    #[test]
    fn fixed_sizes() {
        assert_eq!(Layout::Bool.fixed_size(), Some(1));
        assert_eq!(Layout::Struct(&INNER).fixed_size(), Some(5));
        assert_eq!(
            Layout::Array(&Layout::Struct(&INNER), 4).fixed_size(),
            Some(20)
        );
        assert_eq!(Layout::Struct(&WITH_NAME).fixed_size(), None);
        assert_eq!(Layout::Optional(&Layout::Int32).fixed_size(), None);
        assert_eq!(Layout::Struct(&EMPTY).fixed_size(), Some(0));
        assert_eq!(Layout::Array(&Layout::Int32, usize::MAX).fixed_size(), None);
    }

    #[test]
    fn fixed_sizes_of_runs() {
        let inner = Layout::Struct(&INNER);
        let with_name = Layout::Struct(&WITH_NAME);
        let huge = Layout::Array(&Layout::Int32, usize::MAX / 4);
        assert_eq!(
            Layout::fixed_size_of_run(&[&inner, &Layout::Float32]),
            Some(9)
        );
        assert_eq!(Layout::fixed_size_of_run(&[&inner, &with_name]), None);
        assert_eq!(Layout::fixed_size_of_run(&[&huge, &huge]), None);
        assert_eq!(Layout::fixed_size_of_run(&[]), Some(0));
    }

    #[test]
    fn min_sizes() {
        assert_eq!(Layout::Struct(&WITH_NAME).min_size(), 9);
        assert_eq!(Layout::Optional(&Layout::Struct(&WITH_NAME)).min_size(), 1);
        assert_eq!(Layout::List(&Layout::Struct(&INNER)).min_size(), 4);
        assert_eq!(Layout::Array(&Layout::String, 3).min_size(), 12);
        assert_eq!(Layout::Struct(&EMPTY).min_size(), 0);
    }
}

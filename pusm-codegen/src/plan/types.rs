//! The plan's data types: steps, runs, fixed values, variable parts.

use pusm_schema::{TypeId, TypeRef};

/// How one struct (or one list element, optional value or array element that
/// is not fixed-size) is written and read: its steps in wire order.
///
/// Steps alternate between [`Step::Run`]s of fixed-size bytes and
/// [`Step::Var`] parts whose size depends on the value. The int32 length or
/// count, or the bool presence flag, in front of a string, bytes, list or
/// optional is the last item of the run just before it ([`RunItem::Prefix`]),
/// so a writer packs it with the run and a reader learns it with the run; a
/// run holding nothing but that prefix is made when no fixed data precedes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    /// The steps, in wire order.
    pub steps: Vec<Step>,
}

/// One step of a [`Body`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Consecutive fixed-size bytes: one block to read or write.
    Run(Run),
    /// A value whose size depends on the value.
    Var(VarPart),
}

/// Consecutive fixed-size data: `size` bytes, always at the same place
/// relative to the start of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The run's size in bytes (may be 0 when it holds only values that take
    /// no bytes, such as an empty struct).
    pub size: usize,
    /// What the run holds, in wire order; a [`RunItem::Prefix`], if any, is
    /// the last item.
    pub items: Vec<RunItem>,
}

/// One item of a [`Run`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunItem {
    /// A fixed-size value of the root (a field, or a field of a field, ...),
    /// or the root itself when the path is empty.
    Value {
        /// Where the value is, from the root.
        path: Path,
        /// The value's layout, offsets relative to the start of the run.
        value: Fixed,
    },
    /// The length, count or presence flag of the variable part that follows
    /// the run.
    Prefix(Prefix),
}

/// The int32 length or count, or bool presence flag, folded into the end of
/// a run: it belongs to the [`VarPart`] right after the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix {
    /// Its offset within the run.
    pub offset: usize,
    /// What it counts.
    pub kind: PrefixKind,
    /// The path of the variable value it belongs to (the same as that
    /// [`VarPart::path`]).
    pub path: Path,
}

/// What a [`Prefix`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrefixKind {
    /// int32 byte length of a string (its UTF-8) or bytes.
    Length,
    /// int32 element count of a list.
    Count,
    /// bool: whether an optional value follows.
    Presence,
}

/// A fixed-size value inside a run, with its offset.
///
/// Arrays never expand per element: `[[int32; 65536]; 65536]` is two
/// [`Fixed::Repeat`]s around one [`Fixed::Scalar`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fixed {
    /// A primitive leaf.
    Scalar {
        /// Offset of the leaf (relative to the run, or to the element of the
        /// enclosing repeat or list).
        offset: usize,
        /// Which primitive.
        scalar: Scalar,
    },
    /// A fixed-size struct: every field, in order, including fields that
    /// take no bytes.
    Struct {
        /// Offset of the struct's first byte.
        offset: usize,
        /// The struct type.
        ty: TypeId,
        /// Its fields, one per field of the struct, in declaration order
        /// (field `i` of the schema is `fields[i]`).
        fields: Vec<Fixed>,
    },
    /// A fixed-size struct too large to inline (see [`INLINE_LEAVES`]): its
    /// `size` bytes at `offset` are written and read by the struct type's
    /// own codec. The run's size covers them, so the run is still one block.
    ///
    /// [`INLINE_LEAVES`]: super::INLINE_LEAVES
    Nested {
        /// Offset of the struct's first byte.
        offset: usize,
        /// The struct type.
        ty: TypeId,
        /// Its encoded size in bytes.
        size: usize,
    },
    /// A fixed array `[T; count]` of fixed-size elements: element `i` is at
    /// `offset + i * stride`.
    Repeat {
        /// Offset of the first element.
        offset: usize,
        /// Number of elements.
        count: usize,
        /// Size of one element in bytes (0 for elements that take no bytes).
        stride: usize,
        /// The element, with offsets relative to the element's first byte.
        element: Box<Fixed>,
    },
}

impl Fixed {
    /// The schema type this value encodes (an array's element type, say,
    /// for an emitter declaring it).
    pub fn schema_type(&self) -> TypeRef {
        match self {
            Fixed::Scalar { scalar, .. } => match scalar {
                Scalar::Bool => TypeRef::Bool,
                Scalar::Int32 => TypeRef::Int32,
                Scalar::Float32 => TypeRef::Float32,
                Scalar::Enum(id) => TypeRef::Named(*id),
            },
            Fixed::Struct { ty, .. } | Fixed::Nested { ty, .. } => TypeRef::Named(*ty),
            Fixed::Repeat { count, element, .. } => {
                TypeRef::Array(Box::new(element.schema_type()), *count)
            }
        }
    }
}

/// A primitive wire value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// One byte, 0 or 1.
    Bool,
    /// Four bytes, little-endian.
    Int32,
    /// Four bytes, little-endian IEEE 754.
    Float32,
    /// An enum value: an int32 that must be one of the enum's values.
    Enum(TypeId),
}

/// A value whose size depends on the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarPart {
    /// Where the value is, from the root.
    pub path: Path,
    /// What it is.
    pub kind: VarKind,
}

/// The kinds of [`VarPart`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarKind {
    /// UTF-8 bytes; the [`PrefixKind::Length`] before it gives their number.
    String,
    /// Raw bytes; the [`PrefixKind::Length`] before it gives their number.
    Bytes,
    /// The elements of a list; the [`PrefixKind::Count`] before it gives
    /// their number.
    List(Element),
    /// The value of an optional, present when the [`PrefixKind::Presence`]
    /// flag before it is true.
    Optional(Element),
    /// A fixed array of elements that are not fixed-size: `count` times the
    /// element's own steps. No prefix.
    Array {
        /// Number of elements.
        count: usize,
        /// The element's steps (paths from the element).
        element: Body,
    },
    /// A variable-size struct too large to look through (see
    /// [`INLINE_LEAVES`]), written and read by its own type's codec. No
    /// prefix; a reader reads it with its own memory calls.
    ///
    /// [`INLINE_LEAVES`]: super::INLINE_LEAVES
    Nested(TypeId),
}

/// The element of a list, or the value of an optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// A fixed-size element: a list is one block of `count * size` bytes,
    /// an optional `size` bytes when present.
    Fixed {
        /// The element's size in bytes.
        size: usize,
        /// Its layout, offsets relative to the element's first byte.
        value: Fixed,
    },
    /// An element whose size depends on its value: its own steps, paths
    /// relative to the element.
    Var(Body),
}

/// Where a value is, from the root of a [`Body`]: the fields to go through.
/// Empty for the root itself (a list element that is a string, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Path(pub Vec<PathStep>);

/// One field access of a [`Path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathStep {
    /// The struct whose field this is.
    pub owner: TypeId,
    /// The index of the field in that struct's fields.
    pub field: usize,
}

/// How a reader reads a [`Body`]: one memory call per group.
///
/// Once a length, count or flag is known (from the run before), the bytes
/// of a string, bytes, list of fixed-size elements or optional fixed-size
/// value have a known size, and are read together with the run after them,
/// which ends with the next length or flag: one read per variable length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadGroup {
    /// The run at this step index, read alone.
    Run(usize),
    /// The variable part at step `var`, whose byte size is known from its
    /// prefix ([`VarPart::payload`]), read together with the run at step
    /// `run` (the next step) when there is one. Raw bytes are always read
    /// alone (`run` is `None`): the bytes read are then the value, with no
    /// second copy.
    Payload {
        /// Step index of the variable part.
        var: usize,
        /// Step index of the run that follows it, read in the same call.
        run: Option<usize>,
    },
    /// The variable part at this step index, which reads its own elements
    /// (elements that are not fixed-size, or an array of them).
    Var(usize),
}

/// The byte size of a variable part's bytes once its prefix is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadSize {
    /// The length prefix itself (strings, bytes).
    Length,
    /// The count prefix times this element size (lists of fixed-size elements).
    CountTimes(usize),
    /// This size when the presence flag is true, else 0 (optional fixed-size values).
    IfPresent(usize),
}

/// An item of [`Run::flat`]: a run's leaves with structs looked through,
/// arrays kept whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlatItem<'a> {
    /// A primitive at `offset` (within the run).
    Leaf {
        /// Offset within the run.
        offset: usize,
        /// Which primitive.
        scalar: Scalar,
        /// Its full path from the root of the body.
        path: Path,
    },
    /// A fixed array at `offset` (within the run), kept whole.
    Repeat {
        /// Offset within the run of its first element.
        offset: usize,
        /// Elements.
        count: usize,
        /// Bytes per element.
        stride: usize,
        /// The element (offsets relative to the element).
        element: &'a Fixed,
        /// Its full path from the root of the body.
        path: Path,
    },
    /// A nested struct at `offset` (within the run), written and read by its
    /// own type's codec.
    Nested {
        /// Offset within the run of its first byte.
        offset: usize,
        /// The struct type.
        ty: TypeId,
        /// Its size in bytes.
        size: usize,
        /// Its full path from the root of the body.
        path: Path,
    },
    /// The run's trailing prefix.
    Prefix(&'a Prefix),
}

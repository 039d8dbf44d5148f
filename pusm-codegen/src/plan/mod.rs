//! The wire plan: a language-neutral description of how each struct is
//! written and read, which every emitter renders instead of planning the
//! wire itself.
//!
//! Per struct, a [`Body`] lists the steps in wire order: [`Run`]s of
//! consecutive fixed-size data (each with its byte size and its values at
//! offsets within the run) and [`VarPart`]s whose size depends on the value
//! (strings, bytes, lists, optionals, arrays of variable elements). Structs
//! that are not fixed-size are looked through: their fields join the
//! enclosing steps, so runs are as long as the wire allows. The length,
//! count or presence flag of a variable part is the last item of the run
//! before it ([`RunItem::Prefix`]): one block copy writes or reads both.
//! Fixed arrays stay one [`Fixed::Repeat`] node whatever their length, so
//! planning never does work per array element. [`Body::read_groups`] says
//! which steps a reader reads with one memory call.
//!
//! Nested structs are inlined (fixed-size) or looked through (variable-size)
//! only when small: at most [`INLINE_LEAVES`] leaves once expanded (see
//! `leaves` in the builder: a primitive, enum, string, bytes, list,
//! optional or empty struct counts 1, an array as its element). A larger
//! nested struct is one node instead, written and read by its own type's
//! codec: [`Fixed::Nested`] inside a run (the run's size covers its bytes, so
//! the run is still one block and one memory call) or [`VarKind::Nested`] as a
//! variable part. So a plan, and the code rendered from it, grows with the
//! number of types and fields, never with the number of leaves after
//! expansion (which doubles with each level of `struct U { a: V; b: V; }`).
//!
//! Sizes come from pusm-layout ([`Schema::fixed_size`]), the one place the
//! size rules live.
//!
//! ```
//! use pusm_codegen::plan::{self, ReadGroup, RunItem, Step, VarKind};
//!
//! let mut sources = pusm_codegen::schema::Sources::new();
//! sources.add("m.pusm", "struct M { id: int32; name: string; score: float32; }\n");
//! let schema = pusm_codegen::schema::load_sources(&sources, &["m.pusm"])?;
//! let plans = plan::plan_file(&schema, pusm_codegen::schema::FileId(0));
//! let body = &plans[0].body;
//! // [id, length of name] (8 bytes), the name's bytes, [score] (4 bytes).
//! let Step::Run(first) = &body.steps[0] else { panic!() };
//! assert_eq!(first.size, 8);
//! assert!(matches!(first.items[1], RunItem::Prefix(_)));
//! assert!(matches!(&body.steps[1], Step::Var(part) if part.kind == VarKind::String));
//! // Two memory calls: the first run; then the name with the run after it.
//! assert_eq!(
//!     body.read_groups(),
//!     [ReadGroup::Run(0), ReadGroup::Payload { var: 1, run: Some(2) }]
//! );
//! # Ok::<(), pusm_codegen::Error>(())
//! ```

mod build;
mod types;

#[cfg(test)]
mod tests;

use pusm_layout::wire;
use pusm_schema::{FileId, Item, Schema, TypeId, TypeRef};

pub use types::{
    Body, Element, Fixed, FlatItem, Path, PathStep, PayloadSize, Prefix, PrefixKind, ReadGroup,
    Run, RunItem, Scalar, Step, VarKind, VarPart,
};

/// The most leaves a nested struct may have and still be inlined into the
/// enclosing run (fixed-size) or looked through (variable-size); see the
/// module documentation.
pub const INLINE_LEAVES: usize = 16;

/// Whether a struct of type `ty` nested in another is inlined or looked
/// through (at most [`INLINE_LEAVES`] leaves), rather than a
/// [`Fixed::Nested`] or [`VarKind::Nested`] node.
#[must_use]
pub fn inlined(schema: &Schema, ty: &TypeRef) -> bool {
    build::leaves(schema, ty) <= INLINE_LEAVES
}

/// The plan of one struct type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructPlan {
    /// The struct.
    pub ty: TypeId,
    /// Its encoded size when every value has the same size (pusm-layout's rule).
    pub fixed_size: Option<usize>,
    /// Its steps, paths from the struct.
    pub body: Body,
}

/// The plan of struct `ty`, or `None` when `ty` is an enum.
///
/// # Panics
/// When `ty` is not a type of `schema`.
#[must_use]
pub fn plan_struct(schema: &Schema, ty: TypeId) -> Option<StructPlan> {
    match schema.item(ty) {
        Item::Struct(_) => {
            let whole = TypeRef::Named(ty);
            Some(StructPlan {
                ty,
                fixed_size: schema.fixed_size(&whole),
                body: build::plan_value(schema, &whole),
            })
        }
        Item::Enum(_) => None,
    }
}

/// The plans of every struct of `file`, in declaration order.
///
/// # Panics
/// When `file` is not a file of `schema`.
#[must_use]
pub fn plan_file(schema: &Schema, file: FileId) -> Vec<StructPlan> {
    (0..schema.file(file).items.len())
        .filter_map(|index| plan_struct(schema, TypeId { file, index }))
        .collect()
}

/// The plan of a value of any type at the root of a body (a list element,
/// an optional value, ...): paths are relative to the value.
#[must_use]
pub fn plan_value(schema: &Schema, ty: &TypeRef) -> Body {
    build::plan_value(schema, ty)
}

/// The fixed-size layout of `ty` at `offset`, or `None` when `ty` is not
/// fixed-size. A struct is expanded one level (its own fields), whatever its
/// size; its fields follow the inlining rule.
#[must_use]
pub fn plan_fixed(schema: &Schema, ty: &TypeRef, offset: usize) -> Option<Fixed> {
    build::fixed_expanded(schema, ty, offset)
}

impl Body {
    /// How a reader reads this body: one memory call per group, in order.
    #[must_use]
    pub fn read_groups(&self) -> Vec<ReadGroup> {
        let mut groups = Vec::new();
        let mut index = 0;
        while let Some(step) = self.steps.get(index) {
            match step {
                Step::Run(_) => {
                    groups.push(ReadGroup::Run(index));
                    index += 1;
                }
                Step::Var(part) if part.payload().is_some() => {
                    // Raw bytes are read alone, so the reader's buffer is the
                    // value itself: sharing the call with the next run would
                    // mean copying a payload of any size out of it again.
                    let run = (part.kind != VarKind::Bytes
                        && matches!(self.steps.get(index + 1), Some(Step::Run(_))))
                    .then_some(index + 1);
                    groups.push(ReadGroup::Payload { var: index, run });
                    index += 1 + usize::from(run.is_some());
                }
                Step::Var(_) => {
                    groups.push(ReadGroup::Var(index));
                    index += 1;
                }
            }
        }
        groups
    }

    /// The run at step `index`, if that step is a run.
    #[must_use]
    pub fn run(&self, index: usize) -> Option<&Run> {
        match self.steps.get(index) {
            Some(Step::Run(run)) => Some(run),
            _ => None,
        }
    }

    /// The variable part at step `index`, if that step is one.
    #[must_use]
    pub fn var(&self, index: usize) -> Option<&VarPart> {
        match self.steps.get(index) {
            Some(Step::Var(part)) => Some(part),
            _ => None,
        }
    }
}

impl Run {
    /// The length, count or flag at the end of the run, if any.
    #[must_use]
    pub fn prefix(&self) -> Option<&Prefix> {
        match self.items.last() {
            Some(RunItem::Prefix(prefix)) => Some(prefix),
            _ => None,
        }
    }

    /// The run's primitives and arrays in wire order, structs looked
    /// through: what a block copy packs or unpacks.
    #[must_use]
    pub fn flat(&self) -> Vec<FlatItem<'_>> {
        let mut out = Vec::new();
        for item in &self.items {
            match item {
                RunItem::Value { path, value } => flatten(value, path.clone(), &mut out),
                RunItem::Prefix(prefix) => out.push(FlatItem::Prefix(prefix)),
            }
        }
        out
    }
}

/// Appends the leaves and repeats of `value` (at `path`) to `out`.
pub fn flatten<'a>(value: &'a Fixed, path: Path, out: &mut Vec<FlatItem<'a>>) {
    match value {
        Fixed::Scalar { offset, scalar } => out.push(FlatItem::Leaf {
            offset: *offset,
            scalar: *scalar,
            path,
        }),
        Fixed::Struct { ty, fields, .. } => {
            for (index, field) in fields.iter().enumerate() {
                flatten(field, build::child(&path, *ty, index), out);
            }
        }
        Fixed::Nested { offset, ty, size } => out.push(FlatItem::Nested {
            offset: *offset,
            ty: *ty,
            size: *size,
            path,
        }),
        Fixed::Repeat {
            offset,
            count,
            stride,
            element,
        } => out.push(FlatItem::Repeat {
            offset: *offset,
            count: *count,
            stride: *stride,
            element,
            path,
        }),
    }
}

impl Fixed {
    /// The offset of the value's first byte.
    #[must_use]
    pub fn offset(&self) -> usize {
        match self {
            Fixed::Scalar { offset, .. }
            | Fixed::Struct { offset, .. }
            | Fixed::Nested { offset, .. }
            | Fixed::Repeat { offset, .. } => *offset,
        }
    }

    /// Whether the value contains no [`Fixed::Repeat`] nor [`Fixed::Nested`]
    /// (it flattens to leaves only).
    #[must_use]
    pub fn is_flat(&self) -> bool {
        match self {
            Fixed::Scalar { .. } => true,
            Fixed::Struct { fields, .. } => fields.iter().all(Fixed::is_flat),
            Fixed::Repeat { .. } | Fixed::Nested { .. } => false,
        }
    }
}

impl Scalar {
    /// Bytes on the wire.
    #[must_use]
    pub fn size(self) -> usize {
        match self {
            Scalar::Bool => wire::BOOL_SIZE,
            Scalar::Int32 | Scalar::Enum(_) => wire::INT32_SIZE,
            Scalar::Float32 => wire::FLOAT32_SIZE,
        }
    }
}

impl PrefixKind {
    /// Bytes on the wire (an int32 length or count, or a bool flag).
    #[must_use]
    pub fn size(self) -> usize {
        match self {
            PrefixKind::Length | PrefixKind::Count => wire::LENGTH_SIZE,
            PrefixKind::Presence => wire::BOOL_SIZE,
        }
    }
}

impl VarPart {
    /// The size of this part's bytes once its prefix is read, when that
    /// alone decides it (strings, bytes, lists of fixed-size elements,
    /// optional fixed-size values); `None` for parts that read their own
    /// elements.
    #[must_use]
    pub fn payload(&self) -> Option<PayloadSize> {
        match &self.kind {
            VarKind::String | VarKind::Bytes => Some(PayloadSize::Length),
            VarKind::List(Element::Fixed { size, .. }) => Some(PayloadSize::CountTimes(*size)),
            VarKind::Optional(Element::Fixed { size, .. }) => Some(PayloadSize::IfPresent(*size)),
            VarKind::List(Element::Var(_))
            | VarKind::Optional(Element::Var(_))
            | VarKind::Array { .. }
            | VarKind::Nested(_) => None,
        }
    }

    /// Whether a prefix in the run before gives this part's length, count or
    /// flag (every kind but [`VarKind::Array`] and [`VarKind::Nested`]).
    #[must_use]
    pub fn has_prefix(&self) -> bool {
        !matches!(self.kind, VarKind::Array { .. } | VarKind::Nested(_))
    }
}

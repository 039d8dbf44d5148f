//! Building a [`Body`] from schema types: runs, folded prefixes, variable parts.

use pusm_layout::wire;
use pusm_schema::{Item, Schema, TypeId, TypeRef};

use super::types::{
    Body, Element, Fixed, Path, PathStep, Prefix, PrefixKind, Run, RunItem, Scalar, Step, VarKind,
    VarPart,
};
use super::{inlined, INLINE_LEAVES};

/// Plans a value of `ty` at the root of a body: its steps in wire order.
pub(super) fn plan_value(schema: &Schema, ty: &TypeRef) -> Body {
    let mut planner = Planner {
        schema,
        steps: Vec::new(),
        run: None,
    };
    planner.add(ty, Path::default());
    planner.close_run();
    Body {
        steps: planner.steps,
    }
}

/// How many leaves `ty` has once inlined, up to `INLINE_LEAVES + 1` (the
/// count stops there, so it costs O(bound) whatever the nesting). A primitive,
/// an enum, a string, bytes, a list, an optional and a struct without fields
/// count 1; an array counts as its element (it stays one node); a struct as
/// the sum of its fields.
pub(super) fn leaves(schema: &Schema, ty: &TypeRef) -> usize {
    fn count(schema: &Schema, ty: &TypeRef, budget: usize) -> usize {
        match ty {
            TypeRef::Array(element, _) => count(schema, element, budget),
            TypeRef::Named(id) => match schema.item(*id) {
                Item::Struct(def) if !def.fields.is_empty() => {
                    let mut total = 0;
                    for field in &def.fields {
                        total += count(schema, &field.ty, budget - total);
                        if total > budget {
                            break;
                        }
                    }
                    total
                }
                _ => 1,
            },
            _ => 1,
        }
    }
    count(schema, ty, INLINE_LEAVES).min(INLINE_LEAVES + 1)
}

/// The layout of a fixed-size value of `ty` at `offset`, or `None` when `ty`
/// is not fixed-size (sizes come from pusm-layout through [`Schema::fixed_size`]).
/// A struct with more than [`INLINE_LEAVES`] leaves is a [`Fixed::Nested`].
pub(super) fn fixed(schema: &Schema, ty: &TypeRef, offset: usize) -> Option<Fixed> {
    if let TypeRef::Named(id) = ty {
        if matches!(schema.item(*id), Item::Struct(_)) && !inlined(schema, ty) {
            let size = schema.fixed_size(ty)?;
            return Some(Fixed::Nested {
                offset,
                ty: *id,
                size,
            });
        }
    }
    fixed_expanded(schema, ty, offset)
}

/// As [`fixed`], but a struct is always expanded one level: the layout of
/// its own fields (each planned by [`fixed`]).
pub(super) fn fixed_expanded(schema: &Schema, ty: &TypeRef, offset: usize) -> Option<Fixed> {
    let scalar = |scalar| Some(Fixed::Scalar { offset, scalar });
    match ty {
        TypeRef::Bool => scalar(Scalar::Bool),
        TypeRef::Int32 => scalar(Scalar::Int32),
        TypeRef::Float32 => scalar(Scalar::Float32),
        TypeRef::String | TypeRef::Bytes | TypeRef::List(_) | TypeRef::Optional(_) => None,
        TypeRef::Named(id) => match schema.item(*id) {
            Item::Enum(_) => scalar(Scalar::Enum(*id)),
            Item::Struct(def) => {
                schema.fixed_size(ty)?;
                let mut at = offset;
                let mut fields = Vec::with_capacity(def.fields.len());
                for field in &def.fields {
                    fields.push(fixed(schema, &field.ty, at)?);
                    at = at.saturating_add(schema.fixed_size(&field.ty)?);
                }
                Some(Fixed::Struct {
                    offset,
                    ty: *id,
                    fields,
                })
            }
        },
        TypeRef::Array(element, count) => {
            schema.fixed_size(ty)?;
            Some(Fixed::Repeat {
                offset,
                count: *count,
                stride: schema.fixed_size(element)?,
                element: Box::new(fixed(schema, element, 0)?),
            })
        }
    }
}

/// The element of a list or the value of an optional.
fn element(schema: &Schema, ty: &TypeRef) -> Element {
    match (schema.fixed_size(ty), fixed(schema, ty, 0)) {
        (Some(size), Some(value)) => Element::Fixed { size, value },
        _ => Element::Var(plan_value(schema, ty)),
    }
}

struct Planner<'s> {
    schema: &'s Schema,
    steps: Vec<Step>,
    /// The run being filled, not yet in `steps`.
    run: Option<Run>,
}

impl Planner<'_> {
    /// Adds a value of `ty` at `path`. The root struct is always looked
    /// through, so its fields are items of their own.
    fn add(&mut self, ty: &TypeRef, path: Path) {
        let at = self.run.as_ref().map_or(0, |run| run.size);
        let root_struct = path.0.is_empty()
            && matches!(ty, TypeRef::Named(id) if matches!(self.schema.item(*id), Item::Struct(_)));
        if let Some(value) = fixed(self.schema, ty, at).filter(|_| !root_struct) {
            let size = self.schema.fixed_size(ty).unwrap_or(0);
            let run = self.open_run();
            run.size = run.size.saturating_add(size);
            run.items.push(RunItem::Value { path, value });
            return;
        }
        match ty {
            TypeRef::Named(id) if !path.0.is_empty() && !inlined(self.schema, ty) => {
                self.close_run();
                self.steps.push(Step::Var(VarPart {
                    path,
                    kind: VarKind::Nested(*id),
                }));
            }
            TypeRef::Named(id) => {
                if let Item::Struct(def) = self.schema.item(*id) {
                    for (index, field) in def.fields.iter().enumerate() {
                        self.add(&field.ty, child(&path, *id, index));
                    }
                }
            }
            TypeRef::String => self.prefixed(PrefixKind::Length, path, VarKind::String),
            TypeRef::Bytes => self.prefixed(PrefixKind::Length, path, VarKind::Bytes),
            TypeRef::List(inner) => {
                let kind = VarKind::List(element(self.schema, inner));
                self.prefixed(PrefixKind::Count, path, kind);
            }
            TypeRef::Optional(inner) => {
                let kind = VarKind::Optional(element(self.schema, inner));
                self.prefixed(PrefixKind::Presence, path, kind);
            }
            TypeRef::Array(inner, count) => {
                self.close_run();
                let element = plan_value(self.schema, inner);
                self.steps.push(Step::Var(VarPart {
                    path,
                    kind: VarKind::Array {
                        count: *count,
                        element,
                    },
                }));
            }
            // Primitives always have a fixed size and were handled above.
            TypeRef::Bool | TypeRef::Int32 | TypeRef::Float32 => {}
        }
    }

    /// Folds the prefix into the open run, closes it, then adds the part.
    fn prefixed(&mut self, kind: PrefixKind, path: Path, part: VarKind) {
        let size = match kind {
            PrefixKind::Length | PrefixKind::Count => wire::LENGTH_SIZE,
            PrefixKind::Presence => wire::BOOL_SIZE,
        };
        let run = self.open_run();
        run.items.push(RunItem::Prefix(Prefix {
            offset: run.size,
            kind,
            path: path.clone(),
        }));
        run.size = run.size.saturating_add(size);
        self.close_run();
        self.steps.push(Step::Var(VarPart { path, kind: part }));
    }

    fn open_run(&mut self) -> &mut Run {
        self.run.get_or_insert_with(|| Run {
            size: 0,
            items: Vec::new(),
        })
    }

    fn close_run(&mut self) {
        if let Some(run) = self.run.take() {
            self.steps.push(Step::Run(run));
        }
    }
}

/// `path` followed by field `field` of struct `owner`.
pub(super) fn child(path: &Path, owner: TypeId, field: usize) -> Path {
    let mut steps = path.0.clone();
    steps.push(PathStep { owner, field });
    Path(steps)
}

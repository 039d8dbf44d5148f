//! Builds the [`Schema`] from checked syntax trees, then checks the limits
//! that keep every layout walk (signature, fingerprint, size) small.

use std::collections::HashMap;

use crate::ast;
use crate::check::module_name;
use crate::diagnostics::Report;
use crate::ir::{
    EnumDef, FieldDef, FileId, Item, Schema, SchemaFile, Span, StructDef, TypeId, TypeRef,
    VariantDef,
};
use crate::loader::Loaded;
use crate::resolve::Resolved;

/// The deepest a type may be once every struct is expanded, counting one
/// level per struct, list, array and optional. The binding language is Rust:
/// a derived type's constant layout refers to those of its fields, and rustc
/// stops at 128 nested queries by default (a chain of 128 structs fails);
/// 64 leaves half of that as margin. C# and Python compile and run chains
/// of 64 (`tests/codegen-build/schemas/deep.pusm`).
pub const MAX_LAYOUT_DEPTH: usize = 64;

/// The longest a type's signature (`PROTOCOL.md`, "Fingerprint") may be.
/// Nested types are written out in full wherever they appear, so a few
/// structs that each use the next twice already make an enormous signature.
pub const MAX_SIGNATURE_LEN: usize = 1 << 20;

/// Builds the schema. Returns `None` if something is unresolved, which only
/// happens when errors were reported.
pub(crate) fn lower(loaded: &Loaded, resolved: &Resolved) -> Option<Schema> {
    let mut files = Vec::with_capacity(loaded.order.len());
    for &reading in &loaded.order {
        let file = loaded.files.get(reading)?;
        let this = FileId(*resolved.position.get(reading)?);
        let span = |range: &std::ops::Range<usize>| Span {
            file: this,
            start: range.start,
            end: range.end,
        };
        let types = resolved.field_types.get(reading)?;
        let mut items = Vec::with_capacity(file.ast.items.len());
        for (index, item) in file.ast.items.iter().enumerate() {
            items.push(match item {
                ast::Item::Enum(decl) => Item::Enum(EnumDef {
                    name: decl.name.name.clone(),
                    docs: decl.docs.clone(),
                    variants: decl
                        .variants
                        .iter()
                        .map(|variant| {
                            Some(VariantDef {
                                name: variant.name.name.clone(),
                                docs: variant.docs.clone(),
                                value: variant.value?,
                                span: span(&variant.name.span),
                            })
                        })
                        .collect::<Option<Vec<_>>>()?,
                    span: span(&decl.name.span),
                }),
                ast::Item::Struct(decl) => {
                    let field_types = types.get(index)?;
                    Item::Struct(StructDef {
                        name: decl.name.name.clone(),
                        docs: decl.docs.clone(),
                        fields: decl
                            .fields
                            .iter()
                            .zip(field_types)
                            .map(|(field, ty)| {
                                Some(FieldDef {
                                    name: field.name.name.clone(),
                                    docs: field.docs.clone(),
                                    ty: ty.clone()?,
                                    span: span(&field.name.span),
                                })
                            })
                            .collect::<Option<Vec<_>>>()?,
                        span: span(&decl.name.span),
                    })
                }
            });
        }
        files.push(SchemaFile {
            path: file.path.clone(),
            module: module_name(&file.path),
            namespace: file.ast.namespace.as_ref().map(|namespace| {
                namespace
                    .segments
                    .iter()
                    .map(|segment| segment.name.clone())
                    .collect()
            }),
            docs: file.ast.docs.clone(),
            imports: file
                .imports
                .iter()
                .flatten()
                .filter_map(|&target| resolved.position.get(target).map(|&at| FileId(at)))
                .collect(),
            items,
        });
    }
    Some(Schema { files })
}

/// The expanded depth and signature length of a type.
#[derive(Clone, Copy)]
struct Size {
    depth: usize,
    len: usize,
}

/// Reports every struct whose expanded depth or signature length is over
/// the limit while those of the structs it uses are not (so a long chain
/// gets one error, where it crosses the limit). The schema has no cycles.
pub(crate) fn check_limits(schema: &Schema, loaded: &Loaded, reports: &mut Vec<Report>) {
    let mut sizes: HashMap<TypeId, Size> = HashMap::new();
    let ids: Vec<TypeId> = schema.types().map(|(id, _)| id).collect();
    for id in ids {
        // Post-order walk without recursion: a type is sized once all the
        // named types its fields use are.
        let mut stack = vec![id];
        let mut steps: usize = 0;
        while let Some(&top) = stack.last() {
            steps += 1;
            if steps > 10_000_000 {
                return; // Unreachable without a cycle; never loop forever.
            }
            if sizes.contains_key(&top) {
                stack.pop();
                continue;
            }
            let missing = uses(schema, top)
                .into_iter()
                .find(|used| !sizes.contains_key(used));
            if let Some(missing) = missing {
                stack.push(missing);
                continue;
            }
            stack.pop();
            let size = item_size(schema, top, &sizes);
            let inner_over = uses(schema, top).into_iter().any(|used| {
                sizes.get(&used).is_some_and(|size| {
                    size.depth > MAX_LAYOUT_DEPTH || size.len > MAX_SIGNATURE_LEN
                })
            });
            if !inner_over {
                report_limits(schema, loaded, top, size, reports);
            }
            sizes.insert(top, size);
        }
    }
}

fn report_limits(
    schema: &Schema,
    loaded: &Loaded,
    id: TypeId,
    size: Size,
    reports: &mut Vec<Report>,
) {
    let Item::Struct(def) = schema.item(id) else {
        return;
    };
    let Some(&reading) = loaded.order.get(id.file.0) else {
        return;
    };
    let span = def.span.start..def.span.end;
    if size.depth > MAX_LAYOUT_DEPTH {
        reports.push(
            Report::new(
                reading,
                span.clone(),
                format!(
                    "type '{}' nests too deeply: {} levels once nested structs are expanded (the limit is {MAX_LAYOUT_DEPTH})",
                    def.name, size.depth
                ),
                "nested too deeply",
            )
            .with_note("every struct, list, array and optional inside it counts as one level"),
        );
    } else if size.len > MAX_SIGNATURE_LEN {
        reports.push(
            Report::new(
                reading,
                span,
                format!(
                    "type '{}' is too big: its signature would be over {MAX_SIGNATURE_LEN} bytes",
                    def.name
                ),
                "too big once nested types are expanded",
            )
            .with_note(
                "a signature writes every nested struct and enum out in full, wherever it appears (PROTOCOL.md, \"Fingerprint\")",
            ),
        );
    }
}

/// The named types that the fields of struct `id` use.
fn uses(schema: &Schema, id: TypeId) -> Vec<TypeId> {
    let mut out = Vec::new();
    if let Item::Struct(def) = schema.item(id) {
        for field in &def.fields {
            named_in(&field.ty, &mut out);
        }
    }
    out
}

fn named_in(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::List(inner) | TypeRef::Array(inner, _) | TypeRef::Optional(inner) => {
            named_in(inner, out)
        }
        TypeRef::Bool | TypeRef::Int32 | TypeRef::Float32 | TypeRef::String | TypeRef::Bytes => {}
    }
}

fn item_size(schema: &Schema, id: TypeId, sizes: &HashMap<TypeId, Size>) -> Size {
    match schema.item(id) {
        Item::Enum(def) => {
            // `E(A=1,B=2)`
            let variants = def
                .variants
                .iter()
                .map(|variant| variant.name.len() + 1 + variant.value.to_string().len())
                .fold(0usize, usize::saturating_add);
            Size {
                depth: 1,
                len: (def.name.len() + 2)
                    .saturating_add(variants)
                    .saturating_add(def.variants.len().saturating_sub(1)),
            }
        }
        Item::Struct(def) => {
            // `S{a:T,b:U}`
            let mut depth = 0;
            let mut len = (def.name.len() + 2).saturating_add(def.fields.len().saturating_sub(1));
            for field in &def.fields {
                let size = type_size(&field.ty, sizes);
                depth = depth.max(size.depth);
                len = len
                    .saturating_add(field.name.len() + 1)
                    .saturating_add(size.len);
            }
            Size {
                depth: depth + 1,
                len,
            }
        }
    }
}

fn type_size(ty: &TypeRef, sizes: &HashMap<TypeId, Size>) -> Size {
    let wrap = |inner: Size, extra: usize| Size {
        depth: inner.depth.saturating_add(1),
        len: inner.len.saturating_add(extra),
    };
    match ty {
        TypeRef::Bool => Size { depth: 1, len: 4 },
        TypeRef::Int32 => Size { depth: 1, len: 5 },
        TypeRef::Float32 => Size { depth: 1, len: 7 },
        TypeRef::String => Size { depth: 1, len: 6 },
        TypeRef::Bytes => Size { depth: 1, len: 5 },
        TypeRef::Named(id) => sizes.get(id).copied().unwrap_or(Size { depth: 1, len: 0 }),
        TypeRef::List(inner) => wrap(type_size(inner, sizes), 2),
        TypeRef::Array(inner, len) => wrap(type_size(inner, sizes), 3 + len.to_string().len()),
        TypeRef::Optional(inner) => wrap(type_size(inner, sizes), 1),
    }
}

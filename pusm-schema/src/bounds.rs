//! The rules that keep every message bounded, checked on the wire layout of
//! each struct field (the rules themselves live in `pusm-layout`):
//!
//! - a type whose smallest value is larger than the largest capacity
//!   ([`Layout::fits_capacity`]) can never be sent, and only makes code
//!   generators and readers do enormous work;
//! - a list element or optional value that builds more objects than it takes
//!   bytes ([`Layout::amplifier`]) lets a peer make a reader build millions
//!   of objects from a few bytes (`[E]`, `[[E; 65536]?]`, `[E?]` with `E` an
//!   empty struct);
//! - type constructors (`[T]`, `[T; N]`, `T?`) nest at most
//!   [`MAX_NESTING`] deep in one field's type, so every target language
//!   compiles what is generated.

use pusm_layout::{wire, Layout};

use crate::diagnostics::Report;
use crate::ir::{FieldDef, Item, Schema, StructDef, TypeRef};
use crate::loader::Loaded;
use crate::parser::MAX_NESTING;

/// Reports every field that breaks one of the rules above, and every struct
/// whose fields each fit the largest capacity but not together.
pub(crate) fn check_bounds(schema: &Schema, loaded: &Loaded, reports: &mut Vec<Report>) {
    for (id, item) in schema.types() {
        let Item::Struct(def) = item else { continue };
        let Some(&reading) = loaded.order.get(id.file.0) else {
            continue;
        };
        // Set when a field is reported, or holds a type that does not fit
        // on its own (reported where that type is): the struct as a whole
        // is then not reported again.
        let mut field_reported = false;
        for field in &def.fields {
            let depth = constructor_depth(&field.ty);
            if depth > MAX_NESTING {
                reports.push(nested_too_deeply(reading, field, depth));
                field_reported = true;
                continue;
            }
            let (found, fits) = schema.with_layout(&field.ty, |layout| {
                let found = match layout.too_big() {
                    // A struct too big on its own is reported at its definition.
                    Some(Layout::Struct(_)) => None,
                    Some(big) => Some(too_big(reading, field, big)),
                    None => layout
                        .amplifier()
                        .map(|amplifier| amplifies(reading, field, amplifier)),
                };
                (found, layout.fits_capacity())
            });
            if let Some(report) = found {
                reports.push(report);
                field_reported = true;
            }
            field_reported |= !fits;
        }
        if !field_reported {
            if let Some(report) = struct_too_big(schema, reading, id, def) {
                reports.push(report);
            }
        }
    }
}

/// How many type constructors nest in `ty` (`[[int32]?]` is 3), not
/// counting named types.
pub(crate) fn constructor_depth(ty: &TypeRef) -> usize {
    match ty {
        TypeRef::List(inner) | TypeRef::Array(inner, _) | TypeRef::Optional(inner) => {
            1 + constructor_depth(inner)
        }
        TypeRef::Bool
        | TypeRef::Int32
        | TypeRef::Float32
        | TypeRef::String
        | TypeRef::Bytes
        | TypeRef::Named(_) => 0,
    }
}

fn nested_too_deeply(reading: usize, field: &FieldDef, depth: usize) -> Report {
    Report::new(
        reading,
        field.span.start..field.span.end,
        format!(
            "field '{}' nests type constructors {depth} deep (the limit is {MAX_NESTING})",
            field.name
        ),
        "nested too deeply",
    )
    .with_note("every list, fixed array and optional counts as one level")
    .with_help("give an inner level a name: a struct with that level as its one field")
}

fn too_big(reading: usize, field: &FieldDef, big: &Layout<'_>) -> Report {
    let size = big
        .checked_min_size()
        .map_or_else(|| "more than 2^64".to_owned(), |size| size.to_string());
    Report::new(
        reading,
        field.span.start..field.span.end,
        format!(
            "field '{}' can never be sent: '{}' takes at least {size} bytes",
            field.name,
            spelled(big)
        ),
        "larger than any message",
    )
    .with_note(format!(
        "the largest capacity is {} bytes (2^31 - 1)",
        wire::MAX_CAPACITY
    ))
    .with_help("use a list '[T]' for data whose size varies, or smaller arrays")
}

fn amplifies(reading: usize, field: &FieldDef, amplifier: &Layout<'_>) -> Report {
    let surplus = amplifier.object_surplus();
    Report::new(
        reading,
        field.span.start..field.span.end,
        format!(
            "field '{}' lets a few bytes build many objects: '{}' can build more objects than it takes bytes",
            field.name,
            spelled(amplifier)
        ),
        format!("'{}' is repeated or left out by the wire", spelled(amplifier)),
    )
    .with_note(format!(
        "a reader builds one object per struct, array, list, string and bytes; '{}' builds up to {surplus} more than its bytes, so a peer could make a reader build millions of objects from a short message",
        spelled(amplifier)
    ))
    .with_help(
        "every list element and optional value must take at least one byte per object: give the empty struct a field, or send a count as an int32 field",
    )
}

fn struct_too_big(
    schema: &Schema,
    reading: usize,
    id: crate::ir::TypeId,
    def: &StructDef,
) -> Option<Report> {
    let size = schema.with_layout(&TypeRef::Named(id), |layout| {
        (!layout.fits_capacity()).then(|| layout.checked_min_size())
    })?;
    let size = size.map_or_else(|| "more than 2^64".to_owned(), |size| size.to_string());
    Some(
        Report::new(
            reading,
            def.span.start..def.span.end,
            format!(
                "struct '{}' can never be sent: it takes at least {size} bytes",
                def.name
            ),
            "larger than any message",
        )
        .with_note(format!(
            "the largest capacity is {} bytes (2^31 - 1)",
            wire::MAX_CAPACITY
        ))
        .with_help("use lists '[T]' for data whose size varies, or smaller arrays"),
    )
}

/// How the schema language spells `layout` (`Empty`, `[Empty; 3]`).
fn spelled(layout: &Layout<'_>) -> String {
    match layout {
        Layout::Enum(def) => def.name.to_owned(),
        Layout::Struct(def) => def.name.to_owned(),
        Layout::List(element) => format!("[{}]", spelled(element)),
        Layout::Array(element, len) => format!("[{}; {len}]", spelled(element)),
        Layout::Optional(inner) => format!("{}?", spelled(inner)),
        primitive => primitive.primitive_name().unwrap_or_default().to_owned(),
    }
}

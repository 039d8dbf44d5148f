//! Lists of values that take no bytes (`[Empty]`) are rejected: on the wire
//! such a list is only its count, so a peer could announce two billion values
//! in four bytes and a reader that builds one object per value (generated
//! Python and C#) would run out of memory. The rule itself
//! ([`Layout::list_of_nothing`]) lives in the layout crate.

use pusm_layout::Layout;

use crate::diagnostics::Report;
use crate::ir::{Item, Schema};
use crate::loader::Loaded;

/// Reports every struct field that holds, directly or inside arrays, lists
/// and optionals, a list of values that take no bytes.
pub(crate) fn check_lists_of_nothing(schema: &Schema, loaded: &Loaded, reports: &mut Vec<Report>) {
    for (id, item) in schema.types() {
        let Item::Struct(def) = item else { continue };
        let Some(&reading) = loaded.order.get(id.file.0) else {
            continue;
        };
        for field in &def.fields {
            let Some(element) =
                schema.with_layout(&field.ty, |layout| layout.list_of_nothing().map(spelled))
            else {
                continue;
            };
            reports.push(
                Report::new(
                    reading,
                    field.span.start..field.span.end,
                    format!(
                        "field '{}' is a list of values that take no bytes",
                        field.name
                    ),
                    format!("'{element}' takes no bytes: only the list's count would be sent"),
                )
                .with_note(
                    "a peer could announce two billion such values in four bytes, and a reader \
                     that builds one object per value would run out of memory",
                )
                .with_help("send the number as an int32 field instead, or give the values a field"),
            );
        }
    }
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

//! The rules that keep messages bounded (`docs/SCHEMA.md`, "Limits"): no
//! list element or optional value that builds more objects than it takes
//! bytes, no type larger than the largest capacity, type constructors at most
//! `MAX_NESTING` deep. Forward references stay accepted.

mod common;

use common::{errors, messages, ok};
use pusm_schema::{MAX_LAYOUT_DEPTH, MAX_NESTING};

fn amplifier_message(field: &str, spelled: &str) -> String {
    format!(
        "field '{field}' lets a few bytes build many objects: '{spelled}' can build more objects than it takes bytes"
    )
}

#[test]
fn a_list_of_values_that_take_no_bytes_is_an_error() {
    assert_eq!(
        errors("struct Empty {}\nstruct A {\n    id: int32;\n    items: [Empty];\n}\n"),
        "\
error: field 'items' lets a few bytes build many objects: 'Empty' can build more objects than it takes bytes
  --> test.pusm:4:5
  |
4 |     items: [Empty];
  |     ^^^^^ 'Empty' is repeated or left out by the wire
  |
  = help: every list element and optional value must take at least one byte per object: give the empty struct a field, or send a count as an int32 field
  = note: a reader builds one object per struct, array, list, string and bytes; 'Empty' builds up to 1 more than its bytes, so a peer could make a reader build millions of objects from a short message

"
    );
}

#[test]
fn the_reported_amplifiers_are_errors() {
    let messages = messages(
        "struct E {}\n\
         struct Hollow { inner: E; pair: [E; 2]; }\n\
         struct A {\n\
             many_per_flag: [[E; 65536]?];\n\
             flags: [E?];\n\
             maybe: E?;\n\
             in_array: [[E]; 2];\n\
             in_option: [Hollow]?;\n\
             of_lists: [[Hollow]];\n\
             of_arrays: [[E; 3]]?;\n\
             fine_empty: E;\n\
             fine_array: [E; 65536];\n\
         }\n",
    );
    let expected = vec![
        amplifier_message("many_per_flag", "[E; 65536]"),
        amplifier_message("flags", "E"),
        amplifier_message("maybe", "E"),
        amplifier_message("in_array", "E"),
        amplifier_message("in_option", "Hollow"),
        amplifier_message("of_lists", "Hollow"),
        amplifier_message("of_arrays", "[E; 3]"),
    ];
    assert_eq!(messages, expected);
}

#[test]
fn a_struct_that_hides_objects_behind_one_byte_is_an_amplifier_in_a_list() {
    // One bool, then 8 empty structs: 10 objects from 1 byte.
    let messages = messages(
        "struct E {}\nstruct Hidden { on: bool; many: [E; 8]; }\nstruct A { all: [Hidden]; }\n",
    );
    assert_eq!(messages, vec![amplifier_message("all", "Hidden")]);
    // A struct unbounded because of its own list is reported there, once.
    let unbounded =
        common::messages("struct E {}\nstruct U { es: [E]; }\nstruct A { all: [U]; }\n");
    assert_eq!(unbounded, vec![amplifier_message("es", "E")]);
}

#[test]
fn ordinary_containers_are_accepted() {
    ok("struct E {}\n\
        struct Vec3 { x: float32; y: float32; z: float32; }\n\
        struct Flag { on: bool; }\n\
        struct A {\n\
            points: [Vec3];\n\
            maybe_points: [Vec3?];\n\
            names: [string]?;\n\
            flags: [Flag];\n\
            grid: [[float32; 2]; 3];\n\
            blobs: [bytes];\n\
            rows: [[bool; 1]];\n\
            empty: E;\n\
            empties: [E; 16];\n\
            big: [[int32; 65536]; 8191];\n\
        }\n");
}

#[test]
fn a_type_larger_than_any_capacity_is_an_error() {
    assert_eq!(
        errors("struct A {\n    grid: [[int32; 65536]; 65536];\n}\n"),
        "\
error: field 'grid' can never be sent: '[[int32; 65536]; 65536]' takes at least 17179869184 bytes
  --> test.pusm:2:5
  |
2 |     grid: [[int32; 65536]; 65536];
  |     ^^^^ larger than any message
  |
  = help: use a list '[T]' for data whose size varies, or smaller arrays
  = note: the largest capacity is 2147483647 bytes (2^31 - 1)

"
    );
    // Four levels: 2^66 bytes, past usize; the innermost too-big type is named.
    let messages = messages(
        "struct A { x: [[[[int32; 65536]; 65536]; 65536]; 65536]?; y: [[bool; 65536]; 32767]; }\n",
    );
    assert_eq!(
        messages,
        vec![
            "field 'x' can never be sent: '[[int32; 65536]; 65536]' takes at least 17179869184 bytes"
                .to_owned()
        ]
    );
}

#[test]
fn a_struct_whose_fields_fit_only_one_by_one_is_an_error_once() {
    let messages = messages(
        "struct Half { a: [[int32; 65536]; 4096]; b: [[int32; 65536]; 4096]; }\n\
         struct Outer { half: Half; halves: [Half]; }\n",
    );
    assert_eq!(
        messages,
        vec!["struct 'Half' can never be sent: it takes at least 2147483648 bytes".to_owned()]
    );
    // Exactly the largest capacity is fine.
    ok("struct Max { a: [[bool; 65536]; 32767]; b: [bool; 65535]; }\n");
}

#[test]
fn type_constructors_nest_at_most_the_limit() {
    assert_eq!(MAX_NESTING, 32);
    // Lists and optionals alternating: 16 lists, 16 optionals.
    let mut ty = "int32".to_owned();
    for _ in 0..16 {
        ty = format!("[{ty}?]");
    }
    ok(&format!("struct A {{ deep: {ty}; }}\n"));
    let over = format!("{ty}?");
    assert_eq!(
        messages(&format!("struct A {{ deep: {over}; }}\n")),
        vec!["field 'deep' nests type constructors 33 deep (the limit is 32)".to_owned()]
    );
    // Arrays count too.
    let arrays = format!("{}int32{}", "[".repeat(32), "; 1]".repeat(32));
    ok(&format!("struct A {{ deep: {arrays}; }}\n"));
}

#[test]
fn structs_nest_at_most_the_layout_limit() {
    assert_eq!(MAX_LAYOUT_DEPTH, 64);
    let chain = |levels: usize| {
        let mut text = String::new();
        for level in 0..levels {
            text.push_str(&format!("struct L{level} {{ next: L{}; }}\n", level + 1));
        }
        text.push_str(&format!("struct L{levels} {{ x: int32; }}\n"));
        text
    };
    // L0 is 64 levels deep with the int32 inside it: at the limit.
    ok(&chain(62));
    assert_eq!(
        messages(&chain(63)),
        vec![
            "type 'L0' nests too deeply: 65 levels once nested structs are expanded (the limit is 64)"
                .to_owned()
        ]
    );
}

#[test]
fn forward_references_are_accepted() {
    let schema =
        ok("struct A { b: B; bs: [B]; c: C?; }\nstruct B { x: int32; }\nenum C { X = 0 }\n");
    assert_eq!(schema.files[0].items.len(), 3);
}

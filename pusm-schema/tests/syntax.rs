//! The grammar: namespace placement, types, arrays, optionals, enums,
//! nesting limits and error recovery.

mod common;

use common::{errors, messages, ok};
use pusm_schema::{Item, TypeRef};

fn field_types(text: &str) -> Vec<TypeRef> {
    let schema = ok(text);
    let Some(Item::Struct(def)) = schema.files[0].items.last() else {
        panic!("the last item is not a struct");
    };
    def.fields.iter().map(|field| field.ty.clone()).collect()
}

#[test]
fn every_type_form_parses() {
    let list = |ty: TypeRef| TypeRef::List(Box::new(ty));
    let optional = |ty: TypeRef| TypeRef::Optional(Box::new(ty));
    assert_eq!(
        field_types(
            "struct A { a: bool; b: int32; c: float32; d: string; e: bytes; f: [int32]; g: [bool; 3]; \
             h: int32?; i: [int32?]; j: [int32]?; k: [[float32; 2]; 65536]?; }"
        ),
        vec![
            TypeRef::Bool,
            TypeRef::Int32,
            TypeRef::Float32,
            TypeRef::String,
            TypeRef::Bytes,
            list(TypeRef::Int32),
            TypeRef::Array(Box::new(TypeRef::Bool), 3),
            optional(TypeRef::Int32),
            list(optional(TypeRef::Int32)),
            optional(list(TypeRef::Int32)),
            optional(TypeRef::Array(Box::new(TypeRef::Array(Box::new(TypeRef::Float32), 2)), 65536)),
        ]
    );
}

#[test]
fn whitespace_is_free_form() {
    assert_eq!(
        field_types("struct A{a:[int32;1]?;b\n:\n[\nbool\n]\n;}"),
        vec![
            TypeRef::Optional(Box::new(TypeRef::Array(Box::new(TypeRef::Int32), 1))),
            TypeRef::List(Box::new(TypeRef::Bool)),
        ]
    );
}

#[test]
fn namespaces_are_split_on_dots() {
    let schema = ok("namespace robot.sim_v2;\nstruct A {}\n");
    assert_eq!(
        schema.files[0].namespace,
        Some(vec!["robot".to_owned(), "sim_v2".to_owned()])
    );
    assert_eq!(ok("struct A {}").files[0].namespace, None);
}

#[test]
fn namespace_must_come_first() {
    assert_eq!(
        errors("struct A {}\nnamespace a;\n"),
        "\
error: the namespace must come first
  --> test.pusm:2:1
  |
2 | namespace a;
  | ^^^^^^^^^ after an import or a type
  |
  = help: move the namespace declaration to the top of the file, before imports and types

"
    );
    assert_eq!(
        messages("import \"b.pusm\";\nnamespace a;\n"),
        vec![
            "cannot find imported file 'b.pusm'".to_owned(),
            "the namespace must come first".to_owned()
        ]
    );
}

#[test]
fn at_most_one_namespace() {
    assert_eq!(
        errors("namespace a;\nnamespace b;\n"),
        "\
error: duplicate namespace declaration
  --> test.pusm:2:1
  |
1 | namespace a;
  | --------- first declared here
2 | namespace b;
  | ^^^^^^^^^ second namespace
  |
  = help: a file has at most one namespace

"
    );
}

#[test]
fn namespace_segments_are_snake_case() {
    assert_eq!(
        errors("namespace robot.SimV2;\n"),
        "\
error: namespace segment 'SimV2' is not snake_case
  --> test.pusm:1:17
  |
1 | namespace robot.SimV2;
  |                 ^^^^^ not snake_case
  |
  = help: rename it 'sim_v2'

"
    );
}

#[test]
fn namespace_syntax_errors() {
    assert_eq!(
        messages("namespace a.;"),
        vec!["expected a namespace segment, found ';'".to_owned()]
    );
    assert_eq!(
        messages("namespace \"a\";"),
        vec!["expected a namespace name, found a string".to_owned()]
    );
}

#[test]
fn array_length_must_be_in_range() {
    let expected = |len: &str, column: usize| {
        let pad = " ".repeat(column - 1);
        let carets = "^".repeat(len.len());
        format!(
            "\
error: array length {len} is out of range
  --> test.pusm:1:{column}
  |
1 | struct A {{ a: [int32; {len}]; }}
  | {pad}{carets} not in 1..=65536
  |
  = help: a fixed array has 1 to 65536 elements; use a list '[T]' for any length

"
        )
    };
    for len in ["0", "65537", "-1", "99999999999999999999999"] {
        assert_eq!(
            errors(&format!("struct A {{ a: [int32; {len}]; }}")),
            expected(len, 23),
            "length {len}"
        );
    }
    assert_eq!(
        field_types("struct A { a: [int32; 1]; b: [int32; 65536]; }").len(),
        2
    );
}

#[test]
fn array_length_must_be_an_integer() {
    assert_eq!(
        errors("struct A { a: [int32; N]; }"),
        "\
error: expected the array length (an integer from 1 to 65536), found 'N'
  --> test.pusm:1:23
  |
1 | struct A { a: [int32; N]; }
  |                       ^ expected the array length (an integer from 1 to 65536)

"
    );
}

#[test]
fn optional_of_optional_is_an_error() {
    assert_eq!(
        errors("struct A {\n    a: int32??;\n}\n"),
        "\
error: an optional cannot be optional ('T??')
  --> test.pusm:2:14
  |
2 |     a: int32??;
  |              ^ remove this
  |
  = help: a single '?' makes the type optional

"
    );
    // However many there are, one error, under all the extra ones.
    assert_eq!(
        errors("struct A { a: [int32]????; }").lines().nth(4),
        Some("  |                       ^^^ remove this")
    );
    // An optional inside a list inside an optional is fine.
    assert_eq!(field_types("struct A { a: [int32?]?; }").len(), 1);
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow() {
    let depth = 10_000;
    let text = format!(
        "struct A {{\n    deep: {}int32{};\n    ok: bool;\n}}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    // The line is too long for a snippet: the location is still exact.
    assert_eq!(
        errors(&text),
        "\
error: type nested too deeply: more than 32 levels of '['
  --> test.pusm:2:43: level 33 starts here
  = help: nest lists, arrays and optionals at most 32 deep
  = note: no snippet: a line is over 1024 bytes long

"
    );
    let text = format!(
        "struct A {{\n    deep: {}int32{};\n}}\n",
        "[".repeat(34),
        "]".repeat(34)
    );
    assert_eq!(
        errors(&text),
        format!(
            "\
error: type nested too deeply: more than 32 levels of '['
  --> test.pusm:2:43
  |
2 |     deep: {}int32{};
  |                                           ^ level 33 starts here
  |
  = help: nest lists, arrays and optionals at most 32 deep

",
            "[".repeat(34),
            "]".repeat(34)
        )
    );

    // Exactly at the limit is fine.
    let text = format!(
        "struct A {{ deep: {}int32{}; }}",
        "[".repeat(32),
        "]".repeat(32)
    );
    assert_eq!(field_types(&text).len(), 1);
    let text = format!(
        "struct A {{ deep: {}int32{}; }}",
        "[".repeat(33),
        "]".repeat(33)
    );
    assert_eq!(
        messages(&text),
        vec!["type nested too deeply: more than 32 levels of '['".to_owned()]
    );
}

#[test]
fn many_optionals_and_brackets_do_not_overflow_the_stack() {
    let text = format!("struct A {{ a: int32{}; }}", "?".repeat(100_000));
    assert_eq!(
        messages(&text),
        vec!["an optional cannot be optional ('T??')".to_owned()]
    );
    let text = format!("struct A {{ a: {}; }}", "[".repeat(100_000));
    assert_eq!(messages(&text).len(), 1);
    let text = "{".repeat(100_000);
    assert_eq!(messages(&text).len(), 1);
}

#[test]
fn enum_values_fit_int32() {
    assert_eq!(
        errors("enum E {\n    Big = 2147483648,\n    Small = -2147483649,\n}\n"),
        "\
error: enum value 2147483648 does not fit in int32
  --> test.pusm:2:11
  |
2 |     Big = 2147483648,
  |           ^^^^^^^^^^ out of range
  |
  = help: enum values are int32: from -2147483648 to 2147483647

error: enum value -2147483649 does not fit in int32
  --> test.pusm:3:13
  |
3 |     Small = -2147483649,
  |             ^^^^^^^^^^^ out of range
  |
  = help: enum values are int32: from -2147483648 to 2147483647

"
    );
}

#[test]
fn enum_variants_need_a_value() {
    assert_eq!(
        errors("enum E { A, B = 1 }"),
        "\
error: enum variant 'A' has no value
  --> test.pusm:1:10
  |
1 | enum E { A, B = 1 }
  |          ^ expected '= <value>' after this
  |
  = help: give every variant an explicit int32 value: A = 0,

"
    );
}

#[test]
fn suggested_enum_values_are_never_taken() {
    let helps = |text: &str| -> Vec<String> {
        common::load(&[("test.pusm", text)])
            .unwrap_err()
            .iter()
            .filter_map(|error| error.help.clone())
            .collect()
    };
    // One more than the previous variant, skipping values in use and values
    // already suggested.
    assert_eq!(
        helps("enum E { Idle = 0, Move, Jump = 1, Crouch, Run = 3 }"),
        [
            "give every variant an explicit int32 value: Move = 2,",
            "give every variant an explicit int32 value: Crouch = 4,"
        ]
    );
    // The first variant gets 0 unless a later one has it.
    assert_eq!(
        helps("enum E { A, B = 0 }"),
        ["give every variant an explicit int32 value: A = 1,"]
    );
    // Past the largest int32, the search starts again from 0.
    assert_eq!(
        helps("enum E { Top = 2147483647, Next, Zero = 0 }"),
        ["give every variant an explicit int32 value: Next = 1,"]
    );
    // Following every help gives a valid enum.
    ok("enum E { Idle = 0, Move = 2, Jump = 1, Crouch = 4, Run = 3 }");
}

#[test]
fn enum_trailing_comma_is_optional() {
    ok("enum A { X = 1 }\nenum B { X = 1, }\nenum C { X = 1, Y = 2 }\n");
}

#[test]
fn missing_semicolon_at_end_of_line_is_reported_once() {
    assert_eq!(
        errors("struct A {\n    a: int32\n    b: bool;\n}\n"),
        "\
error: expected ';' after the field
  --> test.pusm:2:8
  |
2 |     a: int32
  |        ^^^^^ expected ';' after this

"
    );
    assert_eq!(
        messages("enum E {\n    A = 1\n    B = 2\n}\n"),
        vec!["expected ',' after the variant".to_owned()]
    );
    assert_eq!(
        messages("namespace a\nstruct A {}"),
        vec!["expected ';' after the namespace".to_owned()]
    );
    assert_eq!(
        messages("import \"a.pusm\"\nstruct A {}"),
        vec![
            "expected ';' after the import".to_owned(),
            "cannot find imported file 'a.pusm'".to_owned()
        ]
    );
}

#[test]
fn unexpected_top_level_tokens() {
    assert_eq!(
        errors("struct A {};\n"),
        "\
error: expected 'struct', 'enum' or 'import', found ';'
  --> test.pusm:1:12
  |
1 | struct A {};
  |            ^ expected 'struct', 'enum' or 'import'
  |
  = help: struct and enum declarations do not end with ';'

"
    );
    assert_eq!(
        messages("message A { x: int32; }\ntable B {}\n"),
        vec![
            "expected 'struct', 'enum' or 'import', found 'message'".to_owned(),
            "expected 'struct', 'enum' or 'import', found 'table'".to_owned(),
        ]
    );
}

#[test]
fn unclosed_struct_is_reported_at_the_end_of_the_file() {
    assert_eq!(
        errors("struct A {\n    a: int32;\n"),
        "\
error: expected '}' to close struct 'A', found end of file
  --> test.pusm:3:1
  |
3 |
  | ^ expected '}' to close struct 'A'

"
    );
    // A type cut short by the end of the file is one error, not two.
    assert_eq!(
        messages("struct A {\n    a: ["),
        vec!["expected a type, found end of file".to_owned()]
    );
}

#[test]
fn field_syntax_errors() {
    assert_eq!(
        errors("struct A { a int32; }"),
        "\
error: expected ':', found 'int32'
  --> test.pusm:1:14
  |
1 | struct A { a int32; }
  |              ^^^^^ expected ':'
  |
  = help: a field is written 'name: type;'

"
    );
    assert_eq!(
        messages("struct A { a: ; }"),
        vec!["expected a type, found ';'".to_owned()]
    );
    assert_eq!(
        messages("struct A { a: [int32; 2; }"),
        vec!["expected ']', found ';'".to_owned()]
    );
    assert_eq!(
        messages("struct A { a: [int32 2]; }"),
        vec!["expected ']' or ';', found '2'".to_owned()]
    );
    assert_eq!(
        messages("struct A { 1: int32; }"),
        vec!["expected a field name, found '1'".to_owned()]
    );
    assert_eq!(
        messages("struct { a: int32; }"),
        vec!["expected a struct name, found '{'".to_owned()]
    );
    assert_eq!(
        messages("enum { A = 1 }"),
        vec!["expected an enum name, found '{'".to_owned()]
    );
    assert_eq!(
        messages("struct A ( a: int32; )"),
        vec![
            "unexpected character '('".to_owned(),
            "unexpected character ')'".to_owned()
        ]
    );
    assert_eq!(
        messages("import common;"),
        vec!["expected the imported file's path as a string, found 'common'".to_owned()]
    );
}

/// Several errors in one file are all reported, each once, and the parser
/// recovers after each: the valid parts around them are still checked.
#[test]
fn every_error_in_a_file_is_reported() {
    let text = "\
namespace demo;

struct Robot {
    step: int;
    done: bool
    Speed: float32;
    rays: [float32; 0];
    pose: Pose??;
    name: string;
    name: bytes;
}

enum Mode {
    Idle = 0,
    Run = 0,
    Idle = 2,
    fast = 3,
}

enum Nothing {}

struct pose {
    x: float32;
}

struct Robot {}
";
    assert_eq!(
        errors(text),
        "\
error: unknown type 'int'
  --> test.pusm:4:11
  |
4 |     step: int;
  |           ^^^ not a type
  |
  = help: did you mean 'int32'?

error: expected ';' after the field
  --> test.pusm:5:11
  |
5 |     done: bool
  |           ^^^^ expected ';' after this

error: field name 'Speed' is not snake_case
  --> test.pusm:6:5
  |
6 |     Speed: float32;
  |     ^^^^^ not snake_case
  |
  = help: rename it 'speed'

error: array length 0 is out of range
  --> test.pusm:7:21
  |
7 |     rays: [float32; 0];
  |                     ^ not in 1..=65536
  |
  = help: a fixed array has 1 to 65536 elements; use a list '[T]' for any length

error: unknown type 'Pose'
  --> test.pusm:8:11
  |
8 |     pose: Pose??;
  |           ^^^^ not a type
  |
  = help: did you mean 'pose'?

error: an optional cannot be optional ('T??')
  --> test.pusm:8:16
  |
8 |     pose: Pose??;
  |                ^ remove this
  |
  = help: a single '?' makes the type optional

error: duplicate field 'name' in struct 'Robot'
   --> test.pusm:10:5
   |
 9 |     name: string;
   |     ---- first defined here
10 |     name: bytes;
   |     ^^^^ defined again here

error: duplicate value 0 in enum 'Mode': 'Run' and 'Idle' both have it
   --> test.pusm:15:11
   |
14 |     Idle = 0,
   |            - 'Idle' has this value
15 |     Run = 0,
   |           ^ value used again here
   |
   = help: give 'Run' a value no other variant has, like 1

error: duplicate variant 'Idle' in enum 'Mode'
   --> test.pusm:16:5
   |
14 |     Idle = 0,
   |     ---- first defined here
15 |     Run = 0,
16 |     Idle = 2,
   |     ^^^^ defined again here

error: variant name 'fast' is not PascalCase
   --> test.pusm:17:5
   |
17 |     fast = 3,
   |     ^^^^ not PascalCase
   |
   = help: rename it 'Fast'

error: enum 'Nothing' has no variants
   --> test.pusm:20:6
   |
20 | enum Nothing {}
   |      ^^^^^^^ empty enum
   |
   = help: an enum without variants has no valid value: add at least one, like 'None = 0,'

error: struct name 'pose' is not PascalCase
   --> test.pusm:22:8
   |
22 | struct pose {
   |        ^^^^ not PascalCase
   |
   = help: rename it 'Pose'

error: duplicate type name 'Robot'
   --> test.pusm:26:8
   |
 3 | struct Robot {
   |        ----- first defined here
   .
26 | struct Robot {}
   |        ^^^^^ defined again here
   |
   = note: 'Robot' is first defined at test.pusm:3:8

"
    );
}

#[test]
fn a_run_of_stray_tokens_is_one_error() {
    assert_eq!(
        messages("}}}} ] ] ;;; = 3\nstruct A { x: int; }\n"),
        vec![
            "expected 'struct', 'enum' or 'import', found '}'".to_owned(),
            "unknown type 'int'".to_owned()
        ]
    );
}

#[test]
fn at_most_max_errors_are_reported() {
    let text: String = (0..150)
        .map(|i| format!("struct S{i} {{ a: Nope; }}\n"))
        .collect();
    let errors = common::load(&[("test.pusm", &text)]).unwrap_err();
    assert_eq!(pusm_schema::MAX_ERRORS, 100);
    assert_eq!(errors.len(), 101);
    let last = errors.iter().last().unwrap();
    assert_eq!(last.message, "50 more errors not shown (at most 100 are)");
    assert!(errors
        .render(false)
        .ends_with("error: 50 more errors not shown (at most 100 are)\n\n"));
}

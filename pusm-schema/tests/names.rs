//! Naming conventions and uniqueness of type, field and variant names and
//! of variant values.

mod common;

use common::{errors, errors_files, messages, messages_files, ok, ok_files};
use pusm_schema::{load_sources, Item};

#[test]
fn type_names_are_pascal_case() {
    assert_eq!(
        errors("struct robot_state {}\n"),
        "\
error: struct name 'robot_state' is not PascalCase
  --> test.pusm:1:8
  |
1 | struct robot_state {}
  |        ^^^^^^^^^^^ not PascalCase
  |
  = help: rename it 'RobotState'

"
    );
    assert_eq!(
        messages("enum mode { A = 1 }\nstruct A_B {}\nstruct _Private {}\nstruct ABC {}\nstruct X1y2 {}\n"),
        vec![
            "enum name 'mode' is not PascalCase".to_owned(),
            "struct name 'A_B' is not PascalCase".to_owned(),
            "struct name '_Private' is not PascalCase".to_owned(),
        ]
    );
}

#[test]
fn field_names_are_snake_case() {
    assert_eq!(
        errors("struct A {\n    lastCommand: int32;\n}\n"),
        "\
error: field name 'lastCommand' is not snake_case
  --> test.pusm:2:5
  |
2 |     lastCommand: int32;
  |     ^^^^^^^^^^^ not snake_case
  |
  = help: rename it 'last_command'

"
    );
    assert_eq!(
        messages("struct A { a__b: int32; trailing_: int32; _lead: int32; X: int32; ok_1_2: int32; v2: int32; }"),
        vec![
            "field name 'a__b' is not snake_case".to_owned(),
            "field name 'trailing_' is not snake_case".to_owned(),
            "field name '_lead' is not snake_case".to_owned(),
            "field name 'X' is not snake_case".to_owned(),
        ]
    );
    assert_eq!(
        errors("struct A { __: int32; }").lines().rfind(|line| !line.is_empty()).map(str::to_owned),
        Some("  = help: field names are lowercase words joined by single underscores: 'last_command'".to_owned())
    );
}

#[test]
fn variant_names_are_pascal_case() {
    assert_eq!(
        errors("enum Mode {\n    IDLE_MODE = 0,\n}\n"),
        "\
error: variant name 'IDLE_MODE' is not PascalCase
  --> test.pusm:2:5
  |
2 |     IDLE_MODE = 0,
  |     ^^^^^^^^^ not PascalCase
  |
  = help: rename it 'IdleMode'

"
    );
}

#[test]
fn field_names_may_be_keywords_of_the_schema_and_of_target_languages() {
    let schema = ok("struct Keywords {\n    struct: int32;\n    enum: int32;\n    import: int32;\n    namespace: int32;\n    \
         string: bytes;\n    bytes: string;\n    bool: bool;\n    int32: int32;\n    float32: float32;\n    type: int32;\n    \
         class: int32;\n    self: int32;\n    def: int32;\n    keywords: int32;\n}\n");
    let Item::Struct(def) = &schema.files[0].items[0] else {
        panic!("not a struct");
    };
    let names: Vec<&str> = def.fields.iter().map(|field| field.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "struct",
            "enum",
            "import",
            "namespace",
            "string",
            "bytes",
            "bool",
            "int32",
            "float32",
            "type",
            "class",
            "self",
            "def",
            "keywords"
        ]
    );
}

#[test]
fn schema_words_may_be_type_and_namespace_names_where_they_fit_the_case_rules() {
    let schema = ok("namespace struct.enum;\nstruct Struct { enum: Enum; }\nenum Enum { Struct = 0, Import = 1 }\n");
    assert_eq!(
        schema.files[0].namespace,
        Some(vec!["struct".to_owned(), "enum".to_owned()])
    );
}

#[test]
fn type_names_are_unique_in_a_file() {
    assert_eq!(
        errors("struct Vec3 {}\nenum Vec3 { A = 0 }\n"),
        "\
error: duplicate type name 'Vec3'
  --> test.pusm:2:6
  |
1 | struct Vec3 {}
  |        ---- first defined here
2 | enum Vec3 { A = 0 }
  |      ^^^^ defined again here
  |
  = note: 'Vec3' is first defined at test.pusm:1:8

"
    );
}

#[test]
fn type_names_are_unique_across_imports_and_point_at_both_definitions() {
    let rendered = errors_files(&[
        (
            "robot.pusm",
            "import \"common.pusm\";\n\nstruct Vec3 {\n    x: int32;\n}\n",
        ),
        (
            "common.pusm",
            "namespace common;\nstruct Vec3 { x: float32; }\n",
        ),
    ]);
    assert_eq!(
        rendered,
        "\
error: duplicate type name 'Vec3'
  --> robot.pusm:3:8
  |
3 | struct Vec3 {
  |        ^^^^ defined again here
  |
  --> common.pusm:2:8
  |
2 | struct Vec3 { x: float32; }
  |        ---- first defined here
  |
  = help: type names must be unique across a file and everything it imports
  = note: 'Vec3' is first defined at common.pusm:2:8

"
    );
    let errors = load_sources(
        &common::sources(&[
            (
                "robot.pusm",
                "import \"common.pusm\";\n\nstruct Vec3 {\n    x: int32;\n}\n",
            ),
            (
                "common.pusm",
                "namespace common;\nstruct Vec3 { x: float32; }\n",
            ),
        ]),
        &["robot.pusm"],
    )
    .unwrap_err();
    let error = errors.iter().next().unwrap();
    assert_eq!(
        (error.path.to_str(), error.line, error.column),
        (Some("robot.pusm"), 3, 8)
    );
    assert_eq!(error.related.len(), 1);
    let related = &error.related[0];
    assert_eq!(
        (
            related.path.to_str(),
            related.line,
            related.column,
            related.message.as_str()
        ),
        (Some("common.pusm"), 2, 8, "first defined here")
    );
    assert_eq!(
        error.notes,
        vec!["'Vec3' is first defined at common.pusm:2:8".to_owned()]
    );
}

#[test]
fn type_names_are_unique_across_transitive_imports_and_reported_once() {
    // a imports b and c; both import d. Only a sees two `Shared`s... and
    // b sees d's. The duplicate in b is reported once, however many files
    // see it.
    let files = [
        (
            "a.pusm",
            "import \"b.pusm\";\nimport \"c.pusm\";\nstruct A {}\n",
        ),
        ("b.pusm", "import \"d.pusm\";\nstruct Shared {}\n"),
        ("c.pusm", "import \"d.pusm\";\nstruct C {}\n"),
        ("d.pusm", "struct Shared {}\n"),
    ];
    assert_eq!(
        messages_files(&files),
        vec!["duplicate type name 'Shared'".to_owned()]
    );
    let errors = common::load(&files).unwrap_err();
    let error = errors.iter().next().unwrap();
    assert_eq!(error.path.to_str(), Some("b.pusm"));
    assert_eq!(error.related[0].path.to_str(), Some("d.pusm"));
}

#[test]
fn files_that_do_not_import_each_other_may_reuse_a_type_name() {
    let sources = common::sources(&[
        ("a.pusm", "struct Point {}\n"),
        ("b.pusm", "struct Point {}\n"),
    ]);
    let schema = load_sources(&sources, &["a.pusm", "b.pusm"]).unwrap();
    assert_eq!(schema.files.len(), 2);
}

#[test]
fn field_names_are_unique_in_their_struct() {
    assert_eq!(
        errors("struct A {\n    x: int32;\n    x: bool;\n}\nstruct B { x: int32; }\n"),
        "\
error: duplicate field 'x' in struct 'A'
  --> test.pusm:3:5
  |
2 |     x: int32;
  |     - first defined here
3 |     x: bool;
  |     ^ defined again here

"
    );
}

#[test]
fn variant_names_are_unique_in_their_enum() {
    assert_eq!(
        errors("enum E {\n    A = 1,\n    A = 2,\n}\nenum F { A = 1 }\n"),
        "\
error: duplicate variant 'A' in enum 'E'
  --> test.pusm:3:5
  |
2 |     A = 1,
  |     - first defined here
3 |     A = 2,
  |     ^ defined again here

"
    );
}

#[test]
fn variant_values_are_unique_in_their_enum() {
    assert_eq!(
        errors("enum E {\n    A = -1,\n    B = -1,\n}\nenum F { A = -1 }\n"),
        "\
error: duplicate value -1 in enum 'E': 'B' and 'A' both have it
  --> test.pusm:3:9
  |
2 |     A = -1,
  |         -- 'A' has this value
3 |     B = -1,
  |         ^^ value used again here
  |
  = help: give 'B' a value no other variant has, like 0

"
    );
    // The suggestion skips every value in use.
    let errors =
        common::load(&[("test.pusm", "enum E { A = 0, B = 1, C = 0, D = 2 }\n")]).unwrap_err();
    let error = errors.iter().next().unwrap();
    assert_eq!(
        error.help.as_deref(),
        Some("give 'C' a value no other variant has, like 3")
    );
}

#[test]
fn an_empty_enum_is_an_error() {
    assert_eq!(
        errors("/// Nothing.\nenum Never {\n}\n"),
        "\
error: enum 'Never' has no variants
  --> test.pusm:2:6
  |
2 | enum Never {
  |      ^^^^^ empty enum
  |
  = help: an enum without variants has no valid value: add at least one, like 'None = 0,'

"
    );
}

#[test]
fn an_empty_struct_is_fine() {
    let schema = ok("struct Empty {}\nstruct AlsoEmpty {\n}\n");
    assert_eq!(schema.files[0].items.len(), 2);
    assert_eq!(
        schema.fingerprint(&pusm_schema::TypeRef::Named(pusm_schema::TypeId {
            file: pusm_schema::FileId(0),
            index: 0
        })),
        common::fnv1a("Empty{}")
    );
}

#[test]
fn file_names_must_make_module_names() {
    assert_eq!(
        errors_files(&[("my-types.pusm", "struct A {}\n")]),
        "\
error: the file name 'my-types.pusm' does not make a module name
 = help: generated modules are named after the file: name it with letters, digits and '_', like 'my_types.pusm'

"
    );
    let errors = common::load(&[("my-types.pusm", "struct A {}\n")]).unwrap_err();
    let error = errors.iter().next().unwrap();
    assert_eq!(
        (error.path.to_str(), error.line, error.column, &error.span),
        (Some("my-types.pusm"), 0, 0, &None)
    );
}

#[test]
fn two_files_must_not_generate_the_same_module() {
    let sources = common::sources(&[
        ("a/shapes.pusm", "struct A {}\n"),
        ("b/Shapes.pusm", "struct B {}\n"),
    ]);
    let errors = load_sources(&sources, &["a/shapes.pusm", "b/Shapes.pusm"]).unwrap_err();
    assert_eq!(
        errors.render(false),
        "\
error: 'b/Shapes.pusm' and 'a/shapes.pusm' would generate the same module 'Shapes'
 = help: rename one of the files: generated files and modules are named after the schema file

"
    );
    ok_files(&[
        ("shapes.pusm", "import \"b/other.pusm\";\n"),
        ("b/other.pusm", ""),
    ]);
}

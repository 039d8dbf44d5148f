//! Type resolution: unknown names and suggestions, visibility through
//! imports, recursive types, size limits.

mod common;

use common::{errors, errors_files, messages, ok, ok_files};
use pusm_schema::{FileId, Item, TypeId, TypeRef};

fn help_for(unknown: &str) -> Option<String> {
    let text = format!("struct Vec3 {{}}\nenum Team {{ Red = 0 }}\nstruct A {{ a: {unknown}; }}\n");
    let errors = common::load(&[("test.pusm", &text)]).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    let error = errors.iter().next().unwrap();
    assert_eq!(error.message, format!("unknown type '{unknown}'"));
    error.help.clone()
}

#[test]
fn unknown_type_gets_a_caret_and_a_suggestion() {
    assert_eq!(
        errors("struct Observation {\n    step: int;\n}\n"),
        "\
error: unknown type 'int'
  --> test.pusm:2:11
  |
2 |     step: int;
  |           ^^^ not a type
  |
  = help: did you mean 'int32'?

"
    );
}

#[test]
fn aliases_from_other_languages_suggest_the_builtin() {
    for (alias, builtin) in [
        ("int", "int32"),
        ("i32", "int32"),
        ("integer", "int32"),
        ("float", "float32"),
        ("f32", "float32"),
        ("double", "float32"),
        ("float64", "float32"),
        ("f64", "float32"),
        ("str", "string"),
        ("String", "string"),
        ("boolean", "bool"),
        ("Bool", "bool"),
        ("byte", "bytes"),
        ("Bytes", "bytes"),
        ("bytearray", "bytes"),
    ] {
        assert_eq!(
            help_for(alias),
            Some(format!("did you mean '{builtin}'?")),
            "alias {alias}"
        );
    }
}

#[test]
fn close_names_are_suggested() {
    assert_eq!(help_for("vec3").as_deref(), Some("did you mean 'Vec3'?"));
    assert_eq!(help_for("Vec4").as_deref(), Some("did you mean 'Vec3'?"));
    assert_eq!(help_for("Taem").as_deref(), Some("did you mean 'Team'?"));
    assert_eq!(
        help_for("flaot32").as_deref(),
        Some("did you mean 'float32'?")
    );
    assert_eq!(help_for("INT32").as_deref(), Some("did you mean 'int32'?"));
    assert_eq!(help_for("strin").as_deref(), Some("did you mean 'string'?"));
    assert_eq!(help_for("Quaternion"), None);
    assert_eq!(help_for("x"), None);
}

#[test]
fn schema_keywords_are_not_types() {
    assert_eq!(
        messages("struct A { a: struct; }"),
        vec!["unknown type 'struct'".to_owned()]
    );
}

#[test]
fn types_of_files_not_imported_are_not_visible() {
    // common.pusm is not part of the schema at all: nothing to point at.
    assert_eq!(
        errors_files(&[
            (
                "robot.pusm",
                "import \"other.pusm\";\nstruct Robot {\n    at: Vec3;\n}\n"
            ),
            ("other.pusm", "struct Other {}\n"),
            ("common.pusm", "struct Vec3 {}\n"),
        ]),
        "\
error: unknown type 'Vec3'
  --> robot.pusm:3:9
  |
3 |     at: Vec3;
  |         ^^^^ not a type

"
    );
    // When the other file is part of the schema, the error says where the
    // type is and how to import it.
    let sources = common::sources(&[
        ("robot.pusm", "struct Robot {\n    at: Vec3;\n}\n"),
        ("common.pusm", "struct Vec3 {}\n"),
    ]);
    let errors = pusm_schema::load_sources(&sources, &["common.pusm", "robot.pusm"]).unwrap_err();
    assert_eq!(
        errors.render(false),
        "\
error: unknown type 'Vec3'
  --> robot.pusm:2:9
  |
2 |     at: Vec3;
  |         ^^^^ not a type
  |
  = help: import it: import \"common.pusm\";
  = note: 'Vec3' is defined in common.pusm, which this file does not import

"
    );
}

#[test]
fn imported_names_are_visible_transitively() {
    let schema = ok_files(&[
        (
            "top.pusm",
            "import \"middle.pusm\";\nstruct Top { m: Middle; b: Bottom; }\n",
        ),
        (
            "middle.pusm",
            "import \"bottom.pusm\";\nstruct Middle { b: Bottom; }\n",
        ),
        ("bottom.pusm", "enum Bottom { A = 0 }\n"),
    ]);
    let modules: Vec<&str> = schema
        .files
        .iter()
        .map(|file| file.module.as_str())
        .collect();
    assert_eq!(modules, ["bottom", "middle", "top"]);
    let Item::Struct(top) = &schema.files[2].items[0] else {
        panic!("not a struct");
    };
    assert_eq!(
        top.fields[1].ty,
        TypeRef::Named(TypeId {
            file: FileId(0),
            index: 0
        })
    );
    assert_eq!(
        top.fields[0].ty,
        TypeRef::Named(TypeId {
            file: FileId(1),
            index: 0
        })
    );
}

#[test]
fn own_types_may_be_used_before_they_are_defined() {
    let schema = ok("struct A { b: B; c: [C]?; }\nstruct B {}\nenum C { X = 0 }\n");
    let Item::Struct(a) = &schema.files[0].items[0] else {
        panic!("not a struct");
    };
    assert_eq!(
        a.fields[0].ty,
        TypeRef::Named(TypeId {
            file: FileId(0),
            index: 1
        })
    );
}

#[test]
fn a_struct_that_contains_itself_is_an_error() {
    assert_eq!(
        errors("struct Node {\n    value: int32;\n    children: [Node];\n}\n"),
        "\
error: recursive type 'Node': Node -> Node.children -> Node
  --> test.pusm:1:8
  |
1 | struct Node {
  |        ^^^^ contains itself
2 |     value: int32;
3 |     children: [Node];
  |               ------ through this field
  |
  = help: a message cannot contain itself, not even through a list, an array or an optional (PROTOCOL.md, section 8)

"
    );
    for ty in ["Node", "Node?", "[Node; 2]", "[[Node?]]"] {
        assert_eq!(
            messages(&format!("struct Node {{ next: {ty}; }}")),
            vec!["recursive type 'Node': Node -> Node.next -> Node".to_owned()],
            "{ty}"
        );
    }
}

#[test]
fn a_cycle_through_other_structs_is_named_once() {
    assert_eq!(
        errors("struct A {\n    b: B?;\n}\nstruct B {\n    c: [C];\n}\nstruct C {\n    a: A;\n}\nstruct D { a: A; }\n"),
        "\
error: recursive type 'A': A -> A.b -> B -> B.c -> C -> C.a -> A
  --> test.pusm:1:8
  |
1 | struct A {
  |        ^ contains itself
2 |     b: B?;
  |        -- through this field
  .
5 |     c: [C];
  |        --- through this field
  .
8 |     a: A;
  |        - through this field
  |
  = help: a message cannot contain itself, not even through a list, an array or an optional (PROTOCOL.md, section 8)

"
    );
}

#[test]
fn separate_cycles_are_each_reported() {
    assert_eq!(
        messages("struct A { a: A; }\nstruct B { c: C; }\nstruct C { b: B; }\n"),
        vec![
            "recursive type 'A': A -> A.a -> A".to_owned(),
            "recursive type 'B': B -> B.c -> C -> C.b -> B".to_owned(),
        ]
    );
}

#[test]
fn enums_end_recursion() {
    ok("enum E { A = 0 }\nstruct A { e: E; b: B; }\nstruct B { e: [E]; }\n");
}

#[test]
fn expanded_signatures_are_limited() {
    // Each level uses the next twice: the signature doubles with every level.
    let mut text = String::new();
    for level in 0..30 {
        text.push_str(&format!(
            "struct L{level} {{ a: L{next}; b: L{next}; }}\n",
            next = level + 1
        ));
    }
    text.push_str("struct L30 { x: int32; }\n");
    // The signature length of each level, worked out from the protocol's
    // rules: `Lk{a:<next>,b:<next>}`.
    let mut len = "L30{x:int32}".len();
    let mut crossing = None;
    for level in (0..30).rev() {
        let next = len;
        len = format!("L{level}").len() + "{a:,b:}".len() + 2 * next;
        if len > 1 << 20 && next <= 1 << 20 {
            crossing = Some(level);
        }
    }
    let crossing = crossing.unwrap();
    assert_eq!(crossing, 14);
    // Reported where it crosses the limit, not on every level above.
    assert_eq!(
        messages(&text),
        vec![format!(
            "type 'L{crossing}' is too big: its signature would be over 1048576 bytes"
        )]
    );
    // One level less is accepted, and its signature is what the rule says.
    let smaller: String = text
        .lines()
        .skip(crossing + 1)
        .map(|line| format!("{line}\n"))
        .collect();
    let schema = ok(&smaller);
    let top = TypeRef::Named(TypeId {
        file: FileId(0),
        index: 0,
    });
    assert!(schema.signature(&top).len() <= 1 << 20);
    assert!(schema.signature(&top).starts_with(&format!(
        "L{}{{a:L{}{{a:",
        crossing + 1,
        crossing + 2
    )));
}

#[test]
fn expanded_depth_is_limited() {
    let mut text = String::new();
    for level in 0..300 {
        text.push_str(&format!("struct L{level} {{ next: L{}; }}\n", level + 1));
    }
    text.push_str("struct L300 {}\n");
    let messages = messages(&text);
    assert_eq!(messages, vec!["type 'L236' nests too deeply: 65 levels once nested structs are expanded (the limit is 64)".to_owned()]);
}

#[test]
fn types_of_other_languages_get_a_hint_on_the_five_wire_types() {
    let load = |text: &str| common::load(&[("test.pusm", text)]).unwrap_err();
    let five = "the wire has five types: bool, int32, float32, string and bytes; lists '[T]', fixed arrays '[T; N]', optionals 'T?', enums and structs are built from them";
    let errors = load("struct A { a: int64; b: u8; c: HashMap; }\n");
    let all: Vec<_> = errors.iter().collect();
    assert_eq!(all.len(), 3, "{errors}");
    assert!(
        all[0].help.as_deref().unwrap().contains("two int32 fields"),
        "{errors}"
    );
    assert!(
        all[1]
            .help
            .as_deref()
            .unwrap()
            .contains("bytes for a byte array"),
        "{errors}"
    );
    assert!(
        all[2]
            .help
            .as_deref()
            .unwrap()
            .starts_with("there is no map"),
        "{errors}"
    );
    for error in &all {
        assert_eq!(
            error.notes.last().map(String::as_str),
            Some(five),
            "{errors}"
        );
    }
    // A close builtin is still suggested first, with the hint as a note.
    let errors = load("struct A { a: float64; }\n");
    let error = errors.iter().next().unwrap();
    assert_eq!(error.help.as_deref(), Some("did you mean 'float32'?"));
    assert!(
        error.notes[0].starts_with("there is no 64-bit float"),
        "{errors}"
    );
    // Generic syntax is one error per '<...>', with the hint for the name.
    let errors = load(
        "struct A {\n    v: Vec<int32>;\n    m: map<string, int32>;\n    p: Pair<int32>;\n}\n",
    );
    let messages: Vec<_> = errors.iter().map(|error| error.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "unexpected '<int32>'",
            "unexpected '<string, int32>'",
            "unexpected '<int32>'"
        ]
    );
    let helps: Vec<_> = errors
        .iter()
        .map(|error| error.help.clone().unwrap())
        .collect();
    assert!(helps[0].starts_with("a list is written '[T]'"), "{errors}");
    assert!(helps[1].starts_with("there is no map"), "{errors}");
    assert_eq!(helps[2], "types take no '<...>' arguments");
}

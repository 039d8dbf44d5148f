//! Lexing: comments, doc comments, strings, identifiers, integers and
//! characters that are not allowed.

mod common;

use common::{errors, messages, ok, ok_files};

#[test]
fn line_and_block_comments_are_ignored() {
    let schema = ok("// a comment\nstruct A { /* inline */ x: int32; // trailing\n/* multi\nline */ y: bool; }\n");
    assert_eq!(schema.files[0].items[0].name(), "A");
}

#[test]
fn four_slashes_are_an_ordinary_comment() {
    let schema = ok("//// not a doc comment\nstruct A { x: int32; }\n");
    assert!(schema.files[0].items[0].docs().is_empty());
}

#[test]
fn block_comments_do_not_nest() {
    // The first `*/` closes the comment, so `still */` is code.
    assert_eq!(
        errors("/* outer /* inner */ still */\nstruct A {}\n"),
        "\
error: expected 'struct', 'enum' or 'import', found 'still'
  --> test.pusm:1:22
  |
1 | /* outer /* inner */ still */
  |                      ^^^^^ expected 'struct', 'enum' or 'import'

error: unexpected characters '*/'
  --> test.pusm:1:28
  |
1 | /* outer /* inner */ still */
  |                            ^^ not allowed here
  |
  = help: '*/' here closes no comment (block comments do not nest)

"
    );
}

#[test]
fn unterminated_block_comment() {
    assert_eq!(
        errors("struct A {\n    x: int32; /* never closed\n    y: bool;\n}\n"),
        "\
error: unterminated block comment
  --> test.pusm:2:15
  |
2 |     x: int32; /* never closed
  |               ^^ this comment is never closed
  |
  = help: close it with '*/' (block comments do not nest)

"
    );
}

#[test]
fn unexpected_character() {
    assert_eq!(
        errors("struct A {\n    x: int32;\n    y: @bool;\n}\n"),
        "\
error: unexpected character '@'
  --> test.pusm:3:8
  |
3 |     y: @bool;
  |        ^ not allowed here

"
    );
}

#[test]
fn a_run_of_unexpected_characters_is_one_error() {
    assert_eq!(
        messages("struct A { x$#%: int32; }"),
        vec!["unexpected characters '$#%'".to_owned()]
    );
}

#[test]
fn non_ascii_outside_strings_and_comments() {
    assert_eq!(
        errors("struct Café { x: int32; }\n"),
        "\
error: unexpected character 'é'
  --> test.pusm:1:11
  |
1 | struct Café { x: int32; }
  |           ^ not allowed here
  |
  = help: only ASCII is allowed outside strings and comments: names are [A-Za-z_][A-Za-z0-9_]*

"
    );
}

#[test]
fn non_ascii_in_comments_and_doc_comments_is_fine() {
    let schema = ok("/// Ünïcödé docs ✓\nstruct A { /* é */ x: int32; // ß\n}\n");
    assert_eq!(
        schema.files[0].items[0].docs(),
        ["Ünïcödé docs ✓".to_owned()]
    );
}

#[test]
fn non_ascii_and_escapes_in_import_strings() {
    let schema = ok_files(&[
        (
            "main.pusm",
            "import \"dir \\\"q\\\" \\\\ ü/t.pusm\";\nstruct A { t: T; }\n",
        ),
        ("dir \"q\" \\ ü/t.pusm", "struct T {}\n"),
    ]);
    assert_eq!(schema.files.len(), 2);
    assert_eq!(schema.files[0].path.to_str(), Some("dir \"q\" \\ ü/t.pusm"));
}

#[test]
fn unknown_escape_in_string() {
    assert_eq!(
        errors("import \"a\\n.pusm\";\n"),
        "\
error: unknown escape '\\n' in string
  --> test.pusm:1:10
  |
1 | import \"a\\n.pusm\";
  |          ^^ unknown escape
  |
  = help: the only escapes are \\\" and \\\\

"
    );
}

#[test]
fn unterminated_string() {
    assert_eq!(
        errors("import \"common.pusm;\nstruct A {}\n"),
        "\
error: unterminated string
  --> test.pusm:1:8
  |
1 | import \"common.pusm;
  |        ^ this string is never closed on its line

"
    );
}

#[test]
fn identifiers_may_contain_underscores_and_digits() {
    let schema = ok("struct A1 { x_1: int32; y2z: bool; }\n");
    let pusm_schema::Item::Struct(def) = &schema.files[0].items[0] else {
        panic!("not a struct");
    };
    assert_eq!(def.fields[0].name, "x_1");
    assert_eq!(def.fields[1].name, "y2z");
}

#[test]
fn negative_integers_are_enum_values() {
    let schema = ok("enum E { A = -2147483648, B = 2147483647, C = 0, D = -0001 }\n");
    let pusm_schema::Item::Enum(def) = &schema.files[0].items[0] else {
        panic!("not an enum");
    };
    let values: Vec<i32> = def.variants.iter().map(|variant| variant.value).collect();
    assert_eq!(values, vec![i32::MIN, i32::MAX, 0, -1]);
}

#[test]
fn integers_are_decimal() {
    assert_eq!(
        errors("enum E { A = 0x10 }\n"),
        "\
error: invalid integer '0x10'
  --> test.pusm:1:14
  |
1 | enum E { A = 0x10 }
  |              ^^^^ not a decimal integer
  |
  = help: integers are written in decimal digits, like 42 or -1

"
    );
}

#[test]
fn a_lone_minus_is_unexpected() {
    assert_eq!(
        errors("enum E { A = - 1 }\n"),
        "\
error: unexpected character '-'
  --> test.pusm:1:14
  |
1 | enum E { A = - 1 }
  |              ^ not allowed here
  |
  = help: a '-' may only start a negative integer, like -1

"
    );
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark() {
    let schema = ok("\u{feff}/// Doc.\r\nnamespace a;\r\nstruct A {\r\n    x: int32;\r\n}\r\n");
    assert_eq!(schema.files[0].docs, ["Doc.".to_owned()]);
    let errors = errors("\u{feff}struct A {\r\n    x: int;\r\n}\r\n");
    assert!(errors.contains("  --> test.pusm:2:8\n"), "{errors}");
}

#[test]
fn invalid_utf8_is_reported() {
    let mut sources = pusm_schema::Sources::new();
    sources.add_bytes("bad.pusm", b"// caf\xE9\nstruct A { x: int32; }\n".to_vec());
    let Err(errors) = pusm_schema::load_sources(&sources, &["bad.pusm"]) else {
        panic!("invalid UTF-8 accepted");
    };
    assert_eq!(
        errors.render(false),
        "\
error: file is not valid UTF-8
  --> bad.pusm:1:7
  |
1 | // caf\u{fffd}
  |       ^ invalid UTF-8 here
  |
  = help: schema files are UTF-8 text

"
    );
}

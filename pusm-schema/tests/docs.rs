//! Doc comments: kept on the file, types, fields and variants; an error
//! where they document nothing.

mod common;

use common::{errors, messages, ok};
use pusm_schema::Item;

const TEXT: &str = "\
/// The file.
///
///   Indented line.
namespace demo;

/// The enum.
enum Mode {
    /// The variant.
    Idle = 0,
    Run = 1,
}

/// The struct,
/// on two lines.
struct State {
    /// The field.   
    mode: Mode;
    // An ordinary comment between doc lines does not split them.
    /// First.
    // ...
    /// Second.
    ///No space.
    count: int32;
}
";

#[test]
fn doc_comments_are_kept_on_the_file_types_fields_and_variants() {
    let schema = ok(TEXT);
    let file = &schema.files[0];
    assert_eq!(file.docs, ["The file.", "", "  Indented line."]);
    let Item::Enum(mode) = &file.items[0] else {
        panic!("not an enum");
    };
    assert_eq!(mode.docs, ["The enum."]);
    assert_eq!(mode.variants[0].docs, ["The variant."]);
    assert!(mode.variants[1].docs.is_empty());
    let Item::Struct(state) = &file.items[1] else {
        panic!("not a struct");
    };
    assert_eq!(state.docs, ["The struct,", "on two lines."]);
    assert_eq!(state.fields[0].docs, ["The field."]);
    assert_eq!(state.fields[1].docs, ["First.", "Second.", "No space."]);
}

#[test]
fn without_a_namespace_leading_docs_document_the_first_type() {
    let schema = ok("/// The type.\nstruct A {}\n");
    assert!(schema.files[0].docs.is_empty());
    assert_eq!(schema.files[0].items[0].docs(), ["The type."]);
}

#[test]
fn a_doc_comment_before_an_import_documents_nothing() {
    assert_eq!(
        errors("namespace a;\n\n/// Shared types.\nimport \"b.pusm\";\n")
            .split("\n\n")
            .next()
            .map(str::to_owned),
        Some(
            "\
error: doc comment documents nothing
  --> test.pusm:3:1
  |
3 | /// Shared types.
  | ^^^^^^^^^^^^^^^^^ not followed by a namespace, enum, struct, variant or field
  |
  = help: use '//' for an ordinary comment"
                .to_owned()
        )
    );
}

#[test]
fn a_doc_comment_before_a_closing_brace_documents_nothing() {
    assert_eq!(
        errors("struct A {\n    x: int32;\n    /// Nothing follows.\n    /// Still nothing.\n}\n"),
        "\
error: doc comment documents nothing
  --> test.pusm:3:5
  |
3 |     /// Nothing follows.
  |     ^^^^^^^^^^^^^^^^^^^^ not followed by a namespace, enum, struct, variant or field
  |
  = help: use '//' for an ordinary comment

"
    );
    assert_eq!(
        messages("enum E { A = 0, /// x\n}"),
        vec!["doc comment documents nothing".to_owned()]
    );
}

#[test]
fn a_doc_comment_at_the_end_of_the_file_documents_nothing() {
    assert_eq!(
        messages("struct A {}\n/// Trailing.\n"),
        vec!["doc comment documents nothing".to_owned()]
    );
}

#[test]
fn a_doc_comment_inside_a_field_documents_nothing() {
    assert_eq!(
        messages("struct A {\n    x: /// no\n    int32;\n}\n"),
        vec!["doc comment documents nothing".to_owned()]
    );
    let schema = ok("struct A {\n    x: int32; // /// is not a doc comment after //\n}\n");
    assert_eq!(schema.files[0].items.len(), 1);
}

#[test]
fn a_doc_comment_after_the_namespace_goes_to_the_next_type() {
    let schema = ok("/// File.\nnamespace a;\n/// Type.\nstruct A {}\n");
    assert_eq!(schema.files[0].docs, ["File."]);
    assert_eq!(schema.files[0].items[0].docs(), ["Type."]);
}

//! The `Diagnostics` API and its rendering.

mod common;

use common::load;
use pusm_schema::Diagnostics;

fn two_errors() -> Diagnostics {
    load(&[(
        "robot.pusm",
        "struct Robot {\n    step: int;\n    pose: Pose;\n}\n",
    )])
    .unwrap_err()
}

#[test]
fn display_is_the_plain_rendering() {
    let errors = two_errors();
    assert_eq!(errors.to_string(), errors.render(false));
    assert_eq!(
        errors.to_string(),
        "\
error: unknown type 'int'
  --> robot.pusm:2:11
  |
2 |     step: int;
  |           ^^^ not a type
  |
  = help: did you mean 'int32'?

error: unknown type 'Pose'
  --> robot.pusm:3:11
  |
3 |     pose: Pose;
  |           ^^^^ not a type

"
    );
}

#[test]
fn colored_rendering_has_ansi_codes_and_the_same_text() {
    let errors = two_errors();
    let colored = errors.render(true);
    assert!(colored.contains("\u{1b}["), "{colored:?}");
    // Without the escape codes it is the plain text (up to trailing spaces).
    let mut stripped = String::new();
    let mut chars = colored.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            stripped.push(c);
        }
    }
    let trimmed: String = stripped
        .lines()
        .map(|line| format!("{}\n", line.trim_end()))
        .collect();
    assert_eq!(trimmed, errors.render(false));
}

#[test]
fn diagnostics_expose_each_error() {
    let errors = two_errors();
    assert_eq!(errors.len(), 2);
    assert!(!errors.is_empty());
    let first = errors.iter().next().unwrap();
    assert_eq!(first.message, "unknown type 'int'");
    assert_eq!(first.path.to_str(), Some("robot.pusm"));
    assert_eq!((first.line, first.column), (2, 11));
    assert_eq!(first.span, Some(25..28));
    assert_eq!(first.label, "not a type");
    assert_eq!(first.help.as_deref(), Some("did you mean 'int32'?"));
    assert!(first.notes.is_empty());
    assert!(first.related.is_empty());
    assert_eq!((&errors).into_iter().count(), 2);
}

#[test]
fn diagnostics_are_a_std_error() {
    fn fails() -> Result<(), Box<dyn std::error::Error>> {
        load(&[("a.pusm", "struct A { a: B; }")])?;
        Ok(())
    }
    let error = fails().unwrap_err();
    assert!(error.to_string().starts_with("error: unknown type 'B'\n"));
}

#[test]
fn columns_count_characters_not_bytes() {
    let errors = load(&[("a.pusm", "/* ünï */ struct A { a: B; }")]).unwrap_err();
    let error = errors.iter().next().unwrap();
    assert_eq!((error.line, error.column), (1, 25));
    assert_eq!(error.span, Some(26..27));
}

#[test]
fn rendering_is_deterministic() {
    let text = "struct A { a: X; b: Y; c: Z; }\nstruct A {}\nenum E {}\n";
    let first = load(&[("a.pusm", text)]).unwrap_err().render(false);
    for _ in 0..10 {
        assert_eq!(load(&[("a.pusm", text)]).unwrap_err().render(false), first);
    }
}

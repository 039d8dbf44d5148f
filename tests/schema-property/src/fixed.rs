//! The schemas of issue 12 that broke the generator, as fixed cases, and
//! the ones the loader must refuse.

use crate::case::Case;

fn case(label: &str, values: usize, files: &[(&str, String)]) -> Case {
    Case {
        min_list: 0,
        max_list: 2,
        label: format!("fixed: {label}"),
        files: files
            .iter()
            .map(|(name, text)| ((*name).to_owned(), text.clone()))
            .collect(),
        values,
        seed: 12,
    }
}

/// `[` nested `depth` deep around `int32`.
fn lists(depth: usize) -> String {
    format!("{}int32{}", "[".repeat(depth), "]".repeat(depth))
}

/// Schemas every language must handle: each with values of every struct.
#[must_use]
pub fn accepted() -> Vec<Case> {
    let chain = ["typing", "struct", "enum", "dataclasses", "os", "sys"];
    let title = |stem: &str| format!("{}{}Msg", stem[..1].to_uppercase(), &stem[1..]);
    let chained: Vec<(String, String)> = chain
        .iter()
        .enumerate()
        .map(|(index, stem)| {
            let name = title(stem);
            let text = match chain.get(index + 1) {
                Some(next) => format!(
                    "namespace fx4.{stem};\nimport \"{next}.pusm\";\n\
                     struct {name} {{ inner: {}; items: [{}]; {stem}: int32; }}\n",
                    title(next),
                    title(next)
                ),
                None => format!("namespace fx4.{stem};\nstruct {name} {{ {stem}: string; }}\n"),
            };
            (format!("{stem}.pusm"), text)
        })
        .collect();
    let chained_refs: Vec<(&str, String)> = chained
        .iter()
        .map(|(name, text)| (name.as_str(), text.clone()))
        .collect();
    vec![
        case(
            "3-deep fixed arrays",
            2,
            &[(
                "arrays.pusm",
                "namespace fx1;\nstruct Vec3 { x: float32; y: float32; z: float32; }\n\
                 struct Grids {\n    cube: [[[int32; 3]; 3]; 3];\n    vecs: [[[Vec3; 2]; 2]; 2];\n    \
                 square: [[Vec3; 4]; 4];\n    maybe: [[[bool; 2]; 2]; 2]?;\n}\n"
                    .to_owned(),
            )],
        ),
        case(
            "forward references",
            3,
            &[(
                "forward.pusm",
                "namespace fx2;\nstruct A { b: B; e: E; bs: [B]; maybe: C?; }\n\
                 struct B { x: int32; e: E?; c: [C; 2]; }\nstruct C { e: [E]; }\n\
                 enum E { One = 1, Two = 2, }\n"
                    .to_owned(),
            )],
        ),
        case(
            "fields named like modules, beside lists",
            3,
            &[(
                "shadow.pusm",
                "namespace fx3;\nstruct Shadow {\n    struct: int32;\n    items: [int32];\n    \
                 typing: [float32];\n    dataclasses: string;\n    enum: [bool];\n    builtins: bytes;\n    \
                 sys: [string]?;\n    os: int32;\n}\n"
                    .to_owned(),
            )],
        ),
        case("files named like standard modules", 2, &chained_refs),
        case(
            "types named like exceptions",
            3,
            &[(
                "errors.pusm",
                "namespace fx5;\nstruct ValueError { message: string; }\n\
                 struct OverflowError { big: int32; error: ValueError?; }\n\
                 enum UnicodeDecodeError { Bad = 1, }\n\
                 struct Report { text: string; kind: UnicodeDecodeError; errors: [OverflowError]; blob: bytes; }\n"
                    .to_owned(),
            )],
        ),
        case(
            "C# contextual keywords as fields",
            3,
            &[(
                "waiter.pusm",
                "namespace fx6;\nstruct Waiter {\n    await: int32;\n    async: bool;\n    value: string;\n    \
                 var: [int32];\n    get: float32;\n    set: bytes;\n    yield: int32?;\n    dynamic: bool;\n    \
                 nameof: int32;\n    class: float32;\n}\n"
                    .to_owned(),
            )],
        ),
        Case {
            // One element per level: a value is a chain down to an int32.
            min_list: 1,
            max_list: 1,
            ..case(
                "lists nested at the loader's limit",
                2,
                &[(
                    "deep.pusm",
                    format!(
                        "namespace fx7;\nstruct Deep {{ deep: {}; }}\n",
                        lists(pusm_schema::MAX_NESTING)
                    ),
                )],
            )
        },
        case(
            "a 4 MiB fixed array",
            1,
            &[(
                "big.pusm",
                "namespace fx8;\nstruct Big { grid: [[int32; 65536]; 16]; after: bool; }\n".to_owned(),
            )],
        ),
        case(
            "fixed structs doubling past the inlining bound",
            2,
            &[("doubling.pusm", doubling("fx9", "x: int32; mode: Mode; on: bool"))],
        ),
        case(
            "variable structs doubling past the inlining bound",
            2,
            &[("doubling.pusm", doubling("fx10", "s: string; n: [int32]"))],
        ),
    ]
}

/// `struct U0 { a: U1; b: U1; }` down to `U6 { last }`, and a holder using
/// the large ones in a run, an array, a list and an optional: 64 times
/// `last` once expanded, so the plan calls the nested types' codecs.
fn doubling(namespace: &str, last: &str) -> String {
    let mut text = format!("namespace {namespace};\nenum Mode {{ Off = 0, On = 3 }}\n");
    for level in 0..6 {
        let next = level + 1;
        text.push_str(&format!("struct U{level} {{ a: U{next}; b: U{next}; }}\n"));
    }
    text.push_str(&format!("struct U6 {{ {last}; }}\n"));
    text.push_str(
        "struct Holder { id: int32; big: U1; pair: [U2; 2]; many: [U1]; maybe: U0?; end: bool; }\n",
    );
    text
}

/// Schemas the loader must refuse, each with a diagnostic: a type larger
/// than any capacity, values that build more objects than they take bytes,
/// and nesting past the limit.
#[must_use]
pub fn refused() -> Vec<Case> {
    vec![
        case(
            "a 16 GiB fixed array",
            0,
            &[(
                "huge.pusm",
                "struct Huge { grid: [[int32; 65536]; 65536]; }\n".to_owned(),
            )],
        ),
        case(
            "an optional array of empty structs in a list",
            0,
            &[(
                "amplify.pusm",
                "struct E {}\nstruct Amp { many: [[E; 65536]?]; }\n".to_owned(),
            )],
        ),
        case(
            "a list of optional empty structs",
            0,
            &[(
                "amplify.pusm",
                "struct E {}\nstruct Amp { maybes: [E?]; }\n".to_owned(),
            )],
        ),
        case(
            "lists nested one past the loader's limit",
            0,
            &[(
                "deeper.pusm",
                format!(
                    "struct Deeper {{ deep: {}; }}\n",
                    lists(pusm_schema::MAX_NESTING + 1)
                ),
            )],
        ),
    ]
}

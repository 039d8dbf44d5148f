//! Property tests: whatever the input, loading returns `Ok` or `Err`, never
//! panics, never overflows the stack; rendering and fingerprinting whatever
//! comes back never panics either.

mod common;

use proptest::prelude::*;
use proptest::test_runner::Config;
use pusm_schema::{load_sources, Schema, Sources, TypeRef};

const COMMON: &str = include_str!("../../schemas/common.pusm");
const ROBOT: &str = include_str!("../../schemas/robot.pusm");
const EDGE_CASES: &str = include_str!("../../schemas/edge_cases.pusm");

/// Loads `sources` from `a.pusm` and uses everything that comes back.
fn exercise(sources: &Sources) {
    match load_sources(sources, &["a.pusm"]) {
        Ok(schema) => use_schema(&schema),
        Err(errors) => {
            assert!(!errors.is_empty());
            let plain = errors.render(false);
            assert!(plain.starts_with("error: "), "{plain}");
            assert_eq!(plain.matches("\nerror: ").count() + 1, errors.len());
            let _ = errors.render(true);
            for error in errors.iter() {
                assert!(!error.message.is_empty());
                if let Some(span) = &error.span {
                    assert!(span.start <= span.end);
                    assert!(error.line >= 1 && error.column >= 1);
                }
            }
        }
    }
}

fn use_schema(schema: &Schema) {
    for (id, _) in schema.types() {
        let ty = TypeRef::Named(id);
        let signature = schema.signature(&ty);
        assert_eq!(schema.fingerprint(&ty), common::fnv1a(&signature));
        let _ = schema.fixed_size(&ty);
    }
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    }
}

/// Pieces of the language (and of broken versions of it), so random
/// sequences reach deep into the parser and checker.
const PIECES: &[&str] = &[
    "struct",
    "enum",
    "import",
    "namespace",
    "{",
    "}",
    "[",
    "]",
    ";",
    ":",
    ",",
    "=",
    "?",
    ".",
    "A",
    "B",
    "Vec3",
    "Team",
    "x",
    "y_z",
    "int32",
    "bool",
    "float32",
    "string",
    "bytes",
    "int",
    "1",
    "-1",
    "0",
    "65537",
    "99999999999",
    "/// doc\n",
    "// c\n",
    "/*",
    "*/",
    "\"",
    "\"a.pusm\"",
    "\"b.pusm\"",
    "\"common.pusm\"",
    "\"missing.pusm\"",
    " ",
    "\n",
    "@",
    "é",
    "\\",
    "\t",
    "\r\n",
];

fn soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(PIECES), 0..120)
        .prop_map(|pieces| pieces.join(" "))
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    Replace { at: usize, byte: u8 },
    Duplicate { at: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0..40usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), proptest::sample::select(PIECES)).prop_map(|(at, text)| {
            Mutation::Insert {
                at,
                text: text.to_owned(),
            }
        }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Replace { at, byte }),
        (any::<usize>(), 0..200usize).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for mutation in mutations {
        let size = bytes.len();
        let place = |at: usize| if size == 0 { 0 } else { at % (size + 1) };
        match mutation {
            Mutation::Delete { at, len } => {
                let start = place(*at);
                let end = (start + len).min(size);
                bytes.drain(start..end);
            }
            Mutation::Insert { at, text } => {
                let at = place(*at);
                bytes.splice(at..at, text.bytes());
            }
            Mutation::Replace { at, byte } => {
                if size > 0 {
                    bytes[at % size] = *byte;
                }
            }
            Mutation::Duplicate { at, len } => {
                let start = place(*at);
                let end = (start + len).min(size);
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
        }
    }
    bytes
}

// Random bytes mostly make ~100 errors each, and rendering them is the slow
// part: fewer cases there, more where the inputs get deeper into the checker.
proptest! {
    #![proptest_config(config(100))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut sources = Sources::new();
        sources.add_bytes("a.pusm", bytes);
        exercise(&sources);
    }
}

proptest! {
    #![proptest_config(config(800))]

    #[test]
    fn random_token_soup_never_panics(a in soup(), b in soup()) {
        let mut sources = Sources::new();
        sources.add("a.pusm", a).add("b.pusm", b).add("common.pusm", COMMON);
        exercise(&sources);
    }

    #[test]
    fn mutated_real_schemas_never_panic(
        which in 0..3usize,
        mutations in proptest::collection::vec(mutation(), 1..6),
        common_mutations in proptest::collection::vec(mutation(), 0..3),
    ) {
        let text = [ROBOT, EDGE_CASES, COMMON][which];
        let mut sources = Sources::new();
        sources.add_bytes("a.pusm", mutate(text, &mutations));
        sources.add_bytes("common.pusm", mutate(COMMON, &common_mutations));
        exercise(&sources);
    }
}

#[test]
fn the_real_schemas_themselves_pass_the_harness() {
    for text in [ROBOT, EDGE_CASES, COMMON] {
        let mut sources = Sources::new();
        sources.add("a.pusm", text).add("common.pusm", COMMON);
        let schema = load_sources(&sources, &["a.pusm"]).unwrap();
        use_schema(&schema);
    }
}

#[test]
fn pathological_inputs_do_not_overflow_the_stack() {
    let cases = [
        format!(
            "struct A {{ a: {}int32{}; }}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
        format!("struct A {{ a: {}; }}", "[".repeat(200_000)),
        format!("struct A {{ a: {}; }}", "]".repeat(200_000)),
        format!("struct A {{ a: int32{}; }}", "?".repeat(200_000)),
        "{".repeat(200_000),
        "}".repeat(200_000),
        "/// x\n".repeat(50_000),
        "struct A {".repeat(20_000),
        format!("enum E {{ {} }}", "A = 1, ".repeat(20_000)),
    ];
    for text in cases {
        let mut sources = Sources::new();
        sources.add("a.pusm", text);
        exercise(&sources);
    }
    // A long chain of structs, each inside the next, and a long import chain.
    let mut chain = String::new();
    for level in 0..5_000 {
        chain.push_str(&format!("struct S{level} {{ next: S{}; }}\n", level + 1));
    }
    chain.push_str("struct S5000 {}\n");
    let mut sources = Sources::new();
    sources.add("a.pusm", chain);
    exercise(&sources);
    let mut sources = Sources::new();
    for file in 0..300 {
        sources.add(
            if file == 0 {
                "a.pusm".to_owned()
            } else {
                format!("f{file}.pusm")
            },
            format!("import \"f{}.pusm\";\nstruct T{file} {{}}\n", file + 1),
        );
    }
    sources.add("f300.pusm", "import \"a.pusm\";\n");
    exercise(&sources);
}

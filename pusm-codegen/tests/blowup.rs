//! Generated code grows with the number of types, not with the number of
//! leaves once nested structs are expanded: `struct U{i} { a: U{i+1}; b:
//! U{i+1}; }` doubles the leaves at each level, and large nested structs are
//! written and read by their own type's codec (the plan's inlining bound).

use pusm_codegen::schema::{load_sources, Schema, Sources};
use pusm_codegen::{generate, Language};

/// `levels` doubling structs over a last struct holding `last`.
fn doubling_chain(levels: usize, last: &str) -> Schema {
    let mut text = String::from("namespace exp3;\n");
    for level in 0..levels {
        let next = level + 1;
        text.push_str(&format!("struct U{level} {{ a: U{next}; b: U{next}; }}\n"));
    }
    text.push_str(&format!("struct U{levels} {{ {last}; }}\n"));
    let mut sources = Sources::new();
    sources.add("exp3.pusm", text);
    load_sources(&sources, &["exp3.pusm"]).expect("the doubling chain loads")
}

/// Total bytes generated for `schema` in `language`, support files included.
fn generated_bytes(schema: &Schema, language: Language) -> usize {
    generate(schema, language)
        .iter()
        .map(|file| file.contents.len())
        .sum()
}

const LANGUAGES: [Language; 3] = [Language::Python, Language::CSharp, Language::Rust];

/// For each language and both chain variants: 14 levels (2^14 leaves)
/// generate at most about twice what 7 levels (2^7) do, as a linear size
/// does (an expansion would be 128 times larger), and stay under 200 KB.
#[test]
fn doubling_chains_generate_code_linear_in_the_number_of_types() {
    for last in ["x: int32", "s: string"] {
        let short = doubling_chain(7, last);
        let long = doubling_chain(14, last);
        for language in LANGUAGES {
            let short_bytes = generated_bytes(&short, language);
            let long_bytes = generated_bytes(&long, language);
            assert!(
                long_bytes <= short_bytes * 5 / 2,
                "{language:?}, last field `{last}`: 14 levels give {long_bytes} bytes, \
                 7 levels {short_bytes}"
            );
            assert!(
                long_bytes < 200_000,
                "{language:?}, last field `{last}`: {long_bytes} bytes for 15 types"
            );
        }
    }
}

/// Generation is deterministic with nested nodes too.
#[test]
fn doubling_chains_generate_the_same_code_twice() {
    for last in ["x: int32", "s: string"] {
        let schema = doubling_chain(14, last);
        for language in LANGUAGES {
            assert_eq!(
                generate(&schema, language),
                generate(&schema, language),
                "{language:?}"
            );
        }
    }
}

/// Python and C# call the nested struct's own codec for the large levels;
/// Python decodes a fixed one from the bytes already read.
#[test]
fn large_levels_call_the_nested_types_codec() {
    let fixed = doubling_chain(14, "x: int32");
    let python: String = generate(&fixed, Language::Python)
        .into_iter()
        .map(|file| file.contents)
        .collect();
    assert!(python.contains("self.a._pack(parts)"), "{python}");
    assert!(
        python.contains("a = _decode_u1(data, 0, offset)"),
        "{python}"
    );
    assert_eq!(
        python.matches("memory.read_bytes(offset, 65536)").count(),
        1
    );
    let csharp: String = generate(&fixed, Language::CSharp)
        .into_iter()
        .map(|file| file.contents)
        .collect();
    assert!(csharp.contains(".Encode(buffer, at + 32768);"), "{csharp}");
    assert!(
        csharp.contains("this.B.DecodeRun(run, 32768, offset);"),
        "{csharp}"
    );

    let variable = doubling_chain(14, "s: string");
    let python: String = generate(&variable, Language::Python)
        .into_iter()
        .map(|file| file.contents)
        .collect();
    assert!(
        python.contains("a, offset = U1.read(memory, offset)"),
        "{python}"
    );
    let csharp: String = generate(&variable, Language::CSharp)
        .into_iter()
        .map(|file| file.contents)
        .collect();
    assert!(
        csharp.contains("offset = this.A.Decode(sm, offset, pooled);"),
        "{csharp}"
    );
}

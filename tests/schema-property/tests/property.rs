//! The property test over random schemas (issue 12): for every schema, the
//! fixed ones of the issue and `PUSM_PROPTEST_CASES` random ones (24 by
//! default) from `PUSM_PROPTEST_SEED`, generated Python, C# and Rust write
//! exactly the reference codec's bytes for random values and read them back
//! to the same values. Each language is its own test, so a failure names it;
//! each failure shows the schema, the value and the bytes.
//!
//! Every run also sends a canary: a schema whose reference bytes have one
//! byte flipped, which every language must report. A harness that cannot
//! see a wrong byte fails.

#[path = "../../support/tools.rs"]
mod tools;

use std::path::Path;

use pusm_reference::random::Rng;
use pusm_schema_property::case::{Case, Loaded};
use pusm_schema_property::{csharp, fixed, gen, python, rust, Failure};

const DEFAULT_CASES: usize = 24;
const DEFAULT_SEED: u64 = 0x0012_5EED;
/// Schemas per `mcs` run.
const CSHARP_BATCH: usize = 40;
const CANARY: &str = "canary: one reference byte flipped";

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

struct Run {
    seed: u64,
    count: usize,
    cases: Vec<Case>,
}

impl Run {
    fn replay(&self) -> String {
        format!(
            "replay with PUSM_PROPTEST_SEED={:#x} PUSM_PROPTEST_CASES={} (PUSM_PROPTEST_ONLY=N runs random case N alone)",
            self.seed, self.count
        )
    }
}

fn cases() -> Run {
    let seed = env_number("PUSM_PROPTEST_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("PUSM_PROPTEST_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    let only = env_number("PUSM_PROPTEST_ONLY").map(|n| n as usize);
    let mut cases = fixed::accepted();
    let mut canary = cases[0].clone();
    canary.label = CANARY.to_owned();
    canary.files[0].1 = canary.files[0]
        .1
        .replace("namespace fx1;", "namespace canary;");
    cases.push(canary);
    for index in 0..count {
        if only.is_some_and(|only| only != index) {
            continue;
        }
        let case_seed = Rng::new(seed ^ (index as u64).wrapping_mul(0x9E37_79B9)).next_u64();
        let model = gen::random_schema(&mut Rng::new(case_seed), index);
        cases.push(Case {
            label: format!("random case {index} (PUSM_PROPTEST_SEED={seed:#x})"),
            files: model.render(),
            values: 3,
            seed: case_seed,
            min_list: 0,
            max_list: 2,
        });
    }
    eprintln!(
        "schema property test: seed {seed:#x}, {count} random schemas and {} fixed ones",
        fixed::accepted().len()
    );
    Run { seed, count, cases }
}

/// Loads every case under `dir`; corrupts the canary's bytes.
fn load(run: &Run, dir: &Path, failures: &mut Vec<Failure>) -> Vec<Loaded> {
    let mut loaded = Vec::new();
    for (index, case) in run.cases.iter().enumerate() {
        match Loaded::new(case.clone(), &dir.join(format!("case{index}"))) {
            Ok(mut ok) => {
                if case.label == CANARY {
                    for message in &mut ok.messages {
                        if let Some(last) = message.bytes.last_mut() {
                            *last ^= 0x01;
                        }
                    }
                }
                loaded.push(ok);
            }
            Err(failure) => failures.push(failure),
        }
    }
    loaded
}

/// Checks that the canary failed in `language`, drops its failures, and
/// panics with every other failure.
fn report(run: &Run, language: &str, mut failures: Vec<Failure>) {
    let canaries = failures
        .iter()
        .filter(|failure| failure.case == CANARY)
        .count();
    failures.retain(|failure| failure.case != CANARY);
    let mut text = String::new();
    if canaries == 0 {
        text.push_str(&format!(
            "the {language} driver did not notice the canary's wrong bytes: the harness is broken\n"
        ));
    }
    for failure in &failures {
        text.push_str(&pusm_schema_property::clip(&failure.to_string(), 8000));
        text.push_str("\n\n");
    }
    assert!(
        text.is_empty(),
        "{} failure(s) in {language}; {}\n\n{}\n{}",
        failures.len(),
        run.replay(),
        pusm_schema_property::clip(&text, 120_000),
        run.replay()
    );
}

fn temp_dir(language: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("pusm-schema-property-{language}-"))
        .tempdir()
        .expect("a temporary folder")
}

#[test]
fn generated_python_writes_and_reads_the_reference_bytes() {
    if !tools::have("python3", "the schema property test (Python)") {
        return;
    }
    let run = cases();
    let dir = temp_dir("python");
    let mut failures = Vec::new();
    for loaded in load(&run, dir.path(), &mut failures) {
        failures.extend(python::check(&loaded));
    }
    report(&run, "python", failures);
}

#[test]
fn generated_csharp_writes_and_reads_the_reference_bytes() {
    if !tools::have("mcs", "the schema property test (C#)")
        || !tools::have("mono", "the schema property test (C#)")
    {
        return;
    }
    let run = cases();
    let dir = temp_dir("csharp");
    let mut failures = Vec::new();
    let loaded = load(&run, dir.path(), &mut failures);
    let all: Vec<&Loaded> = loaded.iter().collect();
    for (index, batch) in all.chunks(CSHARP_BATCH).enumerate() {
        failures.extend(csharp::check(batch, &dir.path().join(format!("cs{index}"))));
    }
    report(&run, "csharp", failures);
}

#[test]
fn generated_rust_compiles_and_reads_and_writes_the_reference_bytes() {
    let run = cases();
    let dir = temp_dir("rust");
    let mut failures = Vec::new();
    let loaded = load(&run, dir.path(), &mut failures);
    let all: Vec<&Loaded> = loaded.iter().collect();
    failures.extend(rust::check(&all, &dir.path().join("crate")));
    report(&run, "rust", failures);
}

#[test]
fn the_loader_refuses_what_no_reader_could_bound() {
    let dir = temp_dir("refused");
    for (index, case) in fixed::refused().into_iter().enumerate() {
        match case.load(&dir.path().join(format!("case{index}"))) {
            Ok(_) => panic!("the loader accepts {}:\n{}", case.label, case.text()),
            Err(diagnostic) => assert!(
                diagnostic.contains("error") && diagnostic.contains(".pusm"),
                "{}: {diagnostic}",
                case.label
            ),
        }
    }
}

#[test]
fn random_schemas_load_and_reach_every_shape() {
    let dir = temp_dir("shapes");
    let mut seen = std::collections::BTreeSet::new();
    for index in 0..200 {
        let model = gen::random_schema(&mut Rng::new(index), index as usize);
        let files = model.render();
        let text: String = files.iter().map(|(_, text)| text.as_str()).collect();
        for (what, found) in [
            ("list", text.contains("]") && text.contains(": [")),
            ("array", text.contains("; ")),
            ("optional", text.contains("?;")),
            ("enum", text.contains("enum ")),
            ("import", text.contains("import ")),
            ("nested list", text.contains("[[")),
            ("forward reference", forward_reference(&model)),
        ] {
            if found {
                seen.insert(what);
            }
        }
        let case = Case {
            label: format!("shape {index}"),
            files,
            values: 0,
            seed: 0,
            min_list: 0,
            max_list: 0,
        };
        if let Err(err) = case.load(&dir.path().join(format!("case{index}"))) {
            panic!("random schema {index} is refused:\n{err}\n{}", case.text());
        }
    }
    assert_eq!(seen.len(), 7, "only {seen:?}");
}

/// Whether a struct uses a type of its own file written after it.
fn forward_reference(model: &pusm_schema_property::model::SchemaModel) -> bool {
    use pusm_schema_property::model::{Kind, Ty};
    fn names(ty: &Ty, out: &mut Vec<usize>) {
        match ty {
            Ty::Named(index) => out.push(*index),
            Ty::List(inner) | Ty::Array(inner, _) | Ty::Optional(inner) => names(inner, out),
            _ => {}
        }
    }
    model.files.iter().any(|file| {
        file.order.iter().enumerate().any(|(at, &index)| {
            let Kind::Struct(fields) = &model.types[index].kind else {
                return false;
            };
            let mut used = Vec::new();
            for (_, ty) in fields {
                names(ty, &mut used);
            }
            used.iter().any(|used| file.order[at + 1..].contains(used))
        })
    })
}

//! The schema language's limits hold in every language (`docs/SCHEMA.md`,
//! "Limits"): the deepest types it accepts (`schemas/deep.pusm` here: 32
//! nested type constructors, a chain of 64 levels) compile with rustc and
//! mcs and round-trip in Rust and Python; the biggest fixed arrays
//! (`schemas/big.pusm`, 4 MiB) decode in Rust without overflowing even a
//! small stack. And the Rust options of `Builder` give code that compiles.

mod support;

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use pusm_codegen_build_test::limits::{big, deep};
use pusm_codegen_build_test::{common, options, robot, shared, single_files};
use pusm_core::{SharedLayout, VecBuffer};

fn round_trip<T: SharedLayout + PartialEq + std::fmt::Debug>(value: &T) -> usize {
    let mut buf = VecBuffer::new();
    let end = value.write(&mut buf, 0).expect("write");
    assert_eq!(end, value.encoded_len());
    let (back, read_end) = T::read(&mut buf, 0).expect("read");
    assert_eq!(&back, value);
    assert_eq!(read_end, end);
    end
}

#[test]
fn the_deepest_types_round_trip_in_rust() {
    let mut value = deep::L0 {
        next: deep::L1 {
            next: Default::default(),
        },
    };
    // Down the 64 levels to the int32 at the bottom.
    value
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .next
        .x = 7;
    assert_eq!(round_trip(&value), 4);
    let signature = deep::L0::LAYOUT.signature();
    assert_eq!(signature.matches('{').count(), 63);

    let constructors = deep::Constructors {
        lists: vec![Some(vec![None, Some(Vec::new())]), None],
        arrays: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[9]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
    };
    round_trip(&constructors);
}

#[test]
fn big_fixed_arrays_are_boxed_and_decode_on_a_small_stack() {
    let row = |first: i32| -> Box<[i32; 65536]> {
        let values: Vec<i32> = (first..first + 65536).collect();
        values.into_boxed_slice().try_into().expect("65536 values")
    };
    let samples: Vec<f32> = (0..65536).map(|i| i as f32 * 0.5).collect();
    let grid = big::Grid {
        id: 3,
        cells: std::array::from_fn(|index| row(index as i32 * 65536)),
        samples: samples
            .into_boxed_slice()
            .try_into()
            .expect("65536 samples"),
        corner: [1.0, 2.0, 3.0],
    };
    // Small arrays stay inline: the struct itself is small.
    assert!(std::mem::size_of::<big::Grid>() < 1024);
    let mut buf = VecBuffer::new();
    let end = grid.write(&mut buf, 0).expect("write");
    assert_eq!(end, 4 + 16 * 65536 * 4 + 65536 * 4 + 12);
    let bytes = buf.into_inner();
    let decoded = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let mut buf = VecBuffer::from(bytes);
            big::Grid::read(&mut buf, 0).map(|(grid, _)| grid)
        })
        .expect("thread")
        .join()
        .expect("decoding fits a 256 KiB stack");
    assert_eq!(decoded.expect("decodes"), grid);
}

#[test]
fn the_deepest_types_compile_with_mcs() {
    if !support::tools::have("mcs", "compiling the generated C# at the schema limits") {
        return;
    }
    let mut generated: Vec<PathBuf> = fs::read_dir(pusm_codegen_build_test::LIMITS_CSHARP_DIR)
        .expect("the build script wrote C#")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    generated.sort();
    assert_eq!(generated.len(), 2, "{generated:?}");
    let dir = tempfile::tempdir().expect("temp dir");
    let root = support::repo_root();
    support::run(
        Command::new("mcs")
            .arg("-target:library")
            .arg(format!("-out:{}", dir.path().join("Limits.dll").display()))
            .arg(root.join("pusm-codegen/tests/csharp/SharedMemoryStub.cs"))
            .args(&generated),
    );
}

#[test]
fn the_deepest_and_biggest_types_round_trip_in_python() {
    if !support::tools::have(
        "python3",
        "running the generated Python at the schema limits",
    ) {
        return;
    }
    let script = support::repo_root().join("tests/codegen-build/tests/python_limits.py");
    let stdout = support::run(
        Command::new("python3")
            .arg(script)
            .arg(pusm_codegen_build_test::LIMITS_PYTHON_DIR),
    );
    assert_eq!(stdout.trim(), "ok");
}

#[test]
fn rust_options_compile_and_keep_the_wire_format() {
    // crate_path through a re-export, type_attribute deriving PartialOrd.
    let low = options::robot::Observation {
        step: 1,
        ..Default::default()
    };
    let high = options::robot::Observation {
        step: 2,
        ..Default::default()
    };
    assert!(low < high);
    assert_eq!(
        options::robot::Observation::FINGERPRINT,
        robot::Observation::FINGERPRINT
    );
    // extern_path: the shared module uses `crate::common` itself (extern
    // types may lack `Default`, so the struct derives none).
    let action = shared::robot::Action {
        command: shared::robot::Command::Move,
        force: common::Vec3 {
            x: 1.0,
            y: 2.0,
            z: 3.0,
        },
        gains: [0.5; 3],
        tags: vec!["a".to_owned()],
        dt: Some(0.25),
    };
    round_trip(&action);
    assert_eq!(
        shared::robot::Action::FINGERPRINT,
        robot::Action::FINGERPRINT
    );
    assert_eq!(
        shared::robot::Observation::FINGERPRINT,
        robot::Observation::FINGERPRINT
    );
    // The README's single-file include, its import beside it.
    assert_eq!(
        single_files::robot::Observation::FINGERPRINT,
        robot::Observation::FINGERPRINT
    );
}

//! Fuzz body `decoders`, dynamic half: the reference codec that `pusm
//! inspect` decodes with (`pusm_cli::reference`, driven by a layout alone)
//! against the generated
//! decoders of `schemas/`, on arbitrary bytes: both succeed or both fail,
//! at the same end, with the same canonical bytes.
//!
//! Shared by `fuzz/fuzz_targets/decoders.rs` (cargo-fuzz) and
//! `pusm-cli/tests/decode.rs` (CI). Needs pusm-cli, pusm-core and
//! pusm-examples.

#![allow(dead_code)]

use pusm_cli::reference::{decode_from, encode, DecodeError};
use pusm_core::{SharedLayout, VecBuffer};
use pusm_examples::schemas::{common, edge_cases, robot};

/// Decodes `data[1..]` at offset `data[0] % 8` both ways, as every generated type.
pub fn run(data: &[u8]) {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let offset = usize::from(first % 8);
    agree::<common::Vec3>(bytes, offset);
    agree::<common::Team>(bytes, offset);
    agree::<robot::Command>(bytes, offset);
    agree::<robot::Observation>(bytes, offset);
    agree::<robot::Action>(bytes, offset);
    agree::<edge_cases::Nested>(bytes, offset);
    agree::<edge_cases::Keywords>(bytes, offset);
    agree::<edge_cases::Empty>(bytes, offset);
    agree::<edge_cases::Pose>(bytes, offset);
}

/// Panics unless the dynamic and the generated decoder agree on `bytes`.
pub fn agree<T: SharedLayout>(bytes: &[u8], offset: usize) {
    let name = T::LAYOUT.signature();
    // Only values that take no bytes count against the budget.
    let budget = bytes.len() as u64 * 4 + 1024;
    let dynamic = decode_from(T::LAYOUT, bytes, offset as u64, budget);
    if matches!(dynamic, Err(DecodeError::TooManyValues { .. })) {
        return;
    }
    let typed = T::read(&mut VecBuffer::from(bytes), offset);
    match (dynamic, typed) {
        (Ok((value, end)), Ok((typed, typed_end))) => {
            assert_eq!(end, typed_end as u64, "{name}: where the value ends");
            let from_dynamic = encode(T::LAYOUT, &value)
                .unwrap_or_else(|err| panic!("{name}: re-encoding the dynamic value: {err}"));
            let mut from_typed = VecBuffer::new();
            typed
                .write(&mut from_typed, 0)
                .unwrap_or_else(|err| panic!("{name}: re-encoding the typed value: {err}"));
            assert_eq!(
                from_dynamic,
                from_typed.as_slice(),
                "{name}: the two decoders read different values"
            );
            // Rendering never panics.
            let _ = value.to_string();
        }
        (Err(dynamic), Err(typed)) => {
            assert!(!dynamic.to_string().is_empty() && !typed.to_string().is_empty());
        }
        (Ok(_), Err(err)) => panic!("{name}: only the generated decoder fails: {err}"),
        (Err(err), Ok(_)) => panic!("{name}: only the dynamic decoder fails: {err}"),
    }
}

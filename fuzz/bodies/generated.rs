//! Fuzz body `decoders`, generated half: arbitrary bytes decoded as every
//! type generated from `schemas/` (`pusm_examples::schemas`), from a
//! `VecBuffer`, with the same checks as the derived half (`layouts.rs`); and
//! handed to the echo peer's request handler (`pusm_examples::echo`), which
//! reads whatever a peer wrote: an answer or an error, never a panic.
//!
//! Shared by `fuzz/fuzz_targets/decoders.rs` (cargo-fuzz) and
//! `examples/tests/reliability.rs` (CI). Needs `mod layouts;` next to it,
//! pusm-core and pusm-examples.

#![allow(dead_code)]

use pusm_core::{SharedLayout, VecBuffer};
use pusm_examples::schemas::{common, edge_cases, robot};

use super::layouts::{check_decoder, random_encoding};

/// Decodes `data[1..]` at offset `data[0] % 8` as every generated type, then
/// lets the echo handler answer it in place.
pub fn run(data: &[u8]) {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let offset = usize::from(first % 8);
    check_decoder::<common::Vec3>(bytes, offset);
    check_decoder::<common::Team>(bytes, offset);
    check_decoder::<robot::Command>(bytes, offset);
    check_decoder::<robot::Observation>(bytes, offset);
    check_decoder::<robot::Action>(bytes, offset);
    check_decoder::<edge_cases::Nested>(bytes, offset);
    check_decoder::<edge_cases::Keywords>(bytes, offset);
    check_decoder::<edge_cases::Empty>(bytes, offset);
    check_decoder::<edge_cases::Pose>(bytes, offset);

    // The echo peer's handler, on a request nobody checked.
    let mut buf = VecBuffer::from(bytes);
    if let Err(err) = pusm_examples::echo::echo_message(&mut buf, offset) {
        assert!(!err.to_string().is_empty());
    }
}

/// The layout and fingerprint of every generated struct type.
pub fn struct_layouts() -> Vec<(&'static pusm_core::layout::Layout<'static>, u32)> {
    vec![
        (common::Vec3::LAYOUT, common::Vec3::FINGERPRINT),
        (robot::Observation::LAYOUT, robot::Observation::FINGERPRINT),
        (robot::Action::LAYOUT, robot::Action::FINGERPRINT),
        (edge_cases::Nested::LAYOUT, edge_cases::Nested::FINGERPRINT),
        (
            edge_cases::Keywords::LAYOUT,
            edge_cases::Keywords::FINGERPRINT,
        ),
        (edge_cases::Empty::LAYOUT, edge_cases::Empty::FINGERPRINT),
        (edge_cases::Pose::LAYOUT, edge_cases::Pose::FINGERPRINT),
    ]
}

/// Valid inputs: random valid encodings of every struct type, plain at
/// offset 0 and checked (fingerprint first, as the echo handler expects).
pub fn seeds(next: &mut dyn FnMut() -> u64) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for _ in 0..6 {
        for (layout, fingerprint) in struct_layouts() {
            let mut plain = vec![0u8];
            plain.extend(random_encoding(layout, next));
            seeds.push(plain);
            let mut checked = vec![0u8];
            checked.extend_from_slice(&fingerprint.to_le_bytes());
            checked.extend(random_encoding(layout, next));
            seeds.push(checked);
        }
    }
    seeds
}

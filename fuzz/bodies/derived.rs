//! Fuzz body `decoders`, derived half: arbitrary bytes decoded as
//! `#[derive(SharedLayout)]` types covering every wire shape, from a
//! `VecBuffer`. Decoding returns a value or an error, never panics; a value
//! re-encodes to the canonical form of the bytes it came from (see
//! `layouts.rs`), and the decoder agrees with an independent reading of the
//! layout on where the value ends and on whether the bytes are valid.
//!
//! Shared by `fuzz/fuzz_targets/decoders.rs` (cargo-fuzz) and
//! `pusm-core/tests/fuzz_harness.rs` (CI). Needs `mod layouts;`
//! (`fuzz/bodies/layouts.rs`) next to it and pusm-core.

#![allow(dead_code)]

use pusm_core::SharedLayout;

use super::layouts::{check_decoder, random_encoding};

/// An enum with negative, zero and extreme values.
#[derive(SharedLayout, Debug, Clone, Copy, PartialEq)]
#[repr(i32)]
pub enum Mode {
    /// 0
    Off = 0,
    /// 1
    On = 1,
    /// A negative value.
    Back = -7,
    /// The largest value.
    Max = 2_147_483_647,
}

/// A fixed-size struct.
#[derive(SharedLayout, Debug, Clone, PartialEq)]
pub struct Point {
    /// float32
    pub x: f32,
    /// float32
    pub y: f32,
    /// bool
    pub on: bool,
}

/// A struct with no fields: zero bytes on the wire.
#[derive(SharedLayout, Debug, Clone, PartialEq)]
pub struct Nothing {}

/// Every wire shape, nested in every other.
#[derive(SharedLayout, Debug, Clone, PartialEq)]
pub struct Everything {
    /// bool
    pub flag: bool,
    /// int32
    pub count: i32,
    /// float32
    pub ratio: f32,
    /// string
    pub name: String,
    /// bytes
    pub blob: Vec<u8>,
    /// enum
    pub mode: Mode,
    /// struct
    pub at: Point,
    /// [struct]
    pub path: Vec<Point>,
    /// [struct; 2]
    pub corners: [Point; 2],
    /// struct?
    pub maybe: Option<Point>,
    /// string?
    pub maybe_text: Option<String>,
    /// [[int32]]
    pub nested: Vec<Vec<i32>>,
    /// [[float32; 2]; 2]
    pub grid: [[f32; 2]; 2],
    /// [string?]
    pub labels: Vec<Option<String>>,
    /// [enum]
    pub modes: Vec<Mode>,
    /// [bytes]
    pub blobs: Vec<Vec<u8>>,
    /// [enum?; 3]
    pub slots: [Option<Mode>; 3],
    /// [string]?
    pub maybe_list: Option<Vec<String>>,
    /// an empty struct
    pub nothing: Nothing,
}

/// Lists of zero-size values: four bytes of count stand for up to 2^31 - 1 values.
#[derive(SharedLayout, Debug, Clone, PartialEq)]
pub struct Hollow {
    /// [empty struct]
    pub nothings: Vec<Nothing>,
    /// [[empty struct; 3]]
    pub triples: Vec<[Nothing; 3]>,
}

/// Decodes `data[1..]` at offset `data[0] % 8` as every type here.
pub fn run(data: &[u8]) {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let offset = usize::from(first % 8);
    check_decoder::<Everything>(bytes, offset);
    check_decoder::<Point>(bytes, offset);
    check_decoder::<Mode>(bytes, offset);
    check_decoder::<Nothing>(bytes, offset);
    check_decoder::<Hollow>(bytes, offset);
    check_decoder::<Vec<String>>(bytes, offset);
    check_decoder::<Vec<Vec<u8>>>(bytes, offset);
    check_decoder::<Option<Vec<Option<Point>>>>(bytes, offset);
    check_decoder::<[Option<Mode>; 4]>(bytes, offset);
    check_decoder::<String>(bytes, offset);
    check_decoder::<Vec<u8>>(bytes, offset);
    check_decoder::<bool>(bytes, offset);
    check_decoder::<f32>(bytes, offset);
}

/// Valid inputs to start from: random valid encodings of each type, plain
/// and checked (fingerprint first), at offset 0.
pub fn seeds(next: &mut dyn FnMut() -> u64) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for _ in 0..8 {
        for (layout, fingerprint) in [
            (Everything::LAYOUT, Everything::FINGERPRINT),
            (Point::LAYOUT, Point::FINGERPRINT),
            (Hollow::LAYOUT, Hollow::FINGERPRINT),
            (<Option<Vec<Option<Point>>>>::LAYOUT, 0),
        ] {
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

//! `#[derive(SharedLayout)]` with big fixed arrays: `Box<[T; N]>` fields
//! have the bytes and fingerprint of `[T; N]` and decode on the heap, so a
//! 4 MiB array reads on a 256 KiB stack (an inline one that big is a compile
//! error: `pusm-derive/tests/ui/big_inline_array.rs`).

use pusm_core::{Error, SharedLayout, VecBuffer};

fn encode<T: SharedLayout>(value: &T) -> Vec<u8> {
    let mut buf = VecBuffer::new();
    let end = value.write(&mut buf, 0).unwrap();
    assert_eq!(end, value.encoded_len(), "encoded_len agrees with write");
    buf.into_inner()
}

fn decode<T: SharedLayout>(bytes: &[u8]) -> Result<T, Error> {
    let mut buf = VecBuffer::from(bytes.to_vec());
    T::read(&mut buf, 0).map(|(value, _)| value)
}

/// 4 MiB of fixed arrays: rows boxed, so that no array over 64 KiB is ever
/// held (or decoded) inline. The layout is `[[int32; 65536]; 16]`.
#[derive(SharedLayout, Debug, PartialEq)]
struct BigGrid {
    id: i32,
    rows: [Box<[i32; 65536]>; 16],
    samples: Box<[f32; 65536]>,
}

fn boxed_row<T: Copy + std::fmt::Debug>(value: impl Fn(usize) -> T) -> Box<[T; 65536]> {
    let items: Vec<T> = (0..65536).map(value).collect();
    items.into_boxed_slice().try_into().expect("65536 elements")
}

#[test]
fn big_fixed_arrays_decode_on_the_heap_not_the_stack() {
    assert_eq!(
        BigGrid::LAYOUT.signature(),
        "BigGrid{id:int32,rows:[[int32;65536];16],samples:[float32;65536]}"
    );
    assert_eq!(
        <Box<[i32; 3]> as SharedLayout>::FINGERPRINT,
        <[i32; 3] as SharedLayout>::FINGERPRINT
    );
    let grid = BigGrid {
        id: 7,
        rows: std::array::from_fn(|row| boxed_row(move |col| (row * 65536 + col) as i32)),
        samples: boxed_row(|i| i as f32 * 0.25),
    };
    let bytes = encode(&grid);
    assert_eq!(bytes.len(), 4 + 16 * 65536 * 4 + 65536 * 4);
    assert_eq!(bytes[4..8], 0i32.to_le_bytes());
    assert_eq!(bytes[8..12], 1i32.to_le_bytes());
    // A 256 KiB stack: far less than one 4 MiB array, or even one row of it.
    let decoded = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let decoded = decode::<BigGrid>(&bytes);
            let cut = decode::<BigGrid>(&bytes[..bytes.len() - 1]);
            (decoded, cut)
        })
        .unwrap()
        .join()
        .expect("decoding ran on a small stack");
    assert_eq!(decoded.0.unwrap(), grid);
    assert!(matches!(decoded.1, Err(Error::OutOfBounds { .. })));
}

/// A small boxed array among scalars: the same bytes as the array inline.
#[derive(SharedLayout, Debug, PartialEq)]
struct SmallBoxed {
    id: i32,
    gains: Box<[f32; 3]>,
    on: bool,
}

#[derive(SharedLayout, Debug, PartialEq)]
struct SmallInline {
    id: i32,
    gains: [f32; 3],
    on: bool,
}

#[test]
fn a_boxed_array_has_the_bytes_and_fingerprint_of_the_array() {
    let boxed = SmallBoxed {
        id: -2,
        gains: Box::new([0.5, 1.5, -2.0]),
        on: true,
    };
    let inline = SmallInline {
        id: -2,
        gains: [0.5, 1.5, -2.0],
        on: true,
    };
    assert_eq!(encode(&boxed), encode(&inline));
    assert_eq!(
        SmallBoxed::LAYOUT.signature().replace("SmallBoxed", ""),
        SmallInline::LAYOUT.signature().replace("SmallInline", "")
    );
    assert_eq!(decode::<SmallBoxed>(&encode(&inline)).unwrap(), boxed);
    let bytes = encode(&boxed);
    for len in 0..bytes.len() {
        assert!(
            matches!(
                decode::<SmallBoxed>(&bytes[..len]),
                Err(Error::OutOfBounds { .. })
            ),
            "cut at {len}"
        );
    }
}

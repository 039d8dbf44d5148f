//! The reference codec on hand-written bytes, hostile inputs and random
//! layouts with random values.

use std::cell::Cell;

use proptest::prelude::*;
use pusm_layout::{EnumLayout, Field, Layout, StructLayout, Variant};
use pusm_reference::random::{random_value, Rng};
use pusm_reference::{
    decode, decode_from, encode, DecodeError, EncodeError, Source, SourceError, Value,
};

const TEAM: EnumLayout<'static> = EnumLayout {
    name: "Team",
    variants: &[
        Variant {
            name: "Red",
            value: -1,
        },
        Variant {
            name: "Blue",
            value: 2,
        },
    ],
};

const EMPTY: StructLayout<'static> = StructLayout {
    name: "Empty",
    fields: &[],
};

const POINT: StructLayout<'static> = StructLayout {
    name: "Point",
    fields: &[
        Field {
            name: "ok",
            layout: &Layout::Bool,
        },
        Field {
            name: "team",
            layout: &Layout::Enum(&TEAM),
        },
        Field {
            name: "tag",
            layout: &Layout::Optional(&Layout::String),
        },
        Field {
            name: "xs",
            layout: &Layout::List(&Layout::Float32),
        },
        Field {
            name: "raw",
            layout: &Layout::Array(&Layout::Bytes, 2),
        },
    ],
};

fn point() -> Value {
    Value::Struct {
        name: "Point".into(),
        fields: vec![
            ("ok".into(), Value::Bool(true)),
            (
                "team".into(),
                Value::Enum {
                    name: "Team".into(),
                    variant: "Red".into(),
                    value: -1,
                },
            ),
            (
                "tag".into(),
                Value::Optional(Some(Box::new(Value::String("é".into())))),
            ),
            ("xs".into(), Value::List(vec![Value::Float32(1.0)])),
            (
                "raw".into(),
                Value::Array(vec![Value::Bytes(vec![7]), Value::Bytes(vec![])]),
            ),
        ],
    }
}

#[rustfmt::skip]
const POINT_BYTES: &[u8] = &[
    1,                          // ok
    0xff, 0xff, 0xff, 0xff,     // team = -1
    1, 2, 0, 0, 0, 0xc3, 0xa9,  // tag: present, 2 bytes, "é"
    1, 0, 0, 0, 0, 0, 0x80, 0x3f, // xs: one element, 1.0
    1, 0, 0, 0, 7,              // raw[0]
    0, 0, 0, 0,                 // raw[1]
];

#[test]
fn a_struct_encodes_to_the_bytes_of_the_protocol() {
    let layout = Layout::Struct(&POINT);
    assert_eq!(encode(&layout, &point()).unwrap(), POINT_BYTES);
    assert_eq!(
        decode(&layout, POINT_BYTES).unwrap(),
        (point(), POINT_BYTES.len())
    );
    // Any non-zero byte reads as true; the rest of the input is left alone.
    let mut bytes = POINT_BYTES.to_vec();
    bytes[0] = 0x80;
    bytes.extend_from_slice(b"tail");
    assert_eq!(
        decode(&layout, &bytes).unwrap(),
        (point(), POINT_BYTES.len())
    );
}

#[test]
fn every_truncation_is_an_error_naming_the_field() {
    let layout = Layout::Struct(&POINT);
    for len in 0..POINT_BYTES.len() {
        let err = decode(&layout, &POINT_BYTES[..len]).unwrap_err();
        assert!(matches!(err, DecodeError::Truncated { .. }), "{len}: {err}");
        assert!(err.to_string().starts_with("at Point."), "{len}: {err}");
    }
}

#[test]
fn hostile_bytes_get_typed_errors() {
    let strings = Layout::List(&Layout::String);
    let negative = [1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff];
    assert_eq!(
        decode(&strings, &negative).unwrap_err(),
        DecodeError::NegativeLength {
            path: "value[0]".into(),
            offset: 4,
            length: -2
        }
    );
    let bad_utf8 = [1, 0, 0, 0, 1, 0, 0, 0, 0xff];
    assert!(matches!(
        decode(&strings, &bad_utf8).unwrap_err(),
        DecodeError::InvalidUtf8 { offset: 8, .. }
    ));
    let err = decode(&Layout::Enum(&TEAM), &5i32.to_le_bytes()).unwrap_err();
    assert!(
        err.to_string().contains("not a variant of enum Team"),
        "{err}"
    );
}

#[test]
fn a_huge_count_is_refused_before_anything_is_allocated() {
    // Two billion int32s announced in four bytes: refused from the count,
    // with the bytes it would need, not after allocating 8 GB.
    let mut bytes = i32::MAX.to_le_bytes().to_vec();
    bytes.extend_from_slice(&[0; 8]);
    assert_eq!(
        decode(&Layout::List(&Layout::Int32), &bytes).unwrap_err(),
        DecodeError::Truncated {
            path: "value".into(),
            offset: 4,
            needed: 4 * i32::MAX as u64,
            available: 8
        }
    );
    // A 16 GiB fixed array is refused from the first byte.
    const ROW: Layout<'static> = Layout::Array(&Layout::Int32, 65_536);
    let huge = Layout::Array(&ROW, 65_536);
    assert!(matches!(
        decode(&huge, &[0; 64]).unwrap_err(),
        DecodeError::Truncated {
            needed: 17_179_869_184,
            ..
        }
    ));
}

#[test]
fn values_that_take_no_bytes_run_into_the_budget() {
    let list = Layout::List(&Layout::Struct(&EMPTY));
    let err = decode(&list, &i32::MAX.to_le_bytes()).unwrap_err();
    assert!(matches!(err, DecodeError::TooManyValues { .. }), "{err}");
    // An array of no strings takes no bytes either, though its size is not fixed.
    const NO_STRINGS: Layout<'static> = Layout::Array(&Layout::String, 0);
    let err = decode(&Layout::List(&NO_STRINGS), &i32::MAX.to_le_bytes()).unwrap_err();
    assert!(matches!(err, DecodeError::TooManyValues { .. }), "{err}");
    let (value, end) = decode_from(&list, &3i32.to_le_bytes()[..], 0, 3).unwrap();
    assert_eq!(end, 4);
    assert!(matches!(value, Value::List(items) if items.len() == 3));
    assert!(decode_from(&list, &4i32.to_le_bytes()[..], 0, 3).is_err());
}

/// An 8 GiB source of zeros that counts the bytes read from it.
struct Huge {
    read: Cell<u64>,
}

impl Source for Huge {
    fn len(&self) -> u64 {
        8 << 30
    }

    fn read_at(&self, at: u64, out: &mut [u8]) -> Result<(), SourceError> {
        assert!(at + out.len() as u64 <= self.len());
        self.read.set(self.read.get() + out.len() as u64);
        out.fill(0);
        Ok(())
    }
}

#[test]
fn decoding_reads_only_the_message() {
    let source = Huge { read: Cell::new(0) };
    let layout = Layout::Struct(&POINT);
    let at = 6 << 30;
    // Zeros: ok=false, then team=0, which is not a variant: an error after 5 bytes.
    let err = decode_from(&layout, &source, at, 10).unwrap_err();
    assert!(
        matches!(err, DecodeError::UnknownVariant { value: 0, .. }),
        "{err}"
    );
    assert_eq!(source.read.get(), 5);
    // A list of 0 int32s reads only its count.
    source.read.set(0);
    let (value, end) = decode_from(&Layout::List(&Layout::Int32), &source, at, 10).unwrap();
    assert_eq!(
        (value, end, source.read.get()),
        (Value::List(vec![]), at + 4, 4)
    );
}

#[test]
fn encoding_checks_the_value_against_the_layout() {
    let layout = Layout::Struct(&POINT);
    let Value::Struct { name, mut fields } = point() else {
        unreachable!("point() is a struct")
    };
    fields[4].1 = Value::Array(vec![Value::Bytes(vec![])]);
    let err = encode(&layout, &Value::Struct { name, fields }).unwrap_err();
    assert_eq!(
        err,
        EncodeError::ArrayLength {
            path: "Point.raw".into(),
            expected: 2,
            found: 1
        }
    );
    let wrong = Value::Enum {
        name: "Team".into(),
        variant: "Blue".into(),
        value: 3,
    };
    assert!(matches!(
        encode(&Layout::Enum(&TEAM), &wrong).unwrap_err(),
        EncodeError::UnknownVariant { value: 3, .. }
    ));
    let err = encode(&Layout::List(&Layout::Int32), &Value::Int32(1)).unwrap_err();
    assert_eq!(err.to_string(), "at value: expected [int32], found int32");
}

// ---------------------------------------------------------------------------
// Random layouts

/// An owned layout tree, turned into a borrowed [`Layout`] by leaking (test only).
#[derive(Debug, Clone)]
enum Shape {
    Bool,
    Int32,
    Float32,
    String,
    Bytes,
    Enum(Vec<i32>),
    List(Box<Shape>),
    Array(Box<Shape>, usize),
    Optional(Box<Shape>),
    Struct(Vec<Shape>),
}

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn layout_of(shape: &Shape) -> &'static Layout<'static> {
    let name = |prefix: &str, len: usize| -> &'static str {
        Box::leak(format!("{prefix}{len}").into_boxed_str())
    };
    leak(match shape {
        Shape::Bool => Layout::Bool,
        Shape::Int32 => Layout::Int32,
        Shape::Float32 => Layout::Float32,
        Shape::String => Layout::String,
        Shape::Bytes => Layout::Bytes,
        Shape::Enum(values) => Layout::Enum(leak(EnumLayout {
            name: name("E", values.len()),
            variants: Box::leak(
                values
                    .iter()
                    .enumerate()
                    .map(|(index, &value)| Variant {
                        name: name("V", index),
                        value,
                    })
                    .collect::<Vec<_>>()
                    .into_boxed_slice(),
            ),
        })),
        Shape::List(element) => Layout::List(layout_of(element)),
        Shape::Array(element, len) => Layout::Array(layout_of(element), *len),
        Shape::Optional(inner) => Layout::Optional(layout_of(inner)),
        Shape::Struct(fields) => Layout::Struct(leak(StructLayout {
            name: name("S", fields.len()),
            fields: Box::leak(
                fields
                    .iter()
                    .enumerate()
                    .map(|(index, field)| Field {
                        name: name("f", index),
                        layout: layout_of(field),
                    })
                    .collect::<Vec<_>>()
                    .into_boxed_slice(),
            ),
        })),
    })
}

fn shapes() -> impl Strategy<Value = Shape> {
    let leaf = prop_oneof![
        Just(Shape::Bool),
        Just(Shape::Int32),
        Just(Shape::Float32),
        Just(Shape::String),
        Just(Shape::Bytes),
        prop::collection::btree_set(any::<i32>(), 1..4)
            .prop_map(|values| Shape::Enum(values.into_iter().collect())),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|shape| Shape::List(Box::new(shape))),
            (inner.clone(), 0usize..4).prop_map(|(shape, len)| Shape::Array(Box::new(shape), len)),
            inner
                .clone()
                .prop_map(|shape| Shape::Optional(Box::new(shape))),
            prop::collection::vec(inner, 0..4).prop_map(Shape::Struct),
        ]
    })
}

proptest! {
    #[test]
    fn random_values_of_random_layouts_round_trip(shape in shapes(), seed in any::<u64>()) {
        let layout = layout_of(&shape);
        let value = random_value(layout, &mut Rng::new(seed), 3);
        let bytes = encode(layout, &value).unwrap();
        let (back, end) = decode(layout, &bytes).unwrap();
        prop_assert_eq!(end, bytes.len());
        prop_assert!(back.same_bits(&value), "{:?} != {:?}", back, value);
        // Every strict prefix is truncated, never misread.
        if let Some(cut) = bytes.len().checked_sub(1) {
            prop_assert!(decode(layout, &bytes[..cut]).is_err());
        }
    }

    #[test]
    fn arbitrary_bytes_decode_to_a_value_or_an_error(
        shape in shapes(),
        bytes in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let layout = layout_of(&shape);
        if let Ok((value, end)) = decode(layout, &bytes) {
            // What decodes re-encodes to bytes that decode to the same value.
            let again = encode(layout, &value).unwrap();
            prop_assert_eq!(again.len(), end);
            let (twice, _) = decode(layout, &again).unwrap();
            prop_assert!(twice.same_bits(&value));
        }
    }
}

/// A source whose reads fail, as a file shrunk under the reader would.
struct Failing;

impl Source for Failing {
    fn len(&self) -> u64 {
        100
    }

    fn read_at(&self, _at: u64, _out: &mut [u8]) -> Result<(), SourceError> {
        Err(SourceError("the file shrank".into()))
    }
}

#[test]
fn a_failing_source_is_an_error_naming_where() {
    let err = decode_from(&Layout::Struct(&POINT), &Failing, 7, 10).unwrap_err();
    assert_eq!(
        err,
        DecodeError::Source {
            path: "Point.ok".into(),
            offset: 7,
            source: SourceError("the file shrank".into())
        }
    );
    assert!(err.to_string().contains("the file shrank"), "{err}");
}

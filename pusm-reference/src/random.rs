//! Random values of a layout, for property tests: deterministic from a
//! seed, small (lists of at most a few elements), and reaching the corners
//! of each primitive (the extreme int32s, signed zeros, infinities,
//! subnormals, multi-byte and NUL characters).

use pusm_layout::Layout;

use crate::value::Value;

/// A small deterministic generator (SplitMix64): the same seed gives the
/// same values on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator starting from `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            0
        } else {
            self.next_u64() % bound
        }
    }

    /// True with probability `1 / n`.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    /// One element of `items` (which must not be empty; the first if it is).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }
}

/// The float32 bit patterns worth trying on every codec.
const SPECIAL_FLOATS: [u32; 9] = [
    0x0000_0000, // 0.0
    0x8000_0000, // -0.0
    0x7F80_0000, // inf
    0xFF80_0000, // -inf
    0x7FC0_0000, // the quiet NaN
    0x0000_0001, // the smallest subnormal
    0x7F7F_FFFF, // the largest finite
    0x3F80_0000, // 1.0
    0xC2F6_E979, // -123.456
];

const CHARS: [char; 12] = [
    'a',
    'Z',
    '0',
    ' ',
    '"',
    '\\',
    '\n',
    '\0',
    'é',
    '€',
    '\u{1F600}',
    '\u{FFFF}',
];

/// A random value of `layout`, with lists of at most `max_list` elements.
///
/// NaNs are always the quiet NaN `0x7FC00000`: Python turns a float32 into
/// a double and back, which keeps that one NaN's bits but may not keep
/// another's, so a test comparing bytes across languages uses only it.
///
/// ```
/// use pusm_layout::Layout;
/// use pusm_reference::random::{random_value, Rng};
/// let layout = Layout::List(&Layout::String);
/// let value = random_value(&layout, &mut Rng::new(7), 3);
/// let bytes = pusm_reference::encode(&layout, &value)?;
/// assert_eq!(pusm_reference::decode(&layout, &bytes)?.0, value);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn random_value(layout: &Layout<'_>, rng: &mut Rng, max_list: usize) -> Value {
    random_value_between(layout, rng, 0, max_list)
}

/// Like [`random_value`], with lists of `min_list` to `max_list` elements
/// (`1, 1` makes a deeply nested list a chain down to its innermost value).
#[must_use]
pub fn random_value_between(
    layout: &Layout<'_>,
    rng: &mut Rng,
    min_list: usize,
    max_list: usize,
) -> Value {
    let again =
        |layout: &Layout<'_>, rng: &mut Rng| random_value_between(layout, rng, min_list, max_list);
    match *layout {
        Layout::Bool => Value::Bool(rng.one_in(2)),
        Layout::Int32 => Value::Int32(match rng.below(5) {
            0 => *rng.pick(&[0, 1, -1, i32::MIN, i32::MAX]).unwrap_or(&0),
            1 => rng.below(200) as i32 - 100,
            _ => rng.next_u64() as i32,
        }),
        Layout::Float32 => {
            let bits = if rng.one_in(3) {
                *rng.pick(&SPECIAL_FLOATS).unwrap_or(&0)
            } else {
                rng.next_u64() as u32
            };
            let value = f32::from_bits(bits);
            Value::Float32(if value.is_nan() {
                f32::from_bits(0x7FC0_0000)
            } else {
                value
            })
        }
        Layout::String => {
            let len = rng.below(6);
            Value::String(
                (0..len)
                    .map(|_| *rng.pick(&CHARS).unwrap_or(&'a'))
                    .collect(),
            )
        }
        Layout::Bytes => {
            let len = rng.below(9);
            Value::Bytes((0..len).map(|_| rng.next_u64() as u8).collect())
        }
        Layout::List(element) => {
            let spread = max_list.saturating_sub(min_list) as u64;
            let len = min_list as u64 + rng.below(spread + 1);
            Value::List((0..len).map(|_| again(element, rng)).collect())
        }
        Layout::Array(element, len) => {
            Value::Array((0..len).map(|_| again(element, rng)).collect())
        }
        Layout::Optional(inner) => Value::Optional(if rng.one_in(2) {
            None
        } else {
            Some(Box::new(again(inner, rng)))
        }),
        Layout::Enum(def) => match rng.pick(def.variants) {
            Some(variant) => Value::Enum {
                name: def.name.to_owned(),
                variant: variant.name.to_owned(),
                value: variant.value,
            },
            None => Value::Int32(0), // an enum without variants has no value
        },
        Layout::Struct(def) => Value::Struct {
            name: def.name.to_owned(),
            fields: def
                .fields
                .iter()
                .map(|field| (field.name.to_owned(), again(field.layout, rng)))
                .collect(),
        },
    }
}

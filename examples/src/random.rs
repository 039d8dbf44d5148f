//! Seeded random messages for the cross-language tests.
//!
//! Values are made by walking a type's [`Layout`] and writing a random but
//! valid encoding, then decoding it with the type's own `read`: one generator
//! covers every type, generated or derived, and every float it makes is
//! finite (NaN payloads are not guaranteed to survive Python's float).

use pusm_core::layout::Layout;
use pusm_core::{Result, SharedBuffer, SharedLayout, VecBuffer};

/// A small deterministic generator (SplitMix64): the same seed gives the same
/// messages on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
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

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A coin flip.
    pub fn coin(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }

    /// An int32, often an edge value.
    pub fn int32(&mut self) -> i32 {
        match self.below(6) {
            0 => [0, -1, 1, i32::MIN, i32::MAX][self.below(5)],
            _ => self.next_u64() as i32,
        }
    }

    /// A finite float32, often an edge value (zeros, extremes, subnormals).
    pub fn float32(&mut self) -> f32 {
        match self.below(6) {
            0 => [
                0.0,
                -0.0,
                1.5,
                f32::MAX,
                f32::MIN_POSITIVE,
                1e-40,
                -f32::MAX,
            ][self.below(7)],
            _ => loop {
                let value = f32::from_bits(self.next_u64() as u32);
                if value.is_finite() {
                    break value;
                }
            },
        }
    }

    /// A short string mixing ASCII and multi-byte UTF-8.
    pub fn string(&mut self) -> String {
        const CHARS: [char; 10] = ['a', 'b', 'Z', '0', ' ', 'é', 'ß', '漢', '🙂', '·'];
        (0..self.below(9))
            .map(|_| CHARS[self.below(CHARS.len())])
            .collect()
    }
}

/// A random value of `T`, decoded from a random valid encoding of its layout.
pub fn random_message<T: SharedLayout>(rng: &mut Rng) -> Result<T> {
    let bytes = random_encoding(T::LAYOUT, rng)?;
    T::read(&mut VecBuffer::from(bytes), 0).map(|(value, _)| value)
}

/// A random valid encoding of `layout`.
pub fn random_encoding(layout: &Layout<'_>, rng: &mut Rng) -> Result<Vec<u8>> {
    let mut buf = VecBuffer::new();
    write_random(layout, rng, &mut buf, 0)?;
    Ok(buf.into_inner())
}

fn write_random(
    layout: &Layout<'_>,
    rng: &mut Rng,
    buf: &mut VecBuffer,
    at: usize,
) -> Result<usize> {
    match *layout {
        Layout::Bool => buf.write_bool(at, rng.coin()),
        Layout::Int32 => buf.write_int32(at, rng.int32()),
        Layout::Float32 => buf.write_float32(at, rng.float32()),
        Layout::String => buf.write_string(at, &rng.string()),
        Layout::Bytes => {
            let bytes: Vec<u8> = (0..rng.below(40)).map(|_| rng.next_u64() as u8).collect();
            let at = buf.write_int32(at, bytes.len() as i32)?;
            buf.write_bytes(at, &bytes)
        }
        Layout::List(element) => {
            let count = rng.below(5);
            let mut at = buf.write_int32(at, count as i32)?;
            for _ in 0..count {
                at = write_random(element, rng, buf, at)?;
            }
            Ok(at)
        }
        Layout::Array(element, len) => {
            let mut at = at;
            for _ in 0..len {
                at = write_random(element, rng, buf, at)?;
            }
            Ok(at)
        }
        Layout::Optional(inner) => {
            let present = rng.coin();
            let at = buf.write_bool(at, present)?;
            if present {
                write_random(inner, rng, buf, at)
            } else {
                Ok(at)
            }
        }
        Layout::Enum(def) => {
            // A schema enum has at least one variant (the checker insists).
            let value = def
                .variants
                .get(rng.below(def.variants.len().max(1)))
                .map_or(0, |v| v.value);
            buf.write_int32(at, value)
        }
        Layout::Struct(def) => {
            let mut at = at;
            for field in def.fields {
                at = write_random(field.layout, rng, buf, at)?;
            }
            Ok(at)
        }
    }
}

/// The bytes `value.write_checked` produces: the fingerprint, then the message.
pub fn checked_bytes<T: SharedLayout>(value: &T) -> Result<Vec<u8>> {
    let mut buf = VecBuffer::new();
    value.write_checked(&mut buf, 0)?;
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schemas::robot::Observation;

    #[test]
    fn the_same_seed_gives_the_same_messages() {
        let a: Observation = random_message(&mut Rng::new(7)).unwrap();
        let b: Observation = random_message(&mut Rng::new(7)).unwrap();
        let c: Observation = random_message(&mut Rng::new(8)).unwrap();
        assert_eq!(checked_bytes(&a).unwrap(), checked_bytes(&b).unwrap());
        assert_ne!(checked_bytes(&a).unwrap(), checked_bytes(&c).unwrap());
    }

    #[test]
    fn random_encodings_decode_and_re_encode_to_the_same_bytes() {
        let mut rng = Rng::new(1);
        for _ in 0..200 {
            let bytes = random_encoding(Observation::LAYOUT, &mut rng).unwrap();
            let (value, end) = Observation::read(&mut VecBuffer::from(bytes.clone()), 0).unwrap();
            assert_eq!(end, bytes.len());
            let mut again = VecBuffer::new();
            value.write(&mut again, 0).unwrap();
            assert_eq!(again.into_inner(), bytes);
        }
    }
}

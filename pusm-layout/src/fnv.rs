//! FNV-1a, 32 bits: the hash behind message fingerprints (`PROTOCOL.md`, "Fingerprint").

/// The FNV-1a 32-bit offset basis.
const OFFSET_BASIS: u32 = 0x811C_9DC5;
/// The FNV-1a 32-bit prime.
const PRIME: u32 = 0x0100_0193;

/// An FNV-1a 32-bit hasher that can run in `const` context.
///
/// It is a value, not a `&mut` object, so that `const fn`s can thread it through
/// a computation: every method takes the hasher and returns the updated one.
///
/// ```
/// use pusm_layout::Fnv1a;
/// let h = Fnv1a::new().write_str("ab").write_str("c");
/// assert_eq!(h.finish(), pusm_layout::fnv1a32(b"abc"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv1a {
    state: u32,
}

impl Fnv1a {
    /// A hasher that has seen no bytes yet.
    #[must_use]
    pub const fn new() -> Self {
        Fnv1a {
            state: OFFSET_BASIS,
        }
    }

    /// Feeds `bytes` to the hasher.
    #[must_use]
    pub const fn write(mut self, bytes: &[u8]) -> Self {
        let mut i = 0;
        while i < bytes.len() {
            self.state ^= bytes[i] as u32;
            self.state = self.state.wrapping_mul(PRIME);
            i += 1;
        }
        self
    }

    /// Feeds the UTF-8 bytes of `text` to the hasher.
    #[must_use]
    pub const fn write_str(self, text: &str) -> Self {
        self.write(text.as_bytes())
    }

    /// Feeds the decimal digits of `value` (with a leading `-` when negative),
    /// exactly as `value.to_string()` would spell them.
    #[must_use]
    pub const fn write_decimal(self, value: i64) -> Self {
        let mut digits = [0u8; 20];
        let mut len = 0;
        let negative = value < 0;
        let mut rest = value.unsigned_abs();
        loop {
            digits[len] = b'0' + (rest % 10) as u8;
            len += 1;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        let mut hasher = if negative { self.write(b"-") } else { self };
        while len > 0 {
            len -= 1;
            hasher = hasher.write(&[digits[len]]);
        }
        hasher
    }

    /// The hash of everything fed so far.
    #[must_use]
    pub const fn finish(self) -> u32 {
        self.state
    }
}

impl Default for Fnv1a {
    fn default() -> Self {
        Self::new()
    }
}

/// The FNV-1a 32-bit hash of `bytes`.
///
/// ```
/// // Reference values of the FNV specification.
/// assert_eq!(pusm_layout::fnv1a32(b""), 0x811C9DC5);
/// assert_eq!(pusm_layout::fnv1a32(b"a"), 0xE40C292C);
/// assert_eq!(pusm_layout::fnv1a32(b"foobar"), 0xBF9CF968);
/// ```
#[must_use]
pub const fn fnv1a32(bytes: &[u8]) -> u32 {
    Fnv1a::new().write(bytes).finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits_match_to_string() {
        for value in [
            0i64,
            7,
            -7,
            10,
            65_536,
            i64::from(i32::MIN),
            i64::from(i32::MAX),
            i64::MIN,
            i64::MAX,
        ] {
            let expected = fnv1a32(value.to_string().as_bytes());
            assert_eq!(
                Fnv1a::new().write_decimal(value).finish(),
                expected,
                "{value}"
            );
        }
    }

    #[test]
    fn streaming_equals_one_shot() {
        let whole = fnv1a32(b"Pose{at:Vec3}");
        let parts = Fnv1a::new()
            .write_str("Pose{")
            .write_str("at:")
            .write_str("Vec3}");
        assert_eq!(parts.finish(), whole);
    }
}

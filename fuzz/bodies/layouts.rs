//! Layout-driven helpers for the decoder fuzz bodies, independent of the
//! code under test: a random valid encoding of any [`Layout`] (for seeds),
//! and a second, independent reading of bytes by their layout (the
//! "canonical form": what a correct decoder followed by its encoder must
//! produce). Depends on pusm-core only (for `pusm_core::layout`).

#![allow(dead_code)]

use pusm_core::layout::Layout;

/// A random valid encoding of `layout`, from `next` (a source of random
/// 64-bit words). Lists get up to 4 elements, strings up to 8 characters.
pub fn random_encoding(layout: &Layout<'_>, next: &mut dyn FnMut() -> u64) -> Vec<u8> {
    let mut out = Vec::new();
    write_random(layout, next, &mut out);
    out
}

fn write_random(layout: &Layout<'_>, next: &mut dyn FnMut() -> u64, out: &mut Vec<u8>) {
    match *layout {
        Layout::Bool => out.push((next() & 1) as u8),
        Layout::Int32 => {
            let value = match next() % 4 {
                0 => [0, -1, 1, i32::MIN, i32::MAX][(next() % 5) as usize],
                _ => next() as i32,
            };
            out.extend_from_slice(&value.to_le_bytes());
        }
        Layout::Float32 => out.extend_from_slice(&(next() as u32).to_le_bytes()),
        Layout::String => {
            const PIECES: [&str; 6] = ["a", "Z", " ", "é", "漢", "🙂"];
            let text: String = (0..next() % 9)
                .map(|_| PIECES[(next() % 6) as usize])
                .collect();
            out.extend_from_slice(&(text.len() as i32).to_le_bytes());
            out.extend_from_slice(text.as_bytes());
        }
        Layout::Bytes => {
            let len = (next() % 17) as usize;
            out.extend_from_slice(&(len as i32).to_le_bytes());
            out.extend((0..len).map(|_| next() as u8));
        }
        Layout::List(element) => {
            let count = next() % 5;
            out.extend_from_slice(&(count as i32).to_le_bytes());
            for _ in 0..count {
                write_random(element, next, out);
            }
        }
        Layout::Array(element, len) => {
            for _ in 0..len {
                write_random(element, next, out);
            }
        }
        Layout::Optional(inner) => {
            let present = next() & 1 == 1;
            out.push(u8::from(present));
            if present {
                write_random(inner, next, out);
            }
        }
        Layout::Enum(def) => {
            let value = match def.variants.len() {
                0 => 0,
                n => def.variants[(next() % n as u64) as usize].value,
            };
            out.extend_from_slice(&value.to_le_bytes());
        }
        Layout::Struct(def) => {
            for field in def.fields {
                write_random(field.layout, next, out);
            }
        }
    }
}

/// Why [`canonical`] rejected the bytes (only the kind matters to the fuzz
/// bodies: a decoder must fail exactly where this does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reject {
    /// A read past the end of the bytes.
    Truncated,
    /// A negative length or count.
    NegativeLength,
    /// A string that is not UTF-8.
    NotUtf8,
    /// An enum value that is no variant.
    UnknownVariant,
    /// More elements than the budget allows (zero-size elements can make a
    /// tiny input stand for billions of values).
    TooMuchWork,
}

/// Reads `bytes` from `at` as `layout`, independently of pusm-core's
/// decoders, and returns the canonical encoding of what is there (bools as
/// 0 or 1, everything else byte for byte) and the offset just past it.
/// `budget` bounds the number of values visited.
pub fn canonical(
    layout: &Layout<'_>,
    bytes: &[u8],
    at: usize,
    budget: &mut u64,
) -> Result<(Vec<u8>, usize), Reject> {
    let mut out = Vec::new();
    let end = walk(layout, bytes, at, &mut out, budget)?;
    Ok((out, end))
}

fn take(bytes: &[u8], at: usize, len: usize) -> Result<&[u8], Reject> {
    let end = at.checked_add(len).ok_or(Reject::Truncated)?;
    bytes.get(at..end).ok_or(Reject::Truncated)
}

fn int32(bytes: &[u8], at: usize) -> Result<i32, Reject> {
    let raw = take(bytes, at, 4)?;
    Ok(i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]))
}

fn length(bytes: &[u8], at: usize) -> Result<usize, Reject> {
    usize::try_from(int32(bytes, at)?).map_err(|_| Reject::NegativeLength)
}

fn walk(
    layout: &Layout<'_>,
    bytes: &[u8],
    at: usize,
    out: &mut Vec<u8>,
    budget: &mut u64,
) -> Result<usize, Reject> {
    *budget = budget.checked_sub(1).ok_or(Reject::TooMuchWork)?;
    match *layout {
        Layout::Bool => {
            let raw = take(bytes, at, 1)?;
            out.push(u8::from(raw[0] != 0));
            Ok(at + 1)
        }
        Layout::Int32 | Layout::Float32 => {
            out.extend_from_slice(take(bytes, at, 4)?);
            Ok(at + 4)
        }
        Layout::String | Layout::Bytes => {
            let len = length(bytes, at)?;
            let body = take(bytes, at + 4, len)?;
            if matches!(layout, Layout::String) && std::str::from_utf8(body).is_err() {
                return Err(Reject::NotUtf8);
            }
            out.extend_from_slice(&bytes[at..at + 4]);
            out.extend_from_slice(body);
            Ok(at + 4 + len)
        }
        Layout::List(element) => {
            let count = length(bytes, at)?;
            out.extend_from_slice(&bytes[at..at + 4]);
            let mut next = at + 4;
            for _ in 0..count {
                next = walk(element, bytes, next, out, budget)?;
            }
            Ok(next)
        }
        Layout::Array(element, len) => {
            let mut next = at;
            for _ in 0..len {
                next = walk(element, bytes, next, out, budget)?;
            }
            Ok(next)
        }
        Layout::Optional(inner) => {
            let raw = take(bytes, at, 1)?;
            let present = raw[0] != 0;
            out.push(u8::from(present));
            if present {
                walk(inner, bytes, at + 1, out, budget)
            } else {
                Ok(at + 1)
            }
        }
        Layout::Enum(def) => {
            let value = int32(bytes, at)?;
            if def.variant(value).is_none() {
                return Err(Reject::UnknownVariant);
            }
            out.extend_from_slice(&value.to_le_bytes());
            Ok(at + 4)
        }
        Layout::Struct(def) => {
            let mut next = at;
            for field in def.fields {
                next = walk(field.layout, bytes, next, out, budget)?;
            }
            Ok(next)
        }
    }
}

/// The most values [`check_decoder`] lets one input stand for.
pub const VALUE_BUDGET: u64 = 1 << 16;

/// The values `bytes` can stand for without zero-size values: every value
/// here but an empty struct takes at least one byte, and no type of the
/// fuzz bodies has more than a few values per byte. Only lists of zero-size
/// values go past it.
pub fn value_budget(bytes: &[u8]) -> u64 {
    (bytes.len() as u64 * 4 + 1024).min(VALUE_BUDGET)
}

/// Decodes `bytes` at `offset` as `T` with its `SharedLayout` code, and checks
/// the outcome against [`canonical`]: the same success or failure, the same
/// end, and a re-encoding equal to the canonical bytes. Checked reads, and
/// reads of the value's bytes alone, must agree too. Panics on a mismatch.
///
/// Inputs that stand for more than [`value_budget`] values (a list of empty
/// structs with a count of two billion: four bytes of input) are not decoded
/// with `T::read`, which would spend seconds to minutes on them; see
/// `docs/RELIABILITY.md`.
pub fn check_decoder<T: pusm_core::SharedLayout>(bytes: &[u8], offset: usize) {
    use pusm_core::VecBuffer;

    let mut budget = value_budget(bytes);
    let expected = canonical(T::LAYOUT, bytes, offset, &mut budget);
    if expected == Err(Reject::TooMuchWork) {
        return;
    }
    let decoded = T::read(&mut VecBuffer::from(bytes), offset);
    match (&expected, decoded) {
        (Ok((canonical_bytes, end)), Ok((value, decoded_end))) => {
            assert_eq!(
                decoded_end,
                *end,
                "{}: where the value ends",
                T::LAYOUT.signature()
            );
            assert_eq!(
                value.encoded_len(),
                end - offset,
                "{}: encoded_len",
                T::LAYOUT.signature()
            );
            let mut again = VecBuffer::new();
            let written = value.write(&mut again, 0).unwrap_or_else(|err| {
                panic!("{}: re-encoding failed: {err}", T::LAYOUT.signature())
            });
            assert_eq!(written, end - offset);
            assert_eq!(
                again.as_slice(),
                canonical_bytes.as_slice(),
                "{}: decode then encode is not canonical",
                T::LAYOUT.signature()
            );
            // A decoder reads nothing past the value's end. (A zero-size
            // value may "end" past the buffer when `offset` is past it.)
            let alone = bytes.get(..*end).unwrap_or(bytes);
            let (_, alone_end) =
                T::read(&mut VecBuffer::from(alone), offset).unwrap_or_else(|err| {
                    panic!("{}: the value's bytes alone: {err}", T::LAYOUT.signature())
                });
            assert_eq!(alone_end, *end);
        }
        (Err(_), Err(err)) => {
            // Every error names what is wrong.
            assert!(!err.to_string().is_empty());
        }
        (Ok(_), Err(err)) => panic!(
            "{}: decoding failed ({err}) where the layout says the bytes are valid",
            T::LAYOUT.signature()
        ),
        (Err(reject), Ok(_)) => panic!(
            "{}: decoding succeeded where the layout says {reject:?}",
            T::LAYOUT.signature()
        ),
    }
    // A checked read: fingerprint first.
    let checked = T::read_checked(&mut VecBuffer::from(bytes), offset);
    let fingerprint_matches = bytes
        .get(offset..offset + 4)
        .is_some_and(|raw| u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]) == T::FINGERPRINT);
    if !fingerprint_matches {
        assert!(
            checked.is_err(),
            "{}: a checked read without the fingerprint",
            T::LAYOUT.signature()
        );
    }
}

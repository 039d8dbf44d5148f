//! Hints for types other languages have and pusm does not (`int64`,
//! `float64`, `u8`, `Vec<T>`, `map<K, V>`, ...): what the wire carries, and
//! what to write instead. The wire has five types (`docs/SCHEMA.md`, "The
//! five wire types"); everything else is built from them.

/// The note every hint ends with.
const FIVE_TYPES: &str = "the wire has five types: bool, int32, float32, string and bytes; lists '[T]', fixed arrays '[T; N]', optionals 'T?', enums and structs are built from them";

/// A hint for the unknown type name `name`: `(help, note)`, when `name` is a
/// type of another language.
pub(crate) fn for_type_name(name: &str) -> Option<(String, String)> {
    let lower = name.to_ascii_lowercase();
    let help = match lower.as_str() {
        "int64" | "i64" | "long" | "u64" | "uint64" | "ulong" | "isize" | "usize" | "u32"
        | "uint32" | "uint" | "i128" | "u128" => {
            "there is no 64-bit or unsigned integer: use int32 when the values fit, two int32 fields (high and low 32 bits) for a 64-bit value, or a string for an exact decimal"
        }
        "float64" | "f64" | "double" | "decimal" => {
            "there is no 64-bit float: use float32 when its precision is enough, or a string (or two int32 fields) for more"
        }
        "int16" | "i16" | "short" | "int8" | "i8" | "u16" | "uint16" | "ushort" => {
            "integers are int32 (4 bytes, little-endian)"
        }
        "u8" | "uint8" | "byte" | "sbyte" | "char" => {
            "there is no 1-byte integer: use int32 for a number, bytes for a byte array, bool for a flag"
        }
        "vec" | "list" | "array" | "sequence" | "seq" | "slice" | "ilist" | "deque" | "vecdeque"
        | "set" | "hashset" | "btreeset" => {
            "a list is written '[T]' (int32 count, then the elements); a fixed array '[T; N]'"
        }
        "map" | "hashmap" | "btreemap" | "dict" | "dictionary" | "mapping" => {
            "there is no map: use a list of a struct with key and value fields, like '[Entry]' with 'struct Entry { key: string; value: int32; }'"
        }
        "option" | "optional" | "nullable" | "maybe" => {
            "an optional is written 'T?' (a bool, then the value when present)"
        }
        _ => return None,
    };
    Some((help.to_owned(), FIVE_TYPES.to_owned()))
}

/// A hint for `<...>` after the type name `name` (`Vec<int32>`), as
/// `(help, note)`: generic syntax is not part of the language.
pub(crate) fn for_generic(name: Option<&str>) -> (String, String) {
    name.and_then(for_type_name).unwrap_or_else(|| {
        (
            "types take no '<...>' arguments".to_owned(),
            FIVE_TYPES.to_owned(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_languages_types_get_hints() {
        for name in [
            "int64", "Int64", "i64", "float64", "double", "u8", "Vec", "HashMap",
        ] {
            assert!(for_type_name(name).is_some(), "{name}");
        }
        assert!(for_type_name("Vec3").is_none());
        assert!(for_generic(Some("map")).0.starts_with("there is no map"));
        assert!(for_generic(Some("Pair")).0.starts_with("types take no"));
    }
}

//! Signatures and fingerprints (`PROTOCOL.md`, section 8, "Fingerprint").
//!
//! The signature is a canonical spelling of a type with nested types expanded
//! in full; the fingerprint is the FNV-1a 32 hash of the signature's UTF-8
//! bytes. Both walks below follow the same grammar; the `const` one hashes as
//! it goes so that fingerprints are compile-time constants, the other builds
//! the text for people to read. A test checks that they always agree.

use crate::fnv::Fnv1a;
use crate::layout::Layout;

impl Layout<'_> {
    /// The 32-bit fingerprint two peers compare to know they were built from
    /// the same schema: FNV-1a 32 over the UTF-8 bytes of [`Layout::signature`].
    #[must_use]
    pub const fn fingerprint(&self) -> u32 {
        self.hash_signature(Fnv1a::new()).finish()
    }

    /// Feeds this layout's signature to `hasher`, without building the text.
    #[must_use]
    pub const fn hash_signature(&self, hasher: Fnv1a) -> Fnv1a {
        if let Some(name) = self.primitive_name() {
            return hasher.write_str(name);
        }
        match *self {
            Layout::List(element) => element.hash_signature(hasher.write_str("[")).write_str("]"),
            Layout::Array(element, len) => element
                .hash_signature(hasher.write_str("["))
                .write_str(";")
                .write_decimal(len as i64)
                .write_str("]"),
            Layout::Optional(inner) => inner.hash_signature(hasher).write_str("?"),
            Layout::Enum(def) => {
                let mut hasher = hasher.write_str(def.name).write_str("(");
                let mut i = 0;
                while i < def.variants.len() {
                    if i > 0 {
                        hasher = hasher.write_str(",");
                    }
                    let variant = &def.variants[i];
                    hasher = hasher
                        .write_str(variant.name)
                        .write_str("=")
                        .write_decimal(variant.value as i64);
                    i += 1;
                }
                hasher.write_str(")")
            }
            Layout::Struct(def) => {
                let mut hasher = hasher.write_str(def.name).write_str("{");
                let mut i = 0;
                while i < def.fields.len() {
                    if i > 0 {
                        hasher = hasher.write_str(",");
                    }
                    let field = &def.fields[i];
                    hasher = field
                        .layout
                        .hash_signature(hasher.write_str(field.name).write_str(":"));
                    i += 1;
                }
                hasher.write_str("}")
            }
            // Primitives returned above.
            Layout::Bool | Layout::Int32 | Layout::Float32 | Layout::String | Layout::Bytes => {
                hasher
            }
        }
    }

    /// The canonical signature text, for example
    /// `Pose{at:Vec3{x:float32,y:float32,z:float32},path:[Vec3{x:float32,y:float32,z:float32}]}`.
    #[must_use]
    pub fn signature(&self) -> String {
        let mut out = String::new();
        self.write_signature(&mut out);
        out
    }

    fn write_signature(&self, out: &mut String) {
        if let Some(name) = self.primitive_name() {
            out.push_str(name);
            return;
        }
        match *self {
            Layout::List(element) => {
                out.push('[');
                element.write_signature(out);
                out.push(']');
            }
            Layout::Array(element, len) => {
                out.push('[');
                element.write_signature(out);
                out.push(';');
                out.push_str(&len.to_string());
                out.push(']');
            }
            Layout::Optional(inner) => {
                inner.write_signature(out);
                out.push('?');
            }
            Layout::Enum(def) => {
                out.push_str(def.name);
                out.push('(');
                for (i, variant) in def.variants.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(variant.name);
                    out.push('=');
                    out.push_str(&variant.value.to_string());
                }
                out.push(')');
            }
            Layout::Struct(def) => {
                out.push_str(def.name);
                out.push('{');
                for (i, field) in def.fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(field.name);
                    out.push(':');
                    field.layout.write_signature(out);
                }
                out.push('}');
            }
            Layout::Bool | Layout::Int32 | Layout::Float32 | Layout::String | Layout::Bytes => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{fnv1a32, EnumLayout, Field, Layout, StructLayout, Variant};

    const VEC3: StructLayout<'static> = StructLayout {
        name: "Vec3",
        fields: &[
            Field {
                name: "x",
                layout: &Layout::Float32,
            },
            Field {
                name: "y",
                layout: &Layout::Float32,
            },
            Field {
                name: "z",
                layout: &Layout::Float32,
            },
        ],
    };
    const POSE: StructLayout<'static> = StructLayout {
        name: "Pose",
        fields: &[
            Field {
                name: "at",
                layout: &Layout::Struct(&VEC3),
            },
            Field {
                name: "path",
                layout: &Layout::List(&Layout::Struct(&VEC3)),
            },
        ],
    };
    const COMMAND: EnumLayout<'static> = EnumLayout {
        name: "Command",
        variants: &[
            Variant {
                name: "Idle",
                value: 0,
            },
            Variant {
                name: "Move",
                value: 1,
            },
            Variant {
                name: "Reset",
                value: -1,
            },
        ],
    };

    #[test]
    fn protocol_examples() {
        // Both signatures are spelled out in PROTOCOL.md.
        assert_eq!(
            Layout::Struct(&VEC3).signature(),
            "Vec3{x:float32,y:float32,z:float32}"
        );
        assert_eq!(
            Layout::Struct(&POSE).signature(),
            "Pose{at:Vec3{x:float32,y:float32,z:float32},path:[Vec3{x:float32,y:float32,z:float32}]}"
        );
    }

    #[test]
    fn every_kind_is_spelled_as_the_protocol_says() {
        let cases: [(Layout<'_>, &str); 10] = [
            (Layout::Bool, "bool"),
            (Layout::Int32, "int32"),
            (Layout::Float32, "float32"),
            (Layout::String, "string"),
            (Layout::Bytes, "bytes"),
            (Layout::List(&Layout::Int32), "[int32]"),
            (Layout::Array(&Layout::Bool, 4), "[bool;4]"),
            (Layout::Optional(&Layout::String), "string?"),
            (Layout::Enum(&COMMAND), "Command(Idle=0,Move=1,Reset=-1)"),
            (
                Layout::List(&Layout::Optional(&Layout::Array(&Layout::Bytes, 65_536))),
                "[[bytes;65536]?]",
            ),
        ];
        for (layout, signature) in cases {
            assert_eq!(layout.signature(), signature);
            assert_eq!(
                layout.fingerprint(),
                fnv1a32(signature.as_bytes()),
                "{signature}"
            );
        }
    }

    #[test]
    fn fingerprints_worked_out_by_hand() {
        // FNV-1a 32 of each signature text, computed outside this crate with the
        // six-line reference loop of the FNV specification (offset basis
        // 0x811C9DC5, prime 0x01000193), so a bug in `Fnv1a` cannot hide here.
        assert_eq!(Layout::Bool.fingerprint(), 0xC894_953D);
        assert_eq!(Layout::Int32.fingerprint(), 0xFBDE_E2BF);
        assert_eq!(Layout::Struct(&VEC3).fingerprint(), 0x9586_7E60);
        assert_eq!(Layout::Struct(&POSE).fingerprint(), 0xF097_BD38);
        assert_eq!(Layout::Enum(&COMMAND).fingerprint(), 0x8DC5_40CB);
    }

    #[test]
    fn fingerprint_is_usable_in_const_context() {
        const FP: u32 = Layout::Struct(&POSE).fingerprint();
        match fnv1a32(Layout::Struct(&POSE).signature().as_bytes()) {
            FP => {}
            other => panic!("const fingerprint {FP:#x} differs from {other:#x}"),
        }
    }
}

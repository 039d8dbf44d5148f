//! Which Rust field types have a pusm layout, and what to suggest for those
//! that do not.
//!
//! The derive only checks the *shape* of a type here, to give a precise error
//! on the offending token. Whether a named type really implements
//! `SharedLayout` is left to the compiler (the generated code names
//! `<T as SharedLayout>`), so any user type that derives it works.

use syn::spanned::Spanned;
use syn::{GenericArgument, PathArguments, Type, TypePath};

const SUPPORTED: &str =
    "supported: bool, i32, f32, String, Vec<u8>, Vec<T>, [T; N], Box<[T; N]>, Option<T>, and types that derive SharedLayout";

/// Checks that `ty` can be a field of a pusm message.
pub(crate) fn check(ty: &Type) -> syn::Result<()> {
    check_nested(ty, false)
}

fn check_nested(ty: &Type, inside_option: bool) -> syn::Result<()> {
    match ty {
        Type::Path(path) => check_path(path, inside_option),
        Type::Array(array) => check_nested(&array.elem, false),
        Type::Paren(inner) => check_nested(&inner.elem, inside_option),
        Type::Group(inner) => check_nested(&inner.elem, inside_option),
        Type::Reference(reference) => {
            let suggestion = match &*reference.elem {
                Type::Path(path) if path.path.is_ident("str") => "use `String`",
                Type::Slice(slice) if is_u8(&slice.elem) => "use `Vec<u8>` for bytes",
                Type::Slice(_) => "use `Vec<T>` for a list",
                _ => "store the value itself",
            };
            Err(unsupported(ty, "references are not supported", suggestion))
        }
        Type::Slice(_) => Err(unsupported(ty, "slices are not supported", "use `Vec<T>`")),
        Type::Tuple(tuple) if tuple.elems.is_empty() => {
            Err(unsupported(ty, "`()` is not supported", "remove the field"))
        }
        Type::Tuple(_) => Err(unsupported(
            ty,
            "tuples are not supported",
            "use a struct that derives SharedLayout",
        )),
        _ => Err(unsupported(
            ty,
            "this type is not supported",
            "use one of the supported types",
        )),
    }
}

fn check_path(path: &TypePath, inside_option: bool) -> syn::Result<()> {
    if path.qself.is_some() {
        return Err(unsupported(
            path,
            "qualified paths are not supported",
            "name the type directly",
        ));
    }
    let Some(last) = path.path.segments.last() else {
        return Ok(());
    };
    let name = last.ident.to_string();
    if let Some(suggestion) = primitive_suggestion(&name) {
        if matches!(last.arguments, PathArguments::None) {
            return Err(syn::Error::new(
                last.ident.span(),
                format!("`{name}` is not a pusm type; use `{suggestion}` ({SUPPORTED})"),
            ));
        }
    }
    // A bare name (`Vec`, `Box`, ...) is the user's own type: only the
    // standard containers, recognised by their type arguments, are special.
    if matches!(last.arguments, PathArguments::None) {
        return Ok(());
    }
    let arguments = type_arguments(last);
    match name.as_str() {
        "Vec" => match arguments.as_slice() {
            [element] if is_u8(element) => Ok(()), // bytes
            [element] => check_nested(element, false),
            _ => Err(unsupported(
                path,
                "`Vec` takes exactly one type",
                "write `Vec<T>`",
            )),
        },
        "Option" => match arguments.as_slice() {
            [inner] if inside_option || is_option(inner) => Err(unsupported(
                path,
                "nested options (`T??`) are not part of the protocol",
                "use one `Option<T>`, or a struct with a bool and an `Option<T>`",
            )),
            [inner] => check_nested(inner, true),
            _ => Err(unsupported(
                path,
                "`Option` takes exactly one type",
                "write `Option<T>`",
            )),
        },
        "Box" => match arguments.as_slice() {
            [Type::Array(array)] => check_nested(&array.elem, false),
            _ => Err(unsupported(
                path,
                "`Box` is supported only around a fixed array",
                "store the value itself, or write `Box<[T; N]>` for a big array",
            )),
        },
        "Rc" | "Arc" | "Cow" => Err(unsupported(
            path,
            &format!("`{name}` is not supported"),
            "store the value itself",
        )),
        "HashMap" | "BTreeMap" | "IndexMap" | "HashSet" | "BTreeSet" | "VecDeque"
        | "LinkedList" => Err(unsupported(
            path,
            &format!("`{name}` is not supported"),
            "use `Vec<T>` (of a struct with key and value fields, for a map)",
        )),
        _ => Ok(()),
    }
}

/// Whether `ty`'s encoded size depends on its value for certain: a string, a
/// list or bytes, an option. A bare `Vec` or a user type may be anything, so
/// this is false for them; it only decides how the derive groups fields.
pub(crate) fn is_variable_size(ty: &Type) -> bool {
    match ty {
        Type::Paren(inner) => is_variable_size(&inner.elem),
        Type::Group(inner) => is_variable_size(&inner.elem),
        Type::Path(path) if path.qself.is_none() => path.path.segments.last().is_some_and(|last| {
            let generic = !matches!(last.arguments, PathArguments::None);
            match last.ident.to_string().as_str() {
                "Vec" | "Option" => generic,
                "String" => !generic,
                _ => false,
            }
        }),
        _ => false,
    }
}

/// The supported type closest to a primitive that pusm cannot encode.
fn primitive_suggestion(name: &str) -> Option<&'static str> {
    Some(match name {
        "u8" | "i8" | "u16" | "i16" | "u32" | "i64" | "u64" | "i128" | "u128" | "isize"
        | "usize" => "i32",
        "f64" => "f32",
        "char" | "str" => "String",
        _ => return None,
    })
}

fn type_arguments(segment: &syn::PathSegment) -> Vec<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(arguments) => arguments
            .args
            .iter()
            .filter_map(|argument| match argument {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The largest fixed array a field may hold inline, in bytes of Rust memory:
/// reading a value builds it on the stack, so bigger arrays must be boxed
/// (`Box<[T; N]>`, decoded straight into the heap).
pub(crate) const MAX_INLINE_ARRAY: usize = 64 * 1024;

/// Every fixed-array type inside `ty` that is held inline (not directly in a
/// `Box`), outermost first: each must stay under [`MAX_INLINE_ARRAY`].
pub(crate) fn inline_arrays(ty: &Type) -> Vec<&Type> {
    let mut out = Vec::new();
    collect_inline_arrays(ty, &mut out);
    out
}

fn collect_inline_arrays<'t>(ty: &'t Type, out: &mut Vec<&'t Type>) {
    match ty {
        Type::Array(array) => {
            out.push(ty);
            collect_inline_arrays(&array.elem, out);
        }
        Type::Paren(inner) => collect_inline_arrays(&inner.elem, out),
        Type::Group(inner) => collect_inline_arrays(&inner.elem, out),
        Type::Path(path) => {
            let Some(last) = path.path.segments.last() else {
                return;
            };
            let boxed = last.ident == "Box";
            for argument in type_arguments(last) {
                match argument {
                    Type::Array(array) if boxed => collect_inline_arrays(&array.elem, out),
                    other => collect_inline_arrays(other, out),
                }
            }
        }
        _ => {}
    }
}

fn is_u8(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.path.is_ident("u8"))
}

fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.path.segments.last().is_some_and(|last| {
        last.ident == "Option" && !matches!(last.arguments, PathArguments::None)
    }))
}

fn unsupported(tokens: &impl Spanned, what: &str, suggestion: &str) -> syn::Error {
    syn::Error::new(tokens.span(), format!("{what}; {suggestion} ({SUPPORTED})"))
}

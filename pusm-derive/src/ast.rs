//! The derive's input, parsed and validated into a small AST.

use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{
    Data, DeriveInput, Expr, ExprLit, ExprUnary, Fields, Ident, Lit, Member, Path, Type, UnOp,
};

use crate::attr::{self, Place};
use crate::errors::Errors;
use crate::field_type;

/// A type that derives `SharedLayout`.
pub(crate) struct Input<'a> {
    pub(crate) ident: &'a Ident,
    /// The name used in the signature.
    pub(crate) wire_name: String,
    /// The path of pusm-core.
    pub(crate) krate: Path,
    pub(crate) body: Body<'a>,
}

pub(crate) enum Body<'a> {
    Struct(Vec<Field<'a>>),
    Enum(Vec<Variant<'a>>),
}

pub(crate) struct Field<'a> {
    pub(crate) member: Member,
    pub(crate) ty: &'a Type,
    pub(crate) wire_name: String,
}

pub(crate) struct Variant<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) wire_name: String,
    pub(crate) value: i32,
}

impl<'a> Input<'a> {
    pub(crate) fn from_syn(input: &'a DeriveInput) -> syn::Result<Self> {
        let mut errors = Errors::default();
        let attrs = attr::parse(&input.attrs, Place::Type, &mut errors);
        if !input.generics.params.is_empty() {
            errors.push(syn::Error::new(
                input.generics.span(),
                "SharedLayout cannot be derived for a generic type: a pusm message has one fixed layout",
            ));
        }
        let body = match &input.data {
            Data::Struct(data) => Body::Struct(parse_fields(&data.fields, &mut errors)),
            Data::Enum(data) => {
                check_repr_i32(input, &mut errors);
                if data.variants.is_empty() {
                    errors.push(syn::Error::new(
                        input.ident.span(),
                        "an enum without variants has no value to send; add at least one variant",
                    ));
                }
                let suggestions = suggested_values(&data.variants);
                Body::Enum(
                    data.variants
                        .iter()
                        .zip(suggestions)
                        .filter_map(|(variant, suggestion)| {
                            errors.check(parse_variant(variant, suggestion)).flatten()
                        })
                        .collect(),
                )
            }
            Data::Union(data) => {
                errors.push(syn::Error::new(
                    data.union_token.span,
                    "SharedLayout cannot be derived for a union; use a struct or an enum",
                ));
                Body::Struct(Vec::new())
            }
        };
        let krate = attrs
            .krate
            .unwrap_or_else(|| syn::parse_quote!(::pusm_core));
        let input = Input {
            ident: &input.ident,
            wire_name: attrs
                .rename
                .unwrap_or_else(|| input.ident.unraw().to_string()),
            krate,
            body,
        };
        errors.finish(input)
    }
}

fn parse_fields<'a>(fields: &'a Fields, errors: &mut Errors) -> Vec<Field<'a>> {
    match fields {
        Fields::Named(named) => named
            .named
            .iter()
            .filter_map(|field| {
                let attrs = attr::parse(&field.attrs, Place::Member, errors);
                errors.check(field_type::check(&field.ty))?;
                let ident = field.ident.as_ref()?;
                Some(Field {
                    member: Member::Named(ident.clone()),
                    ty: &field.ty,
                    wire_name: attrs.rename.unwrap_or_else(|| ident.unraw().to_string()),
                })
            })
            .collect(),
        Fields::Unnamed(unnamed) => {
            errors.push(syn::Error::new(
                unnamed.span(),
                "SharedLayout cannot be derived for a tuple struct: pusm fields have names; use named fields",
            ));
            Vec::new()
        }
        Fields::Unit => Vec::new(),
    }
}

/// For each variant, the value to suggest should it have none
/// ([`pusm_layout::free_enum_value`]: never one already taken or suggested),
/// in declaration order.
fn suggested_values<'v>(variants: impl IntoIterator<Item = &'v syn::Variant>) -> Vec<i32> {
    let variants: Vec<&syn::Variant> = variants.into_iter().collect();
    let mut taken: Vec<i32> = variants
        .iter()
        .filter_map(|variant| variant.discriminant.as_ref())
        .filter_map(|(_, expr)| discriminant(expr).ok())
        .collect();
    let mut previous = None;
    let mut out = Vec::with_capacity(variants.len());
    for variant in variants {
        let value = match variant
            .discriminant
            .as_ref()
            .map(|(_, expr)| discriminant(expr))
        {
            Some(Ok(value)) => value,
            _ => {
                let value = pusm_layout::free_enum_value(previous, &taken);
                taken.push(value);
                value
            }
        };
        out.push(value);
        previous = Some(value);
    }
    out
}

fn parse_variant(variant: &syn::Variant, suggestion: i32) -> syn::Result<Option<Variant<'_>>> {
    let mut errors = Errors::default();
    let attrs = attr::parse(&variant.attrs, Place::Member, &mut errors);
    if !matches!(variant.fields, Fields::Unit) {
        errors.push(syn::Error::new(
            variant.fields.span(),
            "enum variants with data are not supported: a pusm enum is an int32; use a struct with an enum field and optional fields",
        ));
    }
    let value = match &variant.discriminant {
        None => {
            errors.push(syn::Error::new(
                variant.ident.span(),
                format!(
                    "variant `{}` needs an explicit value (`{} = {suggestion}`): the value is what goes on the wire",
                    variant.ident, variant.ident
                ),
            ));
            None
        }
        Some((_, expr)) => errors.check(discriminant(expr)),
    };
    let wire_name = attrs
        .rename
        .unwrap_or_else(|| variant.ident.unraw().to_string());
    errors.finish(value.map(|value| Variant {
        ident: &variant.ident,
        wire_name,
        value,
    }))
}

/// The i32 value of an integer literal discriminant, possibly negated.
fn discriminant(expr: &Expr) -> syn::Result<i32> {
    let (negative, literal) = match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => (false, int),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => match &**expr {
            Expr::Lit(ExprLit {
                lit: Lit::Int(int), ..
            }) => (true, int),
            _ => return Err(not_a_literal(expr)),
        },
        Expr::Group(group) => return discriminant(&group.expr),
        _ => return Err(not_a_literal(expr)),
    };
    let magnitude: i64 = literal.base10_parse()?;
    let value = if negative { -magnitude } else { magnitude };
    i32::try_from(value).map_err(|_| {
        syn::Error::new(
            expr.span(),
            format!("enum value {value} does not fit in an int32"),
        )
    })
}

fn not_a_literal(expr: &Expr) -> syn::Error {
    syn::Error::new(
        expr.span(),
        "enum values must be integer literals (like `3` or `-1`) so the derive can compute the fingerprint",
    )
}

fn check_repr_i32(input: &DeriveInput, errors: &mut Errors) {
    let mut found = false;
    for attr in input
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("repr"))
    {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("i32") {
                found = true;
            }
            Ok(())
        });
    }
    if !found {
        errors.push(syn::Error::new(
            input.ident.span(),
            "a SharedLayout enum needs `#[repr(i32)]`: its values travel as int32",
        ));
    }
}

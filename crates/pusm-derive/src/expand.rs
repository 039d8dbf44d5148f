//! Turning the validated AST into the `SharedLayout` impl.
//!
//! Every path in the output is absolute and every local name starts with
//! `__pusm_`, so the generated code means the same whatever the user's
//! module has in scope.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ast::{Body, Field, Input, Variant};

pub(crate) fn expand(input: &Input<'_>) -> TokenStream {
    let ident = input.ident;
    let krate = &input.krate;
    let (layout, write, read, encoded_len) = match &input.body {
        Body::Struct(fields) => expand_struct(input, fields),
        Body::Enum(variants) => expand_enum(input, variants),
    };
    quote! {
        #[automatically_derived]
        impl #krate::SharedLayout for #ident {
            const LAYOUT: &'static #krate::layout::Layout<'static> = #layout;

            #[inline]
            fn write<__PusmB: #krate::SharedBuffer + ?::core::marker::Sized>(
                &self,
                __pusm_buf: &mut __PusmB,
                __pusm_offset: ::core::primitive::usize,
            ) -> ::core::result::Result<::core::primitive::usize, #krate::Error> {
                #write
            }

            #[inline]
            fn read<__PusmB: #krate::SharedBuffer + ?::core::marker::Sized>(
                __pusm_buf: &mut __PusmB,
                __pusm_offset: ::core::primitive::usize,
            ) -> ::core::result::Result<(Self, ::core::primitive::usize), #krate::Error> {
                #read
            }

            #[inline]
            fn encoded_len(&self) -> ::core::primitive::usize {
                #encoded_len
            }
        }
    }
}

/// A stand-in impl emitted next to compile errors. It never runs: the crate
/// does not compile while the errors stand.
pub(crate) fn fallback(input: &syn::DeriveInput) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        impl #impl_generics ::pusm_core::SharedLayout for #ident #ty_generics #where_clause {
            const LAYOUT: &'static ::pusm_core::layout::Layout<'static> = &::pusm_core::layout::Layout::Bool;
            fn write<__PusmB: ::pusm_core::SharedBuffer + ?::core::marker::Sized>(
                &self,
                _: &mut __PusmB,
                _: ::core::primitive::usize,
            ) -> ::core::result::Result<::core::primitive::usize, ::pusm_core::Error> {
                ::core::unimplemented!()
            }
            fn read<__PusmB: ::pusm_core::SharedBuffer + ?::core::marker::Sized>(
                _: &mut __PusmB,
                _: ::core::primitive::usize,
            ) -> ::core::result::Result<(Self, ::core::primitive::usize), ::pusm_core::Error> {
                ::core::unimplemented!()
            }
            fn encoded_len(&self) -> ::core::primitive::usize {
                ::core::unimplemented!()
            }
        }
    }
}

type Parts = (TokenStream, TokenStream, TokenStream, TokenStream);

fn expand_struct(input: &Input<'_>, fields: &[Field<'_>]) -> Parts {
    let krate = &input.krate;
    let wire_name = &input.wire_name;
    let trait_of = |field: &Field<'_>| {
        let ty = field.ty;
        quote!(<#ty as #krate::SharedLayout>)
    };

    let layout_fields = fields.iter().map(|field| {
        let name = &field.wire_name;
        let of = trait_of(field);
        quote!(#krate::layout::Field { name: #name, layout: #of::LAYOUT })
    });
    let layout = quote! {
        &#krate::layout::Layout::Struct(&#krate::layout::StructLayout {
            name: #wire_name,
            fields: &[#(#layout_fields),*],
        })
    };

    let writes = fields.iter().map(|field| {
        let member = &field.member;
        let of = trait_of(field);
        quote!(let __pusm_offset = #of::write(&self.#member, __pusm_buf, __pusm_offset)?;)
    });
    let write = quote! {
        #(#writes)*
        ::core::result::Result::Ok(__pusm_offset)
    };

    let bindings: Vec<_> = (0..fields.len())
        .map(|i| format_ident!("__pusm_field{}", i))
        .collect();
    let reads = fields.iter().zip(&bindings).map(|(field, binding)| {
        let of = trait_of(field);
        quote!(let (#binding, __pusm_offset) = #of::read(__pusm_buf, __pusm_offset)?;)
    });
    let members = fields.iter().map(|field| &field.member);
    let read = quote! {
        #(#reads)*
        ::core::result::Result::Ok((Self { #(#members: #bindings),* }, __pusm_offset))
    };

    let lens = fields.iter().map(|field| {
        let member = &field.member;
        let of = trait_of(field);
        quote!(+ #of::encoded_len(&self.#member))
    });
    let encoded_len = quote!(0 #(#lens)*);

    (layout, write, read, encoded_len)
}

fn expand_enum(input: &Input<'_>, variants: &[Variant<'_>]) -> Parts {
    let krate = &input.krate;
    let wire_name = &input.wire_name;

    let layout_variants = variants.iter().map(|variant| {
        let name = &variant.wire_name;
        let value = variant.value;
        quote!(#krate::layout::Variant { name: #name, value: #value })
    });
    let layout = quote! {
        &#krate::layout::Layout::Enum(&#krate::layout::EnumLayout {
            name: #wire_name,
            variants: &[#(#layout_variants),*],
        })
    };

    let to_value = variants.iter().map(|variant| {
        let ident = variant.ident;
        let value = variant.value;
        quote!(Self::#ident => #value)
    });
    let write = quote! {
        let __pusm_value: ::core::primitive::i32 = match self { #(#to_value,)* };
        #krate::SharedBuffer::write_int32(__pusm_buf, __pusm_offset, __pusm_value)
    };

    let from_value = variants.iter().map(|variant| {
        let ident = variant.ident;
        let value = variant.value;
        quote!(#value => Self::#ident)
    });
    let read = quote! {
        let (__pusm_value, __pusm_next) = #krate::SharedBuffer::read_int32(__pusm_buf, __pusm_offset)?;
        let __pusm_variant = match __pusm_value {
            #(#from_value,)*
            _ => {
                return ::core::result::Result::Err(#krate::Error::InvalidEnumValue {
                    enum_name: #wire_name,
                    value: __pusm_value,
                    offset: __pusm_offset,
                })
            }
        };
        ::core::result::Result::Ok((__pusm_variant, __pusm_next))
    };

    let encoded_len = quote!(#krate::layout::wire::INT32_SIZE);
    (layout, write, read, encoded_len)
}

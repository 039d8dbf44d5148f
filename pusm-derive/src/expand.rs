//! Turning the validated AST into the `SharedLayout` impl.
//!
//! Every path in the output is absolute and every local name starts with
//! `__pusm_`, so the generated code means the same whatever the user's
//! module has in scope.

use std::ops::Range;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Expr, ExprLit, Ident, Lit, Path, Type};

use crate::ast::{Body, Field, Input, Variant};
use crate::field_type;

pub(crate) fn expand(input: &Input<'_>) -> TokenStream {
    let ident = input.ident;
    let krate = &input.krate;
    let (layout, write, read, encoded_len, in_block) = match &input.body {
        Body::Struct(fields) => expand_struct(input, fields),
        Body::Enum(variants) => expand_enum(input, variants),
    };
    let size_checks = match &input.body {
        Body::Struct(fields) => inline_array_checks(fields),
        Body::Enum(_) => TokenStream::new(),
    };
    quote! {
        #size_checks

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

            #in_block
        }
    }
}

/// A compile-time check per fixed array held inline in a field: reading
/// builds the array on the stack, so one over `MAX_INLINE_ARRAY` bytes is a
/// compile error on the field's type asking for `Box<[T; N]>`.
fn inline_array_checks(fields: &[Field<'_>]) -> TokenStream {
    let limit = field_type::MAX_INLINE_ARRAY;
    let message = format!(
        "this fixed array is over {} KiB: reading it would build it on the stack; store it as `Box<[T; N]>`, which is decoded on the heap",
        limit / 1024
    );
    let checks = fields.iter().flat_map(|field| {
        field_type::inline_arrays(field.ty).into_iter().map(|ty| {
            quote::quote_spanned! {syn::spanned::Spanned::span(ty)=>
                const _: () = ::core::assert!(
                    ::core::mem::size_of::<#ty>() <= #limit,
                    #message
                );
            }
        })
    });
    quote!(#(#checks)*)
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

/// The layout, `write`, `read` and `encoded_len` bodies, and any further items
/// of the impl.
type Parts = (
    TokenStream,
    TokenStream,
    TokenStream,
    TokenStream,
    TokenStream,
);

fn expand_struct(input: &Input<'_>, fields: &[Field<'_>]) -> Parts {
    let krate = &input.krate;
    let wire_name = &input.wire_name;
    let trait_of = |ty: &Type| quote!(<#ty as #krate::SharedLayout>);

    let layout_fields = fields.iter().map(|field| {
        let name = &field.wire_name;
        let of = trait_of(field.ty);
        quote!(#krate::layout::Field { name: #name, layout: #of::LAYOUT })
    });
    let layout = quote! {
        &#krate::layout::Layout::Struct(&#krate::layout::StructLayout {
            name: #wire_name,
            fields: &[#(#layout_fields),*],
        })
    };

    let bindings: Vec<_> = (0..fields.len())
        .map(|i| format_ident!("__pusm_field{}", i))
        .collect();

    let at = format_ident!("__pusm_at");
    let offset = format_ident!("__pusm_offset");

    // One field, or a run of fixed-size fields copied as one block.
    let mut writes = Vec::new();
    let mut reads = Vec::new();
    for (index, run) in runs(fields).into_iter().enumerate() {
        let run_fields = &fields[run.clone()];
        let run_bindings = &bindings[run];
        let slow_writes = run_fields.iter().map(|field| {
            let member = &field.member;
            let of = trait_of(field.ty);
            quote!(let __pusm_offset = #of::write(&self.#member, __pusm_buf, __pusm_offset)?;)
        });
        let slow_reads = run_fields.iter().zip(run_bindings).map(|(field, binding)| {
            let of = trait_of(field.ty);
            quote!(let (#binding, __pusm_offset) = #of::read(__pusm_buf, __pusm_offset)?;)
        });
        if !worth_a_block(run_fields) {
            writes.extend(slow_writes);
            reads.extend(slow_reads);
            continue;
        }
        let label = syn::Lifetime::new(&format!("'__pusm_run{index}"), Span::call_site());
        let layouts = run_fields.iter().map(|field| {
            let of = trait_of(field.ty);
            quote!(#of::LAYOUT)
        });
        // The size of the run, or 0 (no block) when a field turns out to be
        // variable-sized (a user type the derive cannot see into) or the run
        // is too large for a block on the stack.
        let size = quote! {
            const __PUSM_SIZE: ::core::primitive::usize =
                match #krate::layout::Layout::fixed_size_of_run(&[#(#layouts),*]) {
                    ::core::option::Option::Some(__pusm_size)
                        if __pusm_size <= #krate::__private::MAX_BLOCK => __pusm_size,
                    _ => 0,
                };
        };
        let block_writes = run_fields.iter().map(|field| {
            let member = &field.member;
            let of = trait_of(field.ty);
            quote!(let __pusm_at = #of::write_in_block(&self.#member, __pusm_block, __pusm_at)?;)
        });
        writes.push(quote! {
            let __pusm_offset = #label: {
                #size
                if __PUSM_SIZE > 0 {
                    if let ::core::option::Option::Some(__pusm_result) =
                        #krate::__private::write_block::<__PusmB, __PUSM_SIZE>(
                            __pusm_buf,
                            __pusm_offset,
                            |__pusm_block| {
                                let __pusm_at = __pusm_offset;
                                #(#block_writes)*
                                ::core::result::Result::Ok(__pusm_at)
                            },
                        )
                    {
                        break #label __pusm_result?;
                    }
                }
                #(#slow_writes)*
                __pusm_offset
            };
        });
        let block_reads = run_fields.iter().zip(run_bindings).map(|(field, binding)| {
            let value = read_in_block(krate, field.ty, &at, UNROLL_BUDGET);
            quote!(let (#binding, __pusm_at) = #value;)
        });
        reads.push(quote! {
            let (#(#run_bindings,)* __pusm_offset) = #label: {
                #size
                if __PUSM_SIZE > 0 {
                    if let ::core::option::Option::Some(__pusm_result) =
                        #krate::__private::read_block::<__PusmB, _, __PUSM_SIZE>(
                            __pusm_buf,
                            __pusm_offset,
                            |__pusm_block| {
                                let __pusm_at = __pusm_offset;
                                #(#block_reads)*
                                ::core::result::Result::Ok(((#(#run_bindings,)*), __pusm_at))
                            },
                        )
                    {
                        let ((#(#run_bindings,)*), __pusm_offset) = __pusm_result?;
                        break #label (#(#run_bindings,)* __pusm_offset);
                    }
                }
                #(#slow_reads)*
                (#(#run_bindings,)* __pusm_offset)
            };
        });
    }
    let write = quote! {
        #(#writes)*
        ::core::result::Result::Ok(__pusm_offset)
    };
    let members: Vec<_> = fields.iter().map(|field| &field.member).collect();
    let read = quote! {
        #(#reads)*
        ::core::result::Result::Ok((Self { #(#members: #bindings),* }, __pusm_offset))
    };

    let lens = fields.iter().map(|field| {
        let member = &field.member;
        let of = trait_of(field.ty);
        quote!(+ #of::encoded_len(&self.#member))
    });
    let encoded_len = quote!(0 #(#lens)*);

    // Inside an outer struct's block: the fields straight into that block.
    let block_writes = fields.iter().map(|field| {
        let member = &field.member;
        let of = trait_of(field.ty);
        quote!(let __pusm_offset = #of::write_in_block(&self.#member, __pusm_block, __pusm_offset)?;)
    });
    let block_reads = fields.iter().zip(&bindings).map(|(field, binding)| {
        let value = read_in_block(krate, field.ty, &offset, UNROLL_BUDGET);
        quote!(let (#binding, __pusm_offset) = #value;)
    });
    let in_block = quote! {
        #[inline]
        fn write_in_block(
            &self,
            __pusm_block: &mut #krate::__private::Block<'_>,
            __pusm_offset: ::core::primitive::usize,
        ) -> ::core::result::Result<::core::primitive::usize, #krate::Error> {
            #(#block_writes)*
            ::core::result::Result::Ok(__pusm_offset)
        }

        #[inline]
        fn read_in_block(
            __pusm_block: &mut #krate::__private::Block<'_>,
            __pusm_offset: ::core::primitive::usize,
        ) -> ::core::result::Result<(Self, ::core::primitive::usize), #krate::Error> {
            #(#block_reads)*
            ::core::result::Result::Ok((Self { #(#members: #bindings),* }, __pusm_offset))
        }
    };

    (layout, write, read, encoded_len, in_block)
}

/// The fields split into runs: each field whose size depends on its value
/// (`String`, `Vec<T>`, `Option<T>`) alone, and the fields between them
/// together. Whether a run really is fixed-size is left to the compiler
/// (`Layout::fixed_size_of_run` in a `const`), since the derive cannot see
/// into the user's types; a run that is not gets the field-by-field code.
fn runs(fields: &[Field<'_>]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for (index, field) in fields.iter().enumerate() {
        if field_type::is_variable_size(field.ty) {
            if start < index {
                runs.push(start..index);
            }
            runs.push(index..index + 1);
            start = index + 1;
        }
    }
    if start < fields.len() {
        runs.push(start..fields.len());
    }
    runs
}

/// Whether a run gains from being copied as one block: several fields, or an
/// array (whose elements are then copied together). A lone scalar or nested
/// struct is one primitive call, or a block of its own, already.
fn worth_a_block(run: &[Field<'_>]) -> bool {
    match run {
        [] => false,
        [field] => matches!(ungroup(field.ty), Type::Array(_)),
        _ => true,
    }
}

fn ungroup(ty: &Type) -> &Type {
    match ty {
        Type::Group(inner) => ungroup(&inner.elem),
        Type::Paren(inner) => ungroup(&inner.elem),
        _ => ty,
    }
}

/// At most this many elements of arrays are read one by one in a block (see
/// `read_in_block`); larger arrays go through `SharedLayout::read`.
const UNROLL_BUDGET: usize = 64;

/// An expression reading a `ty` from `__pusm_block` at offset `at`, of type
/// `(ty, usize)`, returning early on an error. Arrays of a literal length
/// (`[Vec3; 4]`) are read element by element into an array expression,
/// without the vector `<[T; N]>::read` builds; the bytes and any error are
/// the same.
fn read_in_block(krate: &Path, ty: &Type, at: &Ident, budget: usize) -> TokenStream {
    if let Type::Array(array) = ungroup(ty) {
        let len = match &array.len {
            Expr::Lit(ExprLit {
                lit: Lit::Int(int), ..
            }) => int.base10_parse::<usize>().ok(),
            _ => None,
        };
        if let Some(len) = len.filter(|&len| len > 0 && len <= budget) {
            let items: Vec<_> = (0..len)
                .map(|i| format_ident!("__pusm_item{}", i))
                .collect();
            let element = read_in_block(krate, &array.elem, at, budget / len);
            return quote! {{
                #(let (#items, #at) = #element;)*
                ([#(#items),*], #at)
            }};
        }
    }
    quote!(<#ty as #krate::SharedLayout>::read_in_block(__pusm_block, #at)?)
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
    (layout, write, read, encoded_len, TokenStream::new())
}

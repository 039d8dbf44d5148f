//! Rust: one module per schema file, types deriving `pusm_core::SharedLayout`.
//!
//! The output is built with `quote!` and printed by `prettyplease`, so it is
//! formatted like `rustfmt` would. Library types are always written with
//! absolute paths (`::std::vec::Vec`), so a schema may define `Vec`, `String`,
//! `Option` or `Result`; types of another schema file are reached through the
//! sibling module named after that file (`super::common::Vec3`).

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use pusm_schema::{EnumDef, FileId, Item, Schema, SchemaFile, StructDef, TypeRef};
use quote::quote;

use super::{default_variant, doc_lines, header_line, item_type, Emitter};
use crate::names::{rust_module, rust_name, RustName};

/// The Rust emitter with default options: `robot.pusm` -> `robot.rs`.
///
/// Every struct derives `Debug, Clone, PartialEq` and `pusm_core::SharedLayout`
/// (plus `Default` when all its fields have one) and gets an inherent
/// `FINGERPRINT` constant; every enum is `#[repr(i32)]` with explicit
/// discriminants and derives `Copy`, `Eq`, `Hash` and `Default`. See
/// [`RustOptions`] for the options `prost-build` users expect.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rust;

impl Emitter for Rust {
    fn file_name(&self, file: &SchemaFile) -> String {
        DEFAULT_OPTIONS.file_name(file)
    }

    fn emit(&self, schema: &Schema, file: FileId) -> String {
        DEFAULT_OPTIONS.emit(schema, file)
    }
}

static DEFAULT_OPTIONS: RustOptions = RustOptions::new();

/// The largest fixed array generated inline, in bytes of Rust memory (an
/// upper bound of `size_of`): a bigger one is generated as `Box<[T; N]>`,
/// which `pusm-core` decodes on the heap, so that reading it cannot overflow
/// the stack. The derive refuses bigger inline arrays with the same limit.
pub const MAX_INLINE_ARRAY: usize = 64 * 1024;

/// The Rust emitter with options, as `prost-build` has them: the path of
/// `pusm-core`, extra attributes on types and fields, and schema types that
/// another crate already generated.
///
/// Paths name schema items by module (the schema file's stem), type and
/// field: `.robot.Observation.step`. A path starting with `.` matches that
/// item and everything inside it (`.` alone matches everything); one
/// without matches any item whose full name ends with it
/// (`Observation.step`, `Vec3`).
///
/// ```
/// use pusm_codegen::emit::{rust::RustOptions, Emitter};
///
/// let mut sources = pusm_codegen::schema::Sources::new();
/// sources.add("shapes.pusm", "struct Point { x: float32; }\n");
/// let schema = pusm_codegen::schema::load_sources(&sources, &["shapes.pusm"])?;
/// let rust = RustOptions::new()
///     .crate_path("::my_pusm")
///     .type_attribute(".", "#[derive(serde::Serialize)]")
///     .field_attribute("Point.x", "#[serde(rename = \"X\")]");
/// let code = rust.emit(&schema, pusm_codegen::schema::FileId(0));
/// assert!(code.contains("#[derive(serde::Serialize)]"));
/// assert!(code.contains("::my_pusm::SharedLayout"));
/// assert!(code.contains("#[pusm(crate = \"::my_pusm\")]"));
/// # Ok::<(), pusm_codegen::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct RustOptions {
    crate_path: Option<String>,
    type_attributes: Vec<(String, String)>,
    field_attributes: Vec<(String, String)>,
    extern_paths: Vec<(String, String)>,
}

impl RustOptions {
    /// The defaults: `::pusm_core`, no extra attributes, no extern paths.
    #[must_use]
    pub const fn new() -> Self {
        RustOptions {
            crate_path: None,
            type_attributes: Vec::new(),
            field_attributes: Vec::new(),
            extern_paths: Vec::new(),
        }
    }

    /// The path generated code uses for `pusm-core` (default `::pusm_core`),
    /// for a renamed dependency (`::my_pusm`) or a re-export
    /// (`::my_crate::pusm`). The derive is told too (`#[pusm(crate = ..)]`).
    #[must_use]
    pub fn crate_path(mut self, path: impl Into<String>) -> Self {
        self.crate_path = Some(path.into());
        self
    }

    /// Adds `attribute` (like `#[derive(serde::Serialize)]`) to every
    /// generated struct and enum that `path` matches.
    #[must_use]
    pub fn type_attribute(mut self, path: impl Into<String>, attribute: impl Into<String>) -> Self {
        self.type_attributes.push((path.into(), attribute.into()));
        self
    }

    /// Adds `attribute` (like `#[serde(default)]`) to every generated struct
    /// field that `path` matches (`.robot.Observation.step`, `Observation.step`).
    #[must_use]
    pub fn field_attribute(
        mut self,
        path: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Self {
        self.field_attributes.push((path.into(), attribute.into()));
        self
    }

    /// Uses `rust_path` instead of generating the schema items at
    /// `schema_path`: a whole schema file by its module (`.common` ->
    /// `::shared::common`, its types then `::shared::common::Vec3`), or one
    /// type (`.common.Vec3` -> `::shared::Vec3`). Nothing is generated for
    /// them; code that uses them names `rust_path`. This is how two crates
    /// share the types of one `common.pusm`.
    #[must_use]
    pub fn extern_path(
        mut self,
        schema_path: impl Into<String>,
        rust_path: impl Into<String>,
    ) -> Self {
        self.extern_paths
            .push((schema_path.into(), rust_path.into()));
        self
    }

    /// Whether the whole schema file is provided by an extern path: no Rust
    /// file is written for it, and the module index leaves it out.
    #[must_use]
    pub fn is_extern_module(&self, file: &SchemaFile) -> bool {
        self.extern_paths
            .iter()
            .any(|(path, _)| path.trim_start_matches('.') == file.module)
    }

    /// Every option that is not valid Rust, as messages naming the option.
    #[must_use]
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(path) = &self.crate_path {
            if syn::parse_str::<syn::Path>(path).is_err() {
                problems.push(format!("crate_path {path:?} is not a Rust path"));
            }
        }
        for (kind, list) in [
            ("type_attribute", &self.type_attributes),
            ("field_attribute", &self.field_attributes),
        ] {
            for (path, attribute) in list {
                if parse_attributes(attribute).is_none() {
                    problems.push(format!(
                        "{kind}({path:?}, {attribute:?}): not an attribute like \"#[derive(Hash)]\""
                    ));
                }
            }
        }
        for (schema_path, rust_path) in &self.extern_paths {
            if syn::parse_str::<syn::Path>(rust_path).is_err() {
                problems.push(format!(
                    "extern_path({schema_path:?}, {rust_path:?}): not a Rust path"
                ));
            }
        }
        problems
    }

    /// The module index: one `pub mod` per schema file not provided by an
    /// extern path, each including its file.
    #[must_use]
    pub fn module_index(&self, schema: &Schema) -> String {
        let mut out = String::from(
            "// Generated by pusm-codegen. Do not edit: change the schemas and regenerate.\n\
             //\n\
             // One module per schema file. Include it with\n\
             // `include!(concat!(env!(\"OUT_DIR\"), \"/pusm_schemas.rs\"));`\n",
        );
        for file in schema
            .files
            .iter()
            .filter(|file| !self.is_extern_module(file))
        {
            let module = rust_module(&file.module);
            out.push('\n');
            let docs = doc_lines(&file.docs);
            if docs.is_empty() {
                out.push_str(&format!(
                    "/// The types of `{}`.\n",
                    super::display_path(&file.path)
                ));
            }
            for line in docs {
                out.push_str(&comment_line("///", &line));
            }
            out.push_str(&format!(
                "pub mod {} {{\n    include!(\"{}.rs\");\n}}\n",
                module.source(),
                module.ident
            ));
        }
        out
    }

    fn crate_tokens(&self) -> TokenStream {
        match &self.crate_path {
            Some(path) => match syn::parse_str::<syn::Path>(path) {
                Ok(path) => quote!(#path),
                Err(_) => quote!(::pusm_core),
            },
            None => quote!(::pusm_core),
        }
    }

    fn crate_attr(&self) -> Option<TokenStream> {
        self.crate_path
            .as_ref()
            .map(|path| quote!(#[pusm(crate = #path)]))
    }

    fn attributes_for(&self, list: &[(String, String)], full_name: &str) -> TokenStream {
        let attributes = list
            .iter()
            .filter(|(path, _)| path_matches(path, full_name))
            .filter_map(|(_, attribute)| parse_attributes(attribute));
        quote!(#(#attributes)*)
    }

    /// The Rust path of an extern type, when an extern path provides it.
    fn extern_type(&self, module: &str, name: &str) -> Option<TokenStream> {
        let full = format!("{module}.{name}");
        let (_, rust_path) = self
            .extern_paths
            .iter()
            .find(|(path, _)| path.trim_start_matches('.') == full)?;
        let path = syn::parse_str::<syn::Path>(rust_path).ok()?;
        Some(quote!(#path))
    }

    /// The Rust path of a type of an extern module.
    fn extern_module_type(&self, module: &str, ident: &Ident) -> Option<TokenStream> {
        let (_, rust_path) = self
            .extern_paths
            .iter()
            .find(|(path, _)| path.trim_start_matches('.') == module)?;
        let path = syn::parse_str::<syn::Path>(rust_path).ok()?;
        Some(quote!(#path::#ident))
    }
}

/// The deepest nesting of lists, arrays and optionals in a field type that
/// Clippy's `type_complexity` accepts without an allow (it counts `Box` too).
const MAX_SIMPLE_DEPTH: usize = 3;

/// How many lists, arrays and optionals nest in `ty`.
fn constructor_depth(ty: &TypeRef) -> usize {
    match ty {
        TypeRef::List(inner) | TypeRef::Array(inner, _) | TypeRef::Optional(inner) => {
            1 + constructor_depth(inner)
        }
        _ => 0,
    }
}

/// Whether `pattern` matches the item `full_name` (`robot.Observation.step`).
fn path_matches(pattern: &str, full_name: &str) -> bool {
    if pattern == "." || pattern.is_empty() {
        return true;
    }
    match pattern.strip_prefix('.') {
        Some(prefix) => {
            full_name == prefix
                || full_name
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('.'))
        }
        None => {
            full_name == pattern
                || full_name
                    .strip_suffix(pattern)
                    .is_some_and(|rest| rest.ends_with('.'))
        }
    }
}

/// The outer attributes in `text` (`#[derive(Hash)] #[serde(default)]`).
fn parse_attributes(text: &str) -> Option<TokenStream> {
    use syn::parse::Parser;
    let attributes = syn::Attribute::parse_outer.parse_str(text).ok()?;
    if attributes.is_empty() {
        return None;
    }
    Some(quote!(#(#attributes)*))
}

impl Emitter for RustOptions {
    fn file_name(&self, file: &SchemaFile) -> String {
        format!("{}.rs", rust_module(&file.module).ident)
    }

    fn emit(&self, schema: &Schema, file: FileId) -> String {
        let schema_file = schema.file(file);
        let context = Context {
            schema,
            file,
            options: self,
        };
        let items: Vec<TokenStream> = schema_file
            .items
            .iter()
            .enumerate()
            .filter(|(_, item)| self.extern_type(&schema_file.module, item.name()).is_none())
            .map(|(index, item)| match item {
                Item::Enum(def) => context.enum_item(def),
                Item::Struct(def) => context.struct_item(index, def),
            })
            .collect();
        // prettyplease puts no blank line between items: print them one by
        // one and separate them as rustfmt users do.
        let body = items.into_iter().map(pretty).collect::<Vec<_>>().join("\n");
        let mut out = format!("// {}\n", header_line(schema_file));
        let docs = doc_lines(&schema_file.docs);
        if !docs.is_empty() {
            out.push_str("//\n");
            for line in docs {
                out.push_str(&comment_line("//", &line));
            }
        }
        if !body.is_empty() {
            out.push('\n');
            out.push_str(&body);
        }
        out
    }
}

/// The module index the build script writes next to the generated files:
/// one `pub mod` per schema file, each including its file (default options;
/// see [`RustOptions::module_index`]).
#[must_use]
pub fn module_index(schema: &Schema) -> String {
    DEFAULT_OPTIONS.module_index(schema)
}

/// Formats one item (or a struct and its impl) with prettyplease.
fn pretty(tokens: TokenStream) -> String {
    let mut parts = Vec::new();
    match syn::parse2::<syn::File>(tokens) {
        Ok(file) => {
            for item in file.items {
                parts.push(prettyplease::unparse(&syn::File {
                    shebang: None,
                    attrs: Vec::new(),
                    items: vec![item],
                }));
            }
        }
        // The tokens are built from checked identifiers and literals, so they
        // always parse; should that ever break, the output fails to compile
        // with the reason instead of silently missing an item.
        Err(error) => parts.push(format!("compile_error!({:?});\n", error.to_string())),
    }
    parts.join("\n")
}

fn comment_line(marker: &str, line: &str) -> String {
    if line.is_empty() {
        format!("{marker}\n")
    } else {
        format!("{marker} {line}\n")
    }
}

struct Context<'a> {
    schema: &'a Schema,
    file: FileId,
    options: &'a RustOptions,
}

impl Context<'_> {
    fn module(&self) -> &str {
        &self.schema.file(self.file).module
    }

    fn enum_item(&self, def: &EnumDef) -> TokenStream {
        let krate = self.options.crate_tokens();
        let crate_attr = self.options.crate_attr();
        let full_name = format!("{}.{}", self.module(), def.name);
        let extra = self
            .options
            .attributes_for(&self.options.type_attributes, &full_name);
        let name = type_name(&def.name);
        let docs = doc_attrs(&def.docs);
        let rename = rename_attr(&name);
        let ident = to_ident(&name);
        let default = default_variant(def);
        let undocumented =
            def.docs.is_empty() || def.variants.iter().any(|variant| variant.docs.is_empty());
        let allow = undocumented.then(|| quote!(#[allow(missing_docs)]));
        let mut taken = BTreeSet::new();
        let variants = def.variants.iter().enumerate().map(|(index, variant)| {
            let name = rust_name(&variant.name, &taken);
            taken.insert(name.ident.clone());
            let docs = doc_attrs(&variant.docs);
            let rename = rename_attr(&name);
            let ident = to_ident(&name);
            let default = (index == default).then(|| quote!(#[default]));
            let magnitude = Literal::u32_unsuffixed(variant.value.unsigned_abs());
            let value = if variant.value < 0 {
                quote!(-#magnitude)
            } else {
                quote!(#magnitude)
            };
            quote! {
                #docs
                #default
                #rename
                #ident = #value,
            }
        });
        quote! {
            #docs
            #allow
            #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, #krate::SharedLayout)]
            #[repr(i32)]
            #crate_attr
            #rename
            #extra
            pub enum #ident {
                #(#variants)*
            }
        }
    }

    fn struct_item(&self, index: usize, def: &StructDef) -> TokenStream {
        let krate = self.options.crate_tokens();
        let crate_attr = self.options.crate_attr();
        let full_name = format!("{}.{}", self.module(), def.name);
        let extra = self
            .options
            .attributes_for(&self.options.type_attributes, &full_name);
        let name = type_name(&def.name);
        let docs = doc_attrs(&def.docs);
        let rename = rename_attr(&name);
        let ident = to_ident(&name);
        let undocumented =
            def.docs.is_empty() || def.fields.iter().any(|field| field.docs.is_empty());
        let allow = undocumented.then(|| quote!(#[allow(missing_docs)]));
        // Clippy finds deeply nested field types too complex; they are what
        // the schema says, so the lint is allowed where it would fire.
        let complex = def
            .fields
            .iter()
            .any(|field| constructor_depth(&field.ty) > MAX_SIMPLE_DEPTH);
        let allow_complex = complex.then(|| quote!(#[allow(clippy::type_complexity)]));
        let mut taken = BTreeSet::new();
        let fields: Vec<TokenStream> = def
            .fields
            .iter()
            .map(|field| {
                let name = rust_name(&field.name, &taken);
                taken.insert(name.ident.clone());
                let docs = doc_attrs(&field.docs);
                let rename = rename_attr(&name);
                let ident = to_ident(&name);
                let ty = self.type_tokens(&field.ty);
                let extra = self.options.attributes_for(
                    &self.options.field_attributes,
                    &format!("{full_name}.{}", field.name),
                );
                quote! {
                    #docs
                    #rename
                    #extra
                    pub #ident: #ty,
                }
            })
            .collect();
        let default = self
            .has_default(&item_type(self.file, index))
            .then(|| quote!(Default,));
        let fingerprint = self.schema.fingerprint(&item_type(self.file, index));
        let fingerprint_doc = doc_attrs(&[
            format!(
                "The fingerprint of `{}`, `0x{fingerprint:08X}`: FNV-1a 32 of its signature.",
                def.name
            ),
            String::new(),
            format!(
                "Same as `<{} as SharedLayout>::FINGERPRINT`, with no trait import.",
                name.source()
            ),
        ]);
        quote! {
            #docs
            #allow
            #allow_complex
            #[derive(Debug, Clone, #default PartialEq, #krate::SharedLayout)]
            #crate_attr
            #rename
            #extra
            pub struct #ident {
                #(#fields)*
            }

            impl #ident {
                #fingerprint_doc
                pub const FINGERPRINT: u32 = <Self as #krate::SharedLayout>::FINGERPRINT;
            }
        }
    }

    fn type_tokens(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Bool => quote!(bool),
            TypeRef::Int32 => quote!(i32),
            TypeRef::Float32 => quote!(f32),
            TypeRef::String => quote!(::std::string::String),
            TypeRef::Bytes => quote!(::std::vec::Vec<u8>),
            TypeRef::Named(id) => {
                let item_name = self.schema.item(*id).name();
                let module_name = &self.schema.file(id.file).module;
                let name = to_ident(&type_name(item_name));
                if let Some(path) = self.options.extern_type(module_name, item_name) {
                    path
                } else if let Some(path) = self.options.extern_module_type(module_name, &name) {
                    path
                } else if id.file == self.file {
                    quote!(#name)
                } else {
                    let module = to_ident(&rust_module(module_name));
                    quote!(super::#module::#name)
                }
            }
            TypeRef::List(element) => {
                let element = self.type_tokens(element);
                quote!(::std::vec::Vec<#element>)
            }
            TypeRef::Array(element, len) => {
                let array = {
                    let element = self.type_tokens(element);
                    let len = Literal::usize_unsuffixed(*len);
                    quote!([#element; #len])
                };
                if self.is_boxed(element, *len) {
                    quote!(::std::boxed::Box<#array>)
                } else {
                    array
                }
            }
            TypeRef::Optional(inner) => {
                let inner = self.type_tokens(inner);
                quote!(::std::option::Option<#inner>)
            }
        }
    }

    /// Whether `[element; len]` is generated as `Box<[element; len]>`: when
    /// it could be over [`MAX_INLINE_ARRAY`] bytes inline.
    fn is_boxed(&self, element: &TypeRef, len: usize) -> bool {
        self.inline_size(element).saturating_mul(len) > MAX_INLINE_ARRAY
    }

    /// An upper bound of `size_of` of the Rust type generated for `ty`
    /// (every field rounded up to 8 bytes, options 8 bytes more).
    fn inline_size(&self, ty: &TypeRef) -> usize {
        let word = |size: usize| size.div_ceil(8).saturating_mul(8);
        match ty {
            TypeRef::Bool => 1,
            TypeRef::Int32 | TypeRef::Float32 => 4,
            TypeRef::String | TypeRef::Bytes | TypeRef::List(_) => 24,
            TypeRef::Optional(inner) => word(self.inline_size(inner)).saturating_add(8),
            TypeRef::Array(element, len) => {
                if self.is_boxed(element, *len) {
                    8
                } else {
                    self.inline_size(element).saturating_mul(*len)
                }
            }
            TypeRef::Named(id) => match self.schema.item(*id) {
                Item::Enum(_) => 4,
                Item::Struct(def) => def
                    .fields
                    .iter()
                    .map(|field| word(self.inline_size(&field.ty)))
                    .fold(0, usize::saturating_add),
            },
        }
    }

    /// Whether `ty` implements `Default` in std (arrays only up to 32
    /// elements, boxed or not).
    fn has_default(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Bool
            | TypeRef::Int32
            | TypeRef::Float32
            | TypeRef::String
            | TypeRef::Bytes
            | TypeRef::List(_)
            | TypeRef::Optional(_) => true,
            TypeRef::Array(element, len) => *len <= 32 && self.has_default(element),
            TypeRef::Named(id) => {
                let module = &self.schema.file(id.file).module;
                let name = self.schema.item(*id).name();
                // An extern type may or may not have one: assume not.
                if self.options.extern_type(module, name).is_some()
                    || self
                        .options
                        .extern_paths
                        .iter()
                        .any(|(path, _)| path.trim_start_matches('.') == module.as_str())
                {
                    return false;
                }
                match self.schema.item(*id) {
                    Item::Enum(_) => true,
                    Item::Struct(def) => def.fields.iter().all(|field| self.has_default(&field.ty)),
                }
            }
        }
    }
}

/// The Rust name of a type or variant (`Self` -> `Self_`, renamed).
fn type_name(schema_name: &str) -> RustName {
    rust_name(schema_name, &BTreeSet::new())
}

fn to_ident(name: &RustName) -> Ident {
    if name.raw {
        Ident::new_raw(&name.ident, Span::call_site())
    } else {
        Ident::new(&name.ident, Span::call_site())
    }
}

fn rename_attr(name: &RustName) -> Option<TokenStream> {
    name.rename
        .as_ref()
        .map(|schema_name| quote!(#[pusm(rename = #schema_name)]))
}

fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = doc_lines(lines).into_iter().map(|line| {
        let text = if line.is_empty() {
            line
        } else {
            format!(" {}", escape_markdown_html(&line))
        };
        quote!(#[doc = #text])
    });
    quote!(#(#lines)*)
}

/// Escapes `<` outside inline code, so that schema prose like `<angle
/// brackets>` reads as text in rustdoc instead of an unclosed HTML tag.
fn escape_markdown_html(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for c in line.chars() {
        match c {
            '`' => in_code = !in_code,
            '<' if !in_code => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod doc_tests {
    use super::escape_markdown_html;

    #[test]
    fn angle_brackets_are_escaped_outside_inline_code_only() {
        assert_eq!(
            escape_markdown_html("a <b> `Vec<T>` c"),
            "a \\<b> `Vec<T>` c"
        );
        assert_eq!(escape_markdown_html("no tags"), "no tags");
    }
}

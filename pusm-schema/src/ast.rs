//! The syntax tree of one schema file, as written: names unresolved, spans
//! kept for every piece a diagnostic may point at.

use std::ops::Range;

/// A name and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ident {
    pub name: String,
    pub span: Range<usize>,
}

/// One parsed file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct File {
    /// Doc comments before `namespace`.
    pub docs: Vec<String>,
    pub namespace: Option<Namespace>,
    pub imports: Vec<Import>,
    pub items: Vec<Item>,
}

/// `namespace a.b;`
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Namespace {
    pub segments: Vec<Ident>,
}

/// `import "x.pusm";`
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Import {
    /// The string, escapes applied.
    pub path: String,
    /// The string literal, quotes included.
    pub span: Range<usize>,
}

/// An `enum` or a `struct`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    Enum(EnumDecl),
    Struct(StructDecl),
}

impl Item {
    pub fn name(&self) -> &Ident {
        match self {
            Item::Enum(decl) => &decl.name,
            Item::Struct(decl) => &decl.name,
        }
    }
}

/// `enum Name { ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EnumDecl {
    pub docs: Vec<String>,
    pub name: Ident,
    pub variants: Vec<VariantDecl>,
    /// True when a variant could not be parsed (then an empty `variants`
    /// is no reason for another error).
    pub recovered: bool,
}

/// `Name = INT`
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VariantDecl {
    pub docs: Vec<String>,
    pub name: Ident,
    /// The value, when it is a valid int32 (otherwise already reported).
    pub value: Option<i32>,
    pub value_span: Range<usize>,
    /// True when the variant has no `= value` at all (reported with the
    /// enum, once every value is known, to suggest a free one).
    pub missing_value: bool,
}

/// `struct Name { ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StructDecl {
    pub docs: Vec<String>,
    pub name: Ident,
    pub fields: Vec<FieldDecl>,
}

/// `name: type;`
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldDecl {
    pub docs: Vec<String>,
    pub name: Ident,
    pub ty: TypeExpr,
}

/// A type as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TypeExpr {
    pub kind: TypeKind,
    /// The whole type expression.
    pub span: Range<usize>,
}

/// The shapes of [`TypeExpr`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TypeKind {
    /// A builtin or user-defined name (builtins are contextual keywords,
    /// resolved with the other names).
    Named(Ident),
    /// `[T]`
    List(Box<TypeExpr>),
    /// `[T; N]`; `None` when N was invalid (already reported).
    Array(Box<TypeExpr>, Option<usize>),
    /// `T?`
    Optional(Box<TypeExpr>),
}

//! The checked intermediate representation of a set of schema files.
//!
//! Everything a code generator needs and nothing about syntax: names as
//! written in the schema, doc comments, resolved type references, and the
//! wire layout of every type (through `pusm-layout`, the same model
//! `#[derive(SharedLayout)]` uses).

use std::path::PathBuf;

use bumpalo::Bump;
use pusm_layout::{EnumLayout, Field, Layout, StructLayout, Variant};

/// A byte range in one schema file, for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// The index of a file in [`Schema::files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub usize);

/// A resolved reference to a user-defined type: which file, which item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId {
    /// The file that defines the type.
    pub file: FileId,
    /// The index of the type in that file's [`SchemaFile::items`].
    pub index: usize,
}

/// A set of schema files: those named on the command line and everything they
/// import, each read once, ordered so that every file comes after the files
/// it imports (and otherwise in the order they were first named).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    /// The files.
    pub files: Vec<SchemaFile>,
}

/// One `.pusm` file.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaFile {
    /// The path it was read from (as given, joined with importers' folders).
    pub path: PathBuf,
    /// The file stem, which names the generated module (`robot.pusm` -> `robot`).
    pub module: String,
    /// The `namespace a.b;` declaration, split on dots.
    pub namespace: Option<Vec<String>>,
    /// Doc comments before the namespace: they document the file.
    pub docs: Vec<String>,
    /// The files this one imports, in the order of its `import` lines.
    pub imports: Vec<FileId>,
    /// The enums and structs, in declaration order.
    pub items: Vec<Item>,
}

/// A user-defined type.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// An `enum`.
    Enum(EnumDef),
    /// A `struct`.
    Struct(StructDef),
}

/// An `enum` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// The PascalCase type name.
    pub name: String,
    /// Its doc comment lines, without the `///`.
    pub docs: Vec<String>,
    /// The variants in declaration order.
    pub variants: Vec<VariantDef>,
    /// Where the name is.
    pub span: Span,
}

/// One enum variant.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantDef {
    /// The PascalCase variant name.
    pub name: String,
    /// Its doc comment lines.
    pub docs: Vec<String>,
    /// Its int32 value on the wire.
    pub value: i32,
    /// Where the name is.
    pub span: Span,
}

/// A `struct` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// The PascalCase type name.
    pub name: String,
    /// Its doc comment lines.
    pub docs: Vec<String>,
    /// The fields in declaration (and wire) order.
    pub fields: Vec<FieldDef>,
    /// Where the name is.
    pub span: Span,
}

/// One struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// The snake_case field name.
    pub name: String,
    /// Its doc comment lines.
    pub docs: Vec<String>,
    /// Its type.
    pub ty: TypeRef,
    /// Where the name is.
    pub span: Span,
}

/// A field's type, with names resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// `bool`
    Bool,
    /// `int32`
    Int32,
    /// `float32`
    Float32,
    /// `string`
    String,
    /// `bytes`
    Bytes,
    /// An enum or struct.
    Named(TypeId),
    /// `[T]`
    List(Box<TypeRef>),
    /// `[T; N]`
    Array(Box<TypeRef>, usize),
    /// `T?`
    Optional(Box<TypeRef>),
}

impl Item {
    /// The type name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Item::Enum(def) => &def.name,
            Item::Struct(def) => &def.name,
        }
    }

    /// The doc comment lines.
    #[must_use]
    pub fn docs(&self) -> &[String] {
        match self {
            Item::Enum(def) => &def.docs,
            Item::Struct(def) => &def.docs,
        }
    }
}

impl Schema {
    /// Every file that was read, in schema order (every file after those it
    /// imports): what a build script passes to `cargo:rerun-if-changed`.
    #[must_use]
    pub fn source_files(&self) -> Vec<PathBuf> {
        self.files.iter().map(|file| file.path.clone()).collect()
    }

    /// The file with this id.
    ///
    /// # Panics
    /// When the id does not come from this schema.
    #[must_use]
    pub fn file(&self, id: FileId) -> &SchemaFile {
        &self.files[id.0]
    }

    /// The type with this id.
    ///
    /// # Panics
    /// When the id does not come from this schema.
    #[must_use]
    pub fn item(&self, id: TypeId) -> &Item {
        &self.files[id.file.0].items[id.index]
    }

    /// Every type of every file with its id, files in order.
    pub fn types(&self) -> impl Iterator<Item = (TypeId, &Item)> {
        self.files
            .iter()
            .enumerate()
            .flat_map(|(file, schema_file)| {
                schema_file
                    .items
                    .iter()
                    .enumerate()
                    .map(move |(index, item)| {
                        (
                            TypeId {
                                file: FileId(file),
                                index,
                            },
                            item,
                        )
                    })
            })
    }

    /// Runs `f` on the wire layout of `ty`, nested types expanded.
    pub fn with_layout<R>(&self, ty: &TypeRef, f: impl FnOnce(&Layout<'_>) -> R) -> R {
        let arena = Bump::new();
        let layout = self.build_layout(&arena, ty);
        f(layout)
    }

    /// The fingerprint of `ty` (`PROTOCOL.md`, "Fingerprint").
    #[must_use]
    pub fn fingerprint(&self, ty: &TypeRef) -> u32 {
        self.with_layout(ty, |layout| layout.fingerprint())
    }

    /// The canonical signature of `ty`.
    #[must_use]
    pub fn signature(&self, ty: &TypeRef) -> String {
        self.with_layout(ty, |layout| layout.signature())
    }

    /// The encoded size of `ty` when it does not depend on the value.
    #[must_use]
    pub fn fixed_size(&self, ty: &TypeRef) -> Option<usize> {
        self.with_layout(ty, |layout| layout.fixed_size())
    }

    fn build_layout<'a>(&'a self, arena: &'a Bump, ty: &TypeRef) -> &'a Layout<'a> {
        let layout = match ty {
            TypeRef::Bool => Layout::Bool,
            TypeRef::Int32 => Layout::Int32,
            TypeRef::Float32 => Layout::Float32,
            TypeRef::String => Layout::String,
            TypeRef::Bytes => Layout::Bytes,
            TypeRef::List(element) => Layout::List(self.build_layout(arena, element)),
            TypeRef::Array(element, len) => Layout::Array(self.build_layout(arena, element), *len),
            TypeRef::Optional(inner) => Layout::Optional(self.build_layout(arena, inner)),
            TypeRef::Named(id) => match self.item(*id) {
                Item::Enum(def) => Layout::Enum(arena.alloc(EnumLayout {
                    name: &def.name,
                    variants: arena.alloc_slice_fill_iter(def.variants.iter().map(|variant| {
                        Variant {
                            name: &variant.name,
                            value: variant.value,
                        }
                    })),
                })),
                Item::Struct(def) => Layout::Struct(arena.alloc(StructLayout {
                    name: &def.name,
                    fields: arena.alloc_slice_fill_iter(def.fields.iter().map(|field| Field {
                        name: &field.name,
                        layout: self.build_layout(arena, &field.ty),
                    })),
                })),
            },
        };
        arena.alloc(layout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, ty: TypeRef) -> FieldDef {
        FieldDef {
            name: name.to_owned(),
            docs: vec![],
            ty,
            span: Span::default(),
        }
    }

    #[test]
    fn layouts_expand_nested_types_as_the_protocol_example_says() {
        let vec3 = Item::Struct(StructDef {
            name: "Vec3".into(),
            docs: vec![],
            fields: vec![
                field("x", TypeRef::Float32),
                field("y", TypeRef::Float32),
                field("z", TypeRef::Float32),
            ],
            span: Span::default(),
        });
        let vec3_id = TypeId {
            file: FileId(0),
            index: 0,
        };
        let pose = Item::Struct(StructDef {
            name: "Pose".into(),
            docs: vec![],
            fields: vec![
                field("at", TypeRef::Named(vec3_id)),
                field("path", TypeRef::List(Box::new(TypeRef::Named(vec3_id)))),
            ],
            span: Span::default(),
        });
        let schema = Schema {
            files: vec![SchemaFile {
                path: "pose.pusm".into(),
                module: "pose".into(),
                namespace: None,
                docs: vec![],
                imports: vec![],
                items: vec![vec3, pose],
            }],
        };
        let pose_ty = TypeRef::Named(TypeId {
            file: FileId(0),
            index: 1,
        });
        assert_eq!(
            schema.signature(&pose_ty),
            "Pose{at:Vec3{x:float32,y:float32,z:float32},path:[Vec3{x:float32,y:float32,z:float32}]}"
        );
        // Worked out by hand from the signature text (FNV-1a 32).
        assert_eq!(schema.fingerprint(&pose_ty), 0xF097_BD38);
        assert_eq!(schema.fixed_size(&TypeRef::Named(vec3_id)), Some(12));
        assert_eq!(schema.fixed_size(&pose_ty), None);
        assert_eq!(schema.types().count(), 2);
    }
}

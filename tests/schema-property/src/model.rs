//! A schema as the property test builds it, before it becomes `.pusm` text:
//! files, imports, and types whose fields refer to each other by index.

use std::fmt::Write as _;

/// A type expression of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
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
    /// A struct or enum of the schema, by index into [`SchemaModel::types`].
    Named(usize),
    /// `[T]`
    List(Box<Ty>),
    /// `[T; N]`
    Array(Box<Ty>, usize),
    /// `T?`
    Optional(Box<Ty>),
}

/// What a named type is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An enum: variant names and values.
    Enum(Vec<(String, i32)>),
    /// A struct: field names and types.
    Struct(Vec<(String, Ty)>),
}

/// A named type and the file that defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDef {
    /// The type name.
    pub name: String,
    /// The index of its file in [`SchemaModel::files`].
    pub file: usize,
    /// Enum or struct.
    pub kind: Kind,
}

/// One `.pusm` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileModel {
    /// The file stem (`typing` for `typing.pusm`).
    pub stem: String,
    /// The `namespace` declaration's segments (empty: none).
    pub namespace: Vec<String>,
    /// The files it imports, by index.
    pub imports: Vec<usize>,
    /// Its types, by index into [`SchemaModel::types`], in the order written
    /// (so a type may be used before its definition).
    pub order: Vec<usize>,
}

/// A whole schema: file 0 is the root, the one given to the loader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaModel {
    /// The files.
    pub files: Vec<FileModel>,
    /// Every named type.
    pub types: Vec<TypeDef>,
}

impl SchemaModel {
    /// Each file as `(file name, text)`.
    #[must_use]
    pub fn render(&self) -> Vec<(String, String)> {
        self.files
            .iter()
            .map(|file| (format!("{}.pusm", file.stem), self.render_file(file)))
            .collect()
    }

    fn render_file(&self, file: &FileModel) -> String {
        let mut out = String::new();
        if !file.namespace.is_empty() {
            let _ = writeln!(out, "namespace {};", file.namespace.join("."));
        }
        for &import in &file.imports {
            let _ = writeln!(out, "import \"{}.pusm\";", self.files[import].stem);
        }
        for &index in &file.order {
            let def = &self.types[index];
            out.push('\n');
            match &def.kind {
                Kind::Enum(variants) => {
                    let _ = writeln!(out, "enum {} {{", def.name);
                    for (name, value) in variants {
                        let _ = writeln!(out, "    {name} = {value},");
                    }
                }
                Kind::Struct(fields) => {
                    let _ = writeln!(out, "struct {} {{", def.name);
                    for (name, ty) in fields {
                        let _ = writeln!(out, "    {name}: {};", self.spell(ty));
                    }
                }
            }
            out.push_str("}\n");
        }
        out
    }

    /// The schema-language spelling of `ty`.
    #[must_use]
    pub fn spell(&self, ty: &Ty) -> String {
        match ty {
            Ty::Bool => "bool".into(),
            Ty::Int32 => "int32".into(),
            Ty::Float32 => "float32".into(),
            Ty::String => "string".into(),
            Ty::Bytes => "bytes".into(),
            Ty::Named(index) => self.types[*index].name.clone(),
            Ty::List(element) => format!("[{}]", self.spell(element)),
            Ty::Array(element, len) => format!("[{}; {len}]", self.spell(element)),
            Ty::Optional(inner) => format!("{}?", self.spell(inner)),
        }
    }

    /// The names of the struct types, the roots the test sends values of.
    #[must_use]
    pub fn struct_names(&self) -> Vec<String> {
        self.types
            .iter()
            .filter(|def| matches!(def.kind, Kind::Struct(_)))
            .map(|def| def.name.clone())
            .collect()
    }
}

//! Random schemas: every type constructor nested in every other, types used
//! before they are defined, names that are keywords or library names in the
//! target languages, and imports across files named like standard modules.
//! Within the loader's rules (no recursion, no list or optional of values
//! that build more objects than they take bytes) and small enough to be fast.

use std::collections::BTreeSet;

use pusm_reference::random::Rng;

use crate::model::{FileModel, Kind, SchemaModel, Ty, TypeDef};

/// File stems: module names of Python's standard library, keywords, plain words.
const STEMS: &[&str] = &[
    "typing",
    "struct",
    "enum",
    "dataclasses",
    "os",
    "sys",
    "builtins",
    "abc",
    "io",
    "types",
    "collections",
    "class",
    "match",
    "self",
    "string",
    "common",
    "robot",
    "alpha",
    "mod",
    "math",
];

/// Type names: exceptions and classes the generated code may use, library
/// types of each language, keywords in PascalCase.
const TYPE_NAMES: &[&str] = &[
    "ValueError",
    "OverflowError",
    "UnicodeDecodeError",
    "TypeError",
    "KeyError",
    "IndexError",
    "Exception",
    "Object",
    "List",
    "Buffer",
    "Type",
    "Optional",
    "Struct",
    "Enum",
    "String",
    "Int",
    "Dict",
    "Any",
    "Vec",
    "Option",
    "Result",
    "Box",
    "Console",
    "Math",
    "BitConverter",
    "Encoding",
    "Array",
    "Action",
    "Func",
    "Tuple",
    "Self",
    "None",
    "True",
    "Field",
    "ClassVar",
    "IntEnum",
    "SharedMemory",
    "DecodeError",
    "SchemaMismatchError",
    "Memory",
    "Span",
    "Point",
    "Int32",
    "Float",
    "Bytes",
    "Stream",
    "Convert",
    "Nullable",
    "Default",
    "Sized",
];

/// Field names: keywords and soft keywords of each language, names of
/// modules, builtins, and locals or members of generated code.
const FIELD_NAMES: &[&str] = &[
    "type",
    "match",
    "await",
    "class",
    "value",
    "struct",
    "typing",
    "enum",
    "builtins",
    "self",
    "super",
    "crate",
    "read",
    "write",
    "offset",
    "sm",
    "data",
    "count",
    "item",
    "values",
    "end",
    "list",
    "dataclasses",
    "fingerprint",
    "encoded_len",
    "return",
    "yield",
    "async",
    "object",
    "string",
    "in",
    "is",
    "def",
    "lambda",
    "none",
    "x",
    "cls",
    "parts",
    "present",
    "os",
    "sys",
    "base",
    "checked",
    "event",
    "params",
    "ref",
    "out",
    "fixed",
    "operator",
    "default",
    "global",
    "var",
    "new",
    "dynamic",
    "get",
    "set",
    "where",
    "from",
    "nameof",
    "mut",
    "impl",
    "fn",
    "move",
    "dyn",
    "loop",
    "true",
    "false",
    "null",
    "bool",
    "int",
    "float",
    "str",
    "bytes",
    "int32",
    "len",
    "range",
    "print",
    "namespace",
    "import",
    "math",
    "result",
    "error",
    "i",
    "buffer",
    "stream",
    "size",
    "this",
    "base64",
    "checked_read",
    "write_checked",
];

/// Variant names.
const VARIANTS: &[&str] = &[
    "None",
    "Self",
    "Default",
    "Value",
    "True",
    "False",
    "Class",
    "Await",
    "Type",
    "Red",
    "Min",
    "Max",
    "Zero",
    "Null",
    "Object",
    "Name",
    "Mro",
    "Missing",
    "Fingerprint",
    "Read",
];

/// Extra namespace segments (never a type name in PascalCase).
const NAMESPACE_WORDS: &[&str] = &[
    "value",
    "class",
    "system",
    "await",
    "global",
    "core",
    "ref",
    "collections",
    "pusm",
];

/// Values at most this large (leaves, counting lists at two elements) keep
/// every case fast.
const MAX_VALUE_SIZE: u64 = 300;

fn pick<'a>(rng: &mut Rng, pool: &[&'a str], taken: &BTreeSet<String>) -> Option<&'a str> {
    let free: Vec<&str> = pool
        .iter()
        .copied()
        .filter(|name| !taken.contains(&name.to_lowercase()))
        .collect();
    rng.pick(&free).copied()
}

/// A random schema for case `case` (its namespaces start with `p{case}`, so
/// the C# of many cases compiles together).
#[must_use]
pub fn random_schema(rng: &mut Rng, case: usize) -> SchemaModel {
    let file_count = 1 + rng.below(3) as usize;
    let mut taken = BTreeSet::new();
    let mut files = Vec::new();
    for index in 0..file_count {
        let stem = pick(rng, STEMS, &taken).unwrap_or("extra").to_owned();
        taken.insert(stem.to_lowercase());
        let mut namespace = vec![format!("p{case}")];
        if rng.one_in(2) {
            if let Some(word) = rng.pick(NAMESPACE_WORDS) {
                namespace.push((*word).to_owned());
            }
        }
        namespace.push(format!("f{index}"));
        // A chain of imports makes every later file visible; some skip ahead too.
        let mut imports = Vec::new();
        if index + 1 < file_count {
            imports.push(index + 1);
        }
        if index + 2 < file_count && rng.one_in(2) {
            imports.push(index + 2);
        }
        files.push(FileModel {
            stem,
            namespace,
            imports,
            order: Vec::new(),
        });
    }

    let type_count = 2 + rng.below(5) as usize;
    let mut names = BTreeSet::new();
    let mut types: Vec<Option<TypeDef>> = vec![None; type_count];
    // Built from the last to the first: a type refers only to later ones.
    for index in (0..type_count).rev() {
        let name = pick(rng, TYPE_NAMES, &names).unwrap_or("Spare").to_owned();
        names.insert(name.to_lowercase());
        let file = rng.below(file_count as u64) as usize;
        let kind = if rng.one_in(4) {
            random_enum(rng)
        } else {
            let builder = TyBuilder {
                types: &types,
                from: index,
                file,
            };
            random_struct(rng, &builder)
        };
        types[index] = Some(TypeDef { name, file, kind });
    }
    let types: Vec<TypeDef> = types.into_iter().flatten().collect();
    for (index, def) in types.iter().enumerate() {
        files[def.file].order.push(index);
    }
    for file in &mut files {
        // Shuffle: uses before definitions, within a file too.
        for i in (1..file.order.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            file.order.swap(i, j);
        }
    }
    SchemaModel { files, types }
}

fn random_enum(rng: &mut Rng) -> Kind {
    let count = 1 + rng.below(3) as usize;
    let mut names = BTreeSet::new();
    let mut values = BTreeSet::new();
    let mut variants = Vec::new();
    for _ in 0..count {
        let Some(name) = pick(rng, VARIANTS, &names) else {
            break;
        };
        names.insert(name.to_lowercase());
        let value = match rng.below(3) {
            0 => *rng.pick(&[0, 1, -1, i32::MIN, i32::MAX]).unwrap_or(&0),
            1 => rng.below(10) as i32,
            _ => rng.next_u64() as i32,
        };
        if values.insert(value) {
            variants.push((name.to_owned(), value));
        }
    }
    Kind::Enum(variants)
}

fn random_struct(rng: &mut Rng, builder: &TyBuilder<'_>) -> Kind {
    let count = rng.below(6) as usize;
    let mut names = BTreeSet::new();
    let mut fields = Vec::new();
    let mut size = 1;
    for _ in 0..count {
        let Some(name) = pick(rng, FIELD_NAMES, &names) else {
            break;
        };
        names.insert(name.to_owned());
        let mut ty = builder.random(rng, 3);
        if size + builder.size(&ty) > MAX_VALUE_SIZE {
            ty = Ty::Int32;
        }
        size += builder.size(&ty);
        fields.push((name.to_owned(), ty));
    }
    Kind::Struct(fields)
}

/// Builds field types of type `from` in file `file`, from the types after it.
struct TyBuilder<'t> {
    types: &'t [Option<TypeDef>],
    from: usize,
    file: usize,
}

impl TyBuilder<'_> {
    fn def(&self, index: usize) -> Option<&TypeDef> {
        self.types.get(index).and_then(Option::as_ref)
    }

    fn random(&self, rng: &mut Rng, depth: u32) -> Ty {
        if depth > 0 && rng.one_in(2) {
            for _ in 0..4 {
                let inner = self.random(rng, depth - 1);
                let ty = match rng.below(3) {
                    0 => Ty::List(Box::new(inner)),
                    1 => Ty::Array(Box::new(inner), 1 + rng.below(4) as usize),
                    _ => Ty::Optional(Box::new(inner)),
                };
                if self.allowed(&ty) {
                    return ty;
                }
            }
        }
        // A named type visible here (defined later in this file, or in a
        // file this one imports), else a primitive.
        let visible: Vec<usize> = (self.from + 1..self.types.len())
            .filter(|&index| self.def(index).is_some_and(|def| def.file >= self.file))
            .collect();
        if !visible.is_empty() && rng.one_in(2) {
            if let Some(&index) = rng.pick(&visible) {
                return Ty::Named(index);
            }
        }
        match rng.below(5) {
            0 => Ty::Bool,
            1 => Ty::Int32,
            2 => Ty::Float32,
            3 => Ty::String,
            _ => Ty::Bytes,
        }
    }

    /// The loader's rules: no `T??`, and no list or optional of a value
    /// that builds more objects than it takes bytes.
    fn allowed(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Optional(inner) if matches!(**inner, Ty::Optional(_)) => false,
            Ty::List(inner) | Ty::Optional(inner) => self.surplus(inner) <= 0,
            _ => true,
        }
    }

    /// Objects built less bytes taken, at the worst value of `ty`
    /// (`pusm_layout`'s rule, computed here on the model).
    fn surplus(&self, ty: &Ty) -> i64 {
        match ty {
            Ty::Bool => -1,
            Ty::Int32 | Ty::Float32 => -4,
            Ty::String | Ty::Bytes => -3,
            Ty::List(element) => {
                if self.surplus(element) > 0 {
                    i64::MAX
                } else {
                    -3
                }
            }
            Ty::Array(element, len) => self
                .surplus(element)
                .saturating_mul(*len as i64)
                .saturating_add(1),
            Ty::Optional(inner) => self.surplus(inner).max(0) - 1,
            Ty::Named(index) => match self.def(*index).map(|def| &def.kind) {
                Some(Kind::Struct(fields)) => fields
                    .iter()
                    .fold(1i64, |sum, (_, ty)| sum.saturating_add(self.surplus(ty))),
                _ => -4,
            },
        }
    }

    /// How many leaves a value of `ty` has at most (lists of two).
    fn size(&self, ty: &Ty) -> u64 {
        match ty {
            Ty::List(element) => 1 + 2 * self.size(element),
            Ty::Array(element, len) => 1 + *len as u64 * self.size(element),
            Ty::Optional(inner) => 1 + self.size(inner),
            Ty::Named(index) => match self.def(*index).map(|def| &def.kind) {
                Some(Kind::Struct(fields)) => fields
                    .iter()
                    .fold(1, |sum, (_, ty)| sum.saturating_add(self.size(ty))),
                _ => 1,
            },
            _ => 1,
        }
    }
}

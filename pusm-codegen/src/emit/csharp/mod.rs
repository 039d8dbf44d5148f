//! C# for Unity: one namespace per schema file, a `partial` class per struct.
//!
//! The output compiles with Mono's `mcs` without extra flags: C# 7 tuples and
//! nothing newer (no records, no file-scoped namespaces, no init-only
//! setters, no `unsafe`). Every library type is written with `global::`, so a
//! schema may define `Object`, `List`, `Type`, `Encoding`, `String` or
//! `System`. Only the original package's primitives are called on the memory.
//!
//! The wire is read and written as the wire plan ([`crate::plan`]) lays it
//! out: `Write` encodes the whole message into one byte array and hands it
//! to the memory with one `WriteBytes`, so a write that does not fit writes
//! nothing; `Read` makes one `ReadBytes` per read group of the plan (a run of
//! fixed-size fields with the length or presence flag after it, or the bytes
//! of a variable part with the run after them) and decodes the values from
//! the array; `ReadInto` decodes into an existing instance, reusing its
//! lists, arrays and nested messages, and fills a reused buffer with
//! allocation-free primitive reads instead, so a steady-state simulation
//! step allocates nothing.
//!
//! The modules: `naming` (identifiers that cannot collide), `paths`
//! (the plan's paths as C# expressions), `encode` (`Write`,
//! `EncodedLength`), `decode` (`Read`, `ReadInto`), `wire` (the per-file
//! helper class and exception), `text` (doc comments, layout).

mod decode;
mod encode;
mod naming;
mod paths;
mod text;
mod wire;

use std::cell::RefCell;
use std::collections::BTreeSet;

use pusm_schema::{EnumDef, FileId, Item, Schema, SchemaFile, StructDef, TypeId, TypeRef};

use super::writer::{call_lines, Writer};
use super::{default_variant, doc_lines, header_line, item_type, Emitter};
use crate::names::{csharp_ident, pascal, unique};
use naming::{fields, Field};
use text::{new_array, summary, summary_raw, wrap_long_lines};
use wire::Helper;

/// The C# emitter with its default options: `robot.pusm` -> `Robot.cs`.
///
/// Each struct becomes a `[Serializable] public partial class` (users add
/// members and conversions in a partial file of their own) with public fields
/// in PascalCase, two constructors (defaults, and every field), the
/// `Fingerprint` constant and `EncodedLength`, `Write`, `WriteChecked`,
/// `Read`, `ReadChecked`, `ReadInto` and `ReadCheckedInto`. Each enum becomes
/// `public enum Name : int`. The encoding helpers the classes share go in one
/// `internal static class` per file, named after the file (`RobotWire`).
#[derive(Debug, Clone, Copy, Default)]
pub struct CSharp;

/// The C# emitter with options; `CSharpOptions::default()` emits what
/// [`CSharp`] emits.
///
/// ```
/// use pusm_codegen::emit::csharp::CSharpOptions;
/// use pusm_codegen::emit::Emitter;
/// use pusm_codegen::schema::{load_sources, FileId, Sources};
///
/// let mut sources = Sources::new();
/// sources.add("pose.pusm", "struct Vec3 { x: float32; y: float32; z: float32; }\nstruct Pose { at: Vec3; }\n");
/// let schema = load_sources(&sources, &["pose.pusm"])?;
/// let code = CSharpOptions { unity_types: true }.emit(&schema, FileId(0));
/// assert!(code.contains("public global::UnityEngine.Vector3 At;"));
/// # Ok::<(), pusm_codegen::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CSharpOptions {
    /// Map every struct whose fields are exactly `x, y, z: float32` to
    /// `UnityEngine.Vector3`, and exactly `x, y, z, w: float32` to
    /// `UnityEngine.Quaternion`: fields of such a type use Unity's struct
    /// (same bytes, same fingerprints) and no class is generated for it.
    pub unity_types: bool,
}

impl Emitter for CSharp {
    fn file_name(&self, file: &SchemaFile) -> String {
        CSharpOptions::default().file_name(file)
    }

    fn emit(&self, schema: &Schema, file: FileId) -> String {
        CSharpOptions::default().emit(schema, file)
    }
}

impl Emitter for CSharpOptions {
    fn file_name(&self, file: &SchemaFile) -> String {
        format!("{}.cs", pascal(&file.module))
    }

    fn emit(&self, schema: &Schema, file: FileId) -> String {
        FileEmitter::new(schema, file, *self).emit()
    }
}

/// The C# namespace of a schema file: its `namespace` with each dotted
/// segment in PascalCase, or the PascalCase module name.
#[must_use]
pub fn namespace(file: &SchemaFile) -> String {
    match &file.namespace {
        Some(segments) if !segments.is_empty() => segments
            .iter()
            .map(|segment| csharp_ident(&pascal(segment)))
            .collect::<Vec<_>>()
            .join("."),
        _ => csharp_ident(&pascal(&file.module)),
    }
}

/// The Unity struct a schema struct maps to, with `unity_types`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnityType {
    Vector3,
    Quaternion,
}

impl UnityType {
    fn of(def: &StructDef) -> Option<UnityType> {
        let float_names: Vec<&str> = def
            .fields
            .iter()
            .map(|field| match field.ty {
                TypeRef::Float32 => field.name.as_str(),
                _ => "",
            })
            .collect();
        match float_names.as_slice() {
            ["x", "y", "z"] => Some(UnityType::Vector3),
            ["x", "y", "z", "w"] => Some(UnityType::Quaternion),
            _ => None,
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            UnityType::Vector3 => "global::UnityEngine.Vector3",
            UnityType::Quaternion => "global::UnityEngine.Quaternion",
        }
    }

    /// The components, in wire order.
    fn components(self) -> &'static [&'static str] {
        match self {
            UnityType::Vector3 => &["x", "y", "z"],
            UnityType::Quaternion => &["x", "y", "z", "w"],
        }
    }
}

/// The fully qualified memory type every method takes.
const MEMORY: &str = "global::PythonUnitySharedMemory.SharedMemory";
const LIST: &str = "global::System.Collections.Generic.List";
const INVALID_DATA: &str = "global::System.IO.InvalidDataException";

/// Columns before a long argument list is split one per line.
const WIDTH: usize = 100;
const INDENT: &str = "    ";

/// Emits one schema file.
struct FileEmitter<'a> {
    schema: &'a Schema,
    file: FileId,
    options: CSharpOptions,
    namespace: String,
    /// The name of the per-file helper class.
    wire: String,
    /// The schema-mismatch exception of this namespace, and whether this
    /// file defines it (the first file of the namespace does).
    mismatch: String,
    defines_mismatch: bool,
    /// Every type name of the schema: locals never take one.
    type_names: BTreeSet<String>,
    helpers: RefCell<BTreeSet<Helper>>,
}

impl<'a> FileEmitter<'a> {
    fn new(schema: &'a Schema, file: FileId, options: CSharpOptions) -> Self {
        let schema_file = schema.file(file);
        let namespace = namespace(schema_file);
        // The generated types must not clash with a schema type of the same namespace.
        let same_namespace: Vec<usize> = (0..schema.files.len())
            .filter(|index| self::namespace(&schema.files[*index]) == namespace)
            .collect();
        let types_here: BTreeSet<String> = same_namespace
            .iter()
            .flat_map(|index| schema.files[*index].items.iter())
            .map(|item| csharp_ident(item.name()))
            .collect();
        let wire = unique(format!("{}Wire", pascal(&schema_file.module)), &types_here);
        let mismatch = unique("SchemaMismatchException".to_owned(), &types_here);
        let defines_mismatch = same_namespace.first() == Some(&file.0);
        let type_names = schema
            .files
            .iter()
            .flat_map(|file| file.items.iter())
            .map(|item| item.name().to_owned())
            .collect();
        FileEmitter {
            schema,
            file,
            options,
            namespace,
            wire,
            mismatch,
            defines_mismatch,
            type_names,
            helpers: RefCell::new(BTreeSet::new()),
        }
    }

    fn emit(&self) -> String {
        let schema_file = self.schema.file(self.file);
        let mut w = Writer::new(INDENT);
        w.line("// <auto-generated>");
        w.line(format!("// {}", header_line(schema_file)));
        w.line("// </auto-generated>");
        let docs = doc_lines(&schema_file.docs);
        if !docs.is_empty() {
            w.line("//");
            for line in docs {
                w.line(if line.is_empty() {
                    "//".to_owned()
                } else {
                    format!("// {line}")
                });
            }
        }
        w.blank();
        w.line(format!("namespace {}", self.namespace));
        w.line("{");
        w.indent();
        for (index, item) in schema_file.items.iter().enumerate() {
            match item {
                Item::Enum(def) => {
                    w.blank();
                    self.enum_item(&mut w, def);
                }
                Item::Struct(def) if self.unity_type(def).is_none() => {
                    w.blank();
                    self.class_item(&mut w, index, def);
                }
                Item::Struct(_) => {}
            }
        }
        if self.defines_mismatch {
            w.blank();
            self.mismatch_class(&mut w);
        }
        if !self.helpers.borrow().is_empty() {
            w.blank();
            self.wire_class(&mut w);
        }
        w.dedent();
        w.line("}");
        wrap_long_lines(&w.finish())
    }

    fn enum_item(&self, w: &mut Writer, def: &EnumDef) {
        summary(w, &def.docs);
        w.line(format!("public enum {} : int", csharp_ident(&def.name)));
        w.line("{");
        w.indent();
        for variant in &def.variants {
            summary(w, &variant.docs);
            w.line(format!(
                "{} = {},",
                csharp_ident(&variant.name),
                variant.value
            ));
        }
        w.dedent();
        w.line("}");
    }

    fn class_item(&self, w: &mut Writer, index: usize, def: &StructDef) {
        let class = csharp_ident(&def.name);
        let fields = fields(def);
        let members: BTreeSet<String> = naming::class_members(&class, &fields);
        let fingerprint = self.schema.fingerprint(&item_type(self.file, index));

        summary(w, &def.docs);
        w.line("[global::System.Serializable]");
        w.line(format!("public partial class {class}"));
        w.line("{");
        w.indent();

        summary_raw(
            w,
            &[
                format!("The fingerprint of {}: FNV-1a 32 of its signature.", def.name),
                "<see cref=\"WriteChecked\"/> writes it first, <see cref=\"ReadChecked\"/> compares it.".to_owned(),
            ],
        );
        w.line(format!(
            "public const uint Fingerprint = 0x{fingerprint:08X}u;"
        ));

        for field in &fields {
            w.blank();
            summary(w, &field.def.docs);
            w.line(format!(
                "public {} {};",
                self.type_name(&field.def.ty, &members),
                field.member
            ));
        }

        self.constructors(w, def, &class, &fields, &members);
        let root_ty = item_type(self.file, index);
        let body = crate::plan::plan_struct(
            self.schema,
            TypeId {
                file: self.file,
                index,
            },
        )
        .map(|plan| plan.body)
        .unwrap_or_default();
        self.length_method(w, def, &body, &root_ty, &members);
        self.write_methods(w, &body, &root_ty, def, &members);
        self.read_methods(w, def, &class, &body, &root_ty, &members);
        let id = TypeId {
            file: self.file,
            index,
        };
        if self.schema.fixed_size(&root_ty).is_some()
            && !crate::plan::inlined(self.schema, &root_ty)
        {
            self.decode_run_method(w, id, &members);
        }

        w.dedent();
        w.line("}");
    }

    fn constructors(
        &self,
        w: &mut Writer,
        def: &StructDef,
        class: &str,
        fields: &[Field<'_>],
        members: &BTreeSet<String>,
    ) {
        w.blank();
        let article = if def.name.starts_with(['A', 'E', 'I', 'O', 'U']) {
            "An"
        } else {
            "A"
        };
        summary_raw(
            w,
            &[
                format!("{article} {} with every field at its default: zero, false, the enum variant", def.name),
                "whose value is 0 (else the first), empty strings and lists, fixed arrays of defaults,".to_owned(),
                "absent optionals.".to_owned(),
            ],
        );
        w.line(format!("public {class}()"));
        w.line("{");
        w.indent();
        for field in fields {
            self.default_init(
                w,
                &field.def.ty,
                &format!("this.{}", field.member),
                0,
                members,
            );
        }
        w.dedent();
        w.line("}");
        if fields.is_empty() {
            return;
        }
        w.blank();
        summary_raw(
            w,
            &[format!(
                "{article} {} with the given field values.",
                def.name
            )],
        );
        let params: Vec<String> = fields
            .iter()
            .map(|field| format!("{} {}", self.type_name(&field.def.ty, members), field.param))
            .collect();
        w.lines(call_lines(
            &format!("public {class}("),
            &params,
            ")",
            w.indentation().len(),
            INDENT,
            WIDTH,
            false,
        ));
        w.line("{");
        w.indent();
        for field in fields {
            w.line(format!("this.{} = {};", field.member, field.param));
        }
        w.dedent();
        w.line("}");
    }

    /// Statements that give `target` its default value in the parameterless constructor.
    fn default_init(
        &self,
        w: &mut Writer,
        ty: &TypeRef,
        target: &str,
        depth: usize,
        members: &BTreeSet<String>,
    ) {
        match ty {
            TypeRef::Bool | TypeRef::Int32 | TypeRef::Float32 | TypeRef::Optional(_) => {}
            TypeRef::String => w.line(format!("{target} = \"\";")),
            TypeRef::Bytes => w.line(format!("{target} = new byte[0];")),
            TypeRef::List(_) => {
                w.line(format!("{target} = new {}();", self.type_name(ty, members)))
            }
            TypeRef::Named(id) => match self.schema.item(*id) {
                Item::Enum(def) => {
                    let variant = &def.variants[default_variant(def)];
                    if variant.value != 0 {
                        w.line(format!(
                            "{target} = {}.{};",
                            self.type_ref(*id, members),
                            csharp_ident(&variant.name)
                        ));
                    }
                }
                Item::Struct(_) if self.unity_of(*id).is_some() => {}
                Item::Struct(_) => {
                    w.line(format!("{target} = new {}();", self.type_ref(*id, members)))
                }
            },
            TypeRef::Array(element, len) => {
                w.line(format!(
                    "{target} = {};",
                    new_array(&self.type_name(element, members), *len)
                ));
                if self.needs_init(element) {
                    let index = naming::loop_index(depth);
                    w.line(format!("for (int {index} = 0; {index} < {len}; {index}++)"));
                    w.line("{");
                    w.indent();
                    self.default_init(
                        w,
                        element,
                        &format!("{target}[{index}]"),
                        depth + 1,
                        members,
                    );
                    w.dedent();
                    w.line("}");
                }
            }
        }
    }

    /// Whether a default `ty` differs from C#'s zero value (null, 0, false).
    fn needs_init(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Bool | TypeRef::Int32 | TypeRef::Float32 | TypeRef::Optional(_) => false,
            TypeRef::Named(id) => match self.schema.item(*id) {
                Item::Enum(def) => def.variants[default_variant(def)].value != 0,
                Item::Struct(_) => self.unity_of(*id).is_none(),
            },
            TypeRef::String | TypeRef::Bytes | TypeRef::List(_) | TypeRef::Array(..) => true,
        }
    }

    /// The Unity struct `def` maps to, when the option is on.
    fn unity_type(&self, def: &StructDef) -> Option<UnityType> {
        if self.options.unity_types {
            UnityType::of(def)
        } else {
            None
        }
    }

    fn unity_of(&self, id: TypeId) -> Option<UnityType> {
        match self.schema.item(id) {
            Item::Struct(def) => self.unity_type(def),
            Item::Enum(_) => None,
        }
    }

    /// Whether a C# value of `ty` is a value type (`null` is not one of its values).
    fn is_value_type(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Bool | TypeRef::Int32 | TypeRef::Float32 => true,
            TypeRef::Named(id) => match self.schema.item(*id) {
                Item::Enum(_) => true,
                Item::Struct(_) => self.unity_of(*id).is_some(),
            },
            _ => false,
        }
    }

    /// The C# type of `ty`, written from inside a class with these member names.
    fn type_name(&self, ty: &TypeRef, members: &BTreeSet<String>) -> String {
        match ty {
            TypeRef::Bool => "bool".to_owned(),
            TypeRef::Int32 => "int".to_owned(),
            TypeRef::Float32 => "float".to_owned(),
            TypeRef::String => "string".to_owned(),
            TypeRef::Bytes => "byte[]".to_owned(),
            TypeRef::Named(id) => self.type_ref(*id, members),
            TypeRef::List(element) => format!("{LIST}<{}>", self.type_name(element, members)),
            TypeRef::Array(element, _) => format!("{}[]", self.type_name(element, members)),
            TypeRef::Optional(inner) => {
                let inner_name = self.type_name(inner, members);
                if self.is_value_type(inner) {
                    format!("{inner_name}?")
                } else {
                    inner_name
                }
            }
        }
    }

    /// A user type by its simple name when that is unambiguous here, else
    /// fully qualified (`global::Common.Vec3`).
    fn type_ref(&self, id: TypeId, members: &BTreeSet<String>) -> String {
        if let Some(unity) = self.unity_of(id) {
            return unity.type_name().to_owned();
        }
        let name = csharp_ident(self.schema.item(id).name());
        let namespace = namespace(self.schema.file(id.file));
        if namespace == self.namespace && !members.contains(&name) {
            name
        } else {
            format!("global::{namespace}.{name}")
        }
    }

    /// The per-file helper class, as code inside a class with these members.
    fn wire_ref(&self, members: &BTreeSet<String>) -> String {
        if members.contains(&self.wire) {
            format!("global::{}.{}", self.namespace, self.wire)
        } else {
            self.wire.clone()
        }
    }

    /// The schema-mismatch exception, as code inside a class with these members.
    fn mismatch_ref(&self, members: &BTreeSet<String>) -> String {
        if members.contains(&self.mismatch) {
            format!("global::{}.{}", self.namespace, self.mismatch)
        } else {
            self.mismatch.clone()
        }
    }

    fn need(&self, helper: Helper) {
        self.helpers.borrow_mut().insert(helper);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pusm_schema::{load_sources, Sources};

    fn emit(text: &str, options: CSharpOptions) -> String {
        let mut sources = Sources::new();
        sources.add("m.pusm", text);
        let schema = load_sources(&sources, &["m.pusm"]).expect("schema loads");
        options.emit(&schema, FileId(0))
    }

    /// The body of the method whose signature line contains `signature`.
    fn method<'c>(code: &'c str, signature: &str) -> &'c str {
        let start = code.find(signature).expect("method exists");
        let end = code[start..].find("\n        }\n").expect("method ends");
        &code[start..start + end]
    }

    #[test]
    fn reads_one_fetch_per_read_group_and_writes_once() {
        let code = emit(
            "struct V { x: float32; y: float32; z: float32; }\n\
             struct M { id: int32; at: V; name: string; score: float32; rays: [float32]; done: bool; }\n",
            CSharpOptions::default(),
        );
        let m = &code[code.find("public partial class M").expect("class M")..];
        let decode = method(m, "internal int Decode(");
        // [id, at, name length], [name bytes, score, rays count], [rays, done].
        assert_eq!(decode.matches(".Fetch(").count(), 3, "{decode}");
        assert!(!decode.contains("sm.ReadInt32"), "{decode}");
        let write = method(m, "public int Write(");
        assert_eq!(write.matches("sm.").count(), 1, "{write}");
    }

    #[test]
    fn classes_are_partial_and_unity_structs_map() {
        let schema = "struct Vec3 { x: float32; y: float32; z: float32; }\n\
                      struct Rot { x: float32; y: float32; z: float32; w: float32; }\n\
                      struct Pose { at: Vec3; turn: Rot; maybe: Vec3?; }\n";
        let plain = emit(schema, CSharpOptions::default());
        assert!(plain.contains("public partial class Vec3"));
        assert!(!plain.contains("sealed"));
        let unity = emit(schema, CSharpOptions { unity_types: true });
        assert!(!unity.contains("class Vec3") && !unity.contains("class Rot"));
        assert!(unity.contains("public global::UnityEngine.Vector3 At;"));
        assert!(unity.contains("public global::UnityEngine.Quaternion Turn;"));
        assert!(unity.contains("public global::UnityEngine.Vector3? Maybe;"));
    }

    #[test]
    fn fixed_arrays_loop_instead_of_unrolling() {
        let code = emit(
            "struct Big { cells: [[int32; 65536]; 16]; }\n",
            CSharpOptions::default(),
        );
        assert!(code.len() < 20_000, "{} bytes", code.len());
        assert!(code.contains("< 65536;"));
    }
}

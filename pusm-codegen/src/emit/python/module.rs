//! One generated module: imports, names, enums, dataclasses, and the
//! module-level constants and helper functions the plan's rendering needs.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use pusm_schema::{EnumDef, FileId, Item, Schema, TypeId, TypeRef};

use super::expr::{Expr, INDENT};
use super::numeric::{contains_numeric, numeric_fixed, numeric_type, Numeric};
use super::segments::is_one_format;
use super::{Python, NUMPY_MODULE};
use crate::emit::writer::Writer;
use crate::emit::{default_variant, doc_lines, header_line};
use crate::names::{
    is_python_keyword, python_class, python_module, screaming, unique, PYTHON_MODULE_NAMES,
    PYTHON_RUNTIME_MODULE,
};
use crate::plan::{self, Fixed};

/// Members every generated class has, which field names must not shadow.
const MEMBERS: &[&str] = &[
    "FINGERPRINT",
    "_pack",
    "encoded_len",
    "read",
    "read_checked",
    "self",
    "write",
    "write_checked",
];

/// How deep containers nest in a type hint before `typing.Any`.
const HINT_DEPTH: usize = 3;

/// Locals the generated functions use themselves, which field locals avoid.
pub(super) const FIXED_LOCALS: &[&str] = &[
    "at", "cls", "data", "e", "end", "found", "i", "item", "memory", "message", "offset", "origin",
    "parts", "self", "size", "v", "value",
];

/// Renders one schema file as a Python module.
pub(super) struct Module<'a> {
    pub(super) schema: &'a Schema,
    pub(super) file: FileId,
    options: &'a Python,
    /// Import name of each other module this one refers to.
    imports: BTreeMap<FileId, String>,
    /// Every name bound at module level so far: fixed names, imports,
    /// classes, constants, functions.
    globals: RefCell<BTreeSet<String>>,
    /// `name = struct.Struct("<format")` constants, by format.
    structs: RefCell<BTreeMap<String, String>>,
    /// Member dicts of the enums the module reads or writes, by enum.
    enums: RefCell<BTreeMap<TypeId, String>>,
    /// Helper functions: (key, name, source), in creation order.
    functions: RefCell<Vec<(String, String, String)>>,
}

impl<'a> Module<'a> {
    pub(super) fn new(schema: &'a Schema, file: FileId, options: &'a Python) -> Self {
        let mut globals: BTreeSet<String> = PYTHON_MODULE_NAMES
            .iter()
            .map(|name| (*name).to_owned())
            .collect();
        for item in &schema.file(file).items {
            globals.insert(python_class(item.name()));
        }
        let mut imports = BTreeMap::new();
        for other in referenced_files(schema, file) {
            let name = unique(python_module(&schema.file(other).module), &globals);
            globals.insert(name.clone());
            imports.insert(other, name);
        }
        Module {
            schema,
            file,
            options,
            imports,
            globals: RefCell::new(globals),
            structs: RefCell::new(BTreeMap::new()),
            enums: RefCell::new(BTreeMap::new()),
            functions: RefCell::new(Vec::new()),
        }
    }

    /// The module's source.
    pub(super) fn emit(&self) -> String {
        let schema_file = self.schema.file(self.file);
        let mut body = Writer::new(INDENT);
        for index in item_order(self.schema, self.file) {
            body.line("");
            body.line("");
            match &schema_file.items[index] {
                Item::Enum(def) => self.enum_class(&mut body, def),
                Item::Struct(_) => self.dataclass(
                    &mut body,
                    TypeId {
                        file: self.file,
                        index,
                    },
                ),
            }
        }
        let body = body.finish();

        let mut w = Writer::new(INDENT);
        w.line(format!("# {}", header_line(schema_file)));
        docstring(&mut w, &schema_file.docs);
        w.blank();
        w.line("from __future__ import annotations");
        w.blank();
        let has_structs = schema_file
            .items
            .iter()
            .any(|item| matches!(item, Item::Struct(_)));
        let has_enums = schema_file
            .items
            .iter()
            .any(|item| matches!(item, Item::Enum(_)));
        for (module, used) in [
            ("dataclasses", has_structs),
            ("enum", has_enums),
            ("struct", has_structs),
            ("typing", has_structs),
        ] {
            if used {
                w.line(format!("import {module}"));
            }
        }
        if self.options.numpy && has_structs {
            w.line("import numpy");
            w.line("import numpy.typing");
        }
        w.blank();
        if self.options.numpy && has_structs {
            if self.options.relative_imports {
                w.line(format!("from . import {NUMPY_MODULE} as _np"));
            } else {
                w.line(format!("import {NUMPY_MODULE} as _np"));
            }
        }
        let mut imports: Vec<&String> = self.imports.values().collect();
        imports.sort();
        if self.options.relative_imports {
            w.line(format!("from . import {PYTHON_RUNTIME_MODULE} as _rt"));
            for name in &imports {
                w.line(format!("from . import {name}"));
            }
        } else {
            w.line(format!("import {PYTHON_RUNTIME_MODULE} as _rt"));
            for name in &imports {
                w.line(format!("import {name}"));
            }
        }
        // Re-exported (`as` marks them exported for mypy), so users catch them
        // from any generated module.
        let dot = if self.options.relative_imports {
            "."
        } else {
            ""
        };
        for error in ["DecodeError", "SchemaMismatchError"] {
            w.line(format!(
                "from {dot}{PYTHON_RUNTIME_MODULE} import {error} as {error}"
            ));
        }
        w.blank();
        w.line("__all__ = [");
        for item in &schema_file.items {
            w.line(format!("    \"{}\",", python_class(item.name())));
        }
        w.line("]");
        let structs = self.structs.borrow();
        if !structs.is_empty() {
            w.blank();
            let mut constants: Vec<(&String, &String)> = structs
                .iter()
                .map(|(format, name)| (name, format))
                .collect();
            constants.sort();
            for (name, format) in constants {
                w.line(format!("{name} = struct.Struct(\"<{format}\")"));
            }
        }
        let mut out = w.finish();
        out.push_str(&body);
        let enums = self.enums.borrow();
        if !enums.is_empty() {
            out.push_str("\n\n");
            out.push_str(
                "# The members of each enum by value, for reading and for checking writes.\n",
            );
            let mut lines: Vec<String> = enums
                .iter()
                .map(|(id, name)| format!("{name} = _rt.members({})\n", self.class_ref(*id)))
                .collect();
            lines.sort();
            out.extend(lines);
        }
        for (_, _, source) in self.functions.borrow().iter() {
            out.push_str("\n\n");
            out.push_str(source);
        }
        out
    }

    fn enum_class(&self, w: &mut Writer, def: &EnumDef) {
        w.line(format!("class {}(enum.IntEnum):", python_class(&def.name)));
        w.indent();
        let has_doc = docstring(w, &def.docs);
        if has_doc && !def.variants.is_empty() {
            w.line("");
        }
        for (variant, name) in def.variants.iter().zip(member_names(def)) {
            w.line(format!("{name} = {}", variant.value));
            docstring(w, &variant.docs);
        }
        if def.variants.is_empty() && !has_doc {
            w.line("pass");
        }
        w.dedent();
    }

    fn dataclass(&self, w: &mut Writer, id: TypeId) {
        let Item::Struct(def) = self.schema.item(id) else {
            return;
        };
        let class = python_class(&def.name);
        let fingerprint = self.schema.fingerprint(&TypeRef::Named(id));
        let plan = plan::plan_struct(self.schema, id);
        if self.options.numpy {
            // Arrays compare element-wise: `__eq__` below compares them by value.
            w.line("@dataclasses.dataclass(eq=False)");
        } else {
            w.line("@dataclasses.dataclass");
        }
        w.line(format!("class {class}:"));
        w.indent();
        if docstring(w, &def.docs) {
            w.line("");
        }
        w.line(format!(
            "FINGERPRINT: typing.ClassVar[int] = 0x{fingerprint:08X}"
        ));
        w.line("\"\"\"FNV-1a 32 of this type's signature, which checked reads and writes compare.\"\"\"");
        if !def.fields.is_empty() {
            w.line("");
        }
        for (field, attr) in def.fields.iter().zip(self.attrs(id)) {
            let hint = self.hint(&field.ty);
            let default = self.default_value(&field.ty);
            statement(w, &default, &format!("{attr}: {hint} = "), "");
            docstring(w, &field.docs);
        }
        let empty = plan.as_ref().and_then(|plan| plan.fixed_size) == Some(0);
        if self.options.numpy {
            w.line("");
            w.line("def __eq__(self, other: object) -> bool:");
            w.line("    \"\"\"Field by field, numpy arrays by value.\"\"\"");
            w.line("    return _np.equal(self, other)");
        }
        w.line("");
        w.line("def write(self, memory: _rt.Memory, offset: int) -> int:");
        w.line("    \"\"\"Writes this message at ``offset``; returns the offset just past it.");
        w.line("");
        w.line("    Raises ``ValueError`` naming the field when a value does not fit its type;");
        w.line("    then nothing is written.");
        w.line("    \"\"\"");
        if empty {
            w.line("    _rt.encode(self)  # nothing to write, but values are checked");
            w.line("    return offset");
        } else {
            w.line("    return memory.write_bytes(offset, _rt.encode(self))");
        }
        w.line("");
        w.line("def write_checked(self, memory: _rt.Memory, offset: int) -> int:");
        w.line("    \"\"\"Writes ``FINGERPRINT`` (an int32 with the same bits), then this message.\"\"\"");
        w.line("    data = _rt.encode(self, struct.pack(\"<I\", self.FINGERPRINT))");
        w.line("    return memory.write_bytes(offset, data)");
        w.line("");
        w.line("def encoded_len(self) -> int:");
        w.line("    \"\"\"The number of bytes ``write`` writes for this message.\"\"\"");
        w.line("    return len(_rt.encode(self))");
        w.line("");
        w.line("def _pack(self, parts: typing.List[bytes]) -> None:");
        w.indent();
        w.line("\"\"\"Appends the encoding of this message to ``parts``, piece by piece.\"\"\"");
        if let Some(plan) = &plan {
            self.write_body(w, &plan.body, "self", &TypeRef::Named(id), &class);
        }
        w.dedent();
        w.line("");
        w.line("@classmethod");
        def_line(
            w,
            "read",
            &["cls", "memory: _rt.Memory", "offset: int"],
            &format!("typing.Tuple[{class}, int]"),
        );
        w.indent();
        w.line("\"\"\"Reads a message at ``offset``; returns it and the offset just past it.");
        w.line("");
        w.line("Raises ``DecodeError`` when the bytes are not a valid message.");
        w.line("\"\"\"");
        let body = plan.map(|plan| plan.body).unwrap_or_default();
        let mut locals = Locals::new(self);
        let value = self.read_body(
            w,
            &mut locals,
            &body,
            &TypeRef::Named(id),
            &class,
            Some("cls"),
        );
        statement(w, &value, "message = ", "");
        w.line("return message, offset");
        w.dedent();
        w.line("");
        w.line("@classmethod");
        def_line(
            w,
            "read_checked",
            &["cls", "memory: _rt.Memory", "offset: int"],
            &format!("typing.Tuple[{class}, int]"),
        );
        w.indent();
        w.line("\"\"\"Reads a fingerprint and, when it is ``FINGERPRINT``, the message after it.");
        w.line("");
        w.line("Raises ``SchemaMismatchError`` when the fingerprint is another type's (the peers");
        w.line("were built from different schemas).");
        w.line("\"\"\"");
        w.line("data, offset = memory.read_bytes(offset, 4)");
        w.line("(found,) = struct.unpack(\"<I\", data)");
        w.line("if found != cls.FINGERPRINT:");
        w.line("    raise SchemaMismatchError(cls.FINGERPRINT, found)");
        w.line("return cls.read(memory, offset)");
        w.dedent();
        w.dedent();
    }

    /// The attribute names of struct `id`'s fields: the schema names,
    /// escaped against keywords, the class's own members and every name
    /// the defining module uses at module level (which the class body could
    /// otherwise shadow).
    pub(super) fn attrs(&self, id: TypeId) -> Vec<String> {
        let Item::Struct(def) = self.schema.item(id) else {
            return Vec::new();
        };
        let mut taken: BTreeSet<String> = module_names(self.schema, id.file);
        taken.extend(MEMBERS.iter().map(|name| (*name).to_owned()));
        let mut attrs = Vec::new();
        let mut used = BTreeSet::new();
        for field in &def.fields {
            let mut name = field.name.clone();
            while is_python_keyword(&name) || taken.contains(&name) || used.contains(&name) {
                name.push('_');
            }
            used.insert(name.clone());
            attrs.push(name);
        }
        attrs
    }

    /// How this module refers to type `id`: `Vec3` or `common.Vec3`.
    pub(super) fn class_ref(&self, id: TypeId) -> String {
        let class = python_class(self.schema.item(id).name());
        match self.imports.get(&id.file) {
            Some(module) if id.file != self.file => format!("{module}.{class}"),
            _ => class,
        }
    }

    /// The module-level dict of enum `id`'s members by value.
    pub(super) fn enum_members(&self, id: TypeId) -> String {
        if let Some(name) = self.enums.borrow().get(&id) {
            return name.clone();
        }
        let hint = format!("_{}", screaming(&self.class_ref(id).replace('.', "_")));
        let name = self.global(&hint);
        self.enums.borrow_mut().insert(id, name.clone());
        name
    }

    /// The module-level `struct.Struct` of `format` (without `<`), named
    /// after `hint` the first time.
    pub(super) fn struct_const(&self, hint: &str, format: &str) -> String {
        if let Some(name) = self.structs.borrow().get(format) {
            return name.clone();
        }
        let name = match format {
            "?" => self.global("_BOOL"),
            "i" => self.global("_INT32"),
            "f" => self.global("_FLOAT32"),
            _ => self.global(&format!("_{}", screaming(hint))),
        };
        self.structs
            .borrow_mut()
            .insert(format.to_owned(), name.clone());
        name
    }

    /// A helper function made once per `key`: `render(name)` gives its
    /// source. Returns its name.
    pub(super) fn function(
        &self,
        key: &str,
        hint: &str,
        render: impl FnOnce(&str) -> String,
    ) -> String {
        if let Some((_, name, _)) = self.functions.borrow().iter().find(|(k, _, _)| k == key) {
            return name.clone();
        }
        let name = self.global(&format!("_{hint}"));
        // Reserve the slot first: rendering may create other functions.
        let slot = self.functions.borrow().len();
        self.functions
            .borrow_mut()
            .push((key.to_owned(), name.clone(), String::new()));
        let source = render(&name);
        self.functions.borrow_mut()[slot].2 = source;
        name
    }

    /// A new module-level name from `hint`, not yet used: `hint`, else
    /// `hint_2`, `hint_3`, ...
    fn global(&self, hint: &str) -> String {
        let mut globals = self.globals.borrow_mut();
        let mut name = hint.to_owned();
        let mut number = 1;
        while globals.contains(&name) || is_python_keyword(&name) {
            number += 1;
            name = format!("{hint}_{number}");
        }
        globals.insert(name.clone());
        name
    }

    /// The Python type hint of `ty`. Containers nest at most
    /// [`HINT_DEPTH`] deep in a hint, deeper ones are `typing.Any`, so hints
    /// stay short enough for one line whatever the nesting.
    pub(super) fn hint(&self, ty: &TypeRef) -> String {
        self.hint_within(ty, HINT_DEPTH)
    }

    fn hint_within(&self, ty: &TypeRef, depth: usize) -> String {
        if let Some(numeric) = self.numeric(ty) {
            return numeric.hint();
        }
        match ty {
            TypeRef::Bool => "bool".into(),
            TypeRef::Int32 => "int".into(),
            TypeRef::Float32 => "float".into(),
            TypeRef::String => "str".into(),
            TypeRef::Bytes => "bytes".into(),
            TypeRef::Named(id) => self.class_ref(*id),
            _ if depth == 0 => "typing.Any".into(),
            TypeRef::List(element) | TypeRef::Array(element, _) => {
                format!("typing.List[{}]", self.hint_within(element, depth - 1))
            }
            TypeRef::Optional(inner) => {
                format!("typing.Optional[{}]", self.hint_within(inner, depth - 1))
            }
        }
    }

    /// Whether the numpy option is on.
    pub(super) fn options_numpy(&self) -> bool {
        self.options.numpy
    }

    /// The numpy array a value of `ty` is, with the numpy option.
    pub(super) fn numeric(&self, ty: &TypeRef) -> Option<Numeric> {
        numeric_type(ty).filter(|_| self.options.numpy)
    }

    /// The numpy array a planned fixed value is, with the numpy option.
    pub(super) fn numeric_fixed(&self, value: &Fixed) -> Option<Numeric> {
        numeric_fixed(value).filter(|_| self.options.numpy)
    }

    /// Whether `value` packs with one `struct` format (with the numpy option,
    /// arrays of numbers are read and written apart).
    pub(super) fn one_format(&self, value: &Fixed) -> bool {
        is_one_format(value) && !(self.options.numpy && contains_numeric(value))
    }

    /// The field default of `ty`, evaluated in the class body.
    fn default_value(&self, ty: &TypeRef) -> Expr {
        let factory = |text: String| {
            Expr::call(
                "dataclasses.field",
                vec![Expr::atom(format!("default_factory={text}"))],
            )
        };
        if let Some(numeric) = self.numeric(ty) {
            let shape = match numeric.shape {
                Some(_) => numeric.shape_text(),
                None => "0".to_owned(),
            };
            return factory(format!(
                "lambda: numpy.zeros({shape}, \"{}\")",
                numeric.dtype
            ));
        }
        match ty {
            TypeRef::List(_) => factory("list".into()),
            TypeRef::Named(id) if matches!(self.schema.item(*id), Item::Struct(_)) => {
                factory(self.class_ref(*id))
            }
            TypeRef::Array(..) => {
                let mut shape = Vec::new();
                let mut element = ty;
                while let TypeRef::Array(inner, count) = element {
                    shape.push(count.to_string());
                    element = inner;
                }
                let shape = if shape.len() == 1 {
                    format!("({},)", shape[0])
                } else {
                    format!("({})", shape.join(", "))
                };
                let make = match element {
                    TypeRef::Named(id) if matches!(self.schema.item(*id), Item::Struct(_)) => {
                        self.class_ref(*id)
                    }
                    TypeRef::List(_) => "list".into(),
                    other => format!("lambda: {}", self.value(other)),
                };
                factory(format!("lambda: _rt.filled({shape}, {make})"))
            }
            other => Expr::atom(self.value(other)),
        }
    }

    /// The default value of a type whose default is immutable.
    fn value(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Bool => "False".into(),
            TypeRef::Int32 => "0".into(),
            TypeRef::Float32 => "0.0".into(),
            TypeRef::String => "\"\"".into(),
            TypeRef::Bytes => "b\"\"".into(),
            TypeRef::Optional(_) => "None".into(),
            TypeRef::Named(id) => match self.schema.item(*id) {
                Item::Enum(def) if !def.variants.is_empty() => {
                    let names = member_names(def);
                    format!("{}.{}", self.class_ref(*id), names[default_variant(def)])
                }
                Item::Enum(_) => "0".into(),
                Item::Struct(_) => format!("{}()", self.class_ref(*id)),
            },
            TypeRef::List(_) => "[]".into(),
            TypeRef::Array(..) => "[]".into(),
        }
    }
}

/// Local names of one generated function.
pub(super) struct Locals {
    taken: BTreeSet<String>,
}

impl Locals {
    pub(super) fn new(module: &Module<'_>) -> Self {
        let mut taken = module.globals.borrow().clone();
        taken.extend(FIXED_LOCALS.iter().map(|name| (*name).to_owned()));
        Locals { taken }
    }

    /// A new local from `hint` (never one starting with `_`, the prefix of
    /// module constants and functions).
    pub(super) fn fresh(&mut self, hint: &str) -> String {
        let hint = if hint.is_empty() || hint.starts_with('_') {
            format!("v{hint}")
        } else {
            hint.to_owned()
        };
        let mut name = hint.clone();
        let mut number = 1;
        while self.taken.contains(&name) || is_python_keyword(&name) {
            number += 1;
            name = format!("{hint}_{number}");
        }
        self.taken.insert(name.clone());
        name
    }
}

/// A `def` line: on one line when it fits, else one parameter per line
/// with a trailing comma.
pub(super) fn def_line(w: &mut Writer, name: &str, params: &[&str], returns: &str) {
    let line = format!("def {name}({}) -> {returns}:", params.join(", "));
    if w.indentation().len() + line.len() <= super::expr::WIDTH {
        w.line(line);
        return;
    }
    w.line(format!("def {name}("));
    for param in params {
        w.line(format!("{INDENT}{param},"));
    }
    w.line(format!(") -> {returns}:"));
}

/// `prefix`, `expr` and `suffix` as statements at the writer's indentation.
pub(super) fn statement(w: &mut Writer, expr: &Expr, prefix: &str, suffix: &str) {
    let indent = w.indentation().len() / INDENT.len();
    w.lines(expr.lines(indent, prefix, suffix));
}

/// The names module `file` binds at module level whatever is rendered:
/// the fixed names, its classes and its imports.
fn module_names(schema: &Schema, file: FileId) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = PYTHON_MODULE_NAMES
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    for item in &schema.file(file).items {
        names.insert(python_class(item.name()));
    }
    for other in referenced_files(schema, file) {
        let name = unique(python_module(&schema.file(other).module), &names);
        names.insert(name);
    }
    names
}

/// The other files whose types this file's code names: the types of its
/// fields, and the types inside fixed-size or looked-through structs of
/// other files (whose values it builds itself), in file order.
fn referenced_files(schema: &Schema, file: FileId) -> BTreeSet<FileId> {
    let mut seen_types = BTreeSet::new();
    let mut stack: Vec<TypeRef> = Vec::new();
    for item in &schema.file(file).items {
        if let Item::Struct(def) = item {
            stack.extend(def.fields.iter().map(|field| field.ty.clone()));
        }
    }
    let mut files = BTreeSet::new();
    while let Some(ty) = stack.pop() {
        match ty {
            TypeRef::Named(id) => {
                if !seen_types.insert(id) {
                    continue;
                }
                if id.file != file {
                    files.insert(id.file);
                }
                if let Item::Struct(def) = schema.item(id) {
                    stack.extend(def.fields.iter().map(|field| field.ty.clone()));
                }
            }
            TypeRef::List(inner) | TypeRef::Array(inner, _) | TypeRef::Optional(inner) => {
                stack.push(*inner);
            }
            _ => {}
        }
    }
    files
}

/// The order items are emitted in: enums first, then structs after the
/// structs of this file they contain (so field defaults never name a class
/// defined later), otherwise in declaration order.
fn item_order(schema: &Schema, file: FileId) -> Vec<usize> {
    let items = &schema.file(file).items;
    let mut order: Vec<usize> = (0..items.len())
        .filter(|index| matches!(items[*index], Item::Enum(_)))
        .collect();
    let mut done = vec![false; items.len()];
    for index in 0..items.len() {
        visit(schema, file, index, &mut done, &mut order);
    }
    order
}

fn visit(schema: &Schema, file: FileId, index: usize, done: &mut [bool], order: &mut Vec<usize>) {
    if done[index] {
        return;
    }
    done[index] = true;
    let Item::Struct(def) = &schema.file(file).items[index] else {
        return;
    };
    for field in &def.fields {
        let mut ty = &field.ty;
        while let TypeRef::List(inner) | TypeRef::Array(inner, _) | TypeRef::Optional(inner) = ty {
            ty = inner;
        }
        if let TypeRef::Named(id) = ty {
            if id.file == file {
                visit(schema, file, id.index, done, order);
            }
        }
    }
    order.push(index);
}

/// The SCREAMING_SNAKE_CASE member names of an enum, made unique.
pub(super) fn member_names(def: &EnumDef) -> Vec<String> {
    let mut taken = BTreeSet::new();
    def.variants
        .iter()
        .map(|variant| {
            let mut name = screaming(&variant.name);
            if name.is_empty() || is_python_keyword(&name) || name.starts_with('_') {
                name = format!("V{name}");
            }
            let name = unique(name, &taken);
            taken.insert(name.clone());
            name
        })
        .collect()
}

/// Writes `docs` as a docstring; returns whether there was one.
pub(super) fn docstring(w: &mut Writer, docs: &[String]) -> bool {
    let lines: Vec<String> = doc_lines(docs)
        .iter()
        .map(|line| escape_docstring(line))
        .collect();
    match lines.as_slice() {
        [] => false,
        [line] => {
            w.line(format!("\"\"\"{line}\"\"\""));
            true
        }
        [first, rest @ ..] => {
            w.line(format!("\"\"\"{first}"));
            w.lines(rest);
            w.line("\"\"\"");
            true
        }
    }
}

fn escape_docstring(line: &str) -> String {
    let mut escaped = line.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    if escaped.ends_with('"') && !escaped.ends_with("\\\"") {
        escaped.pop();
        escaped.push_str("\\\"");
    }
    escaped
}

//! Python 3.8+: one module per schema file, dataclasses and `enum.IntEnum`s.
//!
//! Generated modules use the standard library only. A message is written
//! with one `write_bytes`: `_pack` appends its pieces to a list, which
//! `write` joins. Consecutive fixed-size fields are packed and unpacked with
//! one precompiled module-level `struct.Struct`, together with the length
//! or presence flag of the field after them, and lists of fixed-size
//! elements with one `struct` call per list. A read takes one `read_bytes`
//! per variable length: once a string, bytes, list or optional field's
//! length or flag is known, its bytes are read together with what follows
//! them up to the next length or flag (`read_ahead`). So a message costs a
//! handful of calls on the memory rather than one per number, which in
//! CPython is most of the cost. Enum values are looked up in a dict of each
//! enum's members. Which fields are fixed-size comes from
//! [`Schema::fixed_size`], the layout crate's rule.
//!
//! The output is what Black (26.x, line length 99) makes of it, so that it
//! reads like the project's hand-written Python; a test runs Black over the
//! golden files.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt::Write as _;

use pusm_schema::{EnumDef, FileId, Item, Schema, SchemaFile, StructDef, TypeId, TypeRef};

use super::writer::{call_lines, Writer};
use super::{default_variant, doc_lines, header_line, item_type, Emitter};
use crate::names::{is_python_keyword, python_class, python_module, screaming, unique};

/// The Python emitter: `robot.pusm` -> `robot.py`.
///
/// Each struct becomes a `@dataclasses.dataclass` with typed fields and
/// defaults, a `FINGERPRINT` class variable and `write`, `read`,
/// `write_checked`, `read_checked`; each enum an `enum.IntEnum` with
/// SCREAMING_SNAKE_CASE members. Bad bytes raise `DecodeError`, a wrong
/// fingerprint `SchemaMismatchError` (pusm's own classes when the `pusm`
/// package is installed, local `ValueError` subclasses otherwise).
#[derive(Debug, Clone, Copy, Default)]
pub struct Python;

/// Members every generated class has, which fields must not shadow.
const GENERATED_MEMBERS: &[&str] = &[
    "read",
    "write",
    "read_checked",
    "write_checked",
    "encoded_len",
    "_pack",
    "FINGERPRINT",
];
/// Names the class body evaluates (field defaults), which a field must not shadow.
const CLASS_BODY_NAMES: &[&str] = &["dataclasses", "list", "self"];
/// Locals of the generated `read` methods (besides the per-depth temporaries).
const READ_LOCALS: &[&str] = &[
    "cls", "sm", "offset", "data", "values", "end", "value", "length", "size",
];

/// Fixed arrays of structs (or arrays) with at most this many numbers in
/// all are written and read element by element rather than through a
/// generator or a comprehension.
const UNROLL: usize = 24;

/// Structs of at most this many bool, int32 or float32 fields are built
/// from an unpacked tuple value by value rather than from a slice of it.
const INDEXED_ARGS: usize = 4;

const WIDTH: usize = 99;
const INDENT: &str = "    ";

impl Emitter for Python {
    fn file_name(&self, file: &SchemaFile) -> String {
        format!("{}.py", python_module(&file.module))
    }

    fn emit(&self, schema: &Schema, file: FileId) -> String {
        ModuleEmitter::new(schema, file).emit()
    }
}

/// A module-level helper function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Helper {
    ReadCount,
    ReadStr,
    ReadUtf8,
    DecodeUtf8,
    PackStr,
    ReadBytes,
    ReadEnum,
    ToEnum,
    CheckLen,
    CannotWrite,
}

/// A position in an unpacked tuple: a constant plus `stride * index` terms.
#[derive(Debug, Clone, Default)]
struct Pos {
    terms: Vec<(String, usize)>,
    constant: usize,
}

impl Pos {
    fn plus(&self, n: usize) -> Pos {
        Pos {
            terms: self.terms.clone(),
            constant: self.constant + n,
        }
    }

    fn with_term(&self, index: &str, stride: usize) -> Pos {
        let mut terms = self.terms.clone();
        terms.push((index.to_owned(), stride));
        Pos {
            terms,
            constant: self.constant,
        }
    }

    fn render(&self) -> String {
        let mut parts: Vec<String> = self
            .terms
            .iter()
            .map(|(index, stride)| {
                if *stride == 1 {
                    index.clone()
                } else {
                    format!("{stride} * {index}")
                }
            })
            .collect();
        if self.constant != 0 || parts.is_empty() {
            parts.push(self.constant.to_string());
        }
        parts.join(" + ")
    }
}

struct ModuleEmitter<'a> {
    schema: &'a Schema,
    file: FileId,
    /// Module-level `struct.Struct` constants: (name, format), in first-use order.
    structs: RefCell<Vec<(String, String)>>,
    helpers: RefCell<BTreeSet<Helper>>,
    /// Other generated modules this one refers to.
    imports: RefCell<BTreeSet<FileId>>,
    /// Whether the code calls `struct.pack`/`struct.unpack` directly.
    uses_struct: RefCell<bool>,
    /// The enums `_to_enum` converts to, as the module refers to them, in first-use order.
    enums: RefCell<Vec<String>>,
}

impl<'a> ModuleEmitter<'a> {
    fn new(schema: &'a Schema, file: FileId) -> Self {
        ModuleEmitter {
            schema,
            file,
            structs: RefCell::new(Vec::new()),
            helpers: RefCell::new(BTreeSet::new()),
            imports: RefCell::new(BTreeSet::new()),
            uses_struct: RefCell::new(false),
            enums: RefCell::new(Vec::new()),
        }
    }

    fn emit(&self) -> String {
        let schema_file = self.schema.file(self.file);
        let mut body = Writer::new(INDENT);
        for (index, item) in schema_file.items.iter().enumerate() {
            body.line("");
            body.line("");
            match item {
                Item::Enum(def) => self.enum_class(&mut body, def),
                Item::Struct(def) => self.dataclass(&mut body, index, def),
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
        let imports = self.imports.borrow();
        let has_enums = schema_file
            .items
            .iter()
            .any(|item| matches!(item, Item::Enum(_)));
        let uses_struct = *self.uses_struct.borrow() || !self.structs.borrow().is_empty();
        for (module, used) in [
            ("dataclasses", has_structs),
            ("enum", has_enums),
            ("struct", uses_struct),
            ("typing", has_structs),
        ] {
            if used {
                w.line(format!("import {module}"));
            }
        }
        if !imports.is_empty() {
            w.blank();
            for id in imports.iter() {
                w.line(format!(
                    "import {}",
                    python_module(&self.schema.file(*id).module)
                ));
            }
        }
        w.blank();
        match imports.iter().next() {
            // Share the classes of the modules this one uses, so that one
            // `except` catches an error from any of them.
            Some(first) => {
                w.line("try:");
                w.line("    from pusm import DecodeError, SchemaMismatchError  # pusm's runtime, when installed");
                w.line("except ImportError:  # the original package, or none: the classes of the modules used");
                w.line(format!(
                    "    from {} import DecodeError, SchemaMismatchError",
                    python_module(&self.schema.file(*first).module)
                ));
            }
            None => {
                w.lines(ERRORS.lines());
                // A block that defines classes is followed by two blank lines.
                w.line("");
                w.line("");
            }
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
            for (name, format) in structs.iter() {
                w.line(format!("{name} = struct.Struct(\"<{format}\")"));
            }
        }
        let mut out = w.finish();
        out.push_str(&body);
        let enums = self.enums.borrow();
        if !enums.is_empty() {
            out.push_str("\n\n");
            out.push_str(
                "# The members of each enum this module reads, by value: a dict lookup is much\n",
            );
            out.push_str("# faster than calling the enum class.\n");
            out.push_str("_ENUM_MEMBERS = {\n");
            for class in enums.iter() {
                let _ = writeln!(
                    out,
                    "    {class}: {{member.value: member for member in {class}}},"
                );
            }
            out.push_str("}\n");
        }
        for helper in self.helpers.borrow().iter() {
            out.push_str("\n\n");
            out.push_str(helper_source(*helper));
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
        let mut taken = BTreeSet::new();
        for variant in &def.variants {
            let name = unique(member_name(&variant.name), &taken);
            taken.insert(name.clone());
            w.line(format!("{name} = {}", variant.value));
            docstring(w, &variant.docs);
        }
        if def.variants.is_empty() && !has_doc {
            w.line("pass");
        }
        w.dedent();
    }

    fn dataclass(&self, w: &mut Writer, index: usize, def: &StructDef) {
        let class = python_class(&def.name);
        let attrs = self.attrs(self.file, def);
        let locals = read_locals(&attrs);
        let fingerprint = self.schema.fingerprint(&item_type(self.file, index));

        w.line("@dataclasses.dataclass");
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
        for (field, attr) in def.fields.iter().zip(&attrs) {
            let hint = self.hint(&field.ty);
            let default = self.default_value(&field.ty);
            let line = format!("{attr}: {hint} = {default}");
            if w.indentation().len() + line.len() > WIDTH {
                if let Some(factory) = default.strip_prefix("dataclasses.field(default_factory=") {
                    w.line(format!("{attr}: {hint} = dataclasses.field("));
                    w.line(format!(
                        "    default_factory={}",
                        factory.trim_end_matches(')')
                    ));
                    w.line(")");
                } else {
                    w.line(line);
                }
            } else {
                w.line(line);
            }
            docstring(w, &field.docs);
        }

        // write
        w.line("");
        w.line("def write(self, sm, offset: int) -> int:");
        w.indent();
        w.line("\"\"\"Writes this message at ``offset``; returns the offset just past it.\"\"\"");
        if self.schema.fixed_size(&item_type(self.file, index)) == Some(0) {
            // Nothing goes on the wire: no call on the memory.
            if !def.fields.is_empty() {
                w.line("self._pack([])  # nothing to write, but fixed arrays are checked");
            }
            w.line("return offset");
        } else {
            w.line("parts = []");
            self.need(Helper::CannotWrite);
            pack_or_value_error(w);
            w.line("return sm.write_bytes(offset, b\"\".join(parts))");
        }
        w.dedent();

        // _pack
        w.line("");
        w.line("def _pack(self, parts: list) -> None:");
        w.indent();
        w.line("\"\"\"Appends the encoding of this message to ``parts``, piece by piece.\"\"\"");
        // The length or presence flag of a field that follows a run, packed
        // with the run: `Some(encoded string local or "")` once packed.
        let mut prefixed: Option<String> = None;
        for segment in self.segments(def) {
            match segment {
                Segment::Run(range) => {
                    prefixed = self.pack_run(w, def, &class, &attrs, range);
                }
                Segment::Single(i) => {
                    let place = format!("{class}.{}", attrs[i]);
                    let expr = format!("self.{}", attrs[i]);
                    match (prefixed.take(), &def.fields[i].ty) {
                        (Some(encoded), TypeRef::String) => {
                            w.line(format!("parts.append({encoded})"));
                        }
                        (Some(_), TypeRef::Bytes) => w.line(format!("parts.append({expr})")),
                        (Some(_), ty) => self.pack_rest(w, ty, &expr, &place),
                        (None, ty) => self.pack_var(w, ty, &expr, 0, &place),
                    }
                }
            }
        }
        w.dedent();

        // read
        w.line("");
        w.line("@classmethod");
        w.line(format!(
            "def read(cls, sm, offset: int) -> typing.Tuple[{class}, int]:"
        ));
        w.indent();
        w.line("\"\"\"Reads a message at ``offset``; returns it and the offset just past it.");
        w.line("");
        w.line("Raises ``DecodeError`` when the bytes are not a valid message.");
        w.line("\"\"\"");
        let segments = self.segments(def);
        let fields = Fields {
            def,
            class: &class,
            attrs: &attrs,
            locals: &locals,
        };
        let mut prefixed = false;
        let mut index = 0;
        while let Some(segment) = segments.get(index) {
            index += 1;
            match segment {
                Segment::Run(range) => {
                    prefixed = self.read_run(w, &fields, range.clone());
                }
                Segment::Single(i) => {
                    let place = format!("{class}.{}", attrs[*i]);
                    let ty = &def.fields[*i].ty;
                    if !std::mem::take(&mut prefixed) {
                        self.read_var(w, ty, &locals[*i], 0, &place);
                        continue;
                    }
                    match self.read_ahead(w, &fields, *i, segments.get(index)) {
                        Some(Ahead::Run { prefix }) => {
                            prefixed = prefix;
                            index += 1; // the run was read with this field
                        }
                        Some(Ahead::Prefix) => prefixed = true,
                        None => self.read_rest(w, ty, &locals[*i], &place),
                    }
                }
            }
        }
        w.lines(return_lines(&locals, w.indentation().len()));
        w.dedent();

        // checked
        *self.uses_struct.borrow_mut() = true;
        w.line("");
        w.line("def write_checked(self, sm, offset: int) -> int:");
        w.indent();
        w.line("\"\"\"Writes ``FINGERPRINT`` (as an int32 with the same bits), then this message.\"\"\"");
        w.line("parts = [struct.pack(\"<I\", self.FINGERPRINT)]");
        self.need(Helper::CannotWrite);
        pack_or_value_error(w);
        w.line("return sm.write_bytes(offset, b\"\".join(parts))");
        w.dedent();
        w.line("");
        w.line("@classmethod");
        w.line(format!(
            "def read_checked(cls, sm, offset: int) -> typing.Tuple[{class}, int]:"
        ));
        w.indent();
        w.line("\"\"\"Reads a fingerprint and, when it is ``FINGERPRINT``, the message after it.");
        w.line("");
        w.line("Raises ``SchemaMismatchError`` when the fingerprint is another type's (the peers");
        w.line("were built from different schemas).");
        w.line("\"\"\"");
        w.line("found, offset = sm.read_int32(offset)");
        w.line("found &= 0xFFFFFFFF");
        w.line("if found != cls.FINGERPRINT:");
        w.line("    raise SchemaMismatchError(cls.FINGERPRINT, found)");
        w.line("return cls.read(sm, offset)");
        w.dedent();
        w.dedent();
    }

    /// Splits the fields into runs of fixed-size fields and single
    /// variable-size fields, in order.
    fn segments(&self, def: &StructDef) -> Vec<Segment> {
        let mut segments = Vec::new();
        let mut start = None;
        for (i, field) in def.fields.iter().enumerate() {
            if self.schema.fixed_size(&field.ty).is_some() {
                start.get_or_insert(i);
            } else {
                if let Some(first) = start.take() {
                    segments.push(Segment::Run(first..i));
                }
                segments.push(Segment::Single(i));
            }
        }
        if let Some(first) = start {
            segments.push(Segment::Run(first..def.fields.len()));
        }
        segments
    }

    /// Appends a run of fixed-size fields, and the length or presence flag
    /// of the field after it, if any: then returns `Some` (with the local
    /// holding the encoded string when that field is a string).
    fn pack_run(
        &self,
        w: &mut Writer,
        def: &StructDef,
        class: &str,
        attrs: &[String],
        range: std::ops::Range<usize>,
    ) -> Option<String> {
        let mut args = Vec::new();
        for i in range.clone() {
            let ty = &def.fields[i].ty;
            let place = format!("{class}.{}", attrs[i]);
            let expr = format!("self.{}", attrs[i]);
            match ty {
                // Nothing on the wire, but a fixed array still has a length.
                _ if self.schema.fixed_size(ty) == Some(0) => {
                    if let TypeRef::Array(_, len) = ty {
                        self.need(Helper::CheckLen);
                        w.line(format!("_check_len({expr}, {len}, \"{place}\")"));
                    }
                }
                // A short array of structs or arrays: checked once, then
                // unrolled (much faster than a generator over its elements).
                TypeRef::Array(element, len)
                    if !is_scalar(self.schema, element)
                        && self.schema.fixed_size(ty).is_some()
                        && self.codes(std::slice::from_ref(ty)).len() <= UNROLL =>
                {
                    self.need(Helper::CheckLen);
                    let local = pack_local(&attrs[i], &self.reserved_pack_names());
                    w.line(format!("{local} = _check_len({expr}, {len}, \"{place}\")"));
                    for k in 0..*len {
                        args.extend(self.flatten(element, &format!("{local}[{k}]"), 1, &place));
                    }
                }
                _ => args.extend(self.flatten(ty, &expr, 0, &place)),
            }
        }
        if self.run_size(def, &range) == 0 {
            return None; // nothing goes on the wire (and no prefix follows)
        }
        let mut prefixed = None;
        if let Some(next) = self.prefixed_field(def, &range) {
            let expr = format!("self.{}", attrs[next]);
            prefixed = Some(String::new());
            args.push(match &def.fields[next].ty {
                TypeRef::String => {
                    let local = pack_local(&attrs[next], &self.reserved_pack_names());
                    w.line(format!("{local} = {expr}.encode(\"utf-8\")"));
                    prefixed = Some(local.clone());
                    format!("len({local})")
                }
                TypeRef::Optional(_) => format!("{expr} is not None"),
                _ => format!("len({expr})"),
            });
        }
        let name = self.run_struct(def, class, attrs, &range);
        self.append_packed(w, &name, &args);
        prefixed
    }

    /// The field after `range` when its int32 length or bool presence flag
    /// travels with the run (read and written with it): a run that is not
    /// empty, followed by a string, bytes, list or optional.
    fn prefixed_field(&self, def: &StructDef, range: &std::ops::Range<usize>) -> Option<usize> {
        let size: usize = def.fields[range.clone()]
            .iter()
            .filter_map(|field| self.schema.fixed_size(&field.ty))
            .sum();
        let next = def.fields.get(range.end)?;
        (size > 0 && has_prefix(&next.ty)).then_some(range.end)
    }

    /// `parts.append(NAME.pack(args))`, wrapped when long.
    fn append_packed(&self, w: &mut Writer, name: &str, args: &[String]) {
        let indent = w.indentation().len();
        let one_line = format!("parts.append({name}.pack({}))", args.join(", "));
        if indent + one_line.len() <= WIDTH {
            w.line(one_line);
            return;
        }
        w.line("parts.append(");
        w.indent();
        let one_line = format!("{name}.pack({})", args.join(", "));
        if indent + INDENT.len() + one_line.len() <= WIDTH {
            w.line(one_line);
        } else {
            w.line(format!("{name}.pack("));
            w.indent();
            for arg in args {
                if w.indentation().len() + arg.len() < WIDTH {
                    w.line(format!("{arg},"));
                } else {
                    w.lines(wrap_generator(arg));
                }
            }
            w.dedent();
            w.line(")");
        }
        w.dedent();
        w.line(")");
    }

    /// Statements that read a run of fixed-size fields, and the length or
    /// presence flag of the field after it, if any (then returns true).
    fn read_run(&self, w: &mut Writer, f: &Fields, range: std::ops::Range<usize>) -> bool {
        let fields = &f.def.fields[range.clone()];
        let next = self.prefixed_field(f.def, &range);
        if next.is_none() && range.len() == 1 && is_scalar(self.schema, &fields[0].ty) {
            let i = range.start;
            let place = format!("{}.{}", f.class, f.attrs[i]);
            self.read_var(w, &f.def.fields[i].ty, &f.locals[i], 0, &place);
            return false;
        }
        if self.run_size(f.def, &range) == 0 {
            for i in range {
                let place = format!("{}.{}", f.class, f.attrs[i]);
                let value = self.build(
                    &f.def.fields[i].ty,
                    "()",
                    &Pos::default(),
                    None,
                    0,
                    &place,
                    "offset",
                );
                w.line(format!("{} = {value}", f.locals[i]));
            }
            return false;
        }
        let name = self.run_struct(f.def, f.class, f.attrs, &range);
        let has_enums = fields.iter().any(|field| self.contains_enum(&field.ty));
        if has_enums {
            w.line(format!("data, end = sm.read_bytes(offset, {name}.size)"));
        } else {
            w.line(format!("data, offset = sm.read_bytes(offset, {name}.size)"));
        }
        self.decode_run(w, f, range, &format!("{name}.unpack(data)"), "offset");
        if has_enums {
            w.line("offset = end");
        }
        self.check_prefix(w, f, next);
        next.is_some()
    }

    /// Statements that set the locals of a run of fixed-size fields (and the
    /// length or presence flag of the field after it) from `unpack`, an
    /// expression that unpacks the run's `struct`. `start` is the offset of
    /// the run, for the messages of bad enum values.
    fn decode_run(
        &self,
        w: &mut Writer,
        f: &Fields,
        range: std::ops::Range<usize>,
        unpack: &str,
        start: &str,
    ) {
        let fields = &f.def.fields[range.clone()];
        // The local the length or presence flag of the next field goes in.
        let prefix = self
            .prefixed_field(f.def, &range)
            .map(|next| prefix_local(&f.def.fields[next].ty).to_owned());
        if fields.iter().all(|field| is_direct(&field.ty)) {
            let mut targets: Vec<String> = range.map(|i| f.locals[i].clone()).collect();
            targets.extend(prefix);
            if let [target] = targets.as_slice() {
                w.line(format!("{target} = {unpack}[0]"));
                return;
            }
            let one_line = format!("{} = {unpack}", targets.join(", "));
            if w.indentation().len() + one_line.len() <= WIDTH {
                w.line(one_line);
            } else {
                w.line("(");
                for target in &targets {
                    w.line(format!("{INDENT}{target},"));
                }
                w.line(format!(") = {unpack}"));
            }
            return;
        }
        w.line(format!("values = {unpack}"));
        let mut pos = Pos::default();
        let mut byte_offset = 0;
        let leaf_total = self
            .codes(
                &fields
                    .iter()
                    .map(|field| field.ty.clone())
                    .collect::<Vec<_>>(),
            )
            .len()
            + usize::from(prefix.is_some());
        for i in range {
            let ty = &f.def.fields[i].ty;
            let place = format!("{}.{}", f.class, f.attrs[i]);
            let at = if byte_offset == 0 {
                start.to_owned()
            } else {
                format!("{start} + {byte_offset}")
            };
            let value = self.build(ty, "values", &pos, Some(leaf_total), 0, &place, &at);
            w.lines(assign_lines(&f.locals[i], &value, w.indentation().len()));
            pos = pos.plus(self.codes(std::slice::from_ref(ty)).len());
            byte_offset += self.schema.fixed_size(ty).unwrap_or(0);
        }
        if let Some(prefix) = &prefix {
            w.line(format!("{prefix} = values[{}]", pos.render()));
        }
    }

    /// The encoded size of the fields in `range`, all fixed-size.
    fn run_size(&self, def: &StructDef, range: &std::ops::Range<usize>) -> usize {
        def.fields[range.clone()]
            .iter()
            .filter_map(|field| self.schema.fixed_size(&field.ty))
            .sum()
    }

    /// Reads the rest of field `i`, whose length or presence flag was read
    /// before it, together with what follows it up to the next variable
    /// length: the run of fixed-size fields after it (and the length or
    /// presence flag after that run), or the length or presence flag of the
    /// next field. One `read_bytes` instead of two or three. Emits nothing
    /// and returns `None` when field `i` or what follows does not allow it
    /// (the caller then reads the field alone).
    fn read_ahead(
        &self,
        w: &mut Writer,
        f: &Fields,
        i: usize,
        next: Option<&Segment>,
    ) -> Option<Ahead> {
        let ty = &f.def.fields[i].ty;
        let target = &f.locals[i];
        let place = format!("{}.{}", f.class, f.attrs[i]);
        // The bytes of field `i` after its prefix, and how to decode them.
        let payload = self.payload(ty, &place)?;
        let (tail, after) = match next? {
            Segment::Run(range) if self.run_size(f.def, range) > 0 => (
                self.run_struct(f.def, f.class, f.attrs, range),
                Tail::Run(range.clone()),
            ),
            Segment::Single(j) if has_prefix(&f.def.fields[*j].ty) => {
                let flag = matches!(f.def.fields[*j].ty, TypeRef::Optional(_));
                let prefix = self.scalar_struct(if flag {
                    &TypeRef::Bool
                } else {
                    &TypeRef::Int32
                });
                (prefix, Tail::Prefix(*j))
            }
            _ => return None,
        };
        let length = match &payload {
            Payload::Optional { inner, .. } => {
                w.line(format!("size = {inner}.size if present else 0"));
                "size".to_owned()
            }
            Payload::Utf8 | Payload::Bytes => "length".to_owned(),
            Payload::Numbers { size, .. } | Payload::Enums { size, .. } => {
                if *size == 1 {
                    "count".to_owned()
                } else {
                    format!("{size} * count")
                }
            }
            Payload::Structs { element, .. } => format!("{element}.size * count"),
        };
        w.line(format!(
            "data, end = sm.read_bytes(offset, {length} + {tail}.size)"
        ));
        match payload {
            Payload::Utf8 => {
                self.need(Helper::DecodeUtf8);
                w.line(format!(
                    "{target} = _decode_utf8(data[:length], \"{place}\", offset - 4)"
                ));
            }
            Payload::Bytes => w.line(format!("{target} = data[:length]")),
            Payload::Numbers { code, .. } => w.line(format!(
                "{target} = list(struct.unpack_from(f\"<{{count}}{code}\", data))"
            )),
            Payload::Enums { class, .. } => {
                self.need(Helper::ToEnum);
                let value = format!(
                    "[_to_enum({class}, value, \"{place}\", offset) for value in struct.unpack_from(f\"<{{count}}i\", data)]"
                );
                w.lines(assign_lines(target, &value, w.indentation().len()));
            }
            Payload::Structs {
                element,
                element_type,
            } => {
                let value = self.build_all(&element_type, 1, &place);
                let value =
                    format!("[{value} for values in {element}.iter_unpack(data[: {length}])]");
                w.lines(assign_lines(target, &value, w.indentation().len()));
            }
            Payload::Optional { inner, inner_type } => {
                let value = self.build_all(&inner_type, 1, &place);
                w.line("if present:");
                w.indent();
                w.line(format!("values = {inner}.unpack_from(data)"));
                w.lines(assign_lines(target, &value, w.indentation().len()));
                w.dedent();
                w.line("else:");
                w.line(format!("    {target} = None"));
            }
        }
        let unpack = format!("{tail}.unpack_from(data, {length})");
        match after {
            Tail::Run(range) => {
                let next_prefixed = self.prefixed_field(f.def, &range);
                self.decode_run(w, f, range, &unpack, &format!("offset + {length}"));
                w.line("offset = end");
                self.check_prefix(w, f, next_prefixed);
                Some(Ahead::Run {
                    prefix: next_prefixed.is_some(),
                })
            }
            Tail::Prefix(j) => {
                let local = prefix_local(&f.def.fields[j].ty);
                w.line(format!("{local} = {unpack}[0]"));
                w.line("offset = end");
                self.check_prefix(w, f, Some(j));
                Some(Ahead::Prefix)
            }
        }
    }

    /// How the bytes of a field after its prefix are decoded from `data`
    /// when their length is known before reading them; `None` for fields
    /// whose length is only known while reading them.
    fn payload(&self, ty: &TypeRef, place: &str) -> Option<Payload> {
        match ty {
            TypeRef::String => Some(Payload::Utf8),
            TypeRef::Bytes => Some(Payload::Bytes),
            TypeRef::List(element) => {
                let size = self.schema.fixed_size(element)?;
                if is_direct(element) {
                    *self.uses_struct.borrow_mut() = true;
                    Some(Payload::Numbers {
                        size,
                        code: self.codes(std::slice::from_ref(&**element)),
                    })
                } else if let (true, TypeRef::Named(id)) = (self.is_enum(element), &**element) {
                    *self.uses_struct.borrow_mut() = true;
                    Some(Payload::Enums {
                        size,
                        class: self.enum_ref(*id),
                    })
                } else {
                    Some(Payload::Structs {
                        element: self.element_struct(element, place),
                        element_type: (**element).clone(),
                    })
                }
            }
            TypeRef::Optional(inner) => {
                self.schema.fixed_size(inner).filter(|size| *size > 0)?;
                let inner_struct = match &**inner {
                    scalar if is_scalar(self.schema, scalar) => self.scalar_struct(scalar),
                    TypeRef::Named(_) => self.element_struct(inner, place),
                    _ => self.struct_const(
                        &format!("{}_VALUE", self.array_hint(place)),
                        &self.format(std::slice::from_ref(&**inner)),
                    ),
                };
                Some(Payload::Optional {
                    inner: inner_struct,
                    inner_type: (**inner).clone(),
                })
            }
            _ => None,
        }
    }

    /// After a run read with the int32 length of the next field: the check
    /// that it is not negative.
    fn check_prefix(&self, w: &mut Writer, f: &Fields, next: Option<usize>) {
        let Some(next) = next else { return };
        let local = match f.def.fields[next].ty {
            TypeRef::String | TypeRef::Bytes | TypeRef::List(_) => {
                prefix_local(&f.def.fields[next].ty)
            }
            _ => return,
        };
        let place = format!("{}.{}", f.class, f.attrs[next]);
        w.line(format!("if {local} < 0:"));
        w.indent();
        let message = format!("f\"{place}: negative length {{{local}}} at offset {{offset - 4}}\"");
        if w.indentation().len() + message.len() + "raise DecodeError()".len() <= WIDTH {
            w.line(format!("raise DecodeError({message})"));
        } else {
            w.line("raise DecodeError(");
            w.line(format!("{INDENT}{message}"));
            w.line(")");
        }
        w.dedent();
    }

    /// The module-level `struct.Struct` of a run of fields.
    fn run_struct(
        &self,
        def: &StructDef,
        class: &str,
        attrs: &[String],
        range: &std::ops::Range<usize>,
    ) -> String {
        let types: Vec<TypeRef> = def.fields[range.clone()]
            .iter()
            .map(|field| field.ty.clone())
            .collect();
        let mut codes = self.codes(&types);
        match self
            .prefixed_field(def, range)
            .map(|next| &def.fields[next].ty)
        {
            Some(TypeRef::Optional(_)) => codes.push('?'),
            Some(_) => codes.push('i'),
            None => {}
        }
        let hint = if range.len() == def.fields.len() {
            format!("_{}", screaming(class))
        } else {
            format!(
                "_{}_{}",
                screaming(class),
                attrs[range.start].trim_end_matches('_').to_uppercase()
            )
        };
        self.struct_const(&hint, &run_length(&codes))
    }

    /// The module's `struct.Struct` of one bool, int32 (or enum) or float32
    /// (`_BOOL`, `_INT32`, `_FLOAT32`), shared by every length, presence flag
    /// and optional scalar read on its own.
    fn scalar_struct(&self, scalar: &TypeRef) -> String {
        let code = self.codes(std::slice::from_ref(scalar));
        let hint = match code.as_str() {
            "?" => "_BOOL",
            "f" => "_FLOAT32",
            _ => "_INT32",
        };
        self.struct_const(hint, &code)
    }

    /// A module-level `struct.Struct` for `format`, named `hint` (made
    /// unique); the same hint and format share one constant.
    fn struct_const(&self, hint: &str, format: &str) -> String {
        let mut structs = self.structs.borrow_mut();
        if let Some((name, _)) = structs.iter().find(|(name, existing)| {
            existing == format && (name == hint || name.trim_end_matches('_') == hint)
        }) {
            return name.clone();
        }
        let taken: BTreeSet<String> = structs.iter().map(|(name, _)| name.clone()).collect();
        let name = unique(hint.to_owned(), &taken);
        structs.push((name.clone(), format.to_owned()));
        name
    }

    /// Statements that read a `ty` at `offset` into the local `target`.
    fn read_var(&self, w: &mut Writer, ty: &TypeRef, target: &str, depth: usize, place: &str) {
        let suffix = if depth == 0 {
            String::new()
        } else {
            depth.to_string()
        };
        match ty {
            TypeRef::Bool => w.line(format!("{target}, offset = sm.read_bool(offset)")),
            TypeRef::Int32 => w.line(format!("{target}, offset = sm.read_int32(offset)")),
            TypeRef::Float32 => w.line(format!("{target}, offset = sm.read_float32(offset)")),
            TypeRef::String => {
                self.need(Helper::ReadStr);
                w.line(format!(
                    "{target}, offset = _read_str(sm, offset, \"{place}\")"
                ));
            }
            TypeRef::Bytes => {
                self.need(Helper::ReadBytes);
                w.line(format!(
                    "{target}, offset = _read_bytes(sm, offset, \"{place}\")"
                ));
            }
            TypeRef::Named(id) => match self.schema.item(*id) {
                Item::Enum(_) => {
                    self.need(Helper::ReadEnum);
                    let class = self.enum_ref(*id);
                    w.line(format!(
                        "{target}, offset = _read_enum(sm, offset, {class}, \"{place}\")"
                    ));
                }
                Item::Struct(_) => {
                    w.line(format!(
                        "{target}, offset = {}.read(sm, offset)",
                        self.class_ref(*id)
                    ));
                }
            },
            TypeRef::Array(element, len) => {
                if let Some(size) = self.schema.fixed_size(ty) {
                    if size == 0 {
                        let value =
                            self.build(ty, "()", &Pos::default(), None, depth, place, "offset");
                        w.line(format!("{target} = {value}"));
                        return;
                    }
                    let name = self.struct_const(
                        &self.array_hint(place),
                        &self.format(std::slice::from_ref(ty)),
                    );
                    let at = if self.contains_enum(ty) {
                        w.line(format!("data, end = sm.read_bytes(offset, {name}.size)"));
                        true
                    } else {
                        w.line(format!("data, offset = sm.read_bytes(offset, {name}.size)"));
                        false
                    };
                    w.line(format!("values = {name}.unpack(data)"));
                    let value = self.build_all(ty, depth, place);
                    w.lines(assign_lines(target, &value, w.indentation().len()));
                    if at {
                        w.line("offset = end");
                    }
                    return;
                }
                let item = format!("item{suffix}");
                w.line(format!("{target} = []"));
                w.line(format!("for _ in range({len}):"));
                w.indent();
                self.read_var(w, element, &item, depth + 1, place);
                w.line(format!("{target}.append({item})"));
                w.dedent();
            }
            TypeRef::List(element) => {
                self.need(Helper::ReadCount);
                let count = format!("count{suffix}");
                w.line(format!(
                    "{count}, offset = _read_count(sm, offset, \"{place}\")"
                ));
                self.read_items(w, element, target, &count, depth, place);
            }
            TypeRef::Optional(inner) => {
                let present = format!("present{suffix}");
                w.line(format!("{present}, offset = sm.read_bool(offset)"));
                w.line(format!("if {present}:"));
                w.indent();
                self.read_var(w, inner, target, depth + 1, place);
                w.dedent();
                w.line("else:");
                w.line(format!("    {target} = None"));
            }
        }
    }

    /// Statements that read `count` elements into the list `target`.
    fn read_items(
        &self,
        w: &mut Writer,
        element: &TypeRef,
        target: &str,
        count: &str,
        depth: usize,
        place: &str,
    ) {
        let suffix = if depth == 0 {
            String::new()
        } else {
            depth.to_string()
        };
        // Elements take at least one byte: the loader rejects lists of
        // values that take none (`Layout::list_of_nothing`).
        match self.schema.fixed_size(element) {
            Some(size) if is_direct(element) => {
                *self.uses_struct.borrow_mut() = true;
                let code = self.codes(std::slice::from_ref(element));
                let length = if size == 1 {
                    count.to_owned()
                } else {
                    format!("{size} * {count}")
                };
                w.line(format!("data, offset = sm.read_bytes(offset, {length})"));
                w.line(format!(
                    "{target} = list(struct.unpack(f\"<{{{count}}}{code}\", data))"
                ));
            }
            Some(size) if self.is_enum(element) => {
                *self.uses_struct.borrow_mut() = true;
                self.need(Helper::ToEnum);
                let TypeRef::Named(id) = element else {
                    unreachable!("an enum is named")
                };
                let class = self.enum_ref(*id);
                w.line(format!(
                    "data, end = sm.read_bytes(offset, {size} * {count})"
                ));
                let value = format!(
                    "[_to_enum({class}, value, \"{place}\", offset) for value in struct.unpack(f\"<{{{count}}}i\", data)]"
                );
                w.lines(assign_lines(target, &value, w.indentation().len()));
                w.line("offset = end");
            }
            Some(_) => {
                let name = self.element_struct(element, place);
                let enums = self.contains_enum(element);
                if enums {
                    w.line(format!(
                        "data, end = sm.read_bytes(offset, {name}.size * {count})"
                    ));
                } else {
                    w.line(format!(
                        "data, offset = sm.read_bytes(offset, {name}.size * {count})"
                    ));
                }
                let value = self.build_all(element, depth + 1, place);
                let value = format!("[{value} for values in {name}.iter_unpack(data)]");
                w.lines(assign_lines(target, &value, w.indentation().len()));
                if enums {
                    w.line("offset = end");
                }
            }
            None => {
                let item = format!("item{suffix}");
                w.line(format!("{target} = []"));
                w.line(format!("for _ in range({count}):"));
                w.indent();
                self.read_var(w, element, &item, depth + 1, place);
                w.line(format!("{target}.append({item})"));
                w.dedent();
            }
        }
    }

    /// Statements that read the rest of a field whose length or presence flag
    /// was read with the run before it, into `length`, `count` or `present`.
    fn read_rest(&self, w: &mut Writer, ty: &TypeRef, target: &str, place: &str) {
        match ty {
            TypeRef::String => {
                self.need(Helper::ReadUtf8);
                w.line(format!(
                    "{target}, offset = _read_utf8(sm, offset, length, \"{place}\")"
                ));
            }
            TypeRef::Bytes => w.line(format!("{target}, offset = sm.read_bytes(offset, length)")),
            TypeRef::List(element) => self.read_items(w, element, target, "count", 0, place),
            TypeRef::Optional(inner) => {
                w.line("if present:");
                w.indent();
                self.read_var(w, inner, target, 1, place);
                w.dedent();
                w.line("else:");
                w.line(format!("    {target} = None"));
            }
            _ => unreachable!("only strings, bytes, lists and optionals have a prefix"),
        }
    }

    /// Statements that append the encoding of `expr` (of type `ty`) to `parts`.
    fn pack_var(&self, w: &mut Writer, ty: &TypeRef, expr: &str, depth: usize, place: &str) {
        let suffix = if depth == 0 {
            String::new()
        } else {
            depth.to_string()
        };
        match ty {
            TypeRef::Bool | TypeRef::Int32 | TypeRef::Float32 => {
                *self.uses_struct.borrow_mut() = true;
                let code = self.codes(std::slice::from_ref(ty));
                append_call(w, &format!("struct.pack(\"<{code}\", {expr})"));
            }
            TypeRef::String => {
                self.need(Helper::PackStr);
                w.line(format!("_pack_str(parts, {expr})"));
            }
            TypeRef::Bytes => {
                *self.uses_struct.borrow_mut() = true;
                append_call(w, &format!("struct.pack(\"<i\", len({expr}))"));
                append_call(w, expr);
            }
            TypeRef::Named(id) => match self.schema.item(*id) {
                Item::Enum(_) => {
                    *self.uses_struct.borrow_mut() = true;
                    append_call(w, &format!("struct.pack(\"<i\", {expr})"));
                }
                Item::Struct(_) => w.line(format!("{expr}._pack(parts)")),
            },
            TypeRef::Array(element, len) => {
                if self.schema.fixed_size(ty).is_some() {
                    let args = self.flatten(ty, expr, depth, place);
                    let name = self.struct_const(
                        &self.array_hint(place),
                        &self.format(std::slice::from_ref(ty)),
                    );
                    self.append_packed(w, &name, &args);
                    return;
                }
                self.need(Helper::CheckLen);
                let item = format!("item{suffix}");
                w.line(format!(
                    "for {item} in _check_len({expr}, {len}, \"{place}\"):"
                ));
                w.indent();
                self.pack_var(w, element, &item, depth + 1, place);
                w.dedent();
            }
            TypeRef::List(element) => {
                *self.uses_struct.borrow_mut() = true;
                let size = self.schema.fixed_size(element).unwrap_or(0);
                if size > 0 && (is_direct(element) || self.is_enum(element)) {
                    // The count and the elements in one `struct` call.
                    let code = self.codes(std::slice::from_ref(element));
                    append_call(
                        w,
                        &format!("struct.pack(f\"<i{{len({expr})}}{code}\", len({expr}), *{expr})"),
                    );
                } else {
                    append_call(w, &format!("struct.pack(\"<i\", len({expr}))"));
                    self.pack_items(w, element, expr, depth, place);
                }
            }
            TypeRef::Optional(inner) => {
                w.line(format!("if {expr} is None:"));
                w.line("    parts.append(b\"\\x00\")");
                w.line("else:");
                w.indent();
                match self.schema.fixed_size(inner) {
                    // The presence flag and the value in one `struct` call.
                    Some(size) if size > 0 => {
                        let mut args = vec!["True".to_owned()];
                        args.extend(self.flatten(inner, expr, depth + 1, place));
                        let format = format!("?{}", self.format(std::slice::from_ref(inner)));
                        let hint = format!("{}_PRESENT", self.array_hint(place));
                        let name = self.struct_const(&hint, &format);
                        self.append_packed(w, &name, &args);
                    }
                    _ => {
                        w.line("parts.append(b\"\\x01\")");
                        self.pack_var(w, inner, expr, depth + 1, place);
                    }
                }
                w.dedent();
            }
        }
    }

    /// Statements that append the elements of the list `expr`, not its count.
    fn pack_items(&self, w: &mut Writer, element: &TypeRef, expr: &str, depth: usize, place: &str) {
        let item = if depth == 0 {
            "item".to_owned()
        } else {
            format!("item{depth}")
        };
        match self.schema.fixed_size(element) {
            Some(_) if is_direct(element) || self.is_enum(element) => {
                *self.uses_struct.borrow_mut() = true;
                let code = self.codes(std::slice::from_ref(element));
                append_call(
                    w,
                    &format!("struct.pack(f\"<{{len({expr})}}{code}\", *{expr})"),
                );
            }
            Some(_) => {
                let name = self.element_struct(element, place);
                let args = self.flatten(element, &item, depth + 1, place);
                let value = format!("[{name}.pack({}) for {item} in {expr}]", args.join(", "));
                let one_line = format!("parts.extend({value})");
                if w.indentation().len() + one_line.len() <= WIDTH {
                    w.line(one_line);
                } else {
                    w.line("parts.extend(");
                    w.indent();
                    w.lines(explode(&value, w.indentation().len()));
                    w.dedent();
                    w.line(")");
                }
            }
            None => {
                w.line(format!("for {item} in {expr}:"));
                w.indent();
                self.pack_var(w, element, &item, depth + 1, place);
                w.dedent();
            }
        }
    }

    /// Statements that append the rest of a list or optional field whose
    /// count or presence flag was packed with the run before it.
    fn pack_rest(&self, w: &mut Writer, ty: &TypeRef, expr: &str, place: &str) {
        match ty {
            TypeRef::List(element) => self.pack_items(w, element, expr, 0, place),
            TypeRef::Optional(inner) => {
                w.line(format!("if {expr} is not None:"));
                w.indent();
                self.pack_var(w, inner, expr, 1, place);
                w.dedent();
            }
            _ => unreachable!("strings and bytes are appended by the caller"),
        }
    }

    /// The `struct.Struct` of one element of a list of fixed-size `element`s
    /// (or of the value of an optional struct).
    fn element_struct(&self, element: &TypeRef, place: &str) -> String {
        let hint = match element {
            TypeRef::Named(id) => format!(
                "_{}",
                screaming(&python_class(self.schema.item(*id).name()))
            ),
            _ => format!("{}_ITEM", self.array_hint(place)),
        };
        self.struct_const(&hint, &self.format(std::slice::from_ref(element)))
    }

    /// The constant name for a fixed array read or written on its own.
    fn array_hint(&self, place: &str) -> String {
        format!("_{}", screaming(&place.replace('.', "_")))
    }

    /// The arguments that pack `expr` (a fixed-size `ty`) into a `struct`.
    fn flatten(&self, ty: &TypeRef, expr: &str, depth: usize, place: &str) -> Vec<String> {
        match ty {
            TypeRef::Bool | TypeRef::Int32 | TypeRef::Float32 => vec![expr.to_owned()],
            TypeRef::Named(id) => match self.schema.item(*id) {
                Item::Enum(_) => vec![expr.to_owned()],
                Item::Struct(def) => {
                    let attrs = self.attrs(id.file, def);
                    def.fields
                        .iter()
                        .zip(&attrs)
                        .flat_map(|(field, attr)| {
                            self.flatten(&field.ty, &format!("{expr}.{attr}"), depth, place)
                        })
                        .collect()
                }
            },
            TypeRef::Array(element, len) => {
                self.need(Helper::CheckLen);
                let checked = format!("_check_len({expr}, {len}, \"{place}\")");
                if is_scalar(self.schema, element) {
                    return vec![format!("*{checked}")];
                }
                let suffix = if depth == 0 {
                    String::new()
                } else {
                    depth.to_string()
                };
                let item = format!("item{suffix}");
                let value = format!("value{suffix}");
                let inner = self.flatten(element, &item, depth + 1, place);
                let iterable = match inner.as_slice() {
                    [single] if single.starts_with('*') => single[1..].to_owned(),
                    [single] => format!("({single},)"),
                    _ => format!("({})", inner.join(", ")),
                };
                vec![format!(
                    "*({value} for {item} in {checked} for {value} in {iterable})"
                )]
            }
            // Not fixed-size: never part of a packed run.
            TypeRef::String | TypeRef::Bytes | TypeRef::List(_) | TypeRef::Optional(_) => {
                vec![expr.to_owned()]
            }
        }
    }

    /// The expression that rebuilds a fixed-size `ty` from all of the
    /// unpacked tuple `values` (one value's `struct`), at `depth`.
    fn build_all(&self, ty: &TypeRef, depth: usize, place: &str) -> String {
        let total = self.codes(std::slice::from_ref(ty)).len();
        self.build(
            ty,
            "values",
            &Pos::default(),
            Some(total),
            depth,
            place,
            "offset",
        )
    }

    /// The expression that rebuilds a fixed-size `ty` from the unpacked
    /// tuple `values`, starting at `pos`. `total` is the tuple's length when
    /// known, so a slice of all of it can be written as the tuple itself.
    #[allow(clippy::too_many_arguments)]
    fn build(
        &self,
        ty: &TypeRef,
        values: &str,
        pos: &Pos,
        total: Option<usize>,
        depth: usize,
        place: &str,
        at: &str,
    ) -> String {
        match ty {
            TypeRef::Bool | TypeRef::Int32 | TypeRef::Float32 => {
                format!("{values}[{}]", pos.render())
            }
            TypeRef::Named(id) => match self.schema.item(*id) {
                Item::Enum(_) => {
                    self.need(Helper::ToEnum);
                    format!(
                        "_to_enum({}, {values}[{}], \"{place}\", {at})",
                        self.enum_ref(*id),
                        pos.render()
                    )
                }
                Item::Struct(def) => {
                    let class = self.class_ref(*id);
                    if def.fields.is_empty() {
                        return format!("{class}()");
                    }
                    if def.fields.iter().all(|field| is_direct(&field.ty)) {
                        return format!(
                            "{class}({})",
                            direct_args(values, pos, def.fields.len(), total)
                        );
                    }
                    let mut args = Vec::new();
                    let mut pos = pos.clone();
                    for field in &def.fields {
                        args.push(self.build(&field.ty, values, &pos, None, depth, place, at));
                        pos = pos.plus(self.codes(std::slice::from_ref(&field.ty)).len());
                    }
                    format!("{class}({})", args.join(", "))
                }
            },
            TypeRef::Array(element, len) => {
                if is_direct(element) {
                    return format!("list({})", slice(values, pos, *len, total));
                }
                if self.is_enum(element) {
                    let TypeRef::Named(id) = &**element else {
                        unreachable!("an enum is named")
                    };
                    self.need(Helper::ToEnum);
                    return format!(
                        "[_to_enum({}, value, \"{place}\", {at}) for value in {}]",
                        self.enum_ref(*id),
                        slice(values, pos, *len, total)
                    );
                }
                let stride = self.codes(std::slice::from_ref(&**element)).len();
                if stride > 0 && len * stride <= UNROLL {
                    // Short: one expression per element, no loop to run.
                    let items: Vec<String> = (0..*len)
                        .map(|k| {
                            let pos = pos.plus(k * stride);
                            self.build(element, values, &pos, None, depth + 1, place, at)
                        })
                        .collect();
                    return format!("[{}]", items.join(", "));
                }
                let index = loop_index(depth);
                let inner = self.build(
                    element,
                    values,
                    &pos.with_term(&index, stride),
                    None,
                    depth + 1,
                    place,
                    at,
                );
                let index = if stride == 0 { "_" } else { index.as_str() };
                format!("[{inner} for {index} in range({len})]")
            }
            TypeRef::String | TypeRef::Bytes | TypeRef::List(_) | TypeRef::Optional(_) => {
                unreachable!("only fixed-size types are unpacked")
            }
        }
    }

    /// The `struct` format of a sequence of fixed-size types, run-length
    /// encoded (`i?f3f`).
    fn format(&self, types: &[TypeRef]) -> String {
        run_length(&self.codes(types))
    }

    /// One `struct` code per value of a fixed-size type (`?` bool, `i` int32
    /// and enums, `f` float32).
    fn codes(&self, types: &[TypeRef]) -> String {
        let mut out = String::new();
        for ty in types {
            self.push_codes(ty, &mut out);
        }
        out
    }

    fn push_codes(&self, ty: &TypeRef, out: &mut String) {
        match ty {
            TypeRef::Bool => out.push('?'),
            TypeRef::Int32 => out.push('i'),
            TypeRef::Float32 => out.push('f'),
            TypeRef::Named(id) => match self.schema.item(*id) {
                Item::Enum(_) => out.push('i'),
                Item::Struct(def) => {
                    for field in &def.fields {
                        self.push_codes(&field.ty, out);
                    }
                }
            },
            TypeRef::Array(element, len) => {
                let mut one = String::new();
                self.push_codes(element, &mut one);
                out.push_str(&one.repeat(*len));
            }
            TypeRef::String | TypeRef::Bytes | TypeRef::List(_) | TypeRef::Optional(_) => {}
        }
    }

    fn is_enum(&self, ty: &TypeRef) -> bool {
        matches!(ty, TypeRef::Named(id) if matches!(self.schema.item(*id), Item::Enum(_)))
    }

    fn contains_enum(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(id) => match self.schema.item(*id) {
                Item::Enum(_) => true,
                Item::Struct(def) => def.fields.iter().any(|field| self.contains_enum(&field.ty)),
            },
            TypeRef::Array(element, _) | TypeRef::List(element) | TypeRef::Optional(element) => {
                self.contains_enum(element)
            }
            TypeRef::Bool
            | TypeRef::Int32
            | TypeRef::Float32
            | TypeRef::String
            | TypeRef::Bytes => false,
        }
    }

    /// The type hint of `ty`.
    fn hint(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Bool => "bool".to_owned(),
            TypeRef::Int32 => "int".to_owned(),
            TypeRef::Float32 => "float".to_owned(),
            TypeRef::String => "str".to_owned(),
            TypeRef::Bytes => "bytes".to_owned(),
            TypeRef::Named(id) => self.class_ref(*id),
            TypeRef::List(element) | TypeRef::Array(element, _) => {
                format!("typing.List[{}]", self.hint(element))
            }
            TypeRef::Optional(inner) => format!("typing.Optional[{}]", self.hint(inner)),
        }
    }

    /// The default of a field of type `ty`, as written in the class body.
    fn default_value(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::List(_) => "dataclasses.field(default_factory=list)".to_owned(),
            TypeRef::Named(id) if matches!(self.schema.item(*id), Item::Struct(_)) => {
                format!("dataclasses.field(default_factory={})", self.class_ref(*id))
            }
            TypeRef::Array(..) => format!(
                "dataclasses.field(default_factory=lambda: {})",
                self.value(ty)
            ),
            _ => self.value(ty),
        }
    }

    /// A fresh default value of `ty`, as an expression.
    fn value(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Bool => "False".to_owned(),
            TypeRef::Int32 => "0".to_owned(),
            TypeRef::Float32 => "0.0".to_owned(),
            TypeRef::String => "\"\"".to_owned(),
            TypeRef::Bytes => "b\"\"".to_owned(),
            TypeRef::Optional(_) => "None".to_owned(),
            TypeRef::List(_) => "[]".to_owned(),
            TypeRef::Named(id) => match self.schema.item(*id) {
                Item::Enum(def) => {
                    let member = member_names(def)[default_variant(def)].clone();
                    format!("{}.{member}", self.class_ref(*id))
                }
                Item::Struct(_) => format!("{}()", self.class_ref(*id)),
            },
            TypeRef::Array(element, len) => {
                let immutable = is_scalar(self.schema, element)
                    || matches!(
                        **element,
                        TypeRef::String | TypeRef::Bytes | TypeRef::Optional(_)
                    );
                if immutable {
                    format!("[{}] * {len}", self.value(element))
                } else {
                    format!("[{} for _ in range({len})]", self.value(element))
                }
            }
        }
    }

    /// A class by the name that reaches it from this module (`Command`, `common.Vec3`).
    fn class_ref(&self, id: TypeId) -> String {
        let name = python_class(self.schema.item(id).name());
        if id.file == self.file {
            name
        } else {
            self.imports.borrow_mut().insert(id.file);
            format!(
                "{}.{name}",
                python_module(&self.schema.file(id.file).module)
            )
        }
    }

    /// An enum that `_to_enum` converts to, by the name that reaches it from
    /// this module; its members go in `_ENUM_MEMBERS`.
    fn enum_ref(&self, id: TypeId) -> String {
        let class = self.class_ref(id);
        let mut enums = self.enums.borrow_mut();
        if !enums.contains(&class) {
            enums.push(class.clone());
        }
        class
    }

    /// The attribute names of the fields of `def`, a struct of `file`.
    fn attrs(&self, file: FileId, def: &StructDef) -> Vec<String> {
        let mut taken: BTreeSet<String> = GENERATED_MEMBERS
            .iter()
            .chain(CLASS_BODY_NAMES)
            .map(|name| (*name).to_owned())
            .chain(self.reachable_modules(file))
            .collect();
        def.fields
            .iter()
            .map(|field| {
                let mut name = field.name.clone();
                if is_python_keyword(&name) || taken.contains(&name) {
                    name = unique(format!("{name}_"), &taken);
                }
                taken.insert(name.clone());
                name
            })
            .collect()
    }

    /// Names a local of `_pack` must not take: its parameters and the
    /// globals and builtins it refers to.
    fn reserved_pack_names(&self) -> BTreeSet<String> {
        let mut names: BTreeSet<String> = ["self", "parts", "struct", "len", "True"]
            .iter()
            .map(|name| (*name).to_owned())
            .chain(self.reachable_modules(self.file))
            .collect();
        for item in &self.schema.file(self.file).items {
            names.insert(python_class(item.name()));
        }
        names
    }

    /// The module names of every file `file` imports, directly or not.
    fn reachable_modules(&self, file: FileId) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![file];
        let mut names = BTreeSet::new();
        while let Some(current) = stack.pop() {
            for import in &self.schema.file(current).imports {
                if seen.insert(*import) {
                    names.insert(python_module(&self.schema.file(*import).module));
                    stack.push(*import);
                }
            }
        }
        names
    }

    fn need(&self, helper: Helper) {
        let mut helpers = self.helpers.borrow_mut();
        helpers.insert(helper);
        match helper {
            Helper::ReadStr => {
                helpers.insert(Helper::ReadCount);
                helpers.insert(Helper::ReadUtf8);
                helpers.insert(Helper::DecodeUtf8);
            }
            Helper::ReadUtf8 => {
                helpers.insert(Helper::DecodeUtf8);
            }
            Helper::ReadBytes => {
                helpers.insert(Helper::ReadCount);
            }
            Helper::ReadEnum => {
                helpers.insert(Helper::ToEnum);
            }
            _ => {}
        }
    }
}

/// The fields of the struct whose `read` is being written, with their
/// attribute names and the locals `read` keeps them in.
struct Fields<'a> {
    def: &'a StructDef,
    class: &'a str,
    attrs: &'a [String],
    locals: &'a [String],
}

/// What a read-ahead read besides the field it was for.
enum Ahead {
    /// The run of fixed-size fields after it (and the length or presence
    /// flag after that run, when `prefix`).
    Run { prefix: bool },
    /// The length or presence flag of the next field.
    Prefix,
}

/// What a read-ahead reads after the field it is for.
enum Tail {
    /// The run of fixed-size fields in this range (and the prefix after it).
    Run(std::ops::Range<usize>),
    /// The length or presence flag of this field.
    Prefix(usize),
}

/// The bytes of a field after its length or presence flag, when the flag
/// alone tells how many there are.
enum Payload {
    /// A string's UTF-8 bytes (`length` of them).
    Utf8,
    /// A bytes field's bytes (`length` of them).
    Bytes,
    /// `count` bools, int32s or float32s (`size` bytes each, `struct` `code`).
    Numbers { size: usize, code: String },
    /// `count` int32 values of the enum `class`.
    Enums { size: usize, class: String },
    /// `count` fixed-size structs or arrays (`element_type`), each unpacked
    /// by `element`.
    Structs {
        element: String,
        element_type: TypeRef,
    },
    /// An optional's value when `present`, unpacked by `inner`.
    Optional { inner: String, inner_type: TypeRef },
}

enum Segment {
    /// Consecutive fixed-size fields.
    Run(std::ops::Range<usize>),
    /// One variable-size field.
    Single(usize),
}

/// `codes` run-length encoded as a `struct` format (`i?ff` -> `i?2f`).
fn run_length(codes: &str) -> String {
    let mut out = String::new();
    let mut chars = codes.chars().peekable();
    while let Some(code) = chars.next() {
        let mut count = 1;
        while chars.peek() == Some(&code) {
            chars.next();
            count += 1;
        }
        if count > 1 {
            let _ = write!(out, "{count}");
        }
        out.push(code);
    }
    out
}

/// String, bytes, list or optional: the types that start with an int32
/// length or a bool presence flag.
fn has_prefix(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::String | TypeRef::Bytes | TypeRef::List(_) | TypeRef::Optional(_)
    )
}

/// The local `read` keeps the length or presence flag of a `ty` field in.
fn prefix_local(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::String | TypeRef::Bytes => "length",
        TypeRef::List(_) => "count",
        _ => "present",
    }
}

/// bool, int32 or float32: one value, no conversion.
fn is_direct(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Bool | TypeRef::Int32 | TypeRef::Float32)
}

/// A primitive or an enum: one primitive call on the memory.
fn is_scalar(schema: &Schema, ty: &TypeRef) -> bool {
    is_direct(ty) || matches!(ty, TypeRef::Named(id) if matches!(schema.item(*id), Item::Enum(_)))
}

/// The arguments that pass `len` consecutive values of the tuple `values`,
/// from `pos`, to a constructor: `*values` when that is all of it, else
/// each value by index when they are few (faster than a slice), else
/// `*values[a:b]`.
fn direct_args(values: &str, pos: &Pos, len: usize, total: Option<usize>) -> String {
    let whole = pos.terms.is_empty() && pos.constant == 0 && total == Some(len);
    if whole || len > INDEXED_ARGS {
        return format!("*{}", slice(values, pos, len, total));
    }
    (0..len)
        .map(|k| format!("{values}[{}]", pos.plus(k).render()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `values[a:b]`, or `values` when the slice is all of it.
fn slice(values: &str, pos: &Pos, len: usize, total: Option<usize>) -> String {
    if pos.terms.is_empty() && pos.constant == 0 && total == Some(len) {
        return values.to_owned();
    }
    let end = pos.plus(len);
    if pos.terms.is_empty() {
        format!("{values}[{}:{}]", pos.render(), end.render())
    } else {
        format!("{values}[{} : {}]", pos.render(), end.render())
    }
}

fn loop_index(depth: usize) -> String {
    match depth {
        0 => "i".to_owned(),
        1 => "j".to_owned(),
        2 => "k".to_owned(),
        _ => format!("i{depth}"),
    }
}

/// The member name of an enum variant (`Move` -> `MOVE`).
fn member_name(name: &str) -> String {
    let name = screaming(name);
    if name.is_empty() || name.starts_with('_') {
        format!("V{name}")
    } else {
        name
    }
}

/// The member names of every variant of `def`, made unique.
fn member_names(def: &EnumDef) -> Vec<String> {
    let mut taken = BTreeSet::new();
    def.variants
        .iter()
        .map(|variant| {
            let name = unique(member_name(&variant.name), &taken);
            taken.insert(name.clone());
            name
        })
        .collect()
}

/// The locals `read` keeps the fields in: the attribute names, escaped when
/// they would shadow a parameter or a temporary.
fn read_locals(attrs: &[String]) -> Vec<String> {
    let mut taken: BTreeSet<String> = READ_LOCALS.iter().map(|name| (*name).to_owned()).collect();
    attrs
        .iter()
        .map(|attr| {
            let is_temporary = ["count", "item", "present"].iter().any(|prefix| {
                attr.strip_prefix(prefix)
                    .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
            });
            let name = if is_temporary || taken.contains(attr) {
                unique(format!("{attr}_"), &taken)
            } else {
                attr.clone()
            };
            taken.insert(name.clone());
            name
        })
        .collect()
}

/// The local of `_pack` that holds the checked value of the field `attr`:
/// `attr`, escaped when it is reserved or looks like a generator's variable.
fn pack_local(attr: &str, reserved: &BTreeSet<String>) -> String {
    let is_temporary = ["item", "value"].iter().any(|prefix| {
        attr.strip_prefix(prefix)
            .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
    });
    if is_temporary || reserved.contains(attr) {
        unique(format!("{attr}_"), reserved)
    } else {
        attr.to_owned()
    }
}

/// A starred generator argument (`*(a for b in c for d in e)`) over several
/// lines, one clause per line, as Black formats it; other arguments unchanged.
fn wrap_generator(arg: &str) -> Vec<String> {
    let Some(inner) = arg
        .strip_prefix("*(")
        .and_then(|rest| rest.strip_suffix(')'))
    else {
        return vec![format!("{arg},")];
    };
    let mut clauses = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = inner.as_bytes();
    for (index, byte) in bytes.iter().enumerate() {
        match byte {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b' ' if depth == 0 && inner[index..].starts_with(" for ") => {
                clauses.push(inner[start..index].to_owned());
                start = index + 1;
            }
            _ => {}
        }
    }
    clauses.push(inner[start..].to_owned());
    let mut lines = vec!["*(".to_owned()];
    for clause in clauses {
        // `for value in (a, b, c)` gets its tuple exploded when too long.
        match clause.split_once(" in ") {
            Some((target, iterable)) if clause.len() + 5 * INDENT.len() > WIDTH => {
                let mut iterable = explode(iterable, WIDTH);
                iterable[0] = format!("{INDENT}{target} in {}", iterable[0]);
                let mut iterable = iterable.into_iter();
                lines.extend(iterable.next());
                lines.extend(iterable.map(|line| format!("{INDENT}{line}")));
            }
            _ => lines.push(format!("{INDENT}{clause}")),
        }
    }
    lines.push("),".to_owned());
    lines
}

/// `parts.append(value)`, wrapped when long.
fn append_call(w: &mut Writer, value: &str) {
    let one_line = format!("parts.append({value})");
    if w.indentation().len() + one_line.len() <= WIDTH {
        w.line(one_line);
        return;
    }
    w.line("parts.append(");
    w.indent();
    let lines = explode(value, w.indentation().len());
    w.lines(lines);
    w.dedent();
    w.line(")");
}

/// `target = value`, wrapped Black-style when longer than the line.
fn assign_lines(target: &str, value: &str, indent: usize) -> Vec<String> {
    let mut lines = explode(value, indent + target.len() + 3);
    lines[0] = format!("{target} = {}", lines[0]);
    lines
}

/// `return cls(locals), offset`, wrapped as Black wraps it: on one line
/// when it fits, else the tuple in parentheses, on one line when that fits,
/// else one element per line (the call itself split one argument per line
/// when it does not fit either).
fn return_lines(locals: &[String], indent: usize) -> Vec<String> {
    let call = format!("cls({})", locals.join(", "));
    let one_line = format!("return {call}, offset");
    if indent + one_line.len() <= WIDTH {
        return vec![one_line];
    }
    let inner = indent + INDENT.len();
    let tuple = format!("{call}, offset");
    let mut lines = vec!["return (".to_owned()];
    if inner + tuple.len() <= WIDTH {
        lines.push(format!("{INDENT}{tuple}"));
    } else {
        let call_lines = call_lines("cls(", locals, "),", inner, INDENT, WIDTH, true);
        lines.extend(call_lines.into_iter().map(|line| format!("{INDENT}{line}")));
        lines.push(format!("{INDENT}offset,"));
    }
    lines.push(")".to_owned());
    lines
}

/// `expr` on one line when it fits after `indent` columns, else split the
/// way Black would: a list comprehension as element, clauses; a list or a
/// call as one element or argument per line. The lines after the first are relative to the first.
fn explode(expr: &str, indent: usize) -> Vec<String> {
    if indent + expr.len() <= WIDTH {
        return vec![expr.to_owned()];
    }
    if let Some(inner) = expr
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
    {
        let clauses = split_top_level(inner, " for ");
        if let Some((element, rest)) = clauses.split_first().filter(|(_, rest)| !rest.is_empty()) {
            let mut lines = vec!["[".to_owned()];
            lines.extend(indented(explode(element, indent + INDENT.len())));
            lines.extend(rest.iter().map(|clause| format!("{INDENT}for {clause}")));
            lines.push("]".to_owned());
            return lines;
        }
        // A list display: one element per line.
        let mut lines = vec!["[".to_owned()];
        for element in split_top_level(inner, ", ") {
            let mut element_lines = explode(&element, indent + INDENT.len());
            if let Some(last) = element_lines.last_mut() {
                last.push(',');
            }
            lines.extend(indented(element_lines));
        }
        lines.push("]".to_owned());
        return lines;
    }
    if let Some(open) = expr.find('(').filter(|_| expr.ends_with(')')) {
        let head = &expr[..=open];
        // A call (`name(...)`, `b"".join(...)`), or a tuple (`(...)`).
        let is_call = head[..open]
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '"');
        if is_call {
            let args = split_top_level(&expr[open + 1..expr.len() - 1], ", ");
            let mut lines = vec![head.to_owned()];
            for arg in args {
                let mut arg_lines = explode(&arg, indent + INDENT.len());
                if let Some(last) = arg_lines.last_mut() {
                    last.push(',');
                }
                lines.extend(indented(arg_lines));
            }
            lines.push(")".to_owned());
            return lines;
        }
    }
    vec![expr.to_owned()]
}

fn indented(lines: Vec<String>) -> impl Iterator<Item = String> {
    lines.into_iter().map(|line| format!("{INDENT}{line}"))
}

/// `text` split on `separator` where it is outside brackets and strings.
fn split_top_level(text: &str, separator: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut quoted = false;
    let mut start = 0;
    for (index, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => depth += 1,
            ')' | ']' | '}' if !quoted => depth -= 1,
            _ => {}
        }
        if depth == 0 && !quoted && index >= start && text[index..].starts_with(separator) {
            // A separator starting inside the previous one does not count.
            parts.push(text[start..index].to_owned());
            start = index + separator.len();
        }
    }
    parts.push(text[start..].to_owned());
    parts
}

/// Writes `docs` as a docstring at the current indentation; returns whether
/// there was one.
fn docstring(w: &mut Writer, docs: &[String]) -> bool {
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

/// The error classes, pusm's own when the runtime is installed.
const ERRORS: &str = r#"try:
    from pusm import DecodeError, SchemaMismatchError  # pusm's runtime, when installed
except ImportError:  # the original package, or none: local equivalents

    class SchemaMismatchError(ValueError):
        """A checked read found the fingerprint of another message type."""

        def __init__(self, expected: int, found: int) -> None:
            super().__init__(
                "schema mismatch: expected fingerprint 0x%08x, found 0x%08x" % (expected, found)
            )
            self.expected = expected
            self.found = found

    class DecodeError(ValueError):
        """Bytes that no message encodes: a negative length, invalid UTF-8, an unknown
        enum value.""""#;

fn helper_source(helper: Helper) -> &'static str {
    match helper {
        Helper::ReadCount => {
            r#"def _read_count(sm, offset: int, where: str) -> typing.Tuple[int, int]:
    """Reads a length or an element count; a negative one is a DecodeError."""
    count, end = sm.read_int32(offset)
    if count < 0:
        raise DecodeError(f"{where}: negative length {count} at offset {offset}")
    return count, end
"#
        }
        Helper::ReadStr => {
            r#"def _read_str(sm, offset: int, where: str) -> typing.Tuple[str, int]:
    """Reads an int32 byte length, then that many bytes of UTF-8."""
    length, end = _read_count(sm, offset, where)
    return _read_utf8(sm, end, length, where)
"#
        }
        Helper::ReadUtf8 => {
            r#"def _read_utf8(sm, offset: int, length: int, where: str) -> typing.Tuple[str, int]:
    """Reads ``length`` bytes of UTF-8, just after their int32 length."""
    data, end = sm.read_bytes(offset, length)
    return _decode_utf8(data, where, offset - 4), end
"#
        }
        Helper::DecodeUtf8 => {
            r#"def _decode_utf8(data: bytes, where: str, offset: int) -> str:
    """``data`` decoded as UTF-8; ``offset`` is where the string (its length) starts."""
    try:
        return str(data, "utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(
            f"{where}: invalid UTF-8 in the string at offset {offset} ({error.reason})"
        ) from None
"#
        }
        Helper::PackStr => {
            r#"def _pack_str(parts: list, value: str) -> None:
    """Appends an int32 byte length, then the UTF-8 bytes of ``value``."""
    data = value.encode("utf-8")
    parts.append(struct.pack("<i", len(data)))
    parts.append(data)
"#
        }
        Helper::ReadBytes => {
            r#"def _read_bytes(sm, offset: int, where: str) -> typing.Tuple[bytes, int]:
    """Reads an int32 length, then that many bytes."""
    length, end = _read_count(sm, offset, where)
    return sm.read_bytes(end, length)
"#
        }
        Helper::ReadEnum => {
            r#"def _read_enum(sm, offset: int, enum_type, where: str):
    """Reads an int32 that must be a value of ``enum_type``."""
    value, end = sm.read_int32(offset)
    return _to_enum(enum_type, value, where, offset), end
"#
        }
        Helper::ToEnum => {
            r#"def _to_enum(enum_type, value: int, where: str, offset: int):
    """The member of ``enum_type`` with this value; any other value is a DecodeError."""
    member = _ENUM_MEMBERS[enum_type].get(value)
    if member is None:
        raise DecodeError(
            f"{where}: invalid value {value} at offset {offset} for enum {enum_type.__name__}"
        )
    return member
"#
        }
        Helper::CannotWrite => {
            r#"def _cannot_write(message, error: Exception) -> str:
    """Why ``message`` cannot be written: the field whose number does not fit its
    wire type, found by walking the message, else ``struct``'s own ``error``."""
    name = type(message).__name__
    return f"cannot write {name}: {_bad_number(message, type(message), name) or error}"


def _bad_number(value, hint, where: str) -> typing.Optional[str]:
    """The first number under ``value`` (declared as ``hint``) that its wire type
    cannot hold, as ``where = value does not fit ...``; ``None`` when all fit."""
    origin = typing.get_origin(hint)
    if origin is list:
        (item_hint,) = typing.get_args(hint)
        for index, item in enumerate(value):
            found = _bad_number(item, item_hint, f"{where}[{index}]")
            if found:
                return found
    elif origin is typing.Union:  # typing.Optional[T]
        if value is not None:
            return _bad_number(value, typing.get_args(hint)[0], where)
    elif dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        for field in dataclasses.fields(hint):
            name = field.name
            found = _bad_number(getattr(value, name), hints[name], f"{where}.{name}")
            if found:
                return found
    elif hint is float or (hint is not bool and isinstance(hint, type) and issubclass(hint, int)):
        wire = "a float32" if hint is float else "an int32"
        try:
            struct.pack("<f" if hint is float else "<i", value)
        except (struct.error, OverflowError, TypeError):
            return f"{where} = {value!r} does not fit {wire}"
    return None
"#
        }
        Helper::CheckLen => {
            r#"def _check_len(value, length: int, where: str):
    """``value``, when it has exactly ``length`` elements; a ValueError otherwise."""
    if value is None or len(value) != length:
        found = "None" if value is None else f"{len(value)} elements"
        raise ValueError(f"{where} must have exactly {length} elements, found {found}")
    return value
"#
        }
    }
}

/// `self._pack(parts)`, with `struct`'s range errors (an int32 field holding
/// 2**40, a float32 field holding 1e40) turned into a `ValueError` that
/// names the type and the field (`_cannot_write`, which looks for the field
/// only once the error happened, so the fast path pays nothing).
fn pack_or_value_error(w: &mut Writer) {
    w.line("try:");
    w.indent();
    w.line("self._pack(parts)");
    w.dedent();
    w.line(
        "except (struct.error, OverflowError) as error:  # a number outside its wire type's range",
    );
    w.indent();
    w.line("raise ValueError(_cannot_write(self, error)) from None");
    w.dedent();
}

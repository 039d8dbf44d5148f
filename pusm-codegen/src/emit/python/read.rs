//! Rendering reads: one `read_bytes` per read group of the plan, values
//! unpacked from the bytes with module-level `struct.Struct`s.

use std::collections::BTreeMap;

use pusm_schema::{Item, TypeRef};

use super::decode::{numpy_read, plus_offset, Bytes, Decoder, Element_};
use super::expr::Expr;
use super::module::{def_line, statement, Locals, Module};
use super::segments::{code, format_of, plus, Format};
use crate::emit::writer::Writer;
use crate::plan::{
    self, Body, Element, Fixed, Path, PayloadSize, PrefixKind, ReadGroup, Run, RunItem, Scalar,
    VarKind, VarPart,
};

/// What reading a body has produced so far.
#[derive(Default)]
struct Read {
    /// The local holding each value read, by path.
    values: BTreeMap<Path, String>,
    /// The local holding each length, count or flag, by the path of its value.
    prefixes: BTreeMap<Path, String>,
}

impl Module<'_> {
    /// Statements reading `body` (of a value of `ty`) at the local `offset`,
    /// leaving `offset` just past it; returns the expression of the value.
    /// `construct` replaces the class name of the root struct (`cls`).
    pub(super) fn read_body(
        &self,
        w: &mut Writer,
        locals: &mut Locals,
        body: &Body,
        ty: &TypeRef,
        place: &str,
        construct: Option<&str>,
    ) -> Expr {
        let mut read = Read::default();
        for group in body.read_groups() {
            match group {
                ReadGroup::Run(index) => {
                    let Some(run) = body.run(index) else { continue };
                    if run.size == 0 {
                        let at = Bytes {
                            data: "b\"\"",
                            base: "0",
                            origin: "offset",
                        };
                        self.decode_run(w, locals, &mut read, run, at, place);
                        continue;
                    }
                    w.line(format!(
                        "data, end = memory.read_bytes(offset, {})",
                        run.size
                    ));
                    let at = Bytes {
                        data: "data",
                        base: "0",
                        origin: "offset",
                    };
                    self.decode_run(w, locals, &mut read, run, at, place);
                    w.line("offset = end");
                }
                ReadGroup::Payload { var, run } => {
                    let (Some(part), Some(payload)) =
                        (body.var(var), body.var(var).and_then(VarPart::payload))
                    else {
                        continue;
                    };
                    let prefix = read.prefixes.get(&part.path).cloned().unwrap_or_default();
                    let size = match payload {
                        PayloadSize::Length | PayloadSize::CountTimes(1) => prefix.clone(),
                        PayloadSize::CountTimes(size) => format!("{size} * {prefix}"),
                        PayloadSize::IfPresent(size) => format!("{size} if {prefix} else 0"),
                    };
                    let run = run.and_then(|index| body.run(index));
                    let limit = match run {
                        Some(run) => {
                            w.line(format!("size = {size}"));
                            w.line(format!(
                                "data, end = memory.read_bytes(offset, size + {})",
                                run.size
                            ));
                            Some("size")
                        }
                        None => {
                            w.line(format!("data, end = memory.read_bytes(offset, {size})"));
                            None
                        }
                    };
                    self.read_payload(w, locals, &mut read, part, &prefix, limit, place);
                    if let Some(run) = run {
                        let at = Bytes {
                            data: "data",
                            base: "size",
                            origin: "offset",
                        };
                        self.decode_run(w, locals, &mut read, run, at, place);
                    }
                    w.line("offset = end");
                }
                ReadGroup::Var(index) => {
                    if let Some(part) = body.var(index) {
                        self.read_elements(w, locals, &mut read, part, ty, place);
                    }
                }
            }
        }
        self.build(&read, ty, &Path::default(), construct)
    }

    /// The value at `path` (of type `ty`): its local, or a struct built from
    /// the values of its fields.
    fn build(&self, read: &Read, ty: &TypeRef, path: &Path, construct: Option<&str>) -> Expr {
        if let Some(local) = read.values.get(path) {
            return Expr::atom(local);
        }
        match ty {
            TypeRef::Named(id) => match self.schema.item(*id) {
                Item::Struct(def) => {
                    let args = def
                        .fields
                        .iter()
                        .enumerate()
                        .map(|(index, field)| {
                            let child = child(path, *id, index);
                            self.build(read, &field.ty, &child, None)
                        })
                        .collect();
                    let callee = construct.map_or_else(|| self.class_ref(*id), str::to_owned);
                    Expr::call(callee, args)
                }
                Item::Enum(_) => Expr::atom("None"),
            },
            _ => Expr::atom("None"),
        }
    }

    /// Statements unpacking a run: its values and its prefix into locals.
    fn decode_run(
        &self,
        w: &mut Writer,
        locals: &mut Locals,
        read: &mut Read,
        run: &Run,
        at: Bytes<'_>,
        place: &str,
    ) {
        let mut decoder = Decoder::new(self, locals, at);
        let mut assignments = Vec::new();
        // Lengths and counts, which must not be negative: (local, where, offset).
        let mut checks = Vec::new();
        for item in &run.items {
            match item {
                RunItem::Value { path, value } => {
                    let where_ = self.place(place, path);
                    let expr = decoder.value(value, &where_);
                    let local = decoder.locals.fresh(&self.local_hint(path));
                    read.values.insert(path.clone(), local.clone());
                    assignments.push((local, expr));
                }
                RunItem::Prefix(prefix) => {
                    let where_ = self.place(place, &prefix.path);
                    let kind = prefix.kind;
                    let code = if kind == PrefixKind::Presence {
                        '?'
                    } else {
                        'i'
                    };
                    let value = decoder.leaf(prefix.offset, code);
                    let hint = match kind {
                        PrefixKind::Presence => "present",
                        PrefixKind::Count => "count",
                        PrefixKind::Length => "length",
                    };
                    let local = decoder.locals.fresh(hint);
                    if kind != PrefixKind::Presence {
                        let at = plus(at.origin, 0) + &plus_offset(at.base, prefix.offset);
                        checks.push((local.clone(), where_, at));
                    }
                    read.prefixes.insert(prefix.path.clone(), local.clone());
                    assignments.push((local, Expr::atom(value)));
                }
            }
        }
        decoder.finish(w, &format!("{place}_{}", run.items.len()));
        for (local, expr) in assignments {
            statement(w, &expr, &format!("{local} = "), "");
        }
        for (local, where_, at) in checks {
            w.line(format!("if {local} < 0:"));
            w.indent();
            let call = Expr::call(
                "_rt.negative_length",
                vec![
                    Expr::atom(&local),
                    Expr::atom(format!("\"{where_}\"")),
                    Expr::atom(at),
                ],
            );
            statement(w, &call, "raise ", "");
            w.dedent();
        }
    }

    /// The bytes of a string, bytes, list of fixed-size elements or optional
    /// fixed-size value, whose size its prefix gave: `data[:limit]`, or all
    /// of `data` when `limit` is `None`.
    #[allow(clippy::too_many_arguments)]
    fn read_payload(
        &self,
        w: &mut Writer,
        locals: &mut Locals,
        read: &mut Read,
        part: &VarPart,
        prefix: &str,
        limit: Option<&str>,
        place: &str,
    ) {
        let where_ = self.place(place, &part.path);
        let whole = match limit {
            Some(limit) => format!("data[:{limit}]"),
            None => "data".to_owned(),
        };
        let expr = match &part.kind {
            VarKind::String => Expr::call(
                "_rt.decode_utf8",
                vec![
                    Expr::atom(whole),
                    Expr::atom(format!("\"{where_}\"")),
                    Expr::atom("offset - 4"),
                ],
            ),
            VarKind::Bytes if self.options_numpy() => {
                numpy_read("data", "u1", &format!("({prefix},)"), "0")
            }
            VarKind::Bytes => Expr::atom(whole),
            VarKind::List(Element::Fixed { size, value }) => {
                self.fixed_list(value, *size, prefix, &where_)
            }
            VarKind::Optional(Element::Fixed { value, .. })
                if self.one_format(value) && !matches!(value, Fixed::Scalar { .. }) =>
            {
                // Decoded in place: `local = None`, then the value if present.
                let local = locals.fresh(&self.local_hint(&part.path));
                let ty = value.schema_type();
                w.line(format!(
                    "{local}: typing.Optional[{}] = None",
                    self.hint(&ty)
                ));
                w.line(format!("if {prefix}:"));
                w.indent();
                let mut decoder = Decoder::new(
                    self,
                    locals,
                    Bytes {
                        data: "data",
                        base: "0",
                        origin: "offset",
                    },
                );
                let expr = decoder.value(value, &where_);
                decoder.finish(w, &where_);
                statement(w, &expr, &format!("{local} = "), "");
                w.dedent();
                read.values.insert(part.path.clone(), local);
                return;
            }
            VarKind::Optional(Element::Fixed { value, .. }) => {
                let decode = self.decoder_function(value, &where_);
                Expr::atom(format!("{decode}(data, 0, offset) if {prefix} else None"))
            }
            _ => return,
        };
        let local = locals.fresh(&self.local_hint(&part.path));
        statement(w, &expr, &format!("{local} = "), "");
        read.values.insert(part.path.clone(), local);
    }

    /// `count` fixed-size elements at the start of `data`.
    fn fixed_list(&self, value: &Fixed, size: usize, count: &str, where_: &str) -> Expr {
        match value {
            Fixed::Scalar {
                scalar: scalar @ (Scalar::Int32 | Scalar::Float32),
                ..
            } if self.options_numpy() => {
                let dtype = if *scalar == Scalar::Int32 {
                    "<i4"
                } else {
                    "<f4"
                };
                numpy_read("data", dtype, &format!("({count},)"), "0")
            }
            Fixed::Scalar { scalar, .. } => {
                let format = format!("f\"<{{{count}}}{}\"", code(*scalar));
                let numbers = Expr::call(
                    "list",
                    vec![Expr::call(
                        "struct.unpack_from",
                        vec![Expr::atom(format), Expr::atom("data")],
                    )],
                );
                match scalar {
                    Scalar::Enum(id) => Expr::ListComp {
                        element: Box::new(self.to_enum(*id, "e", where_, "offset")),
                        target: "e".into(),
                        iter: Box::new(numbers),
                    },
                    _ => numbers,
                }
            }
            _ if size > 0 && self.one_format(value) => {
                let mut format = Format::default();
                format_of(value, &mut format);
                let layout = self.struct_const(&format!("{where_}_item"), &format.text());
                let mut element = Element_::new(self);
                let built = element.build(value, "v", where_, "offset");
                Expr::ListComp {
                    element: Box::new(built),
                    target: "v".into(),
                    iter: Box::new(Expr::call(
                        "_rt.unpack_each",
                        vec![
                            Expr::atom(layout),
                            Expr::atom("data"),
                            Expr::atom("0"),
                            Expr::atom(count),
                        ],
                    )),
                }
            }
            _ => {
                let decode = self.decoder_function(value, where_);
                Expr::ListComp {
                    element: Box::new(Expr::atom(format!("{decode}(data, {size} * i, offset)"))),
                    target: "i".into(),
                    iter: Box::new(Expr::atom(format!("range({count})"))),
                }
            }
        }
    }

    /// Statements reading the elements of a list or optional whose elements
    /// are not fixed-size, or of an array of them, each with a helper
    /// function (so nesting depth never nests blocks).
    #[allow(clippy::too_many_arguments)]
    fn read_elements(
        &self,
        w: &mut Writer,
        locals: &mut Locals,
        read: &mut Read,
        part: &VarPart,
        root: &TypeRef,
        place: &str,
    ) {
        let where_ = self.place(place, &part.path);
        let ty = self.type_at(root, &part.path);
        let local = locals.fresh(&self.local_hint(&part.path));
        let hint = ty
            .as_ref()
            .map_or_else(|| "typing.Any".to_owned(), |ty| self.hint(ty));
        let prefix = read.prefixes.get(&part.path).cloned().unwrap_or_default();
        let element_ty = match &ty {
            Some(TypeRef::List(inner) | TypeRef::Array(inner, _) | TypeRef::Optional(inner)) => {
                (**inner).clone()
            }
            _ => TypeRef::Bool,
        };
        let (body, count) = match &part.kind {
            VarKind::Nested(id) => {
                let reader = format!("{}.read", self.class_ref(*id));
                statement(w, &read_call(&reader), &format!("{local}, offset = "), "");
                read.values.insert(part.path.clone(), local);
                return;
            }
            VarKind::List(Element::Var(body)) => (body, prefix.clone()),
            VarKind::Array { count, element } => (element, count.to_string()),
            VarKind::Optional(Element::Var(body)) => {
                let reader = self.reader_function(body, &element_ty, &where_);
                w.line(format!("{local}: {hint} = None"));
                w.line(format!("if {prefix}:"));
                w.indent();
                statement(w, &read_call(&reader), &format!("{local}, offset = "), "");
                w.dedent();
                read.values.insert(part.path.clone(), local);
                return;
            }
            _ => return,
        };
        let reader = self.reader_function(body, &element_ty, &where_);
        let item = locals.fresh("element");
        w.line(format!("{local}: {hint} = []"));
        w.line(format!("for _ in range({count}):"));
        w.indent();
        statement(w, &read_call(&reader), &format!("{item}, offset = "), "");
        w.line(format!("{local}.append({item})"));
        w.dedent();
        read.values.insert(part.path.clone(), local);
    }

    /// A module function reading one value of `ty` (planned as `body`).
    fn reader_function(&self, body: &Body, ty: &TypeRef, where_: &str) -> String {
        let key = format!("read {where_} {body:?}");
        let hint = format!("read_{}", where_.replace('.', "_").to_lowercase());
        self.function(&key, &hint, |name| {
            let mut w = Writer::new(super::expr::INDENT);
            let returns = format!("typing.Tuple[{}, int]", self.hint(ty));
            def_line(
                &mut w,
                name,
                &["memory: _rt.Memory", "offset: int"],
                &returns,
            );
            w.indent();
            w.line(format!("\"\"\"Reads one element of ``{where_}``.\"\"\""));
            let mut locals = Locals::new(self);
            let value = self.read_body(&mut w, &mut locals, body, ty, where_, None);
            statement(&mut w, &value, "value = ", "");
            w.line("return value, offset");
            w.finish()
        })
    }

    /// A module function decoding one fixed-size value from `data` at `at`
    /// (`origin` is the memory offset of `data[0]`, for error messages).
    pub(super) fn decoder_function(&self, value: &Fixed, where_: &str) -> String {
        if let Fixed::Nested { offset: 0, ty, .. } = value {
            return self.nested_decoder(*ty);
        }
        let key = format!("decode {where_} {value:?}");
        let hint = format!("decode_{}", where_.replace('.', "_").to_lowercase());
        self.function(&key, &hint, |name| {
            let ty = value.schema_type();
            let mut w = Writer::new(super::expr::INDENT);
            def_line(
                &mut w,
                name,
                &["data: bytes", "at: int", "origin: int"],
                &self.hint(&ty),
            );
            w.indent();
            w.line(format!(
                "\"\"\"Decodes one ``{where_}`` at ``data[at:]``.\"\"\""
            ));
            let mut locals = Locals::new(self);
            let mut decoder = Decoder::new(
                self,
                &mut locals,
                Bytes {
                    data: "data",
                    base: "at",
                    origin: "origin",
                },
            );
            let expr = decoder.value(value, where_);
            decoder.finish(&mut w, where_);
            statement(&mut w, &expr, &format!("value: {} = ", self.hint(&ty)), "");
            w.line("return value");
            w.finish()
        })
    }

    /// The module function decoding a fixed-size struct of type `ty` (planned
    /// one level deep) from bytes already read: what a [`Fixed::Nested`] calls.
    pub(super) fn nested_decoder(&self, ty: pusm_schema::TypeId) -> String {
        let whole = TypeRef::Named(ty);
        match plan::plan_fixed(self.schema, &whole, 0) {
            Some(value) => self.decoder_function(&value, self.schema.item(ty).name()),
            None => String::new(),
        }
    }

    /// `_rt.to_enum(MEMBERS, value, "where", at)`.
    pub(super) fn to_enum(
        &self,
        id: pusm_schema::TypeId,
        value: &str,
        where_: &str,
        at: &str,
    ) -> Expr {
        Expr::call(
            "_rt.to_enum",
            vec![
                Expr::atom(self.enum_members(id)),
                Expr::atom(value),
                Expr::atom(format!("\"{where_}\"")),
                Expr::atom(at),
            ],
        )
    }

    /// `Class.field.field` for error messages.
    pub(super) fn place(&self, base: &str, path: &Path) -> String {
        let mut out = base.to_owned();
        for step in &path.0 {
            if let Some(attr) = self.attrs(step.owner).get(step.field) {
                out.push('.');
                out.push_str(attr);
            }
        }
        out
    }

    /// A local name for the value at `path`.
    pub(super) fn local_hint(&self, path: &Path) -> String {
        let attrs: Vec<String> = path
            .0
            .iter()
            .filter_map(|step| self.attrs(step.owner).get(step.field).cloned())
            .collect();
        if attrs.is_empty() {
            "item".to_owned()
        } else {
            attrs.join("_")
        }
    }

    /// The schema type at `path` in a value of type `root`.
    pub(super) fn type_at(&self, root: &TypeRef, path: &Path) -> Option<TypeRef> {
        let Some(last) = path.0.last() else {
            return Some(root.clone());
        };
        match self.schema.item(last.owner) {
            Item::Struct(def) => def.fields.get(last.field).map(|field| field.ty.clone()),
            Item::Enum(_) => None,
        }
    }
}

/// `reader(memory, offset)`.
fn read_call(reader: &str) -> Expr {
    Expr::call(reader, vec![Expr::atom("memory"), Expr::atom("offset")])
}

/// `path` then field `field` of `owner`.
fn child(path: &Path, owner: pusm_schema::TypeId, field: usize) -> Path {
    let mut steps = path.0.clone();
    steps.push(plan::PathStep { owner, field });
    Path(steps)
}

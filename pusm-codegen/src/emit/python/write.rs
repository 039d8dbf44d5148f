//! Rendering writes: `_pack` appends the message's bytes to a list, one
//! `struct.Struct.pack` per flat segment of each run; `write` joins them and
//! makes one `write_bytes`.

use std::collections::BTreeMap;

use pusm_schema::TypeRef;

use super::expr::{Expr, INDENT};
use super::module::{def_line, statement, Locals, Module};
use super::numeric::Numeric;
use super::segments::{code, format_of, scalar_element, Format};
use crate::emit::writer::Writer;
use crate::plan::{
    Body, Element, Fixed, Path, PrefixKind, Run, RunItem, Scalar, Step, VarKind, VarPart,
};

impl Module<'_> {
    /// Statements appending the encoding of `body` (of the value `root`) to `parts`.
    pub(super) fn write_body(
        &self,
        w: &mut Writer,
        body: &Body,
        root: &str,
        root_ty: &TypeRef,
        place: &str,
    ) {
        let mut locals = Locals::new(self);
        // The UTF-8 of each string, encoded before the run that holds its length.
        let mut encoded: BTreeMap<Path, String> = BTreeMap::new();
        for (index, step) in body.steps.iter().enumerate() {
            match step {
                Step::Run(run) => {
                    let next = body.var(index + 1);
                    self.write_run(w, &mut locals, &mut encoded, run, next, root, place);
                }
                Step::Var(part) => {
                    let value = self.access(root, &part.path);
                    let where_ = self.place(place, &part.path);
                    match &part.kind {
                        VarKind::String => {
                            let local = encoded.get(&part.path).cloned().unwrap_or_default();
                            w.line(format!("parts.append({local})"));
                        }
                        VarKind::Bytes | VarKind::List(_) if encoded.contains_key(&part.path) => {
                            let local = encoded.get(&part.path).cloned().unwrap_or_default();
                            w.line(format!("parts.append(_np.raw({local}))"));
                        }
                        VarKind::Bytes => w.line(format!("parts.append({value})")),
                        VarKind::Nested(_) => w.line(format!("{value}._pack(parts)")),
                        VarKind::List(Element::Fixed { value: element, .. }) => {
                            let item = locals.fresh("element");
                            self.write_fixed_list(w, element, &value, &item, &where_);
                        }
                        VarKind::List(Element::Var(element)) => {
                            let writer =
                                self.writer_function(element, root_ty, &part.path, &where_);
                            let item = locals.fresh("element");
                            w.line(format!("for {item} in {value}:"));
                            w.line(format!("    {writer}(parts, {item})"));
                        }
                        VarKind::Optional(Element::Fixed { value: inner, .. }) => {
                            let encoder = self.encoder_function(inner, &where_);
                            w.line(format!("if {value} is not None:"));
                            w.line(format!("    {encoder}(parts, {value})"));
                        }
                        VarKind::Optional(Element::Var(inner)) => {
                            let writer = self.writer_function(inner, root_ty, &part.path, &where_);
                            w.line(format!("if {value} is not None:"));
                            w.line(format!("    {writer}(parts, {value})"));
                        }
                        VarKind::Array { count, element } => {
                            let writer =
                                self.writer_function(element, root_ty, &part.path, &where_);
                            let check = checked(&value, *count, &where_);
                            let item = locals.fresh("element");
                            w.line(format!("for {item} in {check}:"));
                            w.line(format!("    {writer}(parts, {item})"));
                        }
                    }
                }
            }
        }
    }

    /// Statements packing one run (its prefix included); `next` is the
    /// variable part after it.
    #[allow(clippy::too_many_arguments)]
    fn write_run(
        &self,
        w: &mut Writer,
        locals: &mut Locals,
        encoded: &mut BTreeMap<Path, String>,
        run: &Run,
        next: Option<&VarPart>,
        root: &str,
        place: &str,
    ) {
        let mut packer = Packer::new(self, locals);
        for item in &run.items {
            match item {
                RunItem::Value { path, value } => {
                    let expr = self.access(root, path);
                    let where_ = self.place(place, path);
                    packer.value(w, value, &expr, &where_, place);
                }
                RunItem::Prefix(prefix) => {
                    let value = self.access(root, &prefix.path);
                    let numeric = next.and_then(|part| self.var_numeric(part));
                    let arg = match (prefix.kind, numeric) {
                        (PrefixKind::Presence, _) => {
                            packer.format.push('?', 1);
                            format!("{value} is not None")
                        }
                        (PrefixKind::Count | PrefixKind::Length, Some(numeric)) => {
                            packer.format.push('i', 1);
                            let where_ = self.place(place, &prefix.path);
                            let hint = format!("{}_array", self.local_hint(&prefix.path));
                            let local = packer.locals.fresh(&hint);
                            let array = numpy_array(&value, &numeric, &where_);
                            statement(w, &array, &format!("{local} = "), "");
                            encoded.insert(prefix.path.clone(), local.clone());
                            format!("len({local})")
                        }
                        (PrefixKind::Count, None) => {
                            packer.format.push('i', 1);
                            format!("len({value})")
                        }
                        (PrefixKind::Length, None) => {
                            packer.format.push('i', 1);
                            let is_string = next.is_some_and(|part| part.kind == VarKind::String);
                            if is_string {
                                let hint = format!("{}_utf8", self.local_hint(&prefix.path));
                                let local = packer.locals.fresh(&hint);
                                w.line(format!("{local} = {value}.encode(\"utf-8\")"));
                                encoded.insert(prefix.path.clone(), local.clone());
                                format!("len({local})")
                            } else {
                                format!("len({value})")
                            }
                        }
                    };
                    packer.args.push(Expr::atom(arg));
                }
            }
        }
        packer.flush(w, place);
    }

    /// Statements appending a list of fixed-size elements.
    fn write_fixed_list(
        &self,
        w: &mut Writer,
        element: &Fixed,
        value: &str,
        item: &str,
        where_: &str,
    ) {
        match element {
            Fixed::Scalar {
                scalar: scalar @ (Scalar::Int32 | Scalar::Float32),
                ..
            } => {
                let format = format!("f\"<{{len({value})}}{}\"", code(*scalar));
                let expr = Expr::call(
                    "struct.pack",
                    vec![Expr::atom(format), Expr::atom(format!("*{value}"))],
                );
                statement(w, &expr, "parts.append(", ")");
            }
            Fixed::Scalar { scalar, .. } => {
                let values = match scalar {
                    Scalar::Enum(id) => format!("[{}[e] for e in {value}]", self.enum_members(*id)),
                    _ => format!("_rt.check_bools({value})"),
                };
                let expr = Expr::call(
                    "_rt.pack_numbers",
                    vec![
                        Expr::atom(format!("\"{}\"", code(*scalar))),
                        Expr::atom(values),
                    ],
                );
                statement(w, &expr, "parts.append(", ")");
            }
            _ if self.one_format(element) => {
                let pack = self.pack_each(element, value, item, where_);
                statement(w, &pack, "parts += ", "");
            }
            _ => {
                let encoder = self.encoder_function(element, where_);
                w.line(format!("for {item} in {value}:"));
                w.line(format!("    {encoder}(parts, {item})"));
            }
        }
    }

    /// The numpy array a variable part is, with the numpy option: bytes, or
    /// a list of int32 or float32.
    fn var_numeric(&self, part: &VarPart) -> Option<Numeric> {
        if !self.options_numpy() {
            return None;
        }
        let dtype = match &part.kind {
            VarKind::Bytes => "u1",
            VarKind::List(Element::Fixed {
                value:
                    Fixed::Scalar {
                        scalar: Scalar::Int32,
                        ..
                    },
                ..
            }) => "<i4",
            VarKind::List(Element::Fixed {
                value:
                    Fixed::Scalar {
                        scalar: Scalar::Float32,
                        ..
                    },
                ..
            }) => "<f4",
            _ => return None,
        };
        Some(Numeric { dtype, shape: None })
    }

    /// `[LAYOUT.pack(...) for item in values]`: one `pack` per element of
    /// values whose elements pack with one format.
    fn pack_each(&self, element: &Fixed, values: &str, item: &str, where_: &str) -> Expr {
        let mut format = Format::default();
        let mut args = Vec::new();
        self.element_args(element, item, where_, &mut format, &mut args);
        let layout = self.struct_const(&format!("{where_}_item"), &format.text());
        Expr::ListComp {
            element: Box::new(Expr::call(format!("{layout}.pack"), args)),
            target: item.to_owned(),
            iter: Box::new(Expr::atom(values)),
        }
    }

    /// The `pack` arguments of a value that packs with one format.
    fn element_args(
        &self,
        value: &Fixed,
        expr: &str,
        where_: &str,
        format: &mut Format,
        args: &mut Vec<Expr>,
    ) {
        match value {
            Fixed::Scalar { scalar, .. } => {
                format.push(code(*scalar), 1);
                args.push(Expr::atom(scalar_arg(self, *scalar, expr)));
            }
            Fixed::Struct { ty, fields, .. } => {
                for (field, attr) in fields.iter().zip(self.attrs(*ty)) {
                    let inner = format!("{expr}.{attr}");
                    self.element_args(field, &inner, &format!("{where_}.{attr}"), format, args);
                }
            }
            Fixed::Repeat { count, element, .. } => {
                if let Some(scalar) = scalar_element(element) {
                    format.push(code(scalar), *count);
                    let check = checked(expr, *count, where_);
                    args.push(Expr::atom(repeat_arg(self, scalar, &check)));
                }
            }
            // Not one format: callers check `one_format` first.
            Fixed::Nested { .. } => {}
        }
    }

    /// A module function appending one fixed-size value.
    fn encoder_function(&self, value: &Fixed, where_: &str) -> String {
        let key = format!("encode {where_} {value:?}");
        let hint = format!("encode_{}", where_.replace('.', "_").to_lowercase());
        self.function(&key, &hint, |name| {
            let ty = value.schema_type();
            let mut w = Writer::new(INDENT);
            let param = format!("value: {}", self.hint(&ty));
            def_line(&mut w, name, &["parts: typing.List[bytes]", &param], "None");
            w.indent();
            w.line(format!("\"\"\"Appends one ``{where_}``.\"\"\""));
            let mut locals = Locals::new(self);
            let mut packer = Packer::new(self, &mut locals);
            packer.value(&mut w, value, "value", where_, where_);
            packer.flush(&mut w, where_);
            w.finish()
        })
    }

    /// A module function appending one value planned as `body`.
    fn writer_function(&self, body: &Body, root_ty: &TypeRef, path: &Path, where_: &str) -> String {
        let key = format!("write {where_} {body:?}");
        let hint = format!("write_{}", where_.replace('.', "_").to_lowercase());
        self.function(&key, &hint, |name| {
            let ty = self.type_at(root_ty, path).map(|ty| match ty {
                TypeRef::List(inner) | TypeRef::Array(inner, _) | TypeRef::Optional(inner) => {
                    *inner
                }
                other => other,
            });
            let hint = ty
                .as_ref()
                .map_or_else(|| "typing.Any".to_owned(), |ty| self.hint(ty));
            let mut w = Writer::new(INDENT);
            let value = format!("value: {hint}");
            def_line(&mut w, name, &["parts: typing.List[bytes]", &value], "None");
            w.indent();
            w.line(format!("\"\"\"Appends one element of ``{where_}``.\"\"\""));
            let element = ty.unwrap_or(TypeRef::Bool);
            self.write_body(&mut w, body, "value", &element, where_);
            w.finish()
        })
    }

    /// `root.attr.attr` for the value at `path`.
    fn access(&self, root: &str, path: &Path) -> String {
        let mut out = root.to_owned();
        for step in &path.0 {
            if let Some(attr) = self.attrs(step.owner).get(step.field) {
                out.push('.');
                out.push_str(attr);
            }
        }
        out
    }
}

/// `_rt.check_len(value, count, "where")`.
fn checked(value: &str, count: usize, where_: &str) -> String {
    format!("_rt.check_len({value}, {count}, \"{where_}\")")
}

/// Arrays of structs with at most this many numbers in all are packed with
/// the run, element by element, rather than by a comprehension: a bounded
/// amount of code, much faster for the short arrays messages have.
const UNROLL: usize = 24;

/// Collects the arguments of one flat segment's `pack`.
struct Packer<'m, 'a, 'l> {
    module: &'m Module<'a>,
    locals: &'l mut Locals,
    args: Vec<Expr>,
    format: Format,
    /// Where the segment's first value is, which names its `struct.Struct`.
    first: Option<String>,
}

impl<'m, 'a, 'l> Packer<'m, 'a, 'l> {
    fn new(module: &'m Module<'a>, locals: &'l mut Locals) -> Self {
        Packer {
            module,
            locals,
            args: Vec::new(),
            format: Format::default(),
            first: None,
        }
    }

    /// Adds a fixed value (`expr` in Python), flushing before arrays of
    /// structs, which are written per element by a helper function.
    fn value(&mut self, w: &mut Writer, value: &Fixed, expr: &str, where_: &str, hint: &str) {
        if let Some(numeric) = self.module.numeric_fixed(value) {
            self.flush(w, hint);
            let array = Expr::call("_np.raw", vec![numpy_array(expr, &numeric, where_)]);
            statement(w, &array, "parts.append(", ")");
            return;
        }
        match value {
            Fixed::Scalar { scalar, .. } => {
                self.first.get_or_insert_with(|| where_.to_owned());
                self.format.push(code(*scalar), 1);
                self.args
                    .push(Expr::atom(scalar_arg(self.module, *scalar, expr)));
            }
            Fixed::Struct { ty, fields, .. } => {
                let attrs = self.module.attrs(*ty);
                for (field, attr) in fields.iter().zip(attrs) {
                    let inner = format!("{expr}.{attr}");
                    self.value(w, field, &inner, &format!("{where_}.{attr}"), hint);
                }
            }
            Fixed::Nested { .. } => {
                // Packed by the struct's own `_pack`, between the run's segments.
                self.flush(w, hint);
                w.line(format!("{expr}._pack(parts)"));
            }
            Fixed::Repeat {
                count,
                stride,
                element,
                ..
            } => {
                let check = checked(expr, *count, where_);
                if let Some(scalar) = scalar_element(element) {
                    self.first.get_or_insert_with(|| where_.to_owned());
                    self.format.push(code(scalar), *count);
                    self.args
                        .push(Expr::atom(repeat_arg(self.module, scalar, &check)));
                    return;
                }
                let mut format = Format::default();
                if self.module.one_format(element) {
                    format_of(element, &mut format);
                }
                if *stride > 0 && format.values > 0 && format.values * count <= UNROLL {
                    // A short array: checked once, its elements packed with the run.
                    let name = where_.rsplit('.').next().unwrap_or("array");
                    let local = self.locals.fresh(name);
                    w.line(format!("{local} = {check}"));
                    for index in 0..*count {
                        self.value(w, element, &format!("{local}[{index}]"), where_, hint);
                    }
                    return;
                }
                self.flush(w, hint);
                if *stride == 0 {
                    w.line(check);
                    return;
                }
                if self.module.one_format(element) {
                    let item = self.locals.fresh("element");
                    let pack = self.module.pack_each(element, &check, &item, where_);
                    statement(w, &pack, "parts += ", "");
                    return;
                }
                let encoder = self.module.encoder_function(element, where_);
                let item = self.locals.fresh("element");
                w.line(format!("for {item} in {check}:"));
                w.line(format!("    {encoder}(parts, {item})"));
            }
        }
    }

    /// Appends the open segment's `pack`, if it has values.
    fn flush(&mut self, w: &mut Writer, hint: &str) {
        if self.format.is_empty() {
            return;
        }
        let first = self.first.take();
        let layout = self
            .module
            .struct_const(first.as_deref().unwrap_or(hint), &self.format.text());
        let call = Expr::call(format!("{layout}.pack"), std::mem::take(&mut self.args));
        statement(w, &Expr::call("parts.append", vec![call]), "", "");
        self.format = Format::default();
    }
}

/// `_np.array(value, "<f4", shape, "where")`: a checked, contiguous array.
fn numpy_array(value: &str, numeric: &Numeric, where_: &str) -> Expr {
    Expr::call(
        "_np.array",
        vec![
            Expr::atom(value),
            Expr::atom(format!("\"{}\"", numeric.dtype)),
            Expr::atom(numeric.shape_text()),
            Expr::atom(format!("\"{where_}\"")),
        ],
    )
}

/// A primitive as a `pack` argument, checked where `struct` would not.
fn scalar_arg(module: &Module<'_>, scalar: Scalar, expr: &str) -> String {
    match scalar {
        Scalar::Bool => format!("_rt.check_bool({expr})"),
        Scalar::Enum(id) => format!("{}[{expr}]", module.enum_members(id)),
        Scalar::Int32 | Scalar::Float32 => expr.to_owned(),
    }
}

/// The `pack` argument of an array of primitives (`check` checks its length).
fn repeat_arg(module: &Module<'_>, scalar: Scalar, check: &str) -> String {
    match scalar {
        Scalar::Enum(id) => format!("*[{}[e] for e in {check}]", module.enum_members(id)),
        Scalar::Bool => format!("*_rt.check_bools({check})"),
        Scalar::Int32 | Scalar::Float32 => format!("*{check}"),
    }
}

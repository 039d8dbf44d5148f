//! `EncodedLength`, `Write`, `WriteChecked` and the internal `Encode`,
//! rendered from the wire plan ([`crate::plan`]).
//!
//! A write encodes the whole message into one byte array (a buffer reused
//! per thread while the length stays the same) and hands it to the memory
//! with one `WriteBytes`. Both runtimes check the range before copying, so a
//! message that does not fit writes nothing; so does a message with a null or
//! wrong-length field, found while measuring or encoding. That works on the
//! original package too, which does not expose its capacity.

use std::collections::BTreeSet;

use pusm_schema::{Item, StructDef, TypeRef};

use super::naming::Temps;
use super::text::summary_raw;
use super::wire::Helper;
use super::{FileEmitter, MEMORY};
use crate::emit::writer::Writer;
use crate::plan::{Body, Element, Fixed, Path, PrefixKind, RunItem, Scalar, Step, VarKind};

/// The root of a plan body being rendered: its C# expression and type.
#[derive(Clone, Copy)]
pub(super) struct Root<'r> {
    /// `this`, a list element, an optional's value...
    pub(super) expr: &'r str,
    /// The root's schema type (paths start from it).
    pub(super) ty: &'r TypeRef,
    /// What errors call the root itself.
    pub(super) place: &'r str,
}

/// What every statement needs: the wire class and the enclosing members.
pub(super) struct Ctx<'c> {
    pub(super) wire: &'c str,
    pub(super) members: &'c BTreeSet<String>,
}

impl FileEmitter<'_> {
    /// The schema type at `path` from `root`.
    pub(super) fn type_at(&self, root: &TypeRef, path: &Path) -> TypeRef {
        match path.0.last() {
            Some(step) => match self.schema.item(step.owner) {
                Item::Struct(def) => def.fields[step.field].ty.clone(),
                Item::Enum(_) => root.clone(),
            },
            None => root.clone(),
        }
    }

    /// The element type of a list or optional, or an array's.
    pub(super) fn inner_type(ty: &TypeRef) -> TypeRef {
        match ty {
            TypeRef::List(inner) | TypeRef::Optional(inner) | TypeRef::Array(inner, _) => {
                (**inner).clone()
            }
            other => other.clone(),
        }
    }

    pub(super) fn length_method(
        &self,
        w: &mut Writer,
        def: &StructDef,
        body: &Body,
        root_ty: &TypeRef,
        members: &BTreeSet<String>,
    ) {
        w.blank();
        summary_raw(
            w,
            &[
                "The bytes this message takes on the wire (without a fingerprint): what",
                "<see cref=\"Write\"/> writes. A memory needs this much room from the offset.",
            ],
        );
        w.line("public int EncodedLength()");
        w.line("{");
        w.indent();
        let fixed = fixed_bytes(body);
        let has_var = body.steps.iter().any(|step| matches!(step, Step::Var(_)));
        if has_var {
            let wire = self.wire_ref(members);
            let ctx = Ctx {
                wire: &wire,
                members,
            };
            let root = Root {
                expr: "this",
                ty: root_ty,
                place: &def.name,
            };
            let mut temps = Temps::new(&self.type_names);
            w.line(format!("int length = {fixed};"));
            w.line("checked");
            w.line("{");
            w.indent();
            self.check_intermediates(w, body, root, &ctx);
            self.add_var_lengths(w, body, root, &ctx, &mut temps);
            w.dedent();
            w.line("}");
            w.line("return length;");
        } else {
            w.line(format!("return {fixed};"));
        }
        w.dedent();
        w.line("}");
    }

    /// `NotNull` checks of the nested structs a body goes through.
    fn check_intermediates(&self, w: &mut Writer, body: &Body, root: Root<'_>, ctx: &Ctx<'_>) {
        let intermediates = self.intermediates(body);
        if !intermediates.is_empty() {
            self.need(Helper::NotNull);
        }
        for (path, _) in intermediates {
            w.line(format!(
                "{}.NotNull({}, \"{}\");",
                ctx.wire,
                self.path_expr(root.expr, &path),
                self.path_place(&path, root.place)
            ));
        }
    }

    /// Statements adding the bytes of the variable parts of `body` to `length`.
    fn add_var_lengths(
        &self,
        w: &mut Writer,
        body: &Body,
        root: Root<'_>,
        ctx: &Ctx<'_>,
        temps: &mut Temps,
    ) {
        let wire = ctx.wire;
        for step in &body.steps {
            let Step::Var(part) = step else { continue };
            let expr = self.path_expr(root.expr, &part.path);
            let place = self.path_place(&part.path, root.place);
            let ty = self.type_at(root.ty, &part.path);
            let inner = Self::inner_type(&ty);
            match &part.kind {
                VarKind::String => {
                    self.need(Helper::String);
                    w.line(format!("length += {wire}.Utf8Length({expr}, \"{place}\");"));
                }
                VarKind::Bytes => {
                    self.need(Helper::NotNull);
                    w.line(format!(
                        "length += {wire}.NotNull({expr}, \"{place}\").Length;"
                    ));
                }
                VarKind::Nested(_) => {
                    self.need(Helper::NotNull);
                    w.line(format!(
                        "length += {wire}.NotNull({expr}, \"{place}\").EncodedLength();"
                    ));
                }
                VarKind::List(Element::Fixed { size, .. }) => {
                    self.need(Helper::NotNull);
                    w.line(format!(
                        "length += {wire}.NotNull({expr}, \"{place}\").Count * {size};"
                    ));
                }
                VarKind::List(Element::Var(element)) => {
                    self.need(Helper::NotNull);
                    let list = temps.fresh("list");
                    let index = temps.fresh("i");
                    w.line(format!("var {list} = {wire}.NotNull({expr}, \"{place}\");"));
                    w.line(format!(
                        "for (int {index} = 0; {index} < {list}.Count; {index}++)"
                    ));
                    let item = format!("{list}[{index}]");
                    let element_root = Root {
                        expr: &item,
                        ty: &inner,
                        place: &place,
                    };
                    self.block(w, |w| {
                        self.add_element_length(w, element, element_root, ctx, temps)
                    });
                }
                VarKind::Optional(element) => {
                    let (present, value) = self.optional_parts(&inner, &expr);
                    w.line(format!("if ({present})"));
                    let value_root = Root {
                        expr: &value,
                        ty: &inner,
                        place: &place,
                    };
                    self.block(w, |w| match element {
                        Element::Fixed { size, .. } => w.line(format!("length += {size};")),
                        Element::Var(element) => {
                            self.add_element_length(w, element, value_root, ctx, temps)
                        }
                    });
                }
                VarKind::Array { count, element } => {
                    self.need(Helper::CheckLength);
                    let array = temps.fresh("array");
                    let index = temps.fresh("i");
                    w.line(format!(
                        "var {array} = {wire}.CheckLength({expr}, {count}, \"{place}\");"
                    ));
                    w.line(format!(
                        "for (int {index} = 0; {index} < {count}; {index}++)"
                    ));
                    let item = format!("{array}[{index}]");
                    let element_root = Root {
                        expr: &item,
                        ty: &inner,
                        place: &place,
                    };
                    self.block(w, |w| {
                        self.add_element_length(w, element, element_root, ctx, temps)
                    });
                }
            }
        }
    }

    /// Statements adding all the bytes of an element (a body of its own).
    fn add_element_length(
        &self,
        w: &mut Writer,
        body: &Body,
        root: Root<'_>,
        ctx: &Ctx<'_>,
        temps: &mut Temps,
    ) {
        self.check_root(w, root, ctx);
        self.check_intermediates(w, body, root, ctx);
        let fixed = fixed_bytes(body);
        if fixed > 0 {
            w.line(format!("length += {fixed};"));
        }
        self.add_var_lengths(w, body, root, ctx, temps);
    }

    /// A `NotNull` check of an element root that is a class.
    fn check_root(&self, w: &mut Writer, root: Root<'_>, ctx: &Ctx<'_>) {
        if let TypeRef::Named(id) = root.ty {
            if matches!(self.schema.item(*id), Item::Struct(_)) && self.unity_of(*id).is_none() {
                self.need(Helper::NotNull);
                w.line(format!(
                    "{}.NotNull({}, \"{}\");",
                    ctx.wire, root.expr, root.place
                ));
            }
        }
    }

    /// `{`, the statements of `f` one level in, `}`.
    pub(super) fn block(&self, w: &mut Writer, f: impl FnOnce(&mut Writer)) {
        w.line("{");
        w.indent();
        f(w);
        w.dedent();
        w.line("}");
    }

    /// The presence test and the value of the optional `expr` of `Optional(inner)`.
    pub(super) fn optional_parts(&self, inner: &TypeRef, expr: &str) -> (String, String) {
        if self.is_value_type(inner) {
            (format!("{expr}.HasValue"), format!("{expr}.Value"))
        } else {
            (format!("{expr} != null"), expr.to_owned())
        }
    }

    pub(super) fn write_methods(
        &self,
        w: &mut Writer,
        body: &Body,
        root_ty: &TypeRef,
        def: &StructDef,
        members: &BTreeSet<String>,
    ) {
        let wire = self.wire_ref(members);
        self.need(Helper::Core);
        w.blank();
        summary_raw(
            w,
            &[
                "Writes this message at <paramref name=\"offset\"/>; returns the offset just past it.",
                "Checks first, writes second: the message is encoded into one array and written with",
                "one WriteBytes, so a message that does not fit, or has a null or wrong-length field,",
                "writes nothing.",
            ],
        );
        w.line(format!("public int Write({MEMORY} sm, int offset)"));
        self.block(w, |w| {
            w.line(format!("byte[] buffer = {wire}.Buffer(EncodedLength());"));
            w.line("Encode(buffer, 0);");
            w.line("return sm.WriteBytes(offset, buffer);");
        });

        w.blank();
        summary_raw(
            w,
            &[
                "Writes <see cref=\"Fingerprint\"/> (as an int with the same bits), then this message,",
                "with one WriteBytes as <see cref=\"Write\"/> does; returns the offset just past it.",
            ],
        );
        w.line(format!("public int WriteChecked({MEMORY} sm, int offset)"));
        self.block(w, |w| {
            w.line(format!(
                "byte[] buffer = {wire}.Buffer(checked(4 + EncodedLength()));"
            ));
            w.line(format!(
                "{wire}.PutInt32(buffer, 0, unchecked((int)Fingerprint));"
            ));
            w.line("Encode(buffer, 4);");
            w.line("return sm.WriteBytes(offset, buffer);");
        });

        w.blank();
        summary_raw(
            w,
            &["Encodes this message into <paramref name=\"buffer\"/> at <paramref name=\"at\"/>; returns the index just past it."],
        );
        w.line("internal int Encode(byte[] buffer, int at)");
        let ctx = Ctx {
            wire: &wire,
            members,
        };
        let root = Root {
            expr: "this",
            ty: root_ty,
            place: &def.name,
        };
        let mut temps = Temps::new(&self.type_names);
        self.block(w, |w| {
            self.check_intermediates(w, body, root, &ctx);
            self.encode_body(w, body, root, &ctx, &mut temps);
            w.line("return at;");
        });
    }

    /// Statements encoding `body` at `at`, moving `at` past it.
    fn encode_body(
        &self,
        w: &mut Writer,
        body: &Body,
        root: Root<'_>,
        ctx: &Ctx<'_>,
        temps: &mut Temps,
    ) {
        let wire = ctx.wire;
        for step in &body.steps {
            match step {
                Step::Run(run) => {
                    for item in &run.items {
                        match item {
                            RunItem::Value { path, value } => {
                                let expr = self.path_expr(root.expr, path);
                                let place = self.path_place(path, root.place);
                                self.encode_fixed(w, value, &expr, "at", &place, ctx, temps);
                            }
                            RunItem::Prefix(prefix) => {
                                let expr = self.path_expr(root.expr, &prefix.path);
                                let place = self.path_place(&prefix.path, root.place);
                                let pos = plus("at", prefix.offset);
                                match prefix.kind {
                                    // Written with the bytes, once their UTF-8 length is known.
                                    PrefixKind::Length => {}
                                    PrefixKind::Count => {
                                        self.need(Helper::NotNull);
                                        w.line(format!(
                                            "{wire}.PutInt32(buffer, {pos}, {wire}.NotNull({expr}, \"{place}\").Count);"
                                        ));
                                    }
                                    PrefixKind::Presence => {
                                        let ty = self.type_at(root.ty, &prefix.path);
                                        let (present, _) =
                                            self.optional_parts(&Self::inner_type(&ty), &expr);
                                        w.line(format!(
                                            "{wire}.PutBool(buffer, {pos}, {present});"
                                        ));
                                    }
                                }
                            }
                        }
                    }
                    if run.size > 0 {
                        w.line(format!("at += {};", run.size));
                    }
                }
                Step::Var(part) => {
                    let expr = self.path_expr(root.expr, &part.path);
                    let place = self.path_place(&part.path, root.place);
                    let ty = self.type_at(root.ty, &part.path);
                    let inner = Self::inner_type(&ty);
                    self.encode_var(w, &part.kind, &expr, &place, &inner, ctx, temps);
                }
            }
        }
    }

    /// Statements encoding the variable part `kind` of `expr` (its prefix is
    /// just before `at`), moving `at` past it.
    #[allow(clippy::too_many_arguments)]
    fn encode_var(
        &self,
        w: &mut Writer,
        kind: &VarKind,
        expr: &str,
        place: &str,
        inner: &TypeRef,
        ctx: &Ctx<'_>,
        temps: &mut Temps,
    ) {
        let wire = ctx.wire;
        match kind {
            VarKind::String => {
                self.need(Helper::String);
                w.line(format!(
                    "at = {wire}.PutString(buffer, at, {expr}, \"{place}\");"
                ));
            }
            VarKind::Bytes => {
                self.need(Helper::Bytes);
                w.line(format!(
                    "at = {wire}.PutBytes(buffer, at, {expr}, \"{place}\");"
                ));
            }
            VarKind::Nested(_) => {
                self.need(Helper::NotNull);
                w.line(format!(
                    "at = {wire}.NotNull({expr}, \"{place}\").Encode(buffer, at);"
                ));
            }
            VarKind::List(element) => {
                let list = temps.fresh("list");
                let index = temps.fresh("i");
                w.line(format!("var {list} = {expr};"));
                if element_size(element) == Some(0) {
                    return;
                }
                w.line(format!(
                    "for (int {index} = 0; {index} < {list}.Count; {index}++)"
                ));
                let item = format!("{list}[{index}]");
                match element {
                    Element::Fixed { size, value } => {
                        let pos = format!("at + {index} * {size}");
                        self.block(w, |w| {
                            self.encode_fixed(w, value, &item, &pos, place, ctx, temps)
                        });
                        w.line(format!("at += {list}.Count * {size};"));
                    }
                    Element::Var(body) => {
                        let element_root = Root {
                            expr: &item,
                            ty: inner,
                            place,
                        };
                        self.block(w, |w| {
                            self.check_root(w, element_root, ctx);
                            self.check_intermediates(w, body, element_root, ctx);
                            self.encode_body(w, body, element_root, ctx, temps);
                        });
                    }
                }
            }
            VarKind::Optional(element) => {
                let (present, value) = self.optional_parts(inner, expr);
                w.line(format!("if ({present})"));
                self.block(w, |w| match element {
                    Element::Fixed { size, value: fixed } => {
                        self.encode_fixed(w, fixed, &value, "at", place, ctx, temps);
                        if *size > 0 {
                            w.line(format!("at += {size};"));
                        }
                    }
                    Element::Var(body) => {
                        let value_root = Root {
                            expr: &value,
                            ty: inner,
                            place,
                        };
                        self.check_intermediates(w, body, value_root, ctx);
                        self.encode_body(w, body, value_root, ctx, temps);
                    }
                });
            }
            VarKind::Array { count, element } => {
                self.need(Helper::CheckLength);
                let array = temps.fresh("array");
                let index = temps.fresh("i");
                w.line(format!(
                    "var {array} = {wire}.CheckLength({expr}, {count}, \"{place}\");"
                ));
                w.line(format!(
                    "for (int {index} = 0; {index} < {count}; {index}++)"
                ));
                let item = format!("{array}[{index}]");
                let element_root = Root {
                    expr: &item,
                    ty: inner,
                    place,
                };
                self.block(w, |w| {
                    self.check_root(w, element_root, ctx);
                    self.check_intermediates(w, element, element_root, ctx);
                    self.encode_body(w, element, element_root, ctx, temps);
                });
            }
        }
    }

    /// Statements encoding the fixed-size `value` of `expr`; its offsets are
    /// relative to index `base` of `buffer`.
    #[allow(clippy::too_many_arguments)]
    fn encode_fixed(
        &self,
        w: &mut Writer,
        value: &Fixed,
        expr: &str,
        base: &str,
        place: &str,
        ctx: &Ctx<'_>,
        temps: &mut Temps,
    ) {
        let wire = ctx.wire;
        match value {
            Fixed::Scalar { offset, scalar } => {
                let pos = plus(base, *offset);
                w.line(match scalar {
                    Scalar::Bool => format!("{wire}.PutBool(buffer, {pos}, {expr});"),
                    Scalar::Int32 => format!("{wire}.PutInt32(buffer, {pos}, {expr});"),
                    Scalar::Float32 => format!("{wire}.PutFloat32(buffer, {pos}, {expr});"),
                    Scalar::Enum(_) => format!("{wire}.PutInt32(buffer, {pos}, (int){expr});"),
                });
            }
            Fixed::Struct { ty, fields, .. } => {
                let target = if self.unity_of(*ty).is_some() {
                    expr.to_owned()
                } else if fields.is_empty() {
                    self.need(Helper::NotNull);
                    w.line(format!("{wire}.NotNull({expr}, \"{place}\");"));
                    return;
                } else {
                    self.need(Helper::NotNull);
                    let local = temps.fresh("nested");
                    w.line(format!(
                        "var {local} = {wire}.NotNull({expr}, \"{place}\");"
                    ));
                    local
                };
                for (index, field) in fields.iter().enumerate() {
                    let field_expr = format!("{target}.{}", self.member(*ty, index));
                    let field_place = format!(
                        "{}.{}",
                        self.schema.item(*ty).name(),
                        self.member(*ty, index)
                    );
                    self.encode_fixed(w, field, &field_expr, base, &field_place, ctx, temps);
                }
            }
            Fixed::Nested { offset, .. } => {
                // Its own Encode writes its bytes inside the run's buffer.
                self.need(Helper::NotNull);
                let pos = plus(base, *offset);
                w.line(format!(
                    "{wire}.NotNull({expr}, \"{place}\").Encode(buffer, {pos});"
                ));
            }
            Fixed::Repeat {
                offset,
                count,
                stride,
                element,
            } => {
                self.need(Helper::CheckLength);
                let check = format!("{wire}.CheckLength({expr}, {count}, \"{place}\")");
                if *stride == 0 {
                    w.line(format!("{check};"));
                    return;
                }
                let array = temps.fresh("array");
                let index = temps.fresh("i");
                w.line(format!("var {array} = {check};"));
                w.line(format!(
                    "for (int {index} = 0; {index} < {count}; {index}++)"
                ));
                let item = format!("{array}[{index}]");
                let element_base = add(&plus(base, *offset), &format!("{index} * {stride}"));
                self.block(w, |w| {
                    self.encode_fixed(w, element, &item, &element_base, place, ctx, temps)
                });
            }
        }
    }
}

/// The bytes of `body`'s runs: its size without the variable parts.
pub(super) fn fixed_bytes(body: &Body) -> usize {
    body.steps
        .iter()
        .map(|step| match step {
            Step::Run(run) => run.size,
            Step::Var(_) => 0,
        })
        .sum()
}

/// The byte size of a fixed element.
pub(super) fn element_size(element: &Element) -> Option<usize> {
    match element {
        Element::Fixed { size, .. } => Some(*size),
        Element::Var(_) => None,
    }
}

/// `a + b`, without adding a literal 0.
pub(super) fn add(a: &str, b: &str) -> String {
    match (a, b) {
        (a, "0") => a.to_owned(),
        ("0", b) => b.to_owned(),
        (a, b) => format!("{a} + {b}"),
    }
}

/// `base`, or `base + k`.
pub(super) fn plus(base: &str, k: usize) -> String {
    if k == 0 {
        base.to_owned()
    } else if base == "0" {
        k.to_string()
    } else {
        format!("{base} + {k}")
    }
}

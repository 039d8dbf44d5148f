//! `Read`, `ReadChecked`, `ReadInto`, `ReadCheckedInto` and the internal
//! `Decode`, rendered from the wire plan's read groups ([`Body::read_groups`]).
//!
//! Each group is one fetch: a run of fixed-size values (ending with the
//! length, count or flag of the variable part after it), or the bytes of a
//! string, a byte array, a list of fixed-size elements or an optional
//! fixed-size value together with the run after them. `Read` fetches with
//! `ReadBytes` (one call, a new array); `ReadInto` (`pooled`) fills a
//! per-thread buffer with primitive reads, which allocate nothing, and reuses
//! the instance's lists, arrays, nested messages and unchanged strings.

use std::collections::{BTreeSet, HashMap};

use pusm_schema::{Item, StructDef, TypeRef};

use super::encode::{add, plus, Ctx, Root};
use super::naming::Temps;
use super::text::{new_array, summary_raw};
use super::wire::{enum_reader, Helper};
use super::{FileEmitter, INVALID_DATA, MEMORY};
use crate::emit::writer::Writer;
use crate::plan::{
    Body, Element, Fixed, PayloadSize, PrefixKind, ReadGroup, Run, RunItem, Scalar, VarKind,
    VarPart,
};

/// The locals holding the prefixes read so far, by the step index of their variable part.
type Prefixes = HashMap<usize, String>;

impl FileEmitter<'_> {
    pub(super) fn read_methods(
        &self,
        w: &mut Writer,
        def: &StructDef,
        class: &str,
        body: &Body,
        root_ty: &TypeRef,
        members: &BTreeSet<String>,
    ) {
        let wire = self.wire_ref(members);
        self.need(Helper::Core);
        self.need(Helper::Fingerprint);
        let invalid = format!(
            "/// <exception cref=\"{INVALID_DATA}\">The bytes are not a valid {}:\n/// a negative length, \
             invalid UTF-8, an unknown enum value.</exception>",
            def.name
        );
        let mismatch = format!(
            "/// <exception cref=\"{}\">The fingerprint is another type's:\n/// the peers were built from different schemas.</exception>",
            self.mismatch_ref(members)
        );

        w.blank();
        summary_raw(w, &["Reads a message at <paramref name=\"offset\"/>; returns it and the offset just past it."]);
        w.line(&invalid);
        w.line(format!(
            "public static ({class}, int) Read({MEMORY} sm, int offset)"
        ));
        self.block(w, |w| {
            w.line(format!("var message = new {class}();"));
            w.line("int end = message.Decode(sm, offset, false);");
            w.line("return (message, end);");
        });

        w.blank();
        summary_raw(
            w,
            &[
                "Reads a fingerprint and, when it is <see cref=\"Fingerprint\"/>, the message after it;",
                "returns the message and the offset just past it.",
            ],
        );
        w.line(&mismatch);
        w.line(&invalid);
        w.line(format!(
            "public static ({class}, int) ReadChecked({MEMORY} sm, int offset)"
        ));
        self.block(w, |w| {
            w.line(format!(
                "return Read(sm, {wire}.CheckFingerprint(sm, offset, Fingerprint, \"{}\"));",
                def.name
            ))
        });

        w.blank();
        summary_raw(
            w,
            &[
                "Reads a message at <paramref name=\"offset\"/> into this instance, reusing its lists,",
                "arrays, nested messages and unchanged strings; returns the offset just past it.",
                "In steady state (same sizes, same strings) it allocates nothing. After an exception",
                "the instance holds part of the message.",
            ],
        );
        w.line(&invalid);
        w.line(format!("public int ReadInto({MEMORY} sm, int offset)"));
        self.block(w, |w| w.line("return Decode(sm, offset, true);"));

        w.blank();
        summary_raw(
            w,
            &["Checks the fingerprint as <see cref=\"ReadChecked\"/> does, then reads as <see cref=\"ReadInto\"/> does."],
        );
        w.line(&mismatch);
        w.line(&invalid);
        w.line(format!(
            "public int ReadCheckedInto({MEMORY} sm, int offset)"
        ));
        self.block(w, |w| {
            w.line(format!(
                "return Decode(sm, {wire}.CheckFingerprint(sm, offset, Fingerprint, \"{}\"), true);",
                def.name
            ))
        });

        w.blank();
        summary_raw(w, &["Reads into this instance; <paramref name=\"pooled\"/> fetches into a reused buffer."]);
        w.line(format!(
            "internal int Decode({MEMORY} sm, int offset, bool pooled)"
        ));
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
        let mut inner = Writer::new(super::INDENT);
        self.decode_body(&mut inner, body, root, &ctx, &mut temps);
        let statements = inner.finish();
        self.block(w, |w| {
            // `run` is declared only when the body uses it.
            if statements.contains(" run = ") || statements.contains("(run, ") {
                w.line("byte[] run = null;");
            }
            w.lines(statements.lines());
            w.line("return offset;");
        });
    }

    /// `DecodeRun`, for a fixed-size struct too large to inline
    /// ([`Fixed::Nested`]): decodes this instance from `run` at `at`, bytes
    /// an enclosing message already fetched (`offset` is the memory offset of
    /// `run[0]`, for error messages).
    pub(super) fn decode_run_method(
        &self,
        w: &mut Writer,
        ty: pusm_schema::TypeId,
        members: &BTreeSet<String>,
    ) {
        let Some(Fixed::Struct { fields, .. }) =
            crate::plan::plan_fixed(self.schema, &TypeRef::Named(ty), 0)
        else {
            return;
        };
        let wire = self.wire_ref(members);
        let ctx = Ctx {
            wire: &wire,
            members,
        };
        w.blank();
        summary_raw(w, &["Decodes this instance from <paramref name=\"run\"/> at <paramref name=\"at\"/>: bytes an enclosing message fetched."]);
        w.line("internal void DecodeRun(byte[] run, int at, int offset)");
        let mut temps = Temps::new(&self.type_names);
        let name = self.schema.item(ty).name();
        self.block(w, |w| {
            for (index, field) in fields.iter().enumerate() {
                let member = self.member(ty, index);
                let target = format!("this.{member}");
                let place = format!("{name}.{member}");
                self.decode_fixed(w, field, &target, "at", &place, &ctx, &mut temps);
            }
        });
    }

    /// Makes sure the nested objects `body` reads into exist.
    fn ensure_intermediates(&self, w: &mut Writer, body: &Body, root: Root<'_>, ctx: &Ctx<'_>) {
        for (path, id) in self.intermediates(body) {
            let expr = self.path_expr(root.expr, &path);
            self.ensure(w, &expr, &TypeRef::Named(id), ctx);
        }
    }

    /// `if (expr == null) expr = new T();` for a class, a list or nothing else.
    fn ensure(&self, w: &mut Writer, expr: &str, ty: &TypeRef, ctx: &Ctx<'_>) {
        let creates = match ty {
            TypeRef::Named(id) => {
                matches!(self.schema.item(*id), Item::Struct(_)) && self.unity_of(*id).is_none()
            }
            _ => false,
        };
        if creates {
            w.line(format!("if ({expr} == null)"));
            self.block(w, |w| {
                w.line(format!(
                    "{expr} = new {}();",
                    self.type_name(ty, ctx.members)
                ))
            });
        }
    }

    /// Statements reading `body` at `offset` into `root`, moving `offset` past it.
    fn decode_body(
        &self,
        w: &mut Writer,
        body: &Body,
        root: Root<'_>,
        ctx: &Ctx<'_>,
        temps: &mut Temps,
    ) {
        if root.expr != "this" {
            self.ensure(w, root.expr, root.ty, ctx);
        }
        self.ensure_intermediates(w, body, root, ctx);
        let mut prefixes = Prefixes::new();
        for group in body.read_groups() {
            match group {
                ReadGroup::Run(index) => {
                    let Some(run) = body.run(index) else { continue };
                    self.decode_lone_run(w, run, index, root, ctx, temps, &mut prefixes);
                }
                ReadGroup::Payload { var, run } => {
                    let Some(part) = body.var(var) else { continue };
                    let after = run.and_then(|index| body.run(index).map(|run| (index, run)));
                    self.decode_payload(w, part, var, after, root, ctx, temps, &mut prefixes);
                }
                ReadGroup::Var(index) => {
                    let Some(part) = body.var(index) else {
                        continue;
                    };
                    let prefix = prefixes.get(&index).cloned();
                    self.decode_var(w, part, prefix.as_deref(), root, ctx, temps);
                }
            }
        }
    }

    /// A run read with one fetch (or, when it holds only a prefix, one primitive read).
    #[allow(clippy::too_many_arguments)]
    fn decode_lone_run(
        &self,
        w: &mut Writer,
        run: &Run,
        index: usize,
        root: Root<'_>,
        ctx: &Ctx<'_>,
        temps: &mut Temps,
        prefixes: &mut Prefixes,
    ) {
        let wire = ctx.wire;
        if let [RunItem::Prefix(prefix)] = run.items.as_slice() {
            let place = self.path_place(&prefix.path, root.place);
            let local = self.prefix_local(prefix.kind, temps);
            match prefix.kind {
                PrefixKind::Length | PrefixKind::Count => {
                    self.need(Helper::Count);
                    w.line(format!(
                        "int {local} = {wire}.Count(sm.ReadInt32(offset).Item1, \"{place}\", offset);"
                    ));
                }
                PrefixKind::Presence => {
                    w.line(format!("bool {local} = sm.ReadBool(offset).Item1;"));
                }
            }
            w.line(format!("offset += {};", run.size));
            prefixes.insert(index + 1, local);
            return;
        }
        if run.size > 0 {
            w.line(format!(
                "run = {wire}.Fetch(sm, offset, {}, pooled);",
                run.size
            ));
        }
        self.decode_run_items(w, run, index, "0", root, ctx, temps, prefixes);
        if run.size > 0 {
            w.line(format!("offset += {};", run.size));
        }
    }

    /// A fresh local for a prefix of `kind`.
    fn prefix_local(&self, kind: PrefixKind, temps: &mut Temps) -> String {
        match kind {
            PrefixKind::Length => temps.fresh("length"),
            PrefixKind::Count => temps.fresh("count"),
            PrefixKind::Presence => temps.fresh("present"),
        }
    }

    /// Decodes the items of `run`, fetched into `run` at index `base`
    /// (memory offset `offset + base`).
    #[allow(clippy::too_many_arguments)]
    fn decode_run_items(
        &self,
        w: &mut Writer,
        run: &Run,
        index: usize,
        base: &str,
        root: Root<'_>,
        ctx: &Ctx<'_>,
        temps: &mut Temps,
        prefixes: &mut Prefixes,
    ) {
        let wire = ctx.wire;
        for item in &run.items {
            match item {
                RunItem::Value { path, value } => {
                    let expr = self.path_expr(root.expr, path);
                    let place = self.path_place(path, root.place);
                    self.decode_fixed(w, value, &expr, base, &place, ctx, temps);
                }
                RunItem::Prefix(prefix) => {
                    let place = self.path_place(&prefix.path, root.place);
                    let pos = plus(base, prefix.offset);
                    let local = self.prefix_local(prefix.kind, temps);
                    match prefix.kind {
                        PrefixKind::Length | PrefixKind::Count => {
                            self.need(Helper::Count);
                            w.line(format!(
                                "int {local} = {wire}.Count({wire}.GetInt32(run, {pos}), \"{place}\", {});",
                                add("offset", &pos)
                            ));
                        }
                        PrefixKind::Presence => {
                            w.line(format!("bool {local} = {wire}.GetBool(run, {pos});"));
                        }
                    }
                    prefixes.insert(index + 1, local);
                }
            }
        }
    }

    /// The bytes of a string, byte array, list of fixed-size elements or
    /// optional fixed-size value, and the run after them, with one fetch.
    #[allow(clippy::too_many_arguments)]
    fn decode_payload(
        &self,
        w: &mut Writer,
        part: &VarPart,
        var: usize,
        after: Option<(usize, &Run)>,
        root: Root<'_>,
        ctx: &Ctx<'_>,
        temps: &mut Temps,
        prefixes: &mut Prefixes,
    ) {
        let wire = ctx.wire;
        let Some(prefix) = prefixes.get(&var).cloned() else {
            return;
        };
        let expr = self.path_expr(root.expr, &part.path);
        let place = self.path_place(&part.path, root.place);
        let ty = self.type_at(root.ty, &part.path);
        let inner = Self::inner_type(&ty);
        let size = match part.payload() {
            Some(PayloadSize::Length) => prefix.clone(),
            Some(PayloadSize::CountTimes(size)) => {
                self.need(Helper::Span);
                format!("{wire}.Span({prefix}, {size}, \"{place}\", offset - 4)")
            }
            Some(PayloadSize::IfPresent(size)) => format!("({prefix} ? {size} : 0)"),
            None => return,
        };
        let bytes = temps.fresh("bytes");
        w.line(format!("int {bytes} = {size};"));
        let run_size = after.map_or(0, |(_, run)| run.size);
        w.line(format!(
            "run = {wire}.Fetch(sm, offset, {}, pooled);",
            plus(&bytes, run_size)
        ));
        match &part.kind {
            VarKind::String => {
                self.need(Helper::String);
                w.line(format!(
                    "{expr} = {wire}.GetString(run, 0, {prefix}, {expr}, \"{place}\", offset - 4);"
                ));
            }
            VarKind::Bytes => {
                self.need(Helper::Bytes);
                w.line(format!(
                    "{expr} = {wire}.GetBytes(run, 0, {prefix}, {expr});"
                ));
            }
            VarKind::List(Element::Fixed { size, value }) => {
                let list = self.reuse_list(w, &expr, &ty, &prefix, *size > 0, ctx, temps);
                let index = temps.fresh("i");
                let item = temps.fresh("item");
                self.reuse_loop(
                    w,
                    &list,
                    &prefix,
                    &index,
                    &item,
                    &inner,
                    ctx,
                    |w, temps| {
                        let base = format!("{index} * {size}");
                        self.decode_fixed(w, value, &item, &base, &place, ctx, temps);
                    },
                    temps,
                );
            }
            VarKind::Optional(Element::Fixed { value, .. }) => {
                w.line(format!("if ({prefix})"));
                self.block(w, |w| {
                    self.decode_optional_fixed(w, value, &expr, &inner, &place, ctx, temps)
                });
                w.line("else");
                self.block(w, |w| w.line(format!("{expr} = null;")));
            }
            _ => {}
        }
        if let Some((index, run)) = after {
            self.decode_run_items(w, run, index, &bytes, root, ctx, temps, prefixes);
        }
        w.line(format!("offset += {};", plus(&bytes, run_size)));
    }

    /// Decodes an optional's fixed-size value at index 0 of `run` into `expr`.
    #[allow(clippy::too_many_arguments)]
    fn decode_optional_fixed(
        &self,
        w: &mut Writer,
        value: &Fixed,
        expr: &str,
        inner: &TypeRef,
        place: &str,
        ctx: &Ctx<'_>,
        temps: &mut Temps,
    ) {
        if self.is_value_type(inner) {
            // A nullable value type: decode into a local, then assign.
            let local = temps.fresh("value");
            w.line(format!(
                "var {local} = default({});",
                self.type_name(inner, ctx.members)
            ));
            self.decode_fixed(w, value, &local, "0", place, ctx, temps);
            w.line(format!("{expr} = {local};"));
        } else {
            self.decode_fixed(w, value, expr, "0", place, ctx, temps);
        }
    }

    /// `var list = expr`, created when null (with `capacity`, or the bounded
    /// initial capacity when the count is not yet backed by bytes).
    #[allow(clippy::too_many_arguments)]
    fn reuse_list(
        &self,
        w: &mut Writer,
        expr: &str,
        ty: &TypeRef,
        count: &str,
        backed: bool,
        ctx: &Ctx<'_>,
        temps: &mut Temps,
    ) -> String {
        let list = temps.fresh("list");
        let capacity = if backed {
            count.to_owned()
        } else {
            self.need(Helper::Count);
            format!("{}.InitialCapacity({count})", ctx.wire)
        };
        w.line(format!("var {list} = {expr};"));
        w.line(format!("if ({list} == null)"));
        self.block(w, |w| {
            w.line(format!(
                "{list} = new {}({capacity});",
                self.type_name(ty, ctx.members)
            ));
            w.line(format!("{expr} = {list};"));
        });
        if backed {
            // The bytes are there (fetched): the count is not a corrupted one.
            w.line(format!("else if ({list}.Capacity < {count})"));
            self.block(w, |w| w.line(format!("{list}.Capacity = {count};")));
        }
        list
    }

    /// The loop that reads `count` elements into `list`, reusing the ones it
    /// has and dropping the ones past `count`.
    #[allow(clippy::too_many_arguments)]
    fn reuse_loop(
        &self,
        w: &mut Writer,
        list: &str,
        count: &str,
        index: &str,
        item: &str,
        element: &TypeRef,
        ctx: &Ctx<'_>,
        read: impl FnOnce(&mut Writer, &mut Temps),
        temps: &mut Temps,
    ) {
        let keep = temps.fresh("keep");
        w.line(format!("int {keep} = {list}.Count;"));
        w.line(format!(
            "for (int {index} = 0; {index} < {count}; {index}++)"
        ));
        self.block(w, |w| {
            w.line(format!(
                "var {item} = {index} < {keep} ? {list}[{index}] : default({});",
                self.type_name(element, ctx.members)
            ));
            read(w, temps);
            w.line(format!("if ({index} < {keep})"));
            self.block(w, |w| w.line(format!("{list}[{index}] = {item};")));
            w.line("else");
            self.block(w, |w| w.line(format!("{list}.Add({item});")));
        });
        w.line(format!("if ({keep} > {count})"));
        self.block(w, |w| {
            w.line(format!("{list}.RemoveRange({count}, {keep} - {count});"))
        });
    }

    /// A variable part that reads its own elements: a list or optional of
    /// variable-size values, or an array of them.
    fn decode_var(
        &self,
        w: &mut Writer,
        part: &VarPart,
        prefix: Option<&str>,
        root: Root<'_>,
        ctx: &Ctx<'_>,
        temps: &mut Temps,
    ) {
        let expr = self.path_expr(root.expr, &part.path);
        let place = self.path_place(&part.path, root.place);
        let ty = self.type_at(root.ty, &part.path);
        let inner = Self::inner_type(&ty);
        match (&part.kind, prefix) {
            (VarKind::List(Element::Var(body)), Some(count)) => {
                let list = self.reuse_list(w, &expr, &ty, count, false, ctx, temps);
                let index = temps.fresh("i");
                let item = temps.fresh("item");
                self.reuse_loop(
                    w,
                    &list,
                    count,
                    &index,
                    &item,
                    &inner,
                    ctx,
                    |w, temps| {
                        let element_root = Root {
                            expr: &item,
                            ty: &inner,
                            place: &place,
                        };
                        self.decode_body(w, body, element_root, ctx, temps);
                    },
                    temps,
                );
            }
            (VarKind::Optional(Element::Var(body)), Some(present)) => {
                w.line(format!("if ({present})"));
                let value_root = Root {
                    expr: &expr,
                    ty: &inner,
                    place: &place,
                };
                self.block(w, |w| self.decode_body(w, body, value_root, ctx, temps));
                w.line("else");
                self.block(w, |w| w.line(format!("{expr} = null;")));
            }
            (VarKind::Array { count, element }, _) => {
                let array = self.reuse_array(w, &inner, &expr, &count.to_string(), ctx, temps);
                let index = temps.fresh("i");
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
                    self.decode_body(w, element, element_root, ctx, temps)
                });
            }
            (VarKind::Nested(id), _) => {
                self.ensure(w, &expr, &TypeRef::Named(*id), ctx);
                w.line(format!("offset = {expr}.Decode(sm, offset, pooled);"));
            }
            // Payloads are read in their groups; a prefix always precedes the others.
            _ => {}
        }
    }

    /// `var array = target`, replaced by a new array unless it has `len` elements.
    fn reuse_array(
        &self,
        w: &mut Writer,
        element: &TypeRef,
        target: &str,
        len: &str,
        ctx: &Ctx<'_>,
        temps: &mut Temps,
    ) -> String {
        let array = temps.fresh("array");
        w.line(format!("var {array} = {target};"));
        w.line(format!("if ({array} == null || {array}.Length != {len})"));
        self.block(w, |w| {
            w.line(format!(
                "{array} = {};",
                new_array(&self.type_name(element, ctx.members), len)
            ));
            w.line(format!("{target} = {array};"));
        });
        array
    }

    /// Statements decoding the fixed-size `value` into `target`; its offsets
    /// are relative to index `base` of `run` (memory offset `offset + base`).
    #[allow(clippy::too_many_arguments)]
    fn decode_fixed(
        &self,
        w: &mut Writer,
        value: &Fixed,
        target: &str,
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
                    Scalar::Bool => format!("{target} = {wire}.GetBool(run, {pos});"),
                    Scalar::Int32 => format!("{target} = {wire}.GetInt32(run, {pos});"),
                    Scalar::Float32 => format!("{target} = {wire}.GetFloat32(run, {pos});"),
                    Scalar::Enum(id) => {
                        self.need(Helper::Enum(*id));
                        format!(
                            "{target} = {wire}.{}({wire}.GetInt32(run, {pos}), \"{place}\", {});",
                            enum_reader(self.schema.item(*id).name()),
                            add("offset", &pos)
                        )
                    }
                });
            }
            Fixed::Struct { ty, fields, .. } => {
                if let Some(unity) = self.unity_of(*ty) {
                    let args: Vec<String> = fields
                        .iter()
                        .map(|field| {
                            format!("{wire}.GetFloat32(run, {})", plus(base, field.offset()))
                        })
                        .collect();
                    w.line(format!(
                        "{target} = new {}({});",
                        unity.type_name(),
                        args.join(", ")
                    ));
                    return;
                }
                let local = temps.fresh("nested");
                w.line(format!("var {local} = {target};"));
                w.line(format!("if ({local} == null)"));
                self.block(w, |w| {
                    w.line(format!(
                        "{local} = new {}();",
                        self.type_ref(*ty, ctx.members)
                    ));
                    w.line(format!("{target} = {local};"));
                });
                for (index, field) in fields.iter().enumerate() {
                    let field_target = format!("{local}.{}", self.member(*ty, index));
                    let field_place = format!(
                        "{}.{}",
                        self.schema.item(*ty).name(),
                        self.member(*ty, index)
                    );
                    self.decode_fixed(w, field, &field_target, base, &field_place, ctx, temps);
                }
            }
            Fixed::Nested { offset, ty, .. } => {
                // Decoded by its own DecodeRun from the bytes already fetched.
                self.ensure(w, target, &TypeRef::Named(*ty), ctx);
                w.line(format!(
                    "{target}.DecodeRun(run, {}, offset);",
                    plus(base, *offset)
                ));
            }
            Fixed::Repeat {
                offset,
                count,
                stride,
                element,
            } => {
                let element_ty = element.schema_type();
                let array =
                    self.reuse_array(w, &element_ty, target, &count.to_string(), ctx, temps);
                let index = temps.fresh("i");
                w.line(format!(
                    "for (int {index} = 0; {index} < {count}; {index}++)"
                ));
                let item = format!("{array}[{index}]");
                let element_base = add(&plus(base, *offset), &format!("{index} * {stride}"));
                self.block(w, |w| {
                    self.decode_fixed(w, element, &item, &element_base, place, ctx, temps)
                });
            }
        }
    }
}

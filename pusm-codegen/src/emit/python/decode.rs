//! Decoding fixed-size values from the bytes of a read: flat segments
//! unpacked with one `struct.Struct` each, arrays of structs per element.

use super::expr::Expr;
use super::module::{Locals, Module};
use super::segments::{code, format_of, plus, scalar_element, Format};
use crate::emit::writer::Writer;
use crate::plan::{Fixed, Scalar};

/// Where the bytes being decoded are: the `bytes` local, the index in it of
/// the run (or element), and the expression of that index's offset in memory.
#[derive(Clone, Copy)]
pub(super) struct Bytes<'s> {
    pub(super) data: &'s str,
    pub(super) base: &'s str,
    pub(super) origin: &'s str,
}

/// `_np.read(data, "<f4", shape, at)`: a read-only array over the bytes.
pub(super) fn numpy_read(data: &str, dtype: &str, shape: &str, at: &str) -> Expr {
    Expr::call(
        "_np.read",
        vec![
            Expr::atom(data),
            Expr::atom(format!("\"{dtype}\"")),
            Expr::atom(shape),
            Expr::atom(at),
        ],
    )
}

/// Arrays of structs with at most this many numbers in all are unpacked with
/// the run, element by element (a bounded amount of code, as in writes).
const UNROLL: usize = 24;

/// `value` with every offset moved by `delta` (an element of an unrolled array).
fn shifted(value: &Fixed, delta: usize) -> Fixed {
    match value {
        Fixed::Scalar { offset, scalar } => Fixed::Scalar {
            offset: offset + delta,
            scalar: *scalar,
        },
        Fixed::Struct { offset, ty, fields } => Fixed::Struct {
            offset: offset + delta,
            ty: *ty,
            fields: fields.iter().map(|field| shifted(field, delta)).collect(),
        },
        Fixed::Nested { offset, ty, size } => Fixed::Nested {
            offset: offset + delta,
            ty: *ty,
            size: *size,
        },
        Fixed::Repeat {
            offset,
            count,
            stride,
            element,
        } => Fixed::Repeat {
            offset: offset + delta,
            count: *count,
            stride: *stride,
            element: element.clone(),
        },
    }
}

/// ` + offset` unless 0, after a base that is `0` or a name.
pub(super) fn plus_offset(base: &str, offset: usize) -> String {
    match plus(base, offset).as_str() {
        "0" => String::new(),
        other => format!(" + {other}"),
    }
}

/// Decodes fixed values of one run or element: collects the flat segments
/// (one `unpack_from` each) while building the values' expressions.
pub(super) struct Decoder<'m, 'a, 'l> {
    module: &'m Module<'a>,
    pub(super) locals: &'l mut Locals,
    at: Bytes<'m>,
    /// Closed segments: (tuple local, start offset, format, name hint).
    segments: Vec<(String, usize, Format, String)>,
    /// The open segment.
    current: Option<(String, usize, Format, String)>,
    /// Where the next value pushed is, which names a new segment's `struct.Struct`.
    hint: String,
}

impl<'m, 'a, 'l> Decoder<'m, 'a, 'l> {
    pub(super) fn new(module: &'m Module<'a>, locals: &'l mut Locals, at: Bytes<'m>) -> Self {
        Decoder {
            module,
            locals,
            at,
            segments: Vec::new(),
            current: None,
            hint: String::new(),
        }
    }

    /// The tuple item holding `count` values of `code` at `offset`: `values[3]`.
    pub(super) fn leaf(&mut self, offset: usize, code: char) -> String {
        let (local, index) = self.push(offset, code, 1);
        format!("{local}[{index}]")
    }

    fn push(&mut self, offset: usize, code: char, count: usize) -> (String, usize) {
        let hint = self.hint.clone();
        let locals = &mut *self.locals;
        let (local, _, format, _) = self
            .current
            .get_or_insert_with(|| (locals.fresh("values"), offset, Format::default(), hint));
        (local.clone(), format.push(code, count))
    }

    fn close(&mut self) {
        if let Some(segment) = self.current.take() {
            self.segments.push(segment);
        }
    }

    /// The expression of a fixed value.
    pub(super) fn value(&mut self, value: &Fixed, where_: &str) -> Expr {
        if self.current.is_none() {
            self.hint = where_.to_owned();
        }
        if let Some(numeric) = self.module.numeric_fixed(value) {
            self.close();
            let at = plus(self.at.base, value.offset());
            return numpy_read(self.at.data, numeric.dtype, &numeric.shape_text(), &at);
        }
        match value {
            Fixed::Scalar { offset, scalar } => {
                let item = self.leaf(*offset, code(*scalar));
                match scalar {
                    Scalar::Enum(id) => {
                        let at =
                            format!("{}{}", self.at.origin, plus_offset(self.at.base, *offset));
                        self.module.to_enum(*id, &item, where_, &at)
                    }
                    _ => Expr::atom(item),
                }
            }
            Fixed::Struct { ty, fields, .. } => {
                let attrs = self.module.attrs(*ty);
                let args = fields
                    .iter()
                    .zip(attrs)
                    .map(|(field, attr)| self.value(field, &format!("{where_}.{attr}")))
                    .collect();
                Expr::call(self.module.class_ref(*ty), args)
            }
            Fixed::Nested { offset, ty, .. } => {
                // Decoded from the bytes already read, by the type's decoder.
                self.close();
                let decode = self.module.nested_decoder(*ty);
                let at = plus(self.at.base, *offset);
                Expr::atom(format!(
                    "{decode}({}, {at}, {})",
                    self.at.data, self.at.origin
                ))
            }
            Fixed::Repeat {
                offset,
                count,
                stride,
                element,
            } => {
                if let Some(scalar) = scalar_element(element) {
                    let (local, index) = self.push(*offset, code(scalar), *count);
                    let slice = format!("{local}[{index}:{}]", index + count);
                    return match scalar {
                        Scalar::Enum(id) => {
                            let at =
                                format!("{}{}", self.at.origin, plus_offset(self.at.base, *offset));
                            Expr::ListComp {
                                element: Box::new(self.module.to_enum(id, "e", where_, &at)),
                                target: "e".into(),
                                iter: Box::new(Expr::atom(slice)),
                            }
                        }
                        _ => Expr::call("list", vec![Expr::atom(slice)]),
                    };
                }
                let mut format = Format::default();
                if self.module.one_format(element) {
                    format_of(element, &mut format);
                }
                if *stride > 0 && format.values > 0 && format.values * count <= UNROLL {
                    // A short array: its elements unpacked with the run.
                    let items = (0..*count)
                        .map(|index| {
                            let at = offset + index * stride;
                            self.value(&shifted(element, at), where_)
                        })
                        .collect::<Vec<_>>();
                    return Expr::List(items);
                }
                self.close();
                let start = plus(self.at.base, *offset);
                if *stride > 0 && self.module.one_format(element) {
                    let mut format = Format::default();
                    format_of(element, &mut format);
                    let layout = self
                        .module
                        .struct_const(&format!("{where_}_item"), &format.text());
                    let mut builder = Element_::new(self.module);
                    let built = builder.build(element, "v", where_, self.at.origin);
                    return Expr::ListComp {
                        element: Box::new(built),
                        target: "v".into(),
                        iter: Box::new(Expr::call(
                            "_rt.unpack_each",
                            vec![
                                Expr::atom(layout),
                                Expr::atom(self.at.data),
                                Expr::atom(start),
                                Expr::atom(count.to_string()),
                            ],
                        )),
                    };
                }
                let decode = self.module.decoder_function(element, where_);
                let at = if *stride == 0 {
                    start
                } else {
                    format!("{start} + {stride} * i")
                };
                Expr::ListComp {
                    element: Box::new(Expr::atom(format!(
                        "{decode}({}, {at}, {})",
                        self.at.data, self.at.origin
                    ))),
                    target: "i".into(),
                    iter: Box::new(Expr::atom(format!("range({count})"))),
                }
            }
        }
    }

    /// Writes the `unpack_from` of every segment.
    pub(super) fn finish(mut self, w: &mut Writer, hint: &str) {
        self.close();
        for (local, start, format, first) in &self.segments {
            if format.is_empty() {
                continue;
            }
            let layout = self
                .module
                .struct_const(if first.is_empty() { hint } else { first }, &format.text());
            let at = plus(self.at.base, *start);
            w.line(format!(
                "{local} = {layout}.unpack_from({}, {at})",
                self.at.data
            ));
        }
    }
}

/// Builds a flat fixed value from one unpacked tuple (`v`), for comprehensions.
pub(super) struct Element_<'m, 'a> {
    module: &'m Module<'a>,
    next: usize,
}

impl<'m, 'a> Element_<'m, 'a> {
    pub(super) fn new(module: &'m Module<'a>) -> Self {
        Element_ { module, next: 0 }
    }

    pub(super) fn build(&mut self, value: &Fixed, tuple: &str, where_: &str, origin: &str) -> Expr {
        match value {
            Fixed::Scalar { scalar, .. } => {
                let item = format!("{tuple}[{}]", self.next);
                self.next += 1;
                match scalar {
                    Scalar::Enum(id) => self.module.to_enum(*id, &item, where_, origin),
                    _ => Expr::atom(item),
                }
            }
            Fixed::Struct { ty, fields, .. } => {
                let attrs = self.module.attrs(*ty);
                let args = fields
                    .iter()
                    .zip(attrs)
                    .map(|(field, attr)| {
                        self.build(field, tuple, &format!("{where_}.{attr}"), origin)
                    })
                    .collect();
                Expr::call(self.module.class_ref(*ty), args)
            }
            // Not one format, so never built from a tuple: callers check
            // `one_format` first.
            Fixed::Nested { ty, .. } => Expr::call(self.module.class_ref(*ty), Vec::new()),
            Fixed::Repeat { count, element, .. } => {
                let start = self.next;
                self.next += count;
                let slice = format!("{tuple}[{start}:{}]", start + count);
                match scalar_element(element) {
                    Some(Scalar::Enum(id)) => Expr::ListComp {
                        element: Box::new(self.module.to_enum(id, "e", where_, origin)),
                        target: "e".into(),
                        iter: Box::new(Expr::atom(slice)),
                    },
                    _ => Expr::call("list", vec![Expr::atom(slice)]),
                }
            }
        }
    }
}

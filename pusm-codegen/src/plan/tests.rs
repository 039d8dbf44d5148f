//! Unit tests of the plan on its own: offsets, folding, repeats, read groups.

use pusm_schema::{load_sources, FileId, Schema, Sources, TypeId};

use super::*;

fn load(text: &str) -> Schema {
    let mut sources = Sources::new();
    sources.add("t.pusm", text);
    match load_sources(&sources, &["t.pusm"]) {
        Ok(schema) => schema,
        Err(error) => panic!("test schema does not load: {error}"),
    }
}

/// The plan of the struct named `name` in the single test file.
fn plan_of(schema: &Schema, name: &str) -> StructPlan {
    let index = schema.files[0]
        .items
        .iter()
        .position(|item| item.name() == name)
        .unwrap_or_else(|| panic!("no type {name}"));
    plan_struct(
        schema,
        TypeId {
            file: FileId(0),
            index,
        },
    )
    .unwrap_or_else(|| panic!("{name} is an enum"))
}

fn run(body: &Body, index: usize) -> &Run {
    body.run(index)
        .unwrap_or_else(|| panic!("step {index} is not a run: {body:?}"))
}

fn var(body: &Body, index: usize) -> &VarPart {
    body.var(index)
        .unwrap_or_else(|| panic!("step {index} is not a variable part: {body:?}"))
}

/// Offsets and scalar kinds of a run's flat leaves, prefixes as `None`.
fn leaves(run: &Run) -> Vec<(usize, Option<Scalar>)> {
    run.flat()
        .iter()
        .map(|item| match item {
            FlatItem::Leaf { offset, scalar, .. } => (*offset, Some(*scalar)),
            FlatItem::Repeat { offset, .. } | FlatItem::Nested { offset, .. } => (*offset, None),
            FlatItem::Prefix(prefix) => (prefix.offset, None),
        })
        .collect()
}

#[test]
fn fixed_fields_make_one_run_with_offsets_and_paths_through_structs() {
    let schema = load(
        "struct Vec3 { x: float32; y: float32; z: float32; }\n\
         struct P { id: int32; on: bool; at: Vec3; }\n",
    );
    let plan = plan_of(&schema, "P");
    assert_eq!(plan.fixed_size, Some(17));
    assert_eq!(plan.body.steps.len(), 1);
    let run = run(&plan.body, 0);
    assert_eq!(run.size, 17);
    assert_eq!(
        leaves(run),
        [
            (0, Some(Scalar::Int32)),
            (4, Some(Scalar::Bool)),
            (5, Some(Scalar::Float32)),
            (9, Some(Scalar::Float32)),
            (13, Some(Scalar::Float32)),
        ]
    );
    let flat = run.flat();
    let FlatItem::Leaf { path, .. } = &flat[3] else {
        panic!("{flat:?}")
    };
    let p = TypeId {
        file: FileId(0),
        index: 1,
    };
    let vec3 = TypeId {
        file: FileId(0),
        index: 0,
    };
    assert_eq!(
        path.0,
        [
            PathStep { owner: p, field: 2 },
            PathStep {
                owner: vec3,
                field: 1
            }
        ]
    );
    assert_eq!(plan.body.read_groups(), [ReadGroup::Run(0)]);
}

#[test]
fn lengths_and_flags_fold_into_the_run_before_them() {
    let schema = load("struct M { a: int32; s: string; f: float32?; tail: bool; }\n");
    let body = plan_of(&schema, "M").body;
    // [a, len(s)] s [flag(f)] f [tail]
    assert_eq!(body.steps.len(), 5);
    let first = run(&body, 0);
    assert_eq!(first.size, 8);
    let prefix = first.prefix().expect("the length of s ends the first run");
    assert_eq!((prefix.offset, prefix.kind), (4, PrefixKind::Length));
    assert_eq!(prefix.path, var(&body, 1).path);
    assert_eq!(var(&body, 1).kind, VarKind::String);
    // A run of nothing but the flag, since a variable part comes before it.
    let flag = run(&body, 2);
    assert_eq!(flag.size, 1);
    assert_eq!(
        flag.prefix().map(|p| (p.offset, p.kind)),
        Some((0, PrefixKind::Presence))
    );
    assert!(matches!(
        var(&body, 3).kind,
        VarKind::Optional(Element::Fixed { size: 4, .. })
    ));
    assert_eq!(run(&body, 4).size, 1);
    // One read per variable length: [a, len], then s with [flag], then f with [tail].
    assert_eq!(
        body.read_groups(),
        [
            ReadGroup::Run(0),
            ReadGroup::Payload {
                var: 1,
                run: Some(2)
            },
            ReadGroup::Payload {
                var: 3,
                run: Some(4)
            },
        ]
    );
    assert_eq!(var(&body, 1).payload(), Some(PayloadSize::Length));
    assert_eq!(var(&body, 3).payload(), Some(PayloadSize::IfPresent(4)));
}

#[test]
fn raw_bytes_are_read_alone_so_the_read_is_the_value() {
    let schema = load("struct M { a: int32; b: bytes; tail: bool; s: string; end: int32; }\n");
    let body = plan_of(&schema, "M").body;
    // [a, len(b)] b [tail, len(s)] s [end]: the bytes take a call of their
    // own, the string still shares one with the run after it.
    assert_eq!(var(&body, 1).kind, VarKind::Bytes);
    assert_eq!(
        body.read_groups(),
        [
            ReadGroup::Run(0),
            ReadGroup::Payload { var: 1, run: None },
            ReadGroup::Run(2),
            ReadGroup::Payload {
                var: 3,
                run: Some(4)
            },
        ]
    );
}

#[test]
fn nested_fixed_arrays_are_repeats_not_elements() {
    let schema = load(
        "struct Vec3 { x: float32; y: float32; z: float32; }\n\
         struct Big { grid: [[int32; 65536]; 8]; cube: [[[Vec3; 2]; 2]; 2]; }\n",
    );
    let plan = plan_of(&schema, "Big");
    let grid_size = 8 * 65536 * 4;
    assert_eq!(plan.fixed_size, Some(grid_size + 8 * 12));
    let run = run(&plan.body, 0);
    let [RunItem::Value { value: grid, .. }, RunItem::Value { value: cube, .. }] =
        run.items.as_slice()
    else {
        panic!("{run:?}")
    };
    let Fixed::Repeat {
        offset: 0,
        count: 8,
        stride,
        element,
    } = grid
    else {
        panic!("{grid:?}")
    };
    assert_eq!(*stride, 65536 * 4);
    assert!(matches!(
        **element,
        Fixed::Repeat { offset: 0, count: 65536, stride: 4, ref element }
            if **element == Fixed::Scalar { offset: 0, scalar: Scalar::Int32 }
    ));
    // Three levels of [..; 2] around a Vec3: three repeat nodes, strides 48, 24, 12.
    let mut node = cube;
    let mut strides = Vec::new();
    while let Fixed::Repeat {
        stride,
        element,
        count,
        ..
    } = node
    {
        assert_eq!(*count, 2);
        strides.push(*stride);
        node = element;
    }
    assert_eq!(strides, [48, 24, 12]);
    assert!(matches!(node, Fixed::Struct { fields, .. } if fields.len() == 3));
    assert_eq!(cube.offset(), grid_size);
    assert!(!cube.is_flat());
}

#[test]
fn lists_of_fixed_elements_are_one_block_and_variable_ones_nest() {
    let schema = load(
        "struct Vec3 { x: float32; y: float32; z: float32; }\n\
         struct L { points: [Vec3]; names: [string]; deep: [[int32]]; }\n",
    );
    let body = plan_of(&schema, "L").body;
    let VarKind::List(Element::Fixed { size: 12, value }) = &var(&body, 1).kind else {
        panic!("{body:?}")
    };
    assert!(value.is_flat());
    assert_eq!(var(&body, 1).payload(), Some(PayloadSize::CountTimes(12)));
    // names: each element a count-prefixed string.
    let VarKind::List(Element::Var(element)) = &var(&body, 3).kind else {
        panic!("{body:?}")
    };
    assert_eq!(
        run(element, 0).prefix().map(|p| p.kind),
        Some(PrefixKind::Length)
    );
    assert!(run(element, 0)
        .prefix()
        .is_some_and(|p| p.path.0.is_empty()));
    assert_eq!(var(element, 1).kind, VarKind::String);
    assert_eq!(var(&body, 3).payload(), None);
    // deep: a list of lists of int32 (the inner list is one block).
    let VarKind::List(Element::Var(inner)) = &var(&body, 5).kind else {
        panic!("{body:?}")
    };
    assert!(matches!(
        var(inner, 1).kind,
        VarKind::List(Element::Fixed { size: 4, .. })
    ));
    assert_eq!(
        body.read_groups(),
        [
            ReadGroup::Run(0),
            ReadGroup::Payload {
                var: 1,
                run: Some(2)
            },
            ReadGroup::Var(3),
            ReadGroup::Run(4),
            ReadGroup::Var(5),
        ]
    );
}

#[test]
fn structs_that_are_not_fixed_size_are_looked_through() {
    let schema = load(
        "struct Named { id: int32; name: string; }\n\
         struct Outer { a: bool; inner: Named; b: int32; }\n",
    );
    let body = plan_of(&schema, "Outer").body;
    // [a, inner.id, len(inner.name)] inner.name [b]
    assert_eq!(run(&body, 0).size, 9);
    let named = TypeId {
        file: FileId(0),
        index: 0,
    };
    let outer = TypeId {
        file: FileId(0),
        index: 1,
    };
    assert_eq!(
        var(&body, 1).path.0,
        [
            PathStep {
                owner: outer,
                field: 1
            },
            PathStep {
                owner: named,
                field: 1
            }
        ]
    );
    assert_eq!(run(&body, 2).size, 4);
}

#[test]
fn arrays_of_variable_elements_have_no_prefix() {
    let schema = load("struct A { s: [string; 3]; n: int32; }\n");
    let body = plan_of(&schema, "A").body;
    let part = var(&body, 0);
    assert!(!part.has_prefix());
    let VarKind::Array { count: 3, element } = &part.kind else {
        panic!("{body:?}")
    };
    assert_eq!(element.steps.len(), 2);
    assert_eq!(body.read_groups(), [ReadGroup::Var(0), ReadGroup::Run(1)]);
}

#[test]
fn forward_references_and_enums_in_runs() {
    let schema = load(
        "struct A { b: B; c: Color; }\n\
         struct B { x: int32; }\n\
         enum Color { Red = 0, Green = 1, }\n",
    );
    let plan = plan_of(&schema, "A");
    assert_eq!(plan.fixed_size, Some(8));
    let color = TypeId {
        file: FileId(0),
        index: 2,
    };
    assert_eq!(
        leaves(run(&plan.body, 0)),
        [(0, Some(Scalar::Int32)), (4, Some(Scalar::Enum(color)))]
    );
    assert_eq!(plan_file(&schema, FileId(0)).len(), 2, "enums have no plan");
}

#[test]
fn empty_structs_and_values_of_no_bytes() {
    let schema = load(
        "struct Empty { }\n\
         struct Holder { e: Empty; es: [Empty; 4]; s: string; }\n",
    );
    let empty = plan_of(&schema, "Empty");
    assert_eq!(empty.fixed_size, Some(0));
    assert!(empty.body.steps.is_empty());
    assert!(empty.body.read_groups().is_empty());
    let body = plan_of(&schema, "Holder").body;
    // e and es take no bytes but stay in the run, so readers build them.
    let first = run(&body, 0);
    assert_eq!(first.size, 4);
    assert_eq!(first.items.len(), 3);
    assert!(matches!(
        &first.items[1],
        RunItem::Value {
            value: Fixed::Repeat {
                count: 4,
                stride: 0,
                ..
            },
            ..
        }
    ));
    assert_eq!(first.prefix().map(|p| p.offset), Some(0));
}

/// `struct U0 { a: U1; b: U1; } ... struct U{n} { last }`: 2^n leaves once expanded.
fn doubling_chain(levels: usize, last: &str) -> String {
    let mut text = String::new();
    for level in 0..levels {
        let next = level + 1;
        text.push_str(&format!("struct U{level} {{ a: U{next}; b: U{next}; }}\n"));
    }
    text.push_str(&format!("struct U{levels} {{ {last}; }}\n"));
    text
}

#[test]
fn large_fixed_structs_are_nested_nodes_small_ones_inlined() {
    let schema = load(&doubling_chain(14, "x: int32"));
    // U10 has 16 leaves: its fields (U11, 8 leaves each) are inlined.
    let u10 = plan_of(&schema, "U10");
    let run10 = run(&u10.body, 0);
    assert_eq!(run10.flat().len(), 16);
    assert!(run10
        .flat()
        .iter()
        .all(|item| matches!(item, FlatItem::Leaf { .. })));
    // U8's fields (U9, 32 leaves each) are too large: two nested nodes.
    let u8_ = plan_of(&schema, "U8");
    assert_eq!(u8_.fixed_size, Some(256));
    assert_eq!(u8_.body.steps.len(), 1);
    let run8 = run(&u8_.body, 0);
    assert_eq!(run8.size, 256, "the run still covers the nested bytes");
    let u9 = schema.files[0]
        .items
        .iter()
        .position(|item| item.name() == "U9");
    let u9 = TypeId {
        file: FileId(0),
        index: u9.unwrap_or_default(),
    };
    let values: Vec<&Fixed> = run8
        .items
        .iter()
        .filter_map(|item| match item {
            RunItem::Value { value, .. } => Some(value),
            RunItem::Prefix(_) => None,
        })
        .collect();
    assert_eq!(
        values,
        [
            &Fixed::Nested {
                offset: 0,
                ty: u9,
                size: 128
            },
            &Fixed::Nested {
                offset: 128,
                ty: u9,
                size: 128
            },
        ]
    );
    // The root's plan is as small as any level's.
    let u0 = plan_of(&schema, "U0");
    assert_eq!(u0.fixed_size, Some(4 << 14));
    assert_eq!(run(&u0.body, 0).flat().len(), 2);
    // plan_fixed expands the type itself one level, whatever its size.
    let whole = TypeRef::Named(u8_.ty);
    let Some(Fixed::Struct { fields, .. }) = plan_fixed(&schema, &whole, 0) else {
        panic!("U8 is a fixed struct")
    };
    assert!(fields
        .iter()
        .all(|field| matches!(field, Fixed::Nested { .. })));
    assert!(!inlined(&schema, &whole));
    assert!(!inlined(&schema, &TypeRef::Named(u9)));
    let small = TypeRef::Named(TypeId {
        file: FileId(0),
        index: 10,
    });
    assert!(inlined(&schema, &small));
}

#[test]
fn large_variable_structs_are_nested_parts_read_alone() {
    let schema = load(&doubling_chain(14, "s: string"));
    // U11's fields (U12: 4 strings) are looked through: 8 strings.
    let u11 = plan_of(&schema, "U11");
    let strings = u11
        .body
        .steps
        .iter()
        .filter(|step| matches!(step, Step::Var(part) if part.kind == VarKind::String))
        .count();
    assert_eq!(strings, 8);
    // U0's fields are called through their own codec, without prefixes.
    let u0 = plan_of(&schema, "U0");
    assert_eq!(u0.body.steps.len(), 2);
    let u1 = TypeId {
        file: FileId(0),
        index: 1,
    };
    for (index, field) in [0, 1].into_iter().enumerate() {
        let part = var(&u0.body, index);
        assert_eq!(part.kind, VarKind::Nested(u1));
        assert!(!part.has_prefix());
        assert_eq!(part.payload(), None);
        assert_eq!(
            part.path,
            Path(vec![PathStep {
                owner: TypeId {
                    file: FileId(0),
                    index: 0
                },
                field
            }])
        );
    }
    assert_eq!(
        u0.body.read_groups(),
        [ReadGroup::Var(0), ReadGroup::Var(1)]
    );
}

#[test]
fn leaf_counting_stops_at_the_bound() {
    // 2^14 leaves once expanded; the count says only "more than the bound".
    let schema = load(&doubling_chain(14, "x: int32"));
    let root = TypeRef::Named(TypeId {
        file: FileId(0),
        index: 0,
    });
    assert_eq!(build::leaves(&schema, &root), INLINE_LEAVES + 1);
}

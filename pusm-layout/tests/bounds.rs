//! The bounds of `bounds.rs`: fixed cases from issue reports, and random
//! layouts checked against a brute-force walk over their values.

use pusm_layout::{Field, Layout, StructLayout};

const EMPTY: StructLayout<'static> = StructLayout {
    name: "E",
    fields: &[],
};
const FLAG: StructLayout<'static> = StructLayout {
    name: "Flag",
    fields: &[Field {
        name: "on",
        layout: &Layout::Bool,
    }],
};
const WRAP: StructLayout<'static> = StructLayout {
    name: "Wrap",
    fields: &[Field {
        name: "flag",
        layout: &Layout::Struct(&FLAG),
    }],
};
const VEC3: StructLayout<'static> = StructLayout {
    name: "Vec3",
    fields: &[
        Field {
            name: "x",
            layout: &Layout::Float32,
        },
        Field {
            name: "y",
            layout: &Layout::Float32,
        },
        Field {
            name: "z",
            layout: &Layout::Float32,
        },
    ],
};
const HIDDEN: StructLayout<'static> = StructLayout {
    name: "Hidden",
    fields: &[
        Field {
            name: "on",
            layout: &Layout::Bool,
        },
        Field {
            name: "many",
            layout: &Layout::Array(&Layout::Struct(&EMPTY), 8),
        },
    ],
};

#[test]
fn the_reported_amplifiers_are_found() {
    let empty = Layout::Struct(&EMPTY);
    let many = Layout::Array(&empty, 65_536);
    let maybe_many = Layout::Optional(&many);
    // [[E; 65536]?]: one byte builds 65,537 objects.
    assert_eq!(Layout::List(&maybe_many).amplifier(), Some(&many));
    // [E?] and E?: the value is only a flag.
    let maybe = Layout::Optional(&empty);
    assert_eq!(Layout::List(&maybe).amplifier(), Some(&empty));
    assert_eq!(maybe.amplifier(), Some(&empty));
    // [E] and [[int32; 0]]: what the old "list of nothing" rule caught.
    assert_eq!(Layout::List(&empty).amplifier(), Some(&empty));
    let none = Layout::Array(&Layout::Int32, 0);
    assert_eq!(Layout::List(&none).amplifier(), Some(&none));
    // A struct whose fixed part builds more objects than its bytes.
    let hidden = Layout::Struct(&HIDDEN);
    assert_eq!(Layout::List(&hidden).amplifier(), Some(&hidden));
    // Found through arrays, lists and optionals around it.
    let list = Layout::List(&empty);
    let lists = Layout::List(&list);
    assert_eq!(
        Layout::Optional(&Layout::Array(&lists, 2)).amplifier(),
        Some(&empty)
    );
    // A struct without a bound because of a list inside it is reported
    // there, not again where the struct is used.
    const UNBOUNDED: StructLayout<'static> = StructLayout {
        name: "U",
        fields: &[Field {
            name: "es",
            layout: &Layout::List(&Layout::Struct(&EMPTY)),
        }],
    };
    assert_eq!(Layout::List(&Layout::Struct(&UNBOUNDED)).amplifier(), None);
    assert!(UNBOUNDED.fields[0].layout.amplifier().is_some());
    // Two objects from one byte: a struct holding a struct holding a bool.
    let wrap = Layout::Struct(&WRAP);
    assert_eq!(Layout::List(&wrap).amplifier(), Some(&wrap));
}

#[test]
fn ordinary_types_are_not_amplifiers() {
    let empty = Layout::Struct(&EMPTY);
    let vec3 = Layout::Struct(&VEC3);
    let flag = Layout::Struct(&FLAG);
    let maybe_vec3 = Layout::Optional(&vec3);
    let strings = Layout::List(&Layout::String);
    let grid = Layout::Array(&Layout::Array(&Layout::Float32, 2), 3);
    let bools = Layout::Array(&Layout::Bool, 1);
    for layout in [
        Layout::List(&Layout::Bool),
        Layout::List(&vec3),
        Layout::List(&maybe_vec3),
        Layout::Optional(&strings),
        Layout::List(&strings),
        Layout::List(&flag),
        Layout::List(&grid),
        Layout::List(&bools),
        Layout::Optional(&Layout::Bytes),
        // Not repeated by the wire: built once per message whatever it holds.
        Layout::Array(&empty, 65_536),
        empty,
    ] {
        assert_eq!(layout.amplifier(), None, "{}", layout.signature());
    }
}

#[test]
fn capacity_is_checked_without_overflow() {
    let row = Layout::Array(&Layout::Int32, 65_536);
    let grid = Layout::Array(&row, 65_536);
    let cube = Layout::Array(&grid, 65_536);
    let hyper = Layout::Array(&cube, 65_536);
    assert_eq!(grid.checked_min_size(), Some(1 << 34));
    assert_eq!(cube.checked_min_size(), Some(1 << 50));
    assert_eq!(hyper.checked_min_size(), None);
    for layout in [&grid, &cube, &hyper] {
        assert!(!layout.fits_capacity());
    }
    // The largest capacity itself fits; one byte more does not.
    let just = Layout::Array(&Layout::Bool, pusm_layout::wire::MAX_CAPACITY);
    let over = Layout::Array(&Layout::Bool, pusm_layout::wire::MAX_CAPACITY + 1);
    assert!(just.fits_capacity());
    assert!(!over.fits_capacity());
    // The innermost type that does not fit is the one named.
    assert_eq!(Layout::Optional(&cube).too_big(), Some(&grid));
    assert_eq!(Layout::List(&hyper).too_big(), Some(&grid));
    // A list or optional of it is small itself, but can never hold a value.
    assert_eq!(Layout::Optional(&row).too_big(), None);
}

/// A tiny deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Builds a random layout, leaking it (tests only) so it can borrow itself.
fn random_layout(rng: &mut Rng, depth: u32) -> &'static Layout<'static> {
    let pick = if depth == 0 {
        rng.below(6)
    } else {
        rng.below(10)
    };
    let layout = match pick {
        0 => Layout::Bool,
        1 => Layout::Int32,
        2 => Layout::Float32,
        3 => Layout::String,
        4 => Layout::Bytes,
        5 => Layout::Struct(&EMPTY),
        6 => Layout::List(random_layout(rng, depth - 1)),
        7 => Layout::Array(random_layout(rng, depth - 1), rng.below(3) as usize + 1),
        8 => {
            let inner = random_layout(rng, depth - 1);
            if matches!(inner, Layout::Optional(_)) {
                Layout::List(inner)
            } else {
                Layout::Optional(inner)
            }
        }
        _ => {
            let count = rng.below(3) as usize;
            let fields: Vec<Field<'static>> = (0..count)
                .map(|_| Field {
                    name: "f",
                    layout: random_layout(rng, depth - 1),
                })
                .collect();
            Layout::Struct(Box::leak(Box::new(StructLayout {
                name: "S",
                fields: Box::leak(fields.into_boxed_slice()),
            })))
        }
    };
    Box::leak(Box::new(layout))
}

/// Every distinct (objects - bytes) of the values of `layout` whose lists
/// have at most `max_len` elements and whose strings at most one byte,
/// enumerated value by value with its own count of objects.
fn surpluses(layout: &Layout<'_>, max_len: usize) -> Vec<i64> {
    fn sums(a: &[i64], b: &[i64]) -> Vec<i64> {
        let mut out: Vec<i64> = a
            .iter()
            .flat_map(|x| b.iter().map(move |y| x + y))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
    fn repeat(one: &[i64], times: usize) -> Vec<i64> {
        let mut out = vec![0];
        for _ in 0..times {
            out = sums(&out, one);
        }
        out
    }
    let mut out = match *layout {
        Layout::Bool => vec![-1],
        Layout::Int32 | Layout::Float32 | Layout::Enum(_) => vec![-4],
        // One string object; four bytes of length, then zero or one byte.
        Layout::String | Layout::Bytes => vec![1 - 4, 1 - 5],
        Layout::List(element) => {
            let one = surpluses(element, max_len);
            let mut all = Vec::new();
            for len in 0..=max_len {
                all.extend(repeat(&one, len).into_iter().map(|v| v + 1 - 4));
            }
            all
        }
        Layout::Array(element, len) => repeat(&surpluses(element, max_len), len)
            .into_iter()
            .map(|v| v + 1)
            .collect(),
        Layout::Optional(inner) => {
            let mut all = vec![-1];
            all.extend(surpluses(inner, max_len).into_iter().map(|v| v - 1));
            all
        }
        Layout::Struct(def) => {
            let mut all = vec![1];
            for field in def.fields {
                all = sums(&all, &surpluses(field.layout, max_len));
            }
            all
        }
    };
    out.sort_unstable();
    out.dedup();
    out
}

#[test]
fn object_surplus_is_the_most_of_any_value() {
    let cases: u64 = std::env::var("PUSM_LAYOUT_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(3000);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut unbounded = 0;
    for case in 0..cases {
        let layout = random_layout(&mut rng, 3);
        let surplus = layout.object_surplus();
        let max_with = |len: usize| surpluses(layout, len).last().copied().unwrap_or(i64::MIN);
        if surplus == i64::MAX {
            // Unbounded: longer lists reach further.
            unbounded += 1;
            assert!(
                max_with(8) > max_with(4),
                "case {case}: {} has no bound but longer lists do not add objects",
                layout.signature()
            );
        } else {
            // Bounded: no value reaches further, and some value reaches it.
            assert_eq!(max_with(2), surplus, "case {case}: {}", layout.signature());
            assert_eq!(max_with(0), surplus, "case {case}: {}", layout.signature());
        }
        // The rule, checked on this type and on every struct inside it as
        // the schema checks each struct: rejected exactly when something the
        // wire can repeat or leave out can build more objects than bytes.
        let rejected = rejected_anywhere(layout);
        let brute = repeats_a_positive_surplus(layout);
        assert_eq!(rejected, brute, "case {case}: {}", layout.signature());
    }
    assert!(
        unbounded > 0,
        "the generator never made an unbounded layout"
    );
}

/// Whether `layout` or a field of any struct inside it has an amplifier.
fn rejected_anywhere(layout: &Layout<'_>) -> bool {
    if layout.amplifier().is_some() {
        return true;
    }
    match *layout {
        Layout::List(inner) | Layout::Optional(inner) | Layout::Array(inner, _) => {
            rejected_anywhere(inner)
        }
        Layout::Struct(def) => def
            .fields
            .iter()
            .any(|field| rejected_anywhere(field.layout)),
        _ => false,
    }
}

/// Whether some list element or optional value anywhere inside `layout` can
/// have more objects than bytes, by brute force.
fn repeats_a_positive_surplus(layout: &Layout<'_>) -> bool {
    match *layout {
        Layout::List(inner) | Layout::Optional(inner) => {
            surpluses(inner, 2).last().is_some_and(|&max| max > 0)
                || repeats_a_positive_surplus(inner)
        }
        Layout::Array(inner, _) => repeats_a_positive_surplus(inner),
        Layout::Struct(def) => def
            .fields
            .iter()
            .any(|field| repeats_a_positive_surplus(field.layout)),
        _ => false,
    }
}

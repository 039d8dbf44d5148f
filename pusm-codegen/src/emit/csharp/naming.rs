//! Identifiers of the generated C#, chosen so a schema name can never collide
//! with one the generated code uses itself.
//!
//! The rule: fields are always written `this.Member`, so no local or
//! parameter can hide one; members are unique among the fields, the class
//! name, every member the generated code adds and every member a class
//! inherits from `object`; locals are unique among the fixed locals of the
//! generated methods and every type name of the schema; every identifier that
//! is a C# keyword or contextual keyword gets `@`.

use std::collections::BTreeSet;

use pusm_schema::{FieldDef, StructDef};

use crate::names::{camel, csharp_ident, pascal, unique};

/// Members every generated class has, and those it inherits from `object`:
/// a field with one of these names would hide it (a warning) or clash.
pub(super) const GENERATED_MEMBERS: &[&str] = &[
    "Fingerprint",
    "EncodedLength",
    "Write",
    "WriteChecked",
    "Read",
    "ReadChecked",
    "ReadInto",
    "ReadCheckedInto",
    "Encode",
    "Decode",
    "DecodeRun",
    "Equals",
    "GetHashCode",
    "GetType",
    "ToString",
    "MemberwiseClone",
    "Finalize",
    "ReferenceEquals",
];

/// The parameters and fixed locals of the generated methods.
pub(super) const METHOD_LOCALS: &[&str] = &[
    "sm", "offset", "pooled", "run", "buffer", "at", "length", "origin", "message", "end",
];

/// The C# names of one struct field.
pub(super) struct Field<'a> {
    pub(super) def: &'a FieldDef,
    /// The public field (`LastCommand`).
    pub(super) member: String,
    /// The constructor parameter (`lastCommand`, `@class`).
    pub(super) param: String,
}

/// The C# names of every field of `def`, escaped.
pub(super) fn fields(def: &StructDef) -> Vec<Field<'_>> {
    let mut members: BTreeSet<String> = GENERATED_MEMBERS
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    members.insert(def.name.clone());
    members.insert(csharp_ident(&def.name));
    let mut params = BTreeSet::new();
    def.fields
        .iter()
        .map(|def| {
            let member = unique(pascal(&def.name), &members);
            members.insert(member.clone());
            let param = unique(camel(&def.name), &params);
            params.insert(param.clone());
            Field {
                def,
                member: csharp_ident(&member),
                param: csharp_ident(&param),
            }
        })
        .collect()
}

/// Every member name of a generated class: its fields and generated members.
pub(super) fn class_members(class: &str, fields: &[Field<'_>]) -> BTreeSet<String> {
    fields
        .iter()
        .map(|field| field.member.clone())
        .chain(GENERATED_MEMBERS.iter().map(|name| (*name).to_owned()))
        .chain([class.to_owned()])
        .collect()
}

/// The loop index of the constructor's default loops at nesting `depth`.
pub(super) fn loop_index(depth: usize) -> String {
    match depth {
        0 => "i".to_owned(),
        1 => "j".to_owned(),
        2 => "k".to_owned(),
        _ => format!("i{depth}"),
    }
}

/// The locals of one generated method: never a fixed local, never a type
/// name, never each other.
pub(super) struct Temps {
    taken: BTreeSet<String>,
    /// Per base, the number to try first: every smaller one is taken, so a
    /// method with many temps of one base stays linear, not quadratic.
    next: std::collections::BTreeMap<String, usize>,
}

impl Temps {
    /// A fresh set, with `type_names` (every type of the schema) reserved.
    pub(super) fn new(type_names: &BTreeSet<String>) -> Self {
        let mut taken = type_names.clone();
        taken.extend(METHOD_LOCALS.iter().map(|name| (*name).to_owned()));
        Temps {
            taken,
            next: std::collections::BTreeMap::new(),
        }
    }

    /// A new local named `base`, or `base2`, `base3`...: reserved for the
    /// whole method, so nested and sibling scopes never clash.
    pub(super) fn fresh(&mut self, base: &str) -> String {
        let mut number = self.next.get(base).copied().unwrap_or(2);
        let mut name = if number == 2 {
            base.to_owned()
        } else {
            format!("{base}{number}")
        };
        while self.taken.contains(&name) {
            name = format!("{base}{number}");
            number += 1;
        }
        self.next.insert(base.to_owned(), number);
        self.taken.insert(name.clone());
        csharp_ident(&name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pusm_schema::TypeRef;

    fn field(name: &str) -> FieldDef {
        FieldDef {
            name: name.to_owned(),
            ty: TypeRef::Int32,
            docs: vec![],
            span: Default::default(),
        }
    }

    #[test]
    fn fields_never_take_a_generated_or_inherited_member() {
        let def = StructDef {
            name: "Step".to_owned(),
            docs: vec![],
            fields: [
                "step",
                "to_string",
                "encoded_length",
                "read_into",
                "await",
                "var",
            ]
            .iter()
            .map(|name| field(name))
            .collect(),
            span: Default::default(),
        };
        let names: Vec<(String, String)> = fields(&def)
            .into_iter()
            .map(|field| (field.member, field.param))
            .collect();
        assert_eq!(
            names,
            [
                ("Step_".to_owned(), "step".to_owned()),
                ("ToString_".to_owned(), "toString".to_owned()),
                ("EncodedLength_".to_owned(), "encodedLength".to_owned()),
                ("ReadInto_".to_owned(), "readInto".to_owned()),
                ("Await".to_owned(), "@await".to_owned()),
                ("Var".to_owned(), "@var".to_owned()),
            ]
        );
    }

    #[test]
    fn temps_avoid_fixed_locals_types_and_each_other() {
        let types: BTreeSet<String> = ["count".to_owned()].into();
        let mut temps = Temps::new(&types);
        assert_eq!(temps.fresh("count"), "count2");
        assert_eq!(temps.fresh("count"), "count3");
        assert_eq!(temps.fresh("offset"), "offset2");
        assert_eq!(temps.fresh("value"), "@value");
    }

    /// Many temps of one base number on from the last one (no rescan from
    /// 2, which made large methods quadratic), and still skip taken names.
    #[test]
    fn temps_of_one_base_number_on_and_skip_taken_names() {
        let types: BTreeSet<String> = ["nested3".to_owned(), "i".to_owned()].into();
        let mut temps = Temps::new(&types);
        assert_eq!(temps.fresh("nested"), "nested");
        assert_eq!(temps.fresh("nested"), "nested2");
        assert_eq!(temps.fresh("nested"), "nested4");
        assert_eq!(temps.fresh("nested"), "nested5");
        assert_eq!(temps.fresh("nested2"), "nested22");
        assert_eq!(temps.fresh("i"), "i2");
        let names: Vec<String> = (0..1000).map(|_| temps.fresh("i")).collect();
        assert_eq!(names.first().map(String::as_str), Some("i3"));
        assert_eq!(names.last().map(String::as_str), Some("i1002"));
        assert_eq!(temps.next.get("i"), Some(&1003));
    }
}

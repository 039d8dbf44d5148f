//! From the wire plan's paths to C# expressions.
//!
//! A [`Path`] goes from the root of a plan body (`this`, a list element, an
//! optional value) through struct fields; in C# each step is `.Member`, or
//! `.x` for a struct mapped to a Unity type.

use std::collections::BTreeSet;

use pusm_schema::{Item, TypeId};

use super::naming::fields;
use super::FileEmitter;
use crate::plan::{Body, Path, RunItem, Step};

impl FileEmitter<'_> {
    /// The C# member of field `field` of struct `owner`.
    pub(super) fn member(&self, owner: TypeId, field: usize) -> String {
        if let Some(unity) = self.unity_of(owner) {
            return unity.components()[field].to_owned();
        }
        match self.schema.item(owner) {
            Item::Struct(def) => fields(def)
                .into_iter()
                .nth(field)
                .map(|field| field.member)
                .unwrap_or_default(),
            Item::Enum(_) => String::new(),
        }
    }

    /// The expression of `path` from `root`.
    pub(super) fn path_expr(&self, root: &str, path: &Path) -> String {
        let mut expr = root.to_owned();
        for step in &path.0 {
            expr.push('.');
            expr.push_str(&self.member(step.owner, step.field));
        }
        expr
    }

    /// What errors call the value at `path`: `Struct.Member`, or `fallback`
    /// for the root itself.
    pub(super) fn path_place(&self, path: &Path, fallback: &str) -> String {
        match path.0.last() {
            Some(step) => format!(
                "{}.{}",
                self.schema.item(step.owner).name(),
                self.member(step.owner, step.field)
            ),
            None => fallback.to_owned(),
        }
    }

    /// The nested structs a body goes through (every proper prefix of its
    /// paths), shortest first, with their types: the objects that must
    /// exist before the body's values are read or written.
    pub(super) fn intermediates(&self, body: &Body) -> Vec<(Path, TypeId)> {
        let mut paths = BTreeSet::new();
        for step in &body.steps {
            match step {
                Step::Run(run) => {
                    for item in &run.items {
                        match item {
                            RunItem::Value { path, .. } => collect(path, &mut paths),
                            RunItem::Prefix(prefix) => collect(&prefix.path, &mut paths),
                        }
                    }
                }
                Step::Var(part) => collect(&part.path, &mut paths),
            }
        }
        let mut out: Vec<(Path, TypeId)> = paths
            .into_iter()
            .filter_map(|path: Path| {
                let last = *path.0.last()?;
                let Item::Struct(def) = self.schema.item(last.owner) else {
                    return None;
                };
                match &def.fields.get(last.field)?.ty {
                    pusm_schema::TypeRef::Named(id) => Some((path.clone(), *id)),
                    _ => None,
                }
            })
            .collect();
        out.sort_by_key(|(path, _)| path.0.len());
        out
    }
}

/// Adds the proper, non-empty prefixes of `path` to `out`.
fn collect(path: &Path, out: &mut BTreeSet<Path>) {
    for len in 1..path.0.len() {
        out.insert(Path(path.0[..len].to_vec()));
    }
}

//! Name resolution: which type names each file sees, duplicates among them,
//! and every field type turned into a [`TypeRef`].
//!
//! A file sees its own types and those of every file it imports, directly
//! or through other imports (transitively). Type names must be unique among
//! everything a file sees.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::ast::{self, TypeExpr, TypeKind};
use crate::diagnostics::{line_column, Report};
use crate::ir::{FileId, TypeId, TypeRef};
use crate::loader::Loaded;
use crate::suggest::{suggest, BUILTINS};

/// The result of resolution, indexed by reading order.
pub(crate) struct Resolved {
    /// For each file (reading index), its position in schema order.
    pub position: Vec<usize>,
    /// For each file (reading index), item and field: the resolved type, or
    /// `None` when it could not be resolved (reported). Enums have no fields.
    pub field_types: Vec<Vec<Vec<Option<TypeRef>>>>,
}

/// A type definition: reading index of its file and item index.
type Def = (usize, usize);

/// Resolves every field type of `loaded`, reporting duplicate and unknown
/// names.
pub(crate) fn resolve(loaded: &Loaded, reports: &mut Vec<Report>) -> Resolved {
    let mut position = vec![0; loaded.files.len()];
    for (at, &index) in loaded.order.iter().enumerate() {
        if let Some(slot) = position.get_mut(index) {
            *slot = at;
        }
    }
    let mut reported: HashSet<Def> = HashSet::new();
    let mut field_types = Vec::with_capacity(loaded.files.len());
    for (index, file) in loaded.files.iter().enumerate() {
        let visible = visible_files(loaded, index, &position);
        // Own types first, then imported ones in schema order.
        let mut defs: Vec<Def> = Vec::new();
        for &file in std::iter::once(&index).chain(visible.iter()) {
            let count = loaded
                .files
                .get(file)
                .map_or(0, |loaded| loaded.ast.items.len());
            defs.extend((0..count).map(|item| (file, item)));
        }
        let mut names: HashMap<&str, Def> = HashMap::new();
        for &def in &defs {
            let Some(name) = item(loaded, def).map(|item| item.name()) else {
                continue;
            };
            names.entry(&name.name).or_insert(def);
        }
        report_duplicates(loaded, &defs, &position, &mut reported, reports);
        let mut resolver = Resolver {
            loaded,
            file: index,
            names: &names,
            position: &position,
            reports: &mut *reports,
        };
        let types = file
            .ast
            .items
            .iter()
            .map(|item| match item {
                ast::Item::Enum(_) => Vec::new(),
                ast::Item::Struct(decl) => decl
                    .fields
                    .iter()
                    .map(|field| resolver.resolve(&field.ty))
                    .collect(),
            })
            .collect();
        field_types.push(types);
    }
    Resolved {
        position,
        field_types,
    }
}

fn item(loaded: &Loaded, (file, index): Def) -> Option<&ast::Item> {
    loaded
        .files
        .get(file)
        .and_then(|file| file.ast.items.get(index))
}

/// Every file `file` imports, directly or not, in schema order.
fn visible_files(loaded: &Loaded, file: usize, position: &[usize]) -> Vec<usize> {
    let mut seen: HashSet<usize> = HashSet::from([file]);
    let mut stack = vec![file];
    let mut visible = Vec::new();
    while let Some(current) = stack.pop() {
        let imports = loaded
            .files
            .get(current)
            .map(|loaded| loaded.imports.as_slice())
            .unwrap_or_default();
        for &target in imports.iter().flatten() {
            if seen.insert(target) {
                visible.push(target);
                stack.push(target);
            }
        }
    }
    visible.sort_by_key(|&index| position.get(index).copied().unwrap_or(usize::MAX));
    visible
}

/// Reports every definition whose name an earlier visible definition
/// already has (earlier: in schema order, then in the file). Each
/// definition is reported at most once.
fn report_duplicates(
    loaded: &Loaded,
    defs: &[Def],
    position: &[usize],
    reported: &mut HashSet<Def>,
    reports: &mut Vec<Report>,
) {
    let mut sorted = defs.to_vec();
    sorted.sort_by_key(|&(file, item)| (position.get(file).copied().unwrap_or(usize::MAX), item));
    let mut first: HashMap<&str, Def> = HashMap::new();
    for def in sorted {
        let Some(name) = item(loaded, def).map(|item| item.name()) else {
            continue;
        };
        let Some(&original) = first.get(name.name.as_str()) else {
            first.insert(&name.name, def);
            continue;
        };
        if !reported.insert(def) {
            continue;
        }
        let Some(original_name) = item(loaded, original).map(|item| item.name()) else {
            continue;
        };
        let mut report = Report::new(
            def.0,
            name.span.clone(),
            format!("duplicate type name '{}'", name.name),
            "defined again here",
        )
        .with_related(original.0, original_name.span.clone(), "first defined here");
        if let Some(other) = loaded.files.get(original.0) {
            let (line, column) = line_column(&other.text, original_name.span.start);
            report = report.with_note(format!(
                "'{}' is first defined at {}:{line}:{column}",
                name.name,
                other.path.display()
            ));
        }
        if original.0 != def.0 {
            report = report
                .with_help("type names must be unique across a file and everything it imports");
        }
        reports.push(report);
    }
}

struct Resolver<'a, 'r> {
    loaded: &'a Loaded,
    file: usize,
    names: &'a HashMap<&'a str, Def>,
    position: &'a [usize],
    reports: &'r mut Vec<Report>,
}

impl Resolver<'_, '_> {
    /// Resolves one type expression (its depth is bounded by the parser's
    /// nesting limit, so this recursion is too).
    fn resolve(&mut self, ty: &TypeExpr) -> Option<TypeRef> {
        match &ty.kind {
            TypeKind::Named(ident) => self.named(ident),
            TypeKind::List(element) => self
                .resolve(element)
                .map(|element| TypeRef::List(Box::new(element))),
            TypeKind::Array(element, len) => {
                let element = self.resolve(element)?;
                len.map(|len| TypeRef::Array(Box::new(element), len))
            }
            TypeKind::Optional(inner) => self
                .resolve(inner)
                .map(|inner| TypeRef::Optional(Box::new(inner))),
        }
    }

    fn named(&mut self, ident: &ast::Ident) -> Option<TypeRef> {
        match ident.name.as_str() {
            "bool" => return Some(TypeRef::Bool),
            "int32" => return Some(TypeRef::Int32),
            "float32" => return Some(TypeRef::Float32),
            "string" => return Some(TypeRef::String),
            "bytes" => return Some(TypeRef::Bytes),
            _ => {}
        }
        if let Some(&(file, index)) = self.names.get(ident.name.as_str()) {
            let position = self.position.get(file).copied().unwrap_or(file);
            return Some(TypeRef::Named(TypeId {
                file: FileId(position),
                index,
            }));
        }
        self.unknown(ident);
        None
    }

    fn unknown(&mut self, ident: &ast::Ident) {
        let mut report = Report::new(
            self.file,
            ident.span.clone(),
            format!("unknown type '{}'", ident.name),
            "not a type",
        );
        // Defined in a file this one does not import?
        let elsewhere = self.loaded.order.iter().find(|&&file| {
            self.loaded.files.get(file).is_some_and(|loaded| {
                loaded
                    .ast
                    .items
                    .iter()
                    .any(|item| item.name().name == ident.name)
            })
        });
        if let (Some(&other), Some(this)) = (elsewhere, self.loaded.files.get(self.file)) {
            let other_path = self
                .loaded
                .files
                .get(other)
                .map(|file| file.path.as_path())
                .unwrap_or(Path::new(""));
            report = report.with_note(format!(
                "'{}' is defined in {}, which this file does not import",
                ident.name,
                other_path.display()
            ));
            let folder = this.path.parent().unwrap_or(Path::new(""));
            if let Ok(relative) = other_path.strip_prefix(folder) {
                report = report.with_help(format!("import it: import \"{}\";", relative.display()));
            }
        } else {
            let mut candidates: Vec<&str> = BUILTINS.to_vec();
            let mut known: Vec<&str> = self.names.keys().copied().collect();
            known.sort_unstable();
            candidates.extend(known);
            let hint = crate::hints::for_type_name(&ident.name);
            match (suggest(&ident.name, &candidates), hint) {
                (Some(found), Some((help, note))) => {
                    report = report
                        .with_help(format!("did you mean '{found}'?"))
                        .with_note(help)
                        .with_note(note);
                }
                (Some(found), None) => {
                    report = report.with_help(format!("did you mean '{found}'?"));
                }
                (None, Some((help, note))) => report = report.with_help(help).with_note(note),
                (None, None) => {}
            }
        }
        self.reports.push(report);
    }
}

//! The rules that look at one file at a time: naming conventions, unique
//! fields and variants, variant values, empty enums, module names.

use std::collections::HashMap;

use crate::ast::{EnumDecl, Item, StructDecl};
use crate::diagnostics::Report;
use crate::loader::Loaded;
use crate::suggest::{is_pascal_case, is_snake_case, to_pascal_case, to_snake_case};

/// Checks every file of `loaded`.
pub(crate) fn check_files(loaded: &Loaded, reports: &mut Vec<Report>) {
    for (index, file) in loaded.files.iter().enumerate() {
        if let Some(namespace) = &file.ast.namespace {
            for segment in &namespace.segments {
                if !is_snake_case(&segment.name) {
                    reports.push(with_rename(
                        Report::new(
                            index,
                            segment.span.clone(),
                            format!("namespace segment '{}' is not snake_case", segment.name),
                            "not snake_case",
                        ),
                        to_snake_case(&segment.name),
                    ));
                }
            }
        }
        for item in &file.ast.items {
            let name = item.name();
            if !is_pascal_case(&name.name) {
                let kind = match item {
                    Item::Enum(_) => "enum",
                    Item::Struct(_) => "struct",
                };
                reports.push(with_rename(
                    Report::new(
                        index,
                        name.span.clone(),
                        format!("{kind} name '{}' is not PascalCase", name.name),
                        "not PascalCase",
                    ),
                    to_pascal_case(&name.name),
                ));
            }
            match item {
                Item::Enum(decl) => check_enum(index, decl, reports),
                Item::Struct(decl) => check_struct(index, decl, reports),
            }
        }
    }
    check_modules(loaded, reports);
}

fn with_rename(report: Report, rename: Option<String>) -> Report {
    match rename {
        Some(rename) => report.with_help(format!("rename it '{rename}'")),
        None => report,
    }
}

fn check_struct(file: usize, decl: &StructDecl, reports: &mut Vec<Report>) {
    let mut seen: HashMap<&str, &std::ops::Range<usize>> = HashMap::new();
    for field in &decl.fields {
        let name = &field.name;
        if !is_snake_case(&name.name) {
            let mut report = Report::new(
                file,
                name.span.clone(),
                format!("field name '{}' is not snake_case", name.name),
                "not snake_case",
            );
            report = match to_snake_case(&name.name) {
                Some(rename) => report.with_help(format!("rename it '{rename}'")),
                None => report.with_help(
                    "field names are lowercase words joined by single underscores: 'last_command'",
                ),
            };
            reports.push(report);
        }
        if let Some(first) = seen.get(name.name.as_str()) {
            reports.push(
                Report::new(
                    file,
                    name.span.clone(),
                    format!(
                        "duplicate field '{}' in struct '{}'",
                        name.name, decl.name.name
                    ),
                    "defined again here",
                )
                .with_related(file, (*first).clone(), "first defined here"),
            );
        } else {
            seen.insert(&name.name, &name.span);
        }
    }
}

fn check_enum(file: usize, decl: &EnumDecl, reports: &mut Vec<Report>) {
    if decl.variants.is_empty() && !decl.recovered {
        reports.push(
            Report::new(
                file,
                decl.name.span.clone(),
                format!("enum '{}' has no variants", decl.name.name),
                "empty enum",
            )
            .with_help(
                "an enum without variants has no valid value: add at least one, like 'None = 0,'",
            ),
        );
    }
    let mut names: HashMap<&str, &std::ops::Range<usize>> = HashMap::new();
    let mut values: HashMap<i32, (&str, &std::ops::Range<usize>)> = HashMap::new();
    for variant in &decl.variants {
        let name = &variant.name;
        if !is_pascal_case(&name.name) {
            reports.push(with_rename(
                Report::new(
                    file,
                    name.span.clone(),
                    format!("variant name '{}' is not PascalCase", name.name),
                    "not PascalCase",
                ),
                to_pascal_case(&name.name),
            ));
        }
        if let Some(first) = names.get(name.name.as_str()) {
            reports.push(
                Report::new(
                    file,
                    name.span.clone(),
                    format!(
                        "duplicate variant '{}' in enum '{}'",
                        name.name, decl.name.name
                    ),
                    "defined again here",
                )
                .with_related(file, (*first).clone(), "first defined here"),
            );
        } else {
            names.insert(&name.name, &name.span);
        }
        if let Some(value) = variant.value {
            if let Some((first, span)) = values.get(&value) {
                reports.push(
                    Report::new(
                        file,
                        variant.value_span.clone(),
                        format!(
                            "duplicate value {value} in enum '{}': '{}' and '{first}' both have it",
                            decl.name.name, name.name
                        ),
                        "value used again here",
                    )
                    .with_related(file, (*span).clone(), format!("'{first}' has this value"))
                    .with_help(format!(
                        "give '{}' a value no other variant has, like {}",
                        name.name,
                        free_value(value, decl)
                    )),
                );
            } else {
                values.insert(value, (&name.name, &variant.value_span));
            }
        }
    }
}

/// The first value after `value` that no variant of `decl` has.
fn free_value(value: i32, decl: &EnumDecl) -> i32 {
    let taken: Vec<i32> = decl.variants.iter().filter_map(|v| v.value).collect();
    pusm_layout::free_enum_value(Some(value), &taken)
}

/// The generated module of a file is its stem: it must be an identifier,
/// and two files of one schema must not generate the same module (compared
/// without case, as `Robot.cs` and case-insensitive file systems would).
fn check_modules(loaded: &Loaded, reports: &mut Vec<Report>) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for &index in &loaded.order {
        let Some(file) = loaded.files.get(index) else {
            continue;
        };
        let module = module_name(&file.path);
        let valid = module
            .bytes()
            .next()
            .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_')
            && module
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
        if !valid {
            reports.push(Report {
                span: None,
                ..Report::new(
                    index,
                    0..0,
                    format!("the file name '{}' does not make a module name", file.path.display()),
                    "",
                )
                .with_help("generated modules are named after the file: name it with letters, digits and '_', like 'my_types.pusm'")
            });
            continue;
        }
        let lower = module.to_ascii_lowercase();
        if let Some(&first) = seen.get(&lower) {
            let first_path = loaded
                .files
                .get(first)
                .map(|file| file.path.display().to_string())
                .unwrap_or_default();
            reports.push(Report {
                span: None,
                ..Report::new(
                    index,
                    0..0,
                    format!("'{}' and '{first_path}' would generate the same module '{module}'", file.path.display()),
                    "",
                )
                .with_help("rename one of the files: generated files and modules are named after the schema file")
            });
        } else {
            seen.insert(lower, index);
        }
    }
}

/// The module a schema file generates: its file stem.
pub(crate) fn module_name(path: &std::path::Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

//! Names in the target languages: casing, keyword tables and escaping rules.
//!
//! A schema name never makes generated code fail to compile: a name that is a
//! keyword, or that collides with a generated member, is escaped in the
//! language concerned (never rejected), as `docs/SCHEMA.md` requires.
//! Signatures and fingerprints always use the schema's own spelling.

use std::collections::BTreeSet;

use heck::{ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Rust keywords of every edition (strict, reserved and weak ones that cannot
/// name a field), as of Rust 2024.
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Rust keywords that cannot be raw identifiers (`r#self` is an error).
const RUST_NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// C# keywords (the reserved ones; contextual keywords are valid identifiers).
const CSHARP_KEYWORDS: &[&str] = &[
    "abstract",
    "as",
    "base",
    "bool",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "checked",
    "class",
    "const",
    "continue",
    "decimal",
    "default",
    "delegate",
    "do",
    "double",
    "else",
    "enum",
    "event",
    "explicit",
    "extern",
    "false",
    "finally",
    "fixed",
    "float",
    "for",
    "foreach",
    "goto",
    "if",
    "implicit",
    "in",
    "int",
    "interface",
    "internal",
    "is",
    "lock",
    "long",
    "namespace",
    "new",
    "null",
    "object",
    "operator",
    "out",
    "override",
    "params",
    "private",
    "protected",
    "public",
    "readonly",
    "ref",
    "return",
    "sbyte",
    "sealed",
    "short",
    "sizeof",
    "stackalloc",
    "static",
    "string",
    "struct",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "uint",
    "ulong",
    "unchecked",
    "unsafe",
    "ushort",
    "using",
    "virtual",
    "void",
    "volatile",
    "while",
];

/// C# contextual keywords, and the `__` keywords of Mono's `mcs`: valid
/// identifiers in most places, but not all (`await` in `mcs`, `var` and
/// `dynamic` as types, `value` in setters), so generated C# escapes them with
/// `@` everywhere, which is always valid.
const CSHARP_CONTEXTUAL_KEYWORDS: &[&str] = &[
    "__arglist",
    "__makeref",
    "__reftype",
    "__refvalue",
    "add",
    "alias",
    "and",
    "args",
    "ascending",
    "async",
    "await",
    "by",
    "descending",
    "dynamic",
    "equals",
    "file",
    "from",
    "get",
    "global",
    "group",
    "init",
    "into",
    "join",
    "let",
    "managed",
    "nameof",
    "nint",
    "not",
    "notnull",
    "nuint",
    "on",
    "or",
    "orderby",
    "partial",
    "record",
    "remove",
    "required",
    "scoped",
    "select",
    "set",
    "unmanaged",
    "value",
    "var",
    "when",
    "where",
    "with",
    "yield",
];

/// Python keywords (soft keywords such as `match` and `type` are valid names).
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Is `name` a Rust keyword?
#[must_use]
pub fn is_rust_keyword(name: &str) -> bool {
    RUST_KEYWORDS.contains(&name) || name == "_"
}

/// Is `name` a C# keyword?
#[must_use]
pub fn is_csharp_keyword(name: &str) -> bool {
    CSHARP_KEYWORDS.contains(&name)
}

/// Is `name` a Python keyword?
#[must_use]
pub fn is_python_keyword(name: &str) -> bool {
    PYTHON_KEYWORDS.contains(&name)
}

/// A Rust identifier for a schema name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustName {
    /// The identifier without any `r#` prefix (`type`, `Self_`).
    pub ident: String,
    /// True when the identifier must be written raw (`r#type`).
    pub raw: bool,
    /// The schema name, when the identifier had to differ from it: the
    /// generated item carries `#[pusm(rename = "...")]` so its signature
    /// still uses the schema's spelling.
    pub rename: Option<String>,
}

impl RustName {
    /// The identifier as it appears in source (`r#type`, `Self_`, `step`).
    #[must_use]
    pub fn source(&self) -> String {
        if self.raw {
            format!("r#{}", self.ident)
        } else {
            self.ident.clone()
        }
    }
}

/// The Rust identifier for a schema name that is already cased for Rust
/// (field names are snake_case, type and variant names PascalCase).
///
/// Keywords become raw identifiers (`type` -> `r#type`); the few that cannot
/// be raw (`self`, `Self`, `super`, `crate`, `_`) get a trailing `_` and a
/// rename back to the schema name. `taken` holds the names already used in
/// the same scope; escaping never produces one of them.
#[must_use]
pub fn rust_name(schema_name: &str, taken: &BTreeSet<String>) -> RustName {
    if RUST_NOT_RAW.contains(&schema_name) || taken.contains(schema_name) {
        let ident = unique(format!("{schema_name}_"), taken);
        return RustName {
            ident,
            raw: false,
            rename: Some(schema_name.to_owned()),
        };
    }
    RustName {
        ident: schema_name.to_owned(),
        raw: is_rust_keyword(schema_name),
        rename: None,
    }
}

/// The Rust module name of a schema file stem (`robot` -> `robot`,
/// `my-schema` -> `my_schema`, `mod` -> `r#mod`).
#[must_use]
pub fn rust_module(stem: &str) -> RustName {
    let mut ident = identifier_chars(&stem.to_snake_case());
    if RUST_NOT_RAW.contains(&ident.as_str()) {
        ident.push('_');
    }
    RustName {
        raw: is_rust_keyword(&ident),
        ident,
        rename: None,
    }
}

/// The C# identifier for `name` (already cased): keywords and contextual
/// keywords get `@`.
#[must_use]
pub fn csharp_ident(name: &str) -> String {
    if is_csharp_keyword(name) || CSHARP_CONTEXTUAL_KEYWORDS.contains(&name) {
        format!("@{name}")
    } else {
        name.to_owned()
    }
}

/// PascalCase, for C# type members, file names and namespaces.
#[must_use]
pub fn pascal(name: &str) -> String {
    let cased = identifier_chars(&name.to_upper_camel_case());
    if cased.is_empty() {
        "_".to_owned()
    } else {
        cased
    }
}

/// camelCase, for C# parameters and locals.
#[must_use]
pub fn camel(name: &str) -> String {
    let cased = identifier_chars(&name.to_lower_camel_case());
    if cased.is_empty() {
        "_".to_owned()
    } else {
        cased
    }
}

/// SCREAMING_SNAKE_CASE, for Python enum members and module constants.
#[must_use]
pub fn screaming(name: &str) -> String {
    identifier_chars(&name.to_shouty_snake_case())
}

/// Every module of Python's standard library (`sys.stdlib_module_names` of
/// Python 3.11, which lists 3.8's too): a generated module of the same name
/// would shadow it for every module of the folder.
const PYTHON_STDLIB: &str = include_str!("emit/python/stdlib_modules.txt");

/// The name of the helper module written once per Python output folder.
pub const PYTHON_RUNTIME_MODULE: &str = "_pusm_runtime";

/// Names every generated Python module binds or refers to at module level,
/// whatever the schema: modules it imports, the names it re-exports, and the
/// builtins it calls or uses in type hints. Schema names that equal one are
/// escaped. A test compares this list with the names the golden modules use.
pub const PYTHON_MODULE_NAMES: &[&str] = &[
    "_np",
    "_rt",
    "annotations",
    "bool",
    "bytes",
    "classmethod",
    "dataclasses",
    "DecodeError",
    "enum",
    "float",
    "int",
    "len",
    "list",
    "numpy",
    "range",
    "SchemaMismatchError",
    "str",
    "struct",
    "typing",
];

/// Is `name` a module of Python's standard library?
#[must_use]
pub fn is_python_stdlib_module(name: &str) -> bool {
    PYTHON_STDLIB.lines().any(|line| line == name)
}

/// The Python module name of a schema file stem: a valid identifier, with a
/// trailing `_` when it is a keyword (`class.pusm` -> `class_`), a module of
/// the standard library (`typing.pusm` -> `typing_`), the helper module or a
/// name generated modules use themselves.
#[must_use]
pub fn python_module(stem: &str) -> String {
    let mut name = identifier_chars(&stem.to_snake_case());
    if name.is_empty() {
        name.push('_');
    }
    while is_python_keyword(&name)
        || is_python_stdlib_module(&name)
        || name == PYTHON_RUNTIME_MODULE
        || PYTHON_MODULE_NAMES.contains(&name.as_str())
    {
        name.push('_');
    }
    name
}

/// The Python class name of a schema type: the schema name, with a trailing
/// `_` when it is a keyword (`None`) or a name generated modules use
/// themselves (`DecodeError`, `int`, `typing`, ...), so no type shadows
/// what the generated code refers to.
#[must_use]
pub fn python_class(name: &str) -> String {
    let mut name = name.to_owned();
    while is_python_keyword(&name) || PYTHON_MODULE_NAMES.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `name`, with `_` appended until it is not in `taken`.
#[must_use]
pub fn unique(mut name: String, taken: &BTreeSet<String>) -> String {
    while taken.contains(&name) {
        name.push('_');
    }
    name
}

/// Keeps ASCII letters, digits and `_`, and puts a `_` in front of a leading digit.
fn identifier_chars(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> BTreeSet<String> {
        BTreeSet::new()
    }

    #[test]
    fn rust_keywords_become_raw_unless_they_cannot() {
        assert_eq!(rust_name("type", &none()).source(), "r#type");
        assert_eq!(rust_name("type", &none()).rename, None);
        assert_eq!(rust_name("step", &none()).source(), "step");
        let self_type = rust_name("Self", &none());
        assert_eq!(self_type.source(), "Self_");
        assert_eq!(self_type.rename.as_deref(), Some("Self"));
        let taken: BTreeSet<String> = ["self_".to_owned()].into();
        assert_eq!(rust_name("self", &taken).source(), "self__");
        assert_eq!(rust_module("mod").source(), "r#mod");
        assert_eq!(rust_module("my-schema").source(), "my_schema");
        assert_eq!(rust_module("self").source(), "self_");
    }

    #[test]
    fn casing() {
        assert_eq!(pascal("last_command"), "LastCommand");
        assert_eq!(pascal("edge_cases"), "EdgeCases");
        assert_eq!(camel("last_command"), "lastCommand");
        assert_eq!(screaming("Move"), "MOVE");
        assert_eq!(screaming("HttpCode"), "HTTP_CODE");
        assert_eq!(csharp_ident("class"), "@class");
        assert_eq!(csharp_ident("Class"), "Class");
        assert_eq!(csharp_ident("await"), "@await");
        assert_eq!(csharp_ident("var"), "@var");
        assert_eq!(csharp_ident("__arglist"), "@__arglist");
        assert_eq!(python_module("class"), "class_");
        assert_eq!(python_module("2d-shapes"), "_2d_shapes");
        assert_eq!(python_module("typing"), "typing_");
        assert_eq!(python_module("os"), "os_");
        assert_ne!(python_module("_pusm_runtime"), PYTHON_RUNTIME_MODULE);
        assert_eq!(python_module("sys"), "sys_");
        assert_eq!(python_module("robot"), "robot");
        assert_eq!(python_class("int"), "int_");
        assert_eq!(python_class("DecodeError"), "DecodeError_");
        assert_eq!(python_class("ValueError"), "ValueError");
    }
}

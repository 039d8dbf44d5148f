//! Reads the named files and everything they import, each once, and orders
//! them so that every file comes after the files it imports.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::ast;
use crate::diagnostics::Report;
use crate::parser::parse;

/// An in-memory set of schema files, for [`crate::load_sources`]: tests,
/// fuzzing and build tools that do not read from disk.
///
/// Paths are compared after removing `.` and `..` lexically, so
/// `add("schemas/./robot.pusm", ..)` is what `import "robot.pusm";` in
/// `schemas/x.pusm` finds.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Sources {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        Sources::default()
    }

    /// Adds (or replaces) the file at `path`.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> &mut Self {
        self.add_bytes(path, text.into().into_bytes())
    }

    /// Adds (or replaces) the file at `path` from raw bytes, which need not
    /// be UTF-8 (loading reports it if they are not).
    pub fn add_bytes(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.files.insert(normalize(&path.into()), bytes.into());
        self
    }
}

/// Why a file could not be read.
pub(crate) enum ReadError {
    NotFound,
    Other(String),
}

/// Where files come from: the disk or a [`Sources`].
pub(crate) trait FileSource {
    /// The bytes of the file at `path`.
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError>;
    /// The identity of the file at `path`: two paths with the same key are
    /// one file.
    fn key(&self, path: &Path) -> PathBuf;
}

/// Files on disk.
pub(crate) struct Disk;

impl FileSource for Disk {
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        if path.is_dir() {
            return Err(ReadError::Other("it is a directory".to_owned()));
        }
        std::fs::read(path).map_err(|error| match error.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound,
            _ => ReadError::Other(error.to_string()),
        })
    }

    fn key(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
    }
}

impl FileSource for Sources {
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        self.files
            .get(&normalize(path))
            .cloned()
            .ok_or(ReadError::NotFound)
    }

    fn key(&self, path: &Path) -> PathBuf {
        normalize(path)
    }
}

/// Removes `.` and resolves `..` lexically (a leading `..` stays).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(component),
            },
            _ => parts.push(component),
        }
    }
    parts.iter().collect()
}

/// One file that was read.
pub(crate) struct LoadedFile {
    /// The path as the user named it (normalized).
    pub path: PathBuf,
    /// Its text (invalid UTF-8 replaced).
    pub text: String,
    /// Its syntax tree.
    pub ast: ast::File,
    /// For each import of `ast.imports`: the reading index of the imported
    /// file, or `None` when it could not be read or closes a cycle.
    pub imports: Vec<Option<usize>>,
}

/// Every file read, in reading order, and the order of the schema.
pub(crate) struct Loaded {
    pub files: Vec<LoadedFile>,
    /// Reading indexes in schema order: every file after its imports.
    pub order: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    InProgress,
    Done,
}

struct Frame {
    file: usize,
    next_import: usize,
}

/// Reads `roots` and their imports from `source`, reporting unreadable files,
/// import cycles and every syntax error.
pub(crate) fn load_all(
    source: &dyn FileSource,
    roots: &[PathBuf],
    reports: &mut Vec<Report>,
) -> Loaded {
    let mut loader = Loader {
        source,
        files: Vec::new(),
        states: Vec::new(),
        by_key: HashMap::new(),
        order: Vec::new(),
        reports,
    };
    for root in roots {
        let path = normalize(root);
        let key = source.key(&path);
        if loader.by_key.contains_key(&key) {
            continue;
        }
        match source.read(&path) {
            Ok(bytes) => {
                let index = loader.add(path, key, bytes);
                loader.visit(index);
            }
            Err(error) => {
                let message = match error {
                    ReadError::NotFound => format!("cannot find schema file '{}'", path.display()),
                    ReadError::Other(why) => {
                        format!("cannot read schema file '{}': {why}", path.display())
                    }
                };
                loader.reports.push(Report::without_spot(path, message));
            }
        }
    }
    Loaded {
        files: loader.files,
        order: loader.order,
    }
}

struct Loader<'s, 'r> {
    source: &'s dyn FileSource,
    files: Vec<LoadedFile>,
    states: Vec<State>,
    by_key: HashMap<PathBuf, usize>,
    order: Vec<usize>,
    reports: &'r mut Vec<Report>,
}

impl Loader<'_, '_> {
    /// Decodes and parses a file that was just read; returns its index.
    fn add(&mut self, path: PathBuf, key: PathBuf, bytes: Vec<u8>) -> usize {
        let index = self.files.len();
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                let valid = error.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
                let end = text
                    .get(valid..)
                    .and_then(|rest| rest.chars().next())
                    .map_or(valid, |c| valid + c.len_utf8());
                self.reports.push(
                    Report::new(
                        index,
                        valid..end,
                        "file is not valid UTF-8",
                        "invalid UTF-8 here",
                    )
                    .with_help("schema files are UTF-8 text"),
                );
                text
            }
        };
        let ast = parse(&text, index, self.reports);
        let imports = vec![None; ast.imports.len()];
        self.files.push(LoadedFile {
            path,
            text,
            ast,
            imports,
        });
        self.states.push(State::InProgress);
        self.by_key.insert(key, index);
        index
    }

    /// Reads everything `root` imports, depth first, without recursion.
    fn visit(&mut self, root: usize) {
        let mut stack = vec![Frame {
            file: root,
            next_import: 0,
        }];
        while let Some(frame) = stack.last_mut() {
            let file = frame.file;
            let Some(import) = self
                .files
                .get(file)
                .and_then(|loaded| loaded.ast.imports.get(frame.next_import))
                .cloned()
            else {
                if let Some(state) = self.states.get_mut(file) {
                    *state = State::Done;
                }
                self.order.push(file);
                stack.pop();
                continue;
            };
            let slot = frame.next_import;
            frame.next_import += 1;
            if import.path.is_empty() {
                self.reports.push(Report::new(
                    file,
                    import.span,
                    "empty import path",
                    "names no file",
                ));
                continue;
            }
            let importer = self
                .files
                .get(file)
                .map(|loaded| loaded.path.clone())
                .unwrap_or_default();
            let folder = importer.parent().unwrap_or_else(|| Path::new(""));
            let path = normalize(&folder.join(&import.path));
            let key = self.source.key(&path);
            if let Some(&target) = self.by_key.get(&key) {
                if self.states.get(target) == Some(&State::InProgress) {
                    let start = stack
                        .iter()
                        .position(|frame| frame.file == target)
                        .unwrap_or(0);
                    let mut cycle: Vec<String> = stack
                        .get(start..)
                        .unwrap_or_default()
                        .iter()
                        .map(|frame| self.display(frame.file))
                        .collect();
                    cycle.push(self.display(target));
                    self.reports.push(
                        Report::new(
                            file,
                            import.span,
                            format!("import cycle: {}", cycle.join(" -> ")),
                            "this import closes the cycle",
                        )
                        .with_help(
                            "move the types both files need into a third file that both import",
                        ),
                    );
                } else {
                    self.set_import(file, slot, target);
                }
                continue;
            }
            match self.source.read(&path) {
                Ok(bytes) => {
                    let target = self.add(path, key, bytes);
                    self.set_import(file, slot, target);
                    stack.push(Frame {
                        file: target,
                        next_import: 0,
                    });
                }
                Err(error) => {
                    let (message, label) = match error {
                        ReadError::NotFound => (
                            format!("cannot find imported file '{}'", path.display()),
                            "not found".to_owned(),
                        ),
                        ReadError::Other(why) => (
                            format!("cannot read imported file '{}': {why}", path.display()),
                            "cannot be read".to_owned(),
                        ),
                    };
                    let mut report = Report::new(file, import.span, message, label);
                    if Path::new(&import.path).is_relative() {
                        report = report
                            .with_note("imports are relative to the folder of the importing file");
                    }
                    self.reports.push(report);
                }
            }
        }
    }

    fn set_import(&mut self, file: usize, slot: usize, target: usize) {
        if let Some(entry) = self
            .files
            .get_mut(file)
            .and_then(|loaded| loaded.imports.get_mut(slot))
        {
            *entry = Some(target);
        }
    }

    fn display(&self, file: usize) -> String {
        self.files
            .get(file)
            .map(|loaded| loaded.path.display().to_string())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.pusm")),
            PathBuf::from("a/c.pusm")
        );
        assert_eq!(
            normalize(Path::new("../a/../../b.pusm")),
            PathBuf::from("../../b.pusm")
        );
        assert_eq!(normalize(Path::new("/../a.pusm")), PathBuf::from("/a.pusm"));
    }
}

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

/// The largest schema file read, in bytes: anything bigger is refused
/// before it is read (a schema is text written by people; `/dev/zero` is not).
pub const MAX_FILE_SIZE: u64 = 1 << 20;

/// Why a file could not be read.
pub(crate) enum ReadError {
    NotFound,
    /// Larger than [`MAX_FILE_SIZE`]: the size, when known.
    TooLarge(u64),
    Other(String),
}

/// Where files come from: the disk or a [`Sources`].
pub(crate) trait FileSource {
    /// The bytes of the file at `path`.
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError>;
    /// The identity of the file or folder at `path`: two paths with the same
    /// key are one file; a file is inside a folder when its key is.
    fn key(&self, path: &Path) -> PathBuf;
    /// Whether something exists at `path` (without opening it).
    fn exists(&self, path: &Path) -> bool;
}

/// Files on disk.
pub(crate) struct Disk;

impl FileSource for Disk {
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        read_regular_file(path)
    }

    fn key(&self, path: &Path) -> PathBuf {
        let folder = if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        };
        std::fs::canonicalize(folder).unwrap_or_else(|_| normalize(path))
    }

    fn exists(&self, path: &Path) -> bool {
        // Follows symlinks: a dangling one is not found.
        std::fs::metadata(path).is_ok()
    }
}

/// Reads a regular file of at most [`MAX_FILE_SIZE`] bytes. The file is
/// opened without blocking (a FIFO would wait for a writer forever) and
/// checked after opening (so it cannot be swapped for another kind of file
/// between a check and the open).
fn read_regular_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    {
        // Without O_NONBLOCK, refuse what is not a regular file before opening.
        match std::fs::metadata(path) {
            Ok(meta) if !meta.is_file() => return Err(not_regular(&meta)),
            _ => {}
        }
    }
    let file = options.open(path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Other(error.to_string()),
    })?;
    let meta = file
        .metadata()
        .map_err(|error| ReadError::Other(error.to_string()))?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::new();
    // Never more than the limit, even if the file grows while it is read.
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| ReadError::Other(error.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

fn not_regular(meta: &std::fs::Metadata) -> ReadError {
    if meta.is_dir() {
        ReadError::Other("it is a directory".to_owned())
    } else {
        ReadError::Other(
            "it is not a regular file (a FIFO, socket or device); schema files are regular files"
                .to_owned(),
        )
    }
}

impl FileSource for Sources {
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        let bytes = self
            .files
            .get(&normalize(path))
            .ok_or(ReadError::NotFound)?;
        if bytes.len() as u64 > MAX_FILE_SIZE {
            return Err(ReadError::TooLarge(bytes.len() as u64));
        }
        Ok(bytes.clone())
    }

    fn key(&self, path: &Path) -> PathBuf {
        normalize(path)
    }

    fn exists(&self, path: &Path) -> bool {
        self.files.contains_key(&normalize(path))
    }
}

/// Whether the file with key `file` is inside the folder with key `folder`
/// (lexically: keys are canonical on disk, normalized in memory).
fn is_inside(file: &Path, folder: &Path) -> bool {
    file.strip_prefix(folder).is_ok_and(|rest| {
        rest.components()
            .all(|component| matches!(component, Component::Normal(_)))
    })
}

/// The message of a file that could not be read.
fn read_error_text(error: ReadError, what: &str, path: &Path) -> (String, String) {
    match error {
        ReadError::NotFound => (
            format!("cannot find {what} '{}'", path.display()),
            "not found".to_owned(),
        ),
        ReadError::TooLarge(size) => (
            format!(
                "{what} '{}' is too large: {size} bytes, over the limit of {MAX_FILE_SIZE} bytes",
                path.display()
            ),
            "too large".to_owned(),
        ),
        ReadError::Other(why) => (
            format!("cannot read {what} '{}': {why}", path.display()),
            "cannot be read".to_owned(),
        ),
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
/// imports outside the allowed folders, import cycles and every syntax error.
///
/// Imports are looked up next to the importing file, then in each of
/// `includes`; the file found must be inside the folder of a root or an
/// include folder once symlinks are resolved.
pub(crate) fn load_all(
    source: &dyn FileSource,
    roots: &[PathBuf],
    includes: &[PathBuf],
    reports: &mut Vec<Report>,
) -> Loaded {
    let includes: Vec<PathBuf> = includes.iter().map(|dir| normalize(dir)).collect();
    let mut allowed: Vec<PathBuf> = includes.iter().map(|dir| source.key(dir)).collect();
    for root in roots {
        let folder = normalize(root)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        allowed.push(source.key(&folder));
    }
    let mut loader = Loader {
        source,
        includes,
        allowed,
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
                let (message, _) = read_error_text(error, "schema file", &path);
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
    /// Include folders, searched after the importing file's folder.
    includes: Vec<PathBuf>,
    /// Keys of the folders imported files must be inside.
    allowed: Vec<PathBuf>,
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
            let Some(path) = self.resolve(file, &import) else {
                continue;
            };
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
                    let (message, label) = read_error_text(error, "imported file", &path);
                    self.reports
                        .push(Report::new(file, import.span, message, label));
                }
            }
        }
    }

    /// Where `import` of `file` points: next to `file`, else in the first
    /// include folder that has it. `None` when it breaks a rule (reported):
    /// an absolute path, not a `.pusm` file, not found anywhere, or outside
    /// the folders imports may reach.
    fn resolve(&mut self, file: usize, import: &ast::Import) -> Option<PathBuf> {
        let named = Path::new(&import.path);
        if named.has_root() || named.is_absolute() {
            self.reports.push(
                Report::new(
                    file,
                    import.span.clone(),
                    format!("import path '{}' is absolute", import.path),
                    "absolute path",
                )
                .with_help(
                    "name the file relative to the importing file, or to an include folder (-I)",
                ),
            );
            return None;
        }
        if named.extension().is_none_or(|ext| ext != "pusm") {
            self.reports.push(
                Report::new(
                    file,
                    import.span.clone(),
                    format!("import path '{}' does not name a '.pusm' file", import.path),
                    "not a schema file name",
                )
                .with_help("schema files end in '.pusm'"),
            );
            return None;
        }
        let importer = self
            .files
            .get(file)
            .map(|loaded| loaded.path.clone())
            .unwrap_or_default();
        let folder = importer.parent().unwrap_or_else(|| Path::new(""));
        let beside = normalize(&folder.join(named));
        let path = std::iter::once(beside.clone())
            .chain(self.includes.iter().map(|dir| normalize(&dir.join(named))))
            .find(|candidate| self.source.exists(candidate));
        let Some(path) = path else {
            let mut report = Report::new(
                file,
                import.span.clone(),
                format!("cannot find imported file '{}'", beside.display()),
                "not found",
            )
            .with_note("imports are relative to the folder of the importing file");
            if !self.includes.is_empty() {
                let folders: Vec<String> = self
                    .includes
                    .iter()
                    .map(|dir| format!("'{}'", dir.display()))
                    .collect();
                report = report.with_note(format!(
                    "also looked in the include folders {}",
                    folders.join(", ")
                ));
            }
            self.reports.push(report);
            return None;
        };
        let key = self.source.key(&path);
        if !self.allowed.iter().any(|folder| is_inside(&key, folder)) {
            self.reports.push(
                Report::new(
                    file,
                    import.span.clone(),
                    format!(
                        "imported file '{}' is outside the schema folders",
                        path.display()
                    ),
                    "outside the schema folders",
                )
                .with_note(
                    "an import may reach only the folders of the schema files named and the include folders, symlinks resolved",
                )
                .with_help("add its folder as an include folder: '-I <folder>' or Builder::include"),
            );
            return None;
        }
        Some(path)
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

//! One schema of the test: its files written to a folder, loaded by
//! pusm-schema as a user's would be, and the reference encoding of random
//! values of each of its structs.

use std::fs;
use std::path::{Path, PathBuf};

use pusm_codegen::{generate, Language};
use pusm_reference::random::{random_value_between, Rng};
use pusm_reference::{decode, encode};
use pusm_schema::{FileId, Item, Schema, TypeRef};

use crate::tokens::{to_hex, tokens, TypeIndex};
use crate::Failure;

/// A schema to test: files as text, the first one the root.
#[derive(Debug, Clone)]
pub struct Case {
    /// What it is, with the seed that made it.
    pub label: String,
    /// `(file name, text)`; the first is given to the loader.
    pub files: Vec<(String, String)>,
    /// Random values per struct.
    pub values: usize,
    /// Seed of the values.
    pub seed: u64,
    /// The fewest elements a random list has.
    pub min_list: usize,
    /// The most elements a random list has.
    pub max_list: usize,
}

impl Case {
    /// The files as one text, for reports.
    #[must_use]
    pub fn text(&self) -> String {
        self.files
            .iter()
            .map(|(name, text)| format!("// {name}\n{text}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A failure of this case.
    #[must_use]
    pub fn failure(&self, language: &'static str, detail: impl Into<String>) -> Failure {
        Failure {
            case: self.label.clone(),
            language,
            schema: self.text(),
            detail: detail.into(),
        }
    }

    /// Writes the files into `dir` and loads the root.
    ///
    /// # Errors
    /// The rendered diagnostics, when the loader refuses the schema.
    pub fn load(&self, dir: &Path) -> Result<Schema, String> {
        fs::create_dir_all(dir).map_err(|err| err.to_string())?;
        for (name, text) in &self.files {
            fs::write(dir.join(name), text).map_err(|err| err.to_string())?;
        }
        let root: PathBuf = dir.join(&self.files[0].0);
        pusm_schema::load(&[root]).map_err(|errors| errors.render(false))
    }
}

/// One message of a loaded case: a value of a struct and its reference bytes.
#[derive(Debug, Clone)]
pub struct Message {
    /// The struct's name.
    pub root: String,
    /// The file that defines it.
    pub file: FileId,
    /// Its fingerprint.
    pub fingerprint: u32,
    /// The reference encoding.
    pub bytes: Vec<u8>,
    /// The value, as driver tokens.
    pub tokens: String,
}

impl Message {
    /// How a failure report shows this message.
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "root {} (fingerprint {:#010x})\nvalue tokens: {}\nreference bytes: {}",
            self.root,
            self.fingerprint,
            crate::clip(&self.tokens, 2000),
            crate::clip(&to_hex(&self.bytes), 2000)
        )
    }
}

/// A case that loaded: its schema and messages.
#[derive(Debug)]
pub struct Loaded {
    /// The case.
    pub case: Case,
    /// The loaded schema.
    pub schema: Schema,
    /// Where its files are (generated code goes in subfolders).
    pub dir: PathBuf,
    /// Random messages of every struct.
    pub messages: Vec<Message>,
    /// Where each type's generated Python lives.
    pub index: TypeIndex,
}

impl Loaded {
    /// Loads `case` in `dir` and computes its messages with the reference
    /// codec; a refused schema or a codec that disagrees with itself is a
    /// failure.
    ///
    /// # Errors
    /// The failure.
    pub fn new(case: Case, dir: &Path) -> Result<Loaded, Failure> {
        let schema = case
            .load(dir)
            .map_err(|err| case.failure("loader", format!("the loader refused it:\n{err}")))?;
        let mut index = TypeIndex::default();
        for file in generate(&schema, Language::Python) {
            // Files without a schema file (shared helpers) define no type.
            let Some(source) = file.source else { continue };
            let module = file.name.trim_end_matches(".py").to_owned();
            for item in &schema.file(source).items {
                index.modules.insert(item.name().to_owned(), module.clone());
            }
        }
        for (id, item) in schema.types() {
            if let Item::Struct(_) = item {
                let fingerprint = schema.fingerprint(&TypeRef::Named(id));
                index
                    .fingerprints
                    .insert(item.name().to_owned(), fingerprint);
            }
        }
        let mut rng = Rng::new(case.seed);
        let mut messages = Vec::new();
        for (id, item) in schema.types() {
            let Item::Struct(_) = item else { continue };
            let ty = TypeRef::Named(id);
            for _ in 0..case.values {
                let made = schema.with_layout(&ty, |layout| {
                    let value =
                        random_value_between(layout, &mut rng, case.min_list, case.max_list);
                    let bytes = encode(layout, &value).map_err(|err| err.to_string())?;
                    match decode(layout, &bytes) {
                        Ok((back, end)) if end == bytes.len() && back.same_bits(&value) => {
                            Ok((value, bytes))
                        }
                        other => Err(format!("reference decode gave {other:?}")),
                    }
                });
                let (value, bytes) = made
                    .map_err(|err| case.failure("reference", format!("{}: {err}", item.name())))?;
                messages.push(Message {
                    root: item.name().to_owned(),
                    file: id.file,
                    fingerprint: schema.fingerprint(&ty),
                    bytes,
                    tokens: tokens(&value, &index),
                });
            }
        }
        Ok(Loaded {
            case,
            schema,
            dir: dir.to_path_buf(),
            messages,
            index,
        })
    }

    /// The C# driver's key for the namespace of `file`: its segments in
    /// lower case without `_`.
    #[must_use]
    pub fn csharp_key(&self, file: FileId) -> String {
        let file = self.schema.file(file);
        let raw = match &file.namespace {
            Some(segments) => segments.join("."),
            None => file.module.clone(),
        };
        raw.to_lowercase().replace('_', "")
    }
}

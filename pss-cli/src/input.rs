//! Inputs: the PATH arguments expanded into sources (stdin, files, files found in directories),
//! and how each source is read (YAML or JSON).

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::InputError;

/// Where documents come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input (`-`).
    Stdin,
    /// A file, as given or as found under a directory argument.
    File(PathBuf),
}

/// A source's names: in JSON output, and in messages to people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceName {
    /// `-` for standard input, else the path.
    pub id: String,
    /// `<stdin>` for standard input, else the path.
    pub shown: String,
}

impl Source {
    /// The source's names.
    pub fn name(&self) -> SourceName {
        match self {
            Source::Stdin => SourceName { id: "-".to_owned(), shown: "<stdin>".to_owned() },
            Source::File(path) => {
                let id = path.to_string_lossy().into_owned();
                SourceName { shown: id.clone(), id }
            }
        }
    }
}

/// How a source is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// YAML, documents separated by `---` lines.
    Yaml,
    /// JSON: one or more concatenated texts (JSON Lines included).
    Json,
}

/// The syntax a file's name implies: `.yaml`/`.yml` and `.json`/`.jsonl` (any case); `None` for
/// other names, whose syntax is sniffed from the content.
pub fn syntax_of_name(path: &Path) -> Option<Syntax> {
    let ext = path.extension()?.to_str()?;
    if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") {
        Some(Syntax::Yaml)
    } else if ext.eq_ignore_ascii_case("json") || ext.eq_ignore_ascii_case("jsonl") {
        Some(Syntax::Json)
    } else {
        None
    }
}

/// Whether a file found while walking a directory is checked.
fn is_manifest(path: &Path) -> bool {
    syntax_of_name(path).is_some()
}

/// Expands one PATH argument: `-`, a file (taken whatever its name), or a directory (walked
/// recursively in sorted order for manifest files; symbolic links to directories are not followed
/// while walking). Problems reading a path are reported in place of its sources.
pub fn expand(arg: &Path) -> Vec<Result<Source, InputError>> {
    if arg.as_os_str() == "-" {
        return vec![Ok(Source::Stdin)];
    }
    let mut out = Vec::new();
    match fs::metadata(arg) {
        Ok(meta) if meta.is_dir() => walk(arg, &mut out),
        Ok(_) => out.push(Ok(Source::File(arg.to_path_buf()))),
        Err(error) => out.push(Err(InputError::Read { source: arg.to_string_lossy().into_owned(), error })),
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<Result<Source, InputError>>) {
    let read_error = |error| InputError::Read { source: dir.to_string_lossy().into_owned(), error };
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => return out.push(Err(read_error(error))),
    };
    let mut children = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => children.push(entry),
            Err(error) => return out.push(Err(read_error(error))),
        }
    }
    children.sort_by_key(|e| e.file_name());
    for entry in children {
        let path = entry.path();
        let file_type = match entry.file_type() {
            Ok(t) => t,
            Err(error) => {
                out.push(Err(InputError::Read { source: path.to_string_lossy().into_owned(), error }));
                continue;
            }
        };
        if file_type.is_dir() {
            walk(&path, out);
        } else if is_manifest(&path) {
            // A symbolic link is followed to a file, never to a directory.
            let is_file = file_type.is_file() || fs::metadata(&path).is_ok_and(|m| m.is_file());
            if is_file {
                out.push(Ok(Source::File(path)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_imply_syntax() {
        assert_eq!(syntax_of_name(Path::new("a/b.yaml")), Some(Syntax::Yaml));
        assert_eq!(syntax_of_name(Path::new("b.YML")), Some(Syntax::Yaml));
        assert_eq!(syntax_of_name(Path::new("b.json")), Some(Syntax::Json));
        assert_eq!(syntax_of_name(Path::new("b.jsonl")), Some(Syntax::Json));
        assert_eq!(syntax_of_name(Path::new("b.txt")), None);
        assert_eq!(syntax_of_name(Path::new("yaml")), None);
    }
}

//! Inputs: the PATH arguments expanded into sources (stdin, files, files found in directories),
//! and how each source is read (YAML or JSON).

use std::convert::Infallible;
use std::fs;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use crate::error::InputError;
use crate::parallel;

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
    expand_on(arg, NonZeroUsize::MIN)
}

/// [`expand`], the directories of each depth of a walk listed on `jobs` threads (the same sources
/// in the same order with any number).
pub fn expand_on(arg: &Path, jobs: NonZeroUsize) -> Vec<Result<Source, InputError>> {
    if arg.as_os_str() == "-" {
        return vec![Ok(Source::Stdin)];
    }
    let mut out = Vec::new();
    match fs::metadata(arg) {
        Ok(meta) if meta.is_dir() => walk(arg, jobs, &mut out),
        Ok(_) => out.push(Ok(Source::File(arg.to_path_buf()))),
        Err(error) => out.push(Err(InputError::Read { source: arg.to_string_lossy().into_owned(), error })),
    }
    out
}

/// One entry of a directory, as the walk takes it.
enum Entry {
    /// A manifest file, or a problem reading an entry or the directory.
    Source(Result<Source, InputError>),
    /// A subdirectory.
    Dir(PathBuf),
}

/// The entries of `dir` that the walk takes, sorted by name; a problem listing it is its only
/// entry.
fn list(dir: &Path) -> Vec<Entry> {
    let read_error =
        |error| vec![Entry::Source(Err(InputError::Read { source: dir.to_string_lossy().into_owned(), error }))];
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => return read_error(error),
    };
    let mut children = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => children.push(entry),
            Err(error) => return read_error(error),
        }
    }
    // Each name once (`DirEntry::file_name` copies it), not once per comparison.
    children.sort_by_cached_key(fs::DirEntry::file_name);
    children
        .into_iter()
        .filter_map(|entry| {
            let path = entry.path();
            match entry.file_type() {
                Err(error) => {
                    Some(Entry::Source(Err(InputError::Read { source: path.to_string_lossy().into_owned(), error })))
                }
                Ok(file_type) if file_type.is_dir() => Some(Entry::Dir(path)),
                // A symbolic link is followed to a file, never to a directory.
                Ok(file_type) if is_manifest(&path) => (file_type.is_file()
                    || fs::metadata(&path).is_ok_and(|m| m.is_file()))
                .then_some(Entry::Source(Ok(Source::File(path)))),
                Ok(_) => None,
            }
        })
        .collect()
}

/// Walks `dir` into `out`: each directory's entries in sorted order, a subdirectory's sources in
/// its place. The directories are listed a depth at a time, those of one depth on `jobs` threads
/// (on a large tree, listing takes a tenth of a run on one thread), then the sources are put in
/// order.
fn walk(dir: &Path, jobs: NonZeroUsize, out: &mut Vec<Result<Source, InputError>>) {
    // Every directory listed, by number (`dir` is 0): its entries, and the number of its first
    // subdirectory (the others follow it, in their order).
    let mut listed: Vec<(Vec<Entry>, usize)> = vec![(Vec::new(), 0)];
    let mut depth = vec![(0, dir.to_path_buf())];
    while !depth.is_empty() {
        let mut deeper = Vec::new();
        let first = listed.len();
        let window = NonZeroUsize::new(depth.len()).unwrap_or(NonZeroUsize::MIN);
        let listing: Result<(), Infallible> = parallel::ordered(
            &depth,
            jobs,
            window,
            |(_, path)| list(path),
            |&(number, _), entries| {
                let first_subdirectory = first + deeper.len();
                for entry in &entries {
                    if let Entry::Dir(path) = entry {
                        deeper.push((first + deeper.len(), path.clone()));
                    }
                }
                listed[number] = (entries, first_subdirectory);
                Ok(())
            },
        );
        let Ok(()) = listing;
        listed.resize_with(first + deeper.len(), || (Vec::new(), 0));
        depth = deeper;
    }
    put_in_order(&mut listed, 0, out);
}

/// The sources of directory `number` of [`walk`] and of its subdirectories, in order, into `out`.
fn put_in_order(listed: &mut [(Vec<Entry>, usize)], number: usize, out: &mut Vec<Result<Source, InputError>>) {
    let (entries, mut subdirectory) = std::mem::take(&mut listed[number]);
    for entry in entries {
        match entry {
            Entry::Source(source) => out.push(source),
            Entry::Dir(_) => {
                put_in_order(listed, subdirectory, out);
                subdirectory += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree with files at several depths, names that sort differently as bytes and as numbers,
    /// files that are not manifests, empty directories and (on Unix) symbolic links: the same
    /// sources in the same order with any number of threads, directories in name order, each
    /// directory's sources before those of the directories after it.
    #[test]
    fn walks_in_sorted_order_whatever_the_threads() {
        let root = std::env::temp_dir().join(format!("pss-walk-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let files = [
            "a.yaml",
            "b/x.json",
            "b/c/d/e.yml",
            "b/c/d/f.txt",
            "b/c2/g.yaml",
            "b10/h.jsonl",
            "b2/i.YAML",
            "empty/",
            "z/y/x/w/v.yaml",
            "z/y/x/w/u/",
            "z/a.json",
        ];
        for file in files {
            let path = root.join(file);
            if file.ends_with('/') {
                fs::create_dir_all(&path).unwrap();
            } else {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, "{}").unwrap();
            }
        }
        #[cfg(unix)]
        {
            // A link to a file is taken; a link to a directory is not followed.
            std::os::unix::fs::symlink(root.join("a.yaml"), root.join("b/link.yaml")).unwrap();
            std::os::unix::fs::symlink(root.join("z"), root.join("b/zlink")).unwrap();
        }
        let walked = |jobs: usize| -> Vec<String> {
            let jobs = NonZeroUsize::new(jobs).unwrap();
            expand_on(&root, jobs)
                .into_iter()
                .map(|source| match source {
                    Ok(Source::File(path)) => path.strip_prefix(&root).unwrap().to_string_lossy().into_owned(),
                    other => panic!("{other:?}"),
                })
                .collect()
        };
        let mut expected = vec!["a.yaml", "b/c/d/e.yml", "b/c2/g.yaml"];
        if cfg!(unix) {
            expected.push("b/link.yaml");
        }
        expected.extend(["b/x.json", "b10/h.jsonl", "b2/i.YAML", "z/a.json", "z/y/x/w/v.yaml"]);
        for jobs in [1, 2, 3, 8] {
            assert_eq!(walked(jobs), expected, "{jobs} threads");
        }
        fs::remove_dir_all(&root).unwrap();
    }

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

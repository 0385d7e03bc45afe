//! Reading every source document by document with pss-manifest (YAML converted to JSON as kubectl
//! reads it, a List's items one by one) and handing each object's JSON text to a [`Visitor`].

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use pss_core::{ObjectClass, ObjectHeader};
use pss_manifest::{Document, Options, Reader, Syntax};

use crate::error::{InputError, Origin, OutputError};
use crate::input::{self, Source, SourceName};
use crate::limits::{Limits, STDIN_MEMORY};
use crate::report::Loc;

/// What to do after an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visit {
    /// Nothing more.
    Done,
    /// The object is a List: visit each of its items.
    List,
}

/// What is done with each object read.
pub trait Visitor {
    /// A cheap test of a document's text, before it is parsed, for whether it may hold an object
    /// of interest: a document failing it is skipped without being parsed (the default takes
    /// everything). A skipped document keeps its number, so numbers stay those of the other passes.
    fn prefilter() -> Option<fn(&[u8]) -> bool> {
        None
    }

    /// A cheap test of a whole file's bytes, before its documents are cut, that never says no to a
    /// file holding an object the visitor wants: a file failing it is not read further, as if each
    /// of its documents had failed [`prefilter`](Self::prefilter) (then its input errors, such as
    /// a document over the size limit, are not reported either). Used for the bytes of files up to
    /// [`WHOLE_FILE`] and of streams held in memory, and for each piece of a stream cut into pieces
    /// (whole documents), when they are not UTF-16 (whose bytes are not their text); the default
    /// takes everything.
    fn prefilter_file() -> Option<fn(&[u8]) -> bool> {
        None
    }

    /// A source is about to be read.
    ///
    /// # Errors
    /// Writing the output failed.
    fn source(&mut self, _name: &SourceName) -> Result<(), OutputError> {
        Ok(())
    }

    /// One object's JSON text at `at` (whose locator finds its fields in the source); `origin` is
    /// where the text starts in the file (`None` when converted from YAML); `in_list` when it is an
    /// item of a List (whose own Lists are not walked).
    ///
    /// # Errors
    /// Writing the output failed.
    fn object(
        &mut self,
        text: &[u8],
        at: &Loc<'_>,
        origin: Option<Origin>,
        in_list: bool,
    ) -> Result<Visit, OutputError>;

    /// An object read from YAML, given first as the JSON of its header's members alone (`header`:
    /// [`ObjectHeader::MEMBERS`](pss_core::ObjectHeader::MEMBERS)), at `at`: whether that was
    /// enough (pss-core's [`needs_more_than_header`](pss_core::ObjectClass::needs_more_than_header)
    /// says when it is), or the whole object is to be given to [`object`](Self::object) (which is
    /// then written). The default asks for the whole.
    ///
    /// # Errors
    /// Writing the output failed.
    fn header(&mut self, _header: &[u8], _at: &Loc<'_>) -> Result<bool, OutputError> {
        Ok(false)
    }

    /// An input error (the rest of the input is still read).
    ///
    /// # Errors
    /// Writing the output failed.
    fn input_error(&mut self, error: &InputError) -> Result<(), OutputError>;

    /// The items of a List (those [`prefilter`](Self::prefilter) takes), in order, each as
    /// [`object`](Self::object) takes it with `in_list`. A visitor may read them on several
    /// threads as long as what it reports keeps their order; the default reads them one after the
    /// other ([`visit_items`]).
    ///
    /// # Errors
    /// Writing the output failed.
    fn items(&mut self, items: &[ListItem<'_>]) -> Result<(), OutputError>
    where
        Self: Sized,
    {
        visit_items(self, items)
    }
}

/// One item of a List, as [`Visitor::object`] takes it.
#[derive(Debug)]
pub struct ListItem<'a> {
    /// Its JSON text.
    pub json: &'a [u8],
    /// Where it is.
    pub at: Loc<'a>,
    /// Where its text starts in the file (`None` when converted from YAML).
    pub origin: Option<Origin>,
}

/// Hands each item of a List to `visitor.object`, one after the other.
///
/// # Errors
/// Writing the output failed.
pub fn visit_items<V: Visitor>(visitor: &mut V, items: &[ListItem<'_>]) -> Result<(), OutputError> {
    for item in items {
        visitor.object(item.json, &item.at, item.origin, true)?;
    }
    Ok(())
}

/// Standard input as the passes over the input read it: read to its end once (namespaces are looked
/// for before the objects are checked), kept in memory up to [`STDIN_MEMORY`] and in an anonymous
/// temporary file beyond. Each pass reads it at its first `-`; later `-`s find it empty, as they
/// would find a stream already read to its end.
#[derive(Debug, Default)]
pub struct StdinBuffer {
    data: Vec<u8>,
    /// Everything, `data` included, once the input outgrew memory.
    spilled: Option<File>,
    /// The error that ended reading, kept as its kind and message so that each pass can report it.
    error: Option<(io::ErrorKind, String)>,
    taken: bool,
    /// Where it is cut into pieces, once found (`Some(None)`: it cannot be cut).
    pieces: Option<Option<Vec<pss_manifest::Piece>>>,
}

/// The least size of a piece of standard input or of a large file read on its own (see [`Plan`]):
/// large enough that a piece's fixed costs (a report, its output buffer) are small beside its
/// documents', small enough for a 16 MB stream to keep every thread busy.
pub const STDIN_PIECE: usize = 128 * 1024;

impl StdinBuffer {
    /// Reads `reader` to its end (or to an error, kept for the passes to report).
    pub fn read_from<R: Read>(reader: R) -> Self {
        Self::read_keeping(reader, STDIN_MEMORY)
    }

    /// As [`read_from`](Self::read_from), keeping at most `memory` bytes in memory.
    pub fn read_keeping<R: Read>(mut reader: R, memory: usize) -> Self {
        let mut data = Vec::new();
        let limit = u64::try_from(memory).unwrap_or(u64::MAX).saturating_add(1);
        let mut error = (&mut reader).take(limit).read_to_end(&mut data).err();
        let mut spilled = None;
        if error.is_none() && data.len() > memory {
            match Self::spill(&data, &mut reader) {
                Ok(file) => {
                    spilled = Some(file);
                    data = Vec::new();
                }
                Err(e) => error = Some(e),
            }
        }
        let error = error.map(|e| (e.kind(), e.to_string()));
        StdinBuffer { data, spilled, error, taken: false, pieces: None }
    }

    /// Writes `start` and the rest of `reader` to a temporary file that disappears when closed.
    fn spill<R: Read>(start: &[u8], reader: &mut R) -> io::Result<File> {
        let describe = |e: io::Error| io::Error::new(e.kind(), format!("cannot buffer standard input on disk: {e}"));
        let mut file = tempfile::tempfile().map_err(describe)?;
        file.write_all(start).map_err(describe)?;
        io::copy(reader, &mut file)?;
        Ok(file)
    }

    /// Standard input cut into pieces that can be read apart, on several threads
    /// ([`pss_manifest::pieces`], at least [`STDIN_PIECE`] bytes each), when it is held in
    /// memory, not read yet by this pass, and a stream (JSON texts or YAML documents) that can be
    /// cut safely: then it counts as read by this pass, and the bytes are
    /// [`memory`](Self::memory)'s. The error that ended reading it, if one did, comes with the
    /// pieces (reported after them). The cut is made once, for every pass.
    fn pieces(&mut self, limits: Limits, jobs: NonZeroUsize) -> Option<(Vec<pss_manifest::Piece>, Option<io::Error>)> {
        if self.taken || self.spilled.is_some() {
            return None;
        }
        let data = &self.data;
        let pieces =
            self.pieces.get_or_insert_with(|| pss_manifest::pieces_on(data, options(limits), STDIN_PIECE, jobs));
        let pieces = pieces.clone()?;
        self.taken = true;
        let error = self.error.as_ref().map(|(kind, message)| io::Error::new(*kind, message.clone()));
        Some((pieces, error))
    }

    /// The bytes held in memory (all of standard input unless it outgrew memory).
    pub fn memory(&self) -> &[u8] {
        &self.data
    }

    /// Lets the next pass read it again.
    pub fn rewind(&mut self) {
        self.taken = false;
    }

    fn take(&mut self) -> (Box<dyn Read + '_>, Option<io::Error>) {
        if std::mem::replace(&mut self.taken, true) {
            return (Box::new(io::empty()), None);
        }
        let error = self.error.as_ref().map(|(kind, message)| io::Error::new(*kind, message.clone()));
        match &self.spilled {
            Some(file) => match (&*file).seek(SeekFrom::Start(0)) {
                Ok(_) => (Box::new(BufReader::with_capacity(64 * 1024, file)), error),
                Err(e) => (Box::new(io::empty()), Some(e)),
            },
            None => (Box::new(self.data.as_slice()), error),
        }
    }
}

/// Where the input comes from beyond the PATH arguments, and how much of it is held: standard
/// input (read once, see [`StdinBuffer`]) and the [`Limits`].
#[derive(Debug, Default)]
pub struct Inputs {
    /// Standard input.
    pub stdin: StdinBuffer,
    /// What is held in memory.
    pub limits: Limits,
    /// Large files held for the passes, read and cut once (see [`Plan`]).
    held: HeldFiles,
    /// Small files one pass read and kept for the next (see [`Plan::keep_files`]).
    kept: Arc<KeptFiles>,
}

/// The most bytes of small files (at most [`WHOLE_FILE`] each) that a pass keeps for the next one
/// (see [`Plan::keep_files`]): with it and [`FILES_HELD`], the most a run holds.
pub const FILES_KEPT: u64 = 64 << 20;

/// Small files a pass read, kept by path for the next pass to read from memory instead of from the
/// disk: [`FILES_KEPT`] bytes in all, the first that come.
#[derive(Debug)]
struct KeptFiles {
    /// Bytes that may still be kept.
    room: std::sync::atomic::AtomicU64,
    /// By the bytes of the path (hashed whole: a `Path` hashes component by component, several
    /// times slower).
    by_path: Mutex<std::collections::HashMap<Box<[u8]>, Vec<u8>>>,
}

impl Default for KeptFiles {
    fn default() -> Self {
        KeptFiles::with_room(FILES_KEPT)
    }
}

impl KeptFiles {
    fn with_room(room: u64) -> Self {
        KeptFiles { room: std::sync::atomic::AtomicU64::new(room), by_path: Mutex::default() }
    }

    /// Keeps `bytes` as the file at `path`'s when they fit in the room left and nothing is kept
    /// for it yet (a file listed twice is kept once: the next pass reads it from memory the first
    /// time, from the disk the second, as this pass did).
    fn offer(&self, path: &Path, bytes: Vec<u8>) {
        use std::sync::atomic::Ordering;
        let len = bytes.len() as u64;
        let key = path.as_os_str().as_encoded_bytes();
        let mut by_path = self.by_path.lock().unwrap_or_else(PoisonError::into_inner);
        if by_path.contains_key(key) {
            return;
        }
        if self.room.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |room| room.checked_sub(len)).is_ok() {
            by_path.insert(key.into(), bytes);
        }
    }

    /// The bytes kept for `path`, no longer kept (their room is not given back: a pass reads the
    /// files in order, so the room left is for the files after them).
    fn take(&self, path: &Path) -> Option<Vec<u8>> {
        let mut by_path = self.by_path.lock().unwrap_or_else(PoisonError::into_inner);
        if by_path.is_empty() {
            return None;
        }
        by_path.remove(path.as_os_str().as_encoded_bytes())
    }
}

/// Large files held in memory for the passes over the input, by path, read and cut by the first
/// pass that looks at them: [`FILES_HELD`] bytes in all, for the whole run.
#[derive(Debug)]
struct HeldFiles {
    /// What the first look found: the file held, or `None` (not held: read as a source).
    by_path: std::collections::HashMap<std::path::PathBuf, Option<Arc<HeldFile>>>,
    /// Bytes that may still be held.
    room: u64,
}

impl Default for HeldFiles {
    fn default() -> Self {
        HeldFiles { by_path: std::collections::HashMap::new(), room: FILES_HELD }
    }
}

/// A file held in memory, and its pieces (`None`: it cannot be cut, and is read whole).
#[derive(Debug)]
struct HeldFile {
    bytes: Vec<u8>,
    pieces: Option<Vec<pss_manifest::Piece>>,
}

impl HeldFiles {
    /// The file at `path` held, if it is one to hold (see [`hold`]); looked at once.
    fn get(&mut self, path: &Path, limits: Limits, jobs: NonZeroUsize) -> Option<Arc<HeldFile>> {
        if let Some(known) = self.by_path.get(path) {
            return known.clone();
        }
        let held = if self.room > WHOLE_FILE { hold(path, &mut self.room, limits, jobs) } else { None };
        let held = held.map(|(bytes, pieces)| Arc::new(HeldFile { bytes, pieces }));
        self.by_path.insert(path.to_owned(), held.clone());
        held
    }
}

impl Inputs {
    /// Inputs with standard input `stdin` (the default one when no PATH is `-`) and `limits`.
    pub fn new(stdin: StdinBuffer, limits: Limits) -> Self {
        Inputs { stdin, limits, held: HeldFiles::default(), kept: Arc::default() }
    }

    /// Lets the next pass read standard input again.
    pub fn rewind(&mut self) {
        self.stdin.rewind();
    }
}

/// What one thread reads at a time in a pass over the input: a source (or the problem found
/// expanding a PATH argument), or a piece of a stream held in memory (standard input, a large file).
#[derive(Debug)]
pub enum Unit<'s> {
    /// A source, read whole.
    Source(&'s Result<Source, InputError>),
    /// A piece of a stream held in memory; `last` is its last.
    Piece {
        /// Which stream: an index into the plan's.
        stream: usize,
        /// Where it is.
        piece: pss_manifest::Piece,
        /// Whether it is the stream's last piece (after which the error that ended reading it, if
        /// any, is reported).
        last: bool,
    },
    /// A file held in memory that cannot be cut, read whole (not read again from the disk).
    Whole {
        /// Which stream: an index into the plan's.
        stream: usize,
    },
}

/// How much of the files of a run is held in memory to be read in pieces on several threads (a
/// file larger than [`WHOLE_FILE`], up to this size, is held and cut once, for every pass, as
/// standard input is, while the files held so far leave room for it; any other is read a buffer at
/// a time). The same as standard input's: with it, the most a run holds.
pub const FILES_HELD: u64 = STDIN_MEMORY as u64;

/// How many files a pass lets wait to be written per thread (see [`Plan::window`]): with 4, a
/// file that takes as long as a few dozen small ones left the other thread idle (the real-world
/// corpus kept 1.74-1.83 of 2 cores busy; with 64, 1.91-1.96).
const FILES_WAITING_PER_JOB: NonZeroUsize = NonZeroUsize::new(64).unwrap();

/// How many pieces of streams a pass lets wait to be written per thread (see [`Plan::window`]).
const PIECES_WAITING_PER_JOB: NonZeroUsize = NonZeroUsize::new(4).unwrap();

/// The most sources a pass may have for its files to be looked at for holding (each is opened
/// first, on one thread): with more, the files alone keep the threads busy.
pub const FILES_LOOKED_AT: usize = 64;

/// A pass over the input cut into [`Unit`]s that can be read on several threads and give,
/// joined in order, what reading the sources one after the other gives: each source is a unit,
/// except standard input held in memory and files larger than [`WHOLE_FILE`] (within
/// [`FILES_HELD`], among at most [`FILES_LOOKED_AT`] sources), which are cut into pieces when they
/// can be (a stream of JSON texts or YAML documents: [`pss_manifest::pieces`]).
#[derive(Debug)]
pub struct Plan<'s, 'i> {
    units: Vec<Unit<'s>>,
    /// Standard input, for its units that read it whole.
    stdin: Mutex<Stdin<'i>>,
    /// The streams read in pieces.
    streams: Vec<Held<'i>>,
    limits: Limits,
    /// Small files kept by an earlier pass, or for a later one.
    kept: Arc<KeptFiles>,
    /// Whether this pass keeps the small files it reads for the next one.
    keep: bool,
}

/// A stream read in pieces.
#[derive(Debug)]
struct Held<'i> {
    name: SourceName,
    bytes: Bytes<'i>,
    /// The error that ended reading it, reported after its last piece.
    error: Option<io::Error>,
}

/// The bytes of a stream read in pieces.
#[derive(Debug)]
enum Bytes<'i> {
    /// Standard input's, in memory.
    Stdin(&'i [u8]),
    /// A large file's.
    File(Arc<HeldFile>),
}

impl std::ops::Deref for Bytes<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Stdin(bytes) => bytes,
            Bytes::File(file) => &file.bytes,
        }
    }
}

/// Standard input as the units that read it whole find it.
#[derive(Debug)]
enum Stdin<'i> {
    /// Not read in pieces: the inputs', read by the first unit that reads it.
    Whole(&'i mut Inputs),
    /// Read in pieces: a later `-` finds it read (empty), as it would after reading it.
    Read(Inputs),
}

impl<'s, 'i> Plan<'s, 'i> {
    /// The units of `sources`, with standard input from `inputs`, for a pass on `jobs` threads
    /// (standard input and large files in pieces when there are several and they can be cut,
    /// found on as many threads).
    pub fn new(sources: &'s [Result<Source, InputError>], inputs: &'i mut Inputs, jobs: NonZeroUsize) -> Self {
        let cut = jobs.get() > 1;
        let limits = inputs.limits;
        let kept = Arc::clone(&inputs.kept);
        let mut stdin_pieces = None;
        if cut && sources.iter().any(|s| matches!(s, Ok(Source::Stdin))) {
            stdin_pieces = inputs.stdin.pieces(limits, jobs);
        }
        let mut units = Vec::with_capacity(sources.len() + stdin_pieces.as_ref().map_or(0, |(p, _)| p.len()));
        let mut streams = Vec::new();
        // Standard input's place among the streams, once read in pieces (its bytes come last).
        let mut stdin_stream = None;
        let look_at_files = cut && sources.len() <= FILES_LOOKED_AT;
        for source in sources {
            let held = match source {
                Ok(Source::Stdin) => stdin_pieces.take().map(|(pieces, error)| {
                    stdin_stream = Some(streams.len());
                    (Held { name: Source::Stdin.name(), bytes: Bytes::Stdin(&[]), error }, Some(pieces))
                }),
                Ok(file @ Source::File(path)) if look_at_files => inputs.held.get(path, limits, jobs).map(|held| {
                    let pieces = held.pieces.clone();
                    (Held { name: file.name(), bytes: Bytes::File(held), error: None }, pieces)
                }),
                _ => None,
            };
            let Some((stream, pieces)) = held else {
                units.push(Unit::Source(source));
                continue;
            };
            let index = streams.len();
            streams.push(stream);
            let Some(pieces) = pieces else {
                units.push(Unit::Whole { stream: index });
                continue;
            };
            let count = pieces.len();
            units.extend(pieces.into_iter().enumerate().map(|(i, piece)| Unit::Piece {
                stream: index,
                piece,
                last: i + 1 == count,
            }));
        }
        let stdin = match stdin_stream {
            Some(index) => {
                let inputs: &'i Inputs = inputs;
                streams[index].bytes = Bytes::Stdin(inputs.stdin.memory());
                Stdin::Read(Inputs::new(StdinBuffer::default(), limits))
            }
            None => Stdin::Whole(inputs),
        };
        Plan { units, stdin: Mutex::new(stdin), streams, limits, kept, keep: false }
    }

    /// The plan of a pass after which the input is read again: the small files it reads (at most
    /// [`WHOLE_FILE`] bytes each, [`FILES_KEPT`] in all) are kept in memory for the next pass,
    /// which reads them from there instead of opening them again.
    #[must_use]
    pub fn keep_files(mut self) -> Self {
        self.keep = true;
        self
    }

    /// How many units may wait to be written while `jobs` threads read the next ones: enough to
    /// keep every thread busy behind a slow unit. Files differ widely (a large one holds back the
    /// writing of every file after it while the other threads go on through small ones), and
    /// each waits with the output of one file, so many may wait; the pieces of a stream cost
    /// about the same, and each waits with the output of [`STDIN_PIECE`] bytes or more, so a few.
    pub fn window(&self, jobs: NonZeroUsize) -> NonZeroUsize {
        let per_job = if self.streams.is_empty() { FILES_WAITING_PER_JOB } else { PIECES_WAITING_PER_JOB };
        jobs.saturating_mul(per_job)
    }

    /// The units, in the input's order.
    pub fn units(&self) -> &[Unit<'s>] {
        &self.units
    }

    /// Reads one unit into `visitor` (a problem expanding a PATH argument is left to the caller,
    /// which reports it in order: nothing is read for it).
    ///
    /// # Errors
    /// Writing the output failed.
    pub fn read<V: Visitor>(&self, unit: &Unit<'_>, visitor: &mut V) -> Result<(), OutputError> {
        match unit {
            Unit::Source(Err(_)) => Ok(()),
            Unit::Source(Ok(source @ Source::Stdin)) => {
                let mut stdin = self.stdin.lock().unwrap_or_else(PoisonError::into_inner);
                let inputs = match &mut *stdin {
                    Stdin::Whole(inputs) => &mut **inputs,
                    Stdin::Read(inputs) => inputs,
                };
                read_source(source, inputs, visitor)
            }
            Unit::Source(Ok(source @ Source::File(path))) => {
                let name = source.name();
                visitor.source(&name)?;
                match read_file(&name, path, self.limits, visitor, &self.kept, self.keep)? {
                    Ok(()) => Ok(()),
                    Err(error) => visitor.input_error(&InputError::Read { source: name.shown.clone(), error }),
                }
            }
            Unit::Piece { stream, piece, last } => {
                let Held { name, bytes, error } = &self.streams[*stream];
                if piece.is_first() {
                    visitor.source(name)?;
                }
                let text = &bytes[piece.range()];
                // A piece is whole documents, so the file's test holds for it as for a file.
                if !fails_file_test::<V>(text) {
                    let reader = Reader::piece(text, piece, options(self.limits));
                    // A slice is read without failing.
                    let _ = read_documents(name, reader, visitor)?;
                }
                match error {
                    Some(error) if *last => {
                        let error = io::Error::new(error.kind(), error.to_string());
                        visitor.input_error(&InputError::Read { source: name.shown.clone(), error })
                    }
                    _ => Ok(()),
                }
            }
            Unit::Whole { stream } => {
                let Held { name, bytes, .. } = &self.streams[*stream];
                visitor.source(name)?;
                if fails_file_test::<V>(&bytes[..]) {
                    return Ok(());
                }
                // A slice is read without failing.
                let _ = read_limited(name, &bytes[..], self.limits, visitor)?;
                Ok(())
            }
        }
    }
}

/// Reads the sources `arg` names (see [`input::expand`]) into `visitor`, standard input and the
/// limits from `inputs`.
///
/// # Errors
/// Writing the output failed; input errors go to the visitor.
pub fn read_arg<V: Visitor>(arg: &Path, inputs: &mut Inputs, visitor: &mut V) -> Result<(), OutputError> {
    read_sources(&input::expand(arg), inputs, visitor)
}

/// Every PATH argument expanded into sources, in order (see [`input::expand`]): the sources
/// [`read_source`] reads, and the problems found reading directories in their place.
pub fn expand(paths: &[std::path::PathBuf]) -> Vec<Result<Source, InputError>> {
    expand_on(paths, NonZeroUsize::MIN)
}

/// [`expand`], directories listed on `jobs` threads (see [`input::expand_on`]).
pub fn expand_on(paths: &[std::path::PathBuf], jobs: NonZeroUsize) -> Vec<Result<Source, InputError>> {
    paths.iter().flat_map(|path| input::expand_on(path, jobs)).collect()
}

/// Reads sources already expanded (see [`expand`]) into `visitor`, one after the other; a problem
/// found expanding them goes to [`Visitor::input_error`] in its place.
///
/// # Errors
/// Writing the output failed; input errors go to the visitor.
pub fn read_sources<V: Visitor>(
    sources: &[Result<Source, InputError>],
    inputs: &mut Inputs,
    visitor: &mut V,
) -> Result<(), OutputError> {
    sources.iter().try_for_each(|source| match source {
        Ok(source) => read_source(source, inputs, visitor),
        Err(error) => visitor.input_error(error),
    })
}

/// Reads one source into `visitor` (standard input and the limits from `inputs`).
///
/// # Errors
/// Writing the output failed; input errors go to the visitor.
pub fn read_source<V: Visitor>(source: &Source, inputs: &mut Inputs, visitor: &mut V) -> Result<(), OutputError> {
    let name = source.name();
    visitor.source(&name)?;
    let limits = inputs.limits;
    let read_error = |error| InputError::Read { source: name.shown.clone(), error };
    let result = match source {
        Source::Stdin => {
            let (data, error) = inputs.stdin.take();
            match (read_limited(&name, data, limits, visitor)?, error) {
                (Ok(()), Some(error)) => Err(error),
                (result, _) => result,
            }
        }
        Source::File(path) => read_file(&name, path, limits, visitor, &inputs.kept, false)?,
    };
    match result {
        Ok(()) => Ok(()),
        Err(error) => visitor.input_error(&read_error(error)),
    }
}

/// Reads the file at `path` (named `name`) into `visitor`: from `kept` when an earlier pass kept
/// it there, else from the disk; a small one is read in one go, then cut from memory, and kept
/// for the next pass when `keep`. The inner error is a read error that ended the file.
fn read_file<V: Visitor>(
    name: &SourceName,
    path: &Path,
    limits: Limits,
    visitor: &mut V,
    kept: &KeptFiles,
    keep: bool,
) -> Result<io::Result<()>, OutputError> {
    // A pass that keeps files reads from the disk: what it finds kept is a file it read already
    // (listed twice), kept for the next pass.
    if let Some(bytes) = (!keep).then(|| kept.take(path)).flatten() {
        return read_file_bytes(name, &bytes, limits, visitor);
    }
    match File::open(path).and_then(read_small) {
        Ok(Ok(bytes)) => {
            let result = read_file_bytes(name, &bytes, limits, visitor)?;
            if keep {
                kept.offer(path, bytes);
            }
            Ok(result)
        }
        Ok(Err(file)) => read_limited(name, file, limits, visitor),
        Err(error) => Ok(Err(error)),
    }
}

/// Reads a small file's `bytes` (see [`read_file`]) into `visitor`, unless they fail its file test.
fn read_file_bytes<V: Visitor>(
    name: &SourceName,
    bytes: &[u8],
    limits: Limits,
    visitor: &mut V,
) -> Result<io::Result<()>, OutputError> {
    if fails_file_test::<V>(bytes) {
        return Ok(Ok(()));
    }
    read_limited(name, bytes, limits, visitor)
}

/// The largest file read whole (then cut into documents from memory, and tested with
/// [`Visitor::prefilter_file`]); larger ones are read a buffer at a time, so that memory stays
/// bounded by the largest document, not the largest file.
pub const WHOLE_FILE: u64 = 1 << 20;

/// The bytes of the file at `path` and its pieces (`None`: it cannot be cut, and is read whole from
/// the bytes), when it is larger than [`WHOLE_FILE`] and fits in `room` (which it then takes);
/// `None` otherwise, and when it cannot be read (it is then read as a source, which reports why).
#[allow(clippy::type_complexity)]
fn hold(
    path: &Path,
    room: &mut u64,
    limits: Limits,
    jobs: NonZeroUsize,
) -> Option<(Vec<u8>, Option<Vec<pss_manifest::Piece>>)> {
    let file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    if len <= WHOLE_FILE || len > *room {
        return None;
    }
    // Never more than the room, whatever the size said (a file may grow).
    let bytes = read_in_parts(&file, usize::try_from(len).ok()?, *room + 1, jobs)?;
    let read = bytes.len();
    if read as u64 > *room {
        return None;
    }
    let pieces = pss_manifest::pieces_on(&bytes, options(limits), STDIN_PIECE, jobs);
    *room -= read as u64;
    Some((bytes, pieces))
}

/// The bytes of `file` (at its start), at most `limit` of them: the first `len` (its size) read in
/// one part per job at once, then whatever follows, should it have grown since. `None` when it
/// cannot be read, or is shorter than `len` now. Copying a file out of the system's cache comes
/// before any of its documents can be read (16 MB: about 8 ms on one thread); the parts are
/// copied on every thread at once.
fn read_in_parts(file: &File, len: usize, limit: u64, jobs: NonZeroUsize) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; len];
    let part = len.div_ceil(jobs.get()).max(1);
    let read_all = std::thread::scope(|scope| {
        let mut parts = bytes.chunks_mut(part).enumerate();
        let first = parts.next();
        let others: Vec<_> = parts.map(|(k, chunk)| scope.spawn(move || read_at(file, chunk, k * part))).collect();
        let mine = first.is_none_or(|(_, chunk)| read_at(file, chunk, 0));
        others.into_iter().fold(mine, |all, other| other.join().unwrap_or(false) && all)
    });
    if !read_all {
        return None;
    }
    let mut rest = file;
    rest.seek(SeekFrom::Start(len as u64)).ok()?;
    rest.take(limit.saturating_sub(len as u64)).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Fills `buf` with the bytes of `file` from `offset`, without moving its position: whether it did.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: usize) -> bool {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset as u64).is_ok()
}

/// Fills `buf` with the bytes of `file` from `offset`: whether it did. Without positioned reads,
/// one part after another (each moves the file's position, which the caller sets again).
#[cfg(not(unix))]
fn read_at(mut file: &File, buf: &mut [u8], offset: usize) -> bool {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    file.seek(SeekFrom::Start(offset as u64)).is_ok() && file.read_exact(buf).is_ok()
}

/// The bytes of `file` when it holds at most [`WHOLE_FILE`] bytes, else the file, unread.
fn read_small(mut file: File) -> io::Result<Result<Vec<u8>, File>> {
    let len = file.metadata()?.len();
    if len > WHOLE_FILE {
        return Ok(Err(file));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0) + 1);
    // Read to the end, whatever the size said (a file may grow): the size only chose the path.
    // `File`'s own `read_to_end` asks for the size and the position again (two more system calls
    // a file, a sixth of a directory's); through `Take` it reads and nothing else.
    Read::by_ref(&mut file).take(u64::MAX).read_to_end(&mut bytes)?;
    Ok(Ok(bytes))
}

/// Whether the bytes of a file, of a stream held in memory or of one of its pieces fail the
/// visitor's [`Visitor::prefilter_file`], and are not read: never for UTF-16 (whose bytes are not
/// its text).
fn fails_file_test<V: Visitor>(bytes: &[u8]) -> bool {
    V::prefilter_file().is_some_and(|filter| !is_utf16(bytes) && !filter(bytes))
}

/// Whether `bytes` start with a UTF-16 byte-order mark (pss-manifest then reads them as UTF-16).
fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xFE\xFF") || bytes.starts_with(b"\xFF\xFE")
}

/// Reads every document of one source (named `name`) as `pss` does with the default [`Limits`].
/// The inner error is a read error that ended the source.
///
/// # Errors
/// Writing the output failed.
pub fn read_bytes<R: Read, V: Visitor>(
    name: &SourceName,
    reader: R,
    visitor: &mut V,
) -> Result<io::Result<()>, OutputError> {
    read_limited(name, reader, Limits::default(), visitor)
}

/// As [`read_bytes`], holding documents up to `limits.max_document` bytes: a longer one is an
/// [`InputError::TooLarge`] and reading goes on after it.
///
/// # Errors
/// Writing the output failed.
pub fn read_limited<R: Read, V: Visitor>(
    name: &SourceName,
    reader: R,
    limits: Limits,
    visitor: &mut V,
) -> Result<io::Result<()>, OutputError> {
    // pss-manifest buffers what it reads: no buffer of our own (each would be allocated and
    // zeroed per file).
    read_documents(name, Reader::with_options(reader, options(limits)), visitor)
}

/// How pss-manifest reads with `limits`.
pub fn options(limits: Limits) -> Options {
    Options::with_max_document(limits.max_document)
}

/// Reads every document `reader` gives (all of a source's, or a piece's: see
/// [`Plan`]) into `visitor`. The inner error is a read error that ended the source.
///
/// # Errors
/// Writing the output failed.
pub fn read_documents<R: Read, V: Visitor>(
    name: &SourceName,
    mut reader: Reader<R>,
    visitor: &mut V,
) -> Result<io::Result<()>, OutputError> {
    if let Some(filter) = V::prefilter() {
        reader.set_prefilter(filter);
    }
    loop {
        match reader.next_document() {
            Ok(Some(Ok(document))) => object(name, &document, visitor)?,
            Ok(Some(Err(error))) => {
                let at = Loc {
                    source: name,
                    document: error.document(),
                    item: None,
                    line: Some(error.line()),
                    locator: None,
                };
                visitor.input_error(&InputError::from_manifest(at.place(), error))?;
            }
            Ok(None) => return Ok(Ok(())),
            Err(error) => return Ok(Err(error)),
        }
    }
}

/// Where a JSON text starts in the file, for pss-core's positions in it.
fn origin(syntax: Syntax, position: pss_manifest::Position) -> Option<Origin> {
    (syntax == Syntax::Json).then_some(Origin { line: position.line, column: position.column })
}

/// Hands one document to the visitor, then its items when it is a List.
fn object<V: Visitor>(name: &SourceName, document: &Document<'_>, visitor: &mut V) -> Result<(), OutputError> {
    let at = Loc {
        source: name,
        document: document.index(),
        item: None,
        line: Some(document.line()),
        locator: Some(document.locator()),
    };
    let syntax = document.syntax();
    // A YAML document's JSON is written from its nodes: when its `apiVersion` and `kind` say
    // that its header may be enough, the header first (whose reader checks that it is), the rest
    // only if needed.
    if syntax == Syntax::Yaml
        && !ObjectClass::of(document.member_str("apiVersion"), document.member_str("kind")).needs_more_than_header()
    {
        if let Some(header) = document.members_json(&ObjectHeader::MEMBERS) {
            if visitor.header(&header, &at)? {
                return Ok(());
            }
        }
    }
    if visitor.object(document.json(), &at, origin(syntax, document.origin()), false)? != Visit::List {
        return Ok(());
    }
    let items = match document.items() {
        Ok(items) => items,
        Err(error) => return visitor.input_error(&InputError::from_manifest(at.place(), error)),
    };
    let list: Vec<ListItem<'_>> = items
        .iter()
        .filter(|item| V::prefilter().is_none_or(|filter| filter(item.json())))
        .map(|item| ListItem {
            json: item.json(),
            at: Loc { item: Some(item.index()), line: Some(item.line()), locator: Some(item.locator()), ..at },
            origin: match syntax {
                Syntax::Json => Some(Origin { line: item.line(), column: item.column() }),
                Syntax::Yaml => None,
            },
        })
        .collect();
    visitor.items(&list)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file read in parts is its bytes, whatever the number of parts, with what was added after
    /// its size was taken (up to the limit); one that shrank is not read.
    #[test]
    fn a_file_read_in_parts_is_read_whole() {
        let bytes: Vec<u8> = (0..100_003u32).map(|i| (i * 7 + i / 251) as u8).collect();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&bytes).unwrap();
        for jobs in [1, 2, 3, 4, 7] {
            let jobs = NonZeroUsize::new(jobs).unwrap();
            for len in [0, 1, 8, 4096, 99_999, bytes.len()] {
                let read = read_in_parts(&file, len, u64::MAX, jobs).unwrap();
                assert_eq!(read, bytes, "{jobs} jobs, size {len} when looked at");
                let read = read_in_parts(&file, len, 50_000, jobs).unwrap();
                assert_eq!(read, bytes[..len.max(50_000)], "{jobs} jobs, size {len}, limit 50000");
            }
            assert!(read_in_parts(&file, bytes.len() + 1, u64::MAX, jobs).is_none());
        }
    }

    fn read_all(stdin: &mut StdinBuffer) -> Vec<u8> {
        let (mut reader, error) = stdin.take();
        assert!(error.is_none());
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn stdin_is_read_once_per_pass() {
        let mut stdin = StdinBuffer::read_from(&b"abc"[..]);
        assert_eq!(read_all(&mut stdin), b"abc");
        assert_eq!(read_all(&mut stdin), b"");
        stdin.rewind();
        assert_eq!(read_all(&mut stdin), b"abc");
    }

    #[test]
    fn stdin_beyond_memory_goes_to_a_file_and_reads_the_same() {
        let input: Vec<u8> = (0..10_000u32).flat_map(|i| i.to_le_bytes()).collect();
        for memory in [0, 1, 39_999, 40_000, 40_001] {
            let mut stdin = StdinBuffer::read_keeping(input.as_slice(), memory);
            assert_eq!(stdin.spilled.is_some(), input.len() > memory, "memory {memory}");
            assert!(stdin.data.len() <= memory + 1);
            assert_eq!(read_all(&mut stdin), input);
            assert_eq!(read_all(&mut stdin), b"");
            stdin.rewind();
            assert_eq!(read_all(&mut stdin), input);
        }
    }

    /// Fails after handing out some bytes.
    struct Broken(usize);

    impl Read for Broken {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::other("the pipe broke"));
            }
            let n = self.0.min(out.len());
            out[..n].fill(b' ');
            self.0 -= n;
            Ok(n)
        }
    }

    #[test]
    fn files_are_kept_within_their_room_and_taken_once() {
        let kept = KeptFiles::with_room(10);
        kept.offer(Path::new("a"), b"aaaa".to_vec());
        kept.offer(Path::new("b"), b"bbbbbbb".to_vec()); // 11 bytes in all: not kept
        kept.offer(Path::new("c"), b"cccccc".to_vec()); // 10 in all: kept
        assert_eq!(kept.take(Path::new("b")), None);
        assert_eq!(kept.take(Path::new("a")).as_deref(), Some(&b"aaaa"[..]));
        assert_eq!(kept.take(Path::new("a")), None);
        // The room a taken file had is not given back; a file offered twice is kept once.
        kept.offer(Path::new("d"), b"d".to_vec());
        assert_eq!(kept.take(Path::new("d")), None);
        let kept = KeptFiles::with_room(10);
        kept.offer(Path::new("c"), b"cc".to_vec());
        kept.offer(Path::new("c"), b"CC".to_vec());
        kept.offer(Path::new("e"), b"eeeeeeee".to_vec());
        assert_eq!(kept.take(Path::new("c")).as_deref(), Some(&b"cc"[..]));
        assert_eq!(kept.take(Path::new("e")).as_deref(), Some(&b"eeeeeeee"[..]));
    }

    /// The objects and input errors a pass finds.
    #[derive(Default)]
    struct Seen {
        objects: Vec<String>,
        errors: Vec<String>,
    }

    impl Visitor for Seen {
        fn object(&mut self, text: &[u8], _: &Loc<'_>, _: Option<Origin>, _: bool) -> Result<Visit, OutputError> {
            self.objects.push(String::from_utf8_lossy(text).into_owned());
            Ok(Visit::Done)
        }

        fn input_error(&mut self, error: &InputError) -> Result<(), OutputError> {
            self.errors.push(error.to_string());
            Ok(())
        }
    }

    #[test]
    fn the_pass_after_one_that_keeps_files_reads_them_from_memory_once() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.yaml"), dir.path().join("b.json"));
        std::fs::write(&a, "kind: Pod\nmetadata: {name: a}\n").unwrap();
        std::fs::write(&b, r#"{"kind": "Pod", "metadata": {"name": "b"}}"#).unwrap();
        let sources = vec![Ok(Source::File(a.clone())), Ok(Source::File(b.clone())), Ok(Source::File(a.clone()))];
        let mut inputs = Inputs::new(StdinBuffer::default(), Limits::default());
        let first = {
            let plan = Plan::new(&sources, &mut inputs, NonZeroUsize::new(2).unwrap()).keep_files();
            let mut seen = Seen::default();
            plan.units().iter().for_each(|unit| plan.read(unit, &mut seen).unwrap());
            seen
        };
        assert_eq!(first.objects.len(), 3);
        assert!(first.errors.is_empty());
        // The files change on the disk: the next pass reads what the first read (a listed twice
        // was kept once, and is read from the disk the second time).
        std::fs::write(&a, "kind: Pod\nmetadata: {name: changed}\n").unwrap();
        std::fs::remove_file(&b).unwrap();
        for (threads, changed) in [(true, false), (false, true)] {
            let mut second = Seen::default();
            if threads {
                let plan = Plan::new(&sources, &mut inputs, NonZeroUsize::new(2).unwrap());
                plan.units().iter().for_each(|unit| plan.read(unit, &mut second).unwrap());
            } else {
                read_sources(&sources, &mut inputs, &mut second).unwrap();
            }
            let names: Vec<bool> = second.objects.iter().map(|o| o.contains("changed")).collect();
            if changed {
                // Nothing kept any more: every file from the disk, b gone.
                assert_eq!(names, [true, true]);
                assert_eq!(second.errors.len(), 1, "{:?}", second.errors);
                assert!(second.errors[0].contains("b.json"), "{:?}", second.errors);
            } else {
                assert_eq!(second.objects[..2], first.objects[..2]);
                assert_eq!(names, [false, false, true]);
                assert!(second.errors.is_empty(), "{:?}", second.errors);
            }
        }
    }

    #[test]
    fn a_read_error_is_kept_for_every_pass() {
        for memory in [4, 100] {
            let mut stdin = StdinBuffer::read_keeping(Broken(10), memory);
            for _ in 0..2 {
                let (_, error) = stdin.take();
                assert_eq!(error.unwrap().to_string(), "the pipe broke");
                stdin.rewind();
            }
        }
    }
}

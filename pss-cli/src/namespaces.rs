//! Where the policy of an object comes from: the labels of its namespace (Namespace objects in the
//! input, `--namespace-labels`), and the admission configuration (`--admission-config`) with its
//! defaults and exemptions.

use core::fmt;
use std::num::NonZeroUsize;
use std::path::Path;

use pss_core::admission::{Admission, AdmissionConfig, ConfigError, DeclaredNamespaces, ObjectReview};
use pss_core::{ObjectClass, ObjectDocument, ObjectHeader};

use crate::documents::{Plan, Visit, Visitor};
use crate::error::{InputError, Origin, OutputError};
use crate::input::Source;
use crate::report::Loc;

/// Labels, as `(key, value)` pairs in the order given.
pub type Labels = Vec<(String, String)>;

/// One `--namespace-labels NAMESPACE=KEY=VALUE,KEY=VALUE` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceLabels {
    /// The namespace.
    pub namespace: String,
    /// Its labels (possibly none).
    pub labels: Labels,
}

/// Why a `--namespace-labels` argument is malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelsSyntaxError {
    /// No `=` after the namespace.
    NoNamespace,
    /// The namespace is empty.
    EmptyNamespace,
    /// A `KEY=VALUE` pair without `=` or with an empty key.
    BadPair(String),
}

impl fmt::Display for LabelsSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabelsSyntaxError::NoNamespace => f.write_str("expected NAMESPACE=KEY=VALUE[,KEY=VALUE...]"),
            LabelsSyntaxError::EmptyNamespace => f.write_str("the namespace is empty"),
            LabelsSyntaxError::BadPair(pair) => write!(f, "expected KEY=VALUE, found {pair:?}"),
        }
    }
}

impl std::error::Error for LabelsSyntaxError {}

/// Parses `NAMESPACE=KEY=VALUE,KEY=VALUE` (`NAMESPACE=` for a namespace without labels).
///
/// # Errors
/// A missing namespace or a pair without a key.
pub fn parse_namespace_labels(s: &str) -> Result<NamespaceLabels, LabelsSyntaxError> {
    let (namespace, rest) = s.split_once('=').ok_or(LabelsSyntaxError::NoNamespace)?;
    if namespace.is_empty() {
        return Err(LabelsSyntaxError::EmptyNamespace);
    }
    let mut labels = Vec::new();
    for pair in rest.split(',').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => labels.push((key.to_owned(), value.to_owned())),
            _ => return Err(LabelsSyntaxError::BadPair(pair.to_owned())),
        }
    }
    Ok(NamespaceLabels { namespace: namespace.to_owned(), labels })
}

/// The admission controller and what it knows of namespaces.
#[derive(Debug)]
pub struct Namespaces {
    admission: Admission,
    default_namespace: String,
    labels: DeclaredNamespaces,
}

impl Namespaces {
    /// No namespace known yet; objects without a namespace are in `default_namespace`.
    pub fn new(admission: Admission, default_namespace: String) -> Self {
        Namespaces { admission, default_namespace, labels: DeclaredNamespaces::new() }
    }

    /// The admission controller.
    pub fn admission(&self) -> &Admission {
        &self.admission
    }

    /// What admission says of `object`, requested by `username`, in its namespace with the labels
    /// the input declares (pss-core's [`Admission::review_object`]).
    pub fn review(&self, object: &ObjectDocument<'_>, username: &str, in_list: bool) -> ObjectReview {
        self.admission.review_object(object, &self.labels, &self.default_namespace, username, in_list)
    }

    /// The namespace of objects without `metadata.namespace`.
    pub fn default_namespace(&self) -> &str {
        &self.default_namespace
    }

    /// Sets a namespace's labels (a later Namespace object replaces an earlier one).
    pub fn set(&mut self, namespace: String, labels: Labels) {
        self.labels.set(namespace, labels);
    }

    /// Applies `--namespace-labels` arguments (see [`apply_namespace_flags`]).
    pub fn apply_flags(&mut self, flags: &[NamespaceLabels]) {
        apply_namespace_flags(&mut self.labels, flags);
    }

    /// A namespace's labels (none when the namespace is unknown).
    pub fn labels(&self, namespace: &str) -> &[(String, String)] {
        self.labels.labels(namespace)
    }

    /// Whether any namespace's labels are known.
    pub fn any_known(&self) -> bool {
        !self.labels.is_empty()
    }

    /// Reads the whole input once, looking only for Namespace objects (a header-only pass over the
    /// documents that mention `Namespace`), so that a namespace may come after the objects in it.
    /// `jobs` sources are read at once (see [`scan_sources`]).
    pub fn scan(
        &mut self,
        sources: &[Result<Source, InputError>],
        inputs: &mut crate::documents::Inputs,
        jobs: NonZeroUsize,
    ) {
        self.labels = scan_sources(sources, inputs, jobs);
    }
}

/// Reads the whole input (PATH arguments expanded, see [`crate::documents::expand`]) once, looking
/// only for Namespace objects (a header-only pass over the documents that mention `Namespace`),
/// and returns the namespaces they declare (pss-core's rule: a later one replaces an earlier one);
/// standard input is rewound for the next pass. Input errors are left for that pass to report.
/// `jobs` sources are read at once: each source's declarations are gathered apart and joined in
/// the sources' order ([`DeclaredNamespaces::append`]), so the result is the same with any number
/// of jobs.
pub fn scan_sources(
    sources: &[Result<Source, InputError>],
    inputs: &mut crate::documents::Inputs,
    jobs: NonZeroUsize,
) -> DeclaredNamespaces {
    let mut found = DeclaredNamespaces::new();
    let plan = Plan::new(sources, inputs, jobs).keep_files();
    let window = plan.window(jobs);
    let scanned: Result<(), std::convert::Infallible> = crate::parallel::ordered(
        plan.units(),
        jobs,
        window,
        |unit| {
            let mut scan = NamespaceScan { found: DeclaredNamespaces::new() };
            // The scan reports nothing, so it cannot fail to write.
            let _ = plan.read(unit, &mut scan);
            scan.found
        },
        |_, declared| {
            found.append(declared);
            Ok(())
        },
    );
    let Ok(()) = scanned;
    drop(plan);
    inputs.rewind();
    found
}

/// Applies `--namespace-labels` arguments to the namespaces the input declares, as `pss check`
/// and `pss apply` both read them: they replace the labels found in the input; one namespace given
/// twice gets both sets (a key given twice takes the later value).
pub fn apply_namespace_flags(declared: &mut DeclaredNamespaces, flags: &[NamespaceLabels]) {
    let mut seen: Vec<&str> = Vec::new();
    for flag in flags {
        let labels = declared.labels_mut(&flag.namespace);
        if !seen.contains(&flag.namespace.as_str()) {
            labels.clear();
            seen.push(&flag.namespace);
        }
        labels.extend(flag.labels.iter().cloned());
    }
}

/// The labels of a header as owned pairs.
pub fn owned_labels(header: &ObjectHeader<'_>) -> Labels {
    header.labels().map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

/// Collects Namespace objects; errors are left for the pass that checks the objects to report.
struct NamespaceScan {
    found: DeclaredNamespaces,
}

/// Whether a document's text may hold a Namespace (a cheap test that never says no to one): its
/// `kind` decodes to `Namespace`, which YAML and JSON can only write as
/// - the word itself, as a whole scalar: followed (after a closing quote and blanks) by the end of
///   the line or text, a comment, or `,` `}` `]` `:` (so not `Namespaced`, nor `the Namespace of`);
///   an alias repeats a scalar written elsewhere in the document, so it needs the word too;
/// - or through an escape: a JSON or YAML `\u`/`\U`/`\x` escape of one of the word's letters
///   (or one whose digits are not read here: short or not hexadecimal), or a YAML line break
///   escaped inside a double-quoted string (`"Name\` at a line end); no other escape gives a
///   letter;
/// - or through a `!!binary` tag (its name spelled out, or with `%` escapes in a tag).
///
/// Plain or quoted text split over lines folds with a space, so it cannot make the word.
fn may_hold_namespace(raw: &[u8]) -> bool {
    let whole_word = memchr::memmem::find_iter(raw, b"Namespace").any(|at| {
        let mut rest = &raw[at + b"Namespace".len()..];
        if let [b'"' | b'\'', after @ ..] = rest {
            rest = after;
        }
        let rest = rest.trim_ascii_start_matches_blanks();
        matches!(rest.first(), None | Some(b'\n' | b'\r' | b'#' | b',' | b'}' | b']' | b':'))
    });
    whole_word
        || memchr::memchr_iter(b'\\', raw).any(|at| may_spell_a_letter(&raw[at + 1..]))
        || (memchr::memchr(b'!', raw).is_some()
            && (memchr::memmem::find(raw, b"binary").is_some() || memchr::memchr(b'%', raw).is_some()))
}

/// Whether the escape after a backslash (`rest`) may give a letter of `Namespace`, or join two
/// parts of it (an escaped line break).
fn may_spell_a_letter(rest: &[u8]) -> bool {
    let digits = match rest.first() {
        Some(b'\n' | b'\r') => return true,
        Some(b'x') => 2,
        Some(b'u') => 4,
        Some(b'U') => 8,
        _ => return false,
    };
    let Some(hex) = rest.get(1..=digits) else { return true };
    let mut code: u32 = 0;
    for &digit in hex {
        let Some(value) = char::from(digit).to_digit(16) else { return true };
        code = code.saturating_mul(16).saturating_add(value);
    }
    u8::try_from(code).is_ok_and(|letter| b"Namespace".contains(&letter))
}

/// Blanks (spaces and tabs) skipped.
trait TrimBlanks {
    fn trim_ascii_start_matches_blanks(&self) -> &Self;
}

impl TrimBlanks for [u8] {
    fn trim_ascii_start_matches_blanks(&self) -> &[u8] {
        let n = self.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
        &self[n..]
    }
}

impl Visitor for NamespaceScan {
    fn prefilter() -> Option<fn(&[u8]) -> bool> {
        Some(may_hold_namespace)
    }

    /// A file that fails the test holds no Namespace object: a document's text is a part of its
    /// file's (UTF-8 files; a document's invalid UTF-8 is replaced, which neither makes nor
    /// unmakes the word or an escape), and what makes the test say yes in a document makes it say
    /// yes in the file, but for a document that ends with the word itself (the file may go on with
    /// `{`, `[` or `"`), which only a bare JSON token does, and that is no object.
    fn prefilter_file() -> Option<fn(&[u8]) -> bool> {
        Some(may_hold_namespace)
    }

    fn object(&mut self, text: &[u8], _: &Loc<'_>, _: Option<Origin>, in_list: bool) -> Result<Visit, OutputError> {
        let Ok(header) = ObjectHeader::from_slice(text) else {
            return Ok(Visit::Done);
        };
        match header.class() {
            ObjectClass::Namespace => {
                self.found.record(&header);
                Ok(Visit::Done)
            }
            ObjectClass::List if !in_list => Ok(Visit::List),
            _ => Ok(Visit::Done),
        }
    }

    /// A header decides: anything but a List (whose items may be Namespaces) is read no further.
    fn header(&mut self, header: &[u8], at: &Loc<'_>) -> Result<bool, OutputError> {
        Ok(self.object(header, at, None, false)? != Visit::List)
    }

    fn input_error(&mut self, _: &InputError) -> Result<(), OutputError> {
        Ok(())
    }
}

/// Why `--admission-config FILE` could not be used.
#[derive(Debug)]
pub enum ConfigFileError {
    /// The file could not be read.
    Read(std::io::Error),
    /// It holds no document.
    Empty,
    /// Its YAML cannot be read as the API server reads it (strictly: a repeated key is an error).
    Manifest(Box<pss_manifest::Error>),
    /// pss-core rejected it, with upstream's words.
    Config(ConfigError),
}

impl fmt::Display for ConfigFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigFileError::Read(e) => write!(f, "{e}"),
            ConfigFileError::Empty => f.write_str("no configuration in the file"),
            ConfigFileError::Manifest(e) => write!(f, "{e}"),
            ConfigFileError::Config(e) => write!(f, "invalid PodSecurity configuration: {e}"),
        }
    }
}

impl std::error::Error for ConfigFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigFileError::Read(e) => Some(e),
            ConfigFileError::Empty => None,
            ConfigFileError::Manifest(e) => Some(e.as_ref()),
            ConfigFileError::Config(e) => Some(e),
        }
    }
}

/// Reads a PodSecurityConfiguration (or an AdmissionConfiguration with the PodSecurity plugin)
/// from a JSON or YAML file (its first document). YAML is read strictly, as the API server reads
/// this file: a repeated key is an error.
///
/// # Errors
/// The file cannot be read or parsed, or pss-core rejects the configuration.
pub fn load_config(path: &Path) -> Result<AdmissionConfig, ConfigFileError> {
    let file = std::fs::File::open(path).map_err(ConfigFileError::Read)?;
    let mut reader = pss_manifest::Reader::with_options(file, pss_manifest::Options::strict());
    let document = reader.next_document().map_err(ConfigFileError::Read)?.ok_or(ConfigFileError::Empty)?;
    let document = document.map_err(|e| ConfigFileError::Manifest(Box::new(e)))?;
    let json = String::from_utf8_lossy(document.json());
    AdmissionConfig::from_json_str(&json).map_err(ConfigFileError::Config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(labels: &[(&str, &str)]) -> Labels {
        labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    /// Every way a document can make its kind `Namespace` passes the prefilter (each read as a
    /// Namespace by pss-manifest and pss-core here), and the common texts that only mention the
    /// word do not.
    #[test]
    fn the_prefilter_never_skips_a_namespace() {
        let namespaces = [
            "kind: Namespace\nmetadata: {name: a}\n",
            "kind: Namespace # c\nmetadata: {name: a}\n",
            "kind: 'Namespace'\nmetadata: {name: a}\n",
            "kind: \"Namespace\"  \nmetadata: {name: a}\n",
            "{kind: Namespace, metadata: {name: a}}\n",
            "{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"a\"}}",
            "{\"kind\":\"Namespace\"}",
            "kind: \"Name\\x73pace\"\nmetadata: {name: a}\n",
            "{\"kind\":\"Name\\u0073pace\",\"metadata\":{\"name\":\"a\"}}",
            "kind: \"Name\\\n  space\"\nmetadata: {name: a}\n",
            "x: &k Namespace\nkind: *k\nmetadata: {name: a}\n",
            "kind: |-\n  Namespace\nmetadata: {name: a}\n",
            "kind: !!binary TmFtZXNwYWNl\nmetadata: {name: a}\n",
            "kind: !!bin%61ry TmFtZXNwYWNl\nmetadata: {name: a}\n",
            "kind:\n  Namespace\nmetadata: {name: a}\n",
            "{\"kind\":\"\\u004eamespace\",\"metadata\":{\"name\":\"a\"}}",
            "{\"kind\":\"Namespac\\u0065\",\"metadata\":{\"name\":\"a\"}}",
            "kind: \"Names\\U00000070ace\"\nmetadata: {name: a}\n",
            "kind: \"N\\x61mespace\"\nmetadata: {name: a}\n",
            "kind: \"Na\\x6Despace\"\nmetadata: {name: a}\n",
        ];
        for text in namespaces {
            let mut reader = pss_manifest::Reader::new(text.as_bytes());
            let document = reader.next_document().unwrap().unwrap().unwrap_or_else(|e| panic!("{text}: {e}"));
            let header = ObjectHeader::from_slice(document.json()).unwrap();
            assert_eq!(header.class(), ObjectClass::Namespace, "{text}");
            assert!(may_hold_namespace(text.as_bytes()), "{text}");
        }
        for text in [
            "kind: Deployment\n# the Namespace of the pods\n",
            "kind: CustomResourceDefinition\nspec: {scope: Namespaced}\n",
            "kind: Role\nrules: [{resources: [\"*\"]}]\n",
            "kind: CronJob\nspec: {schedule: \"*/5 * * * *\"}\n",
            "kind: ConfigMap\ndata: {a: \"echo hi!\\n\"}\n",
            "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\\u003cb\\u0026\\ud83d\\ude00\"}}",
            "kind: Pod\nmetadata: {name: \"a\\x3c\\U0001F600\\N\\_\"}\n",
        ] {
            assert!(!may_hold_namespace(text.as_bytes()), "{text}");
        }
    }

    #[test]
    fn namespace_labels_syntax() {
        let parsed = parse_namespace_labels(
            "prod=pod-security.kubernetes.io/enforce=restricted,pod-security.kubernetes.io/warn=restricted",
        )
        .unwrap();
        assert_eq!(parsed.namespace, "prod");
        assert_eq!(
            parsed.labels,
            pairs(&[
                ("pod-security.kubernetes.io/enforce", "restricted"),
                ("pod-security.kubernetes.io/warn", "restricted")
            ])
        );
        assert_eq!(parse_namespace_labels("dev=").unwrap().labels, []);
        assert_eq!(parse_namespace_labels("dev=a=").unwrap().labels, pairs(&[("a", "")]));
        assert_eq!(parse_namespace_labels("dev"), Err(LabelsSyntaxError::NoNamespace));
        assert_eq!(parse_namespace_labels("=a=b"), Err(LabelsSyntaxError::EmptyNamespace));
        assert_eq!(parse_namespace_labels("dev=a"), Err(LabelsSyntaxError::BadPair("a".into())));
        assert_eq!(parse_namespace_labels("dev==b"), Err(LabelsSyntaxError::BadPair("=b".into())));
    }

    #[test]
    fn flags_replace_input_labels_and_merge_among_themselves() {
        let mut ns = Namespaces::new(Admission::default(), "default".into());
        ns.set("prod".into(), pairs(&[("a", "1"), ("b", "2")]));
        ns.apply_flags(&[
            parse_namespace_labels("prod=c=3").unwrap(),
            parse_namespace_labels("prod=d=4").unwrap(),
            parse_namespace_labels("dev=").unwrap(),
        ]);
        assert_eq!(ns.labels("prod"), pairs(&[("c", "3"), ("d", "4")]));
        assert_eq!(ns.labels("dev"), []);
        assert_eq!(ns.labels("other"), []);
        assert!(ns.any_known());
    }
}

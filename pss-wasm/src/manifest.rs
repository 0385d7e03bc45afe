//! Manifests read as kubectl reads them (cargo feature `yaml`, in the `full` build): YAML or JSON
//! text, several documents, Lists, through pss-manifest, with the line and column of every field.
//! `readManifest` (the documents), `checkManifest` (what `pss check` says of them) and
//! `LevelVersion.evaluateManifest` (each document through the object entry, with positions).
//!
//! Every decision is pss-core's (what a document is, admission's verdict, the words) and every
//! reading rule pss-manifest's; this module only walks the documents and translates the results.

use pss_core::admission::ObjectReview;
#[cfg(test)]
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::admission::Policy;
use crate::error::{self, ErrorKind, PssError};
use crate::evaluation::{self, Entry, Evaluation, FieldValue, Outcome};
use crate::json::{self, Object, ToJson};
use crate::level::Level;
use crate::level_version::{EvaluateOptions, LevelVersion, LevelVersionOptions};
use crate::object::Meta;

/// What a document was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(rename_all = "camelCase")]
pub enum Syntax {
    /// YAML, converted to the JSON kubectl sends.
    Yaml,
    /// JSON, as written.
    Json,
}

/// A document (or List item) that could not be read or decoded, and where.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[tsify(missing_as_null)]
pub struct ManifestError {
    /// What is wrong, in pss-manifest's words for a document kubectl would not read (`invalid YAML:
    /// ... at line 7 column 12`), in pss-core's for an object the checks cannot decode
    /// (`spec.hostPID: expected a boolean, found a string`), with the field path first.
    pub message: String,
    /// The 1-based line: where the problem is when known, else where the document (or item) starts;
    /// the same line `pss check` reports.
    pub line: u32,
    /// The 1-based column of the problem, when known.
    pub column: Option<u32>,
    /// The path of the offending field, for an object pss-core cannot decode.
    pub path: Option<String>,
    /// Whether the document was longer than the reader's limit (128 MiB) and was skipped.
    #[serde(rename = "tooLarge")]
    pub too_large: bool,
}

/// One document of a manifest, as kubectl reads it.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[tsify(missing_as_null)]
pub struct ManifestDocument {
    /// Its 0-based index in the text (documents holding only comments are not counted; documents
    /// that are errors are).
    pub index: u32,
    /// The 1-based line where its content starts.
    pub line: u32,
    /// What it was read as; `null` for a document that could not be read.
    pub syntax: Option<Syntax>,
    /// The JSON kubectl would send (`JSON.parse(document.json)` for the object); `null` when the
    /// document could not be read.
    pub json: Option<String>,
    /// The items of a List (pss-core's rule for what is a List: `kind: List`, `PodList`, ...);
    /// `null` for any other document.
    pub items: Option<Vec<ManifestItem>>,
    /// Why the document could not be read (or, for a List, why its `items` could not); `null` when
    /// it was read.
    pub error: Option<ManifestError>,
}

/// One item of a List.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
pub struct ManifestItem {
    /// Its 0-based index in `items`.
    pub index: u32,
    /// The 1-based line where it starts.
    pub line: u32,
    /// The 1-based column where it starts.
    pub column: u32,
    /// Its JSON.
    pub json: String,
}

/// Where a field is written in the text.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
pub struct FieldPlace {
    /// The field path (as pss-core writes it).
    pub path: String,
    /// The 1-based line of the field's key, or of its nearest present parent's.
    pub line: u32,
    /// The 1-based column (in characters).
    pub column: u32,
    /// Whether the field itself is written (`false`: the place is its nearest parent's).
    pub exact: bool,
}

/// One offending field of a `checkManifest` result, with its place in the text.
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[tsify(missing_as_null)]
pub struct CheckedField {
    /// The field's path, relative to the object (`spec.template.spec.containers[0]...`).
    pub path: String,
    /// The offending value.
    pub value: FieldValue,
    /// The container the field belongs to, `null` for pod-level fields.
    pub container: Option<String>,
    /// The 1-based line of the field (or of its nearest present parent).
    pub line: u32,
    /// The 1-based column of the field (or of its nearest present parent).
    pub column: u32,
}

/// One failed check of a `checkManifest` result.
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
pub struct CheckedViolation {
    /// The check id.
    pub check: String,
    /// Upstream's `ForbiddenReason`.
    pub reason: String,
    /// Upstream's `ForbiddenDetail` (may be empty).
    pub detail: String,
    /// The offending fields, with their places.
    pub fields: Vec<CheckedField>,
}

/// What `checkManifest` says of one pod, pod controller or Namespace: a record of `pss check
/// --format json`.
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct CheckResult {
    /// The document's 0-based index.
    pub document: u32,
    /// The 0-based index in a List's items, `null` for a document.
    pub item: Option<u32>,
    /// The 1-based line where the object starts.
    pub line: u32,
    /// `"Pod"`, the controller's kind, or `"Namespace"`.
    pub kind: String,
    /// `metadata.name`, if set.
    pub name: Option<String>,
    /// `metadata.namespace`, if set (always `null` for a Namespace).
    pub namespace: Option<String>,
    /// The enforce level the object was checked at (its namespace's, from Namespace objects in the
    /// text, or the level given).
    pub level: Level,
    /// The enforce version.
    pub version: String,
    /// Whether it passes: a pod admitted, a controller whose pods would be, a Namespace whose labels
    /// are valid.
    pub allowed: bool,
    /// Why not: pss-core's denial (`pods "NAME" is forbidden: ...`, `deployments "web" (pods it
    /// creates would be denied): ...`, `Namespace "NAME" is invalid: ...`); `null` when allowed.
    pub message: Option<String>,
    /// The violations at the enforce level, each field with its place in the text.
    pub violations: Vec<CheckedViolation>,
    /// The warnings the API server would return.
    pub warnings: Vec<String>,
    /// The namespace's policy, with its label errors.
    pub policy: Policy,
    /// Why it is exempt (`"namespace"`, `"user"`, `"runtimeClass"`), `null` if it is not.
    pub exempt: Option<String>,
}

/// An object `checkManifest` did not check because it is neither a workload nor a Namespace.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[tsify(missing_as_null)]
pub struct SkippedObject {
    /// The document's 0-based index.
    pub document: u32,
    /// The 0-based index in a List's items, `null` for a document.
    pub item: Option<u32>,
    /// The 1-based line where it starts.
    pub line: u32,
    /// Its `kind`, if it has one.
    pub kind: Option<String>,
    /// `metadata.name`, if set.
    pub name: Option<String>,
    /// pss-core's reason (`not a workload`, `no kind: not a Kubernetes object ...`).
    pub reason: String,
}

/// A document or item of `checkManifest`'s text that could not be read or decoded.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[tsify(missing_as_null)]
pub struct CheckError {
    /// The document's 0-based index.
    pub document: u32,
    /// The 0-based index in a List's items, `null` for a document.
    pub item: Option<u32>,
    /// The 1-based line where the document (or item) starts, as `pss check` names its place.
    pub line: u32,
    /// What is wrong, and where.
    pub error: ManifestError,
}

/// What `checkManifest` says of a whole text, in the order of the text.
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
pub struct ManifestCheck {
    /// Every pod, pod controller and Namespace checked.
    pub results: Vec<CheckResult>,
    /// The objects not checked (neither workloads nor Namespaces).
    pub skipped: Vec<SkippedObject>,
    /// The documents that could not be read or decoded (`pss check` exits with 2 for them).
    pub errors: Vec<CheckError>,
}

/// One document or List item through `LevelVersion.evaluateManifest`.
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[tsify(missing_as_null)]
pub struct ManifestEvaluation {
    /// The document's 0-based index.
    pub document: u32,
    /// The 0-based index in a List's items, `null` for a document.
    pub item: Option<u32>,
    /// The 1-based line where it starts.
    pub line: u32,
    /// What `evaluateObject` says of it; `null` when it could not be read or decoded.
    pub evaluation: Option<Evaluation>,
    /// Where each violating field is written, in the order of `evaluation.violations` and their
    /// fields (and, for an error with a field path, where that field is).
    pub places: Vec<FieldPlace>,
    /// Why it could not be read or decoded.
    pub error: Option<ManifestError>,
}

/// Where an object is in the text.
#[derive(Debug, Clone, Copy)]
struct At {
    document: usize,
    item: Option<usize>,
    line: usize,
    /// The 1-based column where a List's item starts (1 for a document).
    column: usize,
}

/// What is done with each object of a text (pss-cli's `documents::Visitor`, for text in memory).
trait Visit {
    /// One object's JSON at `at`; `origin` is where a JSON text starts in the source (`None` for
    /// YAML); `in_list` for a List's item. Returns whether to visit its items (it is a List).
    fn object(
        &mut self,
        json: &[u8],
        at: At,
        origin: Option<pss_manifest::Position>,
        locator: pss_manifest::Locator<'_>,
        in_list: bool,
    ) -> bool;

    /// A document, or a List's items, that could not be read.
    fn error(&mut self, at: At, error: &pss_manifest::Error);
}

/// Reads every document of `text` (and the items of those `visitor` takes for Lists).
fn read(text: &[u8], visitor: &mut impl Visit) {
    let mut reader = pss_manifest::Reader::new(text);
    // Reading from memory cannot fail: `Err` is the end, as `Ok(None)`.
    while let Ok(Some(next)) = reader.next_document() {
        let document = match next {
            Ok(document) => document,
            Err(error) => {
                visitor.error(At { document: error.document(), item: None, line: error.line(), column: 1 }, &error);
                continue;
            }
        };
        let at = At { document: document.index(), item: None, line: document.line(), column: 1 };
        let json_syntax = document.syntax() == pss_manifest::Syntax::Json;
        let origin = json_syntax.then(|| document.origin());
        if !visitor.object(document.json(), at, origin, document.locator(), false) {
            continue;
        }
        match document.items() {
            Ok(items) => {
                for item in &items {
                    let at = At { item: Some(item.index()), line: item.line(), column: item.column(), ..at };
                    let origin =
                        json_syntax.then_some(pss_manifest::Position { line: item.line(), column: item.column() });
                    visitor.object(item.json(), at, origin, item.locator(), true);
                }
            }
            Err(error) => visitor.error(at, &error),
        }
    }
}

/// A count or position as JS numbers carry it here.
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Whether pss-core takes a document for a List (its rule, on the header alone).
fn is_list(json: &[u8]) -> bool {
    pss_core::ObjectHeader::from_slice(json).is_ok_and(|h| h.class() == pss_core::ObjectClass::List)
}

impl ManifestError {
    /// A document pss-manifest could not read, starting at line `line`.
    fn read(error: &pss_manifest::Error, line: usize) -> Self {
        let position = error.position();
        ManifestError {
            message: error.to_string(),
            line: small(position.map_or(line, |p| p.line)),
            column: position.map(|p| small(p.column)),
            path: None,
            too_large: error.is_too_large(),
        }
    }

    /// An object pss-core could not decode, at `at`. As `pss check` places it: the position pss-core
    /// gives, in the source for a JSON text (starting at `origin`); the object's first line for
    /// YAML, whose converted JSON's positions say nothing of the source.
    fn decode(error: &pss_core::Error, at: At, origin: Option<pss_manifest::Position>) -> Self {
        let place = match (error.position(), origin) {
            (Some(p), Some(origin)) => {
                let place = origin.offset(pss_manifest::Position { line: p.line, column: p.column });
                Some((place.line, place.column))
            }
            _ => None,
        };
        let mut message = match error.path() {
            Some(path) => format!("{path}: {}", error.message()),
            None => error.message().to_owned(),
        };
        if let Some((line, column)) = place {
            message.push_str(&format!(" at line {line} column {column}"));
        }
        ManifestError {
            message,
            line: small(place.map_or(at.line, |(line, _)| line)),
            column: place.map(|(_, column)| small(column)),
            path: error.path().map(str::to_owned),
            too_large: false,
        }
    }
}

/// The input text: a string, or a `Uint8Array` of the file's bytes (UTF-8, or UTF-16 with a BOM).
fn text_bytes(text: &JsValue) -> Result<Vec<u8>, PssError> {
    if let Some(text) = text.as_string() {
        return Ok(text.into_bytes());
    }
    if let Some(bytes) = text.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    Err(PssError::new(ErrorKind::InvalidInput, "the manifest must be a string or a Uint8Array".to_owned()))
}

/// Collects `readManifest`'s documents.
#[derive(Default)]
struct Documents(Vec<ManifestDocument>);

impl Visit for Documents {
    fn object(
        &mut self,
        json: &[u8],
        at: At,
        origin: Option<pss_manifest::Position>,
        _: pss_manifest::Locator<'_>,
        in_list: bool,
    ) -> bool {
        let json = String::from_utf8_lossy(json).into_owned();
        if in_list {
            if let Some(items) = self.0.last_mut().and_then(|d| d.items.as_mut()) {
                items.push(ManifestItem {
                    index: small(at.item.unwrap_or(0)),
                    line: small(at.line),
                    column: small(at.column),
                    json,
                });
            }
            return false;
        }
        let list = is_list(json.as_bytes());
        self.0.push(ManifestDocument {
            index: small(at.document),
            line: small(at.line),
            syntax: Some(if origin.is_some() { Syntax::Json } else { Syntax::Yaml }),
            json: Some(json),
            items: list.then(Vec::new),
            error: None,
        });
        list
    }

    fn error(&mut self, at: At, error: &pss_manifest::Error) {
        let error = ManifestError::read(error, at.line);
        match self.0.last_mut() {
            // A List whose `items` cannot be read.
            Some(last) if last.index == small(at.document) && last.error.is_none() => last.error = Some(error),
            _ => self.0.push(ManifestDocument {
                index: small(at.document),
                line: small(at.line),
                syntax: None,
                json: None,
                items: None,
                error: Some(error),
            }),
        }
    }
}

/// Reads a manifest as kubectl does (`kubectl apply -f`'s reader: YAML or JSON, several documents,
/// UTF-16 with a byte-order mark, a `.json` file holding YAML), through pss-manifest: each
/// document's JSON as kubectl would send it, a List's items, and what is wrong with each document
/// that cannot be read, with its line and column. Reading goes on after a bad document.
///
/// ```js
/// import init, { readManifest } from "@pss/wasm/full";
/// const [pod, bad] = readManifest("kind: Pod\nspec:\n  hostNetwork: yes\n---\na: [b\n");
/// JSON.parse(pod.json).spec.hostNetwork; // true (YAML 1.1, as Kubernetes reads it)
/// bad.error.message; // invalid YAML: ... at line 5 column ...
/// ```
///
/// Throws a `PssError` of kind `invalidInput` when `text` is neither a string nor a `Uint8Array`.
#[wasm_bindgen(js_name = readManifest)]
pub fn read_manifest(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] text: JsValue,
) -> Result<Vec<Ts<ManifestDocument>>, JsValue> {
    let bytes = text_bytes(&text).map_err(PssError::into_js)?;
    let mut documents = Documents::default();
    read(&bytes, &mut documents);
    documents.0.iter().map(error::to_js).collect()
}

/// Checks what `checkManifest` is given, as `pss check` does.
struct Checker {
    admission: pss_core::admission::Admission,
    /// The namespaces the Namespace objects in the text declare.
    labels: pss_core::admission::DeclaredNamespaces,
    check: ManifestCheck,
}

/// Collects the Namespace objects' labels, before the objects are checked (a namespace may come
/// after the objects in it), as `pss check` does.
struct NamespaceScan<'a>(&'a mut pss_core::admission::DeclaredNamespaces);

impl Visit for NamespaceScan<'_> {
    fn object(
        &mut self,
        json: &[u8],
        _: At,
        _: Option<pss_manifest::Position>,
        _: pss_manifest::Locator<'_>,
        in_list: bool,
    ) -> bool {
        let Ok(header) = pss_core::ObjectHeader::from_slice(json) else { return false };
        match header.class() {
            pss_core::ObjectClass::Namespace => {
                self.0.record(&header);
                false
            }
            pss_core::ObjectClass::List => !in_list,
            _ => false,
        }
    }

    fn error(&mut self, _: At, _: &pss_manifest::Error) {}
}

/// A violation of `checkManifest`'s, its fields placed by `locator`.
fn checked_violation(v: &pss_core::Violation, locator: pss_manifest::Locator<'_>) -> CheckedViolation {
    CheckedViolation {
        check: v.check().as_str().to_owned(),
        reason: v.reason().to_owned(),
        detail: v.detail().to_string(),
        fields: v
            .fields()
            .iter()
            .map(|f| {
                let path = f.path().to_string();
                let place = locator.locate(&path).position;
                CheckedField {
                    path,
                    value: f.value().into(),
                    container: f.container().map(str::to_owned),
                    line: small(place.line),
                    column: small(place.column),
                }
            })
            .collect(),
    }
}

impl Checker {
    fn workload(
        &mut self,
        obj: &pss_core::ObjectDocument<'_>,
        kind: pss_core::WorkloadKind,
        decision: &pss_core::admission::Decision,
        at: At,
        locator: pss_manifest::Locator<'_>,
    ) {
        let policy = decision.policy();
        self.check.results.push(CheckResult {
            document: small(at.document),
            item: at.item.map(small),
            line: small(at.line),
            kind: kind.kind().to_owned(),
            name: obj.name().map(str::to_owned),
            namespace: obj.namespace().map(str::to_owned),
            level: policy.enforce.level.into(),
            version: policy.enforce.version.to_string(),
            allowed: decision.pods_denial().is_none(),
            message: decision.pods_denial().map(str::to_owned),
            violations: decision.pods_violations().iter().map(|v| checked_violation(v, locator)).collect(),
            warnings: decision.warnings().to_vec(),
            policy: Policy::new(policy, decision.label_errors()),
            exempt: decision.exemption().map(|e| e.as_str().to_owned()),
        });
    }

    fn namespace(
        &mut self,
        header: &pss_core::ObjectHeader<'_>,
        review: &pss_core::admission::NamespaceReview,
        at: At,
    ) {
        let policy = review.policy();
        self.check.results.push(CheckResult {
            document: small(at.document),
            item: at.item.map(small),
            line: small(at.line),
            kind: "Namespace".to_owned(),
            name: Some(header.name().unwrap_or("").to_owned()),
            namespace: None,
            level: policy.enforce.level.into(),
            version: policy.enforce.version.to_string(),
            allowed: review.allowed(),
            message: review.invalid().map(str::to_owned),
            violations: Vec::new(),
            warnings: review.warnings().to_vec(),
            policy: Policy::new(policy, review.errors()),
            exempt: review.exempt().then(|| pss_core::admission::Exemption::Namespace.as_str().to_owned()),
        });
    }

    fn skip(&mut self, header: &pss_core::ObjectHeader<'_>, at: At) {
        self.check.skipped.push(SkippedObject {
            document: small(at.document),
            item: at.item.map(small),
            line: small(at.line),
            kind: header.kind().map(str::to_owned),
            name: header.name().map(str::to_owned),
            reason: header.class().to_string(),
        });
    }
}

impl Visit for Checker {
    fn object(
        &mut self,
        json: &[u8],
        at: At,
        origin: Option<pss_manifest::Position>,
        locator: pss_manifest::Locator<'_>,
        in_list: bool,
    ) -> bool {
        let obj = match pss_core::ObjectDocument::from_slice(json) {
            Ok(obj) => obj,
            Err(error) => {
                let error = ManifestError::decode(&error, at, origin);
                self.check.errors.push(CheckError {
                    document: small(at.document),
                    item: at.item.map(small),
                    line: small(at.line),
                    error,
                });
                return false;
            }
        };
        match self.admission.review_object(&obj, &self.labels, "default", "", in_list) {
            ObjectReview::Workload { kind, decision } => self.workload(&obj, kind, &decision, at, locator),
            ObjectReview::Namespace(review) => self.namespace(obj.header(), &review, at),
            ObjectReview::List => return true,
            // Skipped, and what pss-core adds later: never counted as allowed.
            _ => self.skip(obj.header(), at),
        }
        false
    }

    fn error(&mut self, at: At, error: &pss_manifest::Error) {
        let error = ManifestError::read(error, at.line);
        self.check.errors.push(CheckError {
            document: small(at.document),
            item: at.item.map(small),
            line: small(at.line),
            error,
        });
    }
}

/// Checks a whole manifest as `pss check --level LEVEL --version VERSION` does (`options`: the
/// level and version, `baseline` and `latest` by default) with the same bytes:
/// the text read as kubectl reads it (see `readManifest`), each Pod and pod controller reviewed by
/// PodSecurity admission in its namespace (the namespace's labels from the Namespace objects in
/// the text, wherever they are, else the level and version given for enforce, audit and warn),
/// each Namespace object as a namespace creation; the rest skipped. Each violating field has the
/// line and column where it (or its nearest present parent) is written.
///
/// ```js
/// const { results, errors } = checkManifest(yamlText, { level: "restricted", version: "latest" });
/// for (const r of results.filter((r) => !r.allowed)) {
///   console.log(r.message);
///   for (const v of r.violations) for (const f of v.fields) console.log(`${f.line}:${f.column}: ${f.path}: ${v.reason}`);
/// }
/// ```
///
/// Throws a `PssError` for an invalid level, version or option, or a `text` that is neither a
/// string nor a `Uint8Array`; documents that cannot be read are in `errors`, not thrown.
#[wasm_bindgen(js_name = checkManifest)]
pub fn check_manifest(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] text: JsValue,
    options: Option<Ts<LevelVersionOptions>>,
) -> Result<Ts<ManifestCheck>, JsValue> {
    check(&text, options.map(|o| o.js_value())).map_err(PssError::into_js).and_then(|c| error::to_js(&c))
}

fn check(text: &JsValue, options: Option<JsValue>) -> Result<ManifestCheck, PssError> {
    let lv = EvaluateOptions::from_js(options, &["level", "version"])?.level_version()?;
    let bytes = text_bytes(text)?;
    Ok(check_bytes(&bytes, lv))
}

fn check_bytes(bytes: &[u8], lv: pss_core::LevelVersion) -> ManifestCheck {
    let defaults = pss_core::admission::Policy { enforce: lv, audit: lv, warn: lv };
    // Without exemptions a configuration is always valid.
    let config = pss_core::admission::AdmissionConfig::new(defaults, pss_core::admission::Exemptions::default())
        .unwrap_or_default();
    let mut checker = Checker {
        admission: pss_core::admission::Admission::new(config),
        labels: pss_core::admission::DeclaredNamespaces::new(),
        check: ManifestCheck { results: Vec::new(), skipped: Vec::new(), errors: Vec::new() },
    };
    read(bytes, &mut NamespaceScan(&mut checker.labels));
    read(bytes, &mut checker);
    checker.check
}

/// Collects `evaluateManifest`'s results.
struct Evaluations<'a> {
    level_version: &'a LevelVersion,
    out: Vec<ManifestEvaluation>,
}

impl Visit for Evaluations<'_> {
    fn object(
        &mut self,
        json: &[u8],
        at: At,
        origin: Option<pss_manifest::Position>,
        locator: pss_manifest::Locator<'_>,
        in_list: bool,
    ) -> bool {
        if !in_list && is_list(json) {
            return true;
        }
        let place = |path: &str| {
            let located = locator.locate(path);
            FieldPlace {
                path: path.to_owned(),
                line: small(located.position.line),
                column: small(located.position.column),
                exact: located.exact,
            }
        };
        let (lv, exclusions) = self.level_version.parts();
        let result =
            evaluation::evaluate_with(Entry::Object, lv, json, exclusions, |meta: &Meta<'_>, outcome| match outcome {
                Outcome::Evaluated(result) => evaluation::translate(meta, result),
                Outcome::NotEvaluated(lv, why) => evaluation::not_evaluated(meta, lv, why),
            });
        let (evaluation, places, error) = match result {
            Ok(evaluation) => {
                let places = evaluation.violations.iter().flat_map(|v| &v.fields).map(|f| place(&f.path)).collect();
                (Some(evaluation), places, None)
            }
            Err(error) => {
                // pss-core's error, placed as `checkManifest` places it.
                let decoded = pss_core::ObjectDocument::from_slice(json).err();
                let error = match decoded {
                    Some(e) => ManifestError::decode(&e, at, origin),
                    None => ManifestError {
                        message: error.message,
                        line: small(at.line),
                        column: None,
                        path: None,
                        too_large: false,
                    },
                };
                let places = error.path.as_deref().map(place).into_iter().collect();
                (None, places, Some(error))
            }
        };
        self.out.push(ManifestEvaluation {
            document: small(at.document),
            item: at.item.map(small),
            line: small(at.line),
            evaluation,
            places,
            error,
        });
        false
    }

    fn error(&mut self, at: At, error: &pss_manifest::Error) {
        self.out.push(ManifestEvaluation {
            document: small(at.document),
            item: at.item.map(small),
            line: small(at.line),
            evaluation: None,
            places: Vec::new(),
            error: Some(ManifestError::read(error, at.line)),
        });
    }
}

#[wasm_bindgen]
impl LevelVersion {
    /// Reads a manifest as `readManifest` does and evaluates each document (a List: each of its
    /// items instead) as `evaluateObject` does (what is not a workload is not evaluated, with pss-core's
    /// note); with each violating field's line and column in the text (`places`). A document that
    /// cannot be read or decoded has `error` instead, with its place.
    ///
    /// Throws a `PssError` of kind `invalidInput` when `text` is neither a string nor a `Uint8Array`.
    #[wasm_bindgen(js_name = evaluateManifest)]
    pub fn evaluate_manifest(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] text: JsValue,
    ) -> Result<Vec<Ts<ManifestEvaluation>>, JsValue> {
        let bytes = text_bytes(&text).map_err(PssError::into_js)?;
        let mut evaluations = Evaluations { level_version: self, out: Vec::new() };
        read(&bytes, &mut evaluations);
        evaluations.out.iter().map(error::to_js).collect()
    }
}

impl ToJson for Syntax {
    fn write_json(&self, out: &mut String) {
        json::write_str(out, if *self == Syntax::Yaml { "yaml" } else { "json" });
    }
}

impl ToJson for ManifestError {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("message", &self.message)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("path", &self.path)
            .field("tooLarge", &self.too_large)
            .end();
    }
}

impl ToJson for ManifestDocument {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("index", &self.index)
            .field("line", &self.line)
            .field("syntax", &self.syntax)
            .field("json", &self.json)
            .field("items", &self.items)
            .field("error", &self.error)
            .end();
    }
}

impl ToJson for ManifestItem {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("index", &self.index)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("json", &self.json)
            .end();
    }
}

impl ToJson for FieldPlace {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("path", &self.path)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("exact", &self.exact)
            .end();
    }
}

impl ToJson for CheckedField {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("path", &self.path)
            .field("value", &self.value)
            .field("container", &self.container)
            .field("line", &self.line)
            .field("column", &self.column)
            .end();
    }
}

impl ToJson for CheckedViolation {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("check", &self.check)
            .field("reason", &self.reason)
            .field("detail", &self.detail)
            .field("fields", &self.fields)
            .end();
    }
}

impl ToJson for CheckResult {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("document", &self.document)
            .field("item", &self.item)
            .field("line", &self.line)
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("namespace", &self.namespace)
            .field("level", &self.level)
            .field("version", &self.version)
            .field("allowed", &self.allowed)
            .field("message", &self.message)
            .field("violations", &self.violations)
            .field("warnings", &self.warnings)
            .field("policy", &self.policy)
            .field("exempt", &self.exempt)
            .end();
    }
}

impl ToJson for SkippedObject {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("document", &self.document)
            .field("item", &self.item)
            .field("line", &self.line)
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("reason", &self.reason)
            .end();
    }
}

impl ToJson for CheckError {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("document", &self.document)
            .field("item", &self.item)
            .field("line", &self.line)
            .field("error", &self.error)
            .end();
    }
}

impl ToJson for ManifestCheck {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("results", &self.results)
            .field("skipped", &self.skipped)
            .field("errors", &self.errors)
            .end();
    }
}

impl ToJson for ManifestEvaluation {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("document", &self.document)
            .field("item", &self.item)
            .field("line", &self.line)
            .field("evaluation", &self.evaluation)
            .field("places", &self.places)
            .field("error", &self.error)
            .end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::tests::same_as_serde;

    const TEXT: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: yes\n  containers:\n  \
                        - name: c\n    image: nginx\n---\nkind: List\nitems:\n- kind: Service\n  metadata: {name: s}\n\
                        ---\na: [b\n---\n{\"kind\": \"Pod\", \"spec\": {\"hostPID\": \"no\"}}\n";

    #[test]
    fn documents_items_and_errors_with_their_places() {
        let mut documents = Documents::default();
        read(TEXT.as_bytes(), &mut documents);
        let d = &documents.0;
        assert_eq!(d.len(), 4);
        assert_eq!((d[0].index, d[0].line, d[0].syntax), (0, 1, Some(Syntax::Yaml)));
        assert!(d[0].json.as_deref().unwrap().contains(r#""hostNetwork":true"#));
        assert_eq!(d[0].items, None);
        let items = d[1].items.as_ref().unwrap();
        assert_eq!((items[0].index, items[0].line, items[0].column), (0, 12, 3));
        assert_eq!(items[0].json, r#"{"kind":"Service","metadata":{"name":"s"}}"#);
        let error = d[2].error.as_ref().unwrap();
        assert_eq!((d[2].index, d[2].json.as_ref()), (2, None));
        assert!(error.message.starts_with("invalid YAML: "), "{}", error.message);
        assert_eq!(error.line, 15);
        for document in d {
            same_as_serde(document);
        }
    }

    #[test]
    fn check_is_pss_checks_record_by_record() {
        let lv = pss_core::LevelVersion::parse("baseline:latest").unwrap();
        let c = check_bytes(TEXT.as_bytes(), lv);
        assert_eq!(c.results.len(), 1);
        let pod = &c.results[0];
        assert!(!pod.allowed);
        assert_eq!(
            pod.message.as_deref(),
            Some(
                r#"pods "p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)"#
            )
        );
        let field = &pod.violations[0].fields[0];
        assert_eq!((field.path.as_str(), field.line, field.column), ("spec.hostNetwork", 5, 3));
        assert_eq!(c.skipped.len(), 1);
        assert_eq!((c.skipped[0].document, c.skipped[0].item, c.skipped[0].line), (1, Some(0), 12));
        assert_eq!(c.errors.len(), 2);
        assert_eq!((c.errors[0].document, c.errors[0].error.line), (2, 15));
        let decode = &c.errors[1].error;
        assert_eq!(decode.path.as_deref(), Some("spec.hostPID"));
        assert_eq!((decode.line, decode.column), (17, None), "YAML: the object's line, as pss check");
        assert!(decode.message.starts_with("spec.hostPID: expected a boolean"), "{}", decode.message);
        same_as_serde(&c);
    }

    #[test]
    fn namespace_objects_anywhere_set_the_policy_of_their_objects() {
        let text = "kind: Pod\nmetadata: {name: p, namespace: prod}\nspec: {containers: [{name: c}]}\n---\n\
                    kind: Namespace\nmetadata:\n  name: prod\n  labels: {pod-security.kubernetes.io/enforce: restricted}\n";
        let lv = pss_core::LevelVersion::parse("privileged:latest").unwrap();
        let c = check_bytes(text.as_bytes(), lv);
        assert_eq!(c.results.len(), 2);
        assert_eq!((c.results[0].level, c.results[0].allowed), (Level::Restricted, false));
        assert_eq!((c.results[1].kind.as_str(), c.results[1].allowed), ("Namespace", true));
        same_as_serde(&c);
    }
}

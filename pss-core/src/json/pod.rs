//! A pod decoded from JSON text: only the fields the checks read, borrowing every string that has
//! no escapes.
//!
//! Decoding follows Go's `encoding/json` as the API server uses it (case-sensitive keys): unknown
//! fields are skipped (after checking they are well-formed), `null` clears pointer, slice and map
//! fields and leaves others alone, and a repeated key decodes into what the earlier one left, so
//! scalars take the last value while objects, maps and array elements merge, exactly as Go does.

use std::borrow::Cow;

use super::reader::{PathStyle, Reader, Result};
use crate::error::{Error, ErrorKind, Position};
use crate::model::{volume_source_bit, ContainerKind, ContainerView, HostSite, PodView, Sc, Slot, HOST_PATH};

/// A pod decoded from JSON (see [`PodDocument::from_str`]); evaluate it with [`crate::evaluate`].
///
/// Strings are borrowed from the input when they contain no escapes.
///
/// ```
/// use pss_core::{evaluate, LevelVersion, PodDocument};
///
/// let text = r#"{"kind": "Pod", "metadata": {"name": "web", "namespace": "prod"},
///                "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}"#;
/// let pod = PodDocument::from_str(text)?;
/// assert_eq!(pod.name(), Some("web"));
/// assert_eq!(pod.namespace(), Some("prod"));
/// assert!(evaluate(LevelVersion::default(), &pod).allowed());
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct PodDocument<'a> {
    header: ObjectHeader<'a>,
    pub(crate) spec: Spec<'a>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Meta<'a> {
    name: Option<Cow<'a, str>>,
    generate_name: Option<Cow<'a, str>>,
    namespace: Option<Cow<'a, str>>,
    /// Sorted by key, keys unique.
    annotations: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Sorted by key, keys unique.
    labels: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// `ownerReferences[*]`: `uid` and `controller`.
    owners: Vec<(Cow<'a, str>, Option<bool>)>,
    /// Keep only what the checks read: the labels, the other annotations and the owner
    /// references are checked and dropped ([`PodDocument::from_str_for_checks`],
    /// [`ObjectDocument::from_str_for_checks`](crate::ObjectDocument::from_str_for_checks)).
    for_checks: bool,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Spec<'a> {
    host_network: bool,
    host_pid: bool,
    host_ipc: bool,
    host_users: Option<bool>,
    runtime_class_name: Option<Cow<'a, str>>,
    os: Option<Cow<'a, str>>,
    security_context: Option<ScDoc<'a>>,
    /// `securityContext.sysctls`, kept here as only the pod's context has them (so that a
    /// container's is smaller); cleared with the context.
    sysctls: Vec<Cow<'a, str>>,
    volumes: Vec<VolumeDoc<'a>>,
    init_containers: Vec<ContainerDoc<'a>>,
    containers: Vec<ContainerDoc<'a>>,
    ephemeral_containers: Vec<ContainerDoc<'a>>,
}

/// A pod or container security context; which keys are read depends on which it is.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScDoc<'a> {
    pub(crate) app_armor_type: Option<Cow<'a, str>>,
    pub(crate) run_as_non_root: Option<bool>,
    pub(crate) run_as_user: Option<i64>,
    /// Boxed, as it is rare: a container's context is smaller to move and initialise without it.
    pub(crate) se_linux: Option<Box<[Cow<'a, str>; 3]>>,
    pub(crate) seccomp_type: Option<Cow<'a, str>>,
    /// `windowsOptions` set, and its `hostProcess`.
    pub(crate) windows: Option<Option<bool>>,
    pub(crate) allow_privilege_escalation: Option<bool>,
    pub(crate) privileged: Option<bool>,
    pub(crate) proc_mount: Option<Cow<'a, str>>,
    /// `add` and `drop`.
    pub(crate) capabilities: Option<[StrList<'a>; 2]>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct VolumeDoc<'a> {
    name: Cow<'a, str>,
    sources: u32,
    /// `hostPath.path` ("" when unset) while `hostPath` is set.
    host_path: Cow<'a, str>,
}

/// A list of strings: while every element is a string without escapes (almost every list), the
/// array's text, read again when iterated, so that decoding it allocates nothing.
#[derive(Debug, Clone)]
pub(crate) enum StrList<'a> {
    /// The text of a JSON array whose elements are all strings without escapes: `["ALL"]`.
    Text(&'a str),
    /// The strings themselves.
    Strings(Vec<Cow<'a, str>>),
}

impl Default for StrList<'_> {
    fn default() -> Self {
        StrList::Strings(Vec::new())
    }
}

impl<'a> StrList<'a> {
    /// A JSON array of strings decoded over the list (as [`list_into`]).
    fn decode(r: &mut Reader<'a>, list: &mut Self) -> Result<()> {
        // The array's elements all set, so the result does not depend on what was there before.
        if let Some(text) = r.plain_string_array() {
            *list = StrList::Text(text);
            return Ok(());
        }
        // Anything else (`null`, escapes, errors) as a slice is decoded, over the strings so far.
        let mut strings = match core::mem::take(list) {
            StrList::Text(text) => StrIter::new(text).map(Cow::Borrowed).collect(),
            StrList::Strings(strings) => strings,
        };
        let decoded = list_into(r, &mut strings, string_into);
        *list = StrList::Strings(strings);
        decoded
    }

    pub(crate) fn iter(&self) -> StrIter<'_, 'a> {
        match self {
            StrList::Text(text) => StrIter::new(text),
            StrList::Strings(strings) => StrIter { text: "", strings: strings.iter() },
        }
    }
}

/// The strings of a [`StrList`].
#[derive(Debug, Clone)]
pub(crate) struct StrIter<'b, 'a> {
    /// What is left of a [`StrList::Text`]: the strings are between its next two quotes, as no
    /// string in it has an escape.
    text: &'b str,
    strings: core::slice::Iter<'b, Cow<'a, str>>,
}

impl<'b> StrIter<'b, '_> {
    fn new(text: &'b str) -> Self {
        StrIter { text, strings: [].iter() }
    }
}

impl<'b> Iterator for StrIter<'b, '_> {
    type Item = &'b str;

    fn next(&mut self) -> Option<&'b str> {
        if let Some(s) = self.strings.next() {
            return Some(s);
        }
        // Byte loops: the strings and what separates them are short.
        let b = self.text.as_bytes();
        let open = b.iter().position(|&c| c == b'"')? + 1;
        let close = open + b[open..].iter().position(|&c| c == b'"')?;
        let s = &self.text[open..close];
        self.text = &self.text[close + 1..];
        Some(s)
    }
}

/// The `hostPort`s of a container's `ports`: how many ports there are, and those whose `hostPort`
/// is not 0 (almost none, so that decoding them allocates nothing), by index, ascending.
#[derive(Debug, Clone, Default)]
pub(crate) struct HostPorts {
    len: usize,
    set: Vec<(usize, i32)>,
}

impl HostPorts {
    fn get(&self, i: usize) -> i32 {
        self.set.iter().find(|(j, _)| *j == i).map_or(0, |(_, p)| *p)
    }

    fn put(&mut self, i: usize, port: i32) {
        match self.set.iter().position(|(j, _)| *j >= i) {
            Some(at) if self.set[at].0 == i => {
                if port == 0 {
                    self.set.remove(at);
                } else {
                    self.set[at].1 = port;
                }
            }
            at if port != 0 => self.set.insert(at.unwrap_or(self.set.len()), (i, port)),
            _ => {}
        }
    }

    /// A JSON array of ports decoded over them (as [`list_into`]).
    fn decode<'a>(r: &mut Reader<'a>, ports: &mut Self) -> Result<()> {
        let n = r.array(|r, i| {
            ports.len = ports.len.max(i + 1);
            let mut port = ports.get(i);
            r.fields(|r, key| match key {
                _ if key == b"hostPort" => {
                    if let Some(p) = r.opt_int(i32::MIN.into(), i32::MAX.into(), "a 32-bit integer")? {
                        port = p as i32;
                    }
                    Ok(())
                }
                _ => r.skip(),
            })?;
            ports.put(i, port);
            Ok(())
        })?;
        let n = n.unwrap_or(0);
        ports.len = n;
        ports.set.retain(|(i, _)| *i < n);
        Ok(())
    }

    fn iter(&self) -> impl Iterator<Item = i32> + '_ {
        let mut set = self.set.iter().peekable();
        (0..self.len).map(move |i| match set.peek() {
            Some(&&(j, port)) if j == i => {
                set.next();
                port
            }
            _ => 0,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ContainerDoc<'a> {
    name: Cow<'a, str>,
    image: Cow<'a, str>,
    host_ports: HostPorts,
    security_context: Option<ScDoc<'a>>,
    /// The httpGet and tcpSocket hosts that are set and not empty, of the liveness, readiness,
    /// startup probes and the postStart, preStop handlers, sorted by site (an index into [`SITES`]).
    /// An unset host reads as an empty one, so only these can be seen; almost every container has
    /// none, and this list then costs no allocation.
    hosts: Vec<(u8, Cow<'a, str>)>,
}

// ---- decoding -------------------------------------------------------------------------------

/// `s` set to the string, unless `null` (Go leaves a non-pointer string alone).
fn string_into<'a>(r: &mut Reader<'a>, s: &mut Cow<'a, str>) -> Result<()> {
    if let Some(v) = r.opt_str()? {
        *s = v;
    }
    Ok(())
}

fn opt_string_into<'a>(r: &mut Reader<'a>, s: &mut Option<Cow<'a, str>>) -> Result<()> {
    if let Some(v) = r.opt_str()? {
        *s = Some(v);
    }
    Ok(())
}

/// A non-pointer bool: `null` leaves it alone.
fn bool_into(r: &mut Reader<'_>, b: &mut bool) -> Result<()> {
    if let Some(v) = r.opt_bool()? {
        *b = v;
    }
    Ok(())
}

/// A pointer to a struct: `null` clears it; an object decodes into it (allocating it if unset).
fn ptr_into<'a, T: Default>(
    r: &mut Reader<'a>,
    slot: &mut Option<T>,
    decode: impl FnOnce(&mut Reader<'a>, &mut T) -> Result<()>,
) -> Result<()> {
    if r.null()? {
        *slot = None;
        return Ok(());
    }
    decode(r, slot.get_or_insert_with(T::default))
}

/// A slice: `null` clears it; an array decodes element `i` into the existing element `i` (as Go
/// does), appending new ones, then drops any beyond the array's length.
fn list_into<'a, T: Default>(
    r: &mut Reader<'a>,
    list: &mut Vec<T>,
    mut decode: impl FnMut(&mut Reader<'a>, &mut T) -> Result<()>,
) -> Result<()> {
    let n = r.array(|r, i| {
        if i == list.len() {
            // Made in place (a `push` made a container, 256 bytes, then copied it in with memcpy).
            list.resize_with(i + 1, T::default);
        }
        decode(r, &mut list[i])
    })?;
    list.truncate(n.unwrap_or(0));
    Ok(())
}

/// A `map[string]string`: `null` clears it; an object adds or replaces entries (a `null` value is
/// ""), those whose key `keep` keeps (the others are read and checked as the kept ones, and dropped).
fn map_into<'a>(r: &mut Reader<'a>, map: &mut Vec<(Cow<'a, str>, Cow<'a, str>)>, keep: fn(&str) -> bool) -> Result<()> {
    if r.null()? {
        map.clear();
        return Ok(());
    }
    r.object(
        |r, key| {
            let value = r.opt_str()?.unwrap_or(Cow::Borrowed(""));
            if !keep(&key) {
                return Ok(());
            }
            match map.binary_search_by(|(k, _)| k.as_ref().cmp(key.as_ref())) {
                Ok(i) => map[i].1 = value,
                Err(i) => map.insert(i, (key, value)),
            }
            Ok(())
        },
        PathStyle::Key,
    )?;
    Ok(())
}

impl<'a> PodDocument<'a> {
    /// Decodes a pod from JSON text.
    ///
    /// Reads `apiVersion`, `kind`, `metadata.name`, `metadata.namespace`, `metadata.annotations`,
    /// `metadata.labels` and the spec fields the checks need; everything else is checked for
    /// well-formedness and skipped. A document without `kind` is taken for a pod, as the caller
    /// says it is one.
    ///
    /// # Errors
    /// Malformed JSON, a document that is not an object, or a field the checks read with the
    /// wrong type; the error names the field path and the line and column. Two mistakes that
    /// would otherwise evaluate an empty pod (and allow it) are errors too:
    /// - a bare `PodSpec` (pod spec fields such as `containers` at the top and no `spec`):
    ///   [`ErrorKind::BarePodSpec`]; decode it with [`PodDocument::from_spec_str`];
    /// - an object of another `kind` (a Deployment): [`ErrorKind::UnexpectedKind`]; decode it with
    ///   [`ObjectDocument`](crate::ObjectDocument).
    ///
    /// ```
    /// use pss_core::{ErrorKind, PodDocument};
    ///
    /// let err = PodDocument::from_str(r#"{"containers": [{"name": "c"}]}"#).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::BarePodSpec);
    /// let err = PodDocument::from_str(r#"{"kind": "Deployment", "spec": {}}"#).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::UnexpectedKind);
    /// ```
    #[allow(clippy::should_implement_trait)] // borrows from the input, which `FromStr` cannot
    pub fn from_str(text: &'a str) -> core::result::Result<Self, Error> {
        let mut doc = PodDocument::default();
        doc.decode_str(text)?;
        Ok(doc)
    }

    /// [`PodDocument::from_str`] into a new document (`self` is one), which spares the moves of
    /// returning it.
    pub(crate) fn decode_str(&mut self, text: &'a str) -> core::result::Result<(), Error> {
        let mut r = Reader::new(text);
        let doc = self;
        let mut has_spec = false;
        // The first top-level key that belongs in a PodSpec, and where its value is.
        let mut spec_field: Option<(&'static str, usize)> = None;
        doc.decode_object(&mut r, |r, key, _, spec| {
            if key == "spec" {
                has_spec = true;
                return spec.decode(r);
            }
            if spec_field.is_none() {
                if let Some(field) = POD_SPEC_FIELDS.iter().find(|f| **f == key) {
                    spec_field = Some((field, r.offset()));
                }
            }
            r.skip()
        })
        .map_err(Error::finish)?;
        if let Some(kind) = doc.kind().filter(|k| !k.is_empty() && *k != "Pod") {
            return Err(Error::unexpected_kind(kind, "a Pod").in_field("kind").finish());
        }
        if let (false, Some((field, offset))) = (has_spec, spec_field) {
            return Err(Error::bare_pod_spec(field)
                .in_field(field)
                .finish()
                .with_position(Position::at(text.as_bytes(), offset)));
        }
        Ok(())
    }

    /// Decodes a pod from JSON bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`PodDocument::from_str`], and invalid UTF-8 (with its position).
    pub fn from_slice(bytes: &'a [u8]) -> core::result::Result<Self, Error> {
        PodDocument::from_str(utf8(bytes)?)
    }

    /// Decodes a pod from JSON text for the checks alone: as [`PodDocument::from_str`], with the
    /// same errors and the same evaluation at every level and version, but what no check reads is
    /// checked and dropped instead of kept: [`PodDocument::labels`] is empty,
    /// [`PodDocument::annotations`] has only the AppArmor and seccomp annotations, and
    /// [`PodDocument::controller_uid`] is `None` (`ownerReferences` is not kept). It saves their
    /// allocations, for a pod decoded to be evaluated ([`crate::evaluate_json`] decodes so).
    ///
    /// # Errors
    /// As [`PodDocument::from_str`]: a label or an annotation that is not a string is an error
    /// here too.
    ///
    /// ```
    /// use pss_core::{evaluate, LevelVersion, PodDocument};
    ///
    /// let text = r#"{"metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {
    ///                  "note": "kept out", "container.apparmor.security.beta.kubernetes.io/web": "unconfined"}},
    ///                "spec": {"containers": [{"name": "web", "image": "nginx"}]}}"#;
    /// let pod = PodDocument::from_str_for_checks(text)?;
    /// assert_eq!(pod.name(), Some("web"));
    /// assert_eq!(pod.labels().count(), 0);
    /// assert_eq!(
    ///     pod.annotations().collect::<Vec<_>>(),
    ///     [("container.apparmor.security.beta.kubernetes.io/web", "unconfined")]
    /// );
    /// let whole = PodDocument::from_str(text)?;
    /// assert_eq!(evaluate(LevelVersion::default(), &pod), evaluate(LevelVersion::default(), &whole));
    /// # Ok::<(), pss_core::Error>(())
    /// ```
    pub fn from_str_for_checks(text: &'a str) -> core::result::Result<Self, Error> {
        let mut doc = PodDocument::default();
        doc.decode_str_for_checks(text)?;
        Ok(doc)
    }

    /// [`PodDocument::from_str_for_checks`] from bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`PodDocument::from_str_for_checks`], and invalid UTF-8 (with its position).
    pub fn from_slice_for_checks(bytes: &'a [u8]) -> core::result::Result<Self, Error> {
        PodDocument::from_str_for_checks(utf8(bytes)?)
    }

    /// [`PodDocument::from_str_for_checks`] into a new document (`self` is one), which spares the
    /// moves of returning it.
    pub(crate) fn decode_str_for_checks(&mut self, text: &'a str) -> core::result::Result<(), Error> {
        self.header.meta.for_checks = true;
        self.decode_str(text)
    }

    /// An empty document whose metadata, once decoded, keeps only what the checks read when
    /// `for_checks` (as [`PodDocument::from_str_for_checks`]'s), or all of it.
    pub(crate) fn decoded_for_checks(for_checks: bool) -> Self {
        PodDocument { header: ObjectHeader::decoded_for_checks(for_checks), spec: Spec::default() }
    }

    /// Decodes a bare `PodSpec` (`{"containers": [...], "hostNetwork": true, ...}`), as a pod
    /// with that spec and no metadata (so no annotations). Evaluate it with [`crate::evaluate_spec`],
    /// for field paths relative to the spec (`containers[0].securityContext.privileged`), as
    /// [`crate::evaluate_spec_json`] does.
    ///
    /// # Errors
    /// As [`PodDocument::from_str`]; a whole object given as a spec (it has `spec`, `kind`,
    /// `apiVersion` or `metadata` at its top) is [`ErrorKind::UnexpectedKind`], since its spec
    /// would otherwise be ignored.
    ///
    /// ```
    /// use pss_core::{ErrorKind, PodDocument};
    ///
    /// let spec = PodDocument::from_spec_str(r#"{"hostNetwork": true, "containers": [{"name": "c"}]}"#)?;
    /// assert_eq!(spec.name(), None);
    /// let err = PodDocument::from_spec_str(r#"{"kind": "Pod", "spec": {}}"#).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::UnexpectedKind);
    /// # Ok::<(), pss_core::Error>(())
    /// ```
    pub fn from_spec_str(text: &'a str) -> core::result::Result<Self, Error> {
        let mut r = Reader::new(text);
        let mut doc = PodDocument::default();
        if r.peek() != Some(b'{') {
            return Err(r.not_an_object());
        }
        let mut object_key: Option<(&'static str, usize)> = None;
        doc.spec
            .decode_with(&mut r, &mut |key, offset| {
                if object_key.is_none() {
                    object_key = OBJECT_FIELDS.iter().find(|f| f.as_bytes() == key).map(|f| (*f, offset));
                }
            })
            .and_then(|()| r.end())
            .map_err(Error::finish)?;
        if let Some((field, offset)) = object_key {
            return Err(Error::object_as_pod_spec(field)
                .in_field(field)
                .finish()
                .with_position(Position::at(text.as_bytes(), offset)));
        }
        Ok(doc)
    }

    /// [`PodDocument::from_spec_str`] from bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`PodDocument::from_spec_str`], and invalid UTF-8 (with its position).
    pub fn from_spec_slice(bytes: &'a [u8]) -> core::result::Result<Self, Error> {
        PodDocument::from_spec_str(utf8(bytes)?)
    }

    /// Decodes a whole object into this pod's header, handing every other top-level key to `other`
    /// with the header as read so far and this pod's spec, which it may decode the value into
    /// ([`PodSpecDecoder::decode`]) or not (it must consume the value either way).
    pub(crate) fn decode_object(
        &mut self,
        r: &mut Reader<'a>,
        mut other: impl FnMut(&mut Reader<'a>, &str, &ObjectHeader<'a>, PodSpecDecoder<'_, 'a>) -> Result<()>,
    ) -> Result<()> {
        let spec = &mut self.spec;
        self.header.decode_with(r, &mut |r, key, header| other(r, key, header, PodSpecDecoder(spec)))
    }

    /// Decodes a `PodTemplateSpec` object (`metadata` and `spec`) into this pod; `null` leaves it alone.
    pub(crate) fn decode_template(&mut self, r: &mut Reader<'a>) -> Result<()> {
        r.object(
            |r, key| match key.as_ref() {
                "metadata" => self.header.meta.decode(r),
                "spec" => self.spec.decode(r),
                _ => r.skip(),
            },
            PathStyle::Field,
        )
        .map(|_| ())
    }

    /// The pod's header: `apiVersion`, `kind`, name, namespace, labels, annotations.
    pub fn header(&self) -> &ObjectHeader<'a> {
        &self.header
    }

    /// The header alone, for a document that turned out not to be a pod.
    pub(crate) fn into_header(self) -> ObjectHeader<'a> {
        self.header
    }

    /// `apiVersion`, if present.
    pub fn api_version(&self) -> Option<&str> {
        self.header.api_version()
    }

    /// `kind`, if present.
    pub fn kind(&self) -> Option<&str> {
        self.header.kind()
    }

    /// `metadata.name`, if present.
    pub fn name(&self) -> Option<&str> {
        self.header.name()
    }

    /// `spec.runtimeClassName`, if set.
    pub fn runtime_class_name(&self) -> Option<&str> {
        self.spec.runtime_class_name.as_deref()
    }

    /// The `uid` of the owner reference marked `controller: true`, if any (upstream's
    /// `metav1.GetControllerOf`).
    pub fn controller_uid(&self) -> Option<&str> {
        self.header.meta.owners.iter().find(|(_, controller)| *controller == Some(true)).map(|(uid, _)| uid.as_ref())
    }

    /// `metadata.namespace`, if present.
    pub fn namespace(&self) -> Option<&str> {
        self.header.namespace()
    }

    /// `metadata.labels`, sorted by key.
    pub fn labels(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.header.labels()
    }

    /// `metadata.annotations`, sorted by key.
    pub fn annotations(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.header.annotations()
    }
}

/// A pod's spec that a value can be decoded into (see [`PodDocument::decode_object`]).
pub(crate) struct PodSpecDecoder<'s, 'a>(&'s mut Spec<'a>);

impl<'a> PodSpecDecoder<'_, 'a> {
    /// Decodes a `PodSpec` value into the spec (fields already read stay unless the value sets them).
    pub(crate) fn decode(self, r: &mut Reader<'a>) -> Result<()> {
        self.0.decode(r)
    }
}

/// Checks UTF-8, with the position of the first bad byte.
pub(crate) fn utf8(bytes: &[u8]) -> core::result::Result<&str, Error> {
    // Nearly always valid: checked with SIMD first. Miri does not run its vector code. Only invalid
    // text is checked again, by the standard library, for the position of its first bad byte.
    #[cfg(not(miri))]
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(text);
    }
    core::str::from_utf8(bytes).map_err(|e| {
        Error::new(ErrorKind::InvalidUtf8, "invalid UTF-8").with_position(Position::at(bytes, e.valid_up_to()))
    })
}

impl<'a> Meta<'a> {
    fn decode(&mut self, r: &mut Reader<'a>) -> Result<()> {
        r.fields(|r, key| match key {
            _ if key == b"name" => opt_string_into(r, &mut self.name),
            _ if key == b"generateName" => opt_string_into(r, &mut self.generate_name),
            _ if key == b"namespace" => opt_string_into(r, &mut self.namespace),
            _ if key == b"annotations" => map_into(
                r,
                &mut self.annotations,
                if self.for_checks { crate::checks::reads_annotation } else { |_| true },
            ),
            _ if key == b"labels" => map_into(r, &mut self.labels, if self.for_checks { |_| false } else { |_| true }),
            _ if key == b"ownerReferences" && self.for_checks => {
                // Read and checked as when kept, each into a scratch owner, and dropped.
                r.array(|r, _| decode_owner(r, &mut (Cow::Borrowed(""), None))).map(|_| ())
            }
            _ if key == b"ownerReferences" => list_into(r, &mut self.owners, decode_owner),
            _ => r.skip(),
        })
        .map(|_| ())
    }
}

/// An `ownerReferences` element: its `uid` and `controller`.
fn decode_owner<'a>(r: &mut Reader<'a>, (uid, controller): &mut (Cow<'a, str>, Option<bool>)) -> Result<()> {
    object_members(r, &["uid", "controller"], &mut |r, i| {
        if i == 0 {
            string_into(r, uid)
        } else {
            *controller = r.opt_bool()?;
            Ok(())
        }
    })
}

/// Every field of a `PodSpec` (Kubernetes v1.35): a top-level key of a pod that names one of them
/// means a bare spec was given where a pod belongs.
const POD_SPEC_FIELDS: &[&str] = &[
    "activeDeadlineSeconds",
    "affinity",
    "automountServiceAccountToken",
    "containers",
    "dnsConfig",
    "dnsPolicy",
    "enableServiceLinks",
    "ephemeralContainers",
    "hostAliases",
    "hostIPC",
    "hostNetwork",
    "hostPID",
    "hostUsers",
    "hostname",
    "hostnameOverride",
    "imagePullSecrets",
    "initContainers",
    "nodeName",
    "nodeSelector",
    "os",
    "overhead",
    "preemptionPolicy",
    "priority",
    "priorityClassName",
    "readinessGates",
    "resourceClaims",
    "resources",
    "restartPolicy",
    "runtimeClassName",
    "schedulerName",
    "schedulingGates",
    "securityContext",
    "serviceAccount",
    "serviceAccountName",
    "setHostnameAsFQDN",
    "shareProcessNamespace",
    "subdomain",
    "terminationGracePeriodSeconds",
    "tolerations",
    "topologySpreadConstraints",
    "volumes",
];

/// Top-level keys of an object that a `PodSpec` does not have: given as a spec, such a document
/// is a whole object.
const OBJECT_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "spec", "template", "status"];

impl<'a> Spec<'a> {
    fn decode(&mut self, r: &mut Reader<'a>) -> Result<()> {
        self.decode_with(r, &mut |_, _| {})
    }

    /// Decodes a `PodSpec` object; `unknown` sees every key the checks do not read, with the
    /// offset of its value.
    /// (`unknown` is a trait object so that the decoder is compiled once: it is the largest part of
    /// the WASM package.)
    fn decode_with(&mut self, r: &mut Reader<'a>, unknown: &mut dyn FnMut(&[u8], usize)) -> Result<()> {
        r.fields(|r, key| match key {
            _ if key == b"hostNetwork" => bool_into(r, &mut self.host_network),
            _ if key == b"hostPID" => bool_into(r, &mut self.host_pid),
            _ if key == b"hostIPC" => bool_into(r, &mut self.host_ipc),
            _ if key == b"hostUsers" => {
                self.host_users = r.opt_bool()?;
                Ok(())
            }
            _ if key == b"runtimeClassName" => {
                self.runtime_class_name = r.opt_str()?;
                Ok(())
            }
            _ if key == b"os" => {
                if r.null()? {
                    self.os = None;
                    return Ok(());
                }
                // Decoded into the set struct (an object without `name` keeps one read before).
                member_into(r, "name", self.os.get_or_insert(Cow::Borrowed("")))
            }
            _ if key == b"securityContext" => {
                // A pointer to a struct, as `ptr_into`, with the sysctls kept beside it.
                if r.null()? {
                    self.security_context = None;
                    self.sysctls.clear();
                    return Ok(());
                }
                self.security_context.get_or_insert_with(ScDoc::default).decode(r, Some(&mut self.sysctls))
            }
            _ if key == b"volumes" => list_into(r, &mut self.volumes, VolumeDoc::decode),
            _ if key == b"initContainers" => list_into(r, &mut self.init_containers, ContainerDoc::decode),
            _ if key == b"containers" => list_into(r, &mut self.containers, ContainerDoc::decode),
            _ if key == b"ephemeralContainers" => list_into(r, &mut self.ephemeral_containers, ContainerDoc::decode),
            _ => {
                unknown(key, r.offset());
                r.skip()
            }
        })
        .map(|_| ())
    }
}

impl<'a> ScDoc<'a> {
    /// Decodes a pod's context (with its `sysctls`) or a container's (`None`).
    fn decode(&mut self, r: &mut Reader<'a>, mut sysctls: Option<&mut Vec<Cow<'a, str>>>) -> Result<()> {
        let pod = sysctls.is_some();
        r.fields(|r, key| match key {
            _ if key == b"appArmorProfile" => profile_into(r, &mut self.app_armor_type),
            _ if key == b"seccompProfile" => profile_into(r, &mut self.seccomp_type),
            _ if key == b"runAsNonRoot" => {
                self.run_as_non_root = r.opt_bool()?;
                Ok(())
            }
            _ if key == b"runAsUser" => {
                self.run_as_user = r.opt_int(i64::MIN, i64::MAX, "a 64-bit integer")?;
                Ok(())
            }
            _ if key == b"seLinuxOptions" => {
                ptr_into(r, &mut self.se_linux, |r, opts| members_into(r, &["type", "user", "role"], &mut opts[..]))
            }
            _ if key == b"windowsOptions" => ptr_into(r, &mut self.windows, |r, host_process| {
                object_members(r, &["hostProcess"], &mut |r, _| {
                    *host_process = r.opt_bool()?;
                    Ok(())
                })
            }),
            _ if key == b"sysctls" && pod => match sysctls.as_deref_mut() {
                Some(list) => list_into(r, list, |r, name| member_into(r, "name", name)),
                None => r.skip(),
            },
            _ if key == b"allowPrivilegeEscalation" && !pod => {
                self.allow_privilege_escalation = r.opt_bool()?;
                Ok(())
            }
            _ if key == b"privileged" && !pod => {
                self.privileged = r.opt_bool()?;
                Ok(())
            }
            _ if key == b"procMount" && !pod => {
                if r.null()? {
                    self.proc_mount = None;
                } else {
                    self.proc_mount = r.opt_str()?;
                }
                Ok(())
            }
            _ if key == b"capabilities" && !pod => ptr_into(r, &mut self.capabilities, |r, lists| {
                // Its own reader, as `member_into`: most containers of the bench corpus set it.
                let [add, drop] = lists;
                r.fields(|r, key| match key {
                    _ if key == b"add" => StrList::decode(r, add),
                    _ if key == b"drop" => StrList::decode(r, drop),
                    _ => r.skip(),
                })
                .map(|_| ())
            }),
            _ => r.skip(),
        })
        .map(|_| ())
    }
}

/// `appArmorProfile` / `seccompProfile`: a pointer to a struct whose `type` is a plain string.
fn profile_into<'a>(r: &mut Reader<'a>, type_: &mut Option<Cow<'a, str>>) -> Result<()> {
    ptr_into(r, type_, |r, t| member_into(r, "type", t))
}

/// Reads an object, keeping only its string member `name` (decoded over `out`, as Go decodes into
/// a set struct).
fn member_into<'a>(r: &mut Reader<'a>, name: &str, out: &mut Cow<'a, str>) -> Result<()> {
    // Its own reader rather than `members_into`'s: one of the commonest small structs
    // (`seccompProfile`, a probe's `httpGet`), read without a call through a trait object per member.
    r.fields(|r, key| if key == name.as_bytes() { string_into(r, out) } else { r.skip() }).map(|_| ())
}

/// Reads an object, keeping only its string members `names[i]` (each decoded over `outs[i]`).
fn members_into<'a>(r: &mut Reader<'a>, names: &[&str], outs: &mut [Cow<'a, str>]) -> Result<()> {
    object_members(r, names, &mut |r, i| match outs.get_mut(i) {
        Some(out) => string_into(r, out),
        None => r.skip(),
    })
}

/// Reads an object, handing each member named in `names` to `member` with its index in `names`
/// and skipping the others. One non-generic reader for the small structs, to keep the code small.
#[inline(never)]
fn object_members<'a>(
    r: &mut Reader<'a>,
    names: &[&str],
    member: &mut dyn FnMut(&mut Reader<'a>, usize) -> Result<()>,
) -> Result<()> {
    r.fields(|r, key| match names.iter().position(|n| key == n.as_bytes()) {
        Some(i) => member(r, i),
        None => r.skip(),
    })
    .map(|_| ())
}

impl<'a> VolumeDoc<'a> {
    fn decode(r: &mut Reader<'a>, v: &mut Self) -> Result<()> {
        r.fields(|r, key| {
            if key == b"name" {
                return string_into(r, &mut v.name);
            }
            let Some(bit) = volume_source_bit(key) else {
                return r.skip();
            };
            if r.null()? {
                v.sources &= !bit;
                if bit == HOST_PATH {
                    v.host_path = Cow::Borrowed("");
                }
                return Ok(());
            }
            if r.peek() != Some(b'{') {
                return Err(r.type_error("an object"));
            }
            if bit == HOST_PATH {
                member_into(r, "path", &mut v.host_path)?;
            } else {
                r.skip()?;
            }
            v.sources |= bit;
            Ok(())
        })
        .map(|_| ())
    }
}

impl<'a> ContainerDoc<'a> {
    fn decode(r: &mut Reader<'a>, c: &mut Self) -> Result<()> {
        r.fields(|r, key| match key {
            _ if key == b"name" => string_into(r, &mut c.name),
            _ if key == b"image" => string_into(r, &mut c.image),
            _ if key == b"ports" => HostPorts::decode(r, &mut c.host_ports),
            _ if key == b"securityContext" => ptr_into(r, &mut c.security_context, |r, sc| sc.decode(r, None)),
            _ if key == b"livenessProbe" => handler_into(r, &mut c.hosts, 0),
            _ if key == b"readinessProbe" => handler_into(r, &mut c.hosts, 1),
            _ if key == b"startupProbe" => handler_into(r, &mut c.hosts, 2),
            _ if key == b"lifecycle" => {
                if r.null()? {
                    clear_hosts(&mut c.hosts, 3);
                    clear_hosts(&mut c.hosts, 4);
                    return Ok(());
                }
                object_members(r, &["postStart", "preStop"], &mut |r, i| handler_into(r, &mut c.hosts, 3 + i))
            }
            _ => r.skip(),
        })
        .map(|_| ())
    }
}

/// A probe or lifecycle handler (`handler` indexes [`SITES`]), a pointer to a struct: `null` clears
/// its hosts; an object decodes its `httpGet` and `tcpSocket` over them.
fn handler_into<'a>(r: &mut Reader<'a>, hosts: &mut Vec<(u8, Cow<'a, str>)>, handler: usize) -> Result<()> {
    if r.null()? {
        clear_hosts(hosts, handler);
        return Ok(());
    }
    // Its own reader rather than `object_members`, as `member_into` (1.3 probes a pod in the bench
    // corpus).
    r.fields(|r, key| {
        let i = match key {
            _ if key == b"httpGet" => 0,
            _ if key == b"tcpSocket" => 1,
            _ => return r.skip(),
        };
        let site = (2 * handler + i) as u8;
        // Taken out and put back: decoded over the host read before, as Go decodes into a set struct.
        let at = hosts.iter().position(|(s, _)| *s == site);
        let mut host = at.map_or(Cow::Borrowed(""), |at| hosts.remove(at).1);
        // `null` clears the action, and so its host.
        if !r.null()? {
            member_into(r, "host", &mut host)?;
            if !host.is_empty() {
                let at = hosts.iter().position(|(s, _)| *s > site).unwrap_or(hosts.len());
                hosts.insert(at, (site, host));
            }
        }
        Ok(())
    })
    .map(|_| ())
}

/// Forgets the hosts of a handler (`handler` indexes [`SITES`]) set to `null`.
fn clear_hosts(hosts: &mut Vec<(u8, Cow<'_, str>)>, handler: usize) {
    hosts.retain(|(site, _)| usize::from(*site) / 2 != handler);
}

// ---- the view the checks read ---------------------------------------------------------------

const SITES: [[HostSite; 2]; 5] = [
    [HostSite::LivenessHttp, HostSite::LivenessTcp],
    [HostSite::ReadinessHttp, HostSite::ReadinessTcp],
    [HostSite::StartupHttp, HostSite::StartupTcp],
    [HostSite::PostStartHttp, HostSite::PostStartTcp],
    [HostSite::PreStopHttp, HostSite::PreStopTcp],
];

impl<'a> ContainerView<'a> for &'a ContainerDoc<'_> {
    fn name(self) -> &'a str {
        &self.name
    }

    fn image(self) -> &'a str {
        &self.image
    }

    fn security_context(self) -> Option<Sc<'a>> {
        self.security_context.as_ref().map(Sc::Json)
    }

    fn cap_add(self) -> impl Iterator<Item = &'a str> + 'a {
        self.security_context
            .as_ref()
            .and_then(|sc| sc.capabilities.as_ref())
            .into_iter()
            .flat_map(|[add, _]| add.iter())
    }

    fn cap_drop(self) -> impl Iterator<Item = &'a str> + 'a {
        self.security_context
            .as_ref()
            .and_then(|sc| sc.capabilities.as_ref())
            .into_iter()
            .flat_map(|[_, drop]| drop.iter())
    }

    fn host_ports(self) -> impl Iterator<Item = i32> + 'a {
        self.host_ports.iter()
    }

    fn hosts(self) -> impl Iterator<Item = (HostSite, &'a str)> + 'a {
        self.hosts.iter().map(|(site, host)| (SITES[usize::from(*site) / 2][usize::from(*site) % 2], host.as_ref()))
    }
}

impl PodView for PodDocument<'_> {
    type Container<'b>
        = &'b ContainerDoc<'b>
    where
        Self: 'b;

    fn annotations(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        PodDocument::annotations(self)
    }

    fn annotation(&self, key: &str) -> Option<&str> {
        let a = &self.header.meta.annotations;
        a.binary_search_by(|(k, _)| k.as_ref().cmp(key)).ok().map(|i| a[i].1.as_ref())
    }

    fn host_network(&self) -> bool {
        self.spec.host_network
    }

    fn host_pid(&self) -> bool {
        self.spec.host_pid
    }

    fn host_ipc(&self) -> bool {
        self.spec.host_ipc
    }

    fn host_users(&self) -> Option<bool> {
        self.spec.host_users
    }

    fn runtime_class_name(&self) -> Option<&str> {
        self.spec.runtime_class_name.as_deref()
    }

    fn os_name(&self) -> Option<&str> {
        self.spec.os.as_deref()
    }

    fn security_context(&self) -> Option<Sc<'_>> {
        self.spec.security_context.as_ref().map(Sc::Json)
    }

    fn sysctls(&self) -> impl Iterator<Item = &str> + '_ {
        self.spec.security_context.iter().flat_map(|_| self.spec.sysctls.iter().map(|s| s.as_ref()))
    }

    fn volumes(&self) -> impl Iterator<Item = (&str, u32)> + '_ {
        self.spec.volumes.iter().map(|v| (v.name.as_ref(), v.sources))
    }

    fn host_paths(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.spec.volumes.iter().map(|v| (v.sources & HOST_PATH != 0).then_some(v.host_path.as_ref()))
    }

    fn containers(&self) -> impl Iterator<Item = (Slot, &ContainerDoc<'_>)> + '_ {
        DocSlots {
            lists: [&self.spec.init_containers, &self.spec.containers, &self.spec.ephemeral_containers],
            kind: 0,
            index: 0,
        }
    }
}

/// Init, regular, then ephemeral containers with their places, without the cost of chained iterators.
#[derive(Debug, Clone)]
pub(crate) struct DocSlots<'b, 'a> {
    lists: [&'b [ContainerDoc<'a>]; 3],
    kind: usize,
    index: usize,
}

impl<'b, 'a> Iterator for DocSlots<'b, 'a> {
    type Item = (Slot, &'b ContainerDoc<'a>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        const KINDS: [ContainerKind; 3] = [ContainerKind::Init, ContainerKind::Regular, ContainerKind::Ephemeral];
        while let Some(list) = self.lists.get(self.kind) {
            if let Some(c) = list.get(self.index) {
                let slot = Slot { kind: KINDS[self.kind], index: self.index };
                self.index += 1;
                return Some((slot, c));
            }
            self.kind += 1;
            self.index = 0;
        }
        None
    }
}

impl crate::sealed::Sealed for PodDocument<'_> {
    fn evaluate_with(&self, lv: crate::LevelVersion, ctx: &crate::checks::Ctx<'static>) -> Vec<crate::Violation> {
        crate::checks::run(lv, self, ctx)
    }
}
impl crate::PodSource for PodDocument<'_> {}

/// The identifying fields of any Kubernetes object in JSON: `apiVersion`, `kind`, and
/// `metadata.name`/`namespace`/`labels`/`annotations`. Everything else is checked for
/// well-formedness and skipped, so this reads any kind without judging its spec.
///
/// Use it to decide what an object is before decoding it further (the `pss` CLI does).
///
/// ```
/// use pss_core::ObjectHeader;
///
/// let obj = ObjectHeader::from_str(r#"{"apiVersion": "apps/v1", "kind": "Deployment",
///     "metadata": {"name": "web", "labels": {"app": "web"}}, "spec": {"replicas": 3}}"#)?;
/// assert_eq!(obj.kind(), Some("Deployment"));
/// assert_eq!(obj.name(), Some("web"));
/// assert_eq!(obj.namespace(), None);
/// assert_eq!(obj.labels().collect::<Vec<_>>(), [("app", "web")]);
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ObjectHeader<'a> {
    api_version: Option<Cow<'a, str>>,
    kind: Option<Cow<'a, str>>,
    meta: Meta<'a>,
}

impl<'a> ObjectHeader<'a> {
    /// The top-level members a header is read from: an object made of these members alone (the
    /// others left out) has the same header. See [`ObjectClass::needs_more_than_header`] for when
    /// that object also reviews as the whole.
    ///
    /// [`ObjectClass::needs_more_than_header`]: crate::ObjectClass::needs_more_than_header
    pub const MEMBERS: [&'static str; 3] = ["apiVersion", "kind", "metadata"];

    /// An empty header whose metadata, once decoded, keeps only what the checks read when
    /// `for_checks` (as [`PodDocument::from_str_for_checks`]'s), or all of it.
    pub(crate) fn decoded_for_checks(for_checks: bool) -> Self {
        let mut header = ObjectHeader::default();
        header.meta.for_checks = for_checks;
        header
    }

    /// Decodes an `ObjectMeta` value into this header's metadata.
    pub(crate) fn decode_meta(&mut self, r: &mut Reader<'a>) -> Result<()> {
        self.meta.decode(r)
    }

    /// Reads the header of an object in JSON text.
    ///
    /// # Errors
    /// Malformed JSON, a document that is not an object, or a header field of the wrong type.
    #[allow(clippy::should_implement_trait)] // borrows from the input, which `FromStr` cannot
    pub fn from_str(text: &'a str) -> core::result::Result<Self, Error> {
        let mut r = Reader::new(text);
        let mut header = ObjectHeader::default();
        header.decode(&mut r).map_err(Error::finish)?;
        Ok(header)
    }

    /// Reads the header of an object in JSON bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`ObjectHeader::from_str`], and invalid UTF-8.
    pub fn from_slice(bytes: &'a [u8]) -> core::result::Result<Self, Error> {
        ObjectHeader::from_str(utf8(bytes)?)
    }

    fn decode(&mut self, r: &mut Reader<'a>) -> Result<()> {
        self.decode_with(r, &mut |r, _, _| r.skip())
    }

    /// Decodes a whole document: the header fields here, every other top-level key through `other`
    /// (which must consume its value), given the header as read so far. (`dyn`: one copy of the
    /// loop serves every caller; it runs once per top-level key.)
    pub(crate) fn decode_with(
        &mut self,
        r: &mut Reader<'a>,
        other: &mut dyn FnMut(&mut Reader<'a>, &str, &ObjectHeader<'a>) -> Result<()>,
    ) -> Result<()> {
        if r.peek() != Some(b'{') {
            return Err(r.not_an_object());
        }
        r.object(
            |r, key| match key.as_ref() {
                "apiVersion" => opt_string_into(r, &mut self.api_version),
                "kind" => opt_string_into(r, &mut self.kind),
                "metadata" => self.meta.decode(r),
                _ => other(r, &key, self),
            },
            PathStyle::Field,
        )?;
        r.end()
    }

    /// `apiVersion`, if present.
    pub fn api_version(&self) -> Option<&str> {
        self.api_version.as_deref()
    }

    /// `kind`, if present.
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_deref()
    }

    /// What pss does with the object ([`ObjectClass`](crate::ObjectClass)), by its `apiVersion`
    /// and `kind`.
    pub fn class(&self) -> crate::ObjectClass<'_> {
        crate::ObjectClass::of(self.api_version(), self.kind())
    }

    /// `metadata.name`, if present.
    pub fn name(&self) -> Option<&str> {
        self.meta.name.as_deref()
    }

    /// `metadata.generateName`, if present: the prefix the API server names the object from when
    /// it has no `name`.
    ///
    /// ```
    /// use pss_core::ObjectHeader;
    ///
    /// let obj = ObjectHeader::from_str(r#"{"kind": "Pod", "metadata": {"generateName": "web-"}}"#)?;
    /// assert_eq!((obj.name(), obj.generate_name()), (None, Some("web-")));
    /// # Ok::<(), pss_core::Error>(())
    /// ```
    pub fn generate_name(&self) -> Option<&str> {
        self.meta.generate_name.as_deref()
    }

    /// `metadata.namespace`, if present.
    pub fn namespace(&self) -> Option<&str> {
        self.meta.namespace.as_deref()
    }

    /// `metadata.labels`, sorted by key.
    pub fn labels(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.meta.labels.iter().map(|(k, v)| (k.as_ref(), v.as_ref()))
    }

    /// `metadata.annotations`, sorted by key.
    pub fn annotations(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.meta.annotations.iter().map(|(k, v)| (k.as_ref(), v.as_ref()))
    }
}

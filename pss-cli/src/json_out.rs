//! The records of `--format json` and `--format jsonl`, written straight into a byte buffer: no
//! serde, no intermediate values, strings copied whole when they hold nothing JSON escapes. The
//! bytes are exactly what `serde_json` writes for the same record (compact, fields in declaration
//! order, strings escaped as `serde_json` escapes them); `tests` below prove it against
//! `serde_json` itself.

use std::collections::BTreeMap;
use std::io::{self, Write};

use pss_core::admission::Policy;
use pss_core::{FieldValueRef, Level, LevelVersion, Version, Violation};
use pss_manifest::json_string_stop;

/// One checked object in JSON output.
#[derive(Debug)]
pub(crate) struct Record<'a> {
    pub(crate) source: &'a str,
    pub(crate) document: usize,
    /// Left out when `None`.
    pub(crate) item: Option<usize>,
    /// Left out when `None`.
    pub(crate) line: Option<usize>,
    pub(crate) kind: &'a str,
    pub(crate) name: Option<&'a str>,
    pub(crate) namespace: Option<&'a str>,
    pub(crate) level: Level,
    pub(crate) version: Version,
    /// Both `allowed` and `enforce.allowed`.
    pub(crate) allowed: bool,
    pub(crate) violations: &'a [Violation],
    /// Finds each violating field's line and column (left out without it).
    pub(crate) locator: Option<pss_manifest::Locator<'a>>,
    pub(crate) policy: Policy,
    /// `enforce.message`.
    pub(crate) message: Option<&'a str>,
    pub(crate) warnings: &'a [String],
    pub(crate) audit_annotations: &'a BTreeMap<String, String>,
    pub(crate) exempt: Option<&'static str>,
}

/// Appends `record` as one JSON object (no line end).
pub(crate) fn write_record(out: &mut Vec<u8>, r: &Record<'_>) -> io::Result<()> {
    out.extend_from_slice(b"{\"source\":");
    string(out, r.source);
    out.extend_from_slice(b",\"document\":");
    unsigned(out, r.document as u64);
    if let Some(item) = r.item {
        out.extend_from_slice(b",\"item\":");
        unsigned(out, item as u64);
    }
    if let Some(line) = r.line {
        out.extend_from_slice(b",\"line\":");
        unsigned(out, line as u64);
    }
    out.extend_from_slice(b",\"kind\":");
    string(out, r.kind);
    out.extend_from_slice(b",\"name\":");
    optional(out, r.name);
    out.extend_from_slice(b",\"namespace\":");
    optional(out, r.namespace);
    out.extend_from_slice(b",\"level\":");
    string(out, r.level.as_str());
    out.extend_from_slice(b",\"version\":");
    // A version is `latest` or `v1.N`: nothing to escape.
    write!(out, "\"{}\"", r.version)?;
    out.extend_from_slice(b",\"allowed\":");
    boolean(out, r.allowed);
    out.extend_from_slice(b",\"violations\":[");
    for (i, v) in r.violations.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"check\":");
        string(out, v.check().as_str());
        out.extend_from_slice(b",\"reason\":");
        string(out, v.reason());
        out.extend_from_slice(b",\"detail\":");
        rendered(out, |w| v.detail().render(w));
        out.extend_from_slice(b",\"fields\":[");
        for (j, field) in v.fields().iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"path\":");
            let path_at = out.len() + 1;
            let escaped = rendered(out, |w| field.path().render(w));
            let path_end = out.len() - 1;
            out.extend_from_slice(b",\"value\":");
            value(out, field.value());
            if let Some(container) = field.container() {
                out.extend_from_slice(b",\"container\":");
                string(out, container);
            }
            if let Some(locator) = r.locator {
                // The path as written just above, unless it had to be escaped there.
                let place = match (escaped, std::str::from_utf8(&out[path_at..path_end])) {
                    (false, Ok(path)) => locator.locate(path).position,
                    _ => locator.locate(&field.path().to_string()).position,
                };
                out.extend_from_slice(b",\"line\":");
                unsigned(out, place.line as u64);
                out.extend_from_slice(b",\"column\":");
                unsigned(out, place.column as u64);
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"],\"policy\":{\"enforce\":");
    level_version(out, r.policy.enforce)?;
    out.extend_from_slice(b",\"audit\":");
    level_version(out, r.policy.audit)?;
    out.extend_from_slice(b",\"warn\":");
    level_version(out, r.policy.warn)?;
    out.extend_from_slice(b"},\"enforce\":{\"allowed\":");
    boolean(out, r.allowed);
    out.extend_from_slice(b",\"message\":");
    // The audit annotation that repeats the denial's detail takes its escaped text from here.
    let shared = match r.message {
        Some(message) => message_sharing_tail(out, message, r.audit_annotations.values()),
        None => {
            out.extend_from_slice(b"null");
            None
        }
    };
    out.extend_from_slice(b"},\"warnings\":[");
    for (i, warning) in r.warnings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, warning);
    }
    out.extend_from_slice(b"],\"audit_annotations\":{");
    for (i, (key, text)) in r.audit_annotations.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, key);
        out.push(b':');
        match &shared {
            Some(tail) if text.as_bytes().ends_with(tail.raw) => {
                out.push(b'"');
                escape_bytes(out, &text.as_bytes()[..text.len() - tail.raw.len()]);
                out.extend_from_within(tail.escaped.clone());
                out.push(b'"');
            }
            _ => string(out, text),
        }
    }
    out.extend_from_slice(b"},\"exempt\":");
    optional(out, r.exempt);
    out.push(b'}');
    Ok(())
}

/// The end of a message that another text of the record ends with too, as written in the record.
struct SharedTail<'a> {
    raw: &'a [u8],
    /// Where it is escaped in the record.
    escaped: std::ops::Range<usize>,
}

/// The shortest end shared worth writing once: below it, comparing costs what escaping does.
const SHARED_TAIL: usize = 64;

/// Writes `message` as a JSON string and, when one of `others` ends with the same (long) text,
/// where that end's escaped bytes are: escaping is byte by byte, so they are that text's escaped
/// end too. (A denial and the audit annotation both end with the same detail of the violations.)
fn message_sharing_tail<'a>(
    out: &mut Vec<u8>,
    message: &'a str,
    others: impl Iterator<Item = &'a String>,
) -> Option<SharedTail<'a>> {
    let bytes = message.as_bytes();
    let shared = others.map(|other| common_suffix(bytes, other.as_bytes())).max().unwrap_or(0);
    if shared < SHARED_TAIL {
        string(out, message);
        return None;
    }
    let (head, tail) = bytes.split_at(bytes.len() - shared);
    out.push(b'"');
    escape_bytes(out, head);
    let from = out.len();
    escape_bytes(out, tail);
    let escaped = from..out.len();
    out.push(b'"');
    Some(SharedTail { raw: tail, escaped })
}

/// How many bytes `a` and `b` end with alike (compared eight at a time while they can be).
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut k = 0;
    while k + 8 <= n && a[n - k - 8..n - k] == b[n - k - 8..n - k] {
        k += 8;
    }
    while k < n && a[n - k - 1] == b[n - k - 1] {
        k += 1;
    }
    k
}

/// `"level:version"`: a level's name, a colon and a version, nothing to escape.
fn level_version(out: &mut Vec<u8>, lv: LevelVersion) -> io::Result<()> {
    write!(out, "\"{lv}\"")
}

fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

fn optional(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// A violating field's value, as pss-core serializes [`FieldValue`].
fn value(out: &mut Vec<u8>, v: FieldValueRef<'_>) {
    match v {
        FieldValueRef::Unset => out.extend_from_slice(b"null"),
        FieldValueRef::Bool(b) => boolean(out, b),
        FieldValueRef::Int(i) => {
            if i < 0 {
                out.push(b'-');
            }
            unsigned(out, i.unsigned_abs());
        }
        FieldValueRef::String(s) => string(out, s),
        FieldValueRef::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                string(out, item);
            }
            out.push(b']');
        }
        FieldValueRef::Object => out.extend_from_slice(b"{}"),
    }
}

/// Appends bytes as a fmt::Write, for texts pss-core renders piece by piece.
struct Bytes<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Bytes<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// A JSON string of a text pss-core renders: written straight into `out`, then escaped in place
/// if it holds a byte JSON escapes (rare: a name or value from the pod). Returns whether it had to
/// be escaped.
fn rendered(out: &mut Vec<u8>, render: impl FnOnce(&mut Bytes<'_>) -> std::fmt::Result) -> bool {
    out.push(b'"');
    let start = out.len();
    // Writing into a Vec cannot fail.
    let _ = render(&mut Bytes(out));
    if json_string_stop(&out[start..], 0) == out.len() - start {
        out.push(b'"');
        return false;
    }
    let raw = out.split_off(start);
    out.pop();
    // The rendered text is UTF-8: it was written as `&str`s (pss-core's texts and the pod's strings).
    string_bytes(out, &raw);
    true
}

/// A number in decimal.
fn unsigned(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    out.extend_from_slice(pss_core::decimal_digits(n, &mut digits).as_bytes());
}

/// A JSON string as `serde_json` writes it: `"` and `\` escaped with a backslash, the control
/// characters `\b \t \n \f \r` by name and the others as `\u00XX` (lower-case hex); everything
/// else (non-ASCII and DEL included) as it is. Runs without any of them are copied whole.
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    string_bytes(out, s.as_bytes());
}

/// [`string`] of UTF-8 `bytes` (only ASCII bytes are escaped, so the output is UTF-8 when they
/// are).
fn string_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    escape_bytes(out, bytes);
    out.push(b'"');
}

/// The inside of [`string_bytes`], without quotes. Each byte is escaped on its own (runs without
/// one to escape are copied whole), so a text's escaped parts join into its escaped whole.
fn escape_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    loop {
        let i = json_string_stop(bytes, start);
        out.extend_from_slice(&bytes[start..i]);
        let Some(&b) = bytes.get(i) else { break };
        let named = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            b'\t' => b't',
            b'\n' => b'n',
            0x0c => b'f',
            b'\r' => b'r',
            _ => b'u',
        };
        if named == b'u' {
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
        } else {
            out.extend_from_slice(&[b'\\', named]);
        }
        start = i + 1;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn ours(s: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        // Every character up to U+0100 alone, between text, and at the edges of a 32-byte block.
        for c in (0u32..0x100).filter_map(char::from_u32).chain(['\u{2028}', '\u{fffd}', '\u{1f600}']) {
            for s in [
                c.to_string(),
                format!("ab{c}cd"),
                format!("{}{c}", "x".repeat(31)),
                format!("{}{c}{c}", "w".repeat(7)),
                format!("{}{c}-{c}", "v".repeat(8)),
                format!("{}{c}", "u".repeat(15)),
                format!("{}{c}{}", "y".repeat(32), "z".repeat(40)),
                format!("{c}{c}\"{c}\\"),
            ] {
                assert_eq!(ours(&s), serde_json::to_string(&s).unwrap(), "{s:?}");
            }
        }
        // Longer texts from a small generator, mostly plain with a few specials.
        let alphabet: Vec<char> = "abcXYZ019 -_.:/é€😀\"\\\n\t\r\u{0}\u{1f}\u{7f}\u{8}\u{c}".chars().collect();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..3000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 90) as usize;
            let s: String = (0..len)
                .map(|i| {
                    let pick = (state.rotate_left(i as u32 * 5) % 97) as usize;
                    if pick < 80 {
                        alphabet[pick % 6]
                    } else {
                        alphabet[pick % alphabet.len()]
                    }
                })
                .collect();
            assert_eq!(ours(&s), serde_json::to_string(&s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn numbers_and_values_are_written_as_serde_json_writes_them() {
        for n in [0u64, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            unsigned(&mut out, n);
            assert_eq!(out, serde_json::to_vec(&n).unwrap());
        }
        // Every kind of value, from pods that violate with them (FieldValueRef borrows from an
        // evaluation): unset, booleans, integers (negative too), strings needing escapes, lists
        // (empty and not), objects.
        let pod = r#"{"spec":{"hostNetwork":true,"securityContext":{"runAsUser":0,"seccompProfile":{"type":"a\"b\u0001"}},
            "volumes":[{"name":"h","hostPath":{"path":"/"}}],
            "containers":[{"name":"a","securityContext":{"privileged":true,"allowPrivilegeEscalation":true,
                "capabilities":{"drop":["NET_RAW","x\\y"],"add":["SYS_ADMIN"]}},
                "ports":[{"containerPort":1,"hostPort":-1},{"containerPort":2,"hostPort":-2147483648},{"containerPort":3,"hostPort":2147483647}]},
              {"name":"b","securityContext":{"capabilities":{"drop":[]}}}]}}"#;
        let mut kinds = std::collections::BTreeSet::new();
        for lv in ["restricted:latest", "baseline:latest"] {
            let result = pss_core::evaluate_json(lv.parse().unwrap(), pod.as_bytes()).unwrap();
            for v in result.iter() {
                for field in v.fields() {
                    let mut out = Vec::new();
                    value(&mut out, field.value());
                    let want = serde_json::to_string(&field.value()).unwrap();
                    assert_eq!(String::from_utf8(out).unwrap(), want, "{field:?}");
                    kinds.insert(want);
                }
            }
        }
        for want in
            ["null", "true", "0", "-1", "-2147483648", "2147483647", r#""a\"b\u0001""#, r#"["NET_RAW","x\\y"]"#, "{}"]
        {
            assert!(kinds.contains(want), "{want} not met: {kinds:?}");
        }
    }

    #[test]
    fn levels_and_versions_need_no_escaping() {
        for level in [Level::Privileged, Level::Baseline, Level::Restricted] {
            for minor in 0..64 {
                for version in [Version::LATEST, Version::v1(minor)] {
                    let lv = LevelVersion::new(level, version);
                    let mut out = Vec::new();
                    level_version(&mut out, lv).unwrap();
                    assert_eq!(out, serde_json::to_vec(&lv).unwrap());
                    out.clear();
                    write!(out, "\"{version}\"").unwrap();
                    assert_eq!(out, serde_json::to_vec(&version).unwrap());
                }
            }
        }
    }

    /// The records as `serde_json` writes them, with the serde structures that wrote them before
    /// [`write_record`]: the reference every record written in a test is compared with (see
    /// [`assert_written_as_serde_json`]).
    mod reference {
        use super::*;
        use serde::Serialize;

        #[derive(Serialize)]
        struct PolicyRecord {
            enforce: LevelVersion,
            audit: LevelVersion,
            warn: LevelVersion,
        }

        #[derive(Serialize)]
        struct EnforceRecord<'a> {
            allowed: bool,
            message: Option<&'a str>,
        }

        struct ViolationRecord<'a> {
            violation: &'a Violation,
            locator: Option<pss_manifest::Locator<'a>>,
        }

        #[derive(Serialize)]
        struct FieldRecord<'a> {
            path: String,
            value: pss_core::FieldValueRef<'a>,
            #[serde(skip_serializing_if = "Option::is_none")]
            container: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            line: Option<usize>,
            #[serde(skip_serializing_if = "Option::is_none")]
            column: Option<usize>,
        }

        impl Serialize for ViolationRecord<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                let v = self.violation;
                let fields: Vec<FieldRecord<'_>> = v
                    .fields()
                    .iter()
                    .map(|field| {
                        let path = field.path().to_string();
                        let place = self.locator.map(|l| l.locate(&path).position);
                        FieldRecord {
                            path,
                            value: field.value(),
                            container: field.container(),
                            line: place.map(|p| p.line),
                            column: place.map(|p| p.column),
                        }
                    })
                    .collect();
                let mut record = s.serialize_struct("Violation", 4)?;
                record.serialize_field("check", &v.check())?;
                record.serialize_field("reason", v.reason())?;
                record.serialize_field("detail", &v.detail().to_string())?;
                record.serialize_field("fields", &fields)?;
                record.end()
            }
        }

        #[derive(Serialize)]
        struct SerdeRecord<'a> {
            source: &'a str,
            document: usize,
            #[serde(skip_serializing_if = "Option::is_none")]
            item: Option<usize>,
            #[serde(skip_serializing_if = "Option::is_none")]
            line: Option<usize>,
            kind: &'a str,
            name: Option<&'a str>,
            namespace: Option<&'a str>,
            level: Level,
            version: Version,
            allowed: bool,
            violations: Vec<ViolationRecord<'a>>,
            policy: PolicyRecord,
            enforce: EnforceRecord<'a>,
            warnings: &'a [String],
            audit_annotations: &'a BTreeMap<String, String>,
            exempt: Option<&'static str>,
        }

        pub(crate) fn serialize(r: &Record<'_>) -> Vec<u8> {
            let record = SerdeRecord {
                source: r.source,
                document: r.document,
                item: r.item,
                line: r.line,
                kind: r.kind,
                name: r.name,
                namespace: r.namespace,
                level: r.level,
                version: r.version,
                allowed: r.allowed,
                violations: r
                    .violations
                    .iter()
                    .map(|violation| ViolationRecord { violation, locator: r.locator })
                    .collect(),
                policy: PolicyRecord { enforce: r.policy.enforce, audit: r.policy.audit, warn: r.policy.warn },
                enforce: EnforceRecord { allowed: r.allowed, message: r.message },
                warnings: r.warnings,
                audit_annotations: r.audit_annotations,
                exempt: r.exempt,
            };
            serde_json::to_vec(&record).unwrap()
        }
    }

    thread_local! {
        /// How many records were compared on this thread.
        static COMPARED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// Fails when `written` (what [`write_record`] wrote for `record`) is not byte for byte what
    /// `serde_json` writes for it. Called on every record a test writes through the report.
    pub(crate) fn assert_written_as_serde_json(record: &Record<'_>, written: &[u8]) {
        let expected = reference::serialize(record);
        assert!(
            written == expected.as_slice(),
            "written:\n{}\nserde_json:\n{}",
            String::from_utf8_lossy(written),
            String::from_utf8_lossy(&expected)
        );
        COMPARED.with(|n| n.set(n.get() + 1));
    }

    /// A message whose end other texts of the record share (a denial and its audit annotation) is
    /// written as `serde_json` writes it, wherever the shared end starts: before, on or after a
    /// byte to escape, inside a multi-byte character, the whole text or none of it.
    #[test]
    fn texts_sharing_the_message_end_are_written_as_serde_json_writes_them() {
        let detail: String = "x\"y\\z\u{1}\n\u{7f}é😀 ".repeat(12);
        let heads = ["", "p", "\"", "pods \"é\" is forbidden: ", "\u{1f}", "😀", "é"];
        let mut cases = 0;
        for cut in [0, 1, 2, 7, 8, 9, 15, 16, 40, 63, 64, 65, 100, detail.len()] {
            let mut tail = &detail.as_bytes()[detail.len() - cut..];
            // Start the shared end inside a character too, as a text may.
            if cut > 1 && std::str::from_utf8(tail).is_err() {
                tail = &tail[1..];
            }
            for message_head in heads {
                for other_head in heads {
                    let message = [message_head.as_bytes(), tail].concat();
                    let other = [other_head.as_bytes(), tail].concat();
                    let (Ok(message), Ok(other)) = (String::from_utf8(message), String::from_utf8(other)) else {
                        continue;
                    };
                    let annotations: BTreeMap<String, String> = [
                        ("a".to_owned(), "short".to_owned()),
                        ("b".to_owned(), other),
                        ("c".to_owned(), message.clone()),
                        ("d".to_owned(), format!("{message}!")),
                    ]
                    .into();
                    let lv = LevelVersion::new(Level::Restricted, Version::LATEST);
                    let record = Record {
                        source: "s",
                        document: 0,
                        item: None,
                        line: None,
                        kind: "Pod",
                        name: None,
                        namespace: None,
                        level: Level::Restricted,
                        version: Version::LATEST,
                        allowed: false,
                        violations: &[],
                        locator: None,
                        policy: Policy { enforce: lv, audit: lv, warn: lv },
                        message: Some(&message),
                        warnings: &[],
                        audit_annotations: &annotations,
                        exempt: None,
                    };
                    let mut written = Vec::new();
                    write_record(&mut written, &record).unwrap();
                    assert_written_as_serde_json(&record, &written);
                    cases += 1;
                }
            }
        }
        assert!(cases > 500, "{cases}");
    }

    /// Objects of every kind of record, with names, namespaces, container names, annotations and
    /// labels holding every character JSON escapes, spread over several lines (positions).
    fn hostile_input() -> Vec<u8> {
        let mut out = String::new();
        let odd: String = (0u8..0x20).map(char::from).chain("\"\\\u{7f}é😀\u{2028}".chars()).collect();
        let odd_json = serde_json::to_string(&odd).unwrap();
        for (i, namespace) in ["team-a", "exempt-ns", "labelled", "odd\"ns"].iter().enumerate() {
            let ns = serde_json::to_string(namespace).unwrap();
            out += &format!(
                r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":{odd_json},"namespace":{ns},"annotations":{{"container.apparmor.security.beta.kubernetes.io/c{i}":"unconfined"}}}},
"spec":{{"hostNetwork":true,"hostPID":true,"runtimeClassName":{rc},"securityContext":{{"sysctls":[{{"name":"kernel.x","value":"1"}}],"seLinuxOptions":{{"type":{odd_json}}}}},
  "containers":[{{"name":{odd_json},"image":"x","securityContext":{{"privileged":true,"capabilities":{{"add":["NET_ADMIN",{odd_json}]}},"runAsUser":0,"procMount":"Unmasked"}},
  "ports":[{{"hostPort":-8080}}]}}],"volumes":[{{"name":"h","hostPath":{{"path":"/"}}}}]}}}}
"#,
                rc = if i == 0 { "\"kata\"" } else { "null" },
            );
            out += &format!(
                r#"{{"apiVersion":"apps/v1","kind":"Deployment","metadata":{{"name":"d{i}","namespace":{ns}}},"spec":{{"template":{{"spec":{{"containers":[{{"name":"c","image":"x"}}]}}}}}}}}
"#
            );
        }
        out += r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"in-list"},"spec":{"containers":[{"name":"c","image":"x","securityContext":{"allowPrivilegeEscalation":true}}]}},{"apiVersion":"v1","kind":"ConfigMap"}]}
"#;
        out += r#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bad","labels":{"pod-security.kubernetes.io/enforce":"bogus\u0001","pod-security.kubernetes.io/warn":"restricted"}}}
{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"exempt-ns","labels":{"pod-security.kubernetes.io/enforce":"restricted"}}}
"#;
        out.into_bytes()
    }

    /// YAML documents: their fields are found through the YAML node tree, not the JSON text.
    const YAML: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"yaml\\tpod\"\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext:\n      privileged: true\n---\nkind: List\napiVersion: v1\nitems:\n- kind: Pod\n  apiVersion: v1\n  metadata: {name: \"\\x01\"}\n  spec:\n    hostIPC: true\n    containers: [{name: c, image: x}]\n";

    /// Runs `pss check` (as `main` does, with an admission configuration that makes warnings,
    /// audit annotations and exemptions) over the input in `format`; every record goes through
    /// [`assert_written_as_serde_json`]. Returns the output and how many records were compared.
    fn check(input: &[u8], format: crate::cli::Format) -> (Vec<u8>, usize) {
        use pss_core::admission::{Admission, AdmissionConfig, Exemptions};

        let restricted = LevelVersion::new(Level::Restricted, Version::LATEST);
        let policy = Policy {
            enforce: LevelVersion::new(Level::Baseline, Version::v1(25)),
            audit: restricted,
            warn: restricted,
        };
        let exemptions = Exemptions {
            usernames: vec![],
            namespaces: vec!["exempt-ns".to_owned()],
            runtime_classes: vec!["kata".to_owned()],
        };
        let admission = Admission::new(AdmissionConfig::new(policy, exemptions).unwrap());
        let mut namespaces =
            crate::namespaces::Namespaces::new(admission, pss_core::admission::DEFAULT_NAMESPACE.to_owned());
        let labels = vec![
            ("pod-security.kubernetes.io/enforce".to_owned(), "restricted".to_owned()),
            ("pod-security.kubernetes.io/warn".to_owned(), "baseline".to_owned()),
        ];
        namespaces.set("labelled".to_owned(), labels);
        let styles = (crate::report::Styles::new(false), crate::report::Styles::new(false));
        let (out, err) = (Shared::default(), Shared::default());
        let report = crate::report::Report::new(out.clone(), err.clone(), format, false, styles, policy);
        let mut checker = crate::check::Checker::new(&namespaces, "", report);
        let before = COMPARED.with(std::cell::Cell::get);
        checker.begin().unwrap();
        let name = crate::input::SourceName { id: "in\"put\u{1}.json".to_owned(), shown: "input".to_owned() };
        crate::documents::read_bytes(&name, input, &mut checker).unwrap().unwrap();
        let summary = checker.finish().unwrap();
        assert_eq!(summary.errors, 0, "{}", String::from_utf8_lossy(&err.0.borrow()));
        let out = out.0.borrow().clone();
        (out, COMPARED.with(std::cell::Cell::get) - before)
    }

    /// Output kept where the test can read it after the checker is gone (also `check`'s tests').
    #[derive(Debug, Default, Clone)]
    pub(crate) struct Shared(pub(crate) std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn records_are_written_as_serde_json_writes_them() {
        for format in [crate::cli::Format::Jsonl, crate::cli::Format::Json] {
            let (out, compared) = check(&hostile_input(), format);
            assert_eq!(compared, 11);
            assert_eq!(check(YAML.as_bytes(), format).1, 2);
            let text = String::from_utf8(out).unwrap();
            for expected in [
                "\"warnings\":[\"",
                "\"exempt\":\"namespace\"",
                "\"exempt\":\"runtimeClass\"",
                "\"audit_annotations\":{\"",
            ] {
                assert!(text.contains(expected), "{expected} in\n{text}");
            }
        }
        match pss_testgen::shared::shared_dir().map(|d| d.join("bench-corpus/pods.jsonl")).filter(|p| p.is_file()) {
            Some(path) => {
                let pods = std::fs::read(path).unwrap();
                let (_, compared) = check(&pods, crate::cli::Format::Jsonl);
                assert_eq!(compared, pods.iter().filter(|&&b| b == b'\n').count());
            }
            None => pss_testgen::shared::missing("bench-corpus/pods.jsonl"),
        }
    }
}

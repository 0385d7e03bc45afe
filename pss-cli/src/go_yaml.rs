//! Plain scalars as Kubernetes reads them.
//!
//! kubectl and the API server turn YAML into JSON with sigs.k8s.io/yaml, which reads YAML with
//! go-yaml v2 into untyped values and then makes every mapping key a string. go-yaml v2 resolves a
//! plain (unquoted, untagged) scalar by its own rules, which are not YAML 1.1's nor serde-saphyr's:
//! - booleans and nulls only in the spellings of its table: `y`, `Y`, `yes`, `Yes`, `YES`, `on`,
//!   `On`, `ON`, `true`, `True`, `TRUE` and their false counterparts; `~`, `null`, `Null`, `NULL`
//!   and the empty scalar. Other spellings (`tRuE`, `yEs`) are strings;
//! - a scalar starting with a digit or a sign has every `_` removed, then is read as Go's
//!   `strconv.ParseInt(s, 0, 64)` reads it (`0x`, `0X`, `0o`, `0O`, `0b`, `0B` prefixes, a leading
//!   `0` for octal), then as an unsigned integer, then, if it has the form of a decimal float, as a
//!   float, which must be in range (`1e400` is the string `"1e400"`);
//! - a scalar starting with `.` is a float if Go's `strconv.ParseFloat` reads it (`.5`);
//! - anything else is a string (a timestamp too: decoding into an untyped value keeps its text).
//!
//! sigs.k8s.io/yaml then writes a key that is not a string in its text form: `true`/`false`, an
//! integer in decimal, a float as Go's `strconv.FormatFloat(f, 'g', -1, 32)` writes it (`.inf`,
//! `-.inf`, `.nan` for the non-finite ones); a null key or one that only fits an unsigned 64-bit
//! integer is an error.
//!
//! [`as_kubernetes_reads`] applies these rules by rewriting the document's text before serde-saphyr
//! reads it: each single-line plain scalar whose meaning would differ is replaced by a spelling
//! both read alike (`0X1F` by `31`, `tRuE` by `"tRuE"`, the key `yes` by `"true"`). Scalars that
//! already agree are left alone, so a typical manifest is not copied at all. Line numbers never
//! change; a rewritten scalar may move what follows it on its line by a few columns.

use std::borrow::Cow;
use std::fmt;

use serde_saphyr::granit_parser::{Event, Options, Parser, ScalarStyle};

/// A mapping key that sigs.k8s.io/yaml cannot turn into a JSON key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    /// The key as written.
    pub key: String,
    /// What go-yaml v2 resolves it to.
    pub kind: KeyKind,
    /// 1-based line of the key in the document.
    pub line: usize,
    /// 1-based column (in characters) of the key.
    pub column: usize,
}

/// What a key that cannot be a JSON key resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `~`, `null`, an empty key.
    Null,
    /// An integer from 2^63 to 2^64 - 1 (go-yaml's `uint64`).
    Unsigned,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            KeyKind::Null => "null",
            KeyKind::Unsigned => "an unsigned 64-bit integer",
        };
        write!(
            f,
            "the mapping key `{}` at line {}, column {} is {kind}, which Kubernetes cannot make a JSON key of",
            self.key, self.line, self.column
        )
    }
}

impl std::error::Error for KeyError {}

/// A plain scalar's value as go-yaml v2 resolves it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Unsigned(u64),
    Float(f64),
    Str,
}

/// go-yaml v2's `resolve` for a plain, untagged scalar.
fn resolve(text: &str) -> Resolved {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => Resolved::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => Resolved::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ => match text.as_bytes()[0] {
            b'.' => go_float(text).map_or(Resolved::Str, Resolved::Float),
            b'+' | b'-' | b'0'..=b'9' => number(&text.replace('_', "")),
            _ => Resolved::Str,
        },
    }
}

/// A scalar starting with a sign or a digit, its underscores removed.
fn number(plain: &str) -> Resolved {
    if let Some(value) = go_parse_int(plain) {
        return Resolved::Int(value);
    }
    if let Some(value) = go_parse_uint(plain, 0) {
        return Resolved::Unsigned(value);
    }
    if yaml_style_float(plain) {
        if let Some(value) = go_float(plain) {
            return Resolved::Float(value);
        }
    }
    // go-yaml v2 reads `0b` and `-0b` prefixes itself too, with Go's sign handling after them.
    if let Some(digits) = plain.strip_prefix("0b") {
        if let Some(value) = go_parse_int_base(digits, 2) {
            return Resolved::Int(value);
        }
    } else if let Some(digits) = plain.strip_prefix("-0b") {
        if let Some(value) = go_parse_int_base(&format!("-{digits}"), 2) {
            return Resolved::Int(value);
        }
    }
    Resolved::Str
}

/// Go's `strconv.ParseFloat(s, 64)` for the decimal forms go-yaml hands it: `None` where Go
/// reports an error, overflow included (Go's underflow is 0 without an error, as Rust's).
fn go_float(text: &str) -> Option<f64> {
    // Rust reads `inf`, `nan` and `infinity`, which Go reads too, but go-yaml never passes them
    // here: its callers only pass text starting with `.` or in the form `yaml_style_float` checks.
    let value: f64 = text.parse().ok()?;
    value.is_finite().then_some(value)
}

/// go-yaml v2's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn yaml_style_float(text: &str) -> bool {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let s = text.strip_prefix(['+', '-']).unwrap_or(text);
    let rest = if let Some(fraction) = s.strip_prefix('.') {
        let n = digits(fraction);
        if n == 0 {
            return false;
        }
        &fraction[n..]
    } else {
        let n = digits(s);
        if n == 0 {
            return false;
        }
        match s[n..].strip_prefix('.') {
            Some(fraction) => &fraction[digits(fraction)..],
            None => &s[n..],
        }
    };
    match rest.strip_prefix(['e', 'E']) {
        None => rest.is_empty(),
        Some(exponent) => {
            let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            !exponent.is_empty() && digits(exponent) == exponent.len()
        }
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` (without underscores, which go-yaml has removed).
fn go_parse_int(text: &str) -> Option<i64> {
    go_parse_int_base(text, 0)
}

/// Go's `strconv.ParseInt(s, base, 64)`: an optional sign, then `ParseUint`, then the range check.
fn go_parse_int_base(text: &str, base: u32) -> Option<i64> {
    let (negative, magnitude) = match text.as_bytes().first()? {
        b'+' => (false, &text[1..]),
        b'-' => (true, &text[1..]),
        _ => (false, text),
    };
    let magnitude = go_parse_uint(magnitude, base)?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseUint(s, base, 64)` for base 0 (with prefixes) or an explicit base.
fn go_parse_uint(text: &str, base: u32) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let (base, digits) = if base != 0 {
        (base, text)
    } else if let Some(after_zero) = text.strip_prefix('0') {
        // A prefix needs a digit after it; otherwise the leading `0` means octal (`0` alone is 0).
        let prefixed = after_zero.len() >= 2;
        match after_zero.as_bytes().first().map(u8::to_ascii_lowercase) {
            Some(b'b') if prefixed => (2, &after_zero[1..]),
            Some(b'o') if prefixed => (8, &after_zero[1..]),
            Some(b'x') if prefixed => (16, &after_zero[1..]),
            _ => (8, after_zero),
        }
    } else {
        (10, text)
    };
    let mut value = 0u64;
    for c in digits.chars() {
        let digit = c.to_digit(base)?;
        value = value.checked_mul(u64::from(base))?.checked_add(u64::from(digit))?;
    }
    Some(value)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`, as sigs.k8s.io/yaml writes a float key, with its
/// names for the non-finite values.
fn go_float_key(value: f64) -> String {
    if value.is_nan() {
        return ".nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    #[allow(clippy::cast_possible_truncation)] // Go rounds to float32 too.
    let single = value as f32;
    if single.is_infinite() {
        // Beyond float32's range: Go writes `+Inf`, which sigs.k8s.io/yaml renames too.
        return if single > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    let sign = if single.is_sign_negative() { "-" } else { "" };
    if single == 0.0 {
        return format!("{sign}0");
    }
    // Rust's `{:e}` writes the shortest digits that read back as the same f32, as Go does.
    let scientific = format!("{:e}", single.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    // Shortest 'g' uses the exponent form below 1e-4 and from 1e6 (Go's precision 6 for the test).
    if !(-4..6).contains(&exponent) {
        let (first, rest) = digits.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}{point}{rest}e{exp_sign}{:02}", exponent.unsigned_abs());
    }
    let point = exponent + 1; // digits before the decimal point
    if point <= 0 {
        let zeros = "0".repeat(point.unsigned_abs() as usize);
        format!("{sign}0.{zeros}{digits}")
    } else if point as usize >= digits.len() {
        format!("{sign}{digits}{}", "0".repeat(point as usize - digits.len()))
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        format!("{sign}{whole}.{fraction}")
    }
}

/// `text` in double quotes, as YAML reads it back.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether serde-saphyr might read a plain scalar that go-yaml v2 reads as a string as something
/// else (its booleans ignore case; its numbers take other spellings). Quoting a scalar this does
/// not need to catch is harmless: it reads the same.
fn may_not_be_string(text: &str) -> bool {
    const WORDS: [&str; 12] = ["true", "false", "yes", "no", "y", "n", "on", "off", "null", "nan", "inf", "infinity"];
    match text.as_bytes()[0] {
        b'+' | b'-' | b'.' | b'~' | b'0'..=b'9' => true,
        _ => text.len() <= 8 && WORDS.iter().any(|word| text.eq_ignore_ascii_case(word)),
    }
}

/// Whether an integer is written `[+-]?(0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+|[0-9]+)`, which serde-saphyr
/// (with legacy octal on) reads as go-yaml v2 does.
fn read_alike_as_integer(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (digits, radix) = match unsigned.get(..2) {
        Some("0x") => (&unsigned[2..], 16),
        Some("0o") => (&unsigned[2..], 8),
        Some("0b") => (&unsigned[2..], 2),
        _ => (unsigned, 10),
    };
    !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix))
}

/// What replaces a plain value scalar, if it needs replacing.
fn value_spelling(text: &str) -> Option<String> {
    let spelling = match resolve(text) {
        // serde-saphyr reads go-yaml's spellings of these alike; `.inf` and `.nan` are errors in both.
        Resolved::Null | Resolved::Bool(_) => return None,
        Resolved::Float(value) if !value.is_finite() => return None,
        // Integers in the spellings serde-saphyr reads alike are left as they are (`0644`, `0x1F`).
        Resolved::Int(_) | Resolved::Unsigned(_) if read_alike_as_integer(text) => return None,
        Resolved::Int(value) => value.to_string(),
        Resolved::Unsigned(value) => value.to_string(),
        // `{:?}` writes the shortest digits with a `.0` or an exponent, which reads back as a float.
        Resolved::Float(value) => format!("{value:?}"),
        Resolved::Str if may_not_be_string(text) => quoted(text),
        Resolved::Str => return None,
    };
    (spelling != text).then_some(spelling)
}

/// What replaces a plain key scalar, if it needs replacing.
fn key_spelling(text: &str) -> Result<Option<String>, KeyKind> {
    let key = match resolve(text) {
        Resolved::Str => return Ok(None),
        Resolved::Null => return Err(KeyKind::Null),
        Resolved::Unsigned(_) => return Err(KeyKind::Unsigned),
        Resolved::Bool(value) => value.to_string(),
        Resolved::Int(value) => value.to_string(),
        Resolved::Float(value) => go_float_key(value),
    };
    Ok((key != text).then(|| quoted(&key)))
}

/// Where the parser is: in a sequence, or in a mapping waiting for a key or a value.
enum Frame {
    Sequence,
    Mapping { key_next: bool },
}

/// The document's text with every single-line plain scalar spelled so that serde-saphyr reads it as
/// Kubernetes does (see the [module documentation](self)); borrowed when nothing changes.
///
/// Text the parser rejects is returned as it is: serde-saphyr, reading it next, reports the error.
///
/// # Errors
/// A mapping key that sigs.k8s.io/yaml cannot make a JSON key of (null, or beyond int64).
pub fn as_kubernetes_reads<'a>(text: &'a str, options: &serde_saphyr::Options) -> Result<Cow<'a, str>, KeyError> {
    let mut parser_options = Options::default();
    parser_options.strict_indentation = options.strict_indentation;
    parser_options.bom_inside_document_as_content = options.bom_inside_document_as_content;
    let parser = Parser::new_from_str_with_options(text, parser_options);
    let mut stack: Vec<Frame> = Vec::new();
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for event in parser {
        let Ok((event, span)) = event else {
            return Ok(Cow::Borrowed(text));
        };
        let is_key = matches!(stack.last(), Some(Frame::Mapping { key_next: true }));
        match event {
            Event::SequenceStart(..) => stack.push(Frame::Sequence),
            Event::MappingStart(..) => stack.push(Frame::Mapping { key_next: true }),
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
            }
            Event::Scalar(ref value, ScalarStyle::Plain, _, None) => {
                let spelling = if is_key {
                    key_spelling(value).map_err(|kind| KeyError {
                        key: value.to_string(),
                        kind,
                        line: span.start.line(),
                        column: span.start.col() + 1,
                    })?
                } else if value.is_empty() {
                    None
                } else {
                    value_spelling(value)
                };
                // Only a single-line scalar whose span is exactly its text is rewritten (a multi-line
                // plain scalar holds a space once folded, so both read it as a string).
                let single_line = span.start.line() == span.end.line();
                if let (Some(spelling), Some(start), Some(end), true) =
                    (spelling, span.start.byte_offset(), span.end.byte_offset(), single_line)
                {
                    if text.get(start..end) == Some(value.as_ref()) {
                        edits.push((start, end, spelling));
                    }
                }
            }
            _ => {}
        }
        // A node ended: the mapping it is in now waits for the other half of the entry.
        let node_ended = matches!(event, Event::Scalar(..) | Event::Alias(_) | Event::SequenceEnd | Event::MappingEnd);
        if node_ended {
            if let Some(Frame::Mapping { key_next }) = stack.last_mut() {
                *key_next = !*key_next;
            }
        }
    }
    if edits.is_empty() {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len() + 2 * edits.len());
    let mut copied = 0;
    for (start, end, spelling) in edits {
        out.push_str(&text[copied..start]);
        out.push_str(&spelling);
        copied = end;
    }
    out.push_str(&text[copied..]);
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> serde_saphyr::Options {
        crate::documents::yaml_options()
    }

    fn rewritten(text: &str) -> String {
        as_kubernetes_reads(text, &options()).unwrap_or_else(|e| panic!("{text:?}: {e}")).into_owned()
    }

    #[test]
    fn resolves_plain_scalars_as_go_yaml_v2() {
        use Resolved::{Bool, Float, Int, Null, Str, Unsigned};
        let cases = [
            ("yes", Bool(true)),
            ("Y", Bool(true)),
            ("ON", Bool(true)),
            ("n", Bool(false)),
            ("Off", Bool(false)),
            ("tRuE", Str),
            ("yEs", Str),
            ("oN", Str),
            ("", Null),
            ("~", Null),
            ("NULL", Null),
            ("nULL", Str),
            ("0755", Int(493)),
            ("08", Float(8.0)),
            ("0x1F", Int(31)),
            ("0X1F", Int(31)),
            ("0O17", Int(15)),
            ("0o17", Int(15)),
            ("0B101", Int(5)),
            ("-0B1", Int(-1)),
            ("+0x1F", Int(31)),
            ("0x_1F", Int(31)),
            ("1__0", Int(10)),
            ("1_", Int(1)),
            ("_1", Str),
            ("0x", Str),
            ("0o", Str),
            ("0b2", Str),
            ("0b-1", Int(-1)),
            ("0b+1", Int(1)),
            ("-0b-1", Str),
            ("0", Int(0)),
            ("00", Int(0)),
            ("-0", Int(0)),
            ("+", Str),
            ("9223372036854775807", Int(i64::MAX)),
            ("-9223372036854775808", Int(i64::MIN)),
            ("9223372036854775808", Unsigned(1 << 63)),
            ("0xFFFFFFFFFFFFFFFF", Unsigned(u64::MAX)),
            ("0x10000000000000000", Str),
            ("-0x8000000000000001", Str),
            ("18446744073709551616", Float(18_446_744_073_709_551_616.0)),
            (".5", Float(0.5)),
            ("-.5", Float(-0.5)),
            ("5.", Float(5.0)),
            ("1E3", Float(1000.0)),
            ("1_e3", Float(1000.0)),
            ("0.5_0", Float(0.5)),
            (".5_0", Str),
            ("1e-400", Float(0.0)),
            ("1e400", Str),
            ("-1e400", Str),
            ("1.5e", Str),
            (".e3", Str),
            (".", Str),
            ("0.0.0", Str),
            ("0x1F.5", Str),
            ("e3", Str),
            ("NaN", Str),
            ("inf", Str),
            (".Nan", Str),
            ("2001-12-14", Str),
            ("<<", Str),
        ];
        for (text, want) in cases {
            assert_eq!(resolve(text), want, "{text:?}");
        }
        assert!(matches!(resolve(".NaN"), Float(f) if f.is_nan()));
        assert_eq!(resolve("+.INF"), Float(f64::INFINITY));
        assert_eq!(resolve("-.Inf"), Float(f64::NEG_INFINITY));
    }

    #[test]
    fn float_keys_are_written_as_go_formats_float32() {
        // strconv.FormatFloat(f, 'g', -1, 32), as sigs.k8s.io/yaml writes a float key.
        let cases = [
            (1.5, "1.5"),
            (1000.0, "1000"),
            (100_000.0, "100000"),
            (1e6, "1e+06"),
            (123_456_789.0, "1.2345679e+08"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5e-7, "-2.5e-07"),
            (0.0, "0"),
            (-0.0, "-0"),
            (1e39, ".inf"),
            (f64::INFINITY, ".inf"),
            (f64::NEG_INFINITY, "-.inf"),
            (f64::NAN, ".nan"),
        ];
        for (value, want) in cases {
            assert_eq!(go_float_key(value), want, "{value:e}");
        }
    }

    #[test]
    fn only_scalars_read_otherwise_are_rewritten() {
        let plain =
            "kind: Pod\nspec:\n  hostNetwork: yes\n  ports: [{hostPort: 8080}, 0755]\n  name: web-1\n  q: \"0X1F\"\n";
        assert!(matches!(as_kubernetes_reads(plain, &options()), Ok(Cow::Borrowed(_))), "nothing to change");
        assert_eq!(rewritten("a: tRuE\nb: 0X1F # hex\nc: 1__0\n"), "a: \"tRuE\"\nb: 31 # hex\nc: 10\n");
        assert_eq!(rewritten("{a: 0X1F, b: [yEs, 1_e3, 1e400]}\n"), "{a: 31, b: [\"yEs\", 1000.0, \"1e400\"]}\n");
        // Anchored scalars are rewritten where they are defined, so their aliases follow.
        assert_eq!(rewritten("a: &x 0B11\nb: *x\n"), "a: &x 3\nb: *x\n");
        // Keys: as sigs.k8s.io/yaml writes them.
        assert_eq!(
            rewritten("yes: 1\n0x1F: 2\n1e6: 3\n? 1.50\n: 4\n"),
            "\"true\": 1\n\"31\": 2\n\"1e+06\": 3\n? \"1.5\"\n: 4\n"
        );
        assert_eq!(rewritten("- {tRuE: off, <<: {}}\n"), "- {tRuE: off, <<: {}}\n");
        // Quoted, tagged, block and multi-line scalars are left to the reader.
        let untouched = "a: '0X1F'\nb: !!str yEs\nc: |\n  0X1F\nd: 0X1F\n  tail\n";
        assert_eq!(rewritten(untouched), untouched);
        // A string that might be read otherwise is quoted, with what YAML must escape.
        assert_eq!(rewritten("a: +x\"y\\z\n"), "a: \"+x\\\"y\\\\z\"\n");
        // Text the parser rejects is handed on as it is.
        assert!(matches!(as_kubernetes_reads("a: [0X1F\n", &options()), Ok(Cow::Borrowed(_))));
    }

    #[test]
    fn keys_kubernetes_cannot_convert_are_errors_with_their_place() {
        let error = as_kubernetes_reads("a: 1\nb:\n  ~: x\n", &options()).unwrap_err();
        assert_eq!(error, KeyError { key: "~".into(), kind: KeyKind::Null, line: 3, column: 3 });
        assert_eq!(
            error.to_string(),
            "the mapping key `~` at line 3, column 3 is null, which Kubernetes cannot make a JSON key of"
        );
        let error = as_kubernetes_reads("{a: 1, 9223372036854775808: 2}", &options()).unwrap_err();
        assert_eq!((error.kind, error.line, error.column), (KeyKind::Unsigned, 1, 8));
        assert!(as_kubernetes_reads("? \n: 1\n", &options()).is_err(), "an empty key is null");
    }
}

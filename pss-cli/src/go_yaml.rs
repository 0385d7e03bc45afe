//! Plain and tagged scalars as Kubernetes reads them.
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
//! - a scalar starting with `.` is a float if Go's `strconv.ParseFloat` reads it (`.5`, and `.5_0`: Go
//!   takes underscores between digits);
//! - anything else is a string (a timestamp too: decoding into an untyped value keeps its text).
//!
//! sigs.k8s.io/yaml then writes a key that is not a string in its text form: `true`/`false`, an
//! integer in decimal, a float as Go's `strconv.FormatFloat(f, 'g', -1, 32)` writes it (`.inf`,
//! `-.inf`, `.nan` for the non-finite ones); a null key or one that only fits an unsigned 64-bit
//! integer is an error.
//!
//! A scalar with an explicit tag is decoded as go-yaml v2 decodes it into an untyped value
//! (`decode_tagged`): `!!bool`, `!!int`, `!!float`, `!!null` and `!!timestamp` resolve the text
//! as if it were plain and refuse a result of another type (`!!bool fAlSe` is an error, `!!float
//! 017` is 15.0); `!!str`, local tags (`!foo`), the non-specific `!` and the other core tags keep the
//! text as a string; `!!binary` is base64-decoded. A tag on a mapping or a sequence changes nothing.
//!
//! [`as_kubernetes_reads`] applies these rules by rewriting the document's text before serde-saphyr
//! reads it: each single-line plain scalar whose meaning would differ is replaced by a spelling
//! both read alike (`0X1F` by `31`, `tRuE` by `"tRuE"`, the key `yes` by `"true"`), and each
//! single-line tagged scalar, its tag removed, by the spelling of what go-yaml v2 decodes
//! (`!!int "0X50"` by `80`, `!foo 123` by `"123"`). Scalars that already agree are left alone, so a
//! typical manifest is not copied at all. Line numbers never change; a rewritten scalar may move
//! what follows it on its line by a few columns. Tagged block scalars and tagged scalars over
//! several lines keep serde-saphyr's reading (their errors are reported all the same).

use std::borrow::Cow;
use std::fmt;

use serde_saphyr::granit_parser::{Event, Options, Parser, ScalarStyle, StructureStyle, Tag};

/// A scalar that sigs.k8s.io/yaml refuses: a mapping key it cannot turn into a JSON key, or a
/// tagged scalar that go-yaml v2 cannot decode as its tag asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalarError {
    /// The scalar's value (its escapes read).
    pub text: String,
    /// What is wrong with it.
    pub kind: ScalarProblem,
    /// 1-based line of the scalar in the document.
    pub line: usize,
    /// 1-based column (in characters) of the scalar.
    pub column: usize,
}

/// Why sigs.k8s.io/yaml refuses a scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarProblem {
    /// A mapping key that is null: `~`, `null`, an empty key.
    NullKey,
    /// A mapping key that is an integer from 2^63 to 2^64 - 1 (go-yaml's `uint64`).
    UnsignedKey,
    /// A scalar whose core tag asks for a type it does not resolve to, as `!!bool fAlSe` (a string to
    /// go-yaml v2) or `!!int 1.5`: go-yaml v2's "cannot decode !!str `fAlSe` as a !!bool".
    Mismatch {
        /// What the scalar resolves to (`!!str`, `!!int`, ...).
        resolved: &'static str,
        /// What its tag asks for.
        tag: &'static str,
    },
    /// A `!!binary` scalar that is not standard base64.
    Base64,
    /// A `\u` or `\U` escape (the error's text) in a double-quoted scalar that is not a Unicode scalar
    /// value: a surrogate, which go-yaml v2's scanner refuses where serde-saphyr pairs them as JSON does.
    InvalidEscape,
    /// A tag (the error's text) followed by something other than a blank, as `{a: !x}` or `!x: 1`,
    /// which go-yaml v2's scanner refuses (a `,` may follow it in a flow collection).
    TagNotSeparated,
}

impl fmt::Display for ScalarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, column) = (self.line, self.column);
        let key = match self.kind {
            ScalarProblem::NullKey => "null",
            ScalarProblem::UnsignedKey => "an unsigned 64-bit integer",
            ScalarProblem::Mismatch { resolved, tag } => {
                return write!(
                    f,
                    "cannot decode {resolved} `{}` as a {tag}: the scalar at line {line}, column {column} is a \
                     {resolved} to Kubernetes, not the {tag} its tag asks for",
                    self.text
                )
            }
            ScalarProblem::Base64 => {
                return write!(f, "the !!binary scalar at line {line}, column {column} is not valid base64")
            }
            ScalarProblem::InvalidEscape => {
                return write!(
                    f,
                    "found invalid Unicode character escape code `{}` in the double-quoted scalar at line {line}, \
                     column {column}",
                    self.text
                )
            }
            ScalarProblem::TagNotSeparated => {
                return write!(
                    f,
                    "did not find expected whitespace or line break after the tag `{}` at line {line}, column {column}",
                    self.text
                )
            }
        };
        write!(
            f,
            "the mapping key `{}` at line {line}, column {column} is {key}, which Kubernetes cannot make a JSON key of",
            self.text
        )
    }
}

impl std::error::Error for ScalarError {}

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
    // Go takes underscores between digits (`.5_0`), as in its float literals.
    let value: f64 = if text.contains('_') {
        if !go_underscores_ok(text) {
            return None;
        }
        text.replace('_', "").parse().ok()?
    } else {
        text.parse().ok()?
    };
    value.is_finite().then_some(value)
}

/// Go's `strconv.underscoreOK`: every `_` is between two digits (a base prefix counts as one).
fn go_underscores_ok(text: &str) -> bool {
    let text = text.strip_prefix(['+', '-']).unwrap_or(text).as_bytes();
    let (mut rest, mut last, hex) = match text {
        [b'0', prefix, rest @ ..] if matches!(prefix.to_ascii_lowercase(), b'b' | b'o' | b'x') => {
            (rest, b'0', prefix.eq_ignore_ascii_case(&b'x'))
        }
        _ => (text, b'^', false),
    };
    while let Some((&c, after)) = rest.split_first() {
        rest = after;
        last = if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            b'0'
        } else if c == b'_' {
            if last != b'0' {
                return false;
            }
            b'_'
        } else if last == b'_' {
            return false;
        } else {
            b'!'
        };
    }
    last != b'_'
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

/// `text` in double quotes, as YAML reads it back: line breaks, control characters, the BOM and
/// other characters YAML does not take as printable are escaped.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            ' '..='~'
            | '\u{a0}'..='\u{2027}'
            | '\u{202a}'..='\u{d7ff}'
            | '\u{e000}'..='\u{fefe}'
            | '\u{ff00}'..='\u{fffd}'
            | '\u{10000}'.. => out.push(c),
            // The rest (C0 and C1 controls, DEL, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF) are in the BMP.
            c => out.push_str(&format!("\\u{:04X}", u32::from(c))),
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
fn key_spelling(text: &str) -> Result<Option<String>, ScalarProblem> {
    let key = match resolve(text) {
        Resolved::Str => return Ok(None),
        Resolved::Null => return Err(ScalarProblem::NullKey),
        Resolved::Unsigned(_) => return Err(ScalarProblem::UnsignedKey),
        Resolved::Bool(value) => value.to_string(),
        Resolved::Int(value) => value.to_string(),
        Resolved::Float(value) => go_float_key(value),
    };
    Ok((key != text).then(|| quoted(&key)))
}

/// The prefix of the YAML core tags (`!!str` is `tag:yaml.org,2002:str`).
const CORE_TAG: &str = "tag:yaml.org,2002:";

/// A tagged scalar's value as go-yaml v2 decodes it into an untyped value.
#[derive(Debug, Clone, PartialEq)]
enum Decoded<'a> {
    /// A null, a boolean or a number (never [`Resolved::Str`]).
    Value(Resolved),
    /// A string.
    Text(Cow<'a, str>),
}

/// A resolved value's core tag, in go-yaml v2's short form.
fn tag_of(resolved: Resolved) -> &'static str {
    match resolved {
        Resolved::Null => "!!null",
        Resolved::Bool(_) => "!!bool",
        Resolved::Int(_) | Resolved::Unsigned(_) => "!!int",
        Resolved::Float(_) => "!!float",
        Resolved::Str => "!!str",
    }
}

/// go-yaml v2's decoding of a scalar with an explicit tag (`tag` in its long form, as
/// `tag:yaml.org,2002:int` or `!foo`) into an untyped value:
/// - `!!str` and every tag that is not one of its resolvable core tags (a local `!foo`, the
///   non-specific `!`, `!!seq`, `!!merge`...) keep the scalar's text, whatever it looks like;
/// - `!!binary` is the base64-decoded bytes;
/// - `!!bool`, `!!int`, `!!float`, `!!null` and `!!timestamp` resolve the text as a plain scalar is
///   resolved, and the result must be of the tag's type, except that `!!float` takes a signed
///   integer as a float; a `!!timestamp` (a text Go's `time.Parse` reads in one of go-yaml's
///   layouts) keeps its text.
fn decode_tagged<'a>(tag: &str, value: &'a str) -> Result<Decoded<'a>, ScalarProblem> {
    let wanted = match tag.strip_prefix(CORE_TAG) {
        Some("bool") => "!!bool",
        Some("int") => "!!int",
        Some("float") => "!!float",
        Some("null") => "!!null",
        Some("timestamp") => "!!timestamp",
        Some("binary") => {
            let bytes = go_base64(value).ok_or(ScalarProblem::Base64)?;
            return Ok(Decoded::Text(Cow::Owned(go_json_text(&bytes))));
        }
        _ => return Ok(Decoded::Text(Cow::Borrowed(value))),
    };
    if wanted == "!!timestamp" && go_timestamp(value) {
        return Ok(Decoded::Text(Cow::Borrowed(value)));
    }
    let resolved = resolve(value);
    match (resolved, wanted) {
        (resolved, wanted) if tag_of(resolved) == wanted => Ok(Decoded::Value(resolved)),
        #[allow(clippy::cast_precision_loss)] // Go's float64(v) rounds alike.
        (Resolved::Int(integer), "!!float") => Ok(Decoded::Value(Resolved::Float(integer as f64))),
        (resolved, tag) => Err(ScalarProblem::Mismatch { resolved: tag_of(resolved), tag }),
    }
}

/// What replaces a tagged value scalar (and its tag): a spelling serde-saphyr reads, untagged, as
/// go-yaml v2 decodes the scalar.
fn tagged_value_spelling(decoded: &Decoded<'_>) -> String {
    match decoded {
        Decoded::Text(text) => quoted(text),
        Decoded::Value(Resolved::Null) => "null".to_owned(),
        Decoded::Value(Resolved::Bool(value)) => value.to_string(),
        Decoded::Value(Resolved::Int(value)) => value.to_string(),
        Decoded::Value(Resolved::Unsigned(value)) => value.to_string(),
        // Not JSON values: serde-saphyr refuses them as sigs.k8s.io/yaml does.
        Decoded::Value(Resolved::Float(value)) if value.is_nan() => ".nan".to_owned(),
        Decoded::Value(Resolved::Float(value)) if value.is_infinite() => {
            if *value > 0.0 { ".inf" } else { "-.inf" }.to_owned()
        }
        Decoded::Value(Resolved::Float(value)) => format!("{value:?}"),
        Decoded::Value(Resolved::Str) => quoted(""),
    }
}

/// What replaces a tagged key scalar (and its tag): the JSON key sigs.k8s.io/yaml makes of it, quoted.
fn tagged_key_spelling(decoded: &Decoded<'_>) -> Result<String, ScalarProblem> {
    let key = match decoded {
        Decoded::Text(text) => return Ok(quoted(text)),
        Decoded::Value(Resolved::Null) => return Err(ScalarProblem::NullKey),
        Decoded::Value(Resolved::Unsigned(_)) => return Err(ScalarProblem::UnsignedKey),
        Decoded::Value(Resolved::Bool(value)) => value.to_string(),
        Decoded::Value(Resolved::Int(value)) => value.to_string(),
        Decoded::Value(Resolved::Float(value)) => go_float_key(*value),
        Decoded::Value(Resolved::Str) => String::new(),
    };
    Ok(quoted(&key))
}

/// Go's `base64.StdEncoding.DecodeString`: the standard alphabet with `=` padding to a multiple of
/// four symbols; line breaks are skipped, anything else outside the alphabet is an error.
fn go_base64(text: &str) -> Option<Vec<u8>> {
    fn sextet(symbol: u8) -> Option<u32> {
        let value = match symbol {
            b'A'..=b'Z' => symbol - b'A',
            b'a'..=b'z' => symbol - b'a' + 26,
            b'0'..=b'9' => symbol - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        Some(u32::from(value))
    }
    let symbols: Vec<u8> = text.bytes().filter(|&b| b != b'\n' && b != b'\r').collect();
    if symbols.len() % 4 != 0 {
        return None;
    }
    let quads = symbols.len() / 4;
    let mut out = Vec::with_capacity(quads * 3);
    for (index, quad) in symbols.chunks(4).enumerate() {
        let padding = quad.iter().rev().take_while(|&&b| b == b'=').count();
        // Padding only ends the text, and a quad holds at least two symbols.
        if padding > 2 || (padding > 0 && index + 1 != quads) {
            return None;
        }
        let mut bits = 0u32;
        for &symbol in &quad[..4 - padding] {
            bits = bits << 6 | sextet(symbol)?;
        }
        bits <<= 6 * padding;
        out.extend_from_slice(&bits.to_be_bytes()[1..4 - padding]);
    }
    Some(out)
}

/// Bytes as Go's `encoding/json` writes them in a string: each byte that does not start a valid
/// UTF-8 sequence becomes U+FFFD.
fn go_json_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(error) => {
                let (valid, invalid) = rest.split_at(error.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{fffd}');
                rest = &invalid[1..];
            }
        }
    }
}

/// go-yaml v2's `parseTimestamp`: whether Go's `time.Parse` reads `text` with one of the layouts
/// `2006-1-2T15:4:5.999999999Z07:00`, the same with a lower-case `t`, `2006-1-2 15:4:5.999999999` and
/// `2006-1-2`.
fn go_timestamp(text: &str) -> bool {
    /// Go's `getnum(s, false)`: one or two digits.
    fn number(rest: &mut &[u8]) -> Option<u32> {
        let digits = rest.iter().take(2).take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let value = rest[..digits].iter().fold(0, |n, &d| n * 10 + u32::from(d - b'0'));
        *rest = &rest[digits..];
        Some(value)
    }
    fn literal(rest: &mut &[u8], byte: u8) -> Option<()> {
        let (&first, after) = rest.split_first()?;
        (first == byte).then(|| *rest = after)
    }
    fn parse(text: &[u8]) -> Option<()> {
        let (year, mut rest) = (text.get(..4)?, text.get(4..)?);
        if !year.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let year = year.iter().fold(0, |n, &d| n * 10 + u32::from(d - b'0'));
        literal(&mut rest, b'-')?;
        let month = number(&mut rest).filter(|m| (1..=12).contains(m))?;
        literal(&mut rest, b'-')?;
        let day = number(&mut rest).filter(|d| (1..=31).contains(d))?;
        if let Some((&separator, after)) = rest.split_first() {
            rest = after;
            number(&mut rest).filter(|&hour| hour < 24)?;
            literal(&mut rest, b':')?;
            number(&mut rest).filter(|&minute| minute < 60)?;
            literal(&mut rest, b':')?;
            number(&mut rest).filter(|&second| second < 60)?;
            // `.999999999`: a fraction of any number of digits, if there is one.
            if rest.len() >= 2 && matches!(rest[0], b'.' | b',') && rest[1].is_ascii_digit() {
                let digits = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
                rest = &rest[1 + digits..];
            }
            match separator {
                b' ' => {}
                b'T' | b't' => {
                    // `Z07:00`: `Z`, or a sign, two digits, a colon and two digits.
                    if literal(&mut rest, b'Z').is_none() {
                        let zone = rest.get(..6)?;
                        let digits = [zone[1], zone[2], zone[4], zone[5]];
                        if !matches!(zone[0], b'+' | b'-') || zone[3] != b':' || !digits.iter().all(u8::is_ascii_digit)
                        {
                            return None;
                        }
                        let hours = u32::from(zone[1] - b'0') * 10 + u32::from(zone[2] - b'0');
                        let minutes = u32::from(zone[4] - b'0') * 10 + u32::from(zone[5] - b'0');
                        if hours > 24 || minutes > 60 {
                            return None;
                        }
                        rest = &rest[6..];
                    }
                }
                _ => return None,
            }
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (rest.is_empty() && day <= days).then_some(())
    }
    parse(text.as_bytes()).is_some()
}

/// Where a node's tag is written, as a byte range: the last token in `text[from..to]` (after the
/// previous event, before the node's content) that spells the tag (`%` escapes read), outside
/// comments. `Ok(None)` when it cannot be told.
///
/// # Errors
/// The tag is followed by something other than a blank, or a `,` in a flow collection (`{a: !x}`,
/// `!x: 1`): go-yaml v2's scanner refuses it ("did not find expected whitespace or line break").
/// The error holds where the tag starts.
fn tag_place(text: &str, from: usize, to: usize, tag: &Tag, in_flow: bool) -> Result<Option<(usize, usize)>, usize> {
    let Some(region) = text.get(from..to) else { return Ok(None) };
    let wanted = if tag.handle().is_empty() {
        // The non-specific `!`, or a verbatim tag.
        vec![format!("!<{}>", tag.suffix()), tag.suffix().to_owned()]
    } else {
        vec![format!("{}{}", tag.original_handle(), tag.suffix())]
    };
    for (start, _) in region.match_indices('!').rev() {
        let end = region[start..].find(char::is_whitespace).map_or(region.len(), |length| start + length);
        let token = &region[start..end];
        let before = region[..start].chars().next_back();
        let line = &region[region[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1)..start];
        let on_its_own = before.is_none_or(|c| c.is_whitespace() || matches!(c, '-' | '?' | ':' | ',' | '[' | '{'))
            && !line.contains('#');
        if !on_its_own {
            continue;
        }
        let spelled =
            if wanted.iter().any(|spelling| token == spelling || percent_decoded(token).as_ref() == Some(spelling)) {
                token.len()
            } else if let Some(spelling) = wanted.iter().find(|spelling| token.starts_with(spelling.as_str())) {
                // The parser ended the tag before a character go-yaml v2 does not take there.
                spelling.len()
            } else {
                continue;
            };
        let tag_end = from + start + spelled;
        return match text[tag_end..].chars().next() {
            None => Ok(Some((from + start, tag_end))),
            Some(c) if c.is_whitespace() || (c == ',' && in_flow) => Ok(Some((from + start, tag_end))),
            Some(_) => Err(from + start),
        };
    }
    Ok(None)
}

/// The first `\u` or `\U` escape in a double-quoted scalar's source that go-yaml v2 refuses: a
/// surrogate (`\ud83d`), or beyond U+10FFFF.
fn invalid_escape(source: &str) -> Option<&str> {
    let mut rest = source;
    while let Some(at) = rest.find('\\') {
        let escape = &rest[at..];
        let digits = match escape.as_bytes().get(1) {
            Some(b'u') => 4,
            Some(b'U') => 8,
            // Any other escape is one character after the backslash (`\\` among them).
            Some(_) => {
                rest = &escape[1 + escape[1..].chars().next().map_or(0, char::len_utf8)..];
                continue;
            }
            None => return None,
        };
        let code = escape.get(2..2 + digits).and_then(|hex| u32::from_str_radix(hex, 16).ok());
        if let Some(code) = code {
            if (0xd800..=0xdfff).contains(&code) || code > 0x10_ffff {
                return Some(&escape[..2 + digits]);
            }
        }
        rest = &escape[2..];
    }
    None
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// A tag's `%XX` escapes read, if there are any and they make UTF-8.
fn percent_decoded(token: &str) -> Option<String> {
    if !token.contains('%') {
        return None;
    }
    let mut bytes = Vec::with_capacity(token.len());
    let mut rest = token.as_bytes();
    while let Some((&byte, after)) = rest.split_first() {
        if byte == b'%' {
            let hex = std::str::from_utf8(after.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &after[2..];
        } else {
            bytes.push(byte);
            rest = after;
        }
    }
    String::from_utf8(bytes).ok()
}

/// One replacement: the bytes `start..end` of the text by a spelling.
type Edit = (usize, usize, String);

/// Adds an edit after the others, unless it would overlap them (it never should: each one is in
/// the text after the previous event).
fn push_edit(edits: &mut Vec<Edit>, edit: Edit) -> bool {
    let after_the_others = edits.last().is_none_or(|last| last.1 <= edit.0) && edit.0 <= edit.1;
    if after_the_others {
        edits.push(edit);
    }
    after_the_others
}

/// As many spaces as `text` has characters: a tag removed without moving what follows it.
fn blank(text: &str) -> String {
    " ".repeat(text.chars().count())
}

/// Where the parser is: in a sequence, or in a mapping waiting for a key or a value.
enum Frame {
    Sequence,
    Mapping { key_next: bool },
}

/// The document's text with every single-line plain or tagged scalar spelled so that serde-saphyr
/// reads it as Kubernetes does (see the [module documentation](self)); borrowed when nothing changes.
///
/// Text the parser rejects is returned as it is: serde-saphyr, reading it next, reports the error.
///
/// # Errors
/// A mapping key that sigs.k8s.io/yaml cannot make a JSON key of (null, or beyond int64), or a
/// tagged scalar go-yaml v2 cannot decode as its tag asks (`!!bool fAlSe`, `!!binary` that is not
/// base64).
pub fn as_kubernetes_reads<'a>(text: &'a str, options: &serde_saphyr::Options) -> Result<Cow<'a, str>, ScalarError> {
    let mut parser_options = Options::default();
    parser_options.strict_indentation = options.strict_indentation;
    parser_options.bom_inside_document_as_content = options.bom_inside_document_as_content;
    let parser = Parser::new_from_str_with_options(text, parser_options);
    let mut stack: Vec<Frame> = Vec::new();
    // Whether each collection on the stack is a flow collection.
    let mut flows: Vec<bool> = Vec::new();
    let mut edits: Vec<Edit> = Vec::new();
    // Where the previous event ended: a node's tag is written between there and the node.
    let mut previous_end = 0;
    for event in parser {
        let Ok((event, span)) = event else {
            return Ok(Cow::Borrowed(text));
        };
        let is_key = matches!(stack.last(), Some(Frame::Mapping { key_next: true }));
        let error = |kind, value: &str| ScalarError {
            text: value.to_owned(),
            kind,
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        let (start, end) = (span.start.byte_offset(), span.end.byte_offset());
        let single_line = span.start.line() == span.end.line();
        let in_flow = flows.last() == Some(&true);
        let place = |tag: &Tag, start: usize| {
            tag_place(text, previous_end, start, tag, in_flow).map_err(|tag_start| {
                let (line, column) = line_column(text, tag_start);
                let spelling = text[tag_start..].split(|c: char| c.is_whitespace() || ",:]}".contains(c)).next();
                let text = spelling.unwrap_or_default().to_owned();
                ScalarError { text, kind: ScalarProblem::TagNotSeparated, line, column }
            })
        };
        if let (Event::Scalar(_, ScalarStyle::DoubleQuoted, _, _), Some(start), Some(end)) = (&event, start, end) {
            if let Some(escape) = text.get(start..end).and_then(invalid_escape) {
                return Err(error(ScalarProblem::InvalidEscape, escape));
            }
        }
        match event {
            Event::SequenceStart(ref style, _, ref tag) | Event::MappingStart(ref style, _, ref tag) => {
                // go-yaml v2 reads a collection alike whatever its tag; serde-saphyr refuses some.
                if let (Some(tag), Some(start)) = (tag, start) {
                    if let Some((tag_start, tag_end)) = place(tag, start)? {
                        push_edit(&mut edits, (tag_start, tag_end, blank(&text[tag_start..tag_end])));
                    }
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Sequence
                } else {
                    Frame::Mapping { key_next: true }
                });
                flows.push(matches!(style, StructureStyle::Flow));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                flows.pop();
            }
            Event::Scalar(ref value, ScalarStyle::Plain, _, None) => {
                let spelling = if is_key {
                    key_spelling(value).map_err(|kind| error(kind, value))?
                } else if value.is_empty() {
                    None
                } else {
                    value_spelling(value)
                };
                // Only a single-line scalar whose span is exactly its text is rewritten (a multi-line
                // plain scalar holds a space once folded, so both read it as a string).
                if let (Some(spelling), Some(start), Some(end), true) = (spelling, start, end, single_line) {
                    if text.get(start..end) == Some(value.as_ref()) {
                        push_edit(&mut edits, (start, end, spelling));
                    }
                }
            }
            Event::Scalar(ref value, style, _, Some(ref tag)) => {
                let long_tag = format!("{}{}", tag.handle(), tag.suffix());
                let decoded = decode_tagged(&long_tag, value).map_err(|kind| error(kind, value))?;
                let spelling = if is_key {
                    tagged_key_spelling(&decoded).map_err(|kind| error(kind, value))?
                } else {
                    tagged_value_spelling(&decoded)
                };
                // The tag (with the blanks after it) and the scalar are replaced by the spelling, for
                // single-line flow scalars (a block scalar's header stands between the tag and the
                // text). An anchor between them stays. What follows on the line moves left: a key
                // keeps the column its mapping's other keys have.
                let flow = matches!(style, ScalarStyle::Plain | ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
                let located = match start {
                    Some(start) => place(tag, start)?,
                    None => None,
                };
                if let (Some((tag_start, tag_end)), Some(start), Some(end), true, true) =
                    (located, start, end, single_line, flow)
                {
                    let gap = text[tag_end..start].find(|c| c != ' ' && c != '\t').map_or(start, |i| tag_end + i);
                    let between = &text[gap..start];
                    let space = if between.is_empty() || between.ends_with(char::is_whitespace) { "" } else { " " };
                    push_edit(&mut edits, (tag_start, end, format!("{between}{space}{spelling}")));
                }
            }
            _ => {}
        }
        // A node ended: the mapping it is in now waits for the other half of the entry. Only these
        // events count for where a tag can be: a comment's comes before the node it follows on its
        // line (`a: !x # c`), and an implicit document's start may be the first node's tag.
        let node_ended = matches!(event, Event::Scalar(..) | Event::Alias(_) | Event::SequenceEnd | Event::MappingEnd);
        if let (Some(end), true) = (end, node_ended) {
            previous_end = previous_end.max(end);
        }
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
            (".5_0", Float(0.5)),
            ("._5", Str),
            (".5__0", Str),
            (".5_", Str),
            (".5e1_0", Float(5e9)),
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
        // Quoted, block and multi-line scalars are left to the reader.
        let untouched = "a: '0X1F'\nb: \"yEs\"\nc: |\n  0X1F\nd: 0X1F\n  tail\n";
        assert_eq!(rewritten(untouched), untouched);
        // A string that might be read otherwise is quoted, with what YAML must escape.
        assert_eq!(rewritten("a: +x\"y\\z\n"), "a: \"+x\\\"y\\\\z\"\n");
        // Text the parser rejects is handed on as it is.
        assert!(matches!(as_kubernetes_reads("a: [0X1F\n", &options()), Ok(Cow::Borrowed(_))));
    }

    #[test]
    fn decodes_tagged_scalars_as_go_yaml_v2() {
        use Resolved::{Bool, Float, Int, Null, Unsigned};
        let text = |s: &str| Ok(Decoded::Text(Cow::Owned(s.to_owned())));
        let value = |resolved| Ok(Decoded::Value(resolved));
        let mismatch = |resolved, tag| Err(ScalarProblem::Mismatch { resolved, tag });
        let cases = [
            ("!!bool", "yes", value(Bool(true))),
            ("!!bool", "fAlSe", mismatch("!!str", "!!bool")),
            ("!!int", "0X50", value(Int(80))),
            ("!!int", "1_0", value(Int(10))),
            ("!!int", "18446744073709551615", value(Unsigned(u64::MAX))),
            ("!!int", "1.5", mismatch("!!float", "!!int")),
            ("!!int", "", mismatch("!!null", "!!int")),
            // `!!float` takes a signed integer (in any of Go's notations) as a float, not a uint64.
            ("!!float", "017", value(Float(15.0))),
            ("!!float", "-0b11", value(Float(-3.0))),
            ("!!float", "9223372036854775808", mismatch("!!int", "!!float")),
            ("!!float", "1e400", mismatch("!!str", "!!float")),
            ("!!float", ".inf", value(Float(f64::INFINITY))),
            ("!!null", "~", value(Null)),
            ("!!null", "", value(Null)),
            ("!!null", "0", mismatch("!!int", "!!null")),
            ("!!str", "123", text("123")),
            ("!!str", "", text("")),
            ("!!timestamp", "2001-12-14", text("2001-12-14")),
            ("!!timestamp", "2001-02-29", mismatch("!!str", "!!timestamp")),
            ("!!timestamp", "123", mismatch("!!int", "!!timestamp")),
            ("!!binary", "aGVsbG8=", text("hello")),
            ("!!binary", "", text("")),
            // Bytes that are not UTF-8 are written as Go's JSON writes them: U+FFFD for each.
            ("!!binary", "/w==", text("\u{fffd}")),
            ("!!binary", "8J+Y", text("\u{fffd}\u{fffd}\u{fffd}")),
            ("!!binary", "aGVsbG8", Err(ScalarProblem::Base64)),
            ("!!binary", "a=b=", Err(ScalarProblem::Base64)),
            // Other tags keep the text, whatever it looks like.
            ("!foo", "true", text("true")),
            ("!", "12", text("12")),
            ("!!merge", "<<", text("<<")),
            ("!!seq", "1", text("1")),
        ];
        for (tag, scalar, want) in cases {
            let long = tag.strip_prefix("!!").map_or_else(|| tag.to_owned(), |name| format!("{CORE_TAG}{name}"));
            assert_eq!(decode_tagged(&long, scalar), want, "{tag} {scalar:?}");
        }
    }

    #[test]
    fn timestamps_are_the_texts_go_reads_in_go_yaml_layouts() {
        let valid = [
            "2001-12-14",
            "2001-1-2",
            "2000-02-29",
            "2001-12-14T21:59:43.10-05:00",
            "2001-12-14t21:59:43Z",
            "2001-12-14T21:59:43,5Z",
            "2001-12-14T21:59:43.123456789123Z",
            "2001-12-14T1:2:3+24:00",
            "2001-12-14 21:59:43.10",
            "2001-12-14 1:2:3",
        ];
        let invalid = [
            "2001-12-14 21:59:43.10 -5",
            "2001-13-01",
            "2001-02-29",
            "1900-02-29",
            "2001-12-00",
            "01-12-14",
            "20011-12-14",
            "+2001-12-14",
            "2001-12-14T21:59:43",
            "2001-12-14 21:59:43Z",
            "2001-12-14T24:00:00Z",
            "2001-12-14T21:59:60Z",
            "2001-12-14T21:59:43+25:00",
            "2001-12-14T21:59:43+0500",
            "2001-12-14T21:59:43.Z",
        ];
        for text in valid {
            assert!(go_timestamp(text), "{text}");
        }
        for text in invalid {
            assert!(!go_timestamp(text), "{text}");
        }
    }

    #[test]
    fn tagged_scalars_lose_their_tag_and_are_spelled_as_decoded() {
        // An anchor stays; what follows on the line moves left.
        assert_eq!(
            rewritten("a: !!int \"0X50\"\nb: !foo 123\nc: !!str\nd: !!float &x 017 # c\ne: *x\n"),
            "a: 80\nb: \"123\"\nc: \"\"\nd: &x 15.0 # c\ne: *x\n"
        );
        // Keys become the JSON keys sigs.k8s.io/yaml makes, in the column of their mapping's keys.
        assert_eq!(rewritten("- !x k: v\n  !!int 2: w\n"), "- \"k\": v\n  \"2\": w\n");
        assert_eq!(rewritten("!x &a : v\nb: *a\n"), "&a \"\" : v\nb: *a\n");
        // Flow collections; the non-specific `!`.
        assert_eq!(rewritten("{!!str 1: !!bool yes, k: [!x , ! 0o17]}\n"), "{\"1\": true, k: [\"\" , \"0o17\"]}\n");
        // Tags on collections are ignored by go-yaml v2, and blanked; verbatim tags; `%` escapes.
        assert_eq!(rewritten("a: !!map\n  !!int 7: !<tag:yaml.org,2002:str> 5\n"), "a:      \n  \"7\": \"5\"\n");
        assert_eq!(rewritten("- !e%21 x\n- !!binary aGVsbG8=\n"), "- \"x\"\n- \"hello\"\n");
        // A comment's event comes before the scalar it follows: the tag is still found.
        assert_eq!(rewritten("a: !x # c\n"), "a: \"\" # c\n");
        // A tag on the line before its scalar.
        assert_eq!(rewritten("a: !!int\n  5\n"), "a: \n  5\n");
        // Tagged block scalars and scalars over several lines are left to the reader.
        let untouched = "a: !foo \"x\n  y\"\nb: !foo |\n  text\n";
        assert_eq!(rewritten(untouched), untouched);
    }

    #[test]
    fn tagged_scalars_go_yaml_cannot_decode_are_errors_with_their_place() {
        let error = as_kubernetes_reads("a: 1\nb: !!bool fAlSe\n", &options()).unwrap_err();
        let kind = ScalarProblem::Mismatch { resolved: "!!str", tag: "!!bool" };
        assert_eq!(error, ScalarError { text: "fAlSe".into(), kind, line: 2, column: 11 });
        assert_eq!(
            error.to_string(),
            "cannot decode !!str `fAlSe` as a !!bool: the scalar at line 2, column 11 is a !!str to Kubernetes, \
             not the !!bool its tag asks for"
        );
        // Block scalars are decoded too (the text keeps its line break).
        let error = as_kubernetes_reads("a: !!int |\n  5\n", &options()).unwrap_err();
        assert_eq!((error.text.as_str(), error.line, error.column), ("5\n", 2, 3));
        let error = as_kubernetes_reads("[!!binary aGVsbG8]", &options()).unwrap_err();
        assert_eq!(error.to_string(), "the !!binary scalar at line 1, column 11 is not valid base64");
        // A tagged key decoded to null is a null key.
        let error = as_kubernetes_reads("{!!null : 1}", &options()).unwrap_err();
        assert_eq!(error.kind, ScalarProblem::NullKey);
        // go-yaml v2's scanner wants a blank after a tag (or a `,` in a flow collection).
        let error = as_kubernetes_reads("a: 1\nb: {c: !foo}\n", &options()).unwrap_err();
        assert_eq!(
            error,
            ScalarError { text: "!foo".into(), kind: ScalarProblem::TagNotSeparated, line: 2, column: 8 }
        );
        assert_eq!(
            error.to_string(),
            "did not find expected whitespace or line break after the tag `!foo` at line 2, column 8"
        );
        assert_eq!(rewritten("[!x,y]"), "[\"\",y]");
    }

    #[test]
    fn surrogate_escapes_are_errors_as_in_go_yaml_v2() {
        let error = as_kubernetes_reads("a: 1\nb: \"x\\\\u0041 \\ud83d\\ude00\"\n", &options()).unwrap_err();
        assert_eq!(
            error,
            ScalarError { text: "\\ud83d".into(), kind: ScalarProblem::InvalidEscape, line: 2, column: 4 }
        );
        assert_eq!(
            error.to_string(),
            "found invalid Unicode character escape code `\\ud83d` in the double-quoted scalar at line 2, column 4"
        );
        // A lone surrogate: serde-saphyr's parser refuses it itself.
        assert!(crate::yaml_json::from_yaml("- \"\\U0000DC00\"\n", &options()).is_err());
        // Escaped backslashes, other escapes, and code points outside the surrogates are fine.
        let fine = "a: \"\\\\ud83d \\u00e9 \\U0001F600 \\x41 \\\"\"\nb: '\\ud83d'\n";
        assert_eq!(rewritten(fine), fine);
    }

    #[test]
    fn keys_kubernetes_cannot_convert_are_errors_with_their_place() {
        let error = as_kubernetes_reads("a: 1\nb:\n  ~: x\n", &options()).unwrap_err();
        assert_eq!(error, ScalarError { text: "~".into(), kind: ScalarProblem::NullKey, line: 3, column: 3 });
        assert_eq!(
            error.to_string(),
            "the mapping key `~` at line 3, column 3 is null, which Kubernetes cannot make a JSON key of"
        );
        let error = as_kubernetes_reads("{a: 1, 9223372036854775808: 2}", &options()).unwrap_err();
        assert_eq!((error.kind, error.line, error.column), (ScalarProblem::UnsignedKey, 1, 8));
        assert!(as_kubernetes_reads("? \n: 1\n", &options()).is_err(), "an empty key is null");
    }
}

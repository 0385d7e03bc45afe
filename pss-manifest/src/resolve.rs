//! go-yaml v2's rules for scalars, as kubectl and the API server apply them (sigs.k8s.io/yaml reads
//! YAML with go-yaml v2 into untyped values, then writes JSON with Go's `encoding/json`).
//!
//! - A plain (unquoted, untagged) scalar resolves by go-yaml v2's `resolve`: booleans and nulls only
//!   in the spellings of its table (`y`, `Y`, `yes`, `Yes`, `YES`, `on`, `On`, `ON`, `true`,
//!   `True`, `TRUE` and their false counterparts; `~`, `null`, `Null`, `NULL` and the empty
//!   scalar); a scalar starting with a digit or a sign has every `_` removed, then is read as Go's
//!   `strconv.ParseInt(s, 0, 64)` reads it (`0x`, `0o`, `0b` prefixes in either case, a leading `0`
//!   for octal), then as an unsigned integer, then, if it has the form of a decimal float, as a
//!   float, which must be in range (`1e400` is the string `"1e400"`); a scalar starting with `.` is
//!   a float if Go's `ParseFloat` reads it; anything else (timestamps included) is a string.
//! - A scalar with an explicit tag decodes as go-yaml v2's `decode_tagged`: `!!bool`, `!!int`,
//!   `!!float`, `!!null` and `!!timestamp` resolve the text as if it were plain and refuse a result
//!   of another type; `!!str`, local tags and the non-specific `!` keep the text; `!!binary` is
//!   base64-decoded.
//! - A mapping key that is not a string is written as sigs.k8s.io/yaml writes it: `true`/`false`,
//!   an integer in decimal, a float as `strconv.FormatFloat(f, 'g', -1, 32)` writes it.
//! - A float value is written as Go's `encoding/json` writes a `float64` ([`go_json_float`]).

use std::borrow::Cow;

use crate::error::ScalarProblem;

/// A plain scalar's value as go-yaml v2 resolves it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Unsigned(u64),
    Float(f64),
    Str,
}

/// go-yaml v2's `resolve` for a plain, untagged scalar.
pub(crate) fn resolve(text: &str) -> Resolved {
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
pub(crate) fn go_float_key(value: f64) -> String {
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

/// The prefix of the YAML core tags (`!!str` is `tag:yaml.org,2002:str`).
pub(crate) const CORE_TAG: &str = "tag:yaml.org,2002:";

/// A tagged scalar's value as go-yaml v2 decodes it into an untyped value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Decoded<'a> {
    /// A null, a boolean or a number (never `Resolved::Str`).
    Value(Resolved),
    /// A string.
    Text(Cow<'a, str>),
}

/// A resolved value's core tag, in go-yaml v2's short form.
pub(crate) fn tag_of(resolved: Resolved) -> &'static str {
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
pub(crate) fn decode_tagged<'a>(tag: &str, value: &'a str) -> Result<Decoded<'a>, ScalarProblem> {
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
pub(crate) fn go_timestamp(text: &str) -> bool {
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

/// A float as Go's `encoding/json` writes a `float64` (sigs.k8s.io/yaml writes YAML floats so):
/// the shortest digits that read back as the same float, in positional notation from 1e-6 up to
/// 1e21, with an exponent outside (`1e+21`, `1e-7`). So a float without a fractional part below
/// 1e21 is written as an integer (`1.0` is `1`, `1e3` is `1000`, `-0.0` is `-0`), which the API
/// server reads as an integer. `None` for the non-finite values, which Go refuses to write.
pub(crate) fn go_json_float(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let magnitude = value.abs();
    if magnitude == 0.0 || (1e-6..1e21).contains(&magnitude) {
        // Rust's `Display` writes the shortest round-trip digits without an exponent, as Go's 'f'.
        return Some(format!("{value}"));
    }
    // Go's 'e' with the shortest digits: a mantissa, `e`, a sign and at least two exponent digits,
    // then `encoding/json` drops a leading zero of a negative exponent (`e-07` is `e-7`).
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let sign = if exponent < 0 { '-' } else { '+' };
    let digits = exponent.unsigned_abs();
    Some(if exponent < 0 { format!("{mantissa}e{sign}{digits}") } else { format!("{mantissa}e{sign}{digits:02}") })
}

/// The first `\u` or `\U` escape in a double-quoted scalar's source that go-yaml v2 refuses: a
/// surrogate (`\ud83d`), or beyond U+10FFFF.
pub(crate) fn invalid_escape(source: &str) -> Option<&str> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn floats_are_written_as_go_json_writes_them() {
        let cases = [
            (1.0, "1"),
            (-0.0, "-0"),
            (1000.0, "1000"),
            (1.5, "1.5"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (-2.5e-10, "-2.5e-10"),
            (1152921504606846976.0, "1152921504606847000"),
        ];
        for (value, want) in cases {
            assert_eq!(go_json_float(value).as_deref(), Some(want), "{value:e}");
        }
        assert_eq!(go_json_float(f64::NAN), None);
    }
}

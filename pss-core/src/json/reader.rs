//! A small pull reader over JSON text: it borrows strings (copying only those with escapes),
//! validates everything it skips, and reports errors with their position.
//!
//! It decodes as Go's `encoding/json` (which the API server's decoder forks) does where the two
//! can differ: raw control characters in strings are errors, invalid surrogate escapes become
//! U+FFFD, integers must be integer literals (`-0` is 0, `1.0` is not an integer), and nesting
//! deeper than [`MAX_DEPTH`] is an error.

use std::borrow::Cow;

use crate::error::{Error, ErrorKind, Position};

/// The deepest nesting accepted, as Go's `encoding/json` (`maxNestingDepth`).
pub const MAX_DEPTH: usize = 10_000;

pub(crate) type Result<T> = core::result::Result<T, Error>;

pub(crate) struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

/// The offset of the first byte at or after `i` that ends a plain run of string content: `"`,
/// `\` or a control character (or the end). Looks at eight bytes at a time.
#[inline(always)]
fn string_run_end(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7]]);
        // Xor with 0x02 maps `"` (0x22) to 0x20 and the control characters onto themselves, so one
        // "below 0x21" test finds both; a second finds zero bytes after the xor with `\`. Below
        // the first stop byte neither subtraction borrows, so the lowest flag is exact; bytes from
        // 0x80 up set high bits after the subtractions, and `!w` masks them out. (Three tests, as
        // the usual form has, need a few more instructions per chunk, in the commonest loop.)
        let quote_or_control = (w ^ (ONES * 0x02)).wrapping_sub(ONES * 0x21);
        let backslash = (w ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
        let flags = (quote_or_control | backslash) & !w & HIGH;
        if flags != 0 {
            return i + (flags.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    string_run_end_near_the_end(b, i)
}

/// [`string_run_end`] within eight bytes of the end of `b`, a byte at a time. Not inlined: it is
/// seldom reached (only by the last string of a text), and `string_run_end` is inlined in every
/// decoder (the WebAssembly package's size).
#[inline(never)]
fn string_run_end_near_the_end(b: &[u8], mut i: usize) -> usize {
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

/// The offset of the first byte at or after `i` that is not JSON whitespace.
#[inline]
fn ws_end(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

/// The end of the string without escapes that starts at `i` (its opening quote), if it is one.
#[inline(always)]
fn plain_string_end(b: &[u8], i: usize) -> Option<usize> {
    let end = string_run_end(b, i + 1);
    (b.get(end) == Some(&b'"')).then_some(end + 1)
}

/// Past an object's key without escapes at `i`, and its colon, if they are there.
#[inline]
fn member_key_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let i = ws_end(b, plain_string_end(b, i)?);
    (b.get(i) == Some(&b':')).then_some(i + 1)
}

/// The end of the number at `i`, if it is one: `-`, then `0` or digits not starting with `0`, then
/// maybe a fraction, then maybe an exponent.
fn number_end(b: &[u8], mut i: usize) -> Option<usize> {
    let digits = |b: &[u8], mut i: usize| {
        while matches!(b.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
        i
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(b, i + 1),
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        if !matches!(b.get(i + 1), Some(b'0'..=b'9')) {
            return None;
        }
        i = digits(b, i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !matches!(b.get(i), Some(b'0'..=b'9')) {
            return None;
        }
        i = digits(b, i);
    }
    Some(i)
}

/// The JSON type of the value that starts with `b`, for error messages.
fn found(b: Option<u8>) -> &'static str {
    match b {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(b'-' | b'0'..=b'9') => "a number",
        _ => "no value",
    }
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Reader { text, bytes: text.as_bytes(), pos: 0, depth: 0 }
    }

    pub(crate) fn error_at(&self, offset: usize, kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::new(kind, message).with_position(Position::at(self.bytes, offset))
    }

    fn syntax(&self, message: impl Into<String>) -> Error {
        self.error_at(self.pos, ErrorKind::Syntax, message)
    }

    fn unexpected(&self, wanted: &str) -> Error {
        match self.bytes.get(self.pos) {
            None => self.syntax(format!("unexpected end of input, expected {wanted}")),
            Some(&b) if b.is_ascii_graphic() => {
                self.syntax(format!("unexpected character '{}', expected {wanted}", b as char))
            }
            Some(&b) if b < 0x80 => self.syntax(format!("unexpected byte 0x{b:02x}, expected {wanted}")),
            Some(_) => {
                let c = self.text[self.pos..].chars().next().unwrap_or('\u{fffd}');
                self.syntax(format!("unexpected character {c:?}, expected {wanted}"))
            }
        }
    }

    /// An error saying the value here has the wrong type.
    pub(crate) fn type_error(&mut self, expected: &str) -> Error {
        let b = self.peek();
        self.error_at(self.pos, ErrorKind::InvalidType, format!("expected {expected}, found {}", found(b)))
    }

    /// An error saying the document is not an object.
    pub(crate) fn not_an_object(&mut self) -> Error {
        let b = self.peek();
        if found(b) == "no value" {
            return self.unexpected("a JSON object");
        }
        self.error_at(self.pos, ErrorKind::NotAnObject, format!("expected a JSON object, found {}", found(b)))
    }

    #[inline]
    fn skip_ws(&mut self) {
        // Compact JSON has no whitespace between tokens: one comparison decides.
        if self.bytes.get(self.pos).is_some_and(|&b| b > b' ') {
            return;
        }
        self.skip_ws_run();
    }

    #[inline(never)]
    fn skip_ws_run(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// The next non-whitespace byte, not consumed.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes.get(self.pos).copied()
    }

    /// Consumes `c` if it is the next non-whitespace byte. In compact JSON it is the very next
    /// byte: one comparison, where [`Reader::peek`] and a test of what it returns take two.
    #[inline(always)]
    fn eat(&mut self, c: u8) -> bool {
        let next = self.next_is(c);
        if next {
            self.pos += 1;
        }
        next
    }

    /// Whether `c` is the next non-whitespace byte (left there, the whitespace before it skipped).
    #[inline(always)]
    fn next_is(&mut self, c: u8) -> bool {
        match self.bytes.get(self.pos) {
            Some(&b) if b == c => true,
            Some(&b) if b > b' ' => false,
            _ => {
                self.skip_ws_run();
                self.bytes.get(self.pos) == Some(&c)
            }
        }
    }

    /// Checks that nothing but whitespace follows the top-level value.
    pub(crate) fn end(&mut self) -> Result<()> {
        if self.peek().is_some() {
            return Err(self.unexpected("the end of input after the top-level value"));
        }
        Ok(())
    }

    fn literal(&mut self, word: &'static str) -> Result<()> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.unexpected("a value"))
        }
    }

    /// Consumes `null` if it is next.
    #[inline]
    pub(crate) fn null(&mut self) -> Result<bool> {
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Reads a boolean, or `None` for `null`.
    pub(crate) fn opt_bool(&mut self) -> Result<Option<bool>> {
        match self.peek() {
            Some(b't') => self.literal("true").map(|()| Some(true)),
            Some(b'f') => self.literal("false").map(|()| Some(false)),
            Some(b'n') => self.literal("null").map(|()| None),
            Some(b'"' | b'{' | b'[' | b'-' | b'0'..=b'9') => Err(self.type_error("a boolean")),
            _ => Err(self.unexpected("a value")),
        }
    }

    /// Reads a string, or `None` for `null`.
    pub(crate) fn opt_str(&mut self) -> Result<Option<Cow<'a, str>>> {
        if self.next_is(b'"') {
            return self.string().map(Some);
        }
        match self.peek() {
            Some(b'n') => self.literal("null").map(|()| None),
            Some(b't' | b'f' | b'{' | b'[' | b'-' | b'0'..=b'9') => Err(self.type_error("a string")),
            _ => Err(self.unexpected("a value")),
        }
    }

    /// Reads an integer that fits in `[min, max]`, or `None` for `null`.
    pub(crate) fn opt_int(&mut self, min: i64, max: i64, type_name: &str) -> Result<Option<i64>> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => {}
            Some(b'n') => return self.literal("null").map(|()| None),
            Some(b't' | b'f' | b'{' | b'[' | b'"') => return Err(self.type_error("an integer")),
            _ => return Err(self.unexpected("a value")),
        }
        let start = self.pos;
        let is_integer = self.number()?;
        let literal = &self.text[start..self.pos];
        if !is_integer {
            return Err(self.error_at(
                start,
                ErrorKind::InvalidType,
                format!("expected an integer, found the number {literal}"),
            ));
        }
        match literal.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(self.error_at(
                start,
                ErrorKind::NumberOutOfRange,
                format!("number {literal} is out of range for {type_name}"),
            )),
        }
    }

    /// Consumes a number; returns whether it is an integer literal (no fraction or exponent).
    fn number(&mut self) -> Result<bool> {
        let b = self.bytes;
        let mut integer = true;
        if b.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match b.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while matches!(b.get(self.pos), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            _ => return Err(self.unexpected("a digit")),
        }
        if b.get(self.pos) == Some(&b'.') {
            integer = false;
            self.pos += 1;
            if !matches!(b.get(self.pos), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit after the decimal point"));
            }
            while matches!(b.get(self.pos), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if matches!(b.get(self.pos), Some(b'e' | b'E')) {
            integer = false;
            self.pos += 1;
            if matches!(b.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(b.get(self.pos), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit in the exponent"));
            }
            while matches!(b.get(self.pos), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        Ok(integer)
    }

    /// Reads a string at the current position (which must be `"`).
    #[inline(always)]
    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>> {
        debug_assert_eq!(self.bytes.get(self.pos), Some(&b'"'));
        let start = self.pos + 1;
        let end = string_run_end(self.bytes, start);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok(Cow::Borrowed(&self.text[start..end]));
        }
        self.pos = end;
        self.escaped_string(start)
    }

    /// The rest of [`Reader::string`] once its first run (from `start`) ended at something other
    /// than the closing quote: an escape (copied into an owned string) or an error.
    #[cold]
    #[inline(never)]
    fn escaped_string(&mut self, start: usize) -> Result<Cow<'a, str>> {
        let b = self.bytes;
        match b.get(self.pos) {
            Some(b'\\') => {}
            Some(_) => return Err(self.unexpected("a character in string (control characters must be escaped)")),
            None => return Err(self.unexpected("a closing quote")),
        }
        // Escapes: copy into an owned string.
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(&self.text[start..self.pos]);
        loop {
            let run = self.pos;
            self.pos = string_run_end(b, self.pos);
            match b.get(self.pos) {
                Some(b'"' | b'\\') => {}
                Some(_) => return Err(self.unexpected("a character in string (control characters must be escaped)")),
                None => return Err(self.unexpected("a closing quote")),
            }
            out.push_str(&self.text[run..self.pos]);
            if b[self.pos] == b'"' {
                self.pos += 1;
                return Ok(Cow::Owned(out));
            }
            self.pos += 1; // the backslash
            let esc = b.get(self.pos).copied();
            self.pos += 1;
            match esc {
                Some(b'"') => out.push('"'),
                Some(b'\\') => out.push('\\'),
                Some(b'/') => out.push('/'),
                Some(b'b') => out.push('\u{8}'),
                Some(b'f') => out.push('\u{c}'),
                Some(b'n') => out.push('\n'),
                Some(b'r') => out.push('\r'),
                Some(b't') => out.push('\t'),
                Some(b'u') => {
                    let hi = self.hex4()?;
                    let c = if (0xD800..0xDC00).contains(&hi) {
                        // A high surrogate pairs with a following \uDC00-\uDFFF; alone it is U+FFFD (as Go).
                        if b[self.pos..].starts_with(b"\\u") {
                            let save = self.pos;
                            self.pos += 2;
                            let lo = self.hex4()?;
                            if (0xDC00..0xE000).contains(&lo) {
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            } else {
                                self.pos = save;
                                None
                            }
                        } else {
                            None
                        }
                    } else {
                        char::from_u32(hi)
                    };
                    out.push(c.unwrap_or('\u{fffd}'));
                }
                _ => {
                    self.pos -= 1;
                    return Err(self.unexpected("an escape character (one of \"\\/bfnrtu)"));
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.bytes.get(self.pos) {
                Some(&c @ b'0'..=b'9') => c - b'0',
                Some(&c @ b'a'..=b'f') => c - b'a' + 10,
                Some(&c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.unexpected("a hexadecimal digit in a \\u escape")),
            };
            v = v * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(v)
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_at(self.pos, ErrorKind::TooDeep, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    /// Opens the object here, for [`Reader::object`] and [`Reader::fields`]: `Some` of their result
    /// when nothing is left to read (`false` for `null`, `true` for `{}`), `None` at its first key;
    /// a type error for any other value.
    #[inline(always)]
    fn open_object(&mut self) -> Result<Option<bool>> {
        if !self.next_is(b'{') {
            return self.not_object();
        }
        Ok(self.enter_container(b'}')?.then_some(true))
    }

    /// Enters the object or array whose bracket is next: `true` when `close` follows at once (the
    /// container is empty, and left again).
    #[inline(always)]
    fn enter_container(&mut self, close: u8) -> Result<bool> {
        self.enter()?;
        self.pos += 1;
        if self.eat(close) {
            self.depth -= 1;
            return Ok(true);
        }
        Ok(false)
    }

    /// [`Reader::open_object`] at anything but `{`: `null`, or an error. Not inlined, so that the
    /// many instances of [`Reader::fields`] share it (the WebAssembly package's size).
    #[inline(never)]
    fn not_object(&mut self) -> Result<Option<bool>> {
        match self.peek() {
            Some(b'n') => self.literal("null").map(|()| Some(false)),
            Some(b'"' | b't' | b'f' | b'[' | b'-' | b'0'..=b'9') => Err(self.type_error("an object")),
            _ => Err(self.unexpected("a value")),
        }
    }

    /// Reads what follows an object member: `true` when it closes the object, `false` after a `,`.
    #[inline(always)]
    fn member_ends_object(&mut self) -> Result<bool> {
        if self.eat(b',') {
            return Ok(false);
        }
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                self.depth -= 1;
                Ok(true)
            }
            _ => Err(self.unexpected("',' or '}' after an object member")),
        }
    }

    /// Reads an object field by field: `field` is called with each key and must consume its value.
    /// Errors from `field` get the key added to their path. `null` is accepted as "absent" and
    /// returns `false`; anything else but an object is a type error.
    pub(crate) fn object(
        &mut self,
        mut field: impl FnMut(&mut Self, Cow<'a, str>) -> Result<()>,
        path: PathStyle,
    ) -> Result<bool> {
        if let Some(done) = self.open_object()? {
            return Ok(done);
        }
        loop {
            if !self.next_is(b'"') {
                return Err(self.unexpected("a string key"));
            }
            let key = self.string()?;
            if !self.eat(b':') {
                return Err(self.unexpected("':' after an object key"));
            }
            if let Err(e) = field(self, key.clone()) {
                return Err(match path {
                    PathStyle::Field => e.in_field(&key),
                    PathStyle::Key => e.in_key(&key),
                });
            }
            if self.member_ends_object()? {
                return Ok(true);
            }
        }
    }

    /// [`Reader::object`] for a struct (keys in error paths as fields): `field` gets each key's
    /// bytes, to match against field names. A key without escapes (every key in practice) is
    /// neither copied nor sliced as a `str` (which costs two char-boundary checks) nor wrapped in
    /// a `Cow`: it is one of the commonest tokens. Match it with `==` guards
    /// (`_ if key == b"image"`) rather than byte-string patterns: a pattern is compared byte by
    /// byte, `==` a word at a time (a `securityContext` key: 15 comparisons against 2).
    pub(crate) fn fields(&mut self, mut field: impl FnMut(&mut Self, &[u8]) -> Result<()>) -> Result<bool> {
        if let Some(done) = self.open_object()? {
            return Ok(done);
        }
        let bytes = self.bytes;
        loop {
            if !self.eat(b'"') {
                return Err(self.unexpected("a string key"));
            }
            let start = self.pos;
            let end = string_run_end(bytes, start);
            let escaped;
            let key = if bytes.get(end) == Some(&b'"') {
                self.pos = end + 1;
                &bytes[start..end]
            } else {
                self.pos = end;
                escaped = self.escaped_string(start)?;
                escaped.as_bytes()
            };
            if !self.eat(b':') {
                return Err(self.unexpected("':' after an object key"));
            }
            if let Err(e) = field(self, key) {
                return Err(in_field(e, key));
            }
            if self.member_ends_object()? {
                return Ok(true);
            }
        }
    }

    /// Reads an array element by element: `element` is called with each index and must consume the
    /// element. Returns the number of elements, or `None` for `null`.
    pub(crate) fn array(&mut self, mut element: impl FnMut(&mut Self, usize) -> Result<()>) -> Result<Option<usize>> {
        if !self.next_is(b'[') {
            return self.not_array();
        }
        if self.enter_container(b']')? {
            return Ok(Some(0));
        }
        let mut i = 0;
        loop {
            element(self, i).map_err(|e| e.in_index(i))?;
            i += 1;
            if self.eat(b',') {
                continue;
            }
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Some(i));
                }
                _ => return Err(self.unexpected("',' or ']' after an array element")),
            }
        }
    }

    /// [`Reader::array`] at anything but `[`: `null` (`None`), or an error. Not inlined, as
    /// [`Reader::not_object`].
    #[inline(never)]
    fn not_array(&mut self) -> Result<Option<usize>> {
        match self.peek() {
            Some(b'n') => self.literal("null").map(|()| None),
            Some(b'"' | b't' | b'f' | b'{' | b'-' | b'0'..=b'9') => Err(self.type_error("an array")),
            _ => Err(self.unexpected("a value")),
        }
    }

    /// Consumes the next value if it is an array of strings without escapes, and returns its text;
    /// else leaves it (`None`), to be read element by element (which reports any error). Such an
    /// array decodes the same whatever it is decoded over, and needs nothing copied.
    pub(crate) fn plain_string_array(&mut self) -> Option<&'a str> {
        self.skip_ws();
        let b = self.bytes;
        let start = self.pos;
        // Entering the array must not go too deep (reading it element by element reports that).
        if b.get(start) != Some(&b'[') || self.depth >= MAX_DEPTH {
            return None;
        }
        let mut i = ws_end(b, start + 1);
        if b.get(i) != Some(&b']') {
            loop {
                if b.get(i) != Some(&b'"') {
                    return None;
                }
                let end = string_run_end(b, i + 1);
                if b.get(end) != Some(&b'"') {
                    return None;
                }
                i = ws_end(b, end + 1);
                match b.get(i) {
                    Some(b',') => i = ws_end(b, i + 1),
                    Some(b']') => break,
                    _ => return None,
                }
            }
        }
        self.pos = i + 1;
        Some(&self.text[start..self.pos])
    }

    /// Skips the next value and returns its text.
    #[cfg_attr(not(feature = "admission"), allow(dead_code))]
    pub(crate) fn raw_value(&mut self) -> Result<&'a str> {
        self.peek();
        let start = self.pos;
        self.skip()?;
        Ok(&self.text[start..self.pos])
    }

    /// The current byte offset.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    /// Skips any value, checking that it is well-formed.
    pub(crate) fn skip(&mut self) -> Result<()> {
        // Most skipped values are strings and numbers: no containers to track.
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'-' | b'0'..=b'9') => self.number().map(|_| ()),
            _ => match self.well_formed_end() {
                Some(end) => {
                    self.pos = end;
                    Ok(())
                }
                None => self.skip_any(),
            },
        }
    }

    /// Where the value here ends, if it is well-formed and holds no escape and no container deeper
    /// than 64 levels (nor deeper than [`MAX_DEPTH`]); else `None`, and [`Reader::skip_any`]
    /// skips it instead (reporting any error). One tight loop over the bytes: what is not exactly
    /// a JSON token where one belongs gives up.
    fn well_formed_end(&self) -> Option<usize> {
        let b = self.bytes;
        let mut i = self.pos;
        // One bit per open container, as in `skip_any`: 1 for an object. A `u64`, not a `u128`:
        // testing a bit of a `u128` costs about ten instructions, and it is tested after every
        // value; real documents nest far less than 64 deep.
        let mut objects: u64 = 0;
        let mut open = 0usize;
        loop {
            // A value.
            i = ws_end(b, i);
            match *b.get(i)? {
                b'"' => i = plain_string_end(b, i)?,
                c @ (b'{' | b'[') => {
                    if open >= 64 || self.depth + open + 1 > MAX_DEPTH {
                        return None;
                    }
                    let is_object = c == b'{';
                    objects = if is_object { objects | 1 << open } else { objects & !(1 << open) };
                    open += 1;
                    i = ws_end(b, i + 1);
                    if b.get(i) == Some(if is_object { &b'}' } else { &b']' }) {
                        i += 1;
                        open -= 1;
                    } else {
                        if is_object {
                            i = member_key_end(b, i)?;
                        }
                        continue;
                    }
                }
                b'-' | b'0'..=b'9' => i = number_end(b, i)?,
                b't' if b[i..].starts_with(b"true") => i += 4,
                b'f' if b[i..].starts_with(b"false") => i += 5,
                b'n' if b[i..].starts_with(b"null") => i += 4,
                _ => return None,
            }
            // After a value: close containers, or on to the next member.
            loop {
                if open == 0 {
                    return Some(i);
                }
                let is_object = objects & 1 << (open - 1) != 0;
                i = ws_end(b, i);
                match *b.get(i)? {
                    b',' => {
                        i += 1;
                        if is_object {
                            i = member_key_end(b, ws_end(b, i))?;
                        }
                        break;
                    }
                    b'}' if is_object => {}
                    b']' if !is_object => {}
                    _ => return None,
                }
                i += 1;
                open -= 1;
            }
        }
    }

    /// [`Reader::skip`] for any value. Iterative, so deep nesting cannot overflow the stack.
    fn skip_any(&mut self) -> Result<()> {
        // One bit per open container: 1 for an object, 0 for an array. The first 128 levels live in
        // a register; deeper ones (only hostile input nests that deep) spill to the heap.
        let mut near: u128 = 0;
        let mut far: Option<Vec<bool>> = None;
        let base = self.depth;
        let mut open = 0usize;
        let mut need_value = true;
        loop {
            if need_value {
                match self.peek() {
                    Some(b'{') | Some(b'[') => {
                        let is_object = self.bytes[self.pos] == b'{';
                        self.enter()?;
                        self.pos += 1;
                        if open < 128 {
                            if is_object {
                                near |= 1 << open;
                            } else {
                                near &= !(1 << open);
                            }
                        } else {
                            spill(&mut far, open - 128, is_object);
                        }
                        open += 1;
                        let close = if is_object { b'}' } else { b']' };
                        if self.peek() == Some(close) {
                            self.pos += 1;
                            open -= 1;
                            self.depth -= 1;
                            need_value = false;
                        } else if is_object {
                            self.member_key()?;
                        }
                        if need_value {
                            continue;
                        }
                    }
                    Some(b'"') => {
                        self.skip_string()?;
                        need_value = false;
                    }
                    Some(b't') => {
                        self.literal("true")?;
                        need_value = false;
                    }
                    Some(b'f') => {
                        self.literal("false")?;
                        need_value = false;
                    }
                    Some(b'n') => {
                        self.literal("null")?;
                        need_value = false;
                    }
                    Some(b'-' | b'0'..=b'9') => {
                        self.number()?;
                        need_value = false;
                    }
                    _ => return Err(self.unexpected("a value")),
                }
            }
            // After a value: close containers or move to the next member.
            if open == 0 {
                debug_assert_eq!(self.depth, base);
                return Ok(());
            }
            let top = open - 1;
            let is_object = if top < 128 { near & (1 << top) != 0 } else { spilled(&far, top - 128) };
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    if is_object {
                        self.member_key()?;
                    }
                    need_value = true;
                }
                Some(b'}') if is_object => {
                    self.pos += 1;
                    open -= 1;
                    self.depth -= 1;
                }
                Some(b']') if !is_object => {
                    self.pos += 1;
                    open -= 1;
                    self.depth -= 1;
                }
                _ if is_object => return Err(self.unexpected("',' or '}' after an object member")),
                _ => return Err(self.unexpected("',' or ']' after an array element")),
            }
        }
    }

    /// Inside a skipped object: a key and its colon.
    #[inline]
    fn member_key(&mut self) -> Result<()> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a string key"));
        }
        self.skip_string()?;
        if self.peek() != Some(b':') {
            return Err(self.unexpected("':' after an object key"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Skips a string, validating its escapes, without building it.
    #[inline(always)]
    fn skip_string(&mut self) -> Result<()> {
        let end = string_run_end(self.bytes, self.pos + 1);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok(());
        }
        self.pos = end;
        self.skip_string_rest()
    }

    /// The rest of [`Reader::skip_string`] once its first run ended at something other than the
    /// closing quote: an escape or an error.
    #[cold]
    #[inline(never)]
    fn skip_string_rest(&mut self) -> Result<()> {
        let b = self.bytes;
        loop {
            self.pos = string_run_end(b, self.pos);
            match b.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match b.get(self.pos) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 1,
                        Some(b'u') => {
                            self.pos += 1;
                            self.hex4()?;
                        }
                        _ => return Err(self.unexpected("an escape character (one of \"\\/bfnrtu)")),
                    }
                }
                Some(&c) if c < 0x20 => {
                    return Err(self.unexpected("a character in string (control characters must be escaped)"))
                }
                Some(_) => self.pos += 1,
                None => return Err(self.unexpected("a closing quote")),
            }
        }
    }
}

/// `e` in the field `key` (of [`Reader::fields`]): apart, as every instance of it would otherwise
/// have a copy.
#[cold]
#[inline(never)]
fn in_field(e: Error, key: &[u8]) -> Error {
    // The key is whole UTF-8 (from the text, or decoded): nothing is lost.
    e.in_field(&String::from_utf8_lossy(key))
}

/// Records whether the container opened at `depth` (beyond the first 128) is an object.
#[cold]
fn spill(far: &mut Option<Vec<bool>>, depth: usize, is_object: bool) {
    let far = far.get_or_insert_with(Vec::new);
    far.truncate(depth);
    far.push(is_object);
}

/// Whether the container open at `depth` (beyond the first 128) is an object.
#[cold]
fn spilled(far: &Option<Vec<bool>>, depth: usize) -> bool {
    far.as_ref().and_then(|f| f.get(depth)).copied().unwrap_or(false)
}

/// How an object's keys appear in error paths.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PathStyle {
    /// A struct: `spec.hostPID`.
    Field,
    /// A map: `metadata.annotations[key]`.
    Key,
}

#[cfg(test)]
mod tests {
    use super::{string_run_end, Reader, MAX_DEPTH};

    /// Skips the value at the start of `text` with [`Reader::skip_any`] alone: where it ends, or
    /// the error.
    fn skip_any(text: &str, depth: usize) -> Result<usize, String> {
        let mut r = Reader::new(text);
        r.depth = depth;
        r.skip_any().map(|()| r.pos).map_err(|e| e.to_string())
    }

    /// The fast skip (`well_formed_end`) never accepts what the full one rejects, and ends where it
    /// ends; it takes the common shapes, and gives the rest (escapes, errors, depth) to the full one.
    #[test]
    fn fast_skip_ends_where_the_full_skip_ends() {
        let values = [
            r#"{"secretName":"creds","defaultMode":420}"#,
            r#" { "a" : [ 1 , -0.5e+3 , true , false , null , "x" , { } , [ ] ] , "b" : { "c" : [ [ ] ] } } "#,
            r#"[{"path":"token","expirationSeconds":3600},{"configMap":{"items":[{"key":"k","path":"p"}]}}]"#,
            "[0,-1,10,1.25,1E9,2e-0,-0.0]",
            "{}",
            "[]",
            r#"["a\"b"]"#,
            r#"{"k\u0041":1}"#,
            r#"{"a":"\u00e9"}"#,
        ];
        let fast_taken = values.iter().filter(|v| Reader::new(v).well_formed_end().is_some()).count();
        assert_eq!(fast_taken, 6, "the escape-free values take the fast way");
        // Every prefix, and every single-byte change to a byte that matters in JSON.
        let bytes = [
            b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'1', b'-', b'.', b'e', b'+', b't', b'n', b'x',
            b' ', 0x01,
        ];
        let mut checked = 0;
        for value in values {
            let mut texts: Vec<String> = (0..=value.len()).map(|n| value[..n].to_owned()).collect();
            for at in 0..value.len() {
                for &c in &bytes {
                    let mut t = value.as_bytes().to_vec();
                    t[at] = c;
                    texts.extend(String::from_utf8(t).ok());
                }
            }
            texts.extend(
                ["01", "-", "1.", "1e", "1e+", ".5", "tru", "nul", "[1,]", "{\"a\"}", "{\"a\":1,}", "[\"\u{1}\"]"]
                    .map(String::from),
            );
            for text in texts {
                for depth in [0, MAX_DEPTH - 2, MAX_DEPTH] {
                    let mut r = Reader::new(&text);
                    r.depth = depth;
                    if let Some(end) = r.well_formed_end() {
                        assert_eq!(skip_any(&text, depth), Ok(end), "{text:?} at depth {depth}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked}");
        // Up to 64 open containers (one bit each) the fast skip's, deeper the full skip's; objects
        // and arrays alternating, so that a wrong bit closes with the wrong bracket.
        for levels in [63, 64, 65, 200] {
            let open: String = (0..levels).map(|l| if l % 2 == 0 { "{\"k\":" } else { "[" }).collect();
            let close: String = (0..levels).rev().map(|l| if l % 2 == 0 { "}" } else { "]" }).collect();
            let deep = format!("{open}0{close}");
            let fast = Reader::new(&deep).well_formed_end();
            assert_eq!(fast, (levels <= 64).then_some(deep.len()), "{levels} levels");
            assert_eq!(skip_any(&deep, 0), Ok(deep.len()));
        }
    }

    /// Every byte value after every other at every offset of two chunks and a tail: the
    /// word-at-a-time scan stops where a byte-at-a-time one does. (A byte below the first stop
    /// is what could make a borrow flag the wrong byte.)
    #[test]
    fn string_run_end_agrees_with_a_byte_loop() {
        fn byte_loop(b: &[u8], mut i: usize) -> usize {
            while i < b.len() && !matches!(b[i], b'"' | b'\\' | 0..=0x1f) {
                i += 1;
            }
            i
        }
        let mut text = [0u8; 19];
        for below in 0..=255u8 {
            for stop in 0..=255u8 {
                for at in 0..text.len() {
                    text.fill(below);
                    text[at] = stop;
                    for start in [0, 1, at, text.len(), text.len() + 1] {
                        assert_eq!(
                            string_run_end(&text, start),
                            byte_loop(&text, start),
                            "{below:#x} then {stop:#x} at {at}, from {start}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn finds_the_first_stop_byte_at_any_offset() {
        // Bytes that must not stop the scan: high bytes, space, DEL, neighbours of the stop bytes.
        let filler = [b'a', 0x20, 0x7f, 0x80, 0xff, b'#', b'!', b']', b'[', 0x21, 0x5b, 0x5d];
        for len in 0..40 {
            for stop in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
                for at in 0..=len {
                    let mut text: Vec<u8> = (0..len).map(|i| filler[i % filler.len()]).collect();
                    if at < len {
                        text[at] = stop;
                        if at + 1 < len {
                            text[at + 1] = b'"';
                        }
                    }
                    assert_eq!(string_run_end(&text, 0), at, "len {len} stop {stop:#x} at {at}");
                    if at > 0 {
                        assert_eq!(string_run_end(&text, at), at);
                    }
                }
            }
        }
    }
}

//! A source's bytes as kubectl's file reader hands them on (cli-runtime's `FileVisitor`: a
//! `BOMOverride` over a UTF-8 decoder): a UTF-8 byte-order mark is dropped, a UTF-16 one (either
//! byte order) converts the rest from UTF-16 to UTF-8 (an unpaired surrogate or an odd last byte
//! becomes U+FFFD). Invalid UTF-8 becomes U+FFFD too, each maximal invalid sequence one (as Rust's
//! `String::from_utf8_lossy`): that is done per document, as the documents are cut at ASCII bytes.

use std::io::{self, Read};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Utf16 { big_endian: bool },
}

/// `R` read as kubectl reads a file (see the [module documentation](self)).
#[derive(Debug)]
pub(crate) struct Decoded<R> {
    inner: R,
    /// Decided after the first bytes.
    encoding: Option<Encoding>,
    /// Bytes read but not handed on (the start, while looking for a mark; UTF-16 leftovers).
    raw: Vec<u8>,
    /// Converted text not handed on yet.
    out: Vec<u8>,
    out_at: usize,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    eof: bool,
}

impl<R: Read> Decoded<R> {
    pub(crate) fn new(inner: R) -> Self {
        Decoded { inner, encoding: None, raw: Vec::new(), out: Vec::new(), out_at: 0, high: None, eof: false }
    }

    /// `inner` known to be UTF-8 without a byte-order mark (a part of a source, after its start).
    pub(crate) fn utf8(inner: R) -> Self {
        Decoded { encoding: Some(Encoding::Utf8), ..Self::new(inner) }
    }

    fn fill_raw(&mut self, at_least: usize) -> io::Result<()> {
        let mut piece = [0u8; 4 * 1024];
        while !self.eof && self.raw.len() < at_least {
            match self.inner.read(&mut piece) {
                Ok(0) => self.eof = true,
                Ok(n) => self.raw.extend_from_slice(&piece[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn decide(&mut self) -> io::Result<Encoding> {
        if let Some(encoding) = self.encoding {
            return Ok(encoding);
        }
        self.fill_raw(3)?;
        let encoding = if self.raw.starts_with(b"\xEF\xBB\xBF") {
            self.raw.drain(..3);
            Encoding::Utf8
        } else if self.raw.starts_with(b"\xFE\xFF") {
            self.raw.drain(..2);
            Encoding::Utf16 { big_endian: true }
        } else if self.raw.starts_with(b"\xFF\xFE") {
            self.raw.drain(..2);
            Encoding::Utf16 { big_endian: false }
        } else {
            Encoding::Utf8
        };
        self.encoding = Some(encoding);
        Ok(encoding)
    }

    fn push_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }

    /// Converts what UTF-16 is available into `out`.
    fn convert(&mut self, big_endian: bool) -> io::Result<()> {
        self.fill_raw(2)?;
        let units = self.raw.len() / 2;
        for i in 0..units {
            let pair = [self.raw[2 * i], self.raw[2 * i + 1]];
            let unit = if big_endian { u16::from_be_bytes(pair) } else { u16::from_le_bytes(pair) };
            match (self.high.take(), unit) {
                (Some(high), 0xdc00..=0xdfff) => {
                    let code = 0x10000 + ((u32::from(high) - 0xd800) << 10) + (u32::from(unit) - 0xdc00);
                    self.push_char(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                (high, 0xd800..=0xdbff) => {
                    if high.is_some() {
                        self.push_char('\u{fffd}');
                    }
                    self.high = Some(unit);
                }
                (high, _) => {
                    if high.is_some() {
                        self.push_char('\u{fffd}');
                    }
                    self.push_char(char::from_u32(u32::from(unit)).unwrap_or('\u{fffd}'));
                }
            }
        }
        self.raw.drain(..2 * units);
        if self.eof {
            if self.high.take().is_some() {
                self.push_char('\u{fffd}');
            }
            if !self.raw.is_empty() {
                self.raw.clear();
                self.push_char('\u{fffd}');
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.decide()? {
            Encoding::Utf8 => {
                if !self.raw.is_empty() {
                    let n = buf.len().min(self.raw.len());
                    buf[..n].copy_from_slice(&self.raw[..n]);
                    self.raw.drain(..n);
                    return Ok(n);
                }
                if self.eof {
                    return Ok(0);
                }
                self.inner.read(buf)
            }
            Encoding::Utf16 { big_endian } => {
                while self.out_at == self.out.len() {
                    self.out.clear();
                    self.out_at = 0;
                    if self.eof && self.raw.is_empty() && self.high.is_none() {
                        return Ok(0);
                    }
                    self.convert(big_endian)?;
                }
                let n = buf.len().min(self.out.len() - self.out_at);
                buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
                self.out_at += n;
                Ok(n)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        Decoded::new(input).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn marks_are_dropped_and_utf16_converted() {
        assert_eq!(decoded(b"\xEF\xBB\xBFa: 1\n"), b"a: 1\n");
        assert_eq!(decoded(b"a: 1\n"), b"a: 1\n");
        assert_eq!(decoded(b""), b"");
        assert_eq!(decoded(b"\xEF\xBB"), b"\xEF\xBB");
        let text = "kind: Pod # é 😀\n";
        let le: Vec<u8> = [0xFEFFu16].into_iter().chain(text.encode_utf16()).flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = [0xFEFFu16].into_iter().chain(text.encode_utf16()).flat_map(u16::to_be_bytes).collect();
        assert_eq!(decoded(&le), text.as_bytes());
        assert_eq!(decoded(&be), text.as_bytes());
        // An unpaired surrogate and an odd last byte are U+FFFD.
        assert_eq!(decoded(b"\xFF\xFEa\x00\x00\xD8b\x00c"), "a\u{fffd}b\u{fffd}".as_bytes());
    }
}

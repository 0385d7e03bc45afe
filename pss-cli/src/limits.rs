//! Bounds on what `pss` holds in memory while reading its input.
//!
//! A JSON or YAML document is read whole before it is decoded, so one document may take as much
//! memory as its size: `--max-document-size` bounds it. A document over the limit is skipped
//! without being held (the reader only looks for where it ends) and reported as an input error;
//! the documents after it are still checked. Standard input, which is read more than once (once to
//! find Namespaces, once to check), is kept in memory up to [`STDIN_MEMORY`] and in an anonymous
//! temporary file beyond, so a long stream does not grow the process either. With more than one
//! job, files larger than 1 MiB are held in memory for the run, up to 16 MiB in all, to be read in
//! pieces on several threads (`documents::FILES_HELD`); other files are read a buffer at a time.

/// The default `--max-document-size`: 128 MiB, far above any object the API server accepts (its
/// request limit is 3 MiB) and room for a large `kubectl get -o json` List.
pub const DEFAULT_MAX_DOCUMENT: u64 = 128 << 20;

/// How much of standard input is kept in memory before the rest goes to a temporary file.
pub const STDIN_MEMORY: usize = 16 << 20;

/// Bounds on what is read into memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest document, in bytes, that is read and checked.
    pub max_document: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_document: DEFAULT_MAX_DOCUMENT }
    }
}

pub use pss_manifest::Size;

/// Parses a size for `--max-document-size`: a whole number of bytes, optionally followed by a
/// binary unit (`Ki`, `Mi`, `Gi`, as Kubernetes quantities, or `KiB`, `MiB`, `GiB`, any case, with
/// or without a space). Zero and sizes that do not fit in 64 bits are rejected.
///
/// # Errors
/// The text is not such a size; the message says what is expected.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = trimmed.split_at(digits);
    let expected = || format!("invalid size {text:?}: expected bytes, optionally with a unit Ki, Mi or Gi (e.g. 64Mi)");
    if number.is_empty() {
        return Err(expected());
    }
    let shift = match unit.trim_start().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "ki" | "kib" => 10,
        "m" | "mi" | "mib" => 20,
        "g" | "gi" | "gib" => 30,
        _ => return Err(expected()),
    };
    let value: u64 = number.parse().map_err(|_| format!("invalid size {text:?}: too large"))?;
    let bytes = value.checked_mul(1 << shift).ok_or_else(|| format!("invalid size {text:?}: too large"))?;
    if bytes == 0 {
        return Err(format!("invalid size {text:?}: must be at least 1 byte"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("64Mi"), Ok(64 << 20));
        assert_eq!(parse_size("64 MiB"), Ok(64 << 20));
        assert_eq!(parse_size("2gib"), Ok(2 << 30));
        assert_eq!(parse_size("3K"), Ok(3 << 10));
        assert_eq!(parse_size("7b"), Ok(7));
    }

    #[test]
    fn bad_sizes_are_rejected_with_the_reason() {
        assert!(parse_size("").unwrap_err().contains("expected bytes"));
        assert!(parse_size("Mi").unwrap_err().contains("expected bytes"));
        assert!(parse_size("12 parsecs").unwrap_err().contains("expected bytes"));
        assert!(parse_size("-1").unwrap_err().contains("expected bytes"));
        assert!(parse_size("0").unwrap_err().contains("at least 1 byte"));
        assert!(parse_size("99999999999999999999").unwrap_err().contains("too large"));
        assert!(parse_size("17179869184Gi").unwrap_err().contains("too large"));
    }

    #[test]
    fn sizes_show_in_whole_units() {
        assert_eq!(Size(DEFAULT_MAX_DOCUMENT).to_string(), "128 MiB");
        assert_eq!(Size(3 << 10).to_string(), "3 KiB");
        assert_eq!(Size(1 << 30).to_string(), "1 GiB");
        assert_eq!(Size(1000).to_string(), "1000 bytes");
        assert_eq!(Size(1).to_string(), "1 byte");
    }
}

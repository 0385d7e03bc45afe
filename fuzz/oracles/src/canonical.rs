//! Inputs in serde_json's terms: the value it reads, and whether the text repeats a key (where pss
//! merges as Go does and serde keeps the last value, so the two cannot be compared).

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The value serde_json reads from `data`, if it reads one and can write it back meaning the same.
///
/// (serde_json's raw_value feature is off in this build, so an object keyed by serde_json's private
/// raw-value marker is an ordinary object.) It is `None` when `data` holds the number `-0`:
/// serde_json reads that as the float -0.0 and writes `-0.0`, a float where Go and pss read the
/// integer 0.
pub fn canonical(data: &[u8]) -> Option<Value> {
    if has_integer_minus_zero(data) {
        return None;
    }
    serde_json::from_slice::<Value>(data).ok()
}

/// Whether the JSON text `data` holds the number `-0` without a fraction or exponent (outside strings).
fn has_integer_minus_zero(data: &[u8]) -> bool {
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in data.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'-'
            && data.get(i + 1) == Some(&b'0')
            && !matches!(data.get(i + 2), Some(b'0'..=b'9' | b'.' | b'e' | b'E'))
        {
            return true;
        }
    }
    false
}

/// Whether an object in `data` has a key twice (or serde_json cannot read `data` at all).
pub fn has_duplicate_keys(data: &[u8]) -> bool {
    serde_json::from_slice::<Unique>(data).is_err()
}

/// Any JSON value whose objects have unique keys.
struct Unique;

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueVisitor)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Unique;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value without repeated keys")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_str<E>(self, _: &str) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_unit<E>(self) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Unique, A::Error> {
        while seq.next_element::<Unique>()?.is_some() {}
        Ok(Unique)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
        let mut keys = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !keys.insert(key) {
                return Err(de::Error::custom("repeated key"));
            }
            map.next_value::<Unique>()?;
        }
        Ok(Unique)
    }
}

//! Inputs in serde_json's terms: the value it reads, and whether the text repeats a key (where pss
//! merges as Go does and serde keeps the last value, so the two cannot be compared).

use std::collections::HashSet;
use std::fmt;

use pss_cli::yaml_json::JsonFromYaml;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The value serde_json reads from `data`, if it reads one. It is built by pss-cli's
/// [`JsonFromYaml`] rather than by `Value`'s own `Deserialize`, which (with serde_json's raw_value
/// feature on in this build) reads an object keyed by serde_json's private raw-value marker as
/// embedded JSON text.
pub fn canonical(data: &[u8]) -> Option<Value> {
    serde_json::from_slice::<JsonFromYaml>(data).ok().map(|JsonFromYaml(value)| value)
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

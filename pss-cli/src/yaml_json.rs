//! A YAML document read into a JSON value, node by node.
//!
//! `serde_json::Value`'s own `Deserialize` cannot be used for this: with serde_json's `raw_value`
//! feature on (the CLI borrows a List's items as raw JSON), a mapping whose first key is serde_json's
//! private marker `$serde_json::private::RawValue` is taken for an embedded raw JSON text, so a YAML
//! document holding that key would not come out as the mapping it is. [`JsonFromYaml`] builds the
//! value itself: every mapping is an object, every key a string, a repeated key replaces the
//! earlier one (as sigs.k8s.io/yaml does).
//!
//! Numbers come out as sigs.k8s.io/yaml writes them (kubectl and the API server convert YAML to JSON
//! with it): a float with no fractional part below 10^21 is written by Go's `encoding/json` without
//! one, so `runAsUser: 1.0` and `1e3` reach the decoder as the integers `1` and `1000`, and `-0.0` as
//! `0` (Go writes `-0`, which it reads as the integer 0). Go writes the float's shortest round-trip
//! digits, so beyond 2^53 the integer is not the float's exact value: `-9223372036854775809` (a
//! float to YAML, as it is out of int64's range) is written `-9223372036854776000`, which is out of
//! range still. Other floats stay floats.
//!
//! [`JsonNodes`] reads JSON text the same way but keeps every number as it was read, for comparing
//! JSON texts with serde_json's view of them (the fuzz oracles).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A JSON value read from YAML (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonFromYaml(pub Value);

impl<'de> Deserialize<'de> for JsonFromYaml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Node::<true>::deserialize(deserializer).map(|Node(value)| JsonFromYaml(value))
    }
}

/// A JSON value read node by node with its numbers as read (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonNodes(pub Value);

impl<'de> Deserialize<'de> for JsonNodes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Node::<false>::deserialize(deserializer).map(|Node(value)| JsonNodes(value))
    }
}

/// Why a YAML document could not be read.
#[derive(Debug)]
pub enum YamlError {
    /// serde-saphyr's error: the syntax, a limit, a value JSON cannot hold.
    Syntax(Box<serde_saphyr::Error>),
    /// A scalar Kubernetes refuses: a mapping key it cannot make a JSON key of, or a tagged scalar it
    /// cannot decode as its tag asks.
    Scalar(crate::go_yaml::ScalarError),
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            YamlError::Syntax(error) => fmt::Display::fmt(error, f),
            YamlError::Scalar(error) => fmt::Display::fmt(error, f),
        }
    }
}

/// A transparent wrapper: the message is the inner error's, and so is the source.
impl std::error::Error for YamlError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            YamlError::Syntax(error) => std::error::Error::source(&**error),
            YamlError::Scalar(error) => std::error::Error::source(error),
        }
    }
}

/// One YAML document read as Kubernetes reads it: its plain and tagged scalars spelled as go-yaml v2 reads
/// them ([`crate::go_yaml`]), then read node by node into JSON ([`JsonFromYaml`]).
///
/// # Errors
/// The document is not valid YAML, breaks one of the options' limits, or holds a key or value that
/// JSON (as Kubernetes converts it) cannot hold, or a tagged scalar Kubernetes cannot decode.
pub fn from_yaml(text: &str, options: &serde_saphyr::Options) -> Result<Value, YamlError> {
    let text = crate::go_yaml::as_kubernetes_reads(text, options).map_err(YamlError::Scalar)?;
    match serde_saphyr::from_str_with_options::<JsonFromYaml>(&text, options.clone()) {
        Ok(JsonFromYaml(value)) => Ok(value),
        Err(error) => Err(YamlError::Syntax(Box::new(error))),
    }
}

/// A node; `YAML`: read as sigs.k8s.io/yaml reads YAML (floats as Go's `encoding/json` writes them,
/// merge keys as go-yaml v2 applies them).
struct Node<const YAML: bool>(Value);

impl<'de, const YAML: bool> Deserialize<'de> for Node<YAML> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor::<YAML>).map(Node)
    }
}

/// The integer Go's `encoding/json` writes for `value`, if it writes one: a finite float without a
/// fractional part, below 10^21 in magnitude (from there on Go writes an exponent), whose text fits
/// JSON's integer range as serde_json holds it.
///
/// Go writes a float's shortest round-trip digits, padded with zeros, not its exact value: 2^60 is
/// written `1152921504606847000`, and -2^63 as `-9223372036854776000`, which no int64 field takes.
/// Rust's `Display` for `f64` writes the same digits, so the integer is read back from that text.
fn go_integer(value: f64) -> Option<Number> {
    if !value.is_finite() || value.fract() != 0.0 || value.abs() >= 1e21 {
        return None;
    }
    let text = value.to_string();
    if let Ok(signed) = text.parse::<i64>() {
        Some(signed.into())
    } else {
        text.parse::<u64>().ok().map(Number::from)
    }
}

struct NodeVisitor<const YAML: bool>;

impl<'de, const YAML: bool> Visitor<'de> for NodeVisitor<YAML> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML node")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Value, E> {
        match (i64::try_from(value), u64::try_from(value)) {
            (Ok(small), _) => Ok(Value::Number(small.into())),
            (_, Ok(unsigned)) => Ok(Value::Number(unsigned.into())),
            _ => Err(E::custom(format_args!("the integer {value} is out of the range JSON numbers are read in"))),
        }
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Value, E> {
        match u64::try_from(value) {
            Ok(unsigned) => Ok(Value::Number(unsigned.into())),
            Err(_) => Err(E::custom(format_args!("the integer {value} is out of the range JSON numbers are read in"))),
        }
    }

    /// A float JSON cannot hold (`.inf`, `.nan`) becomes `null`, as `serde_json::Value` makes it (the
    /// CLI's YAML reader refuses them before they get here).
    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        if YAML {
            if let Some(integer) = go_integer(value) {
                return Ok(Value::Number(integer));
            }
        }
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(Node::<YAML>(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some((key, Node(value))) = map.next_entry::<String, Node<YAML>>()? {
            if YAML && key == "<<" {
                merge(&mut object, value).map_err(de::Error::custom)?;
            } else {
                object.insert(key, value);
            }
        }
        Ok(Value::Object(object))
    }
}

/// A merge key (`<<`) applied as go-yaml v2 applies it, where it stands among the mapping's
/// entries: the merged mapping's entries replace the keys before it, and the keys after it replace
/// them in turn. From a sequence of mappings, an earlier mapping's entry wins over a later one's.
/// (YAML 1.1's merge type, and serde-saphyr, let every explicit key win wherever it stands.)
fn merge(object: &mut Map<String, Value>, value: Value) -> Result<(), &'static str> {
    const WANT_MAP: &str = "map merge requires map or sequence of maps as the value";
    match value {
        Value::Object(source) => object.extend(source),
        Value::Array(sources) if sources.iter().all(Value::is_object) => {
            for source in sources.into_iter().rev() {
                if let Value::Object(source) = source {
                    object.extend(source);
                }
            }
        }
        _ => return Err(WANT_MAP),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(yaml: &str) -> Value {
        from_yaml(yaml, &crate::documents::yaml_options()).unwrap_or_else(|e| panic!("{yaml:?}: {e:?}"))
    }

    #[test]
    fn the_raw_value_marker_is_an_ordinary_key() {
        assert_eq!(
            read("$serde_json::private::RawValue: 1\nkind: Pod\n"),
            json!({"$serde_json::private::RawValue": 1, "kind": "Pod"})
        );
        assert_eq!(read("$serde_json::private::RawValue: '{}'\n"), json!({"$serde_json::private::RawValue": "{}"}));
        assert_eq!(
            read("- $serde_json::private::RawValue: not json\n"),
            json!([{"$serde_json::private::RawValue": "not json"}])
        );
    }

    #[test]
    fn nodes_read_as_kubernetes_reads_them() {
        assert_eq!(
            read("a: yes\nb: 0755\nc: ~\nd: [1, -2, 1.5, 18446744073709551615]\ne: {}\n"),
            json!({"a": true, "b": 493, "c": null, "d": [1, -2, 1.5, 18446744073709551615u64], "e": {}})
        );
        assert_eq!(read("a: 1\na: 2\n"), json!({"a": 2}), "a repeated key replaces the earlier one");
        assert_eq!(read("1: one\ntrue: t\n"), json!({"1": "one", "true": "t"}), "keys are strings");
    }

    #[test]
    fn plain_scalars_read_as_go_yaml_v2_resolves_them() {
        // Each value as kubectl sends it to the API server (sigs.k8s.io/yaml's JSON).
        let cases = [
            ("tRuE", json!("tRuE")),
            ("yEs", json!("yEs")),
            ("OfF", json!("OfF")),
            ("Y", json!(true)),
            ("n", json!(false)),
            ("0X1F", json!(31)),
            ("0O17", json!(15)),
            ("-0B101", json!(-5)),
            ("1__0", json!(10)),
            ("1_", json!(1)),
            ("0.5_0", json!(0.5)),
            ("1_e3", json!(1000)),
            ("08", json!(8)),
            ("1e400", json!("1e400")),
            ("-0x8000000000000001", json!("-0x8000000000000001")),
            ("0x8000000000000000", json!(9_223_372_036_854_775_808u64)),
            ("NaN", json!("NaN")),
            ("0755", json!(493)),
            ("+0755", json!(493)),
            ("-0o17", json!(-15)),
            ("+0x1F", json!(31)),
            ("-0", json!(0)),
            ("0b-1", json!(-1)),
            (&format!("0b{}", "1".repeat(64)), json!(u64::MAX)),
            ("-0x8000000000000000", json!(i64::MIN)),
            ("0x7FFFFFFFFFFFFFFF", json!(i64::MAX)),
            ("0xFFFFFFFFFFFFFFFF", json!(u64::MAX)),
            ("0o1777777777777777777777", json!(u64::MAX)),
            ("-9223372036854775808", json!(i64::MIN)),
            ("18446744073709551615", json!(u64::MAX)),
            ("_1", json!("_1")),
        ];
        for (text, want) in cases {
            assert_eq!(read(&format!("a: {text}\n"))["a"], want, "{text:?}");
        }
        assert_eq!(
            read("yes: 1\n0x1F: 2\n1.50: 3\n1e6: 4\ntRuE: 5\nx: 6\nn: 7\n"),
            json!({"true": 1, "31": 2, "1.5": 3, "1e+06": 4, "tRuE": 5, "x": 6, "false": 7}),
            "the key `n` is false to go-yaml v2, and `y` true"
        );
        assert!(refused("~: 1\n").contains("is null, which Kubernetes cannot make a JSON key of"));
    }

    #[test]
    fn timestamps_stay_as_written() {
        // go-yaml v2 resolves a plain timestamp to a time, but decoding into `interface{}` (as
        // sigs.k8s.io/yaml does) keeps its text, "for backward compatibility": no RFC 3339 rewrite.
        assert_eq!(
            read("a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\n2002-12-14: key\n"),
            json!({"a": "2001-12-14", "b": "2001-12-14t21:59:43.10-05:00", "2002-12-14": "key"})
        );
        // So does an explicit `!!timestamp` tag, if the text is a timestamp Go's layouts read.
        assert_eq!(read("a: !!timestamp 2001-12-14 21:59:43.10\n"), json!({"a": "2001-12-14 21:59:43.10"}));
        let error = refused("a: !!timestamp 2001-12-14 21:59:43.10 -5\n");
        assert!(error.starts_with("cannot decode !!str `2001-12-14 21:59:43.10 -5` as a !!timestamp"), "{error}");
    }

    #[test]
    fn tagged_scalars_read_as_go_yaml_v2_decodes_them() {
        assert_eq!(
            read("a: !foo 123\nb: !!float 017\nc: !!int \"0X50\"\nd: !!str true\ne: !x\nf: !!binary aGVsbG8=\n!!int 7: k\ng: !!map {h: !!seq [1]}\n"),
            json!({"a": "123", "b": 15, "c": 80, "d": "true", "e": "", "f": "hello", "7": "k", "g": {"h": [1]}})
        );
        let error = refused("hostNetwork: !!bool fAlSe\n");
        assert!(error.starts_with("cannot decode !!str `fAlSe` as a !!bool"), "{error}");
    }

    #[test]
    fn integral_floats_are_integers_as_go_writes_them() {
        let value = read("a: 1.0\nb: -0.0\nc: 1e3\nd: -2.50\ne: 1.5e20\nf: 1e21\ng: 1.0e19\nh: -1.0e19\n");
        assert_eq!(
            value,
            json!({"a": 1, "b": 0, "c": 1000, "d": -2.5, "e": 150000000000000000000.0, "f": 1e21, "g": 10000000000000000000u64, "h": -1e19})
        );
        assert!(value["a"].is_i64() && value["b"].is_i64() && value["c"].is_i64() && value["g"].is_u64());
        assert!(value["e"].is_f64() && value["f"].is_f64() && value["h"].is_f64(), "{value}");
        // Go writes the shortest digits that read back as the float, padded with zeros.
        let value = read("a: 1152921504606846976.0\nb: 9.223372036854775807e18\nc: -9223372036854775809\nd: 1.8446744073709551615e19\n");
        assert_eq!(value["a"], json!(1_152_921_504_606_847_000i64));
        assert_eq!(value["b"], json!(9_223_372_036_854_776_000u64), "2^63 fits uint64 only");
        assert!(value["c"].is_f64(), "-2^63 is written -9223372036854776000, below int64's range: {value}");
        assert!(value["d"].is_f64(), "2^64 is written 18446744073709552000, beyond uint64's range: {value}");
        let JsonNodes(json) = serde_json::from_str(r#"{"a": 1.0, "b": -0, "c": 1e3, "d": [2.0]}"#).unwrap();
        assert!(json["a"].is_f64() && json["b"].is_f64() && json["c"].is_f64() && json["d"][0].is_f64(), "{json}");
    }

    #[test]
    fn merge_keys_apply_where_they_stand_as_in_go_yaml_v2() {
        assert_eq!(read("a: 1\n<<: {a: 2, b: 2}\n"), json!({"a": 2, "b": 2}), "a merge replaces the keys before it");
        assert_eq!(read("<<: {a: 2, b: 2}\na: 1\n"), json!({"a": 1, "b": 2}), "and the keys after it replace it");
        assert_eq!(read("a: 0\n<<: [{a: 1}, {a: 2, b: 2}]\n"), json!({"a": 1, "b": 2}), "earlier mappings win");
        assert_eq!(
            read("base: &b {p: 1, q: 1}\nm:\n  p: 0\n  <<: *b\n  q: 2\n"),
            json!({"base": {"p": 1, "q": 1}, "m": {"p": 1, "q": 2}})
        );
        assert_eq!(read("a: 0\n<<: {<<: {a: 1}, b: 1}\n<<: {b: 2}\n"), json!({"a": 1, "b": 2}), "nested, repeated");
        assert_eq!(read("<<: []\na: 1\n"), json!({"a": 1}));
        // JSON has no merge keys.
        let JsonNodes(json) = serde_json::from_str(r#"{"a": 1, "<<": {"a": 2}}"#).unwrap();
        assert_eq!(json, json!({"a": 1, "<<": {"a": 2}}));
    }

    #[test]
    fn a_merge_of_anything_but_mappings_is_an_error() {
        for yaml in ["<<: 1\n", "a: 1\n<<: [{b: 1}, 2]\n", "<<: ~\n", "m:\n  <<: [[]]\n"] {
            let error = refused(yaml);
            assert!(error.contains("map merge requires map or sequence of maps as the value"), "{yaml:?}: {error}");
        }
    }

    fn refused(yaml: &str) -> String {
        match from_yaml(yaml, &crate::documents::yaml_options()) {
            Ok(value) => panic!("{yaml:?} read as {value}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn what_json_cannot_hold_is_an_error_naming_the_place() {
        let error = refused("a: 1\nf: .inf\n");
        assert!(error.contains(".inf") && error.contains("line 2"), "{error}");
    }

    #[test]
    fn an_integer_beyond_64_bits_is_a_float_as_in_go_yaml() {
        // go-yaml resolves a plain scalar as an int, then a uint, then a float64.
        assert_eq!(read("b: 340282366920938463463374607431768211455\n"), json!({"b": 3.402823669209385e38}));
    }
}

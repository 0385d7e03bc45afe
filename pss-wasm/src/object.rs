//! Objects in from JS: JSON text, bytes or values to bytes; a decoded object's header; and option
//! objects checked for unknown keys.

use std::collections::BTreeMap;

use wasm_bindgen::prelude::*;

use crate::error::{ErrorKind, PssError};

/// The identifying fields of a decoded object, borrowed from it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Meta<'a> {
    pub(crate) kind: Option<&'a str>,
    pub(crate) api_version: Option<&'a str>,
    pub(crate) name: Option<&'a str>,
    pub(crate) namespace: Option<&'a str>,
}

impl<'a> Meta<'a> {
    pub(crate) fn of(header: &'a pss_core::ObjectHeader<'a>) -> Self {
        Meta {
            kind: header.kind(),
            api_version: header.api_version(),
            name: header.name(),
            namespace: header.namespace(),
        }
    }
}

#[wasm_bindgen(module = "/js/decode.js")]
extern "C" {
    /// Writes a JS string as UTF-8 into `into` (js/decode.js: `TextEncoder.encodeInto`, straight into
    /// wasm memory); the number of bytes written. `into` must have room for three bytes per UTF-16
    /// code unit.
    #[wasm_bindgen(js_name = encodeInto)]
    fn encode_into(text: &JsValue, into: &mut [u8]) -> usize;
}

/// The JSON bytes of an object given as text, a `Uint8Array` of UTF-8, or a value (written with
/// `JSON.stringify`). `what` names it in errors (`"the object"`).
pub(crate) fn json_bytes(value: &JsValue, what: &str) -> Result<Vec<u8>, PssError> {
    if value.is_string() {
        // The platform's encoder, writing into wasm memory: several times faster for pod-sized text
        // than wasm-bindgen's character-by-character string passing, and than `TextEncoder.encode`
        // and a copy (a new buffer each time: 590 ns against 90 ns for the 311-byte bench pod).
        let units = value.unchecked_ref::<js_sys::JsString>().length() as usize;
        let mut bytes = vec![0; units * 3];
        let written = encode_into(value, &mut bytes);
        bytes.truncate(written);
        return Ok(bytes);
    }
    if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    let text = js_sys::JSON::stringify(value).map_err(|e| {
        PssError::new(ErrorKind::InvalidInput, format!("cannot write {what} as JSON: {}", describe(&e)))
    })?;
    match text.as_string() {
        Some(text) => Ok(text.into_bytes()),
        None => Err(PssError::new(
            ErrorKind::InvalidInput,
            format!("{what} must be a JSON string, a Uint8Array of JSON, or an object"),
        )),
    }
}

/// The message of a thrown JS value.
fn describe(thrown: &JsValue) -> String {
    match thrown.dyn_ref::<js_sys::Error>() {
        Some(e) => String::from(e.message()),
        None => thrown.as_string().unwrap_or_else(|| "unknown error".to_owned()),
    }
}

/// An options object read by hand (smaller in wasm than a serde deserializer, which would bring
/// float formatting and a generic visitor per type): `undefined` and `null` are "not given", unknown
/// keys are an error, and `what` (`""`, `"exclusions[0]."`) prefixes the field names in messages.
pub(crate) struct Options<'a> {
    object: Option<&'a js_sys::Object>,
    what: &'a str,
}

impl<'a> Options<'a> {
    /// Reads `value` as an options object whose keys must be among `fields`.
    pub(crate) fn new(value: &'a JsValue, fields: &[&str], what: &'a str) -> Result<Self, PssError> {
        if value.is_undefined() || value.is_null() {
            return Ok(Options { object: None, what });
        }
        let object = match value.dyn_ref::<js_sys::Object>() {
            Some(o) if !js_sys::Array::is_array(value) && !value.is_function() => o,
            _ => return Err(invalid_options(format!("{} must be an object", what.trim_end_matches('.').trim_end()))),
        };
        for key in js_sys::Object::keys(object).iter() {
            let key = key.as_string().unwrap_or_default();
            if !fields.contains(&key.as_str()) {
                let expected = fields.join(", ");
                return Err(invalid_options(format!("{what}unknown field {key:?}, expected one of {expected}")));
            }
        }
        Ok(Options { object: Some(object), what })
    }

    /// The value of a field, `None` when absent, `undefined` or `null`.
    pub(crate) fn get(&self, key: &str) -> Option<JsValue> {
        let value = js_sys::Reflect::get(self.object?, &JsValue::from_str(key)).ok()?;
        (!value.is_undefined() && !value.is_null()).then_some(value)
    }

    /// A string field.
    pub(crate) fn string(&self, key: &str) -> Result<Option<String>, PssError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.as_string().map(Some).ok_or_else(|| self.wrong(key, "a string")),
        }
    }

    /// A field holding an array of strings.
    pub(crate) fn strings(&self, key: &str) -> Result<Option<Vec<String>>, PssError> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let Some(array) = v.dyn_ref::<js_sys::Array>() else { return Err(self.wrong(key, "an array of strings")) };
        array
            .iter()
            .map(|item| item.as_string().ok_or_else(|| self.wrong(key, "an array of strings")))
            .collect::<Result<_, _>>()
            .map(Some)
    }

    fn wrong(&self, key: &str, expected: &str) -> PssError {
        invalid_options(format!("{}{key} must be {expected}", self.what))
    }
}

/// An object of strings (labels); `what` names it in errors.
pub(crate) fn string_map(value: &JsValue, what: &str) -> Result<BTreeMap<String, String>, PssError> {
    let wrong = || invalid_options(format!("{what} must be an object of strings"));
    let object = match value.dyn_ref::<js_sys::Object>() {
        Some(o) if !js_sys::Array::is_array(value) => o,
        _ => return Err(wrong()),
    };
    let mut out = BTreeMap::new();
    for entry in js_sys::Object::entries(object).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        match (entry.get(0).as_string(), entry.get(1).as_string()) {
            (Some(k), Some(v)) => out.insert(k, v),
            _ => return Err(wrong()),
        };
    }
    Ok(out)
}

/// An `invalidOptions` error: `invalid options: <message>`.
pub(crate) fn invalid_options(message: String) -> PssError {
    PssError::new(ErrorKind::InvalidOptions, format!("invalid options: {message}"))
}

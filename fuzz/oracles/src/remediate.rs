//! The `remediate` target's oracle: fixes checked by applying their patch independently and
//! evaluating the result again.

use pss_core::remediate::{RemediationError, Remediator, Safety};
use pss_core::{evaluate_object, ObjectDocument};
use serde_json::Value;

use crate::{canonical, has_duplicate_keys, policies};

/// Applies an RFC 6902 patch (the `add`, `replace` and `remove` operations pss writes) to `doc`,
/// written here from the RFC, independently of pss-core's own application. Panics on an operation
/// the RFC does not allow on this document (a missing parent, an index out of range, replacing or
/// removing what is not there).
fn apply_patch(doc: &mut Value, patch: &Value) {
    let operations = patch.as_array().expect("a patch is an array");
    for op in operations {
        let kind = op["op"].as_str().expect("an operation has an op");
        let path = op["path"].as_str().expect("an operation has a path");
        assert!(path.starts_with('/'), "path {path:?} is not a JSON pointer into the document");
        let mut tokens: Vec<String> = path[1..].split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
        let last = tokens.pop().expect("a path has a token");
        let mut parent = &mut *doc;
        for token in &tokens {
            parent = match parent {
                Value::Object(map) => map.get_mut(token.as_str()),
                Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
                _ => None,
            }
            .unwrap_or_else(|| panic!("{kind} {path}: the parent does not exist"));
        }
        let value = || op.get("value").cloned().unwrap_or_else(|| panic!("{kind} {path} has no value"));
        match (kind, parent) {
            ("add", Value::Object(map)) => {
                map.insert(last, value());
            }
            ("add", Value::Array(items)) => {
                let i = if last == "-" { items.len() } else { last.parse().expect("an array index") };
                assert!(i <= items.len(), "add {path}: index out of range");
                items.insert(i, value());
            }
            ("replace", Value::Object(map)) => {
                let slot = map.get_mut(&last).unwrap_or_else(|| panic!("replace {path}: nothing there"));
                *slot = value();
            }
            ("replace", Value::Array(items)) => {
                let slot = last.parse::<usize>().ok().and_then(|i| items.get_mut(i));
                *slot.unwrap_or_else(|| panic!("replace {path}: nothing there")) = value();
            }
            ("remove", Value::Object(map)) => {
                map.remove(&last).unwrap_or_else(|| panic!("remove {path}: nothing there"));
            }
            ("remove", Value::Array(items)) => {
                let i: usize = last.parse().expect("an array index");
                assert!(i < items.len(), "remove {path}: index out of range");
                items.remove(i);
            }
            (kind, _) => panic!("{kind} {path}: not an operation pss writes, or its parent is a scalar"),
        }
    }
}

/// Target `remediate`: JSON bytes as any object, fixed at every policy of [`policies`], with
/// breaking changes and with safe ones only.
///
/// - Fixing never panics and never fails its own proof ([`RemediationError::Unverified`] is a fault).
/// - The evaluation before is the object's evaluation; with safe changes only, every operation is
///   safe; every operation cures at least one violating field.
/// - The patch applied independently (RFC 6902, serde_json's reading of the input) gives the patched
///   document, which evaluates as the fix says (`after`): allowed exactly when fixed, and every
///   violation left is one the fix reports as not cured.
/// - Fixing the patched document again changes nothing.
pub fn remediate(data: &[u8]) {
    let object = ObjectDocument::from_slice(data);
    for lv in policies() {
        for safe_only in [false, true] {
            let fixer = Remediator::new(lv).safe_only(safe_only);
            let fix = match fixer.object(data) {
                Ok(fix) => fix,
                Err(RemediationError::Unverified { remaining }) => {
                    panic!("the fix at {lv} (safe only: {safe_only}) failed its proof: {remaining:?}")
                }
                Err(_) => continue,
            };
            let object = object.as_ref().expect("a fixed document decodes as an object");
            let before = evaluate_object(lv, object).expect("a fixed document is a pod or a pod controller");
            assert_eq!(fix.before(), &before, "the evaluation before differs at {lv}");
            assert_eq!(fix.fixed(), fix.after().allowed());
            if before.allowed() {
                assert!(fix.is_empty() && fix.unfixable().is_empty(), "an allowed object changed at {lv}");
            }
            for op in fix.operations() {
                assert!(!op.cures().is_empty(), "{} cures nothing at {lv}", op.path());
                if safe_only {
                    assert_eq!(op.safety(), Safety::Safe, "{} is not safe", op.path());
                }
            }
            let left: Vec<_> = fix.unfixable().iter().map(|u| (u.check(), u.path().to_string())).collect();
            for v in fix.after().violations() {
                for f in v.fields() {
                    assert!(left.contains(&(v.check(), f.path().to_string())), "{} left but not reported", f.path());
                }
            }
            // From here on, the document as serde_json reads it (not every text pss reads: Go's
            // decoder takes lone surrogate escapes and numbers out of float range, serde_json not).
            let Some(mut value) = canonical(data) else { continue };
            // A fix refuses documents with a repeated key, so serde_json reads this one as pss does.
            assert!(!has_duplicate_keys(data), "a document with a repeated key was fixed");
            let patch: Value = serde_json::from_str(&fix.patch_json()).expect("the patch is JSON");
            apply_patch(&mut value, &patch);
            let patched: Value = serde_json::from_str(&fix.patched_json()).expect("the patched document is JSON");
            assert_eq!(value, patched, "the patch applied independently gives another document at {lv}");
            let text = serde_json::to_vec(&value).unwrap();
            let again = ObjectDocument::from_slice(&text).expect("the patched document decodes");
            let after = evaluate_object(lv, &again).expect("the patched document is still a pod or a pod controller");
            assert_eq!(after.violations(), fix.after().violations(), "the patched document evaluates otherwise");
            let twice = fixer.object(&text).unwrap_or_else(|e| panic!("fixing the fixed document again: {e}"));
            assert!(twice.is_empty(), "a second fix at {lv} changes {}", twice.patch_json());
        }
    }
}

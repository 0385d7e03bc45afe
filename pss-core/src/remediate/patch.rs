//! The changes as an RFC 6902 patch against the document as given: each change becomes an
//! operation at the deepest place that exists (a missing `securityContext` is added whole), the
//! changes that add to the same missing place become one operation. (The planner orders removals
//! from one array last index first, so every operation applies to the document on its own.)

use super::plan::{Fix, Intent};
use super::value::{pointer, ApplyError, OpKind, Segment, Value};
use super::{Cure, Operation, Safety};

/// An operation being built.
struct Draft {
    op: OpKind,
    path: Vec<Segment>,
    value: Option<Value>,
    safety: Safety,
    cures: Vec<Cure>,
    explanations: Vec<String>,
    /// Whether `value` holds objects made for missing places (others may be merged into it).
    made: bool,
}

/// `value` under the keys of `rest`: `{"a": {"b": value}}` for `a`, `b`.
fn nest(rest: &[Segment], value: Value) -> Result<Value, ApplyError> {
    rest.iter().rev().try_fold(value, |inner, seg| match seg {
        Segment::Key(k) => Ok(Value::Object(vec![(k.clone(), inner)])),
        _ => Err(ApplyError),
    })
}

/// Where and how `value` is set at `path` in `doc`.
fn set(doc: &Value, path: &[Segment], value: Value) -> Result<(OpKind, Vec<Segment>, Value, bool), ApplyError> {
    let mut cur = doc;
    for (i, seg) in path.iter().enumerate() {
        let next = match (cur, seg) {
            (Value::Object(_), Segment::Key(k)) => cur.get(k),
            (Value::Array(items), Segment::Index(n)) => Some(items.get(*n).ok_or(ApplyError)?),
            _ => return Err(ApplyError),
        };
        let here = path[..=i].to_vec();
        match next {
            None => return Ok((OpKind::Add, here, nest(&path[i + 1..], value)?, i + 1 < path.len())),
            Some(_) if i + 1 == path.len() => return Ok((OpKind::Replace, here, value, false)),
            Some(Value::Null) => return Ok((OpKind::Replace, here, nest(&path[i + 1..], value)?, true)),
            Some(n @ (Value::Object(_) | Value::Array(_))) => cur = n,
            Some(_) => return Err(ApplyError),
        }
    }
    Err(ApplyError)
}

/// Merges `from` into `into`; the same member set to different values is a conflict.
fn merge(into: &mut Value, from: Value) -> Result<(), ApplyError> {
    match (into, from) {
        (Value::Object(members), Value::Object(more)) => {
            for (k, v) in more {
                match members.iter_mut().find(|(m, _)| *m == k) {
                    Some((_, existing)) => merge(existing, v)?,
                    None => members.push((k, v)),
                }
            }
            Ok(())
        }
        (into, from) if *into == from => Ok(()),
        _ => Err(ApplyError),
    }
}

/// The patch for `fixes`, in their order, against `doc` (the document as given).
pub(super) fn build(doc: &Value, fixes: Vec<Fix>) -> Result<Vec<Operation>, ApplyError> {
    let mut drafts: Vec<Draft> = Vec::new();
    for fix in fixes {
        let (op, path, value, made) = match fix.intent {
            Intent::Set(path, value) => {
                let (op, at, value, made) = set(doc, &path, value)?;
                (op, at, Some(value), made)
            }
            Intent::Remove(path) => {
                doc.at(&path).ok_or(ApplyError)?;
                (OpKind::Remove, path, None, false)
            }
            Intent::Append(path, value) => match doc.at(&path) {
                Some(Value::Array(_)) => {
                    let mut end = path;
                    end.push(Segment::End);
                    (OpKind::Add, end, Some(value), false)
                }
                _ => {
                    let (op, at, value, made) = set(doc, &path, Value::Array(vec![value]))?;
                    (op, at, Some(value), made)
                }
            },
        };
        let same = drafts.iter_mut().find(|d| d.op == op && d.path == path && d.op != OpKind::Remove);
        match (same, value) {
            // Another change to the same place: one operation that makes both.
            (Some(d), Some(value)) if (d.made && made) || d.value.as_ref() == Some(&value) => {
                merge(d.value.as_mut().ok_or(ApplyError)?, value)?;
                d.safety = d.safety.max(fix.safety);
                d.cures.extend(fix.cures);
                if !d.explanations.contains(&fix.explanation) {
                    d.explanations.push(fix.explanation);
                }
            }
            (Some(_), _) => return Err(ApplyError),
            (None, value) => drafts.push(Draft {
                op,
                path,
                value,
                safety: fix.safety,
                cures: fix.cures,
                explanations: vec![fix.explanation],
                made,
            }),
        }
    }
    Ok(drafts
        .into_iter()
        .map(|d| Operation {
            op: d.op,
            path: pointer(&d.path),
            segments: d.path,
            value: d.value,
            safety: d.safety,
            cures: d.cures,
            explanation: d.explanations.join("; "),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.to_owned())
    }

    #[test]
    fn sets_land_at_the_deepest_existing_place() {
        let doc = Value::parse(r#"{"spec":{"securityContext":null,"containers":[{"name":"c"}],"os":{}}}"#).unwrap();
        let path = [key("spec"), key("securityContext"), key("runAsNonRoot")];
        let (op, at, value, made) = set(&doc, &path, Value::from(true)).unwrap();
        assert_eq!(
            (op, pointer(&at), value.to_string(), made),
            (OpKind::Replace, "/spec/securityContext".into(), r#"{"runAsNonRoot":true}"#.into(), true)
        );
        let path = [key("spec"), key("containers"), Segment::Index(0), key("securityContext"), key("privileged")];
        let (op, at, value, _) = set(&doc, &path, Value::from(false)).unwrap();
        assert_eq!(
            (op, pointer(&at), value.to_string()),
            (OpKind::Add, "/spec/containers/0/securityContext".into(), r#"{"privileged":false}"#.into())
        );
        let (op, at, _, made) = set(&doc, &[key("spec"), key("os"), key("name")], Value::from("linux")).unwrap();
        assert_eq!((op, pointer(&at), made), (OpKind::Add, "/spec/os/name".into(), false));
        // A missing container is an error, never a guess.
        assert!(set(&doc, &[key("spec"), key("containers"), Segment::Index(3), key("x")], Value::Null).is_err());
        assert!(set(&doc, &[key("spec"), key("containers"), Segment::Index(0), key("name"), key("x")], Value::Null)
            .is_err());
    }

    #[test]
    fn merges_conflicts_and_equal_values() {
        let mut a = Value::parse(r#"{"x":{"y":1}}"#).unwrap();
        merge(&mut a, Value::parse(r#"{"x":{"z":2},"w":3}"#).unwrap()).unwrap();
        assert_eq!(a.to_string(), r#"{"x":{"y":1,"z":2},"w":3}"#);
        assert!(merge(&mut a, Value::parse(r#"{"x":{"y":2}}"#).unwrap()).is_err());
        assert!(merge(&mut a, Value::parse(r#"{"x":{"y":1}}"#).unwrap()).is_ok());
    }
}

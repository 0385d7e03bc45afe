//! Every message pss words around the checks' own strings: the API server's denial of a pod, what
//! `pss` says of a controller whose pods would be denied, the warnings and audit annotations. Written
//! once here; the CLI, the C ABI and the npm package only pass them on.

use core::fmt::{self, Write};

use crate::level::LevelVersion;
use crate::quote::{decimal, write_go_quoted, DecimalBuf};
use crate::workload::WorkloadKind;

/// Appends `violates PodSecurity "LEVEL:VERSION": DETAIL` (`would violate ...` when `would`).
pub(crate) fn push_violates(out: &mut String, would: bool, lv: LevelVersion, detail: &str) {
    out.push_str(if would { "would violate PodSecurity " } else { "violates PodSecurity " });
    push_level_version(out, lv);
    out.push_str(": ");
    out.push_str(detail);
}

/// Appends `"LEVEL:VERSION"`, quoted as Go's `%q` quotes it: a level and a version are printable
/// ASCII without quotes or backslashes, so the quotes alone (no formatting machinery).
fn push_level_version(out: &mut String, lv: LevelVersion) {
    // Writing into a String cannot fail.
    let _ = write_level_version(out, lv);
}

/// Writes `"LEVEL:VERSION"` as [`push_level_version`] appends it.
fn write_level_version<W: Write + ?Sized>(out: &mut W, lv: LevelVersion) -> fmt::Result {
    out.write_str("\"")?;
    out.write_str(lv.level.as_str())?;
    out.write_str(":")?;
    match lv.version.minor() {
        None => out.write_str("latest")?,
        Some(minor) => {
            out.write_str("v1.")?;
            out.write_str(decimal(minor, &mut DecimalBuf::default()))?;
        }
    }
    out.write_str("\"")
}

/// `would violate PodSecurity "LEVEL:VERSION": DETAIL`: the admission warning and the
/// `audit-violations` annotation.
#[cfg_attr(not(feature = "admission"), allow(dead_code))]
pub(crate) fn would_violate(lv: LevelVersion, detail: &str) -> String {
    let mut out = String::with_capacity(detail.len() + 48);
    push_violates(&mut out, true, lv, detail);
    out
}

/// The denial of what was evaluated, with `forbidden_detail` as `detail`:
///
/// - a pod (or a bare pod spec): the API server's, `pods "NAME" is forbidden: violates PodSecurity
///   "LEVEL:VERSION": DETAIL`;
/// - a pod controller, which the API server never denies but whose pods it would deny, as `pss`
///   words it: `deployments "NAME" (pods it creates would be denied): violates PodSecurity
///   "LEVEL:VERSION": DETAIL`.
///
/// Names are quoted as Go's `%q` quotes them; without a name, the resource alone (`pods is
/// forbidden: ...`, `jobs (pods it creates would be denied): ...`).
pub(crate) fn denial(kind: Option<WorkloadKind>, name: &str, lv: LevelVersion, detail: &str) -> String {
    let mut out = String::with_capacity(DENIAL_HEAD_LEN + name.len() + detail.len());
    push_denial_head(&mut out, kind, name, lv);
    out.push_str(detail);
    out
}

/// Room for a denial's words around the name and the detail: the longest resource, the quotes, the
/// controller's words and `violates PodSecurity "restricted:v1.NN": `.
pub(crate) const DENIAL_HEAD_LEN: usize = 96;

/// Appends a [`denial`] up to its detail: `pods "NAME" is forbidden: violates PodSecurity "LEVEL:VERSION": `.
pub(crate) fn push_denial_head(out: &mut String, kind: Option<WorkloadKind>, name: &str, lv: LevelVersion) {
    // Writing into a String cannot fail.
    let _ = write_denial_head(out, kind, name, lv);
}

/// Writes what [`push_denial_head`] appends, piece by piece, into any writer.
pub(crate) fn write_denial_head<W: Write + ?Sized>(
    out: &mut W,
    kind: Option<WorkloadKind>,
    name: &str,
    lv: LevelVersion,
) -> fmt::Result {
    let controller = kind.filter(|k| *k != WorkloadKind::Pod);
    out.write_str(controller.map_or("pods", WorkloadKind::resource))?;
    if !name.is_empty() {
        out.write_str(" ")?;
        write_go_quoted(out, name)?;
    }
    out.write_str(if controller.is_some() { " (pods it creates would be denied): " } else { " is forbidden: " })?;
    out.write_str("violates PodSecurity ")?;
    write_level_version(out, lv)?;
    out.write_str(": ")
}

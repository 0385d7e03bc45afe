//! Every message pss words around the checks' own strings: the API server's denial of a pod, what
//! `pss` says of a controller whose pods would be denied, the warnings and audit annotations. Written
//! once here; the CLI, the C ABI and the npm package only pass them on.

use crate::level::LevelVersion;
use crate::quote::push_go_quoted;
use crate::workload::WorkloadKind;

/// Appends `violates PodSecurity "LEVEL:VERSION": DETAIL` (`would violate ...` when `would`).
pub(crate) fn push_violates(out: &mut String, would: bool, lv: LevelVersion, detail: &str) {
    out.push_str(if would { "would violate PodSecurity " } else { "violates PodSecurity " });
    push_go_quoted(out, &lv.to_string());
    out.push_str(": ");
    out.push_str(detail);
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
    let controller = kind.filter(|k| *k != WorkloadKind::Pod);
    let resource = controller.map_or("pods", WorkloadKind::resource);
    let mut out = String::with_capacity(resource.len() + name.len() + detail.len() + 80);
    out.push_str(resource);
    if !name.is_empty() {
        out.push(' ');
        push_go_quoted(&mut out, name);
    }
    out.push_str(if controller.is_some() { " (pods it creates would be denied): " } else { " is forbidden: " });
    push_violates(&mut out, false, lv, detail);
    out
}

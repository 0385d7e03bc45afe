//! `restrictedVolumes` (restricted): only configMap, csi, downwardAPI, emptyDir, ephemeral, image,
//! persistentVolumeClaim, projected and secret volumes. Replaces `hostPathVolumes`.

use super::{pluralize, sorted_set, text, CheckId, Ctx, Piece};
use crate::model::{PodView, ALLOWED_VOLUME_SOURCES, VOLUME_SOURCES};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[0];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut names = Vec::new();
    let mut types = Vec::new();
    let mut fields = Vec::new();
    for (i, (name, sources)) in pod.volumes().enumerate() {
        if sources & ALLOWED_VOLUME_SOURCES != 0 {
            continue;
        }
        names.push(name);
        // The first restricted source in upstream's order names the type; none is "unknown".
        match sources.trailing_zeros() as usize {
            bit if bit < VOLUME_SOURCES.len() => {
                types.push(VOLUME_SOURCES[bit]);
                fields.push(FieldViolation::new(
                    ctx.spec_item("volumes", i, VOLUME_SOURCES[bit]),
                    FieldValue::Object,
                    None,
                ));
            }
            _ => {
                types.push("unknown");
                fields.push(FieldViolation::new(ctx.spec_item("volumes", i, ""), FieldValue::Object, None));
            }
        }
    }
    if names.is_empty() {
        return None;
    }
    let types = sorted_set(types);
    Some(Violation::new(
        CheckId::RestrictedVolumes,
        "restricted volume types",
        text(&[
            Piece::Counted("volume", "volumes", &names),
            Piece::Str(" "),
            Piece::Str(pluralize("uses", "use", names.len())),
            Piece::Str(" "),
            Piece::Counted("restricted volume type", "restricted volume types", &types),
        ]),
        fields,
    ))
}

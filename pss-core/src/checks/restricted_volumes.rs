//! `restrictedVolumes` (restricted): only configMap, csi, downwardAPI, emptyDir, ephemeral, image,
//! persistentVolumeClaim, projected and secret volumes. Replaces `hostPathVolumes`.

use super::{pluralize, sorted_unique, CheckId, Names, Noun, Piece, Rec};
use crate::facts::{PathFact, ValueFact};
use crate::model::{PodView, ALLOWED_VOLUME_SOURCES, VOLUME_SOURCES};

pub(super) const SINCE: &[u64] = &[0];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, r: &mut Rec) {
    let mut names = Names::new();
    let mut types = Names::new();
    for (i, (name, sources)) in pod.volumes().enumerate() {
        if sources & ALLOWED_VOLUME_SOURCES != 0 {
            continue;
        }
        names.push(name);
        // The first restricted source in upstream's order names the type; none is "unknown".
        match sources.trailing_zeros() as usize {
            bit if bit < VOLUME_SOURCES.len() => {
                types.push(VOLUME_SOURCES[bit]);
                r.field(PathFact::spec_item("volumes", i, VOLUME_SOURCES[bit]), ValueFact::Object, None);
            }
            _ => {
                types.push("unknown");
                r.field(PathFact::spec_item("volumes", i, ""), ValueFact::Object, None);
            }
        }
    }
    if names.is_empty() {
        return;
    }
    let n = sorted_unique(types.as_mut_slice());
    r.violation(
        CheckId::RestrictedVolumes,
        "restricted volume types",
        &[
            Piece::Counted(Noun::Volume, names.as_slice()),
            Piece::Str(" "),
            Piece::Str(pluralize("uses", "use", names.len())),
            Piece::Str(" "),
            Piece::Counted(Noun::RestrictedVolumeType, &types.as_slice()[..n]),
        ],
    );
}

//! `hostPathVolumes` (baseline): no `hostPath` volumes.

use super::{CheckId, Names, Noun, Piece, Rec};
use crate::facts::{PathFact, ValueFact};
use crate::model::{PodView, HOST_PATH};

pub(super) const SINCE: &[u64] = &[0];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, r: &mut Rec) {
    let mut names = Names::new();
    for (i, (name, sources)) in pod.volumes().enumerate() {
        if sources & HOST_PATH != 0 {
            names.push(name);
            r.field(PathFact::spec_item("volumes", i, "hostPath"), ValueFact::Object, None);
        }
    }
    if names.is_empty() {
        return;
    }
    r.violation(CheckId::HostPathVolumes, "hostPath volumes", &[Piece::Counted(Noun::Volume, names.as_slice())]);
}

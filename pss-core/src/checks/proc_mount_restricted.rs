//! `procMount_restricted` (restricted, v1.35+): keeps the unconditional `procMount` rule at restricted
//! once baseline relaxes it for user-namespace pods. Replaces `procMount`.

use super::proc_mount::default_proc_mount_only;
use super::{CheckId, Rec};
use crate::model::PodView;

pub(super) const SINCE: &[u64] = &[35];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, r: &mut Rec) {
    default_proc_mount_only(CheckId::ProcMountRestricted, pod, r)
}

//! `sysctls` (baseline): only the safe, namespaced sysctls; the list grows at v1.27, v1.29, v1.32 and v1.37.

use super::{CheckId, Piece, Rec, Spans};
use crate::facts::{PathFact, ValueFact};
use crate::model::PodView;

pub(super) const SINCE: &[u64] = &[0, 27, 29, 32, 37];

/// Each safe sysctl and the version that allowed it.
const SAFE: [(&str, u64); 14] = [
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
    ("net.ipv4.tcp_slow_start_after_idle", 37),
    ("net.ipv4.tcp_notsent_lowat", 37),
];

pub(super) fn allowed(name: &str, minor: u64) -> bool {
    SAFE.iter().any(|&(safe, since)| safe == name && minor >= since)
}

pub(super) fn check<P: PodView>(pod: &P, minor: u64, r: &mut Rec) {
    let mut forbidden = Spans::new();
    for (i, name) in pod.sysctls().enumerate() {
        if !allowed(name, minor) {
            let value = r.name(name);
            forbidden.push(value);
            r.field(PathFact::spec_item("securityContext.sysctls", i, "name"), ValueFact::Str(value), None);
        }
    }
    if forbidden.is_empty() {
        return;
    }
    r.violation(CheckId::Sysctls, "forbidden sysctls", &[Piece::JoinedSpans(forbidden.as_slice())]);
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_change_version_is_listed() {
        for (_, since) in super::SAFE {
            assert!(super::SINCE.contains(&since));
        }
    }
}

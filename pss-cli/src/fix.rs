//! `pss fix`: the smallest change that makes each workload in the manifests pass a level, as
//! pss-core's remediation finds and proves it, written into the manifests' own text.

pub(crate) mod cst;
pub mod edit;

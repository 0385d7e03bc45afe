//! Fuzz target `pod_json`: see pss_fuzz_oracles::pod_json for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pss_fuzz_oracles::pod_json(data));

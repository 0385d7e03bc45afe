//! Fuzz target `remediate`: see pss_fuzz_oracles::remediate for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pss_fuzz_oracles::remediate(data));

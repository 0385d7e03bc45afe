//! Fuzz target `capi`: see pss_fuzz_oracles::capi for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pss_fuzz_oracles::capi(data));

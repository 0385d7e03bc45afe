//! Fuzz target `manifest_stream`: see pss_fuzz_oracles::manifest_stream for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pss_fuzz_oracles::manifest_stream(data));

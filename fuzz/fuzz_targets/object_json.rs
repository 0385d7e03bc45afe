//! Fuzz target `object_json`: see pss_fuzz_oracles::object_json for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pss_fuzz_oracles::object_json(data));

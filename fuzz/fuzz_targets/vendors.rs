//! See `permspec::fuzzing::run_target("vendors", ...)` for what this target
//! feeds and checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    permspec::fuzzing::run_target("vendors", data);
});

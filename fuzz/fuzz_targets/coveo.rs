//! The Coveo response parser (both response shapes: `targetId`/`level`
//! and the legacy `targetIds`/`global`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    permspec::fuzzing::run_target("coveo", data);
});

//! The spec loader: any bytes, planned as a spec file, must give entries
//! (cases or broken cases), never a panic, a hang or an abort.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    permspec::fuzzing::run_target("spec", data);
});

//! The fixture reader: a fixture file's bytes, parsed and replayed through
//! the provider it names.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    permspec::fuzzing::run_target("fixture", data);
});

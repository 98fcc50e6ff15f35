//! The fixture manifest (`confirmations.json`): any bytes as a fixtures
//! folder's manifest, and a fixture's `recorded_at` after the first NUL,
//! read, replayed with and without it, and updated; a manifest only ever
//! makes a fixture younger, and a broken one confirms nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    permspec::fuzzing::run_target("confirmations", data);
});

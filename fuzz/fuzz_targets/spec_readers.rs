//! The spec's two readers: whenever the fast event reader reads a spec
//! from these bytes, serde-saphyr must read the same spec, positions
//! included (a second meaning for one file would be a false pass waiting).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    permspec::fuzzing::spec_readers_agree(data);
});

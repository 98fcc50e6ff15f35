//! A probe's refusal, explained: any body and `X-Accepted-GitHub-Permissions`
//! value give one short line each, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    permspec::fuzzing::run_target("probe", data);
});

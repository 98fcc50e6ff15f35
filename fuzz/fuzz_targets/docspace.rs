//! The DocSpace response parsers. The first byte picks the provider; the
//! rest is the response body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    permspec::fuzzing::run_target("docspace", data);
});

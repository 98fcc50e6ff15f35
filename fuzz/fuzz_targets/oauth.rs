//! OAuth-shaped answers: the same bytes as an RFC 7662 introspection body,
//! as a generic `http` JSON body (privileges at `/scopes`), and, read as
//! UTF-8, as a JWT access token decoded offline.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    permspec::fuzzing::run_target("oauth", data);
});

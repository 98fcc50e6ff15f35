//! OAuth-shaped answers: the same bytes as an RFC 7662 introspection body,
//! as a generic `http` JSON body (privileges at `/scopes`), and, read as
//! UTF-8, as a JWT access token decoded offline.
#![no_main]

use libfuzzer_sys::fuzz_target;
use permspec::fuzzing::{decode_jwt, parse_response};

fuzz_target!(|data: &[u8]| {
    let _ = parse_response("oauth2-introspection", data);
    let _ = parse_response("http", data);
    let _ = decode_jwt(&String::from_utf8_lossy(data));
});

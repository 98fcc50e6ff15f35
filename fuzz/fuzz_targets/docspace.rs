//! The DocSpace response parsers. The first byte picks the provider; the
//! rest is the response body.
#![no_main]

use libfuzzer_sys::fuzz_target;

const PROVIDERS: &[&str] = &[
    "docspace",
    "docspace-account",
    "docspace-permissions",
    "docspace-scopes",
];

fuzz_target!(|data: &[u8]| {
    let Some((first, body)) = data.split_first() else {
        return;
    };
    let provider = PROVIDERS[usize::from(*first) % PROVIDERS.len()];
    let _ = permspec::fuzzing::parse_response(provider, body);
});

//! A probe's refusal, explained: any body and `X-Accepted-GitHub-Permissions`
//! value give one short line each, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (header, body) = text.split_once('\u{0}').unwrap_or(("", &text));
    let header = (!header.is_empty()).then_some(header);
    let (message, needs) = permspec::fuzzing::probe_explain(body, header);
    for line in message.iter().chain(needs.iter()) {
        assert!(line.chars().count() <= 201, "{line}");
        assert!(!line.chars().any(char::is_control), "{line:?}");
    }
});

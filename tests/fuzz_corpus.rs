//! Every committed fuzz corpus input, replayed on the stable toolchain
//! through the fuzz targets' own entry point (`permspec::fuzzing::
//! run_target`), so a regression on an input the fuzzers once found
//! interesting fails `cargo test`, not only a fuzzing session.

use permspec::fuzzing::{TARGETS, run_target};

#[test]
fn every_corpus_input_runs_through_its_target() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut replayed = 0;
    for target in TARGETS {
        let dir = root.join(target);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e} (every target has a corpus)", dir.display()));
        let mut inputs = 0;
        for entry in entries {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            run_target(target, &data);
            inputs += 1;
        }
        assert!(inputs > 0, "the {target} corpus is empty");
        replayed += inputs;
    }
    // Every target in fuzz/fuzz_targets/ is one `run_target` knows.
    let targets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    for entry in std::fs::read_dir(targets).unwrap() {
        let name = entry.unwrap().path();
        let stem = name.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            TARGETS.contains(&stem.as_str()),
            "{stem} is not in fuzzing::TARGETS"
        );
    }
    assert!(replayed >= TARGETS.len());
}

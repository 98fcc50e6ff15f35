#!/usr/bin/env bash
# permspec on the newest versions of its dependencies, as a consumer gets
# them: a consumer's build resolves permspec's dependencies afresh and
# never reads our Cargo.lock, so a deprecation in a new release (rustls
# 0.23.48 deprecated the ring provider) reaches them as a warning before
# it reaches us. This copies the tracked sources (not fuzz/, its own
# package) to a temporary folder, runs `cargo update` there, and denies
# every warning of permspec's own code with and without the default
# features, on every target (lib, binary, tests, benches, examples).
#
#   bash scripts/newest-deps.sh
#
# "Newest" is the newest each semver range allows that the installed
# toolchain builds: the update resolves as if the package's rust-version
# were this rustc's (Cargo's MSRV-aware resolver otherwise holds back
# what needs more than 1.88), then the manifest is put back as written,
# so the lints run against our real rust-version.
#
# The checks are `cargo clippy ... -- -D warnings`: rustc's warnings
# (deprecations included) and clippy's, denied for permspec alone.
# `RUSTFLAGS=-D warnings` would deny the same in our code, but it also
# changes every dependency's fingerprint, so nothing from the earlier
# steps could be reused; sharing target/ keeps this step to the crates
# whose version moved.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

work=$(mktemp -d "${TMPDIR:-/tmp}/permspec-newest.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$ROOT" && git ls-files -z -- . ':!:fuzz' | tar --null -T - -cf - 2>/dev/null) | tar -xf - -C "$work"

cd "$work"
cp Cargo.toml Cargo.toml.as-written
rustc=$(rustc --version | awk '{print $2}' | cut -d. -f1,2)
sed -i "s/^rust-version = .*/rust-version = \"$rustc\"/" Cargo.toml
echo "# cargo update (resolving for rustc $rustc)"
cargo update 2>&1 | grep -E '^ +(Updating|Adding|Removing|Downgrading) ' | tee "$work/moved" || true
echo "# $(grep -c Updating "$work/moved" || true) crates newer than Cargo.lock"
mv Cargo.toml.as-written Cargo.toml

echo "# cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings
echo "# cargo clippy --all-targets --no-default-features -- -D warnings"
cargo clippy --all-targets --no-default-features --quiet -- -D warnings
echo "ok - permspec builds without a warning on the newest dependencies"

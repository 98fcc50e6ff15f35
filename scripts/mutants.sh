#!/usr/bin/env bash
# Mutation testing of the code a verdict depends on, with cargo-mutants
# (installed here when missing: `cargo install --locked cargo-mutants`).
#
#   bash scripts/mutants.sh [FILE...]
#   MUTANTS_TESTS="--lib --test probes" MUTANTS_RE="probe" bash scripts/mutants.sh FILE...
#
# The rule engine (TESTING.md records its last run, about an hour):
#
#   MUTANTS_TESTS="--lib --test model --test properties" bash scripts/mutants.sh \
#     src/compare.rs src/privilege/{mod,glob,index,docspace,roles,coveo,vault}.rs
#
# The other families (about 25 minutes) and the providers' parsers (about
# 30, without the functions that only word error messages):
#
#   MUTANTS_TESTS="--lib --test model --test properties --test kubernetes" bash scripts/mutants.sh \
#     src/privilege/{kubernetes,kubernetes_check,catalog,coveo_catalog}.rs
#   MUTANTS_TESTS="--lib --test providers --test vendors --test oauth --test permissions" \
#   MUTANTS_EXCLUDE_RE='explain_status|explain_login_status|generic_status|vendor_status|kind -> |impl From<' \
#     bash scripts/mutants.sh src/provider/{mod,coveo,docspace,docspace_account,docspace_catalog,github,gitlab,google,introspection,jwt,slack}.rs
#
# Default files: the Vault and Kubernetes parsers and the listed-places
# check. Each mutant is built and judged by the unit tests and the two
# providers' loopback tests; the results land in target/mutants/mutants.out
# (caught.txt, missed.txt, unviable.txt, timeout.txt). Not run by CI: at
# about 10 to 20 s a mutant on 2 cores, the default set takes about 30
# minutes. Mutants build with the `mutants` profile (.cargo/mutants.toml,
# Cargo.toml): the test profile without debug info, which links faster.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants
files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
  files=(src/provider/vault.rs src/provider/kubernetes.rs src/plan/listed.rs)
fi
args=()
for f in "${files[@]}"; do args+=(--file "$f"); done
# Only the mutants whose name matches (a function, say), when set.
if [[ -n ${MUTANTS_RE:-} ]]; then args+=(--re "$MUTANTS_RE"); fi
# And not those whose name matches this, when set.
if [[ -n ${MUTANTS_EXCLUDE_RE:-} ]]; then args+=(--exclude-re "$MUTANTS_EXCLUDE_RE"); fi
# shellcheck disable=SC2086 # a list of cargo test arguments
cargo mutants "${args[@]}" --output target/mutants -- ${MUTANTS_TESTS:---lib --test vault --test kubernetes}

# Shared by the shell suites (tests/sarif, tests/html, tests/schema):
# `check NAME COMMAND...` runs the command and prints `ok - NAME` or
# `not ok - NAME`; `finish` prints the counts and fails when one failed.
passed=0 failed=0
check() {
  local name=$1
  shift
  if "$@"; then
    echo "ok - $name"
    passed=$((passed + 1))
  else
    echo "not ok - $name"
    failed=$((failed + 1))
  fi
}
finish() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}

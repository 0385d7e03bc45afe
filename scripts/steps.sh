# Step counting for the test scripts (sourced, not run; leaves `set -e` alone, since a failed step must
# not stop the others).
#   step NAME COMMAND...   runs COMMAND, counts it passed or failed under NAME
#   finish PART            prints the failed steps and "PART: N passed, M failed"; returns non-zero on a failure

passed=0
failed=0
failures=()

step() {
  local name="$1"
  shift
  printf '\n== %s\n' "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf '!! FAILED: %s\n' "$name"
  fi
}

finish() {
  if ((failed)); then
    printf '\nfailed steps:\n'
    printf '  - %s\n' "${failures[@]}"
  fi
  printf '\n%s: %d passed, %d failed\n' "$1" "$passed" "$failed"
  ((failed == 0))
}

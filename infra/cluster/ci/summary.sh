#!/usr/bin/env bash
# Writes a job's outcome to the GitHub Actions job summary: passed or failed, and the last lines of
# the given logs (the smoke test's steps, the test runner's failures, the cluster's state).
#   summary.sh NAME STATUS [LOG...]
set -uo pipefail
name="${1:?usage: summary.sh NAME STATUS [LOG...]}"
status="${2:?usage: summary.sh NAME STATUS [LOG...]}"
shift 2
out="${GITHUB_STEP_SUMMARY:-/dev/stdout}"
if [[ "$status" == success ]]; then
  printf '### %s: passed\n' "$name" >>"$out"
else
  printf '### %s: %s\n' "$name" "${status^^}" >>"$out"
fi
for log in "$@"; do
  [[ -s "$log" ]] || continue
  {
    printf '\n<details><summary>%s (last 60 lines)</summary>\n\n```\n' "$log"
    tail -n 60 "$log" | sed 's/\x1b\[[0-9;]*m//g'
    printf '```\n</details>\n'
  } >>"$out"
done

#!/usr/bin/env bash
# Runs one client test after checking that the tools it needs are there:
#
#   client_test.sh --need PATH [--need PATH ...] -- command args...
#
# A missing tool (not an executable file, or for a folder not a folder) is a
# skip (exit 77, reported as skipped by ctest) on a developer's machine that
# lacks it, and a failure under CI (CI set), where ./kam installs everything
# and a missing tool means an install step is broken.
set -euo pipefail

missing=()
while (($# > 0)) && [[ "$1" == --need ]]; do
  [[ -x "$2" ]] || missing+=("$2")
  shift 2
done
[[ "${1:-}" == -- ]] || { echo "usage: client_test.sh --need PATH ... -- command..." >&2; exit 2; }
shift

if ((${#missing[@]} > 0)); then
  echo "client_test.sh: missing ${missing[*]}: ./kam build installs it" >&2
  if [[ -n "${CI:-}" ]]; then
    echo "client_test.sh: CI is set: failing rather than skipping" >&2
    exit 1
  fi
  exit 77
fi
exec "$@"

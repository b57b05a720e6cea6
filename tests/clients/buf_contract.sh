#!/usr/bin/env bash
# The API contract of protos/, checked with buf (buf.yaml at the repository
# root says which rules; docs/api.md says why).
#
#   buf_contract.sh lint     [root]  buf lint: style of every .proto, and the
#                                    language options every file sets
#   buf_contract.sh breaking [root]  buf breaking against the released API,
#                                    the committed image protos/released/kam-v1.binpb
#   buf_contract.sh detects          the breaking check run on copies of the
#                                    repository's protos: a compatible change
#                                    passes, an incompatible one fails
#   buf_contract.sh release          rewrite the baseline image from protos/
#                                    (run on a release, commit the image)
#
# root defaults to the repository holding this script. buf is the one npm
# installs into clients/node (pinned in its package-lock.json); BUF overrides.
# The baseline is a committed file, not a git tag or merge base, so the check
# needs no history: CI runs on a fresh clone.
#
# Exit codes: 0 success, 1 a check failed, 77 buf is missing (ctest reports
# the test skipped), except under CI (CI set), where a missing buf fails.
set -euo pipefail

readonly REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly BUF="${BUF:-${REPO}/clients/node/node_modules/.bin/buf}"
readonly BASELINE=protos/released/kam-v1.binpb

if [[ ! -x "$BUF" ]]; then
  echo "buf_contract.sh: no buf at ${BUF}: ./kam build installs it (npm ci in clients/node)" >&2
  [[ -n "${CI:-}" ]] && exit 1
  exit 77
fi

# buf's rules do not ask for language options; docs/api.md lists the ones
# every file sets, and go_package must name the file's own folder.
check_options() {
  local root="$1" file option dir status=0
  while IFS= read -r file; do
    for option in csharp_namespace go_package java_multiple_files java_outer_classname \
      java_package objc_class_prefix php_namespace ruby_package; do
      if ! grep -q "^option ${option} = " "${root}/protos/${file}"; then
        echo "protos/${file}: no option ${option} (docs/api.md, \"Language options\")"
        status=1
      fi
    done
    dir="$(dirname "$file")"
    if ! grep -q "^option go_package = \"github.com/kam-suite/kam/clients/go/gen/${dir};" \
      "${root}/protos/${file}"; then
      echo "protos/${file}: go_package is not github.com/kam-suite/kam/clients/go/gen/${dir};<name>"
      status=1
    fi
  done < <(cd "${root}/protos" && find kam -name '*.proto' | sort)
  return "$status"
}

breaking() {
  local root="$1"
  (cd "$root" && "$BUF" breaking --against "$BASELINE")
}

# Copies buf.yaml, protos/ and the baseline into a fresh folder; prints it.
copy_workspace() {
  local copy
  copy="$(mktemp -d)"
  cp "${REPO}/buf.yaml" "$copy/"
  cp -r "${REPO}/protos" "$copy/"
  printf '%s\n' "$copy"
}

# Applies one edit to a copy of the protos and runs the breaking check on it.
# Prints buf's findings; returns buf's exit code.
check_edit() {
  local file="$1" from="$2" to="$3" copy status=0
  copy="$(copy_workspace)"
  grep -qF -- "$from" "${copy}/${file}" || {
    echo "buf_contract.sh: '${from}' not found in ${file}: update this test" >&2
    rm -rf "$copy"
    return 2
  }
  sed -i "s|${from}|${to}|" "${copy}/${file}"
  breaking "$copy" || status=$?
  rm -rf "$copy"
  return "$status"
}

detects() {
  local output status
  # Compatible: a new field with a new number.
  if ! output="$(check_edit protos/kam/type/v1/money.proto \
    '  int64 minor_units = 2;' '  int64 minor_units = 2;\n  // Added.\n  string note = 3;' 2>&1)"; then
    echo "FAIL: adding a field was reported as breaking:" >&2
    echo "$output" >&2
    return 1
  fi
  echo "ok: adding a field passes the breaking check"
  # Incompatible: a field's type changed (the break of RuleSetting.start and
  # .full, double to int64, that this check exists to stop).
  status=0
  output="$(check_edit protos/kam/type/v1/money.proto \
    '  int64 minor_units = 2;' '  double minor_units = 2;' 2>&1)" || status=$?
  if ((status == 0)) || ! grep -q 'FIELD_SAME_TYPE\|changed type' <<<"$output"; then
    echo "FAIL: changing Money.minor_units from int64 to double was not reported (exit ${status}):" >&2
    echo "$output" >&2
    return 1
  fi
  echo "ok: changing a field's type fails the breaking check:"
  echo "$output"
  # Incompatible: a field removed without reserving its number.
  status=0
  output="$(check_edit protos/kam/type/v1/money.proto '  int64 minor_units = 2;' '' 2>&1)" || status=$?
  if ((status == 0)); then
    echo "FAIL: removing Money.minor_units was not reported" >&2
    return 1
  fi
  echo "ok: removing a field fails the breaking check:"
  echo "$output"
}

case "${1:-}" in
  lint)
    cd "${2:-$REPO}"
    status=0
    "$BUF" lint || status=1
    check_options . || status=1
    ((status == 0)) || exit 1
    echo "buf lint: protos/ clean; every file sets its language options"
    ;;
  breaking) breaking "${2:-$REPO}" && echo "buf breaking: protos/ compatible with ${BASELINE}" ;;
  detects) detects ;;
  release)
    cd "$REPO"
    "$BUF" build --exclude-source-info -o "$BASELINE"
    echo "wrote ${BASELINE}: commit it with the release"
    ;;
  *)
    echo "usage: buf_contract.sh lint|breaking [root] | detects | release" >&2
    exit 2
    ;;
esac

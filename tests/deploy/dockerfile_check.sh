#!/usr/bin/env bash
# Checks deploy/docker/Dockerfile offline (there is no Docker engine on the CI
# machines): its base images are pinned, it builds with ./kam (one package
# list, one set of build steps) and keeps no package list of its own, and
# runtime-packages.sh finds the Debian packages of the binaries just built.
# Usage: dockerfile_check.sh <repository root> <binary>...
set -euo pipefail

root="${1:?usage: dockerfile_check.sh <repository root> <binary>...}"
shift
dockerfile="$root/deploy/docker/Dockerfile"
failed=0
fail() {
  echo "FAIL: $*"
  failed=1
}

# Every FROM names an image at an exact tag (not `latest`, not a bare name)
# or a digest; `FROM <stage>` would be an earlier stage's name.
while read -r _ image _; do
  if [[ "$image" != *@sha256:* ]] && [[ "$image" != *:* || "$image" == *:latest ||
    "$image" =~ :(bookworm|bookworm-slim|12|12-slim|stable|stable-slim)$ ]]; then
    fail "$dockerfile: base image $image is not pinned (exact tag or digest)"
  fi
done < <(grep -E '^FROM ' "$dockerfile")

grep -qE '^RUN .*\./kam build' "$dockerfile" ||
  fail "$dockerfile does not build with ./kam build"
# No apt-get install with package names of its own: the build's come from
# ./kam, the runtime's from runtime-packages.sh.
if grep -A3 'apt-get install' "$dockerfile" | grep -qE '(^|[[:space:]])(lib[a-z0-9+.-]+|build-essential|cmake)([[:space:]]|\\|$)'; then
  fail "$dockerfile lists packages of its own; ./kam's PACKAGES is the one list"
fi

if packages="$("$root/deploy/docker/runtime-packages.sh" "$@")"; then
  for package in libgrpc++1.51 libprotobuf32 libmysqlcppconn7v5; do
    grep -qxF "$package" <<<"$packages" ||
      fail "runtime-packages.sh does not find $package among: $(tr '\n' ' ' <<<"$packages")"
  done
else
  fail "runtime-packages.sh failed on $*"
fi

((failed)) || echo "ok: $dockerfile"
exit "$failed"

#!/bin/bash
# Prints, one a line, the Debian packages that hold the shared libraries the
# given binaries link (ldd, then dpkg -S), so the image's runtime stage
# installs exactly what the build linked and no second package list has to be
# kept in step with ./kam's. Fails when a library belongs to no package (a
# library built by hand would be missing from the image).
# Usage: runtime-packages.sh <binary>...
set -euo pipefail

(($# > 0)) || { echo "usage: runtime-packages.sh <binary>..." >&2; exit 2; }

ldd "$@" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u |
  while read -r library; do
    # Debian 12 merges /lib into /usr/lib, and a package registers one of
    # the two paths: try the path ldd printed, then the other, then the file
    # the symlink leads to.
    owner=""
    for candidate in "$library" "/usr${library}" "${library#/usr}" "$(readlink -f "$library")"; do
      if owner="$(dpkg-query --search "$candidate" 2>/dev/null)"; then
        break
      fi
      owner=""
    done
    if [[ -z "$owner" ]]; then
      echo "runtime-packages.sh: no Debian package holds $library" >&2
      exit 1
    fi
    # "libgrpc++1.51:amd64: /usr/lib/..." -> "libgrpc++1.51"
    printf '%s\n' "${owner%%:*}"
  done | sort -u

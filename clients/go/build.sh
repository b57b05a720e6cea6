#!/usr/bin/env bash
# Generates the Go stubs of protos/ and builds the Go client and its example,
# offline, with Debian's Go toolchain and packages:
#
#   clients/go/build.sh OUT
#
# OUT/gopath/src/github.com/kam-suite/kam/clients/go/ receives the generated
# stubs (gen/kam/...) and a copy of this module's own packages; the example
# lands in OUT/bin/account-example. The build runs in GOPATH mode
# (GO111MODULE=off) with Debian's golang-google-grpc-dev and
# golang-google-protobuf-dev from /usr/share/gocode, so nothing is downloaded
# (GOPROXY=off); stubs come from Debian's protoc, protoc-gen-go and
# protoc-gen-go-grpc. The stubs are generated, not committed: protos/ is the
# one source, and regenerating costs a second.
set -euo pipefail

readonly HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly PROTOS="${HERE}/../../protos"
readonly IMPORT_PATH=github.com/kam-suite/kam/clients/go
(($# == 1)) || { echo "usage: build.sh OUT" >&2; exit 2; }
mkdir -p "$1"
readonly OUT="$(cd "$1" && pwd)"
readonly PACKAGE_DIR="${OUT}/gopath/src/${IMPORT_PATH}"

for tool in go protoc protoc-gen-go protoc-gen-go-grpc; do
  command -v "$tool" >/dev/null || {
    echo "build.sh: ${tool} not found (./kam build installs golang-go, protoc-gen-go, protoc-gen-go-grpc)" >&2
    exit 1
  }
done

rm -rf "$PACKAGE_DIR"
mkdir -p "${PACKAGE_DIR}/gen" "${OUT}/bin"
(cd "$PROTOS" && find kam -name '*.proto' -print0 | sort -z |
  xargs -0 protoc -I . \
    --go_out="${PACKAGE_DIR}/gen" --go_opt=paths=source_relative \
    --go-grpc_out="${PACKAGE_DIR}/gen" --go-grpc_opt=paths=source_relative)
cp -r "${HERE}/kam" "${HERE}/examples" "${HERE}/go.mod" "$PACKAGE_DIR/"

export GO111MODULE=off GOPROXY=off GOFLAGS= GOTOOLCHAIN=local
export GOPATH="${OUT}/gopath:/usr/share/gocode"
export GOCACHE="${OUT}/cache"
cd "$PACKAGE_DIR"
go vet ./kam ./examples/...
go build -o "${OUT}/bin/account-example" ./examples/account
echo "built ${OUT}/bin/account-example"

// The Go client of the KAM suite. The stubs under gen/ are generated from
// protos/ by build.sh (they are not committed). build.sh builds in GOPATH
// mode against Debian's Go packages (/usr/share/gocode), offline; a module
// build elsewhere resolves the requirements below as usual.
module github.com/kam-suite/kam/clients/go

go 1.19

require (
	google.golang.org/grpc v1.33.3
	google.golang.org/protobuf v1.28.1
)

// Package kam opens connections to the services of the KAM suite: TLS
// trusting the suite's CA, and the bearer token on every call.
package kam

import (
	"context"
	"fmt"
	"os"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// bearer puts "authorization: Bearer <token>" on every call. It refuses to
// travel over a plaintext connection, where anyone on the path could read it.
type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}

func (bearer) RequireTransportSecurity() bool { return true }

// Dial connects to one service (host:port). With caFile, over TLS trusting
// that CA (PEM) and, with token, sending it on every call; without caFile,
// plaintext (a suite run with --secure=false) and no token.
func Dial(address, caFile, token string, options ...grpc.DialOption) (*grpc.ClientConn, error) {
	if caFile == "" {
		if token != "" {
			return nil, fmt.Errorf("kam.Dial %s: a token needs TLS: give the CA file too", address)
		}
		return grpc.Dial(address, append(options, grpc.WithInsecure())...)
	}
	tls, err := credentials.NewClientTLSFromFile(caFile, "")
	if err != nil {
		return nil, fmt.Errorf("kam.Dial %s: CA file: %w", address, err)
	}
	options = append(options, grpc.WithTransportCredentials(tls))
	if token != "" {
		options = append(options, grpc.WithPerRPCCredentials(bearer(token)))
	}
	return grpc.Dial(address, options...)
}

// DialFromEnv connects to one service ("ACCOUNT", "INTERACTION" or
// "SCORING") as `kam-local --exec` describes it: KAM_<SERVICE>_ADDRESS
// (default: the port of `./kam up`), KAM_CA_FILE, and the token in KAM_TOKEN
// or else KAM_TOKEN_<ROLE> (role e.g. "ADMIN").
func DialFromEnv(service, role string) (*grpc.ClientConn, error) {
	defaults := map[string]string{
		"ACCOUNT": "127.0.0.1:50051", "INTERACTION": "127.0.0.1:50052", "SCORING": "127.0.0.1:50053",
	}
	service = strings.ToUpper(service)
	address := os.Getenv("KAM_" + service + "_ADDRESS")
	if address == "" {
		address = defaults[service]
	}
	if address == "" {
		return nil, fmt.Errorf("kam.DialFromEnv: unknown service %q", service)
	}
	token := os.Getenv("KAM_TOKEN")
	if token == "" {
		token = os.Getenv("KAM_TOKEN_" + strings.ToUpper(role))
	}
	return Dial(address, os.Getenv("KAM_CA_FILE"), strings.TrimSpace(token))
}

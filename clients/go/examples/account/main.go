// Creates an account and reads it back through the account service, with
// TLS and a token as `./kam up` or `kam-local --exec` provide them
// (kam.DialFromEnv). Exits 1 when a call fails or the account read back is
// not the one created.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	accountv1 "github.com/kam-suite/kam/clients/go/gen/kam/account/v1"
	"github.com/kam-suite/kam/clients/go/kam"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "account example:", err)
		os.Exit(1)
	}
}

func run() error {
	conn, err := kam.DialFromEnv("ACCOUNT", "ADMIN")
	if err != nil {
		return err
	}
	defer conn.Close()
	accounts := accountv1.NewAccountServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// A retry with the same request id returns the same account.
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return err
	}
	request := &accountv1.CreateAccountRequest{
		Account: &accountv1.Account{
			DisplayName: "Go example", Industry: "retail", Region: "east",
		},
		RequestId: hex.EncodeToString(id),
	}
	created, err := accounts.CreateAccount(ctx, request)
	if err != nil {
		return fmt.Errorf("CreateAccount: %w", err)
	}
	again, err := accounts.CreateAccount(ctx, request)
	if err != nil {
		return fmt.Errorf("CreateAccount (retry): %w", err)
	}
	read, err := accounts.GetAccount(ctx, &accountv1.GetAccountRequest{Name: created.GetName()})
	if err != nil {
		return fmt.Errorf("GetAccount: %w", err)
	}
	fmt.Printf("created %s %q etag %s\n", created.GetName(), created.GetDisplayName(), created.GetEtag())
	fmt.Printf("read    %s %q region %s\n", read.GetName(), read.GetDisplayName(), read.GetRegion())
	if again.GetName() != created.GetName() || read.GetDisplayName() != "Go example" {
		return fmt.Errorf("read back %s %q after creating %s (retry %s)",
			read.GetName(), read.GetDisplayName(), created.GetName(), again.GetName())
	}
	return nil
}

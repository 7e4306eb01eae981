package client_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/crucible-net/crucible/examples/linreg/client"
)

// A program registers the flags the testnet passes it next to its own.
func ExampleAPI_RegisterFlags() {
	var api client.API
	fs := flag.NewFlagSet("miner", flag.ContinueOnError)
	api.RegisterFlags(fs)
	quality := fs.String("quality", "honest", "how the miner behaves")
	err := fs.Parse([]string{"-api", "http://127.0.0.1:4200", "-token-file", "/data/api.token", "-subnet", "2", "-quality", "lazy"})
	fmt.Println(api.URL, api.TokenFile, api.Subnet, *quality, err)
	// Output: http://127.0.0.1:4200 /data/api.token 2 lazy <nil>
}

// A node refuses weights it has committed for already; the refusal is a
// *client.Error with a 4xx status, which a program gives up on instead of
// retrying.
func ExampleAPI_Post() {
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret" {
			http.Error(w, `{"error":"no valid API token"}`, http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `{"error":"weights of epoch 5 are committed already"}`)
	}))
	defer node.Close()
	dir, _ := os.MkdirTemp("", "client")
	defer os.RemoveAll(dir)
	token := filepath.Join(dir, "api.token")
	os.WriteFile(token, []byte("secret\n"), 0o600)

	api := client.API{URL: node.URL, TokenFile: token, Subnet: 2}
	var out struct{ Commit string }
	err := api.Post(context.Background(), fmt.Sprintf("/v1/subnets/%d/weights", api.Subnet),
		"application/json", []byte(`{"weights":[{"uid":1,"weight":1}]}`), &out)
	var refused *client.Error
	if errors.As(err, &refused) && refused.Status/100 == 4 {
		fmt.Println("refused:", refused.Msg)
	}
	// Output: refused: weights of epoch 5 are committed already
}

package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// DefaultURL is the API of a node started with its default settings
// (node.DefaultAPIListen).
const DefaultURL = "http://127.0.0.1:4171"

// requestTimeout bounds each Get and Post, from sending the request to
// reading the whole answer. A stream that stays open longer builds its
// own request on Endpoint.
const requestTimeout = 15 * time.Second

// maxAnswer bounds the answer Get and Post read; the node's are far
// smaller.
const maxAnswer = 16 << 20

// ErrNoTokenFile is the error of a POST when API.TokenFile is empty.
var ErrNoTokenFile = errors.New("no -token-file: POSTs to the node need its API token (<data-dir>/api.token)")

// API is how a program reaches its node: the node's local HTTP API and the
// subnet the program works in. A program fills it from its command line
// with RegisterFlags; a test fills it by hand:
//
//	api := client.API{URL: srv.URL, TokenFile: path, Subnet: 2}
//	var mg metagraph
//	err := api.Get(ctx, fmt.Sprintf("/v1/subnets/%d/metagraph", api.Subnet), &mg)
//
// It is a plain value: copying it is cheap, and its methods only read it.
type API struct {
	// URL is the API's base URL (-api, default DefaultURL). A trailing
	// slash is ignored.
	URL string
	// TokenFile is the file holding the node's API token (-token-file,
	// <data-dir>/api.token), which every POST needs. GETs need no token.
	TokenFile string
	// Subnet is the number of the subnet the program works in (-subnet,
	// default 0), for the paths under /v1/subnets/{N}.
	Subnet uint64
}

// RegisterFlags defines -api, -token-file and -subnet on fs, storing into
// a. The testnet starts every program of a subnet as
//
//	PROGRAM -api URL -token-file PATH -subnet N ARGS...
//
// so a program registers these and its own flags for ARGS on one FlagSet.
func (a *API) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&a.URL, "api", DefaultURL, "the node's API base URL")
	fs.StringVar(&a.TokenFile, "token-file", "", "file holding the node's API token (<data-dir>/api.token)")
	fs.Uint64Var(&a.Subnet, "subnet", 0, "subnet number")
}

// Endpoint returns the URL of path, such as "/v1/status", on the node.
func (a *API) Endpoint(path string) string {
	return strings.TrimSuffix(a.URL, "/") + path
}

// Get sends GET path to the node and decodes its JSON answer into out,
// unless out is nil. It gives up after 15 seconds.
//
// # Errors
//
// An answer other than 2xx is an *Error; a node that cannot be reached is
// the net/http error, which names the URL.
func (a *API) Get(ctx context.Context, path string, out any) error {
	return a.do(ctx, http.MethodGet, path, "", nil, out)
}

// Post sends body, of type contentType, to path with the node's token as
// a bearer token, and decodes the JSON answer into out, unless out is nil.
// It gives up after 15 seconds.
//
// # Notes
//
// The token is read from TokenFile at every POST, not once: the node
// writes the file when it first starts, which may be after the program,
// and a program should not have to be restarted for it.
//
// # Errors
//
// As Get's, and ErrNoTokenFile without a TokenFile, or the error of
// reading it.
func (a *API) Post(ctx context.Context, path, contentType string, body []byte, out any) error {
	return a.do(ctx, http.MethodPost, path, contentType, body, out)
}

// token reads the bearer token.
func (a *API) token() (string, error) {
	if a.TokenFile == "" {
		return "", ErrNoTokenFile
	}
	b, err := os.ReadFile(a.TokenFile)
	if err != nil {
		return "", fmt.Errorf("read API token: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func (a *API) do(ctx context.Context, method, path, contentType string, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, a.Endpoint(path), bytes.NewReader(body))
	if err != nil {
		return err
	}
	if method == http.MethodPost {
		tok, err := a.token()
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(b))
		}
		return &Error{Status: resp.StatusCode, Msg: e.Error}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

// Error is an answer of the node other than 2xx. A 4xx is a refusal, such
// as an answer after its task's commit window closed, which sending the
// same request again will not change; a 5xx, such as 503 from a node still
// starting, may go away on a retry. Tell them apart with errors.As:
//
//	var refused *client.Error
//	if errors.As(err, &refused) && refused.Status/100 == 4 { ... }
type Error struct {
	Status int    // the HTTP status code
	Msg    string // the "error" of the node's JSON answer, else its body
}

// Error formats e as "409 Conflict: message".
func (e *Error) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, http.StatusText(e.Status), e.Msg)
}

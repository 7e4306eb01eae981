package client_test

import (
	"context"
	"errors"
	"flag"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/crucible-net/crucible/examples/linreg/client"
)

func TestRegisterFlags(t *testing.T) {
	tests := []struct {
		args []string
		want client.API
	}{
		{nil, client.API{URL: client.DefaultURL}},
		{[]string{"-api", "http://127.0.0.1:9/", "-token-file", "/x/api.token", "-subnet", "3"},
			client.API{URL: "http://127.0.0.1:9/", TokenFile: "/x/api.token", Subnet: 3}},
	}
	for _, tc := range tests {
		var a client.API
		fs := flag.NewFlagSet("program", flag.ContinueOnError)
		a.RegisterFlags(fs)
		if err := fs.Parse(tc.args); err != nil || a != tc.want {
			t.Errorf("%q: %+v, %v; want %+v", tc.args, a, err, tc.want)
		}
	}
}

// request is what the fake node saw of one request.
type request struct {
	method, path, auth, contentType, body string
}

func TestGetPost(t *testing.T) {
	var got request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = request{r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(b)}
		switch r.URL.Path {
		case "/ok":
			io.WriteString(w, `{"value":"v"}`)
		case "/refused":
			w.WriteHeader(http.StatusConflict)
			io.WriteString(w, `{"error":"committed already"}`)
		case "/plain":
			http.Error(w, "starting", http.StatusServiceUnavailable)
		case "/garbled":
			io.WriteString(w, `{"value":`)
		}
	}))
	t.Cleanup(srv.Close)
	token := filepath.Join(t.TempDir(), "api.token")
	if err := os.WriteFile(token, []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	api := client.API{URL: srv.URL + "/", TokenFile: token} // the trailing slash is ignored

	tests := []struct {
		name      string
		call      func(out any) error
		want      request // zero: the node sees nothing
		value     string
		status    int // of the *client.Error; 0: none
		errString string
		errIs     error
	}{
		{name: "get", call: func(out any) error { return api.Get(context.Background(), "/ok?epoch=3", out) },
			want: request{method: "GET", path: "/ok?epoch=3"}, value: "v"},
		{name: "post", call: func(out any) error {
			return api.Post(context.Background(), "/ok", "application/json", []byte(`{"a":1}`), out)
		}, want: request{"POST", "/ok", "Bearer secret", "application/json", `{"a":1}`}, value: "v"},
		{name: "post nil out", call: func(any) error {
			return api.Post(context.Background(), "/ok", "application/octet-stream", []byte("x"), nil)
		}, want: request{"POST", "/ok", "Bearer secret", "application/octet-stream", "x"}},
		{name: "json error", call: func(out any) error { return api.Get(context.Background(), "/refused", out) },
			want: request{method: "GET", path: "/refused"}, status: 409, errString: "409 Conflict: committed already"},
		{name: "text error", call: func(out any) error { return api.Get(context.Background(), "/plain", out) },
			want: request{method: "GET", path: "/plain"}, status: 503, errString: "503 Service Unavailable: starting"},
		{name: "garbled answer", call: func(out any) error { return api.Get(context.Background(), "/garbled", out) },
			want: request{method: "GET", path: "/garbled"}, errString: "GET /garbled: decode answer: unexpected end of JSON input"},
		{name: "no token file", call: func(out any) error {
			a := api
			a.TokenFile = ""
			return a.Post(context.Background(), "/ok", "application/json", nil, out)
		}, errIs: client.ErrNoTokenFile},
		{name: "token file missing", call: func(out any) error {
			a := api
			a.TokenFile = filepath.Join(t.TempDir(), "absent")
			return a.Post(context.Background(), "/ok", "application/json", nil, out)
		}, errIs: fs.ErrNotExist},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got = request{}
			var out struct{ Value string }
			err := tc.call(&out)
			if got != tc.want {
				t.Errorf("the node saw %+v, want %+v", got, tc.want)
			}
			if out.Value != tc.value {
				t.Errorf("decoded %q, want %q", out.Value, tc.value)
			}
			var apiErr *client.Error
			if errors.As(err, &apiErr) != (tc.status != 0) || (apiErr != nil && apiErr.Status != tc.status) {
				t.Errorf("error %v (%T), want status %d", err, err, tc.status)
			}
			if tc.errString != "" && (err == nil || err.Error() != tc.errString) {
				t.Errorf("error %v, want %q", err, tc.errString)
			}
			if tc.errIs != nil && !errors.Is(err, tc.errIs) {
				t.Errorf("error %v, want one that is %v", err, tc.errIs)
			}
			if tc.status == 0 && tc.errString == "" && tc.errIs == nil && err != nil {
				t.Errorf("error %v", err)
			}
		})
	}
}

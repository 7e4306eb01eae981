package node

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := `network = "filenet"
[api]
listen = "127.0.0.1:5000"
[p2p]
bootstrap = ["/ip4/127.0.0.1/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"]
conn_low = 10
conn_high = 20
[log]
level = "debug"
`
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CRUCIBLE_NETWORK": "envnet", "CRUCIBLE_P2P_CONN_LOW": "12"}
	flags := map[string]string{"network": "flagnet", "eval.workers": "7"}
	c, err := LoadConfig(dir, func(k string) string { return env[k] }, flags)
	if err != nil {
		t.Fatal(err)
	}
	if c.Network != "flagnet" {
		t.Errorf("network %q: flags must win over env and file", c.Network)
	}
	if c.P2P.ConnLow != 12 || c.P2P.ConnHigh != 20 {
		t.Errorf("conn %d-%d: env must win over the file, the file over defaults", c.P2P.ConnLow, c.P2P.ConnHigh)
	}
	if c.API.Listen != "127.0.0.1:5000" || c.Log.Level != "debug" || len(c.P2P.Bootstrap) != 1 || c.Eval.Workers != 7 {
		t.Errorf("config %+v", c)
	}
	if c.Chain.Confirmations != DefaultConfirmations {
		t.Errorf("an unset key lost its default: confirmations %d", c.Chain.Confirmations)
	}

	// What config show prints reads back as the same configuration.
	dir2 := t.TempDir()
	os.WriteFile(filepath.Join(dir2, ConfigFile), []byte(c.TOML()), 0o600)
	c2, err := LoadConfig(dir2, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, c2) {
		t.Errorf("TOML round trip changed the config:\n%+v\n%+v", c, c2)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	none := func(string) string { return "" }
	for name, c := range map[string]struct {
		file  string
		env   map[string]string
		flags map[string]string
		want  string
	}{
		"unknown file key":  {file: "[p2p]\nbootstrapp = []\n", want: "p2p.bootstrapp"},
		"bad toml":          {file: "network = \n", want: ConfigFile},
		"wrong type":        {file: "[eval]\nworkers = \"two\"\n", want: ConfigFile},
		"unknown flag":      {flags: map[string]string{"p2p.boot": "x"}, want: "--p2p.boot"},
		"bad env number":    {env: map[string]string{"CRUCIBLE_EVAL_WORKERS": "many"}, want: "CRUCIBLE_EVAL_WORKERS"},
		"public api":        {flags: map[string]string{"api.listen": "0.0.0.0:4171"}, want: "api.listen"},
		"bad dht":           {flags: map[string]string{"p2p.dht": "maybe"}, want: "p2p.dht"},
		"bad log format":    {flags: map[string]string{"log.format": "xml"}, want: "log.format"},
		"rpc alone":         {flags: map[string]string{"chain.rpc": "http://127.0.0.1:8545"}, want: "rpc and contract"},
		"bad bootstrap":     {flags: map[string]string{"p2p.bootstrap": "/ip4/127.0.0.1/tcp/1"}, want: "bootstrap"},
		"bad network name":  {flags: map[string]string{"network": "My Net"}, want: "network"},
		"zero eval workers": {flags: map[string]string{"eval.workers": "0"}, want: "eval.workers"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if c.file != "" {
				os.WriteFile(filepath.Join(dir, ConfigFile), []byte(c.file), 0o600)
			}
			getenv := none
			if c.env != nil {
				getenv = func(k string) string { return c.env[k] }
			}
			_, err := LoadConfig(dir, getenv, c.flags)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("LoadConfig = %v, want ErrConfig mentioning %q", err, c.want)
			}
		})
	}
}

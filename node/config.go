package node

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/crucible-net/crucible/gossip"
)

// ConfigFile is the node's configuration file inside its data dir.
const ConfigFile = "config.toml"

// Defaults of [Config], named so that docs and `crucible config show` can
// cite them.
const (
	DefaultNetwork       = "testnet"
	DefaultAPIListen     = "127.0.0.1:4171"
	DefaultDHT           = "auto"
	DefaultConfirmations = 2
	DefaultEvalWorkers   = 2
	DefaultLogFormat     = "text"
	DefaultLogLevel      = "info"
	DefaultShutdownGrace = 10 * time.Second
	DefaultMinerTimeout  = 60   // seconds
	DefaultChainPoll     = 1000 // milliseconds
	// DefaultWeights: validators score answers with the evaluator.
	DefaultWeights = WeightsFromEvaluations
)

// Sources of a validator's weights (Config.Validator.Weights).
const (
	WeightsFromEvaluations = "evaluations"
	WeightsFromAPI         = "api"
)

// Config is a node's configuration: defaults, then the file
// <datadir>/config.toml, then CRUCIBLE_* environment variables, then
// command-line flags, each overriding the one before ([LoadConfig]).
// Every field has a TOML key, an environment variable (CRUCIBLE_ and the
// key path in upper case, dots as underscores: CRUCIBLE_P2P_BOOTSTRAP)
// and a flag of the same path (--p2p.bootstrap).
type Config struct {
	// Network names the network; it prefixes topics and DHT protocols.
	Network string `toml:"network"`
	// Subnets are the subnets the node follows: it validates and relays
	// their messages, and serves their task streams.
	Subnets []uint64 `toml:"subnets"`
	API     struct {
		// Listen is the local HTTP API's address; it must be loopback.
		Listen string `toml:"listen"`
	} `toml:"api"`
	P2P struct {
		Listen    []string `toml:"listen"`
		Announce  []string `toml:"announce"`
		Bootstrap []string `toml:"bootstrap"`
		MDNS      bool     `toml:"mdns"`
		// DHT is auto, server, client or off.
		DHT      string `toml:"dht"`
		ConnLow  int    `toml:"conn_low"`
		ConnHigh int    `toml:"conn_high"`
	} `toml:"p2p"`
	Chain struct {
		// RPC is a JSON-RPC URL; empty uses the dev chain recorded in
		// <datadir>/chain (`crucible chain dev`).
		RPC      string `toml:"rpc"`
		Contract string `toml:"contract"`
		// ChainID, when set, must match the endpoint's.
		ChainID uint64 `toml:"chain_id"`
		// Key is the account's key file (a geth keystore or a hex key);
		// empty uses dev account 0 of the dev chain.
		Key string `toml:"key"`
		// Confirmations is how many blocks must follow one before the
		// node trusts it, on a chain.rpc endpoint. The dev chain's blocks
		// are final, so it is not used there.
		Confirmations uint64 `toml:"confirmations"`
		// PollMS is how often, in milliseconds, the node reads the chain's
		// head and acts on it: one step of the round per read.
		PollMS int `toml:"poll_ms"`
	} `toml:"chain"`
	Validator struct {
		// Enabled makes the node a validator of the subnets it follows:
		// it publishes each epoch's tasks, evaluates the answers, commits
		// and reveals weights, attests epoch records and anchors them
		// in its turn. It needs a registered uid with a validator permit.
		Enabled bool `toml:"enabled"`
		// Weights is where the validator's weights come from:
		// "evaluations" (the default) scores the answers to its own tasks
		// with the subnet's evaluator; "api" publishes no tasks, runs no
		// evaluations, and commits the weights a program posts to
		// POST /v1/subnets/{subnet}/weights. Such weights are public but
		// backed by no evaluation, and `crucible verify` says so.
		Weights string `toml:"weights"`
	} `toml:"validator"`
	Miner struct {
		// Command, if set, is run once per task of a followed subnet: the
		// task as JSON on standard input, the output file's path on
		// standard output (see MinerCommand). The node imports the file
		// and commits it as its answer.
		Command []string `toml:"command"`
		// Timeout bounds one run, in seconds.
		Timeout int `toml:"timeout"`
	} `toml:"miner"`
	Eval struct {
		// Workers bounds evaluations running at once.
		Workers int `toml:"workers"`
	} `toml:"eval"`
	Log struct {
		Format string `toml:"format"` // text or json
		Level  string `toml:"level"`  // debug, info, warn or error
	} `toml:"log"`
}

// DefaultConfig is the configuration of a new node on network.
func DefaultConfig() Config {
	var c Config
	c.Network = DefaultNetwork
	c.API.Listen = DefaultAPIListen
	g := gossip.DefaultConfig(DefaultNetwork)
	c.P2P.Listen = g.ListenAddrs
	c.P2P.DHT = DefaultDHT
	c.P2P.ConnLow, c.P2P.ConnHigh = g.ConnLow, g.ConnHigh
	c.Chain.Confirmations = DefaultConfirmations
	c.Chain.PollMS = DefaultChainPoll
	c.Eval.Workers = DefaultEvalWorkers
	c.Validator.Weights = DefaultWeights
	c.Miner.Timeout = DefaultMinerTimeout
	c.Log.Format, c.Log.Level = DefaultLogFormat, DefaultLogLevel
	return c
}

// TestnetConfig is DefaultConfig for a node of a local testnet: free ports
// on 127.0.0.1, mDNS, DHT server, API on a free port.
func TestnetConfig() Config {
	c := DefaultConfig()
	g := gossip.TestnetConfig(DefaultNetwork)
	c.P2P.Listen = g.ListenAddrs
	c.P2P.MDNS = true
	c.P2P.DHT = "server"
	c.API.Listen = "127.0.0.1:0"
	return c
}

// ErrConfig: the configuration is invalid; the message names the key.
var ErrConfig = errors.New("invalid node configuration")

// LoadConfig resolves the configuration of the data dir dataDir: defaults,
// the config file if there is one, then env (CRUCIBLE_* variables, looked
// up with getenv), then flags (key path → value, as given on the command
// line). Unknown keys in any layer are errors, so a typo is never silently
// ignored.
func LoadConfig(dataDir string, getenv func(string) string, flags map[string]string) (Config, error) {
	c := DefaultConfig()
	path := filepath.Join(dataDir, ConfigFile)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return c, fmt.Errorf("read %s: %w", path, err)
	default:
		md, err := toml.Decode(string(b), &c)
		if err != nil {
			return c, fmt.Errorf("%w: %s: %v", ErrConfig, path, err)
		}
		if und := md.Undecoded(); len(und) > 0 {
			return c, fmt.Errorf("%w: %s: unknown key %q", ErrConfig, path, und[0].String())
		}
	}
	for _, f := range configFields(&c) {
		if v := getenv(f.env); v != "" {
			if err := f.set(v); err != nil {
				return c, fmt.Errorf("%w: %s: %v", ErrConfig, f.env, err)
			}
		}
	}
	fields := map[string]configField{}
	for _, f := range configFields(&c) {
		fields[f.key] = f
	}
	keys := make([]string, 0, len(flags))
	for k := range flags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, ok := fields[k]
		if !ok {
			return c, fmt.Errorf("%w: unknown flag --%s", ErrConfig, k)
		}
		if err := f.set(flags[k]); err != nil {
			return c, fmt.Errorf("%w: --%s: %v", ErrConfig, k, err)
		}
	}
	return c, c.Validate()
}

// Validate checks what can be checked without starting anything.
func (c *Config) Validate() error {
	bad := func(key, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrConfig, key, fmt.Sprintf(format, args...))
	}
	host, _, err := splitHostPort(c.API.Listen)
	if err != nil {
		return bad("api.listen", "%v", err)
	}
	if host != "127.0.0.1" && host != "::1" && host != "localhost" {
		return bad("api.listen", "%q is not a loopback address; the API is for programs on this machine", c.API.Listen)
	}
	switch c.P2P.DHT {
	case "auto", "server", "client", "off":
	default:
		return bad("p2p.dht", "%q: want auto, server, client or off", c.P2P.DHT)
	}
	if c.Miner.Timeout < 1 {
		return bad("miner.timeout", "%d: need at least 1 second", c.Miner.Timeout)
	}
	if c.Chain.PollMS < 10 || c.Chain.PollMS > 60_000 {
		return bad("chain.poll_ms", "%d: want 10 to 60000 milliseconds", c.Chain.PollMS)
	}
	switch c.Validator.Weights {
	case WeightsFromEvaluations, WeightsFromAPI:
	default:
		return bad("validator.weights", "%q: want %s or %s", c.Validator.Weights, WeightsFromEvaluations, WeightsFromAPI)
	}
	if c.Eval.Workers < 1 {
		return bad("eval.workers", "%d: need at least 1", c.Eval.Workers)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return bad("log.format", "%q: want text or json", c.Log.Format)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return bad("log.level", "%q: want debug, info, warn or error", c.Log.Level)
	}
	if (c.Chain.RPC == "") != (c.Chain.Contract == "") {
		return bad("chain", "rpc and contract go together: give both, or neither to use the dev chain")
	}
	_, err = c.gossipConfig("")
	return err
}

// gossipConfig is the p2p part as gossip takes it.
func (c *Config) gossipConfig(stateDir string) (gossip.Config, error) {
	g := gossip.DefaultConfig(c.Network)
	g.ListenAddrs = c.P2P.Listen
	g.AnnounceAddrs = c.P2P.Announce
	g.Bootstrap = c.P2P.Bootstrap
	g.MDNS = c.P2P.MDNS
	g.DHT = map[string]gossip.DHTMode{"auto": gossip.DHTAuto, "server": gossip.DHTServer, "client": gossip.DHTClient, "off": gossip.DHTOff}[c.P2P.DHT]
	g.ConnLow, g.ConnHigh = c.P2P.ConnLow, c.P2P.ConnHigh
	g.StateDir = stateDir
	// Every peer of a loopback testnet shares one IP.
	g.IPColocation = !allLoopback(c.P2P.Listen)
	if err := g.Check(); err != nil {
		return g, fmt.Errorf("%w: p2p: %v", ErrConfig, err)
	}
	return g, nil
}

func allLoopback(addrs []string) bool {
	for _, a := range addrs {
		if !strings.HasPrefix(a, "/ip4/127.") && !strings.HasPrefix(a, "/ip6/::1/") {
			return false
		}
	}
	return len(addrs) > 0
}

// TOML returns the configuration as a config file would hold it.
func (c Config) TOML() string {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		panic(err) // Config holds only strings, numbers, bools and lists
	}
	return buf.String()
}

// configField is one leaf of Config: its TOML key path, environment
// variable, and a setter from a string.
type configField struct {
	key, env string
	set      func(string) error
}

// Keys lists the configuration's keys (for --help and docs).
func Keys() []string {
	var c Config
	var out []string
	for _, f := range configFields(&c) {
		out = append(out, f.key)
	}
	return out
}

func configFields(c *Config) []configField {
	var out []configField
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		t := v.Type()
		for i := range t.NumField() {
			key := prefix + t.Field(i).Tag.Get("toml")
			fv := v.Field(i)
			if fv.Kind() == reflect.Struct {
				walk(fv, key+".")
				continue
			}
			out = append(out, configField{
				key: key,
				env: "CRUCIBLE_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_")),
				set: func(s string) error { return setValue(fv, s) },
			})
		}
	}
	walk(reflect.ValueOf(c).Elem(), "")
	return out
}

// setValue parses s into v: lists are comma-separated.
func setValue(v reflect.Value, s string) error {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		v.SetBool(b)
	case reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		v.SetInt(int64(n))
	case reflect.Uint64:
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a non-negative whole number", s)
		}
		v.SetUint(n)
	case reflect.Slice:
		var items []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				items = append(items, p)
			}
		}
		if v.Type().Elem().Kind() == reflect.Uint64 {
			nums := make([]uint64, 0, len(items))
			for _, it := range items {
				n, err := strconv.ParseUint(it, 10, 64)
				if err != nil {
					return fmt.Errorf("%q is not a list of non-negative whole numbers", s)
				}
				nums = append(nums, n)
			}
			v.Set(reflect.ValueOf(nums))
			return nil
		}
		v.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("unsupported kind %s", v.Kind())
	}
	return nil
}

func splitHostPort(addr string) (string, int, error) {
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		return "", 0, fmt.Errorf("%q: want host:port", addr)
	}
	host := strings.Trim(addr[:i], "[]")
	port, err := strconv.Atoi(addr[i+1:])
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("%q: bad port", addr)
	}
	return host, port, nil
}

package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// exit codes
const (
	exitOK    = 0
	exitError = 1 // the command ran and failed
	exitUsage = 2 // bad command line
)

// errUsage marks errors that should print the command's usage.
var errUsage = errors.New("usage")

// env carries what every command needs: output streams and global options.
type env struct {
	stdout, stderr io.Writer
	dataDir        string
	getenv         func(string) string
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
	sub     []*command
}

func commands() []*command {
	return []*command{
		{name: "testnet", summary: "run an offline local network: dev chain, example subnet, validators and miners", run: runTestnet},
		{name: "eval", summary: "check and run WASM evaluators in the sandbox", sub: []*command{
			{name: "check", summary: "validate an evaluator and show its ABI, imports, exports and limits", run: runEvalCheck},
			{name: "run", summary: "run an evaluator once and print score, fuel, log and time", run: runEvalRun},
		}},
		{name: "consensus", summary: "explore Yuma consensus offline", sub: []*command{
			{name: "simulate", summary: "run Yuma over the epochs of a JSON or CSV scenario and print each metagraph", run: runConsensusSimulate},
		}},
		{name: "content", summary: "add, get, pin and export content in the local store", sub: []*command{
			{name: "add", summary: "import a file as UnixFS, pin it and print its CID", run: runContentAdd},
			{name: "get", summary: "write a UnixFS file from the store to a file", run: runContentGet},
			{name: "stat", summary: "show the codec, size and block count of a DAG", run: runContentStat},
			{name: "pin", summary: "keep content from garbage collection", sub: []*command{
				{name: "add", summary: "pin a CID, recursively by default", run: runContentPinAdd},
				{name: "rm", summary: "remove a pin", run: runContentPinRm},
				{name: "ls", summary: "list pins", run: runContentPinLs},
			}},
			{name: "gc", summary: "remove blocks that no pin keeps", run: runContentGC},
			{name: "car", summary: "export and import CAR files", sub: []*command{
				{name: "export", summary: "write the DAG under a CID to a CAR file", run: runContentCARExport},
				{name: "import", summary: "read a CAR file into the store and pin its roots", run: runContentCARImport},
			}},
		}},
		{name: "chain", summary: "the chain: a local dev chain, subnets, registration and anchors", sub: []*command{
			{name: "dev", summary: "run a local dev chain with the contract deployed", run: runChainDev},
			{name: "deploy", summary: "deploy the Crucible contract to a chain", run: runChainDeploy},
			{name: "subnet", summary: "create and show subnets", sub: []*command{
				{name: "create", summary: "create a subnet from a manifest CID", run: runChainSubnetCreate},
				{name: "show", summary: "show a subnet and its neurons", run: runChainSubnetShow},
			}},
			{name: "register", summary: "register an account in a subnet with a stake", run: runChainRegister},
			{name: "anchors", summary: "list a subnet's anchored epochs and conflicts", run: runChainAnchors},
			{name: "verify", summary: "check an anchor receipt against the chain", run: runChainVerify},
		}},
		{name: "subnet", summary: "create new subnets", sub: []*command{{name: "new", summary: "create a subnet NAME from the linreg example and build it", run: runSubnetNew}}},
		{name: "init", summary: "create a node's data directory: identity, API token, config", run: runInit},
		{name: "run", summary: "run a node on the data directory until Ctrl-C", run: runRun},
		{name: "status", summary: "show the running node's status", run: runStatus},
		{name: "peers", summary: "list the running node's peers and their gossip scores", run: runPeers},
		{name: "topics", summary: "list the running node's gossip topics and counters", run: runTopics},
		{name: "metagraph", summary: "show a subnet's neurons and their last epoch's results", run: runMetagraph},
		{name: "epochs", summary: "list a subnet's finished epochs, their records and anchors", run: runEpochs},
		{name: "verify", summary: "check anchored epochs: the record against its anchor, consensus and evaluations re-run", run: runVerify},
		{name: "config", summary: "the node configuration", sub: []*command{
			{name: "show", summary: "print the configuration after file, environment and flags", run: runConfigShow},
		}},
		{name: "version", summary: "print version information", run: runVersion},
	}
}

// doMain runs the CLI and returns the process exit code.
func doMain(args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, getenv: os.Getenv}
	global := flag.NewFlagSet("crucible", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	e.addGlobalFlags(global)
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printTopUsage(stdout, global)
			return exitOK
		}
		fmt.Fprintf(stderr, "crucible: %v\n\n", err)
		printTopUsage(stderr, global)
		return exitUsage
	}
	rest := global.Args()
	if len(rest) == 0 {
		printTopUsage(stderr, global)
		return exitUsage
	}
	if rest[0] == "help" {
		if len(rest) == 1 {
			printTopUsage(stdout, global)
			return exitOK
		}
		rest = append(rest[1:], "--help")
	}
	cmds, path := commands(), "crucible"
	for {
		c := find(cmds, rest[0])
		if c == nil {
			fmt.Fprintf(stderr, "%s: unknown command %q\n\n", path, rest[0])
			if path == "crucible" {
				printTopUsage(stderr, global)
			}
			return exitUsage
		}
		path += " " + c.name
		rest = rest[1:]
		if c.sub != nil {
			if len(rest) == 0 || rest[0] == "-h" || rest[0] == "--help" || rest[0] == "help" {
				w := stdout
				if len(rest) == 0 {
					w = stderr
				}
				printGroupUsage(w, path, c)
				if len(rest) == 0 {
					return exitUsage
				}
				return exitOK
			}
			cmds = c.sub
			continue
		}
		err := c.run(e, rest)
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "%s: %v\nrun '%s --help' for usage\n", path, err, path)
			return exitUsage
		default:
			fmt.Fprintf(stderr, "%s: %v\n", path, err)
			return exitError
		}
	}
}

func find(cmds []*command, name string) *command {
	for _, c := range cmds {
		if c.name == name {
			return c
		}
	}
	return nil
}

// addGlobalFlags registers the options every command accepts, before or
// after the command name.
func (e *env) addGlobalFlags(fs *flag.FlagSet) {
	fs.Func("data-dir", "node data directory (env CRUCIBLE_DATA_DIR, default ~/.crucible)", func(s string) error {
		if s == "" {
			return errors.New("empty data directory")
		}
		e.dataDir = s
		return nil
	})
}

// resolveDataDir applies the flag, then the environment, then the default.
func (e *env) resolveDataDir() (string, error) {
	dir := e.dataDir
	if dir == "" {
		dir = e.getenv("CRUCIBLE_DATA_DIR")
	}
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no home directory for the default data directory; set --data-dir or CRUCIBLE_DATA_DIR: %w", err)
		}
		dir = filepath.Join(home, ".crucible")
	}
	return filepath.Abs(dir)
}

// parseFlags parses flags that may come before, between or after
// positional arguments, and returns the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err) // a bad command line: exit 2
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// newFlagSet makes a flag set for one command whose --help prints usage
// to stdout.
func (e *env) newFlagSet(path, usage, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(path, flag.ContinueOnError)
	fs.SetOutput(e.stdout)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "%s\n\nUsage:\n  %s %s\n\nFlags:\n", summary, path, usage)
		fs.PrintDefaults()
	}
	e.addGlobalFlags(fs)
	return fs
}

func printTopUsage(w io.Writer, global *flag.FlagSet) {
	fmt.Fprint(w, `crucible: an open network where AI contributions are benchmarked by peers
and the results are settled in public.

Usage:
  crucible [--data-dir DIR] <command> [arguments]

Commands:
`)
	type line struct{ name, summary string }
	var lines []line
	width := 0
	var walk func(prefix string, cs []*command)
	walk = func(prefix string, cs []*command) {
		for _, c := range cs {
			if c.sub != nil {
				walk(prefix+c.name+" ", c.sub)
				continue
			}
			lines = append(lines, line{prefix + c.name, c.summary})
			width = max(width, len(prefix+c.name))
		}
	}
	walk("", commands())
	sort.Slice(lines, func(i, j int) bool { return lines[i].name < lines[j].name })
	for _, l := range lines {
		fmt.Fprintf(w, "  %-*s  %s\n", width, l.name, l.summary)
	}
	fmt.Fprint(w, "\nGlobal flags:\n")
	global.SetOutput(w)
	global.PrintDefaults()
	global.SetOutput(io.Discard)
	fmt.Fprint(w, "\nRun 'crucible <command> --help' for a command's flags.\n")
}

func printGroupUsage(w io.Writer, path string, c *command) {
	fmt.Fprintf(w, "%s: %s\n\nCommands:\n", path, c.summary)
	for _, s := range c.sub {
		fmt.Fprintf(w, "  %-8s %s\n", s.name, s.summary)
	}
	fmt.Fprintf(w, "\nRun '%s <command> --help' for a command's flags.\n", path)
}

// printJSON writes v as indented JSON, the form of every --json output.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

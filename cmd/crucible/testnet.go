package main

import (
	"fmt"

	"github.com/crucible-net/crucible/testnet"
)

func runTestnet(e *env, args []string) error {
	fs := e.newFlagSet("crucible testnet", "[flags]",
		"Run an offline local network in one command: an embedded dev chain with the contract,\n"+
			"the example subnet created from its directory, and nodes that register, stake and\n"+
			"run epochs: validators publish tasks, the subnet's miner programs answer them,\n"+
			"validators evaluate in the sandbox and commit weights, every node computes Yuma\n"+
			"consensus and the record is anchored. Each anchored epoch prints its metagraph.\n"+
			"Ctrl-C stops everything.")
	d := testnet.DefaultConfig()
	nodes := fs.Int("nodes", d.Nodes, "how many nodes")
	validators := fs.Int("validators", d.Validators, "how many of them validate (the first also owns the subnet); the rest mine")
	epochs := fs.Int("epochs", 0, "stop after this many anchored epochs (0: until Ctrl-C)")
	tempo := fs.Uint64("tempo", 0, "epoch length in blocks (0: the subnet's; its windows keep their share)")
	blockTime := fs.Duration("block-time", d.BlockTime, "least time between blocks (the chain also waits for the slowest node)")
	dir := fs.String("dir", "", "keep the network's data here for inspection (default: a temporary directory, removed on exit)")
	subnet := fs.String("subnet", d.Subnet, "the subnet directory: subnet.json, its evaluator and programs")
	processes := fs.Bool("processes", false, "run each node as its own OS process (crucible run), as node runners deploy")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: testnet takes no arguments", errUsage)
	}
	cfg := testnet.Config{Subnet: *subnet, Nodes: *nodes, Validators: *validators, Epochs: *epochs, Tempo: *tempo,
		BlockTime: *blockTime, Dir: *dir, Processes: *processes, Out: e.stdout, Command: testnet.CommandName()}
	ctx, cancel := signalContext()
	defer cancel()
	nw, err := testnet.Start(ctx, cfg)
	if err != nil {
		return err
	}
	runErr := nw.Run(ctx)
	fmt.Fprintln(e.stdout, "stopping the nodes and the chain...")
	if err := nw.Close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr == nil && *dir != "" {
		fmt.Fprintf(e.stdout, "data kept in %s\n", nw.Dir())
	}
	return runErr
}

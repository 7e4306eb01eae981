package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/crucible-net/crucible/contentstore"
)

func runContentPinAdd(e *env, args []string) (err error) {
	fs := e.newFlagSet("crucible content pin add", "CID [--direct]",
		"Pin content so that `crucible content gc` keeps it. A recursive pin (the default) keeps\nthe whole DAG under CID and needs all of it in the local store; --direct keeps one block.")
	direct := fs.Bool("direct", false, "pin only the block CID, not the DAG under it")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	c, err := oneArg(pos, "CID", contentstore.ParseCID)
	if err != nil {
		return err
	}
	ctx, s, done, err := useContentStore(e)
	if err != nil {
		return err
	}
	defer done(&err)
	if err := s.Pin(ctx, c, !*direct); err != nil {
		return err
	}
	how := "recursively"
	if *direct {
		how = "directly"
	}
	fmt.Fprintf(e.stdout, "pinned %s %s\n", c, how)
	return nil
}

func runContentPinRm(e *env, args []string) (err error) {
	fs := e.newFlagSet("crucible content pin rm", "CID [--direct]",
		"Remove a pin. Its blocks stay on disk until the next `crucible content gc`.\nBy default a recursive or a direct pin of CID is removed; --direct removes only a direct one.")
	direct := fs.Bool("direct", false, "remove only a direct pin")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	c, err := oneArg(pos, "CID", contentstore.ParseCID)
	if err != nil {
		return err
	}
	ctx, s, done, err := useContentStore(e)
	if err != nil {
		return err
	}
	defer done(&err)
	if err := s.Unpin(ctx, c, !*direct); err != nil {
		if errors.Is(err, contentstore.ErrNotPinned) {
			return fmt.Errorf("%w; see the pins with `crucible content pin ls`", err)
		}
		return err
	}
	fmt.Fprintf(e.stdout, "unpinned %s\n", c)
	return nil
}

func runContentPinLs(e *env, args []string) (err error) {
	fs := e.newFlagSet("crucible content pin ls", "",
		"List the pins of the local content store: one CID and its mode (recursive or direct) per line.")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: want no arguments, got %d", errUsage, len(pos))
	}
	ctx, s, done, err := useContentStore(e)
	if err != nil {
		return err
	}
	defer done(&err)
	pins, err := s.Pins(ctx)
	if err != nil {
		return err
	}
	for _, p := range pins {
		fmt.Fprintf(e.stdout, "%s %s\n", p.CID, p.Mode)
	}
	return nil
}

func runContentGC(e *env, args []string) (err error) {
	fs := e.newFlagSet("crucible content gc", "",
		"Delete every block of the local content store that no pin keeps.\nImports and pins wait while it runs. If a pinned DAG is incomplete, nothing is deleted.")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: want no arguments, got %d", errUsage, len(pos))
	}
	ctx, s, done, err := useContentStore(e)
	if err != nil {
		return err
	}
	defer done(&err)
	res, gcErr := s.GC(ctx)
	fmt.Fprintf(e.stdout, "removed %d blocks (%d bytes); %d bytes of disk given back\n", res.Removed, res.Freed, res.Reclaimed)
	return gcErr
}

func runContentCARExport(e *env, args []string) (err error) {
	fs := e.newFlagSet("crucible content car export", "CID... -o FILE [--v2]",
		"Write the DAGs under the given CIDs from the local store to a CAR file, each block once,\ndepth first (as `ipfs dag export` does). The file appears only once complete.")
	out := fs.String("o", "", "output CAR file (required)")
	v2 := fs.Bool("v2", false, "write CARv2 with an index instead of CARv1")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: want at least one CID", errUsage)
	}
	if *out == "" {
		return fmt.Errorf("%w: -o FILE is required", errUsage)
	}
	// parseAll infers the CID type, so this package need not import go-cid.
	cids, err := parseAll(pos, contentstore.ParseCID)
	if err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	ctx, s, done, err := useContentStore(e)
	if err != nil {
		return err
	}
	defer done(&err)
	// Write next to the target and rename, so a failed export leaves no
	// partial file behind; the *os.File is the io.WriterAt CARv2 needs.
	if err := writeFileAtomic(*out, func(w io.Writer) error { return s.ExportCAR(ctx, w, cids, *v2) }); err != nil {
		if errors.Is(err, contentstore.ErrNotFound) {
			return err
		}
		return fmt.Errorf("write %s: %w", *out, err)
	}
	version := "CARv1"
	if *v2 {
		version = "CARv2"
	}
	names := make([]string, len(cids))
	for i, c := range cids {
		names[i] = c.String()
	}
	fmt.Fprintf(e.stdout, "exported %s to %s (%s)\n", strings.Join(names, ", "), *out, version)
	return nil
}

func runContentCARImport(e *env, args []string) (err error) {
	fs := e.newFlagSet("crucible content car import", "FILE",
		"Read a CARv1 or CARv2 file into the local store, checking every block against its CID,\nand pin its roots recursively once the DAG under each of them is complete.")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want one FILE, got %d arguments", errUsage, len(pos))
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	ctx, s, done, err := useContentStore(e)
	if err != nil {
		return err
	}
	defer done(&err)
	roots, err := s.ImportCAR(ctx, f)
	if err != nil {
		return fmt.Errorf("import %s: %w", pos[0], err)
	}
	for _, c := range roots {
		fmt.Fprintf(e.stdout, "imported and pinned %s\n", c)
	}
	return nil
}

// parseAll parses every string with parse, stopping at the first error.
func parseAll[T any](ss []string, parse func(string) (T, error)) ([]T, error) {
	out := make([]T, 0, len(ss))
	for _, s := range ss {
		v, err := parse(s)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

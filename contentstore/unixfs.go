package contentstore

import (
	"context"
	"errors"
	"fmt"
	chunker "github.com/ipfs/boxo/chunker"
	"io"
	"strings"

	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/boxo/ipld/unixfs"
	uio "github.com/ipfs/boxo/ipld/unixfs/io"
	cid "github.com/ipfs/go-cid"
	multicodec "github.com/multiformats/go-multicodec"
)

// Profile is a UnixFS import profile: the parameters that, with the
// content, decide a file's CID. Every profile uses raw leaves, CIDv1,
// dag-pb for inner nodes, sha2-256 and the balanced layout.
type Profile struct {
	// Name is how the profile is selected on the command line.
	Name string
	// ChunkSize is the size of every leaf but the last, in bytes.
	ChunkSize int64
	// MaxLinks is the most children an inner node has.
	MaxLinks int
}

var (
	// ProfileKuboCIDv1 gives the CIDs of `ipfs add --cid-version=1` with
	// Kubo's default settings: 256 KiB chunks and 174 links per node. It
	// is the default.
	ProfileKuboCIDv1 = Profile{Name: "kubo-cidv1", ChunkSize: 256 << 10, MaxLinks: 174}

	// ProfileUnixFSv12025 is boxo's (and Kubo's) unixfs-v1-2025 profile:
	// 1 MiB chunks and 1024 links per node, so a DAG has fewer, larger
	// blocks.
	ProfileUnixFSv12025 = Profile{Name: "unixfs-v1-2025", ChunkSize: 1 << 20, MaxLinks: 1024}

	// DefaultProfile is the profile used when none is named.
	DefaultProfile = ProfileKuboCIDv1
)

// Profiles returns the named import profiles, the default first.
func Profiles() []Profile {
	return []Profile{ProfileKuboCIDv1, ProfileUnixFSv12025}
}

// ProfileByName returns the profile called name; "" selects
// [DefaultProfile].
//
// # Errors
//
// [ErrUnknownProfile] with the list of known names.
func ProfileByName(name string) (Profile, error) {
	if name == "" {
		return DefaultProfile, nil
	}
	var names []string
	for _, p := range Profiles() {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Profile{}, fmt.Errorf("%w %q; choose one of %s", ErrUnknownProfile, name, strings.Join(names, ", "))
}

func (p Profile) validate() error {
	if p.ChunkSize < 1 || p.ChunkSize > int64(chunker.ChunkSizeLimit) {
		return fmt.Errorf("profile %q: chunk size %d outside 1..%d", p.Name, p.ChunkSize, chunker.ChunkSizeLimit)
	}
	if p.MaxLinks < 2 {
		return fmt.Errorf("profile %q: max links %d, want at least 2", p.Name, p.MaxLinks)
	}
	return nil
}

// Export writes the UnixFS file c to w, byte for byte as it was imported.
//
// # Errors
//
// [ErrNotFound] if the root or any block of the file is missing,
// [ErrHashMismatch] if a block on disk is corrupt, and an error naming the
// node type if c is not a UnixFS file (a directory, or DAG-CBOR).
func (s *Store) Export(ctx context.Context, c cid.Cid, w io.Writer) error {
	nd, err := s.dag.Get(ctx, c)
	if err != nil {
		return blockErr(c, err)
	}
	dr, err := uio.NewDagReader(ctx, nd, s.dag)
	if err != nil {
		return fmt.Errorf("export %s: not a UnixFS file: %w", c, err)
	}
	if _, err := io.Copy(&tagWriter{w: w}, dr); err != nil {
		var ce *copyErr
		if errors.As(err, &ce) {
			return fmt.Errorf("export %s: write: %w", c, ce.err)
		}
		// The reader's prefetcher reports a missing or corrupt block as
		// "failed to fetch all nodes"; walk the DAG to name it.
		if _, serr := s.Stat(ctx, c); serr != nil {
			return fmt.Errorf("export %s: %w", c, serr)
		}
		return fmt.Errorf("export %s: %w", c, blockErr(c, err))
	}
	return nil
}

// tagWriter marks write errors so Export can tell them from read errors.
type tagWriter struct{ w io.Writer }

func (t *tagWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	if err != nil {
		err = &copyErr{err}
	}
	return n, err
}

type copyErr struct{ err error }

func (e *copyErr) Error() string { return e.err.Error() }
func (e *copyErr) Unwrap() error { return e.err }

// Stat describes a DAG in the store.
type Stat struct {
	CID cid.Cid
	// Codec is the root's multicodec name: "raw", "dag-pb", "dag-cbor".
	Codec string
	// Size is the file size for a UnixFS file, otherwise the size of the
	// root block.
	Size uint64
	// Blocks is the number of distinct blocks in the DAG.
	Blocks int
	// DagSize is the sum of the sizes of those blocks.
	DagSize uint64
}

// Stat walks the DAG under c, which must be entirely in the store.
//
// # Errors
//
// [ErrNotFound] if any block is missing.
func (s *Store) Stat(ctx context.Context, c cid.Cid) (Stat, error) {
	st := Stat{CID: c, Codec: codecName(c)}
	seen := cid.NewSet()
	stack := []cid.Cid{c}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !seen.Visit(k) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return Stat{}, err
		}
		if k.Prefix().Codec == cid.Raw {
			n, err := s.bs.GetSize(ctx, k)
			if err != nil {
				return Stat{}, blockErr(k, err)
			}
			st.Blocks++
			st.DagSize += uint64(n)
			if k.Equals(c) {
				st.Size = uint64(n)
			}
			continue
		}
		nd, err := s.dag.Get(ctx, k)
		if err != nil {
			return Stat{}, blockErr(k, err)
		}
		st.Blocks++
		st.DagSize += uint64(len(nd.RawData()))
		if k.Equals(c) {
			st.Size = uint64(len(nd.RawData()))
			if pn, ok := nd.(*merkledag.ProtoNode); ok {
				if fsn, err := unixfs.FSNodeFromBytes(pn.Data()); err == nil {
					st.Size = fsn.FileSize()
				}
			}
		}
		links := nd.Links()
		for i := len(links) - 1; i >= 0; i-- {
			stack = append(stack, links[i].Cid)
		}
	}
	return st, nil
}

func codecName(c cid.Cid) string {
	return multicodec.Code(c.Prefix().Codec).String()
}

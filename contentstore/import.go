package contentstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/boxo/ipld/unixfs/importer/balanced"
	"github.com/ipfs/boxo/ipld/unixfs/importer/helpers"
	pin "github.com/ipfs/boxo/pinning/pinner"
	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
)

// AddFile imports the bytes of r as a UnixFS file with profile p, pins its
// root recursively and returns the root's CID. If progress is not nil it
// is called with the number of bytes read so far, after each chunk, from
// a goroutine of the import.
//
// # Notes
//
// An import is a pipeline of three goroutines: one reads chunks ahead,
// one hashes them and lays out the DAG (boxo's balanced layout, so the
// CIDs are Kubo's), and one appends the blocks to the store. Memory stays
// bounded by a few dozen chunks whatever the file size, and chunk buffers
// are reused once written. The file is pinned only once every block is on
// disk, and garbage collection waits while an import runs, so an import
// that fails or is cancelled leaves nothing pinned (its blocks are left
// for the next GC).
//
// # Errors
//
// [ErrDiskFull] if the disk fills up; the store stays consistent.
func (s *Store) AddFile(ctx context.Context, r io.Reader, p Profile, progress func(int64)) (cid.Cid, error) {
	if err := p.validate(); err != nil {
		return cid.Undef, err
	}
	defer s.bs.PinLock(ctx).Unlock(ctx)

	chunks := newChunkReader(ctx, r, p.ChunkSize, progress)
	defer chunks.close()
	w := s.newImportDAG(ctx, chunks)
	root, err := buildFile(ctx, w, chunks, p)
	if werr := w.finish(); err == nil && werr != nil {
		err = fmt.Errorf("import: write blocks: %w", werr)
	}
	if err != nil {
		return cid.Undef, err
	}
	// Every block of the DAG was just written, so the pin need not walk
	// it again, re-reading and re-hashing the file; the blocks must be
	// on disk before the pin is.
	if err := s.packs.sync(); err != nil {
		return cid.Undef, fmt.Errorf("import: write blocks: %w", err)
	}
	if err := s.pinner.PinWithMode(ctx, root, pin.Recursive, ""); err != nil {
		return cid.Undef, fmt.Errorf("import: pin %s: %w", root, err)
	}
	return root, nil
}

// buildFile lays the UnixFS DAG of the chunks out into dag with profile p
// and returns the root's CID. The chunk size and link count are passed
// explicitly: boxo's globals (which uio.UnixFS_v1_2025.ApplyGlobals
// changes) are never read.
func buildFile(ctx context.Context, dag format.DAGService, chunks *chunkReader, p Profile) (cid.Cid, error) {
	params := helpers.DagBuilderParams{
		Dagserv:    dag,
		RawLeaves:  true,
		Maxlinks:   p.MaxLinks,
		CidBuilder: merkledag.V1CidPrefix(),
	}
	db, err := params.New(chunks)
	if err != nil {
		return cid.Undef, fmt.Errorf("import: %w", err)
	}
	root, err := balanced.Layout(db)
	if err != nil {
		return cid.Undef, fmt.Errorf("import: %w", err)
	}
	return root.Cid(), nil
}

// chunkReaderAhead is how many chunks the reading goroutine may read
// ahead of the hashing one.
const chunkReaderAhead = 4

// chunkReader is a boxo chunker.Splitter that cuts r into chunks of size
// bytes (the last may be shorter), as boxo's size splitter does, but reads
// them in its own goroutine, ahead of the caller, and into buffers that
// are given back with release once their block is written, so that an
// import neither waits for the file nor makes garbage per chunk.
type chunkReader struct {
	r    io.Reader
	size int64

	chunks chan chunk
	stop   chan struct{}
	done   chan struct{}
	err    error // sticky, after the last chunk

	mu   sync.Mutex
	lent map[*byte]bool // first bytes of the buffers handed out and not yet back
	free [][]byte       // buffers given back
}

type chunk struct {
	b   []byte
	err error
}

// newChunkReader starts reading r. Call close when done with it, even
// after an error. progress, if not nil, is called from the reading
// goroutine with the bytes read so far.
func newChunkReader(ctx context.Context, r io.Reader, size int64, progress func(int64)) *chunkReader {
	cr := &chunkReader{
		r:      r,
		size:   size,
		chunks: make(chan chunk, chunkReaderAhead),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
		lent:   make(map[*byte]bool),
	}
	go cr.read(ctx, progress)
	return cr
}

func (cr *chunkReader) read(ctx context.Context, progress func(int64)) {
	defer close(cr.done)
	send := func(c chunk) bool {
		select {
		case cr.chunks <- c:
			return true
		case <-cr.stop:
			return false
		}
	}
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			send(chunk{err: err})
			return
		}
		buf := cr.buffer()
		n, err := io.ReadFull(cr.r, buf)
		total += int64(n)
		if n > 0 && progress != nil {
			progress(total)
		}
		switch {
		case err == nil:
			if !send(chunk{b: buf}) {
				return
			}
		case errors.Is(err, io.ErrUnexpectedEOF):
			if send(chunk{b: buf[:n]}) {
				send(chunk{err: io.EOF})
			}
			return
		default: // io.EOF at a chunk boundary, or a read error
			cr.release(buf)
			send(chunk{err: err})
			return
		}
	}
}

// buffer returns a chunk buffer, reused if one was given back.
func (cr *chunkReader) buffer() []byte {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	var b []byte
	if n := len(cr.free); n > 0 {
		b, cr.free = cr.free[n-1], cr.free[:n-1]
	} else {
		b = make([]byte, cr.size)
	}
	cr.lent[&b[0]] = true
	return b
}

// release gives back the buffer under block data b once nothing reads it
// any more. Data that did not come from this reader is ignored.
func (cr *chunkReader) release(b []byte) {
	if cap(b) == 0 {
		return
	}
	b = b[:cap(b)]
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if !cr.lent[&b[0]] {
		return
	}
	delete(cr.lent, &b[0])
	if len(cr.free) < importBacklog+chunkReaderAhead {
		cr.free = append(cr.free, b)
	}
}

// NextBytes returns the next chunk; (nil, io.EOF) after the last.
func (cr *chunkReader) NextBytes() ([]byte, error) {
	if cr.err != nil {
		return nil, cr.err
	}
	c := <-cr.chunks
	if c.err != nil {
		cr.err = c.err
		return nil, c.err
	}
	return c.b, nil
}

// Reader returns the reader being chunked.
func (cr *chunkReader) Reader() io.Reader { return cr.r }

// close stops the reading goroutine and waits for it.
func (cr *chunkReader) close() {
	close(cr.stop)
	<-cr.done
}

// importBacklog is how many blocks an import's builder may get ahead of
// its writer: enough to keep both busy, few enough to bound memory (16
// chunks of the largest profile's 1 MiB).
const importBacklog = 16

// importDAG is the DAG service an import builds into. Add hands each node
// to a writer goroutine, so that hashing the next chunk overlaps writing
// the last one; the writer gives each chunk buffer back to the reader once
// its block is written. Reads go to the store.
type importDAG struct {
	format.DAGService
	ctx  context.Context
	ch   chan blocks.Block
	stop chan struct{} // closed when the writer fails
	done chan struct{} // closed when the writer has drained ch
	err  error         // the writer's first error; read after stop or done is closed
}

func (s *Store) newImportDAG(ctx context.Context, chunks *chunkReader) *importDAG {
	w := &importDAG{DAGService: s.dag, ctx: ctx, ch: make(chan blocks.Block, importBacklog), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for b := range w.ch {
			if w.err == nil {
				// The builder named each node by hashing it.
				if w.err = s.packs.putTrusted(b); w.err != nil {
					close(w.stop)
				}
			}
			// The balanced layout is done with a leaf once it has
			// added it: it keeps only the CID and size.
			chunks.release(b.RawData())
		}
	}()
	return w
}

// Add queues nd for the writer. It fails once the writer has failed, so
// the builder stops reading the file.
func (w *importDAG) Add(ctx context.Context, nd format.Node) error {
	// A ProtoNode encodes itself lazily on the first Cid or RawData
	// call and caches the result: do it here, on the builder's
	// goroutine, and hand the writer only the resulting bytes.
	b, err := blocks.NewBlockWithCid(nd.RawData(), nd.Cid())
	if err != nil {
		return err
	}
	select {
	case w.ch <- b:
		return nil
	case <-w.stop:
		return w.err
	case <-ctx.Done():
		return ctx.Err()
	case <-w.ctx.Done():
		return w.ctx.Err()
	}
}

// AddMany queues each node.
func (w *importDAG) AddMany(ctx context.Context, nds []format.Node) error {
	for _, nd := range nds {
		if err := w.Add(ctx, nd); err != nil {
			return err
		}
	}
	return nil
}

// finish waits for the writer to write everything queued and returns its
// error. It must be called once, after the last Add.
func (w *importDAG) finish() error {
	close(w.ch)
	<-w.done
	return w.err
}

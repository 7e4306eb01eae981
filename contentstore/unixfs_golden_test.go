package contentstore

import (
	"context"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	cid "github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
	"golang.org/x/crypto/chacha20"
)

// The golden CIDs below are literals from Kubo v0.43.1's own tests (`go mod
// download github.com/ipfs/kubo@v0.43.1`; paths are relative to that
// module), not values computed by this package. Each case names its
// source. The content recipes are Kubo's:
//
//   - kuboBytes(seed, n) is test/cli/testutils/random_deterministic.go:39-49,
//     the ChaCha20 keystream of key sha256(seed) with a zero nonce;
//   - randomData(seed, n) is the `random-data -size=n -seed=seed` tool of
//     github.com/ipfs/go-test v0.4.1 used by the sharness tests:
//     math/rand/v2 ChaCha8 seeded with sha256(seed).
//
// The 100 MiB and 1 GiB files are generated while they are imported, into
// a DAG service that only hashes, so they take seconds and no disk; they
// are skipped under -short and -race. [TestAddFileMatchesGolden] checks
// that the on-disk import gives the same CIDs for the small files.

const (
	kiB = 1 << 10
	miB = 1 << 20
)

type goldenCase struct {
	name    string
	profile Profile
	content func() io.Reader
	size    int64
	want    string
	source  string // where in Kubo v0.43.1 the CID comes from
	large   bool   // skipped under -short and -race
}

func goldenCases() []goldenCase {
	const (
		emptyCID      = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
		helloWorldCID = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
	)
	str := func(s string) func() io.Reader { return func() io.Reader { return strings.NewReader(s) } }
	var cs []goldenCase
	for _, p := range []Profile{ProfileKuboCIDv1, ProfileUnixFSv12025} {
		cs = append(cs,
			goldenCase{name: "empty", profile: p, content: str(""), want: emptyCID,
				source: "test/sharness/t0040-add-and-cat.sh:561-568 (ipfs add --raw-leaves of an empty file)"},
			goldenCase{name: "hello world", profile: p, content: str("hello world"), size: 11, want: helloWorldCID,
				source: "test/cli/add_test.go:37 (shortStringCidV1); test/cli/cid_profiles_test.go:152 (SmallFileCID)"},
		)
	}
	cs = append(cs,
		// ipfs add --cid-version=1 with default settings.
		goldenCase{name: "one chunk", profile: ProfileKuboCIDv1, size: 256 * kiB,
			content: func() io.Reader { return randomData("7", 256*kiB) },
			want:    "bafkreic57mjykimhyhgce6ool4y4jayrb43bqk5c4frywn6yxa4k724ll4",
			source:  "test/sharness/t0272-urlstore.sh:14,73 (first 262144-byte chunk of random-data -seed=7)"},
		goldenCase{name: "20 leaves (5 MiB)", profile: ProfileKuboCIDv1, size: 5 * miB,
			content: func() io.Reader { return randomData("41", 5*miB) },
			want:    "bafybeihy7ngsovmm2dqanlpjeddvs7kshb4bdwrue3pe5nsf6rkn3hg45y",
			source:  "test/sharness/t0040-add-and-cat.sh:488,915 (random-data -size=5242880 -seed=41, --cid-version=1)"},
		goldenCase{name: "multi-level (100 MiB, 400 leaves)", profile: ProfileKuboCIDv1, size: 100 * miB, large: true,
			content: func() io.Reader { return randomData("42", 100*miB) },
			want:    "bafybeidwwhjvrpu2j34ppvr2swm2u55ljcuhqzm7s5xd7rlsvlu7ny2rry",
			source:  "test/sharness/t0040-add-and-cat.sh:598,935 (random-data -size=104857600 -seed=42, --cid-version=1)"},
		// unixfs-v1-2025 profile.
		goldenCase{name: "one chunk", profile: ProfileUnixFSv12025, size: miB,
			content: func() io.Reader { return kuboBytes("chunk-v1-seed", miB) },
			want:    "bafkreiacndfy443ter6qr2tmbbdhadvxxheowwf75s6zehscklu6ezxmta",
			source:  "test/cli/cid_profiles_test.go:153 (FileAtChunkSizeCID)"},
		goldenCase{name: "one chunk plus one byte", profile: ProfileUnixFSv12025, size: miB + 1,
			content: func() io.Reader { return kuboBytes("chunk-v1-seed", miB+1) },
			want:    "bafybeigmix7t42i6jacydtquhet7srwvgpizfg7gjbq7627d35mjomtu64",
			source:  "test/cli/cid_profiles_test.go:154 (FileOverChunkSizeCID)"},
		goldenCase{name: "1024 leaves (1 GiB)", profile: ProfileUnixFSv12025, size: 1024 * miB, large: true,
			content: func() io.Reader { return kuboBytes("v1-2025-seed", 1024*miB) },
			want:    "bafybeihmf37wcuvtx4hpu7he5zl5qaf2ineo2lqlfrapokkm5zzw7zyhvm",
			source:  "test/cli/cid_profiles_test.go:155 (FileAtMaxLinksCID)"},
		goldenCase{name: "multi-level (1 GiB plus one byte)", profile: ProfileUnixFSv12025, size: 1024*miB + 1, large: true,
			content: func() io.Reader { return kuboBytes("v1-2025-seed", 1024*miB+1) },
			want:    "bafybeibdsi225ugbkmpbdohnxioyab6jsqrmkts3twhpvfnzp77xtzpyhe",
			source:  "test/cli/cid_profiles_test.go:156 (FileOverMaxLinksCID)"},
	)
	return cs
}

func TestGoldenCIDs(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.profile.Name+"/"+tc.name, func(t *testing.T) {
			if tc.large && (testing.Short() || goldenSkipLarge) {
				t.Skipf("%d bytes; skipped under -short and -race", tc.size)
			}
			t.Parallel()
			var read int64
			chunks := newChunkReader(t.Context(), tc.content(), tc.profile.ChunkSize, func(n int64) { read = n })
			root, err := buildFile(t.Context(), hashOnlyDAG{}, chunks, tc.profile)
			chunks.close()
			if err != nil {
				t.Fatal(err)
			}
			if read != tc.size {
				t.Errorf("imported %d bytes, want %d", read, tc.size)
			}
			if got := root.String(); got != tc.want {
				t.Errorf("CID %s, want %s from Kubo's %s", got, tc.want, tc.source)
			}
		})
	}
}

// TestContentRecipes pins the two content generators to Kubo's fixtures,
// so a wrong CID points at the importer, not at the test data.
func TestContentRecipes(t *testing.T) {
	// test/sharness/t0272-urlstore.sh:13-14,72: the 2222-byte file of
	// random-data -seed=7 is one raw block.
	b, err := io.ReadAll(randomData("7", 2222))
	if err != nil {
		t.Fatal(err)
	}
	c, err := cid.V1Builder{Codec: cid.Raw, MhType: 0x12}.Sum(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := "bafkreihlljddclccvh7zvctdmeqgpnvmw3jponnfapm4r6o7tamektsz5a"; c.String() != want {
		t.Errorf("random-data -size=2222 -seed=7 hashes to %s, want %s", c, want)
	}
	// Determinism of kuboBytes across calls and read sizes.
	x, _ := io.ReadAll(kuboBytes("s", 1000))
	y := make([]byte, 1000)
	r := kuboBytes("s", 1000)
	for i := 0; i < len(y); i += 7 {
		if _, err := io.ReadFull(r, y[i:min(i+7, len(y))]); err != nil {
			t.Fatal(err)
		}
	}
	if string(x) != string(y) {
		t.Error("kuboBytes depends on read sizes")
	}
}

// kuboBytes reproduces Kubo's test/cli/testutils/random_deterministic.go.
func kuboBytes(seed string, n int64) io.Reader {
	key := sha256.Sum256([]byte(seed))
	var nonce [chacha20.NonceSize]byte
	c, err := chacha20.NewUnauthenticatedCipher(key[:], nonce[:])
	if err != nil {
		panic(err) // the key and nonce sizes are constants
	}
	return io.LimitReader(keystream{c}, n)
}

type keystream struct{ c *chacha20.Cipher }

func (k keystream) Read(p []byte) (int, error) {
	clear(p)
	k.c.XORKeyStream(p, p)
	return len(p), nil
}

// randomData reproduces `random-data` of github.com/ipfs/go-test v0.4.1.
func randomData(seed string, n int64) io.Reader {
	return io.LimitReader(rand.NewChaCha8(sha256.Sum256([]byte(seed))), n)
}

// hashOnlyDAG drops nodes: the importer has already hashed them into CIDs.
type hashOnlyDAG struct{}

func (hashOnlyDAG) Get(context.Context, cid.Cid) (format.Node, error) {
	return nil, format.ErrNotFound{}
}

func (hashOnlyDAG) GetMany(context.Context, []cid.Cid) <-chan *format.NodeOption {
	ch := make(chan *format.NodeOption)
	close(ch)
	return ch
}

func (hashOnlyDAG) Add(context.Context, format.Node) error       { return nil }
func (hashOnlyDAG) AddMany(context.Context, []format.Node) error { return nil }
func (hashOnlyDAG) Remove(context.Context, cid.Cid) error        { return nil }
func (hashOnlyDAG) RemoveMany(context.Context, []cid.Cid) error  { return nil }

package contentstore

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	cid "github.com/ipfs/go-cid"
)

// The CAR files under testdata/kubo-car are Kubo v0.43.1's own test
// fixtures (MIT/Apache-2.0), from test/sharness/t0054-dag-car-import-export-data/
// test_dataset_car.tar.xz and test/sharness/t0114-gateway-subdomains/fixtures.car.
// t0054-dag-car-import-export.sh:101-113 imports the shuffled files and
// compares the output of `ipfs dag export ROOT` byte for byte with
// lotus_devnet_genesis.car, so that file is Kubo's export.

func readKuboCAR(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "kubo-car", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestExportCARMatchesKubo imports Kubo's fixtures in any block order and
// exports them again: the bytes must be exactly what `ipfs dag export`
// wrote.
func TestExportCARMatchesKubo(t *testing.T) {
	for _, tc := range []struct {
		name, input, want, root string
	}{
		{
			// Blocks shuffled, and a root that is the empty identity
			// CID: the export follows the DAG, not the input order.
			name:  "lotus devnet genesis (dag-cbor, blake2b, identity blocks)",
			input: "lotus_devnet_genesis_shuffled_nulroot.car",
			want:  "lotus_devnet_genesis.car",
			root:  "bafy2bzaceaxm23epjsmh75yvzcecsrbavlmkcxnva66bkdebdcnyw3bjrc74u",
		},
		{
			name:  "lotus devnet genesis from CARv2",
			input: "lotus_devnet_genesis_v2.car",
			want:  "lotus_devnet_genesis.car",
			root:  "bafy2bzaceaxm23epjsmh75yvzcecsrbavlmkcxnva66bkdebdcnyw3bjrc74u",
		},
		{
			// A CIDv1 sharing its multihash with an earlier CIDv0
			// is a block of its own in Kubo's export.
			name:  "gateway fixtures (dag-pb, CIDv0 and CIDv1 of one block)",
			input: "t0114-gateway-subdomains-fixtures.car",
			want:  "t0114-gateway-subdomains-fixtures.car",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := storeTestOpen(t, t.TempDir())
			roots, err := s.ImportCAR(t.Context(), bytes.NewReader(readKuboCAR(t, tc.input)))
			if err != nil {
				t.Fatal(err)
			}
			root := roots[0]
			if tc.root != "" {
				if root, err = cid.Decode(tc.root); err != nil {
					t.Fatal(err)
				}
			}
			got := carTestExport(t, s, []cid.Cid{root}, false)
			want := readKuboCAR(t, tc.want)
			if !bytes.Equal(got, want) {
				t.Errorf("export of %s: %d bytes, Kubo's is %d bytes and differs", root, len(got), len(want))
			}
		})
	}
}

// TestExportCARToPipe streams a CARv1 to a pipe, which cannot seek.
func TestExportCARToPipe(t *testing.T) {
	s := storeTestOpen(t, t.TempDir())
	roots, err := s.ImportCAR(t.Context(), bytes.NewReader(readKuboCAR(t, "t0114-gateway-subdomains-fixtures.car")))
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		var buf bytes.Buffer
		buf.ReadFrom(r)
		got <- buf.Bytes()
	}()
	err = s.ExportCAR(t.Context(), w, roots, false)
	w.Close()
	if err != nil {
		t.Fatalf("export to a pipe: %v", err)
	}
	if b := <-got; !bytes.Equal(b, readKuboCAR(t, "t0114-gateway-subdomains-fixtures.car")) {
		t.Errorf("export to a pipe wrote %d different bytes", len(b))
	}
}

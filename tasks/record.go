package tasks

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/crucible-net/crucible/tasks/internal/dagcbor"
	"github.com/crucible-net/crucible/tasks/merkle"
)

// Section names, as Location reports them.
const (
	SectionHeader            = "header"
	SectionNeurons           = "neurons"
	SectionTasks             = "tasks"
	SectionSubmissionCommits = "submission_commits"
	SectionSubmissionReveals = "submission_reveals"
	SectionEvaluations       = "evaluations"
	SectionWeightCommits     = "weight_commits"
	SectionWeightReveals     = "weight_reveals"
	SectionEquivocations     = "equivocations"
	SectionResults           = "results"
	SectionBonds             = "bonds"
)

// RecordHeader says which epoch a record is of and what it builds on. It is
// leaf 0 of the record's Merkle tree.
type RecordHeader struct {
	// Version is ProtocolVersion.
	Version uint64 `cbor:"v"`
	// Subnet and Epoch name the epoch.
	Subnet uint64 `cbor:"subnet"`
	Epoch  uint64 `cbor:"epoch"`
	// Manifest is the CID of the subnet's manifest.
	Manifest Link `cbor:"manifest"`
	// Seed is the epoch's seed, from which tasks derive.
	Seed [32]byte `cbor:"seed"`
	// Prev is the CID of the previous epoch's record; undefined (absent)
	// for the first record of a subnet.
	Prev Link `cbor:"prev,omitzero"`
	// Start is the epoch's first block: the block of the stake snapshot,
	// as of which consensus is computed.
	Start uint64 `cbor:"start"`
	// Outcome is the part of the consensus result that is not per uid.
	Outcome Outcome `cbor:"outcome"`
}

// Outcome is the epoch-wide part of the consensus result.
type Outcome struct {
	// Emission is what the epoch paid out in gwei: the manifest's
	// emission per epoch.
	Emission uint64 `cbor:"emission"`
	// OwnerEmission is the subnet owner's cut.
	OwnerEmission uint64 `cbor:"owner_emission"`
	// Unallocated is what rounding (or a subnet without stake) left unpaid.
	Unallocated uint64 `cbor:"unallocated"`
	// StakeFallback says no consensus formed and validators were paid by
	// stake.
	StakeFallback bool `cbor:"stake_fallback"`
}

// Kind returns KindRecordHeader.
func (RecordHeader) Kind() Kind { return KindRecordHeader }

// Validate checks the header's fields.
func (h RecordHeader) Validate() error {
	if h.Version != ProtocolVersion {
		return invalidf("record header: version %d, want %d", h.Version, ProtocolVersion)
	}
	if err := validateBlockLink("record header: manifest", h.Manifest); err != nil {
		return err
	}
	if h.Prev.Defined() {
		if err := validateBlockLink("record header: previous record", h.Prev); err != nil {
			return err
		}
	}
	return nil
}

// Neuron is one registered uid of the subnet at the start of the epoch:
// the stake snapshot consensus runs on.
type Neuron struct {
	// UID is the neuron's uid, below MaxNeurons.
	UID uint32 `cbor:"uid"`
	// Peer is the peer that holds the uid.
	Peer PeerID `cbor:"peer"`
	// Stake is the neuron's stake in gwei.
	Stake uint64 `cbor:"stake"`
	// RegisteredAt is the block the neuron registered in.
	RegisteredAt uint64 `cbor:"registered_at"`
	// LastUpdate is the start block of the last epoch before this one in
	// which the neuron's weights were accepted (0 if never). Consensus
	// moves it to this epoch's start for validators that reveal now.
	LastUpdate uint64 `cbor:"last_update"`
}

// Kind returns KindNeuron.
func (Neuron) Kind() Kind { return KindNeuron }

// Validate checks the neuron's fields.
func (n Neuron) Validate() error {
	if n.UID >= MaxNeurons {
		return invalidf("neuron: uid %d, want below %d", n.UID, MaxNeurons)
	}
	return n.Peer.validate("neuron: peer")
}

// Result is the consensus result for one uid: the fields of
// consensus.Result at that uid, bit for bit, so a verifier compares them
// with its own recomputation exactly. Fractions must be finite and not -0.
type Result struct {
	// UID is the neuron's uid, below MaxNeurons.
	UID uint32 `cbor:"uid"`
	// Stake is the neuron's share of the subnet's stake.
	Stake float64 `cbor:"stake"`
	// ActiveStake is the neuron's share of the stake that voted.
	ActiveStake float64 `cbor:"active_stake"`
	// Active says the neuron's weights are within the activity cutoff.
	Active bool `cbor:"active"`
	// ValidatorPermit says the neuron is among the largest stakes.
	ValidatorPermit bool `cbor:"validator_permit"`
	// ValidatorTrust is the share of the neuron's weights that reached
	// consensus.
	ValidatorTrust float64 `cbor:"validator_trust"`
	// Consensus is the stake-weighted consensus weight on the neuron.
	Consensus float64 `cbor:"consensus"`
	// Trust is the share of the neuron's rank that survived clipping.
	Trust float64 `cbor:"trust"`
	// Rank is the normalised, consensus-clipped stake-weighted weight on
	// the neuron.
	Rank float64 `cbor:"rank"`
	// Incentive is the neuron's normalised miner reward.
	Incentive float64 `cbor:"incentive"`
	// Dividends is the neuron's normalised validator reward.
	Dividends float64 `cbor:"dividends"`
	// MinerEmission and ValidatorEmission are the neuron's shares of the
	// emission after the owner's cut.
	MinerEmission     float64 `cbor:"miner_emission"`
	ValidatorEmission float64 `cbor:"validator_emission"`
	// PruningScore orders neurons for deregistration.
	PruningScore float64 `cbor:"pruning_score"`
	// Emission is the neuron's payout in gwei.
	Emission uint64 `cbor:"emission"`
}

// Kind returns KindResult.
func (Result) Kind() Kind { return KindResult }

// Validate checks the uid and that every fraction is finite and not -0.
//
// Consensus computes every fraction from sums, products and quotients of
// non-negative values, which never give -0; a -0 in a record can only have
// been written by hand, and it compares equal to 0 while encoding
// differently, so refusing it keeps one encoding per result.
func (r Result) Validate() error {
	if r.UID >= MaxNeurons {
		return invalidf("result: uid %d, want below %d", r.UID, MaxNeurons)
	}
	for _, f := range []float64{r.Stake, r.ActiveStake, r.ValidatorTrust, r.Consensus, r.Trust, r.Rank,
		r.Incentive, r.Dividends, r.MinerEmission, r.ValidatorEmission, r.PruningScore} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return invalidf("result for uid %d: non-finite value %v", r.UID, f)
		}
		if f == 0 && math.Signbit(f) {
			return invalidf("result for uid %d: -0, which consensus never gives (write 0)", r.UID)
		}
	}
	return nil
}

// Bond is one entry of a validator's sparse bond row.
type Bond struct {
	// UID is the bonded miner's uid.
	UID uint32 `cbor:"uid"`
	// Value is the bond, positive and finite; zero bonds are left out.
	Value float64 `cbor:"b"`
}

// BondRow is one validator's bonds after the epoch, sparse: sorted by uid,
// no duplicates, no zeros. Validators with no bonds have no row.
type BondRow struct {
	// UID is the validator's uid.
	UID uint32 `cbor:"uid"`
	// Bonds are the non-zero bonds, sorted by uid.
	Bonds []Bond `cbor:"bonds"`
}

// Kind returns KindBondRow.
func (BondRow) Kind() Kind { return KindBondRow }

// Validate checks that the row is canonical.
func (r BondRow) Validate() error {
	if r.UID >= MaxNeurons {
		return invalidf("bond row: uid %d, want below %d", r.UID, MaxNeurons)
	}
	if len(r.Bonds) == 0 || len(r.Bonds) > MaxNeurons {
		return invalidf("bond row of uid %d: %d bonds, want 1 to %d (leave out empty rows)", r.UID, len(r.Bonds), MaxNeurons)
	}
	for i, b := range r.Bonds {
		if b.UID >= MaxNeurons || (i > 0 && r.Bonds[i-1].UID >= b.UID) {
			return invalidf("bond row of uid %d: bond %d: uid %d out of order or range", r.UID, i, b.UID)
		}
		if math.IsNaN(b.Value) || math.IsInf(b.Value, 0) || b.Value <= 0 {
			return invalidf("bond row of uid %d: bond %d: value %v, want positive and finite", r.UID, i, b.Value)
		}
	}
	return nil
}

// RecordContents is what an epoch record holds: the header and one slice
// per section, named as the sections are. BuildRecord takes the entries of
// each section in any order and sorts them; ReadRecord returns them
// sorted.
type RecordContents struct {
	Header            RecordHeader
	Neurons           []Neuron
	Tasks             []Task
	SubmissionCommits []SubmissionCommit
	SubmissionReveals []SubmissionReveal
	Evaluations       []Evaluation
	WeightCommits     []WeightCommit
	WeightReveals     []WeightReveal
	Equivocations     []Equivocation
	Results           []Result
	Bonds             []BondRow
}

// An epoch record is everything a verifier needs to recompute an epoch:
// the neurons and their stake, the tasks, commits and reveals, the
// evaluations, and the consensus result. For a subnet of MaxNeurons uids it
// runs to megabytes, more than one block may hold, so it is stored as a
// root block (EpochRecord) that links pages of entries, section by section.
//
// The record's Merkle tree (RFC 6962, package merkle) has one leaf per
// entry, and the leaf is the entry's canonical DAG-CBOR encoding, the same
// bytes it has inside its page. The leaves are in this order:
//
//	0                   the RecordHeader
//	then, section by section, each sorted as listed:
//	neurons             by uid
//	tasks               by validator, then index
//	submission commits  by task CID, then miner
//	submission reveals  by task CID, then miner
//	evaluations         by validator, then task CID, then miner
//	weight commits      by validator
//	weight reveals      by validator
//	equivocations       by validator
//	results             by uid
//	bonds               by uid (the bonding validator's)
//
// Peer IDs and CIDs order by their binary form. The root block holds the
// Merkle root and, for each section, the leaf index of its first entry and
// its pages with their entry counts, so a verifier can find the page that
// holds any leaf without fetching the others. Anchoring (record CID, root)
// binds both: the CID commits to the root block, which holds the root and
// the number of leaves, so that one entry checks against the root block
// alone (EpochRecord.VerifyEntry).
//
// EpochRecord is that root block: the header, the Merkle root and the
// pages of each section.
type EpochRecord struct {
	// Version is ProtocolVersion.
	Version uint64 `cbor:"v"`
	// Header is leaf 0.
	Header RecordHeader `cbor:"header"`
	// Root is the Merkle root over all leaves.
	Root [32]byte `cbor:"root"`
	// Size is the number of leaves: 1 plus the number of entries.
	Size uint64 `cbor:"size"`
	// Sections lists the pages of each section.
	Sections Sections `cbor:"sections"`
}

// Sections holds one Section per kind of entry; the fields are in leaf
// order, and each is named for the RecordContents field it pages.
type Sections struct {
	Neurons           Section `cbor:"neurons"`
	Tasks             Section `cbor:"tasks"`
	SubmissionCommits Section `cbor:"submission_commits"`
	SubmissionReveals Section `cbor:"submission_reveals"`
	Evaluations       Section `cbor:"evaluations"`
	WeightCommits     Section `cbor:"weight_commits"`
	WeightReveals     Section `cbor:"weight_reveals"`
	Equivocations     Section `cbor:"equivocations"`
	Results           Section `cbor:"results"`
	Bonds             Section `cbor:"bonds"`
}

// Section locates one section's entries among the leaves and its pages.
type Section struct {
	// First is the leaf index of the section's first entry.
	First uint64 `cbor:"first"`
	// Count is the number of entries.
	Count uint64 `cbor:"count"`
	// Pages lists the pages in order; absent for an empty section.
	Pages []PageRef `cbor:"pages,omitempty"`
}

// PageRef links one page and says how many entries it holds.
type PageRef struct {
	// Link is the page's CID.
	Link Link `cbor:"link"`
	// Count is the number of entries in the page, at least 1.
	Count uint64 `cbor:"count"`
}

// page is a block holding consecutive entries of one section.
type page[E any] struct {
	Version uint64 `cbor:"v"`
	Entries []E    `cbor:"entries"`
}

// pageOverhead bounds what a page adds to its entries' bytes: the map, its
// keys, the version and the array head.
const pageOverhead = 32

// The sections, in leaf order. They index sectionSpecs and everything
// that handles the sections one by one, so that the order is written down
// once.
const (
	secNeurons = iota
	secTasks
	secSubmissionCommits
	secSubmissionReveals
	secEvaluations
	secWeightCommits
	secWeightReveals
	secEquivocations
	secResults
	secBonds
	numSections
)

// Bounds on the encoding of one record entry where the kind's size limit is
// far above what a valid entry can reach. They are what a page of each
// section is sure to hold (MaxRecordTasks shows the sums), and
// TestRecordBound checks each against the largest valid entry: every
// integer at its maximum, links at MaxLinkLen, a verdict of MaxVerdictLen,
// MaxNeurons weights or bonds.
const (
	maxSubmissionCommitEntry = 256      // 238 bytes measured
	maxSubmissionRevealEntry = 288      // 278
	maxEvaluationEntry       = 1360     // 1,351
	maxWeightCommitEntry     = 256      // 196
	maxWeightRevealEntry     = 52 << 10 // 53,103
	maxEquivocationEntry     = 512      // 400
	maxResultEntry           = 320      // 275
	maxBondRowEntry          = 78 << 10 // 77,561
)

// sectionSpec describes one section of a record.
type sectionSpec struct {
	// name is the section's name, as Location reports it.
	name string
	// of returns the section in a root block.
	of func(*Sections) *Section
	// maxEntries bounds the section's entries in any valid record: one per
	// uid, or per participant and task for the sections that grow with
	// the tasks (see MaxRecordTasks).
	maxEntries uint64
	// maxEntrySize bounds one entry's encoding.
	maxEntrySize int
	// read fetches the section's pages into c (ReadRecord).
	read func(ctx context.Context, blocks BlockGetter, spec *sectionSpec, s Section, c *RecordContents) error
}

// sectionSpecs lists the sections in leaf order. Sections.list, BuildRecord,
// ReadRecord, EpochRecord.Validate and the size bounds all follow it.
var sectionSpecs = [numSections]sectionSpec{
	secNeurons: {SectionNeurons, func(s *Sections) *Section { return &s.Neurons },
		MaxNeurons, MaxNeuronSize,
		readInto(func(c *RecordContents) *[]Neuron { return &c.Neurons })},
	secTasks: {SectionTasks, func(s *Sections) *Section { return &s.Tasks },
		MaxRecordTasks, MaxTaskSize,
		readInto(func(c *RecordContents) *[]Task { return &c.Tasks })},
	secSubmissionCommits: {SectionSubmissionCommits, func(s *Sections) *Section { return &s.SubmissionCommits },
		MaxNeurons * MaxRecordTasks, maxSubmissionCommitEntry,
		readInto(func(c *RecordContents) *[]SubmissionCommit { return &c.SubmissionCommits })},
	secSubmissionReveals: {SectionSubmissionReveals, func(s *Sections) *Section { return &s.SubmissionReveals },
		MaxNeurons * MaxRecordTasks, maxSubmissionRevealEntry,
		readInto(func(c *RecordContents) *[]SubmissionReveal { return &c.SubmissionReveals })},
	secEvaluations: {SectionEvaluations, func(s *Sections) *Section { return &s.Evaluations },
		MaxNeurons * MaxRecordTasks, maxEvaluationEntry,
		readInto(func(c *RecordContents) *[]Evaluation { return &c.Evaluations })},
	secWeightCommits: {SectionWeightCommits, func(s *Sections) *Section { return &s.WeightCommits },
		MaxNeurons, maxWeightCommitEntry,
		readInto(func(c *RecordContents) *[]WeightCommit { return &c.WeightCommits })},
	secWeightReveals: {SectionWeightReveals, func(s *Sections) *Section { return &s.WeightReveals },
		MaxNeurons, maxWeightRevealEntry,
		readInto(func(c *RecordContents) *[]WeightReveal { return &c.WeightReveals })},
	secEquivocations: {SectionEquivocations, func(s *Sections) *Section { return &s.Equivocations },
		MaxNeurons, maxEquivocationEntry,
		readInto(func(c *RecordContents) *[]Equivocation { return &c.Equivocations })},
	secResults: {SectionResults, func(s *Sections) *Section { return &s.Results },
		MaxNeurons, maxResultEntry,
		readInto(func(c *RecordContents) *[]Result { return &c.Results })},
	secBonds: {SectionBonds, func(s *Sections) *Section { return &s.Bonds },
		MaxNeurons, maxBondRowEntry,
		readInto(func(c *RecordContents) *[]BondRow { return &c.Bonds })},
}

// perPage returns how many entries a page of the section is sure to hold:
// BuildRecord closes a page only when the next entry would take it past
// PageTargetSize.
func (spec *sectionSpec) perPage() uint64 {
	return uint64((PageTargetSize - pageOverhead) / spec.maxEntrySize)
}

// maxRecordPages is the most pages a valid record has: for each section,
// its most entries over the fewest a page holds. The root block of such a
// record fits in MaxRecordSize (TestRecordBound), and a root block that
// lists more pages is refused before any page is fetched.
var maxRecordPages = func() (n uint64) {
	for i := range sectionSpecs {
		per := sectionSpecs[i].perPage()
		n += (sectionSpecs[i].maxEntries + per - 1) / per
	}
	return n
}()

// namedSection pairs a section with its name.
type namedSection struct {
	name string
	s    *Section
}

// list returns the sections in leaf order.
func (s *Sections) list() []namedSection {
	out := make([]namedSection, numSections)
	for i := range sectionSpecs {
		out[i] = namedSection{sectionSpecs[i].name, sectionSpecs[i].of(s)}
	}
	return out
}

// Kind returns KindRecord.
func (EpochRecord) Kind() Kind { return KindRecord }

// Validate checks that the header is valid and the sections tile the
// leaves 1 to Size-1 in order, with page counts that add up; and that no
// section, and not the record as a whole, is larger than any valid record's
// can be (an error wrapping ErrTooLarge), so that a reader refuses a
// hostile root block before fetching its pages.
func (r EpochRecord) Validate() error {
	if r.Version != ProtocolVersion {
		return invalidf("epoch record: version %d, want %d", r.Version, ProtocolVersion)
	}
	if err := r.Header.Validate(); err != nil {
		return err
	}
	next := uint64(1)
	var pages uint64
	for i := range sectionSpecs {
		spec := &sectionSpecs[i]
		s := spec.of(&r.Sections)
		if s.First != next {
			return invalidf("epoch record: section %s starts at leaf %d, want %d", spec.name, s.First, next)
		}
		if s.Count > spec.maxEntries {
			return fmt.Errorf("%w: epoch record: section %s has %d entries, a valid record at most %d", ErrTooLarge, spec.name, s.Count, spec.maxEntries)
		}
		var n uint64
		for j, p := range s.Pages {
			if err := validateBlockLink(fmt.Sprintf("epoch record: section %s page %d", spec.name, j), p.Link); err != nil {
				return err
			}
			if p.Count == 0 || p.Count > s.Count-n {
				return invalidf("epoch record: section %s page %d: count %d does not fit the section's %d entries", spec.name, j, p.Count, s.Count)
			}
			n += p.Count
		}
		if n != s.Count {
			return invalidf("epoch record: section %s: pages hold %d entries, section says %d", spec.name, n, s.Count)
		}
		// Counts are bounded above, so neither sum can overflow.
		next += s.Count
		pages += uint64(len(s.Pages))
	}
	if pages > maxRecordPages {
		return fmt.Errorf("%w: epoch record: %d pages, a valid record at most %d", ErrTooLarge, pages, maxRecordPages)
	}
	if r.Size != next {
		return invalidf("epoch record: size %d, sections hold %d leaves", r.Size, next)
	}
	return nil
}

// Location says where a leaf of a record is stored.
type Location struct {
	// Section is the section's name (SectionNeurons, ...), or
	// SectionHeader for leaf 0, which is in the root block.
	Section string
	// Page is the page's position in the section and Link its CID; -1
	// and undefined for the header.
	Page int
	Link Link
	// Offset is the entry's position in the page.
	Offset int
}

// Locate returns where leaf index is stored, so a verifier holding the
// root block fetches one page to check one entry.
func (r EpochRecord) Locate(index uint64) (Location, error) {
	if index == 0 {
		return Location{Section: SectionHeader, Page: -1}, nil
	}
	for _, ns := range r.Sections.list() {
		s := ns.s
		if index < s.First || index-s.First >= s.Count {
			continue
		}
		off := index - s.First
		for i, p := range s.Pages {
			if off < p.Count {
				return Location{Section: ns.name, Page: i, Link: p.Link, Offset: int(off)}, nil
			}
			off -= p.Count
		}
	}
	return Location{}, fmt.Errorf("locate leaf %d: %w: the record has %d leaves", index, ErrInvalid, r.Size)
}

// VerifyEntry checks that leaf is leaf index of the record whose root
// block is r, with r's own Merkle root and size. This is how a verifier
// checks one entry: fetch the root block by the anchored record CID
// (Decode checks it), compare r.Root with the anchored root, then call
// r.VerifyEntry with the leaf and proof it was given. The size must come
// from the root block, never from the prover: an RFC 6962 proof does not
// bind the tree size, and the path of leaf 12 of a 13-leaf tree is also a
// valid path for leaf 3 of a 4-leaf tree with the same root.
//
// The kind of the entry follows from its index (r.Locate); decode the leaf
// to read it.
//
// # Errors
//
// An error wrapping ErrInvalidProof if the proof does not hold, or if
// index is not a leaf of the record.
func (r EpochRecord) VerifyEntry(leaf []byte, index uint64, proof [][32]byte) error {
	return VerifyEntry(r.Root, leaf, index, r.Size, proof)
}

// Block is one block of a record: its CID and bytes.
type Block struct {
	// Link is the CID of Data (dag-cbor, sha2-256).
	Link Link
	// Data is the block's canonical DAG-CBOR encoding.
	Data []byte
}

// Record is a built epoch record: its blocks, its Merkle tree and its
// sorted contents.
type Record struct {
	// Link is the CID of the root block: the record's CID.
	Link Link
	// Root is the root block.
	Root EpochRecord
	// Blocks holds every block, the root block first, then the pages in
	// leaf order. Storing them all makes the record fetchable by Link.
	Blocks []Block
	// Tree is the Merkle tree over the leaves; Tree.Root() == Root.Root.
	Tree *merkle.Tree
	// Contents is what the record holds, each section sorted.
	Contents RecordContents

	leaves [][]byte
}

// Leaf returns the bytes of leaf index: the canonical encoding of the
// header (0) or of an entry.
func (r *Record) Leaf(index uint64) ([]byte, error) {
	if index >= uint64(len(r.leaves)) {
		return nil, fmt.Errorf("leaf %d: %w: the record has %d leaves", index, ErrInvalid, len(r.leaves))
	}
	return bytes.Clone(r.leaves[index]), nil
}

// EntryProof proves that one entry is in a record. A verifier checks it
// with EpochRecord.VerifyEntry(p.Leaf, p.Index, p.Path) on the root block
// it fetched by the anchored CID; Size is what the prover claims, for
// display, and is not to be trusted.
type EntryProof struct {
	// Leaf is the entry's canonical encoding.
	Leaf []byte
	// Index is the leaf's index and Size the number of leaves.
	Index uint64
	Size  uint64
	// Path is the RFC 6962 inclusion proof.
	Path [][32]byte
}

// Prove returns the inclusion proof of leaf index.
func (r *Record) Prove(index uint64) (EntryProof, error) {
	leaf, err := r.Leaf(index)
	if err != nil {
		return EntryProof{}, fmt.Errorf("prove: %w", err)
	}
	path, err := r.Tree.Proof(index)
	if err != nil {
		return EntryProof{}, fmt.Errorf("prove leaf %d: %w", index, err)
	}
	return EntryProof{Leaf: leaf, Index: index, Size: r.Tree.Size(), Path: path}, nil
}

// VerifyEntry checks that leaf is leaf index of a record of size leaves
// whose Merkle root is root. It needs nothing else: not the record, not its
// other entries. Prefer EpochRecord.VerifyEntry.
//
// # Notes
//
// root and size must both come from the record's root block, fetched by
// the anchored CID: an inclusion proof does not bind the tree size, so a
// size taken from the prover lets a leaf pass for another index (leaf 12 of
// a 13-leaf tree verifies as leaf 3 of 4), and so for an entry of another
// section.
//
// # Errors
//
// An error wrapping ErrInvalidProof if the proof does not hold, including
// when index is not below size (that error also matches
// merkle.ErrIndexOutOfRange).
func VerifyEntry(root [32]byte, leaf []byte, index, size uint64, proof [][32]byte) error {
	err := merkle.VerifyInclusion(root, leaf, index, size, proof)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrInvalidProof):
		return fmt.Errorf("verify record entry %d of %d: %w", index, size, err)
	default:
		return fmt.Errorf("verify record entry %d of %d: %w: %w", index, size, ErrInvalidProof, err)
	}
}

// builtSection is one section, sorted, encoded and paginated.
type builtSection struct {
	leaves [][]byte
	pages  []Block
	refs   []PageRef
}

// buildSection sorts a copy of in by cmpKey, refuses duplicates (entries
// equal under cmpKey), checks each entry, encodes it as a leaf and packs
// the leaves into pages of about PageTargetSize. It returns the sorted
// entries too.
func buildSection[E Message](sec int, in []E, cmpKey func(a, b E) int, check func(E) error) ([]E, builtSection, error) {
	spec := &sectionSpecs[sec]
	name := spec.name
	es := slices.Clone(in)
	slices.SortFunc(es, cmpKey)
	var b builtSection
	if uint64(len(es)) > spec.maxEntries {
		return nil, b, fmt.Errorf("%s: %w: %d entries, a record holds at most %d", name, ErrTooLarge, len(es), spec.maxEntries)
	}
	b.leaves = make([][]byte, len(es))
	for i, e := range es {
		if i > 0 && cmpKey(es[i-1], e) == 0 {
			return nil, b, invalidf("%s: entries %d and %d have the same key", name, i-1, i)
		}
		if err := check(e); err != nil {
			return nil, b, fmt.Errorf("%s entry %d: %w", name, i, err)
		}
		leaf, err := dagcbor.Marshal(e)
		if err != nil {
			return nil, b, fmt.Errorf("%s entry %d: %w", name, i, err)
		}
		if len(leaf) > spec.maxEntrySize {
			return nil, b, fmt.Errorf("%s entry %d: %w: %d bytes, limit %d", name, i, ErrTooLarge, len(leaf), spec.maxEntrySize)
		}
		b.leaves[i] = leaf
	}
	for i := 0; i < len(es); {
		size, j := pageOverhead+len(b.leaves[i]), i+1
		for j < len(es) && size+len(b.leaves[j]) <= PageTargetSize {
			size += len(b.leaves[j])
			j++
		}
		data, link, err := dagcbor.Encode(page[E]{Version: ProtocolVersion, Entries: es[i:j]})
		if err != nil {
			return nil, b, fmt.Errorf("%s: page %d: %w", name, len(b.pages), err)
		}
		if len(data) > MaxPageSize {
			return nil, b, fmt.Errorf("%s: page %d: %w: %d bytes, limit %d", name, len(b.pages), ErrTooLarge, len(data), MaxPageSize)
		}
		b.pages = append(b.pages, Block{Link: link, Data: data})
		b.refs = append(b.refs, PageRef{Link: link, Count: uint64(j - i)})
		i = j
	}
	return es, b, nil
}

// compareLinks orders links by their binary form.
func compareLinks(a, b Link) int { return bytes.Compare(a.Bytes(), b.Bytes()) }

// BuildRecord builds the epoch record of c: it sorts and checks every
// section, encodes the entries as Merkle leaves, packs them into pages and
// writes the root block. The same contents, in any order, give the same
// blocks and the same CID on every machine.
//
// Besides each entry's own Validate, BuildRecord checks that entries are of
// the header's subnet and epoch, that no section holds two entries with one
// key (one neuron per uid and per peer, one task per validator and index,
// one commit per validator, ...), that every submission commit, reveal and
// evaluation names a task of the record (ErrUnknownTask) and every
// evaluation is by the validator of its task, that every reveal opens a
// commit in the record, and that equivocating validators have no commit or
// reveal. It does not verify signatures: the Book that collected the
// commits did, and ReadRecord does for records that come from elsewhere.
//
// # Errors
//
// ErrInvalid, ErrUnknownTask, ErrNoCommit, ErrCommitMismatch or
// ErrEquivocation for contents that break a rule; ErrTooLarge for a record
// larger than any valid manifest allows (see MaxRecordTasks).
func BuildRecord(c RecordContents) (*Record, error) {
	if err := c.Header.Validate(); err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	subnet, epoch := c.Header.Subnet, c.Header.Epoch
	same := func(what string, s, e uint64) error {
		if s != subnet || e != epoch {
			return invalidf("%s for subnet %d epoch %d in the record of subnet %d epoch %d", what, s, e, subnet, epoch)
		}
		return nil
	}

	var (
		out   RecordContents
		built [numSections]builtSection
		err   error
	)
	out.Header = c.Header
	peers := make(map[PeerID]bool, len(c.Neurons))
	if out.Neurons, built[secNeurons], err = buildSection(secNeurons, c.Neurons,
		func(a, b Neuron) int { return cmp.Compare(a.UID, b.UID) },
		func(n Neuron) error {
			if err := n.Validate(); err != nil {
				return err
			}
			if peers[n.Peer] {
				return invalidf("peer %s holds two uids", n.Peer)
			}
			peers[n.Peer] = true
			return nil
		}); err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	if out.Tasks, built[secTasks], err = buildSection(secTasks, c.Tasks,
		func(a, b Task) int {
			return cmp.Or(a.Validator.Compare(b.Validator), cmp.Compare(a.Index, b.Index))
		},
		func(t Task) error { return cmp.Or(t.Validate(), same("task", t.Subnet, t.Epoch)) }); err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	// A task's leaf is its encoding, so its CID is the leaf's.
	taskValidator := make(map[Link]PeerID, len(out.Tasks))
	for i, t := range out.Tasks {
		taskValidator[SumLink(CodecDagCBOR, built[secTasks].leaves[i])] = t.Validator
	}
	ofTask := func(what string, miner PeerID, task Link) error {
		if _, ok := taskValidator[task]; !ok {
			return fmt.Errorf("%s of %s: %w: task %s is not in the record", what, miner, ErrUnknownTask, task)
		}
		return nil
	}
	subKey := func(task Link, miner PeerID) string { return string(task.Bytes()) + string(miner.b[:]) }
	subCommits := make(map[string][32]byte, len(c.SubmissionCommits))
	if out.SubmissionCommits, built[secSubmissionCommits], err = buildSection(secSubmissionCommits, c.SubmissionCommits,
		func(a, b SubmissionCommit) int {
			return cmp.Or(compareLinks(a.Task, b.Task), a.Miner.Compare(b.Miner))
		},
		func(sc SubmissionCommit) error {
			subCommits[subKey(sc.Task, sc.Miner)] = sc.Commit
			return cmp.Or(sc.Validate(), same("submission commit", sc.Subnet, sc.Epoch),
				ofTask("submission commit", sc.Miner, sc.Task))
		}); err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	if out.SubmissionReveals, built[secSubmissionReveals], err = buildSection(secSubmissionReveals, c.SubmissionReveals,
		func(a, b SubmissionReveal) int {
			return cmp.Or(compareLinks(a.Task, b.Task), a.Miner.Compare(b.Miner))
		},
		func(r SubmissionReveal) error {
			if err := cmp.Or(r.Validate(), same("submission reveal", r.Subnet, r.Epoch),
				ofTask("submission reveal", r.Miner, r.Task)); err != nil {
				return err
			}
			if h, ok := subCommits[subKey(r.Task, r.Miner)]; !ok || h != r.CommitHash() {
				return fmt.Errorf("submission reveal of %s: %w", r.Miner, cmp.Or(errIf(!ok, ErrNoCommit), ErrCommitMismatch))
			}
			return nil
		}); err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	if out.Evaluations, built[secEvaluations], err = buildSection(secEvaluations, c.Evaluations,
		func(a, b Evaluation) int {
			return cmp.Or(a.Validator.Compare(b.Validator), compareLinks(a.Task, b.Task), a.Miner.Compare(b.Miner))
		},
		func(e Evaluation) error {
			if err := cmp.Or(e.Validate(), same("evaluation", e.Subnet, e.Epoch),
				ofTask("evaluation of the answer", e.Miner, e.Task)); err != nil {
				return err
			}
			// One evaluation per task and miner: the task's validator
			// evaluates the answers to it, and nobody else.
			if v := taskValidator[e.Task]; v != e.Validator {
				return invalidf("evaluation by %s of an answer to a task of %s", e.Validator, v)
			}
			return nil
		}); err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	equivocators := make(map[PeerID]bool, len(c.Equivocations))
	for _, e := range c.Equivocations {
		equivocators[e.Validator()] = true
	}
	weightCommits := make(map[PeerID][32]byte, len(c.WeightCommits))
	if out.WeightCommits, built[secWeightCommits], err = buildSection(secWeightCommits, c.WeightCommits,
		func(a, b WeightCommit) int { return a.Validator.Compare(b.Validator) },
		func(wc WeightCommit) error {
			if equivocators[wc.Validator] {
				return fmt.Errorf("weight commit of %s: %w: the validator equivocated", wc.Validator, ErrEquivocation)
			}
			weightCommits[wc.Validator] = wc.Commit
			return cmp.Or(wc.Validate(), same("weight commit", wc.Subnet, wc.Epoch))
		}); err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	if out.WeightReveals, built[secWeightReveals], err = buildSection(secWeightReveals, c.WeightReveals,
		func(a, b WeightReveal) int { return a.Validator.Compare(b.Validator) },
		func(r WeightReveal) error {
			if err := cmp.Or(r.Validate(), same("weight reveal", r.Subnet, r.Epoch)); err != nil {
				return err
			}
			if h, ok := weightCommits[r.Validator]; !ok || h != r.CommitHash() {
				return fmt.Errorf("weight reveal of %s: %w", r.Validator, cmp.Or(errIf(!ok, ErrNoCommit), ErrCommitMismatch))
			}
			return nil
		}); err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	if out.Equivocations, built[secEquivocations], err = buildSection(secEquivocations, c.Equivocations,
		func(a, b Equivocation) int { return a.Validator().Compare(b.Validator()) },
		func(e Equivocation) error { return cmp.Or(e.Validate(), same("equivocation", e.A.Subnet, e.A.Epoch)) }); err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	if out.Results, built[secResults], err = buildSection(secResults, c.Results,
		func(a, b Result) int { return cmp.Compare(a.UID, b.UID) }, Result.Validate); err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	if out.Bonds, built[secBonds], err = buildSection(secBonds, c.Bonds,
		func(a, b BondRow) int { return cmp.Compare(a.UID, b.UID) }, BondRow.Validate); err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}

	header, _, err := Encode(c.Header)
	if err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	leaves := [][]byte{header}
	root := EpochRecord{Version: ProtocolVersion, Header: c.Header}
	var pages []Block
	for i := range sectionSpecs {
		*sectionSpecs[i].of(&root.Sections) = Section{First: uint64(len(leaves)), Count: uint64(len(built[i].leaves)), Pages: built[i].refs}
		leaves = append(leaves, built[i].leaves...)
		pages = append(pages, built[i].pages...)
	}
	tree := merkle.New(leaves)
	root.Root = tree.Root()
	root.Size = tree.Size()
	data, link, err := Encode(root)
	if err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	return &Record{
		Link:     link,
		Root:     root,
		Blocks:   append([]Block{{Link: link, Data: data}}, pages...),
		Tree:     tree,
		Contents: out,
		leaves:   leaves,
	}, nil
}

// errIf returns err if cond holds, else nil; with cmp.Or it picks the
// first of several reasons.
func errIf(cond bool, err error) error {
	if cond {
		return err
	}
	return nil
}

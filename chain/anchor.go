package chain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// AnchorResult says what Anchor did.
type AnchorResult struct {
	// Anchored is the first root of the epoch, now on chain: the root
	// given, unless another was anchored first.
	Anchored Hash
	// Sent is true if this call sent a transaction; false if the same
	// root was already anchored (by anyone), which makes Anchor
	// idempotent.
	Sent bool
	// Conflict is true if a different root was already anchored; the
	// transaction then recorded the given root as a Conflict event.
	Conflict bool
	// Tx is the transaction sent, if any, once it has
	// Options.Confirmations blocks after it.
	Tx TxReceipt
}

// Anchor records root as the Merkle root of a subnet's epoch, with the
// sha2-256 digest of the record's root block. It is idempotent: if root is
// already anchored it sends nothing, and a transaction whose receipt does
// not come in time is sent again only after checking that the anchor did
// not land meanwhile. Once mined, the anchor is watched for
// Options.Confirmations blocks; if a reorganisation drops it, it is sent
// again.
//
// # Errors
//
// A *RevertError (ErrReverted) for a refusal: NotRegistered if the account
// is not registered in the subnet, EpochNotOver if the epoch has not ended.
func (cl *Client) Anchor(ctx context.Context, subnet, epoch uint64, root, recordDigest Hash) (AnchorResult, error) {
	if cl.tx == nil {
		return AnchorResult{}, errNilKey
	}
	if root.IsZero() {
		return AnchorResult{}, errors.New("anchor: the root is zero")
	}
	what := fmt.Sprintf("anchor subnet %d epoch %d", subnet, epoch)
	const attempts = 3
	var lastErr error
	var tx *types.Transaction // the anchor transaction in flight, if any
	for range attempts {
		// Latest state, not the confirmed one: a root that is already
		// there, even unconfirmed, must not be sent twice.
		first, err := cl.anchorAtHead(ctx, subnet, epoch)
		if err != nil {
			return AnchorResult{}, err
		}
		if first == root {
			// Landed (ours, or someone else's): it counts once it is
			// confirmed, and not if a reorganisation takes it away.
			if cl.opts.Confirmations > 0 {
				cl.opts.Logger.Debug("anchor on chain, waiting for confirmations", "subnet", subnet, "epoch", epoch, "confirmations", cl.opts.Confirmations)
			}
			ok, err := cl.anchorConfirmed(ctx, what, subnet, epoch, root)
			if err != nil {
				return AnchorResult{}, err
			}
			if ok {
				return AnchorResult{Anchored: root, Sent: tx != nil}, nil
			}
			lastErr = errReorged
			continue
		}
		if tx == nil {
			if tx, err = cl.tx.send(ctx, what, &cl.contract, cl.c.PackAnchor(subnet, epoch, root, recordDigest), nil); err != nil {
				return AnchorResult{}, err
			}
		}
		r, err := cl.tx.wait(ctx, what, tx)
		if errors.Is(err, ErrTimeout) {
			// Not a new transaction: the same one, with higher fees in
			// case a rise of the base fee left it waiting.
			lastErr = err
			tx = cl.tx.replace(ctx, what, tx)
			continue
		}
		if err != nil {
			return AnchorResult{}, err
		}
		if r.Status != types.ReceiptStatusSuccessful {
			_, cerr := cl.rpc.CallContract(ctx, ethereum.CallMsg{From: cl.tx.from, To: &cl.contract, Data: cl.c.PackAnchor(subnet, epoch, root, recordDigest)}, r.BlockNumber)
			if cerr == nil {
				cerr = &RevertError{Reason: "out of gas or reverted in the block it ran in"}
			}
			return AnchorResult{}, fmt.Errorf("%s: transaction %s failed: %w", what, tx.Hash(), cl.decode(cerr, what))
		}
		if cl.opts.Confirmations > 0 {
			cl.opts.Logger.Debug("anchor mined, waiting for confirmations", "subnet", subnet, "epoch", epoch, "tx", tx.Hash(), "block", r.BlockNumber, "confirmations", cl.opts.Confirmations)
		}
		if err := cl.confirm(ctx, what, r); err != nil {
			if !errors.Is(err, errReorged) {
				return AnchorResult{}, err
			}
			lastErr = err
			// Wait for the same transaction if the node still has it
			// (back in its pool); otherwise send a new one.
			if _, _, err := cl.rpc.TransactionByHash(ctx, tx.Hash()); err != nil {
				cl.opts.Logger.Warn("anchor dropped by a reorganisation, sending again", "subnet", subnet, "epoch", epoch, "tx", tx.Hash())
				tx = nil
				cl.tx.resync()
			} else {
				cl.opts.Logger.Warn("anchor dropped by a reorganisation, waiting for it to be mined again", "subnet", subnet, "epoch", epoch, "tx", tx.Hash())
			}
			continue
		}
		res := AnchorResult{Anchored: root, Sent: true, Tx: receiptOf(r)}
		for _, l := range r.Logs {
			if ev, err := cl.c.UnpackConflictEvent(l); err == nil {
				res.Conflict, res.Anchored = true, Hash(ev.Anchored)
			}
		}
		return res, nil
	}
	return AnchorResult{}, fmt.Errorf("%s: gave up after %d attempts: %w", what, attempts, lastErr)
}

// logWindow is how many blocks one log query spans.
const logWindow = 10_000

var errReorged = errors.New("the transaction's block is no longer in the chain")

// anchorConfirmed waits until root is the anchor of subnet's epoch at the
// confirmed block. It reports false if the anchor disappears from the
// head meanwhile (a reorganisation).
func (cl *Client) anchorConfirmed(ctx context.Context, what string, subnet, epoch uint64, root Hash) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, cl.opts.ReceiptTimeout)
	defer cancel()
	t := time.NewTicker(cl.opts.PollInterval)
	defer t.Stop()
	for {
		got, err := cl.AnchorOf(ctx, subnet, epoch)
		if err == nil && got == root {
			return true, nil
		}
		if err != nil && !errors.Is(err, ErrNotAnchored) {
			return false, err
		}
		head, err := cl.anchorAtHead(ctx, subnet, epoch)
		if err != nil {
			return false, err
		}
		if head != root {
			return false, nil
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return false, fmt.Errorf("%s: %w: %d confirmations of the anchor", what, ErrTimeout, cl.opts.Confirmations)
		}
	}
}

// anchorAtHead reads the anchored root at the latest block (zero if none).
func (cl *Client) anchorAtHead(ctx context.Context, subnet, epoch uint64) (Hash, error) {
	out, err := retry(ctx, cl.opts, "read the anchor", func() ([]byte, error) {
		return cl.rpc.CallContract(ctx, ethereum.CallMsg{To: &cl.contract, Data: cl.c.PackAnchorOf(subnet, epoch)}, nil)
	})
	if err != nil {
		return Hash{}, cl.decode(err, "read the anchor")
	}
	root, err := cl.c.UnpackAnchorOf(out)
	return Hash(root), err
}

// confirm waits until r's block has Options.Confirmations blocks after it
// and checks that the receipt is still there, in the same block.
func (cl *Client) confirm(ctx context.Context, what string, r *types.Receipt) error {
	if cl.opts.Confirmations == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, cl.opts.ReceiptTimeout)
	defer cancel()
	t := time.NewTicker(cl.opts.PollInterval)
	defer t.Stop()
	for {
		head, err := cl.Head(ctx)
		if err != nil {
			return err
		}
		if head >= r.BlockNumber.Uint64()+cl.opts.Confirmations {
			now, err := cl.rpc.TransactionReceipt(ctx, r.TxHash)
			if errors.Is(err, ethereum.NotFound) || (err == nil && now.BlockHash != r.BlockHash) {
				return errReorged
			}
			return err
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return fmt.Errorf("%s: %w: %d confirmations of %s", what, ErrTimeout, cl.opts.Confirmations, r.TxHash)
		}
	}
}

// Anchors lists a subnet's Anchored and Conflict events up to the
// confirmed block, in chain order.
func (cl *Client) Anchors(ctx context.Context, subnet uint64) ([]Anchor, error) {
	to, err := cl.Confirmed(ctx)
	if err != nil {
		return nil, err
	}
	from, err := call(ctx, cl, "read the deploy block", cl.c.PackDeployBlock(), cl.c.UnpackDeployBlock)
	if err != nil {
		return nil, err
	}
	abi := cl.c.GetABI()
	topics := [][]common.Hash{
		{abi.Events["Anchored"].ID, abi.Events["Conflict"].ID},
		{common.BigToHash(new(big.Int).SetUint64(subnet))},
	}
	// A window at a time: public endpoints refuse log queries over too
	// many blocks.
	var logs []types.Log
	for start := from; start <= to; start += logWindow {
		end := min(start+logWindow-1, to)
		q := ethereum.FilterQuery{
			FromBlock: new(big.Int).SetUint64(start),
			ToBlock:   new(big.Int).SetUint64(end),
			Addresses: []common.Address{cl.contract},
			Topics:    topics,
		}
		page, err := retry(ctx, cl.opts, "read anchors", func() ([]types.Log, error) { return cl.rpc.FilterLogs(ctx, q) })
		if err != nil {
			return nil, err
		}
		logs = append(logs, page...)
		if end == to {
			break
		}
	}
	var out []Anchor
	for i := range logs {
		l := &logs[i]
		a := Anchor{Block: l.BlockNumber, TxHash: Hash(l.TxHash)}
		if ev, err := cl.c.UnpackAnchoredEvent(l); err == nil {
			a.Subnet, a.Epoch, a.Root, a.RecordDigest, a.Anchorer, a.First = ev.Subnet, ev.Epoch, ev.Root, ev.RecordDigest, Address(ev.Anchorer), ev.Root
		} else if ev, err := cl.c.UnpackConflictEvent(l); err == nil {
			a.Subnet, a.Epoch, a.Root, a.RecordDigest, a.Anchorer, a.First, a.Conflict = ev.Subnet, ev.Epoch, ev.Root, ev.RecordDigest, Address(ev.Anchorer), ev.Anchored, true
		} else {
			continue
		}
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Block < out[j].Block })
	return out, nil
}

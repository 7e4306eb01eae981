package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/crucible-net/crucible/chain/internal/contract"
)

// sender signs and sends one account's transactions: it hands out nonces
// in order across goroutines, estimates gas under a cap, and waits for
// receipts with a deadline, re-broadcasting a transaction that an RPC
// endpoint lost (restarted) rather than signing a new one.
type sender struct {
	cl     *Client
	key    *ecdsa.PrivateKey
	from   common.Address
	signer types.Signer

	mu        sync.Mutex // held while a nonce is chosen and its transaction sent
	nextNonce uint64
	synced    bool // nextNonce came from the chain
}

func newSender(cl *Client, key *ecdsa.PrivateKey) *sender {
	return &sender{cl: cl, key: key, from: keyAddress(key), signer: types.LatestSignerForChainID(cl.chainID)}
}

// resync makes the next send ask the chain for the account's nonce: after
// a reorganisation dropped a transaction, the count kept here may be ahead
// of the chain's.
func (s *sender) resync() {
	s.mu.Lock()
	s.synced = false
	s.mu.Unlock()
}

// transact sends a transaction with data and value to `to` (nil deploys)
// and waits for its receipt. A transaction that the contract would refuse
// is not sent: the estimate fails first, with the decoded reason. One that
// is mined but fails gets the reason by replaying it.
func (s *sender) transact(ctx context.Context, what string, to *common.Address, data []byte, value *big.Int) (*types.Receipt, error) {
	tx, err := s.send(ctx, what, to, data, value)
	if err != nil {
		return nil, err
	}
	r, err := s.wait(ctx, what, tx)
	if err != nil {
		return nil, err
	}
	if r.Status != types.ReceiptStatusSuccessful {
		// Replay it where it ran to learn why.
		msg := ethereum.CallMsg{From: s.from, To: to, Data: data, Value: value, Gas: tx.Gas()}
		_, cerr := s.cl.rpc.CallContract(ctx, msg, r.BlockNumber)
		if cerr == nil {
			cerr = &RevertError{Reason: "out of gas or reverted in the block it ran in"}
		}
		return r, fmt.Errorf("%s: transaction %s failed in block %d: %w", what, tx.Hash(), r.BlockNumber, s.cl.decode(cerr, what))
	}
	return r, nil
}

// send builds, signs and sends one transaction, and returns it.
func (s *sender) send(ctx context.Context, what string, to *common.Address, data []byte, value *big.Int) (*types.Transaction, error) {
	value = orZero(value)
	msg := ethereum.CallMsg{From: s.from, To: to, Data: data, Value: value}
	gas, err := retry(ctx, s.cl.opts, what+": estimate gas", func() (uint64, error) { return s.cl.rpc.EstimateGas(ctx, msg) })
	if err != nil {
		return nil, s.cl.decode(err, what)
	}
	if gas > s.cl.opts.GasCap {
		return nil, fmt.Errorf("%s: %w: it needs %d gas, the cap is %d", what, ErrGasCap, gas, s.cl.opts.GasCap)
	}
	// A margin over the estimate: state may change before it runs.
	gas = min(gas+gas/4, s.cl.opts.GasCap)
	fees, err := s.fees(ctx, what)
	if err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	for attempt := 0; ; attempt++ {
		if !s.synced {
			n, err := retry(ctx, s.cl.opts, what+": read the nonce", func() (uint64, error) { return s.cl.rpc.PendingNonceAt(ctx, s.from) })
			if err != nil {
				return nil, err
			}
			s.nextNonce, s.synced = n, true
		}
		tx, err := s.sign(fees.tx(s.cl.chainID, s.nextNonce, gas, to, value, data))
		if err != nil {
			return nil, fmt.Errorf("%s: sign: %w", what, err)
		}
		err = s.broadcast(ctx, what, tx)
		switch {
		case err == nil:
			s.nextNonce++
			s.cl.opts.Logger.Info("transaction sent", "what", what, "tx", tx.Hash(), "nonce", tx.Nonce(), "gas", gas)
			if s.cl.afterSend != nil {
				s.cl.afterSend()
			}
			return tx, nil
		case (isNonceTooLow(err) || isNonceTaken(err)) && attempt < 3:
			// Another program sent from this account (mined, or still
			// pending at this nonce): start again from the chain's
			// count, pending transactions included.
			s.synced = false
			continue
		case isInsufficientFunds(err):
			return nil, fmt.Errorf("%s: %w: account %s cannot pay %s wei plus gas; fund it", what, ErrInsufficientFunds, s.from, value)
		default:
			// The nonce was not used; ask the chain next time.
			s.synced = false
			return nil, fmt.Errorf("%s: send %s: %w", what, tx.Hash(), err)
		}
	}
}

// broadcast sends a signed transaction, retrying while the endpoint is
// unreachable. A retry can find that an earlier attempt got through even
// though its answer was lost: the node then says the transaction is known,
// or that its nonce is used; if the node has this very transaction, that
// is success, not a reason to sign another.
func (s *sender) broadcast(ctx context.Context, what string, tx *types.Transaction) error {
	tries := 0
	_, err := retry(ctx, s.cl.opts, what+": send", func() (struct{}, error) {
		tries++
		err := s.cl.rpc.SendTransaction(ctx, tx)
		if err != nil && isKnown(err) {
			err = nil
		}
		return struct{}{}, err
	})
	if err != nil && tries > 1 && isNonceTooLow(err) {
		if _, _, terr := s.cl.rpc.TransactionByHash(ctx, tx.Hash()); terr == nil {
			return nil
		}
		if r, rerr := s.cl.rpc.TransactionReceipt(ctx, tx.Hash()); rerr == nil && r != nil {
			return nil
		}
	}
	return err
}

// feeQuote is what a transaction offers to pay.
type feeQuote struct {
	tip, feeCap *big.Int // EIP-1559
	gasPrice    *big.Int // a chain without a base fee: a legacy transaction
}

func (f feeQuote) tx(chainID *big.Int, nonce, gas uint64, to *common.Address, value *big.Int, data []byte) types.TxData {
	if f.gasPrice != nil {
		return &types.LegacyTx{Nonce: nonce, GasPrice: f.gasPrice, Gas: gas, To: to, Value: value, Data: data}
	}
	return &types.DynamicFeeTx{ChainID: chainID, Nonce: nonce, GasTipCap: f.tip, GasFeeCap: f.feeCap, Gas: gas, To: to, Value: value, Data: data}
}

// bumped is the quote raised by an eighth, more than the tenth nodes
// require to replace a pending transaction.
func (f feeQuote) bumped() feeQuote {
	up := func(v *big.Int) *big.Int {
		if v == nil {
			return nil
		}
		return new(big.Int).Add(v, new(big.Int).Add(new(big.Int).Quo(v, big.NewInt(8)), big.NewInt(1)))
	}
	return feeQuote{tip: up(f.tip), feeCap: up(f.feeCap), gasPrice: up(f.gasPrice)}
}

func quoteOf(tx *types.Transaction) feeQuote {
	if tx.Type() == types.LegacyTxType {
		return feeQuote{gasPrice: tx.GasPrice()}
	}
	return feeQuote{tip: tx.GasTipCap(), feeCap: tx.GasFeeCap()}
}

// fees quotes a tip and fee cap of twice the base fee, or a gas price on a
// chain without a base fee.
func (s *sender) fees(ctx context.Context, what string) (feeQuote, error) {
	head, err := retry(ctx, s.cl.opts, what+": read the head block", func() (*types.Header, error) { return s.cl.rpc.HeaderByNumber(ctx, nil) })
	if err != nil {
		return feeQuote{}, err
	}
	if head.BaseFee == nil {
		price, err := retry(ctx, s.cl.opts, what+": read the gas price", func() (*big.Int, error) { return s.cl.rpc.SuggestGasPrice(ctx) })
		return feeQuote{gasPrice: price}, err
	}
	tip, err := retry(ctx, s.cl.opts, what+": read the gas tip", func() (*big.Int, error) { return s.cl.rpc.SuggestGasTipCap(ctx) })
	if err != nil {
		return feeQuote{}, err
	}
	return feeQuote{tip: tip, feeCap: new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))}, nil
}

func (s *sender) sign(data types.TxData) (*types.Transaction, error) {
	return types.SignNewTx(s.key, s.signer, data)
}

// replace sends tx again with the same nonce and higher fees, so that it
// is mined when a rise of the base fee has left it waiting. It returns the
// transaction now in flight: the replacement, or tx if the node kept it
// (it was mined meanwhile, or the node refused the replacement).
func (s *sender) replace(ctx context.Context, what string, tx *types.Transaction) *types.Transaction {
	to := tx.To()
	nt, err := s.sign(quoteOf(tx).bumped().tx(s.cl.chainID, tx.Nonce(), tx.Gas(), to, tx.Value(), tx.Data()))
	if err != nil {
		return tx
	}
	if err := s.broadcast(ctx, what, nt); err != nil {
		s.cl.opts.Logger.Info("transaction not replaced", "what", what, "tx", tx.Hash(), "err", err)
		return tx
	}
	s.cl.opts.Logger.Info("transaction replaced with higher fees", "what", what, "tx", tx.Hash(), "by", nt.Hash())
	if s.cl.afterSend != nil {
		s.cl.afterSend()
	}
	return nt
}

// wait polls for tx's receipt until it comes or the receipt timeout
// passes. An endpoint that restarted may have lost the transaction; it is
// sent again as is (same hash, so it cannot run twice).
func (s *sender) wait(ctx context.Context, what string, tx *types.Transaction) (*types.Receipt, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cl.opts.ReceiptTimeout)
	defer cancel()
	t := time.NewTicker(s.cl.opts.PollInterval)
	defer t.Stop()
	misses := 0
	for {
		r, err := s.cl.rpc.TransactionReceipt(ctx, tx.Hash())
		if err == nil {
			return r, nil
		}
		if errors.Is(err, ethereum.NotFound) {
			misses++
			// Every few polls, make sure the endpoint still has it.
			if misses%10 == 0 {
				if err := s.cl.rpc.SendTransaction(ctx, tx); err == nil {
					s.cl.opts.Logger.Info("transaction sent again", "what", what, "tx", tx.Hash())
				}
			}
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: %w %s after %s: it may still be mined; check before sending it again", what, ErrTimeout, tx.Hash(), s.cl.opts.ReceiptTimeout)
		}
	}
}

// retry calls f until it succeeds, fails for a reason other than the
// endpoint being unreachable, or RetryFor passes.
func retry[T any](ctx context.Context, o Options, what string, f func() (T, error)) (T, error) {
	deadline := time.Now().Add(o.RetryFor)
	delay := 50 * time.Millisecond
	for {
		v, err := f()
		if err == nil || !isTransient(err) {
			return v, err
		}
		if time.Now().After(deadline) {
			var zero T
			return zero, fmt.Errorf("%s: %w after %s: %v", what, ErrUnavailable, o.RetryFor, err)
		}
		o.Logger.Warn("chain RPC failed, retrying", "what", what, "err", err, "in", delay)
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			var zero T
			return zero, fmt.Errorf("%s: %w", what, ctx.Err())
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// isTransient reports whether err means the endpoint could not be reached
// or answered with a server error, so the same request may succeed later.
func isTransient(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	case errors.As(err, &ne):
		return true
	}
	s := err.Error()
	for _, m := range []string{"connection refused", "connection reset", "EOF", "502 Bad Gateway", "503 Service Unavailable", "504 Gateway Timeout", "no such host"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

func isKnown(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "already known") || strings.Contains(s, "known transaction")
}

func isNonceTooLow(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "nonce too low")
}

// isNonceTaken: a transaction of another sender of this account waits in
// the pool at the nonce we used. (Our own replacements go through
// replace, not here.)
func isNonceTaken(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "replacement transaction underpriced")
}

func isInsufficientFunds(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "insufficient funds")
}

// decode turns an RPC error that carries revert data into a *RevertError
// with the custom error's name and arguments, and marks insufficient
// funds; other errors pass through with what was being done.
func (cl *Client) decode(err error, what string) error {
	if errors.Is(err, ErrReverted) || errors.Is(err, ErrUnavailable) {
		return err
	}
	if isInsufficientFunds(err) {
		return fmt.Errorf("%s: %w: %v", what, ErrInsufficientFunds, err)
	}
	raw, ok := ethclient.RevertErrorData(err)
	if !ok {
		if strings.Contains(err.Error(), "execution reverted") {
			return fmt.Errorf("%s: %w", what, &RevertError{})
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	return fmt.Errorf("%s: %w", what, decodeRevert(raw))
}

// decodeRevert names a revert: one of the contract's custom errors with
// its arguments, Error(string), or Panic(uint256).
func decodeRevert(raw []byte) *RevertError {
	e := &RevertError{Raw: raw}
	if len(raw) < 4 {
		return e
	}
	if msg, err := abi.UnpackRevert(raw); err == nil {
		e.Reason = msg
		return e
	}
	parsed, err := contract.CrucibleMetaData.ParseABI()
	if err != nil {
		return e
	}
	for _, ce := range parsed.Errors {
		if [4]byte(ce.ID[:4]) != [4]byte(raw[:4]) {
			continue
		}
		vals, err := ce.Inputs.Unpack(raw[4:])
		if err != nil {
			e.Reason = ce.Name
			return e
		}
		args := make([]string, len(vals))
		for i, v := range vals {
			args[i] = fmt.Sprintf("%s=%v", ce.Inputs[i].Name, v)
		}
		e.Reason = ce.Name + "(" + strings.Join(args, ", ") + ")"
		return e
	}
	e.Reason = fmt.Sprintf("unknown error 0x%x", raw[:4])
	return e
}

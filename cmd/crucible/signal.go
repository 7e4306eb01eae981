package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// signalNotifyContext is cancelled on Ctrl-C or SIGTERM, so a running
// evaluation stops cleanly.
func signalNotifyContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}

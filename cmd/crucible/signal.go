package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// signalContext is cancelled on Ctrl-C or SIGTERM, so a running
// evaluation stops cleanly.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

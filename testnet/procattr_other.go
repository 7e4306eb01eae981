//go:build !linux

package testnet

import "syscall"

// procAttr puts a child (a node or a program) in its own process group,
// so that Ctrl-C reaches only the testnet, which stops the children in
// order.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

//go:build unix

package pki

import (
	"os"
	"syscall"
)

// lockExclusive takes a non-blocking exclusive lock on f, held until f is
// closed or the process dies (the kernel drops it on SIGKILL).
func lockExclusive(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// openNoFollow opens path for reading, refusing a symbolic link.
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
}

// killSelf ends the process the way a crash does: no deferred code runs.
func killSelf() { _ = syscall.Kill(os.Getpid(), syscall.SIGKILL) }

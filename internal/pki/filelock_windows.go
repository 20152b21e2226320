//go:build windows

package pki

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockExclusive takes a non-blocking exclusive lock on f, held until f is
// closed or the process dies (Windows releases it when the handle goes).
func lockExclusive(f *os.File) error {
	var ol windows.Overlapped
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
}

// openNoFollow opens path for reading, refusing a symbolic link. Windows
// has no O_NOFOLLOW; the Lstat check leaves a window a local attacker
// with write access to the key directory could use, which the key file's
// own directory permissions are there to close.
func openNoFollow(path string) (*os.File, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode()&os.ModeSymlink != 0 {
		return nil, errors.New(path + " is a symbolic link")
	}
	return os.Open(path)
}

// killSelf ends the process the way a crash does: no deferred code runs.
func killSelf() {
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		_ = p.Kill()
	}
}

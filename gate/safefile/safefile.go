// Package safefile opens files named by untrusted input (a path in a
// scanned tree, a file on the command line, a config in a repository)
// without the traps a plain os.Open has: opening a FIFO blocks until a
// writer appears, and a device such as /dev/zero never ends.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular is wrapped by the error for anything but a regular file.
var ErrNotRegular = errors.New("not a regular file")

// Open opens path for reading only if it is a regular file. The open uses
// O_NONBLOCK, so it cannot block on a FIFO, and the type comes from fstat
// on the open descriptor, not from the name, so a file swapped for a FIFO
// or a device after a directory walk saw it is refused too. O_NONBLOCK
// has no effect on reading a regular file.
func Open(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%w (%s)", ErrNotRegular, Kind(st.Mode()))
	}
	return f, st, nil
}

// ReadFile reads a regular file of at most max bytes; a larger one is
// refused before it is read.
func ReadFile(path string, max int64) ([]byte, error) {
	f, st, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > max {
		return nil, fmt.Errorf("%d bytes is over the limit of %d", st.Size(), max)
	}
	return io.ReadAll(io.LimitReader(f, max))
}

// Kind names a file type for messages: "named pipe", "character
// device", ...
func Kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	case m.IsDir():
		return "directory"
	case m&fs.ModeIrregular != 0:
		return "irregular file"
	}
	return m.Type().String()
}

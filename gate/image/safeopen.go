package image

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// openRegular opens path for reading only when it is a regular file
// (after following symlinks): a FIFO would block the open or the read
// forever, a device such as /dev/zero never ends, and a socket cannot be
// read at all. O_NONBLOCK makes the open itself return at once even for a
// FIFO, and the fstat after the open closes the window in which the path
// could be swapped for something else after the first check.
func openRegular(path, what string) (*os.File, int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, 0, fmt.Errorf("%s %s: %w", what, path, err)
	}
	if err := regularOnly(st, path, what); err != nil {
		return nil, 0, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, 0, fmt.Errorf("%s %s: %w", what, path, err)
	}
	st, err = f.Stat()
	if err == nil {
		err = regularOnly(st, path, what)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

func regularOnly(st fs.FileInfo, path, what string) error {
	if st.Mode().IsRegular() {
		return nil
	}
	kind := "not a regular file"
	switch m := st.Mode(); {
	case m&fs.ModeNamedPipe != 0:
		kind = "a FIFO (named pipe)"
	case m&fs.ModeCharDevice != 0:
		kind = "a character device"
	case m&fs.ModeDevice != 0:
		kind = "a block device"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m.IsDir():
		kind = "a directory"
	}
	return fmt.Errorf("%s %s is %s; only regular files are read from an image on disk (refusing it rather than blocking or reading forever)", what, path, kind)
}

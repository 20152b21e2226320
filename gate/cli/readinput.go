package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// readInput reads one Dockerfile named on the command line, bounded by
// max bytes (dockerfile.Limits.MaxBytes) so a huge file is refused
// before it is in memory. Only regular files are read: the file is
// opened with O_NONBLOCK, so opening a FIFO cannot block, and fstat on
// the open descriptor (not the name, which can be swapped) decides.
// "-" is stdin; its read runs aside so that a stdin that never ends
// cannot keep an interrupted run alive.
func readInput(ctx context.Context, path string, stdin io.Reader, max int) ([]byte, error) {
	if path == "-" {
		return readCancellable(ctx, stdin, max, "stdin")
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s): lint reads only regular files; pipe it through stdin (-) instead", fileKind(st.Mode()))
	}
	if st.Size() > int64(max) {
		return nil, &dockerfile.LimitError{What: "file size in bytes", Got: int(min(st.Size(), int64(^uint(0)>>1))), Limit: max}
	}
	return readCancellable(ctx, f, max, path)
}

// readCancellable reads at most max+1 bytes of r; more than max is the
// same limit error a large file gets.
func readCancellable(ctx context.Context, r io.Reader, max int, name string) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
		done <- result{data, err}
	}()
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("reading %s: %w", name, ctx.Err())
	case res := <-done:
		if res.err != nil {
			return nil, fmt.Errorf("cannot read: %w", res.err)
		}
		if len(res.data) > max {
			return nil, fmt.Errorf("more than %d bytes: far beyond any real Dockerfile, so check the input (the limit is dockerfile.Limits.MaxBytes)", max)
		}
		return res.data, nil
	}
}

// fileKind names a non-regular file type for messages.
func fileKind(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a block device"
	case m.IsDir():
		return "a directory"
	}
	return "type " + m.Type().String()
}

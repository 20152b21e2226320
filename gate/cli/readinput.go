package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/crank-platform/terraform-provider-crank/gate/safefile"
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
	f, st, err := safefile.Open(path)
	if errors.Is(err, safefile.ErrNotRegular) {
		return nil, fmt.Errorf("%w: lint reads only regular files; pipe it through stdin (-) instead", err)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	defer f.Close()
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

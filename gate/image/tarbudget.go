package image

import (
	"archive/tar"
	"fmt"
	"io"
	"strings"
)

// headerBudget sits between a raw tar stream and archive/tar. While armed
// (during tar.Reader.Next) it allows only so many bytes: Go's reader
// buffers a PAX extended header or a GNU long name (up to 1 MiB each) in
// memory before returning the header, so a per-name check after Next
// would come too late for a stream of huge names. Armed, one header (the
// padding of the previous entry, the PAX/long-name records and the header
// blocks) may not exceed the budget; disarmed, entry data flows freely
// and is counted by the layer and total budgets instead.
type headerBudget struct {
	r      io.Reader
	armed  bool
	left   int64
	budget int64
	pos    int64
}

func (h *headerBudget) Read(p []byte) (int, error) {
	if h.armed {
		if h.left <= 0 {
			return 0, &errLimit{fmt.Sprintf("a tar header (with its PAX records or GNU long name) is larger than %d bytes, above what the path name budget allows (max-path-bytes); a hostile archive, or raise --max-path-bytes", h.budget)}
		}
		if int64(len(p)) > h.left {
			p = p[:h.left]
		}
	}
	n, err := h.r.Read(p)
	h.pos += int64(n)
	if h.armed {
		h.left -= int64(n)
	}
	return n, err
}

// Seek lets archive/tar skip member data of an archive on disk without
// reading it (it only seeks when the underlying reader can).
func (h *headerBudget) seek(offset int64, whence int) (int64, error) {
	s := h.r.(io.Seeker)
	n, err := s.Seek(offset, whence)
	if err == nil {
		h.pos = n
	}
	return n, err
}

type seekingHeaderBudget struct{ *headerBudget }

func (s seekingHeaderBudget) Seek(offset int64, whence int) (int64, error) {
	return s.seek(offset, whence)
}

// newBudgetedTar returns a tar reader over r whose headers are bounded by
// headerBytes; next must be used instead of tr.Next.
func newBudgetedTar(r io.Reader, headerBytes int64) (*tar.Reader, *headerBudget) {
	hb := &headerBudget{r: r, budget: headerBytes}
	if _, ok := r.(io.Seeker); ok {
		return tar.NewReader(seekingHeaderBudget{hb}), hb
	}
	return tar.NewReader(hb), hb
}

// next reads the next header with the header budget armed. The previous
// entry's data must already have been drained by the caller (or be
// skipped by seeking), or its bytes would count against the budget.
func (h *headerBudget) next(tr *tar.Reader) (*tar.Header, error) {
	h.armed, h.left = true, h.budget
	hdr, err := tr.Next()
	h.armed = false
	return hdr, err
}

// headerBytesFor is the raw header budget for a path name budget: a name
// and a link name, their PAX records and the blocks around them, plus room
// for the ordinary PAX records real tars carry (times, xattrs, ids).
func headerBytesFor(maxPath int) int64 {
	return 3*int64(maxPath) + 64<<10
}

// isSparse reports a GNU or PAX sparse entry: its logical size can dwarf
// the bytes stored, so its size is what the budgets count.
func isSparse(h *tar.Header) bool {
	if h.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

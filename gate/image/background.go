package image

import (
	"context"
	"sync"

	"golang.org/x/sync/semaphore"
)

// background runs the expensive per-file work (secret detection over file
// contents) on worker goroutines while the layer stream goes on being read
// and decompressed. A file's bytes are read on the scan goroutine, so read
// errors and size limits stay where they were; only the pure computation
// moves. Results are merged in submission order, so the report does not
// depend on scheduling.
//
// Memory stays bounded: a submission waits while more than maxBytes of
// file contents are queued or being scanned.
type background struct {
	ctx  context.Context
	jobs chan func()
	mem  *semaphore.Weighted
	max  int64
	wg   sync.WaitGroup

	mu      sync.Mutex
	results [][]pendingFile
}

// backgroundBytes caps the file contents held for the workers; the scan
// goroutine blocks, and so stops reading the layer, above it.
const backgroundBytes = 64 << 20

func newBackground(ctx context.Context, workers int, maxBytes int64) *background {
	if workers < 1 {
		workers = 1
	}
	b := &background{ctx: ctx, jobs: make(chan func(), 4*workers), mem: semaphore.NewWeighted(maxBytes), max: maxBytes}
	for range workers {
		b.wg.Go(func() {
			for job := range b.jobs {
				job()
			}
		})
	}
	return b
}

// submit queues work over data for the rule that is running now; the
// messages it returns become pending findings of that rule about e, as
// ReportFile's. A cancelled scan queues nothing (Run then fails).
func (b *background) submit(s *Scan, e *Entry, data []byte, work func(data []byte) []string) {
	n := min(int64(len(data)), b.max)
	if err := b.mem.Acquire(b.ctx, n); err != nil {
		return
	}
	rule, idx := s.rule, b.reserve()
	b.jobs <- func() {
		defer b.mem.Release(n)
		if b.ctx.Err() != nil {
			return
		}
		var out []pendingFile
		for _, msg := range work(data) {
			out = append(out, fileObservation(rule, e, msg))
		}
		b.mu.Lock()
		b.results[idx] = out
		b.mu.Unlock()
	}
}

func (b *background) reserve() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.results = append(b.results, nil)
	return len(b.results) - 1
}

// wait stops the workers once the queue is drained and returns what they
// reported, in submission order.
func (b *background) wait() []pendingFile {
	close(b.jobs)
	b.wg.Wait()
	var out []pendingFile
	for _, r := range b.results {
		out = append(out, r...)
	}
	return out
}

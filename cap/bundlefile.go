package cap

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// BundleFile serves the evaluator of a bundle file and reloads it when the
// file changes. A bad new file never replaces a good bundle: the last good
// one keeps deciding and the failure is logged.
type BundleFile struct {
	path    string
	logger  *slog.Logger
	options []Option

	current atomic.Pointer[Evaluator]

	mu            sync.Mutex
	loadedStamps  []fileStamp
	failedStamps  []fileStamp
	reloads       atomic.Uint64
	reloadFailure atomic.Uint64
}

// LoadBundleFile reads, validates and compiles the bundle at path before a
// service starts serving; any problem is an error, so a service never runs
// without a policy.
func LoadBundleFile(path string, logger *slog.Logger, options ...Option) (*BundleFile, error) {
	if logger == nil {
		logger = slog.Default()
	}
	f := &BundleFile{path: path, logger: logger, options: options}
	stamps, _ := stampOf(path)
	evaluator, err := f.load()
	if err != nil {
		return nil, err
	}
	f.current.Store(evaluator)
	f.loadedStamps = stamps
	logger.Info("cap bundle loaded", "path", path, "bundle_digest", evaluator.Digest(),
		"service", evaluator.bundle.Policy.Service, "rules", len(evaluator.bundle.Policy.Rules))
	return f, nil
}

func (f *BundleFile) load() (*Evaluator, error) {
	file, err := os.Open(f.path)
	if err != nil {
		return nil, fmt.Errorf("read capability bundle: %w; pass the path of the bundle_json written by crank_cap_policy", err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, MaxBundleSize+1))
	if err != nil {
		return nil, fmt.Errorf("read capability bundle %s: %w", f.path, err)
	}
	bundle, err := Load(data)
	if err != nil {
		return nil, fmt.Errorf("capability bundle %s: %w", f.path, err)
	}
	return Compile(bundle, f.options...)
}

// Evaluator returns the evaluator of the last good bundle.
func (f *BundleFile) Evaluator() *Evaluator { return f.current.Load() }

// Reload re-reads the file if its size or modification time changed. On
// error the previous bundle stays in force. changed is false when the file
// (or its digest) did not change, so rate-limit buckets are not reset by a
// mere touch.
func (f *BundleFile) Reload() (changed bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	stamps, statErr := stampOf(f.path)
	if statErr == nil && (sameStamps(stamps, f.loadedStamps) || sameStamps(stamps, f.failedStamps)) {
		return false, nil
	}
	evaluator, err := f.load()
	if err != nil {
		f.failedStamps = stamps
		f.reloadFailure.Add(1)
		f.logger.Error("cap bundle reload failed; keeping the last good bundle",
			"path", f.path, "error", err.Error(), "bundle_digest", f.current.Load().Digest())
		return false, err
	}
	f.loadedStamps, f.failedStamps = stamps, nil
	if evaluator.Digest() == f.current.Load().Digest() {
		return false, nil
	}
	previous := f.current.Swap(evaluator)
	f.reloads.Add(1)
	f.logger.Info("cap bundle reloaded", "path", f.path, "bundle_digest", evaluator.Digest(), "previous_digest", previous.Digest())
	return true, nil
}

// Watch polls the file every interval until ctx ends.
func (f *BundleFile) Watch(ctx context.Context, interval time.Duration) {
	pollEvery(ctx, interval, func() { _, _ = f.Reload() })
}

// ReloadCounts reports successful and failed reloads since start.
func (f *BundleFile) ReloadCounts() (reloaded, failed uint64) {
	return f.reloads.Load(), f.reloadFailure.Load()
}

package cap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// BundleFileConfig says what a service accepts from its bundle file. The
// same checks run at start and on every reload.
type BundleFileConfig struct {
	// Logger receives load, reload and refusal events; nil is slog.Default().
	Logger *slog.Logger
	// Service, when set, is the destination the bundle must be for: a
	// bundle written for another service is refused.
	Service string
	// Keys are the policy public keys whose signatures are accepted
	// (crank_cap_policy signing_public_key). List the old and the new key
	// while rotating the signing key.
	Keys PolicyKeys
	// AllowUnsigned accepts a plain, unsigned bundle. It exists for local
	// development only: anyone who can write the file then decides every
	// request. Each such load is logged at error level.
	AllowUnsigned bool
	// Options are passed to Compile (for example WithClock).
	Options []Option
}

// BundleFile serves the evaluator of a bundle file and reloads it when the
// file changes. A bad new file never replaces a good bundle: the last good
// one keeps deciding and the failure is logged.
type BundleFile struct {
	path   string
	config BundleFileConfig
	logger *slog.Logger

	current  atomic.Pointer[Evaluator]
	loadedAt atomic.Int64 // unix nanoseconds the bundle in force was loaded

	mu            sync.Mutex
	loadedDigest  string
	failedDigest  string
	reloads       atomic.Uint64
	reloadFailure atomic.Uint64
}

// LoadBundleFile reads, verifies, validates and compiles the bundle at path
// before a service starts serving; any problem is an error, so a service
// never runs without a policy it can trust.
func LoadBundleFile(path string, config BundleFileConfig) (*BundleFile, error) {
	logger := config.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if len(config.Keys) == 0 && !config.AllowUnsigned {
		return nil, errors.New("no policy public keys configured, so no capability bundle can be trusted; pass the signing_public_key of crank_cap_policy (BundleFileConfig.Keys, worker -policy-keys)")
	}
	f := &BundleFile{path: path, config: config, logger: logger}
	evaluator, digest, err := f.load(nil)
	if err != nil {
		return nil, err
	}
	f.current.Store(evaluator)
	f.loadedAt.Store(time.Now().UnixNano())
	f.loadedDigest = digest
	logger.Info("cap bundle loaded", "path", path, "bundle_digest", evaluator.Digest(),
		"service", evaluator.bundle.Policy.Service, "rules", len(evaluator.bundle.Policy.Rules))
	return f, nil
}

// load returns the compiled bundle and the digest of the file bytes it
// came from. previous, when set, lends its rate-limit buckets to unchanged
// rules.
func (f *BundleFile) load(previous *Evaluator) (*Evaluator, string, error) {
	data, err := readBounded(f.path, MaxBundleSize)
	if err != nil {
		return nil, "", fmt.Errorf("read capability bundle: %w; pass the path of the signed_bundle_json written by crank_cap_policy", err)
	}
	fileDigest := digestOfContents(data)
	bundle, err := f.open(data)
	if err != nil {
		return nil, fileDigest, fmt.Errorf("capability bundle %s: %w", f.path, err)
	}
	if want := f.config.Service; want != "" && bundle.Policy.Service != want {
		return nil, fileDigest, fmt.Errorf("capability bundle %s is for service %q, this service is %q; pass the %q bundle", f.path, bundle.Policy.Service, want, want)
	}
	options := f.config.Options
	if previous != nil {
		options = append(append([]Option(nil), options...), keepRateLimitsOf(previous))
	}
	evaluator, err := Compile(bundle, options...)
	if err != nil {
		return nil, fileDigest, fmt.Errorf("capability bundle %s: %w", f.path, err)
	}
	return evaluator, fileDigest, nil
}

func (f *BundleFile) open(data []byte) (Bundle, error) {
	bundle, keyID, err := OpenSignedBundle(data, f.config.Keys)
	if err == nil {
		f.logger.Debug("cap bundle signature verified", "path", f.path, "key_id", keyID)
		return bundle, nil
	}
	if !errors.Is(err, ErrUnsignedBundle) || !f.config.AllowUnsigned {
		return Bundle{}, err
	}
	bundle, err = Load(data)
	if err != nil {
		return Bundle{}, err
	}
	f.logger.Error("UNSIGNED capability bundle accepted because unsigned bundles are allowed; never run like this in production: anyone who can write the file decides every request",
		"path", f.path, "bundle_digest", bundle.Digest)
	return bundle, nil
}

// Evaluator returns the evaluator of the last good bundle.
func (f *BundleFile) Evaluator() *Evaluator { return f.current.Load() }

// Reload re-reads the file when its content changed (by digest: a fix with
// the same size and mtime as a refused version is still seen) and runs
// every start-up check on it. On error the previous bundle stays in force
// and the failure is logged once per file version. changed is false when
// the policy did not change; rules that did not change keep their
// rate-limit buckets across a change, so a reload never refills them.
func (f *BundleFile) Reload() (changed bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	version := fileVersion(f.path)
	if version == f.loadedDigest || version == f.failedDigest {
		return false, nil
	}
	current := f.current.Load()
	evaluator, digest, err := f.load(current)
	if err != nil {
		f.failedDigest = version
		f.reloadFailure.Add(1)
		f.logger.Error("cap bundle reload failed; keeping the last good bundle",
			"path", f.path, "error", err.Error(), "bundle_digest", current.Digest())
		return false, err
	}
	f.loadedDigest, f.failedDigest = digest, ""
	if evaluator.Digest() == current.Digest() {
		return false, nil
	}
	f.current.Store(evaluator)
	f.loadedAt.Store(time.Now().UnixNano())
	f.reloads.Add(1)
	f.logger.Info("cap bundle reloaded", "path", f.path, "bundle_digest", evaluator.Digest(), "previous_digest", current.Digest())
	return true, nil
}

// Watch polls the file every interval until ctx ends.
func (f *BundleFile) Watch(ctx context.Context, interval time.Duration) {
	pollEvery(ctx, interval, func() { _, _ = f.Reload() })
}

// LoadedAt is when the bundle in force was loaded: at start, or by the
// last reload that changed it.
func (f *BundleFile) LoadedAt() time.Time { return time.Unix(0, f.loadedAt.Load()) }

// ReloadCounts reports successful and failed reloads since start.
func (f *BundleFile) ReloadCounts() (reloaded, failed uint64) {
	return f.reloads.Load(), f.reloadFailure.Load()
}

package issuer

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
)

// Options is what a backend is built from: the options its handle carries,
// and a lookup for the secrets that never go into a handle (a key
// passphrase, an HSM PIN), which come from the environment.
type Options struct {
	Raw    json.RawMessage
	Getenv func(string) string
}

// Factory builds a backend and validates its options once, so a bad handle
// fails when it is resolved rather than on every call.
type Factory func(ctx context.Context, opts Options) (Backend, error)

var (
	mu        sync.RWMutex
	factories = map[string]Factory{}
)

// Register makes a backend available under its type name. Backends call it
// from init, as step-ca's cas.Register; registering a name twice is a bug.
func Register(name string, f Factory) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := factories[name]; dup {
		panic("issuer: backend " + name + " registered twice")
	}
	factories[name] = f
}

// New builds the backend a decoded handle names.
func New(ctx context.Context, h Handle, getenv func(string) string) (Backend, error) {
	mu.RLock()
	f, ok := factories[h.Backend]
	known := names(factories)
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: backend %q is not built into this provider; it has: %s. Upgrade the provider, or use a handle of one of those", ErrBadHandle, h.Backend, known)
	}
	return f(ctx, Options{Raw: h.Options, Getenv: getenv})
}

// Resolve decodes a handle and builds its backend.
func Resolve(ctx context.Context, handle string, getenv func(string) string) (Handle, Backend, error) {
	h, err := Decode(handle)
	if err != nil {
		return h, nil, err
	}
	b, err := New(ctx, h, getenv)
	return h, b, err
}

func sortStrings(s []string) { sort.Strings(s) }

package issuer

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// An issuer handle is a small versioned JSON document: which backend signs,
// and that backend's options. Never a private key of an online backend.
//
// Two layouts exist, told apart by the backend, not by "v": the local CA's
// own layout ({"v":N,"backend":"local","cert":...}), versioned by
// internal/pki (v1 without, v2 with revocation and AIA pointers), stays the
// local backend's encoding so every handle in existing state keeps working
// byte for byte; every other backend uses the envelope
// {"v":2,"backend":NAME,"options":{...}}. Handle.Version says which layout
// was read: Version1 for the local layout, Version2 for the envelope.
const (
	Version1 = 1
	Version2 = 2
)

// ErrBadHandle is wrapped by every handle decoding failure.
var ErrBadHandle = pki.ErrBadHandle

// Handle is a decoded issuer handle.
type Handle struct {
	Version int
	Backend string
	// Options is the backend's part: the whole document for version 1, the
	// "options" member for version 2.
	Options json.RawMessage
}

type envelope struct {
	Version int             `json:"v"`
	Backend string          `json:"backend"`
	Options json.RawMessage `json:"options,omitempty"`
}

// Decode reads the version and backend of a handle; the backend itself
// validates its options when it is built.
func Decode(s string) (Handle, error) {
	var head struct {
		Version int    `json:"v"`
		Backend string `json:"backend"`
	}
	if err := json.Unmarshal([]byte(s), &head); err != nil {
		return Handle{}, fmt.Errorf("%w: it is not the value of an \"issuer\" attribute (%v)", ErrBadHandle, err)
	}
	switch {
	case head.Backend == pki.BackendLocal:
		if head.Version < 1 || head.Version > pki.HandleVersion {
			return Handle{}, fmt.Errorf("%w: version %d of a %q handle is not supported by this provider version (it reads 1 to %d); upgrade the provider", ErrBadHandle, head.Version, head.Backend, pki.HandleVersion)
		}
		return Handle{Version: Version1, Backend: head.Backend, Options: json.RawMessage(s)}, nil
	case head.Version == Version2:
		var env envelope
		dec := json.NewDecoder(bytes.NewReader([]byte(s)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&env); err != nil {
			return Handle{}, fmt.Errorf("%w: %v", ErrBadHandle, err)
		}
		if env.Backend == "" || len(env.Options) == 0 {
			return Handle{}, fmt.Errorf("%w: a version 2 handle needs \"backend\" and \"options\"", ErrBadHandle)
		}
		return Handle{Version: Version2, Backend: env.Backend, Options: env.Options}, nil
	}
	return Handle{}, fmt.Errorf("%w: version %d of a %q handle is not supported by this provider version (it reads %d); upgrade the provider", ErrBadHandle, head.Version, head.Backend, Version2)
}

// Encode writes a version 2 handle for backend with its options.
func Encode(backend string, options any) (string, error) {
	raw, err := json.Marshal(options)
	if err != nil {
		return "", err
	}
	out, err := json.Marshal(envelope{Version: Version2, Backend: backend, Options: raw})
	return string(out), err
}

// DecodeOptions parses a backend's options strictly: an unknown member is
// an error, so a handle written by a newer provider is never half-read.
func DecodeOptions(backend string, raw json.RawMessage, into any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("%w: %s options: %v", ErrBadHandle, backend, err)
	}
	return nil
}

package cap

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Bundle schema identity. The major version is part of the id: a reader
// refuses any other major, so an incompatible change can never be
// misread; compatible additions would still need a new reader because
// unknown fields are rejected.
const (
	BundleSchemaPrefix = "crank.cap.bundle/"
	BundleSchema       = BundleSchemaPrefix + "v1"
	// MaxBundleSize bounds Load so a corrupt or hostile file cannot exhaust memory.
	MaxBundleSize = 16 << 20
)

// Bundle is a loaded, validated policy with its canonical encoding.
type Bundle struct {
	Policy Policy
	// Canonical is the exact byte form Marshal writes for Policy.
	Canonical []byte
	// Digest is "sha256:<hex>" of Canonical: equal policies have equal
	// digests whatever the formatting or ordering of the input.
	Digest string
}

type bundleWire struct {
	Schema string `json:"schema"`
	Policy
}

// Marshal validates p and returns its canonical bundle JSON (defaults
// filled, lists sorted, no insignificant whitespace) and the digest of it.
// Warnings do not stop it; call Analyze to see them.
func Marshal(p Policy) (canonical []byte, digest string, err error) {
	normalized := p.Normalized()
	if err := Analyze(normalized, Environment{}).Err(); err != nil {
		return nil, "", err
	}
	canonical, err = json.Marshal(bundleWire{Schema: BundleSchema, Policy: normalized})
	if err != nil {
		return nil, "", fmt.Errorf("encode capability bundle: %w", err)
	}
	return canonical, Digest(canonical), nil
}

// Digest returns "sha256:<hex>" of canonical bundle bytes.
func Digest(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Load parses bundle JSON strictly (unknown fields, trailing data and other
// schema versions are errors), validates the policy and re-encodes it
// canonically, so the digest does not depend on how the file was formatted.
func Load(data []byte) (Bundle, error) {
	if len(data) > MaxBundleSize {
		return Bundle{}, fmt.Errorf("capability bundle is %d bytes, larger than the %d byte limit", len(data), MaxBundleSize)
	}
	if err := checkSchema(data); err != nil {
		return Bundle{}, err
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	var wire bundleWire
	if err := decoder.Decode(&wire); err != nil {
		return Bundle{}, fmt.Errorf("capability bundle is not valid %s JSON: %w", BundleSchema, describeJSONError(err))
	}
	if _, err := decoder.Token(); !errors.Is(err, io.EOF) {
		return Bundle{}, errors.New("capability bundle has data after the JSON object; a bundle file holds exactly one object")
	}
	if err := checkNoNulls(wire.Policy); err != nil {
		return Bundle{}, err
	}
	canonical, digest, err := Marshal(wire.Policy)
	if err != nil {
		return Bundle{}, err
	}
	return Bundle{Policy: wire.Policy.Normalized(), Canonical: canonical, Digest: digest}, nil
}

// checkSchema reads only the schema field first so a bundle from a newer
// major version gets a version error, not a confusing unknown-field one.
func checkSchema(data []byte) error {
	var probe struct {
		Schema *string `json:"schema"`
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&probe); err != nil {
		return fmt.Errorf("capability bundle is not a JSON object: %w", describeJSONError(err))
	}
	switch {
	case probe.Schema == nil:
		return fmt.Errorf("capability bundle has no \"schema\" field; expected %q", BundleSchema)
	case *probe.Schema == BundleSchema:
		return nil
	case strings.HasPrefix(*probe.Schema, BundleSchemaPrefix):
		return fmt.Errorf("capability bundle schema %q is not supported: this build reads %q only; upgrade the service's cap package or write a %s bundle", *probe.Schema, BundleSchema, BundleSchema)
	default:
		return fmt.Errorf("capability bundle schema %q is not a Crank capability bundle; expected %q", truncateForMessage(*probe.Schema), BundleSchema)
	}
}

// checkNoNulls rejects null where a list of objects is expected, because
// Go would silently decode a null rule or caller as an empty one.
func checkNoNulls(p Policy) error {
	for _, r := range p.Rules {
		if r.ID == "" && r.Action == "" && len(r.Callers) == 0 && len(r.Capabilities) == 0 {
			return errors.New("capability bundle has an empty or null rule; remove it")
		}
	}
	return nil
}

func describeJSONError(err error) error {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Errorf("%w (at byte %d)", err, syntax.Offset)
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Errorf("field %q must be %s, got JSON %s", typeErr.Field, typeErr.Type, typeErr.Value)
	}
	return err
}

//go:build !cgo

package pkcs11

import (
	"errors"
	"strings"
	"testing"
)

func LogOutAll() {}

// Without cgo the backend still decodes handles, and every use of the
// token says why it cannot work and how to get a build that can.
func TestNotBuiltSaysHow(t *testing.T) {
	_, err := Find(Token{Module: "/etc/hostname", TokenLabel: "t", KeyLabel: "k"}, "pin", "")
	if !errors.Is(err, ErrNotBuilt) || !strings.Contains(err.Error(), "CGO_ENABLED=1") {
		t.Fatalf("Find = %v", err)
	}
}

// Package softhsmtest gives tests a real PKCS#11 token: Debian's SoftHSM2,
// initialised by softhsm2-util in a directory of the test run's own.
package softhsmtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Module is where Debian's softhsm2 package puts the PKCS#11 library.
const Module = "/usr/lib/softhsm/libsofthsm2.so"

// The token every test of one process shares. SoftHSM2 reads SOFTHSM2_CONF
// and its token directory once, when the module is initialised, and the
// module stays loaded for the process, so tokens cannot differ per test;
// tests use key labels of their own.
const (
	TokenLabel = "crank-test"
	PIN        = "crank-user-pin-1234"
	SOPIN      = "crank-so-pin-5678"
)

var (
	once    sync.Once
	initErr error
)

// Token makes sure the shared token exists and SOFTHSM2_CONF points at it.
// Without softhsm2 it skips locally and fails under CI, which must run it.
func Token(t testing.TB) (module, label, pin string) {
	t.Helper()
	util, err := exec.LookPath("softhsm2-util")
	if err == nil {
		_, err = os.Stat(Module)
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("SoftHSM2 is required (Debian packages softhsm2 and opensc): %v", err)
		}
		t.Skipf("SoftHSM2 not installed (apt-get install softhsm2 opensc): %v", err)
	}
	once.Do(func() { initErr = initToken(util) })
	if initErr != nil {
		t.Fatal(initErr)
	}
	return Module, TokenLabel, PIN
}

func initToken(util string) error {
	dir, err := os.MkdirTemp("", "crank-softhsm-")
	if err != nil {
		return err
	}
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		return err
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+tokens+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		return err
	}
	// Process-wide on purpose: the in-process provider and the module it
	// loads must see the same configuration as the test.
	os.Setenv("SOFTHSM2_CONF", conf)
	out, err := exec.Command(util, "--init-token", "--free", "--label", TokenLabel, "--pin", PIN, "--so-pin", SOPIN).CombinedOutput()
	if err != nil {
		return fmt.Errorf("softhsm2-util --init-token: %v\n%s", err, out)
	}
	return nil
}

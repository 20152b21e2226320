package pki

import (
	"os"
	"syscall"
)

// FaultEnv names a test-only environment variable: when it equals the name
// of a fault point, the process SIGKILLs itself there. The crash tests use
// it to stop the provider exactly between two steps of a key write (for
// example after the key file is in place but before Terraform saved the CA
// in state), which no signal sent from outside can hit reliably. It is never
// set in normal use; setting it outside the test suite only crashes the
// provider.
const FaultEnv = "CRANK_TEST_FAULT_POINT"

// Fault kills the process at the named point when FaultEnv asks for it.
func Fault(point string) {
	if p := os.Getenv(FaultEnv); p != "" && p == point {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
}

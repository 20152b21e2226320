package pki

import (
	"os"
	"strconv"
	"strings"
	"sync"
)

// FaultEnv names a test-only environment variable: when it names a fault
// point, the process SIGKILLs itself there. The crash tests use it to stop
// the provider exactly between two steps of a CA create (for example after
// the key file is in place but before Terraform saved the CA in state),
// which no signal sent from outside can hit reliably. "point" kills at the
// first pass, "point#N" at the N-th (the N-th CA of an apply). It is never
// set in normal use; setting it outside the test suite only crashes the
// provider.
const FaultEnv = "CRANK_TEST_FAULT_POINT"

var faultHits = struct {
	sync.Mutex
	n map[string]int
}{n: map[string]int{}}

// Fault kills the process at the named point when FaultEnv asks for it.
func Fault(point string) {
	want := os.Getenv(FaultEnv)
	if want == "" {
		return
	}
	name, nth, _ := strings.Cut(want, "#")
	if name != point {
		return
	}
	n := 1
	if nth != "" {
		n, _ = strconv.Atoi(nth)
	}
	faultHits.Lock()
	faultHits.n[point]++
	hit := faultHits.n[point] == n
	faultHits.Unlock()
	if hit {
		killSelf()
		select {}
	}
}

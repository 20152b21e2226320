package startgc

import (
	"runtime/debug"
	"testing"
)

func TestLooseUntilDone(t *testing.T) {
	if got := debug.SetGCPercent(loose); got != loose {
		t.Fatalf("GC target during initialisation = %d, want %d", got, loose)
	}
	Done()
	if got := debug.SetGCPercent(before); got != before || before == loose {
		t.Fatalf("after Done the GC target is %d, want the one before initialisation (%d)", got, before)
	}
}

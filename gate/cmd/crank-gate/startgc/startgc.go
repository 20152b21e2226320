// Package startgc loosens the garbage collector's target while the
// packages crank-gate links (Trivy's among them) initialise: they allocate
// about 12 MB of lasting tables from a heap that starts at 4 MB, which with
// the default target is six collections before main runs. It has no
// dependencies but runtime/debug, so Go initialises it among the first
// packages; main calls Done when it starts.
package startgc

import "runtime/debug"

// loose is the GC target during initialisation (GOGC=400).
const loose = 400

var before = debug.SetGCPercent(loose)

// Done restores the target set before initialisation (GOGC or 100).
func Done() { debug.SetGCPercent(before) }

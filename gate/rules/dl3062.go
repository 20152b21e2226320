package rules

import "strings"

// DL3062: go install without a version.
var DL3062 = Rule{
	ID:       "DL3062",
	Name:     "go-install-pin",
	Severity: Warning,
	Summary:  "Pin versions in go install: use go install <package>@<version>.",
	Why: "`go install example.com/tool` without a version builds whatever the module resolves to at build " +
		"time, and `@latest` does the same explicitly. Name the version (`@v1.2.3`) so builds are " +
		"reproducible and upgrades are reviewed.",
	Bad:  "FROM golang:1.23\nRUN go install golang.org/x/tools/cmd/goimports@latest\n",
	Good: "FROM golang:1.23\nRUN go install golang.org/x/tools/cmd/goimports@v0.24.0\n",
	Differences: diffShippedStagesOnly + " `@latest`, `@master`, `@main` and `@HEAD` count as unpinned. Local " +
		"packages (`./cmd/...`, the current module) and standard-library paths are never reported; versions " +
		"from a known ARG are expanded.",
	Equivalents: Equivalents{Hadolint: []string{"DL3062"}},
	Check:       checkDL3062,
}

var goBuildOptsWithValue = flagSet("-tags", "-ldflags", "-gcflags", "-asmflags", "-mod", "-modfile", "-p",
	"-overlay", "-pkgdir", "-toolexec", "-installsuffix", "-compiler", "-buildmode", "-pgo", "-covermode",
	"-coverpkg", "-gccgoflags", "-o")

func checkDL3062(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		c := cmd.Unwrap()
		if c.Name() != "go" || !firstNonOptionIs(c, goBuildOptsWithValue, "install") {
			continue
		}
		for _, p := range argsAfterSubcommand(c, goBuildOptsWithValue) {
			if p.Literal && remoteGoPackage(p.Value) && !goVersionPinned(p.Value) {
				ctx.ReportCommand(in, cmd, "go install %s is not pinned; use %s@<version>", p.Value, strings.SplitN(p.Value, "@", 2)[0])
			}
		}
	}
}

// remoteGoPackage reports whether a go install operand names a package
// from a module (its first path element has a dot), not a local or
// standard-library package.
func remoteGoPackage(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.HasPrefix(p, ".") && !strings.HasPrefix(p, "/") && strings.Contains(first, ".")
}

func goVersionPinned(p string) bool {
	_, v, ok := strings.Cut(p, "@")
	if !ok {
		return false
	}
	switch v {
	case "", "latest", "master", "main", "HEAD":
		return false
	}
	return true
}

package rules

import "strings"

// DL3062: go install without a version.
var DL3062 = Rule{
	ID:       "DL3062",
	Name:     "go-install-pin",
	Severity: Warning,
	Summary:  "Pin versions in go install, go get and go run: use <package>@<version>.",
	Why: "`go install example.com/tool` without a version builds whatever the module resolves to at build " +
		"time, and `@latest` does the same explicitly. Name the version (`@v1.2.3`) so builds are " +
		"reproducible and upgrades are reviewed.",
	Bad:  "FROM golang:1.23\nRUN go install golang.org/x/tools/cmd/goimports@latest\n",
	Good: "FROM golang:1.23\nRUN go install golang.org/x/tools/cmd/goimports@v0.24.0\n",
	Differences: diffShippedStagesOnly + " As in hadolint, `go install`, `go get` (`-tool` too) and `go run` " +
		"(its first operand; the rest are the program's arguments) are checked, `@latest` counts as unpinned and " +
		"local paths (`./cmd/...`, `/src/app`, `.`) are never reported. Here `@master`, `@main` and `@HEAD` count " +
		"as unpinned too, and paths whose first element has no dot (the standard library, packages of the main " +
		"module, the `tool` meta-package) are not reported, because they cannot take a version; versions from a " +
		"known ARG are expanded. `compat: hadolint` restores hadolint's matching.",
	Equivalents: Equivalents{Hadolint: []string{"DL3062"}},
	Check:       checkDL3062,
}

var goBuildOptsWithValue = flagSet("-tags", "-ldflags", "-gcflags", "-asmflags", "-mod", "-modfile", "-p",
	"-overlay", "-pkgdir", "-toolexec", "-installsuffix", "-compiler", "-buildmode", "-pgo", "-covermode",
	"-coverpkg", "-gccgoflags", "-o")

// goFetchSubcommands are the go subcommands that fetch a module version:
// install and run build it, get records it in go.mod.
var goFetchSubcommands = []string{"install", "get", "run"}

func checkDL3062(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if c.Name() != "go" || !firstNonOptionIs(c, goBuildOptsWithValue, goFetchSubcommands...) {
			continue
		}
		pkgs := argsAfterSubcommand(c, goBuildOptsWithValue)
		if firstNonOptionIs(c, goBuildOptsWithValue, "run") && len(pkgs) > 0 {
			// go run PKG ARGS...: only the first operand is a package.
			pkgs = pkgs[:1]
		}
		for _, p := range pkgs {
			if !p.Literal || p.Value == "tool" {
				continue
			}
			local := strings.HasPrefix(p.Value, ".") || strings.HasPrefix(p.Value, "/")
			if local || !ctx.Compat() && !remoteGoPackage(p.Value) || goVersionPinned(p.Value, ctx.Compat()) {
				continue
			}
			ctx.ReportCommand(in, cmd, "go %s %s is not pinned; use %s@<version>", cliOperands(c, goBuildOptsWithValue)[0].Value, p.Value, strings.SplitN(p.Value, "@", 2)[0])
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

// goVersionPinned reports whether a package@version names a version:
// latest never does, and branch names are not pins either (hadolint, and
// so compat, accepts them).
func goVersionPinned(p string, compat bool) bool {
	_, v, ok := strings.Cut(p, "@")
	if !ok {
		return false
	}
	switch v {
	case "", "latest":
		return false
	case "master", "main", "HEAD":
		return compat
	}
	return true
}

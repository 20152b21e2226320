package rules

import (
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

func helperContext(t *testing.T, src string) *Context {
	t.Helper()
	f, err := dockerfile.Parse([]byte(src), dockerfile.Options{Path: "Dockerfile"})
	if err != nil {
		t.Fatal(err)
	}
	return &Context{File: f, Config: config.Default(), seen: map[string]int{}}
}

func TestSharedHelpers(t *testing.T) {
	ctx := helperContext(t, "ARG V\nFROM debian:12 AS base\nFROM alpine AS tool\nFROM base\nENV D=/app\n"+
		"RUN --mount=type=cache,target=/var/cache/apt rm -rf /var/lib/apt/lists/* /tmp/x/partial && sh -c 'apt-get update'\n")
	if got := ctx.ImageStages(); len(got) != 2 || got[0].Name != "base" || !got[1].IsTarget {
		t.Errorf("ImageStages = %v", got)
	}
	run := ctx.Target().Instructions[1]
	for raw, want := range map[string]struct {
		v     string
		known bool
	}{"$D/x": {"/app/x", true}, `"${V:-dflt}"`: {"dflt", true}, "$V": {"", false}, "'q'": {"q", true}} {
		if v, known := ctx.Expand(run, raw); v != want.v || known != want.known {
			t.Errorf("Expand(%q) = %q %v, want %q %v", raw, v, known, want.v, want.known)
		}
	}
	if !cacheMountCovers(run, "/var/cache/apt/archives") || !cacheMountCovers(run, "/var/cache") || cacheMountCovers(run, "/var/lib/apt/lists") {
		t.Errorf("cacheMountCovers wrong for target /var/cache/apt")
	}
	rm := run.Commands()[0]
	if !rmDeletesUnder(rm, "/var/lib/apt/lists") || !rmDeletesUnder(rm, "/var/lib/apt/lists/partial") || rmDeletesUnder(rm, "/tmp/x") {
		t.Errorf("rmDeletesUnder wrong for %v", rm.Argv())
	}
	var names []string
	for _, c := range ctx.ShippedCommands() {
		names = append(names, c.Name())
	}
	if len(names) != 3 || names[2] != "apt-get" {
		t.Errorf("ShippedCommands = %v", names)
	}
	if ops := cliOperands(rm, nil); len(ops) != 2 {
		t.Errorf("cliOperands = %v", ops)
	}
	if !registryTrusted([]string{"hub.docker.com"}, dockerfile.ParseImageRef("debian:12")) || registryTrusted([]string{"*.gcr.io"}, dockerfile.ParseImageRef("a.b.gcr.io/x")) {
		t.Errorf("registryTrusted wrong")
	}
}

func TestHelpURIPointsAtGeneratedReference(t *testing.T) {
	// gendocs writes gate/docs/rules/<ID>.md (see GNUmakefile "docs").
	if want := "/blob/main/gate/docs/rules/DL3008.md"; !strings.HasSuffix(HelpURI("DL3008"), want) {
		t.Errorf("HelpURI = %s, want it to end in %s", HelpURI("DL3008"), want)
	}
}

package ci_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// TestGateImageRecipe lints gate/Dockerfile with crank-gate itself (it must
// pass its own gate) and checks what the docs promise of the final image:
// a shell-less base, a numeric non-root user, no RUN in the final stage
// (there is no shell to run it), an exec-form entrypoint, the DB location,
// and a build with the CVE engine compiled in.
func TestGateImageRecipe(t *testing.T) {
	path := filepath.Join(repoRoot(), "gate/Dockerfile")
	cmd := exec.Command(gateBin, "lint", "--no-color", path)
	cmd.Dir = t.TempDir() // no .crank-gate.yaml from elsewhere
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("crank-gate lint gate/Dockerfile: %v\n%s", err, out)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := parser.Parse(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	var final []*parser.Node
	buildHasJSONv2 := false
	for _, n := range res.AST.Children {
		if strings.EqualFold(n.Value, "from") {
			final = nil
		}
		if strings.EqualFold(n.Value, "run") && strings.Contains(n.Original, "GOEXPERIMENT=jsonv2") && strings.Contains(n.Original, "./gate/cmd/crank-gate") {
			buildHasJSONv2 = true
		}
		final = append(final, n)
	}
	if !buildHasJSONv2 {
		t.Error("the gate is not built with GOEXPERIMENT=jsonv2: the image would have no CVE scanning")
	}
	base := final[0].Next.Value
	if !strings.HasPrefix(base, "gcr.io/distroless/static") && base != "scratch" {
		t.Errorf("final base %q: want distroless/static or scratch (no shell)", base)
	}
	seen := map[string]string{}
	for _, n := range final[1:] {
		kw := strings.ToLower(n.Value)
		switch kw {
		case "run", "shell":
			t.Errorf("final stage has %s: there is no shell in the image", strings.ToUpper(kw))
		case "user":
			seen[kw] = n.Next.Value
		case "entrypoint":
			if !n.Attributes["json"] {
				t.Errorf("ENTRYPOINT must be exec form (no shell to run the shell form)")
			}
			seen[kw] = n.Next.Value
		case "env":
			for _, kv := range strings.Fields(strings.TrimSpace(n.Original[len("ENV"):])) {
				k, v, _ := strings.Cut(kv, "=")
				seen["env "+k] = v
			}
		}
	}
	uid, _, _ := strings.Cut(seen["user"], ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		t.Errorf("USER %q: want a numeric non-root uid (Kubernetes runAsNonRoot checks it)", seen["user"])
	}
	if seen["entrypoint"] == "" {
		t.Error("no ENTRYPOINT")
	}
	if seen["env TRIVY_CACHE_DIR"] != "/db" {
		t.Errorf("TRIVY_CACHE_DIR = %q, want /db (the documented read-only DB mount)", seen["env TRIVY_CACHE_DIR"])
	}
}

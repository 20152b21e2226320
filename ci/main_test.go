// Package ci_test runs the CI integrations as written: the GitHub Action's
// run: steps, the pre-commit hooks through the real pre-commit tool, the
// GitLab CI template's script, the gate's container recipe through the
// gate's own linter, and the release archive names against .goreleaser.yml.
package ci_test

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/internal/gatesample"
)

// gateBin is crank-gate built once for the package, with Trivy
// (GOEXPERIMENT=jsonv2) as released, so image checks and CVEs run.
var gateBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "crank-ci-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	gateBin = filepath.Join(dir, "crank-gate")
	// CRANK_CI_GATE_SRC reuses a gate built from this checkout (bin/crank-gate
	// after make build) while iterating; it is copied so tests never touch it.
	if src := os.Getenv("CRANK_CI_GATE_SRC"); src != "" {
		data, err := os.ReadFile(src)
		if err == nil {
			err = os.WriteFile(gateBin, data, 0o755)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	} else {
		cmd := exec.Command("go", "build", "-o", gateBin, "./gate/cmd/crank-gate")
		cmd.Dir = repoRoot()
		cmd.Env = append(os.Environ(), "GOEXPERIMENT=jsonv2", "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building crank-gate: %v\n%s", err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func repoRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Dir(wd)
}

// requireTool returns the path of an external tool; a missing one skips
// the test locally and fails it under CI, where every test must run.
func requireTool(t *testing.T, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found and CI is set: %s (.ci/run installs it)", name, install)
		}
		t.Skipf("%s not installed: %s", name, install)
	}
	return p
}

// sampleWorkspace is a checkout of examples/gate after its build step: the
// sample's files plus its OCI image and the offline DB fixture.
func sampleWorkspace(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := gatesample.Copy(filepath.Join(repoRoot(), "examples/gate"), dir); err != nil {
		t.Fatal(err)
	}
	gatesample.Build(t, dir)
	return dir
}

// release serves what a crank-gate release publishes for this platform,
// under /v<version>/ over TLS on loopback: the archive, named and laid out
// as .goreleaser.yml makes it, and the SHA256SUMS file listing it. sums
// rewrites the checksum file (to tamper with it); nil keeps it honest.
// It returns the base URL and a CA bundle for curl.
func release(t *testing.T, version string, sums func(string) string) (baseURL, caFile string) {
	t.Helper()
	archive := fmt.Sprintf("crank-gate_%s_linux_%s.tar.gz", version, runtime.GOARCH)
	body := gateArchive(t)
	list := fmt.Sprintf("%x  %s\n%x  terraform-provider-crank_%s_linux_%s.zip\n", sha256.Sum256(body), archive, sha256.Sum256([]byte("provider")), version, runtime.GOARCH)
	if sums != nil {
		list = sums(list)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/v"+version+"/"+archive, func(w http.ResponseWriter, _ *http.Request) { w.Write(body) })
	mux.HandleFunc("/v"+version+"/terraform-provider-crank_"+version+"_SHA256SUMS", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(list)) })
	srv := httptest.NewUnstartedServer(mux)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pemCert(srv.Certificate().Raw), 0o644); err != nil {
		t.Fatal(err)
	}
	return srv.URL, caFile
}

var (
	archiveOnce  sync.Once
	archiveBytes []byte
)

// gateArchive packs gateBin once per test binary: compressing the ~280 MB
// gate takes a while, and every release test serves the same archive.
func gateArchive(t *testing.T) []byte {
	t.Helper()
	archiveOnce.Do(func() { archiveBytes = tarGz(t, "crank-gate", gateBin) })
	if archiveBytes == nil {
		t.Fatal("packing the release archive failed in an earlier test")
	}
	return archiveBytes
}

// tarGz packs one executable the way goreleaser's tar.gz archives hold the
// binary: at the archive's top level.
func tarGz(t *testing.T, name, src string) []byte {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "a.tar.gz")
	out, err := os.Create(f)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(out)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(data); err != nil {
		t.Fatal(err)
	}
	for _, c := range []interface{ Close() error }{tw, zw, out} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

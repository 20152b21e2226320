package image

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/image/imagetest"
)

// swallowingEngine reads every layer as a vulnerability engine does and,
// like an engine that logs reader errors and carries on, ignores them.
type swallowingEngine struct{ read int }

func (e *swallowingEngine) ScanImage(_ context.Context, img v1.Image, _ VulnOptions) ([]findings.Finding, error) {
	ls, _ := img.Layers()
	for _, l := range ls {
		if rc, err := l.Uncompressed(); err == nil {
			n, _ := io.Copy(io.Discard, rc)
			e.read += int(n)
			rc.Close()
		}
	}
	return nil, nil
}

// TestTaintReachesTheVerdict: when an engine reads a replaced layer and
// swallows the error, the image remembers it, and Run fails with the
// blob named whichever reader saw it first.
func TestTaintReachesTheVerdict(t *testing.T) {
	dir := t.TempDir()
	imagetest.WriteOCI(t, dir, imagetest.Insecure(t), "v1")
	src, err := Open(context.Background(), "oci:"+dir, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	mf, _ := src.Image.Manifest()
	blob := filepath.Join(dir, "blobs", "sha256", mf.Layers[0].Digest.Hex)
	data, err := os.ReadFile(blob)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(blob, data, 0o644); err != nil {
		t.Fatal(err)
	}
	eng := &swallowingEngine{}
	if _, err := eng.ScanImage(context.Background(), src.Image, VulnOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := verifyErr(src.Image); err == nil || !strings.Contains(err.Error(), "verification failed") || !strings.Contains(err.Error(), mf.Layers[0].Digest.Hex) {
		t.Fatalf("got %v after the engine read the replaced layer, want a verification failure naming the blob", err)
	}
	_, err = Run(context.Background(), src.Image, Options{Rules: []*Rule{&CGI1001}, Vuln: &swallowingEngine{}, ConcurrentVuln: true})
	if err == nil || !strings.Contains(err.Error(), "does not match its digest") || strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("Run: got %v, want the digest mismatch", err)
	}
}

func TestIsLocal(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("alpine", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ref   string
		local bool
		err   string
	}{
		{"alpine", false, "ambiguous"},
		{"./alpine", true, ""},
		{dir, true, ""},
		{"busybox", false, ""},
		{"registry.example/app:1", false, ""},
		{"app.tar", false, "looks like an image archive"},
		{"./missing", false, "does not exist"},
	} {
		local, err := isLocal(tc.ref)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: got %v, want an error with %q", tc.ref, err, tc.err)
			}
			continue
		}
		if err != nil || local != tc.local {
			t.Errorf("%s: local=%v err=%v, want local=%v", tc.ref, local, err, tc.local)
		}
	}
}

// TestTotalBudgetCountsListings: a diff id listed k times counts k times
// while its first copy is read.
func TestTotalBudgetCountsListings(t *testing.T) {
	infos := []LayerInfo{{DiffID: "a"}, {DiffID: "b"}, {DiffID: "a"}, {DiffID: "a"}}
	b := newTotalBudget(100, infos)
	if err := b.check("a", 33); err != nil {
		t.Fatalf("3 x 33 is within 100: %v", err)
	}
	if err := b.check("a", 34); err == nil {
		t.Fatal("3 x 34 is over 100")
	}
	b.finish("a", 30)
	if err := b.start("b"); err != nil {
		t.Fatal(err)
	}
	b.finish("b", 20)
	if err := b.start("a"); err == nil || !strings.Contains(err.Error(), "max-total-bytes") {
		t.Fatalf("50 done + 2 x 30 known is over 100 before reading: %v", err)
	}
}

// TestHeaderBudget: a PAX path larger than the header budget fails on the
// raw stream, before archive/tar has buffered it.
func TestHeaderBudget(t *testing.T) {
	long := fuzzTar(tarEntry{name: strings.Repeat("p", 200_000), body: "x"})
	tr, hb := newBudgetedTar(strings.NewReader(string(long)), headerBytesFor(4096))
	_, err := hb.next(tr)
	if err == nil || !strings.Contains(err.Error(), "max-path-bytes") {
		t.Fatalf("got %v", err)
	}
	short := fuzzTar(tarEntry{name: strings.Repeat("p", 4000), body: "x"}, tarEntry{name: "b"})
	tr, hb = newBudgetedTar(strings.NewReader(string(short)), headerBytesFor(4096))
	for i := 0; i < 2; i++ {
		if _, err := hb.next(tr); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
}

// TestLimitsForBudgets: the image: keys reach the limits.
func TestLimitsForBudgets(t *testing.T) {
	cfg := config.Default()
	if err := cfg.ApplyCrank([]byte("image: {max-json-bytes: 1KiB, max-path-bytes: 100B, max-manifests: 3, max-total-bytes: 1MiB, max-path-index-bytes: 2KiB}\n"), "c.yaml"); err != nil {
		t.Fatal(err)
	}
	l := LimitsFor(cfg)
	if l.MaxJSONBytes != 1<<10 || l.MaxPathBytes != 100 || l.MaxManifests != 3 || l.MaxTotalBytes != 1<<20 || l.MaxPathIndexBytes != 2<<10 {
		t.Fatalf("limits %+v", l)
	}
	dir := t.TempDir()
	imagetest.WriteOCI(t, dir, imagetest.Insecure(t), "v1")
	if _, err := Open(context.Background(), "oci:"+dir, SourceOptions{Limits: l}); err == nil || !strings.Contains(err.Error(), "max-json-bytes") {
		t.Fatalf("a 1 KiB JSON budget must refuse the manifest: %v", err)
	}
}

package image

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/crank-platform/terraform-provider-crank/gate/image/imagetest"
)

// TestRegistryLayersFetchedOnce runs the checks' pass over a registry image
// and then reads every layer again, as the vulnerability engine does: each
// blob must cross the network once, and the spool must go with Close.
func TestRegistryLayersFetchedOnce(t *testing.T) {
	img := imagetest.Insecure(t)
	reg := httptest.NewServer(quietRegistry())
	defer reg.Close()
	var mu sync.Mutex
	blobGets := map[string]int{}
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") {
			mu.Lock()
			blobGets[r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]]++
			mu.Unlock()
		}
		req := r.Clone(r.Context())
		req.URL.Scheme, req.URL.Host, req.RequestURI = "http", strings.TrimPrefix(reg.URL, "http://"), ""
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	defer counting.Close()
	host := strings.TrimPrefix(counting.URL, "http://")
	ref, err := name.ParseReference(host+"/app:1", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	clear(blobGets)
	mu.Unlock()

	spool := t.TempDir()
	src, err := Open(context.Background(), host+"/app:1", SourceOptions{InsecureRegistry: true, Keychain: authn.NewMultiKeychain(), TempDir: spool})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), src.Image, Options{}); err != nil {
		t.Fatal(err)
	}
	layers, err := src.Image.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	mu.Lock()
	for _, l := range layers {
		d, _ := l.Digest()
		if n := blobGets[d.String()]; n != 1 {
			t.Errorf("layer %s fetched %d times, want once", d, n)
		}
	}
	mu.Unlock()
	src.Close()
	if left, _ := filepathGlob(spool); len(left) != 0 {
		t.Errorf("Close left %v behind", left)
	}
}

func filepathGlob(dir string) ([]string, error) { return filepath.Glob(filepath.Join(dir, "*")) }

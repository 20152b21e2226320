package image

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crank-platform/terraform-provider-crank/gate/image/imagetest"
)

// TestExamples keeps the OCI layouts under examples/gate/image identical to
// the builders; UPDATE_EXAMPLES=1 rewrites them.
func TestExamples(t *testing.T) {
	root := filepath.Join("..", "..", "examples", "gate", "image")
	for dir, img := range map[string]v1.Image{"oci-hardened": imagetest.Hardened(t), "oci-insecure": imagetest.Insecure(t)} {
		path := filepath.Join(root, dir)
		if os.Getenv("UPDATE_EXAMPLES") == "1" {
			if err := os.RemoveAll(path); err != nil {
				t.Fatal(err)
			}
			imagetest.WriteOCI(t, path, img, "v1")
		}
		src, err := Open(context.Background(), "oci:"+path+":v1", SourceOptions{})
		if err != nil {
			t.Fatalf("%v (regenerate with UPDATE_EXAMPLES=1 go test ./gate/image -run TestExamples)", err)
		}
		got, _ := src.Image.Digest()
		want, _ := img.Digest()
		if got != want {
			t.Errorf("%s holds %s but the builder makes %s; regenerate with UPDATE_EXAMPLES=1 go test ./gate/image -run TestExamples", path, got, want)
		}
	}
}

package provider

import (
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// testClock is the provider clock tests move forward to exercise renewal.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Now()} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func factories(clock func() time.Time) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"crank": providerserver.NewProtocol6WithError(NewWithClock("test", clock)()),
	}
}

// testAccFactories serves the provider in-process with the real clock.
var testAccFactories = factories(time.Now)

// requireAcc fails loudly instead of silently skipping when the acceptance
// environment is half set up: CI must never pass by running nothing.
func requireAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make test does)")
	}
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Fatal("TF_ACC is set but TF_ACC_TERRAFORM_PATH is not; build the CLI with `make tools` and point it at bin/tofu")
	}
}

func stateAttr(s *terraform.State, addr, name string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s not in state", addr)
	}
	v, ok := rs.Primary.Attributes[name]
	if !ok {
		return "", fmt.Errorf("%s.%s not in state", addr, name)
	}
	return v, nil
}

// writeFiles writes name->content into a fresh directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// run executes an independent tool (openssl, curl) and returns its output.
func run(dir, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

func parseOne(p string) (*x509.Certificate, error) { return pki.ParseCertPEM(p) }

func hexID(b []byte) string { return pki.HexID(b) }

// checkOutputAttr checks one attribute of an object-valued output.
func checkOutputAttr(output, key, want string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		o, ok := s.RootModule().Outputs[output]
		if !ok {
			return fmt.Errorf("output %s not found", output)
		}
		m, ok := o.Value.(map[string]any)
		if !ok {
			return fmt.Errorf("output %s is %T, not an object", output, o.Value)
		}
		if got := fmt.Sprint(m[key]); got != want {
			return fmt.Errorf("output %s.%s = %s, want %s", output, key, got, want)
		}
		return nil
	}
}

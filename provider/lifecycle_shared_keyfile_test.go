package provider

import (
	"strings"
	"testing"
)

// Two crank_ca resources with one key_file, the same subject and the same
// parent look, to the second create, exactly like a crash left the first
// one's key behind. Adopting it would give two CAs one key; the second
// create must fail instead and leave only the first CA in state.
const sharedKeyFileConfig = `
terraform {
  required_providers {
    crank = { source = "crank-platform/crank" }
  }
}
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "a" {
  subject     = { common_name = "Shared Root" }
  key_storage = "file"
  key_file    = "keys/shared.key"
}
resource "crank_ca" "b" {
  subject     = { common_name = "Shared Root" }
  key_storage = "file"
  key_file    = "keys/shared.key"
}
`

func TestAccKeyFileSharedByTwoCAs(t *testing.T) {
	c := newCLIRunSince(t, 0)
	dir := crashDir(t)
	writeMain(t, dir, sharedKeyFileConfig)
	out, code := c.tofu(dir, c.env, "apply", "-input=false", "-auto-approve", "-parallelism=1")
	if code == 0 {
		t.Fatalf("apply of two CAs sharing one key_file succeeded:\n%s", out)
	}
	for _, w := range []string{"Two CAs name the same key_file", "keys/shared-2.key"} {
		if !strings.Contains(flat(out), w) {
			t.Errorf("apply output lacks %q:\n%s", w, out)
		}
	}
	list := c.mustTofu(dir, "state", "list")
	if n := strings.Count(list, "crank_ca."); n != 1 {
		t.Errorf("state holds %d CAs after the refused create, want 1:\n%s", n, list)
	}
}

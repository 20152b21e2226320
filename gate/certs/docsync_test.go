package certs

import (
	"os"
	"strings"
	"testing"
)

// docSync keeps the generated part of a guide in step with the catalogue.
func docSync(t *testing.T, path, generated, testName string) {
	t.Helper()
	const begin, end = "<!-- BEGIN GENERATED CHECKS -->\n", "<!-- END GENERATED CHECKS -->"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	i, j := strings.Index(string(doc), begin), strings.Index(string(doc), end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the generated-checks markers", path)
	}
	want := string(doc[:i]) + begin + generated + string(doc[j:])
	if want == string(doc) {
		return
	}
	if os.Getenv("UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date with the catalogue; run UPDATE_DOCS=1 go test ./gate/certs -run %s", path, testName)
}
